/*!
`capfloor declaration schema`: the JSON Schema of the training-compute declaration, and
`declaration check FILE` to validate one.
*/

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{write_json, Outcome};
use crate::declaration::Declaration;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the declaration's JSON Schema.
    Schema,
    /// Validate a declaration and report the first problem with its line, column or field.
    Check {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Outcome, Error> {
    match &args.command {
        Command::Schema => write_json(out, &Declaration::schema())?,
        Command::Check { file, json } => {
            let d = Declaration::load(file)?;
            if *json {
                write_json(
                    out,
                    &serde_json::json!({"file": file, "valid": true, "phases": d.phases.len()}),
                )?;
            } else {
                writeln!(out, "{}: valid ({} phases)", file.display(), d.phases.len())?;
            }
        }
    }
    Ok(Outcome::Success)
}
