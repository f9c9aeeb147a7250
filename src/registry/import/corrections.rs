/*!
The corrections of `data/overrides.csv` applied to the model rows, after everything else: the
models the exports lack (`add`), the field overrides, each with its source, and the open-weights
dates inferred where no source gives one. (`variant_of`, `notable` and `exclude_score` rows act
earlier, in the steps they correct.)
*/

use std::collections::BTreeMap;

use super::super::overrides::{Action, Override};
use super::super::{did_you_mean, names, Accessibility, Error, Model};

/// The models the exports lack, added by `add` rows (sorted in by id).
pub(super) fn add_models(
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
pub(super) fn apply_overrides(
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
                None => did_you_mean(&names::suggest(
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
pub(super) fn infer_open_weights_dates(models: &mut [Model]) {
    for m in models {
        if m.accessibility == Accessibility::OpenWeights && m.open_weights_date.is_none() {
            if let Some(d) = m.release_date {
                m.open_weights_date = Some(d);
                m.open_weights_source = INFERRED_OPEN_WEIGHTS.to_string();
            }
        }
    }
}
