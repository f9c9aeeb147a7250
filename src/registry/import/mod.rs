/*!
Rebuilds the registry's CSVs from Epoch AI's exports (`capfloor registry import --epoch DIR`),
laid out as in the shared `data-sources/` folder: `epoch-benchmarking-hub/` (the ECI file and one
CSV per benchmark) and `epoch-notable-ai-models/notable-ai-models.csv`.

Normalising, not copying:
- one row per model: reasoning-effort and budget variants of one release (`o3_high`, `o3_low`,
  `claude-3-7-sonnet_16K` …) are merged, the best score kept and the variant noted;
- accessibility becomes `open_weights` / `closed` / `unknown`;
- scores become fractions correct in [0, 1] (percentages divided by 100), only for the benchmarks
  the Epoch Capabilities Index aggregates whose score is a fraction correct;
- parameters, training tokens, base model and fine-tune compute come from Notable AI Models,
  joined on the model name;
- the basis of each compute figure is read from Epoch's own compute notes;
- `data/overrides.csv` (model, field, value, source) corrects upstream figures, each with its
  source, after everything else.

The output is sorted and written the same way every time: the committed `data/` is exactly what
this produces from the shared exports plus the overrides (a test checks it).

One file per step: `export` reads an export file, `eci` the capabilities index, `benchmarks` the
score files (laid out as `data/eci_benchmarks.csv` says), each into the `draft` of a release;
`variants` merges the drafts of one release, `notable` joins Notable AI Models and builds the
model rows, and `corrections` applies the overrides to them.
*/

mod benchmarks;
mod corrections;
mod draft;
mod eci;
mod export;
mod notable;
mod variants;

use std::path::{Path, PathBuf};

use super::overrides::{self, Override};
use super::{Benchmark, Error, Model, Score};
use benchmarks::BenchmarkFile;
use draft::Drafts;
use export::{read_export, Export, Problems};
use notable::NotableFields;

pub use corrections::INFERRED_OPEN_WEIGHTS;
pub use notable::NO_NOTABLE_ROW;

/// What the import produced, and what it left out and why.
pub struct Imported {
    pub models: Vec<Model>,
    pub benchmarks: Vec<Benchmark>,
    pub scores: Vec<Score>,
    /// Score rows without a model version (Epoch has not identified the model).
    pub skipped_scores: usize,
}

/// Where the corrections come from: a file, or none (`registry import --no-overrides`).
pub enum Corrections<'a> {
    File(&'a Path),
    None,
}

impl Corrections<'_> {
    /// The override rows; a file named but absent is an error.
    fn read(&self) -> Result<Vec<Override>, Error> {
        match self {
            Corrections::File(path) => {
                // Something that is there (a FIFO, a directory) is read or refused, never "absent".
                if !crate::fsio::exists(path)? {
                    return Err(Error::Import {
                        path: path.to_path_buf(),
                        problem:
                            "no such overrides file (give --no-overrides to import without corrections)"
                                .into(),
                    });
                }
                overrides::read(path)
            }
            Corrections::None => Ok(Vec::new()),
        }
    }

    /// The file's name, for messages (`file:line`).
    fn name(&self) -> String {
        match self {
            Corrections::File(p) => p.display().to_string(),
            Corrections::None => String::new(),
        }
    }
}

/// Builds the registry from the exports in `epoch` and the corrections.
pub fn import(epoch: &Path, corrections: Corrections) -> Result<Imported, Error> {
    let overrides = corrections.read()?;
    let overrides_name = corrections.name();
    let at = |o: &Override| format!("{overrides_name}:{}", o.line);
    let exports = Exports::read(epoch)?;
    let table = benchmarks::table()?;
    let read = read_all(&exports, &table, &overrides, &at)?;
    let mut drafts = read.drafts;

    // One draft per release, joined to its Notable AI Models row.
    let merged = variants::merge_variants(&mut drafts, &overrides, &at)?;
    let best = variants::merge_scores(read.scores.best, &merged);
    notable::join_notable(
        &mut drafts,
        &exports.notable,
        &read.notable_fields,
        &overrides,
        &at,
    )?;

    // The model rows, corrected.
    let mut models = notable::build_models(&drafts, &exports.notable, &read.notable_fields);
    corrections::add_models(&overrides, &mut models, &at)?;
    corrections::apply_overrides(&overrides, &mut models, &merged, &at)?;
    corrections::infer_open_weights_dates(&mut models);

    Ok(Imported {
        models,
        benchmarks: read.scores.benchmarks,
        scores: benchmarks::score_rows(&table, best),
        skipped_scores: read.scores.skipped,
    })
}

