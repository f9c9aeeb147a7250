/*!
The moving floor of ECCN 4E091: the training operations that the most efficient published methods
would need to reach the capability of the most capable published model,

```text
floor(T) = 10^((θ*(T) − b*(T)) / k)
```

with θ*(T) the highest capability among open-weight models released by T, b*(T) the efficiency
frontier and k the capability per tenfold compute (see [`crate::frontier`]). Every figure at an
as-of date uses only models released on or before it — for θ*, for b*, and for the fit itself.

Intervals come from a bootstrap: the models are resampled with replacement, each capability is
perturbed by its standard error, and everything is refitted; the interval is the 5th–95th
percentile (90%). Resample `i` uses its own ChaCha8 generator seeded from `seed + i`, so results
are the same on every machine and thread count.
*/

use jiff::civil::Date;
use jiff::ToSpan;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::Serialize;

use std::sync::Arc;

use crate::frontier::{self, year_fraction, Fit, Point, Recipe};

/// Where the floor gets the models it may use at an as-of date. A plain list of points is filtered
/// by release date (the points' capabilities were fitted by the caller); a
/// [`crate::vintage::Vintages`] refits capability on what was published by the date, so nothing
/// after it is seen.
pub trait Source {
    /// The models published by `as_of`, with capabilities as known at `as_of`.
    fn at(&self, as_of: Date) -> Result<Arc<Vec<Point>>, Error>;

    /// Model `id` placed under the capability fit of `as_of` from all its scores on benchmarks
    /// that fit knows, evaluated then or later: how a model is measured when its own scores came
    /// after the date (a backtest target, scored after its release), without those scores or any
    /// later model moving the fit. Its point, with this capability; `None` where the model has
    /// fewer than [`frontier::MIN_SCORES`] such scores. A plain list of points holds no fit: its
    /// point stands as given.
    fn placed(&self, id: &str, as_of: Date) -> Option<Point>;
}

impl Source for [Point] {
    fn at(&self, as_of: Date) -> Result<Arc<Vec<Point>>, Error> {
        let known: Vec<Point> = self
            .iter()
            .filter(|p| p.released <= as_of)
            .cloned()
            .collect();
        if !known.iter().any(|p| p.open) {
            return Err(no_published(as_of, self));
        }
        Ok(Arc::new(known))
    }

    fn placed(&self, id: &str, _as_of: Date) -> Option<Point> {
        self.iter().find(|p| p.id == id).cloned()
    }
}

impl Source for Vec<Point> {
    fn at(&self, as_of: Date) -> Result<Arc<Vec<Point>>, Error> {
        self.as_slice().at(as_of)
    }

    fn placed(&self, id: &str, as_of: Date) -> Option<Point> {
        self.as_slice().placed(id, as_of)
    }
}

/// Definitional choices and the bootstrap's size.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub recipe: Recipe,
    /// Bootstrap resamples for the intervals (0: no intervals).
    pub resamples: usize,
    pub seed: u64,
    /// Count distilled models' recipes (their compute understates what their capability cost).
    pub include_distilled: bool,
    /// Count the recipes of models trained mostly on synthetic data (the compute of the models
    /// that wrote the data is not in their figure). Counted by default: their developers
    /// published the method; the floor without them is shown beside it.
    pub include_synthetic: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            recipe: Recipe::Best,
            resamples: 1000,
            seed: 4091,
            include_distilled: false,
            include_synthetic: true,
        }
    }
}

impl Options {
    /// Whether `p`'s compute and recipe enter the frontier fit, the published recipes and the
    /// demonstrated bound under these options (every model still counts for θ*).
    pub fn counts_recipe(&self, p: &Point) -> bool {
        (self.include_distilled || !p.distilled) && (self.include_synthetic || !p.synthetic)
    }
}

/// Why the floor cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The as-of date precedes every published model.
    #[error("no open-weight model with a capability estimate was released by {as_of} (the earliest is {earliest})")]
    NoPublishedModel { as_of: Date, earliest: String },
    #[error(transparent)]
    Frontier(#[from] frontier::Error),
    /// The capability fit on what was published by the as-of date failed.
    #[error("the capability fit on the models published by {as_of}: {source}")]
    Capability {
        as_of: Date,
        source: crate::capability::Error,
    },
    /// A date range that runs backwards.
    #[error("--from {from} is after --to {to}")]
    EmptyRange { from: Date, to: Date },
    /// A range with more steps than a history or projection computes (each is a floor).
    #[error("{from} to {to} is {steps} steps of a {step}: at most {max} (narrow the range{hint})")]
    TooLong {
        from: Date,
        to: Date,
        steps: i64,
        step: &'static str,
        max: i64,
        hint: &'static str,
    },
}

/// The most dates a history or a projection computes the floor at: a century of months.
pub const MAX_STEPS: i64 = 1200;

/// The number of `months`-month steps from `from` to `to` inclusive, or [`Error::TooLong`].
fn steps(from: Date, to: Date, months: i64, hint: &'static str) -> Result<(), Error> {
    let index = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month());
    let steps = (index(to) - index(from)) / months + 1;
    if steps > MAX_STEPS {
        return Err(Error::TooLong {
            from,
            to,
            steps,
            step: if months == 1 { "month" } else { "quarter" },
            max: MAX_STEPS,
            hint,
        });
    }
    Ok(())
}

/// The floor at one date, with everything that set it. Field names are the `floor --json` shape.
#[derive(Debug, Clone, Serialize)]
pub struct Floor {
    pub as_of: Date,
    pub recipe: Recipe,
    /// The floor in FLOP, and its 90% interval.
    pub floor_flop: f64,
    pub floor_flop_lo: f64,
    pub floor_flop_hi: f64,
    /// The extrapolation 10^((θ* − b*)/k), before the demonstrated bound.
    pub extrapolated_flop: f64,
    /// The training compute of the cheapest published model (with a compute figure and a recipe
    /// that may set b*) that reached θ*: what was demonstrated, an upper bound on the floor.
    pub demonstrated_flop: Option<f64>,
    pub demonstrated_by: Option<String>,
    /// Which of the two is the floor.
    pub binding: Binding,
    /// The open-weight model whose capability is θ*.
    pub set_by: String,
    pub set_by_released: Date,
    pub theta_star: f64,
    /// ECI points per tenfold compute.
    pub k: f64,
    pub k_lo: f64,
    pub k_hi: f64,
    /// Efficiency frontier (ECI points at 1 FLOP, i.e. θ − k·log10 C).
    pub b_star: f64,
    /// The published models whose recipes define b* (the top three for `best`).
    pub b_star_set_by: Vec<String>,
    /// Compute needed at fixed capability falls by this factor each year (trend of b*).
    pub progress_per_year: Option<f64>,
    pub progress_per_year_lo: Option<f64>,
    pub progress_per_year_hi: Option<f64>,
    pub halving_months: Option<f64>,
    /// Slope of b* in ECI points per year.
    pub frontier_slope: Option<f64>,
    /// The joint fit's trend at fixed compute (all models with compute, not only the frontier).
    pub typical_progress_per_year: f64,
    /// Models behind the fit, published recipes behind b*.
    pub n_fit: usize,
    pub n_recipes: usize,
    pub resamples: usize,
    /// The floor without each model that set θ* or b* (θ* setter first).
    pub leave_one_out: Vec<LeftOut>,
    /// The floor's point value when neither distilled nor synthetic-data recipes may set the
    /// frontier or the demonstrated bound (`null` when nothing is left to compute it from).
    pub without_synthetic_and_distilled_flop: Option<f64>,
    /// Resamples whose refit failed (too few distinct models drawn) and were skipped.
    pub resamples_failed: usize,
    pub seed: u64,
}

