/*!
The compute-efficiency frontier: how much capability a training run buys, and how that improves
as methods get better.

Every model with a training-compute figure is a point (θ_m, log10 C_m, t_m). A joint
least-squares fit

```text
θ_m = k · log10 C_m + g · (t_m − t_ref) + c + ε_m
```

gives k, the capability (ECI points) bought by a tenfold increase in compute, and g, the average
improvement per year at fixed compute. A model's *efficiency* (recipe quality) is what its
capability is beyond what its compute alone explains:

```text
b_m = θ_m − k · log10 C_m
```

The *efficiency frontier* b*(T) is the most efficient published recipe among models released by T
([`Recipe::Best`]: the mean of the three highest b_m, so that one outlier cannot set it alone;
[`Recipe::P90`] and [`Recipe::Median`] for less demanding readings of "most efficient"). Its trend
over time is algorithmic progress: b*(T) rising by s ECI points a year means that the same
capability needs 10^(s/k) times less compute each year.

Nothing here looks ahead: callers pass only the models released by the as-of date.
*/

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::capability::{self, CapabilityFit};
use crate::registry::{Accessibility, Confidence, Model, Registry};
use crate::regression::{self, Loss};

/// One model as the frontier sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub id: String,
    pub released: Date,
    /// Capability on the ECI scale.
    pub capability: f64,
    /// Standard error of `capability`.
    pub capability_se: f64,
    /// log10 of the training compute in FLOP, when known.
    pub log10_compute: Option<f64>,
    /// Weights published (open-weight); only these define the floor.
    pub open: bool,
    /// Trained by distillation from a stronger model: its compute understates its recipe.
    pub distilled: bool,
    /// Trained mostly on synthetic data written by other models: the writers' compute is not
    /// in its figure either.
    pub synthetic: bool,
    /// The developer, as the registry names it (to keep a model's siblings out of its backtest).
    pub developer: String,
    /// Epoch's published ECI, for the backtest's naive baseline only.
    pub eci_published: Option<f64>,
}

/// Which published recipe counts as "the most efficient published methods".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Recipe {
    /// The mean of the three most efficient published recipes.
    Best,
    /// The 90th percentile of published recipes.
    P90,
    /// The median published recipe.
    Median,
}

impl fmt::Display for Recipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Recipe::Best => "best",
            Recipe::P90 => "p90",
            Recipe::Median => "median",
        })
    }
}

/// The joint fit θ = k·log10 C + g·(t − t_ref) + c.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    /// ECI points per tenfold compute.
    pub k: f64,
    /// ECI points per year at fixed compute.
    pub g: f64,
    pub c: f64,
    /// Reference time (fractional year) for `g`.
    pub t_ref: f64,
    /// Residual standard deviation of θ (ECI points).
    pub residual_sd: f64,
    /// Models behind the fit.
    pub n: usize,
}

/// Why no fit or frontier can be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Too few models with a compute figure to fit three parameters with a residual.
    #[error("only {n} model(s) with a training-compute figure released by {as_of}; the fit needs at least {needed}")]
    TooFewModels {
        n: usize,
        needed: usize,
        as_of: Date,
    },
    /// The models' compute and dates are collinear (or capability does not grow with compute).
    #[error("the compute-efficiency fit (capability on log10 training compute and release date) of the {n} models with a compute figure released by {as_of} is degenerate: {reason}")]
    Degenerate {
        n: usize,
        as_of: Date,
        reason: String,
    },
    /// No published model with a compute figure to define the efficiency frontier.
    #[error("no open-weight model with a training-compute figure released by {as_of}")]
    NoPublishedRecipe { as_of: Date },
}

/// The smallest number of models the fit accepts: three parameters and at least two degrees of
/// freedom for the residual.
pub const MIN_FIT: usize = 5;

/// A date as a fractional year (2024-07-02 → 2024.5).
pub fn year_fraction(d: Date) -> f64 {
    let days = if d.in_leap_year() { 366.0 } else { 365.0 };
    f64::from(d.year()) + (f64::from(d.day_of_year()) - 1.0) / days
}

/// Fits θ = k·log10 C + g·(t − t_ref) + c over the points that have a compute figure.
pub fn fit<'p>(points: impl IntoIterator<Item = &'p Point>, as_of: Date) -> Result<Fit, Error> {
    let rows: Vec<(f64, f64, f64)> = points
        .into_iter()
        .filter_map(|p| Some((p.log10_compute?, year_fraction(p.released), p.capability)))
        .collect();
    fit_rows(&rows, as_of)
}

/// The fit on (log10 C, t, θ) rows, by least squares.
pub fn fit_rows(rows: &[(f64, f64, f64)], as_of: Date) -> Result<Fit, Error> {
    fit_rows_with(rows, as_of, Loss::Ols)
}

