/*!
Where text goes on a chart. Labels are placed, not just printed beside their marks:

- [`ink`] measures the pixels a string covers in the embedded font, by rasterising it exactly
  as the PNG backend will (plotters' own glyph drawing), so placement and the overlap check
  agree to the pixel;
- [`Placer`] puts each label near its mark without touching another label, a mark, a legend or
  a drawn line, trying nearer spots first and drawing a leader line when it has to go further;
- [`Legend`] draws a legend box in whichever corner of the plot hides the fewest marks;
- [`caption`] writes the source line every chart carries.

[`crate::report::ink`] checks the result: it records every string a chart draws and finds any
two that touch.
*/

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::BackendTextStyle;

/// A pixel rectangle, `x1` and `y1` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// The square of side `2r + 1` around a mark of radius `r`.
    pub fn around((x, y): (i32, i32), r: i32) -> Rect {
        Rect::new(x - r, y - r, x + r + 1, y + r + 1)
    }

    pub fn width(&self) -> i32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }

    pub fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn contains(&self, o: &Rect) -> bool {
        self.x0 <= o.x0 && o.x1 <= self.x1 && self.y0 <= o.y0 && o.y1 <= self.y1
    }

    pub fn contains_point(&self, (x, y): (i32, i32)) -> bool {
        self.x0 <= x && x < self.x1 && self.y0 <= y && y < self.y1
    }

    pub fn translate(&self, dx: i32, dy: i32) -> Rect {
        Rect::new(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)
    }

    pub fn inflate(&self, p: i32) -> Rect {
        Rect::new(self.x0 - p, self.y0 - p, self.x1 + p, self.y1 + p)
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        Rect::new(
            self.x0.min(o.x0),
            self.y0.min(o.y0),
            self.x1.max(o.x1),
            self.y1.max(o.y1),
        )
    }

    /// The point of the rectangle nearest to `p`.
    pub fn nearest(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (x.clamp(self.x0, self.x1 - 1), y.clamp(self.y0, self.y1 - 1))
    }

    /// Whether the segment from `a` to `b` passes through the rectangle (Liang–Barsky clipping).
    pub fn hits_segment(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let edges = [
            (-dx, a.0 - f64::from(self.x0)),
            (dx, f64::from(self.x1) - a.0),
            (-dy, a.1 - f64::from(self.y0)),
            (dy, f64::from(self.y1) - a.1),
        ];
        for (p, q) in edges {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// The font every chart uses.
pub fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().into()
}

/// The pixels `text` covers at `size` when drawn with its top-left anchor at (0, 0): the ink,
/// not the font's nominal line box. The fonts must be registered (see `chart::render`).
pub fn ink(text: &str, size: u32) -> Rect {
    let style = font(size).pos(Pos::new(HPos::Left, VPos::Top));
    ink_of(&style, text).unwrap_or(Rect::new(0, 0, 0, 0))
}

/// The ink of `text` in `style` relative to its anchor, or `None` for text that draws nothing.
/// The arithmetic is plotters' default `draw_text` (the one the bitmap backend uses).
pub fn ink_of<S: BackendTextStyle>(style: &S, text: &str) -> Option<Rect> {
    let ((min_x, min_y), (max_x, max_y)) = style.layout_box(text).ok()?;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    let transform = style.transform();
    let mut bounds: Option<Rect> = None;
    let drawn = style.draw(text, (0, 0), |x, y, colour| {
        if colour.alpha > 0.0 {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let pixel = Rect::new(x, y, x + 1, y + 1);
            bounds = Some(bounds.map_or(pixel, |b| b.union(&pixel)));
        }
        Ok::<(), std::convert::Infallible>(())
    });
    drawn.ok()?.ok()?;
    bounds
}

/// Where a label went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// The top-left anchor to draw the text at.
    pub origin: (i32, i32),
    /// Its ink.
    pub rect: Rect,
    /// From the mark's edge to the label, when the label sits away from its mark.
    pub leader: Option<((i32, i32), (i32, i32))>,
    /// False when no spot was free and the label overlaps something (the chart tests fail).
    pub clear: bool,
}

