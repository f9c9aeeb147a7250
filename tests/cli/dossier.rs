//! `capfloor dossier`: reproducible bytes, nothing half-written, and a page that renders with
//! its numbers in a real browser.

use std::path::Path;
use std::process::Command;

use crate::fixtures::t;
use crate::workdir::Workdir;

/// A small checkpoint with real (tiny) data, so that hashing reads actual bytes.
fn setup(wd: &Workdir) {
    let tensors = [
        t("model.embed_tokens.weight", "F32", &[64, 16]),
        t("model.layers.0.mlp.up_proj.weight", "F32", &[32, 16]),
        t("lm_head.weight", "F32", &[64, 16]),
    ];
    let (json, data_len) = crate::fixtures::header_json(&tensors);
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes.extend((0..data_len).map(|i| (i % 251) as u8));
    wd.write("ckpt/model.safetensors", bytes);
    wd.write(
        "ckpt/config.json",
        r#"{"num_hidden_layers": 1, "tie_word_embeddings": false}"#,
    );
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/straddle-300b.toml"),
    )
    .unwrap();
    wd.write("d.toml", text);
}

fn dossier(wd: &Workdir, out: &str) -> crate::workdir::Run {
    wd.run(&[
        "dossier",
        "--declaration",
        "d.toml",
        "--checkpoint",
        "ckpt",
        "--out",
        out,
        "--as-of",
        "2026-11-01",
        "--resamples",
        "50",
    ])
}

#[test]
fn two_runs_write_byte_identical_files() {
    let wd = Workdir::new();
    setup(&wd);
    dossier(&wd, "a").success();
    dossier(&wd, "b").success();
    for f in [
        "report.html",
        "report.md",
        "report.json",
        "floor.svg",
        "frontier.svg",
    ] {
        let x = std::fs::read(wd.join("a").join(f)).unwrap();
        assert!(!x.is_empty(), "{f} is empty");
        assert_eq!(
            x,
            std::fs::read(wd.join("b").join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wd.join("a/report.json")).unwrap()).unwrap();
    assert_eq!(v["fingerprints"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["assessment"]["regimes"][0]["verdict"], "indeterminate");
    assert!(v["sensitivity"].as_array().unwrap().len() >= 6);
    // The sensitivity rows carry the floor itself and every regime's verdict.
    let s0 = &v["sensitivity"][0];
    assert!(s0["floor_flop"].as_f64().is_some(), "{s0}");
    assert_eq!(
        s0["verdicts"].as_array().unwrap().len(),
        v["assessment"]["regimes"].as_array().unwrap().len()
    );
    // Both charts mark the assessed run, by name.
    let name = v["assessment"]["model"]["name"].as_str().unwrap();
    for chart in ["floor.svg", "frontier.svg"] {
        let svg = std::fs::read_to_string(wd.join("a").join(chart)).unwrap();
        assert!(svg.contains(name), "{chart} names {name}");
        assert!(
            svg.contains("the assessed run"),
            "{chart} has it in the legend"
        );
    }
    assert_eq!(v["registry"]["sha256"].as_str().unwrap().len(), 64);
    // The page needs no other file: no external references.
    let html = std::fs::read_to_string(wd.join("a/report.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("src=\"") && !html.contains("href=\""));
    // Nothing temporary is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(wd.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn no_hash_skips_the_fingerprints() {
    let wd = Workdir::new();
    setup(&wd);
    wd.run(&[
        "dossier",
        "--declaration",
        "d.toml",
        "--checkpoint",
        "ckpt",
        "--out",
        "o",
        "--no-hash",
        "--resamples",
        "20",
        "--as-of",
        "2026-11-01",
    ])
    .success();
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wd.join("o/report.json")).unwrap()).unwrap();
    assert!(v["fingerprints"].as_array().unwrap().is_empty());
    assert_eq!(v["hashed"], false);
}

#[test]
fn a_failed_run_leaves_no_partial_dossier_and_keeps_the_old_one() {
    let wd = Workdir::new();
    setup(&wd);
    dossier(&wd, "o").success();
    let before = std::fs::read(wd.join("o/report.json")).unwrap();
    wd.write("d.toml", "[model]\nname = 1\n");
    dossier(&wd, "o").bad_input();
    assert_eq!(std::fs::read(wd.join("o/report.json")).unwrap(), before);
    dossier(&wd, "fresh").bad_input();
    assert!(!wd.join("fresh").exists());
}

/// Headless Chromium renders report.html; the key numbers must be in the rendered page and the
/// screenshot must be written. `.ci/run` installs Chromium; without it the test fails, saying so,
/// rather than passing without having run (as the explorer's test does).
#[test]
fn the_html_report_renders_with_its_numbers_in_chromium() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("the dossier test needs headless Chromium: apt-get install chromium (.ci/run installs it)");
    let wd = Workdir::new();
    setup(&wd);
    dossier(&wd, "o").success();
    let page = format!("file://{}", wd.join("o/report.html").display());
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let profile = format!("--user-data-dir={}", wd.join("profile").display());
    let shot = wd.join("screenshot.png");
    let out = Command::new(browser)
        .args(flags)
        .arg(&profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,4000")
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        shot.exists() && std::fs::metadata(&shot).unwrap().len() > 10_000,
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = Command::new(browser)
        .args(flags)
        .arg(&profile)
        .arg("--dump-dom")
        .arg(&page)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wd.join("o/report.json")).unwrap()).unwrap();
    let sha = report["fingerprints"][0]["sha256"].as_str().unwrap();
    for expected in [
        "Technical-opinion dossier: Example-300B",
        "9.200e25",
        "1.194e26",
        "indeterminate",
        "kimi-k2.5",
        sha,
    ] {
        assert!(
            dom.contains(expected),
            "{expected:?} is not in the rendered page"
        );
    }
    if let Some(dir) = std::env::var_os("CAPFLOOR_SCREENSHOT_DIR") {
        std::fs::copy(&shot, Path::new(&dir).join("dossier.png")).unwrap();
    }
}
