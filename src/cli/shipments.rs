/*!
`capfloor shipments check LEDGER.csv [--json] [--fail-on exceed] [--include-unconfirmed]`: sums a
shipment ledger's TPP against License Exception LPP and the tier 2 country allocation. The
arithmetic is in [`crate::hardware::ledger`].
*/

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{write_json, Outcome};
use crate::hardware::ledger;
use crate::units::Tpp;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Check a ledger (header: date,consignee,consignee_hq,destination,chip,quantity).
    Check {
        ledger: PathBuf,
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
        fail_on,
        include_unconfirmed,
        json,
    } = &args.command;
    let check = ledger::check(ledger::read(path)?)?;
    if *json {
        write_json(out, &check)?;
    } else {
        writeln!(
            out,
            "{} shipments, {} TPP in all",
            check.rows.len(),
            Tpp(check.rows.iter().map(|r| r.tpp).sum())
        )?;
        writeln!(
            out,
            "{:<26} {:<24} {:<10} {:>16} {:>16} {:>12}  status",
            "limit", "for", "period", "used", "headroom", "H100-eq left"
        )?;
        for c in &check.ceilings {
            writeln!(
                out,
                "{:<26} {:<24} {:<10} {:>16} {:>16} {:>12.0}  {}{}",
                c.limit,
                c.subject,
                c.period,
                Tpp(c.used_tpp).to_string(),
                Tpp(c.headroom_tpp).to_string(),
                c.headroom_h100_equivalents,
                c.status,
                c.exceeded_at_line
                    .map_or(String::new(), |l| format!("; EXCEEDED at line {l}"))
            )?;
        }
        // One line per kind of flag (count and first line): a large ledger flags thousands of
        // rows, which --json lists one by one.
        let mut kinds: std::collections::BTreeMap<&str, (usize, usize)> =
            std::collections::BTreeMap::new();
        for r in &check.rows {
            for f in &r.flags {
                let kind = f.split(" (").next().unwrap_or(f);
                let entry = kinds.entry(kind).or_insert((0, r.line));
                entry.0 += 1;
            }
        }
        for (kind, (count, first)) in kinds {
            writeln!(out, "flag: {kind}: {count} row(s), first at line {first}")?;
        }
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
