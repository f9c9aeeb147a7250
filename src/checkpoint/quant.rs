/*!
Quantization schemes and what each stored tensor is under them: a parameter (possibly packed,
several values per stored element), quantization bookkeeping (scales, zero points, group indices:
not parameters of the model), or a non-trainable buffer.

Packing factors, as each format defines them:
- GPTQ / AWQ `qweight`: int32 words holding 32/bits values;
- bitsandbytes 4-bit: uint8 bytes holding two 4-bit values;
- MXFP4 `*_blocks` (gpt-oss): uint8 bytes holding two FP4 values;
- compressed-tensors `weight_packed`: container bits / `num_bits` values per element;
- MLX quantized `weight`: uint32 words holding 32/bits values;
- ModelOpt NVFP4 `weight`: uint8 bytes holding two FP4 values.
*/

use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::config::QuantConfig;
use super::dtype::Dtype;
use super::header::Tensor;
use super::path::last_component;

/// The quantization scheme a checkpoint uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    Gptq {
        bits: Option<u32>,
    },
    Awq {
        bits: Option<u32>,
    },
    Bnb4,
    Bnb8,
    Mxfp4,
    CompressedTensors {
        bits: Option<u32>,
    },
    Mlx {
        bits: Option<u32>,
    },
    /// FP8 with block scales (DeepSeek `weight_scale_inv`, FBGEMM `weight_scale`): unpacked.
    Fp8,
    ModelOpt {
        algo: Option<String>,
    },
    /// A `quant_method` we do not know: weights are counted as stored.
    Other {
        method: String,
        bits: Option<u32>,
    },
}

impl Scheme {
    /// The scheme a config declares.
    pub fn from_config(q: &QuantConfig) -> Scheme {
        match q.method.to_ascii_lowercase().as_str() {
            "gptq" => Scheme::Gptq { bits: q.bits },
            "awq" => Scheme::Awq { bits: q.bits },
            "bitsandbytes" if q.bnb_4bit == Some(true) => Scheme::Bnb4,
            "bitsandbytes" if q.bnb_4bit == Some(false) => Scheme::Bnb8,
            "mxfp4" => Scheme::Mxfp4,
            "compressed-tensors" => Scheme::CompressedTensors { bits: q.bits },
            "mlx" => Scheme::Mlx { bits: q.bits },
            "fp8" | "fbgemm_fp8" => Scheme::Fp8,
            "modelopt" => Scheme::ModelOpt {
                algo: q.algo.clone(),
            },
            other => Scheme::Other {
                method: other.to_string(),
                bits: q.bits,
            },
        }
    }

    /// The scheme the tensor names reveal when no config says (bit widths are then unknown,
    /// except where the format fixes them).
    pub fn from_names<'t>(tensors: impl IntoIterator<Item = Tensor<'t>>) -> Option<Scheme> {
        // One pass, remembering each sign; the first in this order wins.
        let mut seen = [false; 6];
        for t in tensors {
            let last = last_component(t.name);
            seen[0] |= t.name.contains(".quant_state.bitsandbytes__");
            seen[1] |= last == "qweight";
            seen[2] |= last == "weight_packed";
            seen[3] |= last.ends_with("_blocks") && *t.dtype == Dtype::U8;
            seen[4] |= last == "weight_scale_inv";
            seen[5] |= last == "SCB";
        }
        let schemes = [
            Scheme::Bnb4,
            Scheme::Gptq { bits: None },
            Scheme::CompressedTensors { bits: None },
            Scheme::Mxfp4,
            Scheme::Fp8,
            Scheme::Bnb8,
        ];
        seen.iter()
            .zip(schemes)
            .find(|(s, _)| **s)
            .map(|(_, scheme)| scheme)
    }

    /// The method name as users write it.
    pub fn method(&self) -> &str {
        match self {
            Scheme::Gptq { .. } => "gptq",
            Scheme::Awq { .. } => "awq",
            Scheme::Bnb4 => "bitsandbytes-4bit",
            Scheme::Bnb8 => "bitsandbytes-8bit",
            Scheme::Mxfp4 => "mxfp4",
            Scheme::CompressedTensors { .. } => "compressed-tensors",
            Scheme::Mlx { .. } => "mlx",
            Scheme::Fp8 => "fp8",
            Scheme::ModelOpt { .. } => "modelopt",
            Scheme::Other { method, .. } => method,
        }
    }

    /// Bits per quantized weight, where known.
    pub fn bits(&self) -> Option<u32> {
        match self {
            Scheme::Gptq { bits }
            | Scheme::Awq { bits }
            | Scheme::CompressedTensors { bits }
            | Scheme::Mlx { bits }
            | Scheme::Other { bits, .. } => *bits,
            Scheme::Bnb4 | Scheme::Mxfp4 => Some(4),
            Scheme::Bnb8 | Scheme::Fp8 => Some(8),
            Scheme::ModelOpt { algo } => match algo.as_deref() {
                Some(a) if a.eq_ignore_ascii_case("nvfp4") => Some(4),
                Some(a) if a.eq_ignore_ascii_case("fp8") => Some(8),
                _ => None,
            },
        }
    }
}

