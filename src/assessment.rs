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
use crate::compute::{self, Flag, Inherited, Total, UnknownBase};
use crate::counting;
use crate::declaration::{self, Declaration};
use crate::floor::{self, Floor};
use crate::frontier::{Point, Recipe};
use crate::hardware::chips;
use crate::plan;
use crate::regimes;
use crate::registry::Registry;
use crate::units::ParamCount;
use crate::verdict::{self, Verdict};
use crate::Error;

/// What [`validate`] needs besides the declaration.
pub struct Context<'a> {
    pub declaration_path: &'a Path,
    /// Overrides the declaration's `model.checkpoint`.
    pub checkpoint: Option<&'a Path>,
    pub registry: &'a Registry,
    pub fit: &'a CapabilityFit,
}

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
    /// A notification record for each regime with a notification duty (the EU: two weeks).
    pub notifications: Vec<Notification>,
    /// When a run with scheduled phases crosses each regime's threshold (empty without a
    /// schedule).
    pub plan: Vec<plan::Crossing>,
    pub flags: Vec<Flag>,
}

/// What a notification would state: the estimate, its method and assumptions, and the date.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub regime: String,
    /// The estimate to two significant figures (`1.1e25`), as the EU asks it reported.
    pub estimate: String,
    pub estimate_flop: f64,
    pub methods: Vec<String>,
    /// Every formula behind the counted phases, with where its inputs came from.
    pub assumptions: Vec<String>,
    /// The date of the estimate (the as-of date).
    pub estimated_on: Date,
    pub verdict: verdict::Outcome,
    /// The latest notification date when the estimate says the threshold is (or may be) met.
    pub notify_by: Option<Date>,
    pub note: String,
}

fn field_error(path: &Path, field: &str, problem: String) -> Error {
    Error::TomlFile(declaration::Error::Field {
        path: path.to_path_buf(),
        field: field.to_string(),
        problem,
    })
}

/// What a declaration checks out to before any floor is computed.
#[derive(Debug, Clone)]
pub struct Validated {
    pub inspection: Option<Inspection>,
    /// Active parameters and where the figure comes from.
    pub active: Option<(f64, String)>,
    pub total: Total,
    /// The total's flags, and any disagreement between the declaration and the checkpoint.
    pub flags: Vec<Flag>,
    /// The capability (and its standard error) the declared benchmark scores imply.
    pub implied_capability: Option<(f64, f64)>,
}

/// Declared and measured parameter counts further apart than this factor are flagged.
pub const PARAMETER_DISAGREEMENT: f64 = 1.05;

fn apart(a: f64, b: f64) -> f64 {
    a.max(b) / a.min(b)
}

