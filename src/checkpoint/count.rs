/*!
The parameter count of a checkpoint: from the validated headers of its files (and its config,
when there is one) to an [`Inspection`] — total and active parameters, embeddings, MTP layers,
buffers, stored elements per dtype, quantization and MoE structure, and every warning that makes
a figure less than certain.

The rules, in the order they apply to each tensor:
1. a tensor stored in two files is counted once (warning);
2. quantization bookkeeping (scales, zero points, group indices) is not a parameter;
3. packed quantized weights are un-packed (see [`super::quant`]);
4. integer tensors outside a quantization scheme, and known float buffers, are buffers;
5. multi-token-prediction layers (`layers.{i}` with i ≥ `num_hidden_layers`, `mtp.*`) are counted
   apart and excluded from the total;
6. a stored output head tied to the input embedding is counted once;
7. active = total − Σ over MoE layers (E − k) × per-expert parameters (see [`super::moe`]).
*/

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hashbrown::hash_table::{self, HashTable};
use rayon::prelude::*;
use serde::Serialize;

use super::config::ModelConfig;
use super::dtype::Dtype;
use super::error::Error;
use super::header::{Header, Tensor};
use super::layout::Layout;
use super::moe::{self, Experts, Slot};
use super::path::{components, last_component, parent};
use super::quant::{self, Role, Scheme};
use super::text;
use crate::units::ParamCount;

/// Everything `capfloor inspect` reports about a checkpoint. The JSON shape is documented in the
/// README and relied on by the declaration and dossier commands.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The PATH that was inspected.
    pub path: PathBuf,
    /// The config the counts used, if any.
    pub config: Option<PathBuf>,
    /// The shard index, if any.
    pub index: Option<PathBuf>,
    pub files: Vec<FileSummary>,
    /// Distinct tensors across all files.
    pub tensors: usize,
    /// Total size of the weight files in bytes.
    pub bytes: u64,
    pub parameters: Parameters,
    /// Stored elements per dtype (every distinct tensor, bookkeeping and buffers included).
    pub by_dtype: BTreeMap<String, u64>,
    pub quantization: Option<Quantization>,
    pub moe: Option<Moe>,
    /// True when the output head shares the input embedding's weights (counted once).
    pub tied_embeddings: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub header_bytes: u64,
    pub tensors: usize,
}

