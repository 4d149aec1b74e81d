//! The sensitive-category guard (GDPR Art. 9, DSA Art. 26(3)).
//!
//! A turn that touches a special category must never reach a profile, and
//! ads must never be selected on a personalised basis from such data. The
//! guard normalises text (lowercase, accents stripped, every run of non-word
//! characters one space) and matches a lexicon of English and French
//! patterns in one Aho-Corasick pass. A pattern is a word (`cancer`), a
//! prefix (`diabet*` matches diabetes, diabetic, diabète) or a phrase
//! (`trade union*`); *exclude* patterns neutralise include matches they
//! overlap ("battery health", "computer virus"). The lexicon is data
//! (`rust/data/sensitive_lexicon.tsv`), measured against a labelled set in
//! `tests/data/`.

use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::error::{CoreError, Result};
use crate::text::tokenize::{ascii_runs, is_word_char};

pub const LEXICON_TSV: &str = include_str!("../../data/sensitive_lexicon.tsv");

/// The special categories, in bit order.
pub const CATEGORIES: [&str; 8] = [
    "health",
    "sex_life",
    "religion",
    "politics",
    "ethnic_origin",
    "trade_union",
    "genetic",
    "biometric",
];

/// A set of categories as a bit mask (bit i = `CATEGORIES[i]`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Categories(pub u8);

impl Categories {
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn names(self) -> Vec<&'static str> {
        CATEGORIES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }
    pub fn from_name(name: &str) -> Option<Self> {
        CATEGORIES
            .iter()
            .position(|c| *c == name)
            .map(|i| Categories(1 << i))
    }
}

/// A thread keeps its normalisation buffer up to this size (a long message's
/// buffer is let go after it).
const KEEP_BUFFER: usize = 16 << 10;

thread_local! {
    static NORMALIZED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Lowercase, strip accents, one space between words, one at each end.
///
/// Characters are decomposed one at a time (canonical decomposition, marks
/// dropped), which equals NFD-then-filter because canonical reordering only
/// moves the combining marks that are dropped anyway; ASCII skips the tables.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// [`normalize`] into `out` (cleared first), so that a caller can reuse it.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len() + 2);
    out.push(' ');
    let mut in_word = false;
    // ASCII bytes (most of any turn, French included) go through a table;
    // only the other characters are decomposed.
    for (run, c) in ascii_runs(text) {
        for &b in run.as_bytes() {
            let m = ASCII_WORD[b as usize];
            if m != 0 {
                out.push(m as char);
                in_word = true;
            } else if in_word {
                out.push(' ');
                in_word = false;
            }
        }
        if let Some(c) = c {
            push_normalized(c, out, &mut in_word);
        }
    }
    if in_word {
        out.push(' ');
    }
}

/// One character through the general path: decomposed, marks dropped,
/// lowercased, a non-word character ending the word.
fn push_normalized(c: char, out: &mut String, in_word: &mut bool) {
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            for l in d.to_lowercase() {
                if is_word_char(l) {
                    out.push(l);
                    *in_word = true;
                } else if *in_word {
                    out.push(' ');
                    *in_word = false;
                }
            }
        }
    });
}

/// An ASCII byte's lowercase form when it is a word character, else 0.
const ASCII_WORD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// Include and exclude patterns share one automaton: pattern ids below
/// `n_include` are includes (with their category in `include_category`), the
/// rest excludes. It is a DFA: a few MB built once per process, and the
/// overlapping scan is one table lookup per byte.
pub struct SensitiveGuard {
    automaton: AhoCorasick,
    include_category: Vec<u8>,
    n_include: usize,
}

fn needle(pattern: &str) -> Option<String> {
    let p = pattern.trim();
    let prefix = p.ends_with('*');
    let body = normalize(p.trim_end_matches('*'));
    if body.trim().is_empty() {
        return None;
    }
    Some(if prefix {
        body.trim_end().to_owned()
    } else {
        body
    })
}

impl SensitiveGuard {
    /// The built-in lexicon's guard, built on first use and shared.
    pub fn builtin() -> Result<Arc<Self>> {
        static BUILTIN: OnceLock<std::result::Result<Arc<SensitiveGuard>, String>> =
            OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Self::parse(LEXICON_TSV)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(CoreError::Internal)
    }

    /// Parses `category \t lang \t pattern \t include|exclude` lines (header first).
    pub fn parse(tsv: &str) -> Result<Self> {
        let mut include = Vec::new();
        let mut include_category = Vec::new();
        let mut exclude = Vec::new();
        for (n, line) in tsv.lines().enumerate().skip(1) {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let bad =
                |m: &str| CoreError::invalid("sensitive_lexicon", format!("line {}: {m}", n + 1));
            if cols.len() < 4 {
                return Err(bad("expected 4 tab-separated columns"));
            }
            let Some(n) = needle(cols[2]) else {
                return Err(bad("empty pattern"));
            };
            match cols[3].trim() {
                "include" => {
                    let cat = Categories::from_name(cols[0].trim())
                        .ok_or_else(|| bad(&format!("unknown category {:?}", cols[0])))?;
                    include.push(n);
                    include_category.push(cat.0);
                }
                "exclude" => exclude.push(n),
                other => {
                    return Err(bad(&format!(
                        "kind must be include or exclude, got {other:?}"
                    )))
                }
            }
        }
        let n_include = include.len();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            // Every pattern starts with the space before its first word, so a
            // prefilter stops at every word and only adds its own cost: without
            // it, a turn's scan took 400 against 520 ns (the `timing` loop below).
            .prefilter(false)
            .build(include.iter().chain(&exclude))
            .map_err(|e| CoreError::Internal(format!("sensitive lexicon: {e}")))?;
        Ok(Self {
            automaton,
            include_category,
            n_include,
        })
    }

