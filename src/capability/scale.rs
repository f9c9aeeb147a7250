/*!
From the raw item-response scale to the ECI scale: ECI = offset + scale · θ.

Two ties, both affine (so neither can move the floor, 10^((θ* − b*)/k), which is unchanged by
any affine map of θ):

- [`Tie::Anchors`], Epoch's own: Claude 3.5 Sonnet = 130 and GPT-5 = 150 (`eci-public`,
  `fitting.py`; `additional_eci_data/eci_scaling.csv`). Used for the whole registry.
- [`Tie::Items`], for a fit that lacks the anchor models (every vintage of open-weight models):
  the map that sends the fit's benchmark parameters onto the difficulties and slopes Epoch
  published for the same benchmarks. Under ECI = A + S·θ a benchmark's difficulty maps as
  EDI = A + S·δ and its slope as slope_ECI = α / S, so the unit comes from the slopes,
  log S = mean of log(α_b / slope_b), and the origin from the difficulties given S,
  A = mean of (EDI_b − S·δ_b); both means weighted by each benchmark's number of scores.
*/

use serde::Serialize;

/// Which tie a fit asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// Epoch's anchor models; [`Tie::Items`] when either is missing.
    Anchors,
    /// Epoch's published benchmark parameters.
    Items,
}

/// How an ECI map was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MapKind {
    /// Claude 3.5 Sonnet = 130, GPT-5 = 150.
    Anchors,
    /// Onto Epoch's published benchmark difficulties and slopes.
    Items,
    /// Raw scale: nothing to tie to.
    None,
}

impl std::fmt::Display for MapKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MapKind::Anchors => "anchors (Claude 3.5 Sonnet = 130, GPT-5 = 150)",
            MapKind::Items => "Epoch's published benchmark difficulties and slopes",
            MapKind::None => "none (raw scale)",
        })
    }
}

/// ECI = offset + scale · θ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EciMap {
    pub offset: f64,
    pub scale: f64,
    pub kind: MapKind,
}

impl EciMap {
    pub fn apply(&self, theta: f64) -> f64 {
        self.offset + self.scale * theta
    }
}

/// Epoch's anchor models and their ECI values.
pub const ANCHOR_LOW: (&str, f64) = ("claude-3-5-sonnet", 130.0);
pub const ANCHOR_HIGH: (&str, f64) = ("gpt-5", 150.0);

/// The map through Epoch's two anchor models, given each fitted model's id and raw θ.
pub fn anchors<'a>(models: impl Iterator<Item = (&'a str, f64)> + Clone) -> Option<EciMap> {
    let find = |pattern: &str| {
        models
            .clone()
            .find(|(id, _)| anchor_matches(id, pattern))
            .map(|m| m.1)
    };
    let (lo, hi) = (find(ANCHOR_LOW.0)?, find(ANCHOR_HIGH.0)?);
    // Epoch's fit refuses a scale whose high anchor is not above the low one.
    if hi - lo <= 1e-12 {
        return None;
    }
    let scale = (ANCHOR_HIGH.1 - ANCHOR_LOW.1) / (hi - lo);
    Some(EciMap {
        offset: ANCHOR_LOW.1 - scale * lo,
        scale,
        kind: MapKind::Anchors,
    })
}

/// One benchmark as the items tie sees it: the fit's raw difficulty and slope, Epoch's published
/// difficulty (ECI units) and slope (per ECI point), and the weight (its number of scores).
#[derive(Debug, Clone, Copy)]
pub struct ItemPair {
    pub delta: f64,
    pub alpha: f64,
    pub edi: f64,
    pub slope: f64,
    pub weight: f64,
}

/// The map onto Epoch's published benchmark parameters (see the module doc); `None` without a
/// benchmark that has both.
pub fn items(pairs: &[ItemPair]) -> Option<EciMap> {
    let usable: Vec<&ItemPair> = pairs
        .iter()
        .filter(|p| p.weight > 0.0 && p.alpha > 0.0 && p.slope > 0.0)
        .collect();
    let w: f64 = usable.iter().map(|p| p.weight).sum();
    if usable.is_empty() || w <= 0.0 {
        return None;
    }
    let log_s = usable
        .iter()
        .map(|p| p.weight * (p.alpha / p.slope).ln())
        .sum::<f64>()
        / w;
    let scale = log_s.exp();
    let offset = usable
        .iter()
        .map(|p| p.weight * (p.edi - scale * p.delta))
        .sum::<f64>()
        / w;
    Some(EciMap {
        offset,
        scale,
        kind: MapKind::Items,
    })
}

/// Anchor ids: `claude-3-5-sonnet-20240620` for Claude 3.5 Sonnet, `gpt-5-2025-08-07` (or
/// `gpt-5`) for GPT-5, not `gpt-5-mini` or `gpt-5.1`.
pub fn anchor_matches(id: &str, pattern: &str) -> bool {
    let Some(rest) = id.strip_prefix(pattern) else {
        return false;
    };
    rest.is_empty()
        || (rest.starts_with('-') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_match_the_release_not_its_siblings() {
        assert!(anchor_matches("gpt-5-2025-08-07", "gpt-5"));
        assert!(anchor_matches("gpt-5", "gpt-5"));
        assert!(!anchor_matches("gpt-5-mini-2025-08-07", "gpt-5"));
        assert!(!anchor_matches("gpt-5.1-2025-11-13", "gpt-5"));
        assert!(anchor_matches(
            "claude-3-5-sonnet-20240620",
            "claude-3-5-sonnet"
        ));
    }

    #[test]
    fn the_anchor_map_puts_the_anchors_at_130_and_150() {
        let models = [
            ("claude-3-5-sonnet-20240620", 0.4),
            ("gpt-5-2025-08-07", 1.4),
            ("gpt-5-mini-2025-08-07", 3.0),
        ];
        let m = anchors(models.iter().copied()).unwrap();
        assert!((m.apply(0.4) - 130.0).abs() < 1e-12);
        assert!((m.apply(1.4) - 150.0).abs() < 1e-12);
        assert!(anchors(models[..1].iter().copied()).is_none());
        // A high anchor below the low one defines no scale.
        let inverted = [("claude-3-5-sonnet", 2.0), ("gpt-5", 1.0)];
        assert!(anchors(inverted.iter().copied()).is_none());
    }

    #[test]
    fn the_items_tie_inverts_an_exact_affine_relation() {
        // Benchmarks whose published parameters are an exact image under ECI = 111 + 20·θ.
        let (a, s) = (111.0, 20.0);
        let pairs: Vec<ItemPair> = [(-1.0, 0.5, 3.0), (0.0, 1.0, 10.0), (2.0, 4.0, 1.0)]
            .iter()
            .map(|&(delta, alpha, weight)| ItemPair {
                delta,
                alpha,
                edi: a + s * delta,
                slope: alpha / s,
                weight,
            })
            .collect();
        let m = items(&pairs).unwrap();
        assert!(
            (m.offset - a).abs() < 1e-9 && (m.scale - s).abs() < 1e-9,
            "{m:?}"
        );
        assert_eq!(m.kind, MapKind::Items);
        assert!(items(&[]).is_none());
    }
}
