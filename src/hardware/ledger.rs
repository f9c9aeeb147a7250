/*!
A shipment ledger checked against the TPP limits of the AI Diffusion rule: License Exception LPP
(cumulative TPP per ultimate consignee per calendar year; not available for tier 3 destinations)
and the tier 2 country allocation (cumulative TPP per tier 2 destination over 2025–2027). Each
limit comes from `data/regimes.toml` with its status; an unconfirmed one is reported as such.

The ledger is a CSV with header `date,consignee,consignee_hq,destination,chip,quantity` (ISO
3166-1 alpha-2 codes); line numbers in messages count the header as line 1.
*/

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Serialize;

use super::{tiers, tpp};
use crate::regimes::{self, HardwareThreshold};

pub const COLUMNS: &[&str] = &[
    "date",
    "consignee",
    "consignee_hq",
    "destination",
    "chip",
    "quantity",
];

/// One shipment, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Shipment {
    pub line: usize,
    pub date: Date,
    pub consignee: String,
    pub consignee_hq: String,
    pub destination: String,
    pub tier: u8,
    pub chip: String,
    pub quantity: u64,
    pub tpp: f64,
    pub flags: Vec<String>,
}

/// One limit summed over the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Ceiling {
    /// `lpp` or `tier2-country-allocation`.
    pub limit: String,
    /// The consignee (LPP) or destination (allocation) it applies to.
    pub subject: String,
    /// Calendar year (LPP) or the period (allocation).
    pub period: String,
    pub limit_tpp: f64,
    pub used_tpp: f64,
    pub headroom_tpp: f64,
    pub headroom_h100_equivalents: f64,
    /// `confirmed` or `unconfirmed`, from data/regimes.toml.
    pub status: String,
    /// The ledger line at which the limit is first exceeded.
    pub exceeded_at_line: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub rows: Vec<Shipment>,
    pub ceilings: Vec<Ceiling>,
    pub h100_tpp: f64,
}

/// A ledger that cannot be checked: every problem, `file:line: field: problem`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", problems.join("\n"))]
    Invalid { problems: Vec<String> },
    #[error(transparent)]
    Regimes(#[from] regimes::Error),
}

/// Reads and validates a ledger file.
pub fn read(path: &Path) -> Result<Vec<Shipment>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&path.display().to_string(), &text)
}

/// Parses ledger text; `name` is used in messages.
pub fn parse(name: &str, text: &str) -> Result<Vec<Shipment>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = crate::table::header(name, &mut reader, COLUMNS)
        .map_err(|problems| Error::Invalid { problems })?;
    let mut problems = Vec::new();
    let col = |n: &str| header.iter().position(|h| h == n).expect("checked above");
    let mut chip_tpp: BTreeMap<String, Result<(String, f64), String>> = BTreeMap::new();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{name}:{line}: row: {e}"));
                continue;
            }
        };
        let get = |n: &str| record.get(col(n)).unwrap_or("").to_string();
        let mut bad = |field: &str, problem: String| {
            problems.push(format!("{name}:{line}: {field}: {problem}"))
        };
        let date = match get("date").parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                bad(
                    "date",
                    format!("{:?} is not a date (YYYY-MM-DD)", get("date")),
                );
                None
            }
        };
        let quantity = match get("quantity").parse::<i64>() {
            Ok(q) if q > 0 => Some(q as u64),
            Ok(q) => {
                bad("quantity", format!("{q} is not a positive number of chips"));
                None
            }
            Err(_) => {
                bad(
                    "quantity",
                    format!("{:?} is not a whole number of chips", get("quantity")),
                );
                None
            }
        };
        let destination = tiers::find(&get("destination"));
        if destination.is_none() {
            bad(
                "destination",
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 country code",
                    get("destination")
                ),
            );
        }
        let hq = tiers::find(&get("consignee_hq"));
        if hq.is_none() {
            bad(
                "consignee_hq",
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 country code",
                    get("consignee_hq")
                ),
            );
        }
        if get("consignee").is_empty() {
            bad("consignee", "empty".into());
        }
        let chip = chip_tpp
            .entry(get("chip"))
            .or_insert_with_key(|c| tpp::rate_chip(c).map(|r| (r.chip.unwrap_or_default(), r.tpp)))
            .clone();
        if let Err(e) = &chip {
            bad("chip", e.clone());
        }
        if let (Some(date), Some(quantity), Some(dest), Some(hq), Ok((chip, tpp))) =
            (date, quantity, destination, hq, chip)
        {
            let mut flags = Vec::new();
            if dest.tier == 3 {
                flags.push(format!(
                    "tier 3 destination ({}): no license exception applies",
                    dest.name
                ));
            }
            if hq.tier == 3 {
                flags.push(format!(
                    "consignee headquartered in a tier 3 destination ({})",
                    hq.name
                ));
            }
            rows.push(Shipment {
                line,
                date,
                consignee: get("consignee"),
                consignee_hq: hq.code.clone(),
                destination: dest.code.clone(),
                tier: dest.tier,
                chip,
                quantity,
                tpp: tpp * quantity as f64,
                flags,
            });
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Invalid { problems })
    }
}