/// Parameter counts as the model defines them (packed weights un-packed, bookkeeping excluded).
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    /// Every trained parameter of the model, MTP layers excluded.
    pub total: ParamCount,
    /// Parameters one token uses (total for dense models); null when a MoE's k is unknown.
    pub active: Option<ParamCount>,
    /// Token and position embeddings, plus the output head when it is not tied.
    pub embedding: ParamCount,
    /// Multi-token-prediction layers, reported apart and not in `total`.
    pub mtp: ParamCount,
    /// Elements of non-trainable buffers (position ids, rotary frequencies, masks).
    pub buffers: ParamCount,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quantization {
    pub method: String,
    pub bits: Option<u32>,
    /// Tensors holding several parameters per stored element.
    pub packed_tensors: usize,
    /// Scales, zero points, group indices and the like.
    pub bookkeeping_tensors: usize,
    /// Stored elements of the bookkeeping tensors.
    pub bookkeeping_elements: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Moe {
    /// E, routed experts per MoE layer.
    pub routed_experts: u64,
    /// k, routed experts each token uses; null if the config does not say.
    pub experts_per_token: Option<u64>,
    pub moe_layers: usize,
    /// Shared (always active) experts per MoE layer.
    pub shared_experts: u64,
    /// Parameters of one routed expert (first MoE layer).
    pub expert_parameters: ParamCount,
    /// Parameters of all routed experts of all MoE layers.
    pub routed_parameters: ParamCount,
    pub shared_expert_parameters: ParamCount,
}

/// Counts the parameters of the checkpoint whose files are `headers` (in `layout` order).
pub fn count(
    path: PathBuf,
    layout: &Layout,
    headers: &[Header],
    config: Option<&ModelConfig>,
) -> Result<Inspection, Error> {
    let mut warnings = Vec::new();
    let scheme = match config.and_then(ModelConfig::quantization) {
        Some(q) => Some(Scheme::from_config(&q)),
        None => Scheme::from_names(headers.iter().flat_map(Header::tensors)),
    };
    let num_layers = config.and_then(ModelConfig::num_hidden_layers);

    // Matching names across files and classifying each file's tensors do not wait for each
    // other: they run side by side. The classification assumes what is nearly always true, that
    // no tensor is stored twice and every sibling it asks about is in its own file; when either
    // is false, it runs again, over the distinct tensors and every file's names.
    let (distinct, tally) = rayon::join(
        || {
            let mut found = Vec::new();
            unique_tensors(layout, headers, &mut found).map(|d| (d, found))
        },
        || tally_files(headers, scheme.as_ref(), num_layers, None),
    );
    let (distinct, found) = distinct?;
    warnings.extend(found);
    let tally = if distinct.repeats.is_empty() && !tally.unsure {
        tally
    } else {
        tally_files(headers, scheme.as_ref(), num_layers, Some(&distinct))
    };
    if let Some((file, tensor, elements, params)) = tally.too_many {
        return Err(Error::PackedOverflow {
            path: file.to_path_buf(),
            tensor: tensor.to_string(),
            elements,
            params,
        });
    }
    if let Some(tensor) = tally.unknown_bits {
        return Err(Error::UnknownBits {
            path: layout.dir.clone(),
            tensor: tensor.to_string(),
            method: scheme
                .as_ref()
                .map_or("unknown", Scheme::method)
                .to_string(),
        });
    }
    let Tally {
        mut total,
        mtp,
        buffers,
        input_embedding,
        heads,
        packed_tensors,
        bookkeeping_tensors,
        bookkeeping_elements,
        inexact,
        first_inexact,
        experts,
        dtypes,
        unknown_bits: _,
        too_many: _,
        unsure: _,
    } = tally;
    // Sums are kept in 128 bits (no tensor count could overflow them); each must fit the
    // 64 bits it is reported in.
    let fit = |sum: u128, what: &str| fit(sum, what, headers, &distinct);
    let unknown_dtypes: BTreeMap<&str, usize> = dtypes
        .iter()
        .filter_map(|(d, _, n)| match d {
            Dtype::Unknown(name) => Some((name.as_str(), *n)),
            _ => None,
        })
        .collect();
    for (name, n) in unknown_dtypes {
        warnings.push(format!(
            "unknown dtype {name} ({n} tensor(s)): elements counted from the shape, size not checked"
        ));
    }
    if config.is_none() {
        warnings.push(
            "no config.json: MTP layers, tied embeddings and MoE experts per token cannot be read from it".into(),
        );
    }
    if let Some(first) = first_inexact {
        warnings.push(format!(
            "{inexact} packed tensor(s) do not hold a whole number of parameters at this bit width, e.g. {first}"
        ));
    }

    // Tied embeddings: the config decides; without the key, a missing head means tied.
    let tied = config
        .and_then(ModelConfig::tie_word_embeddings)
        .unwrap_or(heads.is_empty() && input_embedding > 0);
    let mut embedding = input_embedding;
    for (head, params) in &heads {
        if tied {
            warnings.push(format!(
                "{} is stored but tied to the input embedding: counted once",
                head.name
            ));
        } else {
            total += u128::from(*params);
            embedding += u128::from(*params);
        }
    }
    let total = fit(total, "parameter total")?;
    let embedding = fit(embedding, "embedding parameter count")?;
    let mtp = fit(mtp, "MTP parameter count")?;
    let buffers = fit(buffers, "buffer element count")?;
    let bookkeeping_elements = fit(bookkeeping_elements, "bookkeeping element count")?;
    let by_dtype: BTreeMap<String, u64> = dtypes
        .iter()
        .map(|(d, e, _)| {
            let what = format!("{} element count", d.name());
            Ok((d.name().to_string(), fit(*e, &what)?))
        })
        .collect::<Result<_, Error>>()?;
    if !tied && heads.is_empty() && config.and_then(ModelConfig::tie_word_embeddings) == Some(false)
    {
        warnings.push(
            "config says embeddings are not tied, but no output head (lm_head) is stored".into(),
        );
    }

    let experts = experts.finish();
    // Every expert's parameters are also in `total`, which fits: no expert sum overflowed (they
    // saturate, so they cannot wrap while `total` is still unchecked).
    let moe = moe_summary(&experts, config, total, &mut warnings);
    let active = match &moe {
        None => Some(total),
        Some((_, inactive)) => inactive.map(|i| total - i),
    };

    let quantization = scheme.map(|s| Quantization {
        method: s.method().to_string(),
        bits: s.bits(),
        packed_tensors,
        bookkeeping_tensors,
        bookkeeping_elements,
    });
    let files = headers
        .iter()
        .map(|h| FileSummary {
            path: h.path.clone(),
            bytes: h.file_len,
            header_bytes: h.header_len,
            tensors: h.len(),
        })
        .collect();
    Ok(Inspection {
        path,
        config: config.map(|c| c.path.clone()),
        index: layout.index.as_ref().map(|i| i.path.clone()),
        files,
        tensors: distinct.len(),
        bytes: total_bytes(layout, headers)?,
        parameters: Parameters {
            total: ParamCount(total),
            active: active.map(ParamCount),
            embedding: ParamCount(embedding),
            mtp: ParamCount(mtp),
            buffers: ParamCount(buffers),
        },
        by_dtype,
        quantization,
        moe: moe.map(|(m, _)| m),
        tied_embeddings: tied,
        warnings,
    })
}

/// The sums over tensors. Ranges of tensors are tallied in parallel and merged in order
/// ([`Tally::merge`] puts the right range after the left), which equals one pass in order.
#[derive(Default)]
struct Tally<'h> {
    total: u128,
    mtp: u128,
    buffers: u128,
    input_embedding: u128,
    heads: Vec<(Tensor<'h>, u64)>,
    packed_tensors: usize,
    bookkeeping_tensors: usize,
    bookkeeping_elements: u128,
    inexact: usize,
    first_inexact: Option<&'h str>,
    experts: Experts,
    /// Stored elements and tensors per dtype (a checkpoint has a handful: a list, by reference).
    dtypes: Vec<(&'h Dtype, u128, usize)>,
    /// The first tensor whose packing needs a bit width the scheme does not give.
    unknown_bits: Option<&'h str>,
    /// The first tensor whose un-packed parameters do not fit in 64 bits: its file, name,
    /// stored elements and parameters.
    too_many: Option<(&'h Path, &'h str, u64, u128)>,
    /// A sibling look-up that saw only one file found nothing there (the tensor may be in
    /// another file).
    unsure: bool,
}

impl<'h> Tally<'h> {
    /// Adds `elements` stored elements in `tensors` tensors of `dtype`.
    fn add_dtype(&mut self, dtype: &'h Dtype, elements: u128, tensors: usize) {
        match self.dtypes.iter_mut().find(|(d, _, _)| *d == dtype) {
            Some((_, e, n)) => {
                *e += elements;
                *n += tensors;
            }
            None => self.dtypes.push((dtype, elements, tensors)),
        }
    }

    fn add(&mut self, t: &Tensor<'h>, file: &'h Path, c: Result<Classified<'h>, Unclassified>) {
        self.add_dtype(t.dtype, u128::from(t.elements), 1);
        let c = match c {
            Ok(c) => c,
            Err(Unclassified::UnknownBits) => {
                self.unknown_bits = self.unknown_bits.or(Some(t.name));
                return;
            }
            Err(Unclassified::TooMany(params)) => {
                self.too_many = self.too_many.or(Some((file, t.name, t.elements, params)));
                return;
            }
        };
        let params = match c.role {
            Role::Bookkeeping => {
                self.bookkeeping_tensors += 1;
                self.bookkeeping_elements += u128::from(t.elements);
                return;
            }
            Role::Buffer => {
                self.buffers += u128::from(t.elements);
                return;
            }
            Role::Parameter { num, den } => {
                if (num, den) != (1, 1) {
                    self.packed_tensors += 1;
                }
                if c.inexact {
                    self.inexact += 1;
                    self.first_inexact = self.first_inexact.or(Some(t.name));
                }
                c.params
            }
        };
        match c.place {
            Place::Mtp => self.mtp += u128::from(params),
            Place::Head => self.heads.push((*t, params)),
            Place::Body { embedding, expert } => {
                if embedding {
                    self.input_embedding += u128::from(params);
                }
                if let Some((prefix, slot)) = expert {
                    self.experts.add_located(prefix, slot, t.shape, params);
                }
                self.total += u128::from(params);
            }
        }
    }

    /// `self` followed by `next`.
    fn merge(mut self, next: Self) -> Self {
        self.total += next.total;
        self.mtp += next.mtp;
        self.buffers += next.buffers;
        self.input_embedding += next.input_embedding;
        self.heads.extend(next.heads);
        self.packed_tensors += next.packed_tensors;
        self.bookkeeping_tensors += next.bookkeeping_tensors;
        self.bookkeeping_elements += next.bookkeeping_elements;
        self.inexact += next.inexact;
        self.first_inexact = self.first_inexact.or(next.first_inexact);
        self.experts = self.experts.merge(next.experts);
        for (dtype, elements, tensors) in next.dtypes {
            self.add_dtype(dtype, elements, tensors);
        }
        self.unknown_bits = self.unknown_bits.or(next.unknown_bits);
        self.too_many = self.too_many.or(next.too_many);
        self.unsure |= next.unsure;
        self
    }
}

/// Classifies and sums every file's tensors, files in parallel, merged in file order (the same
/// as one pass in order). With `distinct`, tensors repeated from an earlier file are skipped
/// and sibling look-ups see every file; without it, each file's look-ups see only that file,
/// and [`Tally::unsure`] records one that found nothing there.
fn tally_files<'h>(
    headers: &'h [Header],
    scheme: Option<&Scheme>,
    num_layers: Option<u64>,
    distinct: Option<&Distinct<'h>>,
) -> Tally<'h> {
    headers
        .par_iter()
        .enumerate()
        .fold(Tally::default, |mut tally, (file, h)| {
            let missed = std::cell::Cell::new(false);
            let has = |n: &str| match distinct {
                Some(d) => d.contains(n),
                None => {
                    let here = h.find(n, text::name_hash(n)).is_some();
                    missed.set(missed.get() || !here);
                    here
                }
            };
            for (i, t) in h.tensors().enumerate() {
                if distinct.is_some_and(|d| d.is_repeat(file, i)) {
                    continue;
                }
                tally.add(&t, &h.path, classify(&t, scheme, &has, num_layers));
            }
            tally.unsure |= missed.get();
            tally
        })
        .reduce(Tally::default, Tally::merge)
}

