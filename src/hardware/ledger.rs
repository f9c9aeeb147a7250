/*!
A shipment ledger of advanced computing chips, read and validated row by row, with the per-row
flags of the AI Diffusion rule: tier 3 destinations and headquarters (no license exception
applies), a consignee headquartered in one tier receiving in another (the headquarters test that
decides UVEU/NVEU eligibility), and the per-chip due-diligence triggers (TPP, memory bandwidth)
from `data/regimes.toml`, each with its status. The sums over the ledger are in
[`super::ceilings`].

The ledger is a CSV with header `date,consignee,consignee_hq,destination,chip,quantity` (ISO
3166-1 alpha-2 codes) and optionally `site` (shipments that aggregate into one data-center
cluster) and `operator` (the Data Center VEU holder the shipment is made under; its headquarters
is the row's `consignee_hq`). Line numbers in messages count the header as line 1.
*/

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::ser::SerializeStruct;
use serde::Serialize;

use super::{chips, tiers, tpp};
use crate::regimes;
use crate::table::Lines;

pub const COLUMNS: &[&str] = &[
    "date",
    "consignee",
    "consignee_hq",
    "destination",
    "chip",
    "quantity",
];
pub const OPTIONAL_COLUMNS: &[&str] = &["site", "operator"];

/// One shipment, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Shipment {
    pub line: usize,
    pub date: Date,
    pub consignee: String,
    pub consignee_hq: String,
    pub hq_tier: u8,
    pub destination: String,
    pub tier: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub chip: String,
    pub quantity: u64,
    pub tpp: f64,
    pub flags: Vec<Flag>,
}

/// Something a row calls for attention to: `id` names the kind, `status` is the status of the
/// threshold it rests on (`confirmed`/`unconfirmed`), or null when it rests on no threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub id: &'static str,
    pub message: Arc<str>,
    pub status: Option<Arc<str>>,
}

// By hand: serde serialises `Arc<str>` only with its `rc` feature. The message is shared by
// every row of one chip or country pair, so a million-row ledger does not allocate it per row.
impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Flag", 3)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("message", &*self.message)?;
        st.serialize_field("status", &self.status.as_deref())?;
        st.end()
    }
}

