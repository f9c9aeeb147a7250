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

use std::borrow::Cow;
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

/// Running sums for the cumulative ceilings, keyed by limit, subject and period. Keys borrow
/// from the rows: a million-row ledger makes no string per row here.
struct Sums<'a> {
    h100: f64,
    ceilings: FxHashMap<(&'a str, Cow<'a, str>, Period), Ceiling>,
}

impl<'a> Sums<'a> {
    fn add(
        &mut self,
        limit: &'a HardwareThreshold,
        max: f64,
        subject: Cow<'a, str>,
        period: Period,
        tpp: f64,
        line: usize,
    ) -> &mut Ceiling {
        let h100 = self.h100;
        let c = self
            .ceilings
            .entry((limit.id.as_str(), subject, period))
            .or_insert_with(|| Ceiling {
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
            });
        c.used_tpp += tpp;
        c.headroom_tpp = c.limit_tpp - c.used_tpp;
        c.headroom_h100_equivalents = c.headroom_tpp / h100;
        // "Up to" the limit is allowed: exceeded only above it.
        if c.used_tpp > c.limit_tpp && c.exceeded_at_line.is_none() {
            c.exceeded_at_line = Some(line);
        }
        c
    }

    fn used(&self, limit: &'a str, subject: &'a str, period: Period) -> f64 {
        self.ceilings
            .get(&(limit, Cow::Borrowed(subject), period))
            .map_or(0.0, |c| c.used_tpp)
    }

