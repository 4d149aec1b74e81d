//! Text to a dense, L2-normalised vector of dimension `d`.
//!
//! Each hashed feature (the same column sklearn would use) is multiplied by
//! its term weight and spread over `NNZ` dimensions with signs, both derived
//! from a seeded hash of the column: a sparse random projection that needs no
//! stored matrix. Words in the topic lexicon also add their topic's vector,
//! which gives related words (and the two languages) a shared direction. Ads
//! and chat turns go through exactly this code, so they share one space.

use std::sync::Arc;

use smallvec::SmallVec;

use super::hashing::{for_each_feature, index_and_sign, murmur3_signed, HashingConfig};
use super::semantic::{KnownWords, StaticEmbeddings};
use super::tokenize::{for_each_token, lowercase, lowercase_in};
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

/// How the semantic text model mixes its three parts, each normalised first:
/// the static token embeddings, the topic-lexicon evidence and the hashed
/// words' random projection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextMix {
    pub semantic: f32,
    pub topics: f32,
    pub hashing: f32,
}

impl Default for TextMix {
    fn default() -> Self {
        // Chosen on the tuning half of the labelled relevance set (make eval).
        Self {
            semantic: 1.0,
            topics: 1.0,
            hashing: 0.3,
        }
    }
}

/// A text's embedding before it is normalised: its parts kept apart, so the
/// semantic model can weigh them after the whole text (title and body of an
/// ad) is seen.
#[derive(Debug, Clone)]
pub struct Parts {
    d: usize,
    /// `hash | topic | semantic`, `d` each.
    acc: Vec<f32>,
    /// Total term weight of the hashed words (0 = nothing informative).
    pub total: f32,
    ids: Vec<u32>,
    /// The tokenizer's scratch for a word that needs normalising.
    word: String,
    /// Hashes of the rare words seen (at most `MAX_RARE`).
    pub rare: SmallVec<[i32; 4]>,
    /// The informative words seen that are not rare: (hash, term weight), one
    /// entry a word.
    pub terms: Vec<(i32, f32)>,
    /// The lowercased text, when it differs from the text.
    lower: String,
}

/// Informative words a turn keeps for lexical matching (the heaviest).
pub const MAX_TERMS: usize = 8;

/// Rare words a turn remembers for the echo guard.
pub const MAX_RARE: usize = 8;

/// A thread keeps its [`Parts`] buffers up to this size of lowercased text.
const KEEP_BUFFER: usize = 16 << 10;

thread_local! {
    static PARTS: std::cell::RefCell<Parts> = std::cell::RefCell::new(Parts::new(0));
}

/// Runs `f` on this thread's [`Parts`], emptied for `d` dimensions: a turn
/// allocates its result only, not its working buffers.
fn with_parts<T>(d: usize, f: impl FnOnce(&mut Parts) -> T) -> T {
    PARTS.with_borrow_mut(|parts| {
        parts.reset(d);
        f(parts)
    })
}

impl Parts {
    pub fn new(d: usize) -> Self {
        Self {
            d,
            acc: vec![0f32; 3 * d],
            total: 0.0,
            ids: Vec::new(),
            word: String::new(),
            rare: SmallVec::new(),
            terms: Vec::new(),
            lower: String::new(),
        }
    }

    /// Empty again for a text embedded in `d` dimensions, keeping the buffers.
    fn reset(&mut self, d: usize) {
        if self.d != d || self.lower.capacity() > KEEP_BUFFER || self.word.capacity() > KEEP_BUFFER
        {
            *self = Self::new(d);
            return;
        }
        self.acc.fill(0.0);
        self.total = 0.0;
        self.ids.clear();
        self.rare.clear();
        self.terms.clear();
    }
    fn split(&mut self) -> (&mut [f32], &mut [f32], &mut [f32]) {
        let (hash, rest) = self.acc.split_at_mut(self.d);
        let (topic, sem) = rest.split_at_mut(self.d);
        (hash, topic, sem)
    }
}

/// What the text stage keeps of a chat turn.
#[derive(Debug, Clone, Default)]
pub struct TurnText {
    pub vector: Option<Vec<f32>>,
    pub hits: TopicHits,
    pub total: f32,
    pub rare: SmallVec<[i32; 4]>,
    /// The heaviest informative words: (hash, term weight), at most `MAX_TERMS`.
    pub terms: SmallVec<[(i32, f32); 8]>,
}

#[derive(Debug, Clone)]
pub struct Embedder {
    pub hashing: HashingConfig,
    pub weights: Arc<TermWeights>,
    pub topics: Arc<Topics>,
    pub d: usize,
    pub seed: u64,
    /// The semantic text model's static embeddings; `None` = hashing only.
    pub semantic: Option<Arc<StaticEmbeddings>>,
    /// The tokens of the weight table's words in `semantic` (empty: every
    /// word is tokenised as it comes).
    pub known: Arc<KnownWords>,
    pub mix: TextMix,
}

