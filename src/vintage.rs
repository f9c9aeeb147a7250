/*!
The registry as it stood at each as-of date: the capability model refitted on the scores of the
models published by then (benchmarks with no score by then do not exist), and the frontier points
of those models. Every floor computation goes through [`Vintages`], so nothing published after
its date reaches θ, θ*, b*, k or an interval.

A vintage is identified by how many models and scores it holds: both only grow with the date, so
two dates with the same counts select the same scores, and the fit is made once and reused.
*/

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;

use crate::capability::{self, FitOptions, Selection, Tie};
use crate::floor::{self, Source};
use crate::frontier::{self, Point};
use crate::registry::{Confidence, Registry};

/// The registry and its fits, one per distinct vintage.
#[derive(Debug)]
pub struct Vintages {
    pub registry: Registry,
    /// Compute figures below this confidence are dropped (the model still counts for θ*).
    pub min_confidence: Option<Confidence>,
    cache: Mutex<HashMap<(usize, usize), Arc<Vintage>>>,
}

/// What was known at one date.
#[derive(Debug)]
pub struct Vintage {
    /// The capability fit on the scores published by the date, on the ECI scale (tied by Epoch's
    /// benchmark parameters: an affine map, which cannot move the floor).
    pub fit: capability::CapabilityFit,
    pub points: Arc<Vec<Point>>,
    /// Scores behind the fit.
    pub n_scores: usize,
}

impl Vintages {
    pub fn new(registry: Registry, min_confidence: Option<Confidence>) -> Vintages {
        Vintages {
            registry,
            min_confidence,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The vintage at `as_of`, fitted on first use.
    pub fn vintage(&self, as_of: Date) -> Result<Arc<Vintage>, capability::Error> {
        let selection = Selection::vintage(&self.registry, as_of);
        let models = self
            .registry
            .models
            .iter()
            .filter(|m| capability::in_vintage(m, as_of))
            .count();
        let key = (models, selection.len());
        if let Some(v) = self.lock().get(&key) {
            return Ok(Arc::clone(v));
        }
        let fit = capability::fit_selection(
            &self.registry,
            &selection,
            &FitOptions::default(),
            Tie::Items,
        )?;
        let points: Vec<Point> = frontier::points(
            &self.registry,
            &fit,
            self.min_confidence,
            frontier::MIN_SCORES,
        )
        .into_iter()
        .filter(|p| p.released <= as_of)
        .collect();
        let v = Arc::new(Vintage {
            fit,
            points: Arc::new(points),
            n_scores: selection.len(),
        });
        self.lock().insert(key, Arc::clone(&v));
        Ok(v)
    }

    /// The capability fit and frontier points at `as_of`, for a classification. Before any
    /// vintage can be fitted there is no floor either; the whole-registry fit then still scores a
    /// declared base model's benchmarks, and the points are empty.
    pub fn fit_and_points(
        &self,
        as_of: Date,
    ) -> Result<(capability::CapabilityFit, Vec<Point>), capability::Error> {
        match self.vintage(as_of) {
            Ok(v) => Ok((v.fit.clone(), v.points.as_ref().clone())),
            Err(_) => Ok((
                capability::fit(&self.registry, &FitOptions::default())?,
                Vec::new(),
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(usize, usize), Arc<Vintage>>> {
        // A poisoned cache only means another thread panicked mid-insert; the map is still valid.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Source for Vintages {
    fn at(&self, as_of: Date) -> Result<Arc<Vec<Point>>, floor::Error> {
        match self.vintage(as_of) {
            Ok(v) if v.points.iter().any(|p| p.open) => Ok(Arc::clone(&v.points)),
            // Before any published model has enough scores there is nothing to fit.
            Ok(_)
            | Err(capability::Error::NoScores { .. })
            | Err(capability::Error::NoCalibration { .. }) => Err(floor::Error::NoPublishedModel {
                as_of,
                earliest: self.earliest(),
            }),
            Err(source) => Err(floor::Error::Capability { as_of, source }),
        }
    }

    fn placed(&self, id: &str, as_of: Date) -> Option<Point> {
        let v = self.vintage(as_of).ok()?;
        let scores: Vec<(&str, f64)> = self
            .registry
            .scores
            .iter()
            .filter(|s| s.model_id == id && v.fit.knows(&s.benchmark_id))
            .map(|s| (s.benchmark_id.as_str(), s.score))
            .collect();
        if scores.len() < frontier::MIN_SCORES {
            return None;
        }
        let (capability, capability_se) = v.fit.score_new(&scores).ok()?;
        // Its registry facts as a point: the whole-registry points carry them (any fit will do
        // for the facts; the capability is replaced).
        let model = self.registry.models.iter().find(|m| m.id == id)?;
        frontier::point_of(model, capability, capability_se, self.min_confidence)
    }
}

impl Vintages {
    /// The earliest published model, for the message of a date before it.
    fn earliest(&self) -> String {
        self.registry
            .models
            .iter()
            .filter_map(|m| Some((m.published()?, m)))
            .filter(|(_, m)| m.accessibility == crate::registry::Accessibility::OpenWeights)
            .min_by_key(|(d, _)| *d)
            .map_or("none in the registry".to_string(), |(d, m)| {
                format!("{} ({d})", m.id)
            })
    }
}
