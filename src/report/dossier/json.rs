/*! The dossier as JSON (`report.json`): the [`Dossier`] serialised whole, for machines. */

use super::{Dossier, Format};

/// `report.json`.
pub struct Json;

impl Format for Json {
    fn file_name(&self) -> &'static str {
        "report.json"
    }

    fn render(&self, d: &Dossier) -> String {
        let mut s = serde_json::to_string_pretty(d).expect("the dossier is JSON");
        s.push('\n');
        s
    }
}
