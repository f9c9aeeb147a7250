//! `capfloor inspect`: exact parameter counts of published model shapes, every quantization
//! layout the issue names, and every way a checkpoint can be malformed.

use crate::fixtures::{self, t, write_raw, write_safetensors, write_sharded, T};
use crate::workdir::Workdir;

fn inspect_json(wd: &Workdir, path: &str) -> serde_json::Value {
    wd.run(&["inspect", path, "--json"]).json()
}

fn params(v: &serde_json::Value, key: &str) -> Option<u64> {
    v["parameters"][key].as_u64()
}

fn warnings(v: &serde_json::Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

/// Asserts that some warning contains `needle`, showing them all when none does.
#[track_caller]
fn assert_warns(v: &serde_json::Value, needle: &str) {
    let all = warnings(v);
    assert!(
        all.iter().any(|w| w.contains(needle)),
        "{needle:?} not in {all:?}"
    );
}

#[test]
fn llama_31_405b_has_405_853_388_800_parameters() {
    let wd = Workdir::new();
    let m = fixtures::LLAMA_31_405B;
    write_safetensors(&wd.join("llama/model.safetensors"), &m.tensors());
    wd.write("llama/config.json", m.config());
    let v = inspect_json(&wd, "llama");
    assert_eq!(params(&v, "total"), Some(405_853_388_800));
    assert_eq!(params(&v, "active"), Some(405_853_388_800));
    // Input embedding and untied head: 2 × 128,256 × 16,384.
    assert_eq!(params(&v, "embedding"), Some(2 * 128_256 * 16_384));
    assert_eq!(params(&v, "mtp"), Some(0));
    assert_eq!(params(&v, "buffers"), Some(0));
    assert_eq!(v["tied_embeddings"], false);
    assert!(v["moe"].is_null());
    assert!(v["quantization"].is_null());
    assert_eq!(v["tensors"], 2 + 126 * 9 + 1);
    assert_eq!(v["by_dtype"]["BF16"], 405_853_388_800u64);
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert_eq!(v["bytes"], v["files"][0]["bytes"]);
    assert!(warnings(&v).is_empty(), "{:?}", warnings(&v));
}

#[test]
fn the_human_summary_prints_parameters_as_model_cards_do() {
    let wd = Workdir::new();
    let m = fixtures::LLAMA_31_405B;
    write_safetensors(&wd.join("llama/model.safetensors"), &m.tensors());
    wd.write("llama/config.json", m.config());
    let out = wd.run(&["inspect", "llama"]).success();
    assert!(out.contains("405.85B total"), "{out}");
    assert!(out.contains("405,853,388,800"), "{out}");
    assert!(out.contains("BF16 405.85B"), "{out}");
    assert!(out.contains("(1 file, 1,137 tensors, 811.71 GB)"), "{out}");
}

#[test]
fn mixtral_8x7b_sharded_has_46_7b_total_and_12_9b_active() {
    let wd = Workdir::new();
    let (tensors, config) = fixtures::mixtral_8x7b();
    write_sharded(&wd.join("mixtral"), "model", &tensors, 19);
    wd.write("mixtral/config.json", config);
    let v = inspect_json(&wd, "mixtral");
    assert_eq!(params(&v, "total"), Some(46_702_792_704));
    assert_eq!(params(&v, "active"), Some(12_879_925_248));
    assert_eq!(v["files"].as_array().unwrap().len(), 19);
    assert!(v["index"]
        .as_str()
        .unwrap()
        .ends_with("model.safetensors.index.json"));
    let moe = &v["moe"];
    assert_eq!(moe["routed_experts"], 8);
    assert_eq!(moe["experts_per_token"], 2);
    assert_eq!(moe["moe_layers"], 32);
    assert_eq!(moe["shared_experts"], 0);
    // One expert: w1, w2, w3 of 4,096 × 14,336.
    assert_eq!(moe["expert_parameters"], 3 * 4_096 * 14_336);
    assert!(warnings(&v).is_empty(), "{:?}", warnings(&v));
    // The index itself is an accepted PATH too.
    let again = inspect_json(&wd, "mixtral/model.safetensors.index.json");
    assert_eq!(params(&again, "total"), Some(46_702_792_704));
}

#[test]
fn deepseek_v3_fp8_has_671b_total_37b_active_and_its_mtp_layer_apart() {
    let wd = Workdir::new();
    let (tensors, config) = fixtures::deepseek_v3();
    write_sharded(&wd.join("dsv3"), "model", &tensors, 8);
    wd.write("dsv3/config.json", config);
    let v = inspect_json(&wd, "dsv3");
    assert_eq!(v["tensors"], 91_991);
    // Attention 187,107,328 and norms 14,336 per layer; dense MLP 396,361,728 (3 layers);
    // MoE layer: 257 experts of 44,040,192 plus router 1,835,264 (58 layers); embeddings
    // 2 × 926,679,040 and the final norm 7,168.
    assert_eq!(params(&v, "total"), Some(671_026_419_200));
    // Minus 58 layers × (256 − 8) experts × 44,040,192.
    assert_eq!(params(&v, "active"), Some(37_552_297_472));
    // One MoE layer 11,507,286,272 + enorm + hnorm + eh_proj 102,760,448 + embedding + head
    // 2 × 926,679,040 + shared_head.norm.
    assert_eq!(params(&v, "mtp"), Some(13_463_426_304));
    let q = &v["quantization"];
    assert_eq!(q["method"], "fp8");
    assert_eq!(q["packed_tensors"], 0);
    // One weight_scale_inv per FP8 linear layer, MTP layer included.
    // 5 attention projections in 62 layers (MTP included), 3 dense MLPs × 3 layers, and
    // 256 × 3 routed + 3 shared expert projections in 59 MoE layers.
    assert_eq!(
        q["bookkeeping_tensors"],
        5 * 62 + 3 * 3 + 59 * (256 * 3 + 3)
    );
    let moe = &v["moe"];
    assert_eq!(moe["routed_experts"], 256);
    assert_eq!(moe["experts_per_token"], 8);
    assert_eq!(moe["moe_layers"], 58);
    assert_eq!(moe["shared_experts"], 1);
    assert_eq!(moe["shared_expert_parameters"], 58 * 44_040_192u64);
    assert!(warnings(&v).is_empty(), "{:?}", warnings(&v));
}

#[test]
fn gpt_oss_120b_mxfp4_fused_experts_are_unpacked() {
    let wd = Workdir::new();
    let (tensors, config) = fixtures::gpt_oss_120b();
    write_sharded(&wd.join("gpt-oss"), "model", &tensors, 15);
    wd.write("gpt-oss/config.json", config);
    let v = inspect_json(&wd, "gpt-oss");
    // OpenAI's model card: 116.83B total.
    assert_eq!(params(&v, "total"), Some(116_829_156_672));
    // Minus 36 layers × (128 − 4) experts × 24,891,840 (gate_up 2,880 × 5,760 + down
    // 2,880 × 2,880 + their biases).
    assert_eq!(params(&v, "active"), Some(5_711_982_912));
    // The card's 5.13B active leaves out the input embedding (a lookup, not a matmul).
    let active_less_embedding = params(&v, "active").unwrap() - 201_088 * 2_880;
    assert_eq!(active_less_embedding, 5_132_849_472);
    let q = &v["quantization"];
    assert_eq!(q["method"], "mxfp4");
    assert_eq!(q["bits"], 4);
    assert_eq!(q["packed_tensors"], 72);
    assert_eq!(q["bookkeeping_tensors"], 72);
    assert_eq!(v["moe"]["routed_experts"], 128);
    assert_eq!(v["moe"]["expert_parameters"], 24_891_840);
}

#[test]
fn llama4_scout_nested_text_config_and_fused_experts_give_17b_active() {
    let wd = Workdir::new();
    let (tensors, config) = fixtures::llama4_scout_text();
    write_sharded(&wd.join("scout"), "model", &tensors, 4);
    wd.write("scout/config.json", config);
    let v = inspect_json(&wd, "scout");
    assert_eq!(params(&v, "total"), Some(107_769_861_120));
    assert_eq!(params(&v, "active"), Some(17_172_894_720));
    assert_eq!(v["moe"]["experts_per_token"], 1);
    assert_eq!(v["moe"]["shared_experts"], 1);
    assert_eq!(v["moe"]["routed_experts"], 16);
}

#[test]
fn tied_embeddings_are_counted_once() {
    let wd = Workdir::new();
    let m = fixtures::LLAMA_32_1B;
    // As saved by transformers: no lm_head.
    write_safetensors(&wd.join("a/model.safetensors"), &m.tensors());
    wd.write("a/config.json", m.config());
    let v = inspect_json(&wd, "a");
    assert_eq!(params(&v, "total"), Some(1_235_814_400));
    assert_eq!(v["tied_embeddings"], true);
    assert!(warnings(&v).is_empty());
    // Some exports store the tied head anyway: still counted once, with a warning.
    let mut with_head = m.tensors();
    with_head.push(t("lm_head.weight", "BF16", &[128_256, 2_048]));
    write_safetensors(&wd.join("b/model.safetensors"), &with_head);
    wd.write("b/config.json", m.config());
    let v = inspect_json(&wd, "b");
    assert_eq!(params(&v, "total"), Some(1_235_814_400));
    assert_eq!(params(&v, "embedding"), Some(128_256 * 2_048));
    assert!(
        warnings(&v)[0].contains("lm_head.weight is stored but tied"),
        "{:?}",
        warnings(&v)
    );
}

#[test]
fn a_missing_lm_head_is_not_an_error_without_a_config() {
    let wd = Workdir::new();
    write_safetensors(&wd.join("m.safetensors"), &fixtures::LLAMA_32_1B.tensors());
    let v = inspect_json(&wd, "m.safetensors");
    assert_eq!(params(&v, "total"), Some(1_235_814_400));
    assert_eq!(v["tied_embeddings"], true);
    assert!(warnings(&v)[0].contains("no config.json"));
}

/// Llama 2 7B with every linear layer quantized by `linear` has Llama 2 7B's 6,738,415,616
/// parameters, embeddings and head left in 16 bits as the quantizers do.
fn llama2_quantized(
    linear: &dyn Fn(&str, u64, u64) -> Vec<T>,
    quantization: serde_json::Value,
) -> serde_json::Value {
    let wd = Workdir::new();
    let m = fixtures::LLAMA_2_7B;
    write_safetensors(&wd.join("q/model.safetensors"), &m.tensors_with(linear));
    let mut config: serde_json::Value = serde_json::from_str(&m.config()).unwrap();
    for (k, v) in quantization.as_object().unwrap() {
        config[k] = v.clone();
    }
    wd.write("q/config.json", config.to_string());
    let v = inspect_json(&wd, "q");
    assert_eq!(params(&v, "total"), Some(6_738_415_616), "{v}");
    v
}

#[test]
fn gptq_qweights_unpack_to_the_original_parameters() {
    let v = llama2_quantized(
        &fixtures::gptq4_linear,
        serde_json::json!({"quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 128}}),
    );
    let q = &v["quantization"];
    assert_eq!(q["method"], "gptq");
    assert_eq!(q["bits"], 4);
    assert_eq!(q["packed_tensors"], 32 * 7);
    assert_eq!(q["bookkeeping_tensors"], 32 * 7 * 3);
    assert_eq!(params(&v, "buffers"), Some(0));
}

#[test]
fn bitsandbytes_nf4_bytes_hold_two_parameters() {
    let v = llama2_quantized(
        &fixtures::bnb4_linear,
        serde_json::json!({"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": true, "bnb_4bit_quant_type": "nf4"}}),
    );
    assert_eq!(v["quantization"]["method"], "bitsandbytes-4bit");
    assert_eq!(v["quantization"]["bookkeeping_tensors"], 32 * 7 * 3);
}

#[test]
fn compressed_tensors_packed_weights_use_container_over_num_bits() {
    let v = llama2_quantized(
        &fixtures::compressed4_linear,
        serde_json::json!({"quantization_config": {"quant_method": "compressed-tensors", "format": "pack-quantized",
            "config_groups": {"group_0": {"targets": ["Linear"], "weights": {"num_bits": 4, "type": "int", "group_size": 128}}}}}),
    );
    assert_eq!(v["quantization"]["bits"], 4);
    // weight_shape is int64 bookkeeping, not a buffer.
    assert_eq!(params(&v, "buffers"), Some(0));
}

#[test]
fn mlx_uint32_weights_unpack_and_their_biases_are_zero_points() {
    let v = llama2_quantized(
        &fixtures::mlx4_linear,
        serde_json::json!({"quantization": {"group_size": 64, "bits": 4}}),
    );
    assert_eq!(v["quantization"]["method"], "mlx");
    assert_eq!(v["quantization"]["bookkeeping_tensors"], 32 * 7 * 2);
}

#[test]
fn packed_weights_without_a_bit_width_are_bad_input() {
    let wd = Workdir::new();
    let m = fixtures::LLAMA_2_7B;
    write_safetensors(
        &wd.join("q/model.safetensors"),
        &m.tensors_with(&fixtures::gptq4_linear),
    );
    let err = wd.run(&["inspect", "q"]).bad_input();
    assert!(err.contains("bit width is unknown"), "{err}");
    assert!(err.contains("--config"), "{err}");
    // Supplying the config by flag settles it.
    wd.write(
        "elsewhere.json",
        r#"{"quantization_config": {"quant_method": "gptq", "bits": 4}}"#,
    );
    let v = wd
        .run(&["inspect", "q", "--config", "elsewhere.json", "--json"])
        .json();
    assert_eq!(params(&v, "total"), Some(6_738_415_616));
}

#[test]
fn integer_tensors_outside_quantization_are_buffers() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("m.safetensors"),
        &[
            t("embeddings.word_embeddings.weight", "F32", &[100, 8]),
            t("embeddings.position_ids", "I64", &[1, 512]),
            t(
                "encoder.layer.0.attention.self.rotary_emb.inv_freq",
                "F32",
                &[4],
            ),
            t("encoder.layer.0.dense.weight", "F32", &[8, 8]),
        ],
    );
    let v = inspect_json(&wd, "m.safetensors");
    assert_eq!(params(&v, "total"), Some(800 + 64));
    assert_eq!(params(&v, "buffers"), Some(512 + 4));
    assert_eq!(v["by_dtype"]["I64"], 512);
}