/// Places labels one at a time, each where it touches nothing already on the chart.
pub struct Placer {
    bounds: Rect,
    blocked: Vec<Rect>,
    labels: Vec<Rect>,
    lines: Vec<((f64, f64), (f64, f64))>,
    /// Clear space kept around every label.
    pad: i32,
}

/// Distances (pixels between a mark's edge and its label) tried in turn.
const GAPS: [i32; 14] = [2, 6, 12, 20, 30, 42, 56, 72, 90, 110, 135, 165, 200, 240];
/// Leader lines are drawn beyond this gap.
const LEADER_GAP: i32 = 12;

impl Placer {
    /// Labels must stay inside `bounds` (the plotting area).
    pub fn new(bounds: Rect) -> Placer {
        Placer {
            bounds,
            blocked: Vec::new(),
            labels: Vec::new(),
            lines: Vec::new(),
            pad: 3,
        }
    }

    /// Something a label must not cover: a mark, a legend box.
    pub fn block(&mut self, r: Rect) {
        self.blocked.push(r);
    }

    /// A drawn line a label must not sit on.
    pub fn block_line(&mut self, points: &[(i32, i32)]) {
        for w in points.windows(2) {
            let f = |p: (i32, i32)| (f64::from(p.0), f64::from(p.1));
            self.lines.push((f(w[0]), f(w[1])));
        }
    }

    /// Conflicts of a label with ink `rect` and leader `leader`: 0 when the spot is free.
    fn conflicts(&self, rect: &Rect, leader: Option<((i32, i32), (i32, i32))>) -> usize {
        // Text over text, or off the canvas, is never acceptable when any other spot exists;
        // text over a mark or a line only costs legibility. So when no spot is free, the
        // fallback is the one that covers the fewest marks and lines without touching text.
        const TEXT: usize = 1_000;
        let padded = rect.inflate(self.pad);
        let mut n = TEXT * usize::from(!self.bounds.contains(&padded));
        n += self
            .blocked
            .iter()
            .filter(|b| b.intersects(&padded))
            .count();
        n += TEXT * self.labels.iter().filter(|b| b.intersects(&padded)).count();
        n += self
            .lines
            .iter()
            .filter(|(a, b)| padded.hits_segment(*a, *b))
            .count();
        if let Some((a, b)) = leader {
            let f = |p: (i32, i32)| (f64::from(p.0), f64::from(p.1));
            n += self
                .labels
                .iter()
                .filter(|l| l.hits_segment(f(a), f(b)))
                .count();
        }
        n
    }

    /// Places a label of ink `ink` (relative to its top-left anchor, from [`ink`]) near the mark
    /// of radius `radius` at `mark`: the nearest free spot, trying each distance in eight
    /// directions (above and below first, where a time series leaves room).
    pub fn place(&mut self, ink: Rect, mark: (i32, i32), radius: i32) -> Placed {
        const DIRECTIONS: [(f64, f64); 8] = [
            (0.0, -1.0),
            (0.0, 1.0),
            (0.707, -0.707),
            (-0.707, -0.707),
            (0.707, 0.707),
            (-0.707, 0.707),
            (1.0, 0.0),
            (-1.0, 0.0),
        ];
        let (w, h) = (f64::from(ink.width()), f64::from(ink.height()));
        let mut best: Option<(usize, Placed)> = None;
        // Above and below, a label may also start or end at its mark rather than centre on it.
        let slide = (w / 2.0 - f64::from(radius)).max(0.0);
        for gap in GAPS {
            for (ux, uy) in DIRECTIONS {
                let shifts: &[f64] = if ux == 0.0 { &[0.0, 1.0, -1.0] } else { &[0.0] };
                for &shift in shifts {
                    let reach = f64::from(radius + gap);
                    let cx = f64::from(mark.0) + ux * reach + ux * w / 2.0 + shift * slide;
                    let cy = f64::from(mark.1) + uy * reach + uy * h / 2.0;
                    let x0 = (cx - w / 2.0).round() as i32;
                    let y0 = (cy - h / 2.0).round() as i32;
                    let rect = Rect::new(x0, y0, x0 + ink.width(), y0 + ink.height());
                    let leader = (gap > LEADER_GAP).then(|| {
                        let end = rect.inflate(1).nearest(mark);
                        let (dx, dy) = (f64::from(end.0 - mark.0), f64::from(end.1 - mark.1));
                        let d = (dx * dx + dy * dy).sqrt().max(1.0);
                        let r = f64::from(radius + 1);
                        let start = (
                            mark.0 + (dx / d * r).round() as i32,
                            mark.1 + (dy / d * r).round() as i32,
                        );
                        (start, end)
                    });
                    let placed = Placed {
                        origin: (x0 - ink.x0, y0 - ink.y0),
                        rect,
                        leader,
                        clear: true,
                    };
                    let n = self.conflicts(&rect, leader);
                    if n == 0 {
                        return self.commit(placed);
                    }
                    if best.as_ref().is_none_or(|(m, _)| n < *m) {
                        best = Some((n, placed));
                    }
                }
            }
        }
        let (_, placed) = best.expect("GAPS and DIRECTIONS are not empty");
        self.commit(Placed {
            clear: false,
            ..placed
        })
    }

