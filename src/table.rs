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

#[cfg(test)]
mod tests {
    use super::*;

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
