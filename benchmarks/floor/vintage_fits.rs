//! Times the capability fit in-process: the whole embedded registry, and one vintage fit per
//! month from 2023-01-01 to 2026-12-01 (48 vintages, what `floor history --step month` over
//! 2023–2026 needs). Run by `benchmarks/floor/run.py`; prints one JSON object.
//!
//!     cargo run --release --example vintage-fits -- [REPEATS]

use std::time::Instant;

use capfloor::capability::{self, FitOptions};
use capfloor::registry::Registry;
use jiff::civil::Date;
use jiff::ToSpan;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .map_or(20, |s| s.parse().expect("REPEATS is a number"));
    let registry = Registry::embedded().expect("the embedded registry loads");
    let opts = FitOptions::default();
    let dates: Vec<Date> = (0..48)
        .map(|i| {
            Date::new(2023, 1, 1)
                .unwrap()
                .checked_add(i.months())
                .unwrap()
        })
        .collect();

    let mut whole = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t = Instant::now();
        let f = capability::fit(&registry, &opts).expect("the whole-registry fit");
        whole.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(f);
    }
    // Per vintage: the median over repeats; then the largest and the total of those medians.
    let mut per_vintage = Vec::with_capacity(dates.len());
    let (mut iterations, mut all_converged) = (0usize, true);
    let mut biggest = (0usize, 0usize, 0usize, Date::new(2023, 1, 1).unwrap());
    for &d in &dates {
        let mut times = Vec::with_capacity(repeats);
        for _ in 0..repeats {
            let t = Instant::now();
            let f = capability::fit_vintage(&registry, d, &opts).expect("a vintage fit");
            times.push(t.elapsed().as_secs_f64() * 1e3);
            if f.models.len() > biggest.0 {
                biggest = (f.models.len(), f.items.len(), f.n_scores, d);
            }
            iterations = iterations.max(f.iterations);
            all_converged &= f.converged;
            std::hint::black_box(f);
        }
        per_vintage.push(median(&mut times));
    }
    let total: f64 = per_vintage.iter().sum();
    let max = per_vintage.iter().copied().fold(0.0, f64::max);
    println!(
        "{{\"repeats\": {repeats}, \"whole_registry_ms\": {:.3}, \"vintages\": {}, \
         \"vintage_median_ms\": {:.3}, \"vintage_max_ms\": {max:.3}, \"vintages_total_ms\": {total:.3}, \"max_iterations\": {iterations}, \"all_converged\": {all_converged}, \
         \"largest_vintage\": {{\"as_of\": \"{}\", \"models\": {}, \"benchmarks\": {}, \"scores\": {}}}}}",
        median(&mut whole),
        dates.len(),
        median(&mut per_vintage.clone()),
        biggest.3,
        biggest.0,
        biggest.1,
        biggest.2,
    );
}
