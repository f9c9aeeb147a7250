/*!
Charts of the floor and the frontier, drawn with plotters as SVG or PNG (by the output's
extension). Text is laid out with DejaVu Sans embedded in the binary (no system fonts), so the
same inputs give byte-identical files on every machine.

- [`FloorChart`]: the floor over time with its 90% band, the 10^26 line and the releases that
  moved it, each marked θ* (named) or b*;
- [`FrontierChart`]: capability against training compute, coloured by release year, with the
  fitted trend, the efficiency frontier b*, θ* and its setter, and the floor where they meet;
- [`ProgressChart`]: the efficiency frontier b* over time and its trend (algorithmic progress);
- [`ProjectionChart`]: the projection as a fan (central trend, 50% and 90% bands) after the
  floor's history, with when it reaches the threshold.

Every chart names its threshold line as the regime does, carries the source caption, and places
its labels and legend where they touch no other text, mark or line ([`super::layout`]); the
tests check every string's ink against every other's ([`super::ink`]).
*/

use std::path::Path;
use std::sync::Once;

use jiff::civil::Date;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::full_palette::{
    AMBER_700, BLUE_600, DEEPORANGE_600, GREEN_600, GREY_600, INDIGO_400, LIGHTBLUE_400, LIME_800,
    ORANGE_600, PINK_400, PURPLE_400, RED_700, TEAL_600,
};
use plotters::style::{register_font, FontStyle};

use super::layout::{caption, down_triangle, draw_label, ink, Key, Legend, Placer, Rect};
use super::Error;
use crate::floor::{Floor, HistoryRow, MovedBy, Projection, ProjectionRow};
use crate::frontier::{year_fraction, Fit, Point};
use crate::fsio;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font under the name every chart uses (once per process).
pub(crate) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded file is a valid TrueType font; a failure here is a build defect that the
        // chart tests catch.
        let _ = register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Something that can draw itself on any plotters backend.
pub trait Chart {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32) {
        (1200, 700)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// The comment every SVG chart file starts with: how capfloor recognises its own charts before
/// it replaces one (see [`is_ours`]).
pub const SVG_MARK: &str = "<!-- written by capfloor -->\n";
/// The PNG `tEXt` chunk (keyword, text) every PNG chart carries, for the same purpose; the
/// encoder puts it right after the image header.
pub const PNG_MARK: (&str, &str) = ("Software", "capfloor");

/// Whether a file's first bytes are those of a chart capfloor wrote.
pub fn is_ours(head: &[u8]) -> bool {
    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if head.starts_with(SVG_MARK.as_bytes()) {
        return true;
    }
    let chunk = format!("tEXt{}\0{}", PNG_MARK.0, PNG_MARK.1);
    head.starts_with(PNG_SIGNATURE) && memchr::memmem::find(head, chunk.as_bytes()).is_some()
}

/// Renders `chart` to `path` (`.svg` or `.png`), atomically, replacing only a chart capfloor
/// wrote unless `guard` says `--force`.
pub fn render(chart: &impl Chart, path: &Path, guard: &fsio::Guard) -> Result<(), Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let draw_error = |message: String| Error::Draw {
        path: path.to_path_buf(),
        message,
    };
    let bytes = match ext.as_deref() {
        Some("svg") => {
            let mut text = SVG_MARK.to_string();
            text.push_str(&svg(chart).map_err(draw_error)?);
            text.into_bytes()
        }
        Some("png") => png(chart).map_err(draw_error)?,
        _ => {
            return Err(Error::UnknownFormat {
                path: path.to_path_buf(),
            })
        }
    };
    Ok(fsio::write_file(path, &bytes, &is_ours, guard)?)
}

/// The chart as a PNG file (RGB, 8 bits), drawn in memory and encoded with its mark.
pub fn png(chart: &impl Chart) -> Result<Vec<u8>, String> {
    register_fonts();
    let (w, h) = chart.size();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, w, h);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    encoder.set_adaptive_filter(::png::AdaptiveFilterType::Adaptive);
    encoder
        .add_text_chunk(PNG_MARK.0.into(), PNG_MARK.1.into())
        .map_err(|e| e.to_string())?;
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// The chart as an SVG document, for embedding in a page.
pub fn svg(chart: &impl Chart) -> Result<String, String> {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, chart.size()).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The plotting area in pixels.
fn plot_rect<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
) -> Rect {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Rect::new(xs.start, ys.start, xs.end, ys.end)
}

/// Pixel samples along a polyline, every `step` pixels: what a legend should not hide.
fn samples(points: &[(i32, i32)], step: f64) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = f64::from(b.0 - a.0).hypot(f64::from(b.1 - a.1));
        let n = (len / step).ceil().max(1.0) as i32;
        for i in 0..n {
            out.push((a.0 + (b.0 - a.0) * i / n, a.1 + (b.1 - a.1) * i / n));
        }
    }
    out.extend(points.last());
    out
}

/// A chart's frame: white background, title, axes with their labels. The bottom margin leaves
/// room for the source caption.
fn frame<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    y_label_area: u32,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String> {
    root.fill(&WHITE).map_err(err)?;
    ChartBuilder::on(root)
        .caption(title, ("sans-serif", 26))
        .margin(20)
        // Room for the last date label on the right, and for the caption below.
        .margin_right(36)
        .margin_bottom(26)
        .x_label_area_size(50)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)
}

