/*!
`capfloor registry audit`: the checks that keep the registry one row per release, with dated and
sized open models, after every refresh of the exports.

Each finding has a `kind`, a `severity`, the `ids` it is about and a `detail`. An `accept` row of
`overrides.csv` (kind, model, reason) marks a finding as checked and right: it is still listed,
with its explanation, but no longer fails `--fail-on`. An `accept` row that matches no finding is
itself reported, so explanations do not outlive what they explain.
*/

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::import::INFERRED_OPEN_WEIGHTS;
use super::names;
use super::overrides::{Action, Override};
use super::{primary, Accessibility, Error, Model, Registry};

/// Every kind of finding, for `accept` rows and the documentation.
pub const KINDS: &[&str] = &[
    DUPLICATE_RELEASE,
    IDENTICAL_SCORES,
    SAME_NAME_AND_DATE,
    PROBABLE_MERGE,
    EVALUATED_BEFORE_RELEASE,
    DATE_BEFORE_BASE_MODEL,
    FAMILY_DATES,
    OPEN_WITHOUT_DATE,
    OPEN_DATE_INFERRED,
    OPEN_WITHOUT_PARAMETERS,
    MOE_WITHOUT_ACTIVE,
    COMPUTE_FAR_FROM_6ND,
    DISAGREES_WITH_PRIMARY_SOURCE,
    MISSING_PRIMARY_FACT,
    UNUSED_ACCEPTANCE,
];

/// Rows with one release date whose words agree once channel words and date stamps go.
pub const DUPLICATE_RELEASE: &str = "duplicate_release";
/// Rows with the same scores on the same (three or more) benchmarks.
pub const IDENTICAL_SCORES: &str = "identical_scores";
/// Rows with one name and one release date (distinct models Epoch named alike, or a split).
pub const SAME_NAME_AND_DATE: &str = "same_name_and_date";
/// One row whose upstream versions differ in size or marker (`opt-1.3b` with `opt-13b`).
pub const PROBABLE_MERGE: &str = "probable_merge";
/// A score evaluated before the model's release date.
pub const EVALUATED_BEFORE_RELEASE: &str = "evaluated_before_release";
/// A model released before the model it was trained from.
pub const DATE_BEFORE_BASE_MODEL: &str = "date_before_base_model";
/// Base and tuned releases of one model (`x` and `x-instruct`) published more than a month apart.
pub const FAMILY_DATES: &str = "family_dates";
/// An open model without an open-weights date.
pub const OPEN_WITHOUT_DATE: &str = "open_without_open_weights_date";
/// An open model with scores whose open-weights date is inferred, not sourced.
pub const OPEN_DATE_INFERRED: &str = "open_weights_date_inferred";
/// An open model with a compute figure but no parameter count.
pub const OPEN_WITHOUT_PARAMETERS: &str = "open_without_parameters";
/// A mixture-of-experts model (by its name) without an active-parameter count.
pub const MOE_WITHOUT_ACTIVE: &str = "moe_without_active_parameters";
/// A compute figure more than 3× from 6·N·D of the model's own parameters and tokens.
pub const COMPUTE_FAR_FROM_6ND: &str = "compute_far_from_6nd";
/// A figure outside its tolerance of the developer's own (`data/primary_facts.csv`).
pub const DISAGREES_WITH_PRIMARY_SOURCE: &str = "disagrees_with_primary_source";
/// A figure the developer's own source gives and the registry lacks.
pub const MISSING_PRIMARY_FACT: &str = "missing_primary_fact";
/// An `accept` row of the overrides that matches no finding.
pub const UNUSED_ACCEPTANCE: &str = "unused_acceptance";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing to fix.
    Info,
    /// To check: fix it with an override, or explain it with an `accept` row.
    Warning,
    /// Wrong: the registry must not ship with it.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: &'static str,
    pub severity: Severity,
    pub ids: Vec<String>,
    pub detail: String,
    /// Why the finding is right, from an `accept` row of the overrides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

impl Finding {
    fn new(kind: &'static str, severity: Severity, ids: Vec<String>, detail: String) -> Finding {
        Finding {
            kind,
            severity,
            ids,
            detail,
            explanation: None,
        }
    }

    /// Whether `--fail-on threshold` fails on this finding.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.explanation.is_none() && self.severity >= threshold
    }
}

/// Counts by severity, unexplained and explained.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings an `accept` row explains (counted here, not above).
    pub explained: usize,
    /// Unexplained findings by kind.
    pub by_kind: BTreeMap<&'static str, usize>,
}

pub fn summary(findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for f in findings {
        if f.explanation.is_some() {
            s.explained += 1;
            continue;
        }
        *s.by_kind.entry(f.kind).or_default() += 1;
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
    }
    s
}

