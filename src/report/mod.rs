/*!
Everything capfloor writes to files: charts, the floor explorer page, and the technical-opinion
dossier with the fingerprints of the weights it rests on. The writing itself (atomic, never over
what capfloor did not make, never over an input) is [`crate::fsio`]'s.
*/

use std::path::PathBuf;

pub mod chart;
pub mod dossier;
pub mod explore;
pub mod fingerprint;
pub mod ink;
pub mod layout;

/// A file that could not be written, or a chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be written (or replaced, or was not ours to replace).
    #[error(transparent)]
    File(#[from] crate::fsio::Error),
    /// A weight file could not be read for its fingerprint.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The output name has no extension capfloor can write.
    #[error("{}: unknown chart format (use .svg or .png)", path.display())]
    UnknownFormat { path: PathBuf },
    /// The drawing library failed.
    #[error("{}: drawing the chart failed: {message}", path.display())]
    Draw { path: PathBuf, message: String },
    /// There is nothing to draw.
    #[error("{}: nothing to draw: {reason}", path.display())]
    Empty { path: PathBuf, reason: String },
}
