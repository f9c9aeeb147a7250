/*!
Gathering a [`Dossier`]: the assessment (once), the sensitivity of the 4E091 verdict to each
assumption varied alone, the fingerprints of the weight files, the charts, the registry it rests
on and the questions the technical opinion has to answer.
*/

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{Dossier, RegimeOutcome, RegistryInfo, Sensitivity};
use crate::assessment::{self, Assessment};
use crate::capability::CapabilityFit;
use crate::compute::Total;
use crate::declaration::Declaration;
use crate::floor::{self, Step};
use crate::frontier::{self, Recipe};
use crate::regimes::{self, Regime};
use crate::registry::Confidence;
use crate::report::chart::{self, Assessed, FloorChart, FrontierChart};
use crate::report::{fingerprint, Error as ReportError};
use crate::verdict::Outcome;
use crate::vintage::Vintages;
use crate::Error;

/// What a dossier is built from.
pub struct Request<'a> {
    pub declaration: &'a Declaration,
    pub declaration_path: &'a Path,
    /// The checkpoint whose weight files are fingerprinted and whose parameters are counted.
    pub checkpoint: &'a Path,
    pub as_of: Date,
    /// The registry and its fits as known at each date.
    pub vintages: &'a Vintages,
    pub options: floor::Options,
    /// Whether to take the SHA-256 of every weight file (`--no-hash` skips it).
    pub hash: bool,
    /// Where the dossier will be written: named in a chart's drawing error.
    pub out: &'a Path,
}

/// The dossier for `r`: every figure as known at the as-of date (the vintage fit of that day).
pub fn build(r: &Request) -> Result<Dossier, Error> {
    let registry = &r.vintages.registry;
    let (fit, points) = r.vintages.fit_and_points(r.as_of)?;
    let a = assessment::assess(
        r.declaration,
        &assessment::Inputs {
            declaration_path: r.declaration_path,
            checkpoint: Some(r.checkpoint),
            as_of: r.as_of,
            registry,
            fit: &fit,
            points: &points,
            floor_options: r.options,
        },
    )?;
    let sensitivity = sensitivity(r, &a, &fit, &points)?;
    let fingerprints = match (&a.checkpoint, r.hash) {
        (Some(i), true) => fingerprint::hash_files(
            &i.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
            true,
        )?,
        _ => Vec::new(),
    };
    let charts = charts(r, &a, &points)?;
    Ok(Dossier {
        capfloor_version: env!("CARGO_PKG_VERSION").to_string(),
        open_questions: open_questions(&a),
        assessment: a,
        hashed: r.hash,
        fingerprints,
        sensitivity,
        registry: RegistryInfo::of(registry),
        charts,
    })
}

impl Dossier {
    /// Every file the run read besides the registry: the dossier may not be written over or
    /// into any of them.
    pub fn inputs(&self, checkpoint: &Path) -> Vec<PathBuf> {
        let mut inputs = vec![
            self.assessment.declaration.clone(),
            checkpoint.to_path_buf(),
        ];
        if let Some(i) = &self.assessment.checkpoint {
            inputs.extend(i.files.iter().map(|f| f.path.clone()));
            inputs.extend(i.config.iter().cloned());
            inputs.extend(i.index.iter().cloned());
        }
        inputs
    }
}

/// One sensitivity row: the operations `total` and the 4E091 verdict on them at `floor_flop`.
fn row(
    r: &Request,
    regime: &Regime,
    assumption: &str,
    value: String,
    d: &Declaration,
    total: &Total,
    floor_flop: Option<f64>,
) -> Result<Sensitivity, Error> {
    // Every regime judged once; the 4E091 columns are its entry.
    let judged = regimes::all()?
        .iter()
        .map(|x| assessment::judge(x, d, total, r.as_of, floor_flop))
        .collect::<Result<Vec<_>, Error>>()?;
    let v = judged
        .iter()
        .find(|v| v.id == regime.id)
        .expect("the regime is one of all()");
    let verdicts = judged
        .iter()
        .map(|v| RegimeOutcome {
            regime: v.id.clone(),
            verdict: v.verdict,
        })
        .collect();
    Ok(Sensitivity {
        assumption: assumption.into(),
        value,
        operations_flop: total.operations_flop,
        operations_flop_lo: total.operations_flop_lo,
        operations_flop_hi: total.operations_flop_hi,
        floor_flop,
        threshold_4e091_flop: v.threshold_flop,
        verdict_4e091: v.verdict,
        verdicts,
    })
}

