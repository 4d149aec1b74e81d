//! Static token embeddings distilled from all-MiniLM-L6-v2 (the model2vec
//! method: every vocabulary token's output embedding, PCA to `d`, Zipf
//! weighting), looked up per WordPiece token and summed. The engine sums them
//! word by word, each word's tokens times the word's term weight
//! ([`StaticEmbeddings::accumulate_word`]); [`StaticEmbeddings::embed`] is the
//! teacher's plain pooling, kept as the reference. The table is made
//! by `scripts/distill_static.py` and ships inside the crate
//! (`rust/data/static_embed/`, Apache-2.0 like the model).
//!
//! Table format (little-endian): `b"CHSE"`, u32 version 1, u32 vocab size,
//! u32 d, then `vocab × d` int8, then `vocab` f32 row scales (value = int8 ×
//! scale). Rows stay int8 in memory and are scaled as they are added: a row
//! is one cache line at d = 64 (four as f32), and the table 2 MB, not 8.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use super::hashing::murmur3_signed;
use super::weights::TermWeights;
use super::wordpiece::WordPiece;
use crate::error::{CoreError, Result};

pub const TABLE_D64: &[u8] = include_bytes!("../../data/static_embed/minilm_d64.bin");
pub const TABLE_D128: &[u8] = include_bytes!("../../data/static_embed/minilm_d128.bin");
pub const VOCAB_TXT: &str = include_str!("../../data/static_embed/vocab.txt");

/// Longest word [`KnownWords`] holds, in bytes (an entry is 32 bytes).
const KNOWN_BYTES: usize = 18;
/// Most WordPiece tokens of a word [`KnownWords`] holds.
const KNOWN_IDS: usize = 4;

/// The term-weight table's words (the common words of English and French)
/// with their weight and their WordPiece ids, found once. Most words of a
/// turn are among them: one probe keyed by the MurmurHash3 the hashing stage
/// has already computed then replaces the weight table's probe and
/// WordPiece's longest-prefix probes. An entry keeps its word's bytes, so a
/// word is only ever given its own tokens.
#[derive(Debug, Default)]
pub struct KnownWords {
    by_hash: FxHashMap<i32, KnownWord>,
}

#[derive(Clone, Copy, Debug)]
pub struct KnownWord {
    /// What [`TermWeights::weight`] gives the word.
    pub w: f32,
    len: u8,
    n: u8,
    word: [u8; KNOWN_BYTES],
    ids: [u16; KNOWN_IDS],
}

impl KnownWord {
    /// Its WordPiece ids.
    pub fn ids(&self) -> &[u16] {
        &self.ids[..self.n as usize]
    }
}

