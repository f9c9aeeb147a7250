/*!
How upstream spellings become one id per release, and how spellings are compared.

Epoch's exports name one release many ways (`openai/gpt-oss-120b_high`, `chutes/gpt-oss-120b`,
`parasail-qwen3-235b-a22b-instruct-2507`, `fireworks/kimi-k2p5`), and distinct releases almost
alike (`opt-1.3b` and `opt-13b`, `c4ai-command-r-08-2024` and `c4ai-command-r-plus-08-2024`). The
[`release_key`] of a spelling drops only what never distinguishes a release — a reasoning-effort or
thinking-budget suffix, an organisation or hosting-provider prefix, letter case, the separator
spelled `_` or a space, a weights-format or quantisation suffix (`-hf`, `-fp8`) — and keeps
everything that can: `+` (as `plus`), the `.` of versions and sizes, `VL`, `Instruct`, `Thinking`,
`Base`, and dates. The key is also the id: lower-case kebab-case, `[a-z0-9.]` words joined by `-`.
*/

/// Thinking-effort levels Epoch appends to a version after `_` (`o3-2025-04-16_high`).
const EFFORTS: &[&str] = &[
    "high", "medium", "low", "xhigh", "none", "minimal", "max", "thinking", "unknown",
];

/// Hosting providers that prefix the model's own name with a dash instead of a `/`.
const PROVIDER_PREFIXES: &[&str] = &["parasail-"];

/// Weights-format and quantisation suffixes: the same weights, packaged or rounded differently.
const FORMAT_SUFFIXES: &[&str] = &[
    "-hf", "-fp8", "-bf16", "-awq", "-gptq", "-int4", "-int8", "-gguf",
];

/// The version without a reasoning-effort or thinking-budget suffix: `o3-2025-04-16_high`,
/// `claude-3-7-sonnet-20250219_16K` and `QwQ-32B (16K thinking)` are settings of one release.
pub fn strip_effort(version: &str) -> &str {
    let version = version.trim();
    if let Some((base, setting)) = version.rsplit_once(" (") {
        if setting.ends_with("thinking)") {
            return base.trim_end();
        }
    }
    if let Some((base, suffix)) = version.rsplit_once('_') {
        let effort = EFFORTS.contains(&suffix);
        let budget = suffix.len() > 1
            && (suffix.ends_with('K') || suffix.ends_with('k'))
            && suffix[..suffix.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit());
        if effort || budget {
            return base;
        }
    }
    version
}

/// The release a version string belongs to, as an id: `openai/gpt-oss-120b_high` →
/// `gpt-oss-120b`, `fireworks/kimi-k2p5` → `kimi-k2.5`, `Command R+` → `command-r-plus`.
pub fn release_key(version: &str) -> String {
    let base = strip_effort(version);
    let (provider, name) = match base.rsplit_once('/') {
        Some((p, n)) => (p.rsplit('/').next().unwrap_or(p), n),
        None => ("", base),
    };
    let mut name = name.to_string();
    for p in PROVIDER_PREFIXES {
        if name.to_ascii_lowercase().starts_with(p) {
            name = name[p.len()..].to_string();
        }
    }
    // Fireworks spells a version's point as `p` (`kimi-k2p5`, `deepseek-v3p2`).
    if provider.eq_ignore_ascii_case("fireworks") {
        name = point_for_p(&name);
    }
    let mut key = slug(&name);
    while let Some(stripped) = FORMAT_SUFFIXES.iter().find_map(|s| key.strip_suffix(s)) {
        key = stripped.to_string();
    }
    key
}

/// `k2p5` → `k2.5`: a `p` between digits.
fn point_for_p(name: &str) -> String {
    let b = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        let between_digits =
            i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
        if (c == 'p' || c == 'P') && between_digits {
            out.push('.');
        } else {
            out.push(c);
        }
    }
    out
}

/// Lower-case kebab-case of any spelling: `+` becomes `plus`, a `_` between digits is the
/// decimal point Hugging Face names use (`Qwen-1_8B`, `phi-1_5`), every other run of characters
/// outside `[a-z0-9.]` one `-`.
pub fn slug(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    let sep = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        let digit_at = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(char::is_ascii_digit)
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '.' && digit_at(i.checked_sub(1)) && digit_at(Some(i + 1)) {
            out.push('.');
        } else if c == '.'
            && !out.is_empty()
            && !out.ends_with('-')
            && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric)
        {
            // `amazon.nova-pro`: a dot inside a word stays.
            out.push('.');
        } else if c == '_' && digit_at(i.checked_sub(1)) && digit_at(Some(i + 1)) {
            out.push('.');
        } else if c == '+' {
            sep(&mut out);
            out.push_str("plus");
            sep(&mut out);
        } else {
            sep(&mut out);
        }
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

