/*!
What is known of one release while the exports are read: each reader fills in what it finds
(the first value seen stands), and merging variants absorbs one draft into another. The drafts
become the model rows once joined to Notable AI Models.
*/

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::super::{names, Accessibility, Confidence};

/// Everything known about one release while the exports are read.
#[derive(Default)]
pub(super) struct Draft {
    pub(super) name: String,
    pub(super) organization: String,
    pub(super) release_date: Option<Date>,
    pub(super) accessibility: Option<Accessibility>,
    pub(super) compute: Option<f64>,
    pub(super) compute_notes: String,
    pub(super) confidence: Option<Confidence>,
    pub(super) eci: Option<f64>,
    pub(super) variants: BTreeSet<String>,
    pub(super) notable: Option<usize>,
    pub(super) from_hub: bool,
}

impl Draft {
    /// Takes in another spelling of the same release.
    pub(super) fn absorb(&mut self, other: Draft) {
        self.variants.extend(other.variants);
        self.from_hub |= other.from_hub;
        fill(&mut self.name, &other.name);
        fill(&mut self.organization, &other.organization);
        self.release_date = self.release_date.or(other.release_date);
        self.accessibility = self.accessibility.or(other.accessibility);
        self.compute = self.compute.or(other.compute);
        self.confidence = self.confidence.or(other.confidence);
        fill(&mut self.compute_notes, &other.compute_notes);
        self.eci = match (self.eci, other.eci) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// The drafts by release key.
pub(super) type Drafts = BTreeMap<String, Draft>;

/// The draft of a version's release, created on first sight.
pub(super) fn draft_for<'a>(drafts: &'a mut Drafts, version: &str) -> &'a mut Draft {
    let d = drafts.entry(names::release_key(version)).or_default();
    d.variants.insert(version.to_string());
    d
}

/// Sets an empty `slot` to a non-empty `value`: the first value seen stands.
pub(super) fn fill(slot: &mut String, value: &str) {
    if slot.is_empty() && !value.is_empty() {
        *slot = value.to_string();
    }
}
