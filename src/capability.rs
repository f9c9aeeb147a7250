/*!
The aggregate capability index: one number per model from every benchmark score it has, on the
Epoch Capabilities Index (ECI) scale.

An item-response model (as in Epoch AI's ECI methodology): the expected score of model m on
benchmark b is

```text
p(m, b) = c_b + (1 − c_b) · σ(α_b · (θ_m − δ_b))
```

with c_b the benchmark's chance level, δ_b its difficulty, α_b its slope and θ_m the model's
capability. All θ, δ and log α are fitted together by penalised least squares — alternating
Gauss–Newton steps, one model or one benchmark at a time, with weak ridge penalties that fix the
scale's origin and spread — so that models with different benchmark coverage land on one scale
and saturated benchmarks (where σ is flat) carry little weight. The fitted θ is mapped linearly
onto the ECI scale through Epoch's two anchors, Claude 3.5 Sonnet = 130 and GPT-5 = 150.

Standard errors come from the Gauss–Newton curvature of each θ with the residual variance; the
interval is ±1.645 standard errors (90%).
*/

use std::collections::HashMap;

use ndarray::Array1;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::registry::Registry;

/// Tuning of the fit.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions {
    /// Ridge on θ (prior N(0, 1/λ) on the raw scale).
    pub lambda_theta: f64,
    /// Ridge on δ.
    pub lambda_delta: f64,
    /// Ridge on log α (pulls slopes towards 1).
    pub lambda_log_alpha: f64,
    /// Alternating rounds.
    pub rounds: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            lambda_theta: 0.01,
            lambda_delta: 0.01,
            lambda_log_alpha: 0.5,
            rounds: 200,
        }
    }
}

/// One benchmark's fitted item parameters (raw scale).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub chance: f64,
    /// Difficulty, raw θ scale and on the ECI scale.
    pub difficulty: f64,
    pub difficulty_eci: f64,
    pub slope: f64,
    pub n_scores: usize,
}

/// One model's capability. Field names are the `capability --json` shape.
#[derive(Debug, Clone, Serialize)]
pub struct Capability {
    pub id: String,
    /// On the ECI scale.
    pub capability: f64,
    pub capability_lo: f64,
    pub capability_hi: f64,
    /// Standard error on the ECI scale.
    pub capability_se: f64,
    pub n_scores: usize,
    pub eci_published: Option<f64>,
}

/// The whole fit.
#[derive(Debug, Clone, Serialize)]
pub struct CapabilityFit {
    pub models: Vec<Capability>,
    pub items: Vec<Item>,
    /// ECI = eci_offset + eci_scale · θ.
    pub eci_offset: f64,
    pub eci_scale: f64,
    /// How the ECI map was set: `anchors` (Claude 3.5 Sonnet = 130, GPT-5 = 150), `regression`
    /// onto published ECI, or `none`.
    pub eci_map: String,
    pub residual_sd: f64,
    pub n_scores: usize,
    #[serde(skip)]
    raw: Raw,
}

/// The raw-scale parameters, kept for scoring new models.
#[derive(Debug, Clone, Default)]
struct Raw {
    theta: HashMap<String, f64>,
    items: HashMap<String, (f64, f64, f64)>,
    lambda_theta: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The scores as index arrays.
struct Data {
    model: Array1<usize>,
    item: Array1<usize>,
    score: Array1<f64>,
}

/// Why the capability cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("the registry has no benchmark scores to fit")]
    NoScores,
    /// Scores for a benchmark the fitted items do not include.
    #[error("benchmark {0:?} is not in the registry")]
    UnknownBenchmark(String),
}

/// Fits every model with at least one score.
pub fn fit(registry: &Registry, opts: &FitOptions) -> Result<CapabilityFit, Error> {
    fit_scores(
        registry,
        &registry
            .scores
            .iter()
            .map(|s| (s.model_id.as_str(), s.benchmark_id.as_str(), s.score))
            .collect::<Vec<_>>(),
        opts,
    )
}