/// Where a parameter tensor counts.
enum Place<'t> {
    /// A multi-token-prediction layer: reported apart.
    Mtp,
    /// The output head: counted unless tied to the input embedding.
    Head,
    /// The model proper; `expert` locates routed and shared expert tensors.
    Body {
        embedding: bool,
        expert: Option<(&'t str, Slot)>,
    },
}

/// One tensor's role and place, computed independently of every other tensor.
struct Classified<'t> {
    role: Role,
    /// Un-packed parameters (0 for bookkeeping and buffers).
    params: u64,
    /// The packing factor did not divide the stored elements evenly.
    inexact: bool,
    place: Place<'t>,
}

/// Why a tensor has no parameter count.
enum Unclassified {
    /// Packed, and the scheme gives no bit width.
    UnknownBits,
    /// Its un-packed parameters (given) do not fit in 64 bits.
    TooMany(u128),
}

fn classify<'t>(
    t: &Tensor<'t>,
    scheme: Option<&Scheme>,
    has: &dyn Fn(&str) -> bool,
    num_layers: Option<u64>,
) -> Result<Classified<'t>, Unclassified> {
    let role =
        quant::role(t, scheme, has).map_err(|quant::UnknownBits| Unclassified::UnknownBits)?;
    let (params, inexact) = match role {
        // Packing factors are small constants over checked bit widths, never 0 over.
        Role::Parameter { num, den } if den > 0 => {
            let scaled = u128::from(t.elements) * u128::from(num);
            let params = scaled / u128::from(den);
            (
                u64::try_from(params).map_err(|_| Unclassified::TooMany(params))?,
                scaled % u128::from(den) != 0,
            )
        }
        Role::Parameter { .. } => return Err(Unclassified::UnknownBits),
        Role::Bookkeeping | Role::Buffer => (0, false),
    };
    let place = if is_mtp(t.name, num_layers) {
        Place::Mtp
    } else if is_output_head(t.name) {
        Place::Head
    } else {
        Place::Body {
            embedding: is_input_embedding(t.name),
            expert: moe::locate(t.name),
        }
    };
    Ok(Classified {
        role,
        params,
        inexact,
        place,
    })
}