#[test]
fn moe_active_is_null_when_experts_per_token_is_unknown() {
    let wd = Workdir::new();
    let (tensors, _) = fixtures::mixtral_8x7b();
    write_sharded(&wd.join("mixtral"), "model", &tensors, 3);
    wd.write(
        "mixtral/config.json",
        r#"{"num_hidden_layers": 32, "tie_word_embeddings": false}"#,
    );
    let v = inspect_json(&wd, "mixtral");
    assert_eq!(params(&v, "total"), Some(46_702_792_704));
    assert!(v["parameters"]["active"].is_null());
    assert!(v["moe"]["experts_per_token"].is_null());
    assert_warns(&v, "experts per token unknown");
    let out = wd.run(&["inspect", "mixtral"]).success();
    assert!(out.contains("active unknown"), "{out}");
}

#[test]
fn unknown_dtypes_are_counted_with_a_warning() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("m.safetensors"),
        &[
            t("a.weight", "BF16", &[4, 4]),
            t("b.weight", "FP4X", &[4, 4]),
        ],
    );
    let v = inspect_json(&wd, "m.safetensors");
    assert_eq!(params(&v, "total"), Some(32));
    assert_eq!(v["by_dtype"]["FP4X"], 16);
    assert_warns(&v, "unknown dtype FP4X");
}

