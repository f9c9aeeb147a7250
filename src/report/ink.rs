/*!
Where every string of a chart lands, for checking that no two touch. [`text_boxes`] draws a
chart on a backend that paints nothing and records, for each string, the pixels the bitmap
backend would have covered (the same glyph rasterisation, through [`layout::ink_of`]).
[`overlaps`] then lists every pair that share a pixel, and [`outside`] every string that runs
off the canvas. The chart tests assert both are empty for every chart capfloor draws.
*/

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::*;
use plotters_backend::{BackendCoord, BackendTextStyle, DrawingErrorKind};

use super::chart::{register_fonts, Chart};
use super::layout::{self, Rect};

/// One string and its ink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBox {
    pub text: String,
    pub rect: Rect,
}

/// A backend that paints nothing and remembers where text went.
struct Recorder {
    size: (u32, u32),
    texts: Rc<RefCell<Vec<TextBox>>>,
}

#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("never")
    }
}

impl std::error::Error for Never {}

impl DrawingBackend for Recorder {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: plotters_backend::BackendColor,
    ) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Never>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        if let Some(rect) = layout::ink_of(style, text) {
            self.texts.borrow_mut().push(TextBox {
                text: text.to_string(),
                rect: rect.translate(pos.0, pos.1),
            });
        }
        Ok(())
    }
}

/// Every string `chart` draws, with its ink on the canvas.
pub fn text_boxes(chart: &impl Chart) -> Result<Vec<TextBox>, String> {
    register_fonts();
    let texts = Rc::new(RefCell::new(Vec::new()));
    {
        let root = Recorder {
            size: chart.size(),
            texts: Rc::clone(&texts),
        }
        .into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(texts.take())
}

/// Every pair of strings whose ink shares a pixel.
pub fn overlaps(boxes: &[TextBox]) -> Vec<(&TextBox, &TextBox)> {
    let mut found = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.rect.intersects(&b.rect) {
                found.push((a, b));
            }
        }
    }
    found
}

/// Every string that runs off a canvas of `size`.
pub fn outside(boxes: &[TextBox], (w, h): (u32, u32)) -> Vec<&TextBox> {
    let canvas = Rect::new(0, 0, w as i32, h as i32);
    boxes.iter().filter(|b| !canvas.contains(&b.rect)).collect()
}

/// Panics with every overlap and clipped string of `chart`, naming `what`: the chart tests.
pub fn assert_legible(chart: &impl Chart, what: &str) {
    let boxes = text_boxes(chart).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        boxes.len() > 5,
        "{what}: only {} strings drawn",
        boxes.len()
    );
    let clashes: Vec<String> = overlaps(&boxes)
        .iter()
        .map(|(a, b)| format!("{:?} {:?} meets {:?} {:?}", a.text, a.rect, b.text, b.rect))
        .collect();
    let clipped: Vec<String> = outside(&boxes, chart.size())
        .iter()
        .map(|b| format!("{:?} {:?}", b.text, b.rect))
        .collect();
    assert!(
        clashes.is_empty() && clipped.is_empty(),
        "{what}: overlapping text:\n  {}\nrunning off the canvas:\n  {}",
        clashes.join("\n  "),
        clipped.join("\n  ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::coord::Shift;

    /// Two strings drawn on top of each other, and one beside them.
    struct Clash;

    impl Chart for Clash {
        fn size(&self) -> (u32, u32) {
            (300, 100)
        }

        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
            for (t, x) in [("kimi-k2.5", 10), ("deepseek-v3.2", 40), ("alone", 200)] {
                root.draw(&Text::new(t, (x, 40), layout::font(13)))
                    .map_err(|e| e.to_string())?;
            }
            root.draw(&Text::new("clipped", (280, 90), layout::font(13)))
                .map_err(|e| e.to_string())?;
            Ok(())
        }
    }

    #[test]
    fn overlapping_and_clipped_text_is_found() {
        let boxes = text_boxes(&Clash).unwrap();
        assert_eq!(boxes.len(), 4);
        let o = overlaps(&boxes);
        assert_eq!(o.len(), 1);
        assert_eq!(
            (o[0].0.text.as_str(), o[0].1.text.as_str()),
            ("kimi-k2.5", "deepseek-v3.2")
        );
        let out = outside(&boxes, Clash.size());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "clipped");
    }

    #[test]
    fn the_recorded_ink_is_where_the_bitmap_backend_paints() {
        // Draw one string into a bitmap and compare its non-white pixels with the record.
        register_fonts();
        let (w, h) = (200u32, 60u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            root.draw(&Text::new("Qwen3-235B", (20, 15), layout::font(16)))
                .unwrap();
            root.present().unwrap();
        }
        let mut painted: Option<Rect> = None;
        for y in 0..h as i32 {
            for x in 0..w as i32 {
                let i = ((y as u32 * w + x as u32) * 3) as usize;
                if buf[i..i + 3] != [255, 255, 255] {
                    let p = Rect::new(x, y, x + 1, y + 1);
                    painted = Some(painted.map_or(p, |r| r.union(&p)));
                }
            }
        }
        struct One;
        impl Chart for One {
            fn size(&self) -> (u32, u32) {
                (200, 60)
            }
            fn draw<DB: DrawingBackend>(
                &self,
                root: &DrawingArea<DB, Shift>,
            ) -> Result<(), String> {
                root.draw(&Text::new("Qwen3-235B", (20, 15), layout::font(16)))
                    .map_err(|e| e.to_string())
            }
        }
        let recorded = text_boxes(&One).unwrap();
        let painted = painted.expect("the text painted pixels");
        // Pixels of very low coverage may round to white in the bitmap: the record may be a
        // pixel larger on a side, never smaller.
        let r = recorded[0].rect;
        assert!(r.contains(&painted), "{r:?} vs {painted:?}");
        assert!(
            r.inflate(-1).x1 <= painted.x1 && r.x0 + 1 >= painted.x0,
            "{r:?} vs {painted:?}"
        );
    }
}