/// Every check a declaration must pass before it can be classified, in one place: `declaration
/// check` runs exactly this, and [`assess`] runs it first. The checkpoint (if any) is read and
/// counted; the base model, benchmark ids, chips and precisions are looked up; every phase is
/// estimated. An error names the declaration file and the field.
///
/// When the declaration and the checkpoint disagree on active parameters by more than 5%, the
/// declared figure is used (the declaration is what is being assessed; a checkpoint can be the
/// wrong directory) and a `parameters_disagree` flag names both figures; the checkpoint's count
/// stays in the inspection. When they agree within 5%, or nothing is declared, the checkpoint's
/// exact count is used.
pub fn validate(d: &Declaration, inputs: &Context) -> Result<Validated, Error> {
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
    let mut flags = Vec::new();
    let measured = inspection
        .as_ref()
        .and_then(|i| i.parameters.active.map(|n| (n.0 as f64, i)));
    let declared_source = format!("declaration {}", path.display());
    let active = match (measured, d.model.parameters_active) {
        (Some((m, i)), Some(n)) if apart(m, n) > PARAMETER_DISAGREEMENT => {
            flags.push(Flag {
                kind: "parameters_disagree",
                phase: None,
                message: format!(
                    "model.parameters_active is {} in {} but the checkpoint {} has {} active parameters (safetensors headers), {:.2}× apart: the estimates use the declared {} (leave model.parameters_active out to use the checkpoint's count)",
                    ParamCount(n as u64),
                    path.display(),
                    i.path.display(),
                    ParamCount(m as u64),
                    apart(m, n),
                    ParamCount(n as u64)
                ),
            });
            Some((n, declared_source))
        }
        (Some((m, i)), _) => Some((
            m,
            format!("checkpoint {} (safetensors headers)", i.path.display()),
        )),
        (None, Some(n)) => Some((n, declared_source)),
        (None, None) => None,
    };
    if let (Some(i), Some(n)) = (&inspection, d.model.parameters_total) {
        let m = i.parameters.total.0 as f64;
        if m > 0.0 && apart(m, n) > PARAMETER_DISAGREEMENT {
            flags.push(Flag {
                kind: "parameters_total_disagree",
                phase: None,
                message: format!(
                    "model.parameters_total is {} in {} but the checkpoint {} has {} parameters (safetensors headers), {:.2}× apart",
                    ParamCount(n as u64),
                    path.display(),
                    i.path.display(),
                    ParamCount(m as u64),
                    apart(m, n)
                ),
            });
        }
    }

    let mut base_unknown = None;
    let base = match &d.base_model {
        None => None,
        Some(b) => match (&b.registry_id, b.operations) {
            (Some(id), _) => {
                // Ids match in any case.
                let m = inputs
                    .registry
                    .model(id)
                    .map_err(|e| field_error(path, "base_model.registry_id", e.to_string()))?;
                match (m.training_compute_flop, b.systemic_risk) {
                    (Some(flop), _) => Some(Inherited {
                        flop,
                        from: m.id.clone(),
                        source: format!("registry: {} ({})", m.source, inputs.registry.origin),
                    }),
                    (None, Some(systemic_risk)) => {
                        base_unknown = Some(UnknownBase {
                            from: m.id.clone(),
                            systemic_risk,
                        });
                        None
                    }
                    (None, None) => {
                        return Err(field_error(path, "base_model.registry_id", format!("{id} has no training-compute figure in the registry; give base_model.operations instead, or systemic_risk = true or false to use the EU's fallback for an unknown compute")));
                    }
                }
            }
            (None, Some(flop)) => Some(Inherited {
                flop,
                from: "declared base model".into(),
                source: b.source.clone().unwrap_or_else(|| "declaration".into()),
            }),
            (None, None) => {
                base_unknown = Some(UnknownBase {
                    from: b
                        .name
                        .clone()
                        .unwrap_or_else(|| "the declared base model".into()),
                    systemic_risk: b.systemic_risk.expect(
                        "validation requires systemic_risk without registry_id or operations",
                    ),
                });
                None
            }
        },
    };

    let total = estimate(d, path, active.clone(), base, base_unknown)?;
    flags.splice(0..0, total.flags.iter().cloned());

    let implied_capability = if d.benchmarks.is_empty() {
        None
    } else {
        let scores: Vec<(&str, f64)> = d
            .benchmarks
            .iter()
            .map(|b| (b.id.as_str(), b.score))
            .collect();
        Some(inputs.fit.score_new(&scores).map_err(|e| match e {
            capability::Error::UnknownBenchmark(id) => field_error(
                path,
                "benchmarks",
                format!("{id:?} is not a benchmark of the registry"),
            ),
            other => other.into(),
        })?)
    };
    Ok(Validated {
        inspection,
        active,
        total,
        flags,
        implied_capability,
    })
}

