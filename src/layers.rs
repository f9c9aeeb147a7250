//! The module graph, checked: every `crate::` path in a module's code (comments and tests left
//! out) is an arrow, and no module reaches back to itself. Keeps "each module never calls back up
//! the chain" (the crate doc) true after every change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let top = top.trim_end_matches(".rs").to_string();
            let name = path.file_name().unwrap().to_string_lossy();
            // The binary, the crate root, the error sum, the CLI (the top) and tests are not
            // layers of the chain.
            if ["main", "lib", "error", "cli", "layers"].contains(&top.as_str())
                || name == "tests.rs"
                || path.extension().is_none_or(|e| e != "rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // A file's test module comes last.
            let code = text.split("#[cfg(test)]\nmod ").next().unwrap();
            let mut in_block_doc = false;
            for line in code.lines() {
                let t = line.trim_start();
                if t.starts_with("/*") {
                    in_block_doc = true;
                }
                let comment = in_block_doc || t.starts_with("//");
                if t.contains("*/") {
                    in_block_doc = false;
                }
                if comment {
                    continue;
                }
                for (i, _) in line.match_indices("crate::") {
                    let rest = &line[i + "crate::".len()..];
                    let m: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !m.is_empty() && m != top && m != "error" {
                        graph.entry(top.clone()).or_default().insert(m);
                    }
                }
            }
        }
    }
    graph
}

fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    false
}

#[test]
fn no_module_reaches_back_up_the_chain() {
    let graph = graph();
    assert!(graph.len() > 10, "the scan found the modules: {graph:?}");
    // The chain's known arrows, so that a scan finding nothing cannot pass.
    assert!(graph["assessment"].contains("floor"), "{graph:?}");
    assert!(graph["report"].contains("assessment"), "{graph:?}");
    let cycles: Vec<String> = graph
        .iter()
        .flat_map(|(a, bs)| bs.iter().map(move |b| (a, b)))
        .filter(|(a, b)| reaches(&graph, b, a))
        .map(|(a, b)| format!("{a} → {b} → … → {a}"))
        .collect();
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}
