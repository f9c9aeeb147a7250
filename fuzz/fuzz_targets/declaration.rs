//! A training-compute declaration from arbitrary bytes: parsed and validated, and when it is
//! valid, every phase estimated with the real chip table. Any input must give a declaration or an
//! error, never a panic; a valid declaration's estimates are finite numbers (the ranges of
//! `tomlfile::Bound` exist to guarantee it).
#![no_main]

use capfloor::compute::{self, Inputs};
use capfloor::declaration::Declaration;
use capfloor::hardware::chips;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("fuzz.toml");
    let Ok(d) = Declaration::parse(path, text) else {
        return;
    };
    let inputs = Inputs {
        active_parameters: d
            .model
            .parameters_active
            .map(|n| (n, "declaration".to_string())),
        base: None,
        peak: &chips::peak,
    };
    if let Ok(total) = compute::estimate(&d, &inputs) {
        for x in [
            total.operations_flop,
            total.operations_flop_lo,
            total.operations_flop_hi,
        ] {
            assert!(x.is_finite() && x >= 0.0, "{x}");
        }
    }
});