/// The axes of a chart of dates against FLOP.
fn date_flop_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_desc: &str,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .x_label_formatter(&year_month)
        .y_label_formatter(&flop_label)
        .y_desc("training operations (FLOP, log scale)")
        .x_desc(x_desc)
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)
}

/// `2024.5` → `2024-07`.
fn year_month(x: &f64) -> String {
    let year = x.floor();
    let month = ((x - year) * 12.0).round() as i32 + 1;
    let (year, month) = if month > 12 {
        (year + 1.0, 1)
    } else {
        (year, month)
    };
    format!("{year:.0}-{month:02}")
}

/// `25.0` → `1e25`, `25.5` → `3.2e25`.
fn flop_label(y: &f64) -> String {
    let exponent = y.floor();
    let mantissa = 10f64.powf(y - exponent);
    if (mantissa - 1.0).abs() < 0.05 {
        format!("1e{exponent:.0}")
    } else {
        format!("{mantissa:.1}e{exponent:.0}")
    }
}

const YEAR_COLOURS: [RGBColor; 12] = [
    GREY_600,
    INDIGO_400,
    LIGHTBLUE_400,
    TEAL_600,
    GREEN_600,
    LIME_800,
    AMBER_700,
    ORANGE_600,
    DEEPORANGE_600,
    RED_700,
    PINK_400,
    PURPLE_400,
];

/// The colour of a release that moved b* (the floor falls).
const B_STAR_COLOUR: RGBColor = DEEPORANGE_600;
const LABEL_SIZE: u32 = 13;
const LEGEND_SIZE: u32 = 15;
/// Text width of a legend beside the plot, where long entries wrap.
const LEGEND_WIDTH: i32 = 330;

/// The floor over time.
pub struct FloorChart<'a> {
    pub rows: &'a [HistoryRow],
    pub threshold_flop: f64,
    /// The regime's one name for its line ([`crate::regimes::Regime::line_label`]).
    pub threshold_label: String,
    pub title: String,
    /// A declared run to mark at the last date (the dossier's model).
    pub assessed: Option<&'a Assessed>,
}

/// The run a dossier assesses, as its charts mark it.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub name: String,
    pub flop: f64,
    pub flop_lo: f64,
    pub flop_hi: f64,
    /// The capability its declared scores imply, if it declares any.
    pub capability: Option<f64>,
}

/// The latest θ* setter of a history and the release date that made it one.
fn current_setter(rows: &[HistoryRow]) -> Option<(&str, Date)> {
    rows.last()
        .map(|r| (r.floor.set_by.as_str(), r.floor.set_by_released))
}

