/*!
`capfloor capability`: every model's aggregate capability on the ECI scale, with its interval and
the number of scores behind it; `--benchmarks` for the fitted benchmark parameters, `--check` for
the fit's quality, `--as-of DATE` for the vintage fit of what was published by then. Calls
[`crate::capability::fit`] (with `--as-of`, [`crate::capability::fit_vintage`]) and, for
`--check`, [`crate::capability::check()`].
*/

use std::io::Write;

use jiff::civil::Date;

use crate::capability::{self, CapabilityFit, Check, FitOptions, Selection};
use crate::cli::Sources;
use crate::cli::{write_json, Exit};
use crate::registry::Accessibility;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    /// Only models with published weights.
    #[arg(long)]
    pub open: bool,
    /// The vintage fit: only open-weight models released by DATE, and their scores on benchmarks
    /// released by DATE.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Print the fitted difficulty and slope of each benchmark instead.
    #[arg(long, conflicts_with = "check")]
    pub benchmarks: bool,
    /// Measure the fit: agreement with Epoch's published ECI (slope, intercept, RMSE overall and
    /// by decile and year, rank correlation) and the error predicting 10% of scores hidden from it.
    #[arg(long)]
    pub check: bool,
    /// Seed for choosing the hidden scores of --check.
    #[arg(long, default_value_t = 4091)]
    pub seed: u64,
    /// Print JSON (keys documented in the README) instead of the human summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let registry = sources.registry()?;
    let opts = FitOptions::default();
    let selection = match args.as_of {
        Some(d) => Selection::vintage(&registry, d),
        None => Selection::all(&registry),
    };
    let fit = match args.as_of {
        Some(d) => capability::fit_vintage(&registry, d, &opts)?,
        None => capability::fit(&registry, &opts)?,
    };
    if args.check {
        let c = capability::check(&registry, &selection, &fit, &opts, args.seed)?;
        if args.json {
            write_json(out, &c)?;
        } else {
            write_check(out, &fit, &c)?;
        }
        return Ok(Exit::Success);
    }
    if args.benchmarks {
        if args.json {
            write_json(out, &fit.items)?;
        } else {
            write_benchmarks(out, &fit)?;
        }
        return Ok(Exit::Success);
    }
    let open: std::collections::HashSet<&str> = registry
        .models
        .iter()
        .filter(|m| m.accessibility == Accessibility::OpenWeights)
        .map(|m| m.id.as_str())
        .collect();
    let mut rows: Vec<&capability::Capability> = fit
        .models
        .iter()
        .filter(|c| !args.open || open.contains(c.id.as_str()))
        .collect();
    rows.sort_by(|a, b| b.capability.total_cmp(&a.capability).then(a.id.cmp(&b.id)));
    if args.json {
        write_json(out, &rows)?;
        return Ok(Exit::Success);
    }
    writeln!(out, "{}", describe(&fit))?;
    writeln!(
        out,
        "{:<44} {:>7} {:>15} {:>6} {:>7}",
        "model", "ECI", "90% interval", "scores", "Epoch"
    )?;
    for c in rows {
        writeln!(
            out,
            "{:<44} {:>7.1} {:>15} {:>6}{} {:>7}",
            c.id,
            c.capability,
            format!("{:.1}–{:.1}", c.capability_lo, c.capability_hi),
            c.n_scores,
            if c.calibrated { " " } else { "*" },
            c.eci_published.map_or("—".into(), |e| format!("{e:.1}"))
        )?;
    }
    writeln!(
        out,
        "* fewer than {} benchmarks: placed under the fitted benchmark parameters, not fitted with them",
        opts.min_benchmarks
    )?;
    Ok(Exit::Success)
}

/// One line saying what the fit saw and how it is tied to the ECI scale.
fn describe(fit: &CapabilityFit) -> String {
    let what = match fit.as_of {
        Some(d) => format!(
            "vintage fit as of {d}: open-weight models released by {d}, scores on benchmarks released by {d}"
        ),
        None => "fit on the whole registry".to_string(),
    };
    format!(
        "{what}\n{} models ({} fitted jointly), {} scores on {} benchmarks; ECI = {:.2} + {:.2}·θ, tied by {}",
        fit.models.len(),
        fit.n_calibrated,
        fit.n_scores,
        fit.items.len(),
        fit.eci_offset,
        fit.eci_scale,
        fit.eci_map
    )
}

fn write_benchmarks(out: &mut dyn Write, fit: &CapabilityFit) -> Result<(), Error> {
    writeln!(out, "{}", describe(fit))?;
    writeln!(
        out,
        "{:<26} {:>6} {:>10} {:>7} {:>9} {:>7} {:>6}",
        "benchmark", "chance", "difficulty", "Epoch", "slope", "Epoch", "scores"
    )?;
    let opt = |v: Option<f64>, digits: usize| v.map_or("—".into(), |x| format!("{x:.digits$}"));
    for i in &fit.items {
        writeln!(
            out,
            "{:<26} {:>6.3} {:>10.1} {:>7} {:>9.4} {:>7} {:>6}{}",
            i.id,
            i.chance,
            i.difficulty_eci,
            opt(i.epoch_difficulty, 1),
            i.slope_eci,
            opt(i.epoch_slope, 4),
            i.n_scores,
            if i.anchor {
                "  (anchor: raw slope 1)"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        out,
        "difficulty in ECI points; slope per ECI point; Epoch's published values beside ours"
    )?;
    Ok(())
}

fn write_check(out: &mut dyn Write, fit: &CapabilityFit, c: &Check) -> Result<(), Error> {
    writeln!(out, "{}", describe(fit))?;
    writeln!(
        out,
        "against Epoch's published ECI ({} models scored by both, with {}+ scores; {} with fewer left out):",
        c.n_compared,
        crate::capability::MIN_SCORES,
        c.n_too_few_scores
    )?;
    let num = |v: Option<f64>, d: usize| v.map_or("—".into(), |x| format!("{x:.d$}"));
    writeln!(
        out,
        "  ours ≈ {} + {} · ECI   (slope 1 and intercept 0 would be the same scale)",
        num(c.intercept, 2),
        num(c.slope, 3)
    )?;
    writeln!(
        out,
        "  RMSE                 {:.2} ECI points  (baseline, every model at the mean: {:.2})",
        c.rmse_eci, c.rmse_eci_baseline
    )?;
    writeln!(out, "  Spearman             {:.3}", c.spearman)?;
    writeln!(
        out,
        "  {:<12} {:>15} {:>4} {:>7} {:>11}",
        "", "published ECI", "n", "RMSE", "mean error"
    )?;
    for b in c.by_decile.iter().chain(&c.by_year) {
        writeln!(
            out,
            "  {:<12} {:>15} {:>4} {:>7.2} {:>+11.2}",
            b.label,
            format!("{:.1}–{:.1}", b.eci_lo, b.eci_hi),
            b.n,
            b.rmse,
            b.mean_error
        )?;
    }
    writeln!(out, "held out {} scores: {}", c.n_held_out, c.held_out)?;
    writeln!(
        out,
        "  mean absolute error  {:.2} score points  (baseline: {:.2})",
        c.held_out_mae_points, c.held_out_baseline_mae_points
    )?;
    for y in &c.held_out_by_year {
        writeln!(
            out,
            "  {:<12} {:>4} scores {:>6.2}  (baseline {:.2})",
            y.label, y.n, y.mae_points, y.baseline_mae_points
        )?;
    }
    Ok(())
}
