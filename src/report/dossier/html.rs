/*! The dossier as one self-contained HTML page (`report.html`): the blocks, with the charts inline. */

use super::blocks::{blocks, Block};
use super::{Dossier, Format};

/// `report.html`: needs no other file to display.
pub struct Html;

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Format for Html {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, d: &Dossier) -> String {
        let mut body = String::new();
        let mut first = true;
        for block in blocks(d) {
            match block {
                Block::Heading(h) => {
                    let tag = if first { "h1" } else { "h2" };
                    body.push_str(&format!("<{tag}>{}</{tag}>\n", html_escape(&h)));
                    first = false;
                }
                Block::Text(t) => body.push_str(&format!("<p>{}</p>\n", html_escape(&t))),
                Block::Table(head, rows) => {
                    body.push_str("<table>\n<tr>");
                    for h in head {
                        body.push_str(&format!("<th>{}</th>", html_escape(&h)));
                    }
                    body.push_str("</tr>\n");
                    for r in rows {
                        body.push_str("<tr>");
                        for c in r {
                            body.push_str(&format!("<td>{}</td>", html_escape(&c)));
                        }
                        body.push_str("</tr>\n");
                    }
                    body.push_str("</table>\n");
                }
                Block::List(items) => {
                    body.push_str("<ul>\n");
                    for i in items {
                        body.push_str(&format!("<li>{}</li>\n", html_escape(&i)));
                    }
                    body.push_str("</ul>\n");
                }
                Block::Chart { svg, .. } => {
                    // The SVG inline (without its XML declaration): the page needs no other file.
                    let svg = svg.split_once("?>").map_or(svg.as_str(), |(_, rest)| rest);
                    body.push_str(&format!("<figure>{svg}</figure>\n"));
                }
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\nbody {{ font-family: sans-serif; max-width: 1240px; margin: 2em auto; color: #222; }}\ntable {{ border-collapse: collapse; margin: 1em 0; }}\nth, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 14px; }}\nth {{ background: #f3f3f3; }}\nfigure {{ margin: 1em 0; }}\nsvg {{ max-width: 100%; height: auto; }}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            html_escape(&format!("capfloor dossier: {}", d.assessment.model.name))
        )
    }
}
