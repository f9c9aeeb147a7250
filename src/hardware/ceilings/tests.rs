//! The ceilings summed over hand-built ledgers with exact TPP sums.
use super::*;

const H100: f64 = 15_832.0;

/// A shipment of `tpp` on `date` from `hq` to `dest`, built by hand to hit exact TPP sums.
fn row(line: usize, date: &str, consignee: &str, hq: &str, dest: &str, tpp: f64) -> Shipment {
    let (hq, dest) = (tiers::find(hq).unwrap(), tiers::find(dest).unwrap());
    Shipment {
        line,
        date: date.parse::<Date>().unwrap(),
        consignee: consignee.into(),
        consignee_hq: hq.code.clone(),
        hq_tier: hq.tier,
        destination: dest.code.clone(),
        tier: dest.tier,
        site: None,
        operator: None,
        chip: "NVIDIA H100 SXM".into(),
        quantity: 1,
        tpp,
        flags: Vec::new(),
    }
}

fn under(op: &str, r: Shipment) -> Shipment {
    Shipment {
        operator: Some(op.into()),
        ..r
    }
}

fn find<'a>(c: &'a Check, limit: &str, subject: &str, period: &str) -> &'a Ceiling {
    c.ceilings
        .iter()
        .find(|x| x.limit == limit && x.subject == subject && x.period == period)
        .unwrap_or_else(|| panic!("no {limit} for {subject} {period}: {:#?}", c.ceilings))
}

fn run(rows: Vec<Shipment>) -> Check {
    check(rows, &Options::default()).unwrap()
}

/// One TPP under, at and over `limit`: headroom 1, 0, −1; exceeded only over it, at `line`.
fn boundary(
    limit: &str,
    subject: &str,
    period: &str,
    make: impl Fn(f64) -> Vec<Shipment>,
    max: f64,
    line: usize,
) {
    for (delta, exceeded) in [(-1.0, None), (0.0, None), (1.0, Some(line))] {
        let c = run(make(max + delta));
        let x = find(&c, limit, subject, period);
        assert_eq!(x.limit_tpp, max, "{limit}");
        assert_eq!(x.headroom_tpp, -delta, "{limit} {delta}");
        assert_eq!(x.exceeded_at_line, exceeded, "{limit} {delta}");
    }
}

#[test]
fn lpp_per_consignee_per_year_at_its_boundary() {
    boundary(
        "lpp",
        "Acme",
        "2025",
        |t| {
            vec![
                row(2, "2025-01-01", "Acme", "IN", "IN", t - 1000.0),
                row(3, "2025-12-31", "Acme", "IN", "IN", 1000.0),
            ]
        },
        26_900_000.0,
        3,
    );
    // A new calendar year starts a new count.
    let c = run(vec![
        row(2, "2025-12-31", "Acme", "IN", "IN", 20e6),
        row(3, "2026-01-01", "Acme", "IN", "IN", 20e6),
    ]);
    assert_eq!(find(&c, "lpp", "Acme", "2026").used_tpp, 20e6);
}

#[test]
fn the_country_allocation_counts_only_what_lpp_does_not_cover() {
    let lpp = 26_900_000.0;
    // Many consignees each within LPP: the allocation is untouched.
    let within: Vec<Shipment> = (0..40)
        .map(|i| row(i + 2, "2025-02-01", &format!("B{i}"), "IN", "IN", lpp))
        .collect();
    let c = run(within);
    assert!(c
        .ceilings
        .iter()
        .all(|x| x.limit != "tier2-country-allocation"));
    assert!(c.rows.iter().all(|r| r.flags.is_empty()));
    // Beyond LPP: licensed, counted, flagged; at the boundary in TPP.
    boundary(
        "tier2-country-allocation",
        "IN",
        "2025-2027",
        |t| {
            vec![
                row(2, "2025-01-01", "Acme", "IN", "IN", lpp),
                row(3, "2027-12-31", "Acme", "IN", "IN", t),
            ]
        },
        790_000_000.0,
        3,
    );
    let c = run(vec![row(2, "2025-01-01", "Acme", "IN", "IN", lpp + 1.0)]);
    assert_eq!(c.rows[0].flags[0].id, "beyond-lpp");
    assert!(c.rows[0].flags[0].message.contains("counts toward"));
    // Outside 2025–2027, or in tier 1: licensed but no allocation.
    let c = run(vec![
        row(2, "2028-01-01", "Acme", "IN", "IN", 2.0 * lpp),
        row(3, "2025-01-01", "Acme", "DE", "DE", 2.0 * lpp),
    ]);
    assert!(c
        .ceilings
        .iter()
        .all(|x| x.limit != "tier2-country-allocation"));
}

