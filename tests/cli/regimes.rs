//! `capfloor regimes`: every regime at a date, with its version, what it counts and its status.

use crate::workdir::Workdir;

fn entry<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no regime {id}"))
}

#[test]
fn the_table_lists_every_regime_at_its_date() {
    let wd = Workdir::new();
    let v = wd
        .run(&["regimes", "--as-of", "2026-12-01", "--json"])
        .json();
    assert_eq!(v["as_of"], "2026-12-01");
    assert_eq!(v["regimes"].as_array().unwrap().len(), 10);
    let e4 = entry(&v, "4e091");
    assert_eq!(e4["state"], "not_enforced");
    assert_eq!(
        e4["in_force"],
        "not enforced since 2025-05-13; formal removal not found"
    );
    assert_eq!(e4["comparison"], "at_least");
    let eu = entry(&v, "eu-ai-act-systemic-risk");
    assert_eq!(eu["threshold_flop"], 1e25);
    assert!(eu["leaves_out"]
        .as_array()
        .unwrap()
        .contains(&"reward_model".into()));
    assert!(eu["counts"]
        .as_array()
        .unwrap()
        .contains(&"synthetic_data".into()));
    assert_eq!(eu["cells"].as_array().unwrap().len(), 12);
    assert_eq!(entry(&v, "ny-raise")["state"], "not_yet_in_force");
    assert_eq!(entry(&v, "ny-raise")["threshold_confirmed"], false);
    assert_eq!(entry(&v, "ca-sb53")["revenue_usd_above"], 500e6);
    assert_eq!(entry(&v, "il-sb315")["state"], "proposed");
    // A federal draft: recorded as proposed, its figure unconfirmed until read in the text.
    assert_eq!(entry(&v, "us-s2938")["state"], "proposed");
    assert_eq!(entry(&v, "us-s2938")["threshold_confirmed"], false);
    assert_eq!(entry(&v, "eu-downstream-modifier")["base_divisor"], 3.0);
    // Another date, another standing.
    let v = wd
        .run(&["regimes", "--as-of", "2024-06-01", "--json"])
        .json();
    assert_eq!(entry(&v, "us-eo14110")["state"], "in_force");
    assert_eq!(entry(&v, "ca-sb53")["state"], "not_yet_in_force");
    assert_eq!(
        entry(&v, "ca-sb53")["in_force"],
        "not yet in force (from 2026-01-01)"
    );
    let v = wd
        .run(&["regimes", "--as-of", "2027-01-01", "--json"])
        .json();
    assert_eq!(entry(&v, "ny-raise")["state"], "in_force");
    assert_eq!(
        entry(&v, "us-eo14110")["in_force"],
        "no longer in force (since 2025-01-20)"
    );
}

#[test]
fn the_human_table_names_threshold_counts_status_and_source() {
    let wd = Workdir::new();
    let out = wd.run(&["regimes", "--as-of", "2026-12-01"]).success();
    for expected in [
        "Compute regimes as of 2026-12-01",
        "ca-sb53 — California SB 53",
        "threshold   > 1.00e26 FLOP",
        "leaves out  synthetic_data_public, reward_model",
        "not yet in force (from 2027-01-01)",
        "kr-ai-basic-act",
        "≥ 1.00e26 FLOP (unconfirmed)",
        "large developer above $500M gross revenue (unconfirmed)",
    ] {
        assert!(out.contains(expected), "expected {expected:?} in\n{out}");
    }
    assert_eq!(wd.run(&["regimes", "--as-of", "2026-02-30"]).code(), 2);
}
