//! The running sums every cumulative ceiling shares: a ceiling per limit, period and subject,
//! bumped row by row, and named and sorted at the end.

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::Ceiling;
use crate::regimes::HardwareThreshold;

/// The period a cumulative ceiling sums over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Period {
    Year(i16),
    /// The country allocation's date range.
    Range,
    /// A schedule step: everything through its date.
    Through(Date),
    Ledger,
}

/// Maps keyed by owned strings and looked up by borrowed ones: a key is allocated only the
/// first time it is seen, never per row.
pub(super) type StrMap<V> = hashbrown::HashMap<String, V, rustc_hash::FxBuildHasher>;

/// The cumulative limits summed in [`Sums`], in the order of `Checker::limits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Summed {
    Lpp,
    Site,
    Allocation,
    Cumulative,
    Nveu,
}

/// Running sums for the cumulative ceilings, keyed by limit and period, then by subject.
#[derive(Default)]
pub(super) struct Sums {
    pub(super) ceilings: FxHashMap<(Summed, Period), StrMap<Ceiling>>,
}

/// A new, empty ceiling of `limit` at `max`.
pub(super) fn ceiling(limit: &HardwareThreshold, max: f64, h100: f64) -> Ceiling {
    Ceiling {
        limit: limit.id.clone(),
        subject: String::new(),
        period: String::new(),
        limit_tpp: max,
        used_tpp: 0.0,
        headroom_tpp: max,
        headroom_h100_equivalents: max / h100,
        status: limit.status.clone(),
        exceeded_at_line: None,
        note: None,
    }
}

/// Adds a row's TPP to a ceiling.
pub(super) fn bump(c: &mut Ceiling, tpp: f64, line: usize, h100: f64) {
    c.used_tpp += tpp;
    c.headroom_tpp = c.limit_tpp - c.used_tpp;
    c.headroom_h100_equivalents = c.headroom_tpp / h100;
    // "Up to" the limit is allowed: exceeded only above it.
    if c.used_tpp > c.limit_tpp && c.exceeded_at_line.is_none() {
        c.exceeded_at_line = Some(line);
    }
}

impl Sums {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn add(
        &mut self,
        which: Summed,
        limit: &HardwareThreshold,
        max: f64,
        subject: &str,
        period: Period,
        tpp: f64,
        line: usize,
        h100: f64,
    ) -> &mut Ceiling {
        let c = self
            .ceilings
            .entry((which, period))
            .or_default()
            .entry_ref(subject)
            .or_insert_with(|| ceiling(limit, max, h100));
        bump(c, tpp, line, h100);
        c
    }

    pub(super) fn used(&self, which: Summed, subject: &str, period: Period) -> f64 {
        self.ceilings
            .get(&(which, period))
            .and_then(|m| m.get(subject))
            .map_or(0.0, |c| c.used_tpp)
    }

    /// The ceilings, named, in order of limit, subject and period.
    pub(super) fn into_ceilings(self, range: &str) -> Vec<Ceiling> {
        let mut all: Vec<(Period, Ceiling)> = Vec::new();
        for ((_, period), subjects) in self.ceilings {
            for (subject, mut c) in subjects {
                c.subject = subject;
                c.period = match period {
                    Period::Year(y) => y.to_string(),
                    Period::Range => range.to_string(),
                    Period::Through(d) => format!("through {d}"),
                    Period::Ledger => "ledger".into(),
                };
                all.push((period, c));
            }
        }
        all.sort_by(|(a, x), (b, y)| {
            (x.limit.as_str(), x.subject.as_str(), order(*a)).cmp(&(
                y.limit.as_str(),
                y.subject.as_str(),
                order(*b),
            ))
        });
        all.into_iter().map(|(_, c)| c).collect()
    }
}

/// Periods sort by date.
fn order(p: Period) -> (i16, Option<Date>) {
    match p {
        Period::Year(y) => (y, None),
        Period::Through(d) => (d.year(), Some(d)),
        Period::Range | Period::Ledger => (0, None),
    }
}
