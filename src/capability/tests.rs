//! The fit on synthetic registries whose true parameters are known.

use jiff::civil::Date;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::registry::{Accessibility, Model, Score};

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn model(id: &str, released: Date, open: bool, compute: Option<f64>) -> Model {
    Model {
        id: id.into(),
        name: id.into(),
        organization: "Test".into(),
        release_date: Some(released),
        open_weights_date: open.then_some(released),
        open_weights_source: String::new(),
        accessibility: if open {
            Accessibility::OpenWeights
        } else {
            Accessibility::Closed
        },
        parameters_total: None,
        parameters_active: None,
        training_tokens: None,
        training_compute_flop: compute,
        compute_basis: None,
        confidence: None,
        base_model: None,
        finetune_compute_flop: None,
        recipe: None,
        recipe_source: String::new(),
        eci_published: None,
        variants: String::new(),
        source: "test".into(),
    }
}

/// The ECI map of the synthetic world: Epoch's parameters of each benchmark are the exact image
/// of the true ones under it.
const TRUE_OFFSET: f64 = 111.0;
const TRUE_SCALE: f64 = 20.0;

fn benchmark(id: &str, released: Date, chance: f64, delta: f64, alpha: f64) -> Benchmark {
    Benchmark {
        id: id.into(),
        name: id.into(),
        release_date: Some(released),
        chance,
        epoch_difficulty: Some(TRUE_OFFSET + TRUE_SCALE * delta),
        epoch_slope: Some(alpha / TRUE_SCALE),
        source: "test".into(),
    }
}

/// A true benchmark: (id, chance, δ, α).
type TrueBenchmark = (&'static str, f64, f64, f64);

/// The expected score of a true model on a true benchmark.
fn expected(theta: f64, b: &TrueBenchmark) -> f64 {
    b.1 + (1.0 - b.1) * irt::sigmoid(b.3 * (theta - b.2))
}

/// Benchmarks (id, chance, δ, α): easy and shallow to hard and steep, as the real ones run, with
/// the anchor at δ = 0, α = 1.
const BENCHMARKS: [TrueBenchmark; 10] = [
    ("piqa_like", 0.5, -2.2, 0.5),
    ("hellaswag_like", 0.25, -1.5, 0.7),
    ("wino_grande", 0.5, 0.0, 1.0),
    ("mmlu_like", 0.25, -0.3, 1.5),
    ("gsm8k_like", 0.0, 0.2, 2.2),
    ("gpqa_like", 0.25, 1.2, 2.4),
    ("math_like", 0.0, 1.0, 3.6),
    ("swe_like", 0.0, 1.6, 1.4),
    ("frontier_like", 0.0, 2.6, 3.0),
    ("arc2_like", 0.0, 3.0, 5.0),
];

/// 60 models from θ = −2.5 to 3.4, each scored (exactly, no noise) on the benchmarks where its
/// expected normalised score is informative, as old models have old benchmarks and new ones new;
/// every fifth model only on its two or three most informative ones (placed, not jointly fitted).
fn world() -> (Registry, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut models = Vec::new();
    let mut scores = Vec::new();
    let mut thetas = Vec::new();
    for i in 0..60i32 {
        let theta = -2.5 + 0.1 * f64::from(i) + 0.05 * (rng.random::<f64>() - 0.5);
        let id = format!("m{i:02}");
        // Release order unrelated to capability, so that compute and date can be told apart.
        let day = (i * 37) % 60;
        let released = date(2022, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(day) * 20))
            .unwrap();
        // θ = 2·log10 C + (t − 2022) − 44 + noise, t in years.
        let years = f64::from(day) * 20.0 / 365.25;
        let compute = 10f64.powf((theta - years + 44.0) / 2.0 + (rng.random::<f64>() - 0.5));
        models.push(model(&id, released, true, Some(compute)));
        thetas.push(theta);
        let mut on: Vec<(f64, &TrueBenchmark)> = BENCHMARKS
            .iter()
            .map(|b| ((b.3 * (theta - b.2)).abs(), b))
            .filter(|(z, _)| *z < 4.0)
            .collect();
        on.sort_by(|a, b| a.0.total_cmp(&b.0));
        if i % 5 == 4 {
            on.truncate(2 + (i % 2) as usize);
        }
        for (_, b) in on {
            scores.push(Score {
                model_id: id.clone(),
                benchmark_id: b.0.into(),
                score: expected(theta, b),
                setting: String::new(),
                evaluated: None,
                source: "test".into(),
            });
        }
    }
    let benchmarks = BENCHMARKS
        .iter()
        .map(|b| benchmark(b.0, date(2019, 1, 1), b.1, b.2, b.3))
        .collect();
    (
        Registry {
            models,
            benchmarks,
            scores,
            origin: "test".into(),
        },
        thetas,
    )
}

fn raw_theta(f: &CapabilityFit, c: &Capability) -> f64 {
    (c.capability - f.eci_offset) / f.eci_scale
}