impl Embedder {
    /// Adds `text`'s hashed words, topic evidence and (semantic model) token
    /// embeddings into `parts`, and its topic evidence into `hits`.
    pub fn accumulate(&self, text: &str, parts: &mut Parts, hits: &mut TopicHits) {
        debug_assert_eq!(parts.d, self.d);
        let mut buf = std::mem::take(&mut parts.lower);
        let lower = if self.hashing.lowercase {
            lowercase_in(text, &mut buf)
        } else {
            text
        };
        let d = self.d as u64;
        let scale = 1.0 / (NNZ as f32).sqrt();
        let mut total = 0.0f32;
        let mut rare = std::mem::take(&mut parts.rare);
        let mut terms = std::mem::take(&mut parts.terms);
        let mut ids = std::mem::take(&mut parts.ids);
        let mut word = std::mem::take(&mut parts.word);
        {
            let (hash, topic, sem_acc) = parts.split();
            for_each_feature(lower, self.hashing.ngram_range, |feat| {
                let h = murmur3_signed(feat.as_bytes());
                let (col, sign) =
                    index_and_sign(h, self.hashing.n_features, self.hashing.alternate_sign);
                // The semantic model's table of known words has their weights too:
                // one probe for most words.
                let known = match &self.semantic {
                    Some(_) => self.known.get(h, feat),
                    None => None,
                };
                let (w, is_rare) =
                    known.map_or_else(|| self.weights.weight_and_rarity(h, feat), |k| (k.w, false));
                if w <= 0.0 {
                    return;
                }
                // A rare word (a name, a place nobody else writes) is the echo
                // guard's evidence, never a reason to match an ad word for word.
                if is_rare {
                    if rare.len() < MAX_RARE && !rare.contains(&h) {
                        rare.push(h);
                    }
                } else if !feat.contains(' ') && !terms.iter().any(|t| t.0 == h) {
                    terms.push((h, w));
                }
                total += w;
                // The semantic model: the word's static token embeddings, weighted
                // as the word (so "je", "une", "the" say as little here as anywhere).
                if let (Some(sem), false) = (&self.semantic, feat.contains(' ')) {
                    sem.accumulate_word(feat, known, w, sem_acc, &mut ids, &mut word);
                }
                let x = splitmix64(self.seed ^ (col as u64).wrapping_mul(0xA24B_AED4_963E_E407));
                let signs = splitmix64(x);
                let v = w * scale * sign as f32;
                for k in 0..NNZ {
                    // 16 random bits scaled to 0..d (multiply-shift, no division).
                    let dim = (((x >> (16 * k)) & 0xFFFF) * d) >> 16;
                    let s = if (signs >> k) & 1 == 1 { v } else { -v };
                    hash[dim as usize] += s;
                }
                for &t in self.topics.lookup(h) {
                    hits.add(t, w);
                    for (o, tv) in topic.iter_mut().zip(self.topics.vector(t)) {
                        *o += w * tv;
                    }
                }
            });
        }
        if let (Some(sem), true) = (&self.semantic, self.hashing.ngram_range.0 > 1) {
            // Hashed n-grams start above 1 (every feature has a space, so the loop
            // above added nothing to it): the semantic part still takes every word.
            let (_, _, sem_acc) = parts.split();
            for_each_token(lower, |tok| {
                let h = murmur3_signed(tok.as_bytes());
                let known = self.known.get(h, tok);
                let w = known.map_or_else(|| self.weights.weight(h, tok), |k| k.w);
                if w > 0.0 {
                    sem.accumulate_word(tok, known, w, sem_acc, &mut ids, &mut word);
                }
            });
        }
        parts.total += total;
        parts.rare = rare;
        parts.terms = terms;
        parts.lower = buf;
        parts.ids = ids;
        parts.word = word;
    }

    /// Adds a topic the text declares (an ad's `topics`) with weight `w`,
    /// in the units of a lexicon hit.
    fn declare(&self, parts: &mut Parts, topic: u16, w: f32) {
        let (_, acc, _) = parts.split();
        for (o, tv) in acc.iter_mut().zip(self.topics.vector(topic)) {
            *o += w * tv;
        }
    }

    /// The normalised embedding of what `parts` holds, or `None` when no
    /// informative word was seen.
    pub fn finish(&self, parts: &mut Parts) -> Option<Vec<f32>> {
        let d = self.d;
        let mut out = vec![0f32; d];
        if parts.total <= 0.0 && parts.acc[d..2 * d].iter().all(|&x| x == 0.0) {
            return None;
        }
        let (hash, topic, sem) = parts.split();
        match &self.semantic {
            None => {
                for i in 0..d {
                    out[i] = hash[i] + TOPIC_ALPHA * topic[i];
                }
            }
            Some(_) => {
                let m = self.mix;
                for (part, w) in [(hash, m.hashing), (topic, m.topics), (sem, m.semantic)] {
                    if normalize(part) > 1e-6 && w != 0.0 {
                        for (o, x) in out.iter_mut().zip(part.iter()) {
                            *o += w * x;
                        }
                    }
                }
            }
        }
        (normalize(&mut out) > 1e-6).then_some(out)
    }

    /// Normalised embedding of a chat turn, or `None` when it carries no
    /// informative word.
    pub fn embed(&self, text: &str) -> (Option<Vec<f32>>, TopicHits) {
        let (v, hits, _) = self.embed_with_weight(text);
        (v, hits)
    }

