/*!
Reads and validates one safetensors header without touching tensor data.

A safetensors file is an 8-byte little-endian length N, N bytes of JSON mapping tensor names to
`{dtype, shape, data_offsets}` (plus an optional `__metadata__` object of strings), then the data.
We read the 8 bytes, check N against the file size and a cap *before* mapping anything, map the
first 8 + N bytes read-only (never the data; see [`super::text`]), and validate what the
`safetensors` crate validates (contiguous offsets, sizes equal to elements ×
dtype width, the data ending exactly at the end of the file) with checked arithmetic throughout.

We do not use the `safetensors` crate's own reader because it rejects dtype names it does not know
(a parameter count should not), its `read_metadata` wants the whole file in memory, and its errors
do not name the file.
*/

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::dtype::Dtype;
use super::error::Error;
use super::sniff;
use super::text::{self, MapError, Text};
use crate::fsio;
use hashbrown::hash_table::{self, HashTable};

/// The largest header we will read, the same cap as the reference implementation (100 MB).
pub const MAX_HEADER_BYTES: u64 = 100_000_000;

/// One tensor as its header describes it. Its name and shape live in the [`Header`]'s arenas (a
/// large checkpoint has ~100,000 tensors: two allocations each would dominate the run time);
/// [`Header::tensors`] gives [`Tensor`] views of them.
#[derive(Debug, Clone)]
pub struct TensorInfo {
    /// Byte range of the name in `Header::text`.
    name: (u32, u32),
    /// Range of the dimensions in `Header::dims`.
    shape: (u32, u32),
    pub dtype: Dtype,
    /// Product of the shape (1 for a scalar), checked for overflow.
    pub elements: u64,
    /// Byte range within the data section.
    pub start: u64,
    pub end: u64,
    /// [`text::name_hash`] of the name.
    pub hash: u64,
}

/// A view of one tensor of a [`Header`].
#[derive(Debug, Clone, Copy)]
pub struct Tensor<'h> {
    pub name: &'h str,
    /// [`text::name_hash`] of the name.
    pub hash: u64,
    pub dtype: &'h Dtype,
    pub shape: &'h [u64],
    pub elements: u64,
}

/// One file's validated header.
#[derive(Debug)]
pub struct Header {
    pub path: PathBuf,
    /// Length of the whole file in bytes.
    pub file_len: u64,
    /// N, the length of the JSON header.
    pub header_len: u64,
    /// The header's JSON.
    text: Text,
    /// The unescaped form of any name the JSON escapes; name ranges past the end of `text`
    /// point here.
    escaped: String,
    /// Every tensor's dimensions, back to back.
    dims: Vec<u64>,
    /// In offset order.
    infos: Vec<TensorInfo>,
    /// Positions in `infos`, keyed by [`TensorInfo::hash`]: finds a name in this file.
    table: HashTable<u32>,
}

impl Header {
    /// The tensors, in offset order.
    pub fn tensors(&self) -> impl ExactSizeIterator<Item = Tensor<'_>> + '_ {
        self.infos.iter().map(|i| self.view(i))
    }

    /// The `i`-th tensor in offset order (panics past [`Header::len`]).
    pub fn tensor(&self, i: usize) -> Tensor<'_> {
        self.view(&self.infos[i])
    }

    /// The [`text::name_hash`] of the `i`-th tensor's name, without making its view.
    pub fn hash(&self, i: usize) -> u64 {
        self.infos[i].hash
    }

    /// Whether the `i`-th tensor is named `name` (whose [`text::name_hash`] is `hash`): the
    /// hashes are compared first, the names only when they agree.
    pub fn is_named(&self, i: usize, name: &str, hash: u64) -> bool {
        let t = &self.infos[i];
        t.hash == hash && self.name(t) == name
    }

    /// The position of the tensor named `name` (whose [`text::name_hash`] is `hash`).
    pub fn find(&self, name: &str, hash: u64) -> Option<usize> {
        self.table
            .find(hash, |&i| self.is_named(i as usize, name, hash))
            .map(|&i| i as usize)
    }

    fn view<'h>(&'h self, i: &'h TensorInfo) -> Tensor<'h> {
        Tensor {
            name: self.name(i),
            hash: i.hash,
            dtype: &i.dtype,
            shape: &self.dims[i.shape.0 as usize..i.shape.1 as usize],
            elements: i.elements,
        }
    }

    pub fn len(&self) -> usize {
        self.infos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }

    fn name(&self, i: &TensorInfo) -> &str {
        text::name(self.text.as_str(), &self.escaped, i.name)
    }
}