/// How far from 6·N·D a compute figure may be before it is reported.
const COMPUTE_RATIO: f64 = 3.0;
/// Evaluators often get a model some days before its announcement; earlier than this (days) the
/// score is probably of another model, or the release date is late.
const EARLY_ACCESS_DAYS: i32 = 7;
/// How far apart (days) base and tuned releases of one family may be dated.
const FAMILY_DAYS: i32 = 31;

/// Runs every check on `registry`, with the explanations of `overrides`.
pub fn audit(registry: &Registry, overrides: &[Override]) -> Result<Vec<Finding>, Error> {
    let scores = registry.scores_by_model();
    let scored = |m: &Model| scores.get(m.id.as_str()).is_some_and(|s| !s.is_empty());
    let mut findings = Vec::new();
    duplicates(registry, &mut findings);
    identical_scores(registry, &mut findings);
    merges(registry, overrides, &mut findings);
    dates(registry, &mut findings);
    for m in &registry.models {
        open_facts(m, scored(m), &mut findings);
        compute_vs_6nd(m, scored(m), &mut findings);
    }
    let facts = primary::facts()?;
    for (fact, outcome) in primary::check(registry, &facts).0 {
        let kind = match outcome {
            primary::Outcome::Agrees => continue,
            primary::Outcome::Disagrees { .. } => DISAGREES_WITH_PRIMARY_SOURCE,
            primary::Outcome::Missing => MISSING_PRIMARY_FACT,
        };
        findings.push(Finding::new(
            kind,
            Severity::Warning,
            vec![fact.registry_id.clone()],
            primary::detail(fact, &outcome),
        ));
    }
    explain(&mut findings, overrides);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(b.kind))
            .then(a.ids.cmp(&b.ids))
    });
    Ok(findings)
}

fn day_gap(a: Date, b: Date) -> i32 {
    (a - b).get_days()
}

/// The words that must agree for two rows to be one release (sorted, month names dropped).
fn core(id: &str) -> Vec<&str> {
    let mut c = names::alias_core(id);
    c.sort_unstable();
    c.dedup();
    c
}

fn duplicates(registry: &Registry, findings: &mut Vec<Finding>) {
    let mut by_core: BTreeMap<(Vec<&str>, Date), Vec<&str>> = BTreeMap::new();
    let mut by_name: BTreeMap<(String, Date), Vec<&str>> = BTreeMap::new();
    for m in &registry.models {
        let Some(d) = m.release_date else { continue };
        by_core.entry((core(&m.id), d)).or_default().push(&m.id);
        by_name
            .entry((names::slug(&m.name), d))
            .or_default()
            .push(&m.id);
    }
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for ((_, d), ids) in by_core.into_iter().filter(|(_, ids)| ids.len() > 1) {
        let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
        findings.push(Finding::new(
            DUPLICATE_RELEASE,
            Severity::Error,
            ids.clone(),
            format!(
                "{} rows of one release ({d}): their ids differ only in channel words or date stamps; merge them with variant_of",
                ids.len()
            ),
        ));
        reported.insert(ids);
    }
    // A row known only from Notable AI Models (no upstream versions) with the name of a
    // Benchmarking Hub row is that row's release split off, whatever its date.
    let mut hub_names: BTreeMap<String, &str> = BTreeMap::new();
    for m in registry.models.iter().filter(|m| !m.variants.is_empty()) {
        hub_names.entry(names::slug(&m.name)).or_insert(&m.id);
    }
    for m in registry.models.iter().filter(|m| m.variants.is_empty()) {
        if let Some(hub) = hub_names.get(&names::slug(&m.name)) {
            let ids = vec![hub.to_string(), m.id.clone()];
            findings.push(Finding::new(
                DUPLICATE_RELEASE,
                Severity::Error,
                ids.clone(),
                format!(
                    "{} is known only from Notable AI Models under the name of {hub} ({}): join them with a notable override",
                    m.id, m.name
                ),
            ));
            reported.insert(ids);
        }
    }
    for ((name, d), ids) in by_name.into_iter().filter(|(_, ids)| ids.len() > 1) {
        let ids: Vec<String> = ids.into_iter().map(str::to_string).collect();
        if reported.contains(&ids) {
            continue;
        }
        findings.push(Finding::new(
            SAME_NAME_AND_DATE,
            Severity::Warning,
            ids,
            format!("one name ({name}) and one release date ({d}): one release split in rows, or distinct models named alike (give each its own name)"),
        ));
    }
}

