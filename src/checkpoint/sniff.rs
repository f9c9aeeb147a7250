/*!
What a file that is not safetensors is, from its first bytes: asked only when its first 8 bytes,
read as a header length, cannot be one (past the end of the file or over the cap), so that
`capfloor inspect notes.toml` says "not a safetensors file: it starts with text" rather than
"header length 8748279798027019369 bytes…". Eight bytes of text always read as a length over
the cap: their last byte, the most significant, is at least 0x09, so the length is at least
9 × 2^56.
*/

/// How many leading bytes [`describe`] looks at.
pub const PREFIX: usize = 64;

/// Formats that hold model weights but are not safetensors, by their magic bytes.
const MAGIC: &[(&[u8], &str)] = &[
    (
        b"PK\x03\x04",
        "it is a zip archive (PyTorch .bin and .pt checkpoints are zip archives); only safetensors can be inspected",
    ),
    (b"GGUF", "it is a GGUF file (llama.cpp); only safetensors can be inspected"),
    (
        b"\x89HDF\r\n\x1a\n",
        "it is an HDF5 file (Keras/TensorFlow weights); only safetensors can be inspected",
    ),
    (b"\x1f\x8b", "it is gzip-compressed; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "it is zstd-compressed; decompress it first"),
    (b"\xfd7zXZ\x00", "it is xz-compressed; decompress it first"),
];

/// What `prefix` (the first bytes of a file, up to [`PREFIX`]) shows the file to be, if it is
/// recognisably something other than safetensors.
pub fn describe(prefix: &[u8]) -> Option<String> {
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| prefix.starts_with(m)) {
        return Some((*what).to_string());
    }
    // Python pickles (legacy `torch.save`) open with PROTO 2–5.
    if let [0x80, 2..=5, ..] = prefix {
        return Some(
            "it is a Python pickle (a legacy PyTorch checkpoint); only safetensors can be inspected"
                .into(),
        );
    }
    let text = as_text(prefix)?;
    let first_line = text.trim_start().lines().next().unwrap_or("");
    let excerpt: String = first_line.chars().take(40).collect();
    // `{"…` or `[1, …` is JSON; `[model]` is a TOML table.
    let mut start = text
        .trim_start()
        .bytes()
        .filter(|b| !b.is_ascii_whitespace());
    let kind = match (start.next(), start.next()) {
        (Some(b'{'), Some(b'"' | b'}')) => "JSON text",
        (Some(b'['), Some(b'[' | b'{' | b'"' | b'-' | b'0'..=b'9' | b']')) => "JSON text",
        _ => "text",
    };
    Some(format!(
        "it starts with {kind} ({excerpt:?}), not the 8-byte header length a safetensors file starts with"
    ))
}

/// `bytes` as text, when they are UTF-8 (a character cut off at the end aside) without control
/// characters other than whitespace.
fn as_text(bytes: &[u8]) -> Option<&str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        // Only a character cut off by the end of the prefix is forgiven.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'));
    (printable && !text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_recognised_and_quoted() {
        let toml = b"[model]\nname = \"x\"\nparameters_active = 1\n";
        let what = describe(toml).unwrap();
        assert_eq!(
            what,
            "it starts with text (\"[model]\"), not the 8-byte header length a safetensors file starts with"
        );
        let what = describe(b"  {\"weight_map\": {\"a\": \"b\"}}").unwrap();
        assert!(what.starts_with("it starts with JSON text"), "{what}");
        let what = describe(b"[ 1, 2 ]").unwrap();
        assert!(what.starts_with("it starts with JSON text"), "{what}");
        // A multi-byte character cut off by the end of the prefix is still text.
        let mut cut = "naïve ".repeat(20).into_bytes();
        cut.truncate(PREFIX);
        assert!(describe(&cut).is_some());
    }

    #[test]
    fn other_weight_formats_are_named() {
        assert!(describe(b"PK\x03\x04\x14\x00\x00\x00")
            .unwrap()
            .contains("zip"));
        assert!(describe(b"GGUF\x03\x00\x00\x00").unwrap().contains("GGUF"));
        assert!(describe(b"\x80\x02\x8a\x0al\xfc\x9cF")
            .unwrap()
            .contains("pickle"));
    }

    #[test]
    fn binary_that_is_nothing_known_is_not_described() {
        assert_eq!(describe(&u64::MAX.to_le_bytes()), None);
        assert_eq!(describe(b"\x00\x01\x02\x03\x04\x05\x06\x07"), None);
        assert_eq!(describe(b"        "), None);
        assert_eq!(describe(b""), None);
    }
}
