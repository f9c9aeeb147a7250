/*!
Merging the spellings of one release (the sourced `variant_of` rows of the overrides, then
spellings that differ only by channel words or date stamps), so that the registry has one row per
release: its drafts into one, their scores into the best one.
*/

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::super::overrides::{Action, Override};
use super::super::{did_you_mean, names, Error};
use super::benchmarks::Best;
use super::draft::Drafts;

/// Merges the drafts that are one release: first the sourced `variant_of` decisions of the
/// overrides, then spellings whose words agree once channel words and date stamps are dropped
/// and that share a release date (`grok-3-beta` and `grok-3`). Returns alias → kept id.
pub(super) fn merge_variants(
    drafts: &mut Drafts,
    overrides: &[Override],
    at: &dyn Fn(&Override) -> String,
) -> Result<BTreeMap<String, String>, Error> {
    let mut into: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for o in overrides {
        let Action::VariantOf(target) = &o.action else {
            continue;
        };
        for id in [&o.model_id, target] {
            if !drafts.contains_key(id) && !into.contains_key(id) {
                problems.push(format!(
                    "{}: {}: {id:?} is not a release of the exports{}",
                    at(o),
                    if id == target { "value" } else { "model_id" },
                    did_you_mean(&names::suggest(id, drafts.keys().map(String::as_str)))
                ));
            }
        }
        if o.model_id == *target {
            problems.push(format!(
                "{}: value: a release cannot be a variant of itself",
                at(o)
            ));
        }
        into.insert(o.model_id.clone(), target.clone());
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    // Follow chains (a → b → c) to the release kept; a cycle is an error.
    let resolve = |start: &str| -> Option<String> {
        let mut id = start.to_string();
        for _ in 0..=into.len() {
            match into.get(&id) {
                Some(next) => id = next.clone(),
                None => return Some(id),
            }
        }
        None
    };
    let mut merged = BTreeMap::new();
    for alias in into.keys() {
        let target = resolve(alias).ok_or_else(|| Error::Invalid {
            problems: vec![format!("overrides: variant_of: {alias} is part of a cycle")],
        })?;
        merged.insert(alias.clone(), target);
    }
    for (alias, target) in &merged {
        if let Some(d) = drafts.remove(alias) {
            drafts
                .get_mut(target)
                .expect("targets are drafts")
                .absorb(d);
        }
    }

    let mut groups: BTreeMap<(Vec<String>, Date, String), Vec<String>> = BTreeMap::new();
    for (id, d) in drafts.iter() {
        if let Some(date) = d.release_date {
            let mut core: Vec<String> = names::alias_core(id)
                .iter()
                .map(|w| w.to_string())
                .collect();
            core.sort_unstable();
            core.dedup();
            let org = d.organization.to_ascii_lowercase();
            groups
                .entry((core, date, org))
                .or_default()
                .push(id.clone());
        }
    }
    for members in groups.into_values().filter(|m| m.len() > 1) {
        // Keep the spelling of the model's own name, else the plainest (fewest words).
        let keep = members
            .iter()
            .min_by_key(|id| {
                let d = &drafts[*id];
                (
                    names::slug(&d.name) != **id,
                    id.split('-').count(),
                    id.len(),
                    (*id).clone(),
                )
            })
            .expect("a group has members")
            .clone();
        for alias in members.iter().filter(|id| **id != keep) {
            let d = drafts.remove(alias).expect("members are drafts");
            drafts.get_mut(&keep).expect("kept is a draft").absorb(d);
            merged.insert(alias.clone(), keep.clone());
        }
    }
    // Aliases of aliases point at the release finally kept.
    let finals: BTreeMap<String, String> = merged
        .keys()
        .map(|a| {
            let mut t = merged[a].clone();
            while let Some(next) = merged.get(&t) {
                t = next.clone();
            }
            (a.clone(), t)
        })
        .collect();
    Ok(finals)
}

/// The best score per release and benchmark once variants are merged: each variant's score is
/// filed under the release kept (`merged`: alias → kept id), the best of them staying.
pub(super) fn merge_scores(best: Best, merged: &BTreeMap<String, String>) -> Best {
    let mut kept = Best::new();
    for ((key, bench), k) in best {
        let key = merged.get(&key).cloned().unwrap_or(key);
        match kept.get(&(key.clone(), bench.clone())) {
            Some(old) if old.score >= k.score => {}
            _ => {
                kept.insert((key, bench), k);
            }
        }
    }
    kept
}
