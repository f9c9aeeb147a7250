/*!
Which files make up a checkpoint. PATH may be one `.safetensors` file, a shard index
(`*.safetensors.index.json`), or a directory holding either. In a directory an index wins
(`model.safetensors.index.json` first, then any single other `*.safetensors.index.json`, e.g.
`diffusion_pytorch_model.safetensors.index.json`), then `model.safetensors`, then
`diffusion_pytorch_model.safetensors`, then every `*.safetensors` file in name order.

The index maps each tensor to its shard; every shard it names must exist inside the directory.
*/

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use super::error::Error;

/// The files of one checkpoint.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The directory the checkpoint lives in (where `config.json` is looked for).
    pub dir: PathBuf,
    /// The weight files, in the order they are reported.
    pub files: Vec<PathBuf>,
    /// The shard index, when there is one.
    pub index: Option<Index>,
}

/// A `*.safetensors.index.json` file.
#[derive(Debug, Clone)]
pub struct Index {
    pub path: PathBuf,
    /// Tensor name → shard file name (relative to the index's directory).
    pub weight_map: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawIndex {
    weight_map: BTreeMap<String, String>,
}

const INDEX_SUFFIX: &str = ".safetensors.index.json";

/// Resolves PATH to the files of one checkpoint.
pub fn resolve(path: &Path) -> Result<Layout, Error> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if meta.is_file() {
        let dir = parent_dir(path);
        if file_name(path).ends_with(INDEX_SUFFIX) {
            return from_index(path, dir);
        }
        return Ok(Layout {
            dir,
            files: vec![path.to_path_buf()],
            index: None,
        });
    }

    let mut indexes = Vec::new();
    let mut weights = Vec::new();
    let entries = std::fs::read_dir(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(INDEX_SUFFIX) {
            indexes.push(name);
        } else if name.ends_with(".safetensors") {
            weights.push(name);
        }
    }
    indexes.sort();
    weights.sort();

    let dir = path.to_path_buf();
    let chosen_index = if indexes.iter().any(|n| n == "model.safetensors.index.json") {
        Some("model.safetensors.index.json".to_string())
    } else if indexes.len() == 1 {
        indexes.pop()
    } else if indexes.len() > 1 {
        return Err(Error::AmbiguousIndex {
            path: dir,
            names: indexes.join(", "),
        });
    } else {
        None
    };
    if let Some(index) = chosen_index {
        return from_index(&dir.join(index), dir);
    }
    for preferred in ["model.safetensors", "diffusion_pytorch_model.safetensors"] {
        if weights.iter().any(|n| n == preferred) {
            return Ok(Layout {
                files: vec![dir.join(preferred)],
                dir,
                index: None,
            });
        }
    }
    if weights.is_empty() {
        return Err(Error::NoSafetensors { path: dir });
    }
    Ok(Layout {
        files: weights.iter().map(|n| dir.join(n)).collect(),
        dir,
        index: None,
    })
}

fn from_index(index_path: &Path, dir: PathBuf) -> Result<Layout, Error> {
    let text = std::fs::read(index_path).map_err(|source| Error::Io {
        path: index_path.to_path_buf(),
        source,
    })?;
    let raw: RawIndex = serde_json::from_slice(&text).map_err(|e| Error::IndexJson {
        path: index_path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut shards: Vec<&String> = raw.weight_map.values().collect();
    shards.sort();
    shards.dedup();
    let mut files = Vec::with_capacity(shards.len());
    for shard in shards {
        let relative = Path::new(shard);
        let escapes = relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if escapes {
            return Err(Error::ShardOutsideDirectory {
                path: index_path.to_path_buf(),
                shard: shard.clone(),
            });
        }
        let file = dir.join(relative);
        if !file.is_file() {
            return Err(Error::MissingShard {
                path: index_path.to_path_buf(),
                shard: shard.clone(),
            });
        }
        files.push(file);
    }
    Ok(Layout {
        dir,
        files,
        index: Some(Index {
            path: index_path.to_path_buf(),
            weight_map: raw.weight_map,
        }),
    })
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
