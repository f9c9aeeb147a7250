/*!
How well capability and release date predict training compute, tested the only honest way: for
each open-weight model with a compute figure, fit on the models released by its date *without it*
(nothing later), predict its compute from its capability on the fitted trend, and compare.

```text
log10 Ĉ_j = (θ_j − (g·(t_j − t_ref) + c)) / k
```

Prediction intervals are split-conformal (Vovk et al. 2005; Lei et al. 2018): the 80% or 90%
quantile of the absolute out-of-sample errors of the models released *before* this one, so the
interval widens exactly as much as past errors say, heavy tails included, and still uses nothing
later. Until ten earlier errors exist, the interval is the fit's residual spread carried into
compute, `s·√(1 + 1/n) / k`, with Student-t quantiles on n − 3 degrees of freedom. The backtest
reports how often the true figure falls inside the 80% and 90% intervals.
*/

use jiff::civil::Date;
use serde::Serialize;

use crate::frontier::{self, year_fraction, Point};

/// One model's out-of-sample prediction.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub id: String,
    pub released: Date,
    pub log10_compute: f64,
    pub predicted_log10_compute: f64,
    /// predicted − actual, in orders of magnitude.
    pub error: f64,
    pub lo80: f64,
    pub hi80: f64,
    pub lo90: f64,
    pub hi90: f64,
    /// Models behind the fit used for this prediction.
    pub n_fit: usize,
    /// `conformal` (from earlier errors) or `student_t` (too few earlier errors yet).
    pub interval: &'static str,
}

/// Earlier out-of-sample errors needed before intervals are conformal.
pub const MIN_CONFORMAL: usize = 10;

/// The conformal quantile: the ⌈(m + 1)·p⌉-th smallest of m absolute errors (capped at m).
fn conformal(mut errors: Vec<f64>, p: f64) -> f64 {
    errors.sort_by(f64::total_cmp);
    let m = errors.len();
    let rank = (((m + 1) as f64) * p).ceil() as usize;
    errors[rank.clamp(1, m) - 1]
}

/// Algorithmic progress from the full fit, beside published estimates (not tuned to them).
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// Joint fit at fixed compute, all models: compute for fixed capability falls this much a year.
    pub typical_per_year: f64,
    /// Ho et al. 2024 (arXiv:2403.05812): compute to reach fixed performance halves every ~8
    /// months (95% CI 5–14), i.e. ≈2.8× a year (1.8–5.3×).
    pub ho_2024_per_year: f64,
    pub ho_2024_per_year_lo: f64,
    pub ho_2024_per_year_hi: f64,
    /// Epoch AI's ECI analysis: ≈3× a year along the capability-record frontier, up to ≈16× a
    /// year from a joint OLS fit.
    pub epoch_record_frontier_per_year: f64,
    pub epoch_joint_ols_per_year: f64,
}

/// The backtest's result; `n`, `median_abs_log10_error`, `coverage_80`, `coverage_90` are the
/// `backtest --json` keys other tools rely on.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub n: usize,
    /// Open models with compute that had too few earlier models to fit on.
    pub skipped: Vec<String>,
    pub median_abs_log10_error: f64,
    pub coverage_80: f64,
    pub coverage_90: f64,
    pub progress: Progress,
    pub predictions: Vec<Prediction>,
}

/// Why the backtest cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("no open-weight model with a compute figure has enough earlier models to fit on (at least {needed})")]
    NothingToTest { needed: usize },
    #[error(transparent)]
    Frontier(#[from] frontier::Error),
}

/// Halving every 8 months, and its 95% interval of 5 to 14 months, as factors per year.
fn per_year_from_halving(months: f64) -> f64 {
    2f64.powf(12.0 / months)
}

