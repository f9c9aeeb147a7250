/*!
Reading the TOML files users write (what-if releases, training declarations): one-line error
messages with line and column, and dates written either as TOML dates (`2026-12-01`) or strings.
*/

use jiff::civil::Date;
use serde::{Deserialize, Deserializer};

/// `line L, column C: message` for a TOML error in `text`.
pub fn describe(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
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
