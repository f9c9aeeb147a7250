//! `capfloor tpp`: the worked check, name matching, classification, and bad input.

use crate::workdir::Workdir;

#[test]
fn the_h100_sxm_is_15832_tpp_by_any_of_its_names() {
    let wd = Workdir::new();
    for name in ["H100 SXM", "h100-sxm", "H100", "nvidia h100 sxm"] {
        let v = wd.run(&["tpp", name, "--json"]).json();
        assert_eq!(v["tpp"], 15_832.0, "{name}");
        assert_eq!(v["eccn"], "3A090.a");
        assert_eq!(v["h100_equivalents"], 1.0);
        assert!(v["performance_density"].as_f64().unwrap() > 19.0);
    }
    let out = wd.run(&["tpp", "H100"]).success();
    assert!(
        out.contains("15,832 TPP") && out.contains("3A090.a") && out.contains("[confirmed]"),
        "{out}"
    );
}

#[test]
fn a_part_given_by_its_throughput_is_classified() {
    let wd = Workdir::new();
    let v = wd
        .run(&[
            "tpp",
            "--tops",
            "600",
            "--bits",
            "8",
            "--die-area",
            "300",
            "--json",
        ])
        .json();
    assert_eq!(v["tpp"], 4800.0);
    assert_eq!(v["eccn"], "3A090.a");
    let v = wd
        .run(&["tpp", "--tops", "250", "--bits", "8", "--json"])
        .json();
    assert_eq!(v["tpp"], 2000.0);
    assert!(v["eccn"].as_str().unwrap().starts_with("indeterminate"));
    let v = wd
        .run(&["tpp", "--tops", "100", "--bits", "8", "--json"])
        .json();
    assert_eq!(v["eccn"], "not 3A090");
}

#[test]
fn unknown_chips_and_impossible_figures_are_bad_input() {
    let wd = Workdir::new();
    let err = wd.run(&["tpp", "Z9000"]).bad_input();
    assert!(
        err.contains("unknown chip \"Z9000\"") && err.contains("NVIDIA H100 SXM"),
        "{err}"
    );
    let err = wd.run(&["tpp", "--tops", "-5", "--bits", "8"]).bad_input();
    assert!(err.contains("must be positive"), "{err}");
    assert_eq!(wd.run(&["tpp", "--tops", "5"]).code(), 2);
    assert_eq!(wd.run(&["tpp"]).code(), 2);
}