    /// The ceilings, named, in order of limit, subject and period.
    fn into_ceilings(self, range: &str) -> Vec<Ceiling> {
        let mut all: Vec<((Cow<'a, str>, Period), Ceiling)> = self
            .ceilings
            .into_iter()
            .map(|((_, subject, period), mut c)| {
                c.subject = subject.to_string();
                c.period = match period {
                    Period::Year(y) => y.to_string(),
                    Period::Range => range.to_string(),
                    Period::Through(d) => format!("through {d}"),
                    Period::Ledger => "ledger".into(),
                };
                ((subject, period), c)
            })
            .collect();
        all.sort_by(|(a, x), (b, y)| {
            (x.limit.as_str(), a.0.as_ref(), order(a.1)).cmp(&(
                y.limit.as_str(),
                b.0.as_ref(),
                order(b.1),
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
struct Uveu<'a> {
    total: f64,
    /// Headquartered in the United States, as its first row says.
    us_headquartered: bool,
    outside_tier1: Share,
    outside_us: Share,
    tier2: BTreeMap<&'a str, Share>,
}

impl<'a> Uveu<'a> {
    /// Adds a row, then re-tests every share against its cap (all shares move with the total).
    /// A holder first seen on row `r` (the ledger gives each holder one headquarters).
    fn new(r: &Shipment) -> Self {
        Uveu {
            us_headquartered: r.consignee_hq == "US",
            ..Uveu::default()
        }
    }

    fn add(&mut self, r: &'a Shipment, caps: UveuCaps) {
        self.total += r.tpp;
        if r.tier != 1 {
            self.outside_tier1.used += r.tpp;
        }
        if r.destination != "US" {
            self.outside_us.used += r.tpp;
        }
        if r.tier == 2 {
            self.tier2.entry(&r.destination).or_default().used += r.tpp;
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
fn tally<'a>(totals: &mut FxHashMap<&'a str, f64>, key: &'a str, tpp: f64) {
    *totals.entry(key).or_default() += tpp;
}

fn sorted(totals: FxHashMap<&str, f64>) -> BTreeMap<String, f64> {
    totals
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// Sums the ledger against its limits, in ledger order; adds the rows' ceiling flags.
pub fn check(mut rows: Vec<Shipment>, options: &Options) -> Result<Check, Error> {
    let h100 = tpp::h100_tpp();
    let all = regimes::hardware()?;
    let lpp = threshold(&all, "lpp")?;
    let allocation = threshold(&all, "tier2-country-allocation")?;
    let cumulative = threshold(&all, "qualifying-recipient-cumulative")?;
    let nveu = threshold(&all, "nveu-country-cap")?;
    let outside = threshold(&all, "uveu-outside-tier1-share")?;
    let per_country = threshold(&all, "uveu-tier2-country-share")?;
    let outside_us = threshold(&all, "uveu-outside-us-share")?;
    let caps = UveuCaps {
        outside_tier1: outside.share_max.expect("tested"),
        tier2_country: per_country.share_max.expect("tested"),
        outside_us: outside_us.share_max.expect("tested"),
    };
    let lpp_max = lpp.tpp_max.expect("lpp has tpp_max (tested)");
    let cumulative_max = cumulative.tpp_max.expect("tested");
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
    let g2g = g2g_countries(&options.g2g)?;
    let multiplier = allocation.g2g_multiplier.unwrap_or(1.0);
    let in_allocation = |d: Date| {
        allocation.from.is_none_or(|f| d >= f) && allocation.through.is_none_or(|t| d <= t)
    };
    let range = match (allocation.from, allocation.through) {
        (Some(f), Some(t)) => format!("{}-{}", f.year(), t.year()),
        _ => "ledger".into(),
    };

    let mut sums = Sums {
        h100,
        ceilings: FxHashMap::default(),
    };
    let mut consignees = FxHashMap::default();
    let mut sites = FxHashMap::default();
    let mut countries = FxHashMap::default();
    let mut operators = FxHashMap::default();
    let mut uveu: BTreeMap<&str, Uveu> = BTreeMap::new();
    let mut nveu_rows: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    // Flags found while summing, added to the rows once the sums no longer borrow them.
    let mut flags: Vec<(usize, Flag)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        tally(&mut consignees, &r.consignee, r.tpp);
        tally(&mut countries, &r.destination, r.tpp);
        if let Some(s) = &r.site {
            tally(&mut sites, s, r.tpp);
        }
        if let Some(op) = &r.operator {
            tally(&mut operators, op, r.tpp);
        }
        if r.tier == 3 {
            continue;
        }
        let consignee = Cow::Borrowed(r.consignee.as_str());
        sums.add(
            cumulative,
            cumulative_max,
            consignee.clone(),
            Period::Ledger,
            r.tpp,
            r.line,
        );
        if let Some(op) = &r.operator {
            match r.hq_tier {
                1 => uveu.entry(op).or_insert_with(|| Uveu::new(r)).add(r, caps),
                2 => nveu_rows.entry((op, &r.destination)).or_default().push(i),
                _ => flags.push((
                    i,
                    Flag::new(
                        "veu-ineligible",
                        format!("operator {op:?} is headquartered in tier 3: no Data Center VEU applies"),
                        None,
                    ),
                )),
            }
            continue;
        }
        let year = Period::Year(r.date.year());
        let before = sums.used(&lpp.id, &r.consignee, year);
        sums.add(lpp, lpp_max, consignee, year, r.tpp, r.line);
        if let Some(s) = &r.site {
            sums.add(&site, lpp_max, Cow::Borrowed(s), year, r.tpp, r.line);
        }
        if before + r.tpp > lpp_max {
            let counts = r.tier == 2 && in_allocation(r.date);
            flags.push((
                i,
                Flag::new(
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
                    Some(&lpp.status),
                ),
            ));
            if counts {
                let g = g2g.contains(&r.destination.as_str());
                let max = allocation.tpp_max.expect("tested") * if g { multiplier } else { 1.0 };
                let c = sums.add(
                    allocation,
                    max,
                    Cow::Borrowed(&r.destination),
                    Period::Range,
                    r.tpp,
                    r.line,
                );
                if g {
                    c.note = Some(format!(
                        "× {multiplier} under a government-to-government agreement (--g2g)"
                    ));
                }
            }
        }
    }
    // NVEU: for each step of the schedule, everything shipped through its date.
    let last = nveu.schedule.last().map(|s| s.through);
    for ((op, country), idx) in &nveu_rows {
        let subject: Cow<str> = Cow::Owned(format!("{op} in {country}"));
        for step in &nveu.schedule {
            for &i in idx.iter().filter(|&&i| rows[i].date <= step.through) {
                sums.add(
                    nveu,
                    step.limit_tpp(h100),
                    subject.clone(),
                    Period::Through(step.through),
                    rows[i].tpp,
                    rows[i].line,
                );
            }
        }
        if let Some(last) = last {
            for &i in idx.iter().filter(|&&i| rows[i].date > last) {
                let message = format!("shipped after the last NVEU step ({last}): no cap in data/regimes.toml covers it");
                flags.push((
                    i,
                    Flag::new("after-nveu-schedule", message, Some(&nveu.status)),
                ));
            }
        }
    }
    let mut ceilings = sums.into_ceilings(&range);
    for (op, u) in &uveu {
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
        share(outside, op.to_string(), &u.outside_tier1);
        if u.us_headquartered {
            share(outside_us, op.to_string(), &u.outside_us);
        }
        for (country, s) in &u.tier2 {
            share(per_country, format!("{op} in {country}"), s);
        }
    }
    let totals = Totals {
        consignee: sorted(consignees),
        site: sorted(sites),
        country: sorted(countries),
        operator: sorted(operators),
    };
    drop(uveu);
    drop(nveu_rows);
    for (i, f) in flags {
        rows[i].flags.push(f);
    }
    let used = [
        lpp.id.as_str(),
        &allocation.id,
        &cumulative.id,
        &nveu.id,
        &outside.id,
        &per_country.id,
        &outside_us.id,
        "due-diligence-tpp",
        "due-diligence-memory-bandwidth",
    ];
    let mut limits: Vec<HardwareThreshold> = all
        .iter()
        .filter(|t| used.contains(&t.id.as_str()))
        .cloned()
        .collect();
    limits.insert(1, site);
    Ok(Check {
        rows,
        ceilings,
        totals,
        limits,
        h100_tpp: h100,
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