/// A bit width from a config, checked against what `method` (lower case) allows: the packed
/// formats divide a word's bits by it, so 0 is never a width, and one past the word never is.
///
/// - `gptq`: 2, 3, 4, 8 (transformers `GPTQConfig.post_init`, src/transformers/utils/
///   quantization_config.py); `auto-round`, which packs `qweight` the same way, the same
///   (`AutoRoundConfig.post_init`);
/// - `awq`: 4 and 8 (AutoAWQ's `WQLinear_GEMM` writes only 4 bits, "Only 4-bit are supported for
///   now"; vLLM's `AWQMarlinConfig.TYPE_MAP` also loads 8);
/// - `mlx`: 2, 3, 4, 5, 6, 8 (`mlx.core.quantize`, the documented bits of its affine mode; its
///   mxfp4, nvfp4 and mxfp8 modes use 4 and 8);
/// - `compressed-tensors`: 1 to 8 (`pack_to_int32` in compressed_tensors/compressors/
///   quantized_compressors/pack_quantized.py rejects `num_bits` < 1 and > 8);
/// - bitsandbytes states no width (`load_in_4bit` / `load_in_8bit` decide); any other method:
///   1 to 32, what a 32-bit word (the widest container packing formats use) can hold.
pub fn check_bits(method: &str, bits: u64) -> Result<u32, String> {
    let listed: Option<(&[u64], &str)> = match method {
        "gptq" => Some((&[2, 3, 4, 8], "transformers GPTQConfig")),
        "auto-round" => Some((&[2, 3, 4, 8], "transformers AutoRoundConfig")),
        "awq" => Some((&[4, 8], "AutoAWQ writes 4, vLLM's AWQ Marlin loads 4 and 8")),
        "mlx" => Some((&[2, 3, 4, 5, 6, 8], "mlx.core.quantize")),
        _ => None,
    };
    let (ok, allowed) = match (listed, method) {
        (Some((set, source)), _) => {
            let list: Vec<String> = set.iter().map(u64::to_string).collect();
            (
                set.contains(&bits),
                format!("{} ({source})", list.join(", ")),
            )
        }
        (None, "compressed-tensors") => (
            (1..=8).contains(&bits),
            "1 to 8 (compressed-tensors pack_to_int32)".to_string(),
        ),
        (None, _) => (
            (1..=32).contains(&bits),
            "1 to 32 (what the 32-bit words of packed weights hold)".to_string(),
        ),
    };
    match ok {
        // Every allowed width is at most 32.
        true => Ok(bits as u32),
        false => Err(format!(
            "{bits} is not a bit width {method} allows: {allowed}"
        )),
    }
}

/// What a stored tensor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Model parameters: `elements × per_element_num / per_element_den` of them.
    Parameter { num: u64, den: u64 },
    /// Quantization bookkeeping (scales, zero points, group indices, shapes).
    Bookkeeping,
    /// A non-trainable buffer (position ids, rotary frequencies, causal masks).
    Buffer,
}

/// A packed tensor whose bit width is not known, so its parameter count is not either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBits;

pub const UNPACKED: Role = Role::Parameter { num: 1, den: 1 };

/// Names (last path component) that are quantization bookkeeping under any scheme.
const BOOKKEEPING: &[&str] = &[
    "qzeros",
    "g_idx",
    "weight_scale",
    "weight_scale_inv",
    "weight_scale_2",
    "weight_zero_point",
    "weight_global_scale",
    "weight_g_idx",
    "weight_shape",
    "input_scale",
    "input_zero_point",
    "input_global_scale",
    "output_scale",
    "k_scale",
    "v_scale",
    "q_scale",
    "absmax",
    "quant_map",
    "nested_absmax",
    "nested_quant_map",
    "SCB",
    "weight_format",
];

