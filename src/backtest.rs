/*!
How well capability and release date predict training compute, tested the only honest way: for
each open-weight model with a compute figure, fit on the models released by its date *without it*
(nothing later), predict its compute from its capability and date, and compare.

Two predictors are fitted on the same earlier models and both are reported:

```text
direct:      log10 Ĉ_j = a·θ_j + d·(t_j − t_ref) + e          (log10 C regressed on θ and t)
structural:  log10 Ĉ_j = (θ_j − (g·(t_j − t_ref) + c)) / k    (the frontier's θ = k·log10 C + …, solved for C)
```

The structural one is the floor's own equation run backwards; it answers "how much compute does
a recipe of typical quality need for θ". Asked to *predict* a model's compute from its
capability, it overshoots: inverting a regression of θ on compute stretches every deviation by
1/R² (the classical-versus-inverse calibration problem; Krutchkoff 1967, Osborne 1991, "Statistical
calibration: a review"). The direct regression is the least-squares predictor of compute given
capability and date. Both are fitted on published (open-weight) models only: a vintage holds
nothing else, and the compute of closed models is an outsider's estimate from hardware and cost,
not a developer's figure.

The predictor and the loss ([`crate::regression`]: least squares or Huber's) are chosen by a rule
fixed before the held-out years, on the targets released before [`CHOICE_CUTOFF`] ([`Choice`],
reported in every run); the default is that choice. Beside every figure stands the naive baseline
(least squares of log10 C on Epoch's published ECI and date, same training rule, same targets),
and a frozen-cutoff test ([`CUTOFFS`]) fits once and predicts everything later.

Prediction intervals are split-conformal (Vovk et al. 2005; Lei et al. 2018): the 80% or 90%
quantile of the absolute out-of-sample errors of the models released *before* this one, so the
interval widens exactly as much as past errors say, heavy tails included, and still uses nothing
later. Until ten earlier errors exist, the interval is the fit's residual spread in log10 compute
times `√(1 + 1/n)`, with Student-t quantiles on n − 3 degrees of freedom.
*/

use jiff::civil::Date;
use serde::Serialize;

use crate::floor::Source;
use crate::frontier::{self, year_fraction, Point};
use crate::regression::{self, Loss};

/// How compute is predicted from capability and date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Predictor {
    /// log10 compute regressed on capability and date.
    Direct,
    /// The frontier's fit of capability on compute and date, solved for compute.
    Structural,
}

/// The backtest's definitional choices. The fits are on open-weight models only: a vintage holds
/// nothing else (a closed model's scores and compute are not published methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Options {
    pub predictor: Predictor,
    pub loss: Loss,
    /// Distilled models are left out of fits and targets unless this is set.
    pub include_distilled: bool,
}

impl Options {
    /// Whether `p` may be a target or a training row (distilled models only when asked).
    fn admits(&self, p: &Point) -> bool {
        self.include_distilled || !p.distilled
    }
}

impl Default for Options {
    fn default() -> Self {
        // Chosen by [`Choice`]'s rule on the targets released before 2024-07-01 (embedded
        // registry of 2026-12-03: direct with OLS 0.241, with Huber 0.242; structural 0.384 and
        // 0.462; docs/floor.md). A CLI test keeps this equal to what the rule picks.
        Options {
            predictor: Predictor::Direct,
            loss: Loss::Ols,
            include_distilled: false,
        }
    }
}

/// Method choices (predictor, loss) are made on the targets released before this date, by the
/// rule in [`Choice`]; everything released on or after it is held out.
pub const CHOICE_CUTOFF: Date = Date::constant(2024, 7, 1);

/// The frozen cutoffs: one fit at each date predicts every later open model.
pub const CUTOFFS: [Date; 2] = [Date::constant(2024, 7, 1), Date::constant(2025, 1, 1)];

/// One model's out-of-sample prediction, and the naive baseline's.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub id: String,
    pub released: Date,
    pub log10_actual: f64,
    /// The chosen predictor's prediction.
    pub log10_predicted: f64,
    /// Each predictor's prediction (`null` where its fit is degenerate).
    pub direct_log10_predicted: Option<f64>,
    pub structural_log10_predicted: Option<f64>,
    /// predicted − actual, in orders of magnitude.
    pub error: f64,
    pub lo80: f64,
    pub hi80: f64,
    pub lo90: f64,
    pub hi90: f64,
    /// Models behind the fit used for this prediction.
    pub n_train: usize,
    /// `conformal` (from earlier errors) or `student_t` (too few earlier errors yet).
    pub interval: &'static str,
    /// The target's own scores all came after its publication date, so it is not in that date's
    /// vintage: its capability is its scores placed under that vintage's fit (which they do not
    /// move).
    pub placed: bool,
    /// The naive baseline (OLS of log10 C on published ECI and date, on the same training rule):
    /// `null` without a published ECI or enough earlier rows.
    pub baseline_log10_predicted: Option<f64>,
    pub baseline_lo80: Option<f64>,
    pub baseline_hi80: Option<f64>,
    pub baseline_lo90: Option<f64>,
    pub baseline_hi90: Option<f64>,
}

