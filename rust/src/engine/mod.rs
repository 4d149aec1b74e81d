//! The engine: one chat turn from request to ranked, explained ads.
//!
//! `Engine` ties the text pipeline, the profile store, the catalog and the
//! ranking together and validates everything that comes from outside. It
//! knows nothing of Python; `py/` wraps it.
//!
//! One turn, [`Engine::score`], runs these stages in this order, one file
//! each; every "no" on the way leaves a reason on the response:
//!
//! ```text
//!   ScoreRequest
//!     │  validate     limits on what a caller may send            validate.rs
//!   1 consent         what may be used: TCF / GPP, COPPA, minor,  consent.rs
//!     │               opt-out, sensitive turn → TurnPolicy
//!   2 text            message → vector + topics; a sensitive      text.rs
//!     │               turn is never embedded
//!   3 profile         session context and profile as they were,   profile.rs
//!     │               then learn this turn (if allowed)
//!     ├─ may not serve ───────────────────────────────▶ no ads
//!   4 query           turn + context + profile → one query        query.rs
//!     │               vector and the interest topics
//!     ├─ nothing to search with ──────────────────────▶ no ads
//!   5 candidates      ANN search of the catalog → ad records      candidates.rs
//!   6 filters         frequency caps, bcat / badv, no sensitive   filters.rs
//!     │               ad on a personalised basis
//!   7 rank            eCPM = bid × pCTR, advertiser diversity     crate::rank
//!   8 explain         shared topics and a sentence per ad         explain.rs
//!     ▼
//!   ScoreResponse     ads, personalization, reasons
//! ```
//!
//! Around the turn: `catalog.rs` validates and stores ads, `privacy.rs`
//! answers users (forget, opt out, what is held, why this ad), `durable.rs`
//! keeps the catalog and profiles across restarts, `config.rs` holds the
//! settings.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use crate::catalog::Catalog;
use crate::durable::Wal;
use crate::error::{CoreError, Result};
use crate::privacy::consent::{reason, ConsentPolicy};
use crate::privacy::ledger::PrivacyLedger;
use crate::privacy::sensitive::SensitiveGuard;
use crate::profile::{KeyHasher, ProfileStore};
use crate::rank;
use crate::text::embed::Embedder;
use crate::text::semantic::StaticEmbeddings;
use crate::text::topics::Topics;
use crate::text::weights::TermWeights;
use crate::wire;

mod config;
mod validate;

// The stages of a turn, in the order they run (a comment apiece keeps
// rustfmt from sorting them).
// 1. what may be used
mod consent;
// 2. the message as a vector and topics
mod text;
// 3. what is remembered, and learning
mod profile;
// 4. what to search with
mod query;
// 5. ANN search
mod candidates;
// 6. what may be shown (7, ranking, is `crate::rank`)
mod filters;
// 8. why each ad
mod explain;

// Around the turn.
mod catalog;
mod durable;
mod privacy;

#[cfg(test)]
mod tests;

pub use config::{
    EngineConfig, Limits, SensitiveTurnAds, TextModel, PANIC_REQUEST_ID, SLEEP_REQUEST_PREFIX,
};
pub use durable::{CATALOG_LOG, CATALOG_SNAPSHOT, PROFILE_SNAPSHOT};
pub use text::Turn;
pub(crate) use validate::check_batch;

pub struct Engine {
    pub config: EngineConfig,
    pub embedder: Embedder,
    pub topics: Arc<Topics>,
    pub profiles: ProfileStore,
    pub catalog: Catalog,
    pub consent: ConsentPolicy,
    pub guard: Arc<SensitiveGuard>,
    pub ledger: PrivacyLedger,
    keys: KeyHasher,
    /// The catalog's write-ahead log (with a data directory).
    wal: Option<Wal>,
    /// Orders catalog writes: log append and apply happen under it together.
    catalog_writes: Mutex<()>,
    /// Unix ms of the last snapshot (0 = none yet).
    last_snapshot_ms: AtomicU64,
    /// What recovery found at start-up (damaged files, fallbacks), for the log.
    pub recovery: Vec<String>,
    /// Turns that reached scoring since start (after validation).
    pub turns_scored: AtomicU64,
}

