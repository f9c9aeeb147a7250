//! Integration tests: each module runs the real `capfloor` binary on fixtures it writes into a
//! scratch directory (see `workdir.rs`), one module per subcommand.

mod classify;
mod dossier;
mod fixtures;
mod floor;
mod hostile;
mod inspect;
mod json;
mod registry;
mod shipments;
mod tpp;
mod workdir;
