//! Header-only checkpoints with the real tensor names and shapes of published models, derived
//! from their public `config.json`. Data sections are holes (`set_len`), so an 800 GB model costs
//! a few kilobytes of disk.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;

#[derive(Clone, Debug)]
pub struct T {
    pub name: String,
    pub dtype: &'static str,
    pub shape: Vec<u64>,
}

pub fn t(name: impl Into<String>, dtype: &'static str, shape: &[u64]) -> T {
    T {
        name: name.into(),
        dtype,
        shape: shape.to_vec(),
    }
}

/// Storage bits per element, written out here independently of the library.
fn bits(dtype: &str) -> u64 {
    match dtype {
        "F4" => 4,
        "BOOL" | "U8" | "I8" | "F8_E4M3" | "F8_E5M2" | "F8_E8M0" => 8,
        "F16" | "BF16" | "I16" | "U16" => 16,
        "F32" | "I32" | "U32" => 32,
        "F64" | "I64" | "U64" => 64,
        // Unknown names in fixtures are one byte wide.
        _ => 8,
    }
}

/// The header JSON for `tensors` laid out contiguously in order, and the data length.
pub fn header_json(tensors: &[T]) -> (String, u64) {
    let mut entries = Vec::with_capacity(tensors.len() + 1);
    entries.push(r#""__metadata__":{"format":"pt"}"#.to_string());
    let mut pos = 0u64;
    for x in tensors {
        let n: u64 = x.shape.iter().product();
        let size = n * bits(x.dtype) / 8;
        let shape: Vec<String> = x.shape.iter().map(u64::to_string).collect();
        entries.push(format!(
            r#""{}":{{"dtype":"{}","shape":[{}],"data_offsets":[{},{}]}}"#,
            x.name,
            x.dtype,
            shape.join(","),
            pos,
            pos + size
        ));
        pos += size;
    }
    (format!("{{{}}}", entries.join(",")), pos)
}

/// Writes a safetensors file whose data is a hole of the right length.
pub fn write_safetensors(path: &Path, tensors: &[T]) {
    let (json, data_len) = header_json(tensors);
    write_raw(path, json.as_bytes(), data_len);
}

/// Writes the 8-byte length, `header`, then extends the file by `data_len` bytes of hole.
pub fn write_raw(path: &Path, header: &[u8], data_len: u64) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let mut f = File::create(path).unwrap();
    f.write_all(&(header.len() as u64).to_le_bytes()).unwrap();
    f.write_all(header).unwrap();
    f.set_len(8 + header.len() as u64 + data_len).unwrap();
}

/// Writes `tensors` as `shards` files `{prefix}-0000i-of-0000n.safetensors` plus
/// `{prefix}.safetensors.index.json`, splitting in order.
pub fn write_sharded(dir: &Path, prefix: &str, tensors: &[T], shards: usize) {
    let per = tensors.len().div_ceil(shards);
    let mut weight_map = BTreeMap::new();
    for (i, chunk) in tensors.chunks(per).enumerate() {
        let name = format!("{prefix}-{:05}-of-{:05}.safetensors", i + 1, shards);
        write_safetensors(&dir.join(&name), chunk);
        for x in chunk {
            weight_map.insert(x.name.clone(), name.clone());
        }
    }
    let index = serde_json::json!({"metadata": {"total_size": 0}, "weight_map": weight_map});
    std::fs::write(
        dir.join(format!("{prefix}.safetensors.index.json")),
        serde_json::to_string_pretty(&index).unwrap(),
    )
    .unwrap();
}

/// A Llama-architecture decoder (Llama 2/3, Mistral): the tensor names of `LlamaForCausalLM`.
pub struct Llama {
    pub vocab: u64,
    pub hidden: u64,
    pub layers: u64,
    pub intermediate: u64,
    pub heads: u64,
    pub kv_heads: u64,
    pub head_dim: u64,
    pub tied: bool,
}

/// Llama 3.1 405B, from meta-llama/Llama-3.1-405B config.json.
pub const LLAMA_31_405B: Llama = Llama {
    vocab: 128_256,
    hidden: 16_384,
    layers: 126,
    intermediate: 53_248,
    heads: 128,
    kv_heads: 8,
    head_dim: 128,
    tied: false,
};

