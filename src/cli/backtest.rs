/*!
`capfloor backtest`: predicts each open-weight model's training compute from its capability and
release date with a fit that never saw it or anything later, and reports the errors and the
coverage of the prediction intervals. Calls [`crate::backtest::run`]; this file prints its result.
*/

use std::io::Write;

use crate::backtest::{self, FitOn, Options, Predictor};
use crate::cli::Sources;
use crate::cli::{write_json, Exit};
use crate::regression::Loss;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Include distilled models (left out by default: their compute understates their recipe).
    #[arg(long)]
    pub include_distilled: bool,
    /// Leave out compute figures below this confidence (confident, likely, speculative).
    #[arg(long, value_name = "LEVEL")]
    pub min_confidence: Option<String>,
    /// How compute is predicted: log10 compute regressed on capability and date (direct), or the
    /// frontier's fit of capability on compute solved for compute (structural).
    #[arg(long, value_enum, ignore_case = true, default_value_t = Predictor::Direct)]
    pub predictor: Predictor,
    /// The fits' loss: Huber's robust loss or ordinary least squares.
    #[arg(long, value_enum, ignore_case = true, default_value_t = Loss::Huber)]
    pub loss: Loss,
    /// Which earlier models the fits use: open-weight ones (published) or all with compute.
    #[arg(long, value_enum, ignore_case = true, default_value_t = FitOn::Published)]
    pub fit_on: FitOn,
    /// List every prediction.
    #[arg(long)]
    pub verbose: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let points = sources.vintages(args.min_confidence.as_deref())?;
    let options = Options {
        predictor: args.predictor,
        loss: args.loss,
        fit_on: args.fit_on,
        include_distilled: args.include_distilled,
    };
    let b = backtest::run(&points, options)?;
    if args.json {
        write_json(out, &b)?;
        return Ok(Exit::Success);
    }
    let verdict = |ok: bool| if ok { "meets target" } else { "misses target" };
    writeln!(out, "backtest: {} open-weight models predicted out of sample ({} skipped: too few earlier models)", b.n, b.skipped.len())?;
    let fit_on = match options.fit_on {
        FitOn::Published => "open-weight models",
        FitOn::All => "all models with compute",
    };
    let (predictor, other, other_error) = match options.predictor {
        Predictor::Direct => (
            "log10 compute on capability and date",
            "the floor's fit solved for compute",
            b.median_abs_log10_error_by_predictor.structural,
        ),
        Predictor::Structural => (
            "the floor's fit of capability on compute and date, solved for compute",
            "log10 compute on capability and date",
            b.median_abs_log10_error_by_predictor.direct,
        ),
    };
    writeln!(
        out,
        "  predictor           {predictor} ({} loss, fit on earlier {fit_on})",
        options.loss
    )?;
    writeln!(
        out,
        "  median |error|      {:.3} orders of magnitude (×{:.2})  target ≤ 0.30: {}",
        b.median_abs_log10_error,
        10f64.powf(b.median_abs_log10_error),
        verdict(b.median_abs_log10_error <= 0.30)
    )?;
    if let Some(e) = other_error {
        writeln!(out, "    {other:<36}  {e:.3} (×{:.2})", 10f64.powf(e))?;
    }
    writeln!(
        out,
        "  80% interval holds  {:.1}% of models",
        100.0 * b.coverage_80
    )?;
    writeln!(
        out,
        "  90% interval holds  {:.1}% of models  target 85–95%: {}",
        100.0 * b.coverage_90,
        verdict((0.85..=0.95).contains(&b.coverage_90))
    )?;
    let cmp = |label: &str, c: &backtest::Comparison| -> String {
        match (c.median_abs_error, c.baseline_median_abs_error) {
            (Some(m), Some(base)) => format!(
                "  {label:<20}{m:.3} against the naive baseline's {base:.3} on the same {} targets",
                c.n
            ),
            _ => format!("  {label:<20}no target the baseline can predict"),
        }
    };
    writeln!(out, "{}", cmp("all targets", &b.same_targets))?;
    writeln!(out, "{}", cmp("released 2024+", &b.since_2024))?;
    writeln!(
        out,
        "  by year             median |error| (90% bootstrap) · baseline (log10 C on published ECI and date, OLS)"
    )?;
    for y in &b.by_year {
        writeln!(
            out,
            "    {}  n {:>3}   {:.3} ({:.3}–{:.3})  ·  {:.3} ({:.3}–{:.3})",
            y.year,
            y.n,
            y.median_abs_error,
            y.lo,
            y.hi,
            y.baseline_median_abs_error,
            y.baseline_lo,
            y.baseline_hi
        )?;
    }
    let p = &b.progress;
    writeln!(
        out,
        "  progress (joint fit, fixed compute)  {:.2}×/year",
        p.typical_per_year
    )?;
    writeln!(
        out,
        "    literature: Ho et al. 2024 {:.1}×/year (95% CI {:.1}–{:.1}); Epoch ECI record frontier ≈{:.0}×/year, joint OLS ≈{:.0}×/year",
        p.ho_2024_per_year, p.ho_2024_per_year_lo, p.ho_2024_per_year_hi, p.epoch_record_frontier_per_year, p.epoch_joint_ols_per_year
    )?;
    if args.verbose {
        writeln!(
            out,
            "\n{:<36} {:<10} {:>7} {:>9} {:>7}  90% interval",
            "model", "released", "actual", "predicted", "error"
        )?;
        for x in &b.predictions {
            writeln!(
                out,
                "{:<36} {:<10} {:>7.2} {:>9.2} {:>+7.2}  {:.2}–{:.2}",
                x.id,
                x.released.to_string(),
                x.log10_compute,
                x.predicted_log10_compute,
                x.error,
                x.lo90,
                x.hi90
            )?;
        }
    }
    Ok(Exit::Success)
}
