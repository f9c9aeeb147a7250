/*!
How well a capability fit agrees with Epoch's published ECI and predicts scores it did not see
(`capfloor capability --check`). Every figure comes with its baseline: agreement beside the spread
of the published values themselves (the error of calling every model the mean), held-out errors
beside each benchmark's mean score.
*/

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{fit_selection, CapabilityFit, Error, FitOptions, MapKind, Selection, Tie};
use crate::registry::Registry;

/// Agreement with published ECI over a group of models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    /// `decile 1` … `decile 10` (by published ECI), or a release year, or `undated`.
    pub label: String,
    /// Range of published ECI in the group.
    pub eci_lo: f64,
    pub eci_hi: f64,
    pub n: usize,
    /// Root-mean-square and mean of (ours − published), ECI points.
    pub rmse: f64,
    pub mean_error: f64,
}

/// Held-out errors of one release year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldOutYear {
    pub label: String,
    pub n: usize,
    pub mae_points: f64,
    pub baseline_mae_points: f64,
}

/// The quality measures. Field names are the `capability --check --json` shape.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub as_of: Option<Date>,
    pub eci_map: MapKind,
    pub eci_offset: f64,
    pub eci_scale: f64,
    pub anchor_benchmark: String,
    pub n_models: usize,
    pub n_calibrated: usize,
    pub n_scores: usize,
    /// Models with both our capability (from at least [`super::MIN_SCORES`] scores) and a
    /// published ECI.
    pub n_compared: usize,
    /// Models with a published ECI left out of the comparison for having fewer scores: the
    /// floor never uses their capability either.
    pub n_too_few_scores: usize,
    /// Our capability regressed on the published ECI (least squares): ours ≈ intercept + slope · ECI.
    pub slope: Option<f64>,
    pub intercept: Option<f64>,
    pub rmse_eci: f64,
    /// The standard deviation of the published values: the RMSE of calling every model the mean.
    pub rmse_eci_baseline: f64,
    pub spearman: f64,
    pub by_decile: Vec<Band>,
    pub by_year: Vec<Band>,
    /// What is held out, in words.
    pub held_out: String,
    pub n_held_out: usize,
    /// Mean absolute error predicting the hidden scores, in score points (percentage points),
    /// and of predicting each by its benchmark's mean training score.
    pub held_out_mae_points: f64,
    pub held_out_baseline_mae_points: f64,
    pub held_out_by_year: Vec<HeldOutYear>,
    pub seed: u64,
}

/// Share of scores hidden.
const HIDE: f64 = 0.10;

/// Quality measures of `fit`, which was fitted on `selection` with `opts`. The held-out refit
/// uses the same selection, options and rules minus the hidden scores.
pub fn check(
    registry: &Registry,
    selection: &Selection,
    fit: &CapabilityFit,
    opts: &FitOptions,
    seed: u64,
) -> Result<Check, Error> {
    let year: HashMap<&str, String> = registry
        .models
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                m.release_date
                    .map_or("undated".to_string(), |d| d.year().to_string()),
            )
        })
        .collect();
    let year_of = |id: &str| year.get(id).cloned().unwrap_or_else(|| "undated".into());

    // Agreement with published ECI.
    let pairs: Vec<(f64, f64, String)> = fit
        .models
        .iter()
        .filter(|c| c.n_scores >= super::MIN_SCORES)
        .filter_map(|c| Some((c.capability, c.eci_published?, year_of(&c.id))))
        .collect();
    let n_too_few_scores = fit
        .models
        .iter()
        .filter(|c| c.n_scores < super::MIN_SCORES && c.eci_published.is_some())
        .count();
    let n = pairs.len();
    let ours: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let theirs: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let (slope, intercept) = match ols(&theirs, &ours) {
        Some((s, i)) => (Some(s), Some(i)),
        None => (None, None),
    };
    let mean_e = theirs.iter().sum::<f64>() / n.max(1) as f64;
    let baseline =
        (theirs.iter().map(|e| (e - mean_e).powi(2)).sum::<f64>() / n.max(1) as f64).sqrt();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| theirs[a].total_cmp(&theirs[b]));
    let groups = n.min(10);
    let mut by_decile = Vec::with_capacity(groups);
    let mut start = 0;
    for g in 0..groups {
        // As numpy's array_split: the first n mod groups get one more.
        let size = n / groups + usize::from(g < n % groups);
        let idx = &order[start..start + size];
        start += size;
        by_decile.push(band(format!("decile {}", g + 1), idx, &ours, &theirs));
    }
    let mut years: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in pairs.iter().enumerate() {
        years.entry(p.2.as_str()).or_default().push(i);
    }
    let by_year = years
        .iter()
        .map(|(y, idx)| band(y.to_string(), idx, &ours, &theirs))
        .collect();

    // Held out: a fixed-seed tenth of the selection's scores.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hide: Vec<bool> = selection
        .scores
        .iter()
        .map(|_| rng.random::<f64>() < HIDE)
        .collect();
    let train = Selection {
        scores: selection
            .scores
            .iter()
            .zip(&hide)
            .filter(|(_, h)| !**h)
            .map(|(&i, _)| i)
            .collect(),
        as_of: selection.as_of,
    };
    let tie = if selection.as_of.is_some() {
        Tie::Items
    } else {
        Tie::Anchors
    };
    let refit = fit_selection(registry, &train, opts, tie)?;
    let mut bench_mean: HashMap<&str, (f64, usize)> = HashMap::new();
    for &i in &train.scores {
        let s = &registry.scores[i];
        let e = bench_mean.entry(s.benchmark_id.as_str()).or_default();
        e.0 += s.score;
        e.1 += 1;
    }
    // (year, error, baseline error) of every hidden score the refit can predict: its model and
    // benchmark must still be in it.
    let mut errors: Vec<(String, f64, f64)> = Vec::new();
    for (&i, _) in selection.scores.iter().zip(&hide).filter(|(_, h)| **h) {
        let s = &registry.scores[i];
        let Some(p) = refit.predict(&s.model_id, &s.benchmark_id) else {
            continue;
        };
        let Some(&(sum, count)) = bench_mean.get(s.benchmark_id.as_str()) else {
            continue;
        };
        errors.push((
            year_of(&s.model_id),
            (p - s.score).abs() * 100.0,
            (sum / count as f64 - s.score).abs() * 100.0,
        ));
    }
    let mean = |v: &[&(String, f64, f64)], f: fn(&(String, f64, f64)) -> f64| {
        v.iter().map(|e| f(e)).sum::<f64>() / v.len().max(1) as f64
    };
    let all: Vec<&(String, f64, f64)> = errors.iter().collect();
    let mut by_year_held: BTreeMap<&str, Vec<&(String, f64, f64)>> = BTreeMap::new();
    for e in &errors {
        by_year_held.entry(e.0.as_str()).or_default().push(e);
    }
    Ok(Check {
        as_of: fit.as_of,
        eci_map: fit.eci_map,
        eci_offset: fit.eci_offset,
        eci_scale: fit.eci_scale,
        anchor_benchmark: fit.anchor_benchmark.clone(),
        n_models: fit.models.len(),
        n_calibrated: fit.n_calibrated,
        n_scores: fit.n_scores,
        n_compared: n,
        n_too_few_scores,
        slope,
        intercept,
        rmse_eci: (ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            / n.max(1) as f64)
            .sqrt(),
        rmse_eci_baseline: baseline,
        spearman: spearman(
            &ours
                .iter()
                .zip(&theirs)
                .map(|(a, b)| (*a, *b))
                .collect::<Vec<_>>(),
        ),
        by_decile,
        by_year,
        held_out: format!(
            "{:.0}% of the fit's scores drawn at random (seed {seed}), hidden from a refit \
             (joint fit and placement alike) and predicted from their model's capability and \
             their benchmark's parameters in it; baseline: the benchmark's mean training score",
            HIDE * 100.0
        ),
        n_held_out: errors.len(),
        held_out_mae_points: mean(&all, |e| e.1),
        held_out_baseline_mae_points: mean(&all, |e| e.2),
        held_out_by_year: by_year_held
            .iter()
            .map(|(y, v)| HeldOutYear {
                label: y.to_string(),
                n: v.len(),
                mae_points: mean(v, |e| e.1),
                baseline_mae_points: mean(v, |e| e.2),
            })
            .collect(),
        seed,
    })
}

