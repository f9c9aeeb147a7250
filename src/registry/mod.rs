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

pub mod audit;
pub mod import;
pub mod names;
pub mod overrides;
pub mod primary;

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

/// What kind of training recipe produced a model, as its developer's paper or card describes it.
/// The efficiency frontier reads it: a distilled model's compute understates what its capability
/// cost (a larger teacher was trained first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipeKind {
    /// Pre-trained from scratch on a general corpus (with ordinary post-training).
    Standard,
    /// Trained on a larger model's logits or outputs (logit or sequence distillation,
    /// co-distillation): Gemma 2 2B/9B, Llama 3.2 1B/3B, DeepSeek-R1-Distill, Llama 4.
    Distilled,
    /// Trained mostly on synthetic data written by other models (Phi).
    Synthetic,
    /// Trained only or mostly on code, or continued on code (StarCoder, DeepSeek-Coder, Qwen-Coder).
    Code,
}

impl RecipeKind {
    pub const ALL: [RecipeKind; 4] = [
        RecipeKind::Standard,
        RecipeKind::Distilled,
        RecipeKind::Synthetic,
        RecipeKind::Code,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecipeKind::Standard => "standard",
            RecipeKind::Distilled => "distilled",
            RecipeKind::Synthetic => "synthetic",
            RecipeKind::Code => "code",
        }
    }
}

impl fmt::Display for RecipeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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

/// One release: its upstream spellings and settings (reasoning effort, API aliases, hosting
/// providers, quantized uploads) merged and listed in `variants`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Lower-case kebab-case (see [`names`]); looked up case-insensitively.
    pub id: String,
    pub name: String,
    pub organization: String,
    /// When the model was announced (Epoch's release date, unless overridden).
    pub release_date: Option<Date>,
    /// When the weights were published (blank for closed models): what "published by T" means
    /// for an open model.
    pub open_weights_date: Option<Date>,
    /// Where `open_weights_date` comes from; an inferred date says how it was inferred.
    pub open_weights_source: String,
    pub accessibility: Accessibility,
    pub parameters_total: Option<f64>,
    pub parameters_active: Option<f64>,
    pub training_tokens: Option<f64>,
    pub training_compute_flop: Option<f64>,
    pub compute_basis: Option<ComputeBasis>,
    pub confidence: Option<Confidence>,
    pub base_model: Option<String>,
    pub finetune_compute_flop: Option<f64>,
    /// The kind of training recipe, from the developer's paper or card (blank: not recorded).
    pub recipe: Option<RecipeKind>,
    /// Where `recipe` comes from.
    pub recipe_source: String,
    /// The Epoch Capabilities Index value Epoch published, if any (for comparison only).
    pub eci_published: Option<f64>,
    /// Upstream versions merged into this row (e.g. `o3_high;o3_medium`).
    pub variants: String,
    pub source: String,
}

impl Model {
    /// When the model became available in the sense that matters for the floor: the weights'
    /// publication for an open model (its announcement when that date is not known), the
    /// announcement otherwise.
    pub fn published(&self) -> Option<Date> {
        match self.accessibility {
            Accessibility::OpenWeights => self.open_weights_date.or(self.release_date),
            _ => self.release_date,
        }
    }

    /// Whether the model was trained mostly on synthetic data written by other models (its
    /// recipe says so).
    pub fn synthetic(&self) -> bool {
        self.recipe == Some(RecipeKind::Synthetic)
    }

    /// Whether the model was distilled from a larger one (its recipe says so).
    pub fn distilled(&self) -> bool {
        self.recipe == Some(RecipeKind::Distilled)
    }
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
    /// When the kept score was evaluated (or added to its leaderboard), where the export says;
    /// blank when it does not (see `data/SOURCES.md`).
    pub evaluated: Option<Date>,
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
    /// An id the registry does not have (ids match case-insensitively).
    #[error("no model {id:?} in the registry{}", did_you_mean(suggestions))]
    UnknownModel {
        id: String,
        suggestions: Vec<String>,
    },
    /// A benchmark id the registry does not have (ids match case-insensitively).
    #[error("no benchmark {id:?} in the registry{}", did_you_mean(suggestions))]
    UnknownBenchmark {
        id: String,
        suggestions: Vec<String>,
    },
    /// An import source laid out unlike Epoch's exports.
    #[error("{}: {problem}", path.display())]
    Import { path: PathBuf, problem: String },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", suggestions.join(", "))
    }
}

const EMBEDDED_MODELS: &str = include_str!("../../data/models.csv");
const EMBEDDED_BENCHMARKS: &str = include_str!("../../data/benchmarks.csv");
const EMBEDDED_SCORES: &str = include_str!("../../data/scores.csv");

