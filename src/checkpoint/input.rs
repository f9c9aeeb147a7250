/*!
Opening the files a checkpoint is read from, in bounded time and memory.

Each is refused unless it is a regular file — a FIFO blocks `open` until a writer comes (so a
FIFO named `model.safetensors` would hang), `/dev/zero` never ends, a directory is not a file —
checked before it is opened and again on what was opened (the path may change in between; the
remaining window is `open` itself, which a FIFO swapped in at that instant still blocks). Each
kind of file is read up to a documented limit, and past it is bad input naming the file:

| file | limit | why |
| --- | ---: | --- |
| safetensors header | 100,000,000 bytes ([`super::header::MAX_HEADER_BYTES`]) | the reference implementation's cap; the tensor data after it is never read |
| shard index | 256 MiB ([`MAX_INDEX_BYTES`]) | the DeepSeek-V3-shaped benchmark fixture's (91,991 tensors) is 8.8 MB: room for 29 times as many |
| `config.json` | 16 MiB ([`MAX_CONFIG_BYTES`]) | configs are a few kilobytes; room for ones that carry large label maps |
*/

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

use super::error::Error;

/// The largest shard index read.
pub const MAX_INDEX_BYTES: u64 = 256 << 20;

/// The largest `config.json` read.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// What a file is expected to be: how it is named in messages and how much of it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A `.safetensors` file (only its header is read; its cap is the header's).
    Weights,
    /// A `*.safetensors.index.json`.
    Index,
    /// A model's `config.json`.
    Config,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Weights => "safetensors file",
            Kind::Index => "shard index",
            Kind::Config => "model config",
        }
    }

    /// The most bytes read from a whole file of this kind.
    fn cap(self) -> Option<u64> {
        match self {
            Kind::Weights => None,
            Kind::Index => Some(MAX_INDEX_BYTES),
            Kind::Config => Some(MAX_CONFIG_BYTES),
        }
    }
}

/// Opens `path` for reading if it is a regular file within `kind`'s limit, and gives its length.
pub fn open(path: &Path, kind: Kind) -> Result<(File, u64), Error> {
    let meta = std::fs::metadata(path).map_err(|e| stat_error(path, e))?;
    check_regular(path, &meta, kind)?;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    // What was opened decides (the path may have been replaced since it was looked at).
    let meta = file.metadata().map_err(io)?;
    check_regular(path, &meta, kind)?;
    let len = meta.len();
    check_len(path, kind, len)?;
    Ok((file, len))
}

/// Reads the whole of `path`, a regular file of `kind` within its limit.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, Error> {
    let (file, len) = open(path, kind)?;
    let cap = kind.cap().unwrap_or(u64::MAX);
    // `len` is at most the cap; one byte more is read to notice a file that grew meanwhile.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    check_len(path, kind, bytes.len() as u64)?;
    Ok(bytes)
}

/// Whether something exists at `path` (a dangling symbolic link does): a file that is there must
/// be read or refused, never silently passed over.
pub fn exists(path: &Path) -> Result<bool, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A failure to look at `path`: missing, or another OS error.
pub fn stat_error(path: &Path, source: io::Error) -> Error {
    match source.kind() {
        io::ErrorKind::NotFound => Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Refuses anything but a regular file, saying what it is.
pub fn check_regular(path: &Path, meta: &Metadata, kind: Kind) -> Result<(), Error> {
    if meta.is_file() {
        return Ok(());
    }
    Err(Error::NotRegularFile {
        path: path.to_path_buf(),
        found: describe(meta),
        expected: kind.noun(),
    })
}

fn check_len(path: &Path, kind: Kind, len: u64) -> Result<(), Error> {
    match kind.cap() {
        Some(cap) if len > cap => Err(Error::FileTooLarge {
            path: path.to_path_buf(),
            kind: kind.noun(),
            len,
            cap,
        }),
        _ => Ok(()),
    }
}

/// What a file that is not regular is, in words.
fn describe(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_devices_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), Kind::Config).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a directory, not a regular file (a model config must be one)"),
            "{e}"
        );
        #[cfg(unix)]
        {
            let e = read(Path::new("/dev/zero"), Kind::Config).unwrap_err();
            assert!(
                e.to_string()
                    .contains("/dev/zero: is a character device, not a regular file"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_file_over_its_kind_s_limit_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let f = File::create(&path).unwrap();
        f.set_len(MAX_CONFIG_BYTES + 1).unwrap();
        let e = read(&path, Kind::Config).unwrap_err();
        assert!(
            e.to_string().ends_with(&format!(
                "{} bytes is over the {MAX_CONFIG_BYTES}-byte limit for a model config",
                MAX_CONFIG_BYTES + 1
            )),
            "{e}"
        );
        f.set_len(MAX_CONFIG_BYTES).unwrap();
        assert_eq!(
            read(&path, Kind::Config).unwrap().len() as u64,
            MAX_CONFIG_BYTES
        );
    }

    #[test]
    fn a_missing_file_is_not_found_and_a_dangling_link_exists() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("config.json");
        assert!(matches!(
            read(&missing, Kind::Config),
            Err(Error::NotFound { .. })
        ));
        assert!(!exists(&missing).unwrap());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&missing, &link).unwrap();
            assert!(exists(&link).unwrap());
            assert!(matches!(
                read(&link, Kind::Config),
                Err(Error::NotFound { .. })
            ));
        }
    }
}
