//! Every command speaks JSON with --json (the shapes are documented in the README), except
//! `completions` and `man`, which print a script and a page.

use std::path::PathBuf;

use crate::fixtures::{write_safetensors, LLAMA_32_1B};
use crate::workdir::Workdir;

#[test]
fn every_command_prints_json_with_json() {
    let wd = Workdir::new();
    write_safetensors(&wd.join("ckpt/model.safetensors"), &LLAMA_32_1B.tensors());
    wd.write("ckpt/config.json", LLAMA_32_1B.config());
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/small-8b.toml")
        .display()
        .to_string();
    wd.write(
        "ledger.csv",
        "date,consignee,consignee_hq,destination,chip,quantity\n2025-01-01,Acme,IN,IN,H100,10\n",
    );
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data-sources");
    let mut commands: Vec<Vec<String>> = vec![
        vec!["inspect", "ckpt"],
        vec!["registry", "validate"],
        vec!["registry", "list", "--open"],
        vec!["registry", "show", "kimi-k2.5"],
        vec!["capability", "--open"],
        vec!["floor", "--as-of", "2026-06-30", "--resamples", "20"],
        vec![
            "floor",
            "history",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-01",
            "--resamples",
            "20",
        ],
        vec![
            "floor",
            "project",
            "--as-of",
            "2026-06-30",
            "--until",
            "2027-01-01",
            "--resamples",
            "20",
        ],
        vec!["backtest"],
        vec!["chart", "progress", "--out", "p.svg", "--to", "2026-06-30"],
        vec![
            "classify",
            "--declaration",
            &example,
            "--as-of",
            "2026-06-30",
            "--resamples",
            "20",
        ],
        vec!["declaration", "check", &example],
        vec![
            "dossier",
            "--declaration",
            &example,
            "--checkpoint",
            "ckpt",
            "--out",
            "d",
            "--no-hash",
            "--resamples",
            "20",
            "--as-of",
            "2026-06-30",
        ],
        vec!["tpp", "H100"],
        vec!["shipments", "check", "ledger.csv"],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(str::to_string).collect())
    .collect();
    // The import reads the Epoch exports in ../shared, which CI places beside the clone.
    assert!(
        shared.exists(),
        "{} is missing: the import's JSON cannot be checked (CI runs with ../shared beside the clone)",
        shared.display()
    );
    {
        let out = wd.join("imported");
        std::fs::create_dir_all(&out).unwrap();
        let overrides = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/overrides.csv");
        commands.push(
            [
                "registry",
                "import",
                "--epoch",
                shared.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--overrides",
                overrides.to_str().unwrap(),
            ]
            .map(str::to_string)
            .to_vec(),
        );
    }
    for mut command in commands {
        command.push("--json".into());
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        wd.run(&args).json();
    }
    // `declaration schema` is JSON already.
    wd.run(&["declaration", "schema"]).json();
}

#[test]
fn completions_and_man_pages_come_from_the_argument_tree() {
    // The two commands that print a script or a page, not data: no --json.
    let wd = Workdir::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = wd.run(&["completions", shell]).success();
        assert!(script.contains("capfloor"), "{shell}");
        assert!(
            script.contains("history"),
            "{shell}: subcommands are completed"
        );
    }
    let page = wd.run(&["man"]).success();
    assert!(page.contains(".TH capfloor 1"), "{page}");
    assert!(page.contains("classify"), "the top page lists the commands");
    let sub = wd.run(&["man", "floor", "history"]).success();
    assert!(sub.contains(".TH capfloor-floor-history 1"), "{sub}");
    assert!(sub.contains("\\-\\-from"), "{sub}");
    let err = wd.run(&["man", "flor"]).bad_input();
    assert!(err.contains("flor") && err.contains("floor"), "{err}");
    let err = wd.run(&["completions", "tcsh"]).bad_input();
    assert!(err.contains("tcsh"), "{err}");
}
