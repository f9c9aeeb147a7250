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
use super::quant;

/// A parsed `config.json`, every fact the count reads from it checked for its type when it is
/// parsed: a field that is there with the wrong type (`"num_experts_per_tok": "2"`) is an error
/// naming it, never taken for a missing one.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub path: PathBuf,
    num_hidden_layers: Option<u64>,
    tie_word_embeddings: Option<bool>,
    experts_per_token: Option<u64>,
    routed_experts: Option<u64>,
    shared_experts: Option<u64>,
    quantization: Option<QuantConfig>,
}

/// The quantization section of a config: `quantization_config`, or MLX's `quantization`.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantConfig {
    /// `quant_method` as written (`gptq`, `awq`, `bitsandbytes`, `mxfp4`, `compressed-tensors`,
    /// `fp8`, `modelopt`, …), or `mlx`.
    pub method: String,
    /// Bits per weight, where the scheme states one; always one the scheme allows
    /// ([`quant::check_bits`]).
    pub bits: Option<u32>,
    /// bitsandbytes: `load_in_4bit` (true) or `load_in_8bit` (false).
    pub bnb_4bit: Option<bool>,
    /// ModelOpt: `quant_algo` (e.g. `NVFP4`, `FP8`).
    pub algo: Option<String>,
}

const NESTED: [&str; 3] = ["text_config", "language_config", "llm_config"];

impl ModelConfig {
    /// Reads and parses `path` (a regular file of at most [`crate::fsio::CONFIG`]).
    pub fn load(path: &Path) -> Result<ModelConfig, Error> {
        let text = crate::fsio::read(path, &crate::fsio::CONFIG)?;
        Self::parse(path, &text)
    }

    /// Parses `text` and reads every fact the count uses, checking each for its type.
    pub fn parse(path: &Path, text: &[u8]) -> Result<ModelConfig, Error> {
        let value: Value = serde_json::from_slice(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: json_message(&e),
        })?;
        let Value::Object(root) = value else {
            return Err(Error::Config {
                path: path.to_path_buf(),
                message: "not a JSON object".into(),
            });
        };
        let r = Reader { path, root: &root };
        for nested in NESTED {
            if let Some(v) = root.get(nested).filter(|v| !v.is_null()) {
                r.object(nested, v)?;
            }
        }
        Ok(ModelConfig {
            path: path.to_path_buf(),
            num_hidden_layers: r.first_u64(&[
                "num_hidden_layers",
                "n_layer",
                "num_layers",
                "n_layers",
            ])?,
            tie_word_embeddings: r
                .lookup("tie_word_embeddings")
                .map(|(field, v)| r.boolean(&field, v))
                .transpose()?,
            experts_per_token: r.first_u64(&[
                "num_experts_per_tok",
                "experts_per_token",
                "moe_top_k",
                "num_experts_per_token",
            ])?,
            routed_experts: r.first_u64(&[
                "n_routed_experts",
                "num_local_experts",
                "num_experts",
                "moe_num_experts",
            ])?,
            shared_experts: r.first_u64(&["n_shared_experts", "num_shared_experts"])?,
            quantization: r.quantization()?,
        })
    }

    pub fn num_hidden_layers(&self) -> Option<u64> {
        self.num_hidden_layers
    }

    pub fn tie_word_embeddings(&self) -> Option<bool> {
        self.tie_word_embeddings
    }

    /// k, the number of routed experts each token uses.
    pub fn experts_per_token(&self) -> Option<u64> {
        self.experts_per_token
    }

    /// E, the routed experts per MoE layer, as the config states it.
    pub fn routed_experts(&self) -> Option<u64> {
        self.routed_experts
    }

    pub fn shared_experts(&self) -> Option<u64> {
        self.shared_experts
    }

    /// The quantization scheme, if the config declares one.
    pub fn quantization(&self) -> Option<QuantConfig> {
        self.quantization.clone()
    }
}

/// serde_json's message, with its recursion limit (128 nested arrays and objects) said as such.
fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.strip_prefix("recursion limit exceeded") {
        Some(at) => format!("arrays and objects nested more than 127 deep{at}"),
        None => message,
    }
}

