/*!
`capfloor dossier --declaration FILE --checkpoint DIR --out DIR [--no-hash] [--as-of DATE]`:
writes report.html, report.md, report.json and the charts for a technical-opinion request. The
content is [`crate::report::dossier`]; this file gathers it.
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::assessment::{self, Assessment};
use crate::cli::floor::{today, Method};
use crate::cli::Exit;
use crate::cli::Sources;
use crate::declaration::Declaration;
use crate::floor::{self, Step};
use crate::frontier::Recipe;
use crate::registry::{import, Confidence};
use crate::report::chart::{self, FloorChart, FrontierChart};
use crate::report::dossier::{self, Dossier, RegistryInfo, Sensitivity};
use crate::report::fingerprint;
use crate::verdict::Outcome as Verdict;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_name = "FILE")]
    pub declaration: PathBuf,
    /// The checkpoint whose weight files are fingerprinted and whose parameters are counted.
    #[arg(long, value_name = "DIR")]
    pub checkpoint: PathBuf,
    /// The directory to write. If it exists it is replaced whole, but only if it is empty or a
    /// previous dossier (see --force).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace --out even if it is not an empty directory or a previous dossier. Never replaces
    /// a path that is, holds or lies inside an input of the run (declaration, checkpoint,
    /// registry).
    #[arg(long)]
    pub force: bool,
    /// Skip the SHA-256 of the weight files.
    #[arg(long)]
    pub no_hash: bool,
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    #[command(flatten)]
    pub method: Method,
    /// Print `{"out", "files"}` instead of one line per file.
    #[arg(long)]
    pub json: bool,
}

fn row(assumption: &str, value: String, a: &Assessment) -> Sensitivity {
    let v = a
        .regimes
        .iter()
        .find(|v| v.id == "4e091")
        .expect("4e091 is always assessed");
    Sensitivity {
        assumption: assumption.into(),
        value,
        operations_flop: a.operations_flop,
        operations_flop_lo: a.operations_flop_lo,
        operations_flop_hi: a.operations_flop_hi,
        threshold_4e091_flop: v.threshold_flop,
        verdict_4e091: v.verdict,
    }
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    // Refused before any work (hashing can take minutes); checked again, with every file the
    // checkpoint turned out to hold, when the dossier is written.
    crate::fsio::check_dir(
        &args.out,
        "dossier",
        &sources.guard(
            args.force,
            vec![args.declaration.clone(), args.checkpoint.clone()],
        ),
    )
    .map_err(crate::report::Error::from)?;
    let d = Declaration::load(&args.declaration)?;
    let as_of = args.as_of.or(d.model.release_date).unwrap_or_else(today);
    // Every figure as known at the as-of date: the vintage fit of that day.
    let vintages = crate::vintage::Vintages::new(sources.registry()?, None);
    let registry = &vintages.registry;
    let (fit, pts) = vintages.fit_and_points(as_of)?;
    let fit = &fit;
    let opts = args.method.options();
    let assess =
        |decl: &Declaration, points: &[crate::frontier::Point], options: floor::Options| {
            assessment::assess(
                decl,
                &assessment::Inputs {
                    declaration_path: &args.declaration,
                    checkpoint: Some(&args.checkpoint),
                    as_of,
                    registry,
                    fit,
                    points,
                    floor_options: options,
                },
            )
        };
    let a = assess(&d, &pts, opts)?;

    // Sensitivity: each assumption varied alone; verdicts need no intervals of the floor.
    let quick = floor::Options {
        resamples: 0,
        ..opts
    };
    let mut sensitivity = vec![row("as declared", format!("recipe {}", opts.recipe), &a)];
    if d.phases.iter().any(|p| p.hardware.is_some()) {
        for factor in [0.75, 1.25] {
            let mut varied = d.clone();
            for p in varied.phases.iter_mut() {
                if let Some(h) = p.hardware.as_mut() {
                    h.utilisation = (h.utilisation * factor).min(1.0);
                }
            }
            sensitivity.push(row(
                "hardware utilisation",
                format!("× {factor}"),
                &assess(&varied, &pts, quick)?,
            ));
        }
    }
    for recipe in [Recipe::Best, Recipe::P90, Recipe::Median] {
        sensitivity.push(row(
            "recipe (most efficient published methods)",
            recipe.to_string(),
            &assess(&d, &pts, floor::Options { recipe, ..quick })?,
        ));
    }
    for (name, level) in [
        ("likely or better", Confidence::Likely),
        ("confident only", Confidence::Confident),
    ] {
        let filtered: Vec<crate::frontier::Point> =
            crate::frontier::points(registry, fit, Some(level), crate::frontier::MIN_SCORES)
                .into_iter()
                .filter(|p| p.released <= as_of)
                .collect();
        sensitivity.push(row(
            "compute figures used in the fit",
            name.into(),
            &assess(&d, &filtered, quick)?,
        ));
    }

    let fingerprints = match (&a.checkpoint, args.no_hash) {
        (Some(i), false) => fingerprint::hash_files(
            &i.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
            true,
        )?,
        _ => Vec::new(),
    };

    let mut open_questions: Vec<String> = a
        .regimes
        .iter()
        .filter(|v| v.verdict == Verdict::Indeterminate)
        .map(|v| format!("{}: the estimates ({:.2e} – {:.2e} FLOP) straddle the threshold of {:.2e} FLOP; which side is the run on?", v.name, a.operations_flop_lo, a.operations_flop_hi, v.threshold_flop))
        .collect();
    open_questions.extend(
        a.flags
            .iter()
            .map(|f| format!("{} Which figure is right?", f.message)),
    );
    open_questions.extend([
        "Which recipe counts as \"the most efficient published methods\": capfloor's default is the mean of the three most efficient published recipes (see the sensitivity table for p90 and the median).".to_string(),
        "Whether distilled models' recipes count as published methods (capfloor leaves them out by default).".to_string(),
        "Whether capfloor's benchmark aggregate (an item-response index over 39 benchmarks on the ECI scale) is the \"aggregate of widely used benchmarks\" the rule intends.".to_string(),
        "Whether synthetic-data generation and distillation-teacher inference count toward the model's operations (capfloor counts them, as declared).".to_string(),
    ]);

    let from = as_of.saturating_sub(jiff::Span::new().years(2));
    let mut charts = Vec::new();
    if let Ok(h) = floor::history(
        &vintages,
        from,
        as_of,
        Step::Month,
        &floor::Options {
            resamples: opts.resamples.min(200),
            ..opts
        },
    ) {
        let regime = crate::regimes::get("4e091")?;
        let c = FloorChart {
            rows: &h.rows,
            threshold_flop: regime.threshold_flop,
            threshold_label: regime.line_label(),
            title: format!("4E091 capability floor, {from} to {as_of}"),
        };
        charts.push((
            "floor.svg".to_string(),
            chart::svg(&c).map_err(|message| crate::report::Error::Draw {
                path: args.out.join("floor.svg"),
                message,
            })?,
        ));
    }
    if let (Ok((fit_now, _)), Some(f)) = (floor::frontier_series(&pts, as_of, &opts), &a.floor) {
        let c = FrontierChart {
            points: &pts,
            fit: fit_now,
            as_of,
            floor: f,
            title: format!("Capability against training compute, models released by {as_of}"),
        };
        charts.push((
            "frontier.svg".to_string(),
            chart::svg(&c).map_err(|message| crate::report::Error::Draw {
                path: args.out.join("frontier.svg"),
                message,
            })?,
        ));
    }

    let registry_info = RegistryInfo {
        origin: registry.origin.clone(),
        sha256: dossier::registry_hash(
            &import::csv_text(&registry.models),
            &import::csv_text(&registry.benchmarks),
            &import::csv_text(&registry.scores),
        ),
        models: registry.models.len(),
        scores: registry.scores.len(),
        latest_release: registry.models.iter().filter_map(|m| m.release_date).max(),
    };
    let dossier = Dossier {
        capfloor_version: env!("CARGO_PKG_VERSION").to_string(),
        assessment: a,
        hashed: !args.no_hash,
        fingerprints,
        sensitivity,
        registry: registry_info,
        open_questions,
        charts,
    };
    // Everything this run read: the dossier may not be written over or into any of it.
    let mut inputs = vec![args.declaration.clone(), args.checkpoint.clone()];
    if let Some(i) = &dossier.assessment.checkpoint {
        inputs.extend(i.files.iter().map(|f| f.path.clone()));
        inputs.extend(i.config.iter().cloned());
        inputs.extend(i.index.iter().cloned());
    }
    let guard = sources.guard(args.force, inputs);
    let files = dossier::write(&dossier, &args.out, &guard)?;
    if args.json {
        crate::cli::write_json(out, &serde_json::json!({"out": args.out, "files": files}))?;
    } else {
        for f in files {
            writeln!(out, "wrote {}", f.display())?;
        }
    }
    Ok(Exit::Success)
}