/// Reads and validates the header of the safetensors file at `path`.
pub fn read(path: &Path) -> Result<Header, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let (mut file, file_len) = fsio::open_file(path, &fsio::SAFETENSORS)?;
    if file_len == 0 {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if file_len < 8 {
        return Err(Error::TooShort {
            path: path.to_path_buf(),
            len: file_len,
        });
    }
    let mut len_bytes = [0u8; 8];
    file.read_exact(&mut len_bytes).map_err(io)?;
    let declared = u64::from_le_bytes(len_bytes);
    if let Err(e) = check_header_len(path, declared, file_len) {
        // A length that cannot be one may be the first bytes of another format.
        let mut prefix = len_bytes.to_vec();
        (&mut file)
            .take(sniff::PREFIX as u64 - 8)
            .read_to_end(&mut prefix)
            .map_err(io)?;
        return Err(match sniff::describe(&prefix) {
            Some(what) => Error::NotSafetensors {
                path: path.to_path_buf(),
                what,
            },
            None => e,
        });
    }
    // Bounded: `declared` is at most MAX_HEADER_BYTES and fits in the file. Only the length
    // prefix and the header are mapped, never the tensor data.
    let text = match Text::map(&file, 8, 8 + declared as usize) {
        Ok(text) => text,
        Err(MapError::Io(e)) => return Err(io(e)),
        Err(MapError::Utf8(e)) => return Err(utf8_error(path, e)),
    };
    parse_text(path, text, file_len, true)
}

fn utf8_error(path: &Path, e: std::str::Utf8Error) -> Error {
    Error::HeaderUtf8 {
        path: path.to_path_buf(),
        at: e.valid_up_to(),
    }
}

fn check_header_len(path: &Path, declared: u64, file_len: u64) -> Result<(), Error> {
    if declared > MAX_HEADER_BYTES {
        return Err(Error::HeaderTooLarge {
            path: path.to_path_buf(),
            declared,
            cap: MAX_HEADER_BYTES,
        });
    }
    // file_len >= 8 here, so the subtraction cannot wrap.
    if declared > file_len - 8 {
        return Err(Error::HeaderPastEnd {
            path: path.to_path_buf(),
            declared,
            file_len,
        });
    }
    Ok(())
}

/// Parses and validates header JSON `json` of a file of `file_len` bytes (the 8-byte length prefix
/// included). Separate from [`read`] so that it can be tested and fuzzed on bytes.
pub fn parse(path: &Path, json: Vec<u8>, file_len: u64) -> Result<Header, Error> {
    parse_with(path, json, file_len, true)
}

/// [`parse`] through serde_json alone, without the scanner's fast path: the reference the fuzzer
/// compares the fast path against.
#[doc(hidden)]
pub fn parse_reference(path: &Path, json: Vec<u8>, file_len: u64) -> Result<Header, Error> {
    parse_with(path, json, file_len, false)
}

fn parse_with(path: &Path, json: Vec<u8>, file_len: u64, scanner: bool) -> Result<Header, Error> {
    let text = String::from_utf8(json).map_err(|e| utf8_error(path, e.utf8_error()))?;
    parse_text(path, Text::Owned(text), file_len, scanner)
}

