/*!
Which files make up a checkpoint. PATH may be one `.safetensors` file, a shard index
(`*.safetensors.index.json`), or a directory holding either. In a directory an index wins
(`model.safetensors.index.json` first, then any single other `*.safetensors.index.json`, e.g.
`diffusion_pytorch_model.safetensors.index.json`), then `model.safetensors`, then
`diffusion_pytorch_model.safetensors`, then every `*.safetensors` file in name order.

The index maps each tensor to its shard; every shard it names must exist inside the directory.
*/

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use serde::de::{self, MapAccess, Visitor};
use serde::Deserialize;

use super::error::Error;
use super::text::{self, MapError, Text};
use crate::fsio;

/// The files of one checkpoint.
#[derive(Debug)]
pub struct Layout {
    /// The directory the checkpoint lives in (where `config.json` is looked for).
    pub dir: PathBuf,
    /// The weight files, in the order they are reported.
    pub files: Vec<PathBuf>,
    /// The shard index, when there is one.
    pub index: Option<Index>,
}

/// A `*.safetensors.index.json` file.
#[derive(Debug)]
pub struct Index {
    pub path: PathBuf,
    /// Shard file names as the index writes them, in the order of [`Layout::files`].
    pub shards: Vec<String>,
    /// The index's JSON: tensor names are ranges of it (no copy of 90,000 names).
    text: Text,
    /// Names the JSON escapes, unescaped; their ranges lie past the end of `text`.
    escaped: String,
    /// Each `weight_map` entry: the range of its name, its shard's position, and the
    /// [`text::name_hash`] of its name.
    entries: Vec<((u32, u32), usize, u64)>,
    /// Entry numbers grouped by shard (in index order within each): shard `s` has
    /// `by_shard[starts[s]..starts[s + 1]]`.
    by_shard: Vec<u32>,
    starts: Vec<usize>,
}

/// One `weight_map` entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'i> {
    pub name: &'i str,
    /// Position of its shard in [`Index::shards`] and [`Layout::files`].
    pub shard: usize,
    /// [`text::name_hash`] of the name.
    pub hash: u64,
}

impl Index {
    /// The `i`-th `weight_map` entry (panics past [`Index::len`]).
    pub fn entry(&self, i: usize) -> Entry<'_> {
        let (name, shard, hash) = self.entries[i];
        Entry {
            name: text::name(self.text.as_str(), &self.escaped, name),
            shard,
            hash,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The numbers of the entries naming shard `shard`, in index order.
    pub fn entries_of(&self, shard: usize) -> impl Iterator<Item = usize> + '_ {
        self.by_shard[self.starts[shard]..self.starts[shard + 1]]
            .iter()
            .map(|&k| k as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[derive(Deserialize)]
struct RawIndex<'a> {
    #[serde(borrow)]
    weight_map: Pairs<'a>,
}

/// A JSON object of strings read as a list of pairs, borrowing from the text where it can: an
/// index of 90,000 tensors is parsed without building a map of owned strings.
struct Pairs<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for PairsVisitor<'a> {
            type Value = Pairs<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object mapping tensor names to shard files")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<'a>, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(Str(k)) = map.next_key::<Str>()? {
                    let Str(v) = map.next_value::<Str>()?;
                    pairs.push((k, v));
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor(std::marker::PhantomData))
    }
}

const INDEX_SUFFIX: &str = ".safetensors.index.json";

/// What PATH names, before any file is read.
#[derive(Debug, Clone)]
pub enum Source {
    /// Weight files without an index.
    Files(Vec<PathBuf>),
    /// A shard index.
    Index(PathBuf),
}

/// Resolves PATH to the files of one checkpoint, reading the shard index if there is one.
pub fn resolve(path: &Path) -> Result<Layout, Error> {
    let (dir, source) = locate(path)?;
    match source {
        Source::Files(files) => Ok(Layout {
            dir,
            files,
            index: None,
        }),
        Source::Index(index) => read_index(&index, dir),
    }
}