impl Chart for FloorChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let first = self.rows.first().ok_or("no rows")?;
        let last = self.rows.last().ok_or("no rows")?;
        let (x0, x1) = (
            year_fraction(first.floor.as_of),
            year_fraction(last.floor.as_of).max(year_fraction(first.floor.as_of) + 0.1),
        );
        let t = self.threshold_flop.log10();
        let lo = self
            .rows
            .iter()
            .map(|r| r.floor.floor_flop_lo.log10())
            .fold(f64::INFINITY, f64::min);
        let hi = self
            .rows
            .iter()
            .map(|r| r.floor.floor_flop_hi.log10())
            .fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = match self.assessed {
            Some(a) => (lo.min(a.flop_lo.log10()), hi.max(a.flop_hi.log10())),
            None => (lo, hi),
        };
        let (y0, y1) = ((lo.min(t) - 0.5).floor(), (hi.max(t) + 0.5).ceil());
        let mut chart = frame(root, &self.title, (x0, x1), (y0, y1), 80)?;
        date_flop_mesh(&mut chart, "as-of date")?;

        let xs: Vec<f64> = self
            .rows
            .iter()
            .map(|r| year_fraction(r.floor.as_of))
            .collect();
        let at = |i: usize, v: f64| (xs[i], v.log10());
        let upper: Vec<(f64, f64)> = (0..xs.len())
            .map(|i| at(i, self.rows[i].floor.floor_flop_hi))
            .collect();
        let lower: Vec<(f64, f64)> = (0..xs.len())
            .map(|i| at(i, self.rows[i].floor.floor_flop_lo))
            .collect();
        let central: Vec<(f64, f64)> = (0..xs.len())
            .map(|i| at(i, self.rows[i].floor.floor_flop))
            .collect();
        let band: Vec<(f64, f64)> = upper.iter().chain(lower.iter().rev()).copied().collect();
        let band_colour = BLUE_600.mix(0.18);
        chart
            .draw_series(std::iter::once(Polygon::new(band, band_colour)))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                central.iter().copied(),
                BLUE_600.stroke_width(3),
            ))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(x0, t), (x1, t)],
                10,
                6,
                RED_700.stroke_width(2),
            ))
            .map_err(err)?;

        // The releases that moved the floor: a new θ* model is a labelled dot, a recipe that
        // entered the b* set a triangle (unlabelled: busy months would be unreadable).
        let px = |p: &(f64, f64)| chart.backend_coord(p);
        let mut dots = Vec::new();
        let mut triangles = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            let p = px(&central[i]);
            if r.moved.iter().any(|m| m.by == MovedBy::ThetaStar) {
                dots.push((p, r.floor.set_by.clone()));
            }
            if r.moved.iter().any(|m| m.by == MovedBy::BStar) {
                // Below the dot when a release moved both.
                let dy = if dots.last().is_some_and(|d| d.0 == p) {
                    11
                } else {
                    0
                };
                triangles.push((p.0, p.1 + dy));
            }
        }
        for &p in &triangles {
            root.draw(&down_triangle(p, 5, B_STAR_COLOUR.to_rgba(), true))
                .map_err(err)?;
        }
        for (p, _) in &dots {
            root.draw(&Circle::new(*p, 5, BLUE_600.filled()))
                .map_err(err)?;
        }

        // The assessed run at the last date: its estimate and interval.
        let assessed = self.assessed.map(|a| {
            let top = px(&(x1, a.flop_hi.log10()));
            let bottom = px(&(x1, a.flop_lo.log10()));
            (a, px(&(x1, a.flop.log10())), top, bottom)
        });
        if let Some((_, p, top, bottom)) = assessed {
            root.draw(&PathElement::new(vec![top, bottom], BLACK.stroke_width(2)))
                .map_err(err)?;
            root.draw(&Circle::new(p, 6, BLACK.stroke_width(2)))
                .map_err(err)?;
        }

        let line_px: Vec<(i32, i32)> = central.iter().map(px).collect();
        let threshold_px = [px(&(x0, t)), px(&(x1, t))];
        let plot = plot_rect(&chart);
        let setter = current_setter(self.rows)
            .map(|(id, released)| format!("; θ* now set by {id} (released {released})"))
            .unwrap_or_default();
        let legend = Legend::new(
            vec![
                (Key::Band(band_colour), "90% interval".into()),
                (
                    Key::Line(BLUE_600.stroke_width(3), false),
                    format!("capability floor{setter}"),
                ),
                (
                    Key::Line(RED_700.stroke_width(2), true),
                    self.threshold_label.clone(),
                ),
                (
                    Key::Dot(BLUE_600.to_rgba(), true),
                    "θ* moved: a more capable open model (named)".into(),
                ),
                (
                    Key::Down(B_STAR_COLOUR.to_rgba(), true),
                    "b* moved: a more efficient published recipe".into(),
                ),
            ]
            .into_iter()
            .chain(self.assessed.map(|a| {
                (
                    Key::Dot(BLACK.to_rgba(), false),
                    format!(
                        "{}: {:.2e} FLOP ({:.2e} – {:.2e}), the assessed run",
                        a.name, a.flop, a.flop_lo, a.flop_hi
                    ),
                )
            }))
            .collect(),
            LEGEND_SIZE,
        );
        let mut marks = samples(&line_px, 6.0);
        marks.extend(samples(&upper.iter().map(px).collect::<Vec<_>>(), 6.0));
        marks.extend(samples(&lower.iter().map(px).collect::<Vec<_>>(), 6.0));
        marks.extend(samples(&threshold_px, 6.0));
        let legend_rect = legend.best_corner(plot, &marks);

        let mut placer = Placer::new(plot);
        placer.block(legend_rect);
        placer.block_line(&line_px);
        placer.block_line(&threshold_px);
        for (p, _) in &dots {
            placer.block(Rect::around(*p, 6));
        }
        for p in &triangles {
            placer.block(Rect::around(*p, 6));
        }
        if let Some((a, p, top, bottom)) = assessed {
            placer.block_line(&[top, bottom]);
            placer.block(Rect::around(p, 7));
            let placed = placer.place(ink(&a.name, LABEL_SIZE), p, 7);
            draw_label(root, &a.name, LABEL_SIZE, &placed)?;
        }
        // The latest setter first: it gets the nearest spot.
        for (p, id) in dots.iter().rev() {
            let placed = placer.place(ink(id, LABEL_SIZE), *p, 6);
            draw_label(root, id, LABEL_SIZE, &placed)?;
        }
        legend.draw(root, legend_rect)?;
        caption(root, self.size())
    }
}

/// Capability against training compute.
pub struct FrontierChart<'a> {
    pub points: &'a [Point],
    pub fit: Fit,
    pub as_of: Date,
    /// The floor at the as-of date: θ*, its setter, b* and its setters.
    pub floor: &'a Floor,
    pub title: String,
    /// A declared run: its compute as a vertical line, and a point where its declared scores
    /// give a capability.
    pub assessed: Option<&'a Assessed>,
}

