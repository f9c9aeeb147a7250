/*!
Training operations from a declaration, estimated every way its inputs allow:

- **declared**: the operations the developer counted;
- **tokens**: 6·N·D for D tokens trained on (forward and backward pass, Kaplan et al. 2020,
  "Scaling Laws for Neural Language Models", §2.1) plus 2·N·D for D tokens generated (forward pass
  only), N the active parameters (of the generating model for generated tokens);
- **hardware**: chips × hours × 3600 × peak FLOP/s at the declared precision × utilisation.

A phase's figure is the declared one when there is one, else the token estimate, else the
hardware one; its interval runs from the lowest to the highest estimate. The total adds the phases
and any inherited base-model compute. Flags mark what a reviewer should look at: methods that
disagree by more than a factor of 2, and a declared figure below what 6·N·D of the declared
tokens implies.
*/

use serde::Serialize;

use crate::declaration::{Category, Declaration, Phase, PhaseKind};

/// How an estimate was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Declared,
    Tokens,
    Hardware,
    /// The training compute of the model merged in or initialised from (merge_or_init).
    SourceModel,
}

/// One estimate of a phase's operations, with the arithmetic that gave it.
#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    pub method: Method,
    pub flop: f64,
    /// The formula with its numbers, e.g. `6 × 7.00e9 parameters × 2.00e12 tokens`.
    pub formula: String,
    /// Where the inputs came from (declaration, checkpoint, chip table).
    pub sources: Vec<String>,
}

/// A phase's estimates and the figure chosen from them.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseEstimate {
    pub kind: PhaseKind,
    /// The column of the regimes' inclusion tables this phase falls in.
    pub category: Category,
    /// A run not yet done.
    pub planned: bool,
    pub name: Option<String>,
    pub estimates: Vec<Estimate>,
    /// The declared figure if any, else tokens, else hardware.
    pub flop: f64,
    pub chosen: Method,
    pub flop_lo: f64,
    pub flop_hi: f64,
}

/// Something a reviewer should look at.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// `methods_disagree`, `declared_below_6nd`, `capability_implies_more`.
    pub kind: &'static str,
    pub phase: Option<usize>,
    pub message: String,
}

/// Compute inherited from the base model.
#[derive(Debug, Clone, Serialize)]
pub struct Inherited {
    pub flop: f64,
    pub from: String,
    pub source: String,
}

/// A base model declared without a compute figure.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownBase {
    pub from: String,
    /// A general-purpose AI model with systemic risk (as declared).
    pub systemic_risk: bool,
}

/// The declaration's total operations as an interval.
#[derive(Debug, Clone, Serialize)]
pub struct Total {
    pub operations_flop: f64,
    pub operations_flop_lo: f64,
    pub operations_flop_hi: f64,
    pub base: Option<Inherited>,
    /// A base model whose training compute is unknown (nothing is inherited; relative regimes
    /// take their fallback threshold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_unknown: Option<UnknownBase>,
    pub phases: Vec<PhaseEstimate>,
    pub flags: Vec<Flag>,
}

/// A chip's peak dense throughput at a precision, with its source.
#[derive(Debug, Clone)]
pub struct Peak {
    pub flop_per_second: f64,
    pub source: String,
}

/// What the estimates need beyond the declaration.
pub struct Inputs<'a> {
    /// Active parameters per token and where the figure comes from.
    pub active_parameters: Option<(f64, String)>,
    pub base: Option<Inherited>,
    pub base_unknown: Option<UnknownBase>,
    /// Peak throughput of a chip at a precision, or why there is none.
    pub peak: &'a dyn Fn(&str, &str) -> Result<Peak, String>,
}

/// Why the operations cannot be estimated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Tokens are declared but no parameter count is known.
    #[error("phases[{phase}]: tokens are given but the active parameter count is unknown (declare model.parameters_active or pass --checkpoint)")]
    NoParameters { phase: usize },
    /// The chip or precision has no peak figure.
    #[error("phases[{phase}].hardware: {message}")]
    Hardware { phase: usize, message: String },
    /// An estimate past what a float holds (validation bounds every input, so this is a guard).
    #[error("phases[{phase}]: the {method} estimate is too large to compute")]
    NotFinite { phase: usize, method: &'static str },
}

/// Flags methods whose estimates differ by more than this factor.
pub const DISAGREEMENT: f64 = 2.0;