/// The export files read whole; the benchmark files are read one at a time.
struct Exports {
    /// The `epoch-benchmarking-hub/` folder.
    hub: PathBuf,
    eci: Export,
    notable: Export,
    difficulties: Export,
}

impl Exports {
    fn read(epoch: &Path) -> Result<Exports, Error> {
        let hub = epoch.join("epoch-benchmarking-hub");
        let eci = read_export(&hub.join("epoch_capabilities_index.csv"))?;
        let notable = read_export(
            &epoch
                .join("epoch-notable-ai-models")
                .join("notable-ai-models.csv"),
        )?;
        let difficulties = read_export(
            &hub.join("additional_eci_data")
                .join("eci_benchmark_difficulties_and_slopes.csv"),
        )?;
        Ok(Exports {
            hub,
            eci,
            notable,
            difficulties,
        })
    }
}

/// Everything the exports give before variants are merged.
struct Read {
    drafts: Drafts,
    scores: benchmarks::Scores,
    notable_fields: NotableFields,
}

/// Reads every export into drafts, scores and Notable's figures; every bad value of them is
/// reported at once.
fn read_all(
    exports: &Exports,
    table: &[BenchmarkFile],
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<Read, Error> {
    let mut problems = Problems::default();
    let mut drafts = Drafts::new();
    eci::read_eci(&exports.eci, &mut drafts, &mut problems);
    let excluded = benchmarks::excluded_scores(table, overrides, at)?;
    let scores = benchmarks::read_scores(
        table,
        &exports.hub,
        &exports.difficulties,
        &excluded,
        &mut drafts,
        &mut problems,
    )?;
    benchmarks::read_other_files(table, &exports.hub, &mut drafts, &mut problems)?;
    let notable_fields = NotableFields::read(&exports.notable, &mut problems);
    problems.result()?;
    Ok(Read {
        drafts,
        scores,
        notable_fields,
    })
}

/// Writes the three CSVs into `out` as a set, all or none (see [`crate::fsio::write_files`]).
/// An existing file is replaced only if it starts with capfloor's exact header for it, unless
/// `guard` says `--force`.
pub fn write(
    imported: &Imported,
    out: &Path,
    guard: &crate::fsio::Guard,
) -> Result<Vec<PathBuf>, Error> {
    let files = [
        (
            "models.csv",
            csv_text(&imported.models),
            super::MODEL_COLUMNS,
        ),
        (
            "benchmarks.csv",
            csv_text(&imported.benchmarks),
            super::BENCHMARK_COLUMNS,
        ),
        (
            "scores.csv",
            csv_text(&imported.scores),
            super::SCORE_COLUMNS,
        ),
    ];
    let headers: Vec<String> = files
        .iter()
        .map(|f| format!("{}\n", f.2.join(",")))
        .collect();
    let recognisers: Vec<_> = headers
        .iter()
        .map(|h| move |head: &[u8]| head.starts_with(h.as_bytes()))
        .collect();
    let planned: Vec<crate::fsio::Planned> = files
        .iter()
        .zip(&recognisers)
        .map(|((name, text, _), ours)| crate::fsio::Planned {
            path: out.join(name),
            bytes: text.as_bytes(),
            ours,
        })
        .collect();
    crate::fsio::write_files(&planned, guard)?;
    Ok(planned.into_iter().map(|p| p.path).collect())
}

/// The CSV text of `rows`, as `write` produces it.
pub fn csv_text<T: serde::Serialize>(rows: &[T]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("serialising to memory cannot fail");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory cannot fail"))
        .expect("CSV of strings is UTF-8")
}