/// A target that could not be predicted, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub id: String,
    pub released: Date,
    pub reason: &'static str,
}

/// The median absolute error of one year's targets, with a bootstrap 90% interval.
#[derive(Debug, Clone, Serialize)]
pub struct Year {
    pub year: i16,
    pub n: usize,
    pub median_abs_error: f64,
    pub lo: f64,
    pub hi: f64,
}

/// One method's accuracy over a set of targets: the median |error| with its bootstrap 90%
/// interval, interval coverage, and the same by year of release.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub n: usize,
    pub median_abs_error: f64,
    pub lo: f64,
    pub hi: f64,
    pub coverage_80: f64,
    pub coverage_90: f64,
    pub by_year: Vec<Year>,
}

/// The method and the naive baseline on the same targets.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    pub method: Summary,
    pub baseline: Summary,
}

/// One frozen cutoff: a single fit on what was known at `cutoff` predicts every open model
/// released after it, for the method and the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Cutoff {
    pub cutoff: Date,
    /// Targets both predict.
    pub n: usize,
    pub n_train: usize,
    /// Later open models with compute whose capability could not be measured at their
    /// publication date (fewer than three scores on the benchmarks of that date).
    pub n_unplaced: usize,
    pub median_abs_error: f64,
    pub baseline_median_abs_error: f64,
}

/// One candidate method's accuracy on the targets released before [`CHOICE_CUTOFF`].
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub predictor: Predictor,
    pub loss: Loss,
    pub n: usize,
    pub median_abs_error: f64,
}

impl Candidate {
    /// `direct` or `structural`.
    pub fn label(p: Predictor) -> &'static str {
        match p {
            Predictor::Direct => "direct",
            Predictor::Structural => "structural",
        }
    }

    pub fn predictor_label(&self) -> &'static str {
        Self::label(self.predictor)
    }
}

/// How the default method is chosen, with nothing released on or after [`CHOICE_CUTOFF`] in
/// sight: the candidate with the lowest median |error| on the earlier targets every candidate
/// predicts.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub before: Date,
    pub rule: &'static str,
    pub candidates: Vec<Candidate>,
    pub chosen_predictor: Predictor,
    pub chosen_loss: Loss,
}

/// The median of |errors| and its bootstrap 90% interval (1,000 resamples, fixed seed).
fn median_with_interval(errors: &[f64]) -> (f64, f64, f64) {
    use rand::{RngExt, SeedableRng};
    let m = median(errors.to_vec()).unwrap_or(f64::NAN);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4091);
    let mut meds: Vec<f64> = (0..1000)
        .filter_map(|_| {
            median(
                (0..errors.len())
                    .map(|_| errors[rng.random_range(0..errors.len())])
                    .collect(),
            )
        })
        .collect();
    meds.sort_by(f64::total_cmp);
    if meds.is_empty() {
        return (m, m, m);
    }
    let q = |p: f64| meds[((meds.len() - 1) as f64 * p).round() as usize];
    (m, q(0.05), q(0.95))
}

/// One target as a method saw it: (released, actual, predicted, lo80, hi80, lo90, hi90).
type Outcome = (Date, f64, f64, f64, f64, f64, f64);

fn summarise(outcomes: &[Outcome]) -> Summary {
    let abs = |o: &[&Outcome]| o.iter().map(|o| (o.2 - o.1).abs()).collect::<Vec<_>>();
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let (m, lo, hi) = median_with_interval(&abs(&all));
    let n = outcomes.len();
    let covered = |lo: fn(&Outcome) -> f64, hi: fn(&Outcome) -> f64| {
        outcomes
            .iter()
            .filter(|o| lo(o) <= o.1 && o.1 <= hi(o))
            .count() as f64
            / n.max(1) as f64
    };
    let mut years: Vec<i16> = outcomes.iter().map(|o| o.0.year()).collect();
    years.sort_unstable();
    years.dedup();
    let by_year = years
        .into_iter()
        .map(|y| {
            let of: Vec<&Outcome> = outcomes.iter().filter(|o| o.0.year() == y).collect();
            let (m, lo, hi) = median_with_interval(&abs(&of));
            Year {
                year: y,
                n: of.len(),
                median_abs_error: m,
                lo,
                hi,
            }
        })
        .collect();
    Summary {
        n,
        median_abs_error: m,
        lo,
        hi,
        coverage_80: covered(|o| o.3, |o| o.4),
        coverage_90: covered(|o| o.5, |o| o.6),
        by_year,
    }
}

