//! A shipment ledger from arbitrary bytes, streamed row by row and checked against every ceiling.
//! Any input must give rows or every problem, never a panic; the ledger's TPP sums are finite.
#![no_main]

use capfloor::hardware::{ceilings, ledger};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut rows) = ledger::Rows::new("fuzz.csv", data) else {
        return;
    };
    let Ok(mut checker) = ceilings::Checker::new(&ceilings::Options::default()) else {
        return;
    };
    loop {
        match rows.next_row() {
            Ok(Some(mut r)) => checker.add(&mut r),
            Ok(None) => break,
            Err(_) => return,
        }
    }
    let invalid = rows.finish().is_err();
    let summary = checker.finish();
    assert!(summary.total_tpp.is_finite());
    if !invalid {
        assert!(summary.ceilings.iter().all(|c| c.used_tpp.is_finite()));
    }
});
