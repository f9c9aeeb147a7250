/*!
`capfloor shipments check LEDGER.csv [--g2g CC]… [--json] [--fail-on exceed]
[--include-unconfirmed]`: sums a shipment ledger's TPP against the AI Diffusion rule's ceilings
(LPP, the tier 2 country allocation, NVEU caps, UVEU shares, …) and flags rows. Reads rows
with [`crate::hardware::ledger::open`] into one [`crate::hardware::ceilings::Checker`].
*/

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;

use serde::ser::{SerializeSeq, SerializeStruct};
use serde::Serialize;

use crate::cli::{write_json, Exit};
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
        /// The ledger CSV, one shipment per row, in shipment order; `-` reads standard input.
        ledger: PathBuf,
        /// A tier 2 country (ISO alpha-2) with a government-to-government agreement: its
        /// allocation is multiplied as data/regimes.toml says. Repeatable.
        #[arg(long, value_name = "CC")]
        g2g: Vec<String>,
        /// Exit with code 1 if a confirmed limit is exceeded, or a row is outside every license
        /// exception (tier 3 destination or headquarters, a VEU holder in tier 3).
        #[arg(long, value_enum, ignore_case = true)]
        fail_on: Option<FailOn>,
        /// Let unconfirmed limits count for --fail-on too.
        #[arg(long)]
        include_unconfirmed: bool,
        /// Print JSON (keys documented in the README) instead of the human summary.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    Exceed,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Error> {
    let Command::Check {
        ledger: path,
        g2g,
        fail_on,
        include_unconfirmed,
        json,
    } = &args.command;
    let options = ceilings::Options { g2g: g2g.clone() };
    // The ledger is streamed: nothing is printed until it is known to be valid, so --json reads
    // it twice (the second time echoing each row as it is checked). Standard input is read once
    // into memory, within the ledger's size limit.
    let stdin = if crate::fsio::is_stdin(path) {
        Some(crate::fsio::read(path, &crate::fsio::LEDGER)?)
    } else {
        None
    };
    let open = || match &stdin {
        Some(bytes) => ledger::from_bytes(crate::fsio::STDIN, bytes.clone()),
        None => ledger::open(path),
    };
    let summary = summarise(open()?, &options)?;
    if *json {
        let again = stream_json(out, open()?, &options)?;
        if (again.shipments, again.total_tpp) != (summary.shipments, summary.total_tpp) {
            return Err(Error::Usage(format!(
                "{}: the ledger changed while it was being read; run the check again",
                path.display()
            )));
        }
    } else {
        human(out, &summary)?;
    }
    let exceeded = summary
        .ceilings
        .iter()
        .any(|c| c.exceeded_at_line.is_some() && (c.status == "confirmed" || *include_unconfirmed));
    // Rows no license exception covers fail the check whatever the ceilings say.
    let outside = !summary.outside_exception.is_empty();
    Ok(match fail_on {
        Some(FailOn::Exceed) if exceeded || outside => Exit::Finding,
        _ => Exit::Success,
    })
}

/// A ledger's rows, from a file or from standard input.
type Rows = ledger::Rows<Box<dyn std::io::Read + Send>>;

/// One pass over the ledger: every row validated and summed, none kept.
fn summarise(mut rows: Rows, options: &ceilings::Options) -> Result<ceilings::Summary, Error> {
    let mut checker = ceilings::Checker::new(options)?;
    while let Some(mut r) = rows.next_row()? {
        checker.add(&mut r);
    }
    rows.finish()?;
    Ok(checker.finish())
}

/// The `--json` shape (`rows`, `ceilings`, `totals`, `limits`, `h100_tpp`,
/// `outside_exception`, as [`ceilings::Check`] serialises), written as the rows are read.
fn stream_json(
    out: &mut dyn Write,
    rows: Rows,
    options: &ceilings::Options,
) -> Result<ceilings::Summary, Error> {
    let state = RefCell::new(Streaming {
        rows,
        checker: Some(ceilings::Checker::new(options)?),
        summary: None,
        error: None,
    });
    let written = write_json(out, &Streamed(&state));
    let state = state.into_inner();
    if let Some(e) = state.error {
        return Err(e);
    }
    written?;
    state.rows.finish()?;
    Ok(state
        .summary
        .expect("the summary is written after the rows"))
}

struct Streaming {
    rows: Rows,
    checker: Option<ceilings::Checker>,
    summary: Option<ceilings::Summary>,
    error: Option<Error>,
}

struct Streamed<'a>(&'a RefCell<Streaming>);
struct RowStream<'a>(&'a RefCell<Streaming>);

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Check", 6)?;
        st.serialize_field("rows", &RowStream(self.0))?;
        let mut state = self.0.borrow_mut();
        let summary = state
            .checker
            .take()
            .expect("the rows are written once")
            .finish();
        st.serialize_field("ceilings", &summary.ceilings)?;
        st.serialize_field("totals", &summary.totals)?;
        st.serialize_field("limits", &summary.limits)?;
        st.serialize_field("h100_tpp", &summary.h100_tpp)?;
        st.serialize_field("outside_exception", &summary.outside_exception)?;
        state.summary = Some(summary);
        st.end()
    }
}

impl Serialize for RowStream<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let mut state = self.0.borrow_mut();
        let state = &mut *state;
        loop {
            match state.rows.next_row() {
                Ok(Some(mut r)) => {
                    state
                        .checker
                        .as_mut()
                        .expect("rows are written before the summary")
                        .add(&mut r);
                    seq.serialize_element(&r)?;
                }
                Ok(None) => break,
                Err(e) => {
                    state.error = Some(e.into());
                    return Err(serde::ser::Error::custom("the ledger could not be read"));
                }
            }
        }
        seq.end()
    }
}

/// A short table per ceiling, then one line per kind of flag, then the rows no exception covers.
fn human(out: &mut dyn Write, check: &ceilings::Summary) -> Result<(), Error> {
    writeln!(
        out,
        "{} shipments, {} in all",
        check.shipments,
        Tpp(check.total_tpp)
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
    if !check.flags.is_empty() {
        writeln!(out)?;
    }
    for f in &check.flags {
        let status = f
            .status
            .as_ref()
            .map_or(String::new(), |s| format!(" ({s})"));
        writeln!(
            out,
            "flag {}{status}: {} row(s), first at line {}",
            f.flag, f.rows, f.first_line
        )?;
    }
    if !check.outside_exception.is_empty() {
        writeln!(
            out,
            "\noutside every license exception (--fail-on exceed fails on these):"
        )?;
        for f in &check.outside_exception {
            writeln!(
                out,
                "  {} {} row(s), first at line {}: {}",
                f.rows,
                f.flag,
                f.first_line,
                f.reason.unwrap_or_default()
            )?;
        }
    }
    Ok(())
}