impl Chart for FrontierChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1400, 760)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let f = self.floor;
        let pts: Vec<(&Point, f64)> = self
            .points
            .iter()
            .filter(|p| p.released <= self.as_of)
            .filter_map(|p| Some((p, p.log10_compute?)))
            .collect();
        if pts.is_empty() {
            return Err("no model with a compute figure".into());
        }
        let floor_x = f.floor_flop.log10();
        let (x0, x1) = pts
            .iter()
            .fold((floor_x, floor_x), |(a, b), (_, x)| (a.min(*x), b.max(*x)));
        let (x0, x1) = match self.assessed {
            Some(a) => (x0.min(a.flop.log10()), x1.max(a.flop.log10())),
            None => (x0, x1),
        };
        let (y0, y1) = pts
            .iter()
            .fold((f.theta_star, f.theta_star), |(a, b), (p, _)| {
                (a.min(p.capability), b.max(p.capability))
            });
        let (y0, y1) = match self.assessed.and_then(|a| a.capability) {
            Some(c) => (y0.min(c), y1.max(c)),
            None => (y0, y1),
        };
        let (x0, x1, y0, y1) = ((x0 - 0.3).floor(), (x1 + 0.3).ceil(), y0 - 5.0, y1 + 5.0);
        let first_year = pts.iter().map(|(p, _)| p.released.year()).min();
        let last_year = pts.iter().map(|(p, _)| p.released.year()).max();
        let (first_year, last_year) = (first_year.unwrap_or(2020), last_year.unwrap_or(2020));
        let colour_of = |year: i16| YEAR_COLOURS[(year - first_year) as usize % YEAR_COLOURS.len()];
        let setters = if f.b_star_set_by.is_empty() {
            String::new()
        } else {
            format!(", set by {}", f.b_star_set_by.join(", "))
        };
        let mut entries = vec![
            (
                Key::Line(GREY_600.stroke_width(2), false),
                format!("typical recipe (k = {:.1} ECI per 10× compute)", self.fit.k),
            ),
            (
                Key::Line(RED_700.stroke_width(2), true),
                format!("efficiency frontier b* = {:.1}{setters}", f.b_star),
            ),
            (
                Key::Line(BLUE_600.stroke_width(2), true),
                format!(
                    "θ* = {:.1} ECI, set by {} (most capable open model{})",
                    f.theta_star,
                    f.set_by,
                    if pts.iter().any(|(p, _)| p.id == f.set_by) {
                        ""
                    } else {
                        "; no compute figure, so not plotted"
                    }
                ),
            ),
            (
                Key::Dot(BLACK.to_rgba(), false),
                format!(
                    "floor: the frontier's compute at θ*, {:.2e} FLOP",
                    f.floor_flop
                ),
            ),
            (Key::Dot(GREY_600.to_rgba(), true), "open weights".into()),
            (Key::Dot(GREY_600.to_rgba(), false), "closed".into()),
        ];
        if let Some(a) = self.assessed {
            entries.push((
                Key::Line(BLACK.stroke_width(2), true),
                match a.capability {
                    Some(c) => format!(
                        "{}: the assessed run, {:.2e} FLOP, capability {c:.1} ECI from its declared scores",
                        a.name, a.flop
                    ),
                    None => format!(
                        "{}: the assessed run, {:.2e} FLOP (no declared scores: capability unknown)",
                        a.name, a.flop
                    ),
                },
            ));
        }
        for year in first_year..=last_year {
            if pts.iter().any(|(p, _)| p.released.year() == year) {
                entries.push((
                    Key::Dot(colour_of(year).to_rgba(), true),
                    format!("released in {year}"),
                ));
            }
        }
        let legend = Legend {
            entries,
            size: LEGEND_SIZE,
            wrap: Some(LEGEND_WIDTH),
        };
        // The legend has its own column right of the plot: inside, it would hide models.
        root.fill(&WHITE).map_err(err)?;
        let (w, _) = self.size();
        let (legend_w, _) = legend.extent();
        let (plot_area, _) = root.split_horizontally(w as i32 - legend_w - 24);
        let mut chart = frame(&plot_area, &self.title, (x0, x1), (y0, y1), 70)?;
        chart
            .configure_mesh()
            .x_label_formatter(&flop_label)
            .x_desc("training compute (FLOP, log scale)")
            .y_desc("capability (ECI scale)")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;

        let t = year_fraction(self.as_of);
        let line = |b: f64| [(x0, self.fit.k * x0 + b), (x1, self.fit.k * x1 + b)];
        let typical = line(self.fit.typical_efficiency(t));
        let frontier = line(f.b_star);
        let theta = [(x0, f.theta_star), (x1, f.theta_star)];
        let drop = [(floor_x, f.theta_star), (floor_x, y0)];
        chart
            .draw_series(LineSeries::new(typical, GREY_600.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(
                frontier,
                10,
                6,
                RED_700.stroke_width(2),
            ))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(theta, 4, 4, BLUE_600.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(DashedLineSeries::new(drop, 2, 4, BLACK.stroke_width(1)))
            .map_err(err)?;

        chart
            .draw_series(pts.iter().map(|(p, x)| {
                let colour = colour_of(p.released.year());
                let style = if p.open {
                    colour.filled()
                } else {
                    colour.stroke_width(2)
                };
                Circle::new((*x, p.capability), 5, style)
            }))
            .map_err(err)?;
        let floor_mark = chart.backend_coord(&(floor_x, f.theta_star));
        root.draw(&Circle::new(floor_mark, 6, BLACK.stroke_width(2)))
            .map_err(err)?;
        let assessed_line = self.assessed.map(|a| {
            let x = a.flop.log10();
            [(x, y0), (x, y1)]
        });
        if let Some(l) = assessed_line {
            chart
                .draw_series(DashedLineSeries::new(l, 6, 3, BLACK.stroke_width(2)))
                .map_err(err)?;
        }
        let assessed_mark = self
            .assessed
            .and_then(|a| Some((a, chart.backend_coord(&(a.flop.log10(), a.capability?)))));
        if let Some((_, p)) = assessed_mark {
            root.draw(&Circle::new(p, 7, BLACK.filled())).map_err(err)?;
        }

        let px = |p: &(f64, f64)| chart.backend_coord(p);
        let lines: Vec<Vec<(i32, i32)>> = [&typical[..], &frontier[..], &theta[..], &drop[..]]
            .iter()
            .map(|l| l.iter().map(px).collect())
            .collect();
        let dots: Vec<((i32, i32), &Point)> = pts
            .iter()
            .map(|(p, x)| (px(&(*x, p.capability)), *p))
            .collect();
        let plot = plot_rect(&chart);
        let legend_rect = legend.rect_from((plot.x1 + 16, plot.y0));

        let mut placer = Placer::new(plot);
        for l in &lines {
            placer.block_line(l);
        }
        for (p, _) in &dots {
            placer.block(Rect::around(*p, 6));
        }
        placer.block(Rect::around(floor_mark, 7));
        if let Some(l) = assessed_line {
            placer.block_line(&l.iter().map(px).collect::<Vec<_>>());
        }
        if let Some((a, p)) = assessed_mark {
            placer.block(Rect::around(p, 8));
            let placed = placer.place(ink(&a.name, LABEL_SIZE), p, 8);
            draw_label(root, &a.name, LABEL_SIZE, &placed)?;
        }
        // θ* and b* setters are named; θ*'s setter may have no compute figure (then it is
        // named in the legend only).
        let mut named: Vec<&str> = vec![f.set_by.as_str()];
        named.extend(f.b_star_set_by.iter().map(String::as_str));
        for id in named {
            if let Some((p, _)) = dots.iter().find(|(_, q)| q.id == id) {
                let placed = placer.place(ink(id, LABEL_SIZE), *p, 6);
                draw_label(root, id, LABEL_SIZE, &placed)?;
            }
        }
        let floor_text = format!("floor {:.2e} FLOP", f.floor_flop);
        let placed = placer.place(ink(&floor_text, LABEL_SIZE), floor_mark, 7);
        draw_label(root, &floor_text, LABEL_SIZE, &placed)?;
        legend.draw(root, legend_rect)?;
        caption(root, self.size())
    }
}

