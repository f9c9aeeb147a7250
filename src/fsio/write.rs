/*!
Writing for [`super`]: atomic files, all-or-none sets of files and whole directories, each
checked first against what is already there ([`Guard`]).
*/

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

use super::{io_error, kind_of, Error, HEAD, MARKER};

/// What a command may replace when it writes.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Replace what capfloor did not write (`--force`).
    pub force: bool,
    /// Every file and directory the run reads: never written over or into.
    pub inputs: Vec<PathBuf>,
}

/// Tells whether a file is one capfloor wrote, from its first bytes (at most [`HEAD`]).
pub type Recognise<'a> = &'a dyn Fn(&[u8]) -> bool;

/// `path` made absolute, with the symbolic links of its existing part resolved (the rest taken
/// as written): where a write to it would land.
fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(p) = fs::canonicalize(base) {
            let mut out = p;
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => return absolute,
        }
    }
}

/// Refuses a destination that is, holds or lies inside an input, or that names no file
/// (`.`, `..`, `/`, an empty path).
fn not_an_input(path: &Path, guard: &Guard) -> Result<(), Error> {
    let target = resolve(path);
    let refuse_unnamed = || {
        if path.file_name().is_none() {
            Err(Error::Refused {
                path: path.to_path_buf(),
                problem: "give a path that names the file or directory to write".into(),
            })
        } else {
            Ok(())
        }
    };
    for input in &guard.inputs {
        // An input that does not exist cannot be written over.
        let Ok(i) = fs::canonicalize(input) else {
            continue;
        };
        let relation = if target == i {
            "is"
        } else if i.starts_with(&target) {
            "holds"
        } else if target.starts_with(&i) {
            "lies inside"
        } else {
            continue;
        };
        return Err(Error::Input {
            path: path.to_path_buf(),
            input: input.clone(),
            relation,
        });
    }
    refuse_unnamed()
}

/// What is at a destination capfloor may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    Nothing,
    /// Something that may be replaced (capfloor's own, or anything under `--force`).
    Replaceable,
}

/// The first bytes of a regular file, read without following a link.
fn head(path: &Path) -> Result<Vec<u8>, Error> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    let file = options.open(path).map_err(io_error(path))?;
    if !file.metadata().map_err(io_error(path))?.is_file() {
        return Ok(Vec::new());
    }
    let mut bytes = Vec::new();
    file.take(HEAD.max_bytes)
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    Ok(bytes)
}

/// A FIFO, device or socket at a destination: never replaced, not even with `--force` (a
/// device node replaced by a file is never what was meant: `--out /dev/null` as root).
fn special(path: &Path, m: &Metadata) -> Error {
    Error::Refused {
        path: path.to_path_buf(),
        problem: format!(
            "it is {}; capfloor writes only files and directories",
            kind_of(m)
        ),
    }
}

/// Checks what is at `path`, where a file is to be written.
fn file_target(path: &Path, ours: Recognise, guard: &Guard) -> Result<Existing, Error> {
    not_an_input(path, guard)?;
    let m = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(io_error(path)(e)),
    };
    if m.is_dir() {
        return Err(Error::Refused {
            path: path.to_path_buf(),
            problem: "it is a directory; give a file name".into(),
        });
    }
    let found = if m.is_file() {
        if ours(&head(path)?) {
            return Ok(Existing::Replaceable);
        }
        "it is a file capfloor did not write".to_string()
    } else if m.file_type().is_symlink() {
        "it is a symbolic link (capfloor writes no file through a link; --force replaces the link itself)".to_string()
    } else {
        return Err(special(path, &m));
    };
    if guard.force {
        Ok(Existing::Replaceable)
    } else {
        Err(Error::NotOurs {
            path: path.to_path_buf(),
            found,
        })
    }
}

/// The directory a destination's temporary files go in: its own.
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A hidden, unpredictable temporary name beside `path`.
fn builder_for(path: &Path) -> (tempfile::Builder<'static, 'static>, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capfloor".into());
    let mut b = tempfile::Builder::new();
    b.suffix(".tmp");
    #[cfg(unix)]
    // Ordinary permissions (masked by the umask), as a plainly created file would have.
    b.permissions(fs::Permissions::from_mode(0o666));
    (b, format!(".{name}."))
}

