/*!
A training-compute declaration: what a developer states about how a model was trained, in TOML.
It is the input to `capfloor classify` and `capfloor dossier`; `docs/declaration.md` documents it
and `capfloor declaration schema` prints its JSON Schema.

```toml
[model]
name = "Example-70B"
developer = "Example Labs"
weights_published = false
checkpoint = "checkpoints/example-70b"   # optional: parameters are read from its headers
parameters_active = 70.6e9               # optional when a checkpoint is given
release_date = 2026-10-01                # optional
generates = ["text"]                     # optional: for the EU GPAI criterion's modality test

[developer]                              # optional: for SB 53's and RAISE's revenue tests
revenue_usd = 7.5e8                      # gross revenue with affiliates, in revenue_year
revenue_year = 2025

[base_model]                             # optional: a registry model whose compute is inherited
registry_id = "llama-3.1-70b"            # or: operations = 7.9e24 and source = "…"; or, compute
                                         # unknown: name = "…" and systemic_risk = true | false

[[phases]]
kind = "pretraining"                     # pretraining, midtraining, finetuning, rl,
                                         # synthetic_data, reward_model, evaluation,
                                         # failed_runs, merge_or_init, distillation_teacher
tokens = 15e12                           # tokens trained on: 6·N·D
tokens_generated = 0                     # tokens generated: 2·N·D
generator_parameters = 405e9             # N of the generating model (default: this model's)
operations = 6.4e24                      # the operations the developer counted
hardware = { chip = "H100 SXM", count = 8192, hours = 720, precision = "bf16", utilisation = 0.40 }
planned = false                          # a run not yet done (SB 53: "intends to train")
schedule = { start = 2026-09-01, end = 2026-10-01 }  # optional: the run's dates; its operations
                                         # accrue evenly, so classify dates each crossing

[[phases]]
kind = "synthetic_data"                  # needs public = true | false (the EU counts non-public)
public = false
samples_generated = 4e6                  # all samples, kept or discarded: the figure covers them
samples_kept = 1e6
operations = 3e24

[[phases]]
kind = "merge_or_init"                   # weights merged in or initialised from
source_model = "Example-8B"
source_operations = 1.2e24               # the source model's training compute

[[benchmarks]]                           # optional: for the capability-implied cross-check
id = "gpqa_diamond"
score = 0.62
```
*/

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A parsed, validated declaration.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub model: Model,
    /// The developer, for the regimes' developer tests (SB 53, RAISE: revenue).
    pub developer: Option<Developer>,
    pub base_model: Option<BaseModel>,
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub benchmarks: Vec<BenchmarkScore>,
}

/// The model being declared.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub name: String,
    pub developer: String,
    /// Whether the weights are (or will be) published: published weights are outside 4E091.
    pub weights_published: bool,
    /// Checkpoint directory or file, relative to the declaration.
    pub checkpoint: Option<PathBuf>,
    /// Active parameters per token (all parameters for a dense model).
    pub parameters_active: Option<f64>,
    pub parameters_total: Option<f64>,
    #[serde(default, deserialize_with = "crate::tomlfile::optional_date")]
    #[schemars(with = "Option<String>")]
    pub release_date: Option<Date>,
    /// What the model generates (text, image, video, audio, code, …): the EU GPAI indicative
    /// criterion is for models that generate language, images or video. Unstated: not assumed.
    pub generates: Option<Vec<String>>,
}

/// What the developer tests need to know about the developer.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Developer {
    /// Gross revenue in US dollars, with affiliates, in `revenue_year`.
    pub revenue_usd: f64,
    /// The calendar year of `revenue_usd` (SB 53 asks for the preceding calendar year).
    pub revenue_year: i16,
}

/// The model this one was trained from, whose operations count toward it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseModel {
    /// A model id in the registry; its training compute is inherited.
    pub registry_id: Option<String>,
    /// Or the base model's training operations, stated directly.
    pub operations: Option<f64>,
    /// Where an explicit figure comes from.
    pub source: Option<String>,
    /// The base model's name, when its compute is unknown (neither of the above).
    pub name: Option<String>,
    /// Whether the base model is a general-purpose AI model with systemic risk. Needed when its
    /// compute is unknown: the EU one-third rule then takes one third of 10^25 (true) or of
    /// 10^23 (false).
    pub systemic_risk: Option<bool>,
}