fn parse_text(path: &Path, text: Text, file_len: u64, scanner: bool) -> Result<Header, Error> {
    let text_ref = text.as_str();
    let header_len = text_ref.len() as u64;
    if !text_ref.trim_start().starts_with('{') {
        return Err(Error::HeaderNotObject {
            path: path.to_path_buf(),
        });
    }
    let data_len = file_len
        .checked_sub(8)
        .and_then(|n| n.checked_sub(header_len))
        .ok_or_else(|| Error::HeaderPastEnd {
            path: path.to_path_buf(),
            declared: header_len,
            file_len,
        })?;
    let mut arenas = Arenas {
        path,
        text: text_ref,
        data_len,
        escaped: String::new(),
        dims: Vec::new(),
        infos: Vec::new(),
    };
    // The scanner reads canonical headers several times faster, streaming entries into the
    // arenas; anything else, including every malformed header, goes through serde_json, which
    // decides validity and words the error. A validation error is the same on either path.
    let mut failure = None;
    let scanned = scanner
        .then(|| {
            super::scan::header(text_ref, |e| {
                match arenas.take(e.name, e.dtype, e.shape, e.offsets) {
                    Ok(()) => Some(()),
                    Err(err) => {
                        failure = Some(err);
                        None
                    }
                }
            })
        })
        .flatten();
    if let Some(err) = failure {
        return Err(err);
    }
    if scanned.is_none() {
        arenas.clear();
        let raw: RawHeader = serde_json::from_str(text_ref).map_err(|e| Error::HeaderJson {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        for (name, t) in &raw.0 {
            arenas.take(name, &t.dtype, &t.shape, t.data_offsets)?;
        }
    }
    let Arenas {
        escaped,
        dims,
        infos,
        ..
    } = arenas;
    let header = Header {
        path: path.to_path_buf(),
        file_len,
        header_len,
        text,
        escaped,
        dims,
        infos,
        table: HashTable::new(),
    };
    check_layout(header, data_len)
}

/// Where a header's tensors are collected: names as ranges of the header text (or of `escaped`,
/// for names the JSON escapes, which follow the text), shapes back to back in `dims`.
struct Arenas<'p> {
    path: &'p Path,
    /// The header text that borrowed names point into.
    text: &'p str,
    data_len: u64,
    escaped: String,
    dims: Vec<u64>,
    infos: Vec<TensorInfo>,
}

impl Arenas<'_> {
    /// Validates one tensor and records it.
    fn take(
        &mut self,
        name: &str,
        dtype: &str,
        shape: &[u64],
        offsets: (u64, u64),
    ) -> Result<(), Error> {
        // A name inside the header text is recorded where it is; any other (unescaped by
        // serde_json) is copied into `escaped`.
        let name_range = text::record(self.text, &mut self.escaped, name);
        let shape_range = span(self.dims.len(), self.dims.len() + shape.len());
        let info = validate_tensor(
            self.path,
            name,
            name_range,
            dtype,
            shape,
            offsets,
            shape_range,
            self.data_len,
        )?;
        self.dims.extend_from_slice(shape);
        self.infos.push(info);
        Ok(())
    }

    fn clear(&mut self) {
        self.escaped.clear();
        self.dims.clear();
        self.infos.clear();
    }
}

/// A range as stored in [`TensorInfo`]; headers are capped far below 4 GiB.
fn span(start: usize, end: usize) -> (u32, u32) {
    (start as u32, end as u32)
}

#[allow(clippy::too_many_arguments)]
fn validate_tensor(
    path: &Path,
    name: &str,
    name_range: (u32, u32),
    dtype: &str,
    shape: &[u64],
    (start, end): (u64, u64),
    shape_range: (u32, u32),
    data_len: u64,
) -> Result<TensorInfo, Error> {
    let dtype = Dtype::parse(dtype);
    let Some(elements) = shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d)) else {
        return Err(Error::ShapeOverflow {
            path: path.to_path_buf(),
            tensor: name.to_string(),
            shape: shape.to_vec(),
        });
    };
    if end < start {
        return Err(Error::ReversedOffsets {
            path: path.to_path_buf(),
            tensor: name.to_string(),
            start,
            end,
        });
    }
    if end > data_len {
        return Err(Error::OffsetsOutOfRange {
            path: path.to_path_buf(),
            tensor: name.to_string(),
            end,
            data_len,
        });
    }
    if let Some(bits) = dtype.bits() {
        // u128: elements × bits cannot overflow, and a size that does not fit in u64 simply
        // mismatches the (u64) byte range.
        let nbits = elements as u128 * bits as u128;
        let actual = end - start;
        if nbits % 8 != 0 || nbits / 8 != actual as u128 {
            let expected = if nbits % 8 == 0 {
                (nbits / 8).to_string()
            } else {
                format!("{}.{}", nbits / 8, (nbits % 8) * 125)
            };
            return Err(Error::SizeMismatch {
                path: path.to_path_buf(),
                tensor: name.to_string(),
                layout: format!("{} × {:?}", dtype.name(), shape),
                expected,
                actual,
            });
        }
    }
    Ok(TensorInfo {
        name: name_range,
        shape: shape_range,
        dtype,
        elements,
        start,
        end,
        hash: text::name_hash(name),
    })
}

