//! Stage 6, filters and the guard: which candidates this user may be shown
//! on this turn, and which are damped.
//!
//! An ad goes when the user hid it (or its advertiser), when it is under a
//! topic the user blocked (declared or found in its text), when the request
//! blocks its category or advertiser (bcat / badv), when it touches a
//! sensitive category and the selection is personalised, when a frequency
//! cap is reached (per ad, advertiser or campaign, over a sliding window),
//! or when it was shown on the session's previous turn.
//!
//! The creepiness ceiling damps (multiplies the eCPM of) two kinds of ads:
//! one chosen only because of an interest last heard of long ago while the
//! conversation is about something else, and one whose text echoes the
//! conversation's rare words verbatim.

use std::sync::Arc;

use smallvec::SmallVec;

use crate::catalog::{dot, AdRecord};
use crate::privacy::consent::reason;
use crate::privacy::ledger::Controls;
use crate::profile::{CapCounts, Key, SessionAds};
use crate::rank::{Blocklists, Candidate};
use crate::wire;

use super::query::Query;
use super::Engine;

/// A turn's controls: the user's, with blocked topics as taxonomy indices.
#[derive(Default)]
pub(super) struct TurnControls {
    pub user: Option<Arc<Controls>>,
    /// Blocked topics (indices); each blocks its subtopics too.
    pub blocked: SmallVec<[u16; 4]>,
}

/// What shaped the turn's answer, for its reasons.
#[derive(Default)]
pub(super) struct Shaped {
    pub hidden: bool,
    pub blocked: bool,
    pub capped: bool,
    pub repeat: bool,
    pub stale: bool,
    pub echo: bool,
}

impl Shaped {
    pub fn reasons(&self, out: &mut Vec<String>) {
        for (on, r) in [
            (self.hidden, reason::AD_HIDDEN_BY_USER),
            (self.blocked, reason::TOPIC_BLOCKED_BY_USER),
            (self.capped, reason::FREQUENCY_CAPPED),
            (self.repeat, reason::REPEAT_SUPPRESSED),
            (self.stale, reason::STALE_INTEREST_DAMPED),
            (self.echo, reason::ECHO_DAMPED),
        ] {
            if on && !out.iter().any(|o| o == r) {
                out.push(r.into());
            }
        }
    }
}

/// What the filters need to know of the turn besides the candidates.
pub(super) struct FilterInput<'a> {
    pub req: &'a wire::ScoreRequest,
    pub user: &'a Key,
    pub controls: &'a TurnControls,
    pub query: &'a Query,
    /// Hashes of the conversation's rare words (this turn and the session's).
    pub rare: &'a [i32],
    /// The conversation's heaviest words (hash, weight), for lexical matching.
    pub terms: &'a [(i32, f32)],
    /// The session's ads before this turn (when what is shown is recorded).
    pub session: Option<&'a SessionAds>,
    /// Frequency caps apply (what is shown is recorded for this user).
    pub record: bool,
    pub now: f64,
}

impl Engine {
    /// Blocked topics of a user's controls, as taxonomy indices.
    pub(super) fn blocked_topics(&self, controls: Option<&Controls>) -> SmallVec<[u16; 4]> {
        controls.map_or_else(SmallVec::new, |c| {
            c.blocked_topics
                .iter()
                .filter_map(|&(id, _)| self.topics.index_of(id))
                .collect()
        })
    }

    /// Whether topic `t` is, or is under, a blocked topic.
    pub(super) fn is_blocked(&self, t: u16, blocked: &[u16]) -> bool {
        blocked
            .iter()
            .any(|&b| self.topics.is_ancestor_or_self(b, t))
    }

    /// Whether a turn's topic evidence touches a blocked topic.
    pub(super) fn touches_blocked(
        &self,
        hits: &crate::text::embed::TopicHits,
        blocked: &[u16],
    ) -> bool {
        !blocked.is_empty() && hits.0.iter().any(|&(t, _)| self.is_blocked(t, blocked))
    }

    /// Whether an ad is under a blocked topic (declared, or found in its text).
    fn ad_blocked(&self, ad: &AdRecord, blocked: &[u16]) -> bool {
        !blocked.is_empty()
            && ad
                .topic_idx
                .iter()
                .chain(&ad.inferred_topics)
                .any(|&t| self.is_blocked(t, blocked))
    }

    fn ad_hidden(ad: &AdRecord, controls: Option<&Controls>) -> bool {
        controls.is_some_and(|c| {
            c.hidden_ads.iter().any(|(id, _)| *id == ad.ad_id)
                || c.hidden_advertisers
                    .iter()
                    .any(|(a, _)| *a == ad.advertiser)
        })
    }

