/*!
The compute regimes capfloor classifies against, read from `data/regimes.toml` (embedded): each
threshold with how it compares, its legal status and its source. Nothing here is hard-coded law:
a regime that changes is an edit to the data file.
*/

use std::sync::LazyLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::declaration::Category;

const EMBEDDED: &str = include_str!("../data/regimes.toml");

/// How a regime's threshold compares (`comparison` in `data/regimes.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// In scope at the threshold or above (≥).
    AtLeast,
    /// In scope strictly above the threshold (>).
    GreaterThan,
}

impl Comparison {
    /// Whether `flop` is in scope of a threshold of `threshold_flop`.
    pub fn holds(self, flop: f64, threshold_flop: f64) -> bool {
        match self {
            Comparison::AtLeast => flop >= threshold_flop,
            Comparison::GreaterThan => flop > threshold_flop,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::GreaterThan => ">",
        }
    }
}

/// One regime's threshold as the verdict needs it.
#[derive(Debug, Clone, Serialize)]
pub struct Threshold {
    /// `4e091`, `eu-ai-act-systemic-risk`, `eu-gpai`, `ca-sb53`, `us-eo14110`.
    pub id: String,
    pub name: String,
    pub threshold_flop: f64,
    pub comparison: Comparison,
    /// The regime's legal status (in force, rescinded, revoked …), shown beside the verdict.
    pub status: String,
    pub source: String,
    /// Published weights are outside the regime (4E091's first de-control).
    pub published_exempt: bool,
    /// How the threshold was arrived at (e.g. max(10^26, floor) for 4E091).
    pub basis: String,
}

/// One regime as the data file states it. `threshold_flop` and `comparison` are those of its
/// latest version (the headline figure a chart draws); a verdict takes the version in force at
/// its as-of date ([`Regime::standing`]).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "RawRegime")]
pub struct Regime {
    pub id: String,
    /// The name on a chart's threshold line (`4E091`, `CA SB 53`).
    pub short: String,
    pub name: String,
    pub threshold_flop: f64,
    pub comparison: Comparison,
    /// Published weights are outside the regime.
    pub published_exempt: bool,
    /// The threshold is max(threshold, the 4E091 capability floor).
    pub moving_floor: bool,
    pub status: String,
    pub status_date: String,
    /// `status` in a few words, with its date (`not enforced since 2025-05-13`).
    pub status_label: String,
    pub source: String,
    /// The developer's gross revenue (USD, preceding calendar year) above which the regime's
    /// "large developer" obligations apply, and whether the figure is confirmed in the text.
    pub revenue_usd_above: Option<f64>,
    pub revenue_confirmed: Option<bool>,
    /// The relative error the regime allows an estimate (the EU's ±30%), and its conventions.
    pub estimate_tolerance: Option<f64>,
    pub estimate_convention: Option<String>,
    /// Days after knowing the threshold is (or will be) met within which to notify (EU: 14).
    pub notify_within_days: Option<i32>,
    /// The regime applies only to models that generate one of these (`model.generates`).
    pub modalities: Option<Vec<String>>,
    pub modalities_source: Option<String>,
    /// A modification above this regime's threshold inherits the presumption of that regime
    /// when the base model is above it (the EU downstream modifier of a systemic-risk model).
    pub inherits_from: Option<String>,
    /// The regime's thresholds over time, oldest first.
    pub versions: Vec<Version>,
    /// What the regime counts, one cell per phase kind.
    pub counts: Counts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegime {
    id: String,
    short: String,
    name: String,
    published_exempt: bool,
    moving_floor: bool,
    status: String,
    status_date: String,
    status_label: String,
    source: String,
    revenue_usd_above: Option<f64>,
    revenue_confirmed: Option<bool>,
    estimate_tolerance: Option<f64>,
    estimate_convention: Option<String>,
    notify_within_days: Option<i32>,
    modalities: Option<Vec<String>>,
    modalities_source: Option<String>,
    inherits_from: Option<String>,
    version: Vec<Version>,
    counts: Counts,
}

impl TryFrom<RawRegime> for Regime {
    type Error = String;
    fn try_from(r: RawRegime) -> Result<Regime, String> {
        let last = r
            .version
            .last()
            .ok_or_else(|| format!("regime {}: no [[regime.version]]", r.id))?;
        // Versions follow one another: each starts where the one before ended, or later.
        for pair in r.version.windows(2) {
            let ended = pair[0].until.or(pair[0].from);
            if pair[1].from.is_none() || pair[1].from < ended {
                return Err(format!(
                    "regime {}: versions overlap or are out of order",
                    r.id
                ));
            }
        }
        if r.revenue_usd_above.is_some() != r.revenue_confirmed.is_some() {
            return Err(format!(
                "regime {}: revenue_usd_above and revenue_confirmed go together",
                r.id
            ));
        }
        Ok(Regime {
            threshold_flop: last.threshold_flop,
            comparison: last.comparison,
            id: r.id,
            short: r.short,
            name: r.name,
            published_exempt: r.published_exempt,
            moving_floor: r.moving_floor,
            status: r.status,
            status_date: r.status_date,
            status_label: r.status_label,
            source: r.source,
            revenue_usd_above: r.revenue_usd_above,
            revenue_confirmed: r.revenue_confirmed,
            estimate_tolerance: r.estimate_tolerance,
            estimate_convention: r.estimate_convention,
            notify_within_days: r.notify_within_days,
            modalities: r.modalities,
            modalities_source: r.modalities_source,
            inherits_from: r.inherits_from,
            versions: r.version,
            counts: r.counts,
        })
    }
}

/// What a regime relative to a base model knows of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BaseCompute {
    /// No base model: not a modification.
    None,
    /// The base model's training compute.
    Known(f64),
    /// A base model whose compute is unknown, and whether it is a systemic-risk model.
    Unknown { systemic_risk: bool },
}