impl Flag {
    pub fn new(id: &'static str, message: String, status: Option<&str>) -> Flag {
        Flag {
            id,
            message: message.into(),
            status: status.map(Arc::from),
        }
    }
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
    /// Not a regular file, or larger than [`crate::fsio::LEDGER`].
    #[error(transparent)]
    File(#[from] crate::fsio::Error),
    #[error("{}", problems.join("\n"))]
    Invalid { problems: Vec<String> },
    #[error(transparent)]
    Regimes(#[from] regimes::Error),
}

/// At most this many problems are listed (the rest are counted): a ledger of millions of bad
/// rows must not take millions of lines, or the memory to hold them.
pub const MAX_PROBLEMS: usize = 100;

/// More chips than this in one row is a typing error, not a shipment.
pub const MAX_QUANTITY: u64 = 100_000_000;

/// A chip as the ledger needs it: its name, TPP per unit and the flags it raises on every row.
type ChipEntry = Result<(String, f64, Vec<Flag>), String>;

/// The chip called `name`, rated, with its due-diligence flags.
fn chip_entry(name: &str, triggers: &Triggers) -> ChipEntry {
    let rating = tpp::rate_chip(name)?;
    let chip = chips::find(name)?;
    let mut flags = Vec::new();
    if let Some(t) = &triggers.tpp {
        let min = t.tpp_min.expect("due-diligence-tpp has tpp_min (tested)");
        if rating.tpp > min {
            flags.push(Flag::new(
                "due-diligence-tpp",
                format!("{} is {:.0} TPP, above {min:.0}", chip.chip, rating.tpp),
                Some(&t.status),
            ));
        }
    }
    if let Some(t) = &triggers.bandwidth {
        let min = t
            .memory_bandwidth_gb_s_min
            .expect("due-diligence-memory-bandwidth has a minimum (tested)");
        match chip.memory_bandwidth_gb_s {
            Some(bw) if bw > min => flags.push(Flag::new(
                "due-diligence-memory-bandwidth",
                format!("{} has {bw} GB/s memory bandwidth, above {min:.0}", chip.chip),
                Some(&t.status),
            )),
            Some(_) => {}
            None => flags.push(Flag::new(
                "memory-bandwidth-unknown",
                format!(
                    "{}: memory bandwidth not in data/chips.csv; the {min:.0} GB/s trigger cannot be checked",
                    chip.chip
                ),
                Some(&t.status),
            )),
        }
    }
    Ok((chip.chip, rating.tpp, flags))
}

/// The per-chip due-diligence thresholds (absent from the data file: not checked).
struct Triggers {
    tpp: Option<regimes::HardwareThreshold>,
    bandwidth: Option<regimes::HardwareThreshold>,
}

/// The flags for a consignee headquartered in `hq` receiving in `dest`.
fn place_flags(hq: &tiers::Destination, dest: &tiers::Destination) -> Vec<Flag> {
    let mut flags = Vec::new();
    if dest.tier == 3 {
        flags.push(Flag::new(
            "tier3-destination",
            format!(
                "tier 3 destination ({}): no license exception applies",
                dest.name
            ),
            None,
        ));
    }
    if hq.tier == 3 {
        flags.push(Flag::new(
            "tier3-headquarters",
            format!(
                "consignee headquartered in a tier 3 destination ({})",
                hq.name
            ),
            None,
        ));
    }
    if hq.tier != dest.tier {
        flags.push(Flag::new(
            "headquarters-tier-mismatch",
            format!(
                "consignee headquartered in tier {} ({}) receiving in tier {} ({}): the headquarters decides UVEU/NVEU eligibility",
                hq.tier, hq.name, dest.tier, dest.name
            ),
            None,
        ));
    }
    flags
}

/// The column of each field.
struct Columns {
    date: usize,
    consignee: usize,
    hq: usize,
    destination: usize,
    chip: usize,
    quantity: usize,
    site: Option<usize>,
    operator: Option<usize>,
}

/// A ledger read row by row: memory stays the same however many rows it has (it grows only with
/// the distinct VEU holders it names). Invalid rows are skipped and their problems collected;
/// [`Rows::finish`] reports them all (the first [`MAX_PROBLEMS`]).
pub struct Rows<R> {
    name: String,
    path: Option<PathBuf>,
    reader: csv::Reader<Lines<R>>,
    columns: Columns,
    triggers: Triggers,
    record: csv::StringRecord,
    chip_cache: FxHashMap<String, ChipEntry>,
    place_cache: FxHashMap<(&'static str, &'static str), Vec<Flag>>,
    /// Each operator's headquarters, and the line that first gave it.
    operator_hq: FxHashMap<String, (&'static str, usize)>,
    problems: Vec<String>,
    unlisted: usize,
}

/// Opens a ledger file (a regular file within [`crate::fsio::LEDGER`]) and reads its header.
pub fn open(path: &Path) -> Result<Rows<Box<dyn Read + Send>>, Error> {
    let file = crate::fsio::open(path, &crate::fsio::LEDGER)?;
    let mut rows = Rows::new(
        &path.display().to_string(),
        Box::new(file) as Box<dyn Read + Send>,
    )?;
    rows.path = Some(path.to_path_buf());
    Ok(rows)
}

/// The rows of a ledger already read into memory (standard input, which cannot be read twice);
/// `name` is used in messages.
pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Rows<Box<dyn Read + Send>>, Error> {
    Rows::new(
        name,
        Box::new(std::io::Cursor::new(bytes)) as Box<dyn Read + Send>,
    )
}

/// Reads and validates a whole ledger from text; `name` is used in messages.
pub fn parse(name: &str, text: &str) -> Result<Vec<Shipment>, Error> {
    let mut rows = Rows::new(name, text.as_bytes())?;
    let mut all = Vec::new();
    while let Some(r) = rows.next_row()? {
        all.push(r);
    }
    rows.finish()?;
    Ok(all)
}

impl<R: Read> Rows<R> {
    /// Reads the header of the ledger in `input`; `name` is used in messages.
    pub fn new(name: &str, input: R) -> Result<Rows<R>, Error> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(Lines::new(input));
        let header = crate::table::header_of(name, &mut reader, COLUMNS, OPTIONAL_COLUMNS)
            .map_err(|problems| Error::Invalid { problems })?;
        let col = |n: &str| header.iter().position(|h| h == n);
        let at = |n: &str| col(n).expect("required columns are checked above");
        let columns = Columns {
            date: at("date"),
            consignee: at("consignee"),
            hq: at("consignee_hq"),
            destination: at("destination"),
            chip: at("chip"),
            quantity: at("quantity"),
            site: col("site"),
            operator: col("operator"),
        };
        let triggers = Triggers {
            tpp: optional_threshold("due-diligence-tpp")?,
            bandwidth: optional_threshold("due-diligence-memory-bandwidth")?,
        };
        Ok(Rows {
            name: name.to_string(),
            path: None,
            reader,
            columns,
            triggers,
            record: csv::StringRecord::new(),
            chip_cache: FxHashMap::default(),
            place_cache: FxHashMap::default(),
            operator_hq: FxHashMap::default(),
            problems: Vec::new(),
            unlisted: 0,
        })
    }

    fn problem(&mut self, line: usize, field: &str, problem: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems
                .push(format!("{}:{line}: {field}: {problem}", self.name));
        } else {
            self.unlisted += 1;
        }
    }

    /// The next valid shipment, or `None` at the end. Invalid rows are skipped (their problems
    /// kept for [`Rows::finish`]); only a file that cannot be read stops the reading.
    pub fn next_row(&mut self) -> Result<Option<Shipment>, Error> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    let line = crate::table::line_of(&mut self.reader, &self.record) as usize;
                    if let Some(row) = self.row(line) {
                        return Ok(Some(row));
                    }
                }
                Err(e) => {
                    let line = crate::table::error_line(&mut self.reader, &e).unwrap_or(0);
                    if !matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.problem(line as usize, "row", crate::table::error_message(&e));
                        continue;
                    }
                    let csv::ErrorKind::Io(io) = e.into_kind() else {
                        unreachable!("checked above")
                    };
                    return Err(match crate::fsio::from_io(io) {
                        Ok(file) => Error::File(file),
                        Err(source) => Error::Io {
                            path: self
                                .path
                                .clone()
                                .unwrap_or_else(|| PathBuf::from(&self.name)),
                            source,
                        },
                    });
                }
            }
        }
    }

    /// Every problem found, or `Ok` if there was none.
    pub fn finish(self) -> Result<(), Error> {
        if self.problems.is_empty() {
            return Ok(());
        }
        let mut problems = self.problems;
        if self.unlisted > 0 {
            problems.push(format!(
                "{}: … and {} more problems (the first {MAX_PROBLEMS} are listed)",
                self.name, self.unlisted
            ));
        }
        Err(Error::Invalid { problems })
    }

    /// The record just read as a shipment, or `None` (with its problems noted) if it is invalid.
    fn row(&mut self, line: usize) -> Option<Shipment> {
        let record = std::mem::take(&mut self.record);
        let shipment = self.shipment(&record, line);
        self.record = record;
        shipment
    }

    fn shipment(&mut self, record: &csv::StringRecord, line: usize) -> Option<Shipment> {
        let c = &self.columns;
        let get = |at: usize| record.get(at).unwrap_or("");
        let mut bad: Vec<(&str, String)> = Vec::new();
        let date = match get(c.date).parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                bad.push((
                    "date",
                    format!("{:?} is not a date (YYYY-MM-DD)", get(c.date)),
                ));
                None
            }
        };
        let quantity = match get(c.quantity).parse::<i64>() {
            Ok(q) if q > 0 && q as u64 <= MAX_QUANTITY => Some(q as u64),
            Ok(q) if q > 0 => {
                bad.push((
                    "quantity",
                    format!(
                        "{q} chips in one row is more than {MAX_QUANTITY}: not a real shipment"
                    ),
                ));
                None
            }
            Ok(q) => {
                bad.push(("quantity", format!("{q} is not a positive number of chips")));
                None
            }
            Err(_) => {
                bad.push((
                    "quantity",
                    format!("{:?} is not a whole number of chips", get(c.quantity)),
                ));
                None
            }
        };
        let mut country = |field: &'static str, at: usize| {
            let found = tiers::find(get(at));
            if found.is_none() {
                bad.push((
                    field,
                    format!("{:?} is not an ISO 3166-1 alpha-2 country code", get(at)),
                ));
            }
            found
        };
        let destination = country("destination", c.destination);
        let hq = country("consignee_hq", c.hq);
        if get(c.consignee).is_empty() {
            bad.push(("consignee", "empty".into()));
        }
        let optional =
            |at: Option<usize>| at.map(get).filter(|v| !v.is_empty()).map(str::to_string);
        let operator = optional(c.operator);
        if let (Some(op), Some(hq)) = (&operator, hq) {
            // Looked up before inserting: no key is allocated for a holder already seen.
            let (first_hq, first_line) = match self.operator_hq.get(op.as_str()) {
                Some(&first) => first,
                None => *self
                    .operator_hq
                    .entry(op.clone())
                    .or_insert((hq.code.as_str(), line)),
            };
            if first_hq != hq.code {
                bad.push((
                    "consignee_hq",
                    format!(
                        "operator {op:?} is headquartered in {first_hq} at line {first_line}: one VEU holder has one headquarters"
                    ),
                ));
            }
        }
        let chip_name = get(c.chip);
        if !self.chip_cache.contains_key(chip_name) {
            let entry = chip_entry(chip_name, &self.triggers);
            // Unknown names are not all kept: a ledger of distinct typos must not grow memory.
            match entry {
                Err(e) if self.chip_cache.len() >= 256 => bad.push(("chip", e)),
                entry => {
                    self.chip_cache.insert(chip_name.to_string(), entry);
                }
            }
        }
        let chip = self.chip_cache.get(chip_name);
        if let Some(Err(e)) = chip {
            bad.push(("chip", e.clone()));
        }
        let shipment = match (date, quantity, destination, hq, chip) {
            (
                Some(date),
                Some(quantity),
                Some(dest),
                Some(hq),
                Some(Ok((chip, unit_tpp, chip_flags))),
            ) if bad.is_empty() => {
                let mut flags = self
                    .place_cache
                    .entry((hq.code.as_str(), dest.code.as_str()))
                    .or_insert_with(|| place_flags(hq, dest))
                    .clone();
                flags.extend(chip_flags.iter().cloned());
                Some(Shipment {
                    line,
                    date,
                    consignee: get(c.consignee).to_string(),
                    consignee_hq: hq.code.clone(),
                    hq_tier: hq.tier,
                    destination: dest.code.clone(),
                    tier: dest.tier,
                    site: optional(c.site),
                    operator,
                    chip: chip.clone(),
                    quantity,
                    tpp: unit_tpp * quantity as f64,
                    flags,
                })
            }
            _ => None,
        };
        for (field, problem) in bad {
            self.problem(line, field, problem);
        }
        shipment
    }
}

