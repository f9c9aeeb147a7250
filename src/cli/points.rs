/*!
What the floor commands share: the registry (embedded or `--registry DIR`), the capability fit on
it, and the models as the frontier sees them ([`Point`]s): capability with its standard error,
training compute, release date, open weights or not, distilled or not.
*/

use std::path::{Path, PathBuf};

use serde::Serialize;

use jiff::civil::Date;

use crate::capability;
use crate::frontier::Point;
use crate::regimes;
use crate::registry::{Confidence, Registry};
use crate::vintage::Vintages;
use crate::whatif::{self, Release};
use crate::Error;

/// Where the data comes from.
#[derive(Debug, Clone)]
pub struct Sources {
    pub registry_dir: Option<PathBuf>,
}

impl Sources {
    pub fn registry(&self) -> Result<Registry, Error> {
        Ok(Registry::open(self.registry_dir.as_deref())?)
    }

    /// What a command writing files may replace: with `--force`, anything but the run's
    /// `inputs` and the registry directory it reads.
    pub fn guard(&self, force: bool, mut inputs: Vec<PathBuf>) -> crate::fsio::Guard {
        inputs.extend(self.registry_dir.iter().cloned());
        crate::fsio::Guard { force, inputs }
    }
}

/// The 4E091 regime's base threshold and status, printed beside every floor.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeStatus {
    pub id: String,
    pub threshold_flop: f64,
    pub status: String,
    pub source: String,
}

pub fn regime_4e091(_sources: &Sources) -> Result<RegimeStatus, Error> {
    let r = regimes::get("4e091")?;
    Ok(RegimeStatus {
        id: r.id,
        threshold_flop: r.threshold_flop,
        status: r.status,
        source: r.source,
    })
}

/// Parses `--min-confidence`.
pub fn min_confidence(level: Option<&str>) -> Result<Option<Confidence>, Error> {
    Ok(
        match level.map(|l| l.trim().to_ascii_lowercase()).as_deref() {
            None => None,
            Some("confident") => Some(Confidence::Confident),
            Some("likely") => Some(Confidence::Likely),
            Some("speculative") => Some(Confidence::Speculative),
            Some(_) => {
                let other = level.unwrap_or_default();
                return Err(Error::Usage(format!(
                    "--min-confidence: {other:?} is not one of confident, likely, speculative"
                )));
            }
        },
    )
}

/// The registry as the floor sees it at each date: vintage fits, refitted on what was published
/// by the date asked for. Compute figures below `min_confidence` are dropped (the model still
/// counts for θ*).
pub fn load(sources: &Sources, min_confidence_level: Option<&str>) -> Result<Vintages, Error> {
    let min = min_confidence(min_confidence_level)?;
    Ok(Vintages::new(sources.registry()?, min))
}

/// A what-if release as a frontier point: its capability as given, or from its benchmark scores
/// under the fitted item parameters.
pub fn hypothetical(
    vintages: &Vintages,
    release: &Release,
    as_of: Date,
    path: &Path,
) -> Result<Point, Error> {
    let (capability, se) = match release.capability {
        Some(c) => (c, 0.0),
        None => {
            // Scored under the item parameters of the vintage it joins.
            let registry = &vintages.registry;
            let vintage = vintages.vintage(as_of)?;
            let fit = &vintage.fit;
            // Benchmark ids match case-insensitively, with suggestions for near misses.
            let mut scores: Vec<(&str, f64)> = Vec::with_capacity(release.benchmarks.len());
            for (k, v) in &release.benchmarks {
                let b = registry.benchmark(k).map_err(|e| {
                    let hint = match e {
                        crate::registry::Error::UnknownBenchmark { suggestions, .. }
                            if !suggestions.is_empty() =>
                        {
                            format!("; did you mean {}?", suggestions.join(", "))
                        }
                        _ => String::new(),
                    };
                    Error::TomlFile(whatif::Error::Field {
                        path: path.to_path_buf(),
                        field: format!("benchmarks.{k}"),
                        problem: format!(
                            "not a benchmark of the registry (see capfloor capability --benchmarks){hint}"
                        ),
                    })
                })?;
                scores.push((b.id.as_str(), *v));
            }
            fit.score_new(&scores).map_err(|e| match e {
                capability::Error::UnknownBenchmark(id) => Error::TomlFile(whatif::Error::Field {
                    path: path.to_path_buf(),
                    field: format!("benchmarks.{id}"),
                    problem:
                        "not a benchmark of the registry (see capfloor capability --benchmarks)"
                            .into(),
                }),
                other => other.into(),
            })?
        }
    };
    Ok(Point {
        id: release.id.clone(),
        released: release.released,
        capability,
        capability_se: se,
        log10_compute: release.training_compute_flop.map(f64::log10),
        open: true,
        distilled: release.distilled,
        developer: String::new(),
        eci_published: None,
    })
}
