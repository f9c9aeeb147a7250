/*!
The benchmark files of the Benchmarking Hub export: which ones are fitted, where their score is
and on what scale, and their chance level, kept as data in `data/eci_benchmarks.csv` (embedded)
so that a benchmark is added by a row with its sources, not by code; reading their scores (the
best per release and benchmark, less the `exclude_score` rows of the overrides); and reading the
export's other score files, which still name models.
*/

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;

use super::super::overrides::{Action, Override};
use super::super::{did_you_mean, names, parse_file, Benchmark, Error, Score};
use super::draft::{draft_for, fill, Drafts};
use super::export::{field, read_export, Export, Problems, Row};

/// The benchmark files read: the ECI benchmarks whose score is a fraction correct
/// (`data/SOURCES.md` says what each column is, and which ECI benchmarks are left out and why).
const TABLE: &str = include_str!("../../../data/eci_benchmarks.csv");
const TABLE_NAME: &str = "data/eci_benchmarks.csv";
const TABLE_COLUMNS: &[&str] = &[
    "id",
    "file",
    "eci_name",
    "score_column",
    "scale",
    "chance",
    "chance_source",
    "evaluated_column",
];

/// A benchmark file of the export: which column holds the score and on what scale, and the
/// benchmark's chance level with where that comes from.
#[derive(Debug, Deserialize)]
pub(super) struct BenchmarkFile {
    id: String,
    file: String,
    /// The name in Epoch's ECI difficulty table.
    eci_name: String,
    #[serde(rename = "score_column")]
    column: String,
    /// Divide by this to get a fraction (100 for percentages).
    scale: f64,
    chance: f64,
    chance_source: String,
    /// The column saying when the score was evaluated (Epoch's own runs: `Started at`) or added
    /// to its leaderboard; `None` where the export gives no date.
    #[serde(rename = "evaluated_column")]
    evaluated: Option<String>,
}

/// The embedded benchmark table, checked: a malformed one is reported as
/// `data/eci_benchmarks.csv:line: column: problem`, every problem at once.
pub(super) fn table() -> Result<Vec<BenchmarkFile>, Error> {
    parse_table(TABLE)
}

fn parse_table(text: &str) -> Result<Vec<BenchmarkFile>, Error> {
    let rows: Vec<(u64, BenchmarkFile)> = parse_file(TABLE_NAME, text, TABLE_COLUMNS)?;
    let mut problems = Vec::new();
    let mut first_line: [BTreeMap<&str, u64>; 2] = Default::default();
    for (line, f) in &rows {
        let at = format!("{TABLE_NAME}:{line}");
        let named = [
            ("id", f.id.as_str()),
            ("file", f.file.as_str()),
            ("eci_name", f.eci_name.as_str()),
            ("score_column", f.column.as_str()),
            ("chance_source", f.chance_source.as_str()),
        ];
        for (column, value) in named
            .into_iter()
            .chain(f.evaluated.as_deref().map(|c| ("evaluated_column", c)))
        {
            if value.trim().is_empty() {
                problems.push(format!("{at}: {column}: missing"));
            }
        }
        for ((column, value), seen) in named.into_iter().zip(&mut first_line) {
            match seen.get(value) {
                Some(first) => problems.push(format!(
                    "{at}: {column}: {value:?} is already on line {first}"
                )),
                None => {
                    seen.insert(value, *line);
                }
            }
        }
        if !(f.scale.is_finite() && f.scale > 0.0) {
            problems.push(format!("{at}: scale: {} is not a positive number", f.scale));
        }
        if !(0.0..1.0).contains(&f.chance) {
            problems.push(format!("{at}: chance: {} is outside [0, 1)", f.chance));
        }
    }
    if problems.is_empty() {
        Ok(rows.into_iter().map(|(_, f)| f).collect())
    } else {
        Err(Error::Invalid { problems })
    }
}

/// The score kept for one model on one benchmark: the best of its variants.
#[derive(Clone)]
pub(super) struct Kept {
    pub(super) score: f64,
    setting: String,
    evaluated: Option<Date>,
}

/// The kept score per (release, benchmark id).
pub(super) type Best = BTreeMap<(String, String), Kept>;

/// `5`, `5-shot`, `few` → `5-shot`, `5-shot`, `few-shot`.
fn shots(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_suffix("-shot").unwrap_or(s).trim();
    (!s.is_empty()).then(|| format!("{s}-shot"))
}

/// The `exclude_score` rows: (release, benchmark) → where the row is, for messages.
pub(super) type Excluded = BTreeMap<(String, String), String>;

