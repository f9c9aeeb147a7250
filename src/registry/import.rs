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
*/

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::overrides::{self, Action, Override};
use super::{names, Accessibility, Benchmark, ComputeBasis, Confidence, Error, Model, Score};

/// A benchmark file of the export: which column holds the score and on what scale, and the
/// benchmark's chance level with where that comes from.
struct BenchmarkFile {
    id: &'static str,
    file: &'static str,
    /// The name in Epoch's ECI difficulty table.
    eci_name: &'static str,
    column: &'static str,
    /// Divide by this to get a fraction (100 for percentages).
    scale: f64,
    chance: f64,
    chance_source: &'static str,
    /// The column saying when the score was evaluated (Epoch's own runs: `Started at`) or added
    /// to its leaderboard; `None` where the export gives no date.
    evaluated: Option<&'static str>,
}

const OPEN: &str = "open-ended answers: no guessing floor";

/// The ECI benchmarks whose score is a fraction correct. Left out: Lech Mazur Writing (a 1–10
/// rubric), GeoBench (distance points), Fiction.LiveBench (several context lengths, no single
/// score in the export).
const FILES: &[BenchmarkFile] = &[
    BenchmarkFile {
        id: "adversarial_nli",
        file: "adversarial_nli_external.csv",
        eci_name: "ANLI",
        column: "Score",
        scale: 1.0,
        chance: 1.0 / 3.0,
        chance_source: "3 labels (Nie et al. 2020, ANLI)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "aider_polyglot",
        file: "aider_polyglot_external.csv",
        eci_name: "Aider polyglot",
        column: "Percent correct",
        scale: 100.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Date of evaluation"),
    },
    BenchmarkFile {
        id: "apex_agents",
        file: "apex_agents_external.csv",
        eci_name: "APEX-Agents",
        column: "Pass@1 score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "arc_agi",
        file: "arc_agi_external.csv",
        eci_name: "ARC-AGI",
        column: "Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "arc_agi_2",
        file: "arc_agi_2_external.csv",
        eci_name: "ARC-AGI-2",
        column: "Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "arc_ai2",
        file: "arc_ai2_external.csv",
        eci_name: "ARC AI2",
        column: "Challenge score",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Clark et al. 2018, ARC Challenge)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "balrog",
        file: "balrog_external.csv",
        eci_name: "Balrog",
        column: "Average progress",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Date added"),
    },
    BenchmarkFile {
        id: "bbh",
        file: "bbh_external.csv",
        eci_name: "BBH",
        column: "Average",
        scale: 1.0,
        chance: 0.0,
        chance_source: "mixed formats across 23 tasks: treated as open-ended",
        evaluated: None,
    },
    BenchmarkFile {
        id: "cad_eval",
        file: "cad_eval_external.csv",
        eci_name: "CadEval",
        column: "Overall pass (%)",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "chess_puzzles",
        file: "chess_puzzles.csv",
        eci_name: "Chess Puzzles",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "common_sense_qa_2",
        file: "common_sense_qa_2_external.csv",
        eci_name: "CSQA2",
        column: "Score",
        scale: 1.0,
        chance: 0.5,
        chance_source: "yes/no answers (Talmor et al. 2021, CommonsenseQA 2.0)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "cybench",
        file: "cybench_external.csv",
        eci_name: "Cybench",
        column: "Unguided % Solved",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "deepresearchbench",
        file: "deepresearchbench_external.csv",
        eci_name: "DeepResearch Bench",
        column: "Average score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "frontiermath",
        file: "frontiermath.csv",
        eci_name: "FrontierMath-2025-02-28-Private",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "frontiermath_tier_4",
        file: "frontiermath_tier_4.csv",
        eci_name: "FrontierMath-Tier-4-2025-07-01-Private",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "gpqa_diamond",
        file: "gpqa_diamond.csv",
        eci_name: "GPQA diamond",
        column: "mean_score",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Rein et al. 2023, GPQA)",
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "gsm8k",
        file: "gsm8k_external.csv",
        eci_name: "GSM8K",
        column: "EM",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "gso",
        file: "gso_external.csv",
        eci_name: "GSO-Bench",
        column: "Score OPT@1",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Evaluation date"),
    },
    BenchmarkFile {
        id: "hella_swag",
        file: "hella_swag_external.csv",
        eci_name: "HellaSwag",
        column: "Overall accuracy",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 endings (Zellers et al. 2019, HellaSwag)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "hle",
        file: "hle_external.csv",
        eci_name: "HLE",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.0,
        chance_source: "mostly exact-match answers: treated as open-ended",
        evaluated: None,
    },
    BenchmarkFile {
        id: "lambada",
        file: "lambada_external.csv",
        eci_name: "LAMBADA",
        column: "Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "math_level_5",
        file: "math_level_5.csv",
        eci_name: "MATH level 5",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "mmlu",
        file: "mmlu_external.csv",
        eci_name: "MMLU",
        column: "EM",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Hendrycks et al. 2021, MMLU)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "open_book_qa",
        file: "open_book_qa_external.csv",
        eci_name: "OpenBookQA",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Mihaylov et al. 2018, OpenBookQA)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "os_world",
        file: "os_world_external.csv",
        eci_name: "OSWorld",
        column: "Score",
        scale: 100.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Date added"),
    },
    BenchmarkFile {
        id: "otis_mock_aime_2024_2025",
        file: "otis_mock_aime_2024_2025.csv",
        eci_name: "OTIS Mock AIME 2024-2025",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: "integer answers 0–999: no practical guessing floor",
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "piqa",
        file: "piqa_external.csv",
        eci_name: "PIQA",
        column: "Score",
        scale: 1.0,
        chance: 0.5,
        chance_source: "2 solutions (Bisk et al. 2020, PIQA)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "posttrainbench",
        file: "posttrainbench_external.csv",
        eci_name: "PostTrainBench",
        column: "Average (%)",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "science_qa",
        file: "science_qa_external.csv",
        eci_name: "ScienceQA",
        column: "Score",
        scale: 1.0,
        chance: 0.3983,
        chance_source: "random-chance baseline 39.83% (Lu et al. 2022, ScienceQA, Table 3)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "simplebench",
        file: "simplebench_external.csv",
        eci_name: "SimpleBench",
        column: "Score (AVG@5)",
        scale: 1.0,
        chance: 1.0 / 6.0,
        chance_source: "6 options (simple-bench.com)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "simpleqa_verified",
        file: "simpleqa_verified.csv",
        eci_name: "SimpleQA Verified",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "swe_bench_verified",
        file: "swe_bench_verified.csv",
        eci_name: "SWE-Bench verified",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Started at"),
    },
    BenchmarkFile {
        id: "terminalbench",
        file: "terminalbench_external.csv",
        eci_name: "Terminal Bench",
        column: "Accuracy mean",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Run date"),
    },
    BenchmarkFile {
        id: "the_agent_company",
        file: "the_agent_company_external.csv",
        eci_name: "The Agent Company",
        column: "% Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: Some("Date"),
    },
    BenchmarkFile {
        id: "trivia_qa",
        file: "trivia_qa_external.csv",
        eci_name: "TriviaQA",
        column: "EM",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "video_mme",
        file: "video_mme_external.csv",
        eci_name: "VideoMME",
        column: "Overall (no subtitles)",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Fu et al. 2024, Video-MME)",
        evaluated: None,
    },
    BenchmarkFile {
        id: "vpct",
        file: "vpct_external.csv",
        eci_name: "VPCT",
        column: "Correct",
        scale: 1.0,
        chance: 0.0,
        chance_source: "guessing floor not established here: treated as open-ended",
        evaluated: None,
    },
    BenchmarkFile {
        id: "weirdml",
        file: "weirdml_external.csv",
        eci_name: "WeirdML",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
        evaluated: None,
    },
    BenchmarkFile {
        id: "wino_grande",
        file: "wino_grande_external.csv",
        eci_name: "Winogrande",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.5,
        chance_source: "2 options (Sakaguchi et al. 2020, WinoGrande)",
        evaluated: None,
    },
];

