/*!
What each regime counts: the declared phases (and any inherited base-model compute) summed by that
regime's inclusion table in `data/regimes.toml`, with the work it leaves out and the cells that
are capfloor's interpretation rather than the regime's text. Regimes differ (the EU leaves out
reward models and public synthetic data; SB 53 counts the original run and material
modifications), so one total for every regime would be wrong for most of them.
*/

use serde::Serialize;

use crate::compute::Total;
use crate::declaration::Category;
use crate::regimes::Regime;

/// One piece of work and whether (and on what authority) a regime counts it.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// The phase's index in the declaration; none for the inherited base model.
    pub phase: Option<usize>,
    pub category: Category,
    pub flop: f64,
    pub planned: bool,
    /// Stated in the regime's text (true), or capfloor's interpretation (false).
    pub confirmed: bool,
    /// The text or the reasoning of the cell.
    pub source: String,
}

/// The total a regime counts, with what went in and what it left out.
#[derive(Debug, Clone, Serialize)]
pub struct Counted {
    pub flop: f64,
    pub flop_lo: f64,
    pub flop_hi: f64,
    pub counted: Vec<Part>,
    pub left_out: Vec<Part>,
}

impl Counted {
    /// Whether a planned (not yet run) phase is in the total.
    pub fn includes_planned(&self) -> bool {
        self.counted.iter().any(|p| p.planned)
    }
}

/// The part of `total` that `regime` counts.
pub fn count(regime: &Regime, total: &Total) -> Counted {
    let mut c = Counted {
        flop: 0.0,
        flop_lo: 0.0,
        flop_hi: 0.0,
        counted: Vec::new(),
        left_out: Vec::new(),
    };
    let mut add = |phase, category, planned, (flop, lo, hi): (f64, f64, f64)| {
        let cell = regime.counts.cell(category);
        let part = Part {
            phase,
            category,
            flop,
            planned,
            confirmed: cell.confirmed,
            source: cell.source.clone(),
        };
        if cell.counted {
            c.flop += flop;
            c.flop_lo += lo;
            c.flop_hi += hi;
            c.counted.push(part);
        } else {
            c.left_out.push(part);
        }
    };
    if let Some(b) = &total.base {
        add(None, Category::BaseModel, false, (b.flop, b.flop, b.flop));
    }
    for (i, p) in total.phases.iter().enumerate() {
        add(
            Some(i),
            p.category,
            p.planned,
            (p.flop, p.flop_lo, p.flop_hi),
        );
    }
    c
}

/// `phases[2] reward_model` or `base model`: how a part is named in reasons.
pub fn part_name(p: &Part) -> String {
    match p.phase {
        Some(i) => format!("phases[{i}] {}", p.category.name()),
        None => "the base model".into(),
    }
}
