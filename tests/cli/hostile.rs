//! Hostile and clumsy inputs (issue 13): every case is a file (or a path) this test writes, run
//! through the real binary, with the exit code and a fragment of the message it must get. Any
//! case also fails if capfloor panics, is killed by a signal, hangs, or prints a Rust debug value.
//! Then the data-loss cases: what must still be on disk after a refused or a forced write.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixtures::{header_json, t};
use crate::workdir::Workdir;

/// What a case writes before it runs.
enum Input {
    Text(String),
    Bytes(Vec<u8>),
    Fifo,
    Dir,
}

fn text(s: impl Into<String>) -> Input {
    Input::Text(s.into())
}

/// Where a case expects its message.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Input)>,
    args: Vec<String>,
    code: i32,
    stream: Stream,
    fragment: String,
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Input)>,
    args: &[impl AsRef<str>],
    code: i32,
    fragment: &str,
) -> Case {
    Case {
        name,
        files,
        args: args.iter().map(|a| a.as_ref().to_string()).collect(),
        code,
        stream: if code == 2 {
            Stream::Stderr
        } else {
            Stream::Stdout
        },
        fragment: fragment.to_string(),
    }
}

fn write_input(wd: &Workdir, name: &str, input: &Input) {
    let path = wd.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    match input {
        Input::Text(s) => std::fs::write(&path, s).unwrap(),
        Input::Bytes(b) => std::fs::write(&path, b).unwrap(),
        Input::Dir => std::fs::create_dir_all(&path).unwrap(),
        Input::Fifo => {
            wd.mkfifo(name);
        }
    }
}

