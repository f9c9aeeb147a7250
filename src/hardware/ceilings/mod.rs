/*!
The TPP ceilings of the AI Diffusion rule summed over a shipment ledger, in ledger order. Every
limit comes from `data/regimes.toml` with its status and source; an unconfirmed one is reported
as such, never as law.

How rows are counted (the rule's structure as its summaries state it; see each limit's source):
- A row with an `operator` is shipped under that holder's Data Center VEU. A holder
  headquartered in tier 1 is a universal VEU (UVEU): its shares outside tier 1 and in each tier 2
  country are capped, and, headquartered in the United States, its share outside the United
  States (the first row of a holder gives its headquarters). A holder headquartered in tier 2 is a national VEU (NVEU): its cumulative
  TPP per country is capped on a schedule. VEU rows use neither LPP nor the country allocation.
- Any other row to a tier 1 or 2 destination counts toward License Exception LPP (per ultimate
  consignee per calendar year). A row that no longer fits under LPP needs a license and, in a
  tier 2 destination, counts toward that country's allocation (LPP-sized orders "do not count
  against national chip caps"). Tier 3 rows count toward nothing: no exception applies.
- Views: LPP summed per `site` per year (the rule's limit is per consignee; a site view shows
  consignees that aggregate into one cluster) and the unconfirmed 253,000,000 TPP figure per
  consignee over the whole ledger.

A cap on a share is exceeded at the first row of the run of rows, lasting to the end of the
ledger, after which the holder's share stays above the cap; its headroom is the TPP that could
still be added there without adding any elsewhere: (cap × total − used) / (1 − cap).

Each ceiling is one file over the running sums they share (`sums.rs`): `lpp.rs` (LPP, the site
view and the country allocation), `uveu.rs`, `nveu.rs`; the qualifying recipient's cumulative
ceiling is a single sum, here.
*/

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::ledger::{Flag, Shipment};
use super::{tiers, tpp};
use crate::regimes::{self, HardwareThreshold};

mod lpp;
mod nveu;
mod sums;
mod uveu;

use sums::{Period, StrMap, Summed, Sums};
use uveu::{Uveu, UveuCaps};

/// One limit summed over the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Ceiling {
    /// The limit's id in data/regimes.toml (`lpp`, `tier2-country-allocation`, …).
    pub limit: String,
    /// Whom it applies to: a consignee, site, country, or `operator` / `operator in CC`.
    pub subject: String,
    /// A calendar year, a date range, `through DATE`, or `ledger`.
    pub period: String,
    pub limit_tpp: f64,
    pub used_tpp: f64,
    pub headroom_tpp: f64,
    pub headroom_h100_equivalents: f64,
    /// `confirmed` or `unconfirmed`, from data/regimes.toml.
    pub status: String,
    /// The ledger line at which the limit is first exceeded.
    pub exceeded_at_line: Option<usize>,
    /// How the limit was adjusted, if it was (e.g. doubled by --g2g).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Total TPP per consignee, site, destination country and VEU holder.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub consignee: BTreeMap<String, f64>,
    pub site: BTreeMap<String, f64>,
    pub country: BTreeMap<String, f64>,
    pub operator: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub rows: Vec<Shipment>,
    pub ceilings: Vec<Ceiling>,
    pub totals: Totals,
    /// Every limit applied, with its description, status and source.
    pub limits: Vec<HardwareThreshold>,
    pub h100_tpp: f64,
    /// Kinds of row no license exception covers (see [`OUTSIDE_EXCEPTION`]).
    pub outside_exception: Vec<FlagCount>,
}

/// What the ledger is checked under.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Tier 2 countries (ISO alpha-2) with a government-to-government agreement.
    pub g2g: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("--g2g {0}: {1}")]
    G2g(String, String),
    #[error(transparent)]
    Regimes(#[from] regimes::Error),
}

fn threshold<'a>(all: &'a [HardwareThreshold], id: &str) -> Result<&'a HardwareThreshold, Error> {
    all.iter()
        .find(|t| t.id == id)
        .ok_or_else(|| Error::Regimes(regimes::Error::missing(id)))
}

/// Adds `tpp` to the total of `key`.
fn tally(totals: &mut StrMap<f64>, key: &str, tpp: f64) {
    *totals.entry_ref(key).or_insert(0.0) += tpp;
}

fn sorted(totals: StrMap<f64>) -> BTreeMap<String, f64> {
    totals.into_iter().collect()
}

/// The flags that put a row outside every license exception: `--fail-on exceed` fails on them
/// whatever their ceilings say. LPP is not available in a tier 3 destination, nor to an entity
/// headquartered in one (the headquarters license requirement of 15 CFR 742.6(a)(6)(iii)(A),
/// which BIS's May 2025 guidance says is still enforced), and a VEU holder headquartered in
/// tier 3 has no VEU.
pub const OUTSIDE_EXCEPTION: &[(&str, &str)] = &[
    (
        "tier3-destination",
        "no license exception applies in a tier 3 destination",
    ),
    (
        "tier3-headquarters",
        "a consignee headquartered in tier 3 needs a license wherever it receives (15 CFR 742.6(a)(6)(iii)(A))",
    ),
    (
        "veu-ineligible",
        "a VEU holder headquartered in tier 3 has no Data Center VEU",
    ),
];