/// A stage of training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    Pretraining,
    Midtraining,
    Finetuning,
    Rl,
    SyntheticData,
    /// Training a reward or value model.
    RewardModel,
    /// Evaluation and red-teaming.
    Evaluation,
    /// Failed or exploratory runs.
    FailedRuns,
    /// Weights merged in or used to initialise: the compute behind them is `source_operations`.
    MergeOrInit,
    DistillationTeacher,
}

/// One phase of training and what is known of its size.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub kind: PhaseKind,
    /// A label when a kind occurs more than once.
    pub name: Option<String>,
    /// Tokens trained on (forward and backward passes: 6·N·D).
    pub tokens: Option<f64>,
    /// Tokens generated (forward passes only: 2·N·D), e.g. RL rollouts or synthetic data.
    pub tokens_generated: Option<f64>,
    /// Active parameters of the model that generated the tokens, if not this one.
    pub generator_parameters: Option<f64>,
    /// The operations the developer counted for this phase.
    pub operations: Option<f64>,
    pub hardware: Option<Hardware>,
    /// synthetic_data only: whether the generated data is publicly available (required there).
    pub public: Option<bool>,
    /// synthetic_data only: samples generated (all of them, kept or discarded) and kept. The
    /// phase's figure covers every sample generated, as the EU counts it.
    pub samples_generated: Option<f64>,
    pub samples_kept: Option<f64>,
    /// merge_or_init only: the model merged in or initialised from, and its training compute.
    pub source_model: Option<String>,
    pub source_operations: Option<f64>,
    /// A run not yet done: counted (the declaration states the run as it will be), and marked.
    #[serde(default)]
    pub planned: bool,
    /// When the phase runs: its operations accrue evenly from `start` to `end`, so a run in
    /// progress has a date at which it crosses each threshold (`classify` shows the plan).
    pub schedule: Option<Schedule>,
}

/// The longest schedule a phase may have (ten years).
pub const MAX_SCHEDULE_DAYS: i32 = 3653;

/// The dates a phase runs between: it starts at the beginning of `start` and is done by the
/// beginning of `end`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[serde(deserialize_with = "crate::tomlfile::date")]
    #[schemars(with = "String")]
    pub start: Date,
    #[serde(deserialize_with = "crate::tomlfile::date")]
    #[schemars(with = "String")]
    pub end: Date,
}

/// The kinds of work a regime may or may not count. A declaration's phase maps to one (a
/// synthetic-data phase by whether its data is public); the base model's compute is its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Pretraining,
    Midtraining,
    Finetuning,
    Rl,
    /// Non-public synthetic data (all samples generated, kept or not).
    SyntheticData,
    SyntheticDataPublic,
    RewardModel,
    Evaluation,
    FailedRuns,
    MergeOrInit,
    DistillationTeacher,
    BaseModel,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::Pretraining,
        Category::Midtraining,
        Category::Finetuning,
        Category::Rl,
        Category::SyntheticData,
        Category::SyntheticDataPublic,
        Category::RewardModel,
        Category::Evaluation,
        Category::FailedRuns,
        Category::MergeOrInit,
        Category::DistillationTeacher,
        Category::BaseModel,
    ];

    /// The key of this category in `[regime.counts]`.
    pub fn name(self) -> &'static str {
        match self {
            Category::Pretraining => "pretraining",
            Category::Midtraining => "midtraining",
            Category::Finetuning => "finetuning",
            Category::Rl => "rl",
            Category::SyntheticData => "synthetic_data",
            Category::SyntheticDataPublic => "synthetic_data_public",
            Category::RewardModel => "reward_model",
            Category::Evaluation => "evaluation",
            Category::FailedRuns => "failed_runs",
            Category::MergeOrInit => "merge_or_init",
            Category::DistillationTeacher => "distillation_teacher",
            Category::BaseModel => "base_model",
        }
    }
}

