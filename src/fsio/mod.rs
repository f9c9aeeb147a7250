/*!
Every file capfloor reads from a user or writes for one, at the bottom of the crate: it imports
nothing from it, so that every command reads and writes the same careful way.

**Reading.** A file is read only if it is a regular file (a FIFO, a device, a socket or a
directory is refused before it is opened, and again on the opened handle, so that a path swapped
between the two cannot make capfloor block), and only up to a size limit that depends on what the
file is ([`Limit`]): past it the command stops with exit 2 naming the file. The limits, generous
for real inputs:

| kind | limit | why |
| --- | ---: | --- |
| declaration, what-if file | 1 MiB | a few hundred lines of TOML |
| registry CSV (`models.csv`, `benchmarks.csv`, `scores.csv`) | 256 MiB | today's are 0.3 MB in all |
| Epoch export CSV read by `registry import` | 256 MiB | the largest today (Notable AI Models) is 2.1 MB |
| registry overrides CSV | 16 MiB | today's is a few KB |
| `config.json` of a checkpoint | 16 MiB | real ones are a few KB; room for large label maps |
| shard index (`*.safetensors.index.json`) | 256 MiB | the DeepSeek-V3-shaped benchmark fixture's (91,991 tensors) is 8.8 MB: room for 29 times as many |
| `.safetensors` file | none here | only its header is read, capped at 100,000,000 bytes by `checkpoint::header` (the reference implementation's cap); the tensor data is never read |
| shipment ledger | 16 GiB | streamed, so memory does not grow with it; ~400M rows |
| an existing output read to recognise it | 64 KiB | only its first bytes are looked at |

**Writing.** Every file is written to a temporary file created exclusively (`O_EXCL`, so never
through a planted link) under an unpredictable name in the destination's directory, synced, and
renamed into place: a reader sees the old file or the new one, never half of one. A set of files
([`write_files`]) is replaced all or none; a directory ([`write_dir`]) is built beside its
destination and renamed into place.

**Nothing capfloor did not make is replaced** without `--force` ([`Guard::force`]): an existing
file is replaced only if its first bytes show capfloor wrote it (each caller says how it
recognises its own files: a comment in an SVG, a PNG text chunk, the exact header of a registry
CSV), a directory only if it is empty or holds exactly what a previous run listed in its
[`MARKER`] file. A symbolic link at the destination counts as not capfloor's (`--force` replaces
the link, never what it points to); a FIFO, device or socket is never replaced.
**Nothing a run reads is ever written over or into**, even with `--force` ([`Guard::inputs`]):
the destination may not be an input, lie inside an input directory, or contain an input.
*/

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};

mod write;

pub use write::{check_dir, write_dir, write_file, write_files, Guard, Planned, Recognise};

/// The most capfloor reads of one kind of file, and what to call that kind in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The kind of file, as messages name it ("a declaration").
    pub what: &'static str,
    pub max_bytes: u64,
}

const MIB: u64 = 1 << 20;

pub const DECLARATION: Limit = Limit {
    what: "a declaration",
    max_bytes: MIB,
};
pub const WHAT_IF: Limit = Limit {
    what: "a what-if file",
    max_bytes: MIB,
};
pub const REGISTRY_CSV: Limit = Limit {
    what: "a registry CSV",
    max_bytes: 256 * MIB,
};
pub const EXPORT: Limit = Limit {
    what: "an Epoch export CSV",
    max_bytes: 256 * MIB,
};
pub const OVERRIDES: Limit = Limit {
    what: "an overrides CSV",
    max_bytes: 16 * MIB,
};
pub const CONFIG: Limit = Limit {
    what: "a model config",
    max_bytes: 16 * MIB,
};
pub const SHARD_INDEX: Limit = Limit {
    what: "a shard index",
    max_bytes: 256 * MIB,
};
/// A weight file: opened, never read whole (its header's own cap bounds what is read).
pub const SAFETENSORS: Limit = Limit {
    what: "a safetensors file",
    max_bytes: u64::MAX,
};
pub const LEDGER: Limit = Limit {
    what: "a shipment ledger",
    max_bytes: 16 << 30,
};
/// How much of an existing output is read to recognise it as capfloor's.
pub const HEAD: Limit = Limit {
    what: "an existing output",
    max_bytes: 64 << 10,
};

