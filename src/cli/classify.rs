/*!
`capfloor classify --declaration FILE [--checkpoint DIR] [--as-of DATE] [--fail-on …] [--json]`:
where a declared model's training operations fall under 4E091 and the other compute regimes. Calls
[`crate::assessment::assess`]; this file prints it.
*/

use std::io::Write;
use std::path::PathBuf;

use jiff::civil::Date;

use crate::assessment::{self, Assessment};
use crate::cli::floor::{today, Method};
use crate::cli::Sources;
use crate::cli::{write_json, Exit};
use crate::compute;
use crate::declaration::Declaration;
use crate::units::{Flop, ParamCount};
use crate::verdict;
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub sources: crate::cli::Sources,
    /// The training-compute declaration (TOML; see docs/declaration.md); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub declaration: PathBuf,
    /// The checkpoint (overrides model.checkpoint in the declaration).
    #[arg(long, value_name = "DIR")]
    pub checkpoint: Option<PathBuf>,
    /// The date the floor and the regimes are taken at (default: today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Exit with code 1 when any regime's verdict is `above` (or, with `indeterminate`, above or
    /// indeterminate): for release pipelines.
    #[arg(long, value_enum, ignore_case = true, value_name = "VERDICT")]
    pub fail_on: Option<FailOn>,
    /// Only these regimes count for --fail-on (ids as in data/regimes.toml, any case;
    /// repeatable). An unknown id is an error, never a gate that passes.
    #[arg(long = "regime", value_name = "ID")]
    pub regimes: Vec<String>,
    /// Require a schedule: a phase with `schedule = { start, end }`, whose operations accrue
    /// evenly, so that each threshold's crossing date and notification date are shown. Without
    /// one this is an error (exit 2), not a plan that silently shows nothing.
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    pub method: Method,
    /// Print JSON (keys documented in the README) instead of the human summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Above,
    Indeterminate,
}

/// Builds the assessment classify prints: the declaration, at the vintage of the as-of date.
pub fn assessment(
    declaration: &std::path::Path,
    checkpoint: Option<&std::path::Path>,
    as_of: Option<Date>,
    method: &Method,
    sources: &Sources,
) -> Result<Assessment, Error> {
    let d = Declaration::load(declaration)?;
    let as_of = as_of.or(d.model.release_date).unwrap_or_else(today);
    // The vintage at the as-of date: the floor and the base model's capability as known then.
    let vintages = crate::vintage::Vintages::new(sources.registry()?, None);
    let registry = &vintages.registry;
    let (fit, pts) = vintages.fit_and_points(as_of)?;
    let fit = &fit;
    let a = assessment::assess(
        &d,
        &assessment::Inputs {
            declaration_path: declaration,
            checkpoint,
            as_of,
            registry,
            fit,
            points: &pts,
            floor_options: method.options(),
        },
    )?;
    // After the work: a run that fails says only why.
    sources.warn_if_stale(registry, as_of);
    Ok(a)
}

/// The `--regime` ids as data/regimes.toml spells them (matched case-insensitively), or exit 2
/// naming the valid ones: a mistyped id must not make a gate pass.
pub fn regime_ids(given: &[String]) -> Result<Vec<String>, Error> {
    let all = crate::regimes::all()?;
    given
        .iter()
        .map(|g| {
            all.iter()
                .find(|r| r.id.eq_ignore_ascii_case(g.trim()))
                .map(|r| r.id.clone())
                .ok_or_else(|| {
                    let valid: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
                    Error::Usage(format!(
                        "--regime {g:?}: no such regime (valid ids: {})",
                        valid.join(", ")
                    ))
                })
        })
        .collect()
}

pub fn run(args: &Args, sources: &Sources, out: &mut dyn Write) -> Result<Exit, Error> {
    let regimes = regime_ids(&args.regimes)?;
    let a = assessment(
        &args.declaration,
        args.checkpoint.as_deref(),
        args.as_of,
        &args.method,
        sources,
    )?;
    if args.plan && a.plan.is_empty() {
        return Err(Error::Usage(format!(
            "--plan: no phase of {} has a schedule (schedule = {{ start = DATE, end = DATE }})",
            args.declaration.display()
        )));
    }
    if args.json {
        write_json(out, &a)?;
    } else {
        print(out, &a)?;
    }
    let counts = |v: &verdict::Verdict| regimes.is_empty() || regimes.contains(&v.id);
    let failing = a
        .regimes
        .iter()
        .filter(|v| counts(v))
        .any(|v| match args.fail_on {
            Some(FailOn::Above) => v.verdict == verdict::Outcome::Above,
            Some(FailOn::Indeterminate) => matches!(
                v.verdict,
                verdict::Outcome::Above | verdict::Outcome::Indeterminate
            ),
            None => false,
        });
    Ok(if failing {
        Exit::Finding
    } else {
        Exit::Success
    })
}

