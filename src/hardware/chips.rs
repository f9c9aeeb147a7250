/*!
Accelerators and their dense (non-sparse) peak throughput per number format, from
`data/chips.csv` (one row per chip: die area, memory bandwidth, release date) and
`data/chip_throughput.csv` (one row per chip and precision), both embedded, every figure with its
source. Names match case-insensitively, ignoring spaces and hyphens, by full name or alias
(`H100 SXM`, `h100-sxm`, `H100`).
*/

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::compute::Peak;

const CHIPS: &str = include_str!("../../data/chips.csv");
const THROUGHPUT: &str = include_str!("../../data/chip_throughput.csv");

/// One accelerator.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Chip {
    pub chip: String,
    /// `;`-separated other names.
    pub aliases: String,
    pub vendor: String,
    pub die_area_mm2: Option<f64>,
    pub memory_bandwidth_gb_s: Option<f64>,
    pub release_date: Option<jiff::civil::Date>,
    pub source: String,
}

/// One chip's dense peak at one precision.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Throughput {
    pub chip: String,
    pub precision: String,
    /// Bit length of the operands (the TPP multiplier).
    pub bits: u32,
    /// Dense tera-operations per second (a multiply-add counts two).
    pub dense_tflops: f64,
    pub source: String,
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("the embedded chip tables are valid (tested)")
}

// Parsed once: a declaration or a ledger looks chips up many times.
static CHIP_TABLE: LazyLock<Vec<Chip>> = LazyLock::new(|| parse(CHIPS));
static THROUGHPUT_TABLE: LazyLock<Vec<Throughput>> = LazyLock::new(|| parse(THROUGHPUT));

pub fn chips() -> Vec<Chip> {
    CHIP_TABLE.clone()
}

pub fn throughput() -> Vec<Throughput> {
    THROUGHPUT_TABLE.clone()
}

fn normal(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The chip called `name` (full name or alias), or a message listing the known ones.
pub fn find(name: &str) -> Result<Chip, String> {
    let want = normal(name);
    let all = chips();
    all.iter()
        .find(|c| normal(&c.chip) == want || c.aliases.split(';').any(|a| normal(a) == want))
        .cloned()
        .ok_or_else(|| {
            let known: Vec<&str> = all.iter().map(|c| c.chip.as_str()).collect();
            format!(
                "unknown chip {name:?} (data/chips.csv has: {})",
                known.join(", ")
            )
        })
}

/// Every precision of `chip`.
pub fn throughput_of(chip: &Chip) -> Vec<Throughput> {
    throughput()
        .into_iter()
        .filter(|t| t.chip == chip.chip)
        .collect()
}

/// The dense peak of `chip` at `precision`, or a message naming what is known.
pub fn peak(chip: &str, precision: &str) -> Result<Peak, String> {
    let c = find(chip)?;
    let rows = throughput_of(&c);
    let p = precision.to_ascii_lowercase();
    rows.iter()
        .find(|r| r.precision == p)
        .map(|r| Peak {
            flop_per_second: r.dense_tflops * 1e12,
            source: format!(
                "{} {} dense {} TFLOPS: {} (data/chip_throughput.csv)",
                r.chip, r.precision, r.dense_tflops, r.source
            ),
        })
        .ok_or_else(|| {
            let have: Vec<&str> = rows.iter().map(|r| r.precision.as_str()).collect();
            format!(
                "{} has no {precision} figure in data/chip_throughput.csv (it has {})",
                c.chip,
                have.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_parse_and_every_figure_has_a_source() {
        let chips = chips();
        let rows = throughput();
        assert!(chips.len() >= 18 && rows.len() >= 40);
        assert!(rows
            .iter()
            .all(|r| r.dense_tflops > 0.0 && !r.source.is_empty()));
        // Every throughput row belongs to a chip, and every chip has one.
        assert!(
            rows.iter().all(|r| chips.iter().any(|c| c.chip == r.chip)),
            "orphan throughput row"
        );
        assert!(
            chips.iter().all(|c| rows.iter().any(|r| r.chip == c.chip)),
            "chip without throughput"
        );
    }

    #[test]
    fn names_match_loosely_and_precision_exactly() {
        let a = peak("h100-sxm", "BF16").unwrap();
        let b = peak("H100", "bf16").unwrap();
        assert_eq!(a.flop_per_second, 989.5e12);
        assert_eq!(a.flop_per_second, b.flop_per_second);
        assert!(peak("H100", "int4")
            .unwrap_err()
            .contains("has no int4 figure"));
        assert!(peak("Z9000", "bf16")
            .unwrap_err()
            .contains("unknown chip \"Z9000\""));
    }
}
