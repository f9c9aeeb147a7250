/*!
`capfloor chart floor|frontier|progress --out FILE.svg|FILE.png`: the floor over time, capability
against compute, and the efficiency trend. Drawing is in [`crate::report::chart`].
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cli::floor::{today, Method};
use crate::cli::points::{self, Sources};
use crate::cli::Outcome;
use crate::floor::{self, Step};
use crate::frontier::{self, year_fraction};
use crate::report::chart::{self, FloorChart, FrontierChart, ProgressChart};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum, ignore_case = true)]
    pub kind: Kind,
    /// Output file; the extension (.svg or .png) picks the format. An existing file is replaced
    /// only if capfloor wrote it (see --force).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace --out even if it is not a chart capfloor wrote (never an input of the run).
    #[arg(long)]
    pub force: bool,
    /// Start of the floor chart (default: two years before --to).
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// End of the floor chart, and the as-of date of the others (default: today).
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
    #[command(flatten)]
    pub method: Method,
    /// Print `{"kind", "out"}` instead of the file name.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The floor over time with its 90% band, the 10^26 line and the releases that moved it.
    Floor,
    /// Capability against training compute, coloured by year, with the fitted lines.
    Frontier,
    /// The efficiency frontier over time and its trend.
    Progress,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Outcome, Error> {
    let points = points::load(sources, args.method.min_confidence.as_deref())?;
    let to = args.to.unwrap_or_else(today);
    let opts = args.method.options();
    let guard = sources.guard(args.force, Vec::new());
    match args.kind {
        Kind::Floor => {
            let from = args
                .from
                .unwrap_or_else(|| to.saturating_sub(jiff::Span::new().years(2)));
            let history = floor::history(&points, from, to, Step::Month, &opts)?;
            let regime = points::regime_4e091(sources)?;
            let chart = FloorChart {
                rows: &history.rows,
                threshold_flop: regime.threshold_flop,
                threshold_label: format!(
                    "{:.0e} FLOP: 4E091 threshold ({})",
                    regime.threshold_flop,
                    // The status's first clause ("rescinded"); the full text is in the JSON.
                    regime.status.split(':').next().unwrap_or(&regime.status)
                ),
                title: format!(
                    "ECCN 4E091 capability floor, {} to {} (recipe: {})",
                    from, to, opts.recipe
                ),
            };
            chart::render(&chart, &args.out, &guard)?;
        }
        Kind::Frontier => {
            let (fit, _) = floor::frontier_series(&points, to, &opts)?;
            // b* exactly as the floor defines it at this date (no intervals needed here).
            let b_star = floor::floor_at(
                &points,
                to,
                &floor::Options {
                    resamples: 0,
                    ..opts
                },
            )?
            .b_star;
            let chart = FrontierChart {
                points: &points,
                fit,
                as_of: to,
                b_star,
                title: format!("Capability against training compute, models released by {to}"),
            };
            chart::render(&chart, &args.out, &guard)?;
        }
        Kind::Progress => {
            let (fit, series) = floor::frontier_series(&points, to, &opts)?;
            let ts: Vec<f64> = series.iter().map(|(d, _)| year_fraction(*d)).collect();
            let bs: Vec<f64> = series.iter().map(|(_, b)| *b).collect();
            let chart = ProgressChart {
                series: &series,
                k: fit.k,
                slope: if series.len() >= 12 {
                    frontier::slope(&ts, &bs)
                } else {
                    None
                },
                title: format!(
                    "Most efficient published recipe over time (recipe: {}), to {to}",
                    opts.recipe
                ),
            };
            chart::render(&chart, &args.out, &guard)?;
        }
    }
    if args.json {
        crate::cli::write_json(
            out,
            &serde_json::json!({"kind": args.kind, "out": args.out}),
        )?;
    } else {
        writeln!(out, "{}", args.out.display())?;
    }
    Ok(Outcome::Success)
}