/// Llama 3.2 1B, from meta-llama/Llama-3.2-1B config.json (tie_word_embeddings: true).
pub const LLAMA_32_1B: Llama = Llama {
    vocab: 128_256,
    hidden: 2_048,
    layers: 16,
    intermediate: 8_192,
    heads: 32,
    kv_heads: 8,
    head_dim: 64,
    tied: true,
};

/// Llama 2 7B, from meta-llama/Llama-2-7b-hf config.json.
pub const LLAMA_2_7B: Llama = Llama {
    vocab: 32_000,
    hidden: 4_096,
    layers: 32,
    intermediate: 11_008,
    heads: 32,
    kv_heads: 32,
    head_dim: 128,
    tied: false,
};

impl Llama {
    pub fn config(&self) -> String {
        serde_json::json!({
            "architectures": ["LlamaForCausalLM"],
            "vocab_size": self.vocab,
            "hidden_size": self.hidden,
            "num_hidden_layers": self.layers,
            "intermediate_size": self.intermediate,
            "num_attention_heads": self.heads,
            "num_key_value_heads": self.kv_heads,
            "tie_word_embeddings": self.tied,
        })
        .to_string()
    }

    /// The attention block of layer `prefix` (`model.layers.N`), with `linear` naming each
    /// projection's stored tensors.
    pub fn attention(&self, prefix: &str, linear: &dyn Fn(&str, u64, u64) -> Vec<T>) -> Vec<T> {
        let (h, q, kv) = (
            self.hidden,
            self.heads * self.head_dim,
            self.kv_heads * self.head_dim,
        );
        let mut v = Vec::new();
        v.extend(linear(&format!("{prefix}.self_attn.q_proj"), q, h));
        v.extend(linear(&format!("{prefix}.self_attn.k_proj"), kv, h));
        v.extend(linear(&format!("{prefix}.self_attn.v_proj"), kv, h));
        v.extend(linear(&format!("{prefix}.self_attn.o_proj"), h, q));
        v
    }

    pub fn norms(&self, prefix: &str) -> Vec<T> {
        vec![
            t(
                format!("{prefix}.input_layernorm.weight"),
                "BF16",
                &[self.hidden],
            ),
            t(
                format!("{prefix}.post_attention_layernorm.weight"),
                "BF16",
                &[self.hidden],
            ),
        ]
    }

    /// The whole model with each linear layer stored by `linear(name, out, in)`; embeddings and
    /// norms in BF16.
    pub fn tensors_with(&self, linear: &dyn Fn(&str, u64, u64) -> Vec<T>) -> Vec<T> {
        let h = self.hidden;
        let mut v = vec![t("model.embed_tokens.weight", "BF16", &[self.vocab, h])];
        for i in 0..self.layers {
            let p = format!("model.layers.{i}");
            v.extend(self.attention(&p, linear));
            v.extend(linear(&format!("{p}.mlp.gate_proj"), self.intermediate, h));
            v.extend(linear(&format!("{p}.mlp.up_proj"), self.intermediate, h));
            v.extend(linear(&format!("{p}.mlp.down_proj"), h, self.intermediate));
            v.extend(self.norms(&p));
        }
        v.push(t("model.norm.weight", "BF16", &[h]));
        if !self.tied {
            v.push(t("lm_head.weight", "BF16", &[self.vocab, h]));
        }
        v
    }

    pub fn tensors(&self) -> Vec<T> {
        self.tensors_with(&bf16_linear)
    }
}

pub fn bf16_linear(name: &str, out: u64, inp: u64) -> Vec<T> {
    vec![t(format!("{name}.weight"), "BF16", &[out, inp])]
}

/// Mixtral 8x7B (mistralai/Mixtral-8x7B-v0.1 config.json): Mistral attention, 8 experts, top-2.
pub fn mixtral_8x7b() -> (Vec<T>, String) {
    let m = Llama {
        vocab: 32_000,
        hidden: 4_096,
        layers: 32,
        intermediate: 14_336,
        heads: 32,
        kv_heads: 8,
        head_dim: 128,
        tied: false,
    };
    let h = m.hidden;
    let mut v = vec![t("model.embed_tokens.weight", "BF16", &[m.vocab, h])];
    for i in 0..m.layers {
        let p = format!("model.layers.{i}");
        v.extend(m.attention(&p, &bf16_linear));
        v.push(t(
            format!("{p}.block_sparse_moe.gate.weight"),
            "BF16",
            &[8, h],
        ));
        for e in 0..8 {
            let x = format!("{p}.block_sparse_moe.experts.{e}");
            v.push(t(format!("{x}.w1.weight"), "BF16", &[m.intermediate, h]));
            v.push(t(format!("{x}.w2.weight"), "BF16", &[h, m.intermediate]));
            v.push(t(format!("{x}.w3.weight"), "BF16", &[m.intermediate, h]));
        }
        v.extend(m.norms(&p));
    }
    v.push(t("model.norm.weight", "BF16", &[h]));
    v.push(t("lm_head.weight", "BF16", &[m.vocab, h]));
    let config = serde_json::json!({
        "architectures": ["MixtralForCausalLM"],
        "hidden_size": 4096, "num_hidden_layers": 32, "num_local_experts": 8,
        "num_experts_per_tok": 2, "tie_word_embeddings": false, "vocab_size": 32000,
    });
    (v, config.to_string())
}

