/*!
What the dossier says, section by section, as headings, paragraphs, tables, lists and charts: the
one structure every human-readable format walks, so Markdown and HTML cannot say different things.
*/

use super::Dossier;

fn e(x: f64) -> String {
    format!("{x:.3e}")
}

/// A parameter count as model cards write it, with the exact figure: `70.55B (70,553,706,496)`.
fn count(n: crate::units::ParamCount) -> String {
    format!("{n} ({})", crate::units::group_thousands(i128::from(n.0)))
}

/// One piece of the dossier. The first heading is the title.
pub(super) enum Block {
    Heading(String),
    Text(String),
    /// A header row and the rows of cells.
    Table(Vec<String>, Vec<Vec<String>>),
    List(Vec<String>),
    /// A chart: its file name and its SVG document.
    Chart {
        name: String,
        svg: String,
    },
}

pub(super) fn blocks(d: &Dossier) -> Vec<Block> {
    let a = &d.assessment;
    let m = &a.model;
    let mut b = vec![
        Block::Heading(format!("Technical-opinion dossier: {}", m.name)),
        Block::Text(format!(
            "Developer: {}. Weights published: {}. Assessed as of {} with capfloor {}. Declaration: {}.",
            m.developer,
            if m.weights_published { "yes" } else { "no" },
            a.as_of,
            d.capfloor_version,
            a.declaration.display()
        )),
    ];
    let verdict_rows: Vec<Vec<String>> = a
        .regimes
        .iter()
        .map(|v| {
            vec![
                v.name.clone(),
                v.verdict.to_string(),
                e(v.counted_flop),
                e(v.threshold_flop),
                v.in_force.clone().unwrap_or_else(|| v.status.clone()),
            ]
        })
        .collect();
    b.push(Block::Heading("Verdicts".into()));
    b.push(Block::Text(format!(
        "Training operations: {} FLOP (interval {} – {} FLOP).",
        e(a.operations_flop),
        e(a.operations_flop_lo),
        e(a.operations_flop_hi)
    )));
    b.push(Block::Table(
        vec![
            "regime".into(),
            "verdict".into(),
            "counted (FLOP)".into(),
            "threshold (FLOP)".into(),
            "status".into(),
        ],
        verdict_rows,
    ));
    b.push(Block::List(
        a.regimes
            .iter()
            .map(|v| format!("{}: {}", v.id, v.reasons.join("; ")))
            .collect(),
    ));

    for n in &a.notifications {
        b.push(Block::Heading(format!(
            "Notification record ({})",
            n.regime
        )));
        b.push(Block::Text(format!(
            "Estimate {} FLOP (method: {}), estimated on {}; verdict {}; {}. {}",
            n.estimate,
            n.methods.join(", "),
            n.estimated_on,
            n.verdict,
            match n.notify_by {
                Some(d) => format!("notify by {d}"),
                None => "no notification due on this estimate".to_string(),
            },
            n.note
        )));
        b.push(Block::List(n.assumptions.clone()));
    }

    if !a.plan.is_empty() {
        b.push(Block::Heading(
            "Plan: when the scheduled run crosses each threshold".into(),
        ));
        let day = |d: Option<jiff::civil::Date>| d.map_or("–".to_string(), |d| d.to_string());
        b.push(Block::Table(
            vec![
                "regime".into(),
                "crosses on".into(),
                "estimate high – low".into(),
                "known".into(),
                "notify by".into(),
            ],
            a.plan
                .iter()
                .map(|c| {
                    vec![
                        c.regime.clone(),
                        match c.status {
                            "before_schedule" => "before the schedule".to_string(),
                            "never" => "never".to_string(),
                            _ => day(c.crossing),
                        },
                        format!("{} – {}", day(c.crossing_early), day(c.crossing_late)),
                        day(c.known),
                        format!(
                            "{}{}",
                            day(c.notify_by),
                            if c.overdue { " (overdue)" } else { "" }
                        ),
                    ]
                })
                .collect(),
        ));
    }

    b.push(Block::Heading("Weights".into()));
    if d.hashed {
        b.push(Block::Table(
            vec!["file".into(), "bytes".into(), "SHA-256".into()],
            d.fingerprints
                .iter()
                .map(|f| {
                    vec![
                        f.path.display().to_string(),
                        crate::units::group_thousands(i128::from(f.bytes)),
                        f.sha256.clone(),
                    ]
                })
                .collect(),
        ));
    } else {
        b.push(Block::Text(
            "Weight files were not hashed (--no-hash).".into(),
        ));
    }
    match &a.checkpoint {
        Some(i) => {
            let p = &i.parameters;
            b.push(Block::Table(
                vec!["parameters".into(), "count".into()],
                vec![
                    vec!["total".into(), count(p.total)],
                    vec!["active".into(), p.active.map_or("unknown".into(), count)],
                    vec!["embedding".into(), count(p.embedding)],
                    vec!["multi-token prediction (not in total)".into(), count(p.mtp)],
                    vec!["buffers (not parameters)".into(), count(p.buffers)],
                ],
            ));
            if !i.warnings.is_empty() {
                b.push(Block::List(
                    i.warnings
                        .iter()
                        .map(|w| format!("checkpoint warning: {w}"))
                        .collect(),
                ));
            }
        }
        None => b.push(Block::Text(format!(
            "No checkpoint inspected; active parameters: {} ({}).",
            a.active_parameters.map_or("not given".into(), |n| {
                count(crate::units::ParamCount(n as u64))
            }),
            a.active_parameters_source.clone().unwrap_or_default()
        ))),
    }

    b.push(Block::Heading("Training operations".into()));
    let mut rows = Vec::new();
    if let Some(base) = &a.compute.base {
        rows.push(vec![
            "base model".into(),
            "inherited".into(),
            e(base.flop),
            format!("{} ({})", base.from, base.source),
        ]);
    }
    for (i, p) in a.compute.phases.iter().enumerate() {
        let phase = format!(
            "{i}: {}",
            p.name
                .clone()
                .unwrap_or_else(|| crate::compute::kind_name(p.kind).to_string())
        );
        for est in &p.estimates {
            let chosen = if est.method == p.chosen {
                " (used)"
            } else {
                ""
            };
            rows.push(vec![
                phase.clone(),
                format!("{}{chosen}", crate::compute::method_name(est.method)),
                e(est.flop),
                format!("{}; {}", est.formula, est.sources.join("; ")),
            ]);
        }
    }
    b.push(Block::Table(
        vec![
            "phase".into(),
            "method".into(),
            "FLOP".into(),
            "inputs".into(),
        ],
        rows,
    ));
    if !a.flags.is_empty() {
        b.push(Block::List(
            a.flags
                .iter()
                .map(|f| format!("flag ({}): {}", f.kind, f.message))
                .collect(),
        ));
    }
    if let Some(i) = &a.implied {
        b.push(Block::Text(format!(
            "Declared benchmark scores imply capability {:.1} ECI (standard error {:.1}); the median published recipe at {} needs {} FLOP for it.",
            i.capability,
            i.capability_se,
            a.as_of,
            e(i.median_recipe_flop)
        )));
    }

    b.push(Block::Heading("The 4E091 floor".into()));
    match (&a.floor, &a.floor_error) {
        (Some(f), _) => {
            b.push(Block::Text(format!(
                "floor = 10^((θ* − b*)/k) = {} FLOP (90%: {} – {}), recipe {}. θ* = {:.2} ECI, set by {} (open weights, released {}); k = {:.3} ECI per 10× compute; b* = {:.3}, set by {}; {} models with compute, {} published recipes, {} bootstrap resamples, seed {}.",
                e(f.floor_flop),
                e(f.floor_flop_lo),
                e(f.floor_flop_hi),
                f.recipe,
                f.theta_star,
                f.set_by,
                f.set_by_released,
                f.k,
                f.b_star,
                if f.b_star_set_by.is_empty() { "the distribution".to_string() } else { f.b_star_set_by.join(", ") },
                f.n_fit,
                f.n_recipes,
                f.resamples,
                f.seed
            )));
        }
        (None, Some(err)) => b.push(Block::Text(format!(
            "The floor is not defined at {}: {err}",
            a.as_of
        ))),
        _ => {}
    }
    for (name, svg) in &d.charts {
        b.push(Block::Chart {
            name: name.clone(),
            svg: svg.clone(),
        });
    }

    b.push(Block::Heading("Sensitivity".into()));
    b.push(Block::Text(
        "Each assumption varied alone. The floor is shown itself, beside the effective 4E091 threshold (the larger of 10^26 and the floor); the last column lists every regime whose verdict differs from the declared row (the first row lists them all).".into(),
    ));
    let declared = d
        .sensitivity
        .first()
        .map(|s| s.verdicts.clone())
        .unwrap_or_default();
    b.push(Block::Table(
        vec![
            "assumption".into(),
            "value".into(),
            "operations (FLOP)".into(),
            "4E091 floor".into(),
            "4E091 threshold".into(),
            "4E091 verdict".into(),
            "verdicts".into(),
        ],
        d.sensitivity
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let changes: Vec<String> = s
                    .verdicts
                    .iter()
                    .zip(&declared)
                    .filter(|(v, base)| i == 0 || v.verdict != base.verdict)
                    .map(|(v, base)| {
                        if i == 0 {
                            format!("{} {}", v.regime, v.verdict)
                        } else {
                            format!("{} {} → {}", v.regime, base.verdict, v.verdict)
                        }
                    })
                    .collect();
                vec![
                    s.assumption.clone(),
                    s.value.clone(),
                    format!(
                        "{} ({} – {})",
                        e(s.operations_flop),
                        e(s.operations_flop_lo),
                        e(s.operations_flop_hi)
                    ),
                    s.floor_flop.map_or("undefined".to_string(), e),
                    e(s.threshold_4e091_flop),
                    s.verdict_4e091.to_string(),
                    if changes.is_empty() {
                        "no change".to_string()
                    } else {
                        changes.join("; ")
                    },
                ]
            })
            .collect(),
    ));

    b.push(Block::Heading("Registry".into()));
    b.push(Block::Text(format!(
        "{} ({} models, {} scores, latest release {}), SHA-256 {}. Data: Epoch AI, AI Benchmarking Hub and Notable AI Models (CC BY 4.0).",
        d.registry.origin,
        d.registry.models,
        d.registry.scores,
        d.registry.latest_release.map_or("unknown".into(), |x| x.to_string()),
        d.registry.sha256
    )));
    b.push(Block::Heading(
        "Open questions for the technical opinion".into(),
    ));
    b.push(Block::List(d.open_questions.clone()));
    b
}
