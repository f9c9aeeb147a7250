/*!
The JSON text of a header or a shard index: in memory, or in the file mapped read-only.

Mapping spares copying 10–20 MB of headers and index out of the page cache into fresh memory
(and the page faults of touching it), which was a third of `inspect`'s time on a large
checkpoint. The safetensors crate's `safe_open` maps files the same way. As with any mapping, a
file truncated by another process while capfloor reads it can end the process with SIGBUS.
*/

use std::fs::File;
use std::str::Utf8Error;

/// Valid UTF-8, owned or mapped.
pub enum Text {
    Owned(String),
    /// Bytes `start..` of the map, checked as UTF-8 when it was made.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
    },
}

/// What can go wrong making a [`Text`] of a file.
pub enum MapError {
    Io(std::io::Error),
    Utf8(Utf8Error),
}

impl Text {
    /// Maps the first `len` bytes of `file` (not empty) and checks bytes `start..len` as UTF-8.
    pub fn map(file: &File, start: usize, len: usize) -> Result<Text, MapError> {
        // SAFETY: a read-only mapping of a file we opened; the module doc states the caveat.
        let map =
            unsafe { memmap2::MmapOptions::new().len(len).map(file) }.map_err(MapError::Io)?;
        std::str::from_utf8(&map[start..]).map_err(MapError::Utf8)?;
        Ok(Text::Mapped { map, start })
    }

    pub fn as_str(&self) -> &str {
        match self {
            Text::Owned(s) => s,
            // SAFETY: `map` checked these bytes as UTF-8, and the mapping is read-only (they
            // change only if another process rewrites the file: the caveat of any mapping).
            Text::Mapped { map, start } => unsafe { std::str::from_utf8_unchecked(&map[*start..]) },
        }
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Text::Owned(_) => "owned",
            Text::Mapped { .. } => "mapped",
        };
        write!(f, "Text({kind}, {} bytes)", self.as_str().len())
    }
}

/// A name stored as a range: into the text, or, past its end, into a side buffer of names the
/// JSON escapes (serde_json unescapes them into owned strings).
pub fn name<'a>(text: &'a str, escaped: &'a str, (start, end): (u32, u32)) -> &'a str {
    let (start, end) = (start as usize, end as usize);
    if start >= text.len() {
        &escaped[start - text.len()..end - text.len()]
    } else {
        &text[start..end]
    }
}

/// The range of `name` if it lies inside `text`; otherwise appends it to `escaped` and returns
/// its range there (offset by the text's length). Ranges fit u32: headers and indexes are capped
/// far below 4 GiB.
pub fn record(text: &str, escaped: &mut String, name: &str) -> (u32, u32) {
    let (base, address) = (text.as_ptr() as usize, name.as_ptr() as usize);
    let at = if address >= base && address + name.len() <= base + text.len() {
        address - base
    } else {
        let at = text.len() + escaped.len();
        escaped.push_str(name);
        at
    };
    (at as u32, (at + name.len()) as u32)
}

/// The hash of a tensor name that headers and the index compute as they are read (in parallel),
/// so that matching 100,000 names across files hashes none of them again.
pub fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}