/// The fit on (log10 C, t, θ) rows under `loss`.
pub fn fit_rows_with(rows: &[(f64, f64, f64)], as_of: Date, loss: Loss) -> Result<Fit, Error> {
    let n = rows.len();
    if n < MIN_FIT {
        return Err(Error::TooFewModels {
            n,
            needed: MIN_FIT,
            as_of,
        });
    }
    // Centred time keeps the normal equations small and well conditioned.
    let t_ref = rows.iter().map(|r| r.1).sum::<f64>() / n as f64;
    let design: Vec<([f64; 3], f64)> = rows
        .iter()
        .map(|&(x, t, y)| ([x, t - t_ref, 1.0], y))
        .collect();
    let linear = regression::fit(&design, loss).ok_or_else(|| Error::Degenerate {
        n,
        as_of,
        reason: "compute and release dates are collinear".into(),
    })?;
    let [k, g, c] = linear.beta;
    // NaN (a degenerate solve) is not positive either.
    if k.is_nan() || k <= 0.0 {
        return Err(Error::Degenerate {
            n,
            as_of,
            reason: format!(
                "capability does not rise with compute (k = {k:.3} ECI points per 10× compute)"
            ),
        });
    }
    Ok(Fit {
        k,
        g,
        c,
        t_ref,
        residual_sd: linear.scale,
        n,
    })
}

impl Fit {
    /// b_m = θ_m − k·log10 C_m, for a point with a compute figure.
    pub fn efficiency(&self, p: &Point) -> Option<f64> {
        Some(p.capability - self.k * p.log10_compute?)
    }

    /// The typical recipe at time `t` (the fit's trend line): g·(t − t_ref) + c.
    pub fn typical_efficiency(&self, t: f64) -> f64 {
        self.g * (t - self.t_ref) + self.c
    }

    /// log10 of the compute that capability `theta` needs with efficiency `b`.
    pub fn log10_compute_for(&self, theta: f64, b: f64) -> f64 {
        (theta - b) / self.k
    }
}

/// The efficiency frontier b* among `efficiencies` (one per published model) under `recipe`.
/// `None` when there is none.
pub fn frontier_value(efficiencies: &mut [f64], recipe: Recipe) -> Option<f64> {
    if efficiencies.is_empty() {
        return None;
    }
    efficiencies.sort_by(|a, b| b.total_cmp(a));
    Some(match recipe {
        Recipe::Best => {
            let top = &efficiencies[..efficiencies.len().min(3)];
            top.iter().sum::<f64>() / top.len() as f64
        }
        Recipe::P90 => quantile_descending(efficiencies, 0.90),
        Recipe::Median => quantile_descending(efficiencies, 0.50),
    })
}

/// The q-quantile (linear interpolation) of values sorted in descending order.
fn quantile_descending(sorted_desc: &[f64], q: f64) -> f64 {
    let n = sorted_desc.len();
    // Position in ascending order.
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let at = |i: usize| sorted_desc[n - 1 - i];
    at(lo) + (at(hi) - at(lo)) * (pos - lo as f64)
}

/// Progress per year in compute terms: the same capability needs `10^(s/k)` times less compute
/// each year when the frontier rises `s` ECI points a year.
pub fn progress_factor(s: f64, k: f64) -> f64 {
    10f64.powf(s / k)
}

/// Months for the compute needed at fixed capability to halve, at a progress factor per year.
/// Infinite when there is no progress.
pub fn halving_months(factor_per_year: f64) -> f64 {
    if factor_per_year <= 1.0 {
        f64::INFINITY
    } else {
        12.0 * 2f64.log10() / factor_per_year.log10()
    }
}

/// Registry models with fewer benchmark scores than this are not placed on the frontier
/// ([`capability::MIN_SCORES`], the one rule).
pub const MIN_SCORES: usize = capability::MIN_SCORES;

/// The frontier's view of `registry` under `fit`: every model with a release date and at least
/// `min_scores` scores. Compute figures below `min` confidence are dropped; the model still
/// counts for θ*.
pub fn points(
    registry: &Registry,
    fit: &CapabilityFit,
    min: Option<Confidence>,
    min_scores: usize,
) -> Vec<Point> {
    registry
        .models
        .iter()
        .filter_map(|m| {
            let c = fit.get(&m.id).filter(|c| c.n_scores >= min_scores)?;
            point_of(m, c.capability, c.capability_se, min)
        })
        .collect()
}

/// The frontier's view of one model with this capability: `None` without a release date.
/// Compute figures below `min` confidence are dropped.
pub fn point_of(
    m: &Model,
    capability: f64,
    capability_se: f64,
    min: Option<Confidence>,
) -> Option<Point> {
    let trusted = min.is_none_or(|min| m.confidence.is_some_and(|c| c >= min));
    Some(Point {
        id: m.id.clone(),
        // Open models count from their weights' publication.
        released: m.published()?,
        capability,
        capability_se,
        log10_compute: m.training_compute_flop.filter(|_| trusted).map(f64::log10),
        open: m.accessibility == Accessibility::OpenWeights,
        distilled: m.distilled(),
        synthetic: m.synthetic(),
        developer: m.organization.clone(),
        eci_published: m.eci_published,
    })
}

