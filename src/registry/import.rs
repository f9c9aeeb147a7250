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
use serde::Deserialize;

use super::{Accessibility, Benchmark, ComputeBasis, Confidence, Error, Model, Score};

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
    },
    BenchmarkFile {
        id: "aider_polyglot",
        file: "aider_polyglot_external.csv",
        eci_name: "Aider polyglot",
        column: "Percent correct",
        scale: 100.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "apex_agents",
        file: "apex_agents_external.csv",
        eci_name: "APEX-Agents",
        column: "Pass@1 score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "arc_agi",
        file: "arc_agi_external.csv",
        eci_name: "ARC-AGI",
        column: "Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "arc_agi_2",
        file: "arc_agi_2_external.csv",
        eci_name: "ARC-AGI-2",
        column: "Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "arc_ai2",
        file: "arc_ai2_external.csv",
        eci_name: "ARC AI2",
        column: "Challenge score",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Clark et al. 2018, ARC Challenge)",
    },
    BenchmarkFile {
        id: "balrog",
        file: "balrog_external.csv",
        eci_name: "Balrog",
        column: "Average progress",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "bbh",
        file: "bbh_external.csv",
        eci_name: "BBH",
        column: "Average",
        scale: 1.0,
        chance: 0.0,
        chance_source: "mixed formats across 23 tasks: treated as open-ended",
    },
    BenchmarkFile {
        id: "cad_eval",
        file: "cad_eval_external.csv",
        eci_name: "CadEval",
        column: "Overall pass (%)",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "chess_puzzles",
        file: "chess_puzzles.csv",
        eci_name: "Chess Puzzles",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "common_sense_qa_2",
        file: "common_sense_qa_2_external.csv",
        eci_name: "CSQA2",
        column: "Score",
        scale: 1.0,
        chance: 0.5,
        chance_source: "yes/no answers (Talmor et al. 2021, CommonsenseQA 2.0)",
    },
    BenchmarkFile {
        id: "cybench",
        file: "cybench_external.csv",
        eci_name: "Cybench",
        column: "Unguided % Solved",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "deepresearchbench",
        file: "deepresearchbench_external.csv",
        eci_name: "DeepResearch Bench",
        column: "Average score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "frontiermath",
        file: "frontiermath.csv",
        eci_name: "FrontierMath-2025-02-28-Private",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "frontiermath_tier_4",
        file: "frontiermath_tier_4.csv",
        eci_name: "FrontierMath-Tier-4-2025-07-01-Private",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "gpqa_diamond",
        file: "gpqa_diamond.csv",
        eci_name: "GPQA diamond",
        column: "mean_score",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Rein et al. 2023, GPQA)",
    },
    BenchmarkFile {
        id: "gsm8k",
        file: "gsm8k_external.csv",
        eci_name: "GSM8K",
        column: "EM",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "gso",
        file: "gso_external.csv",
        eci_name: "GSO-Bench",
        column: "Score OPT@1",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "hella_swag",
        file: "hella_swag_external.csv",
        eci_name: "HellaSwag",
        column: "Overall accuracy",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 endings (Zellers et al. 2019, HellaSwag)",
    },
    BenchmarkFile {
        id: "hle",
        file: "hle_external.csv",
        eci_name: "HLE",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.0,
        chance_source: "mostly exact-match answers: treated as open-ended",
    },
    BenchmarkFile {
        id: "lambada",
        file: "lambada_external.csv",
        eci_name: "LAMBADA",
        column: "Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "math_level_5",
        file: "math_level_5.csv",
        eci_name: "MATH level 5",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "mmlu",
        file: "mmlu_external.csv",
        eci_name: "MMLU",
        column: "EM",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Hendrycks et al. 2021, MMLU)",
    },
    BenchmarkFile {
        id: "open_book_qa",
        file: "open_book_qa_external.csv",
        eci_name: "OpenBookQA",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Mihaylov et al. 2018, OpenBookQA)",
    },
    BenchmarkFile {
        id: "os_world",
        file: "os_world_external.csv",
        eci_name: "OSWorld",
        column: "Score",
        scale: 100.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "otis_mock_aime_2024_2025",
        file: "otis_mock_aime_2024_2025.csv",
        eci_name: "OTIS Mock AIME 2024-2025",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: "integer answers 0–999: no practical guessing floor",
    },
    BenchmarkFile {
        id: "piqa",
        file: "piqa_external.csv",
        eci_name: "PIQA",
        column: "Score",
        scale: 1.0,
        chance: 0.5,
        chance_source: "2 solutions (Bisk et al. 2020, PIQA)",
    },
    BenchmarkFile {
        id: "posttrainbench",
        file: "posttrainbench_external.csv",
        eci_name: "PostTrainBench",
        column: "Average (%)",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "science_qa",
        file: "science_qa_external.csv",
        eci_name: "ScienceQA",
        column: "Score",
        scale: 1.0,
        chance: 0.3983,
        chance_source: "random-chance baseline 39.83% (Lu et al. 2022, ScienceQA, Table 3)",
    },
    BenchmarkFile {
        id: "simplebench",
        file: "simplebench_external.csv",
        eci_name: "SimpleBench",
        column: "Score (AVG@5)",
        scale: 1.0,
        chance: 1.0 / 6.0,
        chance_source: "6 options (simple-bench.com)",
    },
    BenchmarkFile {
        id: "simpleqa_verified",
        file: "simpleqa_verified.csv",
        eci_name: "SimpleQA Verified",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "swe_bench_verified",
        file: "swe_bench_verified.csv",
        eci_name: "SWE-Bench verified",
        column: "mean_score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "terminalbench",
        file: "terminalbench_external.csv",
        eci_name: "Terminal Bench",
        column: "Accuracy mean",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "the_agent_company",
        file: "the_agent_company_external.csv",
        eci_name: "The Agent Company",
        column: "% Score",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "trivia_qa",
        file: "trivia_qa_external.csv",
        eci_name: "TriviaQA",
        column: "EM",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "video_mme",
        file: "video_mme_external.csv",
        eci_name: "VideoMME",
        column: "Overall (no subtitles)",
        scale: 1.0,
        chance: 0.25,
        chance_source: "4 options (Fu et al. 2024, Video-MME)",
    },
    BenchmarkFile {
        id: "vpct",
        file: "vpct_external.csv",
        eci_name: "VPCT",
        column: "Correct",
        scale: 1.0,
        chance: 0.0,
        chance_source: "guessing floor not established here: treated as open-ended",
    },
    BenchmarkFile {
        id: "weirdml",
        file: "weirdml_external.csv",
        eci_name: "WeirdML",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.0,
        chance_source: OPEN,
    },
    BenchmarkFile {
        id: "wino_grande",
        file: "wino_grande_external.csv",
        eci_name: "Winogrande",
        column: "Accuracy",
        scale: 1.0,
        chance: 0.5,
        chance_source: "2 options (Sakaguchi et al. 2020, WinoGrande)",
    },
];