fn accessibility(s: &str) -> Option<Accessibility> {
    let s = s.trim();
    if s.starts_with("Open weights") {
        Some(Accessibility::OpenWeights)
    } else if matches!(s, "API access" | "Hosted access (no API)" | "Unreleased") {
        Some(Accessibility::Closed)
    } else {
        None
    }
}

fn confidence(s: &str) -> Option<Confidence> {
    match s.trim() {
        "Confident" => Some(Confidence::Confident),
        "Likely" => Some(Confidence::Likely),
        "Speculative" => Some(Confidence::Speculative),
        "Unknown" => Some(Confidence::Unknown),
        _ => None,
    }
}

/// Epoch's compute notes say how a figure was obtained.
fn basis(notes: &str) -> ComputeBasis {
    let n = notes.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| n.contains(x));
    if has(&["6nd", "6 * ", "6*", "6 flop", "6 x ", "6 × "]) {
        ComputeBasis::SixNd
    } else if has(&[
        "gpu-hour",
        "gpu hours",
        "tpu",
        "utilization",
        "utilisation",
        "chip-hour",
        "h100",
        "a100",
        "h800",
    ]) {
        ComputeBasis::Hardware
    } else if has(&[
        "reported",
        "report",
        "states",
        "stated",
        "according to",
        "model card",
        "paper",
    ]) {
        ComputeBasis::Declared
    } else {
        ComputeBasis::Imputed
    }
}

/// One row of an export, with the physical line it starts on.
struct Row {
    line: u64,
    fields: BTreeMap<String, String>,
}

/// One export file, read whole.
struct Export {
    path: PathBuf,
    rows: Vec<Row>,
}