/// Which bound sets the floor: the extrapolation from the efficiency frontier, or the compute a
/// published model demonstrably used to reach θ*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    Extrapolated,
    Demonstrated,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Extrapolated => "extrapolated",
            Binding::Demonstrated => "demonstrated",
        }
    }
}

/// What one (possibly resampled) data set says at one date.
struct Snapshot {
    fit: Fit,
    theta_star: f64,
    b_star: f64,
    b_star_set_by: Vec<usize>,
    frontier_slope: Option<f64>,
    n_recipes: usize,
}

impl Snapshot {
    fn log10_floor(&self) -> f64 {
        self.fit.log10_compute_for(self.theta_star, self.b_star)
    }

    fn progress(&self) -> Option<f64> {
        self.frontier_slope
            .map(|s| frontier::progress_factor(s, self.fit.k))
    }
}

/// The models usable at `as_of`: released by then.
fn available(points: &[Point], as_of: Date) -> Vec<&Point> {
    points.iter().filter(|p| p.released <= as_of).collect()
}

/// The most capable open model among `models` with capabilities `theta`: (index, θ*).
fn theta_star(models: &[&Point], theta: &[f64]) -> Option<(usize, f64)> {
    models
        .iter()
        .enumerate()
        .filter(|(_, p)| p.open)
        .map(|(i, _)| (i, theta[i]))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Fits and finds the frontier on `models` (already restricted to the as-of date) with
/// capabilities `theta` (the points' own, or perturbed ones), for a given θ*.
fn snapshot(
    models: &[&Point],
    theta: &[f64],
    theta_star: f64,
    as_of: Date,
    opts: &Options,
) -> Result<Snapshot, Error> {
    let usable = |p: &Point| opts.counts_recipe(p);
    let rows: Vec<(f64, f64, f64)> = models
        .iter()
        .enumerate()
        .filter(|(_, p)| usable(p))
        .filter_map(|(i, p)| Some((p.log10_compute?, year_fraction(p.released), theta[i])))
        .collect();
    let fit = frontier::fit_rows(&rows, as_of)?;

    // Published recipes, in release order, for the frontier now and its trend.
    let mut recipes: Vec<(Date, f64, usize)> = models
        .iter()
        .enumerate()
        .filter(|(_, p)| p.open && usable(p))
        .filter_map(|(i, p)| Some((p.released, theta[i] - fit.k * p.log10_compute?, i)))
        .collect();
    if recipes.is_empty() {
        return Err(frontier::Error::NoPublishedRecipe { as_of }.into());
    }
    recipes.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    let mut values: Vec<f64> = recipes.iter().map(|r| r.1).collect();
    let b_star = frontier::frontier_value(&mut values, opts.recipe).expect("recipes is not empty");
    let mut ranked: Vec<&(Date, f64, usize)> = recipes.iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let b_star_set_by = match opts.recipe {
        Recipe::Best => ranked.iter().take(3).map(|r| r.2).collect(),
        // A quantile is set by the whole distribution, not by named models.
        Recipe::P90 | Recipe::Median => Vec::new(),
    };
    let frontier_slope = frontier_trend(&recipes, as_of, opts.recipe);
    Ok(Snapshot {
        fit,
        theta_star,
        b_star,
        b_star_set_by,
        frontier_slope,
        n_recipes: recipes.len(),
    })
}

/// The runs of months over which b*(τ) (τ the first of each month, with the recipes released by
/// τ) is constant, from the first month with a recipe to `as_of`'s month: (first month, last
/// month, b*), months as `year × 12 + month − 1`. There are at most as many runs as recipes,
/// however far `as_of` is.
fn frontier_runs(
    recipes_by_date: &[(Date, f64, usize)],
    as_of: Date,
    recipe: Recipe,
) -> Vec<(i64, i64, f64)> {
    let index = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month()) - 1;
    let last = index(as_of);
    // A recipe counts from the first month that starts on or after its release.
    let from = |d: Date| index(d) + i64::from(d.day() != 1);
    let mut runs: Vec<(i64, i64, f64)> = Vec::new();
    let mut values = Vec::new();
    let mut i = 0;
    while i < recipes_by_date.len() {
        let start = from(recipes_by_date[i].0);
        if start > last {
            break;
        }
        while i < recipes_by_date.len() && from(recipes_by_date[i].0) == start {
            values.push(recipes_by_date[i].1);
            i += 1;
        }
        let mut v = values.clone();
        let b = frontier::frontier_value(&mut v, recipe).expect("values is not empty");
        if let Some(run) = runs.last_mut() {
            run.1 = start - 1;
        }
        runs.push((start, last, b));
    }
    runs
}

/// The first of month `m` (`year × 12 + month − 1`).
fn month_date(m: i64) -> Option<Date> {
    let year = i16::try_from(m.div_euclid(12)).ok()?;
    Date::new(year, (m.rem_euclid(12) + 1) as i8, 1).ok()
}

/// b*(τ) at the start of every month from the first published recipe to `as_of`, with the
/// recipes released by τ (recipes sorted by date).
fn frontier_months(
    recipes_by_date: &[(Date, f64, usize)],
    as_of: Date,
    recipe: Recipe,
) -> Vec<(Date, f64)> {
    let mut series = Vec::new();
    for (first, last, b) in frontier_runs(recipes_by_date, as_of, recipe) {
        series.extend((first..=last).filter_map(|m| Some((month_date(m)?, b))));
    }
    series
}