/// Finds the checkpoint's directory and what to read in it, without reading any file.
pub fn locate(path: &Path) -> Result<(PathBuf, Source), Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::stat(path, e))?;
    let is_index = file_name(path).ends_with(INDEX_SUFFIX);
    if !meta.is_file() && !meta.is_dir() {
        let kind = match is_index {
            true => &fsio::SHARD_INDEX,
            false => &fsio::SAFETENSORS,
        };
        fsio::check_regular(path, &meta, kind)?;
    }
    if meta.is_file() {
        let dir = parent_dir(path);
        if is_index {
            return Ok((dir, Source::Index(path.to_path_buf())));
        }
        return Ok((dir, Source::Files(vec![path.to_path_buf()])));
    }

    let (mut indexes, weights) = list(path)?;
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
        let index = dir.join(index);
        return Ok((dir, Source::Index(index)));
    }
    for preferred in ["model.safetensors", "diffusion_pytorch_model.safetensors"] {
        if weights.iter().any(|n| n == preferred) {
            let files = vec![dir.join(preferred)];
            return Ok((dir, Source::Files(files)));
        }
    }
    if weights.is_empty() {
        return Err(Error::NoSafetensors { path: dir });
    }
    let files = weights.iter().map(|n| dir.join(n)).collect();
    Ok((dir, Source::Files(files)))
}

/// The files an index most likely names: `*.safetensors` beside it that share its prefix
/// (`model-00001-of-00163.safetensors` for `model.safetensors.index.json`). Reading these while
/// the index is parsed is only a head start; the index decides.
pub fn shard_candidates(index: &Path, dir: &Path) -> Vec<PathBuf> {
    let name = file_name(index);
    let prefix = name.strip_suffix(INDEX_SUFFIX).unwrap_or(&name);
    let Ok((_, weights)) = list(dir) else {
        return Vec::new();
    };
    weights
        .iter()
        .filter(|w| w.starts_with(prefix))
        .map(|w| dir.join(w))
        .collect()
}

/// Index and weight file names in `dir`, each sorted.
fn list(dir: &Path) -> Result<(Vec<String>, Vec<String>), Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut indexes = Vec::new();
    let mut weights = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let name = entry
            .map_err(io)?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(INDEX_SUFFIX) {
            indexes.push(name);
        } else if name.ends_with(".safetensors") {
            weights.push(name);
        }
    }
    indexes.sort();
    weights.sort();
    Ok((indexes, weights))
}

/// Reads a shard index and checks that every shard it names is a regular file inside `dir`.
pub fn read_index(index_path: &Path, dir: PathBuf) -> Result<Layout, Error> {
    let io = |source| Error::Io {
        path: index_path.to_path_buf(),
        source,
    };
    let (file, len) = fsio::open_file(index_path, &fsio::SHARD_INDEX)?;
    let text = match len {
        0 => Text::Owned(String::new()),
        // Bounded by fsio::SHARD_INDEX.
        _ => match Text::map(&file, 0, len as usize) {
            Ok(text) => text,
            Err(MapError::Io(e)) => return Err(io(e)),
            // serde_json words the error (where the bad byte is, as line and column).
            Err(MapError::Utf8(_)) => {
                let bytes = fsio::read(index_path, &fsio::SHARD_INDEX)?;
                return Err(match serde_json::from_slice::<RawIndex>(&bytes) {
                    Err(e) => json_error(index_path, e),
                    Ok(_) => Error::IndexJson {
                        path: index_path.to_path_buf(),
                        message: "invalid UTF-8".into(),
                    },
                });
            }
        },
    };
    let index = index_from_text(index_path, text, true)?;
    let mut files = Vec::with_capacity(index.shards.len());
    for shard in &index.shards {
        let file = dir.join(shard);
        match std::fs::metadata(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::MissingShard {
                    path: index_path.to_path_buf(),
                    shard: shard.clone(),
                })
            }
            Err(source) => return Err(Error::Io { path: file, source }),
            Ok(meta) => fsio::check_regular(&file, &meta, &fsio::SAFETENSORS)?,
        }
        files.push(file);
    }
    Ok(Layout {
        dir,
        files,
        index: Some(index),
    })
}

