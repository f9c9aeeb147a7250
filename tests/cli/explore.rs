//! `capfloor explore`: the page is self-contained, renders in headless Chromium without a
//! console message, draws every registry model with a compute figure, and shows the numbers
//! `floor --json` gives for the date shown.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::workdir::Workdir;

const RESAMPLES: &str = "50";

/// The browser the test drives. Missing, the test fails: `.ci/run` installs Chromium, and
/// elsewhere `apt-get install chromium` does.
fn chromium() -> &'static str {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("the explorer test needs headless Chromium: apt-get install chromium (.ci/run installs it)")
}

/// Runs headless Chromium on `page` with `extra` arguments, in a fresh profile; returns
/// (stdout, stderr). Console messages go to stderr (`--enable-logging=stderr`).
fn browse(wd: &Workdir, profile: &str, page: &str, extra: &[&str]) -> (String, String) {
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", wd.join(profile).display()))
        .args(extra)
        .arg(page)
        .output()
        .expect("run chromium");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Undoes the five escapes HTML serialisation uses.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the start tag `tag`.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every start tag of `element` whose class attribute starts with `class`.
fn tags<'a>(dom: &'a str, element: &str, class: &str) -> Vec<&'a str> {
    let open = format!("<{element} class=\"{class}");
    dom.match_indices(&open)
        .map(|(i, _)| &dom[i..i + dom[i..].find('>').unwrap()])
        .collect()
}

/// The readout: each `data-key` with its `data-value` parsed as JSON.
fn readout(dom: &str) -> BTreeMap<String, serde_json::Value> {
    tags(dom, "span", "v")
        .into_iter()
        .filter_map(|t| {
            let key = attr(t, "data-key")?;
            let value = serde_json::from_str(&attr(t, "data-value")?).ok()?;
            Some((key, value))
        })
        .collect()
}

/// Asserts the page loaded, ran its script to the end and wrote nothing to the console.
fn assert_clean(dom: &str, stderr: &str, what: &str) {
    assert!(
        dom.contains("data-ready=\"1\""),
        "{what}: the script did not finish\n{stderr}"
    );
    let errors = dom
        .find("data-errors=\"")
        .map(|i| &dom[i + 13..i + 13 + dom[i + 13..].find('"').unwrap()])
        .expect("the body keeps script errors in data-errors");
    assert_eq!(errors, "", "{what}: script errors on the page");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "{what}: console messages:\n{}",
        console.join("\n")
    );
}

/// Equal values, numbers compared as numbers (the page's `1` is `floor --json`'s `1.0`).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Asserts the readout shows the `floor --json` figures of the same date.
fn assert_same_as_floor_json(
    shown: &BTreeMap<String, serde_json::Value>,
    floor: &serde_json::Value,
) {
    for key in [
        "floor_flop",
        "floor_flop_lo",
        "floor_flop_hi",
        "effective_threshold_flop",
        "set_by",
        "set_by_released",
        "theta_star",
        "k",
        "k_lo",
        "k_hi",
        "b_star",
        "b_star_set_by",
        "progress_per_year",
        "progress_per_year_lo",
        "progress_per_year_hi",
        "halving_months",
        "n_fit",
        "n_recipes",
        "resamples",
        "resamples_failed",
        "seed",
    ] {
        let page = shown
            .get(key)
            .unwrap_or_else(|| panic!("the readout has no {key}"));
        assert_eq!(
            page, &floor[key],
            "{key}: page {page} vs floor --json {}",
            floor[key]
        );
    }
}

