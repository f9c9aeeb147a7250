/*!
Reading one Epoch export file: every row with the physical line it starts on (so a problem is
reported `file:line: column: problem`), and [`Problems`], which reads numbers, counts and dates
out of rows and collects every bad value, so that one run of the import reports them all.
*/

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::super::Error;

/// One row of an export, with the physical line it starts on.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) fields: BTreeMap<String, String>,
}

/// One export file, read whole.
pub(super) struct Export {
    pub(super) path: PathBuf,
    pub(super) rows: Vec<Row>,
}

pub(super) fn read_export(path: &Path) -> Result<Export, Error> {
    let fail = |problem: String| Error::Import {
        path: path.to_path_buf(),
        problem,
    };
    let text = crate::fsio::read(path, &crate::fsio::EXPORT)?;
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let header = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| crate::table::physical_line(&text, p));
                return Err(fail(format!("line {line}: {e}")));
            }
        }
        let fields = header
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        rows.push(Row {
            line: record
                .position()
                .map_or(0, |p| crate::table::physical_line(&text, p)),
            fields,
        });
    }
    Ok(Export {
        path: path.to_path_buf(),
        rows,
    })
}

pub(super) fn field<'a>(row: &'a Row, name: &str) -> &'a str {
    row.fields.get(name).map_or("", |s| s.trim())
}

/// Every bad value of the exports, as `file:line: field: problem`: the import stops on any.
#[derive(Default)]
pub(super) struct Problems(Vec<String>);

impl Problems {
    pub(super) fn push(
        &mut self,
        path: &Path,
        row: &Row,
        column: &str,
        problem: impl std::fmt::Display,
    ) {
        self.0.push(format!(
            "{}:{}: {column}: {problem}",
            path.display(),
            row.line
        ));
    }

    /// A finite number, or `None` when blank.
    pub(super) fn number(&mut self, path: &Path, row: &Row, column: &str) -> Option<f64> {
        let s = field(row, column);
        if s.is_empty() {
            return None;
        }
        match s.replace(',', "").parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            Ok(v) => {
                self.push(path, row, column, format!("{v} is not a finite number"));
                None
            }
            Err(_) => {
                self.push(path, row, column, format!("{s:?} is not a number"));
                None
            }
        }
    }

    /// A count (parameters, tokens, operations): Epoch writes 0 for unknown; negative is wrong.
    pub(super) fn count(&mut self, path: &Path, row: &Row, column: &str) -> Option<f64> {
        let v = self.number(path, row, column)?;
        if v < 0.0 {
            self.push(path, row, column, format!("{v} is negative"));
        }
        (v > 0.0).then_some(v)
    }

    /// A date (the day of a timestamp), or `None` when blank.
    pub(super) fn date(&mut self, path: &Path, row: &Row, column: &str) -> Option<Date> {
        let s = field(row, column);
        if s.is_empty() {
            return None;
        }
        match s.get(..10).and_then(|d| d.parse::<Date>().ok()) {
            Some(d) if (1940..=2100).contains(&d.year()) => Some(d),
            Some(d) => {
                self.push(path, row, column, format!("{d} is outside 1940..2100"));
                None
            }
            None => {
                self.push(path, row, column, format!("{s:?} is not a date"));
                None
            }
        }
    }

    pub(super) fn result(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid { problems: self.0 })
        }
    }
}