/// `bytes` in a fresh temporary file beside `path`, synced.
fn staged(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Error> {
    let dir = parent_of(path);
    let (mut b, prefix) = builder_for(path);
    let mut tmp = b
        .prefix(&prefix)
        .tempfile_in(&dir)
        .map_err(|e| io_error(path)(strip_path(e)))?;
    tmp.write_all(bytes).map_err(io_error(path))?;
    tmp.as_file().sync_all().map_err(io_error(path))?;
    Ok(tmp)
}

/// tempfile adds the temporary path to its errors (and hides the OS error behind it); the
/// destination is named instead, with the operating system's own message once.
fn strip_path(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    let text = e.to_string();
    let code = text
        .split_once("(os error ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .and_then(|(n, _)| n.parse::<i32>().ok());
    match code {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::from(e.kind()),
    }
}

/// Syncs a directory so that a rename in it survives a crash (best effort: not every file system
/// can sync a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Moves `tmp` to `path`: over what is there if it may be replaced, else only if nothing is.
fn place(tmp: tempfile::NamedTempFile, path: &Path, existing: Existing) -> Result<(), Error> {
    let result = match existing {
        Existing::Replaceable => tmp.persist(path).map(|_| ()),
        Existing::Nothing => tmp.persist_noclobber(path).map(|_| ()),
    };
    match result {
        Ok(()) => {
            sync_dir(&parent_of(path));
            Ok(())
        }
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(Error::Refused {
            path: path.to_path_buf(),
            problem: "a file appeared there while capfloor was writing; it was left alone".into(),
        }),
        Err(e) => Err(io_error(path)(e.error)),
    }
}

/// Writes `bytes` to `path` atomically, replacing only a file `ours` recognises (or anything
/// under `--force`), never an input.
pub fn write_file(path: &Path, bytes: &[u8], ours: Recognise, guard: &Guard) -> Result<(), Error> {
    let existing = file_target(path, ours, guard)?;
    let tmp = staged(path, bytes)?;
    place(tmp, path, existing)
}

/// One file of a set written together.
pub struct Planned<'a> {
    pub path: PathBuf,
    pub bytes: &'a [u8],
    pub ours: Recognise<'a>,
}

/// The old file at a destination, kept under a temporary name until the set is in place.
struct Backup {
    path: PathBuf,
    /// Still a hard link to the file at the destination (nothing moved yet).
    linked: bool,
}

/// Keeps the file at `path` under a fresh name beside it: a hard link where the file system
/// allows one (the destination never disappears), else a rename.
fn backup(path: &Path) -> Result<Backup, Error> {
    let dir = parent_of(path);
    let (b, prefix) = builder_for(path);
    let mut b = b;
    b.prefix(&prefix).suffix(".old");
    let linked = b.make_in(&dir, |p| fs::hard_link(path, p));
    let (kept, linked) = match linked {
        Ok(t) => (t, true),
        Err(_) => (
            b.make_in(&dir, |p| fs::rename(path, p))
                .map_err(|e| io_error(path)(strip_path(e)))?,
            false,
        ),
    };
    let kept = kept
        .into_temp_path()
        .keep()
        .map_err(|e| io_error(path)(e.error))?;
    Ok(Backup { path: kept, linked })
}

/// Replaces every file of `files` or none: each is checked and staged first; then each old file
/// is kept aside and the new one renamed into place, and on any failure the old ones are put
/// back. (A crash between the renames, which take microseconds, can leave a mix; the old files
/// are then beside them as `.NAME.*.old`.)
pub fn write_files(files: &[Planned], guard: &Guard) -> Result<(), Error> {
    let existing = files
        .iter()
        .map(|f| file_target(&f.path, f.ours, guard))
        .collect::<Result<Vec<_>, _>>()?;
    let staged = files
        .iter()
        .map(|f| staged(&f.path, f.bytes))
        .collect::<Result<Vec<_>, _>>()?;
    // (destination, backup) for each file placed so far.
    let mut placed: Vec<(&Path, Option<Backup>)> = Vec::new();
    let mut failure = None;
    for ((f, tmp), &ex) in files.iter().zip(staged).zip(&existing) {
        let kept = if ex == Existing::Replaceable && fs::symlink_metadata(&f.path).is_ok() {
            match backup(&f.path) {
                Ok(b) => Some(b),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        } else {
            None
        };
        let moved_aside = kept.as_ref().is_some_and(|b| !b.linked);
        match place(
            tmp,
            &f.path,
            if moved_aside { Existing::Nothing } else { ex },
        ) {
            Ok(()) => placed.push((&f.path, kept)),
            Err(e) => {
                if let Some(b) = kept {
                    restore(&f.path, b);
                }
                failure = Some(e);
                break;
            }
        }
    }
    match failure {
        None => {
            for (_, kept) in placed {
                if let Some(b) = kept {
                    let _ = fs::remove_file(&b.path);
                }
            }
            Ok(())
        }
        Some(e) => {
            for (path, kept) in placed.into_iter().rev() {
                match kept {
                    Some(b) => restore(path, b),
                    None => {
                        let _ = fs::remove_file(path);
                    }
                }
            }
            Err(e)
        }
    }
}

/// Puts a kept file back at `path` (best effort: this runs while another error is reported).
fn restore(path: &Path, b: Backup) {
    let _ = fs::rename(&b.path, path);
}

/// Whether the directory `dir` may be replaced without `--force`: empty, or holding only what a
/// previous run listed in its marker (whose first line is `capfloor KIND`).
fn own_dir(dir: &Path, kind: &str) -> Result<Result<(), String>, Error> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    if names.is_empty() {
        return Ok(Ok(()));
    }
    names.sort();
    let marker = dir.join(MARKER);
    let listed: Option<Vec<String>> = fs::symlink_metadata(&marker)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|_| head(&marker).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|text| {
            let mut lines = text.lines();
            (lines.next() == Some(&format!("capfloor {kind}")))
                .then(|| lines.map(str::to_string).collect())
        });
    let Some(listed) = listed else {
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        let more = if names.len() > 3 {
            format!(" and {} more", names.len() - 3)
        } else {
            String::new()
        };
        return Ok(Err(format!(
            "it is a directory capfloor did not write (it holds {}{more})",
            shown.join(", ")
        )));
    };
    let foreign: Vec<&str> = names
        .iter()
        .filter(|n| n.as_str() != MARKER && !listed.contains(n))
        .map(String::as_str)
        .collect();
    if foreign.is_empty() {
        Ok(Ok(()))
    } else {
        Ok(Err(format!(
            "it holds files the previous {kind} did not write ({})",
            foreign.join(", ")
        )))
    }
}

