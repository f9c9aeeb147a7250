//! Integration tests: each module runs the real `capfloor` binary on fixtures it writes into a
//! scratch directory (see `workdir.rs`), one module per subcommand.

mod capability;
mod classify;
mod dossier;
mod explore;
mod fixtures;
mod floor;
mod hostile;
mod hostile_checkpoint;
mod inspect;
mod json;
mod regimes;
mod registry;
mod shipments;
mod tpp;
mod workdir;