/// A synthetic world with known physics for tests: k = 15 ECI points per 10× compute, recipes
/// improving 7.5 points a year (10^(7.5/15) ≈ 3.16× a year), one model a quarter from 2021,
/// every other one open.
#[cfg(test)]
pub(crate) fn synthetic_points() -> Vec<Point> {
    use jiff::ToSpan;
    (0..24)
        .map(|i| {
            let released = Date::new(2021, 1, 15)
                .unwrap()
                .checked_add((3 * i).months())
                .unwrap();
            let t = year_fraction(released) - 2021.0;
            let x = 23.0 + 0.12 * i as f64 + if i % 2 == 0 { 0.3 } else { -0.3 };
            let spread = if i % 3 == 0 { 1.0 } else { -0.5 };
            Point {
                id: format!("m{i:02}"),
                released,
                capability: 15.0 * x + 7.5 * t - 250.0 + spread,
                capability_se: 0.5,
                log10_compute: Some(x),
                open: i % 2 == 0,
                distilled: false,
                synthetic: false,
                developer: String::new(),
                eci_published: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn fractional_years_count_days() {
        assert_eq!(year_fraction(date(2024, 1, 1)), 2024.0);
        assert!((year_fraction(date(2024, 7, 2)) - 2024.5).abs() < 1e-9);
        assert!((year_fraction(date(2023, 12, 31)) - (2023.0 + 364.0 / 365.0)).abs() < 1e-12);
    }

    #[test]
    fn the_fit_recovers_known_slopes_exactly() {
        // θ = 12·x + 5·(t − 2022) − 200, no noise.
        let rows: Vec<(f64, f64, f64)> = [
            (22.0, 2020.0),
            (23.0, 2021.5),
            (24.5, 2022.0),
            (25.0, 2024.0),
            (23.5, 2023.0),
            (26.0, 2025.0),
        ]
        .iter()
        .map(|&(x, t)| (x, t, 12.0 * x + 5.0 * (t - 2022.0) - 200.0))
        .collect();
        let f = fit_rows(&rows, date(2025, 6, 1)).unwrap();
        assert!((f.k - 12.0).abs() < 1e-9, "{f:?}");
        assert!((f.g - 5.0).abs() < 1e-9, "{f:?}");
        assert!(f.residual_sd < 1e-6);
        assert!((f.typical_efficiency(2022.0) - (-200.0)).abs() < 1e-6);
    }

    #[test]
    fn too_few_or_collinear_models_are_an_error_not_a_fit() {
        let as_of = date(2025, 1, 1);
        let rows = [(22.0, 2020.0, 100.0); 4];
        assert!(matches!(
            fit_rows(&rows, as_of),
            Err(Error::TooFewModels { n: 4, .. })
        ));
        // Compute rises exactly with time: k and g cannot be told apart.
        let rows: Vec<_> = (0..6)
            .map(|i| (22.0 + i as f64, 2020.0 + i as f64, 100.0 + i as f64))
            .collect();
        assert!(matches!(
            fit_rows(&rows, as_of),
            Err(Error::Degenerate { .. })
        ));
    }

    #[test]
    fn capability_falling_with_compute_is_degenerate() {
        let rows: Vec<_> = [
            (22.0, 2020.0),
            (23.0, 2020.5),
            (24.0, 2020.2),
            (25.0, 2021.0),
            (26.0, 2020.7),
        ]
        .iter()
        .map(|&(x, t)| (x, t, 300.0 - 10.0 * x + (t - 2020.0)))
        .collect();
        assert!(matches!(
            fit_rows(&rows, date(2022, 1, 1)),
            Err(Error::Degenerate { .. })
        ));
    }

    #[test]
    fn the_best_recipe_is_smoothed_over_the_top_three() {
        let mut b = vec![1.0, 9.0, 3.0, 8.0, 7.0];
        assert_eq!(frontier_value(&mut b, Recipe::Best), Some(8.0));
        let mut b = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(frontier_value(&mut b, Recipe::Median), Some(3.0));
        let mut b: Vec<f64> = (0..=10).map(f64::from).collect();
        assert!((frontier_value(&mut b, Recipe::P90).unwrap() - 9.0).abs() < 1e-12);
        assert_eq!(frontier_value(&mut [], Recipe::Best), None);
        let mut one = vec![4.0];
        assert_eq!(frontier_value(&mut one, Recipe::Best), Some(4.0));
    }

    #[test]
    fn progress_converts_frontier_slope_through_k() {
        // A frontier rising k·log10(3) points a year is 3× per year, halving in 12·log 2/log 3.
        let k = 10.0;
        let f = progress_factor(k * 3f64.log10(), k);
        assert!((f - 3.0).abs() < 1e-12);
        assert!((halving_months(f) - 12.0 * 2f64.ln() / 3f64.ln()).abs() < 1e-9);
        assert_eq!(halving_months(1.0), f64::INFINITY);
    }
}