fn read_export(path: &Path) -> Result<Export, Error> {
    let fail = |problem: String| Error::Import {
        path: path.to_path_buf(),
        problem,
    };
    let text = crate::fsio::read(path, &crate::fsio::EXPORT)?;
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let header = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| crate::table::physical_line(&text, p));
                return Err(fail(format!("line {line}: {e}")));
            }
        }
        let fields = header
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        rows.push(Row {
            line: record
                .position()
                .map_or(0, |p| crate::table::physical_line(&text, p)),
            fields,
        });
    }
    Ok(Export {
        path: path.to_path_buf(),
        rows,
    })
}

fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.fields.get(name).map_or("", |s| s.trim())
}

/// Every bad value of the exports, as `file:line: field: problem`: the import stops on any.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, path: &Path, row: &Row, column: &str, problem: impl std::fmt::Display) {
        self.0.push(format!(
            "{}:{}: {column}: {problem}",
            path.display(),
            row.line
        ));
    }

    /// A finite number, or `None` when blank.
    fn number(&mut self, path: &Path, row: &Row, column: &str) -> Option<f64> {
        let s = field(row, column);
        if s.is_empty() {
            return None;
        }
        match s.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            Ok(v) => {
                self.push(path, row, column, format!("{v} is not a finite number"));
                None
            }
            Err(_) => {
                self.push(path, row, column, format!("{s:?} is not a number"));
                None
            }
        }
    }

    /// A count (parameters, tokens, operations): Epoch writes 0 for unknown; negative is wrong.
    fn count(&mut self, path: &Path, row: &Row, column: &str) -> Option<f64> {
        let v = self.number(path, row, column)?;
        if v < 0.0 {
            self.push(path, row, column, format!("{v} is negative"));
        }
        (v > 0.0).then_some(v)
    }

    /// A date (the day of a timestamp), or `None` when blank.
    fn date(&mut self, path: &Path, row: &Row, column: &str) -> Option<Date> {
        let s = field(row, column);
        if s.is_empty() {
            return None;
        }
        match s.get(..10).and_then(|d| d.parse::<Date>().ok()) {
            Some(d) if (1940..=2100).contains(&d.year()) => Some(d),
            Some(d) => {
                self.push(path, row, column, format!("{d} is outside 1940..2100"));
                None
            }
            None => {
                self.push(path, row, column, format!("{s:?} is not a date"));
                None
            }
        }
    }

    fn result(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid { problems: self.0 })
        }
    }
}

/// What the import produced, and what it left out and why.
pub struct Imported {
    pub models: Vec<Model>,
    pub benchmarks: Vec<Benchmark>,
    pub scores: Vec<Score>,
    /// Score rows without a model version (Epoch has not identified the model).
    pub skipped_scores: usize,
}

/// Everything known about one release while the exports are read.
#[derive(Default)]
struct Draft {
    name: String,
    organization: String,
    release_date: Option<Date>,
    accessibility: Option<Accessibility>,
    compute: Option<f64>,
    compute_notes: String,
    confidence: Option<Confidence>,
    eci: Option<f64>,
    variants: BTreeSet<String>,
    notable: Option<usize>,
    from_hub: bool,
}

impl Draft {
    /// Takes in another spelling of the same release.
    fn absorb(&mut self, other: Draft) {
        self.variants.extend(other.variants);
        self.from_hub |= other.from_hub;
        fill(&mut self.name, &other.name);
        fill(&mut self.organization, &other.organization);
        self.release_date = self.release_date.or(other.release_date);
        self.accessibility = self.accessibility.or(other.accessibility);
        self.compute = self.compute.or(other.compute);
        self.confidence = self.confidence.or(other.confidence);
        fill(&mut self.compute_notes, &other.compute_notes);
        self.eci = match (self.eci, other.eci) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// The score kept for one model on one benchmark: the best of its variants.
#[derive(Clone)]
struct Kept {
    score: f64,
    setting: String,
    evaluated: Option<Date>,
}

type Drafts = BTreeMap<String, Draft>;
type Best = BTreeMap<(String, &'static str), Kept>;

/// The draft of a version's release, created on first sight.
fn draft_for<'a>(drafts: &'a mut Drafts, version: &str) -> &'a mut Draft {
    let d = drafts.entry(names::release_key(version)).or_default();
    d.variants.insert(version.to_string());
    d
}

/// Where the corrections come from: a file, or none (`registry import --no-overrides`).
pub enum Corrections<'a> {
    File(&'a Path),
    None,
}

/// Builds the registry from the exports in `epoch` and the corrections.
pub fn import(epoch: &Path, corrections: Corrections) -> Result<Imported, Error> {
    let overrides = match corrections {
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
            overrides::read(path)?
        }
        Corrections::None => Vec::new(),
    };
    let overrides_name = match corrections {
        Corrections::File(p) => p.display().to_string(),
        Corrections::None => String::new(),
    };
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

