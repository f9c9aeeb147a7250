/*!
Checkpoint inspection: how many parameters a model has, total and active, read from its
safetensors headers alone — never a byte of tensor data.

- [`layout`]: which files make up a checkpoint (single file, directory, shard index);
- [`header`]: reading and validating one header in bounded memory;
- [`config`]: the facts a count needs from `config.json`;
- [`quant`]: quantization schemes, packing factors and bookkeeping tensors;
- [`moe`]: mixture-of-experts structure and active parameters;
- [`count`]: the count itself, producing an [`Inspection`].
*/

use std::path::Path;

use rayon::prelude::*;

pub mod config;
pub mod count;
pub mod dtype;
mod error;
pub mod header;
pub mod layout;
pub mod moe;
pub mod quant;

pub use count::{Inspection, Moe, Parameters, Quantization};
pub use error::Error;

/// Inspects the checkpoint at `path` (a `.safetensors` file, a shard index, or a directory).
/// `config` overrides the `config.json` found beside the weights.
pub fn inspect(path: &Path, config: Option<&Path>) -> Result<Inspection, Error> {
    let layout = layout::resolve(path)?;
    let config = match config {
        Some(p) => Some(config::ModelConfig::load(p)?),
        None => {
            let beside = layout.dir.join("config.json");
            beside
                .is_file()
                .then(|| config::ModelConfig::load(&beside))
                .transpose()?
        }
    };
    // Headers are independent: read them in parallel, then report the first failure in file
    // order so that the message does not depend on scheduling.
    let headers: Vec<Result<header::Header, Error>> =
        layout.files.par_iter().map(|f| header::read(f)).collect();
    let headers = headers.into_iter().collect::<Result<Vec<_>, _>>()?;
    count::count(path.to_path_buf(), &layout, &headers, config.as_ref())
}