fn identical_scores(registry: &Registry, findings: &mut Vec<Finding>) {
    let mut by_set: BTreeMap<Vec<(&str, u64)>, Vec<&str>> = BTreeMap::new();
    for (id, scores) in registry.scores_by_model() {
        if scores.len() < 3 {
            continue;
        }
        let mut set: Vec<(&str, u64)> = scores
            .iter()
            .map(|s| (s.benchmark_id.as_str(), s.score.to_bits()))
            .collect();
        set.sort_unstable();
        by_set.entry(set).or_default().push(id);
    }
    for (set, ids) in by_set.into_iter().filter(|(_, ids)| ids.len() > 1) {
        findings.push(Finding::new(
            IDENTICAL_SCORES,
            Severity::Error,
            ids.iter().map(|s| s.to_string()).collect(),
            format!(
                "the same {} scores: one release in several rows, or one model's scores filed under another",
                set.len()
            ),
        ));
    }
}

/// One row whose upstream versions name different sizes or markers, unless a `variant_of` row
/// merged them on purpose.
fn merges(registry: &Registry, overrides: &[Override], findings: &mut Vec<Finding>) {
    let curated: BTreeSet<&str> = overrides
        .iter()
        .filter(|o| matches!(o.action, Action::VariantOf(_)))
        .map(|o| o.model_id.as_str())
        .collect();
    for m in &registry.models {
        let mut signatures: BTreeMap<Vec<String>, Vec<&str>> = BTreeMap::new();
        for v in m.variants.split(';').filter(|v| !v.is_empty()) {
            let key = names::release_key(v);
            if curated.contains(key.as_str()) {
                continue;
            }
            let sig = names::signature(&key)
                .iter()
                .map(|w| w.to_string())
                .collect();
            signatures.entry(sig).or_default().push(v);
        }
        if signatures.len() > 1 {
            let parts: Vec<String> = signatures
                .iter()
                .map(|(sig, vs)| format!("[{}] {}", sig.join(" "), vs.join(", ")))
                .collect();
            findings.push(Finding::new(
                PROBABLE_MERGE,
                Severity::Error,
                vec![m.id.clone()],
                format!(
                    "upstream versions of different sizes or kinds under one id: {}",
                    parts.join("; ")
                ),
            ));
        }
    }
}

fn dates(registry: &Registry, findings: &mut Vec<Finding>) {
    let by_id: HashMap<&str, &Model> = registry.models.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut by_name: HashMap<String, Vec<&Model>> = HashMap::new();
    for m in &registry.models {
        by_name.entry(names::slug(&m.name)).or_default().push(m);
    }
    // Evaluated before released.
    for (id, scores) in registry.scores_by_model() {
        let m = by_id[id];
        let Some(released) = m.release_date else {
            continue;
        };
        if let Some(first) = scores
            .iter()
            .filter_map(|s| Some((s.evaluated?, s)))
            .min_by_key(|(d, _)| *d)
            .filter(|(d, _)| day_gap(released, *d) > EARLY_ACCESS_DAYS)
        {
            findings.push(Finding::new(
                EVALUATED_BEFORE_RELEASE,
                Severity::Warning,
                vec![m.id.clone()],
                format!(
                    "{} evaluated on {} ({} days before its release date {released}): the release date may be late",
                    first.1.benchmark_id,
                    first.0,
                    day_gap(released, first.0)
                ),
            ));
        }
    }
    // Released before the model it was trained from.
    for m in &registry.models {
        let (Some(base), Some(released)) = (m.base_model.as_deref(), m.release_date) else {
            continue;
        };
        let first_of = |name: &str| -> Option<(&Model, Date)> {
            let mut cands: Vec<&Model> = by_id
                .get(name.to_ascii_lowercase().as_str())
                .copied()
                .into_iter()
                .collect();
            cands.extend(
                by_name
                    .get(&names::slug(name))
                    .into_iter()
                    .flatten()
                    .copied(),
            );
            cands
                .into_iter()
                .filter(|b| b.id != m.id)
                .filter_map(|b| Some((b, b.release_date?)))
                .min_by_key(|(_, d)| *d)
        };
        // A base model may be several (`Qwen2-72B,InternViT-6B`): the latest of them counts.
        let latest = base
            .split(',')
            .filter_map(|b| first_of(b.trim()))
            .max_by_key(|(_, d)| *d);
        if let Some((b, d)) = latest.filter(|(_, d)| released < *d) {
            findings.push(Finding::new(
                DATE_BEFORE_BASE_MODEL,
                Severity::Error,
                vec![m.id.clone(), b.id.clone()],
                format!("released {released}, before its base model {} ({d})", b.id),
            ));
        }
    }
    // Base and tuned releases of one model, published (open: the weights) more than a month
    // apart: one of the dates is probably the family's, not the model's.
    const TUNINGS: &[&str] = &["instruct", "chat", "it", "base"];
    let mut families: BTreeMap<String, Vec<&Model>> = BTreeMap::new();
    for m in &registry.models {
        let stem: Vec<&str> = m.id.split('-').filter(|w| !TUNINGS.contains(w)).collect();
        families.entry(stem.join("-")).or_default().push(m);
    }
    for members in families.values() {
        let dated: Vec<(&Model, Date)> = members
            .iter()
            .filter_map(|m| Some((*m, m.published()?)))
            .collect();
        let (Some(first), Some(last)) = (
            dated.iter().min_by_key(|(_, d)| *d),
            dated.iter().max_by_key(|(_, d)| *d),
        ) else {
            continue;
        };
        if day_gap(last.1, first.1) > FAMILY_DAYS {
            findings.push(Finding::new(
                FAMILY_DATES,
                Severity::Warning,
                dated.iter().map(|(m, _)| m.id.clone()).collect(),
                format!(
                    "base and tuned releases of one model published {} days apart ({} {}, {} {})",
                    day_gap(last.1, first.1),
                    first.0.id,
                    first.1,
                    last.0.id,
                    last.1
                ),
            ));
        }
    }
}

