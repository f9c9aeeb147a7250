/*!
Tensor names are dot-separated paths (`model.layers.3.mlp.experts.12.up_proj.weight`). The
classification of ~100,000 names walks their components several ways; a plain byte loop does it
without the per-component call of `str::split`'s memchr, which dominates on components a few
bytes long.
*/

/// The components of `name` with their byte offsets: `("model", 0)`, `("layers", 6)`, ….
pub fn components(name: &str) -> Components<'_> {
    Components { name, pos: 0 }
}

pub struct Components<'a> {
    name: &'a str,
    pos: usize,
}

impl<'a> Iterator for Components<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.name.as_bytes();
        if self.pos > bytes.len() {
            return None;
        }
        let start = self.pos;
        let mut end = start;
        while end < bytes.len() && bytes[end] != b'.' {
            end += 1;
        }
        self.pos = end + 1;
        Some((start, &self.name[start..end]))
    }
}

/// The part of a tensor name after its last dot.
pub fn last_component(name: &str) -> &str {
    let bytes = name.as_bytes();
    let mut i = bytes.len();
    while i > 0 && bytes[i - 1] != b'.' {
        i -= 1;
    }
    &name[i..]
}

/// Everything before the last dot (empty when there is none).
pub fn parent(name: &str) -> &str {
    let last = last_component(name);
    &name[..(name.len() - last.len()).saturating_sub(1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_match_split_with_offsets() {
        for name in ["model.layers.3.w", "w", "", "a..b", ".a", "a."] {
            let ours: Vec<&str> = components(name).map(|(_, c)| c).collect();
            let split: Vec<&str> = name.split('.').collect();
            assert_eq!(ours, split, "{name:?}");
            for (at, c) in components(name) {
                assert_eq!(&name[at..at + c.len()], c);
            }
        }
    }

    #[test]
    fn last_component_and_parent_split_at_the_last_dot() {
        assert_eq!(last_component("a.b.c"), "c");
        assert_eq!(last_component("abc"), "abc");
        assert_eq!(last_component("a."), "");
        assert_eq!(parent("a.b.c"), "a.b");
        assert_eq!(parent("abc"), "");
    }
}
