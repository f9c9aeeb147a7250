/*!
The CSV tables capfloor reads (the registry, shipment ledgers): one header check shared by all of
them, so that every table reports a wrong header the same way — each unknown, duplicated and
missing column as `file:line: column: problem`, all at once — and one way to name the line of a
record or an error: the physical line in the file (from the csv crate's position), which is not
the record's index once a quoted field spans lines or blank lines are skipped.
*/

use std::collections::VecDeque;
use std::io::Read;

/// A reader under a `csv::Reader` that can tell the physical line a record starts on.
///
/// The csv crate's [`csv::Position`] of a record is where reading it began: just after the
/// previous record's terminator, before any blank lines it skips (and, after `\r\n`, before the
/// `\n`). The line the record really starts on is that line plus the line feeds in the run of
/// `\r`/`\n` bytes there, which this wrapper can count because it keeps the bytes read since the
/// last record asked about: no more than one record and the csv reader's read-ahead, whatever the
/// length of the file.
pub struct Lines<R> {
    inner: R,
    window: VecDeque<u8>,
    /// The offset of the window's first byte in the stream.
    start: u64,
}

impl<R> Lines<R> {
    pub fn new(inner: R) -> Lines<R> {
        Lines {
            inner,
            window: VecDeque::new(),
            start: 0,
        }
    }

    /// The physical line (1-based) that a record, or an error, at `pos` starts on. Positions must
    /// be asked about in increasing order.
    pub fn line(&mut self, pos: &csv::Position) -> u64 {
        let skip = pos
            .byte()
            .saturating_sub(self.start)
            .min(self.window.len() as u64);
        self.window.drain(..skip as usize);
        self.start += skip;
        let feeds = self
            .window
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .filter(|&&b| b == b'\n')
            .count();
        pos.line() + feeds as u64
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.extend(&buf[..n]);
        Ok(n)
    }
}

/// The physical line a record read through [`Lines`] starts on.
pub fn line_of<R: Read>(reader: &mut csv::Reader<Lines<R>>, record: &csv::StringRecord) -> u64 {
    match record.position() {
        Some(p) => reader.get_mut().line(p),
        None => 0,
    }
}

/// The physical line of a CSV error read through [`Lines`], if the csv crate knows its position.
pub fn error_line<R: Read>(reader: &mut csv::Reader<Lines<R>>, e: &csv::Error) -> Option<u64> {
    let pos = e.position()?.clone();
    Some(reader.get_mut().line(&pos))
}

/// A csv error's message without the csv crate's own position prefix (the caller names the
/// file and line): `CSV error: record 3 (line 4, byte 52): found record with 2 fields, but the
/// previous record has 3 fields` becomes `found record with 2 fields, but the previous record
/// has 3 fields`.
pub fn error_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not UTF-8 text", err.field() + 1)
        }
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => {
            let m = e.to_string();
            match m.split_once("): ") {
                Some((_, rest)) if m.starts_with("CSV ") => rest.to_string(),
                _ => m,
            }
        }
    }
}

/// Reads the header of `reader` and checks that it has exactly `columns`, in any order. The
/// header's line is the csv crate's (exact unless blank lines precede it; see [`header_of`]).
pub fn header<R: Read>(
    name: &str,
    reader: &mut csv::Reader<R>,
    columns: &[&str],
) -> Result<csv::StringRecord, Vec<String>> {
    header_with_optional(name, reader, columns, &[])
}

/// As [`header`], also allowing the `optional` columns.
pub fn header_with_optional<R: Read>(
    name: &str,
    reader: &mut csv::Reader<R>,
    columns: &[&str],
    optional: &[&str],
) -> Result<csv::StringRecord, Vec<String>> {
    match reader.headers() {
        Ok(h) => {
            let h = h.clone();
            let line = h.position().map_or(1, csv::Position::line);
            check(name, h, line, columns, optional)
        }
        Err(e) => {
            let line = e.position().map_or(1, csv::Position::line);
            Err(vec![format!(
                "{name}:{line}: header: {}",
                error_message(&e)
            )])
        }
    }
}

/// As [`header_with_optional`], on a reader that knows physical lines.
pub fn header_of<R: Read>(
    name: &str,
    reader: &mut csv::Reader<Lines<R>>,
    columns: &[&str],
    optional: &[&str],
) -> Result<csv::StringRecord, Vec<String>> {
    match reader.headers() {
        Ok(h) => {
            let h = h.clone();
            // An empty file has no header record, hence no position: it is line 1.
            let line = h.position().map_or(1, |p| reader.get_mut().line(p));
            check(name, h, line, columns, optional)
        }
        Err(e) => {
            let line = error_line(reader, &e).unwrap_or(1);
            Err(vec![format!(
                "{name}:{line}: header: {}",
                error_message(&e)
            )])
        }
    }
}

/// At most this many header problems are listed (a hostile header can have a million columns).
const MAX_HEADER_PROBLEMS: usize = 20;

