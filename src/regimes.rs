/*!
The compute regimes capfloor classifies against, read from `data/regimes.toml` (embedded): each
threshold with how it compares, its legal status and its source. Nothing here is hard-coded law:
a regime that changes is an edit to the data file.
*/

use std::sync::LazyLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::verdict::{Comparison, Threshold};

const EMBEDDED: &str = include_str!("../data/regimes.toml");

/// One regime as the data file states it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub id: String,
    /// The name on a chart's threshold line (`4E091`, `CA SB 53`).
    pub short: String,
    pub name: String,
    pub threshold_flop: f64,
    pub comparison: ComparisonName,
    /// Published weights are outside the regime.
    pub published_exempt: bool,
    /// The threshold is max(threshold, the 4E091 capability floor).
    pub moving_floor: bool,
    pub status: String,
    pub status_date: String,
    /// `status` in a few words, with its date (`not enforced since 2025-05-13`).
    pub status_label: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonName {
    AtLeast,
    GreaterThan,
}

#[derive(Debug, Deserialize)]
struct File {
    regime: Vec<Regime>,
    #[serde(default)]
    threshold: Vec<HardwareThreshold>,
}

/// A hardware threshold in TPP (and performance density), with its confirmation status.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareThreshold {
    pub id: String,
    pub description: String,
    pub tpp_min: Option<f64>,
    pub tpp_max: Option<f64>,
    pub pd_min: Option<f64>,
    pub pd_max: Option<f64>,
    /// A per-chip trigger on memory bandwidth (GB/s), exceeded above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bandwidth_gb_s_min: Option<f64>,
    /// A cap on a share of a holder's TPP (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_max: Option<f64>,
    /// The dates a cumulative limit counts shipments between (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<Date>,
    /// What a government-to-government agreement multiplies the limit by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub g2g_multiplier: Option<f64>,
    /// A cumulative limit that rises on a schedule: each step holds through its date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<Step>,
    /// `confirmed` (found in the rule text, cited) or `unconfirmed`.
    pub status: String,
    pub source: String,
}

/// One step of a scheduled cumulative limit, in TPP or in H100-equivalents as the source states it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub through: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpp_max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub h100_equivalents: Option<f64>,
}

impl Step {
    /// The step's limit in TPP, given the TPP of one H100-equivalent.
    pub fn limit_tpp(&self, h100_tpp: f64) -> f64 {
        self.tpp_max
            .or(self.h100_equivalents.map(|n| n * h100_tpp))
            .expect("a schedule step has a limit (tested)")
    }
}

/// The data file, parsed once: a ledger check asks for its thresholds per chip it meets.
static FILE: LazyLock<Result<File, String>> =
    LazyLock::new(|| toml::from_str(EMBEDDED).map_err(|e| crate::tomlfile::describe(EMBEDDED, &e)));

fn file() -> Result<&'static File, Error> {
    FILE.as_ref().map_err(|e| Error(e.clone()))
}

/// The hardware thresholds (3A090, LPP, country allocations).
pub fn hardware() -> Result<Vec<HardwareThreshold>, Error> {
    Ok(file()?.threshold.clone())
}

/// One hardware threshold by id.
pub fn hardware_threshold(id: &str) -> Result<HardwareThreshold, Error> {
    hardware()?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| Error::missing(id))
}

/// The regimes file is part of the binary; a failure here is caught by the tests.
#[derive(Debug, thiserror::Error)]
#[error("data/regimes.toml: {0}")]
pub struct Error(String);

impl Error {
    /// No hardware threshold `id` in the data file.
    pub fn missing(id: &str) -> Error {
        Error(format!("no threshold {id:?}"))
    }
}

/// Every regime, in file order.
pub fn all() -> Result<Vec<Regime>, Error> {
    Ok(file()?.regime.clone())
}

/// One regime by id.
pub fn get(id: &str) -> Result<Regime, Error> {
    all()?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Error(format!("no regime {id:?}")))
}

/// `1e26` → `10²⁶`; a threshold that is not a power of ten keeps its mantissa (`2.5×10²⁵`).
pub fn power_of_ten(flop: f64) -> String {
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let exponent = flop.log10().floor();
    let mantissa = flop / 10f64.powf(exponent);
    let digits: String = format!("{exponent:.0}")
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => SUPERSCRIPT[d as usize],
            None => '⁻',
        })
        .collect();
    if (mantissa - 1.0).abs() < 1e-9 {
        format!("10{digits}")
    } else {
        format!("{mantissa:.1}×10{digits}")
    }
}

