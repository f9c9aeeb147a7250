/*!
The dossier for a technical-opinion request: everything capfloor concluded about one declared
model, with what it rests on, in three formats fed the same [`Dossier`] (Markdown, one
self-contained HTML page with inline SVG charts, JSON), plus the charts as files.

Reproducible: two runs on the same inputs give byte-identical files (nothing depends on the clock
or on thread scheduling). Atomic: every file is written into a temporary directory beside the
destination, which is renamed into place only when all of them are written. Safe: the directory
carries a marker ([`fsio::MARKER`]) listing its files, and only an empty directory or one that
holds exactly what such a marker lists is replaced without `--force`.
*/

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::fingerprint::Fingerprint;
use super::Error;
use crate::assessment::Assessment;
use crate::fsio;
use crate::verdict::Outcome;

/// One assumption varied, and what follows.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub assumption: String,
    pub value: String,
    pub operations_flop: f64,
    pub operations_flop_lo: f64,
    pub operations_flop_hi: f64,
    /// The 4E091 threshold under this assumption.
    pub threshold_4e091_flop: f64,
    pub verdict_4e091: Outcome,
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

pub struct Markdown;
pub struct Html;
pub struct Json;

/// The registry's content hash, from the CSV text of its rows.
pub fn registry_hash(models: &str, benchmarks: &str, scores: &str) -> String {
    let mut h = Sha256::new();
    for part in [models, benchmarks, scores] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes every format and chart as the directory `out`, atomically, replacing only an empty
/// directory or a previous dossier unless `guard` says `--force` (see [`fsio::write_dir`]).
pub fn write(d: &Dossier, out: &Path, guard: &fsio::Guard) -> Result<Vec<PathBuf>, Error> {
    let formats: [&dyn Format; 3] = [&Html, &Markdown, &Json];
    let mut files: Vec<(String, Vec<u8>)> = formats
        .iter()
        .map(|f| (f.file_name().to_string(), f.render(d).into_bytes()))
        .collect();
    for (name, svg) in &d.charts {
        files.push((name.clone(), svg.clone().into_bytes()));
    }
    fsio::write_dir(out, "dossier", &files, guard)?;
    Ok(files.iter().map(|(f, _)| out.join(f)).collect())
}

fn e(x: f64) -> String {
    format!("{x:.3e}")
}

/// The dossier's sections as (title, rows of cells) tables and paragraphs: one structure the
/// Markdown and HTML renderers both walk, so they cannot say different things.
enum Block {
    Heading(String),
    Text(String),
    Table(Vec<String>, Vec<Vec<String>>),
    List(Vec<String>),
    Chart(String),
}

fn blocks(d: &Dossier) -> Vec<Block> {
    let a = &d.assessment;
    let m = &a.model;
    let mut b = vec![
        Block::Heading(format!("Technical-opinion dossier: {}", m.name)),
        Block::Text(format!(
            "Developer: {}. Weights published: {}. Assessed as of {} with capfloor {}. Declaration: {}.",
            m.developer,
            if m.weights_published { "yes" } else { "no" },
            a.as_of,
            d.capfloor_version,
            a.declaration.display()
        )),
    ];
    let verdict_rows: Vec<Vec<String>> = a
        .regimes
        .iter()
        .map(|v| {
            vec![
                v.name.clone(),
                v.verdict.to_string(),
                e(v.counted_flop),
                e(v.threshold_flop),
                v.in_force.clone().unwrap_or_else(|| v.status.clone()),
            ]
        })
        .collect();
    b.push(Block::Heading("Verdicts".into()));
    b.push(Block::Text(format!(
        "Training operations: {} FLOP (interval {} – {} FLOP).",
        e(a.operations_flop),
        e(a.operations_flop_lo),
        e(a.operations_flop_hi)
    )));
    b.push(Block::Table(
        vec![
            "regime".into(),
            "verdict".into(),
            "counted (FLOP)".into(),
            "threshold (FLOP)".into(),
            "status".into(),
        ],
        verdict_rows,
    ));
    b.push(Block::List(
        a.regimes
            .iter()
            .map(|v| format!("{}: {}", v.id, v.reasons.join("; ")))
            .collect(),
    ));

    for n in &a.notifications {
        b.push(Block::Heading(format!(
            "Notification record ({})",
            n.regime
        )));
        b.push(Block::Text(format!(
            "Estimate {} FLOP (method: {}), estimated on {}; verdict {}; {}. {}",
            n.estimate,
            n.methods.join(", "),
            n.estimated_on,
            n.verdict,
            match n.notify_by {
                Some(d) => format!("notify by {d}"),
                None => "no notification due on this estimate".to_string(),
            },
            n.note
        )));
        b.push(Block::List(n.assumptions.clone()));
    }

    b.push(Block::Heading("Weights".into()));
    if d.hashed {
        b.push(Block::Table(
            vec!["file".into(), "bytes".into(), "SHA-256".into()],
            d.fingerprints
                .iter()
                .map(|f| {
                    vec![
                        f.path.display().to_string(),
                        f.bytes.to_string(),
                        f.sha256.clone(),
                    ]
                })
                .collect(),
        ));
    } else {
        b.push(Block::Text(
            "Weight files were not hashed (--no-hash).".into(),
        ));
    }
    match &a.checkpoint {
        Some(i) => {
            let p = &i.parameters;
            b.push(Block::Table(
                vec!["parameters".into(), "count".into()],
                vec![
                    vec!["total".into(), p.total.0.to_string()],
                    vec![
                        "active".into(),
                        p.active.map_or("unknown".into(), |x| x.0.to_string()),
                    ],
                    vec!["embedding".into(), p.embedding.0.to_string()],
                    vec![
                        "multi-token prediction (not in total)".into(),
                        p.mtp.0.to_string(),
                    ],
                    vec!["buffers (not parameters)".into(), p.buffers.0.to_string()],
                ],
            ));
            if !i.warnings.is_empty() {
                b.push(Block::List(
                    i.warnings
                        .iter()
                        .map(|w| format!("checkpoint warning: {w}"))
                        .collect(),
                ));
            }
        }
        None => b.push(Block::Text(format!(
            "No checkpoint inspected; active parameters: {} ({}).",
            a.active_parameters.map_or("not given".into(), e),
            a.active_parameters_source.clone().unwrap_or_default()
        ))),
    }

    b.push(Block::Heading("Training operations".into()));
    let mut rows = Vec::new();
    if let Some(base) = &a.compute.base {
        rows.push(vec![
            "base model".into(),
            "inherited".into(),
            e(base.flop),
            format!("{} ({})", base.from, base.source),
        ]);
    }
    for (i, p) in a.compute.phases.iter().enumerate() {
        let phase = format!(
            "{i}: {}",
            p.name
                .clone()
                .unwrap_or_else(|| crate::compute::kind_name(p.kind).to_string())
        );
        for est in &p.estimates {
            let chosen = if est.method == p.chosen {
                " (used)"
            } else {
                ""
            };
            rows.push(vec![
                phase.clone(),
                format!("{}{chosen}", crate::compute::method_name(est.method)),
                e(est.flop),
                format!("{}; {}", est.formula, est.sources.join("; ")),
            ]);
        }
    }
    b.push(Block::Table(
        vec![
            "phase".into(),
            "method".into(),
            "FLOP".into(),
            "inputs".into(),
        ],
        rows,
    ));
    if !a.flags.is_empty() {
        b.push(Block::List(
            a.flags
                .iter()
                .map(|f| format!("flag ({}): {}", f.kind, f.message))
                .collect(),
        ));
    }
    if let Some(i) = &a.implied {
        b.push(Block::Text(format!(
            "Declared benchmark scores imply capability {:.1} ECI (standard error {:.1}); the median published recipe at {} needs {} FLOP for it.",
            i.capability,
            i.capability_se,
            a.as_of,
            e(i.median_recipe_flop)
        )));
    }

    b.push(Block::Heading("The 4E091 floor".into()));
    match (&a.floor, &a.floor_error) {
        (Some(f), _) => {
            b.push(Block::Text(format!(
                "floor = 10^((θ* − b*)/k) = {} FLOP (90%: {} – {}), recipe {}. θ* = {:.2} ECI, set by {} (open weights, released {}); k = {:.3} ECI per 10× compute; b* = {:.3}, set by {}; {} models with compute, {} published recipes, {} bootstrap resamples, seed {}.",
                e(f.floor_flop),
                e(f.floor_flop_lo),
                e(f.floor_flop_hi),
                f.recipe,
                f.theta_star,
                f.set_by,
                f.set_by_released,
                f.k,
                f.b_star,
                if f.b_star_set_by.is_empty() { "the distribution".to_string() } else { f.b_star_set_by.join(", ") },
                f.n_fit,
                f.n_recipes,
                f.resamples,
                f.seed
            )));
        }
        (None, Some(err)) => b.push(Block::Text(format!(
            "The floor is not defined at {}: {err}",
            a.as_of
        ))),
        _ => {}
    }
    for (name, svg) in &d.charts {
        b.push(Block::Chart(format!("{name}\n{svg}")));
    }

    b.push(Block::Heading("Sensitivity".into()));
    b.push(Block::Table(
        vec![
            "assumption".into(),
            "value".into(),
            "operations (FLOP)".into(),
            "4E091 threshold".into(),
            "4E091 verdict".into(),
        ],
        d.sensitivity
            .iter()
            .map(|s| {
                vec![
                    s.assumption.clone(),
                    s.value.clone(),
                    format!(
                        "{} ({} – {})",
                        e(s.operations_flop),
                        e(s.operations_flop_lo),
                        e(s.operations_flop_hi)
                    ),
                    e(s.threshold_4e091_flop),
                    s.verdict_4e091.to_string(),
                ]
            })
            .collect(),
    ));

    b.push(Block::Heading("Registry".into()));
    b.push(Block::Text(format!(
        "{} ({} models, {} scores, latest release {}), SHA-256 {}. Data: Epoch AI, AI Benchmarking Hub and Notable AI Models (CC BY 4.0).",
        d.registry.origin,
        d.registry.models,
        d.registry.scores,
        d.registry.latest_release.map_or("unknown".into(), |x| x.to_string()),
        d.registry.sha256
    )));
    b.push(Block::Heading(
        "Open questions for the technical opinion".into(),
    ));
    b.push(Block::List(d.open_questions.clone()));
    b
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Format for Markdown {
    fn file_name(&self) -> &'static str {
        "report.md"
    }

    fn render(&self, d: &Dossier) -> String {
        let mut out = String::new();
        let mut first = true;
        for block in blocks(d) {
            match block {
                Block::Heading(h) => {
                    out.push_str(if first { "# " } else { "\n## " });
                    out.push_str(&h);
                    out.push_str("\n\n");
                    first = false;
                }
                Block::Text(t) => {
                    out.push_str(&t);
                    out.push_str("\n\n");
                }
                Block::Table(head, rows) => {
                    out.push_str(&format!(
                        "| {} |\n",
                        head.iter()
                            .map(|h| md_cell(h))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ));
                    out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
                    for r in rows {
                        out.push_str(&format!(
                            "| {} |\n",
                            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                    out.push('\n');
                }
                Block::List(items) => {
                    for i in items {
                        out.push_str(&format!("- {}\n", i.replace('\n', " ")));
                    }
                    out.push('\n');
                }
                Block::Chart(c) => {
                    let name = c.lines().next().unwrap_or_default();
                    out.push_str(&format!("![{name}]({name})\n\n"));
                }
            }
        }
        out
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Format for Html {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, d: &Dossier) -> String {
        let mut body = String::new();
        let mut first = true;
        for block in blocks(d) {
            match block {
                Block::Heading(h) => {
                    let tag = if first { "h1" } else { "h2" };
                    body.push_str(&format!("<{tag}>{}</{tag}>\n", html_escape(&h)));
                    first = false;
                }
                Block::Text(t) => body.push_str(&format!("<p>{}</p>\n", html_escape(&t))),
                Block::Table(head, rows) => {
                    body.push_str("<table>\n<tr>");
                    for h in head {
                        body.push_str(&format!("<th>{}</th>", html_escape(&h)));
                    }
                    body.push_str("</tr>\n");
                    for r in rows {
                        body.push_str("<tr>");
                        for c in r {
                            body.push_str(&format!("<td>{}</td>", html_escape(&c)));
                        }
                        body.push_str("</tr>\n");
                    }
                    body.push_str("</table>\n");
                }
                Block::List(items) => {
                    body.push_str("<ul>\n");
                    for i in items {
                        body.push_str(&format!("<li>{}</li>\n", html_escape(&i)));
                    }
                    body.push_str("</ul>\n");
                }
                Block::Chart(c) => {
                    // The SVG inline: the page needs no other file.
                    let svg = c.split_once('\n').map_or("", |(_, s)| s);
                    let svg = svg.split_once("?>").map_or(svg, |(_, rest)| rest);
                    body.push_str(&format!("<figure>{svg}</figure>\n"));
                }
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\nbody {{ font-family: sans-serif; max-width: 1240px; margin: 2em auto; color: #222; }}\ntable {{ border-collapse: collapse; margin: 1em 0; }}\nth, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 14px; }}\nth {{ background: #f3f3f3; }}\nfigure {{ margin: 1em 0; }}\nsvg {{ max-width: 100%; height: auto; }}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            html_escape(&format!("capfloor dossier: {}", d.assessment.model.name))
        )
    }
}

impl Format for Json {
    fn file_name(&self) -> &'static str {
        "report.json"
    }

    fn render(&self, d: &Dossier) -> String {
        let mut s = serde_json::to_string_pretty(d).expect("the dossier is JSON");
        s.push('\n');
        s
    }
}
