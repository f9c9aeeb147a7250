/*!
`capfloor tpp CHIP | --tops X --bits N [--die-area MM2] [--json]`: Total Processing Performance,
performance density, 3A090 classification and H100-equivalents. Calls
[`crate::hardware::tpp::rate_chip`] or [`crate::hardware::tpp::rate`].
*/

use std::io::Write;

use crate::cli::{write_json, Exit};
use crate::hardware::tpp;
use crate::units::Tpp;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A chip of data/chips.csv (case, spaces and hyphens do not matter; aliases work).
    #[arg(required_unless_present = "tops", conflicts_with_all = ["tops", "bits"])]
    pub chip: Option<String>,
    /// Dense tera-operations per second (a multiply-add counts two) at --bits.
    #[arg(long, requires = "bits", allow_negative_numbers = true)]
    pub tops: Option<f64>,
    /// Bit length of the operation --tops is given for.
    #[arg(long, requires = "tops")]
    pub bits: Option<u32>,
    /// Die area in mm², for the performance density.
    #[arg(long, value_name = "MM2")]
    pub die_area: Option<f64>,
    /// Print JSON (keys documented in the README) instead of the human summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Error> {
    let rating = match (&args.chip, args.tops, args.bits) {
        (Some(chip), _, _) => tpp::rate_chip(chip),
        (None, Some(tops), Some(bits)) => {
            // Bounds far past any chip (today's largest: ~2e4 dense TOPS, 64-bit operands,
            // ~800 mm² dies; a whole wafer is ~7e4 mm²), so that TPP and density stay finite.
            if !(tops.is_finite() && tops > 0.0 && tops <= 1e9 && (1..=64).contains(&bits)) {
                return Err(Error::Usage(format!(
                    "--tops {tops} --bits {bits}: both must be positive, --tops at most 1e9 and --bits at most 64"
                )));
            }
            if args
                .die_area
                .is_some_and(|a| !(a.is_finite() && a > 0.0 && a <= 1e6))
            {
                return Err(Error::Usage(
                    "--die-area: must be a positive number of mm², at most 1e6".into(),
                ));
            }
            tpp::rate(tops, bits, args.die_area)
        }
        _ => unreachable!("clap requires a chip or --tops with --bits"),
    }
    .map_err(Error::Usage)?;
    if args.json {
        write_json(out, &rating)?;
        return Ok(Exit::Success);
    }
    let row = |out: &mut dyn Write, k: &str, v: String| writeln!(out, "{k:<22} {v}");
    if let Some(c) = &rating.chip {
        row(out, "chip", c.clone())?;
    }
    row(
        out,
        "TPP",
        format!(
            "{}  = {} dense TOPS{} × {} bits",
            Tpp(rating.tpp),
            rating.dense_tops,
            rating
                .precision
                .as_ref()
                .map_or(String::new(), |p| format!(" ({p})")),
            rating.bits
        ),
    )?;
    row(
        out,
        "performance density",
        match (rating.performance_density, rating.die_area_mm2) {
            (Some(pd), Some(a)) => format!("{pd:.2}  = TPP / {a} mm²"),
            _ => "unknown (die area not published)".into(),
        },
    )?;
    row(out, "classification", rating.eccn.clone())?;
    if let Some(b) = &rating.basis {
        row(
            out,
            "  threshold",
            format!("{} [{}]", b.description, b.status),
        )?;
    }
    row(
        out,
        "H100-equivalents",
        format!("{:.3}", rating.h100_equivalents),
    )?;
    for s in &rating.sources {
        row(out, "source", s.clone())?;
    }
    Ok(Exit::Success)
}
