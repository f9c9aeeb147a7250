//! License Exception LPP (per ultimate consignee per calendar year, with the per-site view) and,
//! for what no longer fits under it in a tier 2 destination, the country allocation.

use super::sums::{Period, Summed};
use super::Checker;
use crate::hardware::ledger::{Flag, Shipment};

impl Checker {
    /// Adds a row without a VEU holder to LPP (and the site view); true when the consignee's
    /// LPP for the year no longer holds it, which it then flags.
    pub(super) fn lpp_row(&mut self, r: &mut Shipment) -> bool {
        let year = Period::Year(r.date.year());
        let before = self.sums.used(Summed::Lpp, &r.consignee, year);
        self.sums.add(
            Summed::Lpp,
            &self.lpp,
            self.lpp_max,
            &r.consignee,
            year,
            r.tpp,
            r.line,
            self.h100,
        );
        if let Some(s) = &r.site {
            self.sums.add(
                Summed::Site,
                &self.site,
                self.lpp_max,
                s,
                year,
                r.tpp,
                r.line,
                self.h100,
            );
        }
        let beyond = before + r.tpp > self.lpp_max;
        if beyond {
            r.flags.push(Flag::new(
                "beyond-lpp",
                format!(
                    "beyond License Exception LPP for {} in {}: needs a license{}",
                    r.consignee,
                    r.date.year(),
                    if self.counts_toward_allocation(r) {
                        "; counts toward the tier 2 country allocation"
                    } else {
                        ""
                    }
                ),
                Some(&self.lpp.status),
            ));
        }
        beyond
    }

    /// Whether a licensed row counts toward its country's allocation: a tier 2 destination,
    /// within the allocation's dates.
    fn counts_toward_allocation(&self, r: &Shipment) -> bool {
        let allocation = &self.allocation;
        let in_allocation = allocation.from.is_none_or(|f| r.date >= f)
            && allocation.through.is_none_or(|t| r.date <= t);
        r.tier == 2 && in_allocation
    }

    /// Adds a row beyond LPP to its country's allocation, where it counts (× the `--g2g`
    /// multiplier for a country with a government-to-government agreement).
    pub(super) fn allocation_row(&mut self, r: &Shipment) {
        if !self.counts_toward_allocation(r) {
            return;
        }
        let g = self.g2g.contains(&r.destination.as_str());
        let multiplier = self.multiplier;
        let max = self.allocation.tpp_max.expect("tested") * if g { multiplier } else { 1.0 };
        let c = self.sums.add(
            Summed::Allocation,
            &self.allocation,
            max,
            &r.destination,
            Period::Range,
            r.tpp,
            r.line,
            self.h100,
        );
        if g {
            c.note = Some(format!(
                "× {multiplier} under a government-to-government agreement (--g2g)"
            ));
        }
    }
}
