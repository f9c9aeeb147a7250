//! The `capfloor` binary: parse arguments, run the library, map the result to an exit code
//! (0 success, 1 a finding the caller asked to fail on, 2 bad input; a panic would be a bug).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use capfloor::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with code 2.
    let args = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = cli::run(args, &mut out).and_then(|outcome| {
        out.flush().map_err(capfloor::Error::Output)?;
        Ok(outcome)
    });
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Finding) => ExitCode::from(1),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let e = anyhow::Error::new(e);
            eprintln!("capfloor: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
