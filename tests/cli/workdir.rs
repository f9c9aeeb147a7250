//! A scratch directory per test, the fixture files written into it, and a runner for the real
//! binary that returns its exit code and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    dir: tempfile::TempDir,
}

#[allow(dead_code)]
impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("create scratch directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` (creating parent directories) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create fixture directory");
        }
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    /// Makes a FIFO at `name` (creating parent directories): a reader that opens it blocks.
    pub fn mkfifo(&self, name: &str) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create fixture directory");
        }
        let status = Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("run mkfifo");
        assert!(status.success(), "mkfifo {}", path.display());
        path
    }

    /// Runs `capfloor ARGS` with this directory as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_capfloor"))
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run capfloor");
        Run { output }
    }

    /// Runs `capfloor ARGS` with `input` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_capfloor"))
            .args(args)
            .current_dir(self.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run capfloor");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        let output = child.wait_with_output().expect("wait for capfloor");
        Run { output }
    }
}

pub struct Run {
    pub output: Output,
}

#[allow(dead_code)]
impl Run {
    pub fn code(&self) -> i32 {
        self.output
            .status
            .code()
            .expect("capfloor was killed by a signal")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8(self.output.stdout.clone()).expect("stdout is UTF-8")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8(self.output.stderr.clone()).expect("stderr is UTF-8")
    }

    /// Asserts exit code 0 and parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        self.success();
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout()))
    }

    /// Asserts exit code 0 and returns stdout.
    pub fn success(&self) -> String {
        assert_eq!(
            self.code(),
            0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }

    /// Asserts bad-input exit code 2 with a one-line message, and returns stderr.
    pub fn bad_input(&self) -> String {
        assert_eq!(
            self.code(),
            2,
            "expected exit 2 (bad input)\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        let err = self.stderr();
        assert!(!err.contains("panicked"), "a panic is a bug:\n{err}");
        err
    }
}