    pub fn len(&self) -> usize {
        self.automaton.patterns_len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The special categories `text` touches.
    pub fn detect(&self, text: &str) -> Categories {
        if text.trim().is_empty() {
            return Categories::default();
        }
        let mut includes: Vec<(usize, usize, u8)> = Vec::new();
        let mut excluded: Vec<(usize, usize)> = Vec::new();
        // Every turn passes here: the normalised text goes into this thread's
        // buffer, not a new allocation.
        NORMALIZED.with_borrow_mut(|norm| {
            normalize_into(text, norm);
            for m in self.automaton.find_overlapping_iter(norm.as_bytes()) {
                let p = m.pattern().as_usize();
                if p < self.n_include {
                    includes.push((m.start(), m.end(), self.include_category[p]));
                } else {
                    excluded.push((m.start(), m.end()));
                }
            }
            if norm.capacity() > KEEP_BUFFER {
                *norm = String::new();
            }
        });
        let mut cats = 0u8;
        for (start, end, cat) in includes {
            if !excluded.iter().any(|&(s, e)| s < end && start < e) {
                cats |= cat;
            }
        }
        Categories(cats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEX: &str = "category\tlang\tpattern\tkind\n\
        health\ten\tdiabet*\tinclude\n\
        health\ten\tcancer\tinclude\n\
        health\ten\tbattery health\texclude\n\
        health\ten\thealth\tinclude\n\
        trade_union\ten\ttrade union*\tinclude\n\
        religion\tfr\tmosquee*\tinclude\n";

    #[test]
    fn normalises_case_accents_and_punctuation() {
        assert_eq!(normalize("L'Hôpital, DIABÈTE!"), " l hopital diabete ");
        assert_eq!(normalize(""), " ");
        // The ASCII table and the per-character path agree.
        for text in [
            "A_b-C9 ÉTÉ x",
            "née à Paris",
            "ǅemal İstanbul ß",
            "ok!!",
            "Σ ΟΔΟΣ",
            "  Hello,   WORLD__ 42  ",
            "!!a!!b",
            "x",
            "déjà-VU, Ça va?",
        ] {
            let mut slow = String::from(" ");
            let mut in_word = false;
            text.chars()
                .for_each(|c| push_normalized(c, &mut slow, &mut in_word));
            if in_word {
                slow.push(' ');
            }
            assert_eq!(normalize(text), slow, "{text}");
        }
    }

    #[test]
    fn words_prefixes_phrases_and_exclusions() {
        let g = SensitiveGuard::parse(LEX).unwrap();
        let d = |t: &str| g.detect(t).names();
        assert_eq!(d("My DIABÈTE is back"), ["health"]);
        assert_eq!(d("diabetic recipes"), ["health"]);
        assert!(
            d("cancers").is_empty(),
            "exact words do not match longer words"
        );
        assert!(d("my laptop battery health is 80%").is_empty());
        assert_eq!(d("battery health and my health"), ["health"]);
        assert_eq!(d("joined a Trade-Unions meeting"), ["trade_union"]);
        assert_eq!(d("la Mosquée du quartier"), ["religion"]);
        assert!(d("").is_empty());
    }

    #[test]
    fn builtin_lexicon_parses_and_covers_every_category() {
        let g = SensitiveGuard::builtin().unwrap();
        assert!(!g.is_empty());
        let tsv_cats: std::collections::BTreeSet<&str> = LEXICON_TSV
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').next())
            .collect();
        for c in CATEGORIES {
            assert!(tsv_cats.contains(c), "no pattern for {c}");
        }
    }

    #[test]
    fn bad_lexicon_lines_are_reported() {
        assert!(SensitiveGuard::parse("h\nhealth\ten\tx\n").is_err());
        assert!(SensitiveGuard::parse("h\nwealth\ten\tx\tinclude\n").is_err());
    }
}

/// Timing loops behind docs/benchmarks.md's figures, not assertions:
/// `cargo test --release -p chatads-core --lib timing -- --ignored --nocapture`.
#[cfg(test)]
mod timing {
    use super::*;

    #[test]
    #[ignore = "a measurement: run it alone, with --nocapture"]
    fn detect_per_text() {
        let data = include_str!("../../../eval/data/relevance_sessions.jsonl");
        let texts = crate::text::tokenize::chunks_for_timing(data, 80);
        let g = SensitiveGuard::builtin().unwrap();
        for round in 0..3 {
            let t = std::time::Instant::now();
            let hits: usize = (0..20)
                .flat_map(|_| texts.iter())
                .map(|x| usize::from(!g.detect(x).is_empty()))
                .sum();
            let ns = t.elapsed().as_nanos() as f64 / (20 * texts.len()) as f64;
            println!("round {round}: detect {ns:.0} ns a text of 80 bytes ({hits} hits)");
        }
    }
}
