/*!
The floor explorer: one self-contained HTML page (no network; style, script and data inline) in
which an analyst moves the as-of date through the registry's history and hovers over any model,
release or threshold to see where its figures come from.

Everything the page shows is computed here, by the same functions as `capfloor floor`: a
[`Frame`] per month from the first month the floor is defined to the as-of date (and the as-of
date itself), each holding exactly what `floor --json` gives for that date plus the projection
from it. The browser only looks numbers up and moves marks; it estimates nothing.

Why hand-written SVG and a small script rather than a charting library: the charts are two
scatter/line plots whose every mark must carry its registry row, a library would add 100–900 kB
of third-party code to vendor, audit and keep deterministic, and the static parts (axes, the
history, every model's point with its data attributes) are drawn here in Rust, so the page's
DOM can be checked without trusting the script. The script (`explore.js`, ~12 kB) moves the date
cursor, the fan, the frontier line and θ*, filters the models released by the date, and fills
the readout and the tooltips from the embedded data.

Reproducible: the same registry and options give the same bytes (no clock, no hash-map order).
*/

use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;

use crate::capability::{self, FitOptions};
use crate::floor::{self, Floor, Move, MovedBy, Projection};
use crate::frontier::{self, year_fraction, Point, Recipe};
use crate::regimes;
use crate::registry::{Accessibility, ComputeBasis, Confidence, Registry};

const TEMPLATE: &str = include_str!("explore.html");
const STYLE: &str = include_str!("explore.css");
const SCRIPT: &str = include_str!("explore.js");

/// What to explore.
#[derive(Debug, Clone)]
pub struct Options {
    pub floor: floor::Options,
    /// Compute figures below this confidence are left out, as `floor --min-confidence` does.
    pub min_confidence: Option<Confidence>,
    /// The last date of the history and the date the page opens at.
    pub as_of: Date,
    /// How far each frame's projection runs.
    pub horizon_years: i16,
}

/// Everything the page shows. Serialised into the page as its data; the field names of
/// [`Frame`] are the `floor --json` shape.
#[derive(Debug, Clone, Serialize)]
pub struct Explorer {
    pub capfloor_version: String,
    pub as_of: Date,
    pub registry: RegistrySummary,
    pub method: Method,
    /// Every compute regime's threshold line.
    pub regimes: Vec<RegimeLine>,
    pub benchmarks: Vec<BenchmarkRef>,
    /// Every registry model with a compute figure, and every model the floor can use.
    pub models: Vec<ModelRecord>,
    /// One per month where the floor is defined, oldest first; the last is `as_of`.
    pub frames: Vec<Frame>,
    /// The months at which the floor is not defined, with the reason.
    pub undefined: Vec<floor::Undefined>,
    /// The charts' scales, for the script.
    pub layout: Layout,
    /// Benchmark scores a model needs for the floor to place it.
    pub min_scores: usize,
}

/// Which registry the page was built from.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrySummary {
    pub origin: String,
    /// SHA-256 of the registry's three tables as capfloor writes them (as in the dossier).
    pub sha256: String,
    pub models: usize,
    pub models_with_compute: usize,
    pub latest_release: Option<Date>,
}

/// The definitional choices behind every number of the page.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub recipe: Recipe,
    pub resamples: usize,
    pub seed: u64,
    pub include_distilled: bool,
    pub min_confidence: Option<Confidence>,
    pub horizon_years: i16,
}

/// A regime's threshold line.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeLine {
    pub id: String,
    pub name: String,
    pub threshold_flop: f64,
    /// The line's one name ([`regimes::Regime::line_label`]).
    pub label: String,
    pub status: String,
    pub source: String,
}

/// A benchmark the capability scores refer to.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkRef {
    pub id: String,
    pub name: String,
    /// Where its scores come from (the registry's score sources, deduplicated).
    pub source: String,
}

/// Where a model is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Plot {
    /// On the capability-against-compute scatter: it has both, and a release date.
    Scatter,
    /// On the strip of models with a compute figure the floor cannot use.
    Strip,
    /// Not drawn as a point (no compute figure); it can still set θ*.
    None,
}

/// One model with every figure the page shows and its source.
#[derive(Debug, Clone, Serialize)]
pub struct ModelRecord {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub release_date: Option<Date>,
    pub accessibility: Accessibility,
    pub training_compute_flop: Option<f64>,
    pub compute_basis: Option<ComputeBasis>,
    pub confidence: Option<Confidence>,
    pub parameters_total: Option<f64>,
    pub parameters_active: Option<f64>,
    pub training_tokens: Option<f64>,
    pub distilled: bool,
    /// The registry row's source (release date, compute, parameters, tokens).
    pub source: String,
    /// capfloor's capability index (ECI scale) with its 90% interval, when fitted.
    pub capability: Option<f64>,
    pub capability_lo: Option<f64>,
    pub capability_hi: Option<f64>,
    pub n_scores: usize,
    /// The scores behind the capability: (index into `benchmarks`, fraction correct).
    pub scores: Vec<(usize, f64)>,
    pub plot: Plot,
    /// Why the floor does not use the model, or uses only its capability.
    pub note: Option<Note>,
}

