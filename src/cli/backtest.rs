/*!
`capfloor backtest`: predicts each open-weight model's training compute from its capability and
release date with a fit that never saw it or anything later, and reports the errors and the
coverage of the prediction intervals. Calls [`crate::backtest::run`]; this file prints its result.
*/

use std::io::Write;

use crate::backtest::{self, Options, Predictor, Summary};
use crate::cli::Sources;
use crate::cli::{write_json, Exit};
use crate::regression::Loss;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
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
    #[arg(long, value_enum, ignore_case = true, default_value_t = Loss::Ols)]
    pub loss: Loss,
    /// List every prediction, and every target skipped with the reason.
    #[arg(long)]
    pub verbose: bool,
    /// Print JSON (keys documented in the README) instead of the human summary.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print every prediction as CSV (id, released, log10_actual, log10_predicted, error,
    /// lo80, hi80, lo90, hi90, n_train, interval, placed, baseline_log10_predicted).
    #[arg(long)]
    pub csv: bool,
}

/// One `backtest --csv` row.
#[derive(serde::Serialize)]
struct CsvRow<'a> {
    id: &'a str,
    released: jiff::civil::Date,
    log10_actual: f64,
    log10_predicted: f64,
    error: f64,
    lo80: f64,
    hi80: f64,
    lo90: f64,
    hi90: f64,
    n_train: usize,
    interval: &'a str,
    placed: bool,
    baseline_log10_predicted: Option<f64>,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let points = sources.vintages(args.min_confidence.as_deref())?;
    let options = Options {
        predictor: args.predictor,
        loss: args.loss,
        include_distilled: args.include_distilled,
    };
    let b = backtest::run(&points, options)?;
    if args.csv {
        let rows: Vec<CsvRow> = b
            .predictions
            .iter()
            .map(|p| CsvRow {
                id: &p.id,
                released: p.released,
                log10_actual: p.log10_actual,
                log10_predicted: p.log10_predicted,
                error: p.error,
                lo80: p.lo80,
                hi80: p.hi80,
                lo90: p.lo90,
                hi90: p.hi90,
                n_train: p.n_train,
                interval: p.interval,
                placed: p.placed,
                baseline_log10_predicted: p.baseline_log10_predicted,
            })
            .collect();
        crate::cli::write_csv(out, &rows)?;
        return Ok(Exit::Success);
    }
    if args.json {
        write_json(out, &b)?;
        return Ok(Exit::Success);
    }
    print(&b, args.verbose, out)?;
    Ok(Exit::Success)
}

fn predictor_name(p: Predictor) -> &'static str {
    match p {
        Predictor::Direct => "log10 compute on capability and date",
        Predictor::Structural => {
            "the floor's fit of capability on compute and date, solved for compute"
        }
    }
}

/// `0.284 (0.201–0.332)`: a median |error| with its bootstrap 90% interval.
fn interval(median: f64, lo: f64, hi: f64) -> String {
    format!("{median:.3} ({lo:.3}–{hi:.3})")
}

fn median(s: &Summary) -> String {
    interval(s.median_abs_error, s.lo, s.hi)
}

