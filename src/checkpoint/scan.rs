/*!
A fast path for the JSON that safetensors writers actually produce.

A large checkpoint's headers and index are 15–20 MB of JSON of one fixed shape; a general JSON
deserializer spends most of its time on machinery this shape does not need. This scanner reads
exactly that shape — string keys without escapes, tensor entries with `dtype`, `shape` and
`data_offsets`, unsigned integers — and gives up (returns `None`) on anything else: escapes,
unexpected keys, floats, malformed input. The caller then runs the full serde_json path, which
produces the same result or the precise error message, so the scanner never decides what is valid.
*/

/// A tensor entry as written in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a, 's> {
    pub name: &'a str,
    pub dtype: &'a str,
    pub shape: &'s [u64],
    pub offsets: (u64, u64),
}

/// Scans a safetensors header (`__metadata__` is skipped), handing each tensor entry to `each`
/// as it is read; `each` returns `None` to stop. `None` overall: the text is not canonical (or
/// `each` stopped), and entries already handed over must be discarded.
pub fn header<'a>(text: &'a str, mut each: impl FnMut(Entry<'a, '_>) -> Option<()>) -> Option<()> {
    let mut s = Scanner::new(text)?;
    // One buffer for every shape: no allocation per tensor.
    let mut shape = Vec::new();
    let mut offsets = Vec::with_capacity(2);
    s.object(|s, key| {
        if key == "__metadata__" {
            return s.skip_value();
        }
        if let Some((dtype, offsets)) = s.compact_tensor(&mut shape) {
            return each(Entry {
                name: key,
                dtype,
                shape: &shape,
                offsets,
            });
        }
        let mut dtype = None;
        let (mut has_shape, mut has_offsets) = (false, false);
        s.object(|s, field| {
            // A repeated field is an error for serde_json: leave it to serde_json.
            match field {
                "dtype" if dtype.is_none() => dtype = Some(s.string()?),
                "shape" if !has_shape => {
                    s.uints(&mut shape)?;
                    has_shape = true;
                }
                "data_offsets" if !has_offsets => {
                    s.uints(&mut offsets)?;
                    has_offsets = offsets.len() == 2;
                    if !has_offsets {
                        return None;
                    }
                }
                _ => return None,
            }
            Some(())
        })?;
        if !(has_shape && has_offsets) {
            return None;
        }
        each(Entry {
            name: key,
            dtype: dtype?,
            shape: &shape,
            offsets: (offsets[0], offsets[1]),
        })
    })?;
    s.end()
}

/// Scans a shard index's `weight_map`, handing each (tensor, shard) pair to `each` in file order;
/// other top-level keys are skipped. `None`: not canonical, or no `weight_map` (pairs already
/// handed over must be discarded).
pub fn weight_map<'a>(text: &'a str, mut each: impl FnMut(&'a str, &'a str)) -> Option<()> {
    let mut s = Scanner::new(text)?;
    let mut found = false;
    s.object(|s, key| {
        if key != "weight_map" {
            return s.skip_value();
        }
        // A second `weight_map` is an error for serde_json: leave it to serde_json.
        if found {
            return None;
        }
        found = true;
        // Consecutive entries nearly always name the same shard: compare with the last one
        // before searching for the end of the string.
        let mut last: Option<&'a str> = None;
        s.object(|s, name| {
            let shard = match last {
                Some(shard) if s.same_string(shard) => shard,
                _ => s.string()?,
            };
            last = Some(shard);
            each(name, shard);
            Some(())
        })
    })?;
    s.end()?;
    found.then_some(())
}

