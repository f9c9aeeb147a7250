//! A safetensors header from arbitrary bytes: the first byte picks the data length that follows
//! the header (so that offset checks are reached), the rest is the header JSON. Any input must
//! give a header or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&len, json)) = data.split_first() else {
        return;
    };
    let data_len = u64::from(len) * 4;
    let file_len = 8 + json.len() as u64 + data_len;
    let path = std::path::Path::new("fuzz.safetensors");
    let _ = capfloor::checkpoint::header::parse(path, json.to_vec(), file_len);
});