fn print(b: &backtest::Backtest, verbose: bool, out: &mut dyn Write) -> Result<(), Error> {
    let verdict = |ok: bool| if ok { "meets target" } else { "misses target" };
    let o = &b.options;
    writeln!(
        out,
        "backtest: {} open-weight models predicted out of sample, {} of them by the naive baseline too; {} skipped{}",
        b.n_predicted,
        b.method.n,
        b.skipped.len(),
        if verbose { " (listed below)" } else { " (--verbose lists why)" }
    )?;
    writeln!(
        out,
        "  method              {} ({} loss), fit on earlier open-weight models, never a sibling",
        predictor_name(o.predictor),
        o.loss
    )?;
    writeln!(
        out,
        "  baseline            log10 compute on Epoch's published ECI and date (OLS), same training rule"
    )?;
    let c = &b.choice;
    let candidates: Vec<String> = c
        .candidates
        .iter()
        .map(|x| {
            format!(
                "{}/{} {:.3}",
                x.predictor_label(),
                x.loss,
                x.median_abs_error
            )
        })
        .collect();
    let chosen_is_run = c.chosen_predictor == o.predictor && c.chosen_loss == o.loss;
    writeln!(
        out,
        "  chosen before {}  on the {} earlier targets: {}; lowest: {}/{}{}",
        c.before,
        c.candidates.first().map_or(0, |x| x.n),
        candidates.join(", "),
        backtest::Candidate::label(c.chosen_predictor),
        c.chosen_loss,
        if chosen_is_run {
            " (this run)"
        } else {
            " (not this run)"
        }
    )?;
    writeln!(
        out,
        "  {:<32}{:<26}{:<10}{:<26}cover 90",
        "median |error| (dex)", "method (90% bootstrap)", "cover 90", "baseline"
    )?;
    let line = |out: &mut dyn Write, label: String, m: &Summary, base: &Summary| {
        writeln!(
            out,
            "  {label:<32}{:<26}{:<10}{:<26}{:.1}%",
            median(m),
            format!("{:.1}%", 100.0 * m.coverage_90),
            median(base),
            100.0 * base.coverage_90
        )
    };
    let label = |what: String, n: usize| format!("{what:<24}n {n:>3}");
    line(
        out,
        label("all targets".into(), b.method.n),
        &b.method,
        &b.baseline,
    )?;
    let since = &b.since_2024;
    line(
        out,
        label("released 2024+".into(), since.method.n),
        &since.method,
        &since.baseline,
    )?;
    let held = &b.held_out;
    line(
        out,
        label(
            format!("held out ({}+)", backtest::CHOICE_CUTOFF),
            held.method.n,
        ),
        &held.method,
        &held.baseline,
    )?;
    for (m, base) in b.method.by_year.iter().zip(&b.baseline.by_year) {
        let year = interval(m.median_abs_error, m.lo, m.hi);
        let baseline = interval(base.median_abs_error, base.lo, base.hi);
        writeln!(out, "    {:<22}n {:>3}   {year:<36}{baseline}", m.year, m.n)?;
    }
    let s = &since.method;
    writeln!(
        out,
        "  targets             2024+ median ≤ 0.30 and no worse than the baseline: {}; 90% coverage 85–95%: {} ({:.1}%; 80%: {:.1}%)",
        verdict(s.median_abs_error <= 0.30 && s.median_abs_error <= since.baseline.median_abs_error),
        verdict((0.85..=0.95).contains(&b.method.coverage_90)),
        100.0 * b.method.coverage_90,
        100.0 * b.method.coverage_80
    )?;
    for c in &b.cutoffs {
        writeln!(
            out,
            "  frozen at {}    one fit on {} models predicts {} later ones: {:.3} against the baseline's {:.3} ({} without a capability at their publication)",
            c.cutoff, c.n_train, c.n, c.median_abs_error, c.baseline_median_abs_error, c.n_unplaced
        )?;
    }
    let by = &b.median_abs_error_by_predictor;
    if let (Some(d), Some(st)) = (by.direct, by.structural) {
        writeln!(
            out,
            "  by predictor        direct {d:.3}, structural {st:.3} (on the targets both predict)"
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
    if verbose {
        writeln!(
            out,
            "\n{:<36} {:<10} {:>7} {:>9} {:>7}  {:<13} {:>8}  placed",
            "model", "released", "actual", "predicted", "error", "90% interval", "baseline"
        )?;
        for x in &b.predictions {
            writeln!(
                out,
                "{:<36} {:<10} {:>7.2} {:>9.2} {:>+7.2}  {:<13} {:>8}  {}",
                x.id,
                x.released.to_string(),
                x.log10_actual,
                x.log10_predicted,
                x.error,
                format!("{:.2}–{:.2}", x.lo90, x.hi90),
                x.baseline_log10_predicted
                    .map_or("–".to_string(), |v| format!("{v:.2}")),
                if x.placed { "yes" } else { "" }
            )?;
        }
        writeln!(out, "\nskipped")?;
        for x in &b.skipped {
            writeln!(
                out,
                "{:<36} {:<10} {}",
                x.id,
                x.released.to_string(),
                x.reason
            )?;
        }
    }
    Ok(())
}
