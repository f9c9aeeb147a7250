//! `capfloor classify` on the worked examples, and every bad declaration issue 5 names.

use std::path::PathBuf;

use crate::fixtures::{write_safetensors, LLAMA_2_7B};
use crate::workdir::Workdir;

fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .display()
        .to_string()
}

fn verdicts(v: &serde_json::Value) -> Vec<(String, String)> {
    v["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn classify(wd: &Workdir, file: &str) -> serde_json::Value {
    wd.run(&[
        "classify",
        "--declaration",
        file,
        "--as-of",
        "2026-11-01",
        "--resamples",
        "50",
        "--json",
    ])
    .json()
}

const MINIMAL: &str = "[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\nparameters_active = 7e9\n\n[[phases]]\nkind = \"pretraining\"\ntokens = 2e12\n";

#[test]
fn the_worked_examples_land_where_their_arithmetic_says() {
    let wd = Workdir::new();
    let expect = [
        (
            "small-8b.toml",
            ["below", "below", "above", "below", "below"],
        ),
        (
            "mid-200b.toml",
            ["below", "above", "above", "below", "below"],
        ),
        (
            "straddle-300b.toml",
            [
                "indeterminate",
                "above",
                "above",
                "indeterminate",
                "indeterminate",
            ],
        ),
        (
            "finetune-llama-405b.toml",
            ["below", "above", "above", "below", "below"],
        ),
    ];
    for (file, expected) in expect {
        let v = classify(&wd, &example(file));
        let got: Vec<String> = verdicts(&v).into_iter().map(|(_, v)| v).take(5).collect();
        assert_eq!(got, expected, "{file}");
        let ids: Vec<String> = verdicts(&v).into_iter().map(|(id, _)| id).collect();
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
        for key in [
            "operations_flop",
            "operations_flop_lo",
            "operations_flop_hi",
            "flags",
        ] {
            assert!(v.get(key).is_some(), "{file}: missing {key}");
        }
        for r in v["regimes"].as_array().unwrap() {
            assert!(r["threshold_flop"].as_f64().is_some() && r["status"].as_str().is_some());
        }
    }
    // The fine-tune inherits Llama 3.1 405B's 3.8e25 FLOP from the registry.
    let v = classify(&wd, &example("finetune-llama-405b.toml"));
    assert_eq!(v["compute"]["base"]["flop"].as_f64(), Some(3.8e25));
    let total = v["operations_flop"].as_f64().unwrap();
    assert!((total - (3.8e25 + 6.0 * 405e9 * 1e11 + 2.0 * 405e9 * 5e10)).abs() / total < 1e-12);
}

#[test]
fn published_weights_are_outside_4e091_whatever_the_compute() {
    let wd = Workdir::new();
    let text = std::fs::read_to_string(example("straddle-300b.toml"))
        .unwrap()
        .replace("weights_published = false", "weights_published = true");
    wd.write("open.toml", text);
    let v = classify(&wd, "open.toml");
    assert_eq!(
        verdicts(&v)[0],
        ("4e091".to_string(), "not_applicable".to_string())
    );
    assert_eq!(verdicts(&v)[3].1, "indeterminate");
}

#[test]
fn fail_on_makes_the_exit_code_one() {
    let wd = Workdir::new();
    let base = [
        "classify",
        "--declaration",
        &example("straddle-300b.toml"),
        "--as-of",
        "2026-11-01",
        "--resamples",
        "50",
    ];
    assert_eq!(wd.run(&base).code(), 0);
    let mut above = base.to_vec();
    above.extend(["--fail-on", "above"]);
    assert_eq!(
        wd.run(&above).code(),
        1,
        "the EU systemic-risk verdict is above"
    );
    let mut only = above.clone();
    only.extend(["--regime", "4e091"]);
    assert_eq!(wd.run(&only).code(), 0, "4E091 is indeterminate, not above");
    let mut indeterminate = base.to_vec();
    indeterminate.extend(["--fail-on", "indeterminate", "--regime", "4e091"]);
    assert_eq!(wd.run(&indeterminate).code(), 1);
}

#[test]
fn active_parameters_come_from_the_checkpoint_when_there_is_one() {
    let wd = Workdir::new();
    write_safetensors(&wd.join("ckpt/model.safetensors"), &LLAMA_2_7B.tensors());
    wd.write("ckpt/config.json", LLAMA_2_7B.config());
    wd.write(
        "d.toml",
        MINIMAL.replace("parameters_active = 7e9\n", "checkpoint = \"ckpt\"\n"),
    );
    let v = classify(&wd, "d.toml");
    assert_eq!(v["active_parameters"].as_f64(), Some(6_738_415_616.0));
    assert_eq!(
        v["operations_flop"].as_f64(),
        Some(6.0 * 6_738_415_616.0 * 2e12)
    );
}

#[test]
fn bad_declarations_exit_2_naming_the_file_and_field() {
    let wd = Workdir::new();
    let cases = [
        (MINIMAL.replace("tokens = 2e12", "hardware = { chip = \"Z9000\", count = 8, hours = 10, precision = \"bf16\", utilisation = 0.4 }"), "d.toml: phases[0].hardware: unknown chip \"Z9000\""),
        (MINIMAL.replace("tokens = 2e12", "hardware = { chip = \"H100\", count = 8, hours = -10, precision = \"bf16\", utilisation = 0.4 }"), "d.toml: phases[0].hardware.hours"),
        (MINIMAL.replace("tokens = 2e12", "hardware = { chip = \"H100\", count = 8, hours = 10, precision = \"bf16\", utilisation = 1.2 }"), "phases[0].hardware.utilisation: 1.2 is outside (0, 1]"),
        (MINIMAL.replace("tokens = 2e12", "name = \"nothing\""), "phases[0]: nothing to estimate"),
        (format!("{MINIMAL}\n[base_model]\nregistry_id = \"not-a-model\"\n"), "base_model.registry_id: no model \"not-a-model\""),
        (MINIMAL.replace("kind = \"pretraining\"", "kind = \"pretrain\""), "d.toml: line 8, column 8"),
        (MINIMAL.replace("parameters_active = 7e9\n", ""), "d.toml: phases[0].tokens: tokens are given but the active parameter count is unknown"),
        (MINIMAL.replace("tokens = 2e12", "hardware = { chip = \"H100\", count = 8, hours = 10, precision = \"int2\", utilisation = 0.4 }"), "d.toml: phases[0].hardware: NVIDIA H100 SXM has no int2 figure"),
        (MINIMAL.replace("parameters_active = 7e9\n", "checkpoint = \"missing-dir\"\n"), "missing-dir"),
        (format!("{MINIMAL}\n[[benchmarks]]\nid = \"not-a-benchmark\"\nscore = 0.5\n"), "d.toml: benchmarks: \"not-a-benchmark\" is not a benchmark"),
    ];
    for (text, expected) in cases {
        wd.write("d.toml", &text);
        let err = wd
            .run(&["classify", "--declaration", "d.toml", "--resamples", "20"])
            .bad_input();
        assert!(err.contains(expected), "expected {expected:?} in {err}");
        // `declaration check` runs the same validation: what classify refuses, it refuses.
        let check = wd.run(&["declaration", "check", "d.toml"]).bad_input();
        assert_eq!(check, err, "declaration check and classify differ");
    }
    let err = wd
        .run(&["classify", "--declaration", "absent.toml"])
        .bad_input();
    assert!(err.contains("absent.toml"), "{err}");
}

#[test]
fn the_schema_and_the_check_command_work() {
    let wd = Workdir::new();
    let schema = wd.run(&["declaration", "schema"]).json();
    assert!(schema.to_string().contains("distillation_teacher"));
    for f in [
        "small-8b.toml",
        "mid-200b.toml",
        "straddle-300b.toml",
        "finetune-llama-405b.toml",
    ] {
        assert!(wd
            .run(&["declaration", "check", &example(f)])
            .success()
            .contains("valid"));
    }
}

fn regime<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["regimes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no regime {id}"))
}

