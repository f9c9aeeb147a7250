/*!
The parameter count of a checkpoint: from the validated headers of its files (and its config,
when there is one) to an [`Inspection`] — total and active parameters, embeddings, MTP layers,
buffers, stored elements per dtype, quantization and MoE structure, and every warning that makes
a figure less than certain.

The rules, in the order they apply to each tensor:
1. a tensor stored in two files is counted once (warning);
2. quantization bookkeeping (scales, zero points, group indices) is not a parameter;
3. packed quantized weights are un-packed (see [`super::quant`]);
4. integer tensors outside a quantization scheme, and known float buffers, are buffers;
5. multi-token-prediction layers (`layers.{i}` with i ≥ `num_hidden_layers`, `mtp.*`) are counted
   apart and excluded from the total;
6. a stored output head tied to the input embedding is counted once;
7. active = total − Σ over MoE layers (E − k) × per-expert parameters (see [`super::moe`]).
*/

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use serde::Serialize;

use super::config::ModelConfig;
use super::dtype::Dtype;
use super::error::Error;
use super::header::{Header, TensorInfo};
use super::layout::Layout;
use super::moe::Experts;
use super::quant::{self, last_component, Role, Scheme};
use crate::units::ParamCount;

/// Everything `capfloor inspect` reports about a checkpoint. The JSON shape is documented in the
/// README and relied on by the declaration and dossier commands.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The PATH that was inspected.
    pub path: PathBuf,
    /// The config the counts used, if any.
    pub config: Option<PathBuf>,
    /// The shard index, if any.
    pub index: Option<PathBuf>,
    pub files: Vec<FileSummary>,
    /// Distinct tensors across all files.
    pub tensors: usize,
    /// Total size of the weight files in bytes.
    pub bytes: u64,
    pub parameters: Parameters,
    /// Stored elements per dtype (every distinct tensor, bookkeeping and buffers included).
    pub by_dtype: BTreeMap<String, u64>,
    pub quantization: Option<Quantization>,
    pub moe: Option<Moe>,
    /// True when the output head shares the input embedding's weights (counted once).
    pub tied_embeddings: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub header_bytes: u64,
    pub tensors: usize,
}