#[test]
fn the_fit_recovers_known_capabilities_difficulties_and_slopes_with_chance_levels() {
    let (registry, thetas) = world();
    let opts = FitOptions {
        lambda: 1e-6,
        ..FitOptions::default()
    };
    let f = fit_selection(&registry, &Selection::all(&registry), &opts, Tie::Items).unwrap();
    assert!(f.converged, "{} iterations", f.iterations);
    assert_eq!(f.anchor_benchmark, "wino_grande");
    assert_eq!(f.models.len(), 60);
    assert_eq!(f.n_calibrated, 48);
    for (c, truth) in f.models.iter().zip(&thetas) {
        let theta = raw_theta(&f, c);
        assert!((theta - truth).abs() < 1e-3, "{}: {theta} vs {truth}", c.id);
    }
    for (item, truth) in f.items.iter().zip(sorted_benchmarks()) {
        assert_eq!(item.id, truth.0);
        assert_eq!(item.chance, truth.1);
        assert!((item.difficulty - truth.2).abs() < 1e-3, "{item:?}");
        assert!((item.slope - truth.3).abs() < 1e-3 * truth.3, "{item:?}");
    }
    // The items tie finds the true map.
    assert_eq!(f.eci_map, MapKind::Items);
    assert!((f.eci_scale - TRUE_SCALE).abs() < 0.05, "{}", f.eci_scale);
    assert!(
        (f.eci_offset - TRUE_OFFSET).abs() < 0.05,
        "{}",
        f.eci_offset
    );
}

fn sorted_benchmarks() -> Vec<TrueBenchmark> {
    let mut b = BENCHMARKS.to_vec();
    b.sort_by(|x, y| x.0.cmp(y.0));
    b
}

#[test]
fn epochs_penalty_pulls_the_extremes_in_by_a_few_percent_of_the_range_and_keeps_the_order() {
    let (registry, thetas) = world();
    let f = fit_selection(
        &registry,
        &Selection::all(&registry),
        &FitOptions::default(),
        Tie::Items,
    )
    .unwrap();
    // λ = 0.1 is outside the range where the estimates do not depend on it (Epoch's own
    // analysis, `eci-public/docs/regularization_analysis.md`): the slopes shrink, most for the
    // steepest benchmarks, and the capabilities at both ends move towards the middle.
    let truth: Vec<f64> = thetas
        .iter()
        .map(|t| TRUE_OFFSET + TRUE_SCALE * t)
        .collect();
    let range = truth.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b))
        - truth.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    let worst = f
        .models
        .iter()
        .zip(&truth)
        .map(|(c, t)| (c.capability - t).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.03 * range, "{worst} ECI points of {range}");
    let pairs: Vec<(f64, f64)> = f
        .models
        .iter()
        .zip(&truth)
        .map(|(c, t)| (c.capability, *t))
        .collect();
    assert!((spearman(&pairs) - 1.0).abs() < 1e-12);
    // Placed models carry their own scores only.
    let placed = f.models.iter().find(|c| c.id == "m04").unwrap();
    assert!(!placed.calibrated && placed.n_scores == 2, "{placed:?}");
}

#[test]
fn a_new_models_scores_place_it_where_its_own_fit_would() {
    let (registry, thetas) = world();
    let f = fit(&registry, &FitOptions::default()).unwrap();
    let m = &f.models[20];
    let scores: Vec<(&str, f64)> = registry
        .scores
        .iter()
        .filter(|s| s.model_id == m.id)
        .map(|s| (s.benchmark_id.as_str(), s.score))
        .collect();
    let (c, se) = f.score_new(&scores).unwrap();
    assert!(
        (c - m.capability).abs() < 0.05 * f.eci_scale,
        "{c} vs {m:?}"
    );
    assert!(se > 0.0);
    assert!((raw_theta(&f, m) - thetas[20]).abs() < 0.05);
    assert_eq!(
        f.score_new(&[("nonesuch", 0.5)]),
        Err(Error::UnknownBenchmark("nonesuch".into()))
    );
}

#[test]
fn without_the_anchor_models_the_whole_registry_fit_falls_back_to_the_items_tie() {
    let (registry, _) = world();
    let f = fit(&registry, &FitOptions::default()).unwrap();
    assert_eq!(f.eci_map, MapKind::Items);
    // With both anchors, their ECI values are Epoch's.
    let mut registry = registry;
    registry.models[10].id = "claude-3-5-sonnet-20240620".into();
    registry.models[40].id = "gpt-5-2025-08-07".into();
    for s in &mut registry.scores {
        if s.model_id == "m10" {
            s.model_id = "claude-3-5-sonnet-20240620".into();
        } else if s.model_id == "m40" {
            s.model_id = "gpt-5-2025-08-07".into();
        }
    }
    let f = fit(&registry, &FitOptions::default()).unwrap();
    assert_eq!(f.eci_map, MapKind::Anchors);
    let c = |id: &str| f.get(id).unwrap().capability;
    assert!((c("claude-3-5-sonnet-20240620") - 130.0).abs() < 1e-9);
    assert!((c("gpt-5-2025-08-07") - 150.0).abs() < 1e-9);
}