/// Reads typed fields of one config, naming the file and the field (as a dotted path) when a
/// field has the wrong type.
struct Reader<'a> {
    path: &'a Path,
    root: &'a Map<String, Value>,
}

impl<'a> Reader<'a> {
    /// The value of `key` at the top level, else in a nested language-model config, with its
    /// dotted path. `null` counts as absent.
    fn lookup(&self, key: &str) -> Option<(String, &'a Value)> {
        if let Some(v) = self.root.get(key).filter(|v| !v.is_null()) {
            return Some((key.to_string(), v));
        }
        NESTED.iter().find_map(|n| {
            let v = self.root.get(*n)?.as_object()?.get(key)?;
            (!v.is_null()).then(|| (format!("{n}.{key}"), v))
        })
    }

    /// The first of `keys` that is present, which must be a non-negative integer.
    fn first_u64(&self, keys: &[&str]) -> Result<Option<u64>, Error> {
        keys.iter()
            .find_map(|k| self.lookup(k))
            .map(|(field, v)| self.uint(&field, v))
            .transpose()
    }

    fn wrong(&self, field: &str, v: &Value, expected: &str) -> Error {
        Error::ConfigField {
            path: self.path.to_path_buf(),
            field: field.to_string(),
            problem: format!("{} where {expected} is expected", describe(v)),
        }
    }

    fn uint(&self, field: &str, v: &Value) -> Result<u64, Error> {
        v.as_u64()
            .ok_or_else(|| self.wrong(field, v, "a non-negative integer"))
    }

    fn boolean(&self, field: &str, v: &Value) -> Result<bool, Error> {
        v.as_bool()
            .ok_or_else(|| self.wrong(field, v, "true or false"))
    }

