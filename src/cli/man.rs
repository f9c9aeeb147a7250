/*!
`capfloor man [COMMAND …]`: the manual page (roff) of capfloor or of one of its commands, on
standard output (`capfloor man > capfloor.1`, `capfloor man floor history > capfloor-floor-history.1`).
Made by [`clap_mangen`] from the same argument tree as `--help`.
*/

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, Exit};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A command, and its subcommand, to show the page of (default: capfloor itself).
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Error> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut page = cmd;
    let mut name = "capfloor".to_string();
    for c in &args.command {
        let Some(sub) = page.find_subcommand(c).cloned() else {
            let valid: Vec<&str> = page.get_subcommands().map(|s| s.get_name()).collect();
            return Err(Error::Usage(format!(
                "man: {name} has no command {c:?} (it has: {})",
                valid.join(", ")
            )));
        };
        name = format!("{name}-{}", sub.get_name());
        page = sub.name(name.clone());
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    out.write_all(&buf)?;
    Ok(Exit::Success)
}
