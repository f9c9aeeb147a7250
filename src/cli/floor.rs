/*!
`capfloor floor`: the 4E091 capability floor at a date, its history, its projection, and what a
hypothetical release would do to it. `floor` calls
[`crate::floor::floor_at`], `floor history` [`crate::floor::history`], `floor project`
[`crate::floor::project`], `floor what-if` [`crate::floor::what_if`]; this file parses arguments
and prints.
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use crate::cli::{write_json, Exit, Sources};
use crate::floor::{self, Floor, Options, Step};
use crate::frontier::Recipe;
use crate::regimes;
use crate::units::Flop;
use crate::whatif::Release;
use crate::Error;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The date the floor is computed for (default: today). Only models released by then count.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    #[command(flatten)]
    pub method: Method,
    /// Print JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}

/// The most bootstrap resamples a command accepts: 100 times the default, seconds of work; more
/// would only burn time and memory without tightening a 90% interval visibly.
pub const MAX_RESAMPLES: u64 = 100_000;

/// The definitional choices every floor command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Method {
    /// Which published recipe is "the most efficient published methods".
    #[arg(long, value_enum, ignore_case = true, default_value_t = Recipe::Best)]
    pub recipe: Recipe,
    /// Bootstrap resamples behind each interval (1 to 100,000).
    #[arg(long, default_value_t = 1000, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_RESAMPLES))]
    pub resamples: usize,
    /// Seed of the bootstrap (results are identical for the same seed).
    #[arg(long, default_value_t = 4091)]
    pub seed: u64,
    /// Let distilled models define recipes (their compute understates what their capability cost).
    #[arg(long)]
    pub include_distilled: bool,
    /// Leave out the recipes of models trained mostly on synthetic data (Phi): the compute of
    /// the models that wrote their data is not in their figure.
    #[arg(long)]
    pub exclude_synthetic: bool,
    /// Leave out compute figures below this confidence (confident, likely, speculative).
    #[arg(long, value_name = "LEVEL")]
    pub min_confidence: Option<String>,
}

impl Method {
    pub fn options(&self) -> Options {
        Options {
            recipe: self.recipe,
            resamples: self.resamples,
            seed: self.seed,
            include_distilled: self.include_distilled,
            include_synthetic: !self.exclude_synthetic,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The floor at each month or quarter of a date range, marking the releases that moved it.
    History {
        /// The first date of the history.
        #[arg(long, value_name = "DATE")]
        from: Date,
        /// The last date (included when it falls on a step).
        #[arg(long, value_name = "DATE")]
        to: Date,
        /// One row per month or per quarter, from --from.
        #[arg(long, value_enum, ignore_case = true, default_value_t = Step::Quarter)]
        step: Step,
        #[command(flatten)]
        method: Method,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV, one row per date (undefined dates too, with the reason); columns in the
        /// README.
        #[arg(long)]
        csv: bool,
    },
    /// Extrapolates the capability record and the efficiency frontier: when does the floor
    /// reach 10^26?
    Project {
        /// Project the floor up to this date.
        #[arg(long, value_name = "DATE")]
        until: Date,
        /// Project from what was published by this date (default: today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<Date>,
        #[command(flatten)]
        method: Method,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// How the floor moves if a hypothetical open model were released.
    WhatIf {
        /// TOML file describing the release (see the README); `-` reads standard input.
        #[arg(long, value_name = "FILE")]
        add: PathBuf,
        /// The date of the floor the release is added to (default: today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<Date>,
        #[command(flatten)]
        method: Method,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
}

/// One `floor history --csv` row: a date's floor, or why it has none.
#[derive(Serialize)]
struct HistoryCsv {
    date: Date,
    floor_flop: Option<f64>,
    floor_flop_lo: Option<f64>,
    floor_flop_hi: Option<f64>,
    extrapolated_flop: Option<f64>,
    demonstrated_flop: Option<f64>,
    binding: Option<floor::Binding>,
    theta_star: Option<f64>,
    set_by: Option<String>,
    b_star: Option<f64>,
    k: Option<f64>,
    /// Releases since the previous row that became θ* (raising the floor), `;`-separated.
    moved_theta_star: String,
    /// Releases since the previous row that entered the b* set (lowering it).
    moved_b_star: String,
    undefined: Option<String>,
}

/// The history's rows and undefined dates, in date order.
fn history_csv(h: &floor::History) -> Vec<HistoryCsv> {
    let moved = |r: &floor::HistoryRow, by: floor::MovedBy| {
        r.moved
            .iter()
            .filter(|m| m.by == by)
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut rows: Vec<HistoryCsv> = h
        .rows
        .iter()
        .map(|r| {
            let f = &r.floor;
            HistoryCsv {
                date: f.as_of,
                floor_flop: Some(f.floor_flop),
                floor_flop_lo: Some(f.floor_flop_lo),
                floor_flop_hi: Some(f.floor_flop_hi),
                extrapolated_flop: Some(f.extrapolated_flop),
                demonstrated_flop: f.demonstrated_flop,
                binding: Some(f.binding),
                theta_star: Some(f.theta_star),
                set_by: Some(f.set_by.clone()),
                b_star: Some(f.b_star),
                k: Some(f.k),
                moved_theta_star: moved(r, floor::MovedBy::ThetaStar),
                moved_b_star: moved(r, floor::MovedBy::BStar),
                undefined: None,
            }
        })
        .chain(h.undefined.iter().map(|u| HistoryCsv {
            date: u.date,
            floor_flop: None,
            floor_flop_lo: None,
            floor_flop_hi: None,
            extrapolated_flop: None,
            demonstrated_flop: None,
            binding: None,
            theta_star: None,
            set_by: None,
            b_star: None,
            k: None,
            moved_theta_star: String::new(),
            moved_b_star: String::new(),
            undefined: Some(u.reason.clone()),
        }))
        .collect();
    rows.sort_by_key(|r| r.date);
    rows
}

/// Today's date in UTC (the as-of default; results are reproducible with an explicit --as-of).
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// The 4E091 regime's base threshold and status, printed beside every floor.
#[derive(Debug, Clone, Serialize)]
struct RegimeStatus {
    id: String,
    threshold_flop: f64,
    status: String,
    source: String,
}

fn regime_4e091() -> Result<(regimes::Regime, RegimeStatus), Error> {
    let r = regimes::get("4e091")?;
    let status = RegimeStatus {
        id: r.id.clone(),
        threshold_flop: r.threshold_flop,
        status: r.status.clone(),
        source: r.source.clone(),
    };
    Ok((r, status))
}

/// The `floor --json` shape: the floor and the regime it feeds.
#[derive(Serialize)]
struct FloorOutput<'a> {
    #[serde(flatten)]
    floor: &'a Floor,
    /// max(threshold, floor): what a closed model's operations are compared with.
    effective_threshold_flop: f64,
    threshold_flop: f64,
    regime: &'a RegimeStatus,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    match &args.command {
        None => {
            let points = sources.vintages(args.method.min_confidence.as_deref())?;
            let as_of = args.as_of.unwrap_or_else(today);
            let f = floor::floor_at(&points, as_of, &args.method.options())?;
            sources.warn_if_stale(&points.registry, as_of);
            let (rule, regime) = regime_4e091()?;
            let output = FloorOutput {
                floor: &f,
                effective_threshold_flop: rule.threshold(Some(f.floor_flop)).threshold_flop,
                threshold_flop: regime.threshold_flop,
                regime: &regime,
            };
            if args.json {
                write_json(out, &output)?;
            } else {
                print_floor(out, &output)?;
            }
        }
        Some(Command::History {
            from,
            to,
            step,
            method,
            json,
            csv,
        }) => {
            let points = sources.vintages(method.min_confidence.as_deref())?;
            let h = floor::history(&points, *from, *to, *step, &method.options())?;
            sources.warn_if_stale(&points.registry, *to);
            if *csv {
                crate::cli::write_csv(out, &history_csv(&h))?;
                return Ok(Exit::Success);
            }
            if *json {
                write_json(out, &h)?;
            } else {
                writeln!(
                    out,
                    "{:<10}  {:>9}  {:>19}  {:<28}  moved by",
                    "as of", "floor", "90% interval", "set by"
                )?;
                for r in &h.rows {
                    let f = &r.floor;
                    writeln!(
                        out,
                        "{:<10}  {:>9}  {:>19}  {:<28}  {}",
                        f.as_of.to_string(),
                        sci(f.floor_flop),
                        format!("{} – {}", sci(f.floor_flop_lo), sci(f.floor_flop_hi)),
                        f.set_by,
                        r.moved_by.join(", ")
                    )?;
                }
                for u in &h.undefined {
                    writeln!(out, "{:<10}  undefined: {}", u.date.to_string(), u.reason)?;
                }
            }
        }
        Some(Command::Project {
            until,
            as_of,
            method,
            json,
        }) => {
            let points = sources.vintages(method.min_confidence.as_deref())?;
            let (_, regime) = regime_4e091()?;
            let as_of = as_of.unwrap_or_else(today);
            let p = floor::project(
                &points,
                as_of,
                *until,
                regime.threshold_flop,
                &method.options(),
            )?;
            if *json {
                write_json(out, &p)?;
            } else {
                let first = p
                    .rows
                    .first()
                    .expect("as_of <= until gives at least one row");
                writeln!(
                    out,
                    "floor projected from {} to {} ({} resamples, seed {})",
                    p.as_of, p.until, p.resamples, p.seed
                )?;
                writeln!(
                    out,
                    "  capability record     {:+.2} ECI points/year (open models)",
                    p.theta_star_slope
                )?;
                writeln!(
                    out,
                    "  efficiency frontier   {:+.2} ECI points/year",
                    p.b_star_slope
                )?;
                // The projection extends the extrapolation; the demonstrated bound holds only for
                // what exists now (`capfloor floor` shows both).
                writeln!(out, "  extrapolated now      {}  (the floor itself is capped by the demonstrated bound: capfloor floor)", Flop(first.floor_flop))?;
                match p.crossing {
                    Some(d) if d == p.as_of => {
                        writeln!(out, "  reaches {}      already", sci(p.threshold_flop))?
                    }
                    Some(d) => writeln!(
                        out,
                        "  reaches {}      {d} (90%: {} – {}; {:.0}% of resamples by {})",
                        sci(p.threshold_flop),
                        p.crossing_lo.map_or("—".to_string(), |d| d.to_string()),
                        p.crossing_hi
                            .map_or(format!("after {}", p.until), |d| d.to_string()),
                        100.0 * p.crossing_probability,
                        p.until
                    )?,
                    None => writeln!(
                        out,
                        "  reaches {}      not by {} on the central trend ({:.0}% of resamples do)",
                        sci(p.threshold_flop),
                        p.until,
                        100.0 * p.crossing_probability
                    )?,
                }
            }
        }
        Some(Command::WhatIf {
            add,
            as_of,
            method,
            json,
        }) => {
            let points = sources.vintages(method.min_confidence.as_deref())?;
            let release = Release::load(add)?;
            let at = as_of.unwrap_or(release.released).max(release.released);
            let point = crate::whatif::point(&points, &release, at, add)?;
            let w = floor::what_if(&points, point, *as_of, &method.options())?;
            // A capability far above the registry's gives a floor past what a float holds,
            // which JSON would print as null.
            if ![
                w.after.floor_flop,
                w.after.floor_flop_lo,
                w.after.floor_flop_hi,
                w.ratio,
            ]
            .iter()
            .all(|x| x.is_finite())
            {
                return Err(Error::TomlFile(crate::whatif::Error::Field {
                    path: add.clone(),
                    field: if release.capability.is_some() {
                        "capability".into()
                    } else {
                        "benchmarks".into()
                    },
                    problem: format!(
                        "this release would put the floor at 10^{:.0} FLOP or more, beyond any number capfloor can compute (capability {:.1} ECI)",
                        (w.after.theta_star - w.after.b_star) / w.after.k,
                        w.after.theta_star
                    ),
                }));
            }
            if *json {
                write_json(out, &w)?;
            } else {
                writeln!(
                    out,
                    "what if {} were released on {} (as of {}):",
                    release.id, release.released, w.after.as_of
                )?;
                writeln!(
                    out,
                    "  floor before   {}  set by {}",
                    Flop(w.before.floor_flop),
                    w.before.set_by
                )?;
                writeln!(
                    out,
                    "  floor after    {}  set by {}",
                    Flop(w.after.floor_flop),
                    w.after.set_by
                )?;
                writeln!(out, "  change         ×{:.2}", w.ratio)?;
            }
        }
    }
    Ok(Exit::Success)
}

/// `3.21e25`: three significant figures, for tables.
fn sci(x: f64) -> String {
    format!("{x:.2e}")
}

fn print_floor(out: &mut dyn Write, o: &FloorOutput) -> std::io::Result<()> {
    let f = o.floor;
    let interval = |lo: Option<f64>, hi: Option<f64>, unit: &str| match (lo, hi) {
        (Some(lo), Some(hi)) => format!(" (90%: {lo:.1}–{hi:.1}{unit})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "4E091 capability floor as of {} (recipe: {})",
        f.as_of, f.recipe
    )?;
    let row =
        |out: &mut dyn Write, label: &str, value: String| writeln!(out, "  {label:<22}{value}");
    row(
        out,
        "floor",
        format!(
            "{}  (90%: {} – {})",
            Flop(f.floor_flop),
            sci(f.floor_flop_lo),
            sci(f.floor_flop_hi)
        ),
    )?;
    row(
        out,
        "extrapolated",
        format!(
            "{}  10^((θ* − b*)/k){}",
            Flop(f.extrapolated_flop),
            if f.binding == floor::Binding::Extrapolated {
                "  (binds)"
            } else {
                ""
            }
        ),
    )?;
    row(
        out,
        "demonstrated",
        match (&f.demonstrated_flop, &f.demonstrated_by) {
            (Some(c), Some(by)) => format!(
                "{}  compute {by} used to reach θ*{}",
                Flop(*c),
                if f.binding == floor::Binding::Demonstrated {
                    "  (binds)"
                } else {
                    ""
                }
            ),
            _ => "none: the θ* setter has no usable compute figure".to_string(),
        },
    )?;
    if !f.leave_one_out.is_empty() {
        let shown: Vec<String> = f
            .leave_one_out
            .iter()
            .map(|l| match l.floor_flop {
                Some(v) => format!("{} {}", l.id, sci(v)),
                None => format!("{} undefined", l.id),
            })
            .collect();
        row(out, "without each setter", shown.join(", "))?;
    }
    row(
        out,
        "strict recipes",
        match f.without_synthetic_and_distilled_flop {
            Some(v) => format!("{}  without synthetic-data and distilled recipes", Flop(v)),
            None => "undefined without synthetic-data and distilled recipes".to_string(),
        },
    )?;
    row(
        out,
        "set by",
        format!(
            "{} (open weights, released {}), capability {:.1} ECI",
            f.set_by, f.set_by_released, f.theta_star
        ),
    )?;
    row(
        out,
        "capability per 10×",
        format!("k = {:.2} ECI (90%: {:.2}–{:.2})", f.k, f.k_lo, f.k_hi),
    )?;
    let setters = if f.b_star_set_by.is_empty() {
        String::new()
    } else {
        format!(", set by {}", f.b_star_set_by.join(", "))
    };
    row(
        out,
        "efficiency frontier",
        format!("b* = {:.2} ECI at 1 FLOP{setters}", f.b_star),
    )?;
    match (f.progress_per_year, f.halving_months) {
        (Some(p), Some(months)) => row(
            out,
            "algorithmic progress",
            format!(
                "{p:.2}×/year{}, compute halving every {months:.1} months",
                interval(f.progress_per_year_lo, f.progress_per_year_hi, "×"),
            ),
        )?,
        _ => row(
            out,
            "algorithmic progress",
            "not estimated (under a year of published recipes)".into(),
        )?,
    }
    row(
        out,
        "fit",
        format!(
            "{} models with compute, {} published recipes, {} resamples (seed {})",
            f.n_fit, f.n_recipes, f.resamples, f.seed
        ),
    )?;
    row(
        out,
        "effective threshold",
        format!(
            "{} = max({}, floor)",
            Flop(o.effective_threshold_flop),
            sci(o.threshold_flop)
        ),
    )?;
    row(
        out,
        "4E091 status",
        format!("{} ({})", o.regime.status, o.regime.source),
    )?;
    Ok(())
}
