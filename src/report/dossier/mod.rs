/*!
The dossier for a technical-opinion request: everything capfloor concluded about one declared
model, with what it rests on. [`build()`] gathers it into one [`Dossier`]; [`write()`] renders it in
every [`Format`] (one file each: [`Markdown`], [`Html`] with inline SVG charts, [`Json`]), so a new
format is a new file beside them, plus the charts as files.

Reproducible: two runs on the same inputs give byte-identical files (nothing depends on the clock
or on thread scheduling). Atomic: every file is written into a temporary directory beside the
destination, which is renamed into place only when all of them are written. Safe: the directory
carries a marker ([`fsio::MARKER`]) listing its files, and only an empty directory or one that
holds exactly what such a marker lists is replaced without `--force`.
*/

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fingerprint::Fingerprint;
use super::Error;
use crate::assessment::Assessment;
use crate::fsio;
use crate::registry::Registry;
use crate::verdict::Outcome;

mod blocks;
mod build;
mod html;
mod json;
mod markdown;

pub use build::{build, Request};
pub use html::Html;
pub use json::Json;
pub use markdown::Markdown;

/// One assumption varied, and what follows.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub assumption: String,
    pub value: String,
    pub operations_flop: f64,
    pub operations_flop_lo: f64,
    pub operations_flop_hi: f64,
    /// The 4E091 floor under this assumption (`null` where it is not defined).
    pub floor_flop: Option<f64>,
    /// The 4E091 threshold under this assumption.
    pub threshold_4e091_flop: f64,
    pub verdict_4e091: Outcome,
    /// Every regime's verdict under this assumption.
    pub verdicts: Vec<RegimeOutcome>,
}

/// One regime's verdict in a sensitivity row.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeOutcome {
    pub regime: String,
    pub verdict: Outcome,
}

/// What the registry was.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryInfo {
    pub origin: String,
    /// SHA-256 of models.csv, benchmarks.csv and scores.csv as capfloor writes them.
    pub sha256: String,
    pub models: usize,
    pub scores: usize,
    /// The latest release date among its models: the data's "as of".
    pub latest_release: Option<jiff::civil::Date>,
}

/// Everything the dossier says.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub capfloor_version: String,
    pub assessment: Assessment,
    /// A SHA-256 per weight file; empty with `--no-hash`.
    pub fingerprints: Vec<Fingerprint>,
    pub hashed: bool,
    pub sensitivity: Vec<Sensitivity>,
    pub registry: RegistryInfo,
    pub open_questions: Vec<String>,
    /// Inline SVG charts by file name (also written as files).
    #[serde(skip)]
    pub charts: Vec<(String, String)>,
}

/// One output format.
pub trait Format {
    fn file_name(&self) -> &'static str;
    fn render(&self, d: &Dossier) -> String;
}

/// Every format the dossier is written in.
pub const FORMATS: [&dyn Format; 3] = [&Html, &Markdown, &Json];

impl RegistryInfo {
    pub fn of(registry: &Registry) -> RegistryInfo {
        RegistryInfo {
            origin: registry.origin.clone(),
            sha256: registry.sha256(),
            models: registry.models.len(),
            scores: registry.scores.len(),
            latest_release: registry.latest_release(),
        }
    }
}

/// Writes every format and chart as the directory `out`, atomically, replacing only an empty
/// directory or a previous dossier unless `guard` says `--force` (see [`fsio::write_dir`]).
pub fn write(d: &Dossier, out: &Path, guard: &fsio::Guard) -> Result<Vec<PathBuf>, Error> {
    let mut files: Vec<(String, Vec<u8>)> = FORMATS
        .iter()
        .map(|f| (f.file_name().to_string(), f.render(d).into_bytes()))
        .collect();
    for (name, svg) in &d.charts {
        files.push((name.clone(), svg.clone().into_bytes()));
    }
    fsio::write_dir(out, "dossier", &files, guard)?;
    Ok(files.iter().map(|(f, _)| out.join(f)).collect())
}