impl Regime {
    /// The one name of this regime's threshold line, on every chart and in every report:
    /// `4E091 ≥ 10²⁶ FLOP (not enforced since 2025-05-13)`.
    pub fn line_label(&self) -> String {
        let comparison = match self.comparison {
            ComparisonName::AtLeast => "≥",
            ComparisonName::GreaterThan => ">",
        };
        format!(
            "{} {comparison} {} FLOP ({})",
            self.short,
            power_of_ten(self.threshold_flop),
            self.status_label
        )
    }

    /// The threshold a verdict compares with; `floor_flop` applies to moving-floor regimes.
    pub fn threshold(&self, floor_flop: Option<f64>) -> Threshold {
        let (flop, basis) = match (self.moving_floor, floor_flop) {
            (true, Some(f)) if f > self.threshold_flop => (
                f,
                format!(
                    "the capability floor {f:.2e} FLOP, above {:.0e}",
                    self.threshold_flop
                ),
            ),
            (true, Some(f)) => (
                self.threshold_flop,
                format!(
                    "{:.0e} FLOP; the capability floor {f:.2e} FLOP is below it",
                    self.threshold_flop
                ),
            ),
            _ => (
                self.threshold_flop,
                format!("{:.0e} FLOP", self.threshold_flop),
            ),
        };
        Threshold {
            id: self.id.clone(),
            name: self.name.clone(),
            threshold_flop: flop,
            comparison: match self.comparison {
                ComparisonName::AtLeast => Comparison::AtLeast,
                ComparisonName::GreaterThan => Comparison::GreaterThan,
            },
            status: self.status.clone(),
            source: self.source.clone(),
            published_exempt: self.published_exempt,
            basis,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_regime_the_verdicts_name_is_in_the_data() {
        let ids: Vec<String> = all().unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "4e091",
                "eu-ai-act-systemic-risk",
                "eu-gpai",
                "ca-sb53",
                "us-eo14110"
            ]
        );
    }

    #[test]
    fn hardware_thresholds_carry_a_status() {
        let t = hardware().unwrap();
        assert!(t
            .iter()
            .all(|x| x.status == "confirmed" || x.status == "unconfirmed"));
        assert_eq!(
            hardware_threshold("lpp").unwrap().tpp_max,
            Some(26_900_000.0)
        );
        assert_eq!(
            hardware_threshold("3a090.a.1").unwrap().tpp_min,
            Some(4800.0)
        );
        // Every threshold sets something, every step a limit, schedules rise, shares are shares.
        for x in &t {
            assert!(!x.source.is_empty(), "{}", x.id);
            assert!(
                x.tpp_min.is_some()
                    || x.tpp_max.is_some()
                    || x.memory_bandwidth_gb_s_min.is_some()
                    || x.share_max.is_some()
                    || !x.schedule.is_empty(),
                "{} sets no limit",
                x.id
            );
            assert!(x.share_max.is_none_or(|s| s > 0.0 && s < 1.0), "{}", x.id);
            for pair in x.schedule.windows(2) {
                assert!(pair[0].through < pair[1].through, "{}", x.id);
                assert!(pair[0].limit_tpp(1.0) <= pair[1].limit_tpp(1.0), "{}", x.id);
            }
            for step in &x.schedule {
                assert!(
                    step.tpp_max.is_some() != step.h100_equivalents.is_some(),
                    "{}",
                    x.id
                );
            }
        }
    }

    #[test]
    fn each_threshold_line_has_one_name_that_restates_its_status_and_date() {
        assert_eq!(
            get("4e091").unwrap().line_label(),
            "4E091 ≥ 10²⁶ FLOP (not enforced since 2025-05-13)"
        );
        assert_eq!(
            get("eu-ai-act-systemic-risk").unwrap().line_label(),
            "EU AI Act systemic risk > 10²⁵ FLOP (in force since 2025-08-02)"
        );
        for r in all().unwrap() {
            assert!(r.status_label.contains(&r.status_date), "{}", r.id);
            assert!(!r.short.is_empty(), "{}", r.id);
        }
        assert_eq!(power_of_ten(1e23), "10²³");
        assert_eq!(power_of_ten(2.5e25), "2.5×10²⁵");
        assert_eq!(power_of_ten(1e-3), "10⁻³");
    }

    #[test]
    fn the_4e091_threshold_rises_with_the_floor() {
        let r = get("4e091").unwrap();
        assert_eq!(r.threshold(Some(3e25)).threshold_flop, 1e26);
        assert_eq!(r.threshold(Some(3e26)).threshold_flop, 3e26);
        assert_eq!(
            get("ca-sb53").unwrap().threshold(Some(3e26)).threshold_flop,
            1e26
        );
    }
}
