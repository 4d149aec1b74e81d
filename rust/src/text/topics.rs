//! The Topics taxonomy v2 and the topic lexicon.
//!
//! The taxonomy (469 topics, chosen by its authors to hold no sensitive
//! categories) names every interest the engine can explain. The lexicon maps
//! English and French words to topics; a word found in it pulls the text
//! toward its topic's vector, so "flight" and "hôtel" land near each other even
//! though they share no letters. Both files ship inside the crate.

use rustc_hash::FxHashMap as HashMap;

use crate::error::{CoreError, Result};
use crate::text::hashing::murmur3_signed;

pub const TAXONOMY_TSV: &str = include_str!("../../data/topics_taxonomy_v2.tsv");
pub const LEXICON_TSV: &str = include_str!("../../data/topic_lexicon.tsv");

/// Weight of a topic's parent (and, squared, its grandparent) in the topic's vector.
const ANCESTOR_WEIGHT: f32 = 0.5;

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: u32,
    pub path: String,
    /// Index of the parent topic, if any.
    pub parent: Option<u16>,
}

/// Taxonomy, lexicon and one vector per topic in the embedding space.
#[derive(Debug, Clone)]
pub struct Topics {
    topics: Vec<Topic>,
    index_of: HashMap<u32, u16>,
    /// word hash -> topic indices.
    lexicon: HashMap<i32, Vec<u16>>,
    /// `topics.len() x d`, each row a unit vector that leans toward its ancestors.
    vectors: Vec<f32>,
    d: usize,
}

impl Topics {
    /// The built-in taxonomy and lexicon, with vectors of dimension `d`.
    pub fn builtin(d: usize, seed: u64) -> Result<Self> {
        Self::parse(TAXONOMY_TSV, LEXICON_TSV, d, seed)
    }

    pub fn parse(taxonomy_tsv: &str, lexicon_tsv: &str, d: usize, seed: u64) -> Result<Self> {
        let mut topics = Vec::new();
        let mut by_path: HashMap<String, u16> = HashMap::default();
        let mut index_of = HashMap::default();
        for (lineno, line) in taxonomy_tsv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let (id, path) = line.split_once('\t').ok_or_else(|| {
                CoreError::Internal(format!("taxonomy line {}: no tab", lineno + 1))
            })?;
            let id: u32 = id.trim().parse().map_err(|_| {
                CoreError::Internal(format!("taxonomy line {}: bad id", lineno + 1))
            })?;
            let idx = topics.len() as u16;
            index_of.insert(id, idx);
            by_path.insert(path.trim().to_owned(), idx);
            topics.push(Topic {
                id,
                path: path.trim().to_owned(),
                parent: None,
            });
        }
        for t in topics.iter_mut() {
            if let Some((parent, _)) = t.path.rsplit_once('/') {
                t.parent = by_path.get(parent).copied();
            }
        }
        let mut lexicon: HashMap<i32, Vec<u16>> = HashMap::default();
        for (lineno, line) in lexicon_tsv.lines().enumerate().skip(1) {
            let mut cols = line.split('\t');
            let (Some(id), Some(_lang), Some(word)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let id: u32 = id.trim().parse().map_err(|_| {
                CoreError::Internal(format!("lexicon line {}: bad topic id", lineno + 1))
            })?;
            let idx = *index_of.get(&id).ok_or_else(|| {
                CoreError::Internal(format!("lexicon line {}: unknown topic {id}", lineno + 1))
            })?;
            let word = super::tokenize::lowercase(word.trim());
            let entry = lexicon.entry(murmur3_signed(word.as_bytes())).or_default();
            if !entry.contains(&idx) {
                entry.push(idx);
            }
        }
        let mut this = Topics {
            topics,
            index_of,
            lexicon,
            vectors: Vec::new(),
            d,
        };
        this.vectors = this.make_vectors(seed);
        Ok(this)
    }

    fn make_vectors(&self, seed: u64) -> Vec<f32> {
        let d = self.d;
        let raw: Vec<Vec<f32>> = (0..self.topics.len())
            .map(|i| {
                let mut v = gaussian_vector(
                    seed ^ 0x0070_91c5_u64.wrapping_mul(self.topics[i].id as u64 + 1),
                    d,
                );
                normalize(&mut v);
                v
            })
            .collect();
        self.blend_ancestors(&raw)
    }

