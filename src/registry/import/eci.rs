/*!
The Epoch Capabilities Index file (names, release dates, accessibility, compute, confidence and
published ECI per model version), and Epoch's words for accessibility, confidence and how a
compute figure was obtained, which Notable AI Models uses too.
*/

use super::super::{Accessibility, ComputeBasis, Confidence};
use super::draft::{draft_for, fill, Drafts};
use super::export::{field, Export, Problems};

/// The Epoch Capabilities Index file: names, dates, accessibility, compute and ECI per version.
pub(super) fn read_eci(eci: &Export, drafts: &mut Drafts, problems: &mut Problems) {
    for r in &eci.rows {
        let version = field(r, "Model version");
        if version.is_empty() {
            continue;
        }
        let display = field(r, "Display name");
        let display = display.split(" (").next().unwrap_or(display);
        let name = if !field(r, "Model name").is_empty() {
            field(r, "Model name")
        } else {
            display
        };
        let release = problems.date(&eci.path, r, "Release date");
        let compute = problems.count(&eci.path, r, "Training compute (FLOP)");
        let score = problems.number(&eci.path, r, "ECI Score");
        let d = draft_for(drafts, version);
        d.from_hub = true;
        fill(&mut d.name, name);
        fill(&mut d.organization, field(r, "Organization"));
        d.release_date = d.release_date.or(release);
        d.accessibility = d
            .accessibility
            .or(accessibility(field(r, "Model accessibility")));
        d.compute = d.compute.or(compute);
        d.confidence = d.confidence.or(confidence(field(r, "Confidence")));
        // The best ECI among merged variants, as the best score is kept.
        if let Some(e) = score {
            d.eci = Some(d.eci.map_or(e, |x: f64| x.max(e)));
        }
    }
}

/// Epoch's `Model accessibility`: open weights (under any licence) or closed.
pub(super) fn accessibility(s: &str) -> Option<Accessibility> {
    let s = s.trim();
    if s.starts_with("Open weights") {
        Some(Accessibility::OpenWeights)
    } else if matches!(s, "API access" | "Hosted access (no API)" | "Unreleased") {
        Some(Accessibility::Closed)
    } else {
        None
    }
}

/// Epoch's confidence in a compute figure.
pub(super) fn confidence(s: &str) -> Option<Confidence> {
    match s.trim() {
        "Confident" => Some(Confidence::Confident),
        "Likely" => Some(Confidence::Likely),
        "Speculative" => Some(Confidence::Speculative),
        "Unknown" => Some(Confidence::Unknown),
        _ => None,
    }
}

/// Epoch's compute notes say how a figure was obtained.
pub(super) fn basis(notes: &str) -> ComputeBasis {
    let n = notes.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| n.contains(x));
    if has(&["6nd", "6 * ", "6*", "6 flop", "6 x ", "6 × "]) {
        ComputeBasis::SixNd
    } else if has(&[
        "gpu-hour",
        "gpu hours",
        "tpu",
        "utilization",
        "utilisation",
        "chip-hour",
        "h100",
        "a100",
        "h800",
    ]) {
        ComputeBasis::Hardware
    } else if has(&[
        "reported",
        "report",
        "states",
        "stated",
        "according to",
        "model card",
        "paper",
    ]) {
        ComputeBasis::Declared
    } else {
        ComputeBasis::Imputed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_notes_give_the_basis() {
        assert_eq!(basis("6ND = 6 * 405B * 15.6T"), ComputeBasis::SixNd);
        assert_eq!(
            basis("Trained on 2048 H800 GPUs for 2.8M GPU hours"),
            ComputeBasis::Hardware
        );
        assert_eq!(
            basis("Reported in the technical report"),
            ComputeBasis::Declared
        );
        assert_eq!(
            basis("Estimated from benchmark performance"),
            ComputeBasis::Imputed
        );
    }

    #[test]
    fn accessibility_is_normalised() {
        assert_eq!(
            accessibility("Open weights (non-commercial)"),
            Some(Accessibility::OpenWeights)
        );
        assert_eq!(accessibility("API access"), Some(Accessibility::Closed));
        assert_eq!(accessibility(""), None);
    }
}