/// The efficiency frontier over time.
pub struct ProgressChart<'a> {
    /// b*(τ) by month.
    pub series: &'a [(Date, f64)],
    pub k: f64,
    /// Trend of b* in ECI points a year, if there is one.
    pub slope: Option<f64>,
    pub title: String,
}

impl Chart for ProgressChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let xs: Vec<f64> = self.series.iter().map(|(d, _)| year_fraction(*d)).collect();
        let ys: Vec<f64> = self.series.iter().map(|(_, b)| *b).collect();
        let (x0, x1) = (
            *xs.first().ok_or("no months")?,
            xs.last().copied().unwrap_or(0.0).max(xs[0] + 0.1),
        );
        let (y0, y1) = ys
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
                (a.min(*y), b.max(*y))
            });
        let mut chart = frame(root, &self.title, (x0, x1), (y0 - 3.0, y1 + 3.0), 80)?;
        chart
            .configure_mesh()
            .x_label_formatter(&year_month)
            .y_desc("efficiency frontier b* (ECI points at 1 FLOP)")
            .x_desc("date")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let series: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
        chart
            .draw_series(LineSeries::new(
                series.iter().copied(),
                BLUE_600.stroke_width(3),
            ))
            .map_err(err)?;
        let mut entries = vec![(
            Key::Line(BLUE_600.stroke_width(3), false),
            "b*: most efficient published recipe".to_string(),
        )];
        let mut marks: Vec<(i32, i32)> = series.iter().map(|p| chart.backend_coord(p)).collect();
        if let Some(s) = self.slope {
            let mx = xs.iter().sum::<f64>() / xs.len() as f64;
            let my = ys.iter().sum::<f64>() / ys.len() as f64;
            let factor = crate::frontier::progress_factor(s, self.k);
            let trend = [(x0, my + s * (x0 - mx)), (x1, my + s * (x1 - mx))];
            chart
                .draw_series(DashedLineSeries::new(trend, 10, 6, RED_700.stroke_width(2)))
                .map_err(err)?;
            entries.push((
                Key::Line(RED_700.stroke_width(2), true),
                format!(
                    "trend: {s:+.1} ECI points/yr = {factor:.1}× less compute/yr (halving in {:.1} months)",
                    crate::frontier::halving_months(factor)
                ),
            ));
            let trend_px: Vec<(i32, i32)> = trend.iter().map(|p| chart.backend_coord(p)).collect();
            marks.extend(samples(&trend_px, 6.0));
        }
        let legend = Legend::new(entries, LEGEND_SIZE);
        let rect = legend.best_corner(plot_rect(&chart), &samples(&marks, 6.0));
        legend.draw(root, rect)?;
        caption(root, self.size())
    }
}

/// The projection as a fan: the floor's history to the as-of date, then the central trend with
/// the 50% and 90% bands of the resamples, the threshold and when the floor reaches it.
pub struct ProjectionChart<'a> {
    /// The floor up to the as-of date (may be empty).
    pub history: &'a [HistoryRow],
    pub projection: &'a Projection,
    /// The regime's one name for its line ([`crate::regimes::Regime::line_label`]).
    pub threshold_label: String,
    pub title: String,
}

