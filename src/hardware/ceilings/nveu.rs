//! National Data Center VEUs (holders headquartered in tier 2): cumulative TPP per holder per
//! country, capped on a schedule.

use super::sums::{bump, ceiling, Period, Summed};
use super::Checker;
use crate::hardware::ledger::{Flag, Shipment};
use crate::hardware::tiers;

impl Checker {
    /// NVEU: a row counts toward every step of the schedule it falls within; after the last
    /// step it is flagged.
    pub(super) fn nveu_row(&mut self, r: &mut Shipment) {
        let h100 = self.h100;
        let op = r.operator.as_deref().expect("an NVEU row has an operator");
        let country = tiers::find(&r.destination).map_or("", |d| d.code.as_str());
        let nveu = &self.nveu;
        let steps = self
            .nveu_sums
            .entry_ref(op)
            .or_default()
            .entry(country)
            .or_insert_with(|| vec![None; nveu.schedule.len()]);
        for (step, c) in nveu.schedule.iter().zip(steps.iter_mut()) {
            if r.date <= step.through {
                let c = c.get_or_insert_with(|| ceiling(nveu, step.limit_tpp(h100), h100));
                bump(c, r.tpp, r.line, h100);
            }
        }
        if let Some(last) = self.nveu_last {
            if r.date > last {
                r.flags.push(Flag::new(
                    "after-nveu-schedule",
                    format!("shipped after the last NVEU step ({last}): no cap in data/regimes.toml covers it"),
                    Some(&nveu.status),
                ));
            }
        }
    }

    /// Files each holder's per-country steps among the sums, as `holder in CC` through each
    /// step's date. A step no row fell within has no ceiling.
    pub(super) fn nveu_ceilings(&mut self) {
        for (op, countries) in std::mem::take(&mut self.nveu_sums) {
            for (country, steps) in countries {
                let subject = format!("{op} in {country}");
                for (step, c) in self.nveu.schedule.iter().zip(steps) {
                    let Some(c) = c else { continue };
                    self.sums
                        .ceilings
                        .entry((Summed::Nveu, Period::Through(step.through)))
                        .or_default()
                        .insert(subject.clone(), c);
                }
            }
        }
    }
}