    let mut problems = Problems::default();
    let mut drafts = Drafts::new();
    read_eci(&eci, &mut drafts, &mut problems);
    let at = |o: &Override| format!("{overrides_name}:{}", o.line);
    let excluded = excluded_scores(&overrides, &at)?;
    let Scores {
        mut benchmarks,
        best,
        skipped: skipped_scores,
        used,
    } = read_scores(&hub, &difficulties, &excluded, &mut drafts, &mut problems)?;
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
    read_other_files(&hub, &mut drafts, &mut problems)?;
    let notable_fields = NotableFields::read(&notable, &mut problems);
    problems.result()?;

    let merged = merge_variants(&mut drafts, &overrides, &at)?;
    let mut kept: Best = BTreeMap::new();
    for ((key, bench), k) in best {
        let key = merged.get(&key).cloned().unwrap_or(key);
        match kept.get(&(key.clone(), bench)) {
            Some(old) if old.score >= k.score => {}
            _ => {
                kept.insert((key, bench), k);
            }
        }
    }
    join_notable(&mut drafts, &notable, &notable_fields, &overrides, &at)?;

    let mut models = build_models(&drafts, &notable, &notable_fields);
    add_models(&overrides, &mut models, &at)?;
    apply_overrides(&overrides, &mut models, &merged, &at)?;
    infer_open_weights_dates(&mut models);
    let scores = kept
        .into_iter()
        .map(|((id, benchmark_id), k)| Score {
            model_id: id,
            benchmark_id: benchmark_id.to_string(),
            score: k.score,
            setting: k.setting,
            evaluated: k.evaluated,
            source: format!(
                "Epoch AI Benchmarking Hub ({})",
                FILES
                    .iter()
                    .find(|f| f.id == benchmark_id)
                    .map_or("", |f| f.file)
            ),
        })
        .collect();
    benchmarks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Imported {
        models,
        benchmarks,
        scores,
        skipped_scores,
    })
}

/// The Epoch Capabilities Index file: names, dates, accessibility, compute and ECI per version.
fn read_eci(eci: &Export, drafts: &mut Drafts, problems: &mut Problems) {
    for r in &eci.rows {
        let version = field(r, "Model version");
        if version.is_empty() {
            continue;
        }
        let display = field(r, "Display name");
        let display = display.split(" (").next().unwrap_or(display);
        let name = if !field(r, "Model name").is_empty() {
            field(r, "Model name")
        } else {
            display
        };
        let release = problems.date(&eci.path, r, "Release date");
        let compute = problems.count(&eci.path, r, "Training compute (FLOP)");
        let score = problems.number(&eci.path, r, "ECI Score");
        let d = draft_for(drafts, version);
        d.from_hub = true;
        fill(&mut d.name, name);
        fill(&mut d.organization, field(r, "Organization"));
        d.release_date = d.release_date.or(release);
        d.accessibility = d
            .accessibility
            .or(accessibility(field(r, "Model accessibility")));
        d.compute = d.compute.or(compute);
        d.confidence = d.confidence.or(confidence(field(r, "Confidence")));
        // The best ECI among merged variants, as the best score is kept.
        if let Some(e) = score {
            d.eci = Some(d.eci.map_or(e, |x: f64| x.max(e)));
        }
    }
}

/// `5`, `5-shot`, `few` → `5-shot`, `5-shot`, `few-shot`.
fn shots(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_suffix("-shot").unwrap_or(s).trim();
    (!s.is_empty()).then(|| format!("{s}-shot"))
}

/// The `exclude_score` rows: (release, benchmark) → where the row is, for messages.
type Excluded = BTreeMap<(String, String), String>;

