/*!
Reading the TOML files users write (what-if releases, training declarations): one-line error
messages with line and column, and dates written either as TOML dates (`2026-12-01`) or strings.
*/

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// A TOML file that cannot be used: unreadable, not valid TOML (with line and column), or a value
/// outside what its field allows.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not a regular file, too large for its kind, not UTF-8, or unreadable.
    #[error(transparent)]
    File(#[from] crate::fsio::Error),
    /// Not valid TOML, or a field of the wrong type; the message gives line and column.
    #[error("{}: {message}", path.display())]
    Toml { path: PathBuf, message: String },
    /// A value no real input can have.
    #[error("{}: {field}: {problem}", path.display())]
    Field {
        path: PathBuf,
        field: String,
        problem: String,
    },
}

/// The range a number in a user's file must be in: finite (TOML allows `inf` and `nan`),
/// positive (or zero where `zero`), and at most `max`.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub zero: bool,
    pub max: f64,
    /// What the number counts, for messages.
    pub unit: &'static str,
}

impl Bound {
    /// `Ok` if `x` is in range, else what is wrong with it.
    pub fn check(&self, x: f64) -> Result<(), String> {
        if !x.is_finite() {
            return Err(format!("{x} is not a finite number of {}", self.unit));
        }
        if x < 0.0 || (x == 0.0 && !self.zero) {
            return Err(if self.zero {
                format!("{x} must be zero or more")
            } else {
                format!("{x} must be a positive number of {}", self.unit)
            });
        }
        if x > self.max {
            return Err(format!(
                "{x:e} {} is more than {:e}, beyond any real training run",
                self.unit, self.max
            ));
        }
        Ok(())
    }
}

/// Reads `path` as text, within `limit` (see [`crate::fsio`]).
pub fn read(path: &Path, limit: &crate::fsio::Limit) -> Result<String, Error> {
    Ok(crate::fsio::read_to_string(path, limit)?)
}

/// Parses `text` (the contents of `path`) as `T`.
pub fn from_str<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|e| Error::Toml {
        path: path.to_path_buf(),
        message: describe(text, &e),
    })
}

/// `line L, column C: message` for a TOML error in `text`.
pub fn describe(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let head = before.rsplit('\n').next().unwrap_or("");
            let column = head.chars().count() + 1;
            // A bad value names its key (`kind = "pretrain"` → `kind`), which serde's message
            // for an unknown variant does not.
            let key = head
                .trim_end()
                .strip_suffix('=')
                .map(str::trim)
                .filter(|k| {
                    !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                });
            match key {
                Some(k) => format!("line {line}, column {column}: field `{k}`: {message}"),
                None => format!("line {line}, column {column}: {message}"),
            }
        }
        None => message.to_string(),
    }
}

/// Deserializes a date from a TOML date or a `YYYY-MM-DD` string.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Input {
        Toml(toml::value::Datetime),
        Text(String),
    }
    match Input::deserialize(d)? {
        Input::Toml(dt) => {
            let (Some(day), None, None) = (dt.date, dt.time, dt.offset) else {
                return Err(serde::de::Error::custom(format!(
                    "{dt} is not a plain date (YYYY-MM-DD)"
                )));
            };
            let year = i16::try_from(day.year).map_err(serde::de::Error::custom)?;
            Date::new(year, day.month as i8, day.day as i8).map_err(serde::de::Error::custom)
        }
        Input::Text(s) => s.parse::<Date>().map_err(|e| {
            serde::de::Error::custom(format!("{s:?} is not a date (YYYY-MM-DD): {e}"))
        }),
    }
}

/// [`date`] for an optional field.
pub fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    date(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(deserialize_with = "date")]
        d: Date,
    }

    #[test]
    fn dates_are_read_as_toml_dates_or_strings() {
        let a: T = toml::from_str("d = 2026-12-01").unwrap();
        let b: T = toml::from_str("d = \"2026-12-01\"").unwrap();
        assert_eq!(a.d, b.d);
        assert!(toml::from_str::<T>("d = 2026-12-01T10:00:00").is_err());
        assert!(toml::from_str::<T>("d = \"soon\"").is_err());
        assert!(toml::from_str::<T>("d = 2026-02-30").is_err());
    }

    #[test]
    fn errors_give_line_and_column_on_one_line() {
        let text = "a = 1\nd = \"soon\"\n";
        let e = toml::from_str::<T>(text).unwrap_err();
        let m = describe(text, &e);
        assert!(m.starts_with("line 2, column 5:"), "{m}");
        assert!(!m.contains('\n'));
    }
}
