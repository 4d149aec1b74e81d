//! Term weights: how much a word says about a person's interests.
//!
//! Words that everybody uses ("the", "le", "please") say nothing; rare words
//! say a lot. The weights are derived from a real word-frequency source (the
//! `wordfreq` package, read on the Python side and handed over as
//! `(word, zipf)` pairs), not from a hand-typed stop-word list. A word is
//! keyed by the same MurmurHash3 the hashing stage computes anyway, so the
//! lookup costs one hash-map probe per token.

use rustc_hash::FxHashMap as HashMap;

/// Zipf frequency at or above which a word gets weight 0 ("the" is 7.7).
pub const ZIPF_CEILING: f32 = 7.5;
/// Width of the ramp: a word at `ZIPF_CEILING - ZIPF_RAMP` or rarer gets 1.
pub const ZIPF_RAMP: f32 = 3.5;
/// Weight of a purely numeric token (years, prices, quantities).
pub const NUMERIC_WEIGHT: f32 = 0.25;

/// Weight of a word from its Zipf frequency (log10 of occurrences per billion):
/// an IDF-like ramp, squared so that everyday words ("want", "please", 0.2-0.3)
/// fall well below topical ones ("hotel" 0.5, "marathon" 0.9).
pub fn weight_from_zipf(zipf: f32) -> f32 {
    let r = ((ZIPF_CEILING - zipf) / ZIPF_RAMP).clamp(0.0, 1.0);
    r * r
}

#[derive(Clone, Debug, Default)]
pub struct TermWeights {
    by_hash: HashMap<i32, f32>,
    /// The table's words, lowercased (the semantic model tokenises them once).
    words: Vec<Box<str>>,
}

impl TermWeights {
    /// Builds the table from `(word, zipf)`; a word listed twice keeps its
    /// highest frequency (a word common in either language is down-weighted).
    pub fn from_zipf<'a>(entries: impl IntoIterator<Item = (&'a str, f32)>) -> Self {
        let mut by_hash: HashMap<i32, f32> = HashMap::default();
        let mut words = Vec::new();
        for (word, zipf) in entries {
            let lower = super::tokenize::lowercase(word);
            let h = super::hashing::murmur3_signed(lower.as_bytes());
            let w = weight_from_zipf(zipf);
            by_hash
                .entry(h)
                .and_modify(|old| *old = old.min(w))
                .or_insert(w);
            words.push(lower.into_owned().into_boxed_str());
        }
        Self { by_hash, words }
    }

    /// The table's words, lowercased, as listed.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|w| &**w)
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Whether a word is rare enough to be personal when echoed back: absent
    /// from the frequency list (names, places, rare words, typos), not a
    /// number, at least 4 characters, one word. With no list, nothing is.
    #[inline]
    pub fn is_rare(&self, hash: i32, token: &str) -> bool {
        !self.by_hash.is_empty()
            && !self.by_hash.contains_key(&hash)
            && token.chars().count() >= 4
            && !token.contains(' ')
            && !token.bytes().all(|b| b.is_ascii_digit())
    }

    /// [`TermWeights::weight`] and [`TermWeights::is_rare`] with one probe.
    #[inline]
    pub fn weight_and_rarity(&self, hash: i32, token: &str) -> (f32, bool) {
        if let Some(w) = self.by_hash.get(&hash) {
            return (*w, false);
        }
        let numeric = token.bytes().all(|b| b.is_ascii_digit());
        let w = if numeric { NUMERIC_WEIGHT } else { 1.0 };
        let rare = !self.by_hash.is_empty()
            && !numeric
            && !token.contains(' ')
            && token.chars().count() >= 4;
        (w, rare)
    }

    /// The weight of a token given its murmur hash. Unknown words are rare
    /// words, so they weigh 1, except numbers.
    #[inline]
    pub fn weight(&self, hash: i32, token: &str) -> f32 {
        if let Some(w) = self.by_hash.get(&hash) {
            return *w;
        }
        if token.bytes().all(|b| b.is_ascii_digit()) {
            NUMERIC_WEIGHT
        } else {
            1.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_weigh_less() {
        let w = TermWeights::from_zipf([("the", 7.73), ("marathon", 3.9), ("running", 5.0)]);
        let h = |s: &str| crate::text::hashing::murmur3_signed(s.as_bytes());
        assert_eq!(w.weight(h("the"), "the"), 0.0);
        assert!(w.weight(h("running"), "running") < w.weight(h("marathon"), "marathon"));
        assert_eq!(w.weight(h("zyzzyva"), "zyzzyva"), 1.0);
        assert_eq!(w.weight(h("2024"), "2024"), NUMERIC_WEIGHT);
        for word in [
            "the", "marathon", "zyzzyva", "2024", "abc", "new york", "zyzzyvas",
        ] {
            let got = w.weight_and_rarity(h(word), word);
            assert_eq!(
                got,
                (w.weight(h(word), word), w.is_rare(h(word), word)),
                "{word}"
            );
        }
    }
}