#[test]
fn the_explorer_renders_in_chromium_with_every_model_and_the_numbers_of_floor_json() {
    let wd = Workdir::new();
    let made = wd
        .run(&[
            "explore",
            "--as-of",
            "2026-11-01",
            "--out",
            "explore.html",
            "--resamples",
            RESAMPLES,
            "--json",
        ])
        .json();
    assert_eq!(made["as_of"], "2026-11-01");
    let html = std::fs::read_to_string(wd.join("explore.html")).unwrap();
    assert_eq!(made["bytes"].as_u64().unwrap() as usize, html.len());
    let page = format!("file://{}", wd.join("explore.html").display());

    // Opened at its as-of date.
    let (dom, stderr) = browse(&wd, "p1", &page, &["--dump-dom"]);
    assert_clean(&dom, &stderr, "explore.html");
    assert!(dom.contains("data-as-of=\"2026-11-01\""));

    // Every registry model with a compute figure is a point, carrying its id and its figure.
    let registry = wd.run(&["registry", "list", "--json"]).json();
    let expected: BTreeMap<String, f64> = registry
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| {
            Some((
                m["id"].as_str()?.to_string(),
                m["training_compute_flop"].as_f64()?,
            ))
        })
        .collect();
    let points: BTreeMap<String, f64> = tags(&dom, "circle", "m ")
        .into_iter()
        .map(|t| {
            (
                attr(t, "data-id").expect("a point names its model"),
                // Parsed as the JSON output is, so that equal text is an equal number.
                serde_json::from_str(
                    &attr(t, "data-compute").expect("a point carries its compute"),
                )
                .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tags(&dom, "circle", "m ").len(),
        expected.len(),
        "one point per model"
    );
    assert_eq!(points, expected);

    // The readout is floor --json for the date shown.
    let floor = wd
        .run(&[
            "floor",
            "--as-of",
            "2026-11-01",
            "--resamples",
            RESAMPLES,
            "--json",
        ])
        .json();
    let shown = readout(&dom);
    assert_same_as_floor_json(&shown, &floor);
    let project = wd
        .run(&[
            "floor",
            "project",
            "--as-of",
            "2026-11-01",
            "--until",
            "2031-11-01",
            "--resamples",
            RESAMPLES,
            "--json",
        ])
        .json();
    for key in [
        "crossing",
        "crossing_probability",
        "theta_star_slope",
        "b_star_slope",
    ] {
        let page = &shown[&format!("projection.{key}")];
        assert!(
            same(page, &project[key]),
            "{key}: page {page} vs floor project --json {}",
            project[key]
        );
    }

    // Another date, with a model's tooltip open: the numbers follow the date, and the tooltip
    // gives the model's figures and their sources.
    let (dom, stderr) = browse(
        &wd,
        "p2",
        &format!("{page}#as-of=2025-03-01&model=DeepSeek-R1"),
        &["--dump-dom"],
    );
    assert_clean(&dom, &stderr, "explore.html#as-of=2025-03-01");
    assert!(dom.contains("data-as-of=\"2025-03-01\""));
    let floor = wd
        .run(&[
            "floor",
            "--as-of",
            "2025-03-01",
            "--resamples",
            RESAMPLES,
            "--json",
        ])
        .json();
    assert_same_as_floor_json(&readout(&dom), &floor);
    let shown_model = wd
        .run(&["registry", "show", "DeepSeek-R1", "--json"])
        .json();
    let tip_start = dom.find("id=\"tip\"").expect("the tooltip");
    let tip = unescape(&dom[tip_start..tip_start + dom[tip_start..].find("</div>").unwrap()]);
    assert!(tip.contains("data-model=\"deepseek-r1\""), "{tip}");
    for expected in [
        "DeepSeek-R1".to_string(),
        shown_model["organization"].as_str().unwrap().to_string(),
        format!("released {}", shown_model["release_date"].as_str().unwrap()),
        format!(
            "Training compute {:.2e} FLOP",
            shown_model["training_compute_flop"].as_f64().unwrap()
        ),
        "confidence".into(),
        "Capability".into(),
        "90%:".into(),
        shown_model["source"].as_str().unwrap().to_string(),
        "It sets θ* at 2025-03-01".into(),
    ] {
        assert!(
            tip.contains(&expected),
            "{expected:?} is not in the tooltip:\n{tip}"
        );
    }

    // A screenshot, kept with CAPFLOOR_SCREENSHOT_DIR for a person to look at.
    let shot = wd.join("explore.png");
    let (_, stderr) = browse(
        &wd,
        "p3",
        &format!("{page}#as-of=2025-03-01&model=DeepSeek-R1"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    assert!(
        shot.exists() && std::fs::metadata(&shot).unwrap().len() > 50_000,
        "no screenshot: {stderr}"
    );
    if let Some(dir) = std::env::var_os("CAPFLOOR_SCREENSHOT_DIR") {
        std::fs::copy(&shot, Path::new(&dir).join("explore.png")).unwrap();
    }
}

#[test]
fn the_explorer_is_the_same_bytes_for_the_same_inputs_and_refuses_bad_ones() {
    let wd = Workdir::new();
    let args = |out: &str| {
        vec![
            "explore".to_string(),
            "--as-of".into(),
            "2024-06-15".into(),
            "-o".into(),
            out.into(),
            "--resamples".into(),
            "10".into(),
            "--horizon-years".into(),
            "2".into(),
        ]
    };
    let run = |a: Vec<String>| wd.run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    run(args("a.html")).success();
    run(args("b.html")).success();
    let a = std::fs::read(wd.join("a.html")).unwrap();
    assert_eq!(a, std::fs::read(wd.join("b.html")).unwrap());
    let text = String::from_utf8(a).unwrap();
    assert!(text.contains("data-as-of") || text.contains("as of"));
    assert!(!text.contains("<link") && !text.contains("src="));

    let err = wd
        .run(&[
            "explore",
            "--as-of",
            "2015-01-01",
            "--out",
            "x.html",
            "--resamples",
            "10",
        ])
        .bad_input();
    assert!(err.contains("no open-weight model"), "{err}");
    assert!(!wd.join("x.html").exists());
    let err = wd
        .run(&[
            "explore",
            "--out",
            "missing/x.html",
            "--as-of",
            "2024-06-15",
            "--resamples",
            "10",
        ])
        .bad_input();
    assert!(err.contains("missing/x.html"), "{err}");
    let err = wd
        .run(&["explore", "--out", "x.html", "--horizon-years", "0"])
        .bad_input();
    assert!(err.contains("horizon-years"), "{err}");
    let err = wd
        .run(&[
            "explore",
            "--out",
            "x.html",
            "--min-confidence",
            "sure",
            "--resamples",
            "10",
        ])
        .bad_input();
    assert!(err.contains("--min-confidence"), "{err}");
}
