/*!
Which scores a capability fit sees: the whole registry, or a *vintage* — what was published by an
as-of date T. A selection is a list of the registry's score rows, so a fit on it reads nothing
else (no model, benchmark or score outside it can move it).
*/

use jiff::civil::Date;

use crate::registry::{Accessibility, Benchmark, Model, Registry};

/// A subset of a registry's scores (indices into `registry.scores`, in registry order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub(super) scores: Vec<usize>,
    /// The as-of date of a vintage; `None` for an arbitrary subset or the whole registry.
    pub as_of: Option<Date>,
}

/// Whether `model` is part of the vintage at `as_of`: the models whose weights were published by
/// then: open-weight accessibility and an `open_weights_date` (or, where the registry has none,
/// the release date) on or before `as_of`.
pub fn in_vintage(model: &Model, as_of: Date) -> bool {
    model.accessibility == Accessibility::OpenWeights
        && model.published().is_some_and(|d| d <= as_of)
}

/// Whether `benchmark` existed at `as_of`. A score cannot have been published before its
/// benchmark, and a benchmark without a recorded release date cannot be shown to have existed, so
/// its scores are left out of every vintage (they count only in the whole-registry fit).
pub fn benchmark_exists_at(benchmark: &Benchmark, as_of: Date) -> bool {
    benchmark.release_date.is_some_and(|d| d <= as_of)
}

impl Selection {
    /// Every score of the registry.
    pub fn all(registry: &Registry) -> Selection {
        Selection {
            scores: (0..registry.scores.len()).collect(),
            as_of: None,
        }
    }

    /// The scores whose row satisfies `keep`.
    pub fn filter(
        registry: &Registry,
        mut keep: impl FnMut(&crate::registry::Score) -> bool,
    ) -> Selection {
        Selection {
            scores: (0..registry.scores.len())
                .filter(|&i| keep(&registry.scores[i]))
                .collect(),
            as_of: None,
        }
    }

    /// What was published by `as_of`: the scores of models [`in_vintage`] on benchmarks that
    /// [existed](benchmark_exists_at) by then.
    pub fn vintage(registry: &Registry, as_of: Date) -> Selection {
        let models: std::collections::HashSet<&str> = registry
            .models
            .iter()
            .filter(|m| in_vintage(m, as_of))
            .map(|m| m.id.as_str())
            .collect();
        let benchmarks: std::collections::HashSet<&str> = registry
            .benchmarks
            .iter()
            .filter(|b| benchmark_exists_at(b, as_of))
            .map(|b| b.id.as_str())
            .collect();
        // A score evaluated after the date (a later benchmark run of an older model) was not
        // known at it.
        let mut s = Selection::filter(registry, |s| {
            models.contains(s.model_id.as_str())
                && benchmarks.contains(s.benchmark_id.as_str())
                && s.evaluated.is_none_or(|e| e <= as_of)
        });
        s.as_of = Some(as_of);
        s
    }

    /// Number of scores selected.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
}