/// Whether `bytes` hold a control character JSON allows nowhere (below 0x20 but tab and line
/// breaks). Per chunk, a reduction without early exit and without branches, so it vectorizes:
/// a pretty-printed index has line breaks, and a byte loop over its 9 MB was a third of its
/// scan.
fn forbidden_controls(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|c| {
        c.iter().fold(0u8, |acc, &b| {
            acc | u8::from((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
        }) != 0
    })
}

/// The smallest byte: a reduction without early exit, so it vectorizes (`any` would not).
fn lowest(bytes: &[u8]) -> u8 {
    bytes
        .chunks(64)
        .map(|c| c.iter().fold(u8::MAX, |m, &b| m.min(b)))
        .fold(u8::MAX, u8::min)
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The text has tabs or line breaks (a pretty-printed index): strings must be checked for
    /// raw control characters, which JSON forbids inside them.
    controls: bool,
}

impl<'a> Scanner<'a> {
    /// Headers as writers emit them have no control characters at all; ruling that out once,
    /// with a loop that vectorizes, spares checking every string. `None` for control characters
    /// JSON never allows (anything below 0x20 but tab and line breaks).
    fn new(text: &'a str) -> Option<Self> {
        let bytes = text.as_bytes();
        let controls = lowest(bytes) < 0x20;
        if controls && forbidden_controls(bytes) {
            return None;
        }
        Some(Scanner {
            text,
            bytes,
            pos: 0,
            controls,
        })
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.bytes.get(self.pos) == Some(&byte)).then(|| self.pos += 1)
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.pos).copied()
    }

    /// Only trailing whitespace may follow.
    fn end(&mut self) -> Option<()> {
        self.ws();
        (self.pos == self.bytes.len()).then_some(())
    }

    /// A string without escapes or control characters, borrowed from the text.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.pos;
        let len = memchr::memchr2(b'"', b'\\', &self.bytes[start..])?;
        let end = start + len;
        if self.bytes[end] != b'"' || (self.controls && lowest(&self.bytes[start..end]) < 0x20) {
            return None;
        }
        self.pos = end + 1;
        Some(&self.text[start..end])
    }

    /// Whether the next value is the string `value` (already read once, so known to be free of
    /// escapes and control characters); if so, it is eaten.
    fn same_string(&mut self, value: &str) -> bool {
        self.ws();
        let rest = &self.bytes[self.pos..];
        let n = value.len();
        let same = rest.len() >= n + 2
            && rest[0] == b'"'
            && &rest[1..=n] == value.as_bytes()
            && rest[n + 1] == b'"';
        if same {
            self.pos += n + 2;
        }
        same
    }

    /// The bytes `lit` next, without whitespace before them.
    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        self.bytes[self.pos..]
            .starts_with(lit)
            .then(|| self.pos += lit.len())
    }

    /// The rest of a short string whose opening quote is eaten: a byte loop, cheaper than a
    /// searcher's set-up for a dtype name.
    fn short_string(&mut self) -> Option<&'a str> {
        let start = self.pos;
        loop {
            match *self.bytes.get(self.pos)? {
                b'"' => break,
                b'\\' => return None,
                b if b < 0x20 => return None,
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        Some(&self.text[start..self.pos - 1])
    }

    /// A tensor entry in the compact form writers emit,
    /// `{"dtype":"X","shape":[..],"data_offsets":[a,b]}` without whitespace, read as literals
    /// rather than through the general object reader. `None`, with the position unchanged, for
    /// any other form; the general reader then reads it (and decides whether it is valid).
    fn compact_tensor(&mut self, shape: &mut Vec<u64>) -> Option<(&'a str, (u64, u64))> {
        let start = self.pos;
        let entry = self.compact_tensor_at(shape);
        if entry.is_none() {
            self.pos = start;
        }
        entry
    }

    fn compact_tensor_at(&mut self, shape: &mut Vec<u64>) -> Option<(&'a str, (u64, u64))> {
        self.literal(b"{\"dtype\":\"")?;
        let dtype = self.short_string()?;
        self.literal(b",\"shape\":[")?;
        shape.clear();
        if self.literal(b"]").is_none() {
            loop {
                shape.push(self.uint()?);
                match *self.bytes.get(self.pos)? {
                    b',' => self.pos += 1,
                    b']' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.literal(b",\"data_offsets\":[")?;
        let begin = self.uint()?;
        self.literal(b",")?;
        let end = self.uint()?;
        self.literal(b"]}")?;
        Some((dtype, (begin, end)))
    }

    fn uint(&mut self) -> Option<u64> {
        self.ws();
        let start = self.pos;
        let mut n = 0u64;
        while let Some(&b) = self.bytes.get(self.pos) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            n = n.wrapping_mul(10).wrapping_add(u64::from(digit));
            self.pos += 1;
        }
        let len = self.pos - start;
        // Up to 19 digits cannot overflow; longer numbers are left to serde_json. JSON forbids
        // leading zeros; a fraction or exponent is not ours to read.
        let leading_zero = len > 1 && self.bytes[start] == b'0';
        let fraction = matches!(self.bytes.get(self.pos), Some(b'.' | b'e' | b'E'));
        (len > 0 && len <= 19 && !leading_zero && !fraction).then_some(n)
    }

    /// An array of unsigned integers, into `v` (cleared first).
    fn uints(&mut self, v: &mut Vec<u64>) -> Option<()> {
        v.clear();
        self.eat(b'[')?;
        self.items(b']', |s| {
            v.push(s.uint()?);
            Some(())
        })
    }

    /// An object, calling `value(scanner, key)` to read each value.
    fn object(&mut self, mut value: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.items(b'}', |s| {
            let key = s.string()?;
            s.eat(b':')?;
            value(s, key)
        })
    }

    /// The rest of an array or object once its opening bracket is eaten: `item` reads one
    /// element, this reads the commas between and the closing `close`.
    fn items(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if self.peek()? == close {
            self.pos += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.pos += 1,
                c if c == close => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Skips any JSON value made of objects, arrays, escape-free strings, unsigned integers and
    /// literals (enough for `__metadata__` and an index's `metadata`).
    ///
    /// Iterative, with one bit per open container: a value nested a million levels deep (2 MB
    /// of `[`) must not exhaust the stack. serde_json's `IgnoredAny`, the reference this fast
    /// path must agree with, skips values iteratively too and has no depth limit, so neither
    /// has this; the depth is bounded by the text, which is bounded by the caller's cap.
    fn skip_value(&mut self) -> Option<()> {
        // Bit `d % 64` of word `d / 64` is set when the container at depth `d` is an object.
        let mut objects: Vec<u64> = Vec::new();
        let mut depth = 0usize;
        loop {
            // One value; a container is opened and its first element is read next.
            let b = self.peek()?;
            match b {
                b'{' | b'[' => {
                    self.pos += 1;
                    let object = b == b'{';
                    let close = if object { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.pos += 1;
                    } else {
                        if depth % 64 == 0 {
                            objects.push(0);
                        }
                        let bit = 1u64 << (depth % 64);
                        let word = &mut objects[depth / 64];
                        *word = if object { *word | bit } else { *word & !bit };
                        depth += 1;
                        if object {
                            self.string()?;
                            self.eat(b':')?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b'0'..=b'9' => {
                    self.uint()?;
                }
                _ => {
                    let literal = ["true", "false", "null"]
                        .into_iter()
                        .find(|l| self.text[self.pos..].starts_with(l))?;
                    self.pos += literal.len();
                }
            }
            // A value has ended: close every container that ends here, then move to the next
            // element of the innermost one still open.
            loop {
                let Some(top) = depth.checked_sub(1) else {
                    return Some(());
                };
                let object = objects[top / 64] & (1u64 << (top % 64)) != 0;
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        if object {
                            self.string()?;
                            self.eat(b':')?;
                        }
                        break;
                    }
                    b'}' if object => self.pos += 1,
                    b']' if !object => self.pos += 1,
                    _ => return None,
                }
                depth = top;
                if depth % 64 == 0 {
                    objects.pop();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Owned = (String, String, Vec<u64>, (u64, u64));

    fn scan(text: &str) -> Option<Vec<Owned>> {
        let mut v = Vec::new();
        header(text, |e| {
            v.push((
                e.name.to_string(),
                e.dtype.to_string(),
                e.shape.to_vec(),
                e.offsets,
            ));
            Some(())
        })?;
        Some(v)
    }

    #[test]
    fn canonical_headers_are_scanned() {
        let h = scan(
            r#"{"__metadata__":{"format":"pt","n":[1,{"a":null}]},
               "a.weight":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]},
               "s":{"shape":[],"data_offsets":[12,16],"dtype":"F32"}}  "#,
        )
        .unwrap();
        assert_eq!(
            h,
            [
                ("a.weight".into(), "BF16".into(), vec![2, 3], (0, 12)),
                ("s".into(), "F32".into(), vec![], (12, 16)),
            ]
        );
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_parser() {
        for text in [
            r#"{"a\u0041":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}"#,
            r#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#,
            r#"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#,
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#,
            r#"{"a":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}}"#,
            r#"{"a":{"dtype":"F32","shape":[1]}}"#,
            r#"{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}"#,
            r#"{"a":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}}"#,
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x"#,
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},}"#,
            "{\"a\tb\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"a\\u0000\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"F32\",\u{1}\"shape\":[1],\"data_offsets\":[0,4]}}",
            r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#,
            "[]",
            "",
        ] {
            assert_eq!(scan(text), None, "{text}");
        }
    }

    #[test]
    fn values_are_skipped_at_any_depth_without_recursion() {
        let skip = |text: &str| {
            let mut s = Scanner::new(text)?;
            s.skip_value()?;
            s.end()
        };
        for text in [
            "1",
            "\"x\"",
            "true",
            "null",
            "[]",
            "{}",
            "[1,[2,{}],{\"a\":[true,false,null]}]",
            "{\"a\":{\"b\":{\"c\":[]}},\"d\":\"e\"}",
            " [ 1 , { \"k\" : [ ] } ] ",
        ] {
            assert_eq!(skip(text), Some(()), "{text}");
        }
        for text in [
            "",
            "[",
            "]",
            "[1,]",
            "[1 2]",
            "{\"a\"}",
            "{\"a\":}",
            "{1:2}",
            "[}",
            "{]",
            "[1]]",
            "tru",
            "nul",
            "-1",
            "{\"a\":1,}",
            "[[]",
        ] {
            assert_eq!(skip(text), None, "{text}");
        }
        // Far deeper than any stack allows for a recursive skip, across 64-level words; a
        // mismatched bracket at the bottom is still found.
        let n = 1_000_000;
        let deep = format!("{}0{}", "[{\"k\":".repeat(n), "}]".repeat(n));
        assert_eq!(skip(&deep), Some(()));
        let wrong = format!("{}{}", "[".repeat(n), "]".repeat(n - 1) + "}");
        assert_eq!(skip(&wrong), None);
    }

    #[test]
    fn numbers_are_read_exactly_as_json_defines_them() {
        // Every length from 1 to 20 digits, after 0–7 spaces, followed by each kind of
        // terminator, against the plain definition.
        let reference = |text: &str| -> Option<u64> {
            let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
            let after = text[digits.len()..].chars().next();
            let leading_zero = digits.len() > 1 && digits.starts_with('0');
            let fraction = matches!(after, Some('.' | 'e' | 'E'));
            let ok = (1..=19).contains(&digits.len()) && !leading_zero && !fraction;
            ok.then(|| digits.parse().unwrap())
        };
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for len in 1..=20 {
            for pad in 0..8 {
                for end in ["", ",", "]", " ", ".5", "e3", "x", "\u{e9}"] {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let digits: String = (0..len)
                        .map(|i| char::from(b'0' + ((seed >> (i % 60)) % 10) as u8))
                        .collect();
                    let text = format!("{}{digits}{end}", " ".repeat(pad));
                    let mut s = Scanner::new(&text).unwrap();
                    assert_eq!(s.uint(), reference(text.trim_start()), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn forbidden_control_characters_are_found_anywhere() {
        let naive = |bytes: &[u8]| {
            bytes
                .iter()
                .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        };
        // Every byte value, at positions across chunk boundaries, in text of other bytes.
        for b in 0..=255u8 {
            for at in [0, 1, 63, 64, 65, 127, 130] {
                let mut text = vec![b'a'; 131];
                text[5] = b'\n';
                text[at] = b;
                assert_eq!(forbidden_controls(&text), naive(&text), "{b:#x} at {at}");
            }
        }
        assert!(!forbidden_controls(b""));
    }

    #[test]
    fn repeated_shards_are_read_like_any_other_string() {
        let mut v = Vec::new();
        weight_map(
            "{\"weight_map\": {\n  \"a\": \"s1\",\n  \"b\": \"s1\",\n  \"c\": \"s10\",\n  \"d\": \"s1\"}}",
            |a, b| v.push((a, b)),
        )
        .unwrap();
        assert_eq!(v, [("a", "s1"), ("b", "s1"), ("c", "s10"), ("d", "s1")]);
        // A shard value that only starts like the last one is read fully; one that is not a
        // string is not canonical.
        let mut v = Vec::new();
        weight_map(r#"{"weight_map":{"a":"s1","b":"s1x"}}"#, |a, b| {
            v.push((a, b))
        })
        .unwrap();
        assert_eq!(v, [("a", "s1"), ("b", "s1x")]);
        assert_eq!(
            weight_map(r#"{"weight_map":{"a":"s1","b":1}}"#, |_, _| {}),
            None
        );
    }

    #[test]
    fn index_weight_maps_are_scanned() {
        let pairs = |text| {
            let mut v = Vec::new();
            weight_map(text, |a, b| v.push((a, b))).map(|()| v)
        };
        assert_eq!(
            pairs(
                r#"{"metadata":{"total_size":10},"weight_map":{"a":"m-1.safetensors","b":"m-2.safetensors"}}"#
            ),
            Some(vec![("a", "m-1.safetensors"), ("b", "m-2.safetensors")])
        );
        assert_eq!(
            pairs(r#"{"metadata":{"total_size":1.5e3},"weight_map":{}}"#),
            None
        );
        assert_eq!(pairs(r#"{"weight_map":["a"]}"#), None);
        assert_eq!(pairs(r#"{"metadata":{}}"#), None);
        assert_eq!(pairs(r#"{"weight_map":{},"weight_map":{}}"#), None);
        let n = 100_000;
        let nested = format!(
            r#"{{"metadata":{}{},"weight_map":{{"a":"m.safetensors"}}}}"#,
            "[".repeat(n),
            "]".repeat(n)
        );
        assert_eq!(pairs(&nested), Some(vec![("a", "m.safetensors")]));
    }
}