/// Why the floor leaves a model out, or uses only its capability (the page words each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// Distilled: its compute understates its recipe, so it is out of the fit and of b*.
    Distilled,
    /// Its compute figure is below `--min-confidence`: only its capability is used.
    BelowMinConfidence,
    /// No compute figure: only its capability is used (it can set θ*).
    NoCompute,
    /// No release date: no as-of date can use it.
    NoReleaseDate,
    /// Fewer benchmark scores than the floor needs to place a model.
    TooFewScores,
}

/// The floor at one date, as `floor --json` gives it, and the projection from that date.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    #[serde(flatten)]
    pub floor: Floor,
    pub effective_threshold_flop: f64,
    pub threshold_flop: f64,
    /// The releases since the previous frame that moved the floor.
    pub moved: Vec<Move>,
    /// `floor project --as-of DATE --until DATE+horizon` with the rows of months 0, 3, 6 and
    /// then every sixth month (the fan's vertices), or the reason it is not defined.
    pub projection: Option<Projection>,
    pub projection_error: Option<String>,
}

/// A linear map from data to pixels.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    pub fn at(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)
    }
}

/// The scales of the two charts (x: fractional year or log10 FLOP; y: log10 FLOP or ECI).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Layout {
    pub floor_x: Scale,
    pub floor_y: Scale,
    pub scatter_x: Scale,
    pub scatter_y: Scale,
    pub strip_x: Scale,
}

/// Models need this many benchmark scores for the floor to use them (as `floor` does).
const MIN_SCORES: usize = frontier::MIN_SCORES;

/// Computes everything the page shows. The registry is the caller's; the capability fit, the
/// frontier points and every frame are computed exactly as `capfloor floor` computes them.
pub fn build(registry: &Registry, opts: &Options) -> Result<Explorer, crate::Error> {
    let fit = capability::fit(registry, &FitOptions::default())?;
    let points = frontier::points(registry, &fit, opts.min_confidence, MIN_SCORES);
    let threshold = regimes::get("4e091")?.threshold_flop;

    // Monthly from the first release the floor could use, to the as-of date (with none by
    // then, the history of the as-of date alone fails with the floor's own reason).
    let first = points
        .iter()
        .filter(|p| p.released <= opts.as_of)
        .map(|p| p.released.first_of_month())
        .min()
        .unwrap_or(opts.as_of);
    // Every frame as known at its own date (the points above only place models on the page).
    let vintages = crate::vintage::Vintages::new(registry.clone(), opts.min_confidence);
    let history = floor::history(
        &vintages,
        first,
        opts.as_of,
        floor::Step::Month,
        &opts.floor,
    )?;
    let mut floors: Vec<(Floor, Vec<Move>)> = history
        .rows
        .into_iter()
        .map(|r| (r.floor, r.moved))
        .collect();
    if floors.last().is_some_and(|(f, _)| f.as_of != opts.as_of) {
        let f = floor::floor_at(&vintages, opts.as_of, &opts.floor)?;
        let moved = floor::moves(&points, &floors[floors.len() - 1].0, &f);
        floors.push((f, moved));
    }
    let frames: Vec<Frame> = floors
        .into_iter()
        .map(|(f, moved)| {
            let until = f
                .as_of
                .saturating_add(jiff::Span::new().years(opts.horizon_years));
            let (projection, projection_error) =
                match floor::project(&vintages, f.as_of, until, threshold, &opts.floor) {
                    Ok(mut p) => {
                        let last = p.rows.len().saturating_sub(1);
                        p.rows = std::mem::take(&mut p.rows)
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| *i == 3 || i % 6 == 0 || *i == last)
                            .map(|(_, r)| r)
                            .collect();
                        (Some(p), None)
                    }
                    Err(e) => (None, Some(e.to_string())),
                };
            Frame {
                effective_threshold_flop: threshold.max(f.floor_flop),
                threshold_flop: threshold,
                floor: f,
                moved,
                projection,
                projection_error,
            }
        })
        .collect();

    let regimes: Vec<RegimeLine> = regimes::all()?
        .into_iter()
        // A threshold relative to a base model (the EU one-third rule) has no line of its own.
        .filter(|r| r.versions.iter().all(|v| v.base_divisor.is_none()))
        .map(|r| RegimeLine {
            label: r.line_label(),
            id: r.id,
            name: r.name,
            threshold_flop: r.threshold_flop,
            status: r.status,
            source: r.source,
        })
        .collect();

    let benchmarks: Vec<BenchmarkRef> = registry
        .benchmarks
        .iter()
        .map(|b| {
            let mut sources: Vec<&str> = registry
                .scores
                .iter()
                .filter(|s| s.benchmark_id == b.id)
                .map(|s| s.source.as_str())
                .collect();
            sources.sort_unstable();
            sources.dedup();
            BenchmarkRef {
                id: b.id.clone(),
                name: b.name.clone(),
                source: if sources.is_empty() {
                    b.source.clone()
                } else {
                    sources.join("; ")
                },
            }
        })
        .collect();
    let models = model_records(registry, &fit, &points, &benchmarks, opts);

    let layout = layout(&frames, &models, threshold);
    Ok(Explorer {
        capfloor_version: env!("CARGO_PKG_VERSION").to_string(),
        as_of: opts.as_of,
        registry: RegistrySummary {
            origin: registry.origin.clone(),
            sha256: registry.sha256(),
            models: registry.models.len(),
            models_with_compute: registry
                .models
                .iter()
                .filter(|m| m.training_compute_flop.is_some())
                .count(),
            latest_release: registry.latest_release(),
        },
        method: Method {
            recipe: opts.floor.recipe,
            resamples: opts.floor.resamples,
            seed: opts.floor.seed,
            include_distilled: opts.floor.include_distilled,
            min_confidence: opts.min_confidence,
            horizon_years: opts.horizon_years,
        },
        regimes,
        benchmarks,
        models,
        frames,
        undefined: history.undefined,
        layout,
        min_scores: MIN_SCORES,
    })
}

