/*!
Destination tiers of the AI Diffusion rule, from `data/destinations.csv` (embedded): every ISO
3166-1 country with its tier — 1: paragraph (a) of Supplement No. 5 to part 740 and the United
States; 3: Country Group D:5 and Macau; 2: everyone else — with the source and any doubt noted.
*/

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

const EMBEDDED: &str = include_str!("../../data/destinations.csv");

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Destination {
    /// ISO 3166-1 alpha-2.
    pub code: String,
    pub name: String,
    pub tier: u8,
    pub source: String,
    pub note: String,
}

/// Every destination, parsed once: a ledger looks up two per row.
static ALL: LazyLock<Vec<Destination>> = LazyLock::new(|| {
    csv::Reader::from_reader(EMBEDDED.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("data/destinations.csv is valid (tested)")
});

pub fn all() -> &'static [Destination] {
    &ALL
}

/// Index of each destination by its upper-case code: a ledger looks up two codes per row, a
/// million rows in all.
static BY_CODE: LazyLock<rustc_hash::FxHashMap<[u8; 2], usize>> = LazyLock::new(|| {
    ALL.iter()
        .enumerate()
        .map(|(i, d)| {
            let b = d.code.as_bytes();
            ([b[0], b[1]], i)
        })
        .collect()
});

/// The destination with ISO code `code` (case-insensitive).
pub fn find(code: &str) -> Option<&'static Destination> {
    match code.trim().as_bytes() {
        &[a, b] => BY_CODE
            .get(&[a.to_ascii_uppercase(), b.to_ascii_uppercase()])
            .map(|&i| &ALL[i]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_a_tier() {
        let all = all();
        assert_eq!(all.len(), 249);
        assert!(all
            .iter()
            .all(|d| (1..=3).contains(&d.tier) && !d.source.is_empty()));
        assert_eq!(all.iter().filter(|d| d.tier == 1).count(), 19);
        assert_eq!(find("us").unwrap().tier, 1);
        assert_eq!(find("TW").unwrap().tier, 1);
        assert_eq!(find("MO").unwrap().tier, 3);
        assert_eq!(find("CN").unwrap().tier, 3);
        assert_eq!(find("IN").unwrap().tier, 2);
        assert!(find("XX").is_none());
        assert!(find(" in ").is_some_and(|d| d.code == "IN"));
        assert!(find("IND").is_none() && find("").is_none() && find("é").is_none());
        assert!(all
            .iter()
            .all(|d| d.code.len() == 2 && d.code == d.code.to_uppercase()));
    }
}