/// The method and the baseline on the predictions (among `predictions`) both made.
fn compare<'p>(predictions: impl Iterator<Item = &'p Prediction>) -> Compared {
    let mut method = Vec::new();
    let mut baseline = Vec::new();
    for p in predictions {
        let (Some(b), Some(lo80), Some(hi80), Some(lo90), Some(hi90)) = (
            p.baseline_log10_predicted,
            p.baseline_lo80,
            p.baseline_hi80,
            p.baseline_lo90,
            p.baseline_hi90,
        ) else {
            continue;
        };
        method.push((
            p.released,
            p.log10_actual,
            p.log10_predicted,
            p.lo80,
            p.hi80,
            p.lo90,
            p.hi90,
        ));
        baseline.push((p.released, p.log10_actual, b, lo80, hi80, lo90, hi90));
    }
    Compared {
        method: summarise(&method),
        baseline: summarise(&baseline),
    }
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

/// The half-widths of the 80% and 90% intervals around a prediction: conformal from `earlier`
/// absolute errors once there are enough, else the fit's residual spread with Student-t quantiles.
fn widths(earlier: Vec<f64>, fitted: &Fitted) -> (f64, f64, &'static str) {
    if earlier.len() >= MIN_CONFORMAL {
        (
            conformal(earlier.clone(), 0.80),
            conformal(earlier, 0.90),
            "conformal",
        )
    } else {
        let df = (fitted.n - 3) as f64;
        let sd = fitted.spread * (1.0 + 1.0 / fitted.n as f64).sqrt();
        (
            student_t_quantile(0.90, df) * sd,
            student_t_quantile(0.95, df) * sd,
            "student_t",
        )
    }
}

/// The median of `values`; `None` when empty.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
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

/// Each predictor's median absolute error over the models both could predict.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ByPredictor {
    pub direct: Option<f64>,
    pub structural: Option<f64>,
}

/// The backtest's result. The headline figures (`n`, `median_abs_error` with `lo`/`hi`,
/// `coverage_80`, `coverage_90`, `by_year`) and `baseline` (the same keys) are on the same
/// targets: those both the method and the naive baseline predict.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    pub options: Options,
    /// Every target the method predicted (also those the baseline cannot).
    pub n_predicted: usize,
    pub skipped: Vec<Skipped>,
    #[serde(flatten)]
    pub method: Summary,
    pub baseline: Summary,
    /// Targets released in 2024 or later.
    pub since_2024: Compared,
    /// Targets released on or after [`CHOICE_CUTOFF`]: held out from every method choice.
    pub held_out: Compared,
    pub cutoffs: Vec<Cutoff>,
    pub choice: Choice,
    pub median_abs_error_by_predictor: ByPredictor,
    pub progress: Progress,
    pub predictions: Vec<Prediction>,
}

/// Why the backtest cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("no open-weight model with a compute figure has enough earlier models to fit on (at least {needed})")]
    NothingToTest { needed: usize },
    /// Every accuracy figure is reported beside the naive baseline on the same targets, which
    /// needs Epoch's published ECI for the targets and the earlier models.
    #[error("no target has a published ECI (eci_published) and enough earlier models with one, so the naive baseline cannot be set beside the method")]
    NoBaseline,
    #[error(transparent)]
    Frontier(#[from] frontier::Error),
}

/// Halving every 8 months, and its 95% interval of 5 to 14 months, as factors per year.
fn per_year_from_halving(months: f64) -> f64 {
    2f64.powf(12.0 / months)
}

/// A predictor's view of one target: its prediction and its residual spread in log10 compute.
struct Fitted {
    log10_compute: f64,
    spread: f64,
    n: usize,
}

/// log10 C regressed on (θ, t) over `rows` of (log10 C, t, θ), evaluated at the target.
fn direct(rows: &[(f64, f64, f64)], loss: Loss, theta: f64, t: f64) -> Option<Fitted> {
    if rows.len() < frontier::MIN_FIT {
        return None;
    }
    let t_ref = rows.iter().map(|r| r.1).sum::<f64>() / rows.len() as f64;
    let design: Vec<([f64; 3], f64)> = rows
        .iter()
        .map(|&(x, t, theta)| ([theta, t - t_ref, 1.0], x))
        .collect();
    let f = regression::fit(&design, loss)?;
    // Compute must rise with capability, as in the structural fit.
    if f.beta[0].is_nan() || f.beta[0] <= 0.0 {
        return None;
    }
    Some(Fitted {
        log10_compute: f.predict([theta, t - t_ref, 1.0]),
        spread: f.scale,
        n: f.n,
    })
}

