/*!
`capfloor regimes [--as-of DATE] [--json]`: every compute regime at a date — the version of its
threshold in force (or why none is), how it compares, what it counts and leaves out, its status
and sources. Calls [`crate::regimes::all`] (`data/regimes.toml`) and prints each regime's standing at the date.
*/

use std::io::Write;

use jiff::civil::Date;
use serde::Serialize;

use crate::cli::floor::today;
use crate::cli::{write_json, Exit};
use crate::declaration::Category;
use crate::regimes::Comparison;
use crate::regimes::{self, Cell, State};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The date the regimes are taken at (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Print JSON (keys documented in the README) instead of the human summary.
    #[arg(long)]
    pub json: bool,
}

/// One regime at the as-of date: the `regimes --json` shape of each `regimes` entry.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub id: String,
    pub short: String,
    pub name: String,
    pub state: State,
    /// `in force since 2026-01-01`, `not yet in force (from 2027-01-01)`, …
    pub in_force: String,
    /// The threshold of the version in force (else the nearest version).
    pub threshold_flop: f64,
    pub comparison: Comparison,
    /// The threshold is the base model's compute divided by this (3: the EU one-third rule).
    pub base_divisor: Option<f64>,
    /// The threshold for a general-purpose base model without systemic risk whose compute is
    /// unknown (`threshold_flop` is that for a systemic-risk one).
    pub unknown_gpai_base_threshold_flop: Option<f64>,
    pub threshold_confirmed: bool,
    pub version_from: Option<Date>,
    pub version_until: Option<Date>,
    pub threshold_source: String,
    /// Categories counted and left out, in the order of the inclusion table.
    pub counts: Vec<Category>,
    pub leaves_out: Vec<Category>,
    /// Categories whose cell is capfloor's interpretation, not the regime's text.
    pub unconfirmed: Vec<Category>,
    /// Every cell, by category.
    pub cells: Vec<NamedCell>,
    pub revenue_usd_above: Option<f64>,
    pub revenue_confirmed: Option<bool>,
    /// The relative error the regime allows an estimate (the EU's ±30%), and its conventions.
    pub estimate_tolerance: Option<f64>,
    pub estimate_convention: Option<String>,
    pub status: String,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct NamedCell {
    pub category: Category,
    #[serde(flatten)]
    pub cell: Cell,
}

#[derive(Debug, Serialize)]
pub struct Table {
    pub as_of: Date,
    pub regimes: Vec<Entry>,
}

/// Every regime at `as_of`.
pub fn table(as_of: Date) -> Result<Table, Error> {
    let regimes = regimes::all()?
        .into_iter()
        .map(|r| {
            let s = r.standing(as_of);
            let pick = |counted: bool| {
                Category::ALL
                    .into_iter()
                    .filter(|&c| r.counts.cell(c).counted == counted)
                    .collect::<Vec<_>>()
            };
            Entry {
                counts: pick(true),
                leaves_out: pick(false),
                unconfirmed: Category::ALL
                    .into_iter()
                    .filter(|&c| !r.counts.cell(c).confirmed)
                    .collect(),
                cells: Category::ALL
                    .into_iter()
                    .map(|c| NamedCell {
                        category: c,
                        cell: r.counts.cell(c).clone(),
                    })
                    .collect(),
                state: s.state,
                in_force: s.label,
                threshold_flop: s.version.threshold_flop,
                comparison: s.version.comparison,
                base_divisor: s.version.base_divisor,
                unknown_gpai_base_threshold_flop: s.version.unknown_gpai_base_threshold_flop,
                threshold_confirmed: s.version.confirmed,
                version_from: s.version.from,
                version_until: s.version.until,
                threshold_source: s.version.source,
                id: r.id,
                short: r.short,
                name: r.name,
                revenue_usd_above: r.revenue_usd_above,
                revenue_confirmed: r.revenue_confirmed,
                estimate_tolerance: r.estimate_tolerance,
                estimate_convention: r.estimate_convention,
                status: r.status,
                source: r.source,
            }
        })
        .collect();
    Ok(Table { as_of, regimes })
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Error> {
    let t = table(args.as_of.unwrap_or_else(today))?;
    if args.json {
        write_json(out, &t)?;
    } else {
        print(out, &t)?;
    }
    Ok(Exit::Success)
}

fn names(c: &[Category]) -> String {
    if c.is_empty() {
        return "nothing".into();
    }
    c.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

fn print(out: &mut dyn Write, t: &Table) -> std::io::Result<()> {
    writeln!(out, "Compute regimes as of {}", t.as_of)?;
    for e in &t.regimes {
        let op = e.comparison.symbol();
        let threshold = match (e.base_divisor, e.unknown_gpai_base_threshold_flop) {
            (Some(q), Some(g)) => format!(
                "{op} 1/{q} of the base model's compute (when unknown: {op} {:.2e} FLOP for a systemic-risk base, {op} {g:.2e} for another general-purpose one)",
                e.threshold_flop
            ),
            (Some(q), None) => format!(
                "{op} 1/{q} of the base model's compute ({op} {:.2e} FLOP when unknown)",
                e.threshold_flop
            ),
            (None, _) => format!("{op} {:.2e} FLOP", e.threshold_flop),
        };
        writeln!(out)?;
        writeln!(out, "{} — {}", e.id, e.name)?;
        writeln!(
            out,
            "  threshold   {threshold}{}",
            if e.threshold_confirmed {
                ""
            } else {
                " (unconfirmed)"
            }
        )?;
        writeln!(out, "  at {}  {}", t.as_of, e.in_force)?;
        writeln!(out, "  counts      {}", names(&e.counts))?;
        writeln!(out, "  leaves out  {}", names(&e.leaves_out))?;
        if !e.unconfirmed.is_empty() {
            writeln!(out, "  unconfirmed {}", names(&e.unconfirmed))?;
        }
        if let Some(r) = e.revenue_usd_above {
            writeln!(
                out,
                "  developer   large developer above ${:.0}M gross revenue{}",
                r / 1e6,
                if e.revenue_confirmed == Some(true) {
                    ""
                } else {
                    " (unconfirmed)"
                }
            )?;
        }
        if let (Some(t), Some(c)) = (e.estimate_tolerance, &e.estimate_convention) {
            writeln!(out, "  estimates   ±{:.0}%: {c}", t * 100.0)?;
        }
        writeln!(out, "  status      {}", e.status)?;
        writeln!(out, "  source      {}", e.threshold_source)?;
    }
    Ok(())
}
