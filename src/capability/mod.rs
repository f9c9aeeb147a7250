/*!
The aggregate capability index: one number per model from every benchmark score it has, on the
Epoch Capabilities Index (ECI) scale, fitted the way Epoch fits the ECI (Ho et al., "A Rosetta
Stone for AI Benchmarks", arXiv:2512.00193; code and settings in `epoch-research/eci-public`).

Each score is first normalised for chance, y = clip((s − c_b) / (1 − c_b), 0, 1), then clipped
into [0.001, 0.999], and modelled as

```text
y_mb ≈ σ(α_b · (θ_m − δ_b))
```

with θ_m the model's capability, δ_b the benchmark's difficulty and α_b its slope. Models scored
on at least four distinct benchmarks are fitted jointly with the benchmarks by least squares with
Epoch's L2 penalty, (0.1 / P) · Σ (θ² + δ² + α²) over the P free parameters; WinoGrande's slope is
fixed at 1 and its difficulty at 0 (`irt.rs`). Every other model is then placed under the fitted
benchmarks, θ alone. The raw scale is tied to the ECI scale by an affine map ([`scale`]).

A fit reads only the scores of its [`Selection`]: the whole registry ([`fit`]) or a vintage, what
was published by an as-of date ([`fit_vintage`]). Nothing is carried over between fits.

Standard errors are each θ's Gauss–Newton curvature, given the benchmarks, with the residual
variance; intervals are ±1.645 standard errors (90%).
*/

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use crate::registry::{Benchmark, Registry};

pub mod check;
mod irt;
pub mod scale;
pub mod selection;

pub use check::{check, spearman, Check};
pub use scale::{EciMap, MapKind, Tie};
pub use selection::{benchmark_exists_at, in_vintage, Selection};

/// Models with fewer benchmark scores than this have too uncertain a capability to use: they are
/// not placed on the frontier, and not compared with Epoch's published ECI by `--check` (a single
/// score on a saturated or very hard benchmark says little).
pub const MIN_SCORES: usize = 3;

/// Settings of the fit; the defaults are Epoch's (`eci-public`, `src/eci/fitting.py` and
/// `src/eci/dataloader.py`).
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    /// L2 penalty strength λ; the penalty is (λ / P) · Σ (θ² + δ² + α²).
    pub lambda: f64,
    /// Normalised scores are clipped into [clip, 1 − clip].
    pub clip: f64,
    /// Models need scores on this many distinct benchmarks to enter the joint fit; the others
    /// are placed under the fitted benchmarks.
    pub min_benchmarks: usize,
    /// The benchmark whose slope is fixed at 1 and difficulty at 0 (the one with the most scores
    /// when it is not in the fit).
    pub anchor_benchmark: &'static str,
    /// Levenberg–Marquardt iterations at most.
    pub max_iterations: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            lambda: 0.1,
            clip: 1e-3,
            min_benchmarks: 4,
            anchor_benchmark: "wino_grande",
            max_iterations: 500,
        }
    }
}

/// One benchmark's fitted parameters. Field names are the `capability --benchmarks --json` shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub chance: f64,
    /// Difficulty on the raw scale and on the ECI scale.
    pub difficulty: f64,
    pub difficulty_eci: f64,
    /// Slope on the raw scale and per ECI point.
    pub slope: f64,
    pub slope_eci: f64,
    /// Epoch's published difficulty (ECI units) and slope (per ECI point), for comparison.
    pub epoch_difficulty: Option<f64>,
    pub epoch_slope: Option<f64>,
    /// The benchmark that fixes the raw scale (slope 1, difficulty 0).
    pub anchor: bool,
    /// Scores of the jointly fitted models.
    pub n_scores: usize,
}

/// One model's capability. Field names are the `capability --json` shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capability {
    pub id: String,
    /// On the ECI scale.
    pub capability: f64,
    pub capability_lo: f64,
    pub capability_hi: f64,
    /// Standard error on the ECI scale.
    pub capability_se: f64,
    /// Scores behind it.
    pub n_scores: usize,
    /// In the joint fit (four or more benchmarks), or placed under the fitted benchmarks.
    pub calibrated: bool,
    pub eci_published: Option<f64>,
}