    pub(super) fn eligible(
        &self,
        candidates: Vec<(Arc<AdRecord>, f32)>,
        input: &FilterInput<'_>,
        shaped: &mut Shaped,
    ) -> Vec<Candidate> {
        let blocks = Blocklists::new(&input.req.bcat, &input.req.badv);
        let min_rel = self.config.rank.min_relevance;
        let controls = input.controls.user.as_deref();
        let caps: Option<CapCounts> = input.record.then(|| {
            let ads = candidates.iter().map(|(ad, _)| &**ad);
            self.profiles.cap_counts(input.user, input.now, ads)
        });
        let g = &self.config.guard;
        let previous: &[u32] = match input.session {
            Some(s) if g.no_consecutive_repeat && s.last_ads_turn + 1 == s.turn => &s.last_ads,
            _ => &[],
        };
        // The stale-interest guard: profile topics and when each was last heard of.
        let seen: Vec<(u16, u32)> = if input.query.profile_used {
            self.profiles.topics_seen(input.user)
        } else {
            Vec::new()
        };
        // The candidates' records and word lists are scattered through the
        // catalog: fetch them in a loop whose reads do not depend on each
        // other, so their cache misses overlap instead of coming one by one.
        std::hint::black_box(candidates.iter().fold(0, |a, (ad, _)| a ^ ad.words.touch()));
        let mut out = Vec::with_capacity(candidates.len());
        let alpha = self.config.rank.lexical_weight;
        let total: f32 = input.terms.iter().map(|t| t.1).sum();
        for (ad, cosine) in candidates {
            // Blend in the lexical overlap: the share of the conversation's
            // informative weight that the ad's own words cover.
            let relevance = if alpha > 0.0 && total > 0.0 {
                let covered: f32 = input
                    .terms
                    .iter()
                    .filter(|(h, _)| ad.words.contains(*h))
                    .map(|t| t.1)
                    .sum();
                (1.0 - alpha) * cosine + alpha * covered / total
            } else {
                cosine
            };
            // Sensitive ads are never chosen on a personalised basis (DSA Art. 26(3)).
            if blocks.blocks(&ad) || (input.query.personalized && !ad.sensitive.is_empty()) {
                continue;
            }
            let counts = cosine >= min_rel;
            if Self::ad_hidden(&ad, controls) {
                shaped.hidden |= counts;
                continue;
            }
            if self.ad_blocked(&ad, &input.controls.blocked) {
                shaped.blocked |= counts;
                continue;
            }
            if caps
                .as_ref()
                .is_some_and(|c| c.capped(&ad, &self.config.profile))
            {
                shaped.capped |= counts;
                continue;
            }
            if previous.contains(&ad.cap_key) {
                shaped.repeat |= counts;
                continue;
            }
            let mut damping = 1.0f32;
            if self.stale_interest(&ad, cosine, input.query, &seen, input.now) {
                damping *= g.stale_damping;
                shaped.stale |= counts;
            }
            if g.echo_min_words > 0 && echoes(&ad, input.rare) >= g.echo_min_words as usize {
                damping *= g.echo_damping;
                shaped.echo |= counts;
            }
            out.push(Candidate {
                ad,
                relevance,
                cosine,
                damping,
            });
        }
        out
    }

    /// An ad the conversation alone would not have chosen (its similarity to
    /// this turn and the session is below `min_relevance`, or below half its
    /// similarity to the whole query: the profile brought it) whose topics in
    /// the profile were all last heard of more than `stale_interest_s` ago.
    /// An ad that shares no topic with the profile is not judged.
    fn stale_interest(
        &self,
        ad: &AdRecord,
        relevance: f32,
        query: &Query,
        seen: &[(u16, u32)],
        now: f64,
    ) -> bool {
        if seen.is_empty() {
            return false;
        }
        let rc = query
            .conversation
            .as_ref()
            .map_or(-1.0, |c| dot(c, &ad.embedding));
        if rc >= self.config.rank.min_relevance.max(0.5 * relevance) {
            return false;
        }
        let newest = seen
            .iter()
            .filter(|&&(t, _)| {
                ad.topic_idx.iter().chain(&ad.inferred_topics).any(|&a| {
                    self.topics.is_ancestor_or_self(a, t) || self.topics.is_ancestor_or_self(t, a)
                })
            })
            .map(|&(_, s)| s)
            .max();
        newest.is_some_and(|s| now - f64::from(s) > self.config.guard.stale_interest_s)
    }
}

/// How many of the conversation's rare words the ad's text contains.
fn echoes(ad: &AdRecord, rare: &[i32]) -> usize {
    rare.iter().filter(|&&h| ad.words.contains(h)).count()
}
