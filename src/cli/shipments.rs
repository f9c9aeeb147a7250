/*!
`capfloor shipments check LEDGER.csv [--g2g CC]… [--json] [--fail-on exceed]
[--include-unconfirmed]`: sums a shipment ledger's TPP against the AI Diffusion rule's ceilings
(LPP, the tier 2 country allocation, NVEU caps, UVEU shares, …) and flags rows. The rules are in
[`crate::hardware::ledger`] and [`crate::hardware::ceilings`].
*/

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use crate::cli::{write_json, Outcome};
use crate::hardware::{ceilings, ledger};
use crate::units::Tpp;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a ledger (header: date,consignee,consignee_hq,destination,chip,quantity; optional
    /// site,operator).
    Check {
        ledger: PathBuf,
        /// A tier 2 country (ISO alpha-2) with a government-to-government agreement: its
        /// allocation is multiplied as data/regimes.toml says. Repeatable.
        #[arg(long, value_name = "CC")]
        g2g: Vec<String>,
        /// Exit with code 1 if a confirmed limit is exceeded.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Let unconfirmed limits count for --fail-on too.
        #[arg(long)]
        include_unconfirmed: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    Exceed,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Outcome, Error> {
    let Command::Check {
        ledger: path,
        g2g,
        fail_on,
        include_unconfirmed,
        json,
    } = &args.command;
    let options = ceilings::Options { g2g: g2g.clone() };
    let check = ceilings::check(ledger::read(path)?, &options)?;
    if *json {
        write_json(out, &check)?;
    } else {
        human(out, &check)?;
    }
    let exceeded = check
        .ceilings
        .iter()
        .any(|c| c.exceeded_at_line.is_some() && (c.status == "confirmed" || *include_unconfirmed));
    Ok(match fail_on {
        Some(FailOn::Exceed) if exceeded => Outcome::Finding,
        _ => Outcome::Success,
    })
}

/// A short table per ceiling, then one line per kind of flag.
fn human(out: &mut dyn Write, check: &ceilings::Check) -> Result<(), Error> {
    writeln!(
        out,
        "{} shipments, {} in all",
        check.rows.len(),
        Tpp(check.rows.iter().map(|r| r.tpp).sum())
    )?;
    for limit in &check.limits {
        let rows: Vec<&ceilings::Ceiling> = check
            .ceilings
            .iter()
            .filter(|c| c.limit == limit.id)
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n{} ({}): {}",
            limit.id, limit.status, limit.description
        )?;
        writeln!(
            out,
            "  {:<28} {:<20} {:>18} {:>18} {:>12}",
            "for", "period", "used", "headroom", "H100-eq left"
        )?;
        for c in rows {
            writeln!(
                out,
                "  {:<28} {:<20} {:>18} {:>18} {:>12.0}{}{}",
                c.subject,
                c.period,
                Tpp(c.used_tpp).to_string(),
                Tpp(c.headroom_tpp).to_string(),
                c.headroom_h100_equivalents,
                c.note
                    .as_ref()
                    .map_or(String::new(), |n| format!("  ({n})")),
                c.exceeded_at_line
                    .map_or(String::new(), |l| format!("  EXCEEDED at line {l}"))
            )?;
        }
    }
    // One line per kind of flag (count and first line): a large ledger flags thousands of
    // rows, which --json lists one by one.
    let mut kinds: BTreeMap<&str, (usize, usize, Option<&str>)> = BTreeMap::new();
    for r in &check.rows {
        for f in &r.flags {
            let entry = kinds
                .entry(f.id)
                .or_insert((0, r.line, f.status.as_deref()));
            entry.0 += 1;
        }
    }
    if !kinds.is_empty() {
        writeln!(out)?;
    }
    for (kind, (count, first, status)) in kinds {
        let status = status.map_or(String::new(), |s| format!(" ({s})"));
        writeln!(
            out,
            "flag {kind}{status}: {count} row(s), first at line {first}"
        )?;
    }
    Ok(())
}