fn fit_scores(
    registry: &Registry,
    scores: &[(&str, &str, f64)],
    opts: &FitOptions,
) -> Result<CapabilityFit, Error> {
    if scores.is_empty() {
        return Err(Error::NoScores);
    }
    let mut model_ids: Vec<&str> = scores.iter().map(|s| s.0).collect();
    model_ids.sort_unstable();
    model_ids.dedup();
    let mut item_ids: Vec<&str> = scores.iter().map(|s| s.1).collect();
    item_ids.sort_unstable();
    item_ids.dedup();
    let m_index: HashMap<&str, usize> =
        model_ids.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let i_index: HashMap<&str, usize> = item_ids.iter().enumerate().map(|(i, b)| (*b, i)).collect();
    let chance: Array1<f64> = item_ids
        .iter()
        .map(|b| {
            registry
                .benchmarks
                .iter()
                .find(|x| x.id == *b)
                .map_or(0.0, |x| x.chance)
        })
        .collect();
    let data = Data {
        model: scores.iter().map(|s| m_index[s.0]).collect(),
        item: scores.iter().map(|s| i_index[s.1]).collect(),
        score: scores.iter().map(|s| s.2).collect(),
    };
    let (theta, delta, log_alpha, info) =
        optimise(&data, &chance, model_ids.len(), item_ids.len(), opts);

    let n = data.score.len();
    let rss: f64 = (0..n)
        .map(|k| {
            let (m, b) = (data.model[k], data.item[k]);
            let p =
                chance[b] + (1.0 - chance[b]) * sigmoid(log_alpha[b].exp() * (theta[m] - delta[b]));
            (data.score[k] - p).powi(2)
        })
        .sum();
    let dof = n
        .saturating_sub(model_ids.len() + 2 * item_ids.len())
        .max(1);
    let residual_sd = (rss / dof as f64).sqrt();

    // The ECI map: Epoch's anchors when both models are present, else a regression onto the
    // published ECI values, else none.
    let published: HashMap<&str, f64> = registry
        .models
        .iter()
        .filter_map(|m| Some((m.id.as_str(), m.eci_published?)))
        .collect();
    let anchor = |pattern: &str| -> Option<f64> {
        model_ids
            .iter()
            .enumerate()
            .filter(|(_, id)| anchor_matches(id, pattern))
            .map(|(i, _)| theta[i])
            .next()
    };
    let (offset, scale, how) = match (anchor("claude-3-5-sonnet"), anchor("gpt-5")) {
        (Some(a), Some(b)) if (b - a).abs() > 1e-9 => {
            let scale = 20.0 / (b - a);
            (130.0 - scale * a, scale, "anchors")
        }
        _ => {
            let pairs: Vec<(f64, f64)> = model_ids
                .iter()
                .enumerate()
                .filter_map(|(i, id)| Some((theta[i], *published.get(id)?)))
                .collect();
            match crate::frontier::slope(
                &pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
                &pairs.iter().map(|p| p.1).collect::<Vec<_>>(),
            ) {
                Some(s) if pairs.len() >= 2 => {
                    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / pairs.len() as f64;
                    let my = pairs.iter().map(|p| p.1).sum::<f64>() / pairs.len() as f64;
                    (my - s * mx, s, "regression")
                }
                _ => (0.0, 1.0, "none"),
            }
        }
    };

    let mut counts = vec![0usize; model_ids.len()];
    let mut item_counts = vec![0usize; item_ids.len()];
    for k in 0..n {
        counts[data.model[k]] += 1;
        item_counts[data.item[k]] += 1;
    }
    let models = model_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let se = residual_sd / info[i].sqrt() * scale.abs();
            let c = offset + scale * theta[i];
            Capability {
                id: id.to_string(),
                capability: c,
                capability_lo: c - 1.645 * se,
                capability_hi: c + 1.645 * se,
                capability_se: se,
                n_scores: counts[i],
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
            difficulty: delta[b],
            difficulty_eci: offset + scale * delta[b],
            slope: log_alpha[b].exp(),
            n_scores: item_counts[b],
        })
        .collect();
    Ok(CapabilityFit {
        models,
        items,
        eci_offset: offset,
        eci_scale: scale,
        eci_map: how.to_string(),
        residual_sd,
        n_scores: n,
        raw: Raw {
            theta: model_ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.to_string(), theta[i]))
                .collect(),
            items: item_ids
                .iter()
                .enumerate()
                .map(|(b, id)| (id.to_string(), (chance[b], delta[b], log_alpha[b])))
                .collect(),
            lambda_theta: opts.lambda_theta,
        },
    })
}