/// Estimates every phase of `d` and the total.
pub fn estimate(d: &Declaration, inputs: &Inputs) -> Result<Total, Error> {
    let mut phases = Vec::with_capacity(d.phases.len());
    let mut flags = Vec::new();
    for (i, p) in d.phases.iter().enumerate() {
        let e = phase(i, p, inputs)?;
        let ratio = e.flop_hi / e.flop_lo;
        if e.estimates.len() > 1 && (ratio > DISAGREEMENT || e.flop_lo == 0.0) {
            flags.push(Flag {
                kind: "methods_disagree",
                phase: Some(i),
                message: format!(
                    "phases[{i}] ({}): estimates range from {:.2e} to {:.2e} FLOP, more than a factor of {DISAGREEMENT}",
                    kind_name(p.kind),
                    e.flop_lo,
                    e.flop_hi
                ),
            });
        }
        let declared = e.estimates.iter().find(|x| x.method == Method::Declared);
        let tokens = e.estimates.iter().find(|x| x.method == Method::Tokens);
        if let (Some(dec), Some(tok)) = (declared, tokens) {
            if dec.flop < tok.flop {
                flags.push(Flag {
                    kind: "declared_below_6nd",
                    phase: Some(i),
                    message: format!(
                        "phases[{i}] ({}): declared {:.2e} FLOP is below the {:.2e} FLOP that {} implies",
                        kind_name(p.kind),
                        dec.flop,
                        tok.flop,
                        tok.formula
                    ),
                });
            }
        }
        phases.push(e);
    }
    let base = inputs.base.clone();
    let inherited = base.as_ref().map_or(0.0, |b| b.flop);
    Ok(Total {
        operations_flop: inherited + phases.iter().map(|p| p.flop).sum::<f64>(),
        operations_flop_lo: inherited + phases.iter().map(|p| p.flop_lo).sum::<f64>(),
        operations_flop_hi: inherited + phases.iter().map(|p| p.flop_hi).sum::<f64>(),
        base,
        base_unknown: inputs.base_unknown.clone(),
        phases,
        flags,
    })
}

/// A method as the JSON names it.
pub fn method_name(m: Method) -> &'static str {
    match m {
        Method::Declared => "declared",
        Method::Tokens => "tokens",
        Method::Hardware => "hardware",
        Method::SourceModel => "source_model",
    }
}

/// A phase kind as the declaration names it.
pub fn kind_name(k: PhaseKind) -> &'static str {
    match k {
        PhaseKind::Pretraining => "pretraining",
        PhaseKind::Midtraining => "midtraining",
        PhaseKind::Finetuning => "finetuning",
        PhaseKind::Rl => "rl",
        PhaseKind::SyntheticData => "synthetic_data",
        PhaseKind::RewardModel => "reward_model",
        PhaseKind::Evaluation => "evaluation",
        PhaseKind::FailedRuns => "failed_runs",
        PhaseKind::MergeOrInit => "merge_or_init",
        PhaseKind::DistillationTeacher => "distillation_teacher",
    }
}