/// One version of a regime's threshold and the dates it is in force.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// In force from this date (inclusive); none for a proposal not yet enacted.
    pub from: Option<Date>,
    /// No longer in force from this date (exclusive); none while it stands.
    pub until: Option<Date>,
    /// Still law, but the authority announced it would not enforce it from this date (4E091).
    pub not_enforced_from: Option<Date>,
    pub threshold_flop: f64,
    pub comparison: Comparison,
    /// The threshold is the base model's training compute divided by this (3: the EU one-third
    /// rule, kept a divisor so that the boundary is exact); `threshold_flop` applies when that
    /// compute is unknown and the base model is a systemic-risk model.
    pub base_divisor: Option<f64>,
    /// The threshold when the base model's compute is unknown and it is a general-purpose model
    /// without systemic risk (the EU: one third of 10^23).
    #[serde(default)]
    pub unknown_gpai_base_threshold_flop: Option<f64>,
    /// The figure was found in the primary text (true) or only as reported (false).
    pub confirmed: bool,
    pub source: String,
}

/// Where a regime stands at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    InForce,
    /// In force on paper, but not enforced.
    NotEnforced,
    NotYetInForce,
    NoLongerInForce,
    /// Not enacted: no date it is in force from.
    Proposed,
}

/// The version a date picks and what state the regime is in then.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub state: State,
    /// `in force since 2026-01-01`, `not yet in force (from 2027-01-01)`, …
    pub label: String,
    /// The version in force, else the nearest one (the first before it starts, the last after).
    pub version: Version,
}

/// Whether a regime counts one category, and on what authority.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    pub counted: bool,
    /// Stated in the cited text (true), or capfloor's interpretation, with its reasoning (false).
    pub confirmed: bool,
    pub source: String,
}

/// A regime's inclusion table: every category must have a cell (a missing one is a data error,
/// never a silent default).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub pretraining: Cell,
    pub midtraining: Cell,
    pub finetuning: Cell,
    pub rl: Cell,
    pub synthetic_data: Cell,
    pub synthetic_data_public: Cell,
    pub reward_model: Cell,
    pub evaluation: Cell,
    pub failed_runs: Cell,
    pub merge_or_init: Cell,
    pub distillation_teacher: Cell,
    pub base_model: Cell,
}