/// Σ t and Σ t² over the months `first..=last`, t = year_fraction(first of the month) − `origin`.
/// Whole years are summed in closed form (they differ only by being leap years or not), so the
/// cost does not grow with the span; a few months at either end are added one by one.
fn month_sums(first: i64, last: i64, origin: f64) -> (f64, f64) {
    let t = |m: i64| month_date(m).map_or(0.0, year_fraction) - origin;
    let one_by_one = |a: i64, b: i64| {
        (a..=b).fold((0.0, 0.0), |(s1, s2), m| {
            let x = t(m);
            (s1 + x, s2 + x * x)
        })
    };
    let (y_first, y_last) = (first.div_euclid(12) + 1, last.div_euclid(12) - 1);
    if y_last - y_first < 2 {
        return one_by_one(first, last);
    }
    // Months before the first whole year and after the last one.
    let head = one_by_one(first, y_first * 12 - 1);
    let tail = one_by_one((y_last + 1) * 12, last);
    // Within a year, month starts sit at fractions f_m = days before month m / days in year.
    let fractions = |leap: bool| {
        let days = if leap { 366.0 } else { 365.0 };
        let lengths = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let (mut before, mut a, mut b) = (0.0, 0.0, 0.0);
        for l in lengths {
            let f = before / days;
            a += f;
            b += f * f;
            before += f64::from(l);
        }
        (a, b)
    };
    let ((a_common, b_common), (a_leap, b_leap)) = (fractions(false), fractions(true));
    // Counts and sums of u = year − origin over the years, and over the leap years among them.
    let multiples = |k: i64| {
        let (lo, hi) = ((y_first + k - 1).div_euclid(k), y_last.div_euclid(k));
        let n = (hi - lo + 1).max(0) as f64;
        let sum_years = k as f64 * (lo + hi) as f64 * n / 2.0;
        (n, sum_years)
    };
    let (n4, s4) = multiples(4);
    let (n100, s100) = multiples(100);
    let (n400, s400) = multiples(400);
    let leaps = n4 - n100 + n400;
    let leap_u = (s4 - s100 + s400) - leaps * origin;
    let years = (y_last - y_first + 1) as f64;
    let (u0, u1) = (y_first as f64 - origin, y_last as f64 - origin);
    let sum_u = (u0 + u1) * years / 2.0;
    // Σ u² over consecutive values: Σ_{j<n} (u0 + j)².
    let sum_u2 = years * u0 * u0
        + 2.0 * u0 * (years - 1.0) * years / 2.0
        + (years - 1.0) * years * (2.0 * years - 1.0) / 6.0;
    let s1 = 12.0 * sum_u + a_common * (years - leaps) + a_leap * leaps;
    let s2 = 12.0 * sum_u2
        + 2.0 * (a_common * (sum_u - leap_u) + a_leap * leap_u)
        + b_common * (years - leaps)
        + b_leap * leaps;
    (head.0 + s1 + tail.0, head.1 + s2 + tail.1)
}

/// The slope (ECI points a year) of the monthly b*(τ); `None` with under a year of months.
/// The least-squares sums are taken run by run ([`frontier_runs`], [`month_sums`]), so an
/// as-of date centuries past the registry costs what today's does.
fn frontier_trend(
    recipes_by_date: &[(Date, f64, usize)],
    as_of: Date,
    recipe: Recipe,
) -> Option<f64> {
    let runs = frontier_runs(recipes_by_date, as_of, recipe);
    let first = runs.first()?.0;
    let months: i64 = runs.iter().map(|r| r.1 - r.0 + 1).sum();
    if months < 12 {
        return None;
    }
    // Times relative to the first month keep the sums small and well conditioned.
    let origin = month_date(first).map_or(0.0, year_fraction);
    let sums: Vec<(f64, f64, f64)> = runs
        .iter()
        .map(|&(a, b, _)| {
            let (s1, s2) = month_sums(a, b, origin);
            ((b - a + 1) as f64, s1, s2)
        })
        .collect();
    let n = months as f64;
    let mean_t = sums.iter().map(|s| s.1).sum::<f64>() / n;
    let sxx = sums.iter().map(|s| s.2).sum::<f64>() - n * mean_t * mean_t;
    if sxx <= 0.0 {
        return None;
    }
    // Σ (t − t̄)(b − b̄) = Σ (t − t̄) b, and b is constant over each run.
    let sxy: f64 = runs
        .iter()
        .zip(&sums)
        .map(|(r, s)| r.2 * (s.1 - s.0 * mean_t))
        .sum();
    Some(sxy / sxx)
}

/// The fit at `as_of` and the efficiency frontier b*(τ) month by month up to it: what the
/// frontier and progress charts draw.
pub fn frontier_series<S: Source + ?Sized>(
    source: &S,
    as_of: Date,
    opts: &Options,
) -> Result<(Fit, Vec<(Date, f64)>), Error> {
    let points = source.at(as_of)?;
    let models = available(&points, as_of);
    let usable = |p: &Point| opts.counts_recipe(p);
    let fit = frontier::fit(models.iter().copied().filter(|p| usable(p)), as_of)?;
    let mut recipes: Vec<(Date, f64, usize)> = models
        .iter()
        .enumerate()
        .filter(|(_, p)| p.open && usable(p))
        .filter_map(|(i, p)| Some((p.released, fit.efficiency(p)?, i)))
        .collect();
    recipes.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    Ok((fit, frontier_months(&recipes, as_of, opts.recipe)))
}

/// The trend (ECI points a year) of a monthly efficiency-frontier series, as the progress chart
/// draws it: undefined under a year of months.
pub fn series_trend(series: &[(Date, f64)]) -> Option<f64> {
    if series.len() < 12 {
        return None;
    }
    let ts: Vec<f64> = series.iter().map(|(d, _)| year_fraction(*d)).collect();
    let bs: Vec<f64> = series.iter().map(|(_, b)| *b).collect();
    crate::regression::slope(&ts, &bs)
}

/// 5th and 95th percentiles (linear interpolation) of `values`.
fn interval(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (quantile(values, 0.05), quantile(values, 0.95))
}

/// The `p` quantile (linear interpolation) of non-empty values sorted in ascending order.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Runs `f` on `resamples` bootstrap replicates of `models`: indices drawn with replacement, and
/// capabilities perturbed by their standard errors; `f` gets the replicate's generator for any
/// further draws. Deterministic for a seed.
fn bootstrap<T: Send>(
    models: &[&Point],
    opts: &Options,
    f: impl Fn(&[&Point], &[f64], &mut ChaCha8Rng) -> Option<T> + Sync,
) -> (Vec<T>, usize) {
    let results: Vec<Option<T>> = (0..opts.resamples)
        .into_par_iter()
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed.wrapping_add(i as u64));
            let drawn: Vec<&Point> = (0..models.len())
                .map(|_| models[rng.random_range(0..models.len())])
                .collect();
            let theta: Vec<f64> = drawn
                .iter()
                .map(|p| {
                    let z: f64 = rng.sample(StandardNormal);
                    p.capability + z * p.capability_se
                })
                .collect();
            f(&drawn, &theta, &mut rng)
        })
        .collect();
    let failed = results.iter().filter(|r| r.is_none()).count();
    (results.into_iter().flatten().collect(), failed)
}