/// Reasoning-effort and thinking-budget suffixes that mark variants of one release.
fn base_id(version: &str) -> &str {
    if let Some((base, suffix)) = version.rsplit_once('_') {
        let effort = matches!(
            suffix,
            "high"
                | "medium"
                | "low"
                | "xhigh"
                | "none"
                | "minimal"
                | "max"
                | "thinking"
                | "unknown"
        );
        let budget = suffix.len() > 1
            && suffix.ends_with('K')
            && suffix[..suffix.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit());
        if effort || budget {
            return base;
        }
    }
    version
}

/// The model a version belongs to, whatever its spelling: `openai/gpt-oss-120b_high` and
/// `gpt-oss-120b` are one model. The id kept is the first spelling seen (ECI file first).
fn model_key(version: &str) -> String {
    let base = base_id(version);
    let base = base.rsplit_once('/').map_or(base, |(_, name)| name);
    base.to_ascii_lowercase()
}

/// The id shown for a version: without effort suffix or organisation prefix.
fn display_id(version: &str) -> &str {
    let base = base_id(version);
    base.rsplit_once('/').map_or(base, |(_, name)| name)
}

/// Lower-case letters and digits only: the join key between Epoch's two datasets.
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn number(s: &str) -> Option<f64> {
    let v: f64 = s.trim().replace(',', "").parse().ok()?;
    v.is_finite().then_some(v)
}

