/*! The dossier as Markdown (`report.md`): the blocks, with the charts linked as files. */

use super::blocks::{blocks, Block};
use super::{Dossier, Format};

/// `report.md`.
pub struct Markdown;

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Format for Markdown {
    fn file_name(&self) -> &'static str {
        "report.md"
    }

    fn render(&self, d: &Dossier) -> String {
        let mut out = String::new();
        let mut first = true;
        for block in blocks(d) {
            match block {
                Block::Heading(h) => {
                    out.push_str(if first { "# " } else { "\n## " });
                    out.push_str(&h);
                    out.push_str("\n\n");
                    first = false;
                }
                Block::Text(t) => {
                    out.push_str(&t);
                    out.push_str("\n\n");
                }
                Block::Table(head, rows) => {
                    out.push_str(&format!(
                        "| {} |\n",
                        head.iter()
                            .map(|h| md_cell(h))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ));
                    out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
                    for r in rows {
                        out.push_str(&format!(
                            "| {} |\n",
                            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                    out.push('\n');
                }
                Block::List(items) => {
                    for i in items {
                        out.push_str(&format!("- {}\n", i.replace('\n', " ")));
                    }
                    out.push('\n');
                }
                Block::Chart { name, .. } => {
                    out.push_str(&format!("![{name}]({name})\n\n"));
                }
            }
        }
        out
    }
}
