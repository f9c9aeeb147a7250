//! `capfloor registry`: the committed data is exactly what the import produces, and a broken
//! registry is reported file:line: field: problem, every problem at once.

use std::path::Path;

use crate::workdir::Workdir;

const HEADER: &str = "id,name,organization,release_date,accessibility,parameters_total,parameters_active,training_tokens,training_compute_flop,compute_basis,confidence,base_model,finetune_compute_flop,distilled,eci_published,variants,source\n";
const BENCH: &str = "id,name,release_date,chance,epoch_difficulty,epoch_slope,source\nmmlu,MMLU,2020-09-07,0.25,,,test\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_data_is_exactly_what_the_import_produces() {
    let shared = repo().join("../shared/data-sources");
    if !shared.exists() {
        eprintln!("../shared/data-sources is absent: nothing to compare with");
        return;
    }
    let wd = Workdir::new();
    let overrides = repo().join("data/overrides.csv");
    let out = wd.join("out");
    std::fs::create_dir_all(&out).unwrap();
    wd.run(&[
        "registry",
        "import",
        "--epoch",
        shared.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--overrides",
        overrides.to_str().unwrap(),
    ])
    .success();
    for name in ["models.csv", "benchmarks.csv", "scores.csv"] {
        let fresh = std::fs::read_to_string(out.join(name)).unwrap();
        let committed = std::fs::read_to_string(repo().join("data").join(name)).unwrap();
        assert!(
            fresh == committed,
            "data/{name} differs from what `registry import` produces; rerun it"
        );
    }
}

#[test]
fn the_embedded_registry_validates_and_lists() {
    let wd = Workdir::new();
    assert!(wd
        .run(&["registry", "validate"])
        .success()
        .contains("valid"));
    let list = wd.run(&["registry", "list", "--open", "--json"]).json();
    let rows = list.as_array().unwrap();
    assert!(rows.len() >= 100, "{} open models", rows.len());
    for key in [
        "id",
        "name",
        "release_date",
        "accessibility",
        "training_compute_flop",
        "compute_basis",
        "confidence",
        "parameters_total",
        "parameters_active",
    ] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
    assert!(rows.iter().all(|r| r["accessibility"] == "open_weights"));
    let since = wd
        .run(&[
            "registry",
            "list",
            "--since",
            "2025-01-01",
            "--until",
            "2025-12-31",
            "--json",
        ])
        .json();
    assert!(since.as_array().unwrap().iter().all(|r| r["release_date"]
        .as_str()
        .is_some_and(|d| d.starts_with("2025"))));
}

#[test]
fn at_least_100_open_language_models_have_three_or_more_scores() {
    let wd = Workdir::new();
    let list = wd.run(&["registry", "list", "--open", "--json"]).json();
    let n = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["n_scores"].as_u64().unwrap() >= 3)
        .count();
    assert!(n >= 100, "only {n}");
}

#[test]
fn show_names_an_unknown_model_with_a_suggestion() {
    let wd = Workdir::new();
    let v = wd.run(&["registry", "show", "kimi-k2.5", "--json"]).json();
    assert_eq!(v["id"], "kimi-k2.5");
    assert!(!v["scores"].as_array().unwrap().is_empty());
    let err = wd.run(&["registry", "show", "kimi"]).bad_input();
    assert!(
        err.contains("no model \"kimi\"") && err.contains("did you mean"),
        "{err}"
    );
}

#[test]
fn every_problem_of_a_file_is_reported_with_file_line_and_field() {
    let wd = Workdir::new();
    wd.write(
        "r/models.csv",
        format!("{HEADER}a,A,Org,2024-13-01,open_weights,,,,,,,,,false,,,s\na,A2,Org,2024-01-01,open_weights,-5,,,,,,,,false,,,s\nb,B,Org,2024-01-01,closed,,,,lots,,,,,false,,,s\n"),
    );
    wd.write("r/benchmarks.csv", BENCH);
    wd.write(
        "r/scores.csv",
        "model_id,benchmark_id,score,setting,source\n",
    );
    let err = wd
        .run(&["registry", "validate", "--registry", "r"])
        .bad_input();
    assert!(err.contains("models.csv:2: release_date:"), "{err}");
    assert!(
        err.contains("models.csv:4: training_compute_flop:"),
        "{err}"
    );
    // Parsing problems come first; once the file parses, the rest are checked together.
    wd.write(
        "r/models.csv",
        format!("{HEADER}a,A,Org,2024-01-01,open_weights,,,,,,,,,false,,,s\na,A2,Org,2024-01-01,open_weights,-5,,,,,,,,false,,,s\n"),
    );
    wd.write("r/scores.csv", "model_id,benchmark_id,score,setting,source\na,mmlu,1.5,x,s\nz,mmlu,0.5,x,s\na,gpqa,0.5,x,s\n");
    let err = wd
        .run(&["registry", "validate", "--registry", "r"])
        .bad_input();
    for expected in [
        "models.csv:3: id: \"a\" is already on line 2",
        "models.csv:3: parameters_total: -5 is not a positive number",
        "scores.csv:2: score: 1.5 is outside [0, 1]",
        "scores.csv:3: model_id: \"z\" is not in models.csv",
        "scores.csv:4: benchmark_id: \"gpqa\" is not in benchmarks.csv",
    ] {
        assert!(err.contains(expected), "expected {expected:?} in\n{err}");
    }
}

#[test]
fn unknown_and_missing_columns_are_named() {
    let wd = Workdir::new();
    wd.write("r/models.csv", HEADER.replace("source\n", "colour\n"));
    wd.write("r/benchmarks.csv", BENCH);
    wd.write(
        "r/scores.csv",
        "model_id,benchmark_id,score,setting,source\n",
    );
    let err = wd
        .run(&["registry", "validate", "--registry", "r"])
        .bad_input();
    assert!(
        err.contains("models.csv:1: colour: unknown column"),
        "{err}"
    );
    assert!(
        err.contains("models.csv:1: source: missing column"),
        "{err}"
    );
    let err = wd
        .run(&["registry", "validate", "--registry", "nowhere"])
        .bad_input();
    assert!(err.contains("nowhere/models.csv"), "{err}");
}

#[test]
fn every_model_version_with_a_score_in_the_exports_is_in_the_registry() {
    let hub = repo().join("../shared/data-sources/epoch-benchmarking-hub");
    if !hub.exists() {
        eprintln!("../shared/data-sources is absent: nothing to check");
        return;
    }
    let wd = Workdir::new();
    let list = wd.run(&["registry", "list", "--json"]).json();
    let variants: std::collections::HashSet<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["variants"].as_str().unwrap().split(';'))
        .collect();
    for entry in std::fs::read_dir(&hub).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let column = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "Model version")
            .unwrap();
        for record in reader.records() {
            let version = record.unwrap()[column].trim().to_string();
            assert!(
                version.is_empty() || variants.contains(version.as_str()),
                "{version} ({}) is not in the registry",
                path.display()
            );
        }
    }
}