/// Checks, before any work is done, that `dir` may be written as [`write_dir`] would.
pub fn check_dir(dir: &Path, kind: &str, guard: &Guard) -> Result<(), Error> {
    dir_target(dir, kind, guard).map(|_| ())
}

fn dir_target(dir: &Path, kind: &str, guard: &Guard) -> Result<Existing, Error> {
    not_an_input(dir, guard)?;
    Ok(match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Existing::Nothing,
        Err(e) => return Err(io_error(dir)(e)),
        Ok(m) => {
            let verdict = if m.is_dir() {
                own_dir(dir, kind)?
            } else if m.file_type().is_symlink() {
                Err("it is a symbolic link (capfloor writes nothing through a link; --force replaces the link itself)".into())
            } else if m.is_file() {
                Err(format!("it is {}, not a directory", kind_of(&m)))
            } else {
                return Err(special(dir, &m));
            };
            match verdict {
                Ok(()) => Existing::Replaceable,
                Err(_) if guard.force => Existing::Replaceable,
                Err(found) => {
                    return Err(Error::NotOurs {
                        path: dir.to_path_buf(),
                        found,
                    })
                }
            }
        }
    })
}

/// Writes `files` (name, bytes) as the directory `dir`, atomically: built in a temporary
/// directory beside it, with a [`MARKER`] listing them, and renamed into place. What is at
/// `dir` is replaced only if it is empty or a previous output of this `kind` (or anything under
/// `--force`), never if it is, holds or lies inside an input.
pub fn write_dir(
    dir: &Path,
    kind: &str,
    files: &[(String, Vec<u8>)],
    guard: &Guard,
) -> Result<(), Error> {
    let existing = dir_target(dir, kind, guard)?;
    for (name, _) in files {
        if name == MARKER || name.contains('/') || name.is_empty() {
            return Err(Error::Refused {
                path: dir.join(name),
                problem: "not a plain file name".into(),
            });
        }
    }
    let parent = parent_of(dir);
    fs::create_dir_all(&parent).map_err(io_error(&parent))?;
    let (mut b, prefix) = builder_for(dir);
    #[cfg(unix)]
    b.permissions(fs::Permissions::from_mode(0o777));
    let tmp = b
        .prefix(&prefix)
        .suffix("")
        .tempdir_in(&parent)
        .map_err(|e| io_error(dir)(strip_path(e)))?;
    let mut marker = format!("capfloor {kind}\n");
    for (name, bytes) in files {
        write_new(&tmp.path().join(name), bytes).map_err(io_error(&dir.join(name)))?;
        marker.push_str(name);
        marker.push('\n');
    }
    write_new(&tmp.path().join(MARKER), marker.as_bytes()).map_err(io_error(&dir.join(MARKER)))?;
    sync_dir(tmp.path());

    let kept = match existing {
        Existing::Nothing => None,
        Existing::Replaceable => {
            let (b, prefix) = builder_for(dir);
            let mut b = b;
            let kept = b
                .prefix(&prefix)
                .suffix(".old")
                .make_in(&parent, |p| fs::rename(dir, p))
                .map_err(|e| io_error(dir)(strip_path(e)))?;
            Some(
                kept.into_temp_path()
                    .keep()
                    .map_err(|e| io_error(dir)(e.error))?,
            )
        }
    };
    if let Err(e) = fs::rename(tmp.path(), dir) {
        if let Some(old) = &kept {
            let _ = fs::rename(old, dir);
        }
        return Err(match e.raw_os_error() {
            Some(libc::ENOTEMPTY) | Some(libc::EEXIST) | Some(libc::ENOTDIR) => Error::Refused {
                path: dir.to_path_buf(),
                problem: "something appeared there while capfloor was writing; it was left alone"
                    .into(),
            },
            _ => io_error(dir)(e),
        });
    }
    let _ = tmp.keep();
    sync_dir(&parent);
    if let Some(old) = kept {
        let removed = match fs::symlink_metadata(&old) {
            Ok(m) if m.is_dir() => fs::remove_dir_all(&old),
            Ok(_) => fs::remove_file(&old),
            Err(e) => Err(e),
        };
        removed.map_err(io_error(&old))?;
    }
    Ok(())
}