    /// [`Embedder::embed`], and the total term weight of the turn's words (how
    /// much it says: "ok thanks" little, a request for running shoes a lot).
    pub fn embed_with_weight(&self, text: &str) -> (Option<Vec<f32>>, TopicHits, f32) {
        with_parts(self.d, |parts| {
            let mut hits = TopicHits::default();
            self.accumulate(text, parts, &mut hits);
            let total = parts.total;
            (self.finish(parts), hits.sorted(), total)
        })
    }

    /// A chat turn: its embedding, topics, total term weight and the hashes
    /// of its rare words.
    pub fn embed_turn(&self, text: &str) -> TurnText {
        with_parts(self.d, |parts| {
            let mut hits = TopicHits::default();
            self.accumulate(text, parts, &mut hits);
            parts.terms.sort_by(|a, b| b.1.total_cmp(&a.1));
            TurnText {
                total: parts.total,
                rare: parts.rare.clone(),
                terms: parts.terms.iter().take(MAX_TERMS).copied().collect(),
                vector: self.finish(parts),
                hits: hits.sorted(),
            }
        })
    }

    /// Normalised embedding of an ad: its title and text, plus its declared topics.
    pub fn embed_ad(&self, title: &str, text: &str, declared: &[u16]) -> Option<Vec<f32>> {
        self.embed_ad_with_topics(title, text, declared).0
    }

    /// [`Embedder::embed_ad`], and the topics its words are about (strongest first).
    pub fn embed_ad_with_topics(
        &self,
        title: &str,
        text: &str,
        declared: &[u16],
    ) -> (Option<Vec<f32>>, TopicHits) {
        let mut parts = Parts::new(self.d);
        let mut hits = TopicHits::default();
        self.accumulate(title, &mut parts, &mut hits);
        self.accumulate(text, &mut parts, &mut hits);
        for &t in declared {
            self.declare(&mut parts, t, DECLARED_TOPIC_BETA / TOPIC_ALPHA);
        }
        (self.finish(&mut parts), hits.sorted())
    }

    /// Hashes of a text's words (as the hashing stage keys them), sorted, unique.
    pub fn word_hashes(&self, texts: &[&str]) -> Box<[i32]> {
        let mut out = Vec::new();
        for t in texts {
            let lower = lowercase(t);
            crate::text::tokenize::for_each_token(&lower, |tok| {
                out.push(murmur3_signed(tok.as_bytes()))
            });
        }
        out.sort_unstable();
        out.dedup();
        out.into_boxed_slice()
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
            semantic: None,
            known: Arc::default(),
            mix: TextMix::default(),
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
    fn semantic_words_weigh_as_their_term_weight() {
        let sem = StaticEmbeddings::builtin(64).unwrap();
        let weights = TermWeights::from_zipf([("je", 7.0), ("un", 6.9), ("cherche", 5.0)]);
        let e = Embedder {
            weights: Arc::new(weights.clone()),
            semantic: Some(sem.clone()),
            mix: TextMix {
                semantic: 1.0,
                topics: 0.0,
                hashing: 0.0,
            },
            ..embedder()
        };
        let text = "Je cherche un hôtel à LISBONNE, merci !";
        let got = e.embed(text).0.unwrap();
        // By hand: each word of the hashing stage, its tokens' rows times its weight.
        let mut want = vec![0f32; 64];
        let (mut ids, mut buf) = (Vec::new(), String::new());
        for word in ["je", "cherche", "un", "hôtel", "lisbonne", "merci"] {
            let w = weights.weight(murmur3_signed(word.as_bytes()), word);
            sem.accumulate_word(word, None, w, &mut want, &mut ids, &mut buf);
        }
        normalize(&mut want);
        assert!(cos(&got, &want) > 0.99999, "{}", cos(&got, &want));
        // The weight table's words tokenised once give the very same vector.
        let known = Embedder {
            known: Arc::new(sem.known_words(&weights)),
            ..e.clone()
        };
        assert_eq!(known.known.len(), 3);
        assert_eq!(known.embed(text).0.unwrap(), got);
        // A frequent word moves the vector less than a rare one.
        let base = e.embed("hôtel lisbonne").0.unwrap();
        let with_je = e.embed("je hôtel lisbonne").0.unwrap();
        let with_cherche = e.embed("cherche hôtel lisbonne").0.unwrap();
        assert!(cos(&base, &with_je) > cos(&base, &with_cherche));
        assert!(cos(&base, &with_je) > 0.999);
        // Hashed bigrams only: the semantic part still takes every word.
        let bigrams = Embedder {
            hashing: HashingConfig {
                ngram_range: (2, 2),
                ..HashingConfig::default()
            },
            ..e.clone()
        };
        let both = Embedder {
            hashing: HashingConfig {
                ngram_range: (1, 2),
                ..HashingConfig::default()
            },
            ..e.clone()
        };
        let (a, b) = (bigrams.embed(text).0.unwrap(), both.embed(text).0.unwrap());
        assert!(cos(&a, &got) > 0.99999 && cos(&b, &got) > 0.99999);
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
