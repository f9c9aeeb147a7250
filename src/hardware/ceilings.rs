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
*/

use std::collections::BTreeMap;

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::ledger::{Flag, Shipment};
use super::{tiers, tpp};
use crate::regimes::{self, HardwareThreshold};

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

/// The period a cumulative ceiling sums over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Period {
    Year(i16),
    /// The country allocation's date range.
    Range,
    /// A schedule step: everything through its date.
    Through(Date),
    Ledger,
}

/// Maps keyed by owned strings and looked up by borrowed ones: a key is allocated only the
/// first time it is seen, never per row.
type StrMap<V> = hashbrown::HashMap<String, V, rustc_hash::FxBuildHasher>;

/// The cumulative limits summed in [`Sums`], in the order of [`Checker::limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Summed {
    Lpp,
    Site,
    Allocation,
    Cumulative,
    Nveu,
}

/// Running sums for the cumulative ceilings, keyed by limit and period, then by subject.
#[derive(Default)]
struct Sums {
    ceilings: FxHashMap<(Summed, Period), StrMap<Ceiling>>,
}

/// A new, empty ceiling of `limit` at `max`.
fn ceiling(limit: &HardwareThreshold, max: f64, h100: f64) -> Ceiling {
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
fn bump(c: &mut Ceiling, tpp: f64, line: usize, h100: f64) {
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
    fn add(
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

    fn used(&self, which: Summed, subject: &str, period: Period) -> f64 {
        self.ceilings
            .get(&(which, period))
            .and_then(|m| m.get(subject))
            .map_or(0.0, |c| c.used_tpp)
    }

    /// The ceilings, named, in order of limit, subject and period.
    fn into_ceilings(self, range: &str) -> Vec<Ceiling> {
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

/// A holder's share of TPP in one place, tracked row by row.
#[derive(Default)]
struct Share {
    used: f64,
    /// The first line of the current run of rows after which the share is over the cap.
    over_since: Option<usize>,
}

/// The caps on a UVEU holder's shares.
#[derive(Clone, Copy)]
struct UveuCaps {
    outside_tier1: f64,
    tier2_country: f64,
    /// For holders headquartered in the United States.
    outside_us: f64,
}

/// One UVEU holder's TPP in all, outside tier 1, outside the United States, and per tier 2
/// country.
#[derive(Default)]
struct Uveu {
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
    fn new(r: &Shipment) -> Self {
        Uveu {
            us_headquartered: r.consignee_hq == "US",
            ..Uveu::default()
        }
    }

    fn add(&mut self, r: &Shipment, caps: UveuCaps) {
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
        let h100 = self.h100;
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
            self.limits_of(r, h100);
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

    /// The limits a row to a tier 1 or 2 destination counts toward.
    fn limits_of(&mut self, r: &mut Shipment, h100: f64) {
        self.sums.add(
            Summed::Cumulative,
            &self.cumulative,
            self.cumulative_max,
            &r.consignee,
            Period::Ledger,
            r.tpp,
            r.line,
            h100,
        );
        if let Some(op) = &r.operator {
            match r.hq_tier {
                1 => {
                    let u = self
                        .uveu
                        .entry_ref(op.as_str())
                        .or_insert_with(|| Uveu::new(r));
                    u.add(r, self.caps);
                }
                2 => self.nveu_row(r, h100),
                _ => r.flags.push(Flag::new(
                    "veu-ineligible",
                    format!(
                        "operator {op:?} is headquartered in tier 3: no Data Center VEU applies"
                    ),
                    None,
                )),
            }
            return;
        }
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
            h100,
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
                h100,
            );
        }
        if before + r.tpp > self.lpp_max {
            let allocation = &self.allocation;
            let in_allocation = allocation.from.is_none_or(|f| r.date >= f)
                && allocation.through.is_none_or(|t| r.date <= t);
            let counts = r.tier == 2 && in_allocation;
            r.flags.push(Flag::new(
                "beyond-lpp",
                format!(
                    "beyond License Exception LPP for {} in {}: needs a license{}",
                    r.consignee,
                    r.date.year(),
                    if counts {
                        "; counts toward the tier 2 country allocation"
                    } else {
                        ""
                    }
                ),
                Some(&self.lpp.status),
            ));
            if counts {
                let g = self.g2g.contains(&r.destination.as_str());
                let max =
                    allocation.tpp_max.expect("tested") * if g { self.multiplier } else { 1.0 };
                let multiplier = self.multiplier;
                let c = self.sums.add(
                    Summed::Allocation,
                    &self.allocation,
                    max,
                    &r.destination,
                    Period::Range,
                    r.tpp,
                    r.line,
                    h100,
                );
                if g {
                    c.note = Some(format!(
                        "× {multiplier} under a government-to-government agreement (--g2g)"
                    ));
                }
            }
        }
    }

    /// NVEU: a row counts toward every step of the schedule it falls within; after the last
    /// step it is flagged.
    fn nveu_row(&mut self, r: &mut Shipment, h100: f64) {
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

    /// The sums, named and sorted, with every limit applied.
    pub fn finish(mut self) -> Summary {
        let h100 = self.h100;
        for (op, countries) in std::mem::take(&mut self.nveu_sums) {
            for (country, steps) in countries {
                let subject = format!("{op} in {country}");
                // A step no row fell within has no ceiling.
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
        let mut ceilings = std::mem::take(&mut self.sums).into_ceilings(&self.range);
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
            h100_tpp: h100,
            flags,
            outside_exception,
        }
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
mod tests {
    use super::*;

    const H100: f64 = 15_832.0;

    /// A shipment of `tpp` on `date` from `hq` to `dest`, built by hand to hit exact TPP sums.
    fn row(line: usize, date: &str, consignee: &str, hq: &str, dest: &str, tpp: f64) -> Shipment {
        let (hq, dest) = (tiers::find(hq).unwrap(), tiers::find(dest).unwrap());
        Shipment {
            line,
            date: date.parse::<Date>().unwrap(),
            consignee: consignee.into(),
            consignee_hq: hq.code.clone(),
            hq_tier: hq.tier,
            destination: dest.code.clone(),
            tier: dest.tier,
            site: None,
            operator: None,
            chip: "NVIDIA H100 SXM".into(),
            quantity: 1,
            tpp,
            flags: Vec::new(),
        }
    }

    fn under(op: &str, r: Shipment) -> Shipment {
        Shipment {
            operator: Some(op.into()),
            ..r
        }
    }

    fn find<'a>(c: &'a Check, limit: &str, subject: &str, period: &str) -> &'a Ceiling {
        c.ceilings
            .iter()
            .find(|x| x.limit == limit && x.subject == subject && x.period == period)
            .unwrap_or_else(|| panic!("no {limit} for {subject} {period}: {:#?}", c.ceilings))
    }

    fn run(rows: Vec<Shipment>) -> Check {
        check(rows, &Options::default()).unwrap()
    }

    /// One TPP under, at and over `limit`: headroom 1, 0, −1; exceeded only over it, at `line`.
    fn boundary(
        limit: &str,
        subject: &str,
        period: &str,
        make: impl Fn(f64) -> Vec<Shipment>,
        max: f64,
        line: usize,
    ) {
        for (delta, exceeded) in [(-1.0, None), (0.0, None), (1.0, Some(line))] {
            let c = run(make(max + delta));
            let x = find(&c, limit, subject, period);
            assert_eq!(x.limit_tpp, max, "{limit}");
            assert_eq!(x.headroom_tpp, -delta, "{limit} {delta}");
            assert_eq!(x.exceeded_at_line, exceeded, "{limit} {delta}");
        }
    }

    #[test]
    fn lpp_per_consignee_per_year_at_its_boundary() {
        boundary(
            "lpp",
            "Acme",
            "2025",
            |t| {
                vec![
                    row(2, "2025-01-01", "Acme", "IN", "IN", t - 1000.0),
                    row(3, "2025-12-31", "Acme", "IN", "IN", 1000.0),
                ]
            },
            26_900_000.0,
            3,
        );
        // A new calendar year starts a new count.
        let c = run(vec![
            row(2, "2025-12-31", "Acme", "IN", "IN", 20e6),
            row(3, "2026-01-01", "Acme", "IN", "IN", 20e6),
        ]);
        assert_eq!(find(&c, "lpp", "Acme", "2026").used_tpp, 20e6);
    }

    #[test]
    fn the_country_allocation_counts_only_what_lpp_does_not_cover() {
        let lpp = 26_900_000.0;
        // Many consignees each within LPP: the allocation is untouched.
        let within: Vec<Shipment> = (0..40)
            .map(|i| row(i + 2, "2025-02-01", &format!("B{i}"), "IN", "IN", lpp))
            .collect();
        let c = run(within);
        assert!(c
            .ceilings
            .iter()
            .all(|x| x.limit != "tier2-country-allocation"));
        assert!(c.rows.iter().all(|r| r.flags.is_empty()));
        // Beyond LPP: licensed, counted, flagged; at the boundary in TPP.
        boundary(
            "tier2-country-allocation",
            "IN",
            "2025-2027",
            |t| {
                vec![
                    row(2, "2025-01-01", "Acme", "IN", "IN", lpp),
                    row(3, "2027-12-31", "Acme", "IN", "IN", t),
                ]
            },
            790_000_000.0,
            3,
        );
        let c = run(vec![row(2, "2025-01-01", "Acme", "IN", "IN", lpp + 1.0)]);
        assert_eq!(c.rows[0].flags[0].id, "beyond-lpp");
        assert!(c.rows[0].flags[0].message.contains("counts toward"));
        // Outside 2025–2027, or in tier 1: licensed but no allocation.
        let c = run(vec![
            row(2, "2028-01-01", "Acme", "IN", "IN", 2.0 * lpp),
            row(3, "2025-01-01", "Acme", "DE", "DE", 2.0 * lpp),
        ]);
        assert!(c
            .ceilings
            .iter()
            .all(|x| x.limit != "tier2-country-allocation"));
    }

    #[test]
    fn a_g2g_agreement_doubles_the_allocation_of_its_country_only() {
        let rows = || {
            vec![
                row(2, "2025-01-01", "A", "IN", "IN", 1.5e9),
                row(3, "2025-01-01", "B", "AE", "AE", 1.5e9),
            ]
        };
        let c = check(
            rows(),
            &Options {
                g2g: vec!["in".into()],
            },
        )
        .unwrap();
        let india = find(&c, "tier2-country-allocation", "IN", "2025-2027");
        assert_eq!(india.limit_tpp, 1_580_000_000.0);
        assert_eq!(india.exceeded_at_line, None);
        assert!(india.note.as_deref().unwrap().contains("--g2g"));
        let uae = find(&c, "tier2-country-allocation", "AE", "2025-2027");
        assert_eq!(
            (uae.limit_tpp, uae.exceeded_at_line),
            (790_000_000.0, Some(3))
        );
        for (code, problem) in [("XX", "not an ISO"), ("DE", "tier 1"), ("CN", "tier 3")] {
            let e = check(
                rows(),
                &Options {
                    g2g: vec![code.into()],
                },
            )
            .unwrap_err()
            .to_string();
            assert!(
                e.starts_with(&format!("--g2g {code}: ")) && e.contains(problem),
                "{e}"
            );
        }
    }

    #[test]
    fn the_253m_figure_is_per_consignee_over_the_whole_ledger() {
        boundary(
            "qualifying-recipient-cumulative",
            "Acme",
            "ledger",
            |t| {
                vec![
                    row(2, "2025-06-01", "Acme", "IN", "IN", 3e6),
                    row(3, "2027-06-01", "Acme", "US", "DE", t - 3e6),
                ]
            },
            253_000_000.0,
            3,
        );
    }

    #[test]
    fn the_site_view_sums_consignees_that_share_a_cluster() {
        let at = |s: Shipment| Shipment {
            site: Some("Johor-1".into()),
            ..s
        };
        let c = run(vec![
            at(row(2, "2025-03-01", "A", "MY", "MY", 20e6)),
            at(row(3, "2025-03-02", "B", "MY", "MY", 20e6)),
        ]);
        let site = find(&c, "lpp-site", "Johor-1", "2025");
        assert_eq!((site.used_tpp, site.exceeded_at_line), (40e6, Some(3)));
        assert_eq!(site.status, "unconfirmed");
        assert!(find(&c, "lpp", "A", "2025").exceeded_at_line.is_none());
        assert_eq!(c.totals.site["Johor-1"], 40e6);
    }

    #[test]
    fn nveu_caps_follow_their_schedule_across_a_quarter_and_a_year() {
        let step_2025 = 100_000.0 * H100;
        let step_2026 = 270_000.0 * H100;
        let nveu = |line, date: &str, t| under("GulfAI", row(line, date, "GulfAI", "AE", "AE", t));
        // Through Q3 and into Q4 2025, up to the 2025 step exactly; the 2026 step adds on top.
        boundary(
            "nveu-country-cap",
            "GulfAI in AE",
            "through 2025-12-31",
            |t| {
                vec![
                    nveu(2, "2025-09-30", 1e9),
                    nveu(3, "2025-10-01", t - 1e9),
                    nveu(4, "2026-01-01", 5e9),
                ]
            },
            step_2025,
            3,
        );
        let c = run(vec![
            nveu(2, "2025-12-31", step_2025),
            nveu(3, "2026-01-01", step_2026 - step_2025),
        ]);
        let y2026 = find(&c, "nveu-country-cap", "GulfAI in AE", "through 2026-12-31");
        assert_eq!((y2026.used_tpp, y2026.headroom_tpp), (step_2026, 0.0));
        assert_eq!(
            find(&c, "nveu-country-cap", "GulfAI in AE", "through 2025-12-31").used_tpp,
            step_2025
        );
        // VEU rows use neither LPP nor the allocation; after the schedule they are flagged.
        assert!(c
            .ceilings
            .iter()
            .all(|x| x.limit != "lpp" && x.limit != "tier2-country-allocation"));
        let c = run(vec![nveu(2, "2028-01-01", 1.0)]);
        assert_eq!(c.rows[0].flags.last().unwrap().id, "after-nveu-schedule");
    }

    #[test]
    fn uveu_shares_at_their_boundaries() {
        let uveu =
            |line, dest: &str, t| under("Hyper", row(line, "2025-05-01", "Hyper", "US", dest, t));
        // 7% in one tier 2 country: 930 + 70 is at the cap; 71 is over (and stays over).
        for (india, over) in [(69.0, None), (70.0, None), (71.0, Some(3))] {
            let c = run(vec![uveu(2, "US", 1000.0 - 70.0), uveu(3, "IN", india)]);
            let x = find(&c, "uveu-tier2-country-share", "Hyper in IN", "ledger");
            assert_eq!(x.exceeded_at_line, over, "{india}");
            assert!((x.headroom_tpp - (0.07 * (930.0 + india) - india) / 0.93).abs() < 1e-9);
        }
        // 25% outside tier 1 (two tier 2 countries, 12.5% each, over their own 7% caps).
        for (outside, over) in [(249.0, None), (250.0, None), (251.0, Some(4))] {
            let c = run(vec![
                uveu(2, "DE", 750.0),
                uveu(3, "IN", outside / 2.0),
                uveu(4, "BR", outside / 2.0),
            ]);
            let x = find(&c, "uveu-outside-tier1-share", "Hyper", "ledger");
            assert_eq!(x.exceeded_at_line, over, "{outside}");
            assert_eq!(x.used_tpp, outside);
        }
        // A share over the cap early on, brought back under by later tier 1 shipments, is fine;
        // one that ends over is exceeded from the start of its last run over.
        let c = run(vec![
            uveu(2, "IN", 10.0),
            uveu(3, "US", 1000.0),
            uveu(4, "IN", 100.0),
        ]);
        assert_eq!(
            find(&c, "uveu-tier2-country-share", "Hyper in IN", "ledger").exceeded_at_line,
            Some(4)
        );
        let c = run(vec![uveu(2, "IN", 10.0), uveu(3, "US", 1000.0)]);
        assert_eq!(
            find(&c, "uveu-tier2-country-share", "Hyper in IN", "ledger").exceeded_at_line,
            None
        );
    }

    #[test]
    fn a_us_headquartered_uveu_keeps_half_its_tpp_in_the_united_states() {
        let uveu = |line, hq: &str, dest: &str, t| {
            under("Hyper", row(line, "2025-05-01", "Hyper", hq, dest, t))
        };
        // 500 in the US and 500 ± 1 in Germany (tier 1): at 50% outside the US is the cap.
        for (germany, over) in [(499.0, None), (500.0, None), (501.0, Some(3))] {
            let c = run(vec![
                uveu(2, "US", "US", 500.0),
                uveu(3, "US", "DE", germany),
            ]);
            let x = find(&c, "uveu-outside-us-share", "Hyper", "ledger");
            assert_eq!(x.exceeded_at_line, over, "{germany}");
            assert_eq!(x.used_tpp, germany);
            // One more TPP in Germany at 499 reaches 500 of 1,000.
            assert!((x.headroom_tpp - (500.0 - germany)).abs() < 1e-9);
            // Germany is tier 1: the tier 1 share is untouched.
            let t1 = find(&c, "uveu-outside-tier1-share", "Hyper", "ledger");
            assert_eq!(t1.used_tpp, 0.0);
        }
        // A holder headquartered elsewhere in tier 1 has no United States share.
        let c = run(vec![uveu(2, "GB", "DE", 900.0), uveu(3, "GB", "US", 100.0)]);
        assert!(c
            .ceilings
            .iter()
            .all(|x| x.limit != "uveu-outside-us-share"));
    }

    #[test]
    fn the_headquarters_decides_the_kind_of_veu() {
        let c = run(vec![
            under("Hyper", row(2, "2025-01-01", "Hyper", "GB", "IN", 10.0)),
            under("Desi", row(3, "2025-01-01", "Desi", "IN", "IN", 10.0)),
            under("Shadow", row(4, "2025-01-01", "Shadow", "IR", "IN", 10.0)),
        ]);
        assert!(c
            .ceilings
            .iter()
            .any(|x| x.limit == "uveu-outside-tier1-share" && x.subject == "Hyper"));
        assert!(c
            .ceilings
            .iter()
            .any(|x| x.limit == "nveu-country-cap" && x.subject == "Desi in IN"));
        assert!(c
            .ceilings
            .iter()
            .all(|x| !(x.subject.starts_with("Shadow") && x.limit.contains("veu"))));
        assert_eq!(c.rows[2].flags.last().unwrap().id, "veu-ineligible");
        assert_eq!(c.totals.operator.len(), 3);
    }

    #[test]
    fn tier_3_rows_use_no_limit() {
        let c = run(vec![row(2, "2025-03-01", "Acme", "CN", "CN", 1e9)]);
        assert!(c.ceilings.is_empty());
        assert_eq!(c.totals.country["CN"], 1e9);
    }
}