/// The frontier's fit over `rows`, solved for the target's compute.
fn structural(
    rows: &[(f64, f64, f64)],
    loss: Loss,
    at: Date,
    theta: f64,
    t: f64,
) -> Option<Fitted> {
    let fit = frontier::fit_rows_with(rows, at, loss).ok()?;
    Some(Fitted {
        log10_compute: fit.log10_compute_for(theta, fit.typical_efficiency(t)),
        spread: fit.residual_sd / fit.k,
        n: fit.n,
    })
}

/// Whether `p` is a sibling of `target`: the same developer, released within 30 days of it. It
/// covers "the same developer and family announced within 30 days" and more (two families of one
/// developer in one month share data and methods too), so it errs on the side of leaving out.
fn sibling(p: &Point, target: &Point) -> bool {
    !p.developer.is_empty()
        && p.developer.eq_ignore_ascii_case(&target.developer)
        && (p.released - target.released).get_days().abs() <= SIBLING_DAYS
}

/// A model and its siblings announced within this many days share a recipe.
pub const SIBLING_DAYS: i32 = 30;

/// The rows a prediction for `target` may train on: strictly earlier models, never a sibling, as
/// (log10 C, t, θ) for the method and (log10 C, t, published ECI) for the baseline.
type Rows = Vec<(f64, f64, f64)>;
fn training_rows(points: &[Point], target: &Point, options: &Options) -> (Rows, Rows) {
    rows_of(
        points
            .iter()
            .filter(|p| options.admits(p))
            // Strictly earlier, and never a sibling: the same developer within 30 days shares
            // the target's recipe and data, so it would predict the target from itself.
            .filter(|p| p.open && p.released < target.released && !sibling(p, target)),
    )
}

/// The method's rows (log10 C, t, θ) and the baseline's (log10 C, t, published ECI) of `models`.
fn rows_of<'p>(models: impl Iterator<Item = &'p Point> + Clone) -> (Rows, Rows) {
    let rows = models
        .clone()
        .filter_map(|p| Some((p.log10_compute?, year_fraction(p.released), p.capability)))
        .collect();
    let baseline = models
        .filter_map(|p| {
            Some((
                p.log10_compute?,
                year_fraction(p.released),
                p.eci_published?,
            ))
        })
        .collect();
    (rows, baseline)
}

/// The open models with compute that a backtest predicts, in release order.
fn targets(every: &[Point], options: &Options) -> Vec<Point> {
    let mut targets: Vec<Point> = every
        .iter()
        .filter(|p| options.admits(p))
        .filter(|p| p.open && p.log10_compute.is_some())
        .cloned()
        .collect();
    targets.sort_by(|a, b| a.released.cmp(&b.released).then(a.id.cmp(&b.id)));
    targets
}

/// The target as measured at its publication date, from `points` (that date's vintage): its own
/// point there, or, when its scores all came later, those scores placed under that date's fit
/// (`true`).
fn measured<S: Source + ?Sized>(
    source: &S,
    points: &[Point],
    target: &Point,
) -> Option<(Point, bool)> {
    match points.iter().find(|p| p.id == target.id) {
        Some(p) => Some((p.clone(), false)),
        None => source
            .placed(&target.id, target.released)
            .map(|p| (p, true)),
    }
}