/// How many rows carry one kind of flag.
#[derive(Debug, Clone, Serialize)]
pub struct FlagCount {
    pub flag: &'static str,
    pub rows: usize,
    pub first_line: usize,
    /// The first such row's message.
    pub message: String,
    pub status: Option<String>,
    /// Why no license exception covers such a row (only in `outside_exception`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

/// Everything a check concludes except the rows themselves.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub shipments: usize,
    pub total_tpp: f64,
    pub ceilings: Vec<Ceiling>,
    pub totals: Totals,
    pub limits: Vec<HardwareThreshold>,
    pub h100_tpp: f64,
    /// Each kind of flag raised, in order of its id.
    pub flags: Vec<FlagCount>,
    /// The kinds of [`OUTSIDE_EXCEPTION`] flag raised: rows no exception covers.
    pub outside_exception: Vec<FlagCount>,
}

/// A ledger being checked, one shipment at a time in ledger order: memory grows with the
/// consignees, sites, countries and VEU holders it names, not with its rows.
pub struct Checker {
    h100: f64,
    all: Vec<HardwareThreshold>,
    lpp: HardwareThreshold,
    site: HardwareThreshold,
    allocation: HardwareThreshold,
    cumulative: HardwareThreshold,
    nveu: HardwareThreshold,
    outside: HardwareThreshold,
    per_country: HardwareThreshold,
    outside_us: HardwareThreshold,
    caps: UveuCaps,
    lpp_max: f64,
    cumulative_max: f64,
    g2g: Vec<&'static str>,
    multiplier: f64,
    range: String,
    nveu_last: Option<Date>,
    sums: Sums,
    consignees: StrMap<f64>,
    sites: StrMap<f64>,
    countries: StrMap<f64>,
    operators: StrMap<f64>,
    uveu: StrMap<Uveu>,
    /// Per tier-2-headquartered holder, per country: one ceiling per step of the schedule.
    nveu_sums: StrMap<BTreeMap<&'static str, Vec<Option<Ceiling>>>>,
    shipments: usize,
    total_tpp: f64,
    flags: BTreeMap<&'static str, FlagCount>,
}

impl Checker {
    pub fn new(options: &Options) -> Result<Checker, Error> {
        let h100 = tpp::h100_tpp();
        let all = regimes::hardware()?;
        let lpp = threshold(&all, "lpp")?.clone();
        let allocation = threshold(&all, "tier2-country-allocation")?.clone();
        let cumulative = threshold(&all, "qualifying-recipient-cumulative")?.clone();
        let nveu = threshold(&all, "nveu-country-cap")?.clone();
        let outside = threshold(&all, "uveu-outside-tier1-share")?.clone();
        let per_country = threshold(&all, "uveu-tier2-country-share")?.clone();
        let outside_us = threshold(&all, "uveu-outside-us-share")?.clone();
        let caps = UveuCaps {
            outside_tier1: outside.share_max.expect("tested"),
            tier2_country: per_country.share_max.expect("tested"),
            outside_us: outside_us.share_max.expect("tested"),
        };
        let site = HardwareThreshold {
            id: "lpp-site".into(),
            description: "License Exception LPP summed per site per calendar year (a view: the rule's limit is per ultimate consignee)".into(),
            status: "unconfirmed".into(),
            source: format!(
                "{}; summed per site by capfloor, which the rule text does not do",
                lpp.source
            ),
            ..lpp.clone()
        };
        let range = match (allocation.from, allocation.through) {
            (Some(f), Some(t)) => format!("{}-{}", f.year(), t.year()),
            _ => "ledger".into(),
        };
        Ok(Checker {
            h100,
            lpp_max: lpp.tpp_max.expect("lpp has tpp_max (tested)"),
            cumulative_max: cumulative.tpp_max.expect("tested"),
            g2g: g2g_countries(&options.g2g)?,
            multiplier: allocation.g2g_multiplier.unwrap_or(1.0),
            range,
            nveu_last: nveu.schedule.last().map(|s| s.through),
            caps,
            site,
            all,
            lpp,
            allocation,
            cumulative,
            nveu,
            outside,
            per_country,
            outside_us,
            sums: Sums::default(),
            consignees: StrMap::default(),
            sites: StrMap::default(),
            countries: StrMap::default(),
            operators: StrMap::default(),
            uveu: StrMap::default(),
            nveu_sums: StrMap::default(),
            shipments: 0,
            total_tpp: 0.0,
            flags: BTreeMap::new(),
        })
    }

