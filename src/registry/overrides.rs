/*!
`overrides.csv`: the registry's sourced corrections to Epoch's exports, one row per decision:
`model_id,field,value,source`. Three kinds of row:

- a **field** of one model set to a value (`parameters_total`, `open_weights_date`, `recipe`, …);
- a **merge or join**: `variant_of` (the rows the import would make for `model_id` are one
  release with `value`: an API alias, a thinking mode, a provider's spelling) and `notable` (the
  model is the Notable AI Models row named `value`, when the names differ; `none`: no row is,
  when Epoch's name for it is another model's);
- a **score left out**: `exclude_score` (the export's score of `model_id` — the release the import
  would make of the row's version, before any merge — on benchmark `value` is not that model's:
  evaluated before the model existed, or another model's result filed under its name);
- an **explanation** for `registry audit`: `accept` (`value` is a finding kind; the finding about
  `model_id` has been checked and is right, for the reason in `source`).

A model the exports lack entirely is added with `add` (the value is its name) and its fields set by
further rows. Every row needs a source; every value is checked here (finite, in range, a valid date or enum),
so a bad row is reported as `file:line: field: problem` before anything is imported.
*/

use std::path::Path;

use jiff::civil::Date;

use super::{Accessibility, ComputeBasis, Confidence, Error, RecipeKind};

pub const COLUMNS: &[&str] = &["model_id", "field", "value", "source"];

/// The overrides committed beside the embedded registry.
pub const EMBEDDED: &str = include_str!("../../data/overrides.csv");

/// What one row does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    ParametersTotal(f64),
    ParametersActive(f64),
    TrainingTokens(f64),
    TrainingCompute(f64),
    FinetuneCompute(f64),
    ReleaseDate(Date),
    OpenWeightsDate(Date),
    Accessibility(Accessibility),
    ComputeBasis(ComputeBasis),
    Confidence(Confidence),
    Recipe(RecipeKind),
    Name(String),
    Organization(String),
    BaseModel(String),
    /// A model the exports do not have, with this name (its fields set by other rows).
    Add(String),
    /// The model's upstream rows are a variant of this release (an id).
    VariantOf(String),
    /// The model is this Notable AI Models row (its `Model` name).
    Notable(String),
    /// The export's score of the model on this benchmark is left out.
    ExcludeScore(String),
    /// A finding of this kind about the model is explained by the source.
    Accept(String),
}

/// One row of `overrides.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The physical line (the header is line 1).
    pub line: u64,
    /// The id, lower-cased (ids match case-insensitively).
    pub model_id: String,
    /// The column name as written (`parameters_total`, `variant_of`, …).
    pub field: String,
    pub action: Action,
    pub source: String,
}

/// The fields a row may set, for messages.
pub const FIELDS: &[&str] = &[
    "parameters_total",
    "parameters_active",
    "training_tokens",
    "training_compute_flop",
    "finetune_compute_flop",
    "release_date",
    "open_weights_date",
    "accessibility",
    "compute_basis",
    "confidence",
    "recipe",
    "name",
    "organization",
    "base_model",
    "add",
    "variant_of",
    "notable",
    "exclude_score",
    "accept",
];

/// Largest plausible values: a figure past them is a typo (a missing `e`, an extra digit).
/// Training "tokens" reach 3e20 in Notable AI Models, whose dataset sizes of image models count
/// patches or pixels.
pub const MAX_PARAMETERS: f64 = 1e14;
pub const MAX_TOKENS: f64 = 1e21;
pub const MAX_FLOP: f64 = 1e31;

/// Reads an overrides file.
pub fn read(path: &Path) -> Result<Vec<Override>, Error> {
    let text = crate::fsio::read_to_string(path, &crate::fsio::OVERRIDES)?;
    parse(&path.display().to_string(), &text)
}

/// Parses overrides text, reporting every bad row at once.
pub fn parse(name: &str, text: &str) -> Result<Vec<Override>, Error> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = crate::table::header(name, &mut reader, COLUMNS)
        .map_err(|problems| Error::Invalid { problems })?;
    let col = |c: &str| header.iter().position(|h| h == c).expect("header checked");
    let (ci, cf, cv, cs) = (col("model_id"), col("field"), col("value"), col("source"));
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let line_of = |p: &csv::Position| crate::table::physical_line(text.as_bytes(), p);
    loop {
        let before = line_of(reader.position());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(before, line_of);
                problems.push(format!("{name}:{line}: row: {e}"));
                continue;
            }
        }
        let line = record.position().map_or(before, line_of);
        let at = format!("{name}:{line}");
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        let (id, field, value, source) = (get(ci), get(cf), get(cv), get(cs));
        if id.is_empty() {
            problems.push(format!("{at}: model_id: empty"));
        }
        if source.is_empty() {
            problems.push(format!(
                "{at}: source: empty (every correction needs its source)"
            ));
        }
        match action(field, value) {
            Ok(action) => rows.push(Override {
                line,
                model_id: id.to_ascii_lowercase(),
                field: field.to_string(),
                action,
                source: source.to_string(),
            }),
            Err((column, problem)) => problems.push(format!("{at}: {column}: {problem}")),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Invalid { problems })
    }
}