#[test]
fn a_vintage_fit_ignores_later_models_closed_models_and_later_benchmarks() {
    let (mut registry, _) = world();
    let as_of = date(2024, 6, 30);
    let before = fit_vintage(&registry, as_of, &FitOptions::default()).unwrap();
    assert_eq!(before.as_of, Some(as_of));
    assert!(before.models.len() < 60 && before.models.len() > 20);

    // A later open model with scores on the old benchmarks and on a benchmark of its own,
    // released after the as-of date, which an early model also has a score on; and a closed
    // model from before the as-of date.
    registry
        .models
        .push(model("later", date(2024, 9, 1), true, Some(1e25)));
    registry
        .models
        .push(model("closed", date(2023, 6, 1), false, Some(1e24)));
    registry
        .benchmarks
        .push(benchmark("later_bench", date(2024, 8, 1), 0.0, 2.0, 2.0));
    for (m, b, s) in [
        ("later", "gpqa_like", 0.9),
        ("later", "frontier_like", 0.6),
        ("later", "arc2_like", 0.3),
        ("later", "later_bench", 0.5),
        ("m10", "later_bench", 0.01),
        ("closed", "mmlu_like", 0.8),
        ("closed", "gsm8k_like", 0.7),
        ("closed", "gpqa_like", 0.4),
        ("closed", "math_like", 0.3),
    ] {
        registry.scores.push(Score {
            model_id: m.into(),
            benchmark_id: b.into(),
            score: s,
            setting: String::new(),
            evaluated: None,
            source: "test".into(),
        });
    }
    let after = fit_vintage(&registry, as_of, &FitOptions::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&before).unwrap(),
        serde_json::to_string(&after).unwrap()
    );
    assert!(after.get("later").is_none() && after.get("closed").is_none());
    assert!(after.items.iter().all(|i| i.id != "later_bench"));
    // The same additions do move a fit on everything.
    let all = fit(&registry, &FitOptions::default()).unwrap();
    assert!(all.get("later").is_some() && all.items.iter().any(|i| i.id == "later_bench"));
}

#[test]
fn a_benchmark_without_a_release_date_is_in_no_vintage() {
    let (mut registry, _) = world();
    let as_of = date(2025, 1, 1);
    registry.benchmarks[0].release_date = None;
    let undated = registry.benchmarks[0].id.clone();
    let f = fit_vintage(&registry, as_of, &FitOptions::default()).unwrap();
    assert!(f.items.iter().all(|i| i.id != undated));
    assert!(fit(&registry, &FitOptions::default())
        .unwrap()
        .items
        .iter()
        .any(|i| i.id == undated));
}

#[test]
fn a_vintage_before_any_model_or_without_enough_benchmarks_is_an_error() {
    let (registry, _) = world();
    let opts = FitOptions::default();
    assert_eq!(
        fit_vintage(&registry, date(2020, 1, 1), &opts).unwrap_err(),
        Error::NoScores {
            as_of: Some(date(2020, 1, 1))
        }
    );
    let strict = FitOptions {
        min_benchmarks: 11,
        ..opts
    };
    let e = fit(&registry, &strict).unwrap_err();
    assert!(matches!(
        e,
        Error::NoCalibration {
            min_benchmarks: 11,
            ..
        }
    ));
    assert!(e.to_string().contains("11 or more benchmarks"), "{e}");
}

#[test]
fn fits_are_deterministic() {
    let (registry, _) = world();
    let a = fit(&registry, &FitOptions::default()).unwrap();
    let b = fit(&registry, &FitOptions::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

/// log10 of the floor, 10^((θ* − b*)/k), from frontier points as the floor computes it: θ* the
/// most capable open model, k from the joint fit, b* the best published recipes.
fn log10_floor(points: &[crate::frontier::Point], as_of: Date) -> f64 {
    use crate::frontier::{self, Recipe};
    let fit = frontier::fit(points, as_of).unwrap();
    let theta_star = points
        .iter()
        .filter(|p| p.open)
        .map(|p| p.capability)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut b: Vec<f64> = points
        .iter()
        .filter(|p| p.open)
        .filter_map(|p| fit.efficiency(p))
        .collect();
    let b_star = frontier::frontier_value(&mut b, Recipe::Best).unwrap();
    fit.log10_compute_for(theta_star, b_star)
}

#[test]
fn the_floor_is_the_same_under_any_affine_tie_to_the_eci_scale() {
    let (registry, _) = world();
    let f = fit(&registry, &FitOptions::default()).unwrap();
    let as_of = date(2026, 1, 1);
    let floor = |f: &CapabilityFit| {
        log10_floor(
            &crate::frontier::points(&registry, f, None, crate::frontier::MIN_SCORES),
            as_of,
        )
    };
    let base = floor(&f);
    assert!(base.is_finite());
    for (offset, scale) in [(0.0, 1.0), (-40.0, 3.5), (130.0, 0.2)] {
        let other = f.remapped(EciMap {
            offset,
            scale,
            kind: MapKind::None,
        });
        assert!(
            (floor(&other) - base).abs() < 1e-9,
            "{offset} + {scale}·θ moves the floor from {base} to {}",
            floor(&other)
        );
    }
}