fn phase(i: usize, p: &Phase, inputs: &Inputs) -> Result<PhaseEstimate, Error> {
    let mut estimates = Vec::new();
    if let Some(ops) = p.operations {
        estimates.push(Estimate {
            method: Method::Declared,
            flop: ops,
            formula: format!("declared {ops:.3e} FLOP"),
            sources: vec!["declaration".into()],
        });
    }
    let trained = p.tokens.filter(|&t| t > 0.0);
    let generated = p.tokens_generated.filter(|&t| t > 0.0);
    if trained.is_some() || generated.is_some() {
        let (n, n_source) = inputs
            .active_parameters
            .clone()
            .ok_or(Error::NoParameters { phase: i })?;
        let mut flop = 0.0;
        let mut terms = Vec::new();
        let mut sources = vec![format!("active parameters: {n_source}")];
        if let Some(d) = trained {
            flop += 6.0 * n * d;
            terms.push(format!("6 × {n:.3e} parameters × {d:.3e} tokens"));
        }
        if let Some(d) = generated {
            let g = p.generator_parameters.unwrap_or(n);
            if p.generator_parameters.is_some() {
                sources.push("generator parameters: declaration".into());
            }
            flop += 2.0 * g * d;
            terms.push(format!("2 × {g:.3e} parameters × {d:.3e} generated tokens"));
        }
        sources.push("tokens: declaration".into());
        estimates.push(Estimate {
            method: Method::Tokens,
            flop,
            formula: terms.join(" + "),
            sources,
        });
    }
    if let Some(h) = &p.hardware {
        let peak = (inputs.peak)(&h.chip, &h.precision)
            .map_err(|message| Error::Hardware { phase: i, message })?;
        let flop = h.count * h.hours * 3600.0 * peak.flop_per_second * h.utilisation;
        estimates.push(Estimate {
            method: Method::Hardware,
            flop,
            formula: format!(
                "{} × {} h × 3600 s/h × {:.3e} FLOP/s ({} {}) × {} utilisation",
                h.count, h.hours, peak.flop_per_second, h.chip, h.precision, h.utilisation
            ),
            sources: vec![
                format!("peak: {}", peak.source),
                "chips, hours, utilisation: declaration".into(),
            ],
        });
    }
    if let Some(ops) = p.source_operations {
        let from = p.source_model.as_deref().unwrap_or("the source model");
        estimates.push(Estimate {
            method: Method::SourceModel,
            flop: ops,
            formula: format!("{from}'s training compute {ops:.3e} FLOP"),
            sources: vec!["source_operations: declaration".into()],
        });
    }
    for e in &estimates {
        if !e.flop.is_finite() {
            return Err(Error::NotFinite {
                phase: i,
                method: method_name(e.method),
            });
        }
    }
    let chosen = [
        Method::Declared,
        Method::Tokens,
        Method::Hardware,
        Method::SourceModel,
    ]
    .into_iter()
    .find_map(|m| estimates.iter().find(|e| e.method == m))
    .expect("validation guarantees at least one estimate per phase");
    let lo = estimates
        .iter()
        .map(|e| e.flop)
        .fold(f64::INFINITY, f64::min);
    let hi = estimates
        .iter()
        .map(|e| e.flop)
        .fold(f64::NEG_INFINITY, f64::max);
    Ok(PhaseEstimate {
        kind: p.kind,
        category: p.category(),
        planned: p.planned,
        name: p.name.clone(),
        flop: chosen.flop,
        chosen: chosen.method,
        flop_lo: lo,
        flop_hi: hi,
        estimates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn h100(chip: &str, precision: &str) -> Result<Peak, String> {
        match (chip, precision) {
            // NVIDIA H100 SXM datasheet: 989 TFLOPS dense BF16.
            ("H100 SXM", "bf16") => Ok(Peak {
                flop_per_second: 989e12,
                source: "test".into(),
            }),
            _ => Err(format!("unknown chip {chip}")),
        }
    }

    fn declaration(phases: &str) -> Declaration {
        let text = format!("[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\nparameters_active = 7e9\n{phases}");
        Declaration::parse(Path::new("d.toml"), &text).unwrap()
    }

    fn inputs() -> Inputs<'static> {
        Inputs {
            active_parameters: Some((7e9, "declaration".into())),
            base: None,
            base_unknown: None,
            peak: &h100,
        }
    }

    #[test]
    fn six_n_d_for_training_and_two_n_d_for_generation() {
        let d = declaration("[[phases]]\nkind = \"rl\"\ntokens = 1e9\ntokens_generated = 1e10\ngenerator_parameters = 70e9\n");
        let t = estimate(&d, &inputs()).unwrap();
        assert_eq!(t.operations_flop, 6.0 * 7e9 * 1e9 + 2.0 * 70e9 * 1e10);
        assert_eq!(t.phases[0].chosen, Method::Tokens);
    }

    #[test]
    fn hardware_is_chips_times_seconds_times_peak_times_utilisation() {
        let d = declaration("[[phases]]\nkind = \"pretraining\"\nhardware = { chip = \"H100 SXM\", count = 1000, hours = 100, precision = \"bf16\", utilisation = 0.4 }\n");
        let t = estimate(&d, &inputs()).unwrap();
        assert_eq!(t.operations_flop, 1000.0 * 100.0 * 3600.0 * 989e12 * 0.4);
        let d = declaration("[[phases]]\nkind = \"pretraining\"\nhardware = { chip = \"Z9\", count = 1, hours = 1, precision = \"bf16\", utilisation = 0.4 }\n");
        let e = estimate(&d, &inputs()).unwrap_err();
        assert_eq!(e.to_string(), "phases[0].hardware: unknown chip Z9");
    }

    #[test]
    fn the_declared_figure_is_chosen_and_the_interval_spans_every_method() {
        // 6 × 7e9 × 2e12 = 8.4e22; hardware 1.42e23; declared 9e22.
        let d = declaration("[[phases]]\nkind = \"pretraining\"\ntokens = 2e12\noperations = 9e22\nhardware = { chip = \"H100 SXM\", count = 1000, hours = 100, precision = \"bf16\", utilisation = 0.4 }\n");
        let t = estimate(&d, &inputs()).unwrap();
        assert_eq!(t.operations_flop, 9e22);
        assert_eq!(t.operations_flop_lo, 8.4e22);
        assert!((t.operations_flop_hi - 1.42416e23).abs() < 1e18);
        assert!(t.flags.is_empty(), "{:?}", t.flags);
    }

    #[test]
    fn disagreement_and_an_understated_declaration_are_flagged() {
        let d =
            declaration("[[phases]]\nkind = \"pretraining\"\ntokens = 2e12\noperations = 1e22\n");
        let t = estimate(&d, &inputs()).unwrap();
        let kinds: Vec<_> = t.flags.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, ["methods_disagree", "declared_below_6nd"]);
        assert!(
            t.flags[1].message.contains("8.40e22"),
            "{}",
            t.flags[1].message
        );
    }

    #[test]
    fn tokens_without_a_parameter_count_cannot_be_estimated() {
        let d = declaration("[[phases]]\nkind = \"pretraining\"\ntokens = 2e12\n");
        let i = Inputs {
            active_parameters: None,
            ..inputs()
        };
        assert_eq!(
            estimate(&d, &i).unwrap_err(),
            Error::NoParameters { phase: 0 }
        );
    }

    #[test]
    fn base_model_compute_is_inherited() {
        let d = declaration("[[phases]]\nkind = \"finetuning\"\ntokens = 1e9\n");
        let i = Inputs {
            base: Some(Inherited {
                flop: 3.8e25,
                from: "llama-3.1-405b".into(),
                source: "registry".into(),
            }),
            ..inputs()
        };
        let t = estimate(&d, &i).unwrap();
        assert_eq!(t.operations_flop, 3.8e25 + 6.0 * 7e9 * 1e9);
    }
}