/// A threshold the data file may leave out (then its check is skipped).
fn optional_threshold(id: &str) -> Result<Option<regimes::HardwareThreshold>, Error> {
    Ok(regimes::hardware()?.into_iter().find(|t| t.id == id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "date,consignee,consignee_hq,destination,chip,quantity\n";

    fn ids(row: &Shipment) -> Vec<&'static str> {
        row.flags.iter().map(|f| f.id).collect()
    }

    #[test]
    fn each_flag_is_raised_where_it_applies_and_only_there() {
        let rows = parse(
            "l.csv",
            &format!(
                "{HEADER}2025-03-01,Acme,CN,CN,H100,10\n\
                 2025-03-01,Acme,US,IN,L40S,1\n\
                 2025-03-01,Acme,IN,IN,Ascend 910B,1\n\
                 2025-03-01,Acme,DE,DE,TPU v4,1\n"
            ),
        )
        .unwrap();
        assert_eq!(
            ids(&rows[0]),
            [
                "tier3-destination",
                "tier3-headquarters",
                "due-diligence-tpp",
                "due-diligence-memory-bandwidth"
            ]
        );
        // L40S: 733 dense FP8 TFLOPS × 8 = 5,864 TPP (above 2,800); 864 GB/s (not above 1,000).
        assert_eq!(
            ids(&rows[1]),
            ["headquarters-tier-mismatch", "due-diligence-tpp"]
        );
        assert_eq!(rows[1].flags[1].status.as_deref(), Some("unconfirmed"));
        assert!(rows[1].flags[0].message.contains("tier 1 (United States)"));
        // Ascend 910B: no published memory bandwidth here, said rather than assumed.
        assert!(ids(&rows[2]).contains(&"memory-bandwidth-unknown"));
        // TPU v4: 275 TFLOPS × 16 = 4,400 TPP and 1,200 GB/s: both triggers, same tier.
        assert_eq!(
            ids(&rows[3]),
            ["due-diligence-tpp", "due-diligence-memory-bandwidth"]
        );
    }

    #[test]
    fn optional_columns_may_be_absent_empty_or_present() {
        let rows = parse(
            "l.csv",
            "date,consignee,consignee_hq,destination,chip,quantity,site,operator\n\
             2025-03-01,Acme,US,IN,H100,1,Pune-1,\n\
             2025-03-01,Acme,US,IN,H100,1,,CloudCo\n",
        )
        .unwrap();
        assert_eq!(rows[0].site.as_deref(), Some("Pune-1"));
        assert_eq!(rows[0].operator, None);
        assert_eq!(rows[1].site, None);
        assert_eq!(rows[1].operator.as_deref(), Some("CloudCo"));
    }

    #[test]
    fn an_operator_has_one_headquarters() {
        let e = parse(
            "l.csv",
            "date,consignee,consignee_hq,destination,chip,quantity,operator\n\
             2025-03-01,A,US,IN,H100,1,CloudCo\n\
             2025-03-02,B,IN,IN,H100,1,CloudCo\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "l.csv:3: consignee_hq: operator \"CloudCo\" is headquartered in US at line 2: one VEU holder has one headquarters"
        );
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line_and_field() {
        let e = parse("l.csv", &format!("{HEADER}2025-02-30,Acme,IN,IN,H100,1\n2025-01-01,Acme,IN,XX,H100,1\n2025-01-01,Acme,IN,IN,Z9,1\n2025-01-01,Acme,IN,IN,H100,-4\n2025-01-01,,IN,IN,H100,1.5\n")).unwrap_err().to_string();
        for expected in [
            "l.csv:2: date:",
            "l.csv:3: destination: \"XX\"",
            "l.csv:4: chip: unknown chip \"Z9\"",
            "l.csv:5: quantity: -4 is not a positive number",
            "l.csv:6: quantity: \"1.5\" is not a whole number",
            "l.csv:6: consignee: empty",
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