/// Anchor ids: `claude-3-5-sonnet-20240620` for Claude 3.5 Sonnet, `gpt-5-2025-08-07` (or
/// `gpt-5`) for GPT-5, not `gpt-5-mini` or `gpt-5.1`.
fn anchor_matches(id: &str, pattern: &str) -> bool {
    let Some(rest) = id.strip_prefix(pattern) else {
        return false;
    };
    rest.is_empty()
        || (rest.starts_with('-') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Alternating Gauss–Newton: returns θ, δ, log α and each θ's curvature (information).
fn optimise(
    d: &Data,
    chance: &Array1<f64>,
    n_models: usize,
    n_items: usize,
    opts: &FitOptions,
) -> (Array1<f64>, Array1<f64>, Array1<f64>, Array1<f64>) {
    let mut theta = Array1::<f64>::zeros(n_models);
    let mut delta = Array1::<f64>::zeros(n_items);
    let mut log_alpha = Array1::<f64>::zeros(n_items);
    // Start each benchmark's difficulty where its mean score sits.
    for b in 0..n_items {
        let (sum, count) = (0..d.score.len())
            .filter(|&k| d.item[k] == b)
            .fold((0.0, 0), |(s, c), k| (s + d.score[k], c + 1));
        let mean = (sum / count.max(1) as f64 - chance[b]) / (1.0 - chance[b]);
        let mean = mean.clamp(0.02, 0.98);
        delta[b] = -(mean / (1.0 - mean)).ln();
    }
    let mut by_model: Vec<Vec<usize>> = vec![Vec::new(); n_models];
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); n_items];
    for k in 0..d.score.len() {
        by_model[d.model[k]].push(k);
        by_item[d.item[k]].push(k);
    }
    let mut info = Array1::<f64>::zeros(n_models);
    for _ in 0..opts.rounds {
        let mut change = 0.0f64;
        for m in 0..n_models {
            let (mut g, mut h) = (opts.lambda_theta * theta[m], opts.lambda_theta);
            for &k in &by_model[m] {
                let b = d.item[k];
                let a = log_alpha[b].exp();
                let s = sigmoid(a * (theta[m] - delta[b]));
                let p = chance[b] + (1.0 - chance[b]) * s;
                let dp = (1.0 - chance[b]) * s * (1.0 - s) * a;
                g -= (d.score[k] - p) * dp;
                h += dp * dp;
            }
            let step = (g / h).clamp(-1.0, 1.0);
            theta[m] -= step;
            info[m] = h;
            change = change.max(step.abs());
        }
        for b in 0..n_items {
            let a = log_alpha[b].exp();
            let (mut g0, mut g1) = (
                opts.lambda_delta * delta[b],
                opts.lambda_log_alpha * log_alpha[b],
            );
            let (mut h00, mut h01, mut h11) = (opts.lambda_delta, 0.0, opts.lambda_log_alpha);
            for &k in &by_item[b] {
                let x = theta[d.model[k]] - delta[b];
                let s = sigmoid(a * x);
                let p = chance[b] + (1.0 - chance[b]) * s;
                let ds = (1.0 - chance[b]) * s * (1.0 - s);
                let (j0, j1) = (-ds * a, ds * a * x);
                let r = d.score[k] - p;
                g0 -= r * j0;
                g1 -= r * j1;
                h00 += j0 * j0;
                h01 += j0 * j1;
                h11 += j1 * j1;
            }
            let det = h00 * h11 - h01 * h01;
            if det > 1e-12 {
                let s0 = ((h11 * g0 - h01 * g1) / det).clamp(-1.0, 1.0);
                let s1 = ((h00 * g1 - h01 * g0) / det).clamp(-0.5, 0.5);
                delta[b] -= s0;
                log_alpha[b] -= s1;
                change = change.max(s0.abs()).max(s1.abs());
            }
        }
        if change < 1e-7 {
            break;
        }
    }
    (theta, delta, log_alpha, info)
}