/// DeepSeek-V3 (deepseek-ai/DeepSeek-V3 config.json): MLA attention, 3 dense layers then 58 MoE
/// layers of 256 routed + 1 shared expert, top-8, FP8 weights with 128×128 block scales
/// (`weight_scale_inv`), and one multi-token-prediction layer (`model.layers.61`).
pub fn deepseek_v3() -> (Vec<T>, String) {
    let (h, vocab, layers, dense, inter, moe_inter) =
        (7_168u64, 129_280u64, 61u64, 3u64, 18_432u64, 2_048u64);
    let fp8 = |name: &str, out: u64, inp: u64| {
        vec![
            t(format!("{name}.weight"), "F8_E4M3", &[out, inp]),
            t(
                format!("{name}.weight_scale_inv"),
                "F32",
                &[out.div_ceil(128), inp.div_ceil(128)],
            ),
        ]
    };
    let layer = |i: u64| {
        let p = format!("model.layers.{i}");
        let mut v = Vec::new();
        let a = format!("{p}.self_attn");
        v.extend(fp8(&format!("{a}.q_a_proj"), 1_536, h));
        v.push(t(format!("{a}.q_a_layernorm.weight"), "BF16", &[1_536]));
        v.extend(fp8(&format!("{a}.q_b_proj"), 128 * 192, 1_536));
        v.extend(fp8(&format!("{a}.kv_a_proj_with_mqa"), 512 + 64, h));
        v.push(t(format!("{a}.kv_a_layernorm.weight"), "BF16", &[512]));
        v.extend(fp8(&format!("{a}.kv_b_proj"), 128 * (128 + 128), 512));
        v.extend(fp8(&format!("{a}.o_proj"), h, 128 * 128));
        if i < dense {
            v.extend(fp8(&format!("{p}.mlp.gate_proj"), inter, h));
            v.extend(fp8(&format!("{p}.mlp.up_proj"), inter, h));
            v.extend(fp8(&format!("{p}.mlp.down_proj"), h, inter));
        } else {
            v.push(t(format!("{p}.mlp.gate.weight"), "BF16", &[256, h]));
            v.push(t(
                format!("{p}.mlp.gate.e_score_correction_bias"),
                "F32",
                &[256],
            ));
            for e in 0..256 {
                let x = format!("{p}.mlp.experts.{e}");
                v.extend(fp8(&format!("{x}.gate_proj"), moe_inter, h));
                v.extend(fp8(&format!("{x}.up_proj"), moe_inter, h));
                v.extend(fp8(&format!("{x}.down_proj"), h, moe_inter));
            }
            let s = format!("{p}.mlp.shared_experts");
            v.extend(fp8(&format!("{s}.gate_proj"), moe_inter, h));
            v.extend(fp8(&format!("{s}.up_proj"), moe_inter, h));
            v.extend(fp8(&format!("{s}.down_proj"), h, moe_inter));
        }
        v.push(t(format!("{p}.input_layernorm.weight"), "BF16", &[h]));
        v.push(t(
            format!("{p}.post_attention_layernorm.weight"),
            "BF16",
            &[h],
        ));
        v
    };
    let mut v = vec![t("model.embed_tokens.weight", "BF16", &[vocab, h])];
    for i in 0..layers {
        v.extend(layer(i));
    }
    // The MTP module: a full MoE layer plus its own projections, embedding and head.
    let mut mtp = layer(layers);
    let p = format!("model.layers.{layers}");
    mtp.push(t(format!("{p}.enorm.weight"), "BF16", &[h]));
    mtp.push(t(format!("{p}.hnorm.weight"), "BF16", &[h]));
    mtp.push(t(format!("{p}.eh_proj.weight"), "BF16", &[h, 2 * h]));
    mtp.push(t(format!("{p}.embed_tokens.weight"), "BF16", &[vocab, h]));
    mtp.push(t(format!("{p}.shared_head.norm.weight"), "BF16", &[h]));
    mtp.push(t(
        format!("{p}.shared_head.head.weight"),
        "BF16",
        &[vocab, h],
    ));
    v.extend(mtp);
    v.push(t("model.norm.weight", "BF16", &[h]));
    v.push(t("lm_head.weight", "BF16", &[vocab, h]));
    let config = serde_json::json!({
        "architectures": ["DeepseekV3ForCausalLM"],
        "hidden_size": 7168, "num_hidden_layers": 61, "first_k_dense_replace": 3,
        "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8,
        "num_nextn_predict_layers": 1, "tie_word_embeddings": false, "vocab_size": 129280,
        "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8", "weight_block_size": [128, 128]},
    });
    (v, config.to_string())
}

