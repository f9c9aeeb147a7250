/*!
The crate-wide error: one variant per module whose failures reach the command line.

Every variant here is *bad input* (exit code 2) except a broken output pipe, which the binary
treats as success so that `capfloor … | head` ends quietly. Findings that a caller asked to fail
on (exit code 1) are not errors; they are [`crate::cli::Exit::Finding`].
*/

use std::io;

/// Anything that stops a command before it can produce its answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input that is not a regular file, is over its limit, or an output that may not be written.
    #[error(transparent)]
    File(#[from] crate::fsio::Error),
    /// A checkpoint (safetensors file, shard index or `config.json`) could not be read or is invalid.
    #[error(transparent)]
    Checkpoint(#[from] crate::checkpoint::Error),
    /// The floor (or its history, projection, what-if) is not defined for these inputs.
    #[error(transparent)]
    Floor(#[from] crate::floor::Error),
    /// The frontier fit is not defined for these inputs.
    #[error(transparent)]
    Frontier(#[from] crate::frontier::Error),
    /// The backtest has nothing to test.
    #[error(transparent)]
    Backtest(#[from] crate::backtest::Error),
    /// A TOML file (a declaration, a what-if release) is unreadable or invalid.
    #[error(transparent)]
    TomlFile(#[from] crate::tomlfile::Error),
    /// A chart or report file could not be written.
    #[error(transparent)]
    Report(#[from] crate::report::Error),
    /// The model registry is unreadable or invalid.
    #[error(transparent)]
    Registry(#[from] crate::registry::Error),
    /// The capability index cannot be fitted.
    #[error(transparent)]
    Capability(#[from] crate::capability::Error),
    /// The regimes data file is invalid.
    #[error(transparent)]
    Regimes(#[from] crate::regimes::Error),
    /// The operations cannot be estimated from the declaration.
    #[error(transparent)]
    Compute(#[from] crate::compute::Error),
    /// A shipment ledger is unreadable or invalid.
    #[error(transparent)]
    Ledger(#[from] crate::hardware::ledger::Error),
    /// The ledger's limits cannot be applied as asked (e.g. `--g2g` for a tier 1 country).
    #[error(transparent)]
    Ceilings(#[from] crate::hardware::ceilings::Error),
    /// An option value the parser could not check on its own.
    #[error("{0}")]
    Usage(String),
    /// A fit or floor that failed on a registry read with `--registry DIR`: which one it was.
    #[error("{source} (registry {registry})")]
    InRegistry {
        registry: String,
        #[source]
        source: Box<Error>,
    },
    /// Writing the answer to standard output failed.
    #[error("writing output: {0}")]
    Output(#[source] io::Error),
}

impl Error {
    /// True when the reader of our output went away (`capfloor … | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Output(e) => e.kind() == io::ErrorKind::BrokenPipe,
            Error::InRegistry { source, .. } => source.is_broken_pipe(),
            _ => false,
        }
    }
}

impl From<io::Error> for Error {
    /// Plain I/O errors that reach this conversion come from writing output; reading input
    /// always goes through a module error that names the file.
    fn from(e: io::Error) -> Self {
        Error::Output(e)
    }
}
