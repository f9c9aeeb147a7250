//! The parameter count from a header and a `config.json`: every way a config can steer the
//! count (quantization scheme and bits, MTP layers, tied embeddings, MoE routing) must give an
//! inspection or an error, never a panic, and the figures must be consistent.
//!
//! The first byte chooses the header. Below 0x80, one of the fixed headers below (each family
//! of names the count treats specially), and the rest is the config. From 0x80, the next byte
//! gives the data length in 4-byte units and the rest is `header JSON \0 config JSON`, both
//! fuzzed. An empty config means none.
#![no_main]

use std::path::{Path, PathBuf};

use capfloor::checkpoint::config::ModelConfig;
use capfloor::checkpoint::count::count;
use capfloor::checkpoint::header::{self, Header};
use capfloor::checkpoint::layout::Layout;
use libfuzzer_sys::fuzz_target;

/// `(name, dtype, shape)` laid out back to back: the header JSON and its data length.
fn layout(tensors: &[(&str, &str, &[u64])]) -> (String, u64) {
    let bits = |d: &str| match d {
        "F4" => 4,
        "U8" | "I8" | "F8_E4M3" | "F8_E8M0" | "BOOL" => 8,
        "F16" | "BF16" => 16,
        "I32" | "U32" | "F32" => 32,
        _ => 64,
    };
    let mut pos = 0u64;
    let mut entries = vec![r#""__metadata__":{"format":"pt"}"#.to_string()];
    for (name, dtype, shape) in tensors {
        let size = shape.iter().product::<u64>() * bits(dtype) / 8;
        let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
        entries.push(format!(
            r#""{name}":{{"dtype":"{dtype}","shape":[{}],"data_offsets":[{pos},{}]}}"#,
            dims.join(","),
            pos + size
        ));
        pos += size;
    }
    (format!("{{{}}}", entries.join(",")), pos)
}

const DENSE: &[(&str, &str, &[u64])] = &[
    ("model.embed_tokens.weight", "BF16", &[64, 8]),
    ("model.layers.0.self_attn.q_proj.weight", "BF16", &[8, 8]),
    ("model.layers.0.mlp.up_proj.weight", "BF16", &[16, 8]),
    ("model.layers.1.self_attn.q_proj.weight", "BF16", &[8, 8]),
    ("model.layers.2.eh_proj.weight", "BF16", &[8, 16]),
    ("model.embeddings.position_ids", "I64", &[1, 32]),
    ("model.layers.0.rotary_emb.inv_freq", "F32", &[4]),
    ("model.norm.weight", "F32", &[8]),
    ("lm_head.weight", "BF16", &[64, 8]),
];

const QUANTIZED: &[(&str, &str, &[u64])] = &[
    ("a.qweight", "I32", &[2, 8]),
    ("a.qzeros", "I32", &[1, 1]),
    ("a.scales", "F16", &[1, 8]),
    ("a.g_idx", "I32", &[16]),
    ("b.weight", "U32", &[8, 2]),
    ("b.scales", "F16", &[8, 1]),
    ("b.biases", "F16", &[8, 1]),
    ("c.weight_packed", "I32", &[8, 2]),
    ("c.weight_scale", "F16", &[8, 1]),
    ("c.weight_shape", "I64", &[2]),
    ("d.weight", "U8", &[32, 1]),
    ("d.weight.absmax", "F32", &[1]),
    ("d.weight.quant_state.bitsandbytes__nf4", "U8", &[4]),
    ("e.experts.gate_up_proj_blocks", "U8", &[4, 8, 1, 16]),
    ("e.experts.gate_up_proj_scales", "U8", &[4, 8, 1]),
    ("f.weight", "F8_E4M3", &[8, 8]),
    ("f.weight_scale_inv", "F32", &[1, 1]),
    ("g.weight", "UE8", &[3]),
];

const MOE: &[(&str, &str, &[u64])] = &[
    ("model.embed_tokens.weight", "BF16", &[32, 8]),
    ("model.layers.0.mlp.gate.weight", "BF16", &[4, 8]),
    (
        "model.layers.0.mlp.experts.0.up_proj.weight",
        "BF16",
        &[16, 8],
    ),
    (
        "model.layers.0.mlp.experts.1.up_proj.weight",
        "BF16",
        &[16, 8],
    ),
    (
        "model.layers.0.mlp.experts.2.up_proj.weight",
        "BF16",
        &[16, 8],
    ),
    (
        "model.layers.0.mlp.experts.3.up_proj.weight",
        "BF16",
        &[8, 8],
    ),
    (
        "model.layers.0.mlp.shared_experts.up_proj.weight",
        "BF16",
        &[16, 8],
    ),
    (
        "model.layers.1.mlp.experts.gate_up_proj",
        "BF16",
        &[4, 8, 32],
    ),
    ("model.layers.1.mlp.experts.down_proj", "BF16", &[2, 16, 8]),
    (
        "model.layers.2.mlp.experts.0.up_proj.weight",
        "BF16",
        &[16, 8],
    ),
];

fn check(header: Header, config: &[u8]) {
    let config = match config {
        [] => None,
        bytes => match ModelConfig::parse(Path::new("config.json"), bytes) {
            Ok(c) => Some(c),
            Err(_) => return,
        },
    };
    let layout = Layout {
        dir: PathBuf::from("."),
        files: vec![header.path.clone()],
        index: None,
    };
    let Ok(x) = count(PathBuf::from("."), &layout, &[header], config.as_ref()) else {
        return;
    };
    let p = &x.parameters;
    if let Some(active) = p.active {
        assert!(
            active.0 <= p.total.0,
            "active {} > total {}",
            active.0,
            p.total.0
        );
    }
    assert!(p.embedding.0 <= p.total.0);
    if let Some(m) = &x.moe {
        assert!(m.routed_parameters.0 <= p.total.0);
        assert!(m.expert_parameters.0 <= m.routed_parameters.0);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let path = Path::new("model.safetensors");
    if mode < 0x80 {
        let tensors = [DENSE, QUANTIZED, MOE][usize::from(mode) % 3];
        let (json, data_len) = layout(tensors);
        let file_len = 8 + json.len() as u64 + data_len;
        let header =
            header::parse(path, json.into_bytes(), file_len).expect("fixed headers are valid");
        check(header, rest);
    } else {
        let Some((&units, rest)) = rest.split_first() else {
            return;
        };
        let (json, config) = match rest.iter().position(|&b| b == 0) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, &[][..]),
        };
        let file_len = 8 + json.len() as u64 + u64::from(units) * 4;
        if let Ok(header) = header::parse(path, json.to_vec(), file_len) {
            check(header, config);
        }
    }
});