/// Classifies one tensor. `has(name)` tells whether the checkpoint holds a tensor of that name,
/// for sibling checks (a `scales` tensor is bookkeeping only beside a packed weight); it is asked
/// only for the few names that need it.
pub fn role(
    t: &Tensor,
    scheme: Option<&Scheme>,
    has: &dyn Fn(&str) -> bool,
) -> Result<Role, UnknownBits> {
    let name = t.name;
    let last = last_component(name);
    let stem = &name[..name.len() - last.len()]; // includes the trailing dot, or is empty
    let sibling = |suffix: &str| has(&format!("{stem}{suffix}"));

    static QUANT_STATE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(".quant_state."));
    if BOOKKEEPING.contains(&last)
        || t.dtype.is_scale_only()
        || QUANT_STATE.find(name.as_bytes()).is_some()
    {
        return Ok(Role::Bookkeeping);
    }
    if let Some(base) = last.strip_suffix("_scales") {
        // MXFP4 `gate_up_proj_scales` beside `gate_up_proj_blocks`, or any `*_scales` in a
        // quantized checkpoint.
        if scheme.is_some() || sibling(&format!("{base}_blocks")) {
            return Ok(Role::Bookkeeping);
        }
    }
    let mlx = matches!(scheme, Some(Scheme::Mlx { .. }));
    if last == "scales"
        && (matches!(
            scheme,
            Some(Scheme::Gptq { .. } | Scheme::Awq { .. } | Scheme::Mlx { .. })
        ) || sibling("qweight"))
    {
        return Ok(Role::Bookkeeping);
    }
    // MLX affine quantization stores its zero points as `biases` (plural) beside `scales`.
    if last == "biases" && mlx && sibling("scales") {
        return Ok(Role::Bookkeeping);
    }

    let bits = scheme.and_then(Scheme::bits);
    let words = |container: u64| -> Result<Role, UnknownBits> {
        // Widths from a config are checked (`check_bits`); 0 could only come from elsewhere.
        let b = u64::from(bits.filter(|&b| b > 0).ok_or(UnknownBits)?);
        Ok(Role::Parameter {
            num: container,
            den: b,
        })
    };
    if last == "qweight" {
        return words(32);
    }
    if last == "weight_packed" {
        let container = t.dtype.bits().ok_or(UnknownBits)?;
        return words(container);
    }
    if last.ends_with("_blocks") && *t.dtype == Dtype::U8 {
        return Ok(Role::Parameter { num: 2, den: 1 });
    }
    if last == "weight" {
        match (scheme, t.dtype) {
            (Some(Scheme::Bnb4), Dtype::U8) => return Ok(Role::Parameter { num: 2, den: 1 }),
            (Some(Scheme::ModelOpt { .. }), Dtype::U8) if bits == Some(4) => {
                return Ok(Role::Parameter { num: 2, den: 1 })
            }
            (Some(Scheme::Mlx { .. }), Dtype::U32) => return words(32),
            // int8 weights (bitsandbytes 8-bit, compressed-tensors int-quantized) are unpacked.
            (Some(_), d) if d.is_integer() => return Ok(UNPACKED),
            _ => {}
        }
    }

    if is_buffer_name(name, last, t) || t.dtype.is_integer() {
        return Ok(Role::Buffer);
    }
    Ok(UNPACKED)
}