/// Every registry model with a compute figure, and every frontier point, in registry order.
fn model_records(
    registry: &Registry,
    fit: &capability::CapabilityFit,
    points: &[Point],
    benchmarks: &[BenchmarkRef],
    opts: &Options,
) -> Vec<ModelRecord> {
    registry
        .models
        .iter()
        .filter_map(|m| {
            let point = points.iter().find(|p| p.id == m.id);
            if m.training_compute_flop.is_none() && point.is_none() {
                return None;
            }
            let c = fit.get(&m.id);
            let n_scores = c.map_or(0, |c| c.n_scores);
            let (plot, note) = match (point, m.training_compute_flop) {
                (Some(p), Some(_)) if p.log10_compute.is_some() => (
                    Plot::Scatter,
                    (m.distilled() && !opts.floor.include_distilled).then_some(Note::Distilled),
                ),
                (Some(_), Some(_)) => (Plot::Strip, Some(Note::BelowMinConfidence)),
                (Some(_), None) => (Plot::None, Some(Note::NoCompute)),
                (None, _) if m.release_date.is_none() => (Plot::Strip, Some(Note::NoReleaseDate)),
                (None, _) => (Plot::Strip, Some(Note::TooFewScores)),
            };
            let scores = registry
                .scores
                .iter()
                .filter(|s| s.model_id == m.id)
                .filter_map(|s| {
                    let i = benchmarks.iter().position(|b| b.id == s.benchmark_id)?;
                    Some((i, s.score))
                })
                .collect();
            Some(ModelRecord {
                id: m.id.clone(),
                name: m.name.clone(),
                organization: m.organization.clone(),
                release_date: m.release_date,
                accessibility: m.accessibility,
                training_compute_flop: m.training_compute_flop,
                compute_basis: m.compute_basis,
                confidence: m.confidence,
                parameters_total: m.parameters_total,
                parameters_active: m.parameters_active,
                training_tokens: m.training_tokens,
                distilled: m.distilled(),
                source: m.source.clone(),
                capability: c.map(|c| c.capability),
                capability_lo: c.map(|c| c.capability_lo),
                capability_hi: c.map(|c| c.capability_hi),
                n_scores,
                scores,
                plot,
                note,
            })
        })
        .collect()
}

// The page's geometry, in SVG user units.
const WIDTH: f64 = 1100.0;
const FLOOR_HEIGHT: f64 = 500.0;
const SCATTER_HEIGHT: f64 = 560.0;
const STRIP_HEIGHT: f64 = 130.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 46.0;