/// The declaration's phases estimated with `active` parameters and the `base` model's compute: the
/// total [`validate`] computes, and what a sensitivity run recomputes for a varied declaration.
pub fn estimate(
    d: &Declaration,
    path: &Path,
    active: Option<(f64, String)>,
    base: Option<Inherited>,
    base_unknown: Option<UnknownBase>,
) -> Result<Total, Error> {
    let compute_inputs = compute::Inputs {
        active_parameters: active,
        base,
        base_unknown,
        peak: &chips::peak,
    };
    compute::estimate(d, &compute_inputs).map_err(|e| match e {
        compute::Error::NoParameters { phase } => field_error(
            path,
            &format!("phases[{phase}].tokens"),
            "tokens are given but the active parameter count is unknown (declare model.parameters_active or pass --checkpoint)".into(),
        ),
        compute::Error::Hardware { phase, message } => {
            field_error(path, &format!("phases[{phase}].hardware"), message)
        }
        compute::Error::NotFinite { phase, method } => field_error(
            path,
            &format!("phases[{phase}]"),
            format!("the {method} estimate is too large to compute (check the magnitudes)"),
        ),
    })
}

/// Assesses `d`: [`validate`], then the floor at the as-of date and a verdict per regime.
pub fn assess(d: &Declaration, inputs: &Inputs) -> Result<Assessment, Error> {
    let Validated {
        inspection,
        active,
        total,
        mut flags,
        implied_capability,
    } = validate(
        d,
        &Context {
            declaration_path: inputs.declaration_path,
            checkpoint: inputs.checkpoint,
            registry: inputs.registry,
            fit: inputs.fit,
        },
    )?;
    let path = inputs.declaration_path;

    let (floor, floor_error) =
        match floor::floor_at(inputs.points, inputs.as_of, &inputs.floor_options) {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e.to_string())),
        };

    let implied = match implied_capability {
        None => None,
        Some((theta, se)) => {
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
        }
    };

    let verdicts = regimes::all()?
        .iter()
        .map(|r| {
            judge(
                r,
                d,
                &total,
                inputs.as_of,
                floor.as_ref().map(|f| f.floor_flop),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let all = regimes::all()?;
    let plan = plan::crossings(d, &verdicts, &all, inputs.as_of);
    let mut notifications = Vec::new();
    for (r, v) in all.iter().zip(&verdicts) {
        if let Some(days) = r.notify_within_days {
            let known = plan.iter().find(|c| c.regime == r.id).and_then(|c| c.known);
            notifications.push(notification(r, v, &total, inputs.as_of, known, days));
        }
    }
    Ok(Assessment {
        notifications,
        plan,
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

/// Everything one regime concludes about `d`: the verdict on the total it counts
/// ([`regime_verdict`]), its developer test, its modality test and any presumption inherited from
/// the base model. `floor_flop` is the 4E091 floor at `as_of`, where it is defined.
pub fn judge(
    r: &regimes::Regime,
    d: &Declaration,
    total: &Total,
    as_of: Date,
    floor_flop: Option<f64>,
) -> Result<Verdict, Error> {
    let mut v = regime_verdict(r, total, as_of, floor_flop, d.model.weights_published);
    v.developer = developer_test(r, &v, d.developer.as_ref(), as_of);
    modality_test(r, &mut v, d.model.generates.as_deref());
    inherited_presumption(r, &mut v, total)?;
    Ok(v)
}

/// One regime's verdict on the total *it* counts, with the version in force at `as_of`.
pub fn regime_verdict(
    r: &regimes::Regime,
    total: &Total,
    as_of: Date,
    floor_flop: Option<f64>,
    weights_published: bool,
) -> Verdict {
    let standing = r.standing(as_of);
    let counted = counting::count(r, total);
    let relative = standing.version.base_divisor.is_some();
    let base = match (&total.base, &total.base_unknown) {
        (Some(b), _) => regimes::BaseCompute::Known(b.flop),
        (None, Some(u)) => regimes::BaseCompute::Unknown {
            systemic_risk: u.systemic_risk,
        },
        (None, None) => regimes::BaseCompute::None,
    };
    let threshold = r.threshold_of(&standing.version, floor_flop, base);
    let mut v = verdict::judge(
        &threshold,
        counted.flop,
        counted.flop_lo,
        counted.flop_hi,
        weights_published,
    );
    let mut reasons = Vec::new();
    if let (true, None, Some(u)) = (relative, &total.base, &total.base_unknown) {
        reasons.push(format!(
            "modification compute {:.2e} FLOP against the fallback for a base model of unknown compute ({}, declared {})",
            counted.flop,
            u.from,
            if u.systemic_risk {
                "a systemic-risk model"
            } else {
                "a general-purpose model without systemic risk"
            }
        ));
    } else if relative && total.base.is_none() {
        // A modification rule has nothing to compare with when no model was modified.
        v.verdict = verdict::Outcome::NotApplicable;
        reasons.push(
            "no [base_model] is declared: this model is not a modification of another, so the one-third rule does not apply".to_string(),
        );
    } else if let (true, Some(b)) = (relative, &total.base) {
        reasons.push(format!(
            "modification compute {:.2e} FLOP (the phases below; the base model is the comparator) against one third of {}'s {:.2e} FLOP = {:.2e} FLOP: {}",
            counted.flop,
            b.from,
            b.flop,
            threshold.threshold_flop,
            match v.verdict {
                verdict::Outcome::Above => "more than one third: the modifier becomes the provider of a new model",
                verdict::Outcome::Below => "not more than one third: the modifier does not become the provider of a new model",
                _ => "the estimates straddle one third",
            }
        ));
    }
    reasons.push(format!(
        "counts {:.2e} FLOP: {}",
        counted.flop,
        if counted.counted.is_empty() {
            "nothing declared that it counts".to_string()
        } else {
            counted
                .counted
                .iter()
                .map(|p| format!("{} {:.2e}", counting::part_name(p), p.flop))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    let unconfirmed = |p: &counting::Part| if p.confirmed { "" } else { "unconfirmed: " };
    for p in &counted.left_out {
        reasons.push(format!(
            "leaves out {} ({:.2e} FLOP): {}{}",
            counting::part_name(p),
            p.flop,
            unconfirmed(p),
            p.source
        ));
    }
    for p in counted.counted.iter().filter(|p| !p.confirmed) {
        reasons.push(format!(
            "unconfirmed: counting {} is an interpretation: {}",
            counting::part_name(p),
            p.source
        ));
    }
    if let Some(t) = r.estimate_tolerance {
        reasons.push(estimate_reason(&threshold, &counted, total, t, r));
    }
    if counted.includes_planned() {
        reasons.push("the total includes planned phases (not yet run)".into());
    }
    reasons.push(format!("at {as_of}: {}", standing.label));
    if !standing.version.confirmed {
        reasons.push(format!("unconfirmed figure: {}", standing.version.source));
    }
    // The threshold line first, as before; then what this regime counts.
    v.reasons.splice(1..1, reasons);
    v.counted = counted.counted;
    v.left_out = counted.left_out;
    v.state = Some(standing.state);
    v.in_force = Some(standing.label);
    v.threshold_confirmed = Some(standing.version.confirmed);
    v
}

/// The regime's developer test, where it has a revenue threshold: a developer that has trained,
/// or intends to train, a model above the threshold (SB 53 §22757.11: "trained, or initiated the
/// training of"; a planned phase is the intent), and is "large" with gross revenue above the
/// figure in the calendar year before `as_of`.
pub fn developer_test(
    r: &regimes::Regime,
    v: &Verdict,
    developer: Option<&declaration::Developer>,
    as_of: Date,
) -> Option<verdict::DeveloperTest> {
    let above = r.revenue_usd_above?;
    let confirmed = r.revenue_confirmed.unwrap_or(false);
    let mut reasons = Vec::new();
    let planned: f64 = v.counted.iter().filter(|p| p.planned).map(|p| p.flop).sum();
    let without_planned = verdict::Outcome::Above == v.verdict && {
        v.comparison
            .holds(v.counted_flop_lo - planned, v.threshold_flop)
    };
    let (covered, intends_only) = match v.verdict {
        verdict::Outcome::Above if without_planned => {
            reasons.push("has trained a model above the threshold: a covered developer".into());
            (Some(true), false)
        }
        verdict::Outcome::Above => {
            reasons.push(format!(
                "intends to train a model above the threshold (planned phases, {planned:.2e} FLOP, carry it over): a covered developer by intent"
            ));
            (Some(true), true)
        }
        verdict::Outcome::Below => {
            reasons.push(
                "neither trained nor plans to train a model above the threshold (as declared)"
                    .into(),
            );
            (Some(false), false)
        }
        _ => {
            reasons.push("whether the model is above the threshold is not settled, so neither is the developer test".into());
            (None, false)
        }
    };
    let year = as_of.year() - 1;
    let large = match developer {
        None => {
            reasons.push(format!(
                "no [developer] revenue declared: whether gross revenue exceeded ${:.0}M in {year} is unknown",
                above / 1e6
            ));
            None
        }
        Some(dev) if dev.revenue_year != year => {
            reasons.push(format!(
                "developer.revenue_year is {}, but the test is on the calendar year before {as_of} ({year}): not settled",
                dev.revenue_year
            ));
            None
        }
        Some(dev) => {
            let over = dev.revenue_usd > above;
            reasons.push(format!(
                "gross revenue ${:.0}M in {year} is {} ${:.0}M{}",
                dev.revenue_usd / 1e6,
                if over { "above" } else { "not above" },
                above / 1e6,
                if confirmed {
                    ""
                } else {
                    " (figure unconfirmed)"
                }
            ));
            Some(over)
        }
    };
    let large_developer = match (covered, large) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    };
    Some(verdict::DeveloperTest {
        covered_developer: covered,
        intends_only,
        large_developer,
        revenue_usd_above: above,
        revenue_confirmed: confirmed,
        reasons,
    })
}

/// The regime's estimation convention (the EU: two significant figures, the method, ±30%): the
/// figure as it would be reported, and whether the verdict depends on the allowance.
fn estimate_reason(
    threshold: &regimes::Threshold,
    counted: &counting::Counted,
    total: &Total,
    tolerance: f64,
    r: &regimes::Regime,
) -> String {
    let mut methods: Vec<&str> = counted
        .counted
        .iter()
        .map(|p| match p.phase {
            Some(i) => compute::method_name(total.phases[i].chosen),
            None => "inherited",
        })
        .collect();
    methods.sort_unstable();
    methods.dedup();
    let lo = counted.flop * (1.0 - tolerance);
    let hi = counted.flop * (1.0 + tolerance);
    let t = threshold.threshold_flop;
    let depends = lo <= t && t <= hi;
    format!(
        "reported as {:.1e} FLOP (two significant figures; method: {}); {}; {}",
        counted.flop,
        if methods.is_empty() {
            "none".to_string()
        } else {
            methods.join(", ")
        },
        if depends {
            format!(
                "the verdict depends on the ±{:.0}% allowance: {lo:.2e} – {hi:.2e} FLOP spans the threshold {t:.2e}",
                tolerance * 100.0
            )
        } else {
            format!(
                "the verdict holds across the ±{:.0}% allowance ({lo:.2e} – {hi:.2e} FLOP)",
                tolerance * 100.0
            )
        },
        r.estimate_convention.as_deref().unwrap_or("")
    )
}

/// A regime for models of some modalities only (the EU GPAI criterion): not applicable when the
/// declaration says the model generates none of them; unsettled (and said so) when it is silent.
fn modality_test(r: &regimes::Regime, v: &mut Verdict, generates: Option<&[String]>) {
    let Some(wanted) = &r.modalities else { return };
    let source = r.modalities_source.as_deref().unwrap_or("");
    match generates {
        None => v.reasons.push(format!(
            "model.generates is not declared: the verdict assumes the model generates one of {} ({source})",
            wanted.join(", ")
        )),
        Some(g) if g.iter().any(|m| wanted.iter().any(|w| w.eq_ignore_ascii_case(m.trim()))) => {
            v.reasons.push(format!(
                "generates {}: within the criterion's modalities ({source})",
                g.join(", ")
            ))
        }
        Some(g) => {
            v.verdict = verdict::Outcome::NotApplicable;
            v.reasons.push(format!(
                "generates {} only, none of {}: the criterion does not apply ({source})",
                g.join(", "),
                wanted.join(", ")
            ));
        }
    }
}

/// A modification above its threshold of a base model above `inherits_from`'s threshold makes a
/// new model that inherits that regime's presumption (the EU: a modifier of a systemic-risk model).
fn inherited_presumption(r: &regimes::Regime, v: &mut Verdict, total: &Total) -> Result<(), Error> {
    let Some(id) = &r.inherits_from else {
        return Ok(());
    };
    let parent = regimes::get(id)?;
    // Whether the base model is above the parent regime's threshold, and why.
    let (over, base) = match (&total.base, &total.base_unknown) {
        (Some(b), _) => (
            parent.comparison.holds(b.flop, parent.threshold_flop),
            format!(
                "{}'s {:.2e} FLOP is {} the {} threshold {:.2e}",
                b.from,
                b.flop,
                if parent.comparison.holds(b.flop, parent.threshold_flop) {
                    "above"
                } else {
                    "not above"
                },
                parent.short,
                parent.threshold_flop
            ),
        ),
        (None, Some(u)) => (
            u.systemic_risk,
            format!(
                "{} is declared {} (its compute is unknown)",
                u.from,
                if u.systemic_risk {
                    "a systemic-risk model"
                } else {
                    "a model without systemic risk"
                }
            ),
        ),
        (None, None) => return Ok(()),
    };
    let reason = match (v.verdict, over) {
        (verdict::Outcome::Above, true) => format!(
            "{base}: the new model is presumed to be under {} too",
            parent.id
        ),
        (verdict::Outcome::Above, false) => {
            format!("{base}: the new model inherits no presumption")
        }
        _ => return Ok(()),
    };
    v.reasons.push(reason);
    Ok(())
}

/// The notification record of `v` under a regime that must be notified within `days`.
fn notification(
    r: &regimes::Regime,
    v: &Verdict,
    total: &Total,
    as_of: Date,
    known: Option<Date>,
    days: i32,
) -> Notification {
    let mut methods = Vec::new();
    let mut assumptions = Vec::new();
    for p in &v.counted {
        match p.phase {
            Some(i) => {
                let e = &total.phases[i];
                let m = compute::method_name(e.chosen).to_string();
                if !methods.contains(&m) {
                    methods.push(m);
                }
                for x in e.estimates.iter().filter(|x| x.method == e.chosen) {
                    assumptions.push(format!(
                        "phases[{i}] {}: {} ({})",
                        p.category.name(),
                        x.formula,
                        x.sources.join("; ")
                    ));
                }
            }
            None => {
                if let Some(b) = &total.base {
                    assumptions.push(format!(
                        "base model {}: {:.3e} FLOP ({})",
                        b.from, b.flop, b.source
                    ));
                }
            }
        }
    }
    let due = matches!(
        v.verdict,
        verdict::Outcome::Above | verdict::Outcome::Indeterminate
    );
    // The developer knows from the schedule's crossing when that is earlier than the estimate.
    let (knows, when) = match known {
        Some(k) if k < as_of => (
            k,
            format!("the day the schedule crosses the threshold, {k}"),
        ),
        _ => (as_of, format!("the as-of date {as_of}")),
    };
    Notification {
        regime: r.id.clone(),
        estimate: format!("{:.1e}", v.counted_flop),
        estimate_flop: v.counted_flop,
        methods,
        assumptions,
        estimated_on: as_of,
        verdict: v.verdict,
        notify_by: if due {
            knows.checked_add(jiff::Span::new().days(days)).ok()
        } else {
            None
        },
        note: format!(
            "{}; notify within {days} days of knowing the threshold is or will be met (taken here as {when})",
            r.estimate_convention.as_deref().unwrap_or("")
        ),
    }
}