const FAN_COLOUR: RGBColor = DEEPORANGE_600;

impl Chart for ProjectionChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let p = self.projection;
        let rows = &p.rows;
        let first = rows.first().ok_or("no projection rows")?;
        let start = self
            .history
            .first()
            .map_or(first.date, |r| r.floor.as_of.min(first.date));
        let (x0, x1) = (
            year_fraction(start),
            year_fraction(p.until).max(year_fraction(start) + 0.1),
        );
        let t = p.threshold_flop.log10();
        let values = rows
            .iter()
            .flat_map(|r| [r.floor_flop_lo, r.floor_flop_hi])
            .chain(
                self.history
                    .iter()
                    .flat_map(|r| [r.floor.floor_flop_lo, r.floor.floor_flop_hi]),
            )
            .map(f64::log10);
        let (lo, hi) = values.fold((t, t), |(a, b), v| (a.min(v), b.max(v)));
        let (y0, y1) = ((lo - 0.5).floor(), (hi + 0.5).ceil());
        let mut chart = frame(root, &self.title, (x0, x1), (y0, y1), 80)?;
        date_flop_mesh(&mut chart, "date")?;

        let xy = |d: Date, v: f64| (year_fraction(d), v.log10());
        let band = |upper: &dyn Fn(&ProjectionRow) -> f64,
                    lower: &dyn Fn(&ProjectionRow) -> f64| {
            rows.iter()
                .map(|r| xy(r.date, upper(r)))
                .chain(rows.iter().rev().map(|r| xy(r.date, lower(r))))
                .collect::<Vec<_>>()
        };
        let outer = FAN_COLOUR.mix(0.15);
        let inner = FAN_COLOUR.mix(0.32);
        chart
            .draw_series(std::iter::once(Polygon::new(
                band(&|r| r.floor_flop_hi, &|r| r.floor_flop_lo),
                outer,
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Polygon::new(
                band(&|r| r.floor_flop_q75, &|r| r.floor_flop_q25),
                inner,
            )))
            .map_err(err)?;
        let centre: Vec<(f64, f64)> = rows.iter().map(|r| xy(r.date, r.floor_flop)).collect();
        chart
            .draw_series(LineSeries::new(
                centre.iter().copied(),
                FAN_COLOUR.stroke_width(3),
            ))
            .map_err(err)?;

        let history_colour = BLUE_600.mix(0.18);
        let past: Vec<(f64, f64)> = self
            .history
            .iter()
            .map(|r| xy(r.floor.as_of, r.floor.floor_flop))
            .collect();
        if !self.history.is_empty() {
            let band: Vec<(f64, f64)> = self
                .history
                .iter()
                .map(|r| xy(r.floor.as_of, r.floor.floor_flop_hi))
                .chain(
                    self.history
                        .iter()
                        .rev()
                        .map(|r| xy(r.floor.as_of, r.floor.floor_flop_lo)),
                )
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(band, history_colour)))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(
                    past.iter().copied(),
                    BLUE_600.stroke_width(3),
                ))
                .map_err(err)?;
        }
        let threshold = [(x0, t), (x1, t)];
        chart
            .draw_series(DashedLineSeries::new(
                threshold,
                10,
                6,
                RED_700.stroke_width(2),
            ))
            .map_err(err)?;
        let now = [(year_fraction(p.as_of), y0), (year_fraction(p.as_of), y1)];
        chart
            .draw_series(DashedLineSeries::new(now, 2, 4, BLACK.stroke_width(1)))
            .map_err(err)?;

        let px = |q: &(f64, f64)| chart.backend_coord(q);
        let mut lines: Vec<Vec<(i32, i32)>> = vec![
            centre.iter().map(px).collect(),
            past.iter().map(px).collect(),
            threshold.iter().map(px).collect(),
            now.iter().map(px).collect(),
        ];
        let mut marks: Vec<(i32, i32)> = Vec::new();
        for edge in [
            band(&|r| r.floor_flop_hi, &|r| r.floor_flop_lo),
            self.history
                .iter()
                .map(|r| xy(r.floor.as_of, r.floor.floor_flop_hi))
                .collect(),
            self.history
                .iter()
                .map(|r| xy(r.floor.as_of, r.floor.floor_flop_lo))
                .collect(),
        ] {
            marks.extend(samples(&edge.iter().map(px).collect::<Vec<_>>(), 6.0));
        }

        // When the floor reaches the threshold: a dot on the line, its 90% interval as a bar.
        let pct = 100.0 * p.crossing_probability;
        let crossing = p.crossing.map(|d| {
            let bar_end = p.crossing_hi.unwrap_or(p.until);
            let bar = [
                px(&xy(p.crossing_lo.unwrap_or(d), p.threshold_flop)),
                px(&xy(bar_end, p.threshold_flop)),
            ];
            let text = if d == p.as_of {
                "already above the threshold".to_string()
            } else {
                format!(
                    "reaches {} on {d} (90%: {} – {}; {pct:.0}% of resamples by {})",
                    crate::regimes::power_of_ten(p.threshold_flop),
                    p.crossing_lo.map_or("—".into(), |d| d.to_string()),
                    p.crossing_hi
                        .map_or(format!("after {}", p.until), |d| d.to_string()),
                    p.until
                )
            };
            (px(&xy(d, p.threshold_flop)), bar, text)
        });
        if let Some((dot, bar, _)) = &crossing {
            root.draw(&PathElement::new(
                [(bar[0].0, bar[0].1 - 5), (bar[0].0, bar[0].1 + 5)],
                BLACK.stroke_width(2),
            ))
            .map_err(err)?;
            root.draw(&PathElement::new(
                [(bar[1].0, bar[1].1 - 5), (bar[1].0, bar[1].1 + 5)],
                BLACK.stroke_width(2),
            ))
            .map_err(err)?;
            root.draw(&PathElement::new(bar.to_vec(), BLACK.stroke_width(2)))
                .map_err(err)?;
            root.draw(&Circle::new(*dot, 6, BLACK.filled()))
                .map_err(err)?;
            lines.push(bar.to_vec());
        }

        let mut entries = Vec::new();
        if !self.history.is_empty() {
            entries.push((
                Key::Line(BLUE_600.stroke_width(3), false),
                "floor as computed at each date (90% interval shaded)".to_string(),
            ));
        }
        entries.extend([
            (
                Key::Line(FAN_COLOUR.stroke_width(3), false),
                format!(
                    "projected from {}: θ* {:+.1}, b* {:+.1} ECI points/yr",
                    p.as_of, p.theta_star_slope, p.b_star_slope
                ),
            ),
            (Key::Band(inner), "50% of resamples".to_string()),
            (Key::Band(outer), "90% of resamples".to_string()),
            (
                Key::Line(RED_700.stroke_width(2), true),
                self.threshold_label.clone(),
            ),
        ]);
        if crossing.is_some() {
            entries.push((
                Key::Dot(BLACK.to_rgba(), true),
                "when the central trend reaches it, with the 90% interval".to_string(),
            ));
        } else {
            entries.push((
                Key::Dot(BLACK.to_rgba(), false),
                format!(
                    "the central trend does not reach it by {} ({pct:.0}% of resamples do)",
                    p.until
                ),
            ));
        }
        let legend = Legend::new(entries, LEGEND_SIZE);
        let plot = plot_rect(&chart);
        for l in &lines {
            marks.extend(samples(l, 6.0));
        }
        let legend_rect = legend.best_corner(plot, &marks);
        let mut placer = Placer::new(plot);
        placer.block(legend_rect);
        for l in &lines {
            placer.block_line(l);
        }
        if let Some((dot, _, text)) = &crossing {
            placer.block(Rect::around(*dot, 7));
            let placed = placer.place(ink(text, LABEL_SIZE), *dot, 7);
            draw_label(root, text, LABEL_SIZE, &placed)?;
        }
        legend.draw(root, legend_rect)?;
        caption(root, self.size())
    }
}