/// The whole fit.
#[derive(Debug, Clone, Serialize)]
pub struct CapabilityFit {
    /// The vintage's as-of date; `None` for the whole registry or another selection.
    pub as_of: Option<Date>,
    pub models: Vec<Capability>,
    pub items: Vec<Item>,
    /// ECI = eci_offset + eci_scale · θ.
    pub eci_offset: f64,
    pub eci_scale: f64,
    pub eci_map: MapKind,
    pub anchor_benchmark: String,
    /// Models in the joint fit, and scores used (all models).
    pub n_calibrated: usize,
    pub n_scores: usize,
    /// Selected scores that could not be used: on a benchmark that no jointly fitted model has.
    pub n_scores_unused: usize,
    /// Residual standard deviation of the normalised scores in the joint fit.
    pub residual_sd: f64,
    pub iterations: usize,
    pub converged: bool,
    #[serde(skip)]
    raw: Raw,
}

/// The raw-scale parameters, kept for scoring new models and predicting scores.
#[derive(Debug, Clone, Default)]
struct Raw {
    theta: HashMap<String, f64>,
    /// Benchmark id → (chance, δ, α).
    items: HashMap<String, (f64, f64, f64)>,
    /// Penalty weight λ / P of the joint fit.
    lp: f64,
    clip: f64,
    index: HashMap<String, usize>,
}

/// Why the capability cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("no benchmark scores to fit{}", as_of_text(*.as_of))]
    NoScores { as_of: Option<Date> },
    /// No model has enough benchmarks to fit the benchmarks' parameters on.
    #[error("no model has scores on {min_benchmarks} or more benchmarks{} (the most is {most}); the item-response fit needs at least one", as_of_text(*.as_of))]
    NoCalibration {
        min_benchmarks: usize,
        most: usize,
        as_of: Option<Date>,
    },
    /// Scores for a benchmark the fitted items do not include.
    #[error("benchmark {0:?} is not among the fitted benchmarks")]
    UnknownBenchmark(String),
}

fn as_of_text(as_of: Option<Date>) -> String {
    as_of.map_or(String::new(), |d| {
        format!(" among open-weight models released by {d}")
    })
}

/// Chance-normalised and clipped, as Epoch's data loader and fit do.
fn normalise(score: f64, chance: f64, clip: f64) -> f64 {
    let y = ((score - chance) / (1.0 - chance)).clamp(0.0, 1.0);
    y.clamp(clip, 1.0 - clip)
}

/// The fit on every score of the registry, tied to the ECI scale by Epoch's anchor models.
pub fn fit(registry: &Registry, opts: &FitOptions) -> Result<CapabilityFit, Error> {
    fit_selection(registry, &Selection::all(registry), opts, Tie::Anchors)
}

/// The fit on what was published by `as_of` ([`Selection::vintage`]), tied to the ECI scale by
/// Epoch's published benchmark parameters (the anchor models are closed, never in a vintage).
pub fn fit_vintage(
    registry: &Registry,
    as_of: Date,
    opts: &FitOptions,
) -> Result<CapabilityFit, Error> {
    fit_selection(
        registry,
        &Selection::vintage(registry, as_of),
        opts,
        Tie::Items,
    )
}

