/*!
The Notable AI Models join, which gives what the Benchmarking Hub lacks (parameters, training
tokens, base model, fine-tune compute, compute where the Hub has none): the figures read from
each row, which row is which release (a sourced `notable` override, else the words of the
names), the open models with a compute figure but no scores that it adds, and the models.csv rows
built from the drafts and their rows.
*/

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::super::overrides::{Action, Override};
use super::super::{did_you_mean, names, Accessibility, Error, Model};
use super::draft::Drafts;
use super::eci::{accessibility, basis, confidence};
use super::export::{field, Export, Problems};

/// The Notable AI Models figures the registry takes, read (and checked) once per row.
pub(super) struct NotableFields {
    parameters: Vec<Option<f64>>,
    tokens: Vec<Option<f64>>,
    compute: Vec<Option<f64>>,
    finetune: Vec<Option<f64>>,
    published: Vec<Option<Date>>,
}

impl NotableFields {
    pub(super) fn read(notable: &Export, problems: &mut Problems) -> NotableFields {
        let p = &notable.path;
        let mut f = NotableFields {
            parameters: Vec::new(),
            tokens: Vec::new(),
            compute: Vec::new(),
            finetune: Vec::new(),
            published: Vec::new(),
        };
        for r in &notable.rows {
            f.parameters.push(problems.count(p, r, "Parameters"));
            f.tokens
                .push(problems.count(p, r, "Training dataset size (gradients)"));
            f.compute
                .push(problems.count(p, r, "Training compute (FLOP)"));
            f.finetune
                .push(problems.count(p, r, "Finetune compute (FLOP)"));
            f.published.push(problems.date(p, r, "Publication date"));
        }
        f
    }
}