/// The floor at `as_of`.
pub fn floor_at<S: Source + ?Sized>(
    source: &S,
    as_of: Date,
    opts: &Options,
) -> Result<Floor, Error> {
    let points = source.at(as_of)?;
    floor_on(&points, as_of, opts)
}

/// The compute the θ* setter among `models` (with capabilities `theta`) itself used, when it has a
/// compute figure and a recipe that may set b*: the floor cannot be above what was demonstrated.
fn demonstrated(
    models: &[&Point],
    theta: &[f64],
    star: f64,
    opts: &Options,
) -> Option<(usize, f64)> {
    models
        .iter()
        .enumerate()
        .filter(|(i, p)| p.open && opts.counts_recipe(p) && theta[*i] >= star)
        .filter_map(|(i, p)| Some((i, p.log10_compute?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The floor at `as_of` on `points` (the models a [`Source`] gave for that date).
fn floor_on(points: &[Point], as_of: Date, opts: &Options) -> Result<Floor, Error> {
    let models = available(points, as_of);
    let theta: Vec<f64> = models.iter().map(|p| p.capability).collect();
    let (set_by, star) = theta_star(&models, &theta).ok_or_else(|| no_published(as_of, points))?;
    let s = snapshot(&models, &theta, star, as_of, opts)?;
    let shown = demonstrated(&models, &theta, star, opts);

    // θ* is set by the models that exist, so it is not resampled: each replicate perturbs every
    // open model's capability and takes the highest. The fit and the frontier use the resample.
    let open: Vec<&Point> = models.iter().copied().filter(|p| p.open).collect();
    let (draws, failed) = bootstrap(&models, opts, |drawn, theta, rng| {
        let star = open
            .iter()
            .map(|p| p.capability + rng.sample::<f64, _>(StandardNormal) * p.capability_se)
            .fold(f64::NEG_INFINITY, f64::max);
        let r = snapshot(drawn, theta, star, as_of, opts).ok()?;
        // The demonstrated bound is the compute a real model used: it caps every replicate.
        let cap = shown.map_or(f64::INFINITY, |d| d.1);
        Some((r.log10_floor().min(cap), r.fit.k, r.progress()))
    });
    let (mut floors, mut ks): (Vec<f64>, Vec<f64>) = draws.iter().map(|d| (d.0, d.1)).unzip();
    let mut progress: Vec<f64> = draws.iter().filter_map(|d| d.2).collect();
    let extrapolated = s.log10_floor();
    let point_floor = shown.map_or(extrapolated, |d| extrapolated.min(d.1));
    let binding = match shown {
        Some(d) if d.1 < extrapolated => Binding::Demonstrated,
        _ => Binding::Extrapolated,
    };
    let (lo, hi) = if floors.is_empty() {
        (point_floor, point_floor)
    } else {
        interval(&mut floors)
    };
    let (k_lo, k_hi) = if ks.is_empty() {
        (s.fit.k, s.fit.k)
    } else {
        interval(&mut ks)
    };
    let (p_lo, p_hi) = if progress.len() >= 2 {
        let (a, b) = interval(&mut progress);
        (Some(a), Some(b))
    } else {
        (None, None)
    };
    let progress_per_year = s.progress();
    let leave_one_out = leave_one_out(&models, set_by, &s.b_star_set_by, as_of, opts);
    let strict = Options {
        include_distilled: false,
        include_synthetic: false,
        ..*opts
    };
    let without_synthetic_and_distilled_flop = floor_point(&models, as_of, &strict);
    Ok(Floor {
        without_synthetic_and_distilled_flop,
        as_of,
        recipe: opts.recipe,
        floor_flop: 10f64.powf(point_floor),
        extrapolated_flop: 10f64.powf(extrapolated),
        demonstrated_flop: shown.map(|d| 10f64.powf(d.1)),
        demonstrated_by: shown.map(|d| models[d.0].id.clone()),
        binding,
        floor_flop_lo: 10f64.powf(lo.min(point_floor)),
        floor_flop_hi: 10f64.powf(hi.max(point_floor)),
        set_by: models[set_by].id.clone(),
        set_by_released: models[set_by].released,
        theta_star: s.theta_star,
        k: s.fit.k,
        k_lo,
        k_hi,
        b_star: s.b_star,
        b_star_set_by: s
            .b_star_set_by
            .iter()
            .map(|&i| models[i].id.clone())
            .collect(),
        progress_per_year,
        progress_per_year_lo: p_lo,
        progress_per_year_hi: p_hi,
        halving_months: progress_per_year.map(frontier::halving_months),
        frontier_slope: s.frontier_slope,
        typical_progress_per_year: frontier::progress_factor(s.fit.g, s.fit.k),
        n_fit: s.fit.n,
        n_recipes: s.n_recipes,
        resamples: opts.resamples,
        resamples_failed: failed,
        seed: opts.seed,
        leave_one_out,
    })
}

/// The floor without each model that set θ* or b*, one at a time (no intervals): how much the
/// floor rests on any single release.
fn leave_one_out(
    models: &[&Point],
    set_by: usize,
    b_star_set_by: &[usize],
    as_of: Date,
    opts: &Options,
) -> Vec<LeftOut> {
    let mut setters = vec![set_by];
    setters.extend(b_star_set_by.iter().copied().filter(|&i| i != set_by));
    setters
        .into_iter()
        .map(|out| {
            let rest: Vec<&Point> = models
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != out)
                .map(|(_, p)| *p)
                .collect();
            LeftOut {
                id: models[out].id.clone(),
                floor_flop: floor_point(&rest, as_of, opts),
            }
        })
        .collect()
}

/// The floor's point value on `models` (no intervals): the extrapolation capped by the
/// demonstrated bound; `None` when nothing is left to compute it from.
fn floor_point(models: &[&Point], as_of: Date, opts: &Options) -> Option<f64> {
    let theta: Vec<f64> = models.iter().map(|p| p.capability).collect();
    let (_, star) = theta_star(models, &theta)?;
    let s = snapshot(models, &theta, star, as_of, opts).ok()?;
    let cap = demonstrated(models, &theta, star, opts).map_or(f64::INFINITY, |d| d.1);
    Some(10f64.powf(s.log10_floor().min(cap)))
}

/// The floor with one model left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    pub id: String,
    /// `None` when nothing is left to compute a floor from.
    pub floor_flop: Option<f64>,
}

/// The error for an as-of date before any published model, naming the earliest one.
fn no_published(as_of: Date, points: &[Point]) -> Error {
    let earliest = points
        .iter()
        .filter(|p| p.open)
        .min_by_key(|p| p.released)
        .map_or("none in the registry".to_string(), |p| {
            format!("{} ({})", p.id, p.released)
        });
    Error::NoPublishedModel { as_of, earliest }
}

/// How often `floor history` samples the floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Step {
    Month,
    Quarter,
}

/// The floor over a date range. Dates before enough models existed to define it are listed in
/// `undefined` with the reason, not silently dropped.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub rows: Vec<HistoryRow>,
    pub undefined: Vec<Undefined>,
}

