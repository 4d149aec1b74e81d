//! Text to a dense, L2-normalised vector of dimension `d`.
//!
//! Each hashed feature (the same column sklearn would use) is multiplied by
//! its term weight and spread over `NNZ` dimensions with signs, both derived
//! from a seeded hash of the column: a sparse random projection that needs no
//! stored matrix. Words in the topic lexicon also add their topic's vector,
//! which gives related words (and the two languages) a shared direction. Ads
//! and chat turns go through exactly this code, so they share one space.

use std::sync::Arc;

use super::hashing::{for_each_feature, index_and_sign, murmur3_signed, HashingConfig};
use super::tokenize::lowercase;
use super::topics::{normalize, Topics};
use super::weights::TermWeights;

/// Non-zeros per column of the projection.
pub const NNZ: usize = 4;
/// Weight of a lexicon hit's topic vector relative to the word's own projection.
pub const TOPIC_ALPHA: f32 = 1.5;
/// Weight of each topic an ad declares, added to the ad's text embedding.
pub const DECLARED_TOPIC_BETA: f32 = 1.5;

#[inline]
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Topic evidence found in a text: (topic index, summed weight).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TopicHits(pub Vec<(u16, f32)>);

impl TopicHits {
    pub fn add(&mut self, topic: u16, w: f32) {
        match self.0.iter_mut().find(|(t, _)| *t == topic) {
            Some((_, acc)) => *acc += w,
            None => self.0.push((topic, w)),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Sorted by weight, strongest first.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| b.1.total_cmp(&a.1));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Embedder {
    pub hashing: HashingConfig,
    pub weights: Arc<TermWeights>,
    pub topics: Arc<Topics>,
    pub d: usize,
    pub seed: u64,
}

impl Embedder {
    /// Adds the (unnormalised) embedding of `text` into `out` and its topic
    /// evidence into `hits`; returns the total term weight seen (0 = nothing
    /// informative in the text).
    pub fn accumulate(&self, text: &str, out: &mut [f32], hits: &mut TopicHits) -> f32 {
        debug_assert_eq!(out.len(), self.d);
        let lower = if self.hashing.lowercase {
            lowercase(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        let d = self.d as u64;
        let scale = 1.0 / (NNZ as f32).sqrt();
        let mut total = 0.0f32;
        for_each_feature(&lower, self.hashing.ngram_range, |feat| {
            let h = murmur3_signed(feat.as_bytes());
            let (col, sign) =
                index_and_sign(h, self.hashing.n_features, self.hashing.alternate_sign);
            let w = self.weights.weight(h, feat);
            if w <= 0.0 {
                return;
            }
            total += w;
            let x = splitmix64(self.seed ^ (col as u64).wrapping_mul(0xA24B_AED4_963E_E407));
            let signs = splitmix64(x);
            let v = w * scale * sign as f32;
            for k in 0..NNZ {
                // 16 random bits scaled to 0..d (multiply-shift, no division).
                let dim = (((x >> (16 * k)) & 0xFFFF) * d) >> 16;
                let s = if (signs >> k) & 1 == 1 { v } else { -v };
                out[dim as usize] += s;
            }
            for &t in self.topics.lookup(h) {
                hits.add(t, w);
                for (o, tv) in out.iter_mut().zip(self.topics.vector(t)) {
                    *o += TOPIC_ALPHA * w * tv;
                }
            }
        });
        total
    }

    /// Normalised embedding of a chat turn, or `None` when it carries no
    /// informative word.
    pub fn embed(&self, text: &str) -> (Option<Vec<f32>>, TopicHits) {
        let mut v = vec![0f32; self.d];
        let mut hits = TopicHits::default();
        self.accumulate(text, &mut v, &mut hits);
        let n = normalize(&mut v);
        (if n > 1e-6 { Some(v) } else { None }, hits.sorted())
    }

    /// Normalised embedding of an ad: its title and text, plus its declared topics.
    pub fn embed_ad(&self, title: &str, text: &str, declared: &[u16]) -> Option<Vec<f32>> {
        let mut v = vec![0f32; self.d];
        let mut hits = TopicHits::default();
        self.accumulate(title, &mut v, &mut hits);
        self.accumulate(text, &mut v, &mut hits);
        for &t in declared {
            for (o, tv) in v.iter_mut().zip(self.topics.vector(t)) {
                *o += DECLARED_TOPIC_BETA * tv;
            }
        }
        (normalize(&mut v) > 1e-6).then_some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedder() -> Embedder {
        let tax = "id\tpath\n1\t/Travel\n2\t/Travel/Air Travel\n3\t/Sports\n";
        let lex = "topic_id\tlang\tword\n2\ten\tflight\n2\tfr\tvol\n3\ten\trunning\n";
        Embedder {
            hashing: HashingConfig::default(),
            weights: Arc::new(TermWeights::from_zipf([("the", 7.7), ("i", 7.0)])),
            topics: Arc::new(Topics::parse(tax, lex, 64, 3).unwrap()),
            d: 64,
            seed: 42,
        }
    }

    fn cos(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn deterministic_and_normalised() {
        let e = embedder();
        let (a, _) = e.embed("Cheap flight to Lisbon");
        let (b, _) = e.embed("cheap FLIGHT to lisbon");
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b);
        assert!((cos(&a, &a) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn stop_words_only_is_empty() {
        let (v, hits) = embedder().embed("the the THE");
        assert!(v.is_none() && hits.is_empty());
    }

    #[test]
    fn lexicon_links_languages() {
        let e = embedder();
        let (en, hits) = e.embed("flight");
        let (fr, _) = e.embed("vol");
        let (sport, _) = e.embed("running");
        let (en, fr, sport) = (en.unwrap(), fr.unwrap(), sport.unwrap());
        assert_eq!(hits.0.len(), 1);
        assert!(cos(&en, &fr) > 0.5, "{}", cos(&en, &fr));
        assert!(cos(&en, &fr) > cos(&en, &sport) + 0.3);
    }

    #[test]
    fn ads_lean_to_declared_topics() {
        let e = embedder();
        let travel = e.topics.index_of(1).unwrap();
        let ad = e.embed_ad("Sunny Lisbon", "book now", &[travel]).unwrap();
        let (q, _) = e.embed("flight");
        let plain = e.embed_ad("Sunny Lisbon", "book now", &[]).unwrap();
        assert!(cos(&ad, &q.clone().unwrap()) > cos(&plain, &q.unwrap()) + 0.2);
    }
}
