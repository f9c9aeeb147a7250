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
pub mod completions;
pub mod declaration;
pub mod dossier;
pub mod explore;
pub mod floor;
pub mod inspect;
pub mod man;
pub mod regimes;
pub mod registry;
pub mod shipments;
pub mod tpp;

/// Where a frontier AI model's weights stand under compute-based export controls.
#[derive(Debug, Parser)]
#[command(name = "capfloor", version, about, long_about = None)]
pub struct Cli {
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
    /// A shell completion script (bash, zsh, fish, elvish, PowerShell) on standard output.
    Completions(completions::Args),
    /// The manual page (roff) of capfloor or of one of its commands, on standard output.
    Man(man::Args),
}

/// Where the data comes from: the embedded registry, or `--registry DIR`. Offered only by the
/// commands that read the registry (and their subcommands).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Sources {
    /// Read the model registry from this directory instead of the embedded default.
    #[arg(long = "registry", global = true, value_name = "DIR")]
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

    /// Warns on standard error when `as_of` is more than [`STALE_DAYS`] past the registry's last
    /// release: models published since are not in it, so the floor may be too low. The output
    /// itself (and its JSON) is unchanged.
    pub fn warn_if_stale(&self, registry: &Registry, as_of: jiff::civil::Date) {
        if let Some(days) = stale_days(registry, as_of) {
            let latest = registry
                .latest_release()
                .map_or(String::new(), |d| d.to_string());
            let _ = writeln!(
                std::io::stderr().lock(),
                "capfloor: warning: as of {as_of}, {days} days after the last release in the {} registry ({latest}): models published since are not in it, so the floor may be understated",
                registry.origin
            );
        }
    }

    /// What a command writing files may replace: with `--force`, anything but the run's
    /// `inputs` and the registry directory it reads.
    pub fn guard(&self, force: bool, mut inputs: Vec<PathBuf>) -> crate::fsio::Guard {
        inputs.extend(self.registry_dir.iter().cloned());
        crate::fsio::Guard { force, inputs }
    }
}

/// An as-of date further than this past the registry's last release draws a warning.
pub const STALE_DAYS: i32 = 90;

/// How many days `as_of` is past the registry's last release, when more than [`STALE_DAYS`].
pub fn stale_days(registry: &Registry, as_of: jiff::civil::Date) -> Option<i32> {
    let latest = registry.latest_release()?;
    let days = (as_of - latest).get_days();
    (days > STALE_DAYS).then_some(days)
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

/// The version line: capfloor's version and the registry built into it (its last release date
/// and content hash), so that a result can be traced to the data it came from.
pub fn version_text() -> String {
    let v = env!("CARGO_PKG_VERSION");
    match Registry::embedded() {
        Ok(r) => format!(
            "{v} (embedded registry: {} models, {} scores, latest release {}, sha256 {})",
            r.models.len(),
            r.scores.len(),
            r.latest_release()
                .map_or("unknown".to_string(), |d| d.to_string()),
            r.sha256()
        ),
        Err(e) => format!("{v} (embedded registry unreadable: {e})"),
    }
}

/// Parses a command line. The registry behind `--version` is read only when it is asked for.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let mut cmd = Cli::command();
    if args.iter().skip(1).any(|a| a == "--version" || a == "-V") {
        cmd = cmd.version(version_text());
    }
    let matches = cmd.try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// Runs one parsed command line, writing its answer to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit, Error> {
    let sources = sources_of(&cli.command);
    let result = command(cli.command, &sources, out);
    // A fit that fails on another registry says which registry it was.
    match (result, &sources.registry_dir) {
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

/// The registry a command reads; none for those that read none.
fn sources_of(command: &Command) -> Sources {
    match command {
        Command::Floor(a) => a.sources.clone(),
        Command::Registry(a) => a.sources.clone(),
        Command::Capability(a) => a.sources.clone(),
        Command::Backtest(a) => a.sources.clone(),
        Command::Chart(a) => a.sources.clone(),
        Command::Explore(a) => a.sources.clone(),
        Command::Classify(a) => a.sources.clone(),
        Command::Declaration(a) => a.sources.clone(),
        Command::Dossier(a) => a.sources.clone(),
        Command::Inspect(_)
        | Command::Regimes(_)
        | Command::Tpp(_)
        | Command::Shipments(_)
        | Command::Completions(_)
        | Command::Man(_) => Sources::default(),
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
        Command::Completions(args) => completions::run(&args, out),
        Command::Man(args) => man::run(&args, out),
    }
}

/// Writes `rows` as CSV with a header row (the `--csv` exports; columns are the rows' fields, in
/// order, and a missing value is an empty cell).
pub fn write_csv<T: Serialize>(out: &mut dyn Write, rows: &[T]) -> Result<(), Error> {
    // An I/O error keeps its kind, so that a closed pipe (`| head`) ends quietly.
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::Output(e),
        other => Error::Output(std::io::Error::other(format!("{other:?}"))),
    };
    let mut w = csv::Writer::from_writer(&mut *out);
    for r in rows {
        w.serialize(r).map_err(io)?;
    }
    w.flush().map_err(Error::Output)?;
    Ok(())
}

/// Writes `value` as pretty-printed JSON followed by a newline: the `--json` shape of every command.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| Error::Output(e.into()))?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every argument and subcommand of `cmd` (and below) without help text, as `path: --arg`.
    fn missing_help(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let here = format!("{path} {}", cmd.get_name()).trim().to_string();
        if cmd.get_about().is_none() && path.contains(' ') {
            missing.push(format!("{here}: no about"));
        }
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if a.get_long() == Some("out") && a.get_short() != Some('o') {
                missing.push(format!("{here}: --out without -o"));
            }
            let empty = a.get_help().is_none_or(|h| h.to_string().trim().is_empty());
            if empty {
                missing.push(format!("{here}: {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            missing_help(sub, &here, missing);
        }
    }

    #[test]
    fn every_argument_and_subcommand_has_help_text() {
        let mut missing = Vec::new();
        let cli = Cli::command();
        missing_help(&cli, "", &mut missing);
        assert!(
            cli.get_subcommands().count() > 10,
            "the walk sees the commands"
        );
        assert!(
            missing.is_empty(),
            "without help text:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn registry_is_offered_only_where_a_registry_is_read() {
        let mut cli = Cli::command();
        cli.build();
        let offers = |path: &[&str]| {
            let mut c = &cli;
            for p in path {
                c = c.find_subcommand(p).expect("a subcommand");
            }
            c.get_arguments().any(|a| a.get_id() == "registry_dir")
        };
        for path in [
            &["tpp"][..],
            &["shipments", "check"],
            &["inspect"],
            &["regimes"],
        ] {
            assert!(
                !offers(path),
                "{path:?} offers --registry but reads no registry"
            );
        }
        for path in [
            &["floor"][..],
            &["floor", "history"],
            &["registry", "list"],
            &["classify"],
        ] {
            assert!(
                offers(path),
                "{path:?} reads the registry but does not offer --registry"
            );
        }
    }
}
