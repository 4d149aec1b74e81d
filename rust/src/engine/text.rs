//! Stage 2, text: the message as a vector in the embedding space and the
//! taxonomy topics it hits (`crate::text`). Nothing else of it is kept.

use crate::text::embed::TopicHits;

use super::Engine;

/// Result of ingesting one turn.
pub struct Turn {
    pub vector: Option<Vec<f32>>,
    pub hits: TopicHits,
}

impl Turn {
    /// A turn that carries nothing: what a sensitive turn becomes.
    pub(super) fn empty() -> Self {
        Turn {
            vector: None,
            hits: TopicHits::default(),
        }
    }
}

impl Engine {
    pub(super) fn embed_turn(&self, message: &str) -> Turn {
        let (vector, hits) = self.embedder.embed(message);
        Turn { vector, hits }
    }
}
