/*!
Mixture-of-experts structure found from tensor names, and the active-parameter arithmetic.

Routed experts come in two layouts:
- one module per expert: `….experts.{e}.…` (Mixtral `block_sparse_moe.experts.N`, Qwen and
  DeepSeek `mlp.experts.N`, Jamba `feed_forward.experts.N`);
- fused tensors with a leading expert dimension: `….experts.{tensor}` (gpt-oss
  `mlp.experts.gate_up_proj_blocks`, Llama 4 `feed_forward.experts.gate_up_proj`).

Shared experts (`shared_experts`, `shared_expert`) and routers (`gate`, `router`) are used by every
token, so they are ordinary active parameters. A token uses k of a layer's E routed experts:

```text
active = total − Σ over MoE layers (E − k) × (routed parameters of the layer / E)
```
*/

use std::collections::BTreeMap;

use super::path::components;

/// Where a tensor sits in a MoE block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// One expert's own tensor, with the expert's index.
    Expert(u64),
    /// A tensor holding every expert, expert index first.
    Fused,
    /// A shared (always active) expert.
    Shared,
}

/// Finds the MoE block a tensor belongs to: `(layer prefix, slot)`, where a path component is
/// exactly `experts` (routed) or `shared_experts` / `shared_expert` (shared).
pub fn locate(name: &str) -> Option<(&str, Slot)> {
    let mut parts = components(name);
    while let Some((at, part)) = parts.next() {
        let prefix = &name[..at.saturating_sub(1)];
        match part {
            "experts" => {
                let slot = match parts.next().map(|(_, p)| p.parse::<u64>()) {
                    Some(Ok(e)) => Slot::Expert(e),
                    _ => Slot::Fused,
                };
                return Some((prefix, slot));
            }
            "shared_experts" | "shared_expert" => return Some((prefix, Slot::Shared)),
            _ => {}
        }
    }
    None
}

/// One MoE layer's routed experts.
#[derive(Debug, Default, Clone)]
pub struct Layer {
    /// Parameters per expert index (per-expert layout).
    pub per_expert: BTreeMap<u64, u64>,
    /// Parameters in fused tensors and their leading (expert) dimensions.
    pub fused_params: u64,
    pub fused_experts: Vec<u64>,
    pub shared_params: u64,
}

impl Layer {
    /// E, the number of routed experts.
    pub fn experts(&self) -> u64 {
        let indexed = self.per_expert.len() as u64;
        let fused = self.fused_experts.iter().copied().max().unwrap_or(0);
        indexed.max(fused)
    }

    /// Sums saturate rather than wrap: each expert's parameters are also in the checkpoint's
    /// total, which the count checks fits in 64 bits, so a saturated sum is never reported.
    pub fn routed_params(&self) -> u64 {
        self.per_expert
            .values()
            .fold(self.fused_params, |sum, &p| sum.saturating_add(p))
    }
}

/// All MoE layers of a checkpoint, by layer prefix.
#[derive(Debug, Default, Clone)]
pub struct Experts {
    pub layers: BTreeMap<String, Layer>,
    /// The layer the previous tensor went to: tensors of one layer come together.
    last: Option<(String, Layer)>,
}

impl Experts {
    /// Records `params` (unpacked parameters) of tensor `name` with shape `shape`.
    pub fn add(&mut self, name: &str, shape: &[u64], params: u64) {
        if let Some((prefix, slot)) = locate(name) {
            self.add_located(prefix, slot, shape, params);
        }
    }

    /// [`Experts::add`] for a tensor already [`locate`]d.
    pub fn add_located(&mut self, prefix: &str, slot: Slot, shape: &[u64], params: u64) {
        // Tensors of one layer arrive together: keep the current layer out of the map until
        // another layer's tensor arrives, instead of a map look-up per tensor.
        if self.last.as_ref().is_none_or(|(p, _)| p != prefix) {
            self.flush();
            let layer = self.layers.remove(prefix).unwrap_or_default();
            self.last = Some((prefix.to_string(), layer));
        }
        let (_, layer) = self.last.as_mut().expect("set above");
        // Saturating: see `Layer::routed_params`.
        match slot {
            Slot::Expert(e) => {
                let p = layer.per_expert.entry(e).or_default();
                *p = p.saturating_add(params);
            }
            Slot::Fused => {
                layer.fused_params = layer.fused_params.saturating_add(params);
                if let Some(&e) = shape.first() {
                    layer.fused_experts.push(e);
                }
            }
            Slot::Shared => layer.shared_params = layer.shared_params.saturating_add(params),
        }
    }