#[test]
fn a_g2g_agreement_doubles_the_allocation_of_its_country_only() {
    let rows = || {
        vec![
            row(2, "2025-01-01", "A", "IN", "IN", 1.5e9),
            row(3, "2025-01-01", "B", "AE", "AE", 1.5e9),
        ]
    };
    let c = check(
        rows(),
        &Options {
            g2g: vec!["in".into()],
        },
    )
    .unwrap();
    let india = find(&c, "tier2-country-allocation", "IN", "2025-2027");
    assert_eq!(india.limit_tpp, 1_580_000_000.0);
    assert_eq!(india.exceeded_at_line, None);
    assert!(india.note.as_deref().unwrap().contains("--g2g"));
    let uae = find(&c, "tier2-country-allocation", "AE", "2025-2027");
    assert_eq!(
        (uae.limit_tpp, uae.exceeded_at_line),
        (790_000_000.0, Some(3))
    );
    for (code, problem) in [("XX", "not an ISO"), ("DE", "tier 1"), ("CN", "tier 3")] {
        let e = check(
            rows(),
            &Options {
                g2g: vec![code.into()],
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(&format!("--g2g {code}: ")) && e.contains(problem),
            "{e}"
        );
    }
}

#[test]
fn the_253m_figure_is_per_consignee_over_the_whole_ledger() {
    boundary(
        "qualifying-recipient-cumulative",
        "Acme",
        "ledger",
        |t| {
            vec![
                row(2, "2025-06-01", "Acme", "IN", "IN", 3e6),
                row(3, "2027-06-01", "Acme", "US", "DE", t - 3e6),
            ]
        },
        253_000_000.0,
        3,
    );
}

#[test]
fn the_site_view_sums_consignees_that_share_a_cluster() {
    let at = |s: Shipment| Shipment {
        site: Some("Johor-1".into()),
        ..s
    };
    let c = run(vec![
        at(row(2, "2025-03-01", "A", "MY", "MY", 20e6)),
        at(row(3, "2025-03-02", "B", "MY", "MY", 20e6)),
    ]);
    let site = find(&c, "lpp-site", "Johor-1", "2025");
    assert_eq!((site.used_tpp, site.exceeded_at_line), (40e6, Some(3)));
    assert_eq!(site.status, "unconfirmed");
    assert!(find(&c, "lpp", "A", "2025").exceeded_at_line.is_none());
    assert_eq!(c.totals.site["Johor-1"], 40e6);
}

#[test]
fn nveu_caps_follow_their_schedule_across_a_quarter_and_a_year() {
    let step_2025 = 100_000.0 * H100;
    let step_2026 = 270_000.0 * H100;
    let nveu = |line, date: &str, t| under("GulfAI", row(line, date, "GulfAI", "AE", "AE", t));
    // Through Q3 and into Q4 2025, up to the 2025 step exactly; the 2026 step adds on top.
    boundary(
        "nveu-country-cap",
        "GulfAI in AE",
        "through 2025-12-31",
        |t| {
            vec![
                nveu(2, "2025-09-30", 1e9),
                nveu(3, "2025-10-01", t - 1e9),
                nveu(4, "2026-01-01", 5e9),
            ]
        },
        step_2025,
        3,
    );
    let c = run(vec![
        nveu(2, "2025-12-31", step_2025),
        nveu(3, "2026-01-01", step_2026 - step_2025),
    ]);
    let y2026 = find(&c, "nveu-country-cap", "GulfAI in AE", "through 2026-12-31");
    assert_eq!((y2026.used_tpp, y2026.headroom_tpp), (step_2026, 0.0));
    assert_eq!(
        find(&c, "nveu-country-cap", "GulfAI in AE", "through 2025-12-31").used_tpp,
        step_2025
    );
    // VEU rows use neither LPP nor the allocation; after the schedule they are flagged.
    assert!(c
        .ceilings
        .iter()
        .all(|x| x.limit != "lpp" && x.limit != "tier2-country-allocation"));
    let c = run(vec![nveu(2, "2028-01-01", 1.0)]);
    assert_eq!(c.rows[0].flags.last().unwrap().id, "after-nveu-schedule");
}

#[test]
fn uveu_shares_at_their_boundaries() {
    let uveu =
        |line, dest: &str, t| under("Hyper", row(line, "2025-05-01", "Hyper", "US", dest, t));
    // 7% in one tier 2 country: 930 + 70 is at the cap; 71 is over (and stays over).
    for (india, over) in [(69.0, None), (70.0, None), (71.0, Some(3))] {
        let c = run(vec![uveu(2, "US", 1000.0 - 70.0), uveu(3, "IN", india)]);
        let x = find(&c, "uveu-tier2-country-share", "Hyper in IN", "ledger");
        assert_eq!(x.exceeded_at_line, over, "{india}");
        assert!((x.headroom_tpp - (0.07 * (930.0 + india) - india) / 0.93).abs() < 1e-9);
    }
    // 25% outside tier 1 (two tier 2 countries, 12.5% each, over their own 7% caps).
    for (outside, over) in [(249.0, None), (250.0, None), (251.0, Some(4))] {
        let c = run(vec![
            uveu(2, "DE", 750.0),
            uveu(3, "IN", outside / 2.0),
            uveu(4, "BR", outside / 2.0),
        ]);
        let x = find(&c, "uveu-outside-tier1-share", "Hyper", "ledger");
        assert_eq!(x.exceeded_at_line, over, "{outside}");
        assert_eq!(x.used_tpp, outside);
    }
    // A share over the cap early on, brought back under by later tier 1 shipments, is fine;
    // one that ends over is exceeded from the start of its last run over.
    let c = run(vec![
        uveu(2, "IN", 10.0),
        uveu(3, "US", 1000.0),
        uveu(4, "IN", 100.0),
    ]);
    assert_eq!(
        find(&c, "uveu-tier2-country-share", "Hyper in IN", "ledger").exceeded_at_line,
        Some(4)
    );
    let c = run(vec![uveu(2, "IN", 10.0), uveu(3, "US", 1000.0)]);
    assert_eq!(
        find(&c, "uveu-tier2-country-share", "Hyper in IN", "ledger").exceeded_at_line,
        None
    );
}

#[test]
fn a_us_headquartered_uveu_keeps_half_its_tpp_in_the_united_states() {
    let uveu = |line, hq: &str, dest: &str, t| {
        under("Hyper", row(line, "2025-05-01", "Hyper", hq, dest, t))
    };
    // 500 in the US and 500 ± 1 in Germany (tier 1): at 50% outside the US is the cap.
    for (germany, over) in [(499.0, None), (500.0, None), (501.0, Some(3))] {
        let c = run(vec![
            uveu(2, "US", "US", 500.0),
            uveu(3, "US", "DE", germany),
        ]);
        let x = find(&c, "uveu-outside-us-share", "Hyper", "ledger");
        assert_eq!(x.exceeded_at_line, over, "{germany}");
        assert_eq!(x.used_tpp, germany);
        // One more TPP in Germany at 499 reaches 500 of 1,000.
        assert!((x.headroom_tpp - (500.0 - germany)).abs() < 1e-9);
        // Germany is tier 1: the tier 1 share is untouched.
        let t1 = find(&c, "uveu-outside-tier1-share", "Hyper", "ledger");
        assert_eq!(t1.used_tpp, 0.0);
    }
    // A holder headquartered elsewhere in tier 1 has no United States share.
    let c = run(vec![uveu(2, "GB", "DE", 900.0), uveu(3, "GB", "US", 100.0)]);
    assert!(c
        .ceilings
        .iter()
        .all(|x| x.limit != "uveu-outside-us-share"));
}

#[test]
fn the_headquarters_decides_the_kind_of_veu() {
    let c = run(vec![
        under("Hyper", row(2, "2025-01-01", "Hyper", "GB", "IN", 10.0)),
        under("Desi", row(3, "2025-01-01", "Desi", "IN", "IN", 10.0)),
        under("Shadow", row(4, "2025-01-01", "Shadow", "IR", "IN", 10.0)),
    ]);
    assert!(c
        .ceilings
        .iter()
        .any(|x| x.limit == "uveu-outside-tier1-share" && x.subject == "Hyper"));
    assert!(c
        .ceilings
        .iter()
        .any(|x| x.limit == "nveu-country-cap" && x.subject == "Desi in IN"));
    assert!(c
        .ceilings
        .iter()
        .all(|x| !(x.subject.starts_with("Shadow") && x.limit.contains("veu"))));
    assert_eq!(c.rows[2].flags.last().unwrap().id, "veu-ineligible");
    assert_eq!(c.totals.operator.len(), 3);
}

#[test]
fn tier_3_rows_use_no_limit() {
    let c = run(vec![row(2, "2025-03-01", "Acme", "CN", "CN", 1e9)]);
    assert!(c.ceilings.is_empty());
    assert_eq!(c.totals.country["CN"], 1e9);
}
