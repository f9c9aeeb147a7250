//! A shard index (`model.safetensors.index.json`) from arbitrary bytes. Any input must give an
//! index or an error, never a panic; the scanner's fast path must agree with serde_json alone
//! (the same entries in the same order, or an error on both); and the entries grouped by shard
//! must be exactly the entries, each once.
#![no_main]

use capfloor::checkpoint::layout::{parse_index, Index};
use libfuzzer_sys::fuzz_target;

fn entries(index: &Index) -> Vec<(String, String)> {
    (0..index.len())
        .map(|i| {
            let e = index.entry(i);
            (e.name.to_string(), index.shards[e.shard].clone())
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("model.safetensors.index.json");
    let fast = parse_index(path, data.to_vec(), true);
    let reference = parse_index(path, data.to_vec(), false);
    match (fast, reference) {
        (Ok(a), Ok(b)) => {
            assert_eq!(entries(&a), entries(&b));
            assert_eq!(a.shards, b.shards);
            let mut seen = vec![false; a.len()];
            for shard in 0..a.shards.len() {
                for k in a.entries_of(shard) {
                    assert_eq!(a.entry(k).shard, shard);
                    assert!(!seen[k], "entry {k} grouped twice");
                    seen[k] = true;
                }
            }
            assert!(seen.iter().all(|&s| s), "an entry is in no group");
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "fast path and serde_json disagree: {:?} vs {:?}",
            a.map(|i| entries(&i)),
            b.map(|i| entries(&i))
        ),
    }
});