impl Phase {
    /// The category the regimes' inclusion tables count this phase under.
    pub fn category(&self) -> Category {
        match self.kind {
            PhaseKind::Pretraining => Category::Pretraining,
            PhaseKind::Midtraining => Category::Midtraining,
            PhaseKind::Finetuning => Category::Finetuning,
            PhaseKind::Rl => Category::Rl,
            // Validation requires `public` on every synthetic-data phase.
            PhaseKind::SyntheticData if self.public == Some(true) => Category::SyntheticDataPublic,
            PhaseKind::SyntheticData => Category::SyntheticData,
            PhaseKind::RewardModel => Category::RewardModel,
            PhaseKind::Evaluation => Category::Evaluation,
            PhaseKind::FailedRuns => Category::FailedRuns,
            PhaseKind::MergeOrInit => Category::MergeOrInit,
            PhaseKind::DistillationTeacher => Category::DistillationTeacher,
        }
    }
}

/// The accelerators a phase ran on.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hardware {
    /// A chip in `data/chips.csv` (names match as `capfloor tpp` matches them).
    pub chip: String,
    pub count: f64,
    pub hours: f64,
    /// Number format of the training arithmetic: fp8, bf16, fp16, tf32, fp32.
    pub precision: String,
    /// Model FLOP utilisation, in (0, 1].
    pub utilisation: f64,
}

/// A benchmark score the developer reports.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkScore {
    /// A benchmark id in the registry.
    pub id: String,
    /// Fraction correct, in [0, 1].
    pub score: f64,
}

/// A declaration that cannot be used (the file, and the field or TOML line and column).
pub use crate::tomlfile::{Bound, Error};

/// The range of each declared number (see [`Bound`]). The maxima are far beyond any training
/// run (today's largest: ~2e12 parameters, ~4e13 tokens, ~5e26 FLOP, ~1e5 chips for ~1e4 hours),
/// so that only a typing error or a hostile file meets them, and every product of them (6·N·D,
/// chips × hours × peak) stays a finite number.
pub const PARAMETERS: Bound = Bound {
    zero: false,
    max: 1e16,
    unit: "parameters",
};
pub const TOKENS: Bound = Bound {
    zero: true,
    max: 1e18,
    unit: "tokens",
};
pub const OPERATIONS: Bound = Bound {
    zero: true,
    max: 1e35,
    unit: "operations",
};
pub const CHIPS: Bound = Bound {
    zero: false,
    max: 1e9,
    unit: "chips",
};
pub const HOURS: Bound = Bound {
    zero: false,
    max: 1e6,
    unit: "hours",
};

impl Declaration {
    pub fn load(path: &Path) -> Result<Declaration, Error> {
        Self::parse(
            path,
            &crate::tomlfile::read(path, &crate::fsio::DECLARATION)?,
        )
    }

    pub fn parse(path: &Path, text: &str) -> Result<Declaration, Error> {
        let d: Declaration = crate::tomlfile::from_str(path, text)?;
        d.validate(path)?;
        Ok(d)
    }