impl KnownWords {
    /// `word` (whose MurmurHash3 is `hash`), when it is known.
    #[inline]
    pub fn get(&self, hash: i32, word: &str) -> Option<&KnownWord> {
        let e = self.by_hash.get(&hash)?;
        (&e.word[..e.len as usize] == word.as_bytes()).then_some(e)
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

#[derive(Debug)]
pub struct StaticEmbeddings {
    d: usize,
    /// `vocab × d` int8, row-major.
    rows: Vec<i8>,
    /// One per row: a row's values are its int8 times its scale.
    scales: Vec<f32>,
    tokenizer: WordPiece,
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl StaticEmbeddings {
    pub fn parse(table: &[u8], vocab: &str) -> Result<Self> {
        let bad = |why: &str| CoreError::Internal(format!("static embedding table: {why}"));
        if table.len() < 16 || &table[..4] != b"CHSE" {
            return Err(bad("no CHSE header"));
        }
        if u32_at(table, 4) != 1 {
            return Err(bad("unknown version"));
        }
        let (n, d) = (u32_at(table, 8) as usize, u32_at(table, 12) as usize);
        if table.len() != 16 + n * d + 4 * n || d == 0 {
            return Err(bad("size does not match its header"));
        }
        let tokenizer = WordPiece::from_vocab(vocab)?;
        if tokenizer.vocab_size() != n {
            return Err(bad("vocabulary and table sizes differ"));
        }
        let rows: Vec<i8> = table[16..16 + n * d].iter().map(|&b| b as i8).collect();
        let mut scales: Vec<f32> = table[16 + n * d..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect();
        // [UNK] carries no meaning: it adds nothing.
        scales[tokenizer.unk() as usize] = 0.0;
        Ok(Self {
            d,
            rows,
            scales,
            tokenizer,
        })
    }

    /// The table built into the crate for dimension `d` (64 or 128; each
    /// loaded once, when first asked for).
    pub fn builtin(d: usize) -> Result<Arc<Self>> {
        type Cell = OnceLock<std::result::Result<Arc<StaticEmbeddings>, String>>;
        static D64: Cell = OnceLock::new();
        static D128: Cell = OnceLock::new();
        let (cell, table) = match d {
            64 => (&D64, TABLE_D64),
            128 => (&D128, TABLE_D128),
            _ => {
                return Err(CoreError::invalid(
                    "d",
                    format!("the semantic text model ships d=64 and d=128 tables, not d={d}"),
                ))
            }
        };
        cell.get_or_init(|| {
            Self::parse(table, VOCAB_TXT)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(CoreError::Internal)
    }

    pub fn d(&self) -> usize {
        self.d
    }

    /// The WordPiece ids of `text`, appended to `ids`.
    pub fn tokenize(&self, text: &str, ids: &mut Vec<u32>) {
        self.tokenizer.tokenize(text, ids);
    }

    /// The L2-normalised pooled rows of `text`'s tokens, or `None` when no
    /// token is known.
    pub fn embed(&self, text: &str) -> Option<Vec<f32>> {
        let mut v = vec![0f32; self.d];
        let mut ids = Vec::new();
        (self.accumulate(text, &mut v, &mut ids) > 0
            && crate::text::topics::normalize(&mut v) > 1e-6)
            .then_some(v)
    }

    /// Adds `w` times the rows of the tokens of `word` (one word of the hashing
    /// stage) into `out`: the tokens of `known` when the word is known (see
    /// [`KnownWords`]), else WordPiece's, with `ids` and `buf` as scratch.
    pub fn accumulate_word(
        &self,
        word: &str,
        known: Option<&KnownWord>,
        w: f32,
        out: &mut [f32],
        ids: &mut Vec<u32>,
        buf: &mut String,
    ) {
        if let Some(k) = known {
            self.add_rows(k.ids().iter().map(|&id| u32::from(id)), w, out);
            return;
        }
        ids.clear();
        self.tokenizer.tokenize_word(word, buf, ids);
        self.add_rows(ids.iter().copied(), w, out);
    }

    /// The words of `weights`, tokenised once (see [`KnownWords`]).
    pub fn known_words(&self, weights: &TermWeights) -> KnownWords {
        let mut by_hash: FxHashMap<i32, KnownWord> = FxHashMap::default();
        let (mut ids, mut buf) = (Vec::new(), String::new());
        for word in weights.words() {
            if word.is_empty() || word.len() > KNOWN_BYTES {
                continue;
            }
            ids.clear();
            self.tokenizer.tokenize_word(word, &mut buf, &mut ids);
            if ids.len() > KNOWN_IDS || ids.iter().any(|&id| id > u32::from(u16::MAX)) {
                continue;
            }
            let h = murmur3_signed(word.as_bytes());
            let mut entry = KnownWord {
                w: weights.weight(h, word),
                len: word.len() as u8,
                n: ids.len() as u8,
                word: [0; KNOWN_BYTES],
                ids: [0; KNOWN_IDS],
            };
            entry.word[..word.len()].copy_from_slice(word.as_bytes());
            for (o, &id) in entry.ids.iter_mut().zip(&ids) {
                *o = id as u16;
            }
            // Two words of one hash: the first is kept, the other is tokenised
            // when it comes (the bytes are compared on every look-up).
            by_hash.entry(h).or_insert(entry);
        }
        KnownWords { by_hash }
    }

    /// Adds `w` times the rows of `ids` into `out`; returns how many were not
    /// `[UNK]` (which adds nothing).
    fn add_rows(&self, ids: impl IntoIterator<Item = u32>, w: f32, out: &mut [f32]) -> usize {
        debug_assert_eq!(out.len(), self.d);
        let unk = self.tokenizer.unk();
        let mut n = 0;
        for id in ids.into_iter().filter(|&id| id != unk) {
            n += 1;
            let id = id as usize;
            let (row, k) = (
                &self.rows[id * self.d..(id + 1) * self.d],
                w * self.scales[id],
            );
            for (o, &r) in out.iter_mut().zip(row) {
                *o += k * f32::from(r);
            }
        }
        n
    }

    /// Adds the rows of `text`'s tokens into `out`; returns how many tokens
    /// were not `[UNK]`.
    pub fn accumulate(&self, text: &str, out: &mut [f32], ids: &mut Vec<u32>) -> usize {
        ids.clear();
        self.tokenizer.tokenize(text, ids);
        self.add_rows(ids.iter().copied(), 1.0, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_words_have_the_tokens_wordpiece_gives_them() {
        let t = StaticEmbeddings::builtin(64).unwrap();
        let words = [
            "hotel",
            "headphones",
            "hôtel",
            "chaussures",
            "prochaine",
            "2024",
            "antidisestablishmentarianism",
        ];
        let weights = TermWeights::from_zipf(words.iter().map(|&w| (w, 4.5)));
        let known = t.known_words(&weights);
        let (mut ids, mut buf) = (Vec::new(), String::new());
        for w in words {
            ids.clear();
            t.tokenizer.tokenize_word(w, &mut buf, &mut ids);
            let h = murmur3_signed(w.as_bytes());
            match known.get(h, w) {
                Some(k) => {
                    assert_eq!(
                        k.ids().iter().map(|&i| u32::from(i)).collect::<Vec<_>>(),
                        ids
                    );
                    assert_eq!(k.w, weights.weight(h, w));
                }
                // Only words too long (or of too many tokens) to keep inline.
                None => assert!(w.len() > KNOWN_BYTES || ids.len() > KNOWN_IDS, "{w}"),
            }
        }
        assert!(known.len() >= 5);
        // Another word under a known word's hash is not given its tokens.
        assert!(known.get(murmur3_signed(b"hotel"), "hotels").is_none());
        assert!(known.get(murmur3_signed(b"unlisted"), "unlisted").is_none());
    }

    #[test]
    fn builtin_table_loads_and_relates_words() {
        let t = StaticEmbeddings::builtin(64).unwrap();
        assert_eq!(t.d(), 64);
        let emb = |s: &str| t.embed(s).expect(s);
        let cos = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        let phones = emb("noise cancelling headphones");
        let audio = emb("wireless earbuds with active noise cancellation");
        let flights = emb("cheap flights and hotels");
        assert!(cos(&phones, &audio) > cos(&phones, &flights) + 0.1);
        assert!(StaticEmbeddings::builtin(32).is_err());
        assert_eq!(StaticEmbeddings::builtin(128).unwrap().d(), 128);
    }

    #[test]
    fn rejects_a_damaged_table() {
        assert!(StaticEmbeddings::parse(b"nope", VOCAB_TXT).is_err());
        let cut = &TABLE_D64[..TABLE_D64.len() - 1];
        assert!(StaticEmbeddings::parse(cut, VOCAB_TXT).is_err());
    }
}