fn layout(frames: &[Frame], models: &[ModelRecord], threshold: f64) -> Layout {
    let first = frames
        .first()
        .map_or(2020.0, |f| year_fraction(f.floor.as_of));
    let end = frames
        .iter()
        .filter_map(|f| f.projection.as_ref().map(|p| year_fraction(p.until)))
        .fold(first + 1.0, f64::max);
    // The y range covers the history and the fans from the last two years of frames (earlier
    // fans spread over many decades; their paths are clipped at the edge).
    let recent = year_fraction(frames.last().map_or(Date::MIN, |f| f.floor.as_of)) - 2.0;
    let mut lo = threshold.log10();
    let mut hi = lo;
    for f in frames {
        lo = lo.min(f.floor.floor_flop_lo.log10());
        hi = hi.max(f.floor.floor_flop_hi.log10());
        if year_fraction(f.floor.as_of) >= recent {
            for r in f.projection.iter().flat_map(|p| &p.rows) {
                lo = lo.min(r.floor_flop_lo.log10());
                hi = hi.max(r.floor_flop_hi.log10());
            }
        }
    }
    let floor_x = Scale {
        d0: first,
        d1: end,
        r0: LEFT,
        r1: WIDTH - RIGHT,
    };
    let floor_y = Scale {
        d0: (lo - 0.3).floor(),
        d1: (hi + 0.3).ceil(),
        r0: FLOOR_HEIGHT - BOTTOM,
        r1: TOP,
    };

    let scattered: Vec<(f64, f64)> = models
        .iter()
        .filter(|m| m.plot == Plot::Scatter)
        .filter_map(|m| Some((m.training_compute_flop?.log10(), m.capability?)))
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) = scattered.iter().fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), &(x, y)| (a.min(x), b.max(x), c.min(y), d.max(y)),
    );
    for f in frames {
        x0 = x0.min(f.floor.floor_flop_lo.log10());
        x1 = x1.max(f.floor.floor_flop_hi.log10());
        y0 = y0.min(f.floor.theta_star);
        y1 = y1.max(f.floor.theta_star);
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (20.0, 27.0, 100.0, 150.0);
    }
    let scatter_x = Scale {
        d0: (x0 - 0.2).floor(),
        d1: (x1 + 0.2).ceil(),
        r0: LEFT,
        r1: WIDTH - RIGHT,
    };
    let scatter_y = Scale {
        d0: ((y0 - 3.0) / 10.0).floor() * 10.0,
        d1: ((y1 + 3.0) / 10.0).ceil() * 10.0,
        r0: SCATTER_HEIGHT - BOTTOM,
        r1: TOP,
    };
    let (s0, s1) = models
        .iter()
        .filter(|m| m.plot == Plot::Strip)
        .filter_map(|m| m.training_compute_flop.map(f64::log10))
        .fold((scatter_x.d0, scatter_x.d1), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    let strip_x = Scale {
        d0: s0.floor(),
        d1: s1.ceil(),
        r0: LEFT,
        r1: WIDTH - RIGHT,
    };
    Layout {
        floor_x,
        floor_y,
        scatter_x,
        scatter_y,
        strip_x,
    }
}

/// Text for HTML and SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `25` → `10²⁵`.
fn decade(e: f64) -> String {
    regimes::power_of_ten(10f64.powf(e))
}

/// The model's position in `models`, by id.
fn index_of(models: &[ModelRecord], id: &str) -> Option<usize> {
    models.iter().position(|m| m.id == id)
}

/// A horizontal position from a date.
fn date_x(l: &Layout, d: Date) -> f64 {
    l.floor_x.at(year_fraction(d))
}

