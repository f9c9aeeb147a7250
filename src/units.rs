/*!
Quantities with units, each with the one human format the whole tool prints: training operations
(FLOP), parameter counts and Total Processing Performance (TPP).

What each type is used for, as it stands:
- [`ParamCount`] is the type of every exact count the checkpoint reader produces (total, active,
  embedding, buffers), so a tensor-element count cannot be passed where FLOP are expected there.
- [`Flop`] and [`Tpp`] are the printed forms. Results carry operations and TPP as `f64` fields
  named by their unit (`operations_flop`, `floor_flop`, `used_tpp`, …): the estimators work in
  log space, with intervals and bootstrap draws, and a unit suffix on every field is what keeps a
  FLOP figure from being read as TPP there. Declared parameter counts are `f64` too (a
  declaration may write `200e9`).

JSON always carries the raw, unrounded number; only human output is rounded.
*/

use std::fmt;

use serde::{Deserialize, Serialize};

/// A number of floating-point (or integer) operations, e.g. a training run's total compute.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Flop(pub f64);

impl Flop {
    pub fn log10(self) -> f64 {
        self.0.log10()
    }

    pub fn from_log10(x: f64) -> Flop {
        Flop(10f64.powf(x))
    }
}

impl fmt::Display for Flop {
    /// Scientific notation with three significant figures: `3.80e25 FLOP`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2e} FLOP", self.0)
    }
}

/// A count of model parameters (or of stored tensor elements).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ParamCount(pub u64);

impl fmt::Display for ParamCount {
    /// Two decimals with an SI-style suffix as model cards write them: `405.85B`, `12.88B`,
    /// `1.03T`, `7.24M`; small counts are printed exactly.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0 as f64;
        let (scaled, suffix) = if n >= 1e12 {
            (n / 1e12, "T")
        } else if n >= 1e9 {
            (n / 1e9, "B")
        } else if n >= 1e6 {
            (n / 1e6, "M")
        } else if n >= 1e3 {
            (n / 1e3, "K")
        } else {
            return write!(f, "{}", self.0);
        };
        write!(f, "{scaled:.2}{suffix}")
    }
}

/// Total Processing Performance as defined in ECCN 3A090: 2 × MacTOPS × bit length.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tpp(pub f64);

impl fmt::Display for Tpp {
    /// Whole TPP with thousands separators: `15,832 TPP`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} TPP", group_thousands(self.0.round() as i128))
    }
}

/// `1234567` → `1,234,567`; used wherever an exact integer is shown to a person.
pub fn group_thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_print_as_model_cards_write_them() {
        assert_eq!(ParamCount(405_853_388_800).to_string(), "405.85B");
        assert_eq!(ParamCount(12_879_925_248).to_string(), "12.88B");
        assert_eq!(ParamCount(1_026_408_232_448).to_string(), "1.03T");
        assert_eq!(ParamCount(7_241_732).to_string(), "7.24M");
        assert_eq!(ParamCount(999).to_string(), "999");
    }

    #[test]
    fn flop_prints_in_scientific_notation() {
        assert_eq!(Flop(3.8e25).to_string(), "3.80e25 FLOP");
        assert_eq!(Flop(1e26).to_string(), "1.00e26 FLOP");
    }

    #[test]
    fn tpp_prints_whole_with_separators() {
        assert_eq!(Tpp(15_832.0).to_string(), "15,832 TPP");
        assert_eq!(group_thousands(-1_000), "-1,000");
        assert_eq!(group_thousands(100), "100");
    }
}