#[test]
fn a_tensor_present_in_two_shards_is_counted_once() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("d/a.safetensors"),
        &[t("x.weight", "F32", &[10]), t("y.weight", "F32", &[3])],
    );
    write_safetensors(&wd.join("d/b.safetensors"), &[t("x.weight", "F32", &[10])]);
    let v = inspect_json(&wd, "d");
    assert_eq!(params(&v, "total"), Some(13));
    assert_eq!(v["tensors"], 2);
    assert_warns(&v, "counted once, e.g. x.weight");
}

#[test]
fn an_index_entry_found_in_another_shard_is_a_warning() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("d/m-1.safetensors"),
        &[t("x.weight", "F32", &[10])],
    );
    write_safetensors(&wd.join("d/m-2.safetensors"), &[t("y.weight", "F32", &[3])]);
    wd.write(
        "d/model.safetensors.index.json",
        r#"{"weight_map": {"x.weight": "m-2.safetensors", "y.weight": "m-1.safetensors"}}"#,
    );
    let v = inspect_json(&wd, "d");
    assert_eq!(params(&v, "total"), Some(13));
    assert_warns(&v, "another shard than the index says");
}

#[test]
fn escaped_names_in_an_index_are_matched_unescaped() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("d/m-1.safetensors"),
        &[t("x.weight", "F32", &[10]), t("y.weight", "F32", &[3])],
    );
    // `\u002e` is a dot: the index names the same two tensors.
    wd.write(
        "d/model.safetensors.index.json",
        r#"{"weight_map": {"x\u002eweight": "m-1.safetensors", "y.weight": "m-1.safetensors"}}"#,
    );
    let v = inspect_json(&wd, "d");
    assert_eq!(params(&v, "total"), Some(13));
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .all(|w| !w.as_str().unwrap().contains("index")),
        "{warnings:?}"
    );
}

