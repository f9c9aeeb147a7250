//! Writes the DeepSeek-V3-shaped checkpoint the inspect benchmark reads: 163 shards of sparse
//! files (91,991 tensors, about 690 GB of holes), `model.safetensors.index.json` and
//! `config.json`. The shapes are the integration tests' (`tests/cli/fixtures.rs`).
//!
//! cargo run --release --example deepseek-v3-fixture -- DIR

#[path = "../../tests/cli/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: deepseek-v3-fixture DIR");
        std::process::exit(2);
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create fixture directory");
    let (tensors, config) = fixtures::deepseek_v3();
    fixtures::write_sharded(&dir, "model", &tensors, 163);
    std::fs::write(dir.join("config.json"), config).expect("write config.json");
    println!("{}: {} tensors in 163 shards", dir.display(), tensors.len());
}
