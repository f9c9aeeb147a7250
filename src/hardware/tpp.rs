/*!
Total Processing Performance (ECCN 3A090): TPP = 2 × MacTOPS × bit length, the largest over a
chip's number formats, computed from dense throughput (a multiply-add counts two operations, so
TPP = dense TOPS × bit length); performance density = TPP / die area (mm²); the 3A090
classification from the thresholds in `data/regimes.toml`; and H100-equivalents = TPP /
TPP(H100 SXM). Worked check: H100 SXM, 1,979 dense FP8 TFLOPS × 8 bits = 15,832 TPP.
*/

use serde::Serialize;

use super::chips::{self, Chip};
use crate::regimes::{self, HardwareThreshold};

/// Where a TPP came from.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    pub chip: Option<String>,
    pub tpp: f64,
    /// The precision that gives the largest TPP, and its throughput.
    pub precision: Option<String>,
    pub dense_tops: f64,
    pub bits: u32,
    pub die_area_mm2: Option<f64>,
    pub performance_density: Option<f64>,
    /// `3A090.a`, `3A090.b`, `not 3A090`, or `indeterminate (die area unknown)`.
    pub eccn: String,
    /// The threshold the classification rests on, with its status and source.
    pub basis: Option<HardwareThreshold>,
    pub h100_equivalents: f64,
    pub sources: Vec<String>,
}

/// TPP of the H100 SXM from the chip table (the H100-equivalent unit).
pub fn h100_tpp() -> f64 {
    let h100 = chips::find("H100 SXM").expect("H100 SXM is in data/chips.csv (tested)");
    best(&h100).map_or(15_832.0, |(t, _)| t)
}

/// The largest dense TOPS × bits over the chip's precisions, with the row that gives it.
fn best(chip: &Chip) -> Option<(f64, chips::Throughput)> {
    chips::throughput_of(chip)
        .into_iter()
        .map(|t| (t.dense_tflops * f64::from(t.bits), t))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Classifies a TPP and performance density under 3A090.
pub fn classify(
    tpp: f64,
    pd: Option<f64>,
) -> Result<(String, Option<HardwareThreshold>), regimes::Error> {
    let th = regimes::hardware()?;
    let get = |id: &str| th.iter().find(|t| t.id == id).cloned();
    let within = |t: &HardwareThreshold, pd: Option<f64>| -> Option<bool> {
        let tpp_ok = t.tpp_min.is_none_or(|m| tpp >= m) && t.tpp_max.is_none_or(|m| tpp < m);
        if t.pd_min.is_none() && t.pd_max.is_none() {
            return Some(tpp_ok);
        }
        let pd = pd?;
        Some(tpp_ok && t.pd_min.is_none_or(|m| pd >= m) && t.pd_max.is_none_or(|m| pd < m))
    };
    let mut unknown = false;
    for (id, eccn) in [
        ("3a090.a.1", "3A090.a"),
        ("3a090.a.2", "3A090.a"),
        ("3a090.b.1", "3A090.b"),
        ("3a090.b.2", "3A090.b"),
    ] {
        let Some(t) = get(id) else { continue };
        match within(&t, pd) {
            Some(true) => return Ok((eccn.to_string(), Some(t))),
            Some(false) => {}
            None => unknown = unknown || t.tpp_min.is_none_or(|m| tpp >= m),
        }
    }
    Ok(if unknown {
        (
            "indeterminate (die area unknown: performance density needed)".to_string(),
            None,
        )
    } else {
        ("not 3A090".to_string(), None)
    })
}

/// Rates a chip from the table.
pub fn rate_chip(name: &str) -> Result<Rating, String> {
    let chip = chips::find(name)?;
    let (tpp, t) = best(&chip).ok_or_else(|| format!("{} has no throughput figures", chip.chip))?;
    let pd = chip.die_area_mm2.map(|a| tpp / a);
    let (eccn, basis) = classify(tpp, pd).map_err(|e| e.to_string())?;
    Ok(Rating {
        chip: Some(chip.chip.clone()),
        tpp,
        precision: Some(t.precision.clone()),
        dense_tops: t.dense_tflops,
        bits: t.bits,
        die_area_mm2: chip.die_area_mm2,
        performance_density: pd,
        eccn,
        basis,
        h100_equivalents: tpp / h100_tpp(),
        sources: vec![t.source.clone(), chip.source.clone()],
    })
}

/// Rates an arbitrary part from its dense TOPS at a bit length.
pub fn rate(tops: f64, bits: u32, die_area_mm2: Option<f64>) -> Result<Rating, String> {
    let tpp = tops * f64::from(bits);
    let pd = die_area_mm2.map(|a| tpp / a);
    let (eccn, basis) = classify(tpp, pd).map_err(|e| e.to_string())?;
    Ok(Rating {
        chip: None,
        tpp,
        precision: None,
        dense_tops: tops,
        bits,
        die_area_mm2,
        performance_density: pd,
        eccn,
        basis,
        h100_equivalents: tpp / h100_tpp(),
        sources: vec!["given on the command line".into()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_h100_sxm_is_15832_tpp() {
        let r = rate_chip("H100").unwrap();
        assert_eq!(r.tpp, 15_832.0);
        assert_eq!(r.eccn, "3A090.a");
        assert!((r.performance_density.unwrap() - 15_832.0 / 814.0).abs() < 1e-9);
        assert_eq!(r.h100_equivalents, 1.0);
    }

    #[test]
    fn published_chips_land_where_their_figures_put_them() {
        assert_eq!(rate_chip("A100").unwrap().tpp, 4_992.0);
        assert_eq!(rate_chip("H20").unwrap().tpp, 2_368.0);
        assert!((rate_chip("RTX 4090").unwrap().tpp - 5_284.8).abs() < 1e-9);
        assert_eq!(rate_chip("B200").unwrap().tpp, 36_000.0);
        // H20: 2,368 TPP; with no published die area its density, and so 3A090.b, is open.
        assert!(rate_chip("H20").unwrap().eccn.starts_with("indeterminate"));
    }

    #[test]
    fn the_thresholds_apply_at_their_boundaries() {
        assert_eq!(classify(4800.0, None).unwrap().0, "3A090.a");
        assert_eq!(classify(4799.0, Some(1.0)).unwrap().0, "not 3A090");
        assert_eq!(classify(1600.0, Some(5.92)).unwrap().0, "3A090.a");
        assert_eq!(classify(1600.0, Some(5.91)).unwrap().0, "3A090.b");
        assert_eq!(classify(1599.0, Some(10.0)).unwrap().0, "not 3A090");
        assert_eq!(classify(2400.0, Some(1.6)).unwrap().0, "3A090.b");
        assert_eq!(classify(2399.0, Some(1.6)).unwrap().0, "not 3A090");
    }
}