/// The MoE summary and the inactive parameter count (None when k is unknown).
fn moe_summary(
    experts: &Experts,
    config: Option<&ModelConfig>,
    total: u64,
    warnings: &mut Vec<String>,
) -> Option<(Moe, Option<u64>)> {
    let layers: Vec<_> = experts.routed_layers().collect();
    let (_, first) = layers.first()?;
    let e = first.experts();
    if layers.iter().any(|(_, l)| l.experts() != e) {
        warnings.push("MoE layers differ in their number of routed experts".into());
    }
    if let Some(stated) = config.and_then(ModelConfig::routed_experts) {
        if stated != e {
            warnings.push(format!(
                "config states {stated} routed experts but the tensors hold {e}"
            ));
        }
    }
    let k = config.and_then(ModelConfig::experts_per_token);
    let inactive = match k {
        Some(k) => {
            let (inactive, notes) = experts.inactive(k);
            warnings.extend(notes);
            Some(inactive.min(total))
        }
        None => {
            warnings.push(
                "MoE experts per token unknown (no num_experts_per_tok / experts_per_token / moe_top_k in the config): active parameters not computed".into(),
            );
            None
        }
    };
    let shared_params = experts
        .layers
        .values()
        .fold(0u64, |sum, l| sum.saturating_add(l.shared_params));
    let shared = config
        .and_then(ModelConfig::shared_experts)
        .unwrap_or(u64::from(shared_params > 0));
    let moe = Moe {
        routed_experts: e,
        experts_per_token: k,
        moe_layers: layers.len(),
        shared_experts: shared,
        expert_parameters: ParamCount(first.routed_params() / e.max(1)),
        routed_parameters: ParamCount(
            layers
                .iter()
                .fold(0u64, |sum, (_, l)| sum.saturating_add(l.routed_params())),
        ),
        shared_expert_parameters: ParamCount(shared_params),
    };
    Some((moe, inactive))
}