/// Every unknown, duplicated and missing column of `header` (on `line`).
fn check(
    name: &str,
    header: csv::StringRecord,
    line: u64,
    columns: &[&str],
    optional: &[&str],
) -> Result<csv::StringRecord, Vec<String>> {
    let mut problems = Vec::new();
    let mut first_at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(first) = first_at.get(h) {
            problems.push(format!(
                "{name}:{line}: {h}: duplicate column (columns {} and {})",
                first + 1,
                i + 1
            ));
            continue;
        }
        first_at.insert(h, i);
        if !columns.contains(&h) && !optional.contains(&h) {
            let mut expected = columns.join(", ");
            if !optional.is_empty() {
                expected += &format!("; optional: {}", optional.join(", "));
            }
            problems.push(format!(
                "{name}:{line}: {h}: unknown column (expected {expected})"
            ));
        }
    }
    if problems.len() > MAX_HEADER_PROBLEMS {
        let more = problems.len() - MAX_HEADER_PROBLEMS;
        problems.truncate(MAX_HEADER_PROBLEMS);
        problems.push(format!(
            "{name}:{line}: … and {more} more unknown or duplicate columns"
        ));
    }
    // Every missing column is said (there are only as many as the table has).
    for c in columns {
        if !first_at.contains_key(c) {
            problems.push(format!("{name}:{line}: {c}: missing column"));
        }
    }
    if problems.is_empty() {
        Ok(header)
    } else {
        Err(problems)
    }
}

/// The physical line (1-based) where the record at `position` of `text` starts: correct after
/// quoted newlines, blank lines and CRLF endings. (`csv::Position::line` counts neither skipped
/// blank lines nor CRLF correctly, and its byte offset points at the line ending before the
/// record, so the line is counted here from the bytes.)
pub fn physical_line(text: &[u8], position: &csv::Position) -> u64 {
    let mut start = (position.byte() as usize).min(text.len());
    while start < text.len() && matches!(text[start], b'\r' | b'\n') {
        start += 1;
    }
    memchr::memchr_iter(b'\n', &text[..start]).count() as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_lines_count_quoted_newlines_blank_lines_and_crlf() {
        for (text, first, lines) in [
            ("h\na\n\nb\n", "b", [2, 4]),
            ("h\n\"a\nb\"\n\nc\n", "c", [2, 5]),
            ("h\r\na\r\n\r\nb\r\n", "b", [2, 4]),
            ("h\na\n\n\n\nb", "b", [2, 6]),
        ] {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let mut rec = csv::StringRecord::new();
            let mut got = Vec::new();
            while r.read_record(&mut rec).unwrap() {
                got.push(physical_line(text.as_bytes(), rec.position().unwrap()));
            }
            assert_eq!(got, lines, "{text:?} ({first})");
        }
    }

    #[test]
    fn unknown_and_missing_columns_are_all_reported() {
        let mut r = csv::Reader::from_reader("a,c,x\n".as_bytes());
        let e = header("t.csv", &mut r, &["a", "b", "c"]).unwrap_err();
        assert_eq!(
            e,
            [
                "t.csv:1: x: unknown column (expected a, b, c)",
                "t.csv:1: b: missing column"
            ]
        );
        let mut r = csv::Reader::from_reader("c,b,a\n1,2,3\n".as_bytes());
        assert!(header("t.csv", &mut r, &["a", "b", "c"]).is_ok());
        let mut r = csv::Reader::from_reader("a,o\n".as_bytes());
        assert!(header_with_optional("t.csv", &mut r, &["a"], &["o", "p"]).is_ok());
        let mut r = csv::Reader::from_reader("a,q\n".as_bytes());
        assert_eq!(
            header_with_optional("t.csv", &mut r, &["a"], &["o"]).unwrap_err(),
            ["t.csv:1: q: unknown column (expected a; optional: o)"]
        );
    }

    #[test]
    fn a_duplicate_column_is_refused() {
        let mut r = csv::Reader::from_reader("a,b,a\n".as_bytes());
        assert_eq!(
            header("t.csv", &mut r, &["a", "b"]).unwrap_err(),
            ["t.csv:1: a: duplicate column (columns 1 and 3)"]
        );
    }

    #[test]
    fn lines_are_physical_lines() {
        // Blank lines before the header and a record, a quoted field over two lines, CRLF.
        for (text, header_line, lines) in [
            ("\na,b\n\"x\ny\",1\n\n2,3\n", 2, vec![3, 6]),
            ("a,b\r\n\"x\r\ny\",2\r\n\r\n3,4\r\n", 1, vec![2, 5]),
            ("a,b\n1,2\n\n\n3,4", 1, vec![2, 5]),
        ] {
            let mut r = csv::Reader::from_reader(Lines::new(text.as_bytes()));
            let h = header_of("t.csv", &mut r, &["a", "b"], &[]).unwrap();
            assert_eq!(h.len(), 2);
            let mut got = Vec::new();
            let mut record = csv::StringRecord::new();
            while r.read_record(&mut record).unwrap() {
                got.push(line_of(&mut r, &record));
            }
            assert_eq!(got, lines, "{text:?}");
            let mut r = csv::Reader::from_reader(Lines::new(text.as_bytes()));
            let e = header_of("t.csv", &mut r, &["a", "b", "c"], &[]).unwrap_err();
            assert_eq!(e, [format!("t.csv:{header_line}: c: missing column")]);
        }
        let mut r = csv::Reader::from_reader(Lines::new("a,b\n1,2\n\n3\n".as_bytes()));
        header_of("t.csv", &mut r, &["a", "b"], &[]).unwrap();
        let e = r.records().nth(1).unwrap().unwrap_err();
        assert_eq!(error_line(&mut r, &e), Some(4));
        assert_eq!(error_message(&e), "1 fields where the header has 2");
    }
}