    /// Adds one shipment (the next in ledger order) to the sums, and its ceiling flags to it.
    pub fn add(&mut self, r: &mut Shipment) {
        self.shipments += 1;
        self.total_tpp += r.tpp;
        tally(&mut self.consignees, &r.consignee, r.tpp);
        tally(&mut self.countries, &r.destination, r.tpp);
        if let Some(s) = &r.site {
            tally(&mut self.sites, s, r.tpp);
        }
        if let Some(op) = &r.operator {
            tally(&mut self.operators, op, r.tpp);
        }
        if r.tier != 3 {
            self.limits_of(r);
        }
        for f in &r.flags {
            let entry = self.flags.entry(f.id).or_insert_with(|| FlagCount {
                flag: f.id,
                rows: 0,
                first_line: r.line,
                message: f.message.to_string(),
                status: f.status.as_deref().map(str::to_string),
                reason: None,
            });
            entry.rows += 1;
        }
    }

    /// The limits a row to a tier 1 or 2 destination counts toward: the cumulative ceiling of
    /// a qualifying recipient, then its holder's VEU caps, or else LPP and, beyond it, the
    /// country allocation.
    fn limits_of(&mut self, r: &mut Shipment) {
        self.cumulative_row(r);
        match (&r.operator, r.hq_tier) {
            (Some(_), 1) => self.uveu_row(r),
            (Some(_), 2) => self.nveu_row(r),
            (Some(op), _) => r.flags.push(Flag::new(
                "veu-ineligible",
                format!("operator {op:?} is headquartered in tier 3: no Data Center VEU applies"),
                None,
            )),
            (None, _) => {
                if self.lpp_row(r) {
                    self.allocation_row(r);
                }
            }
        }
    }

    /// The qualifying recipient's cumulative TPP over the whole ledger.
    fn cumulative_row(&mut self, r: &Shipment) {
        self.sums.add(
            Summed::Cumulative,
            &self.cumulative,
            self.cumulative_max,
            &r.consignee,
            Period::Ledger,
            r.tpp,
            r.line,
            self.h100,
        );
    }

    /// The sums, named and sorted, with every limit applied.
    pub fn finish(mut self) -> Summary {
        self.nveu_ceilings();
        let mut ceilings = std::mem::take(&mut self.sums).into_ceilings(&self.range);
        ceilings.extend(self.uveu_ceilings());
        let limits = self.limits();
        let flags: Vec<FlagCount> = self.flags.into_values().collect();
        let outside_exception = flags
            .iter()
            .filter_map(|f| {
                let (_, reason) = OUTSIDE_EXCEPTION.iter().find(|(id, _)| *id == f.flag)?;
                Some(FlagCount {
                    reason: Some(reason),
                    ..f.clone()
                })
            })
            .collect();
        Summary {
            shipments: self.shipments,
            total_tpp: self.total_tpp,
            ceilings,
            totals: Totals {
                consignee: sorted(self.consignees),
                site: sorted(self.sites),
                country: sorted(self.countries),
                operator: sorted(self.operators),
            },
            limits,
            h100_tpp: self.h100,
            flags,
            outside_exception,
        }
    }

    /// Every limit applied, in the order the report lists them (the site view after LPP).
    fn limits(&self) -> Vec<HardwareThreshold> {
        let used = [
            self.lpp.id.as_str(),
            &self.allocation.id,
            &self.cumulative.id,
            &self.nveu.id,
            &self.outside.id,
            &self.per_country.id,
            &self.outside_us.id,
            "due-diligence-tpp",
            "due-diligence-memory-bandwidth",
        ];
        let mut limits: Vec<HardwareThreshold> = self
            .all
            .iter()
            .filter(|t| used.contains(&t.id.as_str()))
            .cloned()
            .collect();
        limits.insert(1, self.site.clone());
        limits
    }
}

/// Sums a whole ledger against its limits, in ledger order, adding the rows' ceiling flags.
pub fn check(mut rows: Vec<Shipment>, options: &Options) -> Result<Check, Error> {
    let mut checker = Checker::new(options)?;
    for r in rows.iter_mut() {
        checker.add(r);
    }
    let s = checker.finish();
    Ok(Check {
        rows,
        ceilings: s.ceilings,
        totals: s.totals,
        limits: s.limits,
        h100_tpp: s.h100_tpp,
        outside_exception: s.outside_exception,
    })
}

/// The `--g2g` countries, each a tier 2 destination.
fn g2g_countries(codes: &[String]) -> Result<Vec<&'static str>, Error> {
    codes
        .iter()
        .map(|c| match tiers::find(c) {
            None => Err(Error::G2g(
                c.clone(),
                "not an ISO 3166-1 alpha-2 country code".into(),
            )),
            Some(d) if d.tier != 2 => Err(Error::G2g(
                c.clone(),
                format!(
                    "{} is tier {}: only tier 2 countries have an allocation",
                    d.name, d.tier
                ),
            )),
            Some(d) => Ok(d.code.as_str()),
        })
        .collect()
}

#[cfg(test)]
mod tests;