/// Offsets must tile the data section exactly: no overlap, no gap, ending at its end. Sorts the
/// tensors by offset (a stable order for everything downstream).
fn check_layout(mut header: Header, data_len: u64) -> Result<Header, Error> {
    let mut infos = std::mem::take(&mut header.infos);
    infos.sort_unstable_by(|a, b| {
        (a.start, a.end, header.name(a)).cmp(&(b.start, b.end, header.name(b)))
    });
    // A name twice in one header is an error (a JSON object's keys are unique; a map would
    // keep one silently). The table that finds it stays, to find names in this file later.
    let mut table: HashTable<u32> = HashTable::with_capacity(infos.len());
    for (i, t) in infos.iter().enumerate() {
        let entry = table.entry(
            t.hash,
            |&j| {
                let other = &infos[j as usize];
                other.hash == t.hash && header.name(other) == header.name(t)
            },
            |&j| infos[j as usize].hash,
        );
        match entry {
            hash_table::Entry::Occupied(_) => {
                return Err(Error::DuplicateTensor {
                    path: header.path.clone(),
                    tensor: header.name(t).to_string(),
                })
            }
            // Positions fit u32: a header holds at most 100 MB of JSON.
            hash_table::Entry::Vacant(v) => {
                v.insert(i as u32);
            }
        }
    }
    header.table = table;
    let path = || header.path.clone();
    let mut pos = 0u64;
    let mut previous: Option<&TensorInfo> = None;
    for t in &infos {
        if t.start < pos {
            let prev = previous.expect("pos > 0 implies a previous tensor");
            return Err(Error::OverlappingOffsets {
                path: path(),
                tensor: header.name(t).to_string(),
                start: t.start,
                previous: header.name(prev).to_string(),
                previous_end: prev.end,
            });
        }
        if t.start > pos {
            return Err(Error::GappedOffsets {
                path: path(),
                tensor: header.name(t).to_string(),
                start: t.start,
                expected: pos,
            });
        }
        pos = t.end;
        previous = Some(t);
    }
    if pos != data_len {
        return Err(Error::DataLengthMismatch {
            path: path(),
            tensors_end: pos,
            data_len,
        });
    }
    header.infos = infos;
    Ok(header)
}

/// The JSON header: tensors in file order, `__metadata__` skipped (we count, we do not interpret
/// it). Duplicate names are rejected by the caller's layout check, not silently overwritten as a
/// map would.
struct RawHeader<'a>(Vec<(Cow<'a, str>, RawTensor<'a>)>);

#[derive(Deserialize)]
struct RawTensor<'a> {
    #[serde(borrow)]
    dtype: Cow<'a, str>,
    shape: Vec<u64>,
    data_offsets: (u64, u64),
}

