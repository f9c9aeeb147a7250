//! Hostile checkpoints: every file is written by the test, and each must get exit code 2 with a
//! one-line message naming the file and what is wrong — never a panic, an abort, a hang or a
//! wrong answer with exit 0. Each run has a time limit, so a hang fails instead of stalling.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixtures::{t, write_raw, write_safetensors};
use crate::workdir::Workdir;

/// Longer than any case needs on a debug build; a reader that blocks never gets there.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs `capfloor ARGS` in `wd`, killing it past [`LIMIT`]: (exit code, stdout, stderr).
fn run(wd: &Workdir, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_capfloor"))
        .args(args)
        .current_dir(wd.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run capfloor");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for capfloor").is_some() {
            break;
        }
        if start.elapsed() > LIMIT {
            child.kill().ok();
            child.wait().ok();
            panic!("capfloor {args:?} still running after {LIMIT:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("collect output");
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "capfloor {args:?} was killed by a signal (an abort or a stack overflow): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        code,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts exit 2 with one line on stderr that contains every one of `fragments`.
#[track_caller]
fn rejects(wd: &Workdir, args: &[&str], fragments: &[&str]) {
    let (code, stdout, stderr) = run(wd, args);
    assert_eq!(
        code, 2,
        "{args:?}: expected exit 2\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: a panic:\n{stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: one line expected:\n{stderr}"
    );
    for f in fragments {
        assert!(stderr.contains(f), "{args:?}: {f:?} not in {stderr}");
    }
}

/// Asserts exit 0 and gives the JSON inspection.
#[track_caller]
fn inspects(wd: &Workdir, path: &str) -> serde_json::Value {
    let (code, stdout, stderr) = run(wd, &["inspect", path, "--json"]);
    assert_eq!(code, 0, "{path}: expected success\nstderr:\n{stderr}");
    serde_json::from_str(&stdout).expect("JSON")
}

/// A one-tensor header around `metadata` (raw JSON for `__metadata__`).
fn with_metadata(metadata: &str) -> String {
    format!(
        r#"{{"__metadata__":{metadata},"a":{{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}}}"#
    )
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// A one-tensor checkpoint in `dir`, with `config` as its config.json.
fn with_config(wd: &Workdir, dir: &str, tensors: &[crate::fixtures::T], config: &str) {
    write_safetensors(&wd.join(&format!("{dir}/model.safetensors")), tensors);
    wd.write(&format!("{dir}/config.json"), config);
}

#[cfg(unix)]
#[test]
fn a_million_nested_arrays_in_metadata_are_skipped_not_a_stack_overflow() {
    let wd = Workdir::new();
    // 2 MB of header, read on the main thread.
    write_raw(
        &wd.join("deep.safetensors"),
        with_metadata(&nested(1_000_000)).as_bytes(),
        4,
    );
    assert_eq!(inspects(&wd, "deep.safetensors")["parameters"]["total"], 1);
    // 100,000 in a shard index's metadata, parsed on a worker thread's smaller stack.
    write_safetensors(&wd.join("d/m-1.safetensors"), &[t("a", "F32", &[1])]);
    wd.write(
        "d/model.safetensors.index.json",
        format!(
            r#"{{"metadata":{},"weight_map":{{"a":"m-1.safetensors"}}}}"#,
            nested(100_000)
        ),
    );
    assert_eq!(inspects(&wd, "d")["parameters"]["total"], 1);
}

#[test]
fn deep_nesting_where_values_are_expected_is_bad_input() {
    let wd = Workdir::new();
    write_raw(
        &wd.join("x.safetensors"),
        format!(r#"{{"a":{}}}"#, nested(1_000_000)).as_bytes(),
        0,
    );
    rejects(
        &wd,
        &["inspect", "x.safetensors"],
        &["x.safetensors: header is not valid safetensors JSON: tensor a:"],
    );
    write_safetensors(&wd.join("d/m-1.safetensors"), &[t("a", "F32", &[1])]);
    wd.write(
        "d/model.safetensors.index.json",
        format!(r#"{{"weight_map":{}}}"#, nested(100_000)),
    );
    rejects(
        &wd,
        &["inspect", "d"],
        &["model.safetensors.index.json: shard index is not valid"],
    );
    // serde_json stops config.json at 128 levels, however deep it goes.
    for depth in [200, 1_000_000] {
        with_config(
            &wd,
            "c",
            &[t("a", "F32", &[1])],
            &format!(r#"{{"num_hidden_layers":{}}}"#, nested(depth)),
        );
        rejects(
            &wd,
            &["inspect", "c"],
            &["config.json: config is not valid: arrays and objects nested more than 127 deep"],
        );
    }
}

#[test]
fn quantization_bit_widths_outside_each_scheme_s_set_are_bad_input() {
    let wd = Workdir::new();
    let gptq = [
        t("l.qweight", "I32", &[2, 8]),
        t("l.scales", "F16", &[1, 8]),
    ];
    let mlx = [t("l.weight", "U32", &[8, 2]), t("l.scales", "F16", &[8, 1])];
    let ct = [t("l.weight_packed", "I32", &[8, 2])];
    let cases: &[(&[crate::fixtures::T], &str, &str)] = &[
        (
            &gptq,
            r#"{"quantization_config":{"quant_method":"gptq","bits":0}}"#,
            "quantization_config.bits: 0 is not a bit width gptq allows: 2, 3, 4, 8",
        ),
        (
            &gptq,
            r#"{"quantization_config":{"quant_method":"gptq","bits":64}}"#,
            "quantization_config.bits: 64 is not a bit width gptq allows",
        ),
        (
            &gptq,
            r#"{"quantization_config":{"quant_method":"awq","w_bit":2}}"#,
            "quantization_config.w_bit: 2 is not a bit width awq allows: 4, 8",
        ),
        (
            &mlx,
            r#"{"quantization":{"group_size":64,"bits":0}}"#,
            "quantization.bits: 0 is not a bit width mlx allows: 2, 3, 4, 5, 6, 8",
        ),
        (
            &mlx,
            r#"{"quantization":{"group_size":64,"bits":4294967295}}"#,
            "quantization.bits: 4294967295 is not a bit width mlx allows",
        ),
        (
            &ct,
            r#"{"quantization_config":{"quant_method":"compressed-tensors","config_groups":{"group_0":{"weights":{"num_bits":0}}}}}"#,
            "quantization_config.config_groups.group_0.weights.num_bits: 0 is not a bit width compressed-tensors allows: 1 to 8",
        ),
        (
            &ct,
            r#"{"quantization_config":{"quant_method":"compressed-tensors","config_groups":{"group_0":{"weights":{"num_bits":16}}}}}"#,
            "16 is not a bit width compressed-tensors allows",
        ),
        (
            &gptq,
            r#"{"quantization_config":{"quant_method":"auto-round","bits":4294967296}}"#,
            "quantization_config.bits: 4294967296 is not a bit width auto-round allows: 2, 3, 4, 8",
        ),
        (
            &gptq,
            r#"{"quantization_config":{"quant_method":"my-own","bits":33}}"#,
            "33 is not a bit width my-own allows: 1 to 32",
        ),
        (
            &[t("l.weight", "U8", &[8, 1])],
            r#"{"quantization_config":{"quant_method":"bitsandbytes","load_in_4bit":true,"load_in_8bit":true}}"#,
            "load_in_4bit and load_in_8bit are both true",
        ),
    ];
    for (i, (tensors, config, fragment)) in cases.iter().enumerate() {
        let dir = format!("q{i}");
        with_config(&wd, &dir, tensors, config);
        rejects(
            &wd,
            &["inspect", &dir],
            &[&format!("{dir}/config.json: "), fragment],
        );
    }
}

#[test]
fn counts_past_64_bits_are_bad_input_not_a_wrapped_total() {
    let wd = Workdir::new();
    // Unknown dtypes are not size-checked: [2^64 − 1] + [2] wrapped to "1 total".
    write_raw(
        &wd.join("wrap.safetensors"),
        br#"{"a":{"dtype":"X","shape":[18446744073709551615],"data_offsets":[0,1]},"b":{"dtype":"X","shape":[2],"data_offsets":[1,2]}}"#,
        2,
    );
    rejects(
        &wd,
        &["inspect", "wrap.safetensors"],
        &["wrap.safetensors: parameter total 18446744073709551617 does not fit in 64 bits (largest part: tensor a, 18446744073709551615 elements)"],
    );
    // The same across two shards of an index.
    let big = |name: &str| {
        format!(
            r#"{{"{name}":{{"dtype":"X","shape":[9223372036854775808],"data_offsets":[0,1]}}}}"#
        )
    };
    write_raw(&wd.join("s/m-1.safetensors"), big("w").as_bytes(), 1);
    write_raw(&wd.join("s/m-2.safetensors"), big("v").as_bytes(), 1);
    wd.write(
        "s/model.safetensors.index.json",
        r#"{"weight_map":{"w":"m-1.safetensors","v":"m-2.safetensors"}}"#,
    );
    rejects(
        &wd,
        &["inspect", "s"],
        &["parameter total 18446744073709551616 does not fit in 64 bits"],
    );
    // A packed tensor that un-packs past 2^64.
    write_raw(
        &wd.join("p/model.safetensors"),
        br#"{"l.qweight":{"dtype":"X32","shape":[4611686018427387904],"data_offsets":[0,1]}}"#,
        1,
    );
    wd.write(
        "p/config.json",
        r#"{"quantization_config":{"quant_method":"gptq","bits":4}}"#,
    );
    rejects(
        &wd,
        &["inspect", "p"],
        &["p/model.safetensors: tensor l.qweight: 4611686018427387904 stored elements un-pack to 36893488147419103232 parameters"],
    );
}

#[test]
fn files_that_are_not_safetensors_are_named_for_what_they_are() {
    let wd = Workdir::new();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "declaration.toml",
            b"[model]\nname = \"M\"\ndeveloper = \"D\"\n",
            "declaration.toml: not a safetensors file: it starts with text (\"[model]\")",
        ),
        (
            "config.safetensors",
            b"{\"num_hidden_layers\": 32, \"hidden_size\": 4096}",
            "config.safetensors: not a safetensors file: it starts with JSON text",
        ),
        (
            "pytorch_model.bin",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00archive/data.pkl",
            "pytorch_model.bin: not a safetensors file: it is a zip archive",
        ),
        (
            "model.gguf",
            b"GGUF\x03\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00",
            "model.gguf: not a safetensors file: it is a GGUF file",
        ),
        (
            "old.pt",
            b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.",
            "old.pt: not a safetensors file: it is a Python pickle",
        ),
    ];
    for (name, bytes, fragment) in cases {
        wd.write(name, bytes);
        rejects(&wd, &["inspect", name], &[fragment]);
    }
    // A TOML file passed where the weights are expected, by directory too.
    wd.write("d/model.safetensors", b"title = \"not weights\"\n");
    rejects(
        &wd,
        &["inspect", "d"],
        &["d/model.safetensors: not a safetensors file: it starts with text"],
    );
}

#[test]
fn config_fields_with_the_wrong_type_are_named_not_reported_missing() {
    let wd = Workdir::new();
    let moe = [
        t("l.0.mlp.experts.0.w", "F32", &[2]),
        t("l.0.mlp.experts.1.w", "F32", &[2]),
    ];
    let cases = [
        (
            r#"{"num_experts_per_tok": "2"}"#,
            r#"num_experts_per_tok: a string ("2") where a non-negative integer is expected"#,
        ),
        (
            r#"{"text_config": {"num_experts_per_tok": 2.0}}"#,
            "text_config.num_experts_per_tok: a number (2.0) where a non-negative integer is expected",
        ),
        (
            r#"{"num_hidden_layers": -3}"#,
            "num_hidden_layers: a negative integer (-3)",
        ),
        (
            r#"{"tie_word_embeddings": "false"}"#,
            r#"tie_word_embeddings: a string ("false") where true or false is expected"#,
        ),
        (
            r#"{"n_shared_experts": [1]}"#,
            "n_shared_experts: an array where a non-negative integer is expected",
        ),
        (
            r#"{"text_config": 7}"#,
            "text_config: an integer (7) where an object is expected",
        ),
        (
            r#"{"quantization_config": "gptq"}"#,
            r#"quantization_config: a string ("gptq") where an object is expected"#,
        ),
        ("[1, 2]", "config is not valid: not a JSON object"),
        ("", "config is not valid: EOF while parsing"),
    ];
    for (i, (config, fragment)) in cases.iter().enumerate() {
        let dir = format!("c{i}");
        with_config(&wd, &dir, &moe, config);
        rejects(
            &wd,
            &["inspect", &dir],
            &[&format!("{dir}/config.json: "), fragment],
        );
    }
    // --config is checked the same way.
    wd.write("other.json", r#"{"moe_top_k": true}"#);
    rejects(
        &wd,
        &["inspect", "c0", "--config", "other.json"],
        &["other.json: moe_top_k: a boolean (true) where a non-negative integer is expected"],
    );
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_directories_are_refused_without_blocking() {
    let wd = Workdir::new();
    let good = [t("a", "F32", &[1])];
    // A FIFO as the weights, found in a directory or named directly.
    wd.mkfifo("f1/model.safetensors");
    rejects(
        &wd,
        &["inspect", "f1"],
        &["f1/model.safetensors: a safetensors file must be a regular file, and this is a FIFO"],
    );
    rejects(
        &wd,
        &["inspect", "f1/model.safetensors"],
        &["f1/model.safetensors: a safetensors file must be a regular file, and this is a FIFO"],
    );
    // A FIFO as config.json beside the weights, or as --config.
    write_safetensors(&wd.join("f2/model.safetensors"), &good);
    wd.mkfifo("f2/config.json");
    rejects(
        &wd,
        &["inspect", "f2"],
        &["f2/config.json: a model config must be a regular file, and this is a FIFO"],
    );
    write_safetensors(&wd.join("ok/model.safetensors"), &good);
    rejects(
        &wd,
        &["inspect", "ok", "--config", "f2/config.json"],
        &["f2/config.json: a model config must be a regular file, and this is a FIFO"],
    );
    // /dev/zero as config never ends, as weights is not a file.
    rejects(
        &wd,
        &["inspect", "ok", "--config", "/dev/zero"],
        &["/dev/zero: a model config must be a regular file, and this is a device"],
    );
    rejects(
        &wd,
        &["inspect", "/dev/zero"],
        &["/dev/zero: a safetensors file must be a regular file, and this is a device"],
    );
    // A FIFO as the shard index, and as a shard the index names.
    write_safetensors(&wd.join("f3/m-1.safetensors"), &good);
    wd.mkfifo("f3/model.safetensors.index.json");
    rejects(
        &wd,
        &["inspect", "f3"],
        &["f3/model.safetensors.index.json: a shard index must be a regular file, and this is a FIFO"],
    );
    wd.mkfifo("f4/m-1.safetensors");
    wd.write(
        "f4/model.safetensors.index.json",
        r#"{"weight_map":{"a":"m-1.safetensors"}}"#,
    );
    rejects(
        &wd,
        &["inspect", "f4"],
        &["f4/m-1.safetensors: a safetensors file must be a regular file, and this is a FIFO"],
    );
    // Directories where files are expected.
    std::fs::create_dir_all(wd.join("f5/model.safetensors")).unwrap();
    rejects(
        &wd,
        &["inspect", "f5"],
        &["f5/model.safetensors: a safetensors file must be a regular file, and this is a directory"],
    );
    write_safetensors(&wd.join("f6/model.safetensors"), &good);
    std::fs::create_dir_all(wd.join("f6/config.json")).unwrap();
    rejects(
        &wd,
        &["inspect", "f6"],
        &["f6/config.json: a model config must be a regular file, and this is a directory"],
    );
    rejects(
        &wd,
        &["inspect", "ok", "--config", "f6"],
        &["f6: a model config must be a regular file, and this is a directory"],
    );
    write_safetensors(&wd.join("f7/m-1.safetensors"), &good);
    std::fs::create_dir_all(wd.join("f7/sub")).unwrap();
    wd.write(
        "f7/model.safetensors.index.json",
        r#"{"weight_map":{"a":"m-1.safetensors","b":"sub"}}"#,
    );
    rejects(
        &wd,
        &["inspect", "f7"],
        &["f7/sub: a safetensors file must be a regular file, and this is a directory"],
    );
}

#[test]
fn configs_and_indexes_over_their_limits_are_refused_before_reading() {
    let wd = Workdir::new();
    write_safetensors(&wd.join("c/model.safetensors"), &[t("a", "F32", &[1])]);
    // Sparse: 16 MiB + 1 byte of zeros costs no disk and, refused by its size, no memory.
    let f = std::fs::File::create(wd.join("c/config.json")).unwrap();
    f.set_len((16 << 20) + 1).unwrap();
    rejects(
        &wd,
        &["inspect", "c"],
        &["c/config.json: larger than the 16 MiB limit for a model config (16777217 bytes)"],
    );
    write_safetensors(&wd.join("i/m-1.safetensors"), &[t("a", "F32", &[1])]);
    let f = std::fs::File::create(wd.join("i/model.safetensors.index.json")).unwrap();
    f.set_len((256 << 20) + 1).unwrap();
    rejects(
        &wd,
        &["inspect", "i"],
        &["i/model.safetensors.index.json: larger than the 256 MiB limit for a shard index (268435457 bytes)"],
    );
}

#[test]
fn malformed_headers_are_bad_input_naming_the_file() {
    let wd = Workdir::new();
    let f32_1 = |name: &str, start: u64| {
        format!(
            r#""{name}":{{"dtype":"F32","shape":[1],"data_offsets":[{start},{}]}}"#,
            start + 4
        )
    };
    let cases: Vec<(String, u64, &str)> = vec![
        (
            format!(
                r#"{{"a":{{"dtype":"F32","shape":[2],"data_offsets":[0,8]}},{}}}"#,
                f32_1("b", 4)
            ),
            8,
            "tensor b: data_offsets start at 4, inside a (which ends at 8)",
        ),
        (
            format!("{{{},{}}}", f32_1("a", 0), f32_1("a", 4)),
            8,
            "tensor a appears twice in the header",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[18446744073709551615,2],"data_offsets":[0,4]}}"#
                .into(),
            4,
            "tensor a: shape [18446744073709551615, 2] has more elements than fit in 64 bits",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[4294967296,4294967295],"data_offsets":[0,4]}}"#
                .into(),
            4,
            "F32 × [4294967296, 4294967295] needs 73786976277658337280 bytes but its offsets span 4",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#.into(),
            4,
            "header is not valid safetensors JSON: tensor a:",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551616]}}"#
                .into(),
            4,
            "header is not valid safetensors JSON: tensor a:",
        ),
        (
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#.into(),
            8,
            "tensor a: data_offsets [8, 4] end before they start",
        ),
        (
            format!("{{{},{}}}", f32_1("a", 0), f32_1("b", 8)),
            12,
            "tensor b: data_offsets start at 8, leaving a gap after byte 4",
        ),
        (
            format!("{{{}}}", f32_1("a", 0)),
            2,
            "tensor a: data_offsets end at 4, past the 2 data bytes in the file",
        ),
        (
            format!("{{{}}}", f32_1("a", 0)),
            100,
            "tensors end at data byte 4 but the file holds 100 data bytes",
        ),
        ("[]".into(), 0, "header is not a JSON object"),
        ("\"tensors\"".into(), 0, "header is not a JSON object"),
        ("null".into(), 0, "header is not a JSON object"),
        ("      ".into(), 0, "header is not a JSON object"),
        ("".into(), 0, "header is not a JSON object"),
        ("{\"a\":{\"dtype\":\"F32\"\u{0}}}".into(), 0, "header is not valid safetensors JSON"),
        (
            format!("{{{}", f32_1("a", 0)),
            4,
            "header is not valid safetensors JSON",
        ),
    ];
    for (i, (json, data_len, fragment)) in cases.iter().enumerate() {
        let name = format!("h{i}.safetensors");
        write_raw(&wd.join(&name), json.as_bytes(), *data_len);
        rejects(&wd, &["inspect", &name], &[&format!("{name}: "), fragment]);
    }
    // Not UTF-8.
    write_raw(&wd.join("u.safetensors"), b"{\"\xff\":1}", 0);
    rejects(
        &wd,
        &["inspect", "u.safetensors"],
        &["u.safetensors: header is not valid UTF-8 (byte 2)"],
    );
}

