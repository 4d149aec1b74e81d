//! Stage 4, query: one unit vector to search the catalog with, and the
//! topics of interest to explain the ads with. The turn counts 1, the
//! session's earlier turns `context_weight`, halved for each older one, and
//! the profile `profile_weight`, scaled down while it holds little.
//!
//! Plausible deniability (`guard.deniability_p`): with that probability one
//! of the profile's topics is swapped for a random one for this turn, its
//! direction in the profile vector with it, as the Topics API does.

use smallvec::SmallVec;

use crate::text::embed::splitmix64;
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
    /// The profile went into it.
    pub profile_used: bool,
    /// The conversation alone (this turn and the session's earlier turns),
    /// unit length; `None` when it is empty. The stale-interest guard asks
    /// whether it would have chosen an ad without the profile.
    pub conversation: Option<Vec<f32>>,
}

impl Engine {
    /// `None` when there is nothing to search with (no turn, no context, no
    /// profile, or they cancel out).
    pub(super) fn query(&self, turn: &Turn, memory: Memory, blocked: &[u16]) -> Option<Query> {
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
        let mut conversation = query.clone();
        let conversation = (normalize(&mut conversation) > 1e-6).then_some(conversation);
        let mut profile_used = false;
        if let Some((mut pv, mut ptopics)) = memory.profile {
            let p = self.config.guard.deniability_p;
            if p > 0.0 && !ptopics.is_empty() && self.random_unit() < p {
                self.swap_random_topic(&mut pv, &mut ptopics, blocked);
            }
            let mass = normalize(&mut pv);
            if mass > 1e-6 {
                profile_used = true;
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
            profile_used,
            conversation,
        })
    }

    /// The conversation's heaviest words: this turn's at their weight, the
    /// session's earlier turns' at `context_weight`, halved for each older one
    /// (as in the query vector); one entry a word, its largest weight.
    pub(super) fn conversation_terms(
        &self,
        turn: &Turn,
        context: &[crate::profile::ContextTurn],
    ) -> SmallVec<[(i32, f32); 16]> {
        let mut out: SmallVec<[(i32, f32); 16]> = turn.terms.iter().copied().collect();
        let mut w = self.config.rank.context_weight;
        for t in context {
            for &(h, x) in &t.terms {
                match out.iter_mut().find(|o| o.0 == h) {
                    Some(o) => o.1 = o.1.max(w * x),
                    None => out.push((h, w * x)),
                }
            }
            w *= 0.5;
        }
        out
    }

    /// A uniform number in [0, 1) (not for secrets: the guard's coin).
    pub(super) fn random_unit(&self) -> f32 {
        let x = splitmix64(
            self.rng
                .fetch_add(0x9E37_79B9_7F4A_7C15, std::sync::atomic::Ordering::Relaxed),
        );
        (x >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Replaces one of the profile's topics by a random taxonomy topic (one
    /// the profile does not hold and the user did not block): its weight moves
    /// to the new topic, and the vector's component along the old topic's
    /// direction moves to the new one's.
    pub(super) fn swap_random_topic(
        &self,
        pv: &mut [f32],
        ptopics: &mut [(u16, f32)],
        blocked: &[u16],
    ) {
        let n = self.topics.len();
        if n == 0 || ptopics.is_empty() {
            return;
        }
        let i = (self.random_unit() * ptopics.len() as f32) as usize % ptopics.len();
        let old = ptopics[i].0;
        let start = (self.random_unit() * n as f32) as usize % n;
        let usable = |t: u16| !ptopics.iter().any(|p| p.0 == t) && !self.is_blocked(t, blocked);
        let Some(new) = (0..n)
            .map(|k| ((start + k) % n) as u16)
            .find(|&t| usable(t))
        else {
            return;
        };
        let unit = |t: u16| {
            let mut v = self.topics.vector(t).to_vec();
            normalize(&mut v);
            v
        };
        let (u_old, u_new) = (unit(old), unit(new));
        let c = crate::catalog::dot(pv, &u_old);
        for ((x, a), b) in pv.iter_mut().zip(&u_old).zip(&u_new) {
            *x += c * (b - a);
        }
        ptopics[i].0 = new;
    }
}