/// Float buffers that older exports saved beside the weights.
fn is_buffer_name(name: &str, last: &str, t: &Tensor) -> bool {
    last == "inv_freq"
        || last == "position_ids"
        || last == "masked_bias"
        // GPT-2's causal mask `h.N.attn.bias`, shape [1, 1, n_ctx, n_ctx].
        || (last == "bias" && name.ends_with(".attn.bias") && t.shape.len() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tensor view over leaked test data (tests only, a few bytes each).
    fn t(name: &'static str, dtype: &str, shape: &[u64]) -> Tensor<'static> {
        Tensor {
            name,
            hash: crate::checkpoint::text::name_hash(name),
            dtype: Box::leak(Box::new(Dtype::parse(dtype))),
            shape: Box::leak(shape.to_vec().into_boxed_slice()),
            elements: shape.iter().product(),
        }
    }

    fn role_of(x: &Tensor, scheme: Option<&Scheme>, all: &[&str]) -> Result<Role, UnknownBits> {
        role(x, scheme, &|n| all.contains(&n))
    }

    #[test]
    fn gptq_qweight_unpacks_to_32_over_bits_and_its_bookkeeping_is_skipped() {
        let s = Scheme::Gptq { bits: Some(4) };
        let all = ["l.qweight", "l.qzeros", "l.scales", "l.g_idx", "l.bias"];
        assert_eq!(
            role_of(&t("l.qweight", "I32", &[512, 4096]), Some(&s), &all),
            Ok(Role::Parameter { num: 32, den: 4 })
        );
        for b in ["l.qzeros", "l.g_idx"] {
            assert_eq!(
                role_of(&t(b, "I32", &[32, 512]), Some(&s), &all),
                Ok(Role::Bookkeeping)
            );
        }
        assert_eq!(
            role_of(&t("l.scales", "F16", &[32, 4096]), Some(&s), &all),
            Ok(Role::Bookkeeping)
        );
        assert_eq!(
            role_of(&t("l.bias", "F16", &[4096]), Some(&s), &all),
            Ok(UNPACKED)
        );
    }

    #[test]
    fn packed_weights_without_a_bit_width_are_an_error_not_a_guess() {
        let s = Scheme::Gptq { bits: None };
        assert_eq!(
            role_of(
                &t("l.qweight", "I32", &[512, 4096]),
                Some(&s),
                &["l.qweight"]
            ),
            Err(UnknownBits)
        );
    }

    #[test]
    fn integer_tensors_outside_quantization_are_buffers() {
        assert_eq!(
            role_of(&t("embeddings.position_ids", "I64", &[1, 512]), None, &[]),
            Ok(Role::Buffer)
        );
        assert_eq!(
            role_of(&t("mask", "BOOL", &[8]), None, &[]),
            Ok(Role::Buffer)
        );
        assert_eq!(
            role_of(&t("l.rotary_emb.inv_freq", "F32", &[64]), None, &[]),
            Ok(Role::Buffer)
        );
        assert_eq!(
            role_of(&t("h.0.attn.bias", "F32", &[1, 1, 8, 8]), None, &[]),
            Ok(Role::Buffer)
        );
        assert_eq!(
            role_of(&t("h.0.attn.c_attn.bias", "F32", &[2304]), None, &[]),
            Ok(UNPACKED)
        );
    }

    #[test]
    fn mlx_biases_are_zero_points_but_model_biases_are_parameters() {
        let s = Scheme::Mlx { bits: Some(4) };
        let all = ["l.weight", "l.scales", "l.biases", "l.bias"];
        assert_eq!(
            role_of(&t("l.weight", "U32", &[4096, 512]), Some(&s), &all),
            Ok(Role::Parameter { num: 32, den: 4 })
        );
        assert_eq!(
            role_of(&t("l.biases", "F16", &[4096, 64]), Some(&s), &all),
            Ok(Role::Bookkeeping)
        );
        assert_eq!(
            role_of(&t("l.bias", "F16", &[4096]), Some(&s), &all),
            Ok(UNPACKED)
        );
    }

    #[test]
    fn scale_only_dtypes_are_bookkeeping() {
        assert_eq!(
            role_of(&t("x.weight_scale", "F8_E8M0", &[4]), None, &[]),
            Ok(Role::Bookkeeping)
        );
        assert_eq!(
            role_of(&t("x.e", "F8_E8M0", &[4]), None, &[]),
            Ok(Role::Bookkeeping)
        );
    }

    #[test]
    fn schemes_are_recognised_from_names_when_no_config_says() {
        let blocks = t("m.experts.down_proj_blocks", "U8", &[4, 8, 1, 16]);
        assert_eq!(Scheme::from_names([blocks]), Some(Scheme::Mxfp4));
        let q = t("l.qweight", "I32", &[1, 1]);
        assert_eq!(Scheme::from_names([q]), Some(Scheme::Gptq { bits: None }));
        let plain = t("l.weight", "BF16", &[1, 1]);
        assert_eq!(Scheme::from_names([plain]), None);
    }
}