impl CapabilityFit {
    /// The capability of a model the fit has not seen, from its benchmark scores, on the ECI
    /// scale with its standard error: the θ that best explains the scores under the fitted item
    /// parameters.
    pub fn score_new(&self, scores: &[(&str, f64)]) -> Result<(f64, f64), Error> {
        let mut rows = Vec::with_capacity(scores.len());
        for (id, s) in scores {
            let &(c, delta, log_alpha) = self
                .raw
                .items
                .get(*id)
                .ok_or_else(|| Error::UnknownBenchmark(id.to_string()))?;
            rows.push((c, delta, log_alpha.exp(), *s));
        }
        let mut theta = 0.0f64;
        let mut h = self.raw.lambda_theta;
        for _ in 0..100 {
            let (mut g, mut hh) = (self.raw.lambda_theta * theta, self.raw.lambda_theta);
            for &(c, delta, a, s) in &rows {
                let sg = sigmoid(a * (theta - delta));
                let p = c + (1.0 - c) * sg;
                let dp = (1.0 - c) * sg * (1.0 - sg) * a;
                g -= (s - p) * dp;
                hh += dp * dp;
            }
            let step = (g / hh).clamp(-1.0, 1.0);
            theta -= step;
            h = hh;
            if step.abs() < 1e-10 {
                break;
            }
        }
        let se = self.residual_sd / h.sqrt() * self.eci_scale.abs();
        Ok((self.eci_offset + self.eci_scale * theta, se))
    }

    pub fn get(&self, id: &str) -> Option<&Capability> {
        self.models.iter().find(|c| c.id == id)
    }
}

/// How well the index agrees with Epoch's and predicts scores it did not see.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Models with both our capability and a published ECI.
    pub n_compared: usize,
    pub spearman: f64,
    pub rmse_eci: f64,
    /// Scores hidden from the fit (10%, fixed seed) and the mean absolute error predicting them,
    /// in score points (percentage points).
    pub n_held_out: usize,
    pub held_out_mae_points: f64,
    pub seed: u64,
}

/// Quality measures of the fit (see [`Check`]).
pub fn check(
    registry: &Registry,
    fit: &CapabilityFit,
    opts: &FitOptions,
    seed: u64,
) -> Result<Check, Error> {
    let pairs: Vec<(f64, f64)> = fit
        .models
        .iter()
        .filter_map(|c| Some((c.capability, c.eci_published?)))
        .collect();
    let spearman = spearman(&pairs);
    let rmse = (pairs.iter().map(|(a, b)| (a - b).powi(2)).sum::<f64>()
        / pairs.len().max(1) as f64)
        .sqrt();

    let all: Vec<(&str, &str, f64)> = registry
        .scores
        .iter()
        .map(|s| (s.model_id.as_str(), s.benchmark_id.as_str(), s.score))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hide: Vec<bool> = all.iter().map(|_| rng.random::<f64>() < 0.10).collect();
    let train: Vec<(&str, &str, f64)> = all
        .iter()
        .zip(&hide)
        .filter(|(_, h)| !**h)
        .map(|(s, _)| *s)
        .collect();
    let refit = fit_scores(registry, &train, opts)?;
    let mut errors = Vec::new();
    for (s, _) in all.iter().zip(&hide).filter(|(_, h)| **h) {
        // A hidden score can be predicted only if its model and benchmark are still in the fit.
        let (Some(&theta), Some(&(c, delta, log_alpha))) =
            (refit.raw.theta.get(s.0), refit.raw.items.get(s.1))
        else {
            continue;
        };
        let p = c + (1.0 - c) * sigmoid(log_alpha.exp() * (theta - delta));
        errors.push((p - s.2).abs() * 100.0);
    }
    Ok(Check {
        n_compared: pairs.len(),
        spearman,
        rmse_eci: rmse,
        n_held_out: errors.len(),
        held_out_mae_points: errors.iter().sum::<f64>() / errors.len().max(1) as f64,
        seed,
    })
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
    fn anchors_match_the_release_not_its_siblings() {
        assert!(anchor_matches("gpt-5-2025-08-07", "gpt-5"));
        assert!(anchor_matches("gpt-5", "gpt-5"));
        assert!(!anchor_matches("gpt-5-mini-2025-08-07", "gpt-5"));
        assert!(!anchor_matches("gpt-5.1-2025-11-13", "gpt-5"));
        assert!(anchor_matches(
            "claude-3-5-sonnet-20240620",
            "claude-3-5-sonnet"
        ));
    }
}