/// True for a lower-case kebab-case id: words of `[a-z0-9.]` joined by single `-`.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && !w.starts_with('.')
                && !w.ends_with('.')
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
        })
}

/// What a word of a key says about which model it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Word {
    /// A size: `7b`, `1.3b`, `8x22b`, `a22b` (active), `128e` (experts), `32k` (context).
    Size,
    /// A tuning, modality or tier marker: `instruct`, `thinking`, `base`, `vl`, `plus`, `mini` …
    Marker,
    /// Anything else (the family, a version, a date).
    Other,
}

/// Words that mark a distinct model of a family (tuning, modality, tier, specialisation).
const MARKERS: &[&str] = &[
    "instruct",
    "chat",
    "it",
    "base",
    "thinking",
    "reasoning",
    "reasoner",
    "vl",
    "vision",
    "vlm",
    "omni",
    "audio",
    "coder",
    "code",
    "codex",
    "math",
    "plus",
    "speciale",
    "distill",
    "mini",
    "nano",
    "small",
    "medium",
    "large",
    "lite",
    "air",
    "flash",
    "pro",
    "max",
    "turbo",
    "fast",
    "heavy",
    "exp",
    "deep",
    "next",
    "guard",
    "embedding",
];

/// Words that never distinguish one release from another spelling of it when the release date
/// agrees: API channel words, and month names (`Qwen3-235B-A22B-Instruct (Jul 2025)`).
const NOISE: &[&str] = &[
    "preview", "latest", "beta", "open", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
    "sep", "oct", "nov", "dec",
];

pub fn word(w: &str) -> Word {
    let digits_then = |s: &str, unit: &[char]| {
        s.len() > 1
            && s.ends_with(unit)
            && s[..s.len() - 1]
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let moe = w.split_once('x').is_some_and(|(n, rest)| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && digits_then(rest, &['b'])
    });
    if digits_then(w, &['b', 'm', 't', 'k'])
        || moe
        || (w.starts_with('a') && digits_then(&w[1..], &['b']))
        || digits_then(w, &['e'])
    {
        Word::Size
    } else if MARKERS.contains(&w) {
        Word::Marker
    } else {
        Word::Other
    }
}

/// The sizes and markers of a key, sorted: two spellings with different signatures name
/// different models (`opt-1.3b` / `opt-13b`, `qwen2.5-72b` / `qwen2.5-vl-72b-instruct`).
pub fn signature(key: &str) -> Vec<&str> {
    let mut s: Vec<&str> = key.split('-').filter(|w| word(w) != Word::Other).collect();
    s.sort_unstable();
    s.dedup();
    s
}

/// The key without channel words and date stamps: what must agree for two spellings with one
/// name and one release date to be one release (`grok-3-beta` and `grok-3`).
pub fn alias_core(key: &str) -> Vec<&str> {
    key.split('-')
        .filter(|w| !NOISE.contains(w))
        .filter(|w| !(w.len() >= 2 && w.bytes().all(|b| b.is_ascii_digit())))
        .collect()
}