/// A 128-bit sum as the u64 it is reported in; past 64 bits, an error naming the largest distinct
/// tensor (by stored elements) and its file, the likeliest culprit.
fn fit(sum: u128, what: &str, headers: &[Header], distinct: &Distinct) -> Result<u64, Error> {
    if let Ok(n) = u64::try_from(sum) {
        return Ok(n);
    }
    let largest = headers
        .iter()
        .enumerate()
        .flat_map(|(f, h)| (0..h.len()).map(move |i| (f, h, i)))
        .filter(|&(f, _, i)| !distinct.is_repeat(f, i))
        .max_by_key(|&(_, h, i)| h.tensor(i).elements);
    let (path, largest) = match largest {
        Some((_, h, i)) => {
            let t = h.tensor(i);
            (
                h.path.clone(),
                format!("tensor {}, {} elements", t.name, t.elements),
            )
        }
        None => (PathBuf::new(), "none".into()),
    };
    Err(Error::CountOverflow {
        path,
        what: what.to_string(),
        sum,
        largest,
    })
}

/// The sizes of the weight files summed; sparse files can each claim up to 2^63 − 1 bytes.
fn total_bytes(layout: &Layout, headers: &[Header]) -> Result<u64, Error> {
    let sum: u128 = headers.iter().map(|h| u128::from(h.file_len)).sum();
    u64::try_from(sum).map_err(|_| {
        let largest = headers.iter().max_by_key(|h| h.file_len);
        Error::CountOverflow {
            path: layout.dir.clone(),
            what: "size of the weight files in bytes".into(),
            sum,
            largest: largest.map_or("none".into(), |h| {
                format!("{}, {} bytes", h.path.display(), h.file_len)
            }),
        }
    })
}

/// Each distinct tensor of a checkpoint, found by name through the hash its header computed.
/// Tensors are numbered in file order, then offset order, across all files; none is copied.
struct Distinct<'h> {
    headers: &'h [Header],
    /// The number of each file's first tensor.
    starts: Vec<usize>,
    /// Numbers of tensors stored again in a later file, ascending, each with the number of its
    /// first copy: counted once, from the first file. Nearly always empty.
    repeats: Vec<(usize, usize)>,
    /// Numbers of the distinct tensors, keyed by [`Tensor::hash`].
    table: HashTable<usize>,
    /// Tensors numbered, repeats included.
    all: usize,
}

impl<'h> Distinct<'h> {
    /// Distinct tensors.
    fn len(&self) -> usize {
        self.all - self.repeats.len()
    }

    /// The file and position in it of the tensor numbered `n`.
    fn locate(&self, n: usize) -> (&'h Header, usize) {
        let file = self.file_of(n);
        (&self.headers[file], n - self.starts[file])
    }

    /// The tensor numbered `n`.
    fn tensor(&self, n: usize) -> Tensor<'h> {
        let (h, i) = self.locate(n);
        h.tensor(i)
    }

    /// Whether tensor `n` is named `name` (whose hash is `hash`).
    fn is(&self, n: usize, name: &str, hash: u64) -> bool {
        let (h, i) = self.locate(n);
        h.is_named(i, name, hash)
    }

    fn find(&self, name: &str, hash: u64) -> Option<usize> {
        self.table.find(hash, |&n| self.is(n, name, hash)).copied()
    }

    fn contains(&self, name: &str) -> bool {
        self.find(name, text::name_hash(name)).is_some()
    }

    /// Whether tensor `i` of `file` repeats one of an earlier file.
    fn is_repeat(&self, file: usize, i: usize) -> bool {
        let n = self.starts[file] + i;
        !self.repeats.is_empty() && self.repeats.binary_search_by_key(&n, |r| r.0).is_ok()
    }

    /// The file a tensor numbered `n` is in.
    fn file_of(&self, n: usize) -> usize {
        self.starts.partition_point(|&s| s <= n) - 1
    }
}