/// The `exclude_score` rows of the overrides, each naming a benchmark of the table.
pub(super) fn excluded_scores(
    table: &[BenchmarkFile],
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<Excluded, Error> {
    let mut excluded = Excluded::new();
    let mut problems = Vec::new();
    for o in overrides {
        if let Action::ExcludeScore(bench) = &o.action {
            if !table.iter().any(|f| f.id == *bench) {
                problems.push(format!(
                    "{}: value: {bench:?} is not a benchmark of the registry{}",
                    at(o),
                    did_you_mean(&names::suggest(bench, table.iter().map(|f| f.id.as_str())))
                ));
            }
            excluded.insert((o.model_id.clone(), bench.clone()), at(o));
        }
    }
    if problems.is_empty() {
        Ok(excluded)
    } else {
        Err(Error::Invalid { problems })
    }
}

/// What the fitted benchmark files give: the benchmarks (sorted by id), the best score per
/// model and benchmark, and how many rows had no model version.
pub(super) struct Scores {
    pub(super) benchmarks: Vec<Benchmark>,
    pub(super) best: Best,
    pub(super) skipped: usize,
}

/// Reads the fitted benchmark files. Every exclusion must match a score of the exports.
/// What a benchmark file's row says of its model (name, organisation, release date, compute),
/// filling in what its draft does not have yet.
fn hub_facts(drafts: &mut Drafts, version: &str, path: &Path, r: &Row, problems: &mut Problems) {
    let release = problems.date(path, r, "Release date");
    let compute = problems.count(path, r, "Training compute (FLOP)");
    let d = draft_for(drafts, version);
    d.from_hub = true;
    fill(&mut d.name, field(r, "Name"));
    fill(&mut d.organization, field(r, "Organization"));
    d.release_date = d.release_date.or(release);
    d.compute = d.compute.or(compute);
    fill(&mut d.compute_notes, field(r, "Training compute notes"));
}

pub(super) fn read_scores(
    table: &[BenchmarkFile],
    hub: &Path,
    difficulties: &Export,
    excluded: &Excluded,
    drafts: &mut Drafts,
    problems: &mut Problems,
) -> Result<Scores, Error> {
    let mut benchmarks = Vec::new();
    let mut best = Best::new();
    let mut skipped = 0;
    let mut used = BTreeSet::new();
    for f in table {
        let export = read_export(&hub.join(&f.file))?;
        let path = &export.path;
        for column in std::iter::once(f.column.as_str()).chain(f.evaluated.as_deref()) {
            if let Some(r) = export.rows.first() {
                if !r.fields.contains_key(column) {
                    return Err(Error::Import {
                        path: path.clone(),
                        problem: format!("no column {column:?}"),
                    });
                }
            }
        }
        let eci = difficulties
            .rows
            .iter()
            .find(|d| field(d, "benchmark_name") == f.eci_name);
        benchmarks.push(Benchmark {
            id: f.id.clone(),
            name: f.eci_name.clone(),
            release_date: eci
                .and_then(|d| problems.date(&difficulties.path, d, "benchmark_release_date")),
            chance: f.chance,
            epoch_difficulty: eci.and_then(|d| problems.number(&difficulties.path, d, "edi")),
            epoch_slope: eci
                .and_then(|d| problems.number(&difficulties.path, d, "estimated_slope_scaled")),
            source: format!(
                "Epoch AI Benchmarking Hub ({}); chance: {}",
                f.file, f.chance_source
            ),
        });
        for r in &export.rows {
            let version = field(r, "Model version");
            let Some(raw) = problems.number(path, r, &f.column) else {
                continue;
            };
            if version.is_empty() {
                skipped += 1;
                continue;
            }
            let score = raw / f.scale;
            if !(0.0..=1.0).contains(&score) {
                problems.push(
                    path,
                    r,
                    &f.column,
                    format!("{raw} is outside [0, {}]", f.scale),
                );
                continue;
            }
            let evaluated = f
                .evaluated
                .as_deref()
                .and_then(|c| problems.date(path, r, c));
            let key = names::release_key(version);
            hub_facts(drafts, version, path, r, problems);
            let pair = (key, f.id.clone());
            if excluded.contains_key(&pair) {
                used.insert(pair);
                continue;
            }
            let setting = match shots(field(r, "Shots")) {
                Some(s) => format!("{version}, {s}"),
                None => version.to_string(),
            };
            let candidate = Kept {
                score,
                setting,
                evaluated,
            };
            match best.get(&pair) {
                Some(old) if old.score >= score => {}
                _ => {
                    best.insert(pair, candidate);
                }
            }
        }
    }
    let unused: Vec<String> = excluded
        .iter()
        .filter(|(k, _)| !used.contains(*k))
        .map(|((id, bench), line)| {
            format!("{line}: exclude_score: no score of {id} on {bench} in the exports")
        })
        .collect();
    if !unused.is_empty() {
        return Err(Error::Invalid { problems: unused });
    }
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Scores {
        benchmarks,
        best,
        skipped,
    })
}