/// Every target predicted on its own publication date's vintage, in release order.
fn predict_each<S: Source + ?Sized>(
    source: &S,
    targets: &[Point],
    options: Options,
) -> (Vec<Prediction>, Vec<Skipped>) {
    let mut predictions: Vec<Prediction> = Vec::new();
    let mut skipped = Vec::new();
    let skip = |t: &Point, reason| Skipped {
        id: t.id.clone(),
        released: t.released,
        reason,
    };
    for target in targets {
        // Everything as known on the target's publication date: the vintage fit of that day, so
        // neither later models nor later scores of earlier ones shape the fit.
        let Ok(points) = source.at(target.released) else {
            skipped.push(skip(target, "no vintage fit at its publication date"));
            continue;
        };
        let Some((target, placed)) = measured(source, &points, target) else {
            skipped.push(skip(
                target,
                "fewer than three scores on the benchmarks of its publication date",
            ));
            continue;
        };
        let (rows, baseline_rows) = training_rows(&points, &target, &options);
        let (theta, t) = (target.capability, year_fraction(target.released));
        let by_direct = direct(&rows, options.loss, theta, t);
        let by_structure = structural(&rows, options.loss, target.released, theta, t);
        let chosen = match options.predictor {
            Predictor::Direct => &by_direct,
            Predictor::Structural => &by_structure,
        };
        let Some(chosen) = chosen else {
            skipped.push(skip(
                &target,
                "too few earlier models, or a degenerate fit on them",
            ));
            continue;
        };
        let actual = target.log10_compute.expect("targets have compute");
        let predicted = chosen.log10_compute;
        // Errors of models released strictly before this one (ties in date are not "before").
        let earlier = |f: fn(&Prediction) -> Option<f64>| -> Vec<f64> {
            predictions
                .iter()
                .filter(|p| p.released < target.released)
                .filter_map(|p| Some((f(p)? - p.log10_actual).abs()))
                .collect()
        };
        let (w80, w90, interval) = widths(earlier(|p| Some(p.log10_predicted)), chosen);
        let baseline = target
            .eci_published
            .and_then(|eci| direct(&baseline_rows, Loss::Ols, eci, t))
            .map(|f| {
                let (w80, w90, _) = widths(earlier(|p| p.baseline_log10_predicted), &f);
                (f.log10_compute, w80, w90)
            });
        predictions.push(Prediction {
            id: target.id.clone(),
            released: target.released,
            log10_actual: actual,
            log10_predicted: predicted,
            direct_log10_predicted: by_direct.as_ref().map(|f| f.log10_compute),
            structural_log10_predicted: by_structure.as_ref().map(|f| f.log10_compute),
            error: predicted - actual,
            lo80: predicted - w80,
            hi80: predicted + w80,
            lo90: predicted - w90,
            hi90: predicted + w90,
            n_train: chosen.n,
            interval,
            placed,
            baseline_log10_predicted: baseline.map(|b| b.0),
            baseline_lo80: baseline.map(|b| b.0 - b.1),
            baseline_hi80: baseline.map(|b| b.0 + b.1),
            baseline_lo90: baseline.map(|b| b.0 - b.2),
            baseline_hi90: baseline.map(|b| b.0 + b.2),
        });
    }
    (predictions, skipped)
}

/// The frozen-cutoff test at `cutoff`: one fit of compute on capability and date, on the vintage
/// of that date (models published by it), predicts every later target from its capability as
/// measured at its own publication date.
fn frozen<S: Source + ?Sized>(
    source: &S,
    targets: &[Point],
    cutoff: Date,
    options: Options,
) -> Option<Cutoff> {
    let points = source.at(cutoff).ok()?;
    let (rows, baseline_rows) = rows_of(points.iter().filter(|p| p.open && options.admits(p)));
    let mut errors = Vec::new();
    let mut baseline_errors = Vec::new();
    let mut n_unplaced = 0;
    for target in targets.iter().filter(|p| p.released > cutoff) {
        // The target's capability as measured at its own publication date (every vintage is on
        // the ECI scale); only the fit of compute on capability and date is frozen.
        let own = source.at(target.released).ok();
        let Some((placed, _)) = own.and_then(|points| measured(source, &points, target)) else {
            n_unplaced += 1;
            continue;
        };
        let t = year_fraction(target.released);
        let actual = target.log10_compute.expect("targets have compute");
        let predicted = match options.predictor {
            Predictor::Direct => direct(&rows, options.loss, placed.capability, t),
            Predictor::Structural => structural(&rows, options.loss, cutoff, placed.capability, t),
        };
        let baseline = target
            .eci_published
            .and_then(|eci| direct(&baseline_rows, Loss::Ols, eci, t));
        if let (Some(p), Some(b)) = (predicted, baseline) {
            errors.push((p.log10_compute - actual).abs());
            baseline_errors.push((b.log10_compute - actual).abs());
        }
    }
    Some(Cutoff {
        cutoff,
        n: errors.len(),
        n_train: rows.len(),
        n_unplaced,
        median_abs_error: median(errors)?,
        baseline_median_abs_error: median(baseline_errors)?,
    })
}