/// Each tensor once, reconciled with the shard index: a tensor in two files is counted once; an
/// index entry found in another shard than it says is a warning; an index entry found nowhere
/// makes the count uncertain and is an error. The names were hashed as the headers and the index
/// were read, in parallel; here each is only looked up.
fn unique_tensors<'h>(
    layout: &Layout,
    headers: &'h [Header],
    warnings: &mut Vec<String>,
) -> Result<Distinct<'h>, Error> {
    let mut starts = Vec::with_capacity(headers.len());
    let mut all = 0;
    for h in headers {
        starts.push(all);
        all += h.len();
    }
    let mut distinct = Distinct {
        headers,
        starts,
        repeats: Vec::new(),
        table: HashTable::with_capacity(all),
        all,
    };
    let mut n = 0;
    let mut table = std::mem::take(&mut distinct.table);
    for h in headers {
        for t in h.tensors() {
            let entry = table.entry(
                t.hash,
                |&seen| distinct.is(seen, t.name, t.hash),
                |&seen| {
                    let (h, i) = distinct.locate(seen);
                    h.hash(i)
                },
            );
            match entry {
                hash_table::Entry::Occupied(first) => distinct.repeats.push((n, *first.get())),
                hash_table::Entry::Vacant(v) => {
                    v.insert(n);
                }
            }
            n += 1;
        }
    }
    distinct.table = table;
    if let Some(&(first, _)) = distinct.repeats.first() {
        warnings.push(format!(
            "{} tensor(s) stored in more than one file are counted once, e.g. {}",
            distinct.repeats.len(),
            distinct.tensor(first).name
        ));
    }

    let Some(index) = &layout.index else {
        return Ok(distinct);
    };
    // `layout.files` lists the index's shards in order, so a file's position is its shard's.
    // Each shard's entries are matched against its own header (a small table, in cache), in
    // parallel; the few that are not there are looked up among all tensors after.
    let matched: Vec<(Vec<bool>, Vec<usize>)> = headers
        .par_iter()
        .enumerate()
        .map(|(shard, h)| {
            let mut listed = vec![false; h.len()];
            let mut elsewhere = Vec::new();
            for k in index.entries_of(shard) {
                let e = index.entry(k);
                match h.find(e.name, e.hash) {
                    Some(i) => listed[i] = true,
                    None => elsewhere.push(k),
                }
            }
            (listed, elsewhere)
        })
        .collect();
    let mut listed = Vec::with_capacity(all);
    let mut elsewhere = Vec::new();
    for (l, e) in matched {
        listed.extend(l);
        elsewhere.extend(e);
    }
    // Reported in index order.
    elsewhere.sort_unstable();
    let mut missing: Vec<(&str, usize)> = Vec::new();
    let mut moved: Vec<&str> = Vec::new();
    for k in elsewhere {
        let e = index.entry(k);
        match distinct.find(e.name, e.hash) {
            None => missing.push((e.name, e.shard)),
            Some(n) => {
                listed[n] = true;
                moved.push(e.name);
            }
        }
    }
    if let Some(&(example, shard)) = missing.first() {
        return Err(Error::MissingTensors {
            path: index.path.clone(),
            count: missing.len(),
            example: example.to_string(),
            shard: index.shards[shard].clone(),
        });
    }
    if let Some(first) = moved.first() {
        warnings.push(format!(
            "{} tensor(s) are in another shard than the index says (count unaffected), e.g. {first}",
            moved.len()
        ));
    }
    // A tensor is listed when any copy of it is; repeats themselves are not counted.
    for &(repeat, first) in &distinct.repeats {
        listed[first] |= listed[repeat];
        listed[repeat] = true;
    }
    let unlisted: Vec<usize> = (0..all).filter(|&n| !listed[n]).collect();
    if let Some(&first) = unlisted.first() {
        warnings.push(format!(
            "{} tensor(s) in the shards are not listed in the index (counted), e.g. {}",
            unlisted.len(),
            distinct.tensor(first).name
        ));
    }
    Ok(distinct)
}