/// Any of the charts, for code that picks one at run time (the `chart` command and its tests).
pub enum AnyChart<'a> {
    Floor(FloorChart<'a>),
    Frontier(FrontierChart<'a>),
    Progress(ProgressChart<'a>),
    Projection(ProjectionChart<'a>),
}

impl Chart for AnyChart<'_> {
    fn size(&self) -> (u32, u32) {
        match self {
            AnyChart::Floor(c) => c.size(),
            AnyChart::Frontier(c) => c.size(),
            AnyChart::Progress(c) => c.size(),
            AnyChart::Projection(c) => c.size(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        match self {
            AnyChart::Floor(c) => c.draw(root),
            AnyChart::Frontier(c) => c.draw(root),
            AnyChart::Progress(c) => c.draw(root),
            AnyChart::Projection(c) => c.draw(root),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_dates_and_powers_of_ten() {
        assert_eq!(year_month(&2024.0), "2024-01");
        assert_eq!(year_month(&2024.5), "2024-07");
        assert_eq!(year_month(&2024.999), "2025-01");
        assert_eq!(flop_label(&25.0), "1e25");
        assert_eq!(flop_label(&25.5), "3.2e25");
    }

    use crate::floor::{self, Options, Step};
    use crate::frontier::synthetic_points;
    use crate::report::ink::{assert_legible, text_boxes};

    fn charts_of_the_synthetic_world(dir: &Path, ext: &str) {
        let points = synthetic_points();
        let opts = Options {
            resamples: 50,
            ..Options::default()
        };
        let (from, to) = (
            Date::new(2022, 1, 1).unwrap(),
            Date::new(2026, 12, 1).unwrap(),
        );
        let rows = floor::history(&points, from, to, Step::Quarter, &opts)
            .unwrap()
            .rows;
        let chart = FloorChart {
            assessed: None,
            rows: &rows,
            threshold_flop: 1e26,
            threshold_label: "1e26 (4E091)".into(),
            title: "floor".into(),
        };
        render(
            &chart,
            &dir.join(format!("floor.{ext}")),
            &fsio::Guard::default(),
        )
        .unwrap();
        let (fit, series) = floor::frontier_series(&points, to, &opts).unwrap();
        let floor = floor::floor_at(&points, to, &opts).unwrap();
        let chart = FrontierChart {
            assessed: None,
            points: &points,
            fit,
            as_of: to,
            floor: &floor,
            title: "frontier".into(),
        };
        render(
            &chart,
            &dir.join(format!("frontier.{ext}")),
            &fsio::Guard::default(),
        )
        .unwrap();
        let projection =
            floor::project(&points, to, Date::new(2030, 1, 1).unwrap(), 1e26, &opts).unwrap();
        let chart = ProjectionChart {
            history: &rows,
            projection: &projection,
            threshold_label: "1e26 (4E091)".into(),
            title: "projection".into(),
        };
        render(
            &chart,
            &dir.join(format!("project.{ext}")),
            &fsio::Guard::default(),
        )
        .unwrap();
        let slope = crate::floor::series_trend(&series);
        let chart = ProgressChart {
            series: &series,
            k: fit.k,
            slope,
            title: "progress".into(),
        };
        render(
            &chart,
            &dir.join(format!("progress.{ext}")),
            &fsio::Guard::default(),
        )
        .unwrap();
    }

    #[test]
    fn charts_render_the_same_bytes_twice() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for ext in ["svg", "png"] {
            charts_of_the_synthetic_world(a.path(), ext);
            charts_of_the_synthetic_world(b.path(), ext);
        }
        for name in [
            "floor.svg",
            "frontier.svg",
            "progress.svg",
            "project.svg",
            "floor.png",
            "frontier.png",
            "progress.png",
            "project.png",
        ] {
            let x = std::fs::read(a.path().join(name)).unwrap();
            assert!(x.len() > 1000, "{name} is {} bytes", x.len());
            assert_eq!(
                x,
                std::fs::read(b.path().join(name)).unwrap(),
                "{name} differs"
            );
        }
        if let Some(dir) = std::env::var_os("CAPFLOOR_CHART_DIR") {
            charts_of_the_synthetic_world(Path::new(&dir), "png");
        }
    }

    #[test]
    fn every_chart_carries_the_source_caption_and_no_text_touches_other_text() {
        let points = synthetic_points();
        let opts = Options {
            resamples: 50,
            ..Options::default()
        };
        let (from, to) = (
            Date::new(2022, 1, 1).unwrap(),
            Date::new(2026, 12, 1).unwrap(),
        );
        let rows = floor::history(&points, from, to, Step::Month, &opts)
            .unwrap()
            .rows;
        let label = "4E091 ≥ 10²⁶ FLOP (not enforced since 2025-05-13)".to_string();
        let floor_chart = FloorChart {
            assessed: None,
            rows: &rows,
            threshold_flop: 1e26,
            threshold_label: label.clone(),
            title: "floor".into(),
        };
        let (fit, series) = floor::frontier_series(&points, to, &opts).unwrap();
        let f = floor::floor_at(&points, to, &opts).unwrap();
        let frontier_chart = FrontierChart {
            assessed: None,
            points: &points,
            fit,
            as_of: to,
            floor: &f,
            title: "frontier".into(),
        };
        let progress_chart = ProgressChart {
            series: &series,
            k: fit.k,
            slope: Some(7.5),
            title: "progress".into(),
        };
        let projection =
            floor::project(&points, to, Date::new(2031, 1, 1).unwrap(), 1e26, &opts).unwrap();
        let projection_chart = ProjectionChart {
            history: &rows,
            projection: &projection,
            threshold_label: label.clone(),
            title: "projection".into(),
        };
        let charts = [
            AnyChart::Floor(floor_chart),
            AnyChart::Frontier(frontier_chart),
            AnyChart::Progress(progress_chart),
            AnyChart::Projection(projection_chart),
        ];
        for (chart, name) in charts
            .iter()
            .zip(["floor", "frontier", "progress", "project"])
        {
            assert_legible(chart, name);
            let texts: Vec<String> = text_boxes(chart)
                .unwrap()
                .into_iter()
                .map(|b| b.text)
                .collect();
            assert!(
                texts.contains(&super::super::layout::caption_text()),
                "{name}: no caption in {texts:?}"
            );
            if name == "floor" || name == "project" {
                assert!(texts.contains(&label), "{name}: {texts:?}");
            }
            if name == "frontier" {
                // The legend names θ* and its setter, and b*'s setters are labelled.
                assert!(
                    texts
                        .iter()
                        .any(|t| t.contains("θ*") && t.contains(&f.set_by)),
                    "{texts:?}"
                );
                for id in &f.b_star_set_by {
                    assert!(texts.contains(id), "{id} is not labelled: {texts:?}");
                }
            }
        }
    }

    #[test]
    fn an_unknown_extension_is_refused() {
        let points = synthetic_points();
        let (fit, series) =
            floor::frontier_series(&points, Date::new(2026, 1, 1).unwrap(), &Options::default())
                .unwrap();
        let chart = ProgressChart {
            series: &series,
            k: fit.k,
            slope: None,
            title: "t".into(),
        };
        assert!(matches!(
            render(&chart, Path::new("x.jpg"), &fsio::Guard::default()),
            Err(Error::UnknownFormat { .. })
        ));
    }

    #[test]
    fn the_embedded_font_is_a_valid_truetype_font() {
        assert!(register_font("capfloor-test", FontStyle::Normal, FONT).is_ok());
    }
}
