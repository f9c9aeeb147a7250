//! A registry from arbitrary bytes: the input is split at the first two 0xFF bytes into
//! models.csv, benchmarks.csv and scores.csv (each given its real header when it does not start
//! with one, so that rows are reached), written to a scratch directory and loaded as
//! `--registry DIR` loads it. Any input must give a registry or every problem, never a panic.
#![no_main]

use std::sync::LazyLock;

use capfloor::registry::{self, Registry};
use libfuzzer_sys::fuzz_target;

static DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a scratch directory"));

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let files = [
        ("models.csv", registry::MODEL_COLUMNS),
        ("benchmarks.csv", registry::BENCHMARK_COLUMNS),
        ("scores.csv", registry::SCORE_COLUMNS),
    ];
    for (name, columns) in files {
        let part = parts.next().unwrap_or_default();
        let header = format!("{}\n", columns.join(","));
        let mut bytes = Vec::new();
        // Half the inputs (by their first byte) keep the fuzzer's own header.
        if part.first().is_some_and(|b| b % 2 == 0) {
            bytes.extend_from_slice(header.as_bytes());
        }
        bytes.extend_from_slice(part);
        std::fs::write(DIR.path().join(name), bytes).expect("write to the scratch directory");
    }
    if let Ok(r) = Registry::load(DIR.path()) {
        let _ = r.scores_by_model();
    }
});