/// A count (parameters, tokens, operations): zero or negative upstream means unknown.
fn count(s: &str) -> Option<f64> {
    number(s).filter(|v| *v > 0.0)
}

fn date(s: &str) -> Option<Date> {
    s.trim().get(..10)?.parse().ok()
}

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

type Row = BTreeMap<String, String>;

fn read_rows(path: &Path) -> Result<Vec<Row>, Error> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| Error::Import {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })?;
    let mut rows = Vec::new();
    for r in reader.deserialize::<Row>() {
        rows.push(r.map_err(|e| Error::Import {
            path: path.to_path_buf(),
            problem: e.to_string(),
        })?);
    }
    Ok(rows)
}

fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.get(name).map_or("", |s| s.trim())
}

/// A correction to the upstream data, with its source.
#[derive(Debug, Deserialize)]
struct Override {
    model_id: String,
    field: String,
    value: String,
    source: String,
}

/// What the import produced, and what it left out and why.
pub struct Imported {
    pub models: Vec<Model>,
    pub benchmarks: Vec<Benchmark>,
    pub scores: Vec<Score>,
    pub skipped_scores: usize,
}

/// Everything known about one model while the exports are read.
#[derive(Default)]
struct Draft {
    /// The id written to models.csv.
    id: String,
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
    from_eci: bool,
}