/// Open models: dated, sized, MoE active counts.
fn open_facts(m: &Model, scored: bool, findings: &mut Vec<Finding>) {
    if m.accessibility != Accessibility::OpenWeights {
        return;
    }
    let weight = if scored {
        Severity::Error
    } else {
        Severity::Warning
    };
    let one =
        |kind, severity, detail: String| Finding::new(kind, severity, vec![m.id.clone()], detail);
    match m.open_weights_date {
        None => findings.push(one(
            OPEN_WITHOUT_DATE,
            weight,
            "open weights with no open-weights date (nor a release date to infer one from)"
                .into(),
        )),
        Some(d) if m.open_weights_source == INFERRED_OPEN_WEIGHTS => findings.push(one(
            OPEN_DATE_INFERRED,
            if scored {
                Severity::Warning
            } else {
                Severity::Info
            },
            format!("open-weights date {d} is the announcement date, not checked against the weights' publication"),
        )),
        Some(_) => {}
    }
    if m.training_compute_flop.is_some() && m.parameters_total.is_none() {
        findings.push(one(
            OPEN_WITHOUT_PARAMETERS,
            weight,
            "a compute figure but no parameter count (Notable AI Models has none; take it from the developer's card)".into(),
        ));
    }
    let moe_by_name = names::release_key(&m.id)
        .split('-')
        .chain(names::slug(&m.name).split('-'))
        .any(|w| {
            w == "moe"
                || (names::word(w) == names::Word::Size
                    && (w.starts_with('a') || w.contains('x') || w.ends_with('e')))
        });
    if moe_by_name && m.parameters_active.is_none() {
        findings.push(one(
            MOE_WITHOUT_ACTIVE,
            weight,
            "a mixture of experts (by its name) without an active-parameter count".into(),
        ));
    }
}

/// Compute against 6·N·D (N active where known). Serious for scored models; for the older rows of
/// Notable AI Models `training_tokens` is often the dataset's size, not the tokens seen over
/// several epochs, so there it is only noted.
fn compute_vs_6nd(m: &Model, scored: bool, findings: &mut Vec<Finding>) {
    let (Some(c), Some(d)) = (m.training_compute_flop, m.training_tokens) else {
        return;
    };
    let Some(n) = m.parameters_active.or(m.parameters_total) else {
        return;
    };
    let six_nd = 6.0 * n * d;
    let ratio = c / six_nd;
    if !(1.0 / COMPUTE_RATIO..=COMPUTE_RATIO).contains(&ratio) {
        findings.push(Finding::new(
            COMPUTE_FAR_FROM_6ND,
            if scored {
                Severity::Warning
            } else {
                Severity::Info
            },
            vec![m.id.clone()],
            format!(
                "compute {c:.3e} FLOP is {ratio:.2}× 6·N·D = 6 × {n:.3e} × {d:.3e} = {six_nd:.3e}"
            ),
        ));
    }
}

/// Attaches the `accept` explanations, and reports those that match nothing.
fn explain(findings: &mut Vec<Finding>, overrides: &[Override]) {
    let mut used = vec![false; overrides.len()];
    for f in findings.iter_mut() {
        if let Some((i, o)) = overrides.iter().enumerate().find(|(_, o)| {
            matches!(&o.action, Action::Accept(k) if k == f.kind) && f.ids.contains(&o.model_id)
        }) {
            f.explanation = Some(o.source.clone());
            used[i] = true;
        }
    }
    for (o, used) in overrides.iter().zip(used) {
        if let (Action::Accept(kind), false) = (&o.action, used) {
            findings.push(Finding::new(
                UNUSED_ACCEPTANCE,
                Severity::Warning,
                vec![o.model_id.clone()],
                format!(
                    "overrides line {}: accepts a {kind} finding about {} that the audit no longer makes",
                    o.line, o.model_id
                ),
            ));
        }
    }
}