/// The export's other score files (not fractions correct, so not fitted) still name models:
/// every model with a score anywhere in the exports is in the registry.
pub(super) fn read_other_files(
    table: &[BenchmarkFile],
    hub: &Path,
    drafts: &mut Drafts,
    problems: &mut Problems,
) -> Result<(), Error> {
    let fitted: BTreeSet<&str> = table.iter().map(|f| f.file.as_str()).collect();
    let mut others: Vec<PathBuf> = std::fs::read_dir(hub)
        .map_err(|e| Error::Import {
            path: hub.to_path_buf(),
            problem: e.to_string(),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.ends_with(".csv")
                && name != "epoch_capabilities_index.csv"
                && !fitted.contains(name.as_str())
        })
        .collect();
    others.sort();
    for path in &others {
        let export = read_export(path)?;
        for r in &export.rows {
            let version = field(r, "Model version");
            if version.is_empty() {
                continue;
            }
            hub_facts(drafts, version, path, r, problems);
        }
    }
    Ok(())
}

/// The scores.csv rows of the kept scores, each naming its export file.
pub(super) fn score_rows(table: &[BenchmarkFile], kept: Best) -> Vec<Score> {
    kept.into_iter()
        .map(|((id, benchmark_id), k)| Score {
            source: format!(
                "Epoch AI Benchmarking Hub ({})",
                table
                    .iter()
                    .find(|f| f.id == benchmark_id)
                    .map_or("", |f| f.file.as_str())
            ),
            model_id: id,
            benchmark_id,
            score: k.score,
            setting: k.setting,
            evaluated: k.evaluated,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_embedded_table_parses_with_unique_ids_and_files() {
        let table = table().unwrap();
        assert!(!table.is_empty());
        let ids: BTreeSet<&str> = table.iter().map(|f| f.id.as_str()).collect();
        let files: BTreeSet<&str> = table.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(ids.len(), table.len(), "ids are unique");
        assert_eq!(files.len(), table.len(), "files are unique");
        for f in &table {
            assert!(
                (0.0..1.0).contains(&f.chance),
                "{}: chance {}",
                f.id,
                f.chance
            );
            assert!(f.scale > 0.0, "{}: scale {}", f.id, f.scale);
            assert!(f.file.ends_with(".csv"), "{}: file {}", f.id, f.file);
        }
        // A blank evaluated_column is no date column, not an empty one.
        let anli = table.iter().find(|f| f.id == "adversarial_nli").unwrap();
        assert_eq!(anli.evaluated, None);
        assert_eq!(anli.chance, 1.0 / 3.0);
        let gpqa = table.iter().find(|f| f.id == "gpqa_diamond").unwrap();
        assert_eq!(gpqa.evaluated.as_deref(), Some("Started at"));
    }

    #[test]
    fn a_malformed_table_is_reported_by_line_and_column() {
        let header = TABLE.lines().next().unwrap();
        let text = format!(
            "{header}\n\
             a,a.csv,A,Score,1,0.25,4 options,\n\
             a,b.csv,B,Score,0,1,4 options,\n\
             c,a.csv,C,Score,x,0,4 options,\n"
        );
        let Err(Error::Invalid { problems }) = parse_table(&text) else {
            panic!("a malformed table parses");
        };
        assert_eq!(
            problems,
            ["data/eci_benchmarks.csv:4: scale: invalid float literal",],
            "a field that does not parse is reported first, alone"
        );
        let text = text.replace(",x,", ",1,");
        let Err(Error::Invalid { problems }) = parse_table(&text) else {
            panic!("a malformed table parses");
        };
        assert_eq!(
            problems,
            [
                "data/eci_benchmarks.csv:3: id: \"a\" is already on line 2",
                "data/eci_benchmarks.csv:3: scale: 0 is not a positive number",
                "data/eci_benchmarks.csv:3: chance: 1 is outside [0, 1)",
                "data/eci_benchmarks.csv:4: file: \"a.csv\" is already on line 2",
            ]
        );
        let Err(Error::Invalid { problems }) = parse_table("id,file\n") else {
            panic!("a table without its columns parses");
        };
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("data/eci_benchmarks.csv:1: ")),
            "{problems:?}"
        );
    }

    #[test]
    fn shots_are_named_once() {
        assert_eq!(shots("25-shot").as_deref(), Some("25-shot"));
        assert_eq!(shots("5").as_deref(), Some("5-shot"));
        assert_eq!(shots("0\n").as_deref(), Some("0-shot"));
        assert_eq!(shots("few").as_deref(), Some("few-shot"));
        assert_eq!(shots(" "), None);
    }
}
