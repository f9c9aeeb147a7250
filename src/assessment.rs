/*!
Everything capfloor concludes about one declared model: its active parameters (from the
checkpoint's headers, or declared), its training operations estimated every way the declaration
allows, compute inherited from a base model, the capability its declared benchmark scores imply
and the compute that capability would need, the 4E091 floor at the as-of date, and a verdict for
every regime. `capfloor classify` prints it; `capfloor dossier` writes it down.
*/

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use crate::capability::{self, CapabilityFit};
use crate::checkpoint::{self, Inspection};
use crate::compute::{self, Flag, Inherited, Total};
use crate::declaration::{self, Declaration};
use crate::floor::{self, Floor};
use crate::frontier::{Point, Recipe};
use crate::hardware::chips;
use crate::regimes;
use crate::registry::Registry;
use crate::verdict::{self, Verdict};
use crate::Error;

/// What the assessment needs besides the declaration.
pub struct Inputs<'a> {
    pub declaration_path: &'a Path,
    /// Overrides the declaration's `model.checkpoint`.
    pub checkpoint: Option<&'a Path>,
    pub as_of: Date,
    pub registry: &'a Registry,
    pub fit: &'a CapabilityFit,
    pub points: &'a [Point],
    pub floor_options: floor::Options,
}

/// The capability the declared scores imply, and what it would cost.
#[derive(Debug, Clone, Serialize)]
pub struct ImpliedCapability {
    pub capability: f64,
    pub capability_se: f64,
    /// Training operations the median published recipe at the as-of date needs for it.
    pub median_recipe_flop: f64,
}

/// The whole assessment. `classify --json` prints it; `operations_flop`, `operations_flop_lo`,
/// `operations_flop_hi`, `flags` and `regimes` are the keys release pipelines rely on.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub model: declaration::Model,
    pub declaration: PathBuf,
    pub as_of: Date,
    pub active_parameters: Option<f64>,
    pub active_parameters_source: Option<String>,
    pub checkpoint: Option<Inspection>,
    pub operations_flop: f64,
    pub operations_flop_lo: f64,
    pub operations_flop_hi: f64,
    pub compute: Total,
    pub implied: Option<ImpliedCapability>,
    pub floor: Option<Floor>,
    pub floor_error: Option<String>,
    pub regimes: Vec<Verdict>,
    pub flags: Vec<Flag>,
}

fn field_error(path: &Path, field: &str, problem: String) -> Error {
    Error::TomlFile(declaration::Error::Field {
        path: path.to_path_buf(),
        field: field.to_string(),
        problem,
    })
}

/// Assesses `d`.
pub fn assess(d: &Declaration, inputs: &Inputs) -> Result<Assessment, Error> {
    let path = inputs.declaration_path;
    let checkpoint_path = inputs.checkpoint.map(Path::to_path_buf).or_else(|| {
        d.model
            .checkpoint
            .as_ref()
            .map(|c| path.parent().unwrap_or(Path::new(".")).join(c))
    });
    let inspection = checkpoint_path
        .as_deref()
        .map(|p| checkpoint::inspect(p, None))
        .transpose()?;
    let active = match (&inspection, d.model.parameters_active) {
        (Some(i), _) if i.parameters.active.is_some() => {
            let n = i.parameters.active.expect("checked").0 as f64;
            Some((
                n,
                format!("checkpoint {} (safetensors headers)", i.path.display()),
            ))
        }
        (_, Some(n)) => Some((n, format!("declaration {}", path.display()))),
        _ => None,
    };

    let base = match &d.base_model {
        None => None,
        Some(b) => match (&b.registry_id, b.operations) {
            (Some(id), _) => {
                let m = inputs
                    .registry
                    .model(id)
                    .map_err(|e| field_error(path, "base_model.registry_id", e.to_string()))?;
                let flop = m.training_compute_flop.ok_or_else(|| {
                    field_error(path, "base_model.registry_id", format!("{id} has no training-compute figure in the registry; give base_model.operations instead"))
                })?;
                Some(Inherited {
                    flop,
                    from: m.id.clone(),
                    source: format!("registry: {} ({})", m.source, inputs.registry.origin),
                })
            }
            (None, Some(flop)) => Some(Inherited {
                flop,
                from: "declared base model".into(),
                source: b.source.clone().unwrap_or_else(|| "declaration".into()),
            }),
            (None, None) => unreachable!("validation requires one of registry_id and operations"),
        },
    };

    let compute_inputs = compute::Inputs {
        active_parameters: active.clone(),
        base,
        peak: &chips::peak,
    };
    let total = compute::estimate(d, &compute_inputs)?;
    let mut flags = total.flags.clone();

    let (floor, floor_error) =
        match floor::floor_at(inputs.points, inputs.as_of, &inputs.floor_options) {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e.to_string())),
        };

    let implied = if d.benchmarks.is_empty() {
        None
    } else {
        let scores: Vec<(&str, f64)> = d
            .benchmarks
            .iter()
            .map(|b| (b.id.as_str(), b.score))
            .collect();
        let (theta, se) = inputs.fit.score_new(&scores).map_err(|e| match e {
            capability::Error::UnknownBenchmark(id) => field_error(
                path,
                "benchmarks",
                format!("{id:?} is not a benchmark of the registry"),
            ),
            other => other.into(),
        })?;
        let median = floor::floor_at(
            inputs.points,
            inputs.as_of,
            &floor::Options {
                recipe: Recipe::Median,
                resamples: 0,
                ..inputs.floor_options
            },
        )
        .ok();
        median.map(|m| {
            let flop = 10f64.powf((theta - m.b_star) / m.k);
            if flop > total.operations_flop {
                flags.push(Flag {
                    kind: "capability_implies_more",
                    phase: None,
                    message: format!(
                        "the declared scores imply capability {theta:.1} ECI, which the median published recipe at {} reaches with {flop:.2e} FLOP, more than the {:.2e} FLOP declared",
                        inputs.as_of, total.operations_flop
                    ),
                });
            }
            ImpliedCapability {
                capability: theta,
                capability_se: se,
                median_recipe_flop: flop,
            }
        })
    };

    let mut verdicts = Vec::new();
    for r in regimes::all()? {
        let threshold = r.threshold(floor.as_ref().map(|f| f.floor_flop));
        verdicts.push(verdict::judge(
            &threshold,
            total.operations_flop,
            total.operations_flop_lo,
            total.operations_flop_hi,
            d.model.weights_published,
        ));
    }
    Ok(Assessment {
        model: d.model.clone(),
        declaration: path.to_path_buf(),
        as_of: inputs.as_of,
        active_parameters: active.as_ref().map(|a| a.0),
        active_parameters_source: active.map(|a| a.1),
        checkpoint: inspection,
        operations_flop: total.operations_flop,
        operations_flop_lo: total.operations_flop_lo,
        operations_flop_hi: total.operations_flop_hi,
        compute: total,
        implied,
        floor,
        floor_error,
        regimes: verdicts,
        flags,
    })
}