/// Sums the ledger against its limits, in ledger order.
pub fn check(rows: Vec<Shipment>) -> Result<Check, Error> {
    let h100 = tpp::h100_tpp();
    let lpp = regimes::hardware_threshold("lpp")?;
    let allocation = regimes::hardware_threshold("tier2-country-allocation")?;
    let mut ceilings: BTreeMap<(String, String, String), Ceiling> = BTreeMap::new();
    let mut add =
        |limit: &HardwareThreshold, subject: &str, period: String, tpp: f64, line: usize| {
            let max = limit.tpp_max.expect("ceilings have a maximum (tested)");
            let c = ceilings
                .entry((limit.id.clone(), subject.to_string(), period.clone()))
                .or_insert_with(|| Ceiling {
                    limit: limit.id.clone(),
                    subject: subject.to_string(),
                    period,
                    limit_tpp: max,
                    used_tpp: 0.0,
                    headroom_tpp: max,
                    headroom_h100_equivalents: max / h100,
                    status: limit.status.clone(),
                    exceeded_at_line: None,
                });
            c.used_tpp += tpp;
            c.headroom_tpp = c.limit_tpp - c.used_tpp;
            c.headroom_h100_equivalents = c.headroom_tpp / h100;
            // "Up to" the limit is allowed: exceeded only above it.
            if c.used_tpp > c.limit_tpp && c.exceeded_at_line.is_none() {
                c.exceeded_at_line = Some(line);
            }
        };
    for r in &rows {
        // LPP is not available for tier 3 destinations: such rows need a license instead.
        if r.tier != 3 {
            add(&lpp, &r.consignee, r.date.year().to_string(), r.tpp, r.line);
        }
        if r.tier == 2 && (2025..=2027).contains(&r.date.year()) {
            add(
                &allocation,
                &r.destination,
                "2025-2027".into(),
                r.tpp,
                r.line,
            );
        }
    }
    Ok(Check {
        rows,
        ceilings: ceilings.into_values().collect(),
        h100_tpp: h100,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "date,consignee,consignee_hq,destination,chip,quantity\n";

    #[test]
    fn tpp_is_summed_per_consignee_per_calendar_year() {
        let rows = parse(
            "l.csv",
            &format!("{HEADER}2025-12-31,Acme,IN,IN,H100,1000\n2026-01-01,Acme,IN,IN,H100,1000\n"),
        )
        .unwrap();
        let c = check(rows).unwrap();
        let lpp: Vec<&Ceiling> = c.ceilings.iter().filter(|c| c.limit == "lpp").collect();
        assert_eq!(lpp.len(), 2, "one per calendar year");
        assert!(lpp
            .iter()
            .all(|c| c.used_tpp == 15_832_000.0 && c.exceeded_at_line.is_none()));
    }

    #[test]
    fn lpp_allows_1699_h100s_a_year_and_not_1700() {
        let fits = check(
            parse(
                "l.csv",
                &format!("{HEADER}2025-03-01,Acme,IN,IN,H100 SXM,1699\n"),
            )
            .unwrap(),
        )
        .unwrap();
        let c = fits.ceilings.iter().find(|c| c.limit == "lpp").unwrap();
        assert_eq!(c.used_tpp, 26_898_568.0);
        assert_eq!(c.exceeded_at_line, None);
        let over = check(parse("l.csv", &format!("{HEADER}2025-03-01,Acme,IN,IN,H100 SXM,1000\n2025-04-01,Acme,IN,IN,H100 SXM,700\n")).unwrap()).unwrap();
        let c = over.ceilings.iter().find(|c| c.limit == "lpp").unwrap();
        assert_eq!(c.used_tpp, 26_914_400.0);
        assert_eq!(c.exceeded_at_line, Some(3));
        assert!(c.headroom_tpp < 0.0);
    }

    #[test]
    fn tier_3_shipments_are_flagged_and_do_not_use_lpp() {
        let c = check(parse("l.csv", &format!("{HEADER}2025-03-01,Acme,CN,CN,H100,10\n")).unwrap())
            .unwrap();
        assert!(c.rows[0]
            .flags
            .iter()
            .any(|f| f.contains("no license exception")));
        assert!(c.ceilings.iter().all(|c| c.limit != "lpp"));
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line_and_field() {
        let e = parse("l.csv", &format!("{HEADER}2025-02-30,Acme,IN,IN,H100,1\n2025-01-01,Acme,IN,XX,H100,1\n2025-01-01,Acme,IN,IN,Z9,1\n2025-01-01,Acme,IN,IN,H100,-4\n")).unwrap_err().to_string();
        for expected in [
            "l.csv:2: date:",
            "l.csv:3: destination: \"XX\"",
            "l.csv:4: chip: unknown chip \"Z9\"",
            "l.csv:5: quantity: -4 is not a positive number",
        ] {
            assert!(e.contains(expected), "expected {expected:?} in {e}");
        }
        let e = parse("l.csv", "date,consignee,destination,chip,quantity,price\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("l.csv:1: price: unknown column")
                && e.contains("l.csv:1: consignee_hq: missing column"),
            "{e}"
        );
    }
}
