//! The `capfloor` binary: parse arguments, run the library, map the result to an exit code
//! (0 success, 1 a finding the caller asked to fail on, 2 bad input; a panic would be a bug).

use std::io::{self, Write};
use std::process::ExitCode;

use capfloor::cli::{self, Exit};

fn main() -> ExitCode {
    let args = match cli::parse_from(std::env::args_os()) {
        Ok(args) => args,
        Err(e) => {
            // Usage errors (exit 2), --help and --version (exit 0). A closed or full stream is
            // not worth a panic.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = cli::run(args, &mut out).and_then(|outcome| {
        out.flush().map_err(capfloor::Error::Output)?;
        Ok(outcome)
    });
    match result {
        Ok(Exit::Success) => ExitCode::SUCCESS,
        Ok(Exit::Finding) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // `let _`: stderr may be closed or full (`2>/dev/full`); the exit code still says it.
            let _ = writeln!(io::stderr().lock(), "capfloor: error: {}", message(e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, each said once: every library error names its file and
/// already includes its cause's text (`path: No such file or directory (os error 2)`), so a cause
/// is added only when the message does not already contain it.
fn message(e: capfloor::Error) -> String {
    let e = anyhow::Error::new(e);
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}