/// The result of one run.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs capfloor in `wd`, failing the test if it hangs (a FIFO read would block forever) or
/// dies of a signal (a stack overflow aborts).
fn run(wd: &Workdir, args: &[String], stderr_to_full: bool) -> Ran {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_capfloor"));
    cmd.args(args)
        .current_dir(wd.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    if stderr_to_full {
        cmd.stderr(std::fs::File::create("/dev/full").unwrap());
    } else {
        cmd.stderr(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("run capfloor");
    let mut out = child.stdout.take().unwrap();
    let err = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(mut e) = err {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("capfloor {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let code = status
        .code()
        .unwrap_or_else(|| panic!("capfloor {args:?} was killed by a signal: {status:?}"));
    Ran {
        code,
        stdout: String::from_utf8_lossy(&reader.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned(),
    }
}

/// Checks one case in a fresh directory.
fn check(c: &Case) {
    let wd = Workdir::new();
    for (name, input) in &c.files {
        write_input(&wd, name, input);
    }
    let r = run(&wd, &c.args, false);
    let context = format!(
        "case {:?}: capfloor {}\nexit {}\nstdout:\n{}\nstderr:\n{}",
        c.name,
        c.args.join(" "),
        r.code,
        r.stdout.chars().take(3000).collect::<String>(),
        r.stderr
    );
    assert_eq!(r.code, c.code, "{context}");
    assert!(
        !r.stderr.contains("panicked"),
        "a panic is a bug: {context}"
    );
    for debug in ["Os {", "Error(", "ErrorKind", "Custom {", "kind: "] {
        assert!(
            !r.stderr.contains(debug),
            "debug value in the message: {context}"
        );
    }
    let shown = match c.stream {
        Stream::Stdout => &r.stdout,
        Stream::Stderr => &r.stderr,
    };
    assert!(
        shown.contains(&c.fragment),
        "expected {:?}: {context}",
        c.fragment
    );
    if c.code == 2 {
        // Each cause once: an OS error is never repeated.
        assert!(r.stderr.matches("(os error").count() <= 1, "{context}");
        // A failed command prints no partial answer.
        assert!(r.stdout.is_empty(), "output on bad input: {context}");
    }
}

const MINIMAL: &str = r#"[model]
name = "M"
developer = "D"
weights_published = false
parameters_active = 7e9

[[phases]]
kind = "pretraining"
tokens = 2e12
"#;

/// The minimal declaration with `from` replaced by `to`.
fn decl(from: &str, to: &str) -> Input {
    assert!(MINIMAL.contains(from), "{from}");
    text(MINIMAL.replacen(from, to, 1))
}

fn with_hardware(hw: &str) -> Input {
    decl("tokens = 2e12", &format!("hardware = {{ {hw} }}"))
}

const HW: &str = "chip = \"H100\", count = 8, hours = 10, precision = \"bf16\", utilisation = 0.4";

fn classify(file: &str) -> Vec<&str> {
    vec![
        "classify",
        "--declaration",
        file,
        "--resamples",
        "20",
        "--as-of",
        "2026-11-01",
    ]
    .into_iter()
    .collect()
}

const LEDGER_HEADER: &str = "date,consignee,consignee_hq,destination,chip,quantity\n";

fn ledger(rows: &str) -> Input {
    text(format!("{LEDGER_HEADER}{rows}"))
}

/// A tiny checkpoint with real data bytes, 3,072 parameters.
fn checkpoint_files() -> Vec<(&'static str, Input)> {
    let tensors = [
        t("model.embed_tokens.weight", "F32", &[64, 16]),
        t("model.layers.0.mlp.up_proj.weight", "F32", &[32, 16]),
        t("lm_head.weight", "F32", &[64, 16]),
    ];
    let (json, data_len) = header_json(&tensors);
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes.extend((0..data_len).map(|i| (i % 251) as u8));
    vec![
        ("ckpt/model.safetensors", Input::Bytes(bytes)),
        (
            "ckpt/config.json",
            text(r#"{"num_hidden_layers": 1, "tie_word_embeddings": false}"#),
        ),
    ]
}

#[test]
fn hostile_declarations_are_refused_naming_the_file_and_field() {
    let check_cmd = |f: &'static str| vec!["declaration", "check", f];
    let cases = [
        (
            "inf parameters",
            decl("7e9", "inf"),
            "d.toml: model.parameters_active: inf is not a finite number",
        ),
        (
            "nan parameters",
            decl("7e9", "nan"),
            "model.parameters_active: NaN is not a finite number",
        ),
        (
            "1e300 parameters",
            decl("7e9", "1e300"),
            "model.parameters_active: 1e300 parameters is more than 1e16",
        ),
        (
            "negative parameters",
            decl("7e9", "-7e9"),
            "model.parameters_active: -7000000000 must be a positive number",
        ),
        (
            "1e300 tokens",
            decl("2e12", "1e300"),
            "phases[0].tokens: 1e300 tokens is more than 1e18",
        ),
        (
            "-inf operations",
            decl("tokens = 2e12", "operations = -inf"),
            "phases[0].operations: -inf is not a finite",
        ),
        (
            "inf chips",
            with_hardware(&HW.replace("count = 8", "count = inf")),
            "phases[0].hardware.count: inf is not a finite number of chips",
        ),
        (
            "1e300 hours",
            with_hardware(&HW.replace("hours = 10", "hours = 1e300")),
            "phases[0].hardware.hours",
        ),
        (
            "nan utilisation",
            with_hardware(&HW.replace("0.4", "nan")),
            "phases[0].hardware.utilisation: NaN is outside (0, 1]",
        ),
        (
            "zero generator",
            decl(
                "tokens = 2e12",
                "tokens_generated = 1e9\ngenerator_parameters = 0",
            ),
            "phases[0].generator_parameters: 0 must be a positive",
        ),
        (
            "nan score",
            text(format!(
                "{MINIMAL}[[benchmarks]]\nid = \"gpqa_diamond\"\nscore = nan\n"
            )),
            "benchmarks[0].score: NaN is outside [0, 1]",
        ),
        (
            "inf base",
            text(format!("{MINIMAL}[base_model]\noperations = inf\n")),
            "base_model.operations: inf is not a finite",
        ),
        (
            "unknown chip",
            with_hardware(&HW.replace("H100", "H1OO")),
            "d.toml: phases[0].hardware: unknown chip \"H1OO\"",
        ),
        (
            "precision the chip lacks",
            with_hardware(&HW.replace("bf16", "fp4")),
            "d.toml: phases[0].hardware: NVIDIA H100 SXM has no fp4 figure",
        ),
        (
            "no parameter count",
            decl("parameters_active = 7e9\n", ""),
            "d.toml: phases[0].tokens: tokens are given but the active parameter count is unknown",
        ),
        (
            "missing checkpoint",
            decl("parameters_active = 7e9\n", "checkpoint = \"gone\"\n"),
            "gone",
        ),
        (
            "unknown base model",
            text(format!(
                "{MINIMAL}[base_model]\nregistry_id = \"llama-9-9000b\"\n"
            )),
            "d.toml: base_model.registry_id: no model \"llama-9-9000b\"",
        ),
        (
            "unknown benchmark",
            text(format!(
                "{MINIMAL}[[benchmarks]]\nid = \"mmlu-pro-max\"\nscore = 0.5\n"
            )),
            "d.toml: benchmarks: \"mmlu-pro-max\" is not a benchmark",
        ),
        (
            "unknown field",
            text(format!("{MINIMAL}colour = \"red\"\n")),
            "colour",
        ),
        (
            "bad kind",
            decl("pretraining", "pre-training"),
            "d.toml: line 8, column 8",
        ),
        ("empty file", text(""), "d.toml: "),
        (
            "nested arrays",
            text(format!(
                "x = {}{}\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )),
            "d.toml: line 1",
        ),
        (
            "a FIFO",
            Input::Fifo,
            "d.toml: a declaration must be a regular file, and this is a FIFO",
        ),
        (
            "a directory",
            Input::Dir,
            "d.toml: a declaration must be a regular file, and this is a directory",
        ),
        (
            "2 MiB",
            text(format!("{MINIMAL}{}", "# padding\n".repeat(210_000))),
            "d.toml: larger than the 1 MiB limit for a declaration",
        ),
        (
            "Latin-1",
            Input::Bytes(
                MINIMAL
                    .replace("\"M\"", "\"M\u{e9}\"")
                    .replace('\u{e9}', "\u{0}")
                    .into_bytes()
                    .into_iter()
                    .map(|b| if b == 0 { 0xe9 } else { b })
                    .collect(),
            ),
            "d.toml: a declaration must be UTF-8 text",
        ),
    ];
    for (name, input, fragment) in cases {
        for args in [classify("d.toml"), check_cmd("d.toml")] {
            check(&Case {
                name,
                files: vec![("d.toml", clone(&input))],
                args: args.iter().map(|a| a.to_string()).collect(),
                code: 2,
                stream: Stream::Stderr,
                fragment: fragment.into(),
            });
        }
    }
    check(&case(
        "a device",
        vec![],
        &["declaration", "check", "/dev/zero"],
        2,
        "/dev/zero: a declaration must be a regular file, and this is a device",
    ));
    check(&case(
        "a missing file, its OS error once",
        vec![],
        &["classify", "--declaration", "nope.toml"],
        2,
        "nope.toml: No such file or directory (os error 2)",
    ));
}

fn clone(i: &Input) -> Input {
    match i {
        Input::Text(s) => Input::Text(s.clone()),
        Input::Bytes(b) => Input::Bytes(b.clone()),
        Input::Fifo => Input::Fifo,
        Input::Dir => Input::Dir,
    }
}

#[test]
fn gates_fail_on_what_they_should_stop() {
    // 6 × 7e9 × 2.4e13 ≈ 1e24 FLOP: above the EU GPAI criterion (1e23), below the others.
    let big = || vec![("d.toml", decl("tokens = 2e12", "tokens = 2.4e13"))];
    let mut args = classify("d.toml");
    args.extend(["--fail-on", "above", "--regime", "eu-ai-act-systemic-riks"]);
    check(&case(
        "a mistyped regime id",
        big(),
        &args,
        2,
        "--regime \"eu-ai-act-systemic-riks\": no such regime (valid ids: 4e091, eu-ai-act-systemic-risk, eu-gpai",
    ));
    let mut args = classify("d.toml");
    args.extend(["--fail-on", "ABOVE", "--regime", "EU-GPAI"]);
    check(&case(
        "a mis-cased regime id still gates",
        big(),
        &args,
        1,
        "eu-gpai",
    ));
    let mut args = classify("d.toml");
    args.extend(["--fail-on", "above", "--regime", "eu-ai-act-systemic-risk"]);
    check(&case(
        "a regime it is below",
        big(),
        &args,
        0,
        "eu-ai-act-systemic-risk",
    ));
    let mut args = classify("d.toml");
    args.extend(["--fail-on", "above", "--regime", ""]);
    check(&case(
        "an empty regime id",
        big(),
        &args,
        2,
        "no such regime",
    ));

    for (name, rows, fragment) in [
        ("a tier 3 destination", "2025-03-01,Acme,US,CN,H100,1\n", "1 tier3-destination row(s), first at line 2: no license exception applies in a tier 3 destination"),
        ("a tier 3 headquarters", "2025-03-01,Acme,CN,SG,H100,1\n", "1 tier3-headquarters row(s), first at line 2"),
        ("Macau", "2025-03-01,Acme,US,mo,L40S,1\n", "tier3-destination"),
    ] {
        check(&case(
            name,
            vec![("l.csv", ledger(rows))],
            &["shipments", "check", "l.csv", "--fail-on", "exceed"],
            1,
            fragment,
        ));
    }
    // Registry ids match in any case too.
    check(&case(
        "a mis-cased model id",
        vec![],
        &["registry", "show", "LLAMA-3.1-405b"],
        0,
        "Llama-3.1-405B",
    ));
    check(&case(
        "a mis-cased base model",
        vec![(
            "d.toml",
            text(format!(
                "{MINIMAL}[base_model]\nregistry_id = \"llama-3.1-405B\"\n"
            )),
        )],
        &["declaration", "check", "d.toml"],
        0,
        "valid",
    ));
    let wd = Workdir::new();
    wd.write(
        "l.csv",
        format!("{LEDGER_HEADER}2025-03-01,Acme,US,IR,H100,1\n"),
    );
    let v = wd.run(&["shipments", "check", "l.csv", "--json"]).json();
    assert_eq!(
        v["outside_exception"][0]["flag"], "tier3-destination",
        "{v}"
    );
    assert_eq!(
        wd.run(&[
            "shipments",
            "check",
            "l.csv",
            "--json",
            "--fail-on",
            "exceed"
        ])
        .code(),
        1
    );
}

#[test]
fn a_declared_parameter_count_is_not_silently_replaced_by_the_checkpoints() {
    let wd = Workdir::new();
    for (name, input) in checkpoint_files() {
        write_input(&wd, name, &input);
    }
    write_input(&wd, "d.toml", &decl("7e9", "300e9"));
    let v = wd
        .run(&[
            "classify",
            "--declaration",
            "d.toml",
            "--checkpoint",
            "ckpt",
            "--resamples",
            "20",
            "--as-of",
            "2026-11-01",
            "--json",
        ])
        .json();
    assert_eq!(v["active_parameters"], 300e9, "{v}");
    // 64×16 + 32×16 + 64×16 stored elements.
    assert_eq!(v["checkpoint"]["parameters"]["active"], 2560);
    let flag = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "parameters_disagree")
        .unwrap_or_else(|| panic!("no parameters_disagree flag: {v}"));
    let message = flag["message"].as_str().unwrap();
    assert!(
        message.contains("300.00B") && message.contains("2.56K"),
        "{message}"
    );
    // declaration check says the same.
    let out = wd
        .run(&["declaration", "check", "d.toml", "--checkpoint", "ckpt"])
        .success();
    assert!(out.contains("valid") && out.contains("300.00B"), "{out}");
}

#[test]
fn hostile_what_if_files_and_options_are_refused() {
    let w = |body: &str| vec![("w.toml", text(format!("released = 2026-12-01\n{body}")))];
    let what_if = ["floor", "what-if", "--add", "w.toml", "--resamples", "20"];
    for (name, body, fragment) in [
        (
            "capability 1e308",
            "capability = 1e308\n",
            "w.toml: capability: 100000000000000000000",
        ),
        (
            "capability inf",
            "capability = inf\n",
            "w.toml: capability: inf is not a number",
        ),
        (
            "capability nan",
            "capability = nan\n",
            "w.toml: capability: NaN is not a number",
        ),
        (
            "compute inf",
            "capability = 150\ntraining_compute_flop = inf\n",
            "w.toml: training_compute_flop: inf is not a finite number",
        ),
        (
            "compute 0",
            "capability = 150\ntraining_compute_flop = 0\n",
            "training_compute_flop: 0 must be a positive",
        ),
        (
            "score nan",
            "[benchmarks]\ngpqa_diamond = nan\n",
            "w.toml: benchmarks.gpqa_diamond: NaN is outside [0, 1]",
        ),
        (
            "unknown benchmark",
            "[benchmarks]\nnot_a_benchmark = 0.5\n",
            "w.toml: benchmarks.not_a_benchmark: not a benchmark",
        ),
    ] {
        check(&case(name, w(body), &what_if, 2, fragment));
    }
    check(&case(
        "a FIFO what-if",
        vec![("w.toml", Input::Fifo)],
        &what_if,
        2,
        "w.toml: a what-if file must be a regular file, and this is a FIFO",
    ));
    check(&case(
        "released in 9999",
        vec![("w.toml", text("released = 9999-12-01\ncapability = 150\n"))],
        &what_if,
        0,
        "floor after",
    ));
    for resamples in [
        "0",
        "-1",
        "100001",
        "4294967296",
        "18446744073709551615",
        "many",
    ] {
        check(&case(
            "resamples out of range",
            vec![],
            &["floor", &format!("--resamples={resamples}")],
            2,
            "--resamples",
        ));
    }
    for (name, args, code, fragment) in [
        (
            "as of 9999-12-31",
            vec![
                "floor",
                "--as-of",
                "9999-12-31",
                "--resamples",
                "50",
                "--json",
            ],
            0,
            "\"floor_flop\": ",
        ),
        (
            "as of year 1",
            vec!["floor", "--as-of", "0001-01-01", "--resamples", "20"],
            2,
            "no open-weight model",
        ),
        (
            "a history of 8,000 years",
            vec![
                "floor",
                "history",
                "--from",
                "2000-01-01",
                "--to",
                "9999-12-31",
                "--resamples",
                "20",
            ],
            2,
            "steps of a quarter: at most 1200",
        ),
        (
            "a projection to 9999",
            vec![
                "floor",
                "project",
                "--as-of",
                "2026-01-01",
                "--until",
                "9999-12-31",
                "--resamples",
                "20",
            ],
            2,
            "steps of a month: at most 1200",
        ),
        (
            "a floor chart of 8,000 years",
            vec![
                "chart",
                "floor",
                "--from",
                "2000-01-01",
                "--to",
                "9999-12-31",
                "--out",
                "x.svg",
                "--resamples",
                "20",
            ],
            2,
            "at most 1200",
        ),
        (
            "upper-case options",
            vec![
                "floor",
                "--recipe",
                "MEDIAN",
                "--min-confidence",
                "Likely",
                "--resamples",
                "20",
                "--as-of",
                "2026-11-01",
            ],
            0,
            "recipe: median",
        ),
        (
            "an unknown confidence",
            vec!["floor", "--min-confidence", "sure", "--resamples", "20"],
            2,
            "--min-confidence: \"sure\" is not one of",
        ),
        (
            "tpp past any float",
            vec!["tpp", "--tops", "1e308", "--bits", "4294967295"],
            2,
            "--bits at most 64",
        ),
        (
            "tpp nan",
            vec!["tpp", "--tops", "NaN", "--bits", "8"],
            2,
            "must be positive",
        ),
        (
            "a huge die",
            vec!["tpp", "--tops", "100", "--bits", "8", "--die-area", "1e300"],
            2,
            "--die-area",
        ),
    ] {
        check(&case(name, vec![], &args, code, fragment));
    }
    // Far past the data the floor is a number, not JSON null.
    let wd = Workdir::new();
    let v = wd
        .run(&[
            "floor",
            "--as-of",
            "9999-12-31",
            "--resamples",
            "50",
            "--json",
        ])
        .json();
    for key in [
        "floor_flop",
        "floor_flop_lo",
        "floor_flop_hi",
        "k",
        "b_star",
    ] {
        assert!(v[key].as_f64().is_some_and(f64::is_finite), "{key}: {v}");
    }
}

#[test]
fn hostile_ledgers_are_refused_naming_the_file_and_line() {
    let check_ledger = ["shipments", "check", "l.csv"];
    let many_bad: String = (0..1000)
        .map(|i| format!("2025-01-01,C{i},US,US,H100,-1\n"))
        .collect();
    let wide_header = format!("{}\n", vec!["date"; 100_000].join(","));
    let cases: Vec<(&str, Input, i32, &str)> = vec![
        ("a FIFO", Input::Fifo, 2, "l.csv: a shipment ledger must be a regular file, and this is a FIFO"),
        ("a directory", Input::Dir, 2, "this is a directory"),
        ("a duplicate column", text("date,consignee,consignee_hq,destination,chip,quantity,chip\n2025-01-01,A,US,US,H100,1,B200\n"), 2, "l.csv:1: chip: duplicate column (columns 5 and 7)"),
        ("100,000 columns", text(wide_header), 2, "more unknown or duplicate columns"),
        ("blank lines and a quoted newline", text(format!("\n{LEDGER_HEADER}2025-01-01,\"Acme\nInc\",US,US,H100,1\n\n2025-13-01,X,US,US,H100,1\n")), 2, "l.csv:6: date: \"2025-13-01\" is not a date"),
        ("CRLF", text(format!("{}\r\n2025-01-01,A,US,US,H100,1\r\n\r\n2025-01-01,A,US,US,H100,0\r\n", LEDGER_HEADER.trim_end())), 2, "l.csv:4: quantity: 0 is not a positive number"),
        ("a typo of a quantity", ledger("2025-01-01,A,US,US,H100,99999999999\n"), 2, "l.csv:2: quantity: 99999999999 chips in one row is more than 100000000"),
        ("a quantity in scientific notation", ledger("2025-01-01,A,US,US,H100,1e3\n"), 2, "l.csv:2: quantity: \"1e3\" is not a whole number"),
        ("Latin-1 in a field", Input::Bytes([LEDGER_HEADER.as_bytes(), b"2025-01-01,Soci\xe9t\xe9,FR,FR,H100,1\n"].concat()), 2, "l.csv:2: row: field 2 is not UTF-8 text"),
        ("a short row", ledger("2025-01-01,A,US\n"), 2, "l.csv:2: row: 3 fields where the header has 6"),
        ("an empty file", text(""), 2, "l.csv:1: date: missing column"),
        ("1,000 bad rows", ledger(&many_bad), 2, "… and 900 more problems (the first 100 are listed)"),
        ("an unknown country", ledger("2025-01-01,A,US,UK,H100,1\n"), 2, "l.csv:2: destination: \"UK\" is not an ISO 3166-1 alpha-2"),
        ("only a header", ledger(""), 0, "0 shipments"),
        ("a date in 9999", ledger("9999-12-31,A,US,US,H100,1\n"), 0, "1 shipments"),
    ];
    for (name, input, code, fragment) in cases {
        check(&case(
            name,
            vec![("l.csv", clone(&input))],
            &check_ledger,
            code,
            fragment,
        ));
        if code == 2 {
            // --json prints nothing for an invalid ledger either.
            let mut args = check_ledger.to_vec();
            args.push("--json");
            check(&case(name, vec![("l.csv", input)], &args, code, fragment));
        }
    }
    check(&case(
        "a device",
        vec![],
        &["shipments", "check", "/dev/zero"],
        2,
        "/dev/zero: a shipment ledger must be a regular file, and this is a device",
    ));
    check(&case(
        "a missing ledger, its OS error once",
        vec![],
        &["shipments", "check", "none.csv"],
        2,
        "none.csv: No such file or directory (os error 2)",
    ));
}

#[test]
fn hostile_registries_are_refused() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let copy = |name: &str| text(std::fs::read_to_string(data.join(name)).unwrap());
    let registry = ["registry", "validate", "--registry", "reg"];
    check(&case(
        "models.csv a FIFO",
        vec![
            ("reg/models.csv", Input::Fifo),
            ("reg/benchmarks.csv", copy("benchmarks.csv")),
            ("reg/scores.csv", copy("scores.csv")),
        ],
        &registry,
        2,
        "reg/models.csv: a registry CSV must be a regular file, and this is a FIFO",
    ));
    check(&case(
        "a missing registry, its OS error once",
        vec![],
        &registry,
        2,
        "reg/models.csv: No such file or directory (os error 2)",
    ));
    let models = std::fs::read_to_string(data.join("models.csv")).unwrap();
    let (header, rest) = models.split_once('\n').unwrap();
    check(&case(
        "a duplicate registry column",
        vec![
            ("reg/models.csv", text(format!("{header},source\n{rest}"))),
            ("reg/benchmarks.csv", copy("benchmarks.csv")),
            ("reg/scores.csv", copy("scores.csv")),
        ],
        &registry,
        2,
        "source: duplicate column",
    ));
}

#[test]
fn stderr_closed_or_full_never_panics() {
    let wd = Workdir::new();
    for args in [
        vec!["classify", "--declaration", "missing.toml"],
        vec!["floor", "--resamples", "0"],
        vec!["no-such-command"],
    ] {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let r = run(&wd, &args, true);
        assert_eq!(r.code, 2, "{args:?}");
    }
}

/// Every file under `dir`, with its bytes, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let t = std::fs::symlink_metadata(&p).unwrap().file_type();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn dossier_setup(wd: &Workdir) {
    for (name, input) in checkpoint_files() {
        write_input(wd, name, &input);
    }
    write_input(wd, "d.toml", &decl("parameters_active = 7e9\n", ""));
}

fn dossier_args(out: &str, force: bool) -> Vec<String> {
    let mut a = vec![
        "dossier",
        "--declaration",
        "d.toml",
        "--checkpoint",
        "ckpt",
        "--out",
        out,
        "--no-hash",
        "--resamples",
        "20",
        "--as-of",
        "2026-11-01",
    ];
    if force {
        a.push("--force");
    }
    a.into_iter().map(String::from).collect()
}

#[test]
fn the_dossier_never_replaces_what_capfloor_did_not_write() {
    let wd = Workdir::new();
    dossier_setup(&wd);
    wd.write("clone/README.md", "a git clone");
    wd.write("clone/src/main.rs", "fn main() {}");
    wd.write("notes.txt", "mine");
    let before = snapshot(wd.path());
    let refused = |out: &str, force: bool, fragment: &str| {
        let r = run(&wd, &dossier_args(out, force), false);
        assert_eq!(r.code, 2, "--out {out} (force {force}): {}", r.stderr);
        assert!(
            r.stderr.contains(fragment),
            "--out {out}: expected {fragment:?} in {}",
            r.stderr
        );
        assert_eq!(snapshot(wd.path()), before, "--out {out} changed files");
    };
    refused(
        "clone",
        false,
        "clone: not replaced: it is a directory capfloor did not write",
    );
    refused(
        "notes.txt",
        false,
        "notes.txt: not replaced: it is a regular file, not a directory",
    );
    // An input of the run is never replaced, not even with --force.
    for force in [false, true] {
        refused(
            "d.toml",
            force,
            "d.toml: not written: it is d.toml, an input of this run",
        );
        refused(
            "ckpt",
            force,
            "ckpt: not written: it is ckpt, an input of this run",
        );
        refused("ckpt/dossier", force, "lies inside ckpt");
        refused(".", force, ".: not written: it holds d.toml");
        refused("ckpt/model.safetensors", force, "an input of this run");
    }
    // A mistyped path into the clone's parent is refused too.
    refused("clone/..", true, "holds");
    // A device is never replaced by a directory.
    let r = run(&wd, &dossier_args("/dev/null", true), false);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("/dev/null: not written: it is a device"),
        "{}",
        r.stderr
    );

    // An empty directory, then the previous dossier, are replaced.
    std::fs::create_dir(wd.join("empty")).unwrap();
    assert_eq!(run(&wd, &dossier_args("empty", false), false).code, 0);
    assert!(wd.join("empty/.capfloor-output").is_file());
    assert_eq!(run(&wd, &dossier_args("empty", false), false).code, 0);
    // Once it holds a file the dossier did not write, it is the user's.
    wd.write("empty/my-notes.md", "keep me");
    let r = run(&wd, &dossier_args("empty", false), false);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("my-notes.md"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(wd.join("empty/my-notes.md")).unwrap(),
        "keep me"
    );
    // --force replaces what is not an input.
    assert_eq!(run(&wd, &dossier_args("clone", true), false).code, 0);
    assert!(wd.join("clone/report.json").is_file() && !wd.join("clone/README.md").exists());
    assert_eq!(run(&wd, &dossier_args("notes.txt", true), false).code, 0);
    assert!(wd.join("notes.txt/report.md").is_file());

    // A link is not followed: refused, and with --force the link itself is replaced.
    wd.write("elsewhere/precious.txt", "precious");
    std::os::unix::fs::symlink("elsewhere", wd.join("link")).unwrap();
    let r = run(&wd, &dossier_args("link", false), false);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(run(&wd, &dossier_args("link", true), false).code, 0);
    assert_eq!(
        std::fs::read_to_string(wd.join("elsewhere/precious.txt")).unwrap(),
        "precious"
    );
    assert!(!std::fs::symlink_metadata(wd.join("link"))
        .unwrap()
        .file_type()
        .is_symlink());
    // Nothing temporary is left beside the outputs.
    let hidden: Vec<_> = std::fs::read_dir(wd.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn charts_never_replace_what_capfloor_did_not_write() {
    let wd = Workdir::new();
    let chart = |out: &str, force: bool| {
        let mut a = vec![
            "chart",
            "frontier",
            "--to",
            "2026-11-01",
            "--out",
            out,
            "--resamples",
            "20",
        ];
        if force {
            a.push("--force");
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    // No Debug value, the OS error once.
    check(&case(
        "a missing directory",
        vec![],
        &chart("nodir/x.png", false),
        2,
        "nodir/x.png: No such file or directory (os error 2)",
    ));
    check(&case(
        "a directory",
        vec![("x.png", Input::Dir)],
        &chart("x.png", false),
        2,
        "x.png: not written: it is a directory",
    ));
    check(&case(
        "an unknown format",
        vec![],
        &chart("x.jpg", false),
        2,
        "x.jpg: unknown chart format",
    ));
    // A device or FIFO is never replaced by a file, not even with --force.
    check(&case(
        "a FIFO",
        vec![("x.svg", Input::Fifo)],
        &chart("x.svg", true),
        2,
        "x.svg: not written: it is a FIFO",
    ));
    // (A device at --out is refused the same way; see the dossier test.)
    for ext in ["svg", "png"] {
        let out = format!("mine.{ext}");
        wd.write(&out, "my drawing");
        let r = run(&wd, &chart(&out, false), false);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("not replaced: it is a file capfloor did not write; pass --force"),
            "{}",
            r.stderr
        );
        assert_eq!(
            std::fs::read_to_string(wd.join(&out)).unwrap(),
            "my drawing"
        );
        // Its own chart, capfloor replaces; someone's, only with --force.
        assert_eq!(run(&wd, &chart(&out, true), false).code, 0);
        assert_eq!(run(&wd, &chart(&out, false), false).code, 0);
        // A planted link is not written through.
        wd.write("victim.txt", "precious");
        let link = format!("link.{ext}");
        std::os::unix::fs::symlink("victim.txt", wd.join(&link)).unwrap();
        assert_eq!(run(&wd, &chart(&link, false), false).code, 2);
        assert_eq!(run(&wd, &chart(&link, true), false).code, 0);
        assert_eq!(
            std::fs::read_to_string(wd.join("victim.txt")).unwrap(),
            "precious"
        );
    }
    // Inside an input directory (the registry read) nothing is written, even with --force.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for f in ["models.csv", "benchmarks.csv", "scores.csv"] {
        wd.write(&format!("reg/{f}"), std::fs::read(data.join(f)).unwrap());
    }
    let mut args = chart("reg/x.svg", true);
    args.extend(["--registry".to_string(), "reg".to_string()]);
    let r = run(&wd, &args, false);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("lies inside reg, an input of this run"),
        "{}",
        r.stderr
    );
}

#[test]
fn registry_import_replaces_its_three_files_all_or_none() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data-sources");
    assert!(
        shared.exists(),
        "{} is needed for this test (Epoch's exports)",
        shared.display()
    );
    let overrides = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/overrides.csv");
    let wd = Workdir::new();
    let header = |cols: &str| format!("{cols}\nfake,row\n");
    let models_header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/models.csv"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string();
    // Two files capfloor wrote (their exact header) and one it did not.
    wd.write("out/models.csv", header(&models_header));
    wd.write(
        "out/benchmarks.csv",
        header("id,name,release_date,chance,epoch_difficulty,epoch_slope,source"),
    );
    wd.write("out/scores.csv", "model,score\nmy,own\n");
    let before = snapshot(&wd.join("out"));
    let import = |force: bool| {
        let mut a = vec![
            "registry".to_string(),
            "import".into(),
            "--epoch".into(),
            shared.display().to_string(),
            "--out".into(),
            "out".into(),
            "--overrides".into(),
            overrides.display().to_string(),
        ];
        if force {
            a.push("--force".into());
        }
        run(&wd, &a, false)
    };
    let r = import(false);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("out/scores.csv: not replaced"),
        "{}",
        r.stderr
    );
    assert_eq!(
        snapshot(&wd.join("out")),
        before,
        "a partial import was written"
    );
    // A directory where a CSV goes cannot be replaced at all: again nothing changes.
    std::fs::remove_file(wd.join("out/scores.csv")).unwrap();
    std::fs::create_dir(wd.join("out/scores.csv")).unwrap();
    let r = import(true);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("it is a directory"), "{}", r.stderr);
    assert!(std::fs::read_to_string(wd.join("out/models.csv"))
        .unwrap()
        .contains("fake,row"));
    std::fs::remove_dir(wd.join("out/scores.csv")).unwrap();
    wd.write("out/scores.csv", "model,score\nmy,own\n");
    let r = import(true);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in ["models.csv", "benchmarks.csv", "scores.csv"] {
        let text = std::fs::read_to_string(wd.join("out").join(f)).unwrap();
        assert!(
            !text.contains("fake,row") && !text.contains("my,own"),
            "{f}"
        );
    }
    // Now they are capfloor's: replaced without --force.
    assert_eq!(import(false).code, 0);
    assert_eq!(snapshot(&wd.join("out")).len(), 3);
}

/// Links planted at the temporary names capfloor used to write under (`<out>.<pid>.tmp` for a
/// chart, `.<out>.<pid>.tmp` for a dossier) for the next pids: the run that gets one of those
/// pids must write through none of them. Retried until the run's pid falls among them.
#[test]
fn links_planted_at_temporary_names_are_not_followed() {
    let wd = Workdir::new();
    dossier_setup(&wd);
    wd.write("victim/precious.txt", "precious");
    wd.write("victim.svg", "precious");
    for attempt in 0..5 {
        // The pid the next process would get, about.
        let next = Command::new("true").spawn().unwrap();
        let base = next.id();
        let mut next = next;
        next.wait().unwrap();
        for pid in base..base + 200 {
            let _ = std::os::unix::fs::symlink("victim.svg", wd.join(&format!("x.svg.{pid}.tmp")));
            let _ = std::os::unix::fs::symlink("victim", wd.join(&format!(".d.{pid}.tmp")));
        }
        let mut chart = Command::new(env!("CARGO_BIN_EXE_capfloor"))
            .args(["chart", "progress", "--to", "2026-11-01", "--out", "x.svg"])
            .current_dir(wd.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let chart_pid = chart.id();
        assert!(chart.wait().unwrap().success());
        let mut dossier = Command::new(env!("CARGO_BIN_EXE_capfloor"))
            .args(dossier_args("d", false))
            .current_dir(wd.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let dossier_pid = dossier.id();
        assert!(dossier.wait().unwrap().success());
        assert_eq!(
            std::fs::read_to_string(wd.join("victim.svg")).unwrap(),
            "precious"
        );
        assert_eq!(
            snapshot(&wd.join("victim")),
            [("precious.txt".to_string(), b"precious".to_vec())]
        );
        assert!(wd.join("d/report.json").is_file() && wd.join("x.svg").is_file());
        if (base..base + 200).contains(&chart_pid) && (base..base + 200).contains(&dossier_pid) {
            return;
        }
        eprintln!("attempt {attempt}: pids {chart_pid}, {dossier_pid} outside {base}..+200");
    }
    panic!("the runs never got one of the pids the links were planted for");
}