    /// Moves the current layer into the map.
    fn flush(&mut self) {
        if let Some((prefix, layer)) = self.last.take() {
            let entry = self.layers.entry(prefix).or_default();
            for (e, params) in layer.per_expert {
                let p = entry.per_expert.entry(e).or_default();
                *p = p.saturating_add(params);
            }
            entry.fused_params = entry.fused_params.saturating_add(layer.fused_params);
            entry.fused_experts.extend(layer.fused_experts);
            entry.shared_params = entry.shared_params.saturating_add(layer.shared_params);
        }
    }

    /// `self` and then `next` (experts tallied over a later range of tensors), as if every
    /// tensor had been added to one.
    pub fn merge(mut self, mut next: Experts) -> Experts {
        self.flush();
        next.flush();
        for (prefix, layer) in next.layers {
            self.last = Some((prefix, layer));
            self.flush();
        }
        self
    }

    /// Every layer, once all tensors are added.
    pub fn finish(mut self) -> Experts {
        self.flush();
        self
    }

    /// Layers that have routed experts (a layer seen only through a shared expert is not MoE).
    pub fn routed_layers(&self) -> impl Iterator<Item = (&String, &Layer)> {
        self.layers.iter().filter(|(_, l)| l.experts() > 0)
    }

    /// Parameters a token does not use when routed to `k` experts per layer, with a note for each
    /// irregularity that makes the figure approximate.
    pub fn inactive(&self, k: u64) -> (u64, Vec<String>) {
        let mut inactive = 0u64;
        let mut notes = Vec::new();
        for (prefix, layer) in self.routed_layers() {
            let e = layer.experts();
            if k > e {
                notes.push(format!("{prefix}: {e} routed experts but {k} per token"));
                continue;
            }
            let routed = layer.routed_params();
            let sizes: Vec<u64> = layer.per_expert.values().copied().collect();
            if sizes.windows(2).any(|w| w[0] != w[1]) {
                notes.push(format!(
                    "{prefix}: experts differ in size; using their mean"
                ));
            }
            if layer.fused_experts.windows(2).any(|w| w[0] != w[1]) {
                notes.push(format!(
                    "{prefix}: fused expert tensors disagree on the number of experts"
                ));
            }
            // (E − k) × routed / E, exact in 128 bits, at most `routed`.
            let layer_inactive = (e - k) as u128 * routed as u128 / e as u128;
            inactive = inactive.saturating_add(layer_inactive as u64);
        }
        (inactive, notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_family_is_located() {
        assert_eq!(
            locate("model.layers.0.block_sparse_moe.experts.7.w1.weight"),
            Some(("model.layers.0.block_sparse_moe", Slot::Expert(7)))
        );
        assert_eq!(
            locate("model.layers.3.mlp.experts.255.down_proj.weight_scale_inv"),
            Some(("model.layers.3.mlp", Slot::Expert(255)))
        );
        assert_eq!(
            locate("model.layers.0.mlp.experts.gate_up_proj_blocks"),
            Some(("model.layers.0.mlp", Slot::Fused))
        );
        assert_eq!(
            locate("language_model.model.layers.1.feed_forward.experts.down_proj"),
            Some(("language_model.model.layers.1.feed_forward", Slot::Fused))
        );
        assert_eq!(
            locate("model.layers.3.mlp.shared_experts.up_proj.weight"),
            Some(("model.layers.3.mlp", Slot::Shared))
        );
        assert_eq!(locate("model.layers.3.mlp.gate.weight"), None);
        assert_eq!(locate("model.layers.3.mlp.expertsx.0.w"), None);
        assert_eq!(locate("experts.2.w"), Some(("", Slot::Expert(2))));
        assert_eq!(
            locate("l.mlp.shared_expert.w"),
            Some(("l.mlp", Slot::Shared))
        );
    }

    #[test]
    fn inactive_parameters_are_e_minus_k_experts_per_layer() {
        let mut x = Experts::default();
        for e in 0..8 {
            x.add(&format!("l.0.moe.experts.{e}.w"), &[10, 10], 100);
            x.add(&format!("l.1.moe.experts.{e}.w"), &[10, 10], 100);
        }
        x.add("l.0.moe.shared_experts.w", &[10, 10], 100);
        // A layer seen again after another is merged, not overwritten.
        x.add("l.0.moe.experts.0.b", &[10], 0);
        let x = x.finish();
        let (inactive, notes) = x.inactive(2);
        assert_eq!(inactive, 2 * 6 * 100);
        assert!(notes.is_empty());
    }

    #[test]
    fn fused_experts_use_the_leading_dimension() {
        let mut x = Experts::default();
        x.add("l.0.mlp.experts.gate_up_proj", &[4, 3, 2], 24);
        x.add("l.0.mlp.experts.gate_up_proj_bias", &[4, 2], 8);
        let x = x.finish();
        assert_eq!(x.layers["l.0.mlp"].experts(), 4);
        assert_eq!(x.inactive(1).0, 3 * 32 / 4);
    }
}