fn print(out: &mut dyn Write, a: &Assessment) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({}), as of {}",
        a.model.name, a.model.developer, a.as_of
    )?;
    writeln!(
        out,
        "  weights            {}",
        if a.model.weights_published {
            "published"
        } else {
            "not published"
        }
    )?;
    if let (Some(n), Some(src)) = (a.active_parameters, &a.active_parameters_source) {
        writeln!(out, "  active parameters  {} ({src})", ParamCount(n as u64))?;
    }
    writeln!(
        out,
        "  operations         {}  (interval {:.2e} – {:.2e})",
        Flop(a.operations_flop),
        a.operations_flop_lo,
        a.operations_flop_hi
    )?;
    if let Some(b) = &a.compute.base {
        writeln!(
            out,
            "    inherited        {:.2e} FLOP from {}",
            b.flop, b.from
        )?;
    }
    for (i, p) in a.compute.phases.iter().enumerate() {
        let name = p
            .name
            .clone()
            .unwrap_or_else(|| compute::kind_name(p.kind).to_string());
        writeln!(
            out,
            "    phase {i} {name:<10} {:.2e} FLOP ({})",
            p.flop,
            compute::method_name(p.chosen)
        )?;
        for e in &p.estimates {
            writeln!(
                out,
                "      {:<9} {:.2e}  {}",
                compute::method_name(e.method),
                e.flop,
                e.formula
            )?;
        }
    }
    if let Some(i) = &a.implied {
        writeln!(
            out,
            "  declared scores    capability {:.1} ECI; the median recipe needs {:.2e} FLOP",
            i.capability, i.median_recipe_flop
        )?;
    }
    match (&a.floor, &a.floor_error) {
        (Some(f), _) => writeln!(
            out,
            "  4E091 floor        {} set by {} (90%: {:.2e} – {:.2e})",
            Flop(f.floor_flop),
            f.set_by,
            f.floor_flop_lo,
            f.floor_flop_hi
        )?,
        (None, Some(e)) => writeln!(out, "  4E091 floor        not defined: {e}")?,
        _ => {}
    }
    writeln!(out)?;
    writeln!(
        out,
        "  {:<26} {:<15} {:>10} {:>10}  status",
        "regime", "verdict", "counted", "threshold"
    )?;
    for v in &a.regimes {
        let status = v
            .in_force
            .as_deref()
            .unwrap_or_else(|| v.status.split(':').next().unwrap_or(&v.status));
        writeln!(
            out,
            "  {:<26} {:<15} {:>10.2e} {:>10.2e}  {status}",
            v.id,
            v.verdict.to_string(),
            v.counted_flop,
            v.threshold_flop
        )?;
        if let Some(dt) = &v.developer {
            let word = |b: Option<bool>| match b {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not settled",
            };
            writeln!(
                out,
                "    developer: covered {}{}, large {} ({})",
                word(dt.covered_developer),
                if dt.intends_only {
                    " (intends to train)"
                } else {
                    ""
                },
                word(dt.large_developer),
                dt.reasons.join("; ")
            )?;
        }
        // What this regime left out, so that a lower total never goes unexplained.
        for p in &v.left_out {
            writeln!(
                out,
                "    leaves out {} {:.2e}{}",
                crate::counting::part_name(p),
                p.flop,
                if p.confirmed {
                    ""
                } else {
                    " (unconfirmed reading)"
                }
            )?;
        }
    }
    print_plan(out, a)?;
    for f in &a.flags {
        writeln!(out, "flag: {}", f.message)?;
    }
    Ok(())
}

/// When the scheduled run crosses each threshold, and when each notification is due.
fn print_plan(out: &mut dyn Write, a: &Assessment) -> std::io::Result<()> {
    if a.plan.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "  {:<26} {:<12} {:<23} {:<11} notify by",
        "plan: regime", "crosses on", "(estimate high – low)", "known"
    )?;
    let day = |d: Option<jiff::civil::Date>| d.map_or("–".to_string(), |d| d.to_string());
    for c in &a.plan {
        let when = match c.status {
            "before_schedule" => "already".to_string(),
            "never" => "never".to_string(),
            _ => day(c.crossing),
        };
        writeln!(
            out,
            "  {:<26} {:<12} {:<23} {:<11} {}{}",
            c.regime,
            when,
            match (c.crossing_early, c.crossing_late) {
                (None, None) => "–".to_string(),
                (e, l) => format!("{} – {}", day(e), day(l)),
            },
            day(c.known),
            day(c.notify_by),
            if c.overdue { " (overdue)" } else { "" }
        )?;
    }
    Ok(())
}