/// Multi-token-prediction modules: DeepSeek/GLM put them after the last layer
/// (`model.layers.{i}`, i ≥ `num_hidden_layers`, outside any vision/audio/encoder tower);
/// Qwen3-Next and MiMo name them `mtp` / `mtp_layers`. One walk over the name's components.
fn is_mtp(name: &str, num_layers: Option<u64>) -> bool {
    let mut parts = components(name).map(|(_, part)| part);
    let mut in_tower = false;
    while let Some(part) = parts.next() {
        match part {
            "mtp" | "mtp_layers" => return true,
            "layers" => {
                // The first `layers.{i}` decides, unless an `mtp` component follows.
                let past_last = match (num_layers, in_tower, parts.next().map(str::parse::<u64>)) {
                    (Some(n), false, Some(Ok(i))) => i >= n,
                    _ => false,
                };
                return past_last || parts.any(|p| p == "mtp" || p == "mtp_layers");
            }
            _ => in_tower = in_tower || is_tower(part),
        }
    }
    false
}

/// A component naming a non-language tower, whose layers are numbered on their own.
fn is_tower(component: &str) -> bool {
    // Plain byte windows: components are a few bytes long, shorter than a searcher's set-up.
    ["vision", "visual", "audio", "encoder"].iter().any(|t| {
        component
            .as_bytes()
            .windows(t.len())
            .any(|w| w == t.as_bytes())
    })
}

/// The output projection to the vocabulary.
fn is_output_head(name: &str) -> bool {
    name == "lm_head.weight"
        || name.ends_with(".lm_head.weight")
        || name == "embed_out.weight"
        || name == "output.weight"
}