/// Creates `path` (which must not exist) with `bytes`, synced.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(head: &[u8]) -> bool {
        head.starts_with(b"capfloor")
    }

    fn guard() -> Guard {
        Guard::default()
    }

    fn only_entry(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn files_appear_whole_and_leave_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_file(&path, b"capfloor 1", &ours, &guard()).unwrap();
        write_file(&path, b"capfloor 2", &ours, &guard()).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"capfloor 2");
        assert_eq!(only_entry(dir.path()), ["a.txt"]);
        // A destination in a missing directory fails, naming it, without leaving anything.
        let bad = dir.path().join("missing/b.txt");
        let e = write_file(&bad, b"x", &ours, &guard())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&bad.display().to_string()), "{e}");
        assert!(e.contains("No such file"), "{e}");
        assert_eq!(e.matches("os error").count(), 1, "{e}");
    }

    #[test]
    fn a_file_capfloor_did_not_write_is_replaced_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.svg");
        fs::write(&path, b"my notes").unwrap();
        let e = write_file(&path, b"capfloor", &ours, &guard()).unwrap_err();
        assert!(matches!(e, Error::NotOurs { .. }), "{e}");
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(fs::read(&path).unwrap(), b"my notes");
        let force = Guard {
            force: true,
            ..guard()
        };
        write_file(&path, b"capfloor", &ours, &force).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"capfloor");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"capfloor precious").unwrap();
        let link = dir.path().join("out.svg");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(write_file(&link, b"capfloor new", &ours, &guard()).is_err());
        let force = Guard {
            force: true,
            ..guard()
        };
        write_file(&link, b"capfloor new", &ours, &force).unwrap();
        // The link itself was replaced; its target is untouched.
        assert_eq!(fs::read(&victim).unwrap(), b"capfloor precious");
        assert!(!fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&link).unwrap(), b"capfloor new");
    }

    #[test]
    fn an_input_is_never_written_over_or_into_even_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        fs::write(&input, b"capfloor data").unwrap();
        let ckpt = dir.path().join("ckpt");
        fs::create_dir(&ckpt).unwrap();
        let g = Guard {
            force: true,
            inputs: vec![input.clone(), ckpt.clone()],
        };
        for (target, relation) in [
            (input.clone(), "is"),
            (ckpt.join("x.svg"), "lies inside"),
            (dir.path().join("./ckpt/../in.csv"), "is"),
        ] {
            let e = write_file(&target, b"capfloor", &ours, &g).unwrap_err();
            assert!(
                matches!(&e, Error::Input { relation: r, .. } if *r == relation),
                "{target:?}: {e}"
            );
        }
        let e = write_dir(dir.path(), "dossier", &[], &g).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Input {
                    relation: "holds",
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(fs::read(&input).unwrap(), b"capfloor data");
    }

    #[test]
    fn a_set_of_files_is_replaced_all_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        fs::write(&a, b"capfloor old a").unwrap();
        fs::write(&b, b"capfloor old b").unwrap();
        let set = |c: &Path| {
            vec![
                Planned {
                    path: a.clone(),
                    bytes: b"capfloor new a",
                    ours: &ours,
                },
                Planned {
                    path: b.clone(),
                    bytes: b"capfloor new b",
                    ours: &ours,
                },
                Planned {
                    path: c.to_path_buf(),
                    bytes: b"capfloor new c",
                    ours: &ours,
                },
            ]
        };
        // The third cannot be written (its directory does not exist): nothing changes.
        assert!(write_files(&set(&dir.path().join("no/c.csv")), &guard()).is_err());
        assert_eq!(fs::read(&a).unwrap(), b"capfloor old a");
        assert_eq!(fs::read(&b).unwrap(), b"capfloor old b");
        assert_eq!(only_entry(dir.path()), ["a.csv", "b.csv"]);
        // The third is someone else's: nothing changes either.
        let c = dir.path().join("c.csv");
        fs::write(&c, b"mine").unwrap();
        assert!(write_files(&set(&c), &guard()).is_err());
        assert_eq!(fs::read(&a).unwrap(), b"capfloor old a");
        fs::remove_file(&c).unwrap();
        write_files(&set(&c), &guard()).unwrap();
        assert_eq!(fs::read(&b).unwrap(), b"capfloor new b");
        assert_eq!(fs::read(&c).unwrap(), b"capfloor new c");
        assert_eq!(only_entry(dir.path()), ["a.csv", "b.csv", "c.csv"]);
    }

    #[test]
    fn a_directory_is_replaced_only_if_empty_or_a_previous_output() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let files = vec![("r.md".to_string(), b"one".to_vec())];
        // New, then replaced as a previous output.
        write_dir(&out, "dossier", &files, &guard()).unwrap();
        write_dir(&out, "dossier", &files, &guard()).unwrap();
        assert_eq!(only_entry(&out), [MARKER, "r.md"]);
        assert_eq!(only_entry(root.path()), ["out"]);
        // A file the previous run did not write makes it someone's: refused, untouched.
        fs::write(out.join("notes.txt"), b"mine").unwrap();
        let e = write_dir(&out, "dossier", &files, &guard()).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
        // An unrelated directory, and a file, are refused; an empty directory is fine.
        let other = root.path().join("clone");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("README"), b"x").unwrap();
        assert!(matches!(
            write_dir(&other, "dossier", &files, &guard()),
            Err(Error::NotOurs { .. })
        ));
        let file = root.path().join("decl.toml");
        fs::write(&file, b"x").unwrap();
        assert!(write_dir(&file, "dossier", &files, &guard()).is_err());
        assert_eq!(fs::read(&file).unwrap(), b"x");
        let empty = root.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_dir(&empty, "dossier", &files, &guard()).unwrap();
        // --force replaces the unrelated directory.
        let force = Guard {
            force: true,
            ..guard()
        };
        write_dir(&other, "dossier", &files, &force).unwrap();
        assert_eq!(only_entry(&other), [MARKER, "r.md"]);
        assert_eq!(
            only_entry(root.path()),
            ["clone", "decl.toml", "empty", "out"]
        );
    }
}
