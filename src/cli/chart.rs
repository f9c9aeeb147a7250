/*!
`capfloor chart floor|frontier|progress|project --out FILE.svg|FILE.png`: the floor over time,
capability against compute, the efficiency trend, and the projection's fan. Each chart takes
its data from one call ([`crate::floor::history`], [`crate::floor::frontier_series`],
[`crate::floor::series_trend`], [`crate::floor::project`]) and is drawn by
[`crate::report::chart::render`].
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::cli::floor::{today, Method};
use crate::cli::Exit;
use crate::cli::Sources;
use crate::floor::{self, Step};
use crate::report::chart::{
    self, AnyChart, FloorChart, FrontierChart, ProgressChart, ProjectionChart,
};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    /// Which chart: the floor over time, capability against compute, the efficiency trend, or
    /// the projection's fan.
    #[arg(value_enum)]
    pub kind: Kind,
    /// Output file; the extension (.svg or .png) picks the format.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// Replace --out even if it is not a chart capfloor wrote (never an input of the run).
    #[arg(long)]
    pub force: bool,
    /// Start of the floor and project charts' history (default: two years before --to).
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// End of the floor chart, and the as-of date of the others (default: today).
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
    /// End of the projection (project chart only; default: five years after --to).
    #[arg(long, value_name = "DATE")]
    pub until: Option<Date>,
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
    /// The projection as a fan: central trend, 50% and 90% bands, and when it reaches 10^26.
    Project,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let guard = sources.guard(args.force, Vec::new());
    with_chart(args, sources, |c| Ok(chart::render(c, &args.out, &guard)?))?;
    if args.json {
        crate::cli::write_json(
            out,
            &serde_json::json!({"kind": args.kind, "out": args.out}),
        )?;
    } else {
        writeln!(out, "{}", args.out.display())?;
    }
    Ok(Exit::Success)
}

/// Builds the chart `args` ask for and hands it to `f`: the command renders it, the tests
/// check its text.
pub fn with_chart<R>(
    args: &Args,
    sources: &Sources,
    f: impl FnOnce(&AnyChart) -> Result<R, Error>,
) -> Result<R, Error> {
    let points = sources.vintages(args.method.min_confidence.as_deref())?;
    let to = args.to.unwrap_or_else(today);
    let from = args
        .from
        .unwrap_or_else(|| to.saturating_sub(jiff::Span::new().years(2)));
    let opts = args.method.options();
    let regime = crate::regimes::get("4e091")?;
    match args.kind {
        Kind::Floor => {
            let history = floor::history(&points, from, to, Step::Month, &opts)?;
            f(&AnyChart::Floor(FloorChart {
                assessed: None,
                rows: &history.rows,
                threshold_flop: regime.threshold_flop,
                threshold_label: regime.line_label(),
                title: format!(
                    "ECCN 4E091 capability floor, {} to {} (recipe: {})",
                    from, to, opts.recipe
                ),
            }))
        }
        Kind::Frontier => {
            let (fit, _) = floor::frontier_series(&points, to, &opts)?;
            // θ* and b* exactly as the floor defines them at this date (no intervals needed).
            let floor = floor::floor_at(
                &points,
                to,
                &floor::Options {
                    resamples: 0,
                    ..opts
                },
            )?;
            let known = floor::Source::at(&points, to)?;
            f(&AnyChart::Frontier(FrontierChart {
                assessed: None,
                points: &known,
                fit,
                as_of: to,
                floor: &floor,
                title: format!("Capability against training compute, models released by {to}"),
            }))
        }
        Kind::Progress => {
            let (fit, series) = floor::frontier_series(&points, to, &opts)?;
            f(&AnyChart::Progress(ProgressChart {
                series: &series,
                k: fit.k,
                slope: floor::series_trend(&series),
                title: format!(
                    "Most efficient published recipe over time (recipe: {}), to {to}",
                    opts.recipe
                ),
            }))
        }
        Kind::Project => {
            let until = args
                .until
                .unwrap_or_else(|| to.saturating_add(jiff::Span::new().years(5)));
            let projection = floor::project(&points, to, until, regime.threshold_flop, &opts)?;
            let history = floor::history(&points, from, to, Step::Month, &opts)?;
            f(&AnyChart::Projection(ProjectionChart {
                history: &history.rows,
                projection: &projection,
                threshold_label: regime.line_label(),
                title: format!(
                    "ECCN 4E091 capability floor to {to}, projected to {until} (recipe: {})",
                    opts.recipe
                ),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ink::assert_legible;

    /// The arguments `reports/regenerate.sh` gives each chart, with `resamples` resamples.
    fn report_args(kind: Kind, resamples: usize) -> Args {
        Args {
            sources: crate::cli::Sources::default(),
            kind,
            out: PathBuf::from("unused.png"),
            force: false,
            from: Some(Date::new(2023, 1, 1).unwrap()),
            to: Some(Date::new(2026, 11, 1).unwrap()),
            until: Some(Date::new(2032, 1, 1).unwrap()),
            method: Method {
                recipe: crate::frontier::Recipe::Best,
                resamples,
                seed: 4091,
                include_distilled: false,
                exclude_synthetic: false,
                min_confidence: None,
            },
            json: false,
        }
    }

    fn check_every_kind(resamples: usize) {
        let sources = Sources { registry_dir: None };
        for kind in [Kind::Floor, Kind::Frontier, Kind::Progress, Kind::Project] {
            with_chart(&report_args(kind, resamples), &sources, |c| {
                assert_legible(c, &format!("{kind:?} chart of the embedded registry"));
                Ok(())
            })
            .unwrap();
        }
    }

    /// The central lines, labels and legends do not depend on the number of resamples; only the
    /// bands do, so this checks the report charts' layout quickly.
    #[test]
    fn the_charts_of_the_embedded_registry_have_no_overlapping_or_clipped_text() {
        check_every_kind(100);
    }

    /// Exactly the charts in reports/ (1000 resamples): `reports/regenerate.sh` runs it.
    #[test]
    #[ignore = "slow in a debug build (1000 resamples a month); reports/regenerate.sh runs it with --release"]
    fn the_charts_in_reports_have_no_overlapping_or_clipped_text() {
        check_every_kind(1000);
    }
}