/// Runs the backtest over `points`; distilled models are left out of fits and targets unless
/// `include_distilled`.
pub fn run(points: &[Point], include_distilled: bool) -> Result<Backtest, Error> {
    let usable = |p: &&Point| include_distilled || !p.distilled;
    let mut targets: Vec<&Point> = points
        .iter()
        .filter(usable)
        .filter(|p| p.open && p.log10_compute.is_some())
        .collect();
    targets.sort_by(|a, b| a.released.cmp(&b.released).then(a.id.cmp(&b.id)));
    let mut predictions = Vec::new();
    let mut skipped = Vec::new();
    for target in targets {
        let rows: Vec<(f64, f64, f64)> = points
            .iter()
            .filter(usable)
            .filter(|p| p.released <= target.released && p.id != target.id)
            .filter_map(|p| Some((p.log10_compute?, year_fraction(p.released), p.capability)))
            .collect();
        let Ok(fit) = frontier::fit_rows(&rows, target.released) else {
            skipped.push(target.id.clone());
            continue;
        };
        let t = year_fraction(target.released);
        let actual = target.log10_compute.expect("targets have compute");
        let predicted = fit.log10_compute_for(target.capability, fit.typical_efficiency(t));
        let df = (fit.n - 3) as f64;
        let sd = fit.residual_sd * (1.0 + 1.0 / fit.n as f64).sqrt() / fit.k;
        // Errors of models released strictly before this one (ties in date are not "before").
        let earlier: Vec<f64> = predictions
            .iter()
            .filter(|p: &&Prediction| p.released < target.released)
            .map(|p| p.error.abs())
            .collect();
        let (w80, w90, interval) = if earlier.len() >= MIN_CONFORMAL {
            (
                conformal(earlier.clone(), 0.80),
                conformal(earlier, 0.90),
                "conformal",
            )
        } else {
            (
                student_t_quantile(0.90, df) * sd,
                student_t_quantile(0.95, df) * sd,
                "student_t",
            )
        };
        predictions.push(Prediction {
            id: target.id.clone(),
            released: target.released,
            log10_compute: actual,
            predicted_log10_compute: predicted,
            error: predicted - actual,
            lo80: predicted - w80,
            hi80: predicted + w80,
            lo90: predicted - w90,
            hi90: predicted + w90,
            n_fit: fit.n,
            interval,
        });
    }
    if predictions.is_empty() {
        return Err(Error::NothingToTest {
            needed: frontier::MIN_FIT,
        });
    }
    let mut abs: Vec<f64> = predictions.iter().map(|p| p.error.abs()).collect();
    abs.sort_by(f64::total_cmp);
    let median = if abs.len() % 2 == 1 {
        abs[abs.len() / 2]
    } else {
        (abs[abs.len() / 2 - 1] + abs[abs.len() / 2]) / 2.0
    };
    let n = predictions.len();
    let covered = |lo: fn(&Prediction) -> f64, hi: fn(&Prediction) -> f64| {
        predictions
            .iter()
            .filter(|p| lo(p) <= p.log10_compute && p.log10_compute <= hi(p))
            .count() as f64
            / n as f64
    };
    let full = frontier::fit(
        points.iter().filter(usable),
        points
            .iter()
            .map(|p| p.released)
            .max()
            .expect("predictions imply points"),
    )?;
    Ok(Backtest {
        n,
        skipped,
        median_abs_log10_error: median,
        coverage_80: covered(|p| p.lo80, |p| p.hi80),
        coverage_90: covered(|p| p.lo90, |p| p.hi90),
        progress: Progress {
            typical_per_year: frontier::progress_factor(full.g, full.k),
            ho_2024_per_year: per_year_from_halving(8.0),
            ho_2024_per_year_lo: per_year_from_halving(14.0),
            ho_2024_per_year_hi: per_year_from_halving(5.0),
            epoch_record_frontier_per_year: 3.0,
            epoch_joint_ols_per_year: 16.0,
        },
        predictions,
    })
}

/// The p-quantile of Student's t with `df` degrees of freedom, by the Cornish–Fisher expansion
/// around the normal quantile (Abramowitz & Stegun 26.7.5; within 0.5% for df ≥ 3 at these p).
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    let z = normal_quantile(p);
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * df)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df.powi(2))
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df.powi(3))
}

/// The standard normal p-quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;

    #[test]
    fn quantiles_match_tables() {
        assert!((normal_quantile(0.975) - 1.959964).abs() < 1e-5);
        assert!((normal_quantile(0.90) - 1.281552).abs() < 1e-5);
        assert!((normal_quantile(0.01) + 2.326348).abs() < 1e-5);
        // t tables: t(0.95, 5) = 2.015, t(0.95, 10) = 1.812, t(0.90, 30) = 1.310.
        assert!((student_t_quantile(0.95, 5.0) - 2.015).abs() < 0.01);
        assert!((student_t_quantile(0.95, 10.0) - 1.812).abs() < 0.005);
        assert!((student_t_quantile(0.90, 30.0) - 1.310).abs() < 0.002);
    }

    #[test]
    fn a_noise_free_world_is_predicted_exactly() {
        let start = Date::new(2021, 1, 1).unwrap();
        let points: Vec<Point> = (0..12)
            .map(|i| {
                let released = start.checked_add((2 * i).months()).unwrap();
                let x = 22.0 + 0.3 * i as f64 + if i % 2 == 0 { 0.4 } else { -0.2 };
                Point {
                    id: format!("m{i}"),
                    released,
                    capability: 14.0 * x + 6.0 * (year_fraction(released) - 2021.0) - 240.0,
                    capability_se: 0.5,
                    log10_compute: Some(x),
                    open: true,
                    distilled: false,
                }
            })
            .collect();
        let b = run(&points, false).unwrap();
        // The first five have fewer than five earlier models.
        assert_eq!(b.skipped.len(), 5);
        assert_eq!(b.n, 7);
        assert!(
            b.median_abs_log10_error < 1e-6,
            "{}",
            b.median_abs_log10_error
        );
        assert!((b.progress.typical_per_year - 10f64.powf(6.0 / 14.0)).abs() < 1e-6);
        assert!((b.progress.ho_2024_per_year - 2.828).abs() < 0.01);
    }

    #[test]
    fn conformal_quantiles_take_the_rank_of_the_level() {
        let errors: Vec<f64> = (1..=9).map(f64::from).collect();
        // ⌈10 × 0.8⌉ = 8th smallest; ⌈10 × 0.9⌉ = 9th.
        assert_eq!(conformal(errors.clone(), 0.80), 8.0);
        assert_eq!(conformal(errors, 0.90), 9.0);
        assert_eq!(conformal(vec![0.5], 0.9), 0.5);
    }

    #[test]
    fn too_little_history_is_an_error() {
        let p = Point {
            id: "only".into(),
            released: Date::new(2024, 1, 1).unwrap(),
            capability: 100.0,
            capability_se: 1.0,
            log10_compute: Some(24.0),
            open: true,
            distilled: false,
        };
        assert!(matches!(run(&[p], false), Err(Error::NothingToTest { .. })));
    }
}