/// The fit on the scores of `selection` only.
pub fn fit_selection(
    registry: &Registry,
    selection: &Selection,
    opts: &FitOptions,
    tie: Tie,
) -> Result<CapabilityFit, Error> {
    let as_of = selection.as_of;
    if selection.is_empty() {
        return Err(Error::NoScores { as_of });
    }
    let benchmarks: HashMap<&str, &Benchmark> = registry
        .benchmarks
        .iter()
        .map(|b| (b.id.as_str(), b))
        .collect();
    let chance_of = |b: &str| benchmarks.get(b).map_or(0.0, |x| x.chance);
    let rows: Vec<(&str, &str, f64)> = selection
        .scores
        .iter()
        .map(|&i| {
            let s = &registry.scores[i];
            (s.model_id.as_str(), s.benchmark_id.as_str(), s.score)
        })
        .collect();

    let mut model_ids: Vec<&str> = rows.iter().map(|r| r.0).collect();
    model_ids.sort_unstable();
    model_ids.dedup();
    let mut distinct: HashMap<&str, HashSet<&str>> = HashMap::new();
    for r in &rows {
        distinct.entry(r.0).or_default().insert(r.1);
    }
    let calibrated: HashSet<&str> = model_ids
        .iter()
        .copied()
        .filter(|m| distinct[m].len() >= opts.min_benchmarks)
        .collect();
    if calibrated.is_empty() {
        return Err(Error::NoCalibration {
            min_benchmarks: opts.min_benchmarks,
            most: distinct.values().map(HashSet::len).max().unwrap_or(0),
            as_of,
        });
    }

    // The joint fit: calibrated models and the benchmarks they were scored on.
    let cal_ids: Vec<&str> = model_ids
        .iter()
        .copied()
        .filter(|m| calibrated.contains(m))
        .collect();
    let mut item_ids: Vec<&str> = rows
        .iter()
        .filter(|r| calibrated.contains(r.0))
        .map(|r| r.1)
        .collect();
    item_ids.sort_unstable();
    item_ids.dedup();
    let m_index: HashMap<&str, usize> = cal_ids.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let i_index: HashMap<&str, usize> = item_ids.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let chance: Vec<f64> = item_ids.iter().map(|b| chance_of(b)).collect();
    let mut data = irt::Data {
        model: Vec::new(),
        item: Vec::new(),
        y: Vec::new(),
        n_models: cal_ids.len(),
        n_items: item_ids.len(),
    };
    for r in rows.iter().filter(|r| calibrated.contains(r.0)) {
        let b = i_index[r.1];
        data.model.push(m_index[r.0]);
        data.item.push(b);
        data.y.push(normalise(r.2, chance[b], opts.clip));
    }
    let mut item_counts = vec![0usize; item_ids.len()];
    for &b in &data.item {
        item_counts[b] += 1;
    }
    let anchor = i_index
        .get(opts.anchor_benchmark)
        .copied()
        .unwrap_or_else(|| {
            // The most-scored benchmark, the first id among equals.
            (0..item_ids.len()).fold(0, |best, b| {
                if item_counts[b] > item_counts[best] {
                    b
                } else {
                    best
                }
            })
        });
    let params = irt::calibrate(&data, anchor, opts.lambda, opts.max_iterations);
    let lp = irt::penalty_weight(opts.lambda, cal_ids.len(), item_ids.len());
    let n_free = cal_ids.len() + 2 * item_ids.len() - 1;
    let residual_sd = (params.rss / data.y.len().saturating_sub(n_free).max(1) as f64).sqrt();

    // Every model: (id, raw θ, curvature, scores used, calibrated).
    let mut fitted: Vec<(&str, f64, f64, usize, bool)> = Vec::with_capacity(model_ids.len());
    let mut per_model: HashMap<&str, Vec<(f64, f64, f64)>> = HashMap::new();
    let mut unused = 0usize;
    for r in &rows {
        match i_index.get(r.1) {
            Some(&b) => per_model.entry(r.0).or_default().push((
                params.delta[b],
                params.alpha[b],
                normalise(r.2, chance[b], opts.clip),
            )),
            None => unused += 1,
        }
    }
    for id in &model_ids {
        let Some(items) = per_model.get(id) else {
            continue;
        };
        if let Some(&i) = m_index.get(id) {
            fitted.push((id, params.theta[i], params.info[i], items.len(), true));
        } else {
            let (theta, h) = irt::score(items, lp);
            fitted.push((id, theta, h, items.len(), false));
        }
    }

    let pairs: Vec<scale::ItemPair> = item_ids
        .iter()
        .enumerate()
        .filter_map(|(b, id)| {
            let x = benchmarks.get(id)?;
            Some(scale::ItemPair {
                delta: params.delta[b],
                alpha: params.alpha[b],
                edi: x.epoch_difficulty?,
                slope: x.epoch_slope?,
                weight: item_counts[b] as f64,
            })
        })
        .collect();
    let by_items = || scale::items(&pairs);
    let map = match tie {
        Tie::Anchors => scale::anchors(fitted.iter().map(|f| (f.0, f.1))).or_else(by_items),
        Tie::Items => by_items(),
    }
    .unwrap_or(EciMap {
        offset: 0.0,
        scale: 1.0,
        kind: MapKind::None,
    });

    let published: HashMap<&str, f64> = registry
        .models
        .iter()
        .filter_map(|m| Some((m.id.as_str(), m.eci_published?)))
        .collect();
    let models: Vec<Capability> = fitted
        .iter()
        .map(|&(id, theta, h, n, calibrated)| {
            let se = residual_sd / h.sqrt() * map.scale.abs();
            let c = map.apply(theta);
            Capability {
                id: id.to_string(),
                capability: c,
                capability_lo: c - 1.645 * se,
                capability_hi: c + 1.645 * se,
                capability_se: se,
                n_scores: n,
                calibrated,
                eci_published: published.get(id).copied(),
            }
        })
        .collect();
    let items = item_ids
        .iter()
        .enumerate()
        .map(|(b, id)| Item {
            id: id.to_string(),
            chance: chance[b],
            difficulty: params.delta[b],
            difficulty_eci: map.apply(params.delta[b]),
            slope: params.alpha[b],
            slope_eci: params.alpha[b] / map.scale,
            epoch_difficulty: benchmarks.get(id).and_then(|x| x.epoch_difficulty),
            epoch_slope: benchmarks.get(id).and_then(|x| x.epoch_slope),
            anchor: b == anchor,
            n_scores: item_counts[b],
        })
        .collect();
    let n_scores = fitted.iter().map(|f| f.3).sum();
    Ok(CapabilityFit {
        as_of,
        raw: Raw {
            theta: fitted.iter().map(|f| (f.0.to_string(), f.1)).collect(),
            items: item_ids
                .iter()
                .enumerate()
                .map(|(b, id)| {
                    (
                        id.to_string(),
                        (chance[b], params.delta[b], params.alpha[b]),
                    )
                })
                .collect(),
            lp,
            clip: opts.clip,
            index: models
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect(),
        },
        models,
        items,
        eci_offset: map.offset,
        eci_scale: map.scale,
        eci_map: map.kind,
        anchor_benchmark: item_ids[anchor].to_string(),
        n_calibrated: cal_ids.len(),
        n_scores,
        n_scores_unused: unused,
        residual_sd,
        iterations: params.iterations,
        converged: params.converged,
    })
}