/// Parameter counts as the model defines them (packed weights un-packed, bookkeeping excluded).
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    /// Every trained parameter of the model, MTP layers excluded.
    pub total: ParamCount,
    /// Parameters one token uses (total for dense models); null when a MoE's k is unknown.
    pub active: Option<ParamCount>,
    /// Token and position embeddings, plus the output head when it is not tied.
    pub embedding: ParamCount,
    /// Multi-token-prediction layers, reported apart and not in `total`.
    pub mtp: ParamCount,
    /// Elements of non-trainable buffers (position ids, rotary frequencies, masks).
    pub buffers: ParamCount,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quantization {
    pub method: String,
    pub bits: Option<u32>,
    /// Tensors holding several parameters per stored element.
    pub packed_tensors: usize,
    /// Scales, zero points, group indices and the like.
    pub bookkeeping_tensors: usize,
    /// Stored elements of the bookkeeping tensors.
    pub bookkeeping_elements: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Moe {
    /// E, routed experts per MoE layer.
    pub routed_experts: u64,
    /// k, routed experts each token uses; null if the config does not say.
    pub experts_per_token: Option<u64>,
    pub moe_layers: usize,
    /// Shared (always active) experts per MoE layer.
    pub shared_experts: u64,
    /// Parameters of one routed expert (first MoE layer).
    pub expert_parameters: ParamCount,
    /// Parameters of all routed experts of all MoE layers.
    pub routed_parameters: ParamCount,
    pub shared_expert_parameters: ParamCount,
}

/// Counts the parameters of the checkpoint whose files are `headers` (in `layout` order).
pub fn count(
    path: PathBuf,
    layout: &Layout,
    headers: &[Header],
    config: Option<&ModelConfig>,
) -> Result<Inspection, Error> {
    let mut warnings = Vec::new();
    let tensors = unique_tensors(layout, headers, &mut warnings)?;

    let mut by_dtype: BTreeMap<String, u64> = BTreeMap::new();
    let mut unknown_dtypes: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &tensors {
        *by_dtype.entry(t.dtype.name().to_string()).or_default() += t.elements;
        if let Dtype::Unknown(name) = &t.dtype {
            *unknown_dtypes.entry(name).or_default() += 1;
        }
    }
    for (name, n) in unknown_dtypes {
        warnings.push(format!(
            "unknown dtype {name} ({n} tensor(s)): elements counted from the shape, size not checked"
        ));
    }

    let scheme = match config.and_then(ModelConfig::quantization) {
        Some(q) => Some(Scheme::from_config(&q)),
        None => Scheme::from_names(&tensors),
    };
    let names: HashSet<&str> = tensors.iter().map(|t| t.name.as_str()).collect();
    let num_layers = config.and_then(ModelConfig::num_hidden_layers);
    if config.is_none() {
        warnings.push(
            "no config.json: MTP layers, tied embeddings and MoE experts per token cannot be read from it".into(),
        );
    }

    let mut total = 0u64;
    let mut mtp = 0u64;
    let mut buffers = 0u64;
    let mut input_embedding = 0u64;
    let mut heads: Vec<(&TensorInfo, u64)> = Vec::new();
    let mut packed_tensors = 0usize;
    let mut bookkeeping_tensors = 0usize;
    let mut bookkeeping_elements = 0u64;
    let mut inexact = Vec::new();
    let mut experts = Experts::default();

    for t in &tensors {
        let role = quant::role(t, scheme.as_ref(), &names).map_err(|_| Error::UnknownBits {
            path: layout.dir.clone(),
            tensor: t.name.clone(),
            method: scheme
                .as_ref()
                .map_or("unknown", Scheme::method)
                .to_string(),
        })?;
        let params = match role {
            Role::Bookkeeping => {
                bookkeeping_tensors += 1;
                bookkeeping_elements += t.elements;
                continue;
            }
            Role::Buffer => {
                buffers += t.elements;
                continue;
            }
            Role::Parameter { num, den } => {
                if (num, den) != (1, 1) {
                    packed_tensors += 1;
                }
                let scaled = t.elements as u128 * num as u128;
                if scaled % den as u128 != 0 {
                    inexact.push(t.name.as_str());
                }
                u64::try_from(scaled / den as u128).unwrap_or(u64::MAX)
            }
        };
        if is_mtp(&t.name, num_layers) {
            mtp += params;
            continue;
        }
        if is_output_head(&t.name) {
            heads.push((t, params));
            continue;
        }
        if is_input_embedding(&t.name) {
            input_embedding += params;
        }
        experts.add(&t.name, &t.shape, params);
        total += params;
    }
    if let Some(first) = inexact.first() {
        warnings.push(format!(
            "{} packed tensor(s) do not hold a whole number of parameters at this bit width, e.g. {first}",
            inexact.len()
        ));
    }

    // Tied embeddings: the config decides; without the key, a missing head means tied.
    let tied = config
        .and_then(ModelConfig::tie_word_embeddings)
        .unwrap_or(heads.is_empty() && input_embedding > 0);
    let mut embedding = input_embedding;
    for (head, params) in &heads {
        if tied {
            warnings.push(format!(
                "{} is stored but tied to the input embedding: counted once",
                head.name
            ));
        } else {
            total += params;
            embedding += params;
        }
    }
    if !tied && heads.is_empty() && config.and_then(ModelConfig::tie_word_embeddings) == Some(false)
    {
        warnings.push(
            "config says embeddings are not tied, but no output head (lm_head) is stored".into(),
        );
    }

    let moe = moe_summary(&experts, config, total, &mut warnings);
    let active = match &moe {
        None => Some(total),
        Some((_, inactive)) => inactive.map(|i| total - i),
    };

    let quantization = scheme.map(|s| Quantization {
        method: s.method().to_string(),
        bits: s.bits(),
        packed_tensors,
        bookkeeping_tensors,
        bookkeeping_elements,
    });
    let files = headers
        .iter()
        .map(|h| FileSummary {
            path: h.path.clone(),
            bytes: h.file_len,
            header_bytes: h.header_len,
            tensors: h.tensors.len(),
        })
        .collect();
    Ok(Inspection {
        path,
        config: config.map(|c| c.path.clone()),
        index: layout.index.as_ref().map(|i| i.path.clone()),
        files,
        tensors: tensors.len(),
        bytes: headers.iter().map(|h| h.file_len).sum(),
        parameters: Parameters {
            total: ParamCount(total),
            active: active.map(ParamCount),
            embedding: ParamCount(embedding),
            mtp: ParamCount(mtp),
            buffers: ParamCount(buffers),
        },
        by_dtype,
        quantization,
        moe: moe.map(|(m, _)| m),
        tied_embeddings: tied,
        warnings,
    })
}

/// The MoE summary and the inactive parameter count (None when k is unknown).
fn moe_summary(
    experts: &Experts,
    config: Option<&ModelConfig>,
    total: u64,
    warnings: &mut Vec<String>,
) -> Option<(Moe, Option<u64>)> {
    let layers: Vec<_> = experts.routed_layers().collect();
    let (_, first) = layers.first()?;
    let e = first.experts();
    if layers.iter().any(|(_, l)| l.experts() != e) {
        warnings.push("MoE layers differ in their number of routed experts".into());
    }
    if let Some(stated) = config.and_then(ModelConfig::routed_experts) {
        if stated != e {
            warnings.push(format!(
                "config states {stated} routed experts but the tensors hold {e}"
            ));
        }
    }
    let k = config.and_then(ModelConfig::experts_per_token);
    let inactive = match k {
        Some(k) => {
            let (inactive, notes) = experts.inactive(k);
            warnings.extend(notes);
            Some(inactive.min(total))
        }
        None => {
            warnings.push(
                "MoE experts per token unknown (no num_experts_per_tok / experts_per_token / moe_top_k in the config): active parameters not computed".into(),
            );
            None
        }
    };
    let shared_params: u64 = experts.layers.values().map(|l| l.shared_params).sum();
    let shared = config
        .and_then(ModelConfig::shared_experts)
        .unwrap_or(u64::from(shared_params > 0));
    let moe = Moe {
        routed_experts: e,
        experts_per_token: k,
        moe_layers: layers.len(),
        shared_experts: shared,
        expert_parameters: ParamCount(first.routed_params() / e.max(1)),
        routed_parameters: ParamCount(layers.iter().map(|(_, l)| l.routed_params()).sum()),
        shared_expert_parameters: ParamCount(shared_params),
    };
    Some((moe, inactive))
}

/// Each tensor once, reconciled with the shard index: a tensor in two files is counted once; an
/// index entry found in another shard than it says is a warning; an index entry found nowhere
/// makes the count uncertain and is an error.
fn unique_tensors<'h>(
    layout: &Layout,
    headers: &'h [Header],
    warnings: &mut Vec<String>,
) -> Result<Vec<&'h TensorInfo>, Error> {
    let capacity = headers.iter().map(|h| h.tensors.len()).sum();
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(capacity);
    let mut tensors = Vec::with_capacity(capacity);
    let mut duplicates: Vec<&str> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        for t in &h.tensors {
            if seen.contains_key(t.name.as_str()) {
                duplicates.push(&t.name);
            } else {
                seen.insert(&t.name, i);
                tensors.push(t);
            }
        }
    }
    if let Some(first) = duplicates.first() {
        warnings.push(format!(
            "{} tensor(s) stored in more than one file are counted once, e.g. {first}",
            duplicates.len()
        ));
    }

    let Some(index) = &layout.index else {
        return Ok(tensors);
    };
    let file_name = |i: usize| {
        headers[i]
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut missing: Vec<(&str, &str)> = Vec::new();
    let mut moved: Vec<&str> = Vec::new();
    for (name, shard) in &index.weight_map {
        match seen.get(name.as_str()) {
            None => missing.push((name, shard)),
            Some(&i)
                if Some(file_name(i).as_str())
                    != std::path::Path::new(shard)
                        .file_name()
                        .and_then(|n| n.to_str()) =>
            {
                moved.push(name)
            }
            Some(_) => {}
        }
    }
    if let Some(&(example, shard)) = missing.first() {
        return Err(Error::MissingTensors {
            path: index.path.clone(),
            count: missing.len(),
            example: example.to_string(),
            shard: shard.to_string(),
        });
    }
    if let Some(first) = moved.first() {
        warnings.push(format!(
            "{} tensor(s) are in another shard than the index says (count unaffected), e.g. {first}",
            moved.len()
        ));
    }
    let unlisted: Vec<&str> = tensors
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| !index.weight_map.contains_key(*n))
        .collect();
    if let Some(first) = unlisted.first() {
        warnings.push(format!(
            "{} tensor(s) in the shards are not listed in the index (counted), e.g. {first}",
            unlisted.len()
        ));
    }
    Ok(tensors)
}