impl Engine {
    pub fn new(config: EngineConfig, weights: TermWeights) -> Result<Self> {
        config.hashing.validate()?;
        if !(2..=4096).contains(&config.d) {
            return Err(CoreError::invalid(
                "d",
                format!("must be in 2..=4096, got {}", config.d),
            ));
        }
        if !(config.profile.half_life_s.is_finite() && config.profile.half_life_s > 0.0) {
            return Err(CoreError::invalid(
                "half_life_s",
                "must be a positive number of seconds",
            ));
        }
        if config.secret.len() < 16 {
            return Err(CoreError::invalid("secret", "must be at least 16 bytes"));
        }
        let mut topics = Topics::builtin(config.d, config.seed)?;
        let semantic = match config.text_model {
            TextModel::Hashing => None,
            TextModel::Semantic => Some(StaticEmbeddings::builtin(config.d)?),
        };
        if let Some(sem) = &semantic {
            // Topic vectors from the taxonomy's names, in the same space.
            topics.place_by_name(|name| sem.embed(name));
        }
        let topics = Arc::new(topics);
        let embedder = Embedder {
            hashing: config.hashing.clone(),
            weights: Arc::new(weights),
            topics: topics.clone(),
            d: config.d,
            seed: config.seed,
            semantic,
            mix: config.text_mix,
        };
        // Fail on a bad factory string now, not at the first fold.
        if config.catalog.index_factory != "auto" {
            crate::catalog::AnnIndex::build(
                config.d,
                &config.catalog.index_factory,
                crate::catalog::HnswParams::default(),
                &[],
                &[],
                0,
            )?;
        }
        let ledger = match &config.data_dir {
            Some(dir) => PrivacyLedger::open(dir)?,
            None => PrivacyLedger::in_memory(),
        };
        let mut engine = Self {
            wal: None,
            catalog_writes: Mutex::new(()),
            last_snapshot_ms: AtomicU64::new(0),
            turns_scored: AtomicU64::new(0),
            recovery: Vec::new(),
            profiles: ProfileStore::new(config.d, config.profile.clone()),
            catalog: Catalog::new(config.d, config.catalog.clone()),
            consent: ConsentPolicy::new(config.consent.clone()),
            guard: SensitiveGuard::builtin()?,
            ledger,
            keys: KeyHasher::new(&config.secret),
            embedder,
            topics,
            config,
        };
        if let Some(dir) = engine.config.data_dir.clone() {
            engine.recover(&dir)?;
        }
        Ok(engine)
    }

    /// Scores one chat turn: decide what may be used, learn from the turn if
    /// allowed, select and rank ads, explain them. The stages are those of
    /// the module documentation, in order.
    pub fn score(&self, req: &wire::ScoreRequest, now: f64) -> Result<wire::ScoreResponse> {
        let started = Instant::now();
        validate::validate_score(req, &self.config.limits)?;
        if self.config.fault_injection {
            config::inject_fault(&req.request_id);
        }
        self.turns_scored.fetch_add(1, Ordering::Relaxed);
        let user = self.keys.user(&req.user_id);
        let session = self.keys.session(&req.user_id, &req.session_id);

        // 1. What may be used.
        let mut policy = self.turn_policy(req, &user);
        // 2. The turn's text; a sensitive turn is never embedded, stored or used.
        let turn = if policy.sensitive {
            Turn::empty()
        } else {
            self.embed_turn(&req.message)
        };
        // 3. What was remembered before this turn; then this turn is learnt.
        let memory = self.recall(&user, &session, policy.may_use, now);
        let learned = policy.may_update && self.learn(&user, &session, &turn, now, policy.basis);
        let mut response = wire::ScoreResponse {
            request_id: req.request_id.clone(),
            profile_updated: learned,
            ..Default::default()
        };
        if !policy.may_serve {
            response.set_personalization(wire::Personalization::None);
            return Ok(finish(response, policy.reasons, started));
        }

        // 4. One query from the turn, the session and the profile.
        let Some(query) = self.query(&turn, memory) else {
            policy.reasons.push(reason::NO_CONTEXT.into());
            response.set_personalization(wire::Personalization::None);
            return Ok(finish(response, policy.reasons, started));
        };
        // 5. The ads nearest the query.
        let max_ads = req.max_ads as usize;
        let candidates = self.candidates(&query.vector, max_ads)?;
        // 6. Those this user may be shown on this turn.
        let eligible = self.eligible(
            candidates,
            req,
            &user,
            policy.may_use,
            query.personalized,
            now,
        );
        // 7. The best of them; what is shown counts towards the frequency caps.
        let ranked = rank::rank(eligible, max_ads, &self.config.rank);
        if policy.may_update {
            self.count_impressions(&user, &ranked, now);
        }

        // 8. Why these ads, and why not more.
        if ranked.is_empty() {
            policy.reasons.push(reason::NO_RELEVANT_ADS.into());
        }
        if policy.may_use && !query.personalized {
            policy.reasons.push(reason::NO_PROFILE_YET.into());
        }
        let basis = explain::personalization(&ranked, query.personalized);
        response.ads = ranked
            .iter()
            .map(|r| self.scored_ad(r, &query.interest, basis))
            .collect();
        response.set_personalization(basis);
        Ok(finish(response, policy.reasons, started))
    }
}

/// The response with its reasons and the time the turn took.
fn finish(
    mut response: wire::ScoreResponse,
    reasons: Vec<String>,
    started: Instant,
) -> wire::ScoreResponse {
    response.reasons = reasons;
    response.took_us = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
    response
}

/// Unix ms of a time in seconds, as the ledger and snapshots store it.
fn unix_ms(now: f64) -> u64 {
    (now.max(0.0) * 1000.0) as u64
}
