/*!
`capfloor dossier --declaration FILE --checkpoint DIR --out DIR [--no-hash] [--as-of DATE]`:
writes report.html, report.md, report.json and the charts for a technical-opinion request. Calls
[`crate::report::dossier::build`], then [`crate::report::dossier::write`].
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cli::floor::{today, Method};
use crate::cli::{Exit, Sources};
use crate::declaration::Declaration;
use crate::report::dossier;
use crate::vintage::Vintages;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    /// The training-compute declaration (TOML; see docs/declaration.md); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub declaration: PathBuf,
    /// The checkpoint whose weight files are fingerprinted and whose parameters are counted.
    #[arg(long, value_name = "DIR")]
    pub checkpoint: PathBuf,
    /// The directory to write. If it exists it is replaced whole, but only if it is empty or a
    /// previous dossier (see --force).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even if it is not an empty directory or a previous dossier. Never replaces
    /// a path that is, holds or lies inside an input of the run (declaration, checkpoint,
    /// registry).
    #[arg(long)]
    pub force: bool,
    /// Skip the SHA-256 of the weight files.
    #[arg(long)]
    pub no_hash: bool,
    /// The date the floor and the regimes are taken at (default: the declaration's release
    /// date, else today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    #[command(flatten)]
    pub method: Method,
    /// Print `{"out", "files"}` instead of one line per file.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    // Refused before any work (hashing can take minutes); checked again, with every file the
    // checkpoint turned out to hold, when the dossier is written.
    let inputs = vec![args.declaration.clone(), args.checkpoint.clone()];
    crate::fsio::check_dir(&args.out, "dossier", &sources.guard(args.force, inputs))
        .map_err(crate::report::Error::from)?;
    let declaration = Declaration::load(&args.declaration)?;
    let vintages = Vintages::new(sources.registry()?, None);
    let as_of = args
        .as_of
        .or(declaration.model.release_date)
        .unwrap_or_else(today);
    let d = dossier::build(&dossier::Request {
        as_of,
        declaration: &declaration,
        declaration_path: &args.declaration,
        checkpoint: &args.checkpoint,
        vintages: &vintages,
        options: args.method.options(),
        hash: !args.no_hash,
        out: &args.out,
    })?;
    sources.warn_if_stale(&vintages.registry, as_of);
    let guard = sources.guard(args.force, d.inputs(&args.checkpoint));
    let files = dossier::write(&d, &args.out, &guard)?;
    if args.json {
        crate::cli::write_json(out, &serde_json::json!({"out": args.out, "files": files}))?;
    } else {
        for f in files {
            writeln!(out, "wrote {}", f.display())?;
        }
    }
    Ok(Exit::Success)
}
