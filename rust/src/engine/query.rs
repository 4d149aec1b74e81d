//! Stage 4, query: one unit vector to search the catalog with, and the
//! topics of interest to explain the ads with. The turn counts 1, the
//! session's earlier turns `context_weight`, halved for each older one, and
//! the profile `profile_weight`, scaled down while it holds little.

use crate::text::topics::normalize;

use super::profile::Memory;
use super::text::Turn;
use super::Engine;

pub(super) struct Query {
    /// Unit length.
    pub vector: Vec<f32>,
    /// Topic weights, strongest first.
    pub interest: Vec<(u16, f32)>,
    /// The session or the profile went into it, not only this turn.
    pub personalized: bool,
}

impl Engine {
    /// `None` when there is nothing to search with (no turn, no context, no
    /// profile, or they cancel out).
    pub(super) fn query(&self, turn: &Turn, memory: Memory) -> Option<Query> {
        let rc = &self.config.rank;
        let mut query = vec![0f32; self.config.d];
        let mut interest: Vec<(u16, f32)> = Vec::new();
        let mut add_interest = |hits: &[(u16, f32)], w: f32| {
            for &(t, x) in hits {
                match interest.iter_mut().find(|e| e.0 == t) {
                    Some(e) => e.1 += w * x,
                    None => interest.push((t, w * x)),
                }
            }
        };
        if let Some(v) = &turn.vector {
            query.iter_mut().zip(v).for_each(|(q, x)| *q += x);
            add_interest(&turn.hits.0, 1.0);
        }
        let mut personalized = false;
        let mut w = rc.context_weight;
        for t in &memory.context {
            query
                .iter_mut()
                .zip(t.vector.iter())
                .for_each(|(q, x)| *q += w * x);
            add_interest(&t.topics.0, w);
            w *= 0.5;
            personalized = true;
        }
        if let Some((mut pv, ptopics)) = memory.profile {
            let mass = normalize(&mut pv);
            if mass > 1e-6 {
                let w = rc.profile_weight * mass.min(1.0);
                query.iter_mut().zip(&pv).for_each(|(q, x)| *q += w * x);
                let total: f32 = ptopics.iter().map(|t| t.1).sum::<f32>().max(1e-6);
                let normalized: Vec<(u16, f32)> =
                    ptopics.iter().map(|&(t, x)| (t, x / total)).collect();
                add_interest(&normalized, w);
                personalized = true;
            }
        }
        interest.sort_by(|a, b| b.1.total_cmp(&a.1));
        if normalize(&mut query) <= 1e-6 {
            return None;
        }
        Some(Query {
            vector: query,
            interest,
            personalized,
        })
    }
}