/// gpt-oss-120b (openai/gpt-oss-120b config.json): 36 layers, 128 experts fused per layer in
/// MXFP4 (`*_blocks` + `*_scales`), 4 per token, attention biases and sinks, untied head.
pub fn gpt_oss_120b() -> (Vec<T>, String) {
    let (h, vocab, layers, experts, inter) = (2_880u64, 201_088u64, 36u64, 128u64, 2_880u64);
    let (heads, kv_heads, head_dim) = (64u64, 8u64, 64u64);
    let mut v = vec![t("model.embed_tokens.weight", "BF16", &[vocab, h])];
    for i in 0..layers {
        let p = format!("model.layers.{i}");
        for (name, out, inp) in [
            ("q_proj", heads * head_dim, h),
            ("k_proj", kv_heads * head_dim, h),
            ("v_proj", kv_heads * head_dim, h),
            ("o_proj", h, heads * head_dim),
        ] {
            v.push(t(
                format!("{p}.self_attn.{name}.weight"),
                "BF16",
                &[out, inp],
            ));
            v.push(t(format!("{p}.self_attn.{name}.bias"), "BF16", &[out]));
        }
        v.push(t(format!("{p}.self_attn.sinks"), "BF16", &[heads]));
        v.push(t(format!("{p}.mlp.router.weight"), "BF16", &[experts, h]));
        v.push(t(format!("{p}.mlp.router.bias"), "BF16", &[experts]));
        // 32 FP4 values per 16-byte block.
        v.push(t(
            format!("{p}.mlp.experts.gate_up_proj_blocks"),
            "U8",
            &[experts, 2 * inter, h / 32, 16],
        ));
        v.push(t(
            format!("{p}.mlp.experts.gate_up_proj_scales"),
            "U8",
            &[experts, 2 * inter, h / 32],
        ));
        v.push(t(
            format!("{p}.mlp.experts.gate_up_proj_bias"),
            "BF16",
            &[experts, 2 * inter],
        ));
        v.push(t(
            format!("{p}.mlp.experts.down_proj_blocks"),
            "U8",
            &[experts, h, inter / 32, 16],
        ));
        v.push(t(
            format!("{p}.mlp.experts.down_proj_scales"),
            "U8",
            &[experts, h, inter / 32],
        ));
        v.push(t(
            format!("{p}.mlp.experts.down_proj_bias"),
            "BF16",
            &[experts, h],
        ));
        v.push(t(format!("{p}.input_layernorm.weight"), "BF16", &[h]));
        v.push(t(
            format!("{p}.post_attention_layernorm.weight"),
            "BF16",
            &[h],
        ));
    }
    v.push(t("model.norm.weight", "BF16", &[h]));
    v.push(t("lm_head.weight", "BF16", &[vocab, h]));
    let config = serde_json::json!({
        "architectures": ["GptOssForCausalLM"],
        "hidden_size": 2880, "num_hidden_layers": 36, "num_local_experts": 128,
        "experts_per_token": 4, "tie_word_embeddings": false, "vocab_size": 201088,
        "quantization_config": {"quant_method": "mxfp4", "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"]},
    });
    (v, config.to_string())
}

