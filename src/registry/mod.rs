/*!
The registry of published and closed models: what each is (release date, accessibility,
parameters, training tokens and compute with its basis and confidence), and what it scored on
which benchmark. Three CSV files in `data/`, derived from Epoch AI's public datasets by
[`import`] (see `data/SOURCES.md`); the default registry is embedded in the binary, and
`--registry DIR` reads another.

Loading validates everything and reports every problem of a file at once, as
`file:line: field: problem` (the header is line 1).
*/

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub mod import;

/// Whether a model's weights are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Accessibility {
    /// Weights downloadable (unrestricted, non-commercial or restricted-use licences alike).
    OpenWeights,
    /// API or hosted access only, or unreleased.
    Closed,
    /// Not recorded upstream.
    Unknown,
}

/// How a training-compute figure was obtained (Epoch's estimation methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComputeBasis {
    /// Stated by the developer.
    Declared,
    /// 6 × parameters × training tokens.
    #[serde(rename = "6nd")]
    SixNd,
    /// Chips × time × throughput × utilisation.
    Hardware,
    /// Estimated otherwise (benchmarks, cost, comparison with similar models).
    Imputed,
}

/// Epoch's confidence in a compute figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Speculative,
    Unknown,
    Likely,
    Confident,
}

impl fmt::Display for Accessibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Accessibility::OpenWeights => "open_weights",
            Accessibility::Closed => "closed",
            Accessibility::Unknown => "unknown",
        })
    }
}

/// One model (reasoning-effort variants of one release merged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub release_date: Option<Date>,
    pub accessibility: Accessibility,
    pub parameters_total: Option<f64>,
    pub parameters_active: Option<f64>,
    pub training_tokens: Option<f64>,
    pub training_compute_flop: Option<f64>,
    pub compute_basis: Option<ComputeBasis>,
    pub confidence: Option<Confidence>,
    pub base_model: Option<String>,
    pub finetune_compute_flop: Option<f64>,
    pub distilled: bool,
    /// The Epoch Capabilities Index value Epoch published, if any (for comparison only).
    pub eci_published: Option<f64>,
    /// Upstream versions merged into this row (e.g. `o3_high;o3_medium`).
    pub variants: String,
    pub source: String,
}

/// A benchmark and its chance level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    pub id: String,
    pub name: String,
    pub release_date: Option<Date>,
    /// Accuracy of random guessing (0 for open-ended answers).
    pub chance: f64,
    /// Epoch's published difficulty (ECI units) and slope, for comparison with our fit.
    pub epoch_difficulty: Option<f64>,
    pub epoch_slope: Option<f64>,
    pub source: String,
}

/// One model's score on one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub model_id: String,
    pub benchmark_id: String,
    /// Fraction correct in [0, 1].
    pub score: f64,
    /// The upstream version and setting the score comes from (best of the merged variants).
    pub setting: String,
    pub source: String,
}

/// The whole registry.
#[derive(Debug, Clone)]
pub struct Registry {
    pub models: Vec<Model>,
    pub benchmarks: Vec<Benchmark>,
    pub scores: Vec<Score>,
    /// Where it was read from: `embedded` or a directory.
    pub origin: String,
}

/// A registry that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file that is not a regular file, too large, or not text.
    #[error(transparent)]
    File(#[from] crate::fsio::Error),
    /// Every problem found in one file, one `file:line: field: problem` per line.
    #[error("{}", problems.join("\n"))]
    Invalid { problems: Vec<String> },
    /// `registry show` of an id the registry does not have.
    #[error("no model {id:?} in the registry{}", suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
    UnknownModel {
        id: String,
        suggestion: Option<String>,
    },
    /// An import source laid out unlike Epoch's exports.
    #[error("{}: {problem}", path.display())]
    Import { path: PathBuf, problem: String },
}

const EMBEDDED_MODELS: &str = include_str!("../../data/models.csv");
const EMBEDDED_BENCHMARKS: &str = include_str!("../../data/benchmarks.csv");
const EMBEDDED_SCORES: &str = include_str!("../../data/scores.csv");