impl Counts {
    pub fn cell(&self, c: Category) -> &Cell {
        match c {
            Category::Pretraining => &self.pretraining,
            Category::Midtraining => &self.midtraining,
            Category::Finetuning => &self.finetuning,
            Category::Rl => &self.rl,
            Category::SyntheticData => &self.synthetic_data,
            Category::SyntheticDataPublic => &self.synthetic_data_public,
            Category::RewardModel => &self.reward_model,
            Category::Evaluation => &self.evaluation,
            Category::FailedRuns => &self.failed_runs,
            Category::MergeOrInit => &self.merge_or_init,
            Category::DistillationTeacher => &self.distillation_teacher,
            Category::BaseModel => &self.base_model,
        }
    }
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
    /// The version in force at `date`, or the nearest one with why it is not in force.
    pub fn standing(&self, date: Date) -> Standing {
        let in_force = self
            .versions
            .iter()
            .find(|v| v.from.is_some_and(|f| f <= date) && v.until.is_none_or(|u| date < u));
        let (state, label, version) = match in_force {
            Some(v) => match v.not_enforced_from {
                Some(n) if n <= date => (
                    State::NotEnforced,
                    format!("not enforced since {n}; formal removal not found"),
                    v,
                ),
                _ => (
                    State::InForce,
                    format!("in force since {}", v.from.expect("found by its date")),
                    v,
                ),
            },
            None => {
                let next = self
                    .versions
                    .iter()
                    .find(|v| v.from.is_some_and(|f| f > date));
                let last = self.versions.last().expect("a regime has a version");
                match (next, last.from) {
                    (Some(v), _) => (
                        State::NotYetInForce,
                        format!(
                            "not yet in force (from {})",
                            v.from.expect("found by its date")
                        ),
                        v,
                    ),
                    (None, None) => (
                        State::Proposed,
                        "proposed: not in force, no date".to_string(),
                        last,
                    ),
                    (None, Some(_)) => (
                        State::NoLongerInForce,
                        match last.until {
                            Some(u) => format!("no longer in force (since {u})"),
                            None => "no longer in force".to_string(),
                        },
                        last,
                    ),
                }
            }
        };
        Standing {
            state,
            label,
            version: version.clone(),
        }
    }

    /// The one name of this regime's threshold line, on every chart and in every report:
    /// `4E091 ≥ 10²⁶ FLOP (not enforced since 2025-05-13)`.
    pub fn line_label(&self) -> String {
        let comparison = self.comparison.symbol();
        format!(
            "{} {comparison} {} FLOP ({})",
            self.short,
            power_of_ten(self.threshold_flop),
            self.status_label
        )
    }

    /// The latest version's threshold; `floor_flop` applies to moving-floor regimes.
    pub fn threshold(&self, floor_flop: Option<f64>) -> Threshold {
        let latest = self.versions.last().expect("a regime has a version");
        self.threshold_of(latest, floor_flop, BaseCompute::None)
    }

