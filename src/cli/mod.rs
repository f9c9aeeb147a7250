/*!
Command-line arguments and dispatch. One file per subcommand (as in xsv): each holds its argument
struct and a `run` function that calls the library and prints, human-readable by default and a
stable JSON shape with `--json`. No numbers are computed here.
*/

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::registry::{Confidence, Registry};
use crate::vintage::Vintages;
use crate::Error;

pub mod backtest;
pub mod capability;
pub mod chart;
pub mod classify;
pub mod declaration;
pub mod dossier;
pub mod explore;
pub mod floor;
pub mod inspect;
pub mod regimes;
pub mod registry;
pub mod shipments;
pub mod tpp;

/// Where a frontier AI model's weights stand under compute-based export controls.
#[derive(Debug, Parser)]
#[command(name = "capfloor", version, about, long_about = None)]
pub struct Cli {
    /// Read the model registry from this directory instead of the embedded default.
    #[arg(long, global = true, value_name = "DIR")]
    pub registry: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The 4E091 capability floor: today, over time, projected, or with a hypothetical release.
    Floor(floor::Args),
    /// Count a checkpoint's parameters from its safetensors headers (no tensor data is read).
    Inspect(inspect::Args),
    /// The model registry: import from Epoch AI exports, validate, list, show.
    Registry(registry::Args),
    /// The aggregate capability index of every model, on the ECI scale.
    Capability(capability::Args),
    /// Predict each open model's compute out of sample and measure the errors.
    Backtest(backtest::Args),
    /// Draw the floor, the frontier, the progress or the projection chart (SVG or PNG).
    Chart(chart::Args),
    /// Write the floor explorer: one self-contained HTML page to move the as-of date through.
    Explore(explore::Args),
    /// Where a declared training run falls under 4E091 and the other compute regimes.
    Classify(classify::Args),
    /// Every compute regime at a date: threshold, what it counts, status and source.
    Regimes(regimes::Args),
    /// The training-compute declaration: its JSON Schema, or a check of one file.
    Declaration(declaration::Args),
    /// Write the dossier for a technical-opinion request (HTML, Markdown, JSON, charts).
    Dossier(dossier::Args),
    /// Total Processing Performance, performance density and 3A090 class of a chip.
    Tpp(tpp::Args),
    /// Shipment ledgers against License Exception LPP and the tier 2 country allocation.
    Shipments(shipments::Args),
}

/// Where the data comes from: the embedded registry, or `--registry DIR`.
#[derive(Debug, Clone)]
pub struct Sources {
    pub registry_dir: Option<PathBuf>,
}

impl Sources {
    pub fn registry(&self) -> Result<Registry, Error> {
        Ok(Registry::open(self.registry_dir.as_deref())?)
    }

    /// The registry as the floor sees it at each date (vintage fits, refitted on what was
    /// published by the date asked for), without compute figures below `--min-confidence`.
    pub fn vintages(&self, min_confidence_level: Option<&str>) -> Result<Vintages, Error> {
        let min = min_confidence(min_confidence_level)?;
        Ok(Vintages::new(self.registry()?, min))
    }

    /// What a command writing files may replace: with `--force`, anything but the run's
    /// `inputs` and the registry directory it reads.
    pub fn guard(&self, force: bool, mut inputs: Vec<PathBuf>) -> crate::fsio::Guard {
        inputs.extend(self.registry_dir.iter().cloned());
        crate::fsio::Guard { force, inputs }
    }
}

/// Parses `--min-confidence`.
pub fn min_confidence(level: Option<&str>) -> Result<Option<Confidence>, Error> {
    Ok(
        match level.map(|l| l.trim().to_ascii_lowercase()).as_deref() {
            None => None,
            Some("confident") => Some(Confidence::Confident),
            Some("likely") => Some(Confidence::Likely),
            Some("speculative") => Some(Confidence::Speculative),
            Some(_) => {
                let other = level.unwrap_or_default();
                return Err(Error::Usage(format!(
                    "--min-confidence: {other:?} is not one of confident, likely, speculative"
                )));
            }
        },
    )
}

/// How a command that ran to completion ended: its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report beyond the output: exit code 0.
    Success,
    /// A finding the caller asked to fail on (`--fail-on …`): exit code 1.
    Finding,
}

/// Runs one parsed command line, writing its answer to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit, Error> {
    let sources = Sources {
        registry_dir: cli.registry.clone(),
    };
    let result = command(cli.command, &sources, out);
    // A fit that fails on another registry says which registry it was.
    match (result, &cli.registry) {
        (
            Err(
                e @ (Error::Floor(_)
                | Error::Frontier(_)
                | Error::Backtest(_)
                | Error::Capability(_)),
            ),
            Some(dir),
        ) => Err(Error::InRegistry {
            registry: dir.display().to_string(),
            source: Box::new(e),
        }),
        (result, _) => result,
    }
}

fn command(command: Command, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let sources = sources.clone();
    match command {
        Command::Floor(args) => floor::run(&args, &sources, out),
        Command::Inspect(args) => inspect::run(&args, out),
        Command::Registry(args) => registry::run(&args, &sources, out),
        Command::Capability(args) => capability::run(&args, &sources, out),
        Command::Backtest(args) => backtest::run(&args, &sources, out),
        Command::Chart(args) => chart::run(&args, &sources, out),
        Command::Explore(args) => explore::run(&args, &sources, out),
        Command::Classify(args) => classify::run(&args, &sources, out),
        Command::Regimes(args) => regimes::run(&args, out),
        Command::Declaration(args) => declaration::run(&args, &sources, out),
        Command::Dossier(args) => dossier::run(&args, &sources, out),
        Command::Tpp(args) => tpp::run(&args, out),
        Command::Shipments(args) => shipments::run(&args, out),
    }
}

/// Writes `value` as pretty-printed JSON followed by a newline: the `--json` shape of every command.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Error::Output(e.into()))?;
    writeln!(out)?;
    Ok(())
}
