/*!
The CSV tables capfloor reads (the registry, shipment ledgers): one header check shared by all of
them, so that every table reports a wrong header the same way — each unknown and each missing
column as `file:1: column: problem`, all at once.
*/

/// Reads the header of `reader` and checks that it has exactly `columns`, in any order.
pub fn header<R: std::io::Read>(
    name: &str,
    reader: &mut csv::Reader<R>,
    columns: &[&str],
) -> Result<csv::StringRecord, Vec<String>> {
    header_with_optional(name, reader, columns, &[])
}

/// As [`header`], also allowing the `optional` columns.
pub fn header_with_optional<R: std::io::Read>(
    name: &str,
    reader: &mut csv::Reader<R>,
    columns: &[&str],
    optional: &[&str],
) -> Result<csv::StringRecord, Vec<String>> {
    let header = reader
        .headers()
        .map_err(|e| vec![format!("{name}:1: header: {e}")])?
        .clone();
    let mut problems = Vec::new();
    for h in header.iter() {
        if !columns.contains(&h) && !optional.contains(&h) {
            let mut expected = columns.join(", ");
            if !optional.is_empty() {
                expected += &format!("; optional: {}", optional.join(", "));
            }
            problems.push(format!(
                "{name}:1: {h}: unknown column (expected {expected})"
            ));
        }
    }
    for c in columns {
        if !header.iter().any(|h| h == *c) {
            problems.push(format!("{name}:1: {c}: missing column"));
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
}