#[test]
fn truncated_empty_and_oversized_files_are_bad_input() {
    let wd = Workdir::new();
    wd.write("empty.safetensors", b"");
    rejects(
        &wd,
        &["inspect", "empty.safetensors"],
        &["empty.safetensors: empty file"],
    );
    wd.write("short.safetensors", b"\x10\x00\x00");
    rejects(
        &wd,
        &["inspect", "short.safetensors"],
        &["short.safetensors: 3 bytes is too short for a safetensors file"],
    );
    let mut past = 1000u64.to_le_bytes().to_vec();
    past.extend_from_slice(br#"{"a":{"dtype":"F32","#);
    wd.write("cut.safetensors", &past);
    rejects(
        &wd,
        &["inspect", "cut.safetensors"],
        &["cut.safetensors: header length 1000 bytes runs past the end of the file (28 bytes)"],
    );
    let mut huge = u64::MAX.to_le_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    wd.write("huge.safetensors", &huge);
    rejects(
        &wd,
        &["inspect", "huge.safetensors"],
        &["huge.safetensors: header length 18446744073709551615 bytes is over the 100000000-byte limit"],
    );
    // Just over the cap, in a file long enough to hold it: refused before it is mapped.
    wd.write("cap.safetensors", 100_000_001u64.to_le_bytes());
    std::fs::OpenOptions::new()
        .write(true)
        .open(wd.join("cap.safetensors"))
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    rejects(
        &wd,
        &["inspect", "cap.safetensors"],
        &["header length 100000001 bytes is over the 100000000-byte limit"],
    );
}

#[test]
fn hostile_shard_indexes_are_bad_input() {
    let wd = Workdir::new();
    let good = [t("a", "F32", &[1])];
    let cases: &[(&str, &str)] = &[
        (
            r#"{"weight_map":{"a":"../m-1.safetensors"}}"#,
            "shard index names ../m-1.safetensors, which is outside the checkpoint directory",
        ),
        (
            r#"{"weight_map":{"a":"sub/../../m-1.safetensors"}}"#,
            "which is outside the checkpoint directory",
        ),
        (
            r#"{"weight_map":{"a":"/etc/passwd"}}"#,
            "shard index names /etc/passwd, which is outside the checkpoint directory",
        ),
        (
            r#"{"weight_map":{"a":""}}"#,
            r#"shard index is not valid: weight_map names "" as a shard, which is no file name"#,
        ),
        (r#"{"weight_map":{"a":"./."}}"#, "which is no file name"),
        (
            r#"{"weight_map":{"a":"m-1.safetensors","b":"m-9.safetensors"}}"#,
            "shard index names m-9.safetensors, which does not exist",
        ),
        (
            r#"{"weight_map":{"a":"m-1.safetensors","z":"m-1.safetensors"}}"#,
            "1 tensor(s) listed in the index are in no shard, e.g. z",
        ),
        (
            r#"{"weight_map":{"a":"model.safetensors.index.json"}}"#,
            "model.safetensors.index.json: not a safetensors file: it starts with JSON text",
        ),
        (r#"{"weight_map":["a"]}"#, "shard index is not valid"),
        (r#"{"weight_map":{"a":1}}"#, "shard index is not valid"),
        (
            r#"{"metadata":{}}"#,
            "shard index is not valid: missing field `weight_map`",
        ),
        (
            r#"{"weight_map":{},"weight_map":{}}"#,
            "shard index is not valid: duplicate field `weight_map`",
        ),
        ("[]", "shard index is not valid"),
        ("", "shard index is not valid: EOF while parsing"),
    ];
    for (i, (index, fragment)) in cases.iter().enumerate() {
        let dir = format!("i{i}");
        write_safetensors(&wd.join(&format!("{dir}/m-1.safetensors")), &good);
        wd.write(&format!("{dir}/model.safetensors.index.json"), index);
        rejects(&wd, &["inspect", &dir], &[fragment]);
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_bad_input_and_links_out_are_followed() {
    use std::os::unix::fs::symlink;
    let wd = Workdir::new();
    let good = [t("a", "F32", &[1])];
    std::fs::create_dir_all(wd.join("l1")).unwrap();
    symlink("model.safetensors", wd.join("l1/model.safetensors")).unwrap();
    rejects(
        &wd,
        &["inspect", "l1"],
        &["l1/model.safetensors: ", "symbolic links"],
    );
    rejects(
        &wd,
        &["inspect", "l1/model.safetensors"],
        &["symbolic links"],
    );
    write_safetensors(&wd.join("l2/model.safetensors"), &good);
    symlink("config.json", wd.join("l2/config.json")).unwrap();
    rejects(
        &wd,
        &["inspect", "l2"],
        &["l2/config.json: ", "symbolic links"],
    );
    write_safetensors(&wd.join("l3/model.safetensors"), &good);
    symlink("gone.json", wd.join("l3/config.json")).unwrap();
    rejects(
        &wd,
        &["inspect", "l3"],
        &["l3/config.json: no such file or directory"],
    );
    // A shard that links outside the directory is followed, by design: the Hugging Face cache
    // links every snapshot file into its blob store.
    write_safetensors(&wd.join("blobs/abc"), &good);
    std::fs::create_dir_all(wd.join("snap")).unwrap();
    symlink("../blobs/abc", wd.join("snap/m-1.safetensors")).unwrap();
    wd.write(
        "snap/model.safetensors.index.json",
        r#"{"weight_map":{"a":"m-1.safetensors"}}"#,
    );
    assert_eq!(inspects(&wd, "snap")["parameters"]["total"], 1);
}

#[cfg(unix)]
#[test]
fn classify_and_dossier_refuse_a_hostile_checkpoint_as_inspect_does() {
    let wd = Workdir::new();
    wd.mkfifo("ckpt/model.safetensors");
    wd.write(
        "d.toml",
        "[model]\nname = \"M\"\ndeveloper = \"D\"\nweights_published = false\ncheckpoint = \"ckpt\"\n\n[[phases]]\nkind = \"pretraining\"\ntokens = 2e12\n",
    );
    let fifo =
        "ckpt/model.safetensors: a safetensors file must be a regular file, and this is a FIFO";
    rejects(
        &wd,
        &["classify", "--declaration", "d.toml", "--resamples", "50"],
        &[fifo],
    );
    rejects(
        &wd,
        &[
            "classify",
            "--declaration",
            "d.toml",
            "--checkpoint",
            "ckpt",
            "--resamples",
            "50",
        ],
        &[fifo],
    );
    rejects(
        &wd,
        &[
            "dossier",
            "--declaration",
            "d.toml",
            "--checkpoint",
            "ckpt",
            "--out",
            "new-dossier",
            "--resamples",
            "50",
        ],
        &[fifo],
    );
    // A config field of the wrong type reaches classify too.
    write_safetensors(&wd.join("c2/model.safetensors"), &[t("a", "F32", &[1])]);
    wd.write("c2/config.json", r#"{"num_experts_per_tok": "2"}"#);
    rejects(
        &wd,
        &[
            "classify",
            "--declaration",
            "d.toml",
            "--checkpoint",
            "c2",
            "--resamples",
            "50",
        ],
        &[r#"c2/config.json: num_experts_per_tok: a string ("2")"#],
    );
}
