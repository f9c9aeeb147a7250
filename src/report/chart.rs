/*!
Charts of the floor and the frontier, drawn with plotters as SVG or PNG (by the output's
extension). Text is laid out with DejaVu Sans embedded in the binary (no system fonts), so the
same inputs give byte-identical files on every machine.

- [`FloorChart`]: the floor over time with its 90% band, the 10^26 line and the releases that
  moved it;
- [`FrontierChart`]: capability against training compute, coloured by release year, with the
  fitted trend and the efficiency frontier;
- [`ProgressChart`]: the efficiency frontier b* over time and its trend (algorithmic progress).
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

use super::Error;
use crate::floor::HistoryRow;
use crate::frontier::{year_fraction, Fit, Point};
use crate::fsio;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn register_fonts() {
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

/// The legend every chart draws: upper left, on a translucent white box.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    font_size: u32,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", font_size))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
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

/// The floor over time.
pub struct FloorChart<'a> {
    pub rows: &'a [HistoryRow],
    pub threshold_flop: f64,
    pub threshold_label: String,
    pub title: String,
}

impl Chart for FloorChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
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
        let (y0, y1) = ((lo.min(t) - 0.5).floor(), (hi.max(t) + 0.5).ceil());
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_label_formatter(&year_month)
            .y_label_formatter(&flop_label)
            .y_desc("training operations (FLOP, log scale)")
            .x_desc("as-of date")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;

        let xs: Vec<f64> = self
            .rows
            .iter()
            .map(|r| year_fraction(r.floor.as_of))
            .collect();
        let mut band: Vec<(f64, f64)> = xs
            .iter()
            .zip(self.rows)
            .map(|(&x, r)| (x, r.floor.floor_flop_hi.log10()))
            .collect();
        band.extend(
            xs.iter()
                .zip(self.rows)
                .rev()
                .map(|(&x, r)| (x, r.floor.floor_flop_lo.log10())),
        );
        chart
            .draw_series(std::iter::once(Polygon::new(band, BLUE_600.mix(0.18))))
            .map_err(err)?
            .label("90% interval")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 6), (x + 20, y + 6)], BLUE_600.mix(0.18).filled())
            });
        chart
            .draw_series(LineSeries::new(
                xs.iter()
                    .zip(self.rows)
                    .map(|(&x, r)| (x, r.floor.floor_flop.log10())),
                BLUE_600.stroke_width(3),
            ))
            .map_err(err)?
            .label("capability floor")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE_600.stroke_width(3)));
        chart
            .draw_series(DashedLineSeries::new(
                [(x0, t), (x1, t)],
                10,
                6,
                RED_700.stroke_width(2),
            ))
            .map_err(err)?
            .label(self.threshold_label.as_str())
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED_700.stroke_width(2)));

        // The releases that moved the floor. A new θ* model is labelled (alternating above and
        // below); a recipe that entered the frontier gets a marker only, so that busy months
        // stay legible.
        let mut previous_setter: Option<&str> = None;
        let mut labelled = 0;
        let mut marks = Vec::new();
        for (&x, r) in xs.iter().zip(self.rows) {
            let new_setter = previous_setter.is_some_and(|p| p != r.floor.set_by)
                && r.moved_by.contains(&r.floor.set_by);
            previous_setter = Some(&r.floor.set_by);
            if r.moved_by.is_empty() {
                continue;
            }
            let y = r.floor.floor_flop.log10();
            marks.push((x, y, new_setter.then(|| r.floor.set_by.clone()), labelled));
            if new_setter {
                labelled += 1;
            }
        }
        chart
            .draw_series(marks.iter().map(|(x, y, label, i)| {
                let dy = if i % 2 == 0 { -22 } else { 12 };
                let text = label.clone().unwrap_or_default();
                // Near the right edge, the label goes to the left of its marker (about 7 px a
                // character at this size) so that it is not cut off.
                let dx = if *x > x0 + 0.85 * (x1 - x0) {
                    -6 - 7 * text.chars().count() as i32
                } else {
                    6
                };
                let size = if label.is_some() { 5 } else { 3 };
                EmptyElement::at((*x, *y))
                    + Circle::new((0, 0), size, BLUE_600.filled())
                    + Text::new(text, (dx, dy), ("sans-serif", 13).into_font().color(&BLACK))
            }))
            .map_err(err)?;
        legend(&mut chart, 16)?;
        Ok(())
    }
}

/// Capability against training compute.
pub struct FrontierChart<'a> {
    pub points: &'a [Point],
    pub fit: Fit,
    pub as_of: Date,
    /// b* at the as-of date.
    pub b_star: f64,
    pub title: String,
}

impl Chart for FrontierChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let pts: Vec<(&Point, f64)> = self
            .points
            .iter()
            .filter(|p| p.released <= self.as_of)
            .filter_map(|p| Some((p, p.log10_compute?)))
            .collect();
        if pts.is_empty() {
            return Err("no model with a compute figure".into());
        }
        let (x0, x1) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (_, x)| {
                (a.min(*x), b.max(*x))
            });
        let (y0, y1) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (p, _)| {
                (a.min(p.capability), b.max(p.capability))
            });
        let (x0, x1, y0, y1) = ((x0 - 0.3).floor(), (x1 + 0.3).ceil(), y0 - 5.0, y1 + 5.0);
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
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
        chart
            .draw_series(LineSeries::new(
                line(self.fit.typical_efficiency(t)),
                GREY_600.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!(
                "typical recipe at {} (k = {:.1} ECI / 10× compute)",
                self.as_of, self.fit.k
            ))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], GREY_600.stroke_width(2)));
        chart
            .draw_series(DashedLineSeries::new(
                line(self.b_star),
                10,
                6,
                RED_700.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("efficiency frontier b* at {}", self.as_of))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED_700.stroke_width(2)));

        let first_year = pts
            .iter()
            .map(|(p, _)| p.released.year())
            .min()
            .unwrap_or(2020);
        let last_year = pts
            .iter()
            .map(|(p, _)| p.released.year())
            .max()
            .unwrap_or(first_year);
        for year in first_year..=last_year {
            let colour = YEAR_COLOURS[(year - first_year) as usize % YEAR_COLOURS.len()];
            let of_year: Vec<&(&Point, f64)> = pts
                .iter()
                .filter(|(p, _)| p.released.year() == year)
                .collect();
            if of_year.is_empty() {
                continue;
            }
            chart
                .draw_series(of_year.iter().map(|(p, x)| {
                    let style = if p.open {
                        colour.filled()
                    } else {
                        colour.stroke_width(2)
                    };
                    Circle::new((*x, p.capability), 5, style)
                }))
                .map_err(err)?
                .label(format!("{year}"))
                .legend(move |(x, y)| Circle::new((x + 10, y), 5, colour.filled()));
        }
        legend(&mut chart, 15)?;
        root.draw(&Text::new(
            "filled: open weights; ring: closed",
            (80, self.size().1 as i32 - 22),
            ("sans-serif", 14).into_font().color(&GREY_600),
        ))
        .map_err(err)?;
        Ok(())
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
        root.fill(&WHITE).map_err(err)?;
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
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, (y0 - 3.0)..(y1 + 3.0))
            .map_err(err)?;
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
        chart
            .draw_series(LineSeries::new(
                xs.iter().copied().zip(ys.iter().copied()),
                BLUE_600.stroke_width(3),
            ))
            .map_err(err)?
            .label("b*: most efficient published recipe")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE_600.stroke_width(3)));
        if let Some(s) = self.slope {
            let mx = xs.iter().sum::<f64>() / xs.len() as f64;
            let my = ys.iter().sum::<f64>() / ys.len() as f64;
            let factor = crate::frontier::progress_factor(s, self.k);
            chart
                .draw_series(DashedLineSeries::new([(x0, my + s * (x0 - mx)), (x1, my + s * (x1 - mx))], 10, 6, RED_700.stroke_width(2)))
                .map_err(err)?
                .label(format!(
                    "trend: {s:+.1} ECI points/yr = {factor:.1}× less compute/yr (halving in {:.1} months)",
                    crate::frontier::halving_months(factor)
                ))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED_700.stroke_width(2)));
        }
        legend(&mut chart, 16)?;
        Ok(())
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
        let b_star = series.last().unwrap().1;
        let chart = FrontierChart {
            points: &points,
            fit,
            as_of: to,
            b_star,
            title: "frontier".into(),
        };
        render(
            &chart,
            &dir.join(format!("frontier.{ext}")),
            &fsio::Guard::default(),
        )
        .unwrap();
        let slope = crate::frontier::slope(
            &series
                .iter()
                .map(|(d, _)| year_fraction(*d))
                .collect::<Vec<_>>(),
            &series.iter().map(|(_, b)| *b).collect::<Vec<_>>(),
        );
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
            "floor.png",
            "frontier.png",
            "progress.png",
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