const PHASED: &str = "[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\n\n[[phases]]\nkind = \"pretraining\"\noperations = 8e24\n";

#[test]
fn each_regime_counts_its_own_total_and_names_what_it_left_out() {
    let wd = Workdir::new();
    // 8e24 pre-training + 3e24 non-public synthetic data: 1.1e25 for the EU, above 10^25.
    wd.write(
        "private.toml",
        format!("{PHASED}\n[[phases]]\nkind = \"synthetic_data\"\npublic = false\nsamples_generated = 4e6\nsamples_kept = 1e6\noperations = 3e24\n"),
    );
    let v = classify(&wd, "private.toml");
    let eu = regime(&v, "eu-ai-act-systemic-risk");
    assert_eq!(eu["verdict"], "above");
    assert_eq!(eu["counted_flop"].as_f64(), Some(1.1e25));
    assert!(eu["left_out"].as_array().unwrap().is_empty());
    // Reported to two significant figures with the method, and the ±30% allowance matters here.
    let reasons = eu["reasons"].to_string();
    assert!(
        reasons.contains("reported as 1.1e25 FLOP (two significant figures; method: declared)"),
        "{reasons}"
    );
    assert!(
        reasons.contains("the verdict depends on the ±30% allowance"),
        "{reasons}"
    );
    // The same data, public: the EU leaves it out (8e24, below).
    wd.write(
        "public.toml",
        format!(
            "{PHASED}\n[[phases]]\nkind = \"synthetic_data\"\npublic = true\noperations = 3e24\n"
        ),
    );
    let v = classify(&wd, "public.toml");
    let eu = regime(&v, "eu-ai-act-systemic-risk");
    assert_eq!(eu["verdict"], "below");
    assert_eq!(eu["counted_flop"].as_f64(), Some(8e24));
    let left = &eu["left_out"][0];
    assert_eq!(left["category"], "synthetic_data_public");
    assert_eq!(left["phase"], 1);
    assert!(left["source"]
        .as_str()
        .unwrap()
        .contains("need not be included"));
    // A 5e24 reward model never counts for the EU, however large.
    wd.write(
        "reward.toml",
        format!("{PHASED}\n[[phases]]\nkind = \"reward_model\"\noperations = 5e24\n"),
    );
    let v = classify(&wd, "reward.toml");
    let eu = regime(&v, "eu-ai-act-systemic-risk");
    assert_eq!(eu["verdict"], "below");
    assert_eq!(eu["counted_flop"].as_f64(), Some(8e24));
    assert_eq!(eu["left_out"][0]["category"], "reward_model");
    // SB 53 leaves the reward model out too, but says that this is an interpretation.
    let sb = regime(&v, "ca-sb53");
    assert_eq!(sb["left_out"][0]["confirmed"], false);
    assert!(sb["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains("unconfirmed")));
    // The human table shows each regime's own total and what it left out.
    let human = wd
        .run(&[
            "classify",
            "--declaration",
            "reward.toml",
            "--as-of",
            "2026-11-01",
            "--resamples",
            "50",
        ])
        .success();
    assert!(
        human.contains("leaves out phases[1] reward_model 5.00e24"),
        "{human}"
    );
    assert!(
        human.contains("not enforced since 2025-05-13; formal removal not found"),
        "{human}"
    );
}

#[test]
fn new_phase_kinds_are_checked_and_an_unknown_kind_names_the_field() {
    let wd = Workdir::new();
    let cases = [
        (format!("{PHASED}\n[[phases]]\nkind = \"synthetic_data\"\noperations = 1e20\n"), "d.toml: phases[1].public: a synthetic_data phase needs public = true or false"),
        (format!("{PHASED}public = true\n"), "d.toml: phases[0].public: only a synthetic_data phase takes public"),
        (format!("{PHASED}\n[[phases]]\nkind = \"synthetic_data\"\npublic = false\nsamples_generated = 10\nsamples_kept = 20\noperations = 1e20\n"), "d.toml: phases[1].samples_kept: 20 samples kept is more than the 10 generated"),
        (format!("{PHASED}\n[[phases]]\nkind = \"merge_or_init\"\nsource_model = \"X\"\n"), "d.toml: phases[1].source_operations: a merge_or_init phase needs"),
        (PHASED.replace("kind = \"pretraining\"", "kind = \"pre_training\""), "d.toml: line 7, column 8: field `kind`: unknown variant `pre_training`"),
    ];
    for (text, expected) in cases {
        wd.write("d.toml", &text);
        let err = wd
            .run(&["classify", "--declaration", "d.toml", "--resamples", "20"])
            .bad_input();
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    }
    // Merged weights count for the EU with the source model's compute.
    wd.write(
        "merge.toml",
        format!("{PHASED}\n[[phases]]\nkind = \"merge_or_init\"\nsource_model = \"X\"\nsource_operations = 3e24\n"),
    );
    let v = classify(&wd, "merge.toml");
    assert_eq!(regime(&v, "eu-ai-act-systemic-risk")["verdict"], "above");
    assert_eq!(v["compute"]["phases"][1]["chosen"], "source_model");
}

#[test]
fn the_as_of_date_picks_the_version_in_force() {
    let wd = Workdir::new();
    wd.write("d.toml", PHASED);
    let v = classify(&wd, "d.toml");
    assert_eq!(regime(&v, "us-eo14110")["state"], "no_longer_in_force");
    assert_eq!(regime(&v, "ny-raise")["state"], "not_yet_in_force");
    assert_eq!(regime(&v, "ny-raise")["threshold_confirmed"], false);
    assert_eq!(regime(&v, "il-sb315")["state"], "proposed");
    assert_eq!(regime(&v, "ca-sb53")["state"], "in_force");
    assert_eq!(regime(&v, "4e091")["state"], "not_enforced");
    assert_eq!(
        regime(&v, "eu-downstream-modifier")["verdict"],
        "not_applicable"
    );
}

#[test]
fn sb53_and_raise_test_the_developer_by_revenue_and_intent() {
    let wd = Workdir::new();
    // 9e25 trained and 2e25 planned: above 10^26 only with the planned run, so SB 53's
    // frontier developer by intent ("initiated" or intends to train).
    let planned = "[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\n\n[[phases]]\nkind = \"pretraining\"\noperations = 9e25\n\n[[phases]]\nkind = \"rl\"\noperations = 2e25\nplanned = true\n";
    wd.write(
        "big.toml",
        format!("{planned}\n[developer]\nrevenue_usd = 7.5e8\nrevenue_year = 2025\n"),
    );
    let v = classify(&wd, "big.toml");
    let sb = regime(&v, "ca-sb53");
    assert_eq!(sb["verdict"], "above");
    assert_eq!(sb["counted_flop"].as_f64(), Some(1.1e26));
    let dev = &sb["developer"];
    assert_eq!(dev["covered_developer"], true);
    assert_eq!(dev["intends_only"], true);
    assert_eq!(dev["large_developer"], true);
    assert_eq!(dev["revenue_confirmed"], true);
    assert!(sb["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains("planned")));
    let ny = &regime(&v, "ny-raise")["developer"];
    assert_eq!(ny["large_developer"], true);
    assert_eq!(ny["revenue_confirmed"], false);
    // $500M exactly is not above $500M; a revenue year that is not the preceding one is unsettled.
    wd.write(
        "edge.toml",
        format!("{planned}\n[developer]\nrevenue_usd = 5e8\nrevenue_year = 2025\n"),
    );
    let v = classify(&wd, "edge.toml");
    assert_eq!(regime(&v, "ca-sb53")["developer"]["large_developer"], false);
    wd.write(
        "old.toml",
        format!("{planned}\n[developer]\nrevenue_usd = 9e8\nrevenue_year = 2023\n"),
    );
    let v = classify(&wd, "old.toml");
    let dev = &regime(&v, "ca-sb53")["developer"];
    assert!(dev["large_developer"].is_null());
    assert!(dev["reasons"]
        .to_string()
        .contains("calendar year before 2026-11-01 (2025)"));
    // No [developer]: the revenue test is unknown, and said so.
    wd.write("none.toml", planned);
    let v = classify(&wd, "none.toml");
    let dev = &regime(&v, "ca-sb53")["developer"];
    assert!(dev["large_developer"].is_null());
    assert!(dev["reasons"]
        .to_string()
        .contains("no [developer] revenue declared"));
    // Regimes without a developer test have none.
    assert!(regime(&v, "eu-ai-act-systemic-risk")["developer"].is_null());
    wd.write(
        "bad.toml",
        format!("{planned}\n[developer]\nrevenue_usd = -1\nrevenue_year = 2025\n"),
    );
    let err = wd
        .run(&["classify", "--declaration", "bad.toml", "--resamples", "20"])
        .bad_input();
    assert!(err.contains("bad.toml: developer.revenue_usd"), "{err}");
}

#[test]
fn the_eu_one_third_rule_holds_at_its_boundary() {
    let wd = Workdir::new();
    let modified = |ops: &str| {
        format!("[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\n\n[base_model]\noperations = 3e24\nsource = \"the original provider's documentation\"\n\n[[phases]]\nkind = \"finetuning\"\noperations = {ops}\n")
    };
    // One third of 3e24 is 1e24: exactly one third is not "more than one third".
    wd.write("at.toml", modified("1e24"));
    let v = classify(&wd, "at.toml");
    let m = regime(&v, "eu-downstream-modifier");
    assert_eq!(m["verdict"], "below");
    assert_eq!(m["threshold_flop"].as_f64(), Some(1e24));
    assert_eq!(m["counted_flop"].as_f64(), Some(1e24));
    assert_eq!(m["left_out"][0]["category"], "base_model");
    assert!(m["reasons"].to_string().contains("not more than one third"));
    wd.write("over.toml", modified("1.01e24"));
    let v = classify(&wd, "over.toml");
    let m = regime(&v, "eu-downstream-modifier");
    assert_eq!(m["verdict"], "above");
    assert!(m["reasons"]
        .to_string()
        .contains("the modifier becomes the provider of a new model"));
    // SB 53 counts the base model with the modification (the original run and material
    // modifications): 3e24 + 1.01e24.
    assert_eq!(
        regime(&v, "ca-sb53")["counted_flop"].as_f64(),
        Some(3e24 + 1.01e24)
    );
    // A registry base model: Llama 3.1 405B's 3.8e25 FLOP, against a fine-tune far below a third.
    let v = classify(&wd, &example("finetune-llama-405b.toml"));
    let m = regime(&v, "eu-downstream-modifier");
    assert_eq!(m["verdict"], "below");
    assert!((m["threshold_flop"].as_f64().unwrap() - 3.8e25 / 3.0).abs() < 1e12);
}

#[test]
fn the_gpai_criterion_tests_modality_and_a_modifier_inherits_the_presumption() {
    let wd = Workdir::new();
    let with = |generates: &str| {
        PHASED.replace(
            "weights_published = false\n",
            &format!("weights_published = false\ngenerates = {generates}\n"),
        )
    };
    wd.write("text.toml", with("[\"text\"]"));
    let v = classify(&wd, "text.toml");
    assert_eq!(regime(&v, "eu-gpai")["verdict"], "above");
    wd.write("protein.toml", with("[\"protein structures\"]"));
    let v = classify(&wd, "protein.toml");
    let g = regime(&v, "eu-gpai");
    assert_eq!(g["verdict"], "not_applicable");
    assert!(g["reasons"]
        .to_string()
        .contains("the criterion does not apply"));
    // Silence is said, not assumed away.
    let v = classify(&wd, &example("small-8b.toml"));
    assert!(regime(&v, "eu-gpai")["reasons"]
        .to_string()
        .contains("model.generates is not declared"));
    // A modification above one third of a systemic-risk base model (3e25 > 10^25).
    wd.write(
        "modifier.toml",
        "[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\n\n[base_model]\noperations = 3e25\n\n[[phases]]\nkind = \"finetuning\"\noperations = 1.2e25\n",
    );
    let v = classify(&wd, "modifier.toml");
    let m = regime(&v, "eu-downstream-modifier");
    assert_eq!(m["verdict"], "above");
    assert!(m["reasons"]
        .to_string()
        .contains("the new model is presumed to be under eu-ai-act-systemic-risk too"));
}

#[test]
fn the_eu_notification_record_gives_estimate_method_assumptions_and_date() {
    let wd = Workdir::new();
    wd.write(
        "d.toml",
        format!(
            "{PHASED}\n[[phases]]\nkind = \"synthetic_data\"\npublic = false\noperations = 3e24\n"
        ),
    );
    let v = classify(&wd, "d.toml");
    let n = &v["notifications"][0];
    assert_eq!(n["regime"], "eu-ai-act-systemic-risk");
    assert_eq!(n["estimate"], "1.1e25");
    assert_eq!(n["methods"][0], "declared");
    assert_eq!(n["estimated_on"], "2026-11-01");
    assert_eq!(n["notify_by"], "2026-11-15");
    assert_eq!(n["assumptions"].as_array().unwrap().len(), 2);
    wd.write("small.toml", PHASED);
    let v = classify(&wd, "small.toml");
    assert!(v["notifications"][0]["notify_by"].is_null());
}

#[test]
fn a_scheduled_run_is_dated_where_each_regime_crosses_and_the_notification_follows() {
    // 8e24 done, then 6e24 of RL accruing evenly over November and December 2026: the EU's
    // 10^25 is crossed once a third of the RL is in, on the 21st day (2026-11-21).
    let run = "[model]\nname = \"R\"\ndeveloper = \"D\"\nweights_published = false\nparameters_active = 2e11\n\n\
               [[phases]]\nkind = \"pretraining\"\noperations = 8e24\n\n\
               [[phases]]\nkind = \"rl\"\noperations = 6e24\nplanned = true\n\
               schedule = { start = 2026-11-01, end = 2026-12-31 }\n";
    let wd = Workdir::new();
    wd.write("run.toml", run);
    let at = |as_of: &str| {
        wd.run(&[
            "classify",
            "--declaration",
            "run.toml",
            "--as-of",
            as_of,
            "--resamples",
            "20",
            "--plan",
            "--json",
        ])
        .json()
    };
    let v = at("2026-11-05");
    let eu = v["plan"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["regime"] == "eu-ai-act-systemic-risk")
        .unwrap()
        .clone();
    assert_eq!(eu["status"], "crosses");
    assert_eq!(eu["crossing"], "2026-11-21");
    // Known from the plan on the as-of date, before the crossing: notify two weeks later.
    assert_eq!(eu["known"], "2026-11-05");
    assert_eq!(eu["notify_by"], "2026-11-19");
    assert_eq!(eu["overdue"], false);
    assert_eq!(v["notifications"][0]["notify_by"], "2026-11-19");
    // The 10^26 regimes are never reached by this plan; the GPAI criterion was met before it.
    let status = |v: &serde_json::Value, id: &str| {
        v["plan"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["regime"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status(&v, "ca-sb53"), "never");
    assert_eq!(status(&v, "eu-gpai"), "before_schedule");
    // Estimated after the crossing: the developer knew on the crossing day, so the
    // notification is due from then, and overdue by 2026-12-20.
    let late = at("2026-12-20");
    let eu = &late["plan"].as_array().unwrap()[1];
    assert_eq!(eu["known"], "2026-11-21");
    assert_eq!(eu["notify_by"], "2026-12-05");
    assert_eq!(eu["overdue"], true);
    assert_eq!(late["notifications"][0]["notify_by"], "2026-12-05");
    let human = wd
        .run(&[
            "classify",
            "--declaration",
            "run.toml",
            "--as-of",
            "2026-11-05",
            "--resamples",
            "20",
        ])
        .success();
    assert!(human.contains("plan: regime"), "{human}");
    assert!(human.contains("2026-11-21"), "{human}");
}

#[test]
fn a_plan_needs_a_schedule_and_a_schedule_needs_an_end_after_its_start() {
    let wd = Workdir::new();
    wd.write("m.toml", MINIMAL);
    let err = wd
        .run(&[
            "classify",
            "--declaration",
            "m.toml",
            "--as-of",
            "2026-11-01",
            "--plan",
        ])
        .bad_input();
    assert!(err.contains("--plan") && err.contains("m.toml"), "{err}");
    wd.write(
        "s.toml",
        format!("{MINIMAL}schedule = {{ start = 2026-11-01, end = 2026-10-01 }}\n"),
    );
    let err = wd
        .run(&[
            "classify",
            "--declaration",
            "s.toml",
            "--as-of",
            "2026-11-01",
        ])
        .bad_input();
    assert!(
        err.contains("s.toml") && err.contains("phases[0].schedule.end"),
        "{err}"
    );
    wd.write(
        "l.toml",
        format!("{MINIMAL}schedule = {{ start = 2026-11-01, end = 2046-10-01 }}\n"),
    );
    let err = wd
        .run(&[
            "classify",
            "--declaration",
            "l.toml",
            "--as-of",
            "2026-11-01",
        ])
        .bad_input();
    assert!(err.contains("3653 days"), "{err}");
}

#[test]
fn a_base_model_of_unknown_compute_takes_the_eus_fallback_by_its_class() {
    // Commission guidelines C(2025) 5045: one third of 10^25 for a systemic-risk model, of 10^23
    // for another general-purpose model, when the original's compute is unknown.
    let wd = Workdir::new();
    let modified = |systemic: &str| {
        format!("[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\n\n[base_model]\nname = \"Their model\"\nsystemic_risk = {systemic}\n\n[[phases]]\nkind = \"finetuning\"\noperations = 5e22\n")
    };
    wd.write("gpai.toml", modified("false"));
    let v = classify(&wd, "gpai.toml");
    let m = regime(&v, "eu-downstream-modifier");
    assert_eq!(m["verdict"], "above");
    assert!((m["threshold_flop"].as_f64().unwrap() - 1e23 / 3.0).abs() < 1e8);
    assert!(m["reasons"].to_string().contains("unknown compute"), "{m}");
    assert!(
        m["reasons"].to_string().contains("inherits no presumption"),
        "{m}"
    );
    // Nothing is inherited into the totals that count the base model.
    assert_eq!(regime(&v, "ca-sb53")["counted_flop"].as_f64(), Some(5e22));
    wd.write("systemic.toml", modified("true"));
    let v = classify(&wd, "systemic.toml");
    let m = regime(&v, "eu-downstream-modifier");
    assert_eq!(m["verdict"], "below");
    assert!((m["threshold_flop"].as_f64().unwrap() - 1e25 / 3.0).abs() < 1e10);
    // Neither a figure nor a class: exit 2, naming the field and what to give.
    wd.write(
        "neither.toml",
        "[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\n\n[base_model]\nname = \"Their model\"\n\n[[phases]]\nkind = \"finetuning\"\noperations = 5e22\n",
    );
    let err = wd
        .run(&[
            "classify",
            "--declaration",
            "neither.toml",
            "--as-of",
            "2026-11-01",
        ])
        .bad_input();
    assert!(
        err.contains("neither.toml") && err.contains("systemic_risk"),
        "{err}"
    );
}

#[test]
fn a_dash_reads_the_declaration_or_the_ledger_from_standard_input() {
    let wd = Workdir::new();
    let declaration = std::fs::read_to_string(example("small-8b.toml")).unwrap();
    let piped = wd
        .run_with_stdin(
            &[
                "classify",
                "--declaration",
                "-",
                "--as-of",
                "2026-06-01",
                "--resamples",
                "20",
                "--json",
            ],
            &declaration,
        )
        .json();
    let from_file = classify_at(&wd, &example("small-8b.toml"), "2026-06-01");
    assert_eq!(piped["operations_flop"], from_file["operations_flop"]);
    assert_eq!(verdicts(&piped), verdicts(&from_file));
    // Bad input on standard input is named `-`, with its line and column.
    let err = wd
        .run_with_stdin(&["declaration", "check", "-"], "[model]\nname = 1\n")
        .bad_input();
    assert!(err.contains("-: line 2"), "{err}");
    let ledger =
        "date,consignee,consignee_hq,destination,chip,quantity\n2025-01-01,Acme,IN,IN,H100,10\n";
    let v = wd
        .run_with_stdin(&["shipments", "check", "-", "--json"], ledger)
        .json();
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
}

fn classify_at(wd: &Workdir, file: &str, as_of: &str) -> serde_json::Value {
    wd.run(&[
        "classify",
        "--declaration",
        file,
        "--as-of",
        as_of,
        "--resamples",
        "20",
        "--json",
    ])
    .json()
}