/// The floor over time: grid, the history with its band, every regime's threshold, the releases
/// that moved the floor, and empty groups the script fills (cursor, fan).
fn floor_svg(e: &Explorer) -> String {
    let l = &e.layout;
    let (x, y) = (l.floor_x, l.floor_y);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="floor-chart" viewBox="0 0 {WIDTH} {FLOOR_HEIGHT}" role="img" aria-labelledby="floor-title"><title id="floor-title">The 4E091 capability floor over time, with its 90% band, the regimes' thresholds and the projection from the chosen date</title>"#
    );
    let _ = write!(
        s,
        r#"<defs><clipPath id="floor-clip"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/></clipPath></defs>"#,
        x.r0,
        y.r1,
        x.r1 - x.r0,
        y.r0 - y.r1
    );
    s.push_str(r#"<rect id="floor-hit" class="hit" "#);
    let _ = write!(
        s,
        r#"x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
        x.r0,
        y.r1,
        x.r1 - x.r0,
        y.r0 - y.r1
    );
    // Grid and axes.
    s.push_str(r#"<g class="grid">"#);
    let mut decade_at = y.d0;
    while decade_at <= y.d1 + 1e-9 {
        let py = y.at(decade_at);
        let _ = write!(
            s,
            r#"<line x1="{:.1}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            x.r0,
            x.r1,
            x.r0 - 8.0,
            py + 4.0,
            decade(decade_at)
        );
        decade_at += 1.0;
    }
    let mut year = x.d0.ceil();
    while year <= x.d1 {
        let px = x.at(year);
        let _ = write!(
            s,
            r#"<line x1="{px:.1}" x2="{px:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{px:.1}" y="{:.1}" text-anchor="middle">{year:.0}</text>"#,
            y.r1,
            y.r0,
            y.r0 + 18.0
        );
        year += 1.0;
    }
    let _ = write!(
        s,
        r#"</g><text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">as-of date</text><text class="axis" transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">training operations (FLOP, log scale)</text>"#,
        (x.r0 + x.r1) / 2.0,
        FLOOR_HEIGHT - 8.0,
        (y.r0 + y.r1) / 2.0
    );

    s.push_str(r#"<g clip-path="url(#floor-clip)">"#);
    // The history: band and line.
    let pt = |d: Date, v: f64| format!("{:.1},{:.1}", date_x(l, d), y.at(v.log10()));
    let upper: Vec<String> = e
        .frames
        .iter()
        .map(|f| pt(f.floor.as_of, f.floor.floor_flop_hi))
        .collect();
    let lower: Vec<String> = e
        .frames
        .iter()
        .rev()
        .map(|f| pt(f.floor.as_of, f.floor.floor_flop_lo))
        .collect();
    let _ = write!(
        s,
        r#"<path id="history-band" class="band" d="M{}L{}Z"/>"#,
        upper.join("L"),
        lower.join("L")
    );
    let line: Vec<String> = e
        .frames
        .iter()
        .map(|f| pt(f.floor.as_of, f.floor.floor_flop))
        .collect();
    let _ = write!(
        s,
        r#"<path id="history-line" class="floor-line" d="M{}"/>"#,
        line.join("L")
    );
    // Shade for what the chosen date could not know; the fan on top.
    s.push_str(r#"<rect id="later" class="later-shade" x="0" y="0" width="0" height="0"/>"#);
    s.push_str(r#"<g id="fan"><path id="fan90" class="fan90"/><path id="fan50" class="fan50"/><path id="fan-mid" class="fan-mid"/></g>"#);
    s.push_str("</g>");

    // Threshold lines, one per distinct threshold; the regimes at it are named above it.
    let mut thresholds: Vec<f64> = e.regimes.iter().map(|r| r.threshold_flop).collect();
    thresholds.sort_by(f64::total_cmp);
    thresholds.dedup();
    for t in thresholds {
        let py = y.at(t.log10());
        if py < y.r1 || py > y.r0 {
            continue;
        }
        let at: Vec<&RegimeLine> = e.regimes.iter().filter(|r| r.threshold_flop == t).collect();
        let ids: Vec<&str> = at.iter().map(|r| r.id.as_str()).collect();
        let main = ids.contains(&"4e091");
        let _ = write!(
            s,
            r#"<line class="threshold{}" data-regimes="{}" x1="{:.1}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}"/>"#,
            if main { " main" } else { "" },
            ids.join(" "),
            x.r0,
            x.r1
        );
        for (i, r) in at.iter().enumerate() {
            let _ = write!(
                s,
                r#"<text class="threshold-label" data-regime="{}" x="{:.1}" y="{:.1}">{}</text>"#,
                esc(&r.id),
                x.r0 + 6.0,
                py - 5.0 - 15.0 * i as f64,
                esc(&r.label)
            );
        }
    }

    // The releases that moved the floor.
    s.push_str(r#"<g id="moves">"#);
    for (i, f) in e.frames.iter().enumerate() {
        let (px, py) = (date_x(l, f.floor.as_of), y.at(f.floor.floor_flop.log10()));
        let theta = f.moved.iter().filter(|m| m.by == MovedBy::ThetaStar);
        let bstar = f.moved.iter().filter(|m| m.by == MovedBy::BStar);
        for m in theta {
            let _ = write!(
                s,
                r#"<circle class="move theta" data-f="{i}" data-id="{}" data-m="{}" data-by="theta_star" cx="{px:.1}" cy="{py:.1}" r="5.5"/>"#,
                esc(&m.id),
                index_of(&e.models, &m.id).map_or(String::new(), |k| k.to_string())
            );
        }
        for (j, m) in bstar.enumerate() {
            // Several recipes in one month: side by side, below the line.
            let (cx, cy) = (px + 9.0 * j as f64, py + 12.0);
            let _ = write!(
                s,
                r#"<path class="move bstar" data-f="{i}" data-id="{}" data-m="{}" data-by="b_star" d="M{:.1},{:.1}L{:.1},{:.1}L{cx:.1},{:.1}Z"/>"#,
                esc(&m.id),
                index_of(&e.models, &m.id).map_or(String::new(), |k| k.to_string()),
                cx - 4.5,
                cy - 4.0,
                cx + 4.5,
                cy - 4.0,
                cy + 4.5
            );
        }
    }
    s.push_str("</g>");
    s.push_str(r#"<line id="cursor" class="cursor" x1="0" x2="0" y1="0" y2="0"/><circle id="cursor-dot" class="cursor-dot" cx="0" cy="0" r="5"/><g id="crossing"><line id="crossing-bar" class="crossing-bar"/><circle id="crossing-dot" class="crossing-dot" r="5"/></g>"#);
    s.push_str("</svg>");
    s
}

/// A number as the JSON outputs write it (shortest round-trip form), so that a data attribute
/// reads the same as `registry list --json`.
fn json_number(x: f64) -> String {
    serde_json::to_string(&x).expect("a finite number serialises")
}

/// A deterministic jitter in [0, 1) from a model id, so strip points do not sit in one row.
fn jitter(id: &str) -> f64 {
    // FNV-1a: stable across platforms and versions, unlike the standard hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Capability against compute: every model on the scatter or the strip below it, with its data
/// attached, and empty marks the script moves (frontier, θ*, floor).
fn scatter_svg(e: &Explorer) -> String {
    let l = &e.layout;
    let (x, y, sx) = (l.scatter_x, l.scatter_y, l.strip_x);
    let total = SCATTER_HEIGHT + STRIP_HEIGHT;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="scatter-chart" viewBox="0 0 {WIDTH} {total}" role="img" aria-labelledby="scatter-title"><title id="scatter-title">Capability against training compute of the registry's models, with the efficiency frontier, θ* and the floor at the chosen date</title>"#
    );
    let _ = write!(
        s,
        r#"<defs><clipPath id="scatter-clip"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/></clipPath></defs>"#,
        x.r0,
        y.r1,
        x.r1 - x.r0,
        y.r0 - y.r1
    );
    s.push_str(r#"<g class="grid">"#);
    let mut e10 = x.d0;
    while e10 <= x.d1 + 1e-9 {
        let px = x.at(e10);
        let _ = write!(
            s,
            r#"<line x1="{px:.1}" x2="{px:.1}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            y.r1,
            y.r0,
            y.r0 + 18.0,
            decade(e10)
        );
        e10 += 1.0;
    }
    let mut c = y.d0;
    while c <= y.d1 + 1e-9 {
        let py = y.at(c);
        let _ = write!(
            s,
            r#"<line x1="{:.1}" x2="{:.1}" y1="{py:.1}" y2="{py:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{c:.0}</text>"#,
            x.r0,
            x.r1,
            x.r0 - 8.0,
            py + 4.0
        );
        c += 10.0;
    }
    let _ = write!(
        s,
        r#"</g><text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">training compute (FLOP, log scale)</text><text class="axis" transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">capability (ECI scale)</text>"#,
        (x.r0 + x.r1) / 2.0,
        SCATTER_HEIGHT - 8.0,
        (y.r0 + y.r1) / 2.0
    );
    s.push_str(r#"<g clip-path="url(#scatter-clip)"><line id="frontier-line" class="frontier-line"/><line id="theta-line" class="theta-line"/><line id="floor-drop" class="floor-drop"/><line id="floor-interval" class="floor-interval"/></g>"#);

    // The strip: its own axis over every compute figure.
    let top = SCATTER_HEIGHT + 34.0;
    let bottom = total - 30.0;
    let _ = write!(
        s,
        r#"<text class="strip-title" x="{:.1}" y="{:.1}">Compute figure but not on the frontier (too few benchmark scores, no release date, or below --min-confidence): not used by the floor</text>"#,
        sx.r0,
        SCATTER_HEIGHT + 18.0
    );
    let _ = write!(
        s,
        r#"<rect class="strip-frame" x="{:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"/>"#,
        sx.r0,
        sx.r1 - sx.r0,
        bottom - top
    );
    let mut e10 = sx.d0;
    let step = if sx.d1 - sx.d0 > 10.0 { 2.0 } else { 1.0 };
    while e10 <= sx.d1 + 1e-9 {
        let px = sx.at(e10);
        let _ = write!(
            s,
            r#"<text class="tick" x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text><line class="strip-tick" x1="{px:.1}" x2="{px:.1}" y1="{bottom:.1}" y2="{:.1}"/>"#,
            bottom + 18.0,
            decade(e10),
            bottom + 4.0
        );
        e10 += step;
    }

    s.push_str(r#"<g id="models">"#);
    for (i, m) in e.models.iter().enumerate() {
        let Some(compute) = m.training_compute_flop else {
            continue;
        };
        let (cx, cy) = match (m.plot, m.capability) {
            (Plot::Scatter, Some(c)) => (x.at(compute.log10()), y.at(c)),
            (Plot::None, _) => continue,
            _ => (
                sx.at(compute.log10()),
                top + 8.0 + jitter(&m.id) * (bottom - top - 16.0),
            ),
        };
        let access = match m.accessibility {
            Accessibility::OpenWeights => "open",
            Accessibility::Closed => "closed",
            Accessibility::Unknown => "unknown",
        };
        let plot = if m.plot == Plot::Scatter {
            "scatter"
        } else {
            "strip"
        };
        let _ = write!(
            s,
            r#"<circle class="m {access} {plot}{}" data-i="{i}" data-id="{}" data-released="{}" data-compute="{}" data-capability="{}" cx="{cx:.1}" cy="{cy:.1}" r="{}"/>"#,
            if m.distilled { " distilled" } else { "" },
            esc(&m.id),
            m.release_date.map_or(String::new(), |d| d.to_string()),
            json_number(compute),
            m.capability.map_or(String::new(), json_number),
            if m.plot == Plot::Scatter { "5" } else { "3.5" }
        );
    }
    s.push_str("</g>");
    s.push_str(r#"<g id="floor-mark"><circle id="floor-dot" class="floor-dot" r="7"/></g><g id="scatter-labels"><text id="theta-label" class="mark-label"/><text id="frontier-label" class="mark-label"/><text id="floor-label" class="mark-label"/></g>"#);
    s.push_str("</svg>");
    s
}

/// An array of objects with the same keys as `{"columns": [keys], "rows": [[values]]}`: the
/// page's data carries the models and the fans' rows this way, at half the size.
fn tabulate(v: &mut serde_json::Value) {
    use serde_json::Value;
    let Value::Array(items) = v else { return };
    let columns: Vec<String> = match items.first() {
        Some(Value::Object(o)) => o.keys().cloned().collect(),
        _ => return,
    };
    let rows: Vec<Value> = items
        .iter()
        .map(|item| {
            Value::Array(
                columns
                    .iter()
                    .map(|c| item.get(c).cloned().unwrap_or(Value::Null))
                    .collect(),
            )
        })
        .collect();
    *v = serde_json::json!({ "columns": columns, "rows": rows });
}

/// The data block of the page: [`Explorer`] as JSON, with the models and the fans' rows as
/// tables (`tabulate`).
pub fn page_data(e: &Explorer) -> String {
    let mut v = serde_json::to_value(e)
        .expect("the explorer's data serialises (no maps with non-string keys)");
    tabulate(&mut v["models"]);
    if let Some(frames) = v["frames"].as_array_mut() {
        for f in frames {
            tabulate(&mut f["projection"]["rows"]);
        }
    }
    v.to_string()
}

/// The tag every explorer page carries in its head: how capfloor recognises a page it wrote
/// before replacing it (anything else at `--out` needs `--force`).
const GENERATOR: &str = "<meta name=\"generator\" content=\"capfloor explore\">";

/// Whether a file's first bytes are those of an explorer page capfloor wrote.
pub fn is_ours(head: &[u8]) -> bool {
    let head = &head[..head.len().min(1024)];
    head.starts_with(b"<!doctype html>")
        && memchr::memmem::find(head, GENERATOR.as_bytes()).is_some()
}

/// The page.
pub fn html(e: &Explorer) -> String {
    let data = page_data(e)
        // A `</script>` inside a string would end the data block; `<\/` is the same JSON.
        .replace("</", "<\\/");
    let last = e.frames.last();
    TEMPLATE
        .replace(
            "{{TITLE}}",
            &esc(&format!(
                "capfloor explorer: the 4E091 capability floor to {}",
                e.as_of
            )),
        )
        .replace("{{STYLE}}", STYLE)
        .replace(
            "{{SUBTITLE}}",
            &esc(&format!(
                "Registry {} ({} models, {} with a compute figure, latest release {}; SHA-256 {}). Recipe {}, {} bootstrap resamples, seed {}{}{}. Every number is computed by capfloor {}, exactly as capfloor floor --json gives it for the date shown.",
                e.registry.origin,
                e.registry.models,
                e.registry.models_with_compute,
                e.registry
                    .latest_release
                    .map_or("unknown".into(), |d| d.to_string()),
                &e.registry.sha256[..12],
                e.method.recipe,
                e.method.resamples,
                e.method.seed,
                if e.method.include_distilled {
                    ", distilled recipes included"
                } else {
                    ""
                },
                e.method
                    .min_confidence
                    .map_or(String::new(), |c| format!(
                        ", compute figures at least {}",
                        serde_json::to_value(c)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    )),
                e.capfloor_version
            )),
        )
        .replace("{{FRAMES_MAX}}", &e.frames.len().saturating_sub(1).to_string())
        .replace(
            "{{AS_OF}}",
            &last.map_or(String::new(), |f| f.floor.as_of.to_string()),
        )
        .replace("{{FLOOR_SVG}}", &floor_svg(e))
        .replace("{{SCATTER_SVG}}", &scatter_svg(e))
        .replace("{{CAPTION}}", &esc(&super::layout::caption_text()))
        .replace("{{SCRIPT}}", SCRIPT)
        .replace("{{DATA}}", &data)
}

/// The first day of each month from `from` to `to`, for tests.
#[cfg(test)]
fn months(from: Date, to: Date) -> Vec<Date> {
    use jiff::ToSpan;
    let mut out = Vec::new();
    let mut d = from.first_of_month();
    while d <= to {
        out.push(d);
        d = d.checked_add(1.month()).expect("in range");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explorer(as_of: Date) -> Explorer {
        let registry = Registry::embedded().unwrap();
        build(
            &registry,
            &Options {
                floor: floor::Options {
                    resamples: 30,
                    ..floor::Options::default()
                },
                min_confidence: None,
                as_of,
                horizon_years: 3,
            },
        )
        .unwrap()
    }

    #[test]
    fn frames_run_monthly_to_the_as_of_date_and_hold_the_floor_of_that_date() {
        let as_of = Date::new(2026, 10, 15).unwrap();
        let e = explorer(as_of);
        let dates: Vec<Date> = e.frames.iter().map(|f| f.floor.as_of).collect();
        assert_eq!(*dates.last().unwrap(), as_of);
        // Every first of the month from the first defined frame, then the as-of date.
        let monthly = months(dates[0], as_of);
        assert_eq!(&dates[..dates.len() - 1], &monthly[..]);
        // The last frame is floor_at of its date, field for field.
        let vintages = crate::vintage::Vintages::new(Registry::embedded().unwrap(), None);
        let direct = floor::floor_at(
            &vintages,
            as_of,
            &floor::Options {
                resamples: 30,
                ..floor::Options::default()
            },
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&e.frames.last().unwrap().floor).unwrap(),
            serde_json::to_value(&direct).unwrap()
        );
        // Undefined months are listed, not dropped.
        assert!(e.undefined.iter().all(|u| u.date < dates[0]));
        assert!(!e.undefined.is_empty());
        // Each frame's projection starts at its date.
        for f in &e.frames {
            let p = f.projection.as_ref().unwrap();
            assert_eq!(p.rows[0].date, f.floor.as_of);
            assert_eq!(p.as_of, f.floor.as_of);
        }
    }

    #[test]
    fn every_model_with_a_compute_figure_is_a_point_with_its_data() {
        let e = explorer(Date::new(2026, 11, 1).unwrap());
        let registry = Registry::embedded().unwrap();
        let with_compute = registry
            .models
            .iter()
            .filter(|m| m.training_compute_flop.is_some())
            .count();
        let page = html(&e);
        assert_eq!(page.matches(r#"<circle class="m "#).count(), with_compute);
        for m in e
            .models
            .iter()
            .filter(|m| m.training_compute_flop.is_some())
        {
            let mark = format!(r#"data-id="{}" data-released"#, esc(&m.id));
            assert!(page.contains(&mark), "{} is not drawn", m.id);
            assert!(m.plot != Plot::None);
        }
        // θ*'s setter is in the data even without a compute figure.
        let last = e.frames.last().unwrap();
        assert!(e.models.iter().any(|m| m.id == last.floor.set_by));
    }

    #[test]
    fn the_page_is_self_contained_and_the_same_every_time() {
        let a = html(&explorer(Date::new(2025, 6, 1).unwrap()));
        let b = html(&explorer(Date::new(2025, 6, 1).unwrap()));
        assert_eq!(a, b);
        // capfloor knows the page as its own (so a rerun may replace it), and nothing else.
        assert!(is_ours(a.as_bytes()));
        assert!(!is_ours(
            b"<!doctype html>\n<html><head><title>notes</title>"
        ));
        // Sources are cited by URL in the text; nothing is loaded from anywhere.
        for remote in [
            "src=",
            "<link",
            "@import",
            "url(http",
            "fetch(",
            "XMLHttpRequest",
        ] {
            assert!(!a.contains(remote), "the page refers to {remote}");
        }
        assert!(!a.contains("{{"), "a placeholder is left");
        // Only three script blocks: the error catcher, the data and the page's own code.
        assert_eq!(a.matches("<script").count(), 3);
    }

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert!((0.0..1.0).contains(&jitter("kimi-k2.5")));
        assert_ne!(jitter("a"), jitter("b"));
    }
}
