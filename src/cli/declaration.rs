/*!
`capfloor declaration schema`: the JSON Schema of the training-compute declaration, and
`declaration check FILE [--checkpoint DIR]` to validate one: every check `classify` runs before it
computes the floor ([`crate::assessment::validate`]), so that a declaration this command calls
valid is one `classify` accepts.
*/

use std::io::Write;
use std::path::PathBuf;

use crate::assessment;
use crate::capability::{self, FitOptions};
use crate::cli::Sources;
use crate::cli::{write_json, Exit};
use crate::declaration::Declaration;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the declaration's JSON Schema.
    Schema,
    /// Validate a declaration as classify would (TOML, values, chips and precisions, parameter
    /// counts, the checkpoint, the base model and benchmark ids) and report the first problem
    /// with its line, column or field, and any flag.
    Check {
        /// The declaration (TOML; see docs/declaration.md); `-` reads standard input.
        file: PathBuf,
        /// The checkpoint (overrides model.checkpoint in the declaration).
        #[arg(long, value_name = "DIR")]
        checkpoint: Option<PathBuf>,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    match &args.command {
        Command::Schema => write_json(out, &Declaration::schema())?,
        Command::Check {
            file,
            checkpoint,
            json,
        } => {
            let d = Declaration::load(file)?;
            let registry = sources.registry()?;
            let fit = capability::fit(&registry, &FitOptions::default())?;
            let v = assessment::validate(
                &d,
                &assessment::Context {
                    declaration_path: file,
                    checkpoint: checkpoint.as_deref(),
                    registry: &registry,
                    fit: &fit,
                },
            )?;
            if *json {
                write_json(
                    out,
                    &serde_json::json!({
                        "file": file,
                        "valid": true,
                        "phases": d.phases.len(),
                        "active_parameters": v.active.as_ref().map(|a| a.0),
                        "active_parameters_source": v.active.as_ref().map(|a| &a.1),
                        "flags": v.flags,
                    }),
                )?;
            } else {
                writeln!(out, "{}: valid ({} phases)", file.display(), d.phases.len())?;
                for f in &v.flags {
                    writeln!(out, "flag: {}", f.message)?;
                }
            }
        }
    }
    Ok(Exit::Success)
}