/// Parses shard index JSON without looking at the files it names: the same as [`read_index`]
/// up to the file checks, for tests and the fuzzer; `scanner: false` skips the fast path (the
/// reference the fuzzer compares it against).
#[doc(hidden)]
pub fn parse_index(index_path: &Path, json: Vec<u8>, scanner: bool) -> Result<Index, Error> {
    let text = String::from_utf8(json).map_err(|e| {
        match serde_json::from_slice::<RawIndex>(e.as_bytes()) {
            Err(e) => json_error(index_path, e),
            Ok(_) => Error::IndexJson {
                path: index_path.to_path_buf(),
                message: "invalid UTF-8".into(),
            },
        }
    })?;
    index_from_text(index_path, Text::Owned(text), scanner)
}

fn json_error(index_path: &Path, e: serde_json::Error) -> Error {
    Error::IndexJson {
        path: index_path.to_path_buf(),
        message: e.to_string(),
    }
}

fn index_from_text(index_path: &Path, text: Text, scanner: bool) -> Result<Index, Error> {
    let t = text.as_str();
    let mut collected = Collected::default();
    // As for headers: the scanner's fast path for canonical indexes, serde_json for the rest.
    let scanned = scanner
        .then(|| super::scan::weight_map(t, |name, shard| collected.push(t, name, shard)))
        .flatten();
    if scanned.is_none() {
        collected = Collected::default();
        let raw = serde_json::from_str::<RawIndex>(t).map_err(|e| json_error(index_path, e))?;
        for (name, shard) in &raw.weight_map.0 {
            collected.push(t, name, shard);
        }
    }
    let Collected {
        escaped,
        entries,
        shards: found,
        ..
    } = collected;
    // Shards in name order; `rank` takes a shard from the order it was found in to that one.
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_unstable_by(|&a, &b| found[a].cmp(&found[b]));
    let mut rank = vec![0; found.len()];
    for (position, &i) in order.iter().enumerate() {
        rank[i] = position;
    }
    let shards: Vec<String> = order.iter().map(|&i| found[i].clone()).collect();
    for shard in &shards {
        let relative = Path::new(shard);
        // By name only: a shard that is a symbolic link may point anywhere (the Hugging Face
        // cache links every snapshot file into its blob store).
        let escapes = relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if escapes {
            return Err(Error::ShardOutsideDirectory {
                path: index_path.to_path_buf(),
                shard: shard.clone(),
            });
        }
        if !relative
            .components()
            .any(|c| matches!(c, Component::Normal(_)))
        {
            return Err(Error::IndexJson {
                path: index_path.to_path_buf(),
                message: format!("weight_map names {shard:?} as a shard, which is no file name"),
            });
        }
    }
    let entries: Vec<((u32, u32), usize, u64)> = entries
        .into_iter()
        .map(|(name, found, hash)| (name, rank[found], hash))
        .collect();
    // Entries grouped by shard (a counting sort), for matching each shard against its header.
    let mut starts = vec![0usize; shards.len() + 1];
    for &(_, shard, _) in &entries {
        starts[shard + 1] += 1;
    }
    for s in 1..starts.len() {
        starts[s] += starts[s - 1];
    }
    let mut next = starts.clone();
    let mut by_shard = vec![0u32; entries.len()];
    for (k, &(_, shard, _)) in entries.iter().enumerate() {
        // Entry numbers fit u32: an index is at most 256 MiB (fsio::SHARD_INDEX).
        by_shard[next[shard]] = k as u32;
        next[shard] += 1;
    }
    Ok(Index {
        path: index_path.to_path_buf(),
        shards,
        text,
        escaped,
        entries,
        by_shard,
        starts,
    })
}

/// The `weight_map` as it is read: names as ranges, shards numbered in the order found.
#[derive(Default)]
struct Collected {
    escaped: String,
    entries: Vec<((u32, u32), usize, u64)>,
    shards: Vec<String>,
    numbers: rustc_hash::FxHashMap<String, usize>,
    /// Consecutive entries nearly always share a shard: the last one found.
    last: Option<usize>,
}

impl Collected {
    fn push(&mut self, text: &str, name: &str, shard: &str) {
        let number = match self.last {
            Some(n) if self.shards[n] == shard => n,
            _ => match self.numbers.get(shard) {
                Some(&n) => n,
                None => {
                    let n = self.shards.len();
                    self.shards.push(shard.to_string());
                    self.numbers.insert(shard.to_string(), n);
                    n
                }
            },
        };
        self.last = Some(number);
        let range = text::record(text, &mut self.escaped, name);
        self.entries.push((range, number, text::name_hash(name)));
    }
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