/// The choice of predictor and loss on the targets released before [`CHOICE_CUTOFF`].
fn choose<S: Source + ?Sized>(source: &S, targets: &[Point], options: Options) -> Choice {
    let early: Vec<Point> = targets
        .iter()
        .filter(|p| p.released < CHOICE_CUTOFF)
        .cloned()
        .collect();
    let runs: Vec<(Predictor, Loss, Vec<Prediction>)> = [Predictor::Direct, Predictor::Structural]
        .into_iter()
        .flat_map(|predictor| [Loss::Huber, Loss::Ols].map(|loss| (predictor, loss)))
        .map(|(predictor, loss)| {
            let o = Options {
                predictor,
                loss,
                ..options
            };
            (predictor, loss, predict_each(source, &early, o).0)
        })
        .collect();
    // The earlier targets every candidate predicts.
    let common: Vec<&str> = early
        .iter()
        .map(|p| p.id.as_str())
        .filter(|id| runs.iter().all(|r| r.2.iter().any(|p| p.id == *id)))
        .collect();
    let candidates: Vec<Candidate> = runs
        .iter()
        .map(|(predictor, loss, preds)| {
            let errors: Vec<f64> = preds
                .iter()
                .filter(|p| common.contains(&p.id.as_str()))
                .map(|p| p.error.abs())
                .collect();
            Candidate {
                predictor: *predictor,
                loss: *loss,
                n: errors.len(),
                median_abs_error: median(errors).unwrap_or(f64::NAN),
            }
        })
        .collect();
    let best = candidates
        .iter()
        .min_by(|a, b| a.median_abs_error.total_cmp(&b.median_abs_error))
        .expect("four candidates");
    Choice {
        before: CHOICE_CUTOFF,
        rule: "the lowest median |error| on the targets released before the date that every candidate predicts",
        chosen_predictor: best.predictor,
        chosen_loss: best.loss,
        candidates,
    }
}

