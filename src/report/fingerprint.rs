/*!
Fingerprints of a checkpoint's weight files for the dossier: a SHA-256 per file, so that a
technical opinion can be tied to exactly the bytes it was given. Files are hashed in parallel
(one file per core), each read in large sequential blocks; a progress bar on a terminal shows the
bytes done. The hash uses the CPU's SHA instructions where it has them (the `sha2` crate picks
them at run time).
*/

use std::io::Read;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Error;

/// One file's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub path: PathBuf,
    pub bytes: u64,
    /// Lower-case hexadecimal SHA-256 of the whole file.
    pub sha256: String,
}

/// Read size: large enough that a system call costs nothing next to hashing it.
const BLOCK: usize = 4 << 20;

/// Hashes every file (in parallel), in the order given. `progress` shows a bar on stderr when it
/// is a terminal.
pub fn hash_files(files: &[PathBuf], progress: bool) -> Result<Vec<Fingerprint>, Error> {
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let bar = if progress {
        ProgressBar::new(total)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "hashing {bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let results: Vec<Result<Fingerprint, Error>> =
        files.par_iter().map(|f| hash_file(f, &bar)).collect();
    bar.finish_and_clear();
    results.into_iter().collect()
}

/// Hashes one file, advancing `bar` as it goes.
pub fn hash_file(path: &Path, bar: &ProgressBar) -> Result<Fingerprint, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // A weight file that is not a regular file (a FIFO, a device) would block or never end.
    let (mut file, _) = crate::fsio::open_file(path, &crate::fsio::SAFETENSORS)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BLOCK];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
        bar.inc(n as u64);
    }
    let digest = hasher.finalize();
    let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(Fingerprint {
        path: path.to_path_buf(),
        bytes,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_published_test_vectors() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        let abc = dir.path().join("abc");
        std::fs::write(&empty, b"").unwrap();
        std::fs::write(&abc, b"abc").unwrap();
        // FIPS 180-2 test vectors.
        let got = hash_files(&[empty, abc], false).unwrap();
        assert_eq!(
            got[0].sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            got[1].sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(got[1].bytes, 3);
    }

    #[test]
    fn files_larger_than_a_block_hash_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        let data: Vec<u8> = (0..(BLOCK + 12345)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let expected: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash_files(&[path], false).unwrap()[0].sha256, expected);
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = hash_files(&[PathBuf::from("/nonexistent/w.safetensors")], false).unwrap_err();
        assert!(
            e.to_string().starts_with("/nonexistent/w.safetensors: "),
            "{e}"
        );
    }
}