fn band(label: String, idx: &[usize], ours: &[f64], theirs: &[f64]) -> Band {
    let d: Vec<f64> = idx.iter().map(|&i| ours[i] - theirs[i]).collect();
    let n = d.len().max(1) as f64;
    Band {
        label,
        eci_lo: idx.iter().map(|&i| theirs[i]).fold(f64::INFINITY, f64::min),
        eci_hi: idx
            .iter()
            .map(|&i| theirs[i])
            .fold(f64::NEG_INFINITY, f64::max),
        n: d.len(),
        rmse: (d.iter().map(|x| x * x).sum::<f64>() / n).sqrt(),
        mean_error: d.iter().sum::<f64>() / n,
    }
}

/// Least squares y ≈ intercept + slope · x: `(slope, intercept)`, `None` without spread in x.
fn ols(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    if x.len() < 2 {
        return None;
    }
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

/// Spearman's rank correlation (average ranks for ties).
pub fn spearman(pairs: &[(f64, f64)]) -> f64 {
    let ranks = |v: Vec<f64>| -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            for &k in &idx[i..=j] {
                r[k] = (i + j) as f64 / 2.0 + 1.0;
            }
            i = j + 1;
        }
        r
    };
    let a = ranks(pairs.iter().map(|p| p.0).collect());
    let b = ranks(pairs.iter().map(|p| p.1).collect());
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_of_a_monotone_relation_is_one() {
        assert!(
            (spearman(&[(1.0, 10.0), (2.0, 20.0), (3.0, 25.0), (4.0, 100.0)]) - 1.0).abs() < 1e-12
        );
        assert!((spearman(&[(1.0, 4.0), (2.0, 3.0), (3.0, 2.0), (4.0, 1.0)]) + 1.0).abs() < 1e-12);
    }

    #[test]
    fn least_squares_recovers_a_line_and_refuses_no_spread() {
        let (s, i) = ols(&[1.0, 2.0, 3.0], &[5.0, 7.0, 9.0]).unwrap();
        assert!((s - 2.0).abs() < 1e-12 && (i - 3.0).abs() < 1e-12);
        assert!(ols(&[1.0, 1.0], &[2.0, 3.0]).is_none());
    }

    #[test]
    fn a_band_measures_the_signed_and_squared_differences() {
        let b = band("x".into(), &[0, 1], &[11.0, 8.0], &[10.0, 10.0]);
        assert_eq!((b.n, b.eci_lo, b.eci_hi), (2, 10.0, 10.0));
        assert!((b.mean_error + 0.5).abs() < 1e-12);
        assert!((b.rmse - (2.5f64).sqrt()).abs() < 1e-12);
    }
}
