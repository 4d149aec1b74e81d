//! Stage 2, text: the message as a vector in the embedding space, the
//! taxonomy topics it hits and the hashes of its rare words (`crate::text`).
//! Nothing else of it is kept.

use smallvec::SmallVec;

use crate::text::embed::TopicHits;

use super::Engine;

/// Result of ingesting one turn.
pub struct Turn {
    pub vector: Option<Vec<f32>>,
    pub hits: TopicHits,
    /// Hashes of the turn's rare words (the echo guard's evidence).
    pub rare: SmallVec<[i32; 4]>,
    /// The turn's heaviest words: (hash, term weight), for lexical matching.
    pub terms: SmallVec<[(i32, f32); 8]>,
}

impl Turn {
    /// A turn that carries nothing: what a sensitive turn becomes.
    pub(super) fn empty() -> Self {
        Turn {
            vector: None,
            hits: TopicHits::default(),
            rare: SmallVec::new(),
            terms: SmallVec::new(),
        }
    }
}

/// With the semantic model, a turn whose words weigh less than this in total
/// counts in proportion (in the query, the session context and the profile):
/// a short follow-up ("and for kids?") leans on the conversation instead of
/// steering it alone.
pub const FULL_TURN_WEIGHT: f32 = 2.0;

impl Engine {
    pub(super) fn embed_turn(&self, message: &str) -> Turn {
        let t = self.embedder.embed_turn(message);
        let mut vector = t.vector;
        if self.embedder.semantic.is_some() {
            let c = (t.total / FULL_TURN_WEIGHT).clamp(0.05, 1.0);
            if let Some(v) = vector.as_mut() {
                v.iter_mut().for_each(|x| *x *= c);
            }
        }
        Turn {
            vector,
            hits: t.hits,
            rare: t.rare,
            terms: t.terms,
        }
    }
}