/// The action of a `field`/`value` pair, or the column at fault and the problem.
fn action(field: &str, value: &str) -> Result<Action, (&'static str, String)> {
    let bad = |p: String| ("value", p);
    let count = |max: f64| -> Result<f64, (&'static str, String)> {
        let x: f64 = value
            .parse()
            .map_err(|_| bad(format!("{value:?} is not a number")))?;
        if !x.is_finite() || x <= 0.0 {
            return Err(bad(format!("{value} is not a positive finite number")));
        }
        if x > max {
            return Err(bad(format!("{value} is more than {max:e}, past any model")));
        }
        Ok(x)
    };
    let date = || -> Result<Date, (&'static str, String)> {
        let d: Date = value
            .parse()
            .map_err(|e| bad(format!("{value:?} is not a date (YYYY-MM-DD): {e}")))?;
        if d.year() < 1940 || d.year() > 2100 {
            return Err(bad(format!("{d} is outside 1940..2100")));
        }
        Ok(d)
    };
    let text = || {
        if value.is_empty() {
            Err(bad("empty".into()))
        } else {
            Ok(value.to_string())
        }
    };
    let one_of = |options: &[&str]| bad(format!("{value:?} is not one of {}", options.join(", ")));
    Ok(match field {
        "parameters_total" => Action::ParametersTotal(count(MAX_PARAMETERS)?),
        "parameters_active" => Action::ParametersActive(count(MAX_PARAMETERS)?),
        "training_tokens" => Action::TrainingTokens(count(MAX_TOKENS)?),
        "training_compute_flop" => Action::TrainingCompute(count(MAX_FLOP)?),
        "finetune_compute_flop" => Action::FinetuneCompute(count(MAX_FLOP)?),
        "release_date" => Action::ReleaseDate(date()?),
        "open_weights_date" => Action::OpenWeightsDate(date()?),
        "accessibility" => Action::Accessibility(match value {
            "open_weights" => Accessibility::OpenWeights,
            "closed" => Accessibility::Closed,
            "unknown" => Accessibility::Unknown,
            _ => return Err(one_of(&["open_weights", "closed", "unknown"])),
        }),
        "compute_basis" => Action::ComputeBasis(match value {
            "declared" => ComputeBasis::Declared,
            "6nd" => ComputeBasis::SixNd,
            "hardware" => ComputeBasis::Hardware,
            "imputed" => ComputeBasis::Imputed,
            _ => return Err(one_of(&["declared", "6nd", "hardware", "imputed"])),
        }),
        "confidence" => Action::Confidence(match value {
            "confident" => Confidence::Confident,
            "likely" => Confidence::Likely,
            "speculative" => Confidence::Speculative,
            "unknown" => Confidence::Unknown,
            _ => return Err(one_of(&["confident", "likely", "speculative", "unknown"])),
        }),
        "recipe" => Action::Recipe(
            RecipeKind::ALL
                .into_iter()
                .find(|r| r.as_str() == value)
                .ok_or_else(|| one_of(&RecipeKind::ALL.map(RecipeKind::as_str)))?,
        ),
        "name" => Action::Name(text()?),
        "organization" => Action::Organization(text()?),
        "add" => Action::Add(text()?),
        "base_model" => Action::BaseModel(text()?),
        "variant_of" => Action::VariantOf(text()?.to_ascii_lowercase()),
        "notable" => Action::Notable(text()?),
        "exclude_score" => Action::ExcludeScore(text()?),
        "accept" => {
            let kind = text()?;
            if !super::audit::KINDS.contains(&kind.as_str()) {
                return Err(bad(format!(
                    "{kind:?} is not an audit finding kind ({})",
                    super::audit::KINDS.join(", ")
                )));
            }
            Action::Accept(kind)
        }
        other => {
            return Err((
                "field",
                format!(
                    "{other:?} cannot be overridden (one of {})",
                    FIELDS.join(", ")
                ),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse("o.csv", text) {
            Err(Error::Invalid { problems }) => problems,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_committed_overrides_parse() {
        parse("data/overrides.csv", EMBEDDED).unwrap();
    }

    #[test]
    fn values_out_of_range_are_refused_with_file_line_and_field() {
        let p = problems(
            "model_id,field,value,source\n\
             a,parameters_total,-1e400,s\n\
             a,training_compute_flop,inf,s\n\
             a,parameters_active,NaN,s\n\
             a,training_tokens,0,s\n\
             a,parameters_total,7e18,s\n\
             a,release_date,2024-02-30,s\n\
             a,recipe,magic,s\n\
             a,colour,red,s\n\
             a,parameters_total,7e9,\n",
        );
        for expected in [
            "o.csv:2: value: -1e400 is not a positive finite number",
            "o.csv:3: value: inf is not a positive finite number",
            "o.csv:4: value: NaN is not a positive finite number",
            "o.csv:5: value: 0 is not a positive finite number",
            "o.csv:6: value: 7e18 is more than",
            "o.csv:7: value: \"2024-02-30\" is not a date",
            "o.csv:8: value: \"magic\" is not one of standard, distilled, synthetic, code",
            "o.csv:9: field: \"colour\" cannot be overridden",
            "o.csv:10: source: empty",
        ] {
            assert!(
                p.iter().any(|x| x.starts_with(expected)),
                "{expected:?} not in {p:#?}"
            );
        }
    }

    #[test]
    fn lines_are_physical_after_quoted_newlines() {
        let p = problems(
            "model_id,field,value,source\n\
             a,parameters_total,7e9,\"a source\nover two lines\"\n\
             \n\
             a,parameters_total,x,s\n",
        );
        assert_eq!(p, ["o.csv:5: value: \"x\" is not a number"]);
    }

    #[test]
    fn ids_are_lower_cased() {
        let o = parse(
            "o.csv",
            "model_id,field,value,source\nDeepSeek-V3,variant_of,DeepSeek-V3-Base,s\n",
        )
        .unwrap();
        assert_eq!(o[0].model_id, "deepseek-v3");
        assert_eq!(o[0].action, Action::VariantOf("deepseek-v3-base".into()));
    }
}