/// The file a directory capfloor writes carries, listing what it put there.
pub const MARKER: &str = ".capfloor-output";

/// A file that cannot be read or written as asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system refused (the message is its own, once).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A FIFO, device, socket or directory where a regular file is read.
    #[error("{}: {what} must be a regular file, and this is {found}", path.display())]
    NotRegular {
        path: PathBuf,
        what: &'static str,
        found: &'static str,
    },
    /// Larger than the limit for its kind.
    #[error("{}: larger than the {} limit for {what} ({})", path.display(), bytes(*limit), match size { Some(s) => format!("{s} bytes"), None => "it grew while being read".to_string() })]
    TooLarge {
        path: PathBuf,
        what: &'static str,
        limit: u64,
        size: Option<u64>,
    },
    /// Not UTF-8 text where text is read.
    #[error("{}: {what} must be UTF-8 text (invalid byte at offset {offset})", path.display())]
    NotText {
        path: PathBuf,
        what: &'static str,
        offset: usize,
    },
    /// The destination holds something capfloor did not write.
    #[error("{}: not replaced: {found}; pass --force to replace it", path.display())]
    NotOurs { path: PathBuf, found: String },
    /// The destination cannot be written at all (a directory where a file goes, a file that
    /// appeared while capfloor was writing).
    #[error("{}: not written: {problem}", path.display())]
    Refused { path: PathBuf, problem: String },
    /// The destination is, holds or lies inside an input of the same run.
    #[error("{}: not written: it {relation} {}, an input of this run (not even --force writes over an input)", path.display(), input.display())]
    Input {
        path: PathBuf,
        input: PathBuf,
        relation: &'static str,
    },
}

fn bytes(n: u64) -> String {
    if n >= 1 << 30 && n % (1 << 30) == 0 {
        format!("{} GiB", n >> 30)
    } else if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a non-regular file is, for messages.
fn kind_of(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "a directory";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Refuses anything but a regular file, saying what it is (for callers that look at a path
/// before deciding how to read it).
pub fn check_regular(path: &Path, m: &Metadata, limit: &Limit) -> Result<(), Error> {
    if m.is_file() {
        Ok(())
    } else {
        Err(Error::NotRegular {
            path: path.to_path_buf(),
            what: limit.what,
            found: kind_of(m),
        })
    }
}

fn too_large(path: &Path, limit: &Limit, size: Option<u64>) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        what: limit.what,
        limit: limit.max_bytes,
        size,
    }
}

/// Opens a regular file for reading without blocking on a FIFO swapped in after the check, and
/// gives its length as the opened handle reports it.
fn open_regular(path: &Path, limit: &Limit) -> Result<(File, u64), Error> {
    let before = fs::metadata(path).map_err(io_error(path))?;
    check_regular(path, &before, limit)?;
    if before.len() > limit.max_bytes {
        return Err(too_large(path, limit, Some(before.len())));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    options.custom_flags(libc::O_NONBLOCK);
    let file = options.open(path).map_err(io_error(path))?;
    let after = file.metadata().map_err(io_error(path))?;
    check_regular(path, &after, limit)?;
    // What was opened decides: the path may have been replaced by a larger file meanwhile.
    if after.len() > limit.max_bytes {
        return Err(too_large(path, limit, Some(after.len())));
    }
    Ok((file, after.len()))
}

/// Opens a regular file within `limit` for reading at will (a checkpoint's header, a mapped
/// index), and gives its length as the opened handle reports it.
pub fn open_file(path: &Path, limit: &Limit) -> Result<(File, u64), Error> {
    open_regular(path, limit)
}

/// Whether something exists at `path` (a dangling symbolic link does): a file that is there must
/// be read or refused, never silently passed over.
pub fn exists(path: &Path) -> Result<bool, Error> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error(path)(e)),
    }
}

/// The path that means standard input (`capfloor classify --declaration -`): read with the same
/// size limit as a file, named `-` in messages.
pub const STDIN: &str = "-";

/// Whether `path` is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// A regular file (or standard input) opened for streaming, which fails with
/// [`Error::TooLarge`] past its limit.
pub struct Reader {
    file: Box<dyn Read + Send>,
    path: PathBuf,
    limit: Limit,
    read: u64,
}