/// Token and position embedding tables.
fn is_input_embedding(name: &str) -> bool {
    matches!(
        last_component(parent(name)),
        "embed_tokens"
            | "wte"
            | "wpe"
            | "tok_embeddings"
            | "word_embeddings"
            | "position_embeddings"
            | "embed_in"
            | "embed_positions"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header parsed from `json`, for a file whose data section is `data` bytes.
    fn header(name: &str, json: &str, data: u64) -> Header {
        let file_len = 8 + json.len() as u64 + data;
        super::super::header::parse(
            std::path::Path::new(name),
            json.as_bytes().to_vec(),
            file_len,
        )
        .unwrap()
    }

    fn count_files(headers: &[Header]) -> Inspection {
        let layout = Layout {
            dir: PathBuf::from("."),
            files: headers.iter().map(|h| h.path.clone()).collect(),
            index: None,
        };
        count(PathBuf::from("."), &layout, headers, None).unwrap()
    }

    #[test]
    fn a_sibling_in_another_file_is_found_by_the_second_pass() {
        // No quantization scheme can be read from these names, so `e.w_scales` is bookkeeping
        // only because `e.w_blocks` exists, and that is in the other file.
        let a = header(
            "a.safetensors",
            r#"{"e.w_blocks":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#,
            16,
        );
        let b = header(
            "b.safetensors",
            r#"{"e.w_scales":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
            8,
        );
        let first = tally_files(std::slice::from_ref(&b), None, None, None);
        assert!(first.unsure, "the look-up saw only b");
        let x = count_files(&[a, b]);
        assert_eq!(x.parameters.total.0, 4);
        assert!(x.quantization.is_none());
        assert_eq!(x.parameters.buffers.0, 0);
        assert_eq!(x.tensors, 2);
    }

    #[test]
    fn both_passes_agree_when_the_first_is_sure() {
        let a = header(
            "a.safetensors",
            r#"{"l.0.mlp.experts.0.w":{"dtype":"BF16","shape":[4,4],"data_offsets":[0,32]},"l.0.mlp.experts.1.w":{"dtype":"BF16","shape":[4,4],"data_offsets":[32,64]},"lm_head.weight":{"dtype":"F32","shape":[3],"data_offsets":[64,76]}}"#,
            76,
        );
        let b = header(
            "b.safetensors",
            r#"{"l.1.mlp.experts.0.w":{"dtype":"BF16","shape":[4,4],"data_offsets":[0,32]},"model.embed_tokens.weight":{"dtype":"F32","shape":[5],"data_offsets":[32,52]}}"#,
            52,
        );
        let headers = [a, b];
        let layout = Layout {
            dir: PathBuf::from("."),
            files: headers.iter().map(|h| h.path.clone()).collect(),
            index: None,
        };
        let distinct = unique_tensors(&layout, &headers, &mut Vec::new()).unwrap();
        let fast = tally_files(&headers, None, None, None);
        let exact = tally_files(&headers, None, None, Some(&distinct));
        assert!(!fast.unsure);
        assert_eq!(
            (
                fast.total,
                fast.input_embedding,
                fast.heads.len(),
                fast.dtypes.len()
            ),
            (
                exact.total,
                exact.input_embedding,
                exact.heads.len(),
                exact.dtypes.len()
            )
        );
        assert_eq!(fast.total, 16 * 3 + 5);
        let (fast, exact) = (fast.experts.finish(), exact.experts.finish());
        assert_eq!(fast.layers.len(), 2);
        assert_eq!(
            fast.layers["l.0.mlp"].routed_params(),
            exact.layers["l.0.mlp"].routed_params()
        );
    }

    fn count_err(headers: &[Header], config: Option<&str>) -> String {
        let layout = Layout {
            dir: PathBuf::from("ckpt"),
            files: headers.iter().map(|h| h.path.clone()).collect(),
            index: None,
        };
        let config = config.map(|c| {
            ModelConfig::parse(std::path::Path::new("config.json"), c.as_bytes()).unwrap()
        });
        count(PathBuf::from("."), &layout, headers, config.as_ref())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_parameter_total_past_64_bits_is_an_error_not_a_wrapped_count() {
        // Unknown dtypes are not size-checked, so their shapes can be anything that fits u64.
        let a = header(
            "a.safetensors",
            r#"{"a":{"dtype":"X","shape":[18446744073709551615],"data_offsets":[0,1]},"b":{"dtype":"X","shape":[2],"data_offsets":[1,2]}}"#,
            2,
        );
        assert_eq!(
            count_err(&[a], None),
            "a.safetensors: parameter total 18446744073709551617 does not fit in 64 bits (largest part: tensor a, 18446744073709551615 elements)"
        );
        // Across files, and in the counts reported apart from the total.
        let big = |name: &str, tensor: &str| {
            let json = format!(
                r#"{{"{tensor}":{{"dtype":"X","shape":[9223372036854775808],"data_offsets":[0,1]}}}}"#
            );
            header(name, &json, 1)
        };
        let e = count_err(
            &[big("1.safetensors", "w"), big("2.safetensors", "v")],
            None,
        );
        assert!(
            e.contains("parameter total 18446744073709551616 does not fit"),
            "{e}"
        );
        let e = count_err(
            &[
                big("1.safetensors", "mtp.0.w"),
                big("2.safetensors", "mtp.1.w"),
            ],
            None,
        );
        assert!(
            e.contains("MTP parameter count 18446744073709551616"),
            "{e}"
        );
        let e = count_err(
            &[
                big("1.safetensors", "l.weight_scale"),
                big("2.safetensors", "m.weight_scale"),
            ],
            None,
        );
        assert!(
            e.contains("bookkeeping element count 18446744073709551616"),
            "{e}"
        );
    }

    #[test]
    fn packed_parameters_past_64_bits_are_an_error_naming_the_tensor() {
        let a = header(
            "q.safetensors",
            r#"{"l.qweight":{"dtype":"X32","shape":[4611686018427387904],"data_offsets":[0,1]}}"#,
            1,
        );
        assert_eq!(
            count_err(&[a], Some(r#"{"quantization_config":{"quant_method":"gptq","bits":4}}"#)),
            "q.safetensors: tensor l.qweight: 4611686018427387904 stored elements un-pack to 36893488147419103232 parameters, more than fit in 64 bits"
        );
    }

    #[test]
    fn mtp_layers_are_those_past_num_hidden_layers() {
        assert!(is_mtp("model.layers.61.eh_proj.weight", Some(61)));
        assert!(!is_mtp("model.layers.60.mlp.gate.weight", Some(61)));
        assert!(!is_mtp("model.layers.61.eh_proj.weight", None));
        assert!(is_mtp("mtp.layers.0.mlp.gate.weight", None));
        assert!(is_mtp("model.mtp_layers.0.x", None));
        assert!(!is_mtp("vision_model.model.layers.50.w", Some(48)));
        assert!(is_mtp("layers.3.w", Some(2)));
        assert!(!is_mtp("model.layers.x.w", Some(2)));
        assert!(!is_mtp("model.layers_mtp.w", Some(2)));
    }

    #[test]
    fn heads_and_embeddings_are_recognised() {
        assert!(is_output_head("lm_head.weight"));
        assert!(is_output_head("language_model.lm_head.weight"));
        assert!(!is_output_head("model.layers.61.shared_head.head.weight"));
        assert!(is_input_embedding("model.embed_tokens.weight"));
        assert!(is_input_embedding("transformer.wte.weight"));
        assert!(!is_input_embedding(
            "model.layers.0.self_attn.q_proj.weight"
        ));
    }
}