    fn commit(&mut self, placed: Placed) -> Placed {
        self.labels.push(placed.rect);
        if let Some((a, b)) = placed.leader {
            self.block_line(&[a, b]);
        }
        placed
    }
}

/// Draws a placed label and its leader line.
pub fn draw_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    placed: &Placed,
) -> Result<(), String> {
    if let Some((a, b)) = placed.leader {
        root.draw(&PathElement::new([a, b], BLACK.mix(0.45).stroke_width(1)))
            .map_err(|e| e.to_string())?;
    }
    root.draw(&Text::new(
        text.to_string(),
        placed.origin,
        font(size)
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(|e| e.to_string())
}

/// What a legend entry shows beside its text.
#[derive(Clone)]
pub enum Key {
    /// A line, dashed or not.
    Line(ShapeStyle, bool),
    /// A filled band.
    Band(RGBAColor),
    /// A round mark, filled or a ring.
    Dot(RGBAColor, bool),
    /// A triangle pointing down, filled or not.
    Down(RGBAColor, bool),
}

/// A legend: one entry per line, keys on the left; an entry wider than `wrap` pixels continues
/// on the next line.
pub struct Legend {
    pub entries: Vec<(Key, String)>,
    pub size: u32,
    pub wrap: Option<i32>,
}

/// Which corner of the plot a legend goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    UpperLeft,
    UpperRight,
    LowerRight,
    LowerLeft,
}

const KEY_WIDTH: i32 = 24;
const INSET: i32 = 10;

/// Splits `text` at spaces into lines no wider than `width` pixels (a longer word stays whole).
pub fn wrap(text: &str, size: u32, width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if ink(&format!("{line} {word}"), size).x1 <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

impl Legend {
    pub fn new(entries: Vec<(Key, String)>, size: u32) -> Legend {
        Legend {
            entries,
            size,
            wrap: None,
        }
    }

    fn row_height(&self) -> i32 {
        self.size as i32 + 7
    }

    /// The rows: each entry's key (on its first row only) and its lines of text.
    fn rows(&self) -> Vec<(Option<&Key>, String)> {
        let mut rows = Vec::new();
        for (key, text) in &self.entries {
            let lines = match self.wrap {
                Some(w) => wrap(text, self.size, w),
                None => vec![text.clone()],
            };
            for (i, line) in lines.into_iter().enumerate() {
                rows.push(((i == 0).then_some(key), line));
            }
        }
        rows
    }

    /// Width and height of the box.
    pub fn extent(&self) -> (i32, i32) {
        let rows = self.rows();
        let text = rows
            .iter()
            .map(|(_, t)| ink(t, self.size).x1)
            .max()
            .unwrap_or(0);
        (
            2 * INSET + KEY_WIDTH + 8 + text,
            2 * INSET + self.row_height() * rows.len() as i32 - 7,
        )
    }

    /// The box with its top-left corner at `(x, y)`.
    pub fn rect_from(&self, (x, y): (i32, i32)) -> Rect {
        let (w, h) = self.extent();
        Rect::new(x, y, x + w, y + h)
    }

    /// The box in `corner` of `plot`.
    pub fn rect_at(&self, plot: Rect, corner: Corner) -> Rect {
        let (w, h) = self.extent();
        let (x0, y0) = match corner {
            Corner::UpperLeft => (plot.x0 + 8, plot.y0 + 8),
            Corner::UpperRight => (plot.x1 - 8 - w, plot.y0 + 8),
            Corner::LowerRight => (plot.x1 - 8 - w, plot.y1 - 8 - h),
            Corner::LowerLeft => (plot.x0 + 8, plot.y1 - 8 - h),
        };
        Rect::new(x0, y0, x0 + w, y0 + h)
    }

    /// The corner of `plot` whose box covers the fewest of `marks` (points and line samples,
    /// in pixels); ties go in the order upper left, upper right, lower right, lower left.
    pub fn best_corner(&self, plot: Rect, marks: &[(i32, i32)]) -> Rect {
        [
            Corner::UpperLeft,
            Corner::UpperRight,
            Corner::LowerRight,
            Corner::LowerLeft,
        ]
        .into_iter()
        .map(|c| self.rect_at(plot, c))
        .min_by_key(|r| {
            marks
                .iter()
                .filter(|&&m| r.inflate(4).contains_point(m))
                .count()
        })
        .expect("four corners")
    }

    /// Draws the legend in `rect` (from [`Legend::rect_at`], [`Legend::best_corner`] or
    /// [`Legend::rect_from`]).
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        rect: Rect,
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.draw(&Rectangle::new(
            [(rect.x0, rect.y0), (rect.x1, rect.y1)],
            WHITE.mix(0.9).filled(),
        ))
        .map_err(e)?;
        root.draw(&Rectangle::new(
            [(rect.x0, rect.y0), (rect.x1, rect.y1)],
            BLACK.mix(0.3),
        ))
        .map_err(e)?;
        for (i, (key, text)) in self.rows().into_iter().enumerate() {
            let top = rect.y0 + INSET + i as i32 * self.row_height();
            // Centre the key on the ink of a capital letter.
            let cap = ink("H", self.size);
            let y = top + (cap.y0 + cap.y1) / 2;
            let x = rect.x0 + INSET;
            match key {
                None => {}
                Some(Key::Line(style, dashed)) => {
                    if *dashed {
                        for s in [0, 10, 20] {
                            root.draw(&PathElement::new(
                                [(x + s, y), (x + (s + 6).min(KEY_WIDTH), y)],
                                *style,
                            ))
                            .map_err(e)?;
                        }
                    } else {
                        root.draw(&PathElement::new([(x, y), (x + KEY_WIDTH, y)], *style))
                            .map_err(e)?;
                    }
                }
                Some(Key::Band(c)) => root
                    .draw(&Rectangle::new(
                        [(x, y - 6), (x + KEY_WIDTH, y + 6)],
                        c.filled(),
                    ))
                    .map_err(e)?,
                Some(Key::Dot(c, filled)) => root
                    .draw(&Circle::new(
                        (x + KEY_WIDTH / 2, y),
                        5,
                        if *filled {
                            c.filled()
                        } else {
                            c.stroke_width(2)
                        },
                    ))
                    .map_err(e)?,
                Some(Key::Down(c, filled)) => root
                    .draw(&down_triangle((x + KEY_WIDTH / 2, y), 5, *c, *filled))
                    .map_err(e)?,
            }
            root.draw(&Text::new(
                text,
                (x + KEY_WIDTH + 8, top),
                font(self.size)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(e)?;
        }
        Ok(())
    }
}

/// A triangle pointing down, centred on `c`: the mark of a release that lowered the floor.
pub fn down_triangle(
    (x, y): (i32, i32),
    r: i32,
    colour: RGBAColor,
    filled: bool,
) -> Polygon<(i32, i32)> {
    let style = if filled {
        colour.filled()
    } else {
        colour.stroke_width(1)
    };
    Polygon::new(
        vec![(x - r, y - r + 1), (x + r, y - r + 1), (x, y + r)],
        style,
    )
}

/// The source line at the bottom right of every chart.
pub fn caption_text() -> String {
    format!(
        "Data: Epoch AI, CC BY 4.0; capfloor {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Writes [`caption_text`] in the bottom margin, right-aligned.
pub fn caption<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (width, height): (u32, u32),
) -> Result<(), String> {
    root.draw(&Text::new(
        caption_text(),
        (width as i32 - 12, height as i32 - 6),
        font(13)
            .color(&RGBColor(90, 90, 90))
            .pos(Pos::new(HPos::Right, VPos::Bottom)),
    ))
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangles_meet_only_when_they_share_a_pixel() {
        let a = Rect::new(0, 0, 10, 10);
        assert!(a.intersects(&Rect::new(9, 9, 20, 20)));
        assert!(!a.intersects(&Rect::new(10, 0, 20, 10)));
        assert!(a.hits_segment((-5.0, 5.0), (15.0, 5.0)));
        assert!(a.hits_segment((5.0, 5.0), (6.0, 6.0)));
        assert!(!a.hits_segment((-5.0, 15.0), (15.0, 12.0)));
        assert!(!a.hits_segment((11.0, -5.0), (11.0, 15.0)));
        assert_eq!(a.nearest((20, 5)), (9, 5));
    }

    #[test]
    fn ink_grows_with_the_text_and_its_size() {
        crate::report::chart::register_fonts();
        let short = ink("Qwen", 13);
        let long = ink("Qwen3-235B-A22B-Instruct-2507", 13);
        assert!(short.width() > 20 && short.height() > 6, "{short:?}");
        assert!(long.width() > 5 * short.width(), "{long:?}");
        assert!(ink("Qwen", 26).width() > short.width() * 3 / 2);
        // A descender reaches below the baseline of a word without one.
        assert!(ink("gypsy", 13).y1 > ink("HEAT", 13).y1);
    }

    #[test]
    fn long_legend_entries_wrap_at_spaces() {
        crate::report::chart::register_fonts();
        let text = "efficiency frontier b* = -1.1, set by deepseek-v3.2, DeepSeek-V3.2-Exp";
        let lines = wrap(text, 15, 250);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| ink(l, 15).x1 <= 250), "{lines:?}");
        assert_eq!(wrap("one", 15, 1), ["one"]);
    }

    #[test]
    fn labels_are_placed_clear_of_each_other_and_of_lines() {
        crate::report::chart::register_fonts();
        let mut p = Placer::new(Rect::new(0, 0, 600, 400));
        // A horizontal line through the marks: labels go above or below it, never across.
        p.block_line(&[(0, 200), (600, 200)]);
        let ink = ink("DeepSeek-V3.2-Exp", 13);
        // Four releases a month apart (about 24 px on the floor chart), each label four marks
        // wide.
        let placed: Vec<Placed> = (0..4)
            .map(|i| {
                let mark = (200 + 24 * i, 200);
                p.block(Rect::around(mark, 5));
                mark
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|mark| p.place(ink, mark, 5))
            .collect();
        for (i, a) in placed.iter().enumerate() {
            assert!(a.clear, "label {i} found no free spot");
            assert!(!a.rect.hits_segment((0.0, 200.0), (600.0, 200.0)));
            for b in &placed[i + 1..] {
                assert!(!a.rect.intersects(&b.rect), "{a:?} meets {b:?}");
            }
        }
        // Crowded marks push later labels away, with a leader line back to the mark.
        assert!(placed.iter().any(|p| p.leader.is_some()));
    }
}
