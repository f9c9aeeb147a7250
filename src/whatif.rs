/*!
A hypothetical open-weight release for `capfloor floor what-if --add FILE.toml`: how would the
floor move if this model were published?

```toml
id = "hypothetical-open-model"   # optional; default "what-if"
released = "2026-12-01"
capability = 155.0               # on the ECI scale, or give benchmark scores instead:
# [benchmarks]
# gpqa_diamond = 0.81            # fraction correct, benchmark ids as in the registry
training_compute_flop = 3e25     # optional: lets the release move the efficiency frontier too
distilled = false                # optional
synthetic = false                # optional: trained mostly on synthetic data
```

Exactly one of `capability` and `[benchmarks]`. Scores must be fractions in [0, 1] of benchmarks
the registry knows; the capability they imply comes from the fitted item parameters.
*/

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;

use crate::capability;
use crate::frontier::Point;
use crate::vintage::Vintages;

/// A what-if file, parsed but not yet turned into a capability.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    #[serde(default = "default_id")]
    pub id: String,
    #[serde(deserialize_with = "crate::tomlfile::date")]
    pub released: Date,
    pub capability: Option<f64>,
    #[serde(default)]
    pub benchmarks: BTreeMap<String, f64>,
    pub training_compute_flop: Option<f64>,
    #[serde(default)]
    pub distilled: bool,
    #[serde(default)]
    pub synthetic: bool,
}

fn default_id() -> String {
    "what-if".to_string()
}

/// The largest capability a what-if release may have, either way: 5× the ECI of today's best
/// models, so that a floor computed from it stays a finite number of operations.
pub const MAX_CAPABILITY: f64 = 1000.0;

/// A what-if file that cannot be used (the file, and the field or TOML line and column).
pub use crate::tomlfile::Error;

impl Release {
    /// Reads and checks a what-if file.
    pub fn load(path: &Path) -> Result<Release, Error> {
        Self::parse(path, &crate::tomlfile::read(path, &crate::fsio::WHAT_IF)?)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Release, Error> {
        let release: Release = crate::tomlfile::from_str(path, text)?;
        let field = |field: &str, problem: String| Error::Field {
            path: path.to_path_buf(),
            field: field.to_string(),
            problem,
        };
        match (release.capability, release.benchmarks.is_empty()) {
            (Some(_), false) => {
                return Err(field(
                    "capability",
                    "give either capability or [benchmarks], not both".into(),
                ))
            }
            (None, true) => {
                return Err(field(
                    "capability",
                    "missing: give capability (ECI scale) or [benchmarks] scores".into(),
                ))
            }
            (Some(c), true) if !c.is_finite() => {
                return Err(field("capability", format!("{c} is not a number")))
            }
            (Some(c), true) if c.abs() > MAX_CAPABILITY => {
                return Err(field(
                    "capability",
                    format!("{c} is outside ±{MAX_CAPABILITY} (the ECI scale runs about 0–200)"),
                ))
            }
            _ => {}
        }
        for (id, &score) in &release.benchmarks {
            if !(0.0..=1.0).contains(&score) {
                return Err(field(
                    &format!("benchmarks.{id}"),
                    format!("{score} is outside [0, 1] (scores are fractions correct)"),
                ));
            }
        }
        if let Some(c) = release.training_compute_flop {
            crate::tomlfile::Bound {
                zero: false,
                max: crate::declaration::OPERATIONS.max,
                unit: "operations",
            }
            .check(c)
            .map_err(|problem| field("training_compute_flop", problem))?;
        }
        Ok(release)
    }
}

/// A what-if release as a frontier point: its capability as given, or from its benchmark scores
/// under the fitted item parameters.
pub fn point(
    vintages: &Vintages,
    release: &Release,
    as_of: Date,
    path: &Path,
) -> Result<Point, crate::Error> {
    let (capability, se) = match release.capability {
        Some(c) => (c, 0.0),
        None => {
            // Scored under the item parameters of the vintage it joins.
            let registry = &vintages.registry;
            let vintage = vintages.vintage(as_of)?;
            let fit = &vintage.fit;
            let not_a_benchmark = |id: &str, hint: String| {
                crate::Error::TomlFile(Error::Field {
                    path: path.to_path_buf(),
                    field: format!("benchmarks.{id}"),
                    problem: format!(
                        "not a benchmark of the registry (see capfloor capability --benchmarks){hint}"
                    ),
                })
            };
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
                    not_a_benchmark(k, hint)
                })?;
                scores.push((b.id.as_str(), *v));
            }
            fit.score_new(&scores).map_err(|e| match e {
                capability::Error::UnknownBenchmark(id) => not_a_benchmark(&id, String::new()),
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
        synthetic: release.synthetic,
        developer: String::new(),
        eci_published: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Release, Error> {
        Release::parse(Path::new("w.toml"), text)
    }

    #[test]
    fn a_release_with_a_capability_is_read() {
        let r = parse("released = 2026-12-01\ncapability = 155.5\ntraining_compute_flop = 3e25\n")
            .unwrap();
        assert_eq!(r.id, "what-if");
        assert_eq!(r.released, Date::new(2026, 12, 1).unwrap());
        assert_eq!(r.capability, Some(155.5));
        assert_eq!(r.training_compute_flop, Some(3e25));
    }

    #[test]
    fn benchmark_scores_stand_in_for_a_capability() {
        let r =
            parse("id = \"x\"\nreleased = 2026-12-01\n[benchmarks]\ngpqa_diamond = 0.8\n").unwrap();
        assert_eq!(r.benchmarks["gpqa_diamond"], 0.8);
    }

    #[test]
    fn impossible_inputs_name_the_field() {
        let e = parse("released = 2026-12-01\n").unwrap_err().to_string();
        assert!(e.contains("w.toml: capability: missing"), "{e}");
        let e = parse("released = 2026-12-01\ncapability = 1.0\n[benchmarks]\nmmlu = 0.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not both"), "{e}");
        let e = parse("released = 2026-12-01\n[benchmarks]\nmmlu = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("benchmarks.mmlu: 1.5 is outside [0, 1]"), "{e}");
        let e = parse("released = 2026-12-01\ncapability = 1.0\ntraining_compute_flop = -1.0\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("training_compute_flop"), "{e}");
        let e = parse("released = \"next year\"\ncapability = 1.0\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("w.toml") && e.contains("line 1"), "{e}");
        let e = parse("released = 2026-12-01\ncapability = 1.0\ncolour = \"red\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
    }
}
