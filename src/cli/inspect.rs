/*!
`capfloor inspect PATH [--config FILE] [--json]`: a checkpoint's parameter count from its
safetensors headers. Calls [`crate::checkpoint::inspect`]; this file only prints it.
*/

use std::io::Write;
use std::path::PathBuf;

use crate::checkpoint::{self, Inspection};
use crate::cli::{write_json, Exit};
use crate::units::{group_thousands, ParamCount};
use crate::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A .safetensors file, a *.safetensors.index.json, or a directory holding either.
    pub path: PathBuf,
    /// The model's config.json (default: config.json beside the weights).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Error> {
    let inspection = checkpoint::inspect(&args.path, args.config.as_deref())?;
    if args.json {
        write_json(out, &inspection)?;
    } else {
        write_human(out, &inspection)?;
    }
    Ok(Exit::Success)
}

fn write_human(out: &mut dyn Write, x: &Inspection) -> std::io::Result<()> {
    let p = &x.parameters;
    let row =
        |out: &mut dyn Write, label: &str, value: String| writeln!(out, "{label:<13} {value}");
    row(
        out,
        "checkpoint",
        format!(
            "{} ({} file{}, {} tensors, {})",
            x.path.display(),
            x.files.len(),
            if x.files.len() == 1 { "" } else { "s" },
            group_thousands(x.tensors as i128),
            human_bytes(x.bytes)
        ),
    )?;
    if let Some(config) = &x.config {
        row(out, "config", config.display().to_string())?;
    }
    let active = match p.active {
        Some(a) if x.moe.is_some() => format!("{a} active"),
        Some(_) => "all active (dense)".to_string(),
        None => "active unknown".to_string(),
    };
    row(
        out,
        "parameters",
        format!(
            "{} total, {active} ({} exactly)",
            p.total,
            group_thousands(p.total.0 as i128)
        ),
    )?;
    row(out, "embedding", p.embedding.to_string())?;
    if p.mtp.0 > 0 {
        row(
            out,
            "mtp",
            format!("{} (multi-token prediction, not in total)", p.mtp),
        )?;
    }
    if p.buffers.0 > 0 {
        row(
            out,
            "buffers",
            format!("{} elements (not parameters)", p.buffers),
        )?;
    }
    if let Some(m) = &x.moe {
        let k = m
            .experts_per_token
            .map_or("unknown".to_string(), |k| k.to_string());
        row(
            out,
            "moe",
            format!(
                "{} routed experts, {k} per token, {} MoE layers, {} shared; {} per expert",
                m.routed_experts, m.moe_layers, m.shared_experts, m.expert_parameters
            ),
        )?;
    }
    if let Some(q) = &x.quantization {
        let bits = q
            .bits
            .map_or("bits unknown".to_string(), |b| format!("{b}-bit"));
        row(
            out,
            "quantization",
            format!(
                "{} ({bits}): {} packed tensors, {} bookkeeping tensors",
                q.method,
                group_thousands(q.packed_tensors as i128),
                group_thousands(q.bookkeeping_tensors as i128)
            ),
        )?;
    }
    let dtypes: Vec<String> = x
        .by_dtype
        .iter()
        .map(|(d, n)| format!("{d} {}", ParamCount(*n)))
        .collect();
    row(
        out,
        "dtypes",
        format!("{} ({} stored elements)", dtypes.join(", "), dtypes.len()),
    )?;
    row(
        out,
        "tied",
        if x.tied_embeddings {
            "yes (output head counted once)"
        } else {
            "no"
        }
        .to_string(),
    )?;
    for w in &x.warnings {
        writeln!(out, "warning: {w}")?;
    }
    Ok(())
}

/// Decimal units, as storage is sold and as model hubs print sizes.
fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e12 {
        format!("{:.2} TB", n / 1e12)
    } else if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.2} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.2} kB", n / 1e3)
    } else {
        format!("{n} bytes")
    }
}
