/*!
`capfloor capability`: every model's aggregate capability on the ECI scale, with its interval and
the number of scores behind it; `--benchmarks` for the fitted item parameters, `--check` for the
fit's quality. The fit is in [`crate::capability`].
*/

use std::io::Write;

use crate::capability::{self, FitOptions};
use crate::cli::points::Sources;
use crate::cli::{write_json, Outcome};
use crate::registry::Accessibility;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only models with published weights.
    #[arg(long)]
    pub open: bool,
    /// Print the fitted difficulty and slope of each benchmark instead.
    #[arg(long, conflicts_with = "check")]
    pub benchmarks: bool,
    /// Measure the fit: rank correlation and RMSE against Epoch's published ECI, and the error
    /// predicting 10% of scores hidden from it.
    #[arg(long)]
    pub check: bool,
    /// Seed for choosing the hidden scores of --check.
    #[arg(long, default_value_t = 4091)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Outcome, Error> {
    let registry = sources.registry()?;
    let opts = FitOptions::default();
    let fit = capability::fit(&registry, &opts)?;
    if args.check {
        let c = capability::check(&registry, &fit, &opts, args.seed)?;
        if args.json {
            write_json(out, &c)?;
        } else {
            writeln!(
                out,
                "capability index against Epoch's published ECI ({} models scored by both):",
                c.n_compared
            )?;
            writeln!(
                out,
                "  Spearman rank correlation  {:.3}  (target ≥ 0.95)",
                c.spearman
            )?;
            writeln!(
                out,
                "  RMSE                       {:.2} ECI points",
                c.rmse_eci
            )?;
            writeln!(
                out,
                "held out {} scores (10%, seed {}):",
                c.n_held_out, c.seed
            )?;
            writeln!(
                out,
                "  mean absolute error        {:.2} score points",
                c.held_out_mae_points
            )?;
        }
        return Ok(Outcome::Success);
    }
    if args.benchmarks {
        if args.json {
            write_json(out, &fit.items)?;
        } else {
            writeln!(
                out,
                "{:<26} {:>6} {:>11} {:>7} {:>7}",
                "benchmark", "chance", "difficulty", "slope", "scores"
            )?;
            for i in &fit.items {
                writeln!(
                    out,
                    "{:<26} {:>6.3} {:>11.1} {:>7.2} {:>7}",
                    i.id, i.chance, i.difficulty_eci, i.slope, i.n_scores
                )?;
            }
            writeln!(
                out,
                "difficulty on the ECI scale (map: {}); slope on the raw scale",
                fit.eci_map
            )?;
        }
        return Ok(Outcome::Success);
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
    } else {
        writeln!(
            out,
            "{:<44} {:>7} {:>15} {:>6} {:>7}",
            "model", "ECI", "90% interval", "scores", "Epoch"
        )?;
        for c in rows {
            writeln!(
                out,
                "{:<44} {:>7.1} {:>15} {:>6} {:>7}",
                c.id,
                c.capability,
                format!("{:.1}–{:.1}", c.capability_lo, c.capability_hi),
                c.n_scores,
                c.eci_published.map_or("—".into(), |e| format!("{e:.1}"))
            )?;
        }
    }
    Ok(Outcome::Success)
}
