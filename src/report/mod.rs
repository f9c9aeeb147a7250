/*!
Everything capfloor writes to files: charts, the floor explorer page, and the technical-opinion
dossier. Every file is
written to a temporary name beside its destination and renamed into place, so that a failed run
never leaves a half-written file where a reader expects a whole one.
*/

use std::io::Write;
use std::path::{Path, PathBuf};

pub mod chart;
pub mod dossier;
pub mod explore;
pub mod fingerprint;
pub mod ink;
pub mod layout;

/// A file that could not be written, or a chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing or renaming the file failed.
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

/// The temporary name a file is written under before it is renamed to `path`.
pub fn temporary(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = temporary(path);
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        assert!(!temporary(&path).exists());
        // A destination in a missing directory fails without leaving anything behind.
        let bad = dir.path().join("missing/b.txt");
        assert!(matches!(write_atomic(&bad, b"x"), Err(Error::Io { .. })));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
