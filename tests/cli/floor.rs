//! `capfloor floor`, `capability`, `backtest` and `chart` on the embedded registry.

use crate::capability::{data, row};
use crate::workdir::Workdir;

const FAST: [&str; 2] = ["--resamples", "100"];

#[test]
fn the_floor_json_has_the_keys_the_classifier_relies_on() {
    let wd = Workdir::new();
    let mut args = vec!["floor", "--as-of", "2026-06-30", "--json"];
    args.extend(FAST);
    let v = wd.run(&args).json();
    for key in [
        "as_of",
        "floor_flop",
        "floor_flop_lo",
        "floor_flop_hi",
        "set_by",
        "theta_star",
        "k",
        "b_star",
        "progress_per_year",
        "effective_threshold_flop",
        "recipe",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let (f, lo, hi) = (
        v["floor_flop"].as_f64().unwrap(),
        v["floor_flop_lo"].as_f64().unwrap(),
        v["floor_flop_hi"].as_f64().unwrap(),
    );
    assert!(lo <= f && f <= hi);
    assert_eq!(v["effective_threshold_flop"].as_f64().unwrap(), f.max(1e26));
    assert_eq!(v["recipe"], "best");
    assert!(v["set_by_released"].as_str().unwrap() <= "2026-06-30");
    // The model that sets θ* is an open-weight model in the registry.
    let shown = wd
        .run(&["registry", "show", v["set_by"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(shown["accessibility"], "open_weights");
}

#[test]
fn the_floor_depends_on_nothing_released_later() {
    let wd = Workdir::new();
    let floor = |as_of: &str| {
        let mut args = vec!["floor", "--as-of", as_of, "--json"];
        args.extend(FAST);
        wd.run(&args).json()
    };
    let a = floor("2025-03-01");
    assert!(a["set_by_released"].as_str().unwrap() <= "2025-03-01");
    let b = floor("2026-11-01");
    assert_ne!(a["floor_flop"], b["floor_flop"]);
    let human = wd
        .run(&["floor", "--as-of", "2026-06-30", "--resamples", "50"])
        .success();
    assert!(
        human.contains("4E091 capability floor as of 2026-06-30"),
        "{human}"
    );
    assert!(
        human.contains("not enforced since 2025-05-13; formal removal not found"),
        "{human}"
    );
}

#[test]
fn bad_dates_and_an_as_of_before_any_published_model_are_bad_input() {
    let wd = Workdir::new();
    let r = wd.run(&["floor", "--as-of", "2025-02-30"]);
    assert_eq!(r.code(), 2, "{}", r.stderr());
    let err = wd.run(&["floor", "--as-of", "1990-01-01"]).bad_input();
    assert!(err.contains("no open-weight model"), "{err}");
    let err = wd.run(&["floor", "--min-confidence", "sure"]).bad_input();
    assert!(err.contains("--min-confidence"), "{err}");
}

#[test]
fn history_project_and_what_if_run() {
    let wd = Workdir::new();
    let h = wd
        .run(&[
            "floor",
            "history",
            "--from",
            "2025-01-01",
            "--to",
            "2026-01-01",
            "--step",
            "quarter",
            "--resamples",
            "50",
            "--json",
        ])
        .json();
    assert_eq!(h["rows"].as_array().unwrap().len(), 5);
    let p = wd
        .run(&[
            "floor",
            "project",
            "--as-of",
            "2026-06-30",
            "--until",
            "2030-01-01",
            "--resamples",
            "50",
            "--json",
        ])
        .json();
    assert!(p["rows"].as_array().unwrap().len() > 40);
    wd.write(
        "w.toml",
        "id = \"strong\"\nreleased = 2026-06-30\ncapability = 200.0\n",
    );
    let w = wd
        .run(&[
            "floor",
            "what-if",
            "--add",
            "w.toml",
            "--resamples",
            "50",
            "--json",
        ])
        .json();
    assert_eq!(w["after"]["set_by"], "strong");
    assert!(w["ratio"].as_f64().unwrap() > 1.0);
    wd.write(
        "s.toml",
        "released = 2026-06-30\n[benchmarks]\ngpqa_diamond = 0.9\nmmlu = 0.93\n",
    );
    let s = wd
        .run(&[
            "floor",
            "what-if",
            "--add",
            "s.toml",
            "--resamples",
            "50",
            "--json",
        ])
        .json();
    assert!(s["after"]["floor_flop"].as_f64().is_some());
}

#[test]
fn a_what_if_with_unknown_benchmarks_or_impossible_scores_is_bad_input() {
    let wd = Workdir::new();
    wd.write(
        "w.toml",
        "released = 2026-06-30\n[benchmarks]\nvibes = 0.9\n",
    );
    let err = wd.run(&["floor", "what-if", "--add", "w.toml"]).bad_input();
    assert!(
        err.contains("w.toml: benchmarks.vibes: not a benchmark of the registry"),
        "{err}"
    );
    wd.write(
        "w.toml",
        "released = 2026-06-30\n[benchmarks]\nmmlu = 1.2\n",
    );
    let err = wd.run(&["floor", "what-if", "--add", "w.toml"]).bad_input();
    assert!(
        err.contains("benchmarks.mmlu: 1.2 is outside [0, 1]"),
        "{err}"
    );
    let err = wd
        .run(&["floor", "what-if", "--add", "missing.toml"])
        .bad_input();
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn the_capability_index_ranks_models_as_epoch_does() {
    let wd = Workdir::new();
    let c = wd.run(&["capability", "--check", "--json"]).json();
    assert!(c["spearman"].as_f64().unwrap() >= 0.95, "{c}");
    assert!(c["n_compared"].as_u64().unwrap() > 100);
    let rows = wd.run(&["capability", "--open", "--json"]).json();
    let first = &rows.as_array().unwrap()[0];
    for key in [
        "id",
        "capability",
        "capability_lo",
        "capability_hi",
        "n_scores",
        "eci_published",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    let b = wd.run(&["capability", "--benchmarks"]).success();
    assert!(b.contains("gpqa_diamond"), "{b}");
}

#[test]
fn the_backtest_reports_its_errors_and_coverage() {
    let wd = Workdir::new();
    let b = wd.run(&["backtest", "--json"]).json();
    for key in [
        "n",
        "median_abs_error",
        "lo",
        "hi",
        "coverage_80",
        "coverage_90",
        "by_year",
        "baseline",
        "cutoffs",
        "choice",
        "predictions",
    ] {
        assert!(b.get(key).is_some(), "missing {key}");
    }
    for key in [
        "n",
        "median_abs_error",
        "coverage_80",
        "coverage_90",
        "by_year",
    ] {
        assert!(b["baseline"].get(key).is_some(), "missing baseline.{key}");
    }
    // The headline and the baseline are on the same targets.
    assert_eq!(b["n"], b["baseline"]["n"]);
    assert!(b["n"].as_u64().unwrap() > 50);
    assert!(b["n_predicted"].as_u64().unwrap() >= b["n"].as_u64().unwrap());
    // The default is what the choice rule picked on the targets before 2024-07-01.
    assert_eq!(b["options"]["predictor"], b["choice"]["chosen_predictor"]);
    assert_eq!(b["options"]["loss"], b["choice"]["chosen_loss"]);
    assert_eq!(b["choice"]["before"], "2024-07-01");
    assert_eq!(b["choice"]["candidates"].as_array().unwrap().len(), 4);
    // Issue 16's targets: 90% coverage in 85–95% (met), and for 2024+ a median ≤ 0.30 no worse
    // than the baseline. The median misses (0.402 against the baseline's 0.403 on 35 targets,
    // README); this bound keeps it from drifting further unnoticed.
    let c90 = b["coverage_90"].as_f64().unwrap();
    assert!((0.85..=0.95).contains(&c90), "{c90}");
    let since = &b["since_2024"];
    assert!(since["method"]["n"].as_u64().unwrap() >= 30, "{since}");
    assert!(
        since["method"]["median_abs_error"].as_f64().unwrap() <= 0.45,
        "{since}"
    );
    let years = b["by_year"].as_array().unwrap();
    assert!(years.iter().any(|y| y["year"] == 2024), "{years:?}");
    for y in years {
        let (m, lo, hi) = (
            y["median_abs_error"].as_f64().unwrap(),
            y["lo"].as_f64().unwrap(),
            y["hi"].as_f64().unwrap(),
        );
        assert!(lo <= m && m <= hi, "{y}");
    }
    let cutoffs: Vec<&str> = b["cutoffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cutoff"].as_str().unwrap())
        .collect();
    assert_eq!(cutoffs, ["2024-07-01", "2025-01-01"]);
    for c in b["cutoffs"].as_array().unwrap() {
        for key in ["n", "median_abs_error", "baseline_median_abs_error"] {
            assert!(c.get(key).is_some(), "missing cutoffs[].{key}");
        }
    }
    let first = &b["predictions"][0];
    for key in [
        "id",
        "released",
        "log10_actual",
        "log10_predicted",
        "lo90",
        "hi90",
        "n_train",
        "placed",
        "baseline_log10_predicted",
    ] {
        assert!(first.get(key).is_some(), "missing predictions[].{key}");
    }
    // Targets whose own scores came after their publication are placed under that date's fit,
    // not dropped; what is skipped says why.
    let predictions = b["predictions"].as_array().unwrap();
    assert!(predictions.iter().any(|p| p["placed"] == true));
    for s in b["skipped"].as_array().unwrap() {
        assert!(!s["reason"].as_str().unwrap().is_empty(), "{s}");
    }
}

#[test]
fn the_backtest_runs_each_predictor_and_refuses_unknown_ones() {
    let wd = Workdir::new();
    let s = wd
        .run(&[
            "backtest",
            "--json",
            "--predictor",
            "structural",
            "--loss",
            "huber",
        ])
        .json();
    assert_eq!(s["options"]["predictor"], "structural");
    assert_eq!(s["options"]["loss"], "huber");
    let human = wd.run(&["backtest", "--predictor", "structural"]).stdout();
    assert!(human.contains("(not this run)"), "{human}");
    let err = wd.run(&["backtest", "--predictor", "oracle"]).bad_input();
    assert!(err.contains("oracle"), "{err}");
    // The fits are on open models only: there is no option to add closed ones.
    let err = wd.run(&["backtest", "--fit-on", "all"]).bad_input();
    assert!(err.contains("--fit-on"), "{err}");
}

#[test]
fn charts_are_written_as_svg_or_png_and_other_names_are_refused() {
    let wd = Workdir::new();
    for (kind, file) in [
        ("floor", "f.svg"),
        ("frontier", "g.png"),
        ("progress", "p.svg"),
        ("project", "h.png"),
    ] {
        let out = wd
            .run(&[
                "chart",
                kind,
                "--out",
                file,
                "--to",
                "2026-06-30",
                "--from",
                "2025-06-30",
                "--resamples",
                "20",
            ])
            .success();
        assert!(out.contains(file));
        assert!(std::fs::metadata(wd.join(file)).unwrap().len() > 1000);
    }
    let err = wd
        .run(&["chart", "floor", "--out", "f.jpg", "--resamples", "20"])
        .bad_input();
    assert!(err.contains("f.jpg: unknown chart format"), "{err}");
}

#[test]
fn a_model_published_after_the_date_changes_nothing_at_it() {
    let wd = Workdir::new();
    let (models, benchmarks, scores) = (
        data("models.csv"),
        data("benchmarks.csv"),
        data("scores.csv"),
    );
    wd.write("r/models.csv", &models);
    wd.write("r/benchmarks.csv", &benchmarks);
    wd.write("r/scores.csv", &scores);
    let floor = |as_of: &str| {
        let mut args = vec!["floor", "--registry", "r", "--as-of", as_of, "--json"];
        args.extend(FAST);
        wd.run(&args).success()
    };
    let dates = ["2024-10-01", "2025-06-01"];
    let before: Vec<String> = dates.iter().map(|d| floor(d)).collect();
    let late_before = floor("2026-11-01");

    // A very capable, very cheap open model published on 2025-06-02, with a benchmark of its own
    // and a later score for an older model on that benchmark.
    let (mh, bh, sh) = (
        models.lines().next().unwrap(),
        benchmarks.lines().next().unwrap(),
        scores.lines().next().unwrap(),
    );
    let later = row(
        mh,
        &[
            ("id", "later-open-model"),
            ("name", "Later"),
            ("organization", "Test"),
            ("release_date", "2025-06-02"),
            ("open_weights_date", "2025-06-02"),
            ("open_weights_source", "test"),
            ("accessibility", "open_weights"),
            ("training_compute_flop", "1e23"),
            ("compute_basis", "declared"),
            ("confidence", "confident"),
            ("recipe", "standard"),
            ("recipe_source", "test"),
            ("source", "test"),
        ],
    );
    let bench = row(
        bh,
        &[
            ("id", "later_bench"),
            ("name", "Later bench"),
            ("release_date", "2025-06-02"),
            ("chance", "0"),
            ("source", "test"),
        ],
    );
    let mut extra = String::new();
    for (m, b, s, evaluated) in [
        ("later-open-model", "gpqa_diamond", "0.95", ""),
        ("later-open-model", "mmlu", "0.97", ""),
        ("later-open-model", "math_level_5", "0.99", ""),
        ("later-open-model", "later_bench", "0.9", ""),
        ("llama-3.1-405b", "later_bench", "0.2", "2025-06-03"),
    ] {
        extra += &row(
            sh,
            &[
                ("model_id", m),
                ("benchmark_id", b),
                ("score", s),
                ("setting", "test"),
                ("evaluated", evaluated),
                ("source", "test"),
            ],
        );
    }
    wd.write("r/models.csv", format!("{models}{later}"));
    wd.write("r/benchmarks.csv", format!("{benchmarks}{bench}"));
    wd.write("r/scores.csv", format!("{scores}{extra}"));
    wd.run(&["registry", "validate", "--registry", "r"])
        .success();
    for (d, b) in dates.iter().zip(&before) {
        assert_eq!(&floor(d), b, "the floor at {d} moved");
    }
    // It is seen once published.
    assert_ne!(floor("2026-11-01"), late_before);
}

#[test]
fn the_floor_is_never_above_what_was_demonstrated() {
    let wd = Workdir::new();
    let f = wd
        .run(&[
            "floor",
            "--as-of",
            "2026-11-01",
            "--json",
            "--resamples",
            "200",
        ])
        .json();
    let floor = f["floor_flop"].as_f64().unwrap();
    let extrapolated = f["extrapolated_flop"].as_f64().unwrap();
    let demonstrated = f["demonstrated_flop"].as_f64().unwrap();
    assert_eq!(floor, extrapolated.min(demonstrated));
    assert!(f["floor_flop_hi"].as_f64().unwrap() <= demonstrated);
    let binding = if demonstrated < extrapolated {
        "demonstrated"
    } else {
        "extrapolated"
    };
    assert_eq!(f["binding"], binding);
    assert_eq!(f["demonstrated_by"], f["set_by"]);
    // And at every month of the history.
    let h = wd
        .run(&[
            "floor",
            "history",
            "--from",
            "2024-01-01",
            "--to",
            "2026-11-01",
            "--step",
            "quarter",
            "--resamples",
            "1",
            "--json",
        ])
        .json();
    for r in h["rows"].as_array().unwrap() {
        if let Some(d) = r["demonstrated_flop"].as_f64() {
            assert!(r["floor_flop"].as_f64().unwrap() <= d, "{r}");
        }
    }
}

#[test]
fn an_as_of_date_far_past_the_registry_warns_and_version_names_the_registry() {
    let wd = Workdir::new();
    // The embedded registry's last release is 2026-04-16: 2026-11-01 is 199 days past it.
    let late = wd.run(&[
        "floor",
        "--as-of",
        "2026-11-01",
        "--resamples",
        "10",
        "--json",
    ]);
    assert_eq!(late.code(), 0);
    assert!(
        late.stderr().contains("warning") && late.stderr().contains("2026-04-16"),
        "{}",
        late.stderr()
    );
    // The JSON is untouched by the warning.
    let _ = late.json();
    let near = wd.run(&["floor", "--as-of", "2026-05-01", "--resamples", "10"]);
    assert!(!near.stderr().contains("warning"), "{}", near.stderr());
    let v = wd.run(&["--version"]).success();
    assert!(
        v.contains("embedded registry") && v.contains("latest release 2026-04-16"),
        "{v}"
    );
    let hash = v
        .split("sha256 ")
        .nth(1)
        .unwrap()
        .trim_end_matches([')', '\n']);
    assert_eq!(hash.len(), 64, "{v}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{v}");
}

#[test]
fn history_registry_and_backtest_export_csv_with_every_date_and_row() {
    let wd = Workdir::new();
    let text = wd
        .run(&[
            "floor",
            "history",
            "--from",
            "2022-07-01",
            "--to",
            "2024-10-01",
            "--csv",
            "--resamples",
            "10",
        ])
        .success();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "date");
    for col in [
        "floor_flop",
        "set_by",
        "moved_theta_star",
        "moved_b_star",
        "undefined",
    ] {
        assert!(header.iter().any(|h| h == col), "{col} in {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // Quarterly from 2022-07-01 to 2024-10-01 inclusive: 10 dates, undefined ones listed too.
    assert_eq!(rows.len(), 10);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert!(
        rows[0][col("undefined")].contains("fit needs at least"),
        "{:?}",
        rows[0]
    );
    assert!(rows[0][col("floor_flop")].is_empty());
    let last = rows.last().unwrap();
    assert_eq!(&last[col("date")], "2024-10-01");
    assert!(
        last[col("moved_theta_star")].contains("llama-3.1-405b"),
        "{last:?}"
    );
    let listed = wd.run(&["registry", "list", "--open", "--json"]).json();
    let csv_list = wd.run(&["registry", "list", "--open", "--csv"]).success();
    assert_eq!(
        csv_list.lines().count() - 1,
        listed.as_array().unwrap().len()
    );
    let b = wd.run(&["backtest", "--json"]).json();
    let csv_b = wd.run(&["backtest", "--csv"]).success();
    assert_eq!(
        csv_b.lines().count() - 1,
        b["predictions"].as_array().unwrap().len()
    );
    assert!(csv_b.starts_with("id,released,log10_actual,log10_predicted"));
    let err = wd.run(&["backtest", "--csv", "--json"]).bad_input();
    assert!(err.contains("--csv"), "{err}");
}
