//! `capfloor shipments check`: LPP at its exact boundary, across a year end, the allocation with
//! and without --g2g, VEU holders, the JSON shape, and bad ledgers.

use crate::workdir::Workdir;

const HEADER: &str = "date,consignee,consignee_hq,destination,chip,quantity\n";

/// The ceilings of one limit in `shipments check --json` output.
fn of<'a>(v: &'a serde_json::Value, limit: &str) -> Vec<&'a serde_json::Value> {
    v["ceilings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["limit"] == limit)
        .collect()
}

fn lpp(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    of(v, "lpp")
}

/// Three consignees each take 20,000 H100s to India: past LPP, so licensed, and 3 × 15,832 ×
/// 20,000 = 949.92M TPP, over the 790,000,000 TPP allocation (line 4) unless doubled.
fn three_buyers_over_lpp(wd: &Workdir) {
    let rows: String = (0..3)
        .map(|i| format!("2025-02-01,Buyer{i},IN,IN,H100,20000\n"))
        .collect();
    wd.write("l.csv", format!("{HEADER}{rows}"));
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
    three_buyers_over_lpp(&wd);
    let r = wd.run(&["shipments", "check", "l.csv", "--fail-on", "exceed"]);
    // LPP (confirmed) is exceeded by each consignee: exit 1 on that alone.
    assert_eq!(r.code(), 1);
    let v = wd.run(&["shipments", "check", "l.csv", "--json"]).json();
    let alloc = of(&v, "tier2-country-allocation")[0];
    assert_eq!(alloc["exceeded_at_line"], 4);
    assert_eq!(alloc["status"], "unconfirmed");
    // Only an unconfirmed limit exceeded: exit 0 unless asked.
    wd.write(
        "veu.csv",
        "date,consignee,consignee_hq,destination,chip,quantity,operator\n\
         2025-02-01,Hyper,US,US,H100,900,Hyper\n2025-02-01,Hyper,US,IN,H100,100,Hyper\n",
    );
    let fail = ["shipments", "check", "veu.csv", "--fail-on", "exceed"];
    assert_eq!(wd.run(&fail).code(), 0);
    let mut all = fail.to_vec();
    all.push("--include-unconfirmed");
    assert_eq!(wd.run(&all).code(), 1);
}

#[test]
fn g2g_doubles_a_country_allocation_and_checks_its_argument() {
    let wd = Workdir::new();
    three_buyers_over_lpp(&wd);
    let v = wd
        .run(&["shipments", "check", "l.csv", "--json", "--g2g", "IN"])
        .json();
    let alloc = of(&v, "tier2-country-allocation")[0];
    assert_eq!(alloc["limit_tpp"], 1_580_000_000.0);
    assert!(alloc["exceeded_at_line"].is_null());
    let human = wd
        .run(&["shipments", "check", "l.csv", "--g2g", "IN"])
        .stdout();
    assert!(human.contains("--g2g"), "{human}");
    let err = wd
        .run(&["shipments", "check", "l.csv", "--g2g", "FR"])
        .bad_input();
    assert!(err.contains("--g2g FR: France is tier 1"), "{err}");
}

#[test]
fn json_gives_flags_per_row_and_every_ceiling_with_its_status() {
    let wd = Workdir::new();
    wd.write(
        "l.csv",
        "date,consignee,consignee_hq,destination,chip,quantity,site,operator\n\
         2025-03-01,Acme,US,IN,L40S,10,Pune-1,\n\
         2025-03-01,Desi,IN,IN,H100,10,,Desi\n",
    );
    let v = wd.run(&["shipments", "check", "l.csv", "--json"]).json();
    let flags: Vec<&str> = v["rows"][0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(flags, ["headquarters-tier-mismatch", "due-diligence-tpp"]);
    assert_eq!(v["rows"][0]["flags"][1]["status"], "unconfirmed");
    for c in v["ceilings"].as_array().unwrap() {
        for key in [
            "limit",
            "subject",
            "period",
            "limit_tpp",
            "used_tpp",
            "headroom_tpp",
            "headroom_h100_equivalents",
            "status",
            "exceeded_at_line",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    let limits: Vec<&str> = v["ceilings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["limit"].as_str().unwrap())
        .collect();
    for l in [
        "lpp",
        "lpp-site",
        "nveu-country-cap",
        "qualifying-recipient-cumulative",
    ] {
        assert!(limits.contains(&l), "{l} not in {limits:?}");
    }
    assert_eq!(v["totals"]["site"]["Pune-1"], 58_640.0);
    assert!(v["totals"]["operator"]["Desi"].as_f64().unwrap() > 0.0);
    assert!(v["limits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["source"].as_str().is_some_and(|s| !s.is_empty())));
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
    wd.write(
        "o.csv",
        "date,consignee,consignee_hq,destination,chip,quantity,operator\n\
         2025-01-01,A,US,IN,H100,1,Cloud\n2025-01-02,B,IN,IN,H100,1,Cloud\n",
    );
    let err = wd.run(&["shipments", "check", "o.csv"]).bad_input();
    assert!(
        err.contains("o.csv:3: consignee_hq: operator \"Cloud\" is headquartered in US at line 2"),
        "{err}"
    );
    assert!(wd
        .run(&["shipments", "check", "absent.csv"])
        .bad_input()
        .contains("absent.csv"));
}