    /// Every value a real training run could have (finite, in range: see [`Bound`]), and at
    /// least one estimate per phase.
    fn validate(&self, path: &Path) -> Result<(), Error> {
        let bad = |field: String, problem: String| Error::Field {
            path: path.to_path_buf(),
            field,
            problem,
        };
        let check = |field: String, v: Option<f64>, bound: &Bound| match v {
            Some(x) => bound.check(x).map_err(|problem| bad(field, problem)),
            None => Ok(()),
        };
        check(
            "model.parameters_active".into(),
            self.model.parameters_active,
            &PARAMETERS,
        )?;
        check(
            "model.parameters_total".into(),
            self.model.parameters_total,
            &PARAMETERS,
        )?;
        if let Some(dev) = &self.developer {
            check(
                "developer.revenue_usd".into(),
                Some(dev.revenue_usd),
                &Bound {
                    zero: true,
                    max: 1e14,
                    unit: "US dollars",
                },
            )?;
            if !(1900..=2200).contains(&dev.revenue_year) {
                return Err(bad(
                    "developer.revenue_year".into(),
                    format!("{} is not a plausible calendar year", dev.revenue_year),
                ));
            }
        }
        if let Some(b) = &self.base_model {
            match (&b.registry_id, b.operations) {
                (Some(_), Some(_)) => {
                    return Err(bad(
                        "base_model".into(),
                        "give registry_id or operations, not both".into(),
                    ))
                }
                (None, None) if b.systemic_risk.is_some() => {}
                (None, None) => {
                    return Err(bad(
                        "base_model".into(),
                        "give registry_id (a registry model) or operations, or, when its compute is unknown, systemic_risk = true or false (the EU one-third rule then takes a third of 10^25 or of 10^23)".into(),
                    ))
                }
                _ => check(
                    "base_model.operations".into(),
                    b.operations,
                    &Bound {
                        zero: false,
                        ..OPERATIONS
                    },
                )?,
            }
        }
        if self.phases.is_empty() {
            return Err(bad(
                "phases".into(),
                "at least one [[phases]] entry is needed".into(),
            ));
        }
        for (i, p) in self.phases.iter().enumerate() {
            let f = |name: &str| format!("phases[{i}].{name}");
            check(f("tokens"), p.tokens, &TOKENS)?;
            check(f("tokens_generated"), p.tokens_generated, &TOKENS)?;
            check(
                f("generator_parameters"),
                p.generator_parameters,
                &PARAMETERS,
            )?;
            check(f("operations"), p.operations, &OPERATIONS)?;
            check(f("source_operations"), p.source_operations, &OPERATIONS)?;
            let samples = Bound {
                zero: true,
                max: 1e18,
                unit: "samples",
            };
            check(f("samples_generated"), p.samples_generated, &samples)?;
            check(f("samples_kept"), p.samples_kept, &samples)?;
            let synthetic = p.kind == PhaseKind::SyntheticData;
            let merge = p.kind == PhaseKind::MergeOrInit;
            // Fields of one kind on another are a mistake the regimes would silently ignore.
            for (field, given, allowed, kind) in [
                ("public", p.public.is_some(), synthetic, "synthetic_data"),
                (
                    "samples_generated",
                    p.samples_generated.is_some(),
                    synthetic,
                    "synthetic_data",
                ),
                (
                    "samples_kept",
                    p.samples_kept.is_some(),
                    synthetic,
                    "synthetic_data",
                ),
                (
                    "source_model",
                    p.source_model.is_some(),
                    merge,
                    "merge_or_init",
                ),
                (
                    "source_operations",
                    p.source_operations.is_some(),
                    merge,
                    "merge_or_init",
                ),
            ] {
                if given && !allowed {
                    return Err(bad(f(field), format!("only a {kind} phase takes {field}")));
                }
            }
            if synthetic && p.public.is_none() {
                return Err(bad(
                    f("public"),
                    "a synthetic_data phase needs public = true or false (the EU AI Act counts only non-public synthetic data)".into(),
                ));
            }
            if let (Some(g), Some(k)) = (p.samples_generated, p.samples_kept) {
                if k > g {
                    return Err(bad(
                        f("samples_kept"),
                        format!("{k} samples kept is more than the {g} generated"),
                    ));
                }
            }
            if merge && p.source_operations.is_none() && p.operations.is_none() {
                return Err(bad(
                    f("source_operations"),
                    "a merge_or_init phase needs the source model's training compute (source_operations)".into(),
                ));
            }
            if let Some(sch) = &p.schedule {
                if sch.end <= sch.start {
                    return Err(bad(
                        f("schedule.end"),
                        format!("{} is not after schedule.start {}", sch.end, sch.start),
                    ));
                }
                if (sch.end - sch.start).get_days() > MAX_SCHEDULE_DAYS {
                    return Err(bad(
                        f("schedule.end"),
                        format!(
                            "{} is more than {MAX_SCHEDULE_DAYS} days after schedule.start {}: a training run, not a decade",
                            sch.end, sch.start
                        ),
                    ));
                }
            }
            if let Some(h) = &p.hardware {
                check(f("hardware.count"), Some(h.count), &CHIPS)?;
                check(f("hardware.hours"), Some(h.hours), &HOURS)?;
                if !(h.utilisation > 0.0 && h.utilisation <= 1.0) {
                    return Err(bad(
                        f("hardware.utilisation"),
                        format!("{} is outside (0, 1]", h.utilisation),
                    ));
                }
            }
            let has_tokens =
                p.tokens.is_some_and(|t| t > 0.0) || p.tokens_generated.is_some_and(|t| t > 0.0);
            if !has_tokens
                && p.operations.is_none()
                && p.hardware.is_none()
                && p.source_operations.is_none()
            {
                return Err(bad(
                    format!("phases[{i}]"),
                    "nothing to estimate: give tokens, tokens_generated, operations or hardware"
                        .into(),
                ));
            }
        }
        for (i, b) in self.benchmarks.iter().enumerate() {
            if !(0.0..=1.0).contains(&b.score) {
                return Err(bad(
                    format!("benchmarks[{i}].score"),
                    format!("{} is outside [0, 1]", b.score),
                ));
            }
        }
        Ok(())
    }