/// Runs the backtest on the vintages of `source` with `options`.
pub fn run<S: Source + ?Sized>(source: &S, options: Options) -> Result<Backtest, Error> {
    let nothing = Error::NothingToTest {
        needed: frontier::MIN_FIT,
    };
    let every = source.at(Date::MAX).map_err(|_| nothing.clone())?;
    let targets = targets(&every, &options);
    let (predictions, skipped) = predict_each(source, &targets, options);
    if predictions.is_empty() {
        return Err(nothing);
    }
    // Compared on the same models: those both predictors could predict.
    let both: Vec<&Prediction> = predictions
        .iter()
        .filter(|p| p.direct_log10_predicted.is_some() && p.structural_log10_predicted.is_some())
        .collect();
    let abs_errors = |f: fn(&Prediction) -> Option<f64>| {
        median(
            both.iter()
                .filter_map(|p| Some((f(p)? - p.log10_actual).abs()))
                .collect(),
        )
    };
    let by_predictor = ByPredictor {
        direct: abs_errors(|p| p.direct_log10_predicted),
        structural: abs_errors(|p| p.structural_log10_predicted),
    };
    let full = frontier::fit(
        every.iter().filter(|p| options.admits(p)),
        every
            .iter()
            .map(|p| p.released)
            .max()
            .expect("predictions imply points"),
    )?;
    let Compared { method, baseline } = compare(predictions.iter());
    if method.n == 0 {
        return Err(Error::NoBaseline);
    }
    Ok(Backtest {
        since_2024: compare(predictions.iter().filter(|p| p.released.year() >= 2024)),
        held_out: compare(predictions.iter().filter(|p| p.released >= CHOICE_CUTOFF)),
        cutoffs: CUTOFFS
            .iter()
            .filter_map(|&c| frozen(source, &targets, c, options))
            .collect(),
        choice: choose(source, &targets, options),
        options,
        n_predicted: predictions.len(),
        skipped,
        method,
        baseline,
        median_abs_error_by_predictor: by_predictor,
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

    /// Monthly releases from 2021 on a known trend θ = 14·x + 6·(t − 2021) − 240, with recipe
    /// quality `spread(i)` added to θ.
    fn world(n: usize, spread: impl Fn(usize) -> f64) -> Vec<Point> {
        let start = Date::new(2021, 1, 1).unwrap();
        (0..n)
            .map(|i| {
                let released = start.checked_add((2 * i as i64).months()).unwrap();
                let x = 22.0 + 0.3 * i as f64 + if i % 2 == 0 { 0.4 } else { -0.2 };
                Point {
                    id: format!("m{i:02}"),
                    released,
                    capability: 14.0 * x + 6.0 * (year_fraction(released) - 2021.0) - 240.0
                        + spread(i),
                    capability_se: 0.5,
                    log10_compute: Some(x),
                    open: true,
                    distilled: false,
                    synthetic: false,
                    developer: String::new(),
                    // Published ECI tracks capability: the baseline has rows to fit.
                    eci_published: Some(
                        14.0 * x + 6.0 * (year_fraction(released) - 2021.0) - 240.0,
                    ),
                }
            })
            .collect()
    }

    #[test]
    fn a_noise_free_world_is_predicted_exactly_by_either_predictor() {
        let points = world(12, |_| 0.0);
        for predictor in [Predictor::Direct, Predictor::Structural] {
            for loss in [Loss::Huber, Loss::Ols] {
                let options = Options {
                    predictor,
                    loss,
                    ..Options::default()
                };
                let b = run(&points, options).unwrap();
                // The first five have fewer than five earlier models.
                assert_eq!(b.skipped.len(), 5);
                assert_eq!(b.method.n, 7);
                assert!(b.method.median_abs_error < 1e-6, "{options:?}: {b:?}");
            }
        }
        let b = run(&points, Options::default()).unwrap();
        assert!((b.progress.typical_per_year - 10f64.powf(6.0 / 14.0)).abs() < 1e-6);
        assert!((b.progress.ho_2024_per_year - 2.828).abs() < 0.01);
    }

    #[test]
    fn inverting_the_capability_fit_overshoots_where_the_direct_regression_does_not() {
        // Recipes vary by ±8 ECI points around the trend, uncorrelated with compute: the
        // structural inversion carries that spread into compute stretched by 1/R².
        let spread = [8.0, -8.0, 3.0, -3.0, 0.0, 6.0, -6.0, 1.0];
        let points = world(40, |i| spread[(i * 5) % spread.len()]);
        let b = run(&points, Options::default()).unwrap();
        let by = b.median_abs_error_by_predictor;
        let (direct, structural) = (by.direct.unwrap(), by.structural.unwrap());
        assert!(direct < structural, "{direct} vs {structural}");
        assert_eq!(b.method.median_abs_error, direct);
        let s = run(
            &points,
            Options {
                predictor: Predictor::Structural,
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(s.method.median_abs_error, structural);
        for p in &b.predictions {
            assert_eq!(Some(p.log10_predicted), p.direct_log10_predicted);
            assert_eq!(p.error, p.log10_predicted - p.log10_actual);
        }
    }

    #[test]
    fn closed_models_never_enter_the_fits() {
        // Every third model is closed, with a compute estimate two orders of magnitude too high.
        let points: Vec<Point> = world(30, |_| 0.0)
            .into_iter()
            .enumerate()
            .map(|(i, mut p)| {
                if i % 3 == 1 {
                    p.open = false;
                    p.log10_compute = p.log10_compute.map(|x| x + 2.0);
                }
                p
            })
            .collect();
        let b = run(&points, Options::default()).unwrap();
        assert!(b.method.median_abs_error < 1e-6, "{b:?}");
        // Targets are open models only; so are the fits.
        assert!(b
            .predictions
            .iter()
            .all(|p| points.iter().any(|q| q.id == p.id && q.open)));
        assert_eq!(b.predictions.last().unwrap().n_train, 19);
    }

    #[test]
    fn intervals_turn_conformal_once_ten_earlier_errors_exist() {
        let spread = [2.0, -2.0, 1.0, -1.0, 0.0];
        let points = world(30, |i| spread[(i * 3) % spread.len()]);
        let b = run(&points, Options::default()).unwrap();
        for (j, p) in b.predictions.iter().enumerate() {
            let kind = if j >= MIN_CONFORMAL {
                "conformal"
            } else {
                "student_t"
            };
            assert_eq!(p.interval, kind, "{}", p.id);
            assert!(p.lo90 <= p.lo80 && p.lo80 <= p.log10_predicted);
            assert!(p.log10_predicted <= p.hi80 && p.hi80 <= p.hi90);
            if j >= MIN_CONFORMAL {
                let earlier = b.predictions[..j].iter().map(|q| q.error.abs()).collect();
                let width = p.hi90 - p.log10_predicted;
                assert!((width - conformal(earlier, 0.90)).abs() < 1e-12, "{}", p.id);
            }
        }
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
            synthetic: false,
            developer: String::new(),
            eci_published: None,
        };
        assert!(matches!(
            run(&vec![p], Options::default()),
            Err(Error::NothingToTest { .. })
        ));
    }

    #[test]
    fn siblings_are_the_same_developer_within_thirty_days() {
        let at = |id: &str, dev: &str, d: Date| Point {
            id: id.into(),
            released: d,
            capability: 100.0,
            capability_se: 1.0,
            log10_compute: Some(24.0),
            open: true,
            distilled: false,
            synthetic: false,
            developer: dev.into(),
            eci_published: None,
        };
        let day = |m: i8, d: i8| Date::new(2023, m, d).unwrap();
        let target = at("llama-65b", "Meta AI", day(2, 24));
        assert!(sibling(&at("llama-7b", "Meta AI", day(2, 24)), &target));
        assert!(sibling(&at("x", "meta ai", day(1, 25)), &target));
        assert!(!sibling(&at("x", "Meta AI", day(1, 24)), &target));
        assert!(!sibling(&at("x", "Mistral AI", day(2, 24)), &target));
        // A developer the registry does not name is nobody's sibling.
        assert!(!sibling(&at("x", "", day(2, 24)), &at("y", "", day(2, 24))));
    }

    #[test]
    fn same_day_siblings_never_train_each_other() {
        // Four same-developer models on one day and five earlier ones from others: each of the
        // four is fitted on the five only.
        let mut pts = Vec::new();
        for i in 0..6 {
            pts.push(Point {
                id: format!("early{i}"),
                released: Date::new(2022, 1 + i as i8, 1).unwrap(),
                capability: 80.0 + 3.0 * i as f64,
                capability_se: 1.0,
                log10_compute: Some(22.0 + 0.3 * i as f64 + if i % 2 == 0 { 0.1 } else { -0.1 }),
                open: true,
                distilled: false,
                synthetic: false,
                developer: format!("dev{i}"),
                eci_published: Some(80.0 + 3.0 * i as f64),
            });
        }
        for i in 0..4 {
            pts.push(Point {
                id: format!("family{i}"),
                released: Date::new(2023, 2, 24).unwrap(),
                capability: 95.0 + i as f64,
                capability_se: 1.0,
                log10_compute: Some(23.0 + 0.2 * i as f64),
                open: true,
                distilled: false,
                synthetic: false,
                developer: "Meta AI".into(),
                eci_published: Some(95.0 + i as f64),
            });
        }
        let b = run(&pts, Options::default()).unwrap();
        for p in b.predictions.iter().filter(|p| p.id.starts_with("family")) {
            assert_eq!(p.n_train, 6, "{}", p.id);
        }
    }

    #[test]
    fn a_frozen_cutoff_fits_once_and_predicts_only_later_models() {
        let points = world(40, |_| 0.0);
        let b = run(&points, Options::default()).unwrap();
        let cutoffs: Vec<Date> = b.cutoffs.iter().map(|c| c.cutoff).collect();
        assert_eq!(cutoffs, CUTOFFS);
        for c in &b.cutoffs {
            let later = points.iter().filter(|p| p.released > c.cutoff).count();
            let earlier = points.iter().filter(|p| p.released <= c.cutoff).count();
            assert_eq!(c.n, later, "{c:?}");
            assert_eq!(c.n_train, earlier, "{c:?}");
            // A world on one trend: one fit at the cutoff predicts all of it.
            assert!(c.median_abs_error < 1e-6, "{c:?}");
            assert!(c.baseline_median_abs_error < 1e-6, "{c:?}");
        }
    }

    #[test]
    fn the_method_is_chosen_on_targets_before_the_cutoff_alone() {
        let spread = [8.0, -8.0, 3.0, -3.0, 0.0, 6.0, -6.0, 1.0];
        let mut points = world(40, |i| spread[(i * 5) % spread.len()]);
        let before = run(&points, Options::default()).unwrap().choice;
        assert_eq!(before.candidates.len(), 4);
        let best = before
            .candidates
            .iter()
            .map(|c| c.median_abs_error)
            .fold(f64::INFINITY, f64::min);
        let chosen = before
            .candidates
            .iter()
            .find(|c| c.predictor == before.chosen_predictor && c.loss == before.chosen_loss)
            .unwrap();
        assert_eq!(chosen.median_abs_error, best);
        // Whatever happens on or after the cutoff cannot change the choice.
        for p in points.iter_mut().filter(|p| p.released >= CHOICE_CUTOFF) {
            p.log10_compute = p.log10_compute.map(|x| x + 3.0);
        }
        let after = run(&points, Options::default()).unwrap().choice;
        let medians = |c: &Choice| {
            c.candidates
                .iter()
                .map(|x| x.median_abs_error)
                .collect::<Vec<_>>()
        };
        assert_eq!(medians(&before), medians(&after));
        assert_eq!(after.chosen_loss, before.chosen_loss);
    }

    #[test]
    fn without_a_published_eci_there_is_no_baseline_and_no_backtest() {
        let points: Vec<Point> = world(12, |_| 0.0)
            .into_iter()
            .map(|p| Point {
                eci_published: None,
                ..p
            })
            .collect();
        assert!(matches!(
            run(&points, Options::default()),
            Err(Error::NoBaseline)
        ));
    }
}
