//! Stage 6, filters: which candidates this user may be shown on this turn.
//! An ad goes when the user has seen it `freq_cap` times (counted only when
//! the profile may be used), when the request blocks its category or
//! advertiser (bcat / badv), or when it touches a sensitive category and the
//! selection is personalised.

use std::sync::Arc;

use crate::catalog::AdRecord;
use crate::profile::Key;
use crate::rank::{Blocklists, Ranked};
use crate::wire;

use super::Engine;

impl Engine {
    pub(super) fn eligible(
        &self,
        candidates: Vec<(Arc<AdRecord>, f32)>,
        req: &wire::ScoreRequest,
        user: &Key,
        may_use: bool,
        personalized: bool,
        now: f64,
    ) -> Vec<(Arc<AdRecord>, f32)> {
        let blocks = Blocklists::new(&req.bcat, &req.badv);
        let capped = if may_use {
            let keys: Vec<u32> = candidates.iter().map(|(a, _)| a.cap_key).collect();
            self.profiles.capped(user, &keys, now)
        } else {
            vec![false; candidates.len()]
        };
        candidates
            .into_iter()
            .zip(capped)
            // Sensitive ads are never chosen on a personalised basis (DSA Art. 26(3)).
            .filter(|((ad, _), capped)| {
                !capped && !blocks.blocks(ad) && (!personalized || ad.sensitive.is_empty())
            })
            .map(|(c, _)| c)
            .collect()
    }

    /// Counts the ads shown towards their frequency caps.
    pub(super) fn count_impressions(&self, user: &Key, ranked: &[Ranked], now: f64) {
        let shown: Vec<u32> = ranked.iter().map(|r| r.ad.cap_key).collect();
        self.profiles.record_impressions(user, &shown, now);
    }
}