    /// The declaration's JSON Schema (for `capfloor declaration schema`).
    pub fn schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Declaration)).expect("a schema is JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[model]
name = "M"
developer = "D"
weights_published = false
parameters_active = 7e9

[[phases]]
kind = "pretraining"
tokens = 2e12
"#;

    fn parse(text: &str) -> Result<Declaration, Error> {
        Declaration::parse(Path::new("d.toml"), text)
    }

    #[test]
    fn a_minimal_declaration_is_read() {
        let d = parse(MINIMAL).unwrap();
        assert_eq!(d.phases[0].kind, PhaseKind::Pretraining);
        assert_eq!(d.model.parameters_active, Some(7e9));
    }

    #[test]
    fn impossible_values_name_the_field() {
        let cases = [
            (MINIMAL.replace("tokens = 2e12", "tokens = -1.0"), "phases[0].tokens"),
            (format!("{MINIMAL}hardware = {{ chip = \"H100\", count = 8, hours = -3, precision = \"bf16\", utilisation = 0.4 }}\n"), "phases[0].hardware.hours"),
            (format!("{MINIMAL}hardware = {{ chip = \"H100\", count = 8, hours = 3, precision = \"bf16\", utilisation = 1.5 }}\n"), "phases[0].hardware.utilisation"),
            (format!("{MINIMAL}hardware = {{ chip = \"H100\", count = 8, hours = 3, precision = \"bf16\", utilisation = 0 }}\n"), "phases[0].hardware.utilisation"),
            (MINIMAL.replace("tokens = 2e12", "name = \"empty\""), "phases[0]: nothing to estimate"),
            (format!("{MINIMAL}[base_model]\nregistry_id = \"x\"\noperations = 1e24\n"), "base_model: give registry_id or operations, not both"),
            (format!("{MINIMAL}[[benchmarks]]\nid = \"mmlu\"\nscore = 2.0\n"), "benchmarks[0].score"),
        ];
        for (text, expected) in cases {
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.contains(expected), "expected {expected:?} in {e}");
            assert!(e.starts_with("d.toml: "), "{e}");
        }
    }

    #[test]
    fn toml_errors_give_line_and_column() {
        let e = parse(&MINIMAL.replace("kind = \"pretraining\"", "kind = \"pretrain\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 9, column 8"), "{e}");
        let e = parse(&format!("{MINIMAL}colour = 1\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
    }

    #[test]
    fn the_schema_names_every_phase_kind() {
        let s = Declaration::schema().to_string();
        for kind in [
            "pretraining",
            "midtraining",
            "finetuning",
            "rl",
            "synthetic_data",
            "distillation_teacher",
        ] {
            assert!(s.contains(kind), "{kind} missing from the schema");
        }
    }
}
