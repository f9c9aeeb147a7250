//! A what-if release from arbitrary bytes: parsed and checked, and when it is valid with a
//! capability, added to the embedded registry's frontier points and the floor computed (without
//! resamples). Any input must give a release or an error, never a panic.
#![no_main]

use std::sync::LazyLock;

use capfloor::capability::{self, FitOptions};
use capfloor::floor;
use capfloor::frontier::{self, Point};
use capfloor::registry::Registry;
use capfloor::whatif::Release;
use libfuzzer_sys::fuzz_target;

static POINTS: LazyLock<Vec<Point>> = LazyLock::new(|| {
    let registry = Registry::embedded().expect("the embedded registry is valid");
    let fit = capability::fit(&registry, &FitOptions::default()).expect("it fits");
    frontier::points(&registry, &fit, None, frontier::MIN_SCORES)
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("fuzz.toml");
    let Ok(release) = Release::parse(path, text) else {
        return;
    };
    let Some(capability) = release.capability else {
        return;
    };
    let point = Point {
        id: release.id.clone(),
        released: release.released,
        capability,
        capability_se: 0.0,
        log10_compute: release.training_compute_flop.map(f64::log10),
        open: true,
        distilled: release.distilled,
    };
    let opts = floor::Options {
        resamples: 0,
        ..floor::Options::default()
    };
    let _ = floor::what_if(&POINTS, point, None, &opts);
});