/// A map key borrowed from the header text when it has no escapes (nearly always).
#[derive(Deserialize)]
struct Key<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de> Deserialize<'de> for RawHeader<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeaderVisitor;
        impl<'de> Visitor<'de> for HeaderVisitor {
            type Value = RawHeader<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of tensor entries")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawHeader<'de>, A::Error> {
                let mut tensors = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(Key(key)) = map.next_key::<Key>()? {
                    if key == "__metadata__" {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    let tensor: RawTensor = map
                        .next_value()
                        .map_err(|e| de::Error::custom(format_args!("tensor {key}: {e}")))?;
                    tensors.push((key, tensor));
                }
                Ok(RawHeader(tensors))
            }
        }
        deserializer.deserialize_map(HeaderVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(json: &str, data_len: u64) -> Result<Header, Error> {
        parse(
            Path::new("x.safetensors"),
            json.as_bytes().to_vec(),
            8 + json.len() as u64 + data_len,
        )
    }

    #[test]
    fn a_valid_header_is_read_in_offset_order() {
        let h = parse_str(
            r#"{"__metadata__":{"format":"pt"},
                "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},
                "a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#,
            12,
        )
        .unwrap();
        let names: Vec<_> = h.tensors().map(|t| t.name).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(h.tensors().nth(1).unwrap().elements, 2);
    }

    #[test]
    fn a_scalar_has_one_element() {
        let h = parse_str(
            r#"{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#,
            4,
        )
        .unwrap();
        assert_eq!(h.tensors().next().unwrap().elements, 1);
    }

    #[test]
    fn overlapping_offsets_are_rejected() {
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
            12,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::SizeMismatch { .. } | Error::OverlappingOffsets { .. }
            ),
            "{e}"
        );
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
                "b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            8,
        )
        .unwrap_err();
        assert!(matches!(e, Error::OverlappingOffsets { .. }), "{e}");
    }

    #[test]
    fn a_name_twice_in_one_header_is_rejected() {
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
                "a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            8,
        )
        .unwrap_err();
        assert!(matches!(e, Error::DuplicateTensor { .. }), "{e}");
    }

    #[test]
    fn gaps_between_tensors_are_rejected() {
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
                "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
            12,
        )
        .unwrap_err();
        assert!(matches!(e, Error::GappedOffsets { .. }), "{e}");
    }

    #[test]
    fn size_must_equal_elements_times_width() {
        let e = parse_str(
            r#"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}"#,
            4,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("needs 6 bytes but its offsets span 4"),
            "{e}"
        );
    }

    #[test]
    fn an_element_count_that_overflows_is_rejected() {
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,2],"data_offsets":[0,4]}}"#,
            4,
        )
        .unwrap_err();
        assert!(matches!(e, Error::ShapeOverflow { .. }), "{e}");
    }

    #[test]
    fn a_huge_shape_that_fits_u64_still_mismatches_instead_of_overflowing() {
        let e = parse_str(
            r#"{"a":{"dtype":"F64","shape":[4294967296,4294967295],"data_offsets":[0,4]}}"#,
            4,
        )
        .unwrap_err();
        assert!(matches!(e, Error::SizeMismatch { .. }), "{e}");
    }

    #[test]
    fn data_must_end_at_the_end_of_the_file() {
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            8,
        )
        .unwrap_err();
        assert!(matches!(e, Error::DataLengthMismatch { .. }), "{e}");
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            2,
        )
        .unwrap_err();
        assert!(matches!(e, Error::OffsetsOutOfRange { .. }), "{e}");
    }

    #[test]
    fn escaped_names_are_unescaped() {
        let h = parse_str(
            r#"{"a\u002eb":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"c":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            8,
        )
        .unwrap();
        let names: Vec<_> = h.tensors().map(|t| t.name).collect();
        assert_eq!(names, ["a.b", "c"]);
    }

    #[test]
    fn unknown_dtypes_are_accepted_without_a_size_check() {
        let h = parse_str(
            r#"{"a":{"dtype":"UE8","shape":[3],"data_offsets":[0,5]}}"#,
            5,
        )
        .unwrap();
        assert_eq!(
            h.tensors().next().unwrap().dtype,
            &Dtype::Unknown("UE8".into())
        );
    }

    #[test]
    fn sub_byte_types_must_fill_whole_bytes() {
        assert!(parse_str(
            r#"{"a":{"dtype":"F4","shape":[4],"data_offsets":[0,2]}}"#,
            2
        )
        .is_ok());
        let e = parse_str(
            r#"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#,
            2,
        )
        .unwrap_err();
        assert!(e.to_string().contains("1.500"), "{e}");
    }

    #[test]
    fn malformed_headers_name_the_problem() {
        let e = parse_str("[1,2]", 0).unwrap_err();
        assert!(matches!(e, Error::HeaderNotObject { .. }), "{e}");
        let e = parse_str("{\"a\":", 0).unwrap_err();
        assert!(matches!(e, Error::HeaderJson { .. }), "{e}");
        let e = parse_str(
            r#"{"a":{"dtype":"F32","shape":"x","data_offsets":[0,4]}}"#,
            4,
        )
        .unwrap_err();
        assert!(e.to_string().contains("tensor a"), "{e}");
        let e = parse(Path::new("x"), b"{\"\xff\":1}".to_vec(), 20).unwrap_err();
        assert!(matches!(e, Error::HeaderUtf8 { at: 2, .. }), "{e}");
    }

    #[test]
    fn files_written_by_the_reference_implementation_are_read_exactly() {
        use safetensors::tensor::{Dtype as St, TensorView};
        let a = vec![0u8; 3 * 4 * 2];
        let b = vec![0u8; 5 * 4];
        let c = vec![0u8; 7];
        let tensors = [
            (
                "model.embed.weight",
                TensorView::new(St::BF16, vec![3, 4], &a).unwrap(),
            ),
            (
                "model.norm.weight",
                TensorView::new(St::F32, vec![5], &b).unwrap(),
            ),
            ("scales", TensorView::new(St::F8_E8M0, vec![7], &c).unwrap()),
        ];
        let bytes = safetensors::serialize(tensors, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ref.safetensors");
        std::fs::write(&path, &bytes).unwrap();
        let h = read(&path).unwrap();
        assert_eq!(h.file_len, bytes.len() as u64);
        let mut got: Vec<(String, String, Vec<u64>)> = h
            .tensors()
            .map(|t| (t.name.to_string(), t.dtype.to_string(), t.shape.to_vec()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "model.embed.weight".to_string(),
                    "BF16".to_string(),
                    vec![3, 4]
                ),
                ("model.norm.weight".to_string(), "F32".to_string(), vec![5]),
                ("scales".to_string(), "F8_E8M0".to_string(), vec![7]),
            ]
        );
    }

    fn names(h: &Header) -> Vec<(String, Vec<u64>, u64)> {
        h.tensors()
            .map(|t| (t.name.to_string(), t.shape.to_vec(), t.elements))
            .collect()
    }

    /// A deterministic stand-in for the fuzzer in `fuzz/` (which needs a nightly toolchain CI
    /// does not assume): thousands of mutations of a valid header, each of which must give a
    /// header or an error, never a panic, and the same answer with and without the scanner.
    #[test]
    fn mutated_headers_never_panic_and_both_parsers_agree() {
        let valid = br#"{"__metadata__":{"format":"pt"},"model.a\u0041.weight":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]},"b":{"dtype":"F4","shape":[4],"data_offsets":[12,14]},"c":{"dtype":"E8","shape":[],"data_offsets":[14,15]}}"#;
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"{}[]\":,0123456789-.eE \\u\x00\xff\x7fFBI";
        for _ in 0..20_000 {
            let mut bytes = valid.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() % bytes.len() as u64) as usize;
                match next() % 3 {
                    0 => bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                }
                if bytes.is_empty() {
                    bytes.push(b'{');
                }
            }
            let data_len = next() % 32;
            let file_len = 8 + bytes.len() as u64 + data_len;
            let path = Path::new("m.safetensors");
            // The scanner's fast path must agree with serde_json alone.
            let fast = parse(path, bytes.clone(), file_len).map(|h| names(&h));
            let reference = parse_reference(path, bytes, file_len).map(|h| names(&h));
            assert_eq!(fast.is_ok(), reference.is_ok());
            if let (Ok(a), Ok(b)) = (fast, reference) {
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn metadata_nested_a_million_deep_is_skipped_by_both_parsers() {
        let n = 1_000_000;
        let json = format!(
            r#"{{"__metadata__":{}{},"a":{{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        );
        let file_len = 8 + json.len() as u64 + 4;
        let path = Path::new("deep.safetensors");
        let fast = parse(path, json.clone().into_bytes(), file_len).unwrap();
        let reference = parse_reference(path, json.into_bytes(), file_len).unwrap();
        assert_eq!(names(&fast), names(&reference));
        assert_eq!(names(&fast), [("a".to_string(), vec![1], 1)]);
    }

    #[test]
    fn header_length_is_checked_before_allocating() {
        let p = Path::new("x");
        assert!(matches!(
            check_header_len(p, u64::MAX, 100),
            Err(Error::HeaderTooLarge { .. })
        ));
        assert!(matches!(
            check_header_len(p, 93, 100),
            Err(Error::HeaderPastEnd { .. })
        ));
        assert!(check_header_len(p, 92, 100).is_ok());
    }
}
