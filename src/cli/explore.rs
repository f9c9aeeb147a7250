/*!
`capfloor explore --out FILE.html [--as-of DATE]`: the floor explorer, one self-contained HTML
page with the floor's history, every model and the projection, precomputed month by month.
Calls [`crate::report::explore::build`], then [`crate::report::explore::html`], and writes the page.
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cli::floor::{today, Method};
use crate::cli::Exit;
use crate::cli::Sources;
use crate::report::explore;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    /// The HTML file to write (self-contained: opens from disk, needs no network).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// The last date of the history, and the date the page opens at (default: today). Only
    /// models released by each date count for it.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// How many years each date's projection runs.
    #[arg(long, default_value_t = 5, value_name = "YEARS", value_parser = clap::value_parser!(i16).range(1..=20))]
    pub horizon_years: i16,
    #[command(flatten)]
    pub method: Method,
    /// Replace --out even if it is not a page capfloor wrote (never an input of the run).
    #[arg(long)]
    pub force: bool,
    /// Print `{"out", "as_of", "frames", "models", "bytes"}` instead of the file name.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let registry = sources.registry()?;
    let opts = explore::Options {
        floor: args.method.options(),
        min_confidence: crate::cli::min_confidence(args.method.min_confidence.as_deref())?,
        as_of: args.as_of.unwrap_or_else(today),
        horizon_years: args.horizon_years,
    };
    let page = explore::build(&registry, &opts)?;
    let html = explore::html(&page);
    let guard = sources.guard(args.force, Vec::new());
    crate::fsio::write_file(&args.out, html.as_bytes(), &explore::is_ours, &guard)
        .map_err(crate::report::Error::from)?;
    if args.json {
        crate::cli::write_json(
            out,
            &serde_json::json!({
                "out": args.out,
                "as_of": page.as_of,
                "frames": page.frames.len(),
                "models": page.models.len(),
                "bytes": html.len(),
            }),
        )?;
    } else {
        writeln!(out, "{}", args.out.display())?;
    }
    Ok(Exit::Success)
}
