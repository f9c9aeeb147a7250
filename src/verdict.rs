/*!
Where a model's training operations fall against each compute regime: *below*, *above*, or
*indeterminate* when the interval of estimates straddles the threshold — the case a technical
opinion exists for. Every verdict carries its chain of reasons.

Thresholds differ in how they compare: ECCN 4E091 and California SB 53 apply at 10^26 *or more*
operations; the EU AI Act presumes systemic risk *greater than* 10^25. Published (open-weight)
models are outside 4E091 whatever their compute.
*/

use serde::Serialize;

use crate::counting::Part;
use crate::regimes::{Comparison, State, Threshold};

/// The three possible answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Below,
    Above,
    /// The interval straddles the threshold.
    Indeterminate,
    /// The regime does not apply at all (published weights under 4E091).
    NotApplicable,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outcome::Below => "below",
            Outcome::Above => "above",
            Outcome::Indeterminate => "indeterminate",
            Outcome::NotApplicable => "not applicable",
        })
    }
}

/// One regime's verdict. Field names are the `classify --json` shape of each `regimes` entry.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub id: String,
    pub name: String,
    pub verdict: Outcome,
    pub threshold_flop: f64,
    pub comparison: Comparison,
    pub status: String,
    pub source: String,
    pub reasons: Vec<String>,
    /// The operations this regime counts (its own inclusion table), and their interval.
    pub counted_flop: f64,
    pub counted_flop_lo: f64,
    pub counted_flop_hi: f64,
    /// The work it counts and the work it leaves out, each with the rule's text or reasoning.
    pub counted: Vec<Part>,
    pub left_out: Vec<Part>,
    /// Where the regime stands at the as-of date (`in_force`, `not_yet_in_force`, …), in words,
    /// and whether the threshold figure of that version is confirmed in the primary text.
    pub state: Option<State>,
    pub in_force: Option<String>,
    pub threshold_confirmed: Option<bool>,
    /// The regime's developer test (revenue, "intends to train"), where it has one.
    pub developer: Option<DeveloperTest>,
}

/// What a regime's developer test finds. `None` where the declaration cannot settle it.
#[derive(Debug, Clone, Serialize)]
pub struct DeveloperTest {
    /// Trains, or intends to train (planned phases), a model above the threshold.
    pub covered_developer: Option<bool>,
    /// Only because of planned phases: the developer "intends to" train one.
    pub intends_only: bool,
    /// Also above the revenue test (a "large frontier developer" under SB 53).
    pub large_developer: Option<bool>,
    pub revenue_usd_above: f64,
    pub revenue_confirmed: bool,
    pub reasons: Vec<String>,
}

/// The verdict of operations in `[lo, hi]` (point `point`) against `t`.
pub fn judge(t: &Threshold, point: f64, lo: f64, hi: f64, weights_published: bool) -> Verdict {
    let mut reasons = vec![format!(
        "threshold {:.2e} FLOP ({})",
        t.threshold_flop, t.basis
    )];
    let op = t.comparison.symbol();
    let in_scope = |x: f64| t.comparison.holds(x, t.threshold_flop);
    let verdict = if weights_published && t.published_exempt {
        reasons.push("the weights are published: published models are outside this regime whatever their compute".into());
        Outcome::NotApplicable
    } else if in_scope(lo) {
        reasons.push(format!(
            "every estimate is {op} the threshold: lowest {lo:.2e} FLOP"
        ));
        Outcome::Above
    } else if !in_scope(hi) {
        reasons.push(format!(
            "every estimate is below the threshold: highest {hi:.2e} FLOP"
        ));
        Outcome::Below
    } else {
        reasons.push(format!(
            "the estimates straddle the threshold: {lo:.2e} to {hi:.2e} FLOP (central {point:.2e}); a technical opinion should settle which side"
        ));
        Outcome::Indeterminate
    };
    reasons.push(format!("regime status: {}", t.status));
    Verdict {
        id: t.id.clone(),
        name: t.name.clone(),
        verdict,
        threshold_flop: t.threshold_flop,
        comparison: t.comparison,
        status: t.status.clone(),
        source: t.source.clone(),
        reasons,
        counted_flop: point,
        counted_flop_lo: lo,
        counted_flop_hi: hi,
        counted: Vec::new(),
        left_out: Vec::new(),
        state: None,
        in_force: None,
        threshold_confirmed: None,
        developer: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn threshold(flop: f64, comparison: Comparison) -> Threshold {
        Threshold {
            id: "t".into(),
            name: "T".into(),
            threshold_flop: flop,
            comparison,
            status: "in force".into(),
            source: "test".into(),
            published_exempt: true,
            basis: "test".into(),
        }
    }

    #[test]
    fn an_interval_wholly_on_one_side_is_below_or_above() {
        let t = threshold(1e26, Comparison::AtLeast);
        assert_eq!(judge(&t, 5e25, 4e25, 6e25, false).verdict, Outcome::Below);
        assert_eq!(judge(&t, 2e26, 1.5e26, 3e26, false).verdict, Outcome::Above);
        let v = judge(&t, 9e25, 8e25, 1.2e26, false);
        assert_eq!(v.verdict, Outcome::Indeterminate);
        assert!(v.reasons.iter().any(|r| r.contains("straddle")));
    }

    #[test]
    fn at_least_and_greater_than_differ_exactly_at_the_threshold() {
        assert_eq!(
            judge(
                &threshold(1e26, Comparison::AtLeast),
                1e26,
                1e26,
                1e26,
                false
            )
            .verdict,
            Outcome::Above
        );
        assert_eq!(
            judge(
                &threshold(1e25, Comparison::GreaterThan),
                1e25,
                1e25,
                1e25,
                false
            )
            .verdict,
            Outcome::Below
        );
    }

    #[test]
    fn published_weights_are_outside_4e091_whatever_the_compute() {
        let v = judge(
            &threshold(1e26, Comparison::AtLeast),
            1e27,
            1e27,
            1e27,
            true,
        );
        assert_eq!(v.verdict, Outcome::NotApplicable);
        let mut eu = threshold(1e25, Comparison::GreaterThan);
        eu.published_exempt = false;
        assert_eq!(judge(&eu, 1e27, 1e27, 1e27, true).verdict, Outcome::Above);
    }
}
