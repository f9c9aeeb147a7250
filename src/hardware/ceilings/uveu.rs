//! Universal Data Center VEUs (holders headquartered in tier 1): caps on a holder's share of its
//! own TPP outside tier 1, in each tier 2 country and, for a US holder, outside the United States.
//! Shares move with the holder's total, so every share is re-tested at every row.

use std::collections::BTreeMap;

use super::{Ceiling, Checker};
use crate::hardware::ledger::Shipment;
use crate::hardware::tiers;
use crate::regimes::HardwareThreshold;

/// A holder's share of TPP in one place, tracked row by row.
#[derive(Default)]
pub(super) struct Share {
    used: f64,
    /// The first line of the current run of rows after which the share is over the cap.
    over_since: Option<usize>,
}

/// The caps on a UVEU holder's shares.
#[derive(Clone, Copy)]
pub(super) struct UveuCaps {
    pub(super) outside_tier1: f64,
    pub(super) tier2_country: f64,
    /// For holders headquartered in the United States.
    pub(super) outside_us: f64,
}

/// One UVEU holder's TPP in all, outside tier 1, outside the United States, and per tier 2
/// country.
#[derive(Default)]
pub(super) struct Uveu {
    total: f64,
    /// Headquartered in the United States, as its first row says.
    us_headquartered: bool,
    outside_tier1: Share,
    outside_us: Share,
    tier2: BTreeMap<&'static str, Share>,
}

impl Uveu {
    /// Adds a row, then re-tests every share against its cap (all shares move with the total).
    /// A holder first seen on row `r` (the ledger gives each holder one headquarters).
    pub(super) fn new(r: &Shipment) -> Self {
        Uveu {
            us_headquartered: r.consignee_hq == "US",
            ..Uveu::default()
        }
    }

    pub(super) fn add(&mut self, r: &Shipment, caps: UveuCaps) {
        self.total += r.tpp;
        if r.tier != 1 {
            self.outside_tier1.used += r.tpp;
        }
        if r.destination != "US" {
            self.outside_us.used += r.tpp;
        }
        if r.tier == 2 {
            let code = tiers::find(&r.destination).map_or("", |d| d.code.as_str());
            self.tier2.entry(code).or_default().used += r.tpp;
        }
        let total = self.total;
        let update = |s: &mut Share, cap: f64| {
            if s.used > cap * total {
                s.over_since.get_or_insert(r.line);
            } else {
                s.over_since = None;
            }
        };
        update(&mut self.outside_tier1, caps.outside_tier1);
        if self.us_headquartered {
            update(&mut self.outside_us, caps.outside_us);
        }
        for s in self.tier2.values_mut() {
            update(s, caps.tier2_country);
        }
    }
}

impl Checker {
    /// Adds a row shipped under a tier-1-headquartered holder's VEU to its shares.
    pub(super) fn uveu_row(&mut self, r: &Shipment) {
        let op = r.operator.as_deref().expect("a UVEU row has an operator");
        let caps = self.caps;
        self.uveu
            .entry_ref(op)
            .or_insert_with(|| Uveu::new(r))
            .add(r, caps);
    }

    /// Each holder's shares against their caps, by holder; the headroom is the TPP that could
    /// still go there without adding any elsewhere: (cap × total − used) / (1 − cap).
    pub(super) fn uveu_ceilings(&self) -> Vec<Ceiling> {
        let h100 = self.h100;
        let mut ceilings = Vec::new();
        let mut holders: Vec<(&String, &Uveu)> = self.uveu.iter().collect();
        holders.sort_by(|a, b| a.0.cmp(b.0));
        for (op, u) in holders {
            let mut share = |limit: &HardwareThreshold, subject: String, s: &Share| {
                let cap = limit.share_max.expect("tested");
                let headroom = (cap * u.total - s.used) / (1.0 - cap);
                ceilings.push(Ceiling {
                    limit: limit.id.clone(),
                    subject,
                    period: "ledger".into(),
                    limit_tpp: cap * u.total,
                    used_tpp: s.used,
                    headroom_tpp: headroom,
                    headroom_h100_equivalents: headroom / h100,
                    status: limit.status.clone(),
                    exceeded_at_line: s.over_since,
                    note: Some(format!(
                        "{:.1}% of the holder's {:.4e} TPP",
                        100.0 * s.used / u.total,
                        u.total
                    )),
                });
            };
            share(&self.outside, op.to_string(), &u.outside_tier1);
            if u.us_headquartered {
                share(&self.outside_us, op.to_string(), &u.outside_us);
            }
            for (country, s) in &u.tier2 {
                share(&self.per_country, format!("{op} in {country}"), s);
            }
        }
        ceilings
    }
}
