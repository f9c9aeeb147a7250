//! A safetensors header from arbitrary bytes: the first byte picks the data length that follows
//! the header (so that offset checks are reached), the rest is the header JSON. Any input must
//! give a header or an error, never a panic; and the fast path (the canonical-JSON scanner) must
//! agree with serde_json alone: the same tensors, or an error on both.
#![no_main]

use capfloor::checkpoint::header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&len, json)) = data.split_first() else {
        return;
    };
    let data_len = u64::from(len) * 4;
    let file_len = 8 + json.len() as u64 + data_len;
    let path = std::path::Path::new("fuzz.safetensors");
    let fast = header::parse(path, json.to_vec(), file_len);
    let reference = header::parse_reference(path, json.to_vec(), file_len);
    match (fast, reference) {
        (Ok(a), Ok(b)) => {
            let view = |h: &header::Header| {
                h.tensors()
                    .map(|t| (t.name.to_string(), t.dtype.clone(), t.shape.to_vec(), t.elements))
                    .collect::<Vec<_>>()
            };
            assert_eq!(view(&a), view(&b));
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!("fast path and serde_json disagree: {:?} vs {:?}", a.is_ok(), b.is_ok()),
    }
});