/// Builds the registry from the exports in `epoch` and the corrections in `overrides`.
pub fn import(epoch: &Path, overrides: &Path) -> Result<Imported, Error> {
    let hub = epoch.join("epoch-benchmarking-hub");
    let eci_rows = read_rows(&hub.join("epoch_capabilities_index.csv"))?;
    let notable = read_rows(
        &epoch
            .join("epoch-notable-ai-models")
            .join("notable-ai-models.csv"),
    )?;
    let difficulties = read_rows(
        &hub.join("additional_eci_data")
            .join("eci_benchmark_difficulties_and_slopes.csv"),
    )?;
    let notable_by_key: BTreeMap<String, usize> = notable
        .iter()
        .enumerate()
        .map(|(i, r)| (key(field(r, "Model")), i))
        .collect();

    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    for r in &eci_rows {
        let version = field(r, "Model version");
        if version.is_empty() {
            continue;
        }
        let d = drafts.entry(model_key(version)).or_default();
        fill(&mut d.id, display_id(version));
        d.variants.insert(version.to_string());
        d.from_eci = true;
        let display = field(r, "Display name");
        let display = display.split(" (").next().unwrap_or(display);
        let name = if !field(r, "Model name").is_empty() {
            field(r, "Model name")
        } else {
            display
        };
        if d.name.is_empty() {
            d.name = name.to_string();
        }
        fill(&mut d.organization, field(r, "Organization"));
        d.release_date = d.release_date.or(date(field(r, "Release date")));
        d.accessibility = d
            .accessibility
            .or(accessibility(field(r, "Model accessibility")));
        d.compute = d.compute.or(count(field(r, "Training compute (FLOP)")));
        d.confidence = d.confidence.or(confidence(field(r, "Confidence")));
        // The best ECI among merged variants, as the best score is kept.
        if let Some(e) = number(field(r, "ECI Score")) {
            d.eci = Some(d.eci.map_or(e, |x: f64| x.max(e)));
        }
    }

    let mut benchmarks = Vec::new();
    let mut best: BTreeMap<(String, &str), (f64, String)> = BTreeMap::new();
    let mut skipped_scores = 0;
    for f in FILES {
        let path = hub.join(f.file);
        let rows = read_rows(&path)?;
        if let Some(r) = rows.first() {
            if !r.contains_key(f.column) {
                return Err(Error::Import {
                    path,
                    problem: format!("no column {:?}", f.column),
                });
            }
        }
        let eci = difficulties
            .iter()
            .find(|d| field(d, "benchmark_name") == f.eci_name);
        benchmarks.push(Benchmark {
            id: f.id.to_string(),
            name: f.eci_name.to_string(),
            release_date: eci.and_then(|d| date(field(d, "benchmark_release_date"))),
            chance: f.chance,
            epoch_difficulty: eci.and_then(|d| number(field(d, "edi"))),
            epoch_slope: eci.and_then(|d| number(field(d, "estimated_slope_scaled"))),
            source: format!(
                "Epoch AI Benchmarking Hub ({}); chance: {}",
                f.file, f.chance_source
            ),
        });
        for r in &rows {
            let version = field(r, "Model version");
            let Some(raw) = number(field(r, f.column)) else {
                continue;
            };
            let score = raw / f.scale;
            if version.is_empty() || !(0.0..=1.0).contains(&score) {
                skipped_scores += 1;
                continue;
            }
            let id = model_key(version);
            let d = drafts.entry(id.clone()).or_default();
            fill(&mut d.id, display_id(version));
            d.variants.insert(version.to_string());
            if d.name.is_empty() {
                d.name = field(r, "Name").to_string();
            }
            fill(&mut d.organization, field(r, "Organization"));
            d.release_date = d.release_date.or(date(field(r, "Release date")));
            if d.compute.is_none() {
                d.compute = count(field(r, "Training compute (FLOP)"));
            }
            fill(&mut d.compute_notes, field(r, "Training compute notes"));
            let shots = field(r, "Shots");
            let setting = if shots.is_empty() {
                version.to_string()
            } else {
                format!("{version}, {shots}-shot")
            };
            let slot = best.entry((id, f.id)).or_insert((score, setting.clone()));
            if score > slot.0 {
                *slot = (score, setting);
            }
        }
    }

    // The export's other score files (not fractions correct, so not fitted) still name models:
    // every model with a score anywhere in the exports is in the registry.
    let fitted: BTreeSet<&str> = FILES.iter().map(|f| f.file).collect();
    let mut others: Vec<PathBuf> = std::fs::read_dir(&hub)
        .map_err(|e| Error::Import {
            path: hub.clone(),
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
        for r in read_rows(path)? {
            let version = field(&r, "Model version");
            if version.is_empty() {
                continue;
            }
            let d = drafts.entry(model_key(version)).or_default();
            fill(&mut d.id, display_id(version));
            d.variants.insert(version.to_string());
            if d.name.is_empty() {
                d.name = field(&r, "Name").to_string();
            }
            fill(&mut d.organization, field(&r, "Organization"));
            d.release_date = d.release_date.or(date(field(&r, "Release date")));
            if d.compute.is_none() {
                d.compute = count(field(&r, "Training compute (FLOP)"));
            }
            fill(&mut d.compute_notes, field(&r, "Training compute notes"));
        }
    }

    // One release under several upstream spellings (an API alias, a quantized upload, a
    // provider's id) shares Epoch's model name and release date: merge those, keeping the best
    // score. Different dates stay apart, so no score moves earlier in time.
    let mut groups: BTreeMap<(String, Date), Vec<String>> = BTreeMap::new();
    for (k, d) in &drafts {
        if let (false, Some(date)) = (d.name.is_empty(), d.release_date) {
            groups
                .entry((key(&d.name), date))
                .or_default()
                .push(k.clone());
        }
    }
    // The id kept is the one that spells the model's name (`deepseek-v3.2` for DeepSeek-V3.2,
    // not the API alias `deepseek-reasoner`), else the first in order.
    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    for ((name, _), members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let keep = members
            .iter()
            .find(|k| key(k) == *name)
            .unwrap_or(&members[0])
            .clone();
        for k in members.iter().filter(|k| **k != keep) {
            canonical.insert(k.clone(), keep.clone());
        }
    }
    for (alias, target) in &canonical {
        let d = drafts.remove(alias).expect("aliases are drafts");
        let t = drafts.get_mut(target).expect("targets are drafts");
        t.variants.extend(d.variants);
        t.from_eci |= d.from_eci;
        t.accessibility = t.accessibility.or(d.accessibility);
        t.compute = t.compute.or(d.compute);
        t.confidence = t.confidence.or(d.confidence);
        fill(&mut t.organization, &d.organization);
        fill(&mut t.compute_notes, &d.compute_notes);
        t.eci = match (t.eci, d.eci) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    let mut merged: BTreeMap<(String, &str), (f64, String)> = BTreeMap::new();
    for ((k, bench), (score, setting)) in best {
        let k = canonical.get(&k).cloned().unwrap_or(k);
        match merged.get(&(k.clone(), bench)) {
            Some((s, _)) if *s >= score => {}
            _ => {
                merged.insert((k, bench), (score, setting));
            }
        }
    }
    let best = merged;

    // Join Notable AI Models on the name (or the id), then add open-weight models with a compute
    // figure that have no scores.
    for (id, d) in drafts.iter_mut() {
        let by_name = notable_by_key
            .get(&key(&d.name))
            .or_else(|| notable_by_key.get(&key(id)));
        d.notable = by_name.copied();
    }
    let joined: BTreeSet<usize> = drafts.values().filter_map(|d| d.notable).collect();
    for (i, r) in notable.iter().enumerate() {
        let open =
            accessibility(field(r, "Model accessibility")) == Some(Accessibility::OpenWeights);
        if joined.contains(&i) || !open || count(field(r, "Training compute (FLOP)")).is_none() {
            continue;
        }
        let id = slug(field(r, "Model"));
        if id.is_empty() || drafts.contains_key(&id) {
            continue;
        }
        let d = drafts.entry(id.clone()).or_default();
        d.id = id;
        d.name = field(r, "Model").to_string();
        d.notable = Some(i);
    }

    let mut models = Vec::with_capacity(drafts.len());
    for d in drafts.values() {
        let id = &d.id;
        let n = d.notable.map(|i| &notable[i]);
        let nf = |name: &str| n.map_or("", |r| field(r, name));
        let compute = d.compute.or(count(nf("Training compute (FLOP)")));
        let notes = if d.compute_notes.is_empty() {
            nf("Training compute notes")
        } else {
            &d.compute_notes
        };
        let mut sources = Vec::new();
        if d.from_eci || !d.variants.is_empty() {
            sources.push("Epoch AI Benchmarking Hub".to_string());
        }
        if let Some(r) = n {
            let link = field(r, "Link");
            sources.push(if link.is_empty() {
                "Epoch AI Notable AI Models".to_string()
            } else {
                format!(
                    "Epoch AI Notable AI Models; {}",
                    link.split(',').next().unwrap_or(link).trim()
                )
            });
        }
        let name = if d.name.is_empty() {
            id.clone()
        } else {
            d.name.clone()
        };
        models.push(Model {
            id: id.clone(),
            distilled: key(&name).contains("distill") || key(id).contains("distill"),
            name,
            organization: if d.organization.is_empty() {
                nf("Organization").to_string()
            } else {
                d.organization.clone()
            },
            release_date: d.release_date.or(date(nf("Publication date"))),
            accessibility: d
                .accessibility
                .or(accessibility(nf("Model accessibility")))
                .unwrap_or(Accessibility::Unknown),
            parameters_total: count(nf("Parameters")),
            parameters_active: None,
            training_tokens: count(nf("Training dataset size (gradients)")),
            training_compute_flop: compute,
            compute_basis: compute.map(|_| basis(notes)),
            confidence: if compute.is_some() {
                d.confidence.or(confidence(nf("Confidence")))
            } else {
                None
            },
            base_model: Some(nf("Base model").to_string()).filter(|s| !s.is_empty()),
            finetune_compute_flop: count(nf("Finetune compute (FLOP)")),
            eci_published: d.eci,
            variants: d.variants.iter().cloned().collect::<Vec<_>>().join(";"),
            source: sources.join("; "),
        });
    }

    apply_overrides(overrides, &mut models)?;
    let scores = best
        .into_iter()
        .map(|((key, benchmark_id), (score, setting))| Score {
            model_id: drafts[&key].id.clone(),
            benchmark_id: benchmark_id.to_string(),
            score,
            setting,
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

/// `Llama 2 70B (chat)` → `llama-2-70b-chat`: ids for models known only from Notable AI Models.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn fill(slot: &mut String, value: &str) {
    if slot.is_empty() && !value.is_empty() {
        *slot = value.to_string();
    }
}

/// Applies `overrides.csv`: each row sets one field of one model, with its source appended to
/// the model's sources.
fn apply_overrides(path: &Path, models: &mut [Model]) -> Result<(), Error> {
    if !path.exists() {
        return Ok(());
    }
    let mut reader = csv::Reader::from_path(path).map_err(|e| Error::Import {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })?;
    let mut problems = Vec::new();
    for (i, row) in reader.deserialize::<Override>().enumerate() {
        let at = format!("{}:{}", path.display(), i + 2);
        let o = match row {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("{at}: row: {e}"));
                continue;
            }
        };
        let Some(m) = models.iter_mut().find(|m| m.id == o.model_id) else {
            problems.push(format!(
                "{at}: model_id: {:?} is not in the import",
                o.model_id
            ));
            continue;
        };
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|e| format!("{at}: value: {v:?}: {e}"))
        };
        let result = match o.field.as_str() {
            "parameters_total" => num(&o.value).map(|v| m.parameters_total = Some(v)),
            "parameters_active" => num(&o.value).map(|v| m.parameters_active = Some(v)),
            "training_tokens" => num(&o.value).map(|v| m.training_tokens = Some(v)),
            "training_compute_flop" => num(&o.value).map(|v| m.training_compute_flop = Some(v)),
            "release_date" => o
                .value
                .parse()
                .map(|d| m.release_date = Some(d))
                .map_err(|e| format!("{at}: value: {e}")),
            "accessibility" => match o.value.as_str() {
                "open_weights" => Ok(Accessibility::OpenWeights),
                "closed" => Ok(Accessibility::Closed),
                other => Err(format!(
                    "{at}: value: {other:?} is not open_weights or closed"
                )),
            }
            .map(|a| m.accessibility = a),
            "compute_basis" => match o.value.as_str() {
                "declared" => Ok(ComputeBasis::Declared),
                "6nd" => Ok(ComputeBasis::SixNd),
                "hardware" => Ok(ComputeBasis::Hardware),
                "imputed" => Ok(ComputeBasis::Imputed),
                other => Err(format!("{at}: value: {other:?} is not a compute basis")),
            }
            .map(|b| m.compute_basis = Some(b)),
            "distilled" => o
                .value
                .parse()
                .map(|v| m.distilled = v)
                .map_err(|e| format!("{at}: value: {e}")),
            other => Err(format!("{at}: field: {other:?} cannot be overridden")),
        };
        match result {
            Ok(()) => m.source = format!("{}; {}: {}", m.source, o.field, o.source),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid { problems })
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
    fn effort_and_budget_variants_share_a_base_id() {
        assert_eq!(base_id("o3-2025-04-16_high"), "o3-2025-04-16");
        assert_eq!(
            base_id("claude-3-7-sonnet-20250219_16K"),
            "claude-3-7-sonnet-20250219"
        );
        assert_eq!(base_id("gpt-5_xhigh"), "gpt-5");
        assert_eq!(base_id("Llama-2-7b_chat"), "Llama-2-7b_chat");
        assert_eq!(base_id("model_K"), "model_K");
        assert_eq!(
            model_key("openai/gpt-oss-120b_high"),
            model_key("gpt-oss-120b")
        );
        assert_eq!(display_id("deepseek/deepseek-v3.2"), "deepseek-v3.2");
        assert_eq!(display_id("Llama-4-Scout_high"), "Llama-4-Scout");
    }

    #[test]
    fn names_become_plain_ids() {
        assert_eq!(slug("Llama 2 70B (chat)"), "llama-2-70b-chat");
        assert_eq!(slug("(ensemble): AWD-LSTM × 5"), "ensemble-awd-lstm-5");
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