pub const MODEL_COLUMNS: &[&str] = &[
    "id",
    "name",
    "organization",
    "release_date",
    "open_weights_date",
    "open_weights_source",
    "accessibility",
    "parameters_total",
    "parameters_active",
    "training_tokens",
    "training_compute_flop",
    "compute_basis",
    "confidence",
    "base_model",
    "finetune_compute_flop",
    "recipe",
    "recipe_source",
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
pub const SCORE_COLUMNS: &[&str] = &[
    "model_id",
    "benchmark_id",
    "score",
    "setting",
    "evaluated",
    "source",
];

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
        let models: Vec<(u64, Model)> = parse_file(models.0, models.1, MODEL_COLUMNS)?;
        let benchmarks: Vec<(u64, Benchmark)> =
            parse_file(benchmarks.0, benchmarks.1, BENCHMARK_COLUMNS)?;
        let scores: Vec<(u64, Score)> = parse_file(scores.0, scores.1, SCORE_COLUMNS)?;
        let mut problems = Vec::new();
        duplicates(
            models_file,
            models.iter().map(|(l, m)| (*l, m.id.as_str())),
            &mut problems,
        );
        duplicates(
            benchmarks_file,
            benchmarks.iter().map(|(l, b)| (*l, b.id.as_str())),
            &mut problems,
        );
        for (line, m) in &models {
            check_model(&format!("{models_file}:{line}"), m, &mut problems);
        }
        for (line, b) in &benchmarks {
            let at = format!("{benchmarks_file}:{line}");
            if !(0.0..1.0).contains(&b.chance) {
                problems.push(format!("{at}: chance: {} is outside [0, 1)", b.chance));
            }
            for (field, v) in [
                ("epoch_difficulty", b.epoch_difficulty),
                ("epoch_slope", b.epoch_slope),
            ] {
                if let Some(x) = v.filter(|x| !x.is_finite()) {
                    problems.push(format!("{at}: {field}: {x} is not a finite number"));
                }
            }
            check_date(&at, "release_date", b.release_date, &mut problems);
        }
        let model_ids: HashSet<&str> = models.iter().map(|(_, m)| m.id.as_str()).collect();
        let bench_ids: HashSet<&str> = benchmarks.iter().map(|(_, b)| b.id.as_str()).collect();
        let mut pairs = HashSet::new();
        for (line, s) in &scores {
            let at = format!("{scores_file}:{line}");
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
            check_date(&at, "evaluated", s.evaluated, &mut problems);
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
            models: models.into_iter().map(|(_, m)| m).collect(),
            benchmarks: benchmarks.into_iter().map(|(_, b)| b).collect(),
            scores: scores.into_iter().map(|(_, s)| s).collect(),
            origin,
        })
    }

    /// SHA-256 of models.csv, benchmarks.csv and scores.csv as capfloor writes them, each part
    /// prefixed by its length: which registry a report rests on, whatever its origin.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            import::csv_text(&self.models),
            import::csv_text(&self.benchmarks),
            import::csv_text(&self.scores),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The latest release date among its models: the data's "as of".
    pub fn latest_release(&self) -> Option<Date> {
        self.models.iter().filter_map(|m| m.release_date).max()
    }

    /// The model with this id, matched case-insensitively; an unknown id gets the nearest ids
    /// and names as suggestions.
    pub fn model(&self, id: &str) -> Result<&Model, Error> {
        let wanted = id.trim();
        self.models
            .iter()
            .find(|m| m.id.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| Error::UnknownModel {
                id: id.to_string(),
                suggestions: self.suggest_models(wanted),
            })
    }

    /// Ids near `query`: by id, and by name (`Kimi K2.5` suggests `kimi-k2.5`).
    pub fn suggest_models(&self, query: &str) -> Vec<String> {
        let by_name: Vec<String> = self
            .models
            .iter()
            .filter(|m| names::slug(&m.name) == names::slug(query))
            .map(|m| m.id.clone())
            .collect();
        let mut out = by_name;
        for s in names::suggest(query, self.models.iter().map(|m| m.id.as_str())) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out.truncate(3);
        out
    }

    /// The benchmark with this id, matched case-insensitively, with suggestions when unknown.
    pub fn benchmark(&self, id: &str) -> Result<&Benchmark, Error> {
        let wanted = id.trim();
        self.benchmarks
            .iter()
            .find(|b| {
                b.id.eq_ignore_ascii_case(wanted) || b.id == names::slug(wanted).replace('-', "_")
            })
            .ok_or_else(|| Error::UnknownBenchmark {
                id: id.to_string(),
                suggestions: names::suggest(wanted, self.benchmarks.iter().map(|b| b.id.as_str())),
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

/// The earliest and latest dates a registry row may carry: anything outside is a typo.
const DATES: (Date, Date) = (Date::constant(1940, 1, 1), Date::constant(2100, 12, 31));

fn check_date(at: &str, field: &str, d: Option<Date>, problems: &mut Vec<String>) {
    if let Some(d) = d.filter(|d| *d < DATES.0 || *d > DATES.1) {
        problems.push(format!(
            "{at}: {field}: {d} is outside {}..{}",
            DATES.0, DATES.1
        ));
    }
}

/// Every check of one models.csv row that does not need the other rows.
fn check_model(at: &str, m: &Model, problems: &mut Vec<String>) {
    if !names::is_id(&m.id) {
        problems.push(format!(
            "{at}: id: {:?} is not a lower-case kebab-case id (e.g. {:?})",
            m.id,
            names::slug(&m.id)
        ));
    }
    for (field, v, max) in [
        (
            "parameters_total",
            m.parameters_total,
            overrides::MAX_PARAMETERS,
        ),
        (
            "parameters_active",
            m.parameters_active,
            overrides::MAX_PARAMETERS,
        ),
        ("training_tokens", m.training_tokens, overrides::MAX_TOKENS),
        (
            "training_compute_flop",
            m.training_compute_flop,
            overrides::MAX_FLOP,
        ),
        (
            "finetune_compute_flop",
            m.finetune_compute_flop,
            overrides::MAX_FLOP,
        ),
    ] {
        if let Some(x) = v {
            if !(x.is_finite() && x > 0.0) {
                problems.push(format!("{at}: {field}: {x} is not a positive number"));
            } else if x > max {
                problems.push(format!(
                    "{at}: {field}: {x:e} is more than {max:e}, past any model"
                ));
            }
        }
    }
    if let Some(x) = m.eci_published.filter(|x| !x.is_finite()) {
        problems.push(format!("{at}: eci_published: {x} is not a finite number"));
    }
    if let (Some(a), Some(t)) = (m.parameters_active, m.parameters_total) {
        if a > t {
            problems.push(format!(
                "{at}: parameters_active: {a} is more than parameters_total {t}"
            ));
        }
    }
    check_date(at, "release_date", m.release_date, problems);
    check_date(at, "open_weights_date", m.open_weights_date, problems);
    if m.open_weights_date.is_some() {
        if m.accessibility != Accessibility::OpenWeights {
            problems.push(format!(
                "{at}: open_weights_date: set for a model that is {}, not open_weights",
                m.accessibility
            ));
        }
        if m.open_weights_source.trim().is_empty() {
            problems.push(format!(
                "{at}: open_weights_source: missing (every open-weights date has a source)"
            ));
        }
    }
    if m.training_compute_flop.is_some() && m.compute_basis.is_none() {
        problems.push(format!(
            "{at}: compute_basis: missing (a compute figure says how it was obtained)"
        ));
    }
    if m.recipe.is_some() && m.recipe_source.trim().is_empty() {
        problems.push(format!(
            "{at}: recipe_source: missing (every recipe has a source)"
        ));
    }
}

/// Reads one CSV into rows of `T`, each with its physical line (correct after quoted newlines
/// and blank lines), collecting every problem of the file: unknown
/// or missing columns, and any field that does not parse.
fn parse_file<T: for<'de> Deserialize<'de>>(
    name: &str,
    text: &str,
    columns: &[&str],
) -> Result<Vec<(u64, T)>, Error> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = crate::table::header(name, &mut reader, columns)
        .map_err(|problems| Error::Invalid { problems })?;
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let line_of = |p: &csv::Position| crate::table::physical_line(text.as_bytes(), p);
    loop {
        let before = line_of(reader.position());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(before, line_of);
                problems.push(format!("{name}:{line}: row: {}", csv_problem(&e)));
                continue;
            }
        }
        let line = record.position().map_or(before, line_of);
        match record.deserialize::<T>(Some(&header)) {
            Ok(row) => rows.push((line, row)),
            Err(e) => {
                // csv knows the column of most errors; a date that jiff rejects it does not, so
                // such a column is found by trying the date columns.
                let bad_date = || {
                    header
                        .iter()
                        .zip(record.iter())
                        .find(|(h, v)| {
                            (h.ends_with("date") || *h == "evaluated")
                                && !v.is_empty()
                                && v.parse::<Date>().is_err()
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
                problems.push(format!("{name}:{line}: {field}: {}", csv_problem(&e)));
            }
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Invalid { problems })
    }
}

/// A csv error as a user reads it: the problem, without the position (given already) and
/// without csv's own "field N: " prefix (the column is named already).
fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let m = err.to_string();
            match m.strip_prefix("field ").and_then(|r| r.split_once(": ")) {
                Some((_, rest)) => rest.to_string(),
                None => m,
            }
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("not UTF-8 ({err})"),
        _ => e.to_string(),
    }
}

/// Ids that appear twice (compared case-insensitively: ids are case-insensitive everywhere).
fn duplicates<'a>(
    name: &str,
    ids: impl Iterator<Item = (u64, &'a str)>,
    problems: &mut Vec<String>,
) {
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, id) in ids {
        if let Some(first) = seen.insert(id.to_ascii_lowercase(), line) {
            problems.push(format!(
                "{name}:{line}: id: {id:?} is already on line {first}"
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
