/*!
`capfloor completions SHELL`: a completion script for bash, zsh, fish, elvish or PowerShell, on
standard output (`capfloor completions bash > /etc/bash_completion.d/capfloor`). Made by
[`clap_complete::generate`] from the same argument tree as `--help`.
*/

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, Exit};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Error> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "capfloor", &mut buf);
    out.write_all(&buf)?;
    Ok(Exit::Success)
}