fn excluded_scores(
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<Excluded, Error> {
    let mut excluded = Excluded::new();
    let mut problems = Vec::new();
    for o in overrides {
        if let Action::ExcludeScore(bench) = &o.action {
            if !FILES.iter().any(|f| f.id == bench) {
                problems.push(format!(
                    "{}: value: {bench:?} is not a benchmark of the registry{}",
                    at(o),
                    hint(names::suggest(bench, FILES.iter().map(|f| f.id)))
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

/// What the fitted benchmark files give: the benchmarks, the best score per model and
/// benchmark, how many rows had no model version, and which exclusions matched a row.
struct Scores {
    benchmarks: Vec<Benchmark>,
    best: Best,
    skipped: usize,
    used: BTreeSet<(String, String)>,
}

/// Reads the fitted benchmark files.
fn read_scores(
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
    for f in FILES {
        let export = read_export(&hub.join(f.file))?;
        let path = &export.path;
        for column in std::iter::once(f.column).chain(f.evaluated) {
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
            id: f.id.to_string(),
            name: f.eci_name.to_string(),
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
            let Some(raw) = problems.number(path, r, f.column) else {
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
                    f.column,
                    format!("{raw} is outside [0, {}]", f.scale),
                );
                continue;
            }
            let evaluated = f.evaluated.and_then(|c| problems.date(path, r, c));
            let release = problems.date(path, r, "Release date");
            let compute = problems.count(path, r, "Training compute (FLOP)");
            let key = names::release_key(version);
            let d = draft_for(drafts, version);
            d.from_hub = true;
            fill(&mut d.name, field(r, "Name"));
            fill(&mut d.organization, field(r, "Organization"));
            d.release_date = d.release_date.or(release);
            d.compute = d.compute.or(compute);
            fill(&mut d.compute_notes, field(r, "Training compute notes"));
            let pair = (key.clone(), f.id.to_string());
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
            match best.get(&(key.clone(), f.id)) {
                Some(old) if old.score >= score => {}
                _ => {
                    best.insert((key, f.id), candidate);
                }
            }
        }
    }
    Ok(Scores {
        benchmarks,
        best,
        skipped,
        used,
    })
}

/// The export's other score files (not fractions correct, so not fitted) still name models:
/// every model with a score anywhere in the exports is in the registry.
fn read_other_files(hub: &Path, drafts: &mut Drafts, problems: &mut Problems) -> Result<(), Error> {
    let fitted: BTreeSet<&str> = FILES.iter().map(|f| f.file).collect();
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
    }
    Ok(())
}

/// Merges the drafts that are one release: first the sourced `variant_of` decisions of the
/// overrides, then spellings whose words agree once channel words and date stamps are dropped
/// and that share a release date (`grok-3-beta` and `grok-3`). Returns alias → kept id.
fn merge_variants(
    drafts: &mut Drafts,
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<BTreeMap<String, String>, Error> {
    let mut into: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for o in overrides {
        let Action::VariantOf(target) = &o.action else {
            continue;
        };
        for id in [&o.model_id, target] {
            if !drafts.contains_key(id) && !into.contains_key(id) {
                problems.push(format!(
                    "{}: {}: {id:?} is not a release of the exports{}",
                    at(o),
                    if id == target { "value" } else { "model_id" },
                    hint(names::suggest(id, drafts.keys().map(String::as_str)))
                ));
            }
        }
        if o.model_id == *target {
            problems.push(format!(
                "{}: value: a release cannot be a variant of itself",
                at(o)
            ));
        }
        into.insert(o.model_id.clone(), target.clone());
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    // Follow chains (a → b → c) to the release kept; a cycle is an error.
    let resolve = |start: &str| -> Option<String> {
        let mut id = start.to_string();
        for _ in 0..=into.len() {
            match into.get(&id) {
                Some(next) => id = next.clone(),
                None => return Some(id),
            }
        }
        None
    };
    let mut merged = BTreeMap::new();
    for alias in into.keys() {
        let target = resolve(alias).ok_or_else(|| Error::Invalid {
            problems: vec![format!("overrides: variant_of: {alias} is part of a cycle")],
        })?;
        merged.insert(alias.clone(), target);
    }
    for (alias, target) in &merged {
        if let Some(d) = drafts.remove(alias) {
            drafts
                .get_mut(target)
                .expect("targets are drafts")
                .absorb(d);
        }
    }

    let mut groups: BTreeMap<(Vec<String>, Date, String), Vec<String>> = BTreeMap::new();
    for (id, d) in drafts.iter() {
        if let Some(date) = d.release_date {
            let mut core: Vec<String> = names::alias_core(id)
                .iter()
                .map(|w| w.to_string())
                .collect();
            core.sort_unstable();
            core.dedup();
            let org = d.organization.to_ascii_lowercase();
            groups
                .entry((core, date, org))
                .or_default()
                .push(id.clone());
        }
    }
    for members in groups.into_values().filter(|m| m.len() > 1) {
        // Keep the spelling of the model's own name, else the plainest (fewest words).
        let keep = members
            .iter()
            .min_by_key(|id| {
                let d = &drafts[*id];
                (
                    names::slug(&d.name) != **id,
                    id.split('-').count(),
                    id.len(),
                    (*id).clone(),
                )
            })
            .expect("a group has members")
            .clone();
        for alias in members.iter().filter(|id| **id != keep) {
            let d = drafts.remove(alias).expect("members are drafts");
            drafts.get_mut(&keep).expect("kept is a draft").absorb(d);
            merged.insert(alias.clone(), keep.clone());
        }
    }
    // Aliases of aliases point at the release finally kept.
    let finals: BTreeMap<String, String> = merged
        .keys()
        .map(|a| {
            let mut t = merged[a].clone();
            while let Some(next) = merged.get(&t) {
                t = next.clone();
            }
            (a.clone(), t)
        })
        .collect();
    Ok(finals)
}

fn hint(suggestions: Vec<String>) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", suggestions.join(", "))
    }
}

/// The Notable AI Models figures the registry takes, read (and checked) once per row.
struct NotableFields {
    parameters: Vec<Option<f64>>,
    tokens: Vec<Option<f64>>,
    compute: Vec<Option<f64>>,
    finetune: Vec<Option<f64>>,
    published: Vec<Option<Date>>,
}

impl NotableFields {
    fn read(notable: &Export, problems: &mut Problems) -> NotableFields {
        let p = &notable.path;
        let mut f = NotableFields {
            parameters: Vec::new(),
            tokens: Vec::new(),
            compute: Vec::new(),
            finetune: Vec::new(),
            published: Vec::new(),
        };
        for r in &notable.rows {
            f.parameters.push(problems.count(p, r, "Parameters"));
            f.tokens
                .push(problems.count(p, r, "Training dataset size (gradients)"));
            f.compute
                .push(problems.count(p, r, "Training compute (FLOP)"));
            f.finetune
                .push(problems.count(p, r, "Finetune compute (FLOP)"));
            f.published.push(problems.date(p, r, "Publication date"));
        }
        f
    }
}

/// The words of a spelling, sorted: `Qwen2.5 Instruct (72B)` and `qwen2.5-72b-instruct` agree.
fn word_set(key: &str) -> Vec<&str> {
    let mut w: Vec<&str> = key.split('-').filter(|w| !w.is_empty()).collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// The `notable` value that says no row of Notable AI Models is the model.
pub const NO_NOTABLE_ROW: &str = "none";

/// Joins each release to its Notable AI Models row: by a sourced `notable` override, else by
/// the release's own words, else by Epoch's name for it when that name does not leave out what
/// makes the release distinct: Epoch calls Qwen2.5-VL-72B-Instruct "Qwen2.5-72B", so a marker on
/// one side only keeps them apart (except the base or a tuning, `-instruct`, `-chat`, of the same
/// weights), and so do different sizes; a size one spelling does not give at all ("Llama 4
/// Maverick", `bloom`) does not.
fn join_notable(
    drafts: &mut Drafts,
    notable: &Export,
    nf: &NotableFields,
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<(), Error> {
    let keys: Vec<String> = notable
        .rows
        .iter()
        .map(|r| names::slug(field(r, "Model")))
        .collect();
    let mut by_words: BTreeMap<Vec<&str>, usize> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        by_words.entry(word_set(k)).or_insert(i);
    }
    let mut problems = Vec::new();
    // `Some(row)`, or `None` for `notable = none`: no row of Notable AI Models is this model.
    let mut curated: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for o in overrides {
        let Action::Notable(name) = &o.action else {
            continue;
        };
        if name.eq_ignore_ascii_case(NO_NOTABLE_ROW) {
            curated.insert(&o.model_id, None);
        } else if let Some(i) = notable
            .rows
            .iter()
            .position(|r| field(r, "Model").eq_ignore_ascii_case(name))
        {
            curated.insert(&o.model_id, Some(i));
        } else {
            problems.push(format!(
                "{}: value: {name:?} is not a Model of Notable AI Models{}",
                at(o),
                hint(names::suggest(
                    name,
                    notable.rows.iter().map(|r| field(r, "Model"))
                ))
            ));
        }
        if !drafts.contains_key(&o.model_id) {
            problems.push(format!(
                "{}: model_id: {:?} is not a release of the Benchmarking Hub{}",
                at(o),
                o.model_id,
                hint(names::suggest(
                    &o.model_id,
                    drafts.keys().map(String::as_str)
                ))
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    const TUNINGS: &[&str] = &["instruct", "chat", "it", "base"];
    for (id, d) in drafts.iter_mut() {
        if let Some(&row) = curated.get(id.as_str()) {
            d.notable = row;
            continue;
        }
        if let Some(&i) = by_words.get(&word_set(id)) {
            d.notable = Some(i);
            continue;
        }
        let by_name = names::slug(&d.name);
        if let Some(&i) = by_words.get(&word_set(&by_name)) {
            let mine = names::signature(id);
            let theirs = names::signature(&keys[i]);
            let size = |w: &&str| names::word(w) == names::Word::Size;
            let sizes = |sig: &[&str]| -> Vec<String> {
                sig.iter()
                    .filter(|w| size(w))
                    .map(|w| w.to_string())
                    .collect()
            };
            let (my_sizes, their_sizes) = (sizes(&mine), sizes(&theirs));
            // No marker (VL, Thinking, Coder …) on one side only, beyond a base or tuning of
            // the same weights; sizes equal where both spellings give them.
            let markers_agree = mine
                .iter()
                .chain(theirs.iter())
                .filter(|w| !size(w))
                .all(|w| TUNINGS.contains(w) || (mine.contains(w) && theirs.contains(w)));
            let sizes_agree =
                my_sizes.is_empty() || their_sizes.is_empty() || my_sizes == their_sizes;
            let compatible = markers_agree && sizes_agree;
            if compatible {
                d.notable = Some(i);
            }
        }
    }
    // Open-weight models with a compute figure that have no scores are added from Notable.
    let joined: BTreeSet<usize> = drafts.values().filter_map(|d| d.notable).collect();
    for (i, r) in notable.rows.iter().enumerate() {
        let open =
            accessibility(field(r, "Model accessibility")) == Some(Accessibility::OpenWeights);
        if joined.contains(&i) || !open || nf.compute[i].is_none() {
            continue;
        }
        let id = keys[i].clone();
        if id.is_empty() || drafts.contains_key(&id) {
            continue;
        }
        let d = drafts.entry(id).or_default();
        d.name = field(r, "Model").to_string();
        d.notable = Some(i);
    }
    Ok(())
}

/// The models.csv rows of the drafts (sorted by id), before the overrides.
fn build_models(drafts: &Drafts, notable: &Export, nf: &NotableFields) -> Vec<Model> {
    let mut models = Vec::with_capacity(drafts.len());
    for (id, d) in drafts {
        let n = d.notable.map(|i| &notable.rows[i]);
        let text = |name: &str| n.map_or("", |r| field(r, name));
        let figure = |v: &Vec<Option<f64>>| d.notable.and_then(|i| v[i]);
        let compute = d.compute.or(figure(&nf.compute));
        let notes = if d.compute_notes.is_empty() {
            text("Training compute notes")
        } else {
            &d.compute_notes
        };
        let mut sources = Vec::new();
        if d.from_hub {
            sources.push("Epoch AI Benchmarking Hub".to_string());
        }
        if let Some(r) = n {
            let link = field(r, "Link");
            let row = format!("Epoch AI Notable AI Models ({})", field(r, "Model"));
            sources.push(if link.is_empty() {
                row
            } else {
                format!("{row}; {}", link.split(',').next().unwrap_or(link).trim())
            });
        }
        let name = if d.name.is_empty() {
            id.clone()
        } else {
            d.name.clone()
        };
        models.push(Model {
            id: id.clone(),
            name,
            organization: if d.organization.is_empty() {
                text("Organization").to_string()
            } else {
                d.organization.clone()
            },
            release_date: d.release_date.or(d.notable.and_then(|i| nf.published[i])),
            open_weights_date: None,
            open_weights_source: String::new(),
            accessibility: d
                .accessibility
                .or(accessibility(text("Model accessibility")))
                .unwrap_or(Accessibility::Unknown),
            parameters_total: figure(&nf.parameters),
            parameters_active: None,
            training_tokens: figure(&nf.tokens),
            training_compute_flop: compute,
            compute_basis: compute.map(|_| basis(notes)),
            confidence: if compute.is_some() {
                d.confidence.or(confidence(text("Confidence")))
            } else {
                None
            },
            base_model: Some(text("Base model").to_string()).filter(|s| !s.is_empty()),
            finetune_compute_flop: figure(&nf.finetune),
            recipe: None,
            recipe_source: String::new(),
            eci_published: d.eci,
            variants: d.variants.iter().cloned().collect::<Vec<_>>().join(";"),
            source: sources.join("; "),
        });
    }
    models
}

fn fill(slot: &mut String, value: &str) {
    if slot.is_empty() && !value.is_empty() {
        *slot = value.to_string();
    }
}

/// The models the exports lack, added by `add` rows (sorted in by id).
fn add_models(
    overrides: &[Override],
    models: &mut Vec<Model>,
    at: &dyn Fn(&Override) -> String,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    for o in overrides {
        let Action::Add(name) = &o.action else {
            continue;
        };
        if !names::is_id(&o.model_id) {
            problems.push(format!(
                "{}: model_id: {:?} is not a lower-case kebab-case id (e.g. {:?})",
                at(o),
                o.model_id,
                names::slug(&o.model_id)
            ));
            continue;
        }
        if models.iter().any(|m| m.id == o.model_id) {
            problems.push(format!(
                "{}: model_id: {:?} is in the exports already: set its fields instead",
                at(o),
                o.model_id
            ));
            continue;
        }
        models.push(Model {
            id: o.model_id.clone(),
            name: name.clone(),
            organization: String::new(),
            release_date: None,
            open_weights_date: None,
            open_weights_source: String::new(),
            accessibility: Accessibility::Unknown,
            parameters_total: None,
            parameters_active: None,
            training_tokens: None,
            training_compute_flop: None,
            compute_basis: None,
            confidence: None,
            base_model: None,
            finetune_compute_flop: None,
            recipe: None,
            recipe_source: String::new(),
            eci_published: None,
            variants: String::new(),
            source: format!("not in the exports; added: {}", o.source),
        });
    }
    models.sort_by(|a, b| a.id.cmp(&b.id));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid { problems })
    }
}

/// Applies the field overrides: each sets one field of one model; its source goes to the
/// field's own source column (`open_weights_source`, `recipe_source`) or is appended to the
/// model's `source` as `field: source`.
fn apply_overrides(
    overrides: &[Override],
    models: &mut [Model],
    merged: &BTreeMap<String, String>,
    at: &dyn Fn(&Override) -> String,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    for o in overrides {
        if matches!(
            o.action,
            Action::VariantOf(_) | Action::Notable(_) | Action::ExcludeScore(_)
        ) {
            continue;
        }
        let Some(m) = models.iter_mut().find(|m| m.id == o.model_id) else {
            let why = match merged.get(&o.model_id) {
                Some(target) => format!(" (it is a variant of {target}: correct that row)"),
                None => hint(names::suggest(
                    &o.model_id,
                    models.iter().map(|m| m.id.as_str()),
                )),
            };
            problems.push(format!(
                "{}: model_id: {:?} is not in the import{why}",
                at(o),
                o.model_id
            ));
            continue;
        };
        let mut own_source = None;
        match &o.action {
            Action::ParametersTotal(v) => m.parameters_total = Some(*v),
            Action::ParametersActive(v) => m.parameters_active = Some(*v),
            Action::TrainingTokens(v) => m.training_tokens = Some(*v),
            Action::TrainingCompute(v) => m.training_compute_flop = Some(*v),
            Action::FinetuneCompute(v) => m.finetune_compute_flop = Some(*v),
            Action::ReleaseDate(d) => m.release_date = Some(*d),
            Action::OpenWeightsDate(d) => {
                m.open_weights_date = Some(*d);
                own_source = Some(&mut m.open_weights_source);
            }
            Action::Accessibility(a) => m.accessibility = *a,
            Action::ComputeBasis(b) => m.compute_basis = Some(*b),
            Action::Confidence(c) => m.confidence = Some(*c),
            Action::Recipe(r) => {
                m.recipe = Some(*r);
                own_source = Some(&mut m.recipe_source);
            }
            Action::Name(n) => m.name = n.clone(),
            Action::Organization(n) => m.organization = n.clone(),
            Action::BaseModel(b) => m.base_model = Some(b.clone()),
            // Read by `registry audit`; rows added before.
            Action::Accept(_) | Action::Add(_) => continue,
            Action::VariantOf(_) | Action::Notable(_) | Action::ExcludeScore(_) => {
                unreachable!("applied before the models are built")
            }
        }
        match own_source {
            Some(slot) => *slot = o.source.clone(),
            None => m.source = format!("{}; {}: {}", m.source, o.field, o.source),
        }
    }
    for m in models.iter() {
        if m.open_weights_date.is_some() && m.accessibility != Accessibility::OpenWeights {
            problems.push(format!(
                "overrides: open_weights_date: {} is {}, not open_weights: a closed model has no open-weights date",
                m.id, m.accessibility
            ));
        }
    }
    if let Some(m) = models.iter().find(|m| {
        m.parameters_active
            .zip(m.parameters_total)
            .is_some_and(|(a, t)| a > t)
    }) {
        problems.push(format!(
            "overrides: parameters_active: {} has more active parameters than total",
            m.id
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid { problems })
    }
}

/// How an open-weights date is filled in when no source gives it: the announcement date.
pub const INFERRED_OPEN_WEIGHTS: &str =
    "inferred: the announcement (release_date), not checked against the weights' publication";

/// Every open model without a sourced open-weights date gets its announcement date, marked as
/// inferred (`registry audit` lists the ones that matter for the floor).
fn infer_open_weights_dates(models: &mut [Model]) {
    for m in models {
        if m.accessibility == Accessibility::OpenWeights && m.open_weights_date.is_none() {
            if let Some(d) = m.release_date {
                m.open_weights_date = Some(d);
                m.open_weights_source = INFERRED_OPEN_WEIGHTS.to_string();
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shots_are_named_once() {
        assert_eq!(shots("25-shot").as_deref(), Some("25-shot"));
        assert_eq!(shots("5").as_deref(), Some("5-shot"));
        assert_eq!(shots("0\n").as_deref(), Some("0-shot"));
        assert_eq!(shots("few").as_deref(), Some("few-shot"));
        assert_eq!(shots(" "), None);
    }

    #[test]
    fn compute_notes_give_the_basis() {
        assert_eq!(basis("6ND = 6 * 405B * 15.6T"), ComputeBasis::SixNd);
        assert_eq!(
            basis("Trained on 2048 H800 GPUs for 2.8M GPU hours"),
            ComputeBasis::Hardware
        );
        assert_eq!(
            basis("Reported in the technical report"),
            ComputeBasis::Declared
        );
        assert_eq!(
            basis("Estimated from benchmark performance"),
            ComputeBasis::Imputed
        );
    }

    #[test]
    fn accessibility_is_normalised() {
        assert_eq!(
            accessibility("Open weights (non-commercial)"),
            Some(Accessibility::OpenWeights)
        );
        assert_eq!(accessibility("API access"), Some(Accessibility::Closed));
        assert_eq!(accessibility(""), None);
    }
}
