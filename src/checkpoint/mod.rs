/*!
Checkpoint inspection: how many parameters a model has, total and active, read from its
safetensors headers alone — never a byte of tensor data.

- [`layout`]: which files make up a checkpoint (single file, directory, shard index);
- files are opened through [`crate::fsio`]: regular files only, each kind within its limit;
- [`header`]: reading and validating one header in bounded memory (`sniff` names other formats);
- [`config`]: the facts a count needs from `config.json`;
- [`quant`]: quantization schemes, packing factors and bookkeeping tensors;
- [`moe`]: mixture-of-experts structure and active parameters;
- `scan`: a fast path for the canonical JSON of headers and indexes;
- [`text`]: header and index JSON, mapped read-only, and names as ranges of it;
- [`count`]: the count itself, producing an [`Inspection`].
*/

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub mod config;
pub mod count;
pub mod dtype;
mod error;
pub mod header;
pub mod layout;
pub mod moe;
mod path;
pub mod quant;
mod scan;
mod sniff;
pub mod text;

pub use count::{Inspection, Moe, Parameters, Quantization};
pub use error::Error;

/// Inspects the checkpoint at `path` (a `.safetensors` file, a shard index, or a directory).
/// `config` overrides the `config.json` found beside the weights.
pub fn inspect(path: &Path, config: Option<&Path>) -> Result<Inspection, Error> {
    let (dir, source) = layout::locate(path)?;
    let config = match config {
        Some(p) => Some(config::ModelConfig::load(p)?),
        None => {
            // A config.json that is there is read, or refused (a directory, a FIFO, a dangling
            // link): passing over it silently would count without it.
            let beside = dir.join("config.json");
            crate::fsio::exists(&beside)?
                .then(|| config::ModelConfig::load(&beside))
                .transpose()?
        }
    };
    let (layout, headers) = match source {
        layout::Source::Files(files) => {
            let headers = read_headers(&files)?;
            let layout = layout::Layout {
                dir,
                files,
                index: None,
            };
            (layout, headers)
        }
        layout::Source::Index(index) => {
            // Parsing a large index takes as long as reading every shard's header, so the likely
            // shards are read at the same time; the index then decides which headers count.
            let candidates = layout::shard_candidates(&index, &dir);
            let (layout, early) = rayon::join(
                || layout::read_index(&index, dir.clone()),
                || {
                    candidates
                        .par_iter()
                        .map(|f| header::read(f))
                        .collect::<Vec<_>>()
                },
            );
            let layout = layout?;
            let mut early: HashMap<PathBuf, Result<header::Header, Error>> =
                candidates.into_iter().zip(early).collect();
            let mut headers = Vec::with_capacity(layout.files.len());
            for file in &layout.files {
                headers.push(match early.remove(file) {
                    Some(read) => read?,
                    None => header::read(file)?,
                });
            }
            (layout, headers)
        }
    };
    let inspection = count::count(path.to_path_buf(), &layout, &headers, config.as_ref());
    // Unmapping 163 headers and freeing their arenas takes a few milliseconds the answer does
    // not wait for: another thread does it (a CLI may exit first; the OS frees them then).
    rayon::spawn(move || drop((layout, headers)));
    inspection
}

/// Reads the headers of `files` in parallel and reports the first failure in file order, so that
/// the message does not depend on scheduling.
fn read_headers(files: &[PathBuf]) -> Result<Vec<header::Header>, Error> {
    let headers: Vec<Result<header::Header, Error>> =
        files.par_iter().map(|f| header::read(f)).collect();
    headers.into_iter().collect()
}
