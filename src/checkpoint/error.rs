/*!
Every way a checkpoint can be unreadable, one variant each, naming the file and, where there is
one, the tensor. Messages are one line: they are printed as-is after `capfloor: error:`.
*/

use std::io;
use std::path::{Path, PathBuf};

/// A checkpoint that cannot be inspected.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file or directory could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A FIFO, device, directory or socket where a file is read, or a file over the limit for
    /// its kind (the limits are `fsio`'s, shared with every other input).
    #[error(transparent)]
    File(crate::fsio::Error),
    /// The file is not in the safetensors format at all (text, a zip archive, a pickle…).
    #[error("{}: not a safetensors file: {what}", path.display())]
    NotSafetensors { path: PathBuf, what: String },
    /// The path does not exist.
    #[error("{}: no such file or directory", path.display())]
    NotFound { path: PathBuf },
    /// A directory holds no `.safetensors` file and no shard index.
    #[error("{}: no safetensors files in this directory (looked for *.safetensors.index.json and *.safetensors)", path.display())]
    NoSafetensors { path: PathBuf },
    /// A directory holds several shard indexes and none is the conventional one.
    #[error("{}: several shard indexes ({names}); pass the one to use as PATH", path.display())]
    AmbiguousIndex { path: PathBuf, names: String },
    /// The file has zero bytes.
    #[error("{}: empty file (a safetensors file starts with an 8-byte header length)", path.display())]
    Empty { path: PathBuf },
    /// The file is shorter than the 8-byte header length.
    #[error("{}: {len} bytes is too short for a safetensors file (it starts with an 8-byte header length)", path.display())]
    TooShort { path: PathBuf, len: u64 },
    /// The declared header length is larger than we are willing to read.
    #[error("{}: header length {declared} bytes is over the {cap}-byte limit", path.display())]
    HeaderTooLarge {
        path: PathBuf,
        declared: u64,
        cap: u64,
    },
    /// The declared header runs past the end of the file.
    #[error("{}: header length {declared} bytes runs past the end of the file ({file_len} bytes)", path.display())]
    HeaderPastEnd {
        path: PathBuf,
        declared: u64,
        file_len: u64,
    },
    /// The header bytes are not UTF-8.
    #[error("{}: header is not valid UTF-8 (byte {at})", path.display())]
    HeaderUtf8 { path: PathBuf, at: usize },
    /// The header is not valid JSON, or a tensor entry does not have the safetensors shape.
    #[error("{}: header is not valid safetensors JSON: {message}", path.display())]
    HeaderJson { path: PathBuf, message: String },
    /// The header is valid JSON but not an object.
    #[error("{}: header is not a JSON object", path.display())]
    HeaderNotObject { path: PathBuf },
    /// The same tensor name appears twice in one header.
    #[error("{}: tensor {tensor} appears twice in the header", path.display())]
    DuplicateTensor { path: PathBuf, tensor: String },
    /// A tensor's byte range lies past the end of the file's data.
    #[error("{}: tensor {tensor}: data_offsets end at {end}, past the {data_len} data bytes in the file", path.display())]
    OffsetsOutOfRange {
        path: PathBuf,
        tensor: String,
        end: u64,
        data_len: u64,
    },
    /// A tensor's element count (product of its shape) does not fit in 64 bits.
    #[error("{}: tensor {tensor}: shape {shape:?} has more elements than fit in 64 bits", path.display())]
    ShapeOverflow {
        path: PathBuf,
        tensor: String,
        shape: Vec<u64>,
    },
    /// A tensor's byte range does not match its shape and dtype.
    #[error("{}: tensor {tensor}: {layout} needs {expected} bytes but its offsets span {actual}", path.display())]
    SizeMismatch {
        path: PathBuf,
        tensor: String,
        /// `dtype × shape`, e.g. `BF16 × [3]`.
        layout: String,
        expected: String,
        actual: u64,
    },
    /// A tensor's offsets end before they start.
    #[error("{}: tensor {tensor}: data_offsets [{start}, {end}] end before they start", path.display())]
    ReversedOffsets {
        path: PathBuf,
        tensor: String,
        start: u64,
        end: u64,
    },
    /// Two tensors claim the same bytes.
    #[error("{}: tensor {tensor}: data_offsets start at {start}, inside {previous} (which ends at {previous_end})", path.display())]
    OverlappingOffsets {
        path: PathBuf,
        tensor: String,
        start: u64,
        previous: String,
        previous_end: u64,
    },
    /// Bytes between two tensors belong to none.
    #[error("{}: tensor {tensor}: data_offsets start at {start}, leaving a gap after byte {expected}", path.display())]
    GappedOffsets {
        path: PathBuf,
        tensor: String,
        start: u64,
        expected: u64,
    },
    /// The tensors do not end where the file's data ends.
    #[error("{}: tensors end at data byte {tensors_end} but the file holds {data_len} data bytes after the header", path.display())]
    DataLengthMismatch {
        path: PathBuf,
        tensors_end: u64,
        data_len: u64,
    },
    /// A shard index is not the JSON object `{"weight_map": {tensor: file}}`.
    #[error("{}: shard index is not valid: {message}", path.display())]
    IndexJson { path: PathBuf, message: String },
    /// A shard index names a file that is not there.
    #[error("{}: shard index names {shard}, which does not exist", path.display())]
    MissingShard { path: PathBuf, shard: String },
    /// A shard index names a file outside its own directory.
    #[error("{}: shard index names {shard}, which is outside the checkpoint directory", path.display())]
    ShardOutsideDirectory { path: PathBuf, shard: String },
    /// Tensors listed in the index are in no shard, so the count is not certain.
    #[error("{}: {count} tensor(s) listed in the index are in no shard, e.g. {example} (expected in {shard})", path.display())]
    MissingTensors {
        path: PathBuf,
        count: usize,
        example: String,
        shard: String,
    },
    /// `config.json` is not valid JSON or not an object.
    #[error("{}: config is not valid: {message}", path.display())]
    Config { path: PathBuf, message: String },
    /// A field of `config.json` has the wrong type or a value its scheme does not allow.
    #[error("{}: {field}: {problem}", path.display())]
    ConfigField {
        path: PathBuf,
        /// Dotted, e.g. `text_config.num_experts_per_tok`.
        field: String,
        problem: String,
    },
    /// A sum of counts or sizes does not fit in the 64 bits it is reported in.
    #[error("{}: {what} {sum} does not fit in 64 bits (largest part: {largest})", path.display())]
    CountOverflow {
        path: PathBuf,
        what: String,
        sum: u128,
        largest: String,
    },
    /// A packed tensor's un-packed parameters do not fit in 64 bits.
    #[error("{}: tensor {tensor}: {elements} stored elements un-pack to {params} parameters, more than fit in 64 bits", path.display())]
    PackedOverflow {
        path: PathBuf,
        tensor: String,
        elements: u64,
        params: u128,
    },
    /// Packed quantized weights whose bit width is not known.
    #[error("{}: tensor {tensor} is packed ({method}) but the bit width is unknown; pass the model's config.json with --config", path.display())]
    UnknownBits {
        path: PathBuf,
        tensor: String,
        method: String,
    },
}

/// A missing file is [`Error::NotFound`] (one short message, as for a missing checkpoint
/// directory); everything else `fsio` refuses is passed on as it words it.
impl From<crate::fsio::Error> for Error {
    fn from(e: crate::fsio::Error) -> Self {
        match e {
            crate::fsio::Error::Io { path, source } => Error::stat(&path, source),
            e => Error::File(e),
        }
    }
}

impl Error {
    /// A failure to look at or open `path`: missing, or another OS error.
    pub fn stat(path: &Path, source: io::Error) -> Error {
        match source.kind() {
            io::ErrorKind::NotFound => Error::NotFound {
                path: path.to_path_buf(),
            },
            _ => Error::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}