    /// The threshold of `version`; `floor_flop` applies to moving-floor regimes, `base` (the
    /// base model's training compute, or whether a base of unknown compute is a systemic-risk
    /// model) to a regime relative to it.
    pub fn threshold_of(
        &self,
        version: &Version,
        floor_flop: Option<f64>,
        base: BaseCompute,
    ) -> Threshold {
        let threshold_flop = version.threshold_flop;
        let (flop, basis) = match (version.base_divisor, base, self.moving_floor, floor_flop) {
            (Some(q), BaseCompute::Known(b), _, _) => {
                (b / q, format!("1/{q} of the base model's {b:.2e} FLOP"))
            }
            (Some(q), BaseCompute::Unknown { systemic_risk: false }, _, _)
                if version.unknown_gpai_base_threshold_flop.is_some() =>
            {
                let t = version.unknown_gpai_base_threshold_flop.unwrap_or(threshold_flop);
                (
                    t,
                    format!("{t:.2e} FLOP: 1/{q} of 10^23, for a general-purpose base model without systemic risk whose compute is unknown"),
                )
            }
            (Some(q), _, _, _) => (
                threshold_flop,
                format!(
                    "{threshold_flop:.2e} FLOP: 1/{q} of 10^25, for a systemic-risk base model whose compute is unknown"
                ),
            ),
            (None, _, true, Some(f)) if f > threshold_flop => (
                f,
                format!("the capability floor {f:.2e} FLOP, above {threshold_flop:.0e}"),
            ),
            (None, _, true, Some(f)) => (
                threshold_flop,
                format!("{threshold_flop:.0e} FLOP; the capability floor {f:.2e} FLOP is below it"),
            ),
            _ => (threshold_flop, format!("{threshold_flop:.0e} FLOP")),
        };
        Threshold {
            id: self.id.clone(),
            name: self.name.clone(),
            threshold_flop: flop,
            comparison: version.comparison,
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
                "us-eo14110",
                "ny-raise",
                "kr-ai-basic-act",
                "il-sb315",
                "us-s2938",
                "eu-downstream-modifier"
            ]
        );
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn an_as_of_date_picks_the_version_in_force() {
        let sb53 = get("ca-sb53").unwrap();
        assert_eq!(
            sb53.standing(date("2025-12-31")).state,
            State::NotYetInForce
        );
        assert_eq!(
            sb53.standing(date("2025-12-31")).label,
            "not yet in force (from 2026-01-01)"
        );
        assert_eq!(sb53.standing(date("2026-01-01")).state, State::InForce);
        let eo = get("us-eo14110").unwrap();
        assert_eq!(eo.standing(date("2024-06-01")).state, State::InForce);
        // `until` is the first day it no longer applies.
        assert_eq!(eo.standing(date("2025-01-19")).state, State::InForce);
        let gone = eo.standing(date("2025-01-20"));
        assert_eq!(gone.state, State::NoLongerInForce);
        assert_eq!(gone.label, "no longer in force (since 2025-01-20)");
        let e4 = get("4e091").unwrap();
        assert_eq!(e4.standing(date("2025-03-01")).state, State::InForce);
        let n = e4.standing(date("2026-12-01"));
        assert_eq!(n.state, State::NotEnforced);
        assert_eq!(
            n.label,
            "not enforced since 2025-05-13; formal removal not found"
        );
        assert!(e4
            .status
            .starts_with("not enforced since 2025-05-13; formal removal not found"));
        assert_eq!(
            get("il-sb315").unwrap().standing(date("2026-12-01")).state,
            State::Proposed
        );
        let ny = get("ny-raise").unwrap().standing(date("2026-12-01"));
        assert_eq!(ny.state, State::NotYetInForce);
        assert!(!ny.version.confirmed);
        assert_eq!(
            get("kr-ai-basic-act")
                .unwrap()
                .standing(date("2026-01-22"))
                .state,
            State::InForce
        );
    }

    #[test]
    fn a_later_version_takes_over_from_its_date() {
        // A regime amended by a later version: the date picks which figure applies.
        let mut r = get("ca-sb53").unwrap();
        let mut v2 = r.versions[0].clone();
        r.versions[0].until = Some(date("2027-01-01"));
        v2.from = Some(date("2027-01-01"));
        v2.threshold_flop = 3e26;
        r.versions.push(v2);
        assert_eq!(r.standing(date("2026-12-31")).version.threshold_flop, 1e26);
        assert_eq!(r.standing(date("2027-01-01")).version.threshold_flop, 3e26);
    }

    #[test]
    fn docs_regimes_md_names_every_regime() {
        let docs = include_str!("../docs/regimes.md");
        for r in all().unwrap() {
            assert!(
                docs.contains(&format!("`{}`", r.id)),
                "{} missing from docs/regimes.md",
                r.id
            );
        }
    }

    #[test]
    fn every_cell_of_every_regime_has_its_source() {
        for r in all().unwrap() {
            for c in Category::ALL {
                let cell = r.counts.cell(c);
                assert!(!cell.source.is_empty(), "{} {}", r.id, c.name());
            }
            for v in &r.versions {
                assert!(!v.source.is_empty(), "{}", r.id);
            }
        }
        let eu = get("eu-ai-act-systemic-risk").unwrap();
        assert!(eu.counts.synthetic_data.counted && eu.counts.synthetic_data.confirmed);
        assert!(!eu.counts.synthetic_data_public.counted);
        assert!(!eu.counts.reward_model.counted);
        assert!(!get("ca-sb53").unwrap().counts.reward_model.confirmed);
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