    fn string(&self, field: &str, v: &'a Value) -> Result<&'a str, Error> {
        v.as_str().ok_or_else(|| self.wrong(field, v, "a string"))
    }

    fn object(&self, field: &str, v: &'a Value) -> Result<&'a Map<String, Value>, Error> {
        v.as_object()
            .ok_or_else(|| self.wrong(field, v, "an object"))
    }

    /// `key` of the object `q` at `at`, absent when missing or `null`.
    fn field(&self, q: &'a Map<String, Value>, at: &str, key: &str) -> Option<(String, &'a Value)> {
        let v = q.get(key).filter(|v| !v.is_null())?;
        Some((format!("{at}.{key}"), v))
    }

    fn bits(&self, method: &str, field: &str, v: &Value) -> Result<u32, Error> {
        let bits = self.uint(field, v)?;
        quant::check_bits(method, bits).map_err(|problem| Error::ConfigField {
            path: self.path.to_path_buf(),
            field: field.to_string(),
            problem,
        })
    }

    fn quantization(&self) -> Result<Option<QuantConfig>, Error> {
        // MLX writes `"quantization": {"group_size": 64, "bits": 4}` at the top level (mlx-lm
        // also copies it to `quantization_config`, without a `quant_method`).
        let mlx = match self.root.get("quantization").filter(|v| !v.is_null()) {
            Some(v) => Some(self.object("quantization", v)?),
            None => None,
        };
        let Some((at, q)) = self.lookup("quantization_config") else {
            let Some(q) = mlx else {
                return Ok(None);
            };
            let bits = self
                .field(q, "quantization", "bits")
                .map(|(field, v)| self.bits("mlx", &field, v))
                .transpose()?;
            return Ok(Some(QuantConfig {
                method: "mlx".into(),
                bits,
                bnb_4bit: None,
                algo: None,
            }));
        };
        let q = self.object(&at, q)?;
        let method = match self.field(q, &at, "quant_method") {
            Some((field, v)) => self.string(&field, v)?.to_string(),
            None if mlx.is_some() => "mlx".to_string(),
            None => "unknown".to_string(),
        };
        let lower = method.to_ascii_lowercase();
        let bits = match ["bits", "w_bit", "num_bits"]
            .iter()
            .find_map(|k| self.field(q, &at, k))
        {
            Some((field, v)) => Some(self.bits(&lower, &field, v)?),
            None => self.compressed_tensors_bits(q, &at, &lower)?,
        };
        let flag = |k: &str| -> Result<Option<bool>, Error> {
            self.field(q, &at, k)
                .or_else(|| self.field(q, &at, &format!("_{k}")))
                .map(|(field, v)| self.boolean(&field, v))
                .transpose()
        };
        let bnb_4bit = match (flag("load_in_4bit")?, flag("load_in_8bit")?) {
            (Some(true), Some(true)) => {
                return Err(Error::ConfigField {
                    path: self.path.to_path_buf(),
                    field: at,
                    problem: "load_in_4bit and load_in_8bit are both true; bitsandbytes loads one or the other".into(),
                })
            }
            (Some(true), _) => Some(true),
            (_, Some(true)) => Some(false),
            _ => None,
        };
        let algo = match self.field(q, &at, "quant_algo") {
            Some((field, v)) => Some(self.string(&field, v)?),
            None => match self.field(q, &at, "quantization") {
                Some((field, v)) => {
                    let inner = self.object(&field, v)?;
                    match self.field(inner, &field, "quant_algo") {
                        Some((field, v)) => Some(self.string(&field, v)?),
                        None => None,
                    }
                }
                None => None,
            },
        };
        Ok(Some(QuantConfig {
            method,
            bits,
            bnb_4bit,
            algo: algo.map(str::to_string),
        }))
    }

    /// compressed-tensors keeps the weight bit width per scheme group:
    /// `config_groups.group_0.weights.num_bits`. Each is checked; all groups must agree for one
    /// answer.
    fn compressed_tensors_bits(
        &self,
        q: &'a Map<String, Value>,
        at: &str,
        method: &str,
    ) -> Result<Option<u32>, Error> {
        let Some((field, groups)) = self.field(q, at, "config_groups") else {
            return Ok(None);
        };
        let groups = self.object(&field, groups)?;
        let mut all = Vec::new();
        for (name, group) in groups {
            let at = format!("{field}.{name}");
            let group = self.object(&at, group)?;
            let Some((at, weights)) = self.field(group, &at, "weights") else {
                continue;
            };
            let weights = self.object(&at, weights)?;
            if let Some((field, v)) = self.field(weights, &at, "num_bits") {
                all.push(self.bits(method, &field, v)?);
            }
        }
        let first = all.first().copied();
        Ok(first.filter(|&b| all.iter().all(|&x| x == b)))
    }
}

/// A JSON value's type, and the value when it is short, for messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) if n.is_u64() => format!("an integer ({n})"),
        Value::Number(n) if n.is_i64() => format!("a negative integer ({n})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) if s.chars().count() <= 40 => format!("a string ({s:?})"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
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

    fn err(json: &str) -> String {
        ModelConfig::parse(Path::new("config.json"), json.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_field_present_with_the_wrong_type_is_named_not_taken_as_missing() {
        assert_eq!(
            err(r#"{"num_experts_per_tok": "2"}"#),
            r#"config.json: num_experts_per_tok: a string ("2") where a non-negative integer is expected"#
        );
        assert_eq!(
            err(r#"{"text_config": {"num_hidden_layers": -1}}"#),
            "config.json: text_config.num_hidden_layers: a negative integer (-1) where a non-negative integer is expected"
        );
        assert_eq!(
            err(r#"{"num_local_experts": 8.5}"#),
            "config.json: num_local_experts: a number (8.5) where a non-negative integer is expected"
        );
        assert_eq!(
            err(r#"{"tie_word_embeddings": 1}"#),
            "config.json: tie_word_embeddings: an integer (1) where true or false is expected"
        );
        assert_eq!(
            err(r#"{"text_config": "llama"}"#),
            r#"config.json: text_config: a string ("llama") where an object is expected"#
        );
        assert_eq!(
            err(r#"{"quantization_config": [4]}"#),
            "config.json: quantization_config: an array where an object is expected"
        );
        assert_eq!(
            err(r#"{"quantization_config": {"quant_method": 4}}"#),
            "config.json: quantization_config.quant_method: an integer (4) where a string is expected"
        );
        assert_eq!(
            err(
                r#"{"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": "yes"}}"#
            ),
            r#"config.json: quantization_config.load_in_4bit: a string ("yes") where true or false is expected"#
        );
        assert_eq!(
            err(r#"{"quantization": "4bit"}"#),
            r#"config.json: quantization: a string ("4bit") where an object is expected"#
        );
        // null is absent, as before; the first alias present decides.
        let c =
            cfg(r#"{"num_experts_per_tok": null, "moe_top_k": 2, "tie_word_embeddings": null}"#);
        assert_eq!(c.experts_per_token(), Some(2));
        assert_eq!(c.tie_word_embeddings(), None);
    }

    #[test]
    fn bit_widths_a_scheme_does_not_allow_are_rejected_naming_the_field() {
        assert_eq!(
            err(r#"{"quantization_config": {"quant_method": "gptq", "bits": 0}}"#),
            "config.json: quantization_config.bits: 0 is not a bit width gptq allows: 2, 3, 4, 8 (transformers GPTQConfig)"
        );
        assert!(err(r#"{"quantization": {"bits": 4294967295}}"#)
            .starts_with("config.json: quantization.bits: 4294967295 is not a bit width mlx allows: 2, 3, 4, 5, 6, 8"));
        assert!(
            err(r#"{"quantization_config": {"quant_method": "awq", "w_bit": 3}}"#).starts_with(
                "config.json: quantization_config.w_bit: 3 is not a bit width awq allows: 4, 8"
            )
        );
        assert_eq!(
            err(r#"{"quantization_config": {"quant_method": "compressed-tensors", "config_groups": {"group_0": {"weights": {"num_bits": 0}}}}}"#),
            "config.json: quantization_config.config_groups.group_0.weights.num_bits: 0 is not a bit width compressed-tensors allows: 1 to 8 (compressed-tensors pack_to_int32)"
        );
        assert!(
            err(r#"{"quantization_config": {"quant_method": "higgs", "bits": 64}}"#)
                .contains("64 is not a bit width higgs allows: 1 to 32")
        );
        assert!(err(r#"{"quantization_config": {"quant_method": "gptq", "bits": 18446744073709551616}}"#)
            .contains("quantization_config.bits: a number (1.8446744073709552e+19) where a non-negative integer is expected"));
        assert!(err(r#"{"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": true, "_load_in_8bit": true}}"#)
            .contains("load_in_4bit and load_in_8bit are both true"));
        for ok in [2, 3, 4, 8] {
            let c = cfg(&format!(
                r#"{{"quantization_config":{{"quant_method":"GPTQ","bits":{ok}}}}}"#
            ));
            assert_eq!(c.quantization().unwrap().bits, Some(ok));
        }
    }

    #[test]
    fn mlx_lm_s_copy_of_quantization_into_quantization_config_is_mlx() {
        // mlx-lm writes both, the second without a quant_method ("support hf model tree").
        let c = cfg(
            r#"{"quantization":{"group_size":64,"bits":4},"quantization_config":{"group_size":64,"bits":4}}"#,
        );
        let q = c.quantization().unwrap();
        assert_eq!((q.method.as_str(), q.bits), ("mlx", Some(4)));
        let c = cfg(r#"{"quantization_config":{"bits":4}}"#);
        assert_eq!(c.quantization().unwrap().method, "unknown");
    }

    #[test]
    fn nesting_past_serde_json_s_limit_is_said_as_such() {
        let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(200), "]".repeat(200));
        let e = err(&deep);
        assert!(
            e.starts_with("config.json: config is not valid: arrays and objects nested more than 127 deep at line 1 column"),
            "{e}"
        );
        let ok = format!(r#"{{"a":{}{}}}"#, "[".repeat(126), "]".repeat(126));
        cfg(&ok);
    }

    #[test]
    fn a_config_that_is_not_an_object_is_rejected() {
        let e = ModelConfig::parse(Path::new("c.json"), b"[1]").unwrap_err();
        assert!(e
            .to_string()
            .contains("c.json: config is not valid: not a JSON object"));
    }
}