/// Llama 4 Scout's language model (meta-llama/Llama-4-Scout-17B-16E config.json, `text_config`):
/// 48 layers, 16 experts fused per layer, top-1, one shared expert; vision tower omitted.
pub fn llama4_scout_text() -> (Vec<T>, String) {
    let (h, vocab, layers, experts, inter) = (5_120u64, 202_048u64, 48u64, 16u64, 8_192u64);
    let m = Llama {
        vocab,
        hidden: h,
        layers,
        intermediate: inter,
        heads: 40,
        kv_heads: 8,
        head_dim: 128,
        tied: false,
    };
    let root = "language_model.model";
    let mut v = vec![t(
        format!("{root}.embed_tokens.weight"),
        "BF16",
        &[vocab, h],
    )];
    for i in 0..layers {
        let p = format!("{root}.layers.{i}");
        v.extend(m.attention(&p, &bf16_linear));
        let f = format!("{p}.feed_forward");
        v.push(t(format!("{f}.router.weight"), "BF16", &[experts, h]));
        v.push(t(
            format!("{f}.experts.gate_up_proj"),
            "BF16",
            &[experts, h, 2 * inter],
        ));
        v.push(t(
            format!("{f}.experts.down_proj"),
            "BF16",
            &[experts, inter, h],
        ));
        v.push(t(
            format!("{f}.shared_expert.gate_proj.weight"),
            "BF16",
            &[inter, h],
        ));
        v.push(t(
            format!("{f}.shared_expert.up_proj.weight"),
            "BF16",
            &[inter, h],
        ));
        v.push(t(
            format!("{f}.shared_expert.down_proj.weight"),
            "BF16",
            &[h, inter],
        ));
        v.extend(m.norms(&p));
    }
    v.push(t(format!("{root}.norm.weight"), "BF16", &[h]));
    v.push(t("language_model.lm_head.weight", "BF16", &[vocab, h]));
    let config = serde_json::json!({
        "architectures": ["Llama4ForConditionalGeneration"],
        "tie_word_embeddings": false,
        "text_config": {"hidden_size": 5120, "num_hidden_layers": 48, "num_local_experts": 16, "num_experts_per_tok": 1, "vocab_size": 202048},
        "vision_config": {"num_hidden_layers": 34},
    });
    (v, config.to_string())
}

/// A GPTQ 4-bit linear layer (AutoGPTQ layout, group size 128): `qweight` int32 [in/8, out],
/// `qzeros` int32 [in/128, out/8], `scales` fp16 [in/128, out], `g_idx` int32 [in].
pub fn gptq4_linear(name: &str, out: u64, inp: u64) -> Vec<T> {
    vec![
        t(format!("{name}.qweight"), "I32", &[inp / 8, out]),
        t(format!("{name}.qzeros"), "I32", &[inp / 128, out / 8]),
        t(format!("{name}.scales"), "F16", &[inp / 128, out]),
        t(format!("{name}.g_idx"), "I32", &[inp]),
    ]
}

/// A bitsandbytes NF4 linear layer: uint8 [out×in/2, 1] plus its quant state.
pub fn bnb4_linear(name: &str, out: u64, inp: u64) -> Vec<T> {
    let blocks = out * inp / 64;
    vec![
        t(format!("{name}.weight"), "U8", &[out * inp / 2, 1]),
        t(format!("{name}.weight.absmax"), "F32", &[blocks]),
        t(format!("{name}.weight.quant_map"), "F32", &[16]),
        t(
            format!("{name}.weight.quant_state.bitsandbytes__nf4"),
            "U8",
            &[16],
        ),
    ]
}

/// A compressed-tensors W4A16 linear layer (pack-quantized): int32 [out, in/8] plus scales and
/// the original shape.
pub fn compressed4_linear(name: &str, out: u64, inp: u64) -> Vec<T> {
    vec![
        t(format!("{name}.weight_packed"), "I32", &[out, inp / 8]),
        t(format!("{name}.weight_scale"), "BF16", &[out, inp / 128]),
        t(format!("{name}.weight_shape"), "I64", &[2]),
    ]
}

/// An MLX 4-bit linear layer (group size 64): uint32 [out, in/8], scales and biases [out, in/64].
pub fn mlx4_linear(name: &str, out: u64, inp: u64) -> Vec<T> {
    vec![
        t(format!("{name}.weight"), "U32", &[out, inp / 8]),
        t(format!("{name}.scales"), "BF16", &[out, inp / 64]),
        t(format!("{name}.biases"), "BF16", &[out, inp / 64]),
    ]
}