impl CapabilityFit {
    /// The capability of a model the fit has not seen, from its benchmark scores (fractions
    /// correct), on the ECI scale with its standard error: the θ that best explains the scores
    /// under the fitted benchmark parameters, as for every model outside the joint fit.
    pub fn score_new(&self, scores: &[(&str, f64)]) -> Result<(f64, f64), Error> {
        let mut rows = Vec::with_capacity(scores.len());
        for (id, s) in scores {
            let &(c, delta, alpha) = self
                .raw
                .items
                .get(*id)
                .ok_or_else(|| Error::UnknownBenchmark(id.to_string()))?;
            rows.push((delta, alpha, normalise(*s, c, self.raw.clip)));
        }
        let (theta, h) = irt::score(&rows, self.raw.lp);
        let se = self.residual_sd / h.sqrt() * self.eci_scale.abs();
        Ok((self.map().apply(theta), se))
    }

    /// Whether the fit has parameters for this benchmark (a model's score on it can be placed).
    pub fn knows(&self, benchmark_id: &str) -> bool {
        self.raw.items.contains_key(benchmark_id)
    }

    /// The expected score (fraction correct) of a fitted model on a fitted benchmark.
    pub fn predict(&self, model_id: &str, benchmark_id: &str) -> Option<f64> {
        let theta = self.raw.theta.get(model_id)?;
        let &(c, delta, alpha) = self.raw.items.get(benchmark_id)?;
        Some(c + (1.0 - c) * irt::sigmoid(alpha * (theta - delta)))
    }

    /// The map from the raw scale to the ECI scale.
    pub fn map(&self) -> EciMap {
        EciMap {
            offset: self.eci_offset,
            scale: self.eci_scale,
            kind: self.eci_map,
        }
    }

    /// The same fit under another affine map onto the ECI scale: every capability, interval,
    /// standard error and difficulty re-expressed, nothing refitted.
    pub fn remapped(&self, map: EciMap) -> CapabilityFit {
        let old = self.map();
        let to_raw = |x: f64| (x - old.offset) / old.scale;
        let mut f = self.clone();
        for c in &mut f.models {
            c.capability = map.apply(to_raw(c.capability));
            c.capability_lo = map.apply(to_raw(c.capability_lo));
            c.capability_hi = map.apply(to_raw(c.capability_hi));
            c.capability_se *= (map.scale / old.scale).abs();
        }
        for i in &mut f.items {
            i.difficulty_eci = map.apply(i.difficulty);
            i.slope_eci = i.slope / map.scale;
        }
        f.eci_offset = map.offset;
        f.eci_scale = map.scale;
        f.eci_map = map.kind;
        f
    }

    pub fn get(&self, id: &str) -> Option<&Capability> {
        self.raw.index.get(id).map(|&i| &self.models[i])
    }
}

#[cfg(test)]
mod tests;
