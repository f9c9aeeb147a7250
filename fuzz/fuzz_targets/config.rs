//! A `config.json` from arbitrary bytes, and every fact the parameter count reads from it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::path::Path::new("config.json");
    if let Ok(c) = capfloor::checkpoint::config::ModelConfig::parse(path, data) {
        let _ = (c.num_hidden_layers(), c.tie_word_embeddings(), c.experts_per_token());
        let _ = (c.routed_experts(), c.shared_experts(), c.quantization());
    }
});