/// Multi-token-prediction modules: DeepSeek/GLM put them after the last layer
/// (`model.layers.{i}`, i ≥ `num_hidden_layers`); Qwen3-Next and MiMo name them `mtp`.
fn is_mtp(name: &str, num_layers: Option<u64>) -> bool {
    let mut parts = name.split('.');
    let mut prefix_ok = true;
    while let Some(part) = parts.next() {
        if part == "mtp" || part == "mtp_layers" {
            return true;
        }
        if part.contains("vision")
            || part.contains("visual")
            || part.contains("audio")
            || part.contains("encoder")
        {
            prefix_ok = false;
        }
        if part == "layers" {
            if let (Some(n), Some(Ok(i)), true) =
                (num_layers, parts.next().map(str::parse::<u64>), prefix_ok)
            {
                return i >= n;
            }
            return false;
        }
    }
    false
}

/// The output projection to the vocabulary.
fn is_output_head(name: &str) -> bool {
    name == "lm_head.weight"
        || name.ends_with(".lm_head.weight")
        || name == "embed_out.weight"
        || name == "output.weight"
}

/// Token and position embedding tables.
fn is_input_embedding(name: &str) -> bool {
    let Some((module, _)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(
        last_component(module),
        "embed_tokens"
            | "wte"
            | "wpe"
            | "tok_embeddings"
            | "word_embeddings"
            | "position_embeddings"
            | "embed_in"
            | "embed_positions"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mtp_layers_are_those_past_num_hidden_layers() {
        assert!(is_mtp("model.layers.61.eh_proj.weight", Some(61)));
        assert!(!is_mtp("model.layers.60.mlp.gate.weight", Some(61)));
        assert!(!is_mtp("model.layers.61.eh_proj.weight", None));
        assert!(is_mtp("mtp.layers.0.mlp.gate.weight", None));
        assert!(is_mtp("model.mtp_layers.0.x", None));
        assert!(!is_mtp("vision_model.model.layers.50.w", Some(48)));
    }

    #[test]
    fn heads_and_embeddings_are_recognised() {
        assert!(is_output_head("lm_head.weight"));
        assert!(is_output_head("language_model.lm_head.weight"));
        assert!(!is_output_head("model.layers.61.shared_head.head.weight"));
        assert!(is_input_embedding("model.embed_tokens.weight"));
        assert!(is_input_embedding("transformer.wte.weight"));
        assert!(!is_input_embedding(
            "model.layers.0.self_attn.q_proj.weight"
        ));
    }
}