pub const MODEL_COLUMNS: &[&str] = &[
    "id",
    "name",
    "organization",
    "release_date",
    "accessibility",
    "parameters_total",
    "parameters_active",
    "training_tokens",
    "training_compute_flop",
    "compute_basis",
    "confidence",
    "base_model",
    "finetune_compute_flop",
    "distilled",
    "eci_published",
    "variants",
    "source",
];
pub const BENCHMARK_COLUMNS: &[&str] = &[
    "id",
    "name",
    "release_date",
    "chance",
    "epoch_difficulty",
    "epoch_slope",
    "source",
];
pub const SCORE_COLUMNS: &[&str] = &["model_id", "benchmark_id", "score", "setting", "source"];

impl Registry {
    /// The registry built into the binary.
    pub fn embedded() -> Result<Registry, Error> {
        Self::from_texts(
            ("data/models.csv", EMBEDDED_MODELS),
            ("data/benchmarks.csv", EMBEDDED_BENCHMARKS),
            ("data/scores.csv", EMBEDDED_SCORES),
            "embedded".into(),
        )
    }

    /// Reads `models.csv`, `benchmarks.csv` and `scores.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<Registry, Error> {
        let read = |name: &str| {
            let path = dir.join(name);
            crate::fsio::read_to_string(&path, &crate::fsio::REGISTRY_CSV)
                .map(|t| (path.display().to_string(), t))
        };
        let (m, b, s) = (
            read("models.csv")?,
            read("benchmarks.csv")?,
            read("scores.csv")?,
        );
        Self::from_texts(
            (&m.0, &m.1),
            (&b.0, &b.1),
            (&s.0, &s.1),
            dir.display().to_string(),
        )
    }

    /// The embedded registry, or the one in `dir`.
    pub fn open(dir: Option<&Path>) -> Result<Registry, Error> {
        match dir {
            Some(d) => Self::load(d),
            None => Self::embedded(),
        }
    }

    fn from_texts(
        models: (&str, &str),
        benchmarks: (&str, &str),
        scores: (&str, &str),
        origin: String,
    ) -> Result<Registry, Error> {
        let (models_file, benchmarks_file, scores_file) = (models.0, benchmarks.0, scores.0);
        let models: Vec<Model> = parse_file(models.0, models.1, MODEL_COLUMNS)?;
        let benchmarks: Vec<Benchmark> = parse_file(benchmarks.0, benchmarks.1, BENCHMARK_COLUMNS)?;
        let scores: Vec<Score> = parse_file(scores.0, scores.1, SCORE_COLUMNS)?;
        let mut problems = Vec::new();
        duplicates(
            models_file,
            models.iter().map(|m| m.id.as_str()),
            "id",
            &mut problems,
        );
        duplicates(
            benchmarks_file,
            benchmarks.iter().map(|b| b.id.as_str()),
            "id",
            &mut problems,
        );
        for (i, m) in models.iter().enumerate() {
            let at = format!("{}:{}", models_file, i + 2);
            for (field, v) in [
                ("parameters_total", m.parameters_total),
                ("parameters_active", m.parameters_active),
                ("training_tokens", m.training_tokens),
                ("training_compute_flop", m.training_compute_flop),
                ("finetune_compute_flop", m.finetune_compute_flop),
            ] {
                if let Some(x) = v {
                    if !(x.is_finite() && x > 0.0) {
                        problems.push(format!("{at}: {field}: {x} is not a positive number"));
                    }
                }
            }
        }
        for (i, b) in benchmarks.iter().enumerate() {
            if !(0.0..1.0).contains(&b.chance) {
                problems.push(format!(
                    "{}:{}: chance: {} is outside [0, 1)",
                    benchmarks_file,
                    i + 2,
                    b.chance
                ));
            }
        }
        let model_ids: HashSet<&str> = models.iter().map(|m| m.id.as_str()).collect();
        let bench_ids: HashSet<&str> = benchmarks.iter().map(|b| b.id.as_str()).collect();
        let mut pairs = HashSet::new();
        for (i, s) in scores.iter().enumerate() {
            let at = format!("{}:{}", scores_file, i + 2);
            if !model_ids.contains(s.model_id.as_str()) {
                problems.push(format!(
                    "{at}: model_id: {:?} is not in models.csv",
                    s.model_id
                ));
            }
            if !bench_ids.contains(s.benchmark_id.as_str()) {
                problems.push(format!(
                    "{at}: benchmark_id: {:?} is not in benchmarks.csv",
                    s.benchmark_id
                ));
            }
            if !(0.0..=1.0).contains(&s.score) {
                problems.push(format!("{at}: score: {} is outside [0, 1]", s.score));
            }
            if !pairs.insert((s.model_id.as_str(), s.benchmark_id.as_str())) {
                problems.push(format!(
                    "{at}: model_id, benchmark_id: a second score for {} on {}",
                    s.model_id, s.benchmark_id
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid { problems });
        }
        Ok(Registry {
            models,
            benchmarks,
            scores,
            origin,
        })
    }

    pub fn model(&self, id: &str) -> Result<&Model, Error> {
        self.models
            .iter()
            .find(|m| m.id == id)
            .ok_or_else(|| Error::UnknownModel {
                id: id.to_string(),
                suggestion: self
                    .models
                    .iter()
                    .find(|m| {
                        m.id.contains(id)
                            || id.contains(m.id.as_str())
                            || m.name.eq_ignore_ascii_case(id)
                    })
                    .map(|m| m.id.clone()),
            })
    }

    /// Scores grouped by model id.
    pub fn scores_by_model(&self) -> BTreeMap<&str, Vec<&Score>> {
        let mut map: BTreeMap<&str, Vec<&Score>> = BTreeMap::new();
        for s in &self.scores {
            map.entry(s.model_id.as_str()).or_default().push(s);
        }
        map
    }
}

/// Reads one CSV into rows of `T`, collecting every problem of the file: unknown or missing
/// columns, and any field that does not parse.
fn parse_file<T: for<'de> Deserialize<'de>>(
    name: &str,
    text: &str,
    columns: &[&str],
) -> Result<Vec<T>, Error> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = crate::table::header(name, &mut reader, columns)
        .map_err(|problems| Error::Invalid { problems })?;
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{name}:{line}: row: {e}"));
                continue;
            }
        };
        match record.deserialize::<T>(Some(&header)) {
            Ok(row) => rows.push(row),
            Err(e) => {
                // csv knows the column of most errors; a date that jiff rejects it does not, so
                // such a column is found by trying the date columns.
                let bad_date = || {
                    header
                        .iter()
                        .zip(record.iter())
                        .find(|(h, v)| {
                            h.ends_with("date") && !v.is_empty() && v.parse::<Date>().is_err()
                        })
                        .map(|(h, _)| h.to_string())
                };
                let field = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err
                        .field()
                        .and_then(|f| header.get(f as usize))
                        .map(str::to_string),
                    _ => None,
                }
                .or_else(bad_date)
                .unwrap_or_else(|| "row".into());
                let message = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        let m = err.to_string();
                        // Drop csv's own "field N: " prefix: the column is named already.
                        match m.strip_prefix("field ").and_then(|r| r.split_once(": ")) {
                            Some((_, rest)) => rest.to_string(),
                            None => m,
                        }
                    }
                    other => format!("{other:?}"),
                };
                problems.push(format!("{name}:{line}: {field}: {message}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Invalid { problems })
    }
}

fn duplicates<'a>(
    name: &str,
    ids: impl Iterator<Item = &'a str>,
    field: &str,
    problems: &mut Vec<String>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(first) = seen.insert(id, i + 2) {
            problems.push(format!(
                "{name}:{}: {field}: {id:?} is already on line {first}",
                i + 2
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_registry_is_valid() {
        let r = Registry::embedded().unwrap();
        assert!(r.models.len() > 300);
        assert!(!r.benchmarks.is_empty() && !r.scores.is_empty());
    }
}
