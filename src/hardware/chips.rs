/*!
Accelerators' dense (non-sparse) peak throughput per number format, from `data/chips.csv`
(embedded), each figure with its source. Names match case-insensitively, ignoring spaces and
hyphens, by full name or alias (`H100 SXM`, `h100-sxm`, `H100`).
*/

use serde::Deserialize;

use crate::compute::Peak;

const EMBEDDED: &str = include_str!("../../data/chips.csv");

#[derive(Debug, Clone, Deserialize)]
pub struct ChipPrecision {
    pub chip: String,
    /// `;`-separated other names.
    pub aliases: String,
    pub precision: String,
    pub dense_tflops: f64,
    pub source: String,
}

/// The embedded table (checked by the tests).
pub fn all() -> Vec<ChipPrecision> {
    csv::Reader::from_reader(EMBEDDED.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("data/chips.csv is valid (tested)")
}

fn normal(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn names(row: &ChipPrecision) -> impl Iterator<Item = String> + '_ {
    std::iter::once(normal(&row.chip)).chain(row.aliases.split(';').map(normal))
}

/// The dense peak of `chip` at `precision`, or a message naming what is known.
pub fn peak(chip: &str, precision: &str) -> Result<Peak, String> {
    let rows = all();
    let want = normal(chip);
    let of_chip: Vec<&ChipPrecision> = rows
        .iter()
        .filter(|r| names(r).any(|n| n == want))
        .collect();
    if of_chip.is_empty() {
        let mut known: Vec<&str> = rows.iter().map(|r| r.chip.as_str()).collect();
        known.dedup();
        return Err(format!(
            "unknown chip {chip:?} (data/chips.csv has: {})",
            known.join(", ")
        ));
    }
    let p = precision.to_ascii_lowercase();
    of_chip
        .iter()
        .find(|r| r.precision == p)
        .map(|r| Peak {
            flop_per_second: r.dense_tflops * 1e12,
            source: format!(
                "{} {} dense {} TFLOPS: {} (data/chips.csv)",
                r.chip, r.precision, r.dense_tflops, r.source
            ),
        })
        .ok_or_else(|| {
            let have: Vec<&str> = of_chip.iter().map(|r| r.precision.as_str()).collect();
            format!(
                "{} has no {precision} figure in data/chips.csv (it has {})",
                of_chip[0].chip,
                have.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_figure_has_a_source() {
        let rows = all();
        assert!(rows.len() >= 15);
        assert!(rows
            .iter()
            .all(|r| r.dense_tflops > 0.0 && !r.source.is_empty()));
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