/// A date at which the floor is not defined.
#[derive(Debug, Clone, Serialize)]
pub struct Undefined {
    pub date: Date,
    pub reason: String,
}

/// One row of the floor's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    #[serde(flatten)]
    pub floor: Floor,
    /// Releases since the previous row that became θ* or entered the b* set.
    pub moved_by: Vec<String>,
    /// The same releases with what each moved: a release that did both is listed twice.
    pub moved: Vec<Move>,
}

/// Which term of the floor a release moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MovedBy {
    /// A more capable open model: it became θ* (the floor rises).
    ThetaStar,
    /// A more efficient published recipe: it entered the set that defines b* (the floor falls).
    BStar,
}

/// A release that moved the floor since the previous row of a history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    pub id: String,
    pub by: MovedBy,
}

/// The floor at each step from `from` to `to` (inclusive). An error only if it is defined at
/// none of them.
pub fn history<S: Source + ?Sized>(
    source: &S,
    from: Date,
    to: Date,
    step: Step,
    opts: &Options,
) -> Result<History, Error> {
    if from > to {
        return Err(Error::EmptyRange { from, to });
    }
    let span = match step {
        Step::Month => 1.month(),
        Step::Quarter => 3.months(),
    };
    match step {
        Step::Month => steps(from, to, 1, ", or use --step quarter")?,
        Step::Quarter => steps(from, to, 3, "")?,
    }
    let mut dates = Vec::new();
    let mut d = from;
    while d <= to {
        dates.push(d);
        d = match d.checked_add(span) {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    let mut floors = Vec::with_capacity(dates.len());
    let mut undefined = Vec::new();
    let mut last_error = None;
    for &d in &dates {
        match source.at(d).and_then(|p| Ok((floor_on(&p, d, opts)?, p))) {
            Ok(f) => floors.push(f),
            Err(e) => {
                undefined.push(Undefined {
                    date: d,
                    reason: e.to_string(),
                });
                last_error = Some(e);
            }
        }
    }
    if floors.is_empty() {
        return Err(last_error.expect("dates is not empty, since from <= to"));
    }
    let mut rows = Vec::with_capacity(floors.len());
    let mut previous: Option<&Floor> = None;
    for (f, points) in &floors {
        let moved = previous.map_or_else(Vec::new, |prev| moves(points, prev, f));
        let mut moved_by: Vec<String> = Vec::new();
        for m in &moved {
            if !moved_by.contains(&m.id) {
                moved_by.push(m.id.clone());
            }
        }
        rows.push(HistoryRow {
            floor: f.clone(),
            moved_by,
            moved,
        });
        previous = Some(f);
    }
    Ok(History { rows, undefined })
}

/// The releases between two floors (`prev` earlier) that moved it: the new θ* setter if it was
/// released in between, then each release in between that entered the b* set.
pub fn moves(points: &[Point], prev: &Floor, f: &Floor) -> Vec<Move> {
    let new = |id: &String| {
        points
            .iter()
            .any(|p| &p.id == id && p.released > prev.as_of && p.released <= f.as_of)
    };
    let mut moved = Vec::new();
    if f.set_by != prev.set_by && new(&f.set_by) {
        moved.push(Move {
            id: f.set_by.clone(),
            by: MovedBy::ThetaStar,
        });
    }
    for id in &f.b_star_set_by {
        if !prev.b_star_set_by.contains(id) && new(id) {
            moved.push(Move {
                id: id.clone(),
                by: MovedBy::BStar,
            });
        }
    }
    moved
}

/// The floor projected forward from the as-of date.
#[derive(Debug, Clone, Serialize)]
pub struct Projection {
    pub as_of: Date,
    pub until: Date,
    pub threshold_flop: f64,
    /// ECI points a year gained by the capability record of open models (θ*).
    pub theta_star_slope: f64,
    /// ECI points a year gained by the efficiency frontier (b*).
    pub b_star_slope: f64,
    /// When the floor reaches the threshold: `Some(date)` if before `until` on the central
    /// trend (or already), else `None`.
    pub crossing: Option<Date>,
    pub crossing_lo: Option<Date>,
    pub crossing_hi: Option<Date>,
    /// Share of bootstrap resamples in which the floor crosses the threshold by `until`.
    pub crossing_probability: f64,
    pub rows: Vec<ProjectionRow>,
    pub resamples: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectionRow {
    pub date: Date,
    pub floor_flop: f64,
    /// The 90% interval (5th–95th percentile of the resamples' lines).
    pub floor_flop_lo: f64,
    pub floor_flop_hi: f64,
    /// The 50% interval (25th–75th percentile), the fan's inner band.
    pub floor_flop_q25: f64,
    pub floor_flop_q75: f64,
}

/// Slope (ECI points a year) of the open capability record: the open models that were the most
/// capable published model when released.
fn record_slope(models: &[&Point], theta: &[f64]) -> Option<f64> {
    let mut open: Vec<(f64, f64)> = models
        .iter()
        .zip(theta)
        .filter(|(p, _)| p.open)
        .map(|(p, &t)| (year_fraction(p.released), t))
        .collect();
    open.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = f64::NEG_INFINITY;
    let (mut ts, mut ys) = (Vec::new(), Vec::new());
    for (t, y) in open {
        if y > best {
            best = y;
            ts.push(t);
            ys.push(y);
        }
    }
    crate::regression::slope(&ts, &ys)
}

/// Projects θ* and b* forward on their trends from `as_of` to `until`, month by month, and finds
/// when the floor reaches `threshold_flop`.
pub fn project<S: Source + ?Sized>(
    source: &S,
    as_of: Date,
    until: Date,
    threshold_flop: f64,
    opts: &Options,
) -> Result<Projection, Error> {
    if until < as_of {
        return Err(Error::EmptyRange {
            from: as_of,
            to: until,
        });
    }
    // The projection is month by month.
    steps(as_of, until, 1, "")?;
    let points = source.at(as_of)?;
    let points = points.as_slice();
    let models = available(points, as_of);
    let theta: Vec<f64> = models.iter().map(|p| p.capability).collect();
    let (_, star) = theta_star(&models, &theta).ok_or_else(|| no_published(as_of, points))?;
    let s = snapshot(&models, &theta, star, as_of, opts)?;
    let a = record_slope(&models, &theta).unwrap_or(0.0);
    let b = s.frontier_slope.unwrap_or(0.0);
    let t0 = year_fraction(as_of);
    let target = threshold_flop.log10();
    let line = |theta_star: f64, b_star: f64, k: f64, a: f64, b: f64, t: f64| {
        (theta_star + a * (t - t0) - (b_star + b * (t - t0))) / k
    };
    // Years after as_of at which the line reaches the target (0 if already there).
    let crossing_years = |theta_star: f64, b_star: f64, k: f64, a: f64, b: f64| -> Option<f64> {
        let now = (theta_star - b_star) / k;
        if now >= target {
            return Some(0.0);
        }
        let rate = (a - b) / k;
        (rate > 0.0).then(|| (target - now) / rate)
    };
    let (draws, _) = bootstrap(&models, opts, |drawn, theta, _| {
        let (_, star) = theta_star(drawn, theta)?;
        let r = snapshot(drawn, theta, star, as_of, opts).ok()?;
        let a = record_slope(drawn, theta).unwrap_or(0.0);
        Some((
            r.theta_star,
            r.b_star,
            r.fit.k,
            a,
            r.frontier_slope.unwrap_or(0.0),
        ))
    });
    let horizon = year_fraction(until) - t0;
    let to_date = |years: f64| -> Option<Date> {
        let days = (years * 365.25).round() as i64;
        as_of.checked_add(jiff::Span::new().days(days)).ok()
    };
    let central = crossing_years(s.theta_star, s.b_star, s.fit.k, a, b).filter(|&y| y <= horizon);
    let mut crossings: Vec<f64> = draws
        .iter()
        .map(|&(ts, bs, k, a, b)| crossing_years(ts, bs, k, a, b).unwrap_or(f64::INFINITY))
        .collect();
    let crossed = crossings.iter().filter(|&&y| y <= horizon).count();
    let (lo, hi) = if crossings.is_empty() {
        (f64::INFINITY, f64::INFINITY)
    } else {
        interval(&mut crossings)
    };
    let mut rows = Vec::new();
    let mut month = as_of;
    while month <= until {
        let t = year_fraction(month);
        let mut values: Vec<f64> = draws
            .iter()
            .map(|&(ts, bs, k, a, b)| line(ts, bs, k, a, b, t))
            .collect();
        let centre = line(s.theta_star, s.b_star, s.fit.k, a, b, t);
        let [l, q25, q75, h] = if values.is_empty() {
            [centre; 4]
        } else {
            values.sort_by(f64::total_cmp);
            [0.05, 0.25, 0.75, 0.95].map(|p| quantile(&values, p))
        };
        rows.push(ProjectionRow {
            date: month,
            floor_flop: 10f64.powf(centre),
            floor_flop_lo: 10f64.powf(l.min(centre)),
            floor_flop_hi: 10f64.powf(h.max(centre)),
            floor_flop_q25: 10f64.powf(q25.min(centre)),
            floor_flop_q75: 10f64.powf(q75.max(centre)),
        });
        month = match month.checked_add(1.month()) {
            Ok(m) => m,
            Err(_) => break,
        };
    }
    Ok(Projection {
        as_of,
        until,
        threshold_flop,
        theta_star_slope: a,
        b_star_slope: b,
        crossing: central.and_then(to_date),
        crossing_lo: (lo <= horizon).then(|| to_date(lo)).flatten(),
        crossing_hi: (hi <= horizon).then(|| to_date(hi)).flatten(),
        crossing_probability: if draws.is_empty() {
            0.0
        } else {
            crossed as f64 / draws.len() as f64
        },
        rows,
        resamples: opts.resamples,
        seed: opts.seed,
    })
}

/// The floor before and after adding a hypothetical open release.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf {
    pub before: Floor,
    pub after: Floor,
    /// after / before.
    pub ratio: f64,
}

/// Adds `release` to the models and compares the floor at `as_of` (by default its release date).
pub fn what_if<S: Source + ?Sized>(
    source: &S,
    release: Point,
    as_of: Option<Date>,
    opts: &Options,
) -> Result<WhatIf, Error> {
    let as_of = as_of.unwrap_or(release.released).max(release.released);
    // One vintage: the release joins exactly the models the floor before it saw.
    let points = source.at(as_of)?;
    let before = floor_on(&points, as_of, opts)?;
    let mut with = points.as_ref().clone();
    with.push(release);
    let after = floor_on(&with, as_of, opts)?;
    Ok(WhatIf {
        ratio: after.floor_flop / before.floor_flop,
        before,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    fn world() -> Vec<Point> {
        frontier::synthetic_points()
    }

    fn quick() -> Options {
        Options {
            resamples: 200,
            ..Options::default()
        }
    }

    #[test]
    fn the_floor_follows_its_definition() {
        let pts = world();
        let as_of = date(2026, 1, 1);
        let f = floor_at(&pts, as_of, &quick()).unwrap();
        assert!((f.k - 15.0).abs() < 0.5, "k = {}", f.k);
        let expected = 10f64.powf((f.theta_star - f.b_star) / f.k);
        assert!((f.extrapolated_flop / expected - 1.0).abs() < 1e-9);
        // The floor is the smaller of the extrapolation and what the θ* setter used.
        let setter = pts.iter().find(|p| p.id == f.set_by).unwrap();
        let used = 10f64.powf(setter.log10_compute.unwrap());
        assert_eq!(f.demonstrated_flop, Some(used));
        assert_eq!(f.floor_flop, expected.min(used));
        assert!(f.floor_flop_hi <= used);
        assert!(f.floor_flop_lo <= f.floor_flop && f.floor_flop <= f.floor_flop_hi);
        // θ* is the most capable open model released by the as-of date.
        let best_open = pts
            .iter()
            .filter(|p| p.open && p.released <= as_of)
            .max_by(|a, b| a.capability.total_cmp(&b.capability))
            .unwrap();
        assert_eq!(f.set_by, best_open.id);
        assert_eq!(f.b_star_set_by.len(), 3);
        // Recipes improve 7.5 points a year in this world: about 3.16× a year.
        let p = f.progress_per_year.unwrap();
        assert!(p > 2.0 && p < 5.0, "progress {p}");
        assert!(
            (f.typical_progress_per_year - 10f64.powf(0.5)).abs() < 0.5,
            "{}",
            f.typical_progress_per_year
        );
    }

    #[test]
    fn nothing_released_after_the_as_of_date_is_used() {
        let mut pts = world();
        let as_of = date(2024, 6, 30);
        let a = floor_at(&pts, as_of, &quick()).unwrap();
        // A far more capable open model released the next day changes nothing at the as-of date.
        pts.push(Point {
            id: "future".into(),
            released: date(2024, 7, 1),
            capability: 1000.0,
            capability_se: 0.1,
            log10_compute: Some(27.0),
            open: true,
            distilled: false,
            synthetic: false,
            developer: String::new(),
            eci_published: None,
        });
        let b = floor_at(&pts, as_of, &quick()).unwrap();
        assert_eq!(a.floor_flop, b.floor_flop);
        assert_eq!(a.floor_flop_lo, b.floor_flop_lo);
        assert_eq!(a.k, b.k);
    }

    #[test]
    fn the_same_seed_gives_the_same_interval() {
        let pts = world();
        let a = floor_at(&pts, date(2026, 1, 1), &quick()).unwrap();
        let b = floor_at(&pts, date(2026, 1, 1), &quick()).unwrap();
        assert_eq!(
            (a.floor_flop_lo, a.floor_flop_hi),
            (b.floor_flop_lo, b.floor_flop_hi)
        );
        let c = floor_at(&pts, date(2026, 1, 1), &Options { seed: 7, ..quick() }).unwrap();
        // The floor's own interval may sit on the demonstrated cap; k's never does.
        assert_ne!((a.k_lo, a.k_hi), (c.k_lo, c.k_hi));
    }

    #[test]
    fn a_more_capable_open_release_raises_the_floor_and_a_more_efficient_one_lowers_it() {
        let pts = world();
        let as_of = date(2026, 3, 1);
        let base = floor_at(&pts, as_of, &quick()).unwrap();
        let stronger = Point {
            id: "stronger".into(),
            released: as_of,
            capability: base.theta_star + 10.0,
            capability_se: 0.5,
            log10_compute: None,
            open: true,
            distilled: false,
            synthetic: false,
            developer: String::new(),
            eci_published: None,
        };
        let w = what_if(&pts, stronger, None, &quick()).unwrap();
        assert_eq!(w.after.set_by, "stronger");
        // The new θ* setter has no compute figure, so nothing caps the extrapolation after it.
        assert_eq!(w.after.demonstrated_flop, None);
        let ratio = w.after.extrapolated_flop / w.before.extrapolated_flop;
        assert!(
            (ratio - 10f64.powf(10.0 / w.after.k)).abs() / ratio < 0.05,
            "{}",
            ratio
        );
        // Three times more efficient than the frontier recipe.
        let x = (base.theta_star - 1.0 - base.b_star) / base.k - 3f64.log10();
        let efficient = Point {
            id: "efficient".into(),
            released: as_of,
            capability: base.theta_star - 1.0,
            capability_se: 0.5,
            log10_compute: Some(x),
            open: true,
            distilled: false,
            synthetic: false,
            developer: String::new(),
            eci_published: None,
        };
        let w = what_if(&pts, efficient, None, &quick()).unwrap();
        assert!(w.ratio < 1.0, "{}", w.ratio);
        assert!(w.after.b_star_set_by.contains(&"efficient".to_string()));
    }

    #[test]
    fn synthetic_recipes_count_unless_excluded_and_the_strict_floor_leaves_them_out() {
        let mut pts = world();
        let as_of = date(2026, 3, 1);
        let base = floor_at(&pts, as_of, &quick()).unwrap();
        assert_eq!(
            base.without_synthetic_and_distilled_flop,
            Some(base.floor_flop)
        );
        // A synthetic-data model reaching near-frontier capability on a tenth of the compute.
        let x = (base.theta_star - 1.0 - base.b_star) / base.k - 1.0;
        pts.push(Point {
            id: "phi".into(),
            released: date(2026, 2, 1),
            capability: base.theta_star - 1.0,
            capability_se: 0.5,
            log10_compute: Some(x),
            open: true,
            distilled: false,
            synthetic: true,
            developer: String::new(),
            eci_published: None,
        });
        let f = floor_at(&pts, as_of, &quick()).unwrap();
        assert!(f.b_star_set_by.contains(&"phi".to_string()));
        assert!(f.floor_flop < base.floor_flop);
        // Without it, the floor is the one before it came.
        let strict = f.without_synthetic_and_distilled_flop.unwrap();
        assert!(
            (strict / base.floor_flop - 1.0).abs() < 1e-9,
            "{strict} vs {}",
            base.floor_flop
        );
        let g = floor_at(
            &pts,
            as_of,
            &Options {
                include_synthetic: false,
                ..quick()
            },
        )
        .unwrap();
        assert!(!g.b_star_set_by.contains(&"phi".to_string()));
        assert!((g.floor_flop / strict - 1.0).abs() < 1e-9);
    }

    #[test]
    fn distilled_recipes_are_left_out_unless_asked_for() {
        let mut pts = world();
        let as_of = date(2026, 3, 1);
        let base = floor_at(&pts, as_of, &quick()).unwrap();
        // A student reaching near-frontier capability on a tenth of the frontier's compute.
        let x = (base.theta_star - 1.0 - base.b_star) / base.k - 1.0;
        pts.push(Point {
            id: "student".into(),
            released: date(2026, 2, 1),
            capability: base.theta_star - 1.0,
            capability_se: 0.5,
            log10_compute: Some(x),
            open: true,
            distilled: true,
            synthetic: false,
            developer: String::new(),
            eci_published: None,
        });
        let f = floor_at(&pts, as_of, &quick()).unwrap();
        assert!(!f.b_star_set_by.contains(&"student".to_string()));
        let g = floor_at(
            &pts,
            as_of,
            &Options {
                include_distilled: true,
                ..quick()
            },
        )
        .unwrap();
        assert!(g.b_star_set_by.contains(&"student".to_string()));
    }

    #[test]
    fn an_as_of_date_before_any_published_model_is_an_error() {
        let e = floor_at(&world(), date(2020, 1, 1), &quick()).unwrap_err();
        assert!(e.to_string().contains("no open-weight model"), "{e}");
        assert!(e.to_string().contains("m00 (2021-01-15)"), "{e}");
    }

    #[test]
    fn history_marks_the_releases_that_moved_the_floor() {
        let h = history(
            &world(),
            date(2025, 1, 1),
            date(2026, 1, 1),
            Step::Quarter,
            &Options {
                resamples: 20,
                ..quick()
            },
        )
        .unwrap();
        assert_eq!(h.rows.len(), 5);
        assert!(h.undefined.is_empty());
        assert!(h.rows.iter().skip(1).any(|r| !r.moved_by.is_empty()));
        // Each move says which term it moved: θ* moves are changes of the setter, b* moves are
        // new members of the b* set; the names are the same releases.
        for w in h.rows.windows(2) {
            let (prev, row) = (&w[0].floor, &w[1]);
            for m in &row.moved {
                assert!(row.moved_by.contains(&m.id));
                match m.by {
                    MovedBy::ThetaStar => {
                        assert_eq!(m.id, row.floor.set_by);
                        assert_ne!(prev.set_by, row.floor.set_by);
                    }
                    MovedBy::BStar => {
                        assert!(row.floor.b_star_set_by.contains(&m.id));
                        assert!(!prev.b_star_set_by.contains(&m.id));
                    }
                }
            }
            assert!(row
                .moved_by
                .iter()
                .all(|id| row.moved.iter().any(|m| &m.id == id)));
        }
        assert!(h.rows[0].moved.is_empty());
        assert!(h
            .rows
            .iter()
            .any(|r| r.moved.iter().any(|m| m.by == MovedBy::ThetaStar)));
        assert!(h
            .rows
            .iter()
            .any(|r| r.moved.iter().any(|m| m.by == MovedBy::BStar)));
        // Before enough models exist, dates are listed as undefined with the reason.
        let h = history(
            &world(),
            date(2021, 1, 1),
            date(2023, 1, 1),
            Step::Quarter,
            &Options {
                resamples: 20,
                ..quick()
            },
        )
        .unwrap();
        assert!(!h.undefined.is_empty() && !h.rows.is_empty());
        assert!(
            h.undefined[0].reason.contains("no open-weight model"),
            "{}",
            h.undefined[0].reason
        );
        assert!(history(
            &world(),
            date(2010, 1, 1),
            date(2011, 1, 1),
            Step::Quarter,
            &quick()
        )
        .is_err());
        assert!(history(
            &world(),
            date(2026, 1, 1),
            date(2025, 1, 1),
            Step::Month,
            &quick()
        )
        .is_err());
    }

    #[test]
    fn the_projection_crosses_when_capability_outruns_efficiency() {
        let p = project(&world(), date(2026, 1, 1), date(2040, 1, 1), 1e26, &quick()).unwrap();
        assert!(p.theta_star_slope > 0.0);
        assert_eq!(p.rows.first().unwrap().date, date(2026, 1, 1));
        assert!(p.rows.windows(2).all(|w| w[0].date < w[1].date));
        // The fan's bands nest around the central line.
        for r in &p.rows {
            assert!(r.floor_flop_lo <= r.floor_flop_q25 && r.floor_flop_q25 <= r.floor_flop);
            assert!(r.floor_flop <= r.floor_flop_q75 && r.floor_flop_q75 <= r.floor_flop_hi);
        }
        assert!(p.rows.iter().any(|r| r.floor_flop_q75 < r.floor_flop_hi));
        if let Some(c) = p.crossing {
            assert!(c >= date(2026, 1, 1) && c <= date(2040, 1, 1));
        }
        assert!((0.0..=1.0).contains(&p.crossing_probability));
    }

    /// The monthly series and its slope as they were first written: a loop over every month.
    fn months_one_by_one(
        recipes: &[(Date, f64, usize)],
        as_of: Date,
        recipe: Recipe,
    ) -> Vec<(Date, f64)> {
        let mut series = Vec::new();
        let mut month = recipes[0].0.first_of_month();
        let mut seen = 0;
        let mut values: Vec<f64> = Vec::new();
        while month <= as_of {
            while seen < recipes.len() && recipes[seen].0 <= month {
                values.push(recipes[seen].1);
                seen += 1;
            }
            let mut v = values.clone();
            if let Some(b) = frontier::frontier_value(&mut v, recipe) {
                series.push((month, b));
            }
            month = match month.checked_add(1.month()) {
                Ok(next) => next,
                Err(_) => break,
            };
        }
        series
    }

    #[test]
    fn the_frontier_trend_in_closed_form_matches_the_month_by_month_sums() {
        let recipes: Vec<(Date, f64, usize)> = [
            (date(2023, 2, 15), 1.0),
            (date(2023, 3, 1), 2.5),
            (date(2023, 3, 1), 0.5),
            (date(2024, 1, 31), 4.0),
            (date(2024, 2, 29), 3.0),
            (date(2025, 7, 1), 6.0),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(d, b))| (d, b, i))
        .collect();
        for as_of in [
            date(2023, 12, 31),
            date(2024, 3, 1),
            date(2026, 11, 1),
            date(2100, 2, 28),
            date(9999, 12, 31),
        ] {
            for recipe in [Recipe::Best, Recipe::Median] {
                let series = months_one_by_one(&recipes, as_of, recipe);
                assert_eq!(frontier_months(&recipes, as_of, recipe), series, "{as_of}");
                let ts: Vec<f64> = series.iter().map(|(d, _)| year_fraction(*d)).collect();
                let bs: Vec<f64> = series.iter().map(|(_, b)| *b).collect();
                let expected = if series.len() < 12 {
                    None
                } else {
                    crate::regression::slope(&ts, &bs)
                };
                let got = frontier_trend(&recipes, as_of, recipe);
                match (got, expected) {
                    (Some(g), Some(e)) => assert!(
                        (g - e).abs() <= 1e-9 * e.abs().max(1e-9),
                        "{as_of} {recipe}: {g} vs {e}"
                    ),
                    (g, e) => assert_eq!(g, e, "{as_of}"),
                }
            }
        }
    }

    #[test]
    fn an_as_of_date_far_past_the_data_has_a_floor_and_ranges_too_long_are_refused() {
        // (Its cost is in benchmarks/floor: it no longer grows with the months.)
        let points = world();
        let far = floor_at(&points, date(9999, 12, 31), &quick()).unwrap();
        assert!(far.floor_flop.is_finite());
        let e = history(
            &points,
            date(2020, 1, 1),
            date(9999, 12, 31),
            Step::Quarter,
            &quick(),
        )
        .unwrap_err();
        assert!(matches!(e, Error::TooLong { max: MAX_STEPS, .. }), "{e}");
        let e = project(
            &points,
            date(2026, 1, 1),
            date(9999, 12, 31),
            1e26,
            &quick(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("1200"), "{e}");
    }
}
