/*!
`capfloor registry …`: rebuild the registry from Epoch's exports, validate a registry, audit it,
list its models, show one. `import` calls
[`crate::registry::import::import`] then [`crate::registry::import::write`], `audit`
[`crate::registry::audit::audit`], `validate`, `list` and `show` [`crate::registry::Registry::open`].
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use crate::cli::Sources;
use crate::cli::{write_json, Exit};
use crate::registry::audit::{self, Severity};
use crate::registry::{import, overrides, Accessibility, Model, RecipeKind};
use crate::units::{Flop, ParamCount};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Rebuild models.csv, benchmarks.csv and scores.csv from Epoch AI exports.
    Import {
        /// A folder laid out like the shared data-sources/ (epoch-benchmarking-hub/,
        /// epoch-notable-ai-models/).
        #[arg(long, value_name = "DIR")]
        epoch: PathBuf,
        /// Where to write the CSVs (default: data/).
        #[arg(long, short = 'o', value_name = "DIR", default_value = "data")]
        out: PathBuf,
        /// Corrections to apply (default: OUT/overrides.csv). A missing file is an error.
        #[arg(long, value_name = "FILE", conflicts_with = "no_overrides")]
        overrides: Option<PathBuf>,
        /// Import the exports as they are, with no corrections (the result then differs from
        /// the committed data/).
        #[arg(long)]
        no_overrides: bool,
        /// Replace CSVs in OUT even if they do not start with capfloor's header (never an input).
        #[arg(long)]
        force: bool,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// Check that the registry is one row per release, with dated and sized open models; the
    /// explanations come from overrides.csv beside the registry (`accept` rows).
    Audit {
        /// Exit with code 1 if any finding not explained by an `accept` row is at least this
        /// severe.
        #[arg(long, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// Check a registry (the embedded one, or --registry DIR) and report every problem.
    Validate {
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
    /// List the models.
    List {
        /// Only models with published weights.
        #[arg(long)]
        open: bool,
        /// Only models released on or after this date.
        #[arg(long, value_name = "DATE")]
        since: Option<Date>,
        /// Only models released on or before this date.
        #[arg(long, value_name = "DATE")]
        until: Option<Date>,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV, one row per model, with the --json keys as columns.
        #[arg(long)]
        csv: bool,
    },
    /// Everything the registry knows about one model.
    Show {
        /// A model id (any case), or a near miss: the nearest ids are suggested.
        model: String,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
}

/// The severities `--fail-on` takes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    Warning,
    Error,
}

/// The `registry list --json` shape.
#[derive(Serialize)]
struct Listed<'a> {
    id: &'a str,
    name: &'a str,
    release_date: Option<Date>,
    /// When the weights were published (open models).
    open_weights_date: Option<Date>,
    accessibility: Accessibility,
    training_compute_flop: Option<f64>,
    compute_basis: Option<crate::registry::ComputeBasis>,
    confidence: Option<crate::registry::Confidence>,
    parameters_total: Option<f64>,
    parameters_active: Option<f64>,
    recipe: Option<RecipeKind>,
    /// `recipe == distilled`, for readers of the earlier shape.
    distilled: bool,
    n_scores: usize,
    /// Upstream versions merged into this model, `;`-separated.
    variants: &'a str,
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    match &args.command {
        Command::Import {
            epoch,
            out: dir,
            overrides,
            no_overrides,
            force,
            json,
        } => {
            let path = overrides
                .clone()
                .unwrap_or_else(|| dir.join("overrides.csv"));
            let corrections = if *no_overrides {
                import::Corrections::None
            } else {
                import::Corrections::File(&path)
            };
            let imported = import::import(epoch, corrections)?;
            let mut inputs = vec![epoch.clone()];
            if !*no_overrides {
                inputs.push(path.clone());
            }
            let guard = sources.guard(*force, inputs);
            let files = import::write(&imported, dir, &guard)?;
            if *json {
                write_json(
                    out,
                    &serde_json::json!({
                        "models": imported.models.len(),
                        "benchmarks": imported.benchmarks.len(),
                        "scores": imported.scores.len(),
                        "rows_left_out": imported.skipped_scores,
                        "overrides": if *no_overrides { None } else { Some(&path) },
                        "files": files,
                    }),
                )?;
            } else {
                writeln!(
                    out,
                    "{} models, {} benchmarks, {} scores ({} score rows left out: no model version)",
                    imported.models.len(),
                    imported.benchmarks.len(),
                    imported.scores.len(),
                    imported.skipped_scores
                )?;
                match no_overrides {
                    true => writeln!(out, "no corrections applied (--no-overrides)")?,
                    false => writeln!(out, "corrections from {}", path.display())?,
                }
                for f in files {
                    writeln!(out, "wrote {}", f.display())?;
                }
            }
        }
        Command::Audit { fail_on, json } => {
            let r = sources.registry()?;
            let (corrections, from) = match &sources.registry_dir {
                None => (
                    overrides::parse("data/overrides.csv", overrides::EMBEDDED)?,
                    "data/overrides.csv (embedded)".to_string(),
                ),
                Some(dir) => {
                    let path = dir.join("overrides.csv");
                    // A FIFO or a directory there is refused, not taken for "absent".
                    if crate::fsio::exists(&path)? {
                        (overrides::read(&path)?, path.display().to_string())
                    } else {
                        (Vec::new(), format!("none ({} is absent)", path.display()))
                    }
                }
            };
            let findings = audit::audit(&r, &corrections)?;
            let summary = audit::summary(&findings);
            let facts = crate::registry::primary::facts()?;
            let primary = crate::registry::primary::check(&r, &facts).1;
            let threshold = fail_on.map(|f| match f {
                FailOn::Warning => Severity::Warning,
                FailOn::Error => Severity::Error,
            });
            let failed = threshold.is_some_and(|t| findings.iter().any(|f| f.fails(t)));
            if *json {
                write_json(
                    out,
                    &serde_json::json!({
                        "origin": r.origin,
                        "explanations": from,
                        "models": r.models.len(),
                        "summary": summary,
                        "primary_sources": primary,
                        "findings": findings,
                    }),
                )?;
            } else {
                for f in &findings {
                    writeln!(
                        out,
                        "{:<8} {:<32} {}",
                        f.severity.to_string(),
                        f.kind,
                        f.ids.join(", ")
                    )?;
                    writeln!(out, "         {}", f.detail)?;
                    if let Some(e) = &f.explanation {
                        writeln!(out, "         explained: {e}")?;
                    }
                }
                let kinds: Vec<String> = summary
                    .by_kind
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect();
                writeln!(
                    out,
                    "{}: {} models: {} errors, {} warnings, {} notes unexplained; {} explained (explanations: {from}){}",
                    r.origin,
                    r.models.len(),
                    summary.errors,
                    summary.warnings,
                    summary.infos,
                    summary.explained,
                    if kinds.is_empty() {
                        String::new()
                    } else {
                        format!("\n  by kind: {}", kinds.join(", "))
                    }
                )?;
                writeln!(
                    out,
                    "  against the developers' own sources (data/primary_facts.csv): {} facts on {} models, {} agree ({:.1}%), {} disagree, {} missing",
                    primary.facts,
                    primary.models,
                    primary.agree,
                    100.0 * primary.agreement,
                    primary.disagree,
                    primary.missing
                )?;
            }
            if failed {
                return Ok(Exit::Finding);
            }
        }
        Command::Validate { json } => {
            let r = sources.registry()?;
            if *json {
                write_json(
                    out,
                    &serde_json::json!({
                        "origin": r.origin,
                        "models": r.models.len(),
                        "benchmarks": r.benchmarks.len(),
                        "scores": r.scores.len(),
                        "valid": true,
                    }),
                )?;
            } else {
                writeln!(
                    out,
                    "{}: {} models, {} benchmarks, {} scores: valid",
                    r.origin,
                    r.models.len(),
                    r.benchmarks.len(),
                    r.scores.len()
                )?;
            }
        }
        Command::List {
            open,
            since,
            until,
            json,
            csv,
        } => {
            let r = sources.registry()?;
            let by_model = r.scores_by_model();
            let keep = |m: &&Model| {
                (!open || m.accessibility == Accessibility::OpenWeights)
                    && since.is_none_or(|s| m.release_date.is_some_and(|d| d >= s))
                    && until.is_none_or(|u| m.release_date.is_some_and(|d| d <= u))
            };
            let rows: Vec<Listed> = r
                .models
                .iter()
                .filter(keep)
                .map(|m| Listed {
                    id: &m.id,
                    name: &m.name,
                    release_date: m.release_date,
                    open_weights_date: m.open_weights_date,
                    accessibility: m.accessibility,
                    training_compute_flop: m.training_compute_flop,
                    compute_basis: m.compute_basis,
                    confidence: m.confidence,
                    parameters_total: m.parameters_total,
                    parameters_active: m.parameters_active,
                    recipe: m.recipe,
                    distilled: m.distilled(),
                    n_scores: by_model.get(m.id.as_str()).map_or(0, Vec::len),
                    variants: &m.variants,
                })
                .collect();
            if *csv {
                crate::cli::write_csv(out, &rows)?;
            } else if *json {
                write_json(out, &rows)?;
            } else {
                writeln!(
                    out,
                    "{:<44} {:<10} {:<12} {:>10} {:>9} {:>6}",
                    "id", "released", "access", "compute", "params", "scores"
                )?;
                for l in &rows {
                    writeln!(
                        out,
                        "{:<44} {:<10} {:<12} {:>10} {:>9} {:>6}",
                        l.id,
                        l.release_date.map_or("—".into(), |d| d.to_string()),
                        l.accessibility.to_string(),
                        l.training_compute_flop
                            .map_or("—".into(), |c| format!("{c:.2e}")),
                        l.parameters_total
                            .map_or("—".into(), |p| ParamCount(p as u64).to_string()),
                        l.n_scores
                    )?;
                }
                writeln!(out, "{} models", rows.len())?;
            }
        }
        Command::Show { model, json } => {
            let r = sources.registry()?;
            // Ids match in any case (an exact match first).
            let m = match r.models.iter().find(|m| m.id.eq_ignore_ascii_case(model)) {
                Some(m) if r.model(model).is_err() => m,
                _ => r.model(model)?,
            };
            let scores: Vec<_> = r.scores.iter().filter(|s| s.model_id == m.id).collect();
            if *json {
                #[derive(Serialize)]
                struct Shown<'a> {
                    #[serde(flatten)]
                    model: &'a Model,
                    scores: Vec<&'a crate::registry::Score>,
                }
                write_json(out, &Shown { model: m, scores })?;
            } else {
                let opt = |v: Option<String>| v.unwrap_or_else(|| "—".into());
                let row = |out: &mut dyn Write, k: &str, v: String| writeln!(out, "{k:<16} {v}");
                row(out, "id", m.id.clone())?;
                row(out, "name", m.name.clone())?;
                row(out, "organization", m.organization.clone())?;
                row(out, "released", opt(m.release_date.map(|d| d.to_string())))?;
                row(
                    out,
                    "open weights",
                    opt(m
                        .open_weights_date
                        .map(|d| format!("{d} ({})", m.open_weights_source))),
                )?;
                row(out, "accessibility", m.accessibility.to_string())?;
                row(
                    out,
                    "parameters",
                    opt(m.parameters_total.map(|p| ParamCount(p as u64).to_string())),
                )?;
                row(
                    out,
                    "active",
                    opt(m
                        .parameters_active
                        .map(|p| ParamCount(p as u64).to_string())),
                )?;
                row(
                    out,
                    "tokens",
                    opt(m.training_tokens.map(|t| format!("{t:.3e}"))),
                )?;
                // As the CSV and the JSON spell them (`6nd`, `likely`).
                let named = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
                let basis = m
                    .compute_basis
                    .map(|b| named(serde_json::json!(b)))
                    .unwrap_or_default();
                let conf = m
                    .confidence
                    .map(|c| named(serde_json::json!(c)))
                    .unwrap_or_default();
                row(
                    out,
                    "compute",
                    opt(m
                        .training_compute_flop
                        .map(|c| format!("{} ({basis}, {conf})", Flop(c)))),
                )?;
                row(out, "base model", opt(m.base_model.clone()))?;
                row(
                    out,
                    "recipe",
                    opt(m.recipe.map(|r| format!("{r} ({})", m.recipe_source))),
                )?;
                row(
                    out,
                    "ECI (Epoch)",
                    opt(m.eci_published.map(|e| format!("{e:.1}"))),
                )?;
                row(out, "variants", m.variants.replace(';', ", "))?;
                row(out, "source", m.source.clone())?;
                for s in scores {
                    let when = s
                        .evaluated
                        .map(|d| format!(", evaluated {d}"))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "  {:<28} {:>6.3}  ({}{when})",
                        s.benchmark_id, s.score, s.setting
                    )?;
                }
            }
        }
    }
    Ok(Exit::Success)
}