#[test]
fn an_index_entry_found_in_no_shard_is_bad_input() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("d/m-1.safetensors"),
        &[t("x.weight", "F32", &[10])],
    );
    wd.write(
        "d/model.safetensors.index.json",
        r#"{"weight_map": {"x.weight": "m-1.safetensors", "z.weight": "m-1.safetensors"}}"#,
    );
    let err = wd.run(&["inspect", "d"]).bad_input();
    assert!(err.contains("model.safetensors.index.json: 1 tensor(s) listed in the index are in no shard, e.g. z.weight"), "{err}");
}

#[test]
fn an_index_naming_a_missing_shard_is_bad_input() {
    let wd = Workdir::new();
    write_safetensors(
        &wd.join("d/m-1.safetensors"),
        &[t("x.weight", "F32", &[10])],
    );
    wd.write(
        "d/model.safetensors.index.json",
        r#"{"weight_map": {"x.weight": "m-1.safetensors", "y": "m-2.safetensors"}}"#,
    );
    let err = wd.run(&["inspect", "d"]).bad_input();
    assert!(
        err.contains("names m-2.safetensors, which does not exist"),
        "{err}"
    );
    wd.write(
        "d/model.safetensors.index.json",
        r#"{"weight_map": {"x.weight": "../m-1.safetensors"}}"#,
    );
    let err = wd.run(&["inspect", "d"]).bad_input();
    assert!(err.contains("outside the checkpoint directory"), "{err}");
    wd.write("d/model.safetensors.index.json", r#"{"weight_map": ["x"]}"#);
    let err = wd.run(&["inspect", "d"]).bad_input();
    assert!(err.contains("shard index is not valid"), "{err}");
    // The index is mapped, not read: bytes that are not UTF-8, and an empty file, are still
    // named with where the problem is.
    wd.write(
        "d/model.safetensors.index.json",
        b"{\"weight_map\": {\"x.weight\": \"m-1.safetensors\", \"\xff\": \"m-1.safetensors\"}}",
    );
    let err = wd.run(&["inspect", "d"]).bad_input();
    assert!(
        err.contains("model.safetensors.index.json: shard index is not valid: invalid unicode code point at line 1 column"),
        "{err}"
    );
    wd.write("d/model.safetensors.index.json", "");
    let err = wd.run(&["inspect", "d"]).bad_input();
    assert!(err.contains("EOF while parsing"), "{err}");
}

#[test]
fn diffusers_checkpoints_are_found_by_their_prefix() {
    let wd = Workdir::new();
    let tensors: Vec<T> = (0..6)
        .map(|i| {
            t(
                format!("transformer_blocks.{i}.attn.to_q.weight"),
                "BF16",
                &[64, 64],
            )
        })
        .collect();
    write_sharded(&wd.join("unet"), "diffusion_pytorch_model", &tensors, 2);
    let v = inspect_json(&wd, "unet");
    assert_eq!(params(&v, "total"), Some(6 * 64 * 64));
    write_safetensors(
        &wd.join("vae/diffusion_pytorch_model.safetensors"),
        &tensors[..1],
    );
    assert_eq!(params(&inspect_json(&wd, "vae"), "total"), Some(64 * 64));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let wd = Workdir::new();
    // 3,000 files: the JSON listing is far larger than a pipe buffer.
    for i in 0..3_000 {
        write_safetensors(
            &wd.join(&format!("many/part-{i:05}.safetensors")),
            &[t(format!("w{i}"), "F32", &[1])],
        );
    }
    let script = format!(
        "{} inspect many --json | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_capfloor")
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(wd.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

// ---- bad input: exit 2, one line naming the file and the problem --------------------------

fn rejects(header: &[u8], data_len: u64, expected: &str) {
    let wd = Workdir::new();
    write_raw(&wd.join("bad.safetensors"), header, data_len);
    let err = wd.run(&["inspect", "bad.safetensors"]).bad_input();
    assert!(err.contains("bad.safetensors: "), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn an_empty_file_is_rejected() {
    let wd = Workdir::new();
    wd.write("bad.safetensors", b"");
    assert!(wd
        .run(&["inspect", "bad.safetensors"])
        .bad_input()
        .contains("bad.safetensors: empty file"));
}

#[test]
fn a_file_shorter_than_8_bytes_is_rejected() {
    let wd = Workdir::new();
    wd.write("bad.safetensors", b"\x01\x00\x00");
    assert!(wd
        .run(&["inspect", "bad.safetensors"])
        .bad_input()
        .contains("3 bytes is too short"));
}

#[test]
fn a_header_length_of_2_pow_64_minus_1_is_rejected_without_allocating() {
    let wd = Workdir::new();
    let mut bytes = u64::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{}");
    wd.write("bad.safetensors", &bytes);
    let err = wd.run(&["inspect", "bad.safetensors"]).bad_input();
    assert!(
        err.contains("header length 18446744073709551615 bytes is over the 100000000-byte limit"),
        "{err}"
    );
}

#[test]
fn a_header_running_past_the_end_of_the_file_is_rejected() {
    let wd = Workdir::new();
    let mut bytes = 1000u64.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{}");
    wd.write("bad.safetensors", &bytes);
    assert!(wd
        .run(&["inspect", "bad.safetensors"])
        .bad_input()
        .contains("runs past the end of the file (10 bytes)"));
}

#[test]
fn invalid_utf8_json_and_non_objects_are_rejected() {
    rejects(b"{\"\xc3\x28\": 1}", 0, "not valid UTF-8");
    rejects(b"{\"a\": ", 0, "not valid safetensors JSON");
    rejects(b"[]", 0, "header is not a JSON object");
    rejects(
        br#"{"a": {"dtype": "F32", "shape": [1]}}"#,
        0,
        "tensor a: missing field `data_offsets`",
    );
}

#[test]
fn overlapping_gapped_and_out_of_range_offsets_are_rejected() {
    rejects(
        br#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
        8,
        "tensor b: data_offsets start at 4, inside a",
    );
    rejects(
        br#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
        12,
        "leaving a gap",
    );
    rejects(
        br#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
        2,
        "past the 2 data bytes",
    );
    rejects(
        br#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#,
        4,
        "end before they start",
    );
    rejects(
        br#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
        6,
        "the file holds 6 data bytes",
    );
}

#[test]
fn a_shape_whose_element_count_overflows_is_rejected() {
    rejects(
        br#"{"a":{"dtype":"F32","shape":[18446744073709551615,2],"data_offsets":[0,4]}}"#,
        4,
        "more elements than fit in 64 bits",
    );
}

#[test]
fn a_dtype_size_mismatch_is_rejected() {
    rejects(
        br#"{"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}"#,
        4,
        "tensor a: BF16 × [3] needs 6 bytes",
    );
}

#[test]
fn a_directory_without_safetensors_and_a_missing_path_are_rejected() {
    let wd = Workdir::new();
    wd.write("empty/readme.txt", "nothing");
    assert!(wd
        .run(&["inspect", "empty"])
        .bad_input()
        .contains("empty: no safetensors files"));
    assert!(wd
        .run(&["inspect", "nowhere"])
        .bad_input()
        .contains("nowhere: no such file or directory"));
    write_safetensors(&wd.join("m/model.safetensors"), &[t("a", "F32", &[1])]);
    wd.write("m/config.json", "{not json");
    assert!(wd
        .run(&["inspect", "m"])
        .bad_input()
        .contains("config.json: config is not valid"));
}