/// Opens `path` for streaming (see the module doc for the checks); `-` is standard input.
pub fn open(path: &Path, limit: &Limit) -> Result<Reader, Error> {
    let file: Box<dyn Read + Send> = if is_stdin(path) {
        Box::new(io::stdin())
    } else {
        Box::new(open_regular(path, limit)?.0)
    };
    Ok(Reader {
        file,
        path: path.to_path_buf(),
        limit: *limit,
        read: 0,
    })
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit.max_bytes {
            // The file grew past the limit after it was opened.
            return Err(io::Error::other(too_large(&self.path, &self.limit, None)));
        }
        Ok(n)
    }
}

/// The [`Error`] inside an I/O error from a [`Reader`], if it is one.
pub fn from_io(e: io::Error) -> Result<Error, io::Error> {
    if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        let inner = e.into_inner().expect("checked above");
        Ok(*inner.downcast::<Error>().expect("checked above"))
    } else {
        Err(e)
    }
}

/// Reads a whole regular file (or standard input, `-`) of at most `limit` bytes.
pub fn read(path: &Path, limit: &Limit) -> Result<Vec<u8>, Error> {
    let file: Box<dyn Read> = if is_stdin(path) {
        Box::new(io::stdin().lock())
    } else {
        Box::new(open_regular(path, limit)?.0)
    };
    let mut bytes = Vec::new();
    // One byte more than the limit is read to notice a file that grew meanwhile.
    file.take(limit.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    if bytes.len() as u64 > limit.max_bytes {
        return Err(too_large(path, limit, None));
    }
    Ok(bytes)
}

/// Reads a whole regular file of at most `limit` bytes as UTF-8 text.
pub fn read_to_string(path: &Path, limit: &Limit) -> Result<String, Error> {
    String::from_utf8(read(path, limit)?).map_err(|e| Error::NotText {
        path: path.to_path_buf(),
        what: limit.what,
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn non_regular_and_oversized_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.toml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let e = read(&fifo, &DECLARATION).unwrap_err().to_string();
        assert!(
            e.ends_with("a declaration must be a regular file, and this is a FIFO"),
            "{e}"
        );
        let e = read(dir.path(), &DECLARATION).unwrap_err().to_string();
        assert!(e.contains("this is a directory"), "{e}");
        let e = read(Path::new("/dev/zero"), &CONFIG)
            .unwrap_err()
            .to_string();
        assert!(e.contains("this is a device"), "{e}");
        let big = dir.path().join("big.toml");
        fs::write(&big, vec![b'#'; (MIB + 1) as usize]).unwrap();
        let e = read(&big, &DECLARATION).unwrap_err().to_string();
        assert!(
            e.contains("larger than the 1 MiB limit for a declaration (1048577 bytes)"),
            "{e}"
        );
        let latin = dir.path().join("l.toml");
        fs::write(&latin, b"name = \"caf\xe9\"").unwrap();
        let e = read_to_string(&latin, &DECLARATION)
            .unwrap_err()
            .to_string();
        assert!(e.contains("UTF-8 text (invalid byte at offset 11)"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_missing_file_does_not_exist_and_a_dangling_link_does() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("config.json");
        assert!(!exists(&missing).unwrap());
        let e = read(&missing, &CONFIG).unwrap_err();
        assert!(matches!(&e, Error::Io { source, .. } if source.kind() == io::ErrorKind::NotFound));
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&missing, &link).unwrap();
        assert!(exists(&link).unwrap(), "there, so read or refused");
        assert!(read(&link, &CONFIG).is_err());
    }

    #[test]
    fn open_file_gives_the_length_and_refuses_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors.index.json");
        let f = File::create(&path).unwrap();
        f.set_len(SHARD_INDEX.max_bytes).unwrap();
        assert_eq!(
            open_file(&path, &SHARD_INDEX).unwrap().1,
            SHARD_INDEX.max_bytes
        );
        f.set_len(SHARD_INDEX.max_bytes + 1).unwrap();
        let e = open_file(&path, &SHARD_INDEX).unwrap_err().to_string();
        assert!(
            e.ends_with("larger than the 256 MiB limit for a shard index (268435457 bytes)"),
            "{e}"
        );
        // A weight file has no whole-file limit: only its header is read.
        f.set_len(1 << 40).unwrap();
        assert_eq!(open_file(&path, &SAFETENSORS).unwrap().1, 1 << 40);
    }
}