/// The words of a spelling, sorted: `Qwen2.5 Instruct (72B)` and `qwen2.5-72b-instruct` agree.
fn word_set(key: &str) -> Vec<&str> {
    let mut w: Vec<&str> = key.split('-').filter(|w| !w.is_empty()).collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// The `notable` value that says no row of Notable AI Models is the model.
pub const NO_NOTABLE_ROW: &str = "none";

/// Joins each release to its Notable AI Models row: by a sourced `notable` override, else by
/// the release's own words, else by Epoch's name for it when that name does not leave out what
/// makes the release distinct: Epoch calls Qwen2.5-VL-72B-Instruct "Qwen2.5-72B", so a marker on
/// one side only keeps them apart (except the base or a tuning, `-instruct`, `-chat`, of the same
/// weights), and so do different sizes; a size one spelling does not give at all ("Llama 4
/// Maverick", `bloom`) does not.
pub(super) fn join_notable(
    drafts: &mut Drafts,
    notable: &Export,
    nf: &NotableFields,
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<(), Error> {
    let keys: Vec<String> = notable
        .rows
        .iter()
        .map(|r| names::slug(field(r, "Model")))
        .collect();
    let mut by_words: BTreeMap<Vec<&str>, usize> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        by_words.entry(word_set(k)).or_insert(i);
    }
    let mut problems = Vec::new();
    // `Some(row)`, or `None` for `notable = none`: no row of Notable AI Models is this model.
    let mut curated: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for o in overrides {
        let Action::Notable(name) = &o.action else {
            continue;
        };
        if name.eq_ignore_ascii_case(NO_NOTABLE_ROW) {
            curated.insert(&o.model_id, None);
        } else if let Some(i) = notable
            .rows
            .iter()
            .position(|r| field(r, "Model").eq_ignore_ascii_case(name))
        {
            curated.insert(&o.model_id, Some(i));
        } else {
            problems.push(format!(
                "{}: value: {name:?} is not a Model of Notable AI Models{}",
                at(o),
                did_you_mean(&names::suggest(
                    name,
                    notable.rows.iter().map(|r| field(r, "Model"))
                ))
            ));
        }
        if !drafts.contains_key(&o.model_id) {
            problems.push(format!(
                "{}: model_id: {:?} is not a release of the Benchmarking Hub{}",
                at(o),
                o.model_id,
                did_you_mean(&names::suggest(
                    &o.model_id,
                    drafts.keys().map(String::as_str)
                ))
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    const TUNINGS: &[&str] = &["instruct", "chat", "it", "base"];
    for (id, d) in drafts.iter_mut() {
        if let Some(&row) = curated.get(id.as_str()) {
            d.notable = row;
            continue;
        }
        if let Some(&i) = by_words.get(&word_set(id)) {
            d.notable = Some(i);
            continue;
        }
        let by_name = names::slug(&d.name);
        if let Some(&i) = by_words.get(&word_set(&by_name)) {
            let mine = names::signature(id);
            let theirs = names::signature(&keys[i]);
            let size = |w: &&str| names::word(w) == names::Word::Size;
            let sizes = |sig: &[&str]| -> Vec<String> {
                sig.iter()
                    .filter(|w| size(w))
                    .map(|w| w.to_string())
                    .collect()
            };
            let (my_sizes, their_sizes) = (sizes(&mine), sizes(&theirs));
            // No marker (VL, Thinking, Coder …) on one side only, beyond a base or tuning of
            // the same weights; sizes equal where both spellings give them.
            let markers_agree = mine
                .iter()
                .chain(theirs.iter())
                .filter(|w| !size(w))
                .all(|w| TUNINGS.contains(w) || (mine.contains(w) && theirs.contains(w)));
            let sizes_agree =
                my_sizes.is_empty() || their_sizes.is_empty() || my_sizes == their_sizes;
            let compatible = markers_agree && sizes_agree;
            if compatible {
                d.notable = Some(i);
            }
        }
    }
    // Open-weight models with a compute figure that have no scores are added from Notable.
    let joined: BTreeSet<usize> = drafts.values().filter_map(|d| d.notable).collect();
    for (i, r) in notable.rows.iter().enumerate() {
        let open =
            accessibility(field(r, "Model accessibility")) == Some(Accessibility::OpenWeights);
        if joined.contains(&i) || !open || nf.compute[i].is_none() {
            continue;
        }
        let id = keys[i].clone();
        if id.is_empty() || drafts.contains_key(&id) {
            continue;
        }
        let d = drafts.entry(id).or_default();
        d.name = field(r, "Model").to_string();
        d.notable = Some(i);
    }
    Ok(())
}

/// The models.csv rows of the drafts (sorted by id), before the overrides.
pub(super) fn build_models(drafts: &Drafts, notable: &Export, nf: &NotableFields) -> Vec<Model> {
    let mut models = Vec::with_capacity(drafts.len());
    for (id, d) in drafts {
        let n = d.notable.map(|i| &notable.rows[i]);
        let text = |name: &str| n.map_or("", |r| field(r, name));
        let figure = |v: &Vec<Option<f64>>| d.notable.and_then(|i| v[i]);
        let compute = d.compute.or(figure(&nf.compute));
        let notes = if d.compute_notes.is_empty() {
            text("Training compute notes")
        } else {
            &d.compute_notes
        };
        let mut sources = Vec::new();
        if d.from_hub {
            sources.push("Epoch AI Benchmarking Hub".to_string());
        }
        if let Some(r) = n {
            let link = field(r, "Link");
            let row = format!("Epoch AI Notable AI Models ({})", field(r, "Model"));
            sources.push(if link.is_empty() {
                row
            } else {
                format!("{row}; {}", link.split(',').next().unwrap_or(link).trim())
            });
        }
        let name = if d.name.is_empty() {
            id.clone()
        } else {
            d.name.clone()
        };
        models.push(Model {
            id: id.clone(),
            name,
            organization: if d.organization.is_empty() {
                text("Organization").to_string()
            } else {
                d.organization.clone()
            },
            release_date: d.release_date.or(d.notable.and_then(|i| nf.published[i])),
            open_weights_date: None,
            open_weights_source: String::new(),
            accessibility: d
                .accessibility
                .or(accessibility(text("Model accessibility")))
                .unwrap_or(Accessibility::Unknown),
            parameters_total: figure(&nf.parameters),
            parameters_active: None,
            training_tokens: figure(&nf.tokens),
            training_compute_flop: compute,
            compute_basis: compute.map(|_| basis(notes)),
            confidence: if compute.is_some() {
                d.confidence.or(confidence(text("Confidence")))
            } else {
                None
            },
            base_model: Some(text("Base model").to_string()).filter(|s| !s.is_empty()),
            finetune_compute_flop: figure(&nf.finetune),
            recipe: None,
            recipe_source: String::new(),
            eci_published: d.eci,
            variants: d.variants.iter().cloned().collect::<Vec<_>>().join(";"),
            source: sources.join("; "),
        });
    }
    models
}
