/*!
The few facts a parameter count needs from a model's `config.json`: the number of hidden layers
(to tell multi-token-prediction layers apart), whether input and output embeddings are tied, the
MoE routing (experts per token, routed and shared experts), and the quantization scheme with its
bit width. Multimodal configs nest the language model under `text_config` (Llama 4, Gemma 3,
Mistral 3) or `language_config` / `llm_config`; a key is looked up at the top level first, then
there.
*/

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::error::Error;

/// A parsed `config.json`.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub path: PathBuf,
    root: Map<String, Value>,
}

/// The quantization section of a config: `quantization_config`, or MLX's `quantization`.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantConfig {
    /// `quant_method` as written (`gptq`, `awq`, `bitsandbytes`, `mxfp4`, `compressed-tensors`,
    /// `fp8`, `modelopt`, …), or `mlx`.
    pub method: String,
    /// Bits per weight, where the scheme states one.
    pub bits: Option<u32>,
    /// bitsandbytes: `load_in_4bit` (true) or `load_in_8bit` (false).
    pub bnb_4bit: Option<bool>,
    /// ModelOpt: `quant_algo` (e.g. `NVFP4`, `FP8`).
    pub algo: Option<String>,
}

const NESTED: [&str; 3] = ["text_config", "language_config", "llm_config"];

impl ModelConfig {
    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<ModelConfig, Error> {
        let text = super::input::read(path, super::input::Kind::Config)?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &[u8]) -> Result<ModelConfig, Error> {
        let value: Value = serde_json::from_slice(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        match value {
            Value::Object(root) => Ok(ModelConfig {
                path: path.to_path_buf(),
                root,
            }),
            _ => Err(Error::Config {
                path: path.to_path_buf(),
                message: "not a JSON object".into(),
            }),
        }
    }

    /// The value of `key` at the top level, else in a nested language-model config.
    fn get(&self, key: &str) -> Option<&Value> {
        self.root.get(key).filter(|v| !v.is_null()).or_else(|| {
            NESTED
                .iter()
                .filter_map(|n| self.root.get(*n)?.as_object())
                .find_map(|o| o.get(key).filter(|v| !v.is_null()))
        })
    }

    fn first_u64(&self, keys: &[&str]) -> Option<u64> {
        keys.iter().find_map(|k| self.get(k)?.as_u64())
    }

    pub fn num_hidden_layers(&self) -> Option<u64> {
        self.first_u64(&["num_hidden_layers", "n_layer", "num_layers", "n_layers"])
    }

    pub fn tie_word_embeddings(&self) -> Option<bool> {
        self.get("tie_word_embeddings")?.as_bool()
    }

    /// k, the number of routed experts each token uses.
    pub fn experts_per_token(&self) -> Option<u64> {
        self.first_u64(&[
            "num_experts_per_tok",
            "experts_per_token",
            "moe_top_k",
            "num_experts_per_token",
        ])
    }

    /// E, the routed experts per MoE layer, as the config states it.
    pub fn routed_experts(&self) -> Option<u64> {
        self.first_u64(&[
            "n_routed_experts",
            "num_local_experts",
            "num_experts",
            "moe_num_experts",
        ])
    }

    pub fn shared_experts(&self) -> Option<u64> {
        self.first_u64(&["n_shared_experts", "num_shared_experts"])
    }

    /// The quantization scheme, if the config declares one.
    pub fn quantization(&self) -> Option<QuantConfig> {
        if let Some(q) = self.get("quantization_config").and_then(Value::as_object) {
            let method = q
                .get("quant_method")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            let bits = ["bits", "w_bit", "num_bits"]
                .iter()
                .find_map(|k| q.get(*k)?.as_u64())
                .or_else(|| compressed_tensors_bits(q))
                .and_then(|b| u32::try_from(b).ok());
            let flag = |k: &str| {
                q.get(k)
                    .or_else(|| q.get(&format!("_{k}")))
                    .and_then(Value::as_bool)
            };
            let bnb_4bit = match (flag("load_in_4bit"), flag("load_in_8bit")) {
                (Some(true), _) => Some(true),
                (_, Some(true)) => Some(false),
                _ => None,
            };
            let algo = q
                .get("quant_algo")
                .or_else(|| q.get("quantization").and_then(|x| x.get("quant_algo")))
                .and_then(Value::as_str)
                .map(str::to_string);
            return Some(QuantConfig {
                method: method.to_string(),
                bits,
                bnb_4bit,
                algo,
            });
        }
        // MLX writes `"quantization": {"group_size": 64, "bits": 4}` at the top level.
        let q = self.root.get("quantization")?.as_object()?;
        Some(QuantConfig {
            method: "mlx".into(),
            bits: q.get("bits")?.as_u64().and_then(|b| u32::try_from(b).ok()),
            bnb_4bit: None,
            algo: None,
        })
    }
}

/// compressed-tensors keeps the weight bit width per scheme group:
/// `config_groups.group_0.weights.num_bits`. All groups must agree for one answer.
fn compressed_tensors_bits(q: &Map<String, Value>) -> Option<u64> {
    let groups = q.get("config_groups")?.as_object()?;
    let mut bits = groups
        .values()
        .filter_map(|g| g.get("weights")?.get("num_bits")?.as_u64());
    let first = bits.next()?;
    bits.all(|b| b == first).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(json: &str) -> ModelConfig {
        ModelConfig::parse(Path::new("config.json"), json.as_bytes()).unwrap()
    }

    #[test]
    fn nested_text_config_is_read() {
        let c = cfg(
            r#"{"tie_word_embeddings":false,"text_config":{"num_hidden_layers":48,"num_experts_per_tok":1,"num_local_experts":16}}"#,
        );
        assert_eq!(c.num_hidden_layers(), Some(48));
        assert_eq!(c.experts_per_token(), Some(1));
        assert_eq!(c.routed_experts(), Some(16));
        assert_eq!(c.tie_word_embeddings(), Some(false));
    }

    #[test]
    fn quantization_bits_come_from_every_known_place() {
        let gptq = cfg(r#"{"quantization_config":{"quant_method":"gptq","bits":4}}"#);
        assert_eq!(gptq.quantization().unwrap().bits, Some(4));
        let ct = cfg(
            r#"{"quantization_config":{"quant_method":"compressed-tensors","config_groups":{"group_0":{"weights":{"num_bits":4}}}}}"#,
        );
        assert_eq!(ct.quantization().unwrap().bits, Some(4));
        let mlx = cfg(r#"{"quantization":{"group_size":64,"bits":3}}"#);
        assert_eq!(
            mlx.quantization().unwrap(),
            QuantConfig {
                method: "mlx".into(),
                bits: Some(3),
                bnb_4bit: None,
                algo: None
            }
        );
        let bnb =
            cfg(r#"{"quantization_config":{"quant_method":"bitsandbytes","_load_in_4bit":true}}"#);
        assert_eq!(bnb.quantization().unwrap().bnb_4bit, Some(true));
    }

    #[test]
    fn a_config_that_is_not_an_object_is_rejected() {
        let e = ModelConfig::parse(Path::new("c.json"), b"[1]").unwrap_err();
        assert!(e
            .to_string()
            .contains("c.json: config is not valid: not a JSON object"));
    }
}