/// Edit-distance suggestions among `candidates` for a mistyped `query` (best first, at most
/// three): exact matches after slugging, then containment, then near spellings.
pub fn suggest<'a>(query: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let q = slug(query);
    let mut scored: Vec<(u8, f64, &str)> = candidates
        .filter_map(|c| {
            let lc = c.to_ascii_lowercase();
            let rank = if slug(c) == q {
                0
            } else if !q.is_empty() && (lc.contains(&q) || q.contains(&lc)) {
                1
            } else {
                2
            };
            let sim = strsim::normalized_damerau_levenshtein(&q, &lc);
            (rank < 2 || sim >= 0.7).then_some((rank, sim, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(3)
        .map(|s| s.2.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effort_and_budget_suffixes_are_settings_of_one_release() {
        assert_eq!(strip_effort("o3-2025-04-16_high"), "o3-2025-04-16");
        assert_eq!(
            strip_effort("claude-3-7-sonnet-20250219_16K"),
            "claude-3-7-sonnet-20250219"
        );
        assert_eq!(
            strip_effort("gemini-2.5-flash-preview-09-2025_16k"),
            "gemini-2.5-flash-preview-09-2025"
        );
        assert_eq!(strip_effort("QwQ-32B (16K thinking)"), "QwQ-32B");
        assert_eq!(strip_effort("gpt-5_xhigh"), "gpt-5");
        assert_eq!(strip_effort("Llama-2-7b_chat"), "Llama-2-7b_chat");
        assert_eq!(strip_effort("model_K"), "model_K");
    }

    #[test]
    fn prefixes_case_and_packaging_do_not_make_another_release() {
        for (a, b) in [
            ("openai/gpt-oss-120b_high", "gpt-oss-120b"),
            (
                "chutes/Qwen3-235B-A22B-Thinking-2507",
                "Qwen3-235B-A22B-Thinking-2507",
            ),
            (
                "parasail-qwen3-235b-a22b-instruct-2507",
                "Qwen3-235B-A22B-Instruct-2507",
            ),
            ("fireworks/kimi-k2p5", "kimi-k2.5"),
            ("fireworks/deepseek-v3p2", "DeepSeek-V3.2"),
            (
                "Llama-4-Maverick-17B-128E-Instruct-FP8",
                "Llama-4-Maverick-17B-128E-Instruct",
            ),
            ("Llama-2-70b-chat-hf", "Llama-2-70b-chat"),
            ("Command R+", "command r plus"),
            ("c4ai-command-r-plus-08-2024", "C4AI Command R+ 08-2024"),
        ] {
            assert_eq!(release_key(a), release_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn what_distinguishes_models_is_kept() {
        for (a, b) in [
            ("opt-1.3b", "opt-13b"),
            ("c4ai-command-r-08-2024", "c4ai-command-r-plus-08-2024"),
            ("Command R", "Command R+"),
            ("Qwen2.5-72B", "Qwen2.5-VL-72B-Instruct"),
            ("Qwen2.5-72B", "qwen2.5-72b-instruct"),
            (
                "Qwen3-235B-A22B-Instruct-2507",
                "Qwen3-235B-A22B-Thinking-2507",
            ),
            ("DeepSeek-R1", "DeepSeek-R1-0528"),
            ("fireworks/deepseek-v3p2", "deepseek-v3"),
        ] {
            assert_ne!(release_key(a), release_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn keys_are_lower_case_kebab_case_ids() {
        assert_eq!(release_key("DeepSeek-V3"), "deepseek-v3");
        assert_eq!(release_key("Llama-3.1-405B"), "llama-3.1-405b");
        assert_eq!(release_key("Qwen-1_8B"), "qwen-1.8b");
        assert_eq!(release_key("phi-1_5"), "phi-1.5");
        assert_eq!(release_key("open_llama_7b"), "open-llama-7b");
        assert_eq!(
            release_key("amazon.nova-lite-v1:0"),
            "amazon.nova-lite-v1-0"
        );
        assert_eq!(release_key("PaLM 2-L"), "palm-2-l");
        assert_eq!(release_key("Chinchilla (70B)"), "chinchilla-70b");
        assert_eq!(slug("Llama 2 70B (chat)"), "llama-2-70b-chat");
        assert_eq!(slug("(ensemble): AWD-LSTM × 5"), "ensemble-awd-lstm-5");
        for id in [
            "deepseek-v3",
            "kimi-k2.5",
            "amazon.nova-lite-v1-0",
            "qwen-1.8b",
        ] {
            assert!(is_id(id), "{id}");
        }
        for id in ["DeepSeek-V3", "a--b", "-a", "a-", "a_b", "a b", "", "a.-b"] {
            assert!(!is_id(id), "{id}");
        }
    }

    #[test]
    fn signatures_tell_sizes_and_markers_apart() {
        assert_eq!(signature("opt-1.3b"), ["1.3b"]);
        assert_eq!(
            signature("qwen3-235b-a22b-instruct-2507"),
            ["235b", "a22b", "instruct"]
        );
        assert_eq!(signature("mixtral-8x22b-v0.1"), ["8x22b"]);
        assert_eq!(
            signature("llama-4-maverick-17b-128e-instruct"),
            ["128e", "17b", "instruct"]
        );
        assert_eq!(signature("deepseek-v3.2"), Vec::<&str>::new());
        assert_eq!(alias_core("grok-3-beta"), alias_core("grok-3"));
        assert_ne!(alias_core("gpt-4-32k-0314"), alias_core("gpt-4-0314"));
        assert_eq!(alias_core("gpt-4-0314"), ["gpt", "4"]);
    }

    #[test]
    fn near_misses_are_suggested() {
        let ids = [
            "kimi-k2.5",
            "kimi-k2-thinking",
            "deepseek-v3",
            "llama-3.1-405b",
        ];
        assert_eq!(suggest("Kimi K2.5", ids.iter().copied())[0], "kimi-k2.5");
        assert_eq!(suggest("deepsek-v3", ids.iter().copied()), ["deepseek-v3"]);
        assert!(suggest("kimi", ids.iter().copied()).contains(&"kimi-k2.5".to_string()));
        assert!(suggest("zzzz", ids.iter().copied()).is_empty());
    }
}
