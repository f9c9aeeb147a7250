//! `capfloor shipments check`: LPP at its exact boundary, across a year end, and bad ledgers.

use crate::workdir::Workdir;

const HEADER: &str = "date,consignee,consignee_hq,destination,chip,quantity\n";

fn lpp(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    v["ceilings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["limit"] == "lpp")
        .collect()
}

#[test]
fn lpp_fits_1699_h100s_to_one_consignee_in_a_year_but_not_1700() {
    let wd = Workdir::new();
    wd.write(
        "fits.csv",
        format!("{HEADER}2025-01-10,Acme,IN,IN,H100 SXM,1699\n"),
    );
    let v = wd
        .run(&[
            "shipments",
            "check",
            "fits.csv",
            "--json",
            "--fail-on",
            "exceed",
        ])
        .json();
    assert_eq!(lpp(&v)[0]["used_tpp"], 26_898_568.0);
    assert!(lpp(&v)[0]["exceeded_at_line"].is_null());
    assert_eq!(lpp(&v)[0]["status"], "confirmed");
    wd.write(
        "over.csv",
        format!("{HEADER}2025-01-10,Acme,IN,IN,H100 SXM,1699\n2025-06-01,Acme,IN,IN,h100,1\n"),
    );
    let r = wd.run(&["shipments", "check", "over.csv", "--fail-on", "exceed"]);
    assert_eq!(r.code(), 1, "{}", r.stdout());
    assert!(r.stdout().contains("EXCEEDED at line 3"), "{}", r.stdout());
    assert_eq!(wd.run(&["shipments", "check", "over.csv"]).code(), 0);
}

#[test]
fn a_new_calendar_year_starts_a_new_count() {
    let wd = Workdir::new();
    wd.write(
        "l.csv",
        format!("{HEADER}2025-12-31,Acme,IN,IN,H100,1000\n2026-01-01,Acme,IN,IN,H100,1000\n"),
    );
    let v = wd
        .run(&[
            "shipments",
            "check",
            "l.csv",
            "--json",
            "--fail-on",
            "exceed",
        ])
        .json();
    let years: Vec<&str> = lpp(&v)
        .iter()
        .map(|c| c["period"].as_str().unwrap())
        .collect();
    assert_eq!(years, ["2025", "2026"]);
    assert!(lpp(&v)
        .iter()
        .all(|c| c["headroom_h100_equivalents"].as_f64().unwrap() > 699.0));
}

#[test]
fn unconfirmed_limits_count_only_when_asked() {
    let wd = Workdir::new();
    // 50,000 H100s to one tier 2 country (many consignees): over 790,000,000 TPP.
    let rows: String = (0..50)
        .map(|i| format!("2025-02-01,Buyer{i},IN,IN,H100,1000\n"))
        .collect();
    wd.write("l.csv", format!("{HEADER}{rows}"));
    assert_eq!(
        wd.run(&["shipments", "check", "l.csv", "--fail-on", "exceed"])
            .code(),
        0
    );
    assert_eq!(
        wd.run(&[
            "shipments",
            "check",
            "l.csv",
            "--fail-on",
            "exceed",
            "--include-unconfirmed"
        ])
        .code(),
        1
    );
}

#[test]
fn bad_ledgers_name_the_file_line_and_field() {
    let wd = Workdir::new();
    wd.write("l.csv", format!("{HEADER}2025-13-01,Acme,IN,IN,H100,1\n2025-01-01,Acme,IN,ZZ,H100,1\n2025-01-01,Acme,IN,IN,Z9000,1\n2025-01-01,Acme,IN,IN,H100,-3\n"));
    let err = wd.run(&["shipments", "check", "l.csv"]).bad_input();
    for expected in [
        "l.csv:2: date:",
        "l.csv:3: destination: \"ZZ\"",
        "l.csv:4: chip: unknown chip \"Z9000\"",
        "l.csv:5: quantity: -3",
    ] {
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    }
    wd.write(
        "c.csv",
        "date,buyer,consignee_hq,destination,chip,quantity\n",
    );
    let err = wd.run(&["shipments", "check", "c.csv"]).bad_input();
    assert!(
        err.contains("c.csv:1: buyer: unknown column")
            && err.contains("c.csv:1: consignee: missing column"),
        "{err}"
    );
    assert!(wd
        .run(&["shipments", "check", "absent.csv"])
        .bad_input()
        .contains("absent.csv"));
}