/// Each assumption varied alone. Only what the assumption changes is recomputed: the operations
/// for the hardware's utilisation, the floor for the recipe and the compute figures used; the
/// checkpoint is read once, by the assessment. Verdicts need no intervals of the floor.
fn sensitivity(
    r: &Request,
    a: &Assessment,
    fit: &CapabilityFit,
    points: &[frontier::Point],
) -> Result<Vec<Sensitivity>, Error> {
    let regime = regimes::get("4e091")?;
    let d = r.declaration;
    let floor_flop = a.floor.as_ref().map(|f| f.floor_flop);
    let quick = floor::Options {
        resamples: 0,
        ..r.options
    };
    let floor_with = |points: &[frontier::Point], options: &floor::Options| {
        floor::floor_at(points, r.as_of, options)
            .ok()
            .map(|f| f.floor_flop)
    };
    let declared = format!("recipe {}", r.options.recipe);
    let mut rows = vec![row(
        r,
        &regime,
        "as declared",
        declared,
        d,
        &a.compute,
        floor_flop,
    )?];
    if d.phases.iter().any(|p| p.hardware.is_some()) {
        let active = a.active_parameters.zip(a.active_parameters_source.clone());
        for factor in [0.75, 1.25] {
            let mut varied = d.clone();
            for p in varied.phases.iter_mut() {
                if let Some(h) = p.hardware.as_mut() {
                    h.utilisation = (h.utilisation * factor).min(1.0);
                }
            }
            let total = assessment::estimate(
                &varied,
                r.declaration_path,
                active.clone(),
                a.compute.base.clone(),
                a.compute.base_unknown.clone(),
            )?;
            let value = format!("× {factor}");
            rows.push(row(
                r,
                &regime,
                "hardware utilisation",
                value,
                &varied,
                &total,
                floor_flop,
            )?);
        }
    }
    for recipe in [Recipe::Best, Recipe::P90, Recipe::Median] {
        let floor_flop = floor_with(points, &floor::Options { recipe, ..quick });
        rows.push(row(
            r,
            &regime,
            "recipe (most efficient published methods)",
            recipe.to_string(),
            d,
            &a.compute,
            floor_flop,
        )?);
    }
    let strict = floor::Options {
        include_distilled: false,
        include_synthetic: false,
        ..quick
    };
    rows.push(row(
        r,
        &regime,
        "recipes that may set the frontier",
        "no synthetic-data or distilled recipe".into(),
        d,
        &a.compute,
        floor_with(points, &strict),
    )?);
    for (name, level) in [
        ("likely or better", Confidence::Likely),
        ("confident only", Confidence::Confident),
    ] {
        let filtered: Vec<frontier::Point> =
            frontier::points(&r.vintages.registry, fit, Some(level), frontier::MIN_SCORES)
                .into_iter()
                .filter(|p| p.released <= r.as_of)
                .collect();
        rows.push(row(
            r,
            &regime,
            "compute figures used in the fit",
            name.into(),
            d,
            &a.compute,
            floor_with(&filtered, &quick),
        )?);
    }
    Ok(rows)
}

/// What the technical opinion has to settle: verdicts the estimates leave open, figures that
/// disagree, and the interpretations capfloor had to choose.
fn open_questions(a: &Assessment) -> Vec<String> {
    let mut questions: Vec<String> = a
        .regimes
        .iter()
        .filter(|v| v.verdict == Outcome::Indeterminate)
        .map(|v| format!("{}: the estimates ({:.2e} – {:.2e} FLOP) straddle the threshold of {:.2e} FLOP; which side is the run on?", v.name, a.operations_flop_lo, a.operations_flop_hi, v.threshold_flop))
        .collect();
    questions.extend(
        a.flags
            .iter()
            .map(|f| format!("{} Which figure is right?", f.message)),
    );
    questions.extend([
        "Which recipe counts as \"the most efficient published methods\": capfloor's default is the mean of the three most efficient published recipes (see the sensitivity table for p90 and the median).".to_string(),
        "Whether distilled models' recipes count as published methods (capfloor leaves them out by default).".to_string(),
        "Whether capfloor's benchmark aggregate (an item-response index over 39 benchmarks on the ECI scale) is the \"aggregate of widely used benchmarks\" the rule intends.".to_string(),
        "Whether synthetic-data generation and distillation-teacher inference count toward the model's operations (capfloor counts them, as declared).".to_string(),
    ]);
    questions
}

/// The floor over the two years to the as-of date, and the frontier at that date, as SVG by file
/// name. A chart with nothing to draw (no floor defined) is left out.
fn charts(
    r: &Request,
    a: &Assessment,
    points: &[frontier::Point],
) -> Result<Vec<(String, String)>, Error> {
    let draw_error = |name: &str, message| ReportError::Draw {
        path: r.out.join(name),
        message,
    };
    let as_of = r.as_of;
    let from = as_of.saturating_sub(jiff::Span::new().years(2));
    // The run itself on both charts: its estimate and interval, and where its declared scores
    // put it.
    let assessed = Assessed {
        name: a.model.name.clone(),
        flop: a.operations_flop,
        flop_lo: a.operations_flop_lo,
        flop_hi: a.operations_flop_hi,
        capability: a.implied.as_ref().map(|i| i.capability),
    };
    let mut charts = Vec::new();
    let options = floor::Options {
        resamples: r.options.resamples.min(200),
        ..r.options
    };
    if let Ok(h) = floor::history(r.vintages, from, as_of, Step::Month, &options) {
        let regime = regimes::get("4e091")?;
        let c = FloorChart {
            assessed: Some(&assessed),
            rows: &h.rows,
            threshold_flop: regime.threshold_flop,
            threshold_label: regime.line_label(),
            title: format!("4E091 capability floor, {from} to {as_of}"),
        };
        let svg = chart::svg(&c).map_err(|m| draw_error("floor.svg", m))?;
        charts.push(("floor.svg".to_string(), svg));
    }
    if let (Ok((fit_now, _)), Some(f)) =
        (floor::frontier_series(points, as_of, &r.options), &a.floor)
    {
        let c = FrontierChart {
            assessed: Some(&assessed),
            points,
            fit: fit_now,
            as_of,
            floor: f,
            title: format!("Capability against training compute, models released by {as_of}"),
        };
        let svg = chart::svg(&c).map_err(|m| draw_error("frontier.svg", m))?;
        charts.push(("frontier.svg".to_string(), svg));
    }
    Ok(charts)
}