    /// Topic vectors from the topics' own names in a text space (the
    /// semantic model: each topic's centroid is the embedding of its leaf
    /// name, leaning toward its ancestors'), instead of random directions.
    /// (Every taxonomy name has known tokens; a name `embed` could not place
    /// would start from its current vector.)
    pub fn place_by_name(&mut self, embed: impl Fn(&str) -> Option<Vec<f32>>) {
        let d = self.d;
        let raw: Vec<Vec<f32>> = (0..self.topics.len())
            .map(|i| {
                let leaf = self.topics[i].path.rsplit('/').next().unwrap_or_default();
                match embed(leaf) {
                    Some(v) if v.len() == d => v,
                    _ => self.vectors[i * d..(i + 1) * d].to_vec(),
                }
            })
            .collect();
        self.vectors = self.blend_ancestors(&raw);
    }

    fn blend_ancestors(&self, raw: &[Vec<f32>]) -> Vec<f32> {
        let d = self.d;
        let mut out = vec![0f32; self.topics.len() * d];
        for i in 0..self.topics.len() {
            let row = &mut out[i * d..(i + 1) * d];
            let mut cur = Some(i as u16);
            let mut w = 1.0f32;
            while let Some(c) = cur {
                for (o, r) in row.iter_mut().zip(&raw[c as usize]) {
                    *o += w * r;
                }
                w *= ANCESTOR_WEIGHT;
                cur = self.topics[c as usize].parent;
            }
            normalize(row);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.topics.len()
    }
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }
    pub fn lexicon_len(&self) -> usize {
        self.lexicon.len()
    }
    pub fn get(&self, idx: u16) -> &Topic {
        &self.topics[idx as usize]
    }
    pub fn index_of(&self, id: u32) -> Option<u16> {
        self.index_of.get(&id).copied()
    }
    pub fn all(&self) -> &[Topic] {
        &self.topics
    }
    #[inline]
    pub fn lookup(&self, word_hash: i32) -> &[u16] {
        self.lexicon
            .get(&word_hash)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    #[inline]
    pub fn vector(&self, idx: u16) -> &[f32] {
        &self.vectors[idx as usize * self.d..(idx as usize + 1) * self.d]
    }
    /// `a` is `b` or one of its ancestors.
    pub fn is_ancestor_or_self(&self, a: u16, b: u16) -> bool {
        let mut cur = Some(b);
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            cur = self.topics[c as usize].parent;
        }
        false
    }
}

/// Deterministic standard-normal vector (splitmix64 + Box-Muller).
fn gaussian_vector(seed: u64, d: usize) -> Vec<f32> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let x = super::embed::splitmix64(state);
        ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..d)
        .map(|_| {
            let (u1, u2) = (next(), next());
            ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
        })
        .collect()
}

pub fn normalize(v: &mut [f32]) -> f32 {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAX: &str = "id\tpath\n1\t/Travel\n2\t/Travel/Air Travel\n3\t/Sports\n";
    const LEX: &str = "topic_id\tlang\tword\n2\ten\tflight\n2\tfr\tvol\n3\ten\trunning\n";

    #[test]
    fn parents_lexicon_and_vectors() {
        let t = Topics::parse(TAX, LEX, 64, 1).unwrap();
        assert_eq!(t.len(), 3);
        let air = t.index_of(2).unwrap();
        assert_eq!(t.get(air).parent, t.index_of(1));
        assert!(t.is_ancestor_or_self(t.index_of(1).unwrap(), air));
        assert!(!t.is_ancestor_or_self(air, t.index_of(1).unwrap()));
        assert_eq!(t.lookup(murmur3_signed(b"vol")), &[air]);
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        let (v_air, v_travel, v_sport) = (
            t.vector(air),
            t.vector(t.index_of(1).unwrap()),
            t.vector(t.index_of(3).unwrap()),
        );
        assert!((dot(v_air, v_air) - 1.0).abs() < 1e-5);
        // A child leans toward its parent more than toward an unrelated topic.
        assert!(dot(v_air, v_travel) > dot(v_air, v_sport) + 0.2);
    }

    #[test]
    fn builtin_files_parse() {
        let t = Topics::builtin(64, 7).unwrap();
        assert_eq!(t.len(), 469);
        assert!(
            t.lexicon_len() > 1000,
            "lexicon has {} words",
            t.lexicon_len()
        );
    }

    #[test]
    fn unknown_topic_in_lexicon_is_an_error() {
        assert!(Topics::parse(TAX, "h\n99\ten\tx\n", 8, 1).is_err());
    }
}
