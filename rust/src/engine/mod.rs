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
//!     │               opt-out, the user's level, sensitive turn → TurnPolicy
//!   2 text            message → vector + topics; a sensitive      text.rs
//!     │               turn is never embedded, a blocked topic's turn never used
//!   3 profile         session context and profile as they were,   profile.rs
//!     │               then learn this turn (if allowed)
//!     ├─ may not serve ───────────────────────────────▶ no ads
//!   4 query           turn + context + profile → one query        query.rs
//!     │               vector and the interest topics
//!     ├─ nothing to search with ──────────────────────▶ no ads
//!   5 candidates      ANN search of the catalog → ad records      candidates.rs
//!     ├─ ad load reached (session) ───────────────────▶ no ads
//!   6 filters         hidden ads, blocked topics, bcat / badv,    filters.rs
//!     │               no sensitive ad on a personalised basis,
//!     │               frequency caps, no repeat on the next turn;
//!     │               damping of stale-interest and echoing ads
//!   7 rank            eCPM = bid × pCTR × damping, diversity      crate::rank
//!   8 explain         shared topics and a sentence per ad         explain.rs
//!     ▼
//!   ScoreResponse     ads, personalization, reasons
//! ```
//!
//! Around the turn: `catalog.rs` validates and stores ads, `privacy.rs`
//! answers users (forget, opt out, what is held, why this ad), `controls.rs`
//! takes their controls (hide, block, level, ad history, control links), `durable.rs`
//! keeps the catalog and profiles across restarts, `config.rs` holds the
//! settings.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use smallvec::SmallVec;

use crate::catalog::Catalog;
use crate::durable::Wal;
use crate::error::{CoreError, Result};
use crate::privacy::consent::{reason, ConsentPolicy};
use crate::privacy::ledger::PrivacyLedger;
use crate::privacy::sensitive::SensitiveGuard;
use crate::profile::{Impression, KeyHasher, ProfileStore};
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
mod controls;
mod durable;
mod privacy;
mod store;

#[cfg(test)]
mod tests;

pub use config::{
    EngineConfig, GuardConfig, Limits, MinorAds, SensitiveTurnAds, StoreConfig, TextModel,
    PANIC_REQUEST_ID, SLEEP_REQUEST_PREFIX,
};
pub use controls::LINK_TTL_DEFAULT_S;
pub use durable::{CATALOG_LOG, CATALOG_SNAPSHOT, PROFILE_SNAPSHOT};
pub use store::spawn_catalog_follower;
pub use text::Turn;
pub(crate) use validate::check_batch;

pub struct Engine {
    pub config: EngineConfig,
    pub embedder: Embedder,
    pub topics: Arc<Topics>,
    pub profiles: Arc<ProfileStore>,
    pub catalog: Catalog,
    pub consent: ConsentPolicy,
    pub guard: Arc<SensitiveGuard>,
    pub ledger: Arc<PrivacyLedger>,
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
    /// State of the guard's coin (plausible deniability).
    rng: AtomicU64,
    /// Key of the control links' HMAC (derived from the secret).
    link_key: Vec<u8>,
    /// The shared state store (Redis); `None` = embedded.
    pub shared: Option<crate::state::Shared>,
    /// The last catalog stream entry applied here, and the one in the
    /// store's snapshot this replica last wrote.
    catalog_position: Mutex<String>,
    catalog_snapshotted: Mutex<String>,
}

impl Engine {
    pub fn new(config: EngineConfig, weights: TermWeights) -> Result<Self> {
        config.hashing.validate()?;
        config.guard.validate()?;
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
        let known = Arc::new(
            semantic
                .as_ref()
                .map(|sem| sem.known_words(&weights))
                .unwrap_or_default(),
        );
        let embedder = Embedder {
            hashing: config.hashing.clone(),
            weights: Arc::new(weights),
            topics: topics.clone(),
            d: config.d,
            seed: config.seed,
            semantic,
            known,
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
        let profiles = Arc::new(ProfileStore::new(config.d, config.profile.clone()));
        // With the shared store, the ledger lives in Redis (this one holds
        // only the users of calls in progress).
        let ledger = Arc::new(match (&config.data_dir, &config.store.redis_url) {
            (Some(dir), None) => PrivacyLedger::open(dir)?,
            _ => PrivacyLedger::in_memory(),
        });
        let shared = match &config.store.redis_url {
            Some(url) => {
                let store = crate::state::RedisStore::connect(
                    url,
                    std::time::Duration::from_millis(config.store.timeout_ms.max(1)),
                    config.store.wait_replicas,
                )?;
                let p = &config.profile;
                let ms = |s: f64| (s.max(0.001) * 1000.0) as u64;
                Some(crate::state::Shared::new(
                    store,
                    crate::state::Ttls {
                        profile_ms: ms(p.profile_ttl_s),
                        history_ms: ms(p.history_ttl_s.max(p.freq_cap_window_s)),
                        session_ms: ms(p.session_ttl_s),
                    },
                    profiles.clone(),
                    ledger.clone(),
                ))
            }
            None => None,
        };
        let mut engine = Self {
            wal: None,
            catalog_writes: Mutex::new(()),
            last_snapshot_ms: AtomicU64::new(0),
            turns_scored: AtomicU64::new(0),
            rng: AtomicU64::new(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64),
            ),
            link_key: controls::link_key(&config.secret),
            recovery: Vec::new(),
            shared,
            catalog_position: Mutex::new("0-0".into()),
            catalog_snapshotted: Mutex::new(String::new()),
            profiles,
            catalog: Catalog::new(config.d, config.catalog.clone()),
            consent: ConsentPolicy::new(config.consent.clone()),
            guard: SensitiveGuard::builtin()?,
            ledger,
            keys: KeyHasher::new(&config.secret),
            embedder,
            topics,
            config,
        };
        if let Some(shared) = &engine.shared {
            if let Some(w) = shared.store.durability_warning() {
                engine.recovery.push(w);
            }
            engine.catch_up_catalog()?;
        } else if let Some(dir) = engine.config.data_dir.clone() {
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
        // With the shared store: the user's values, read in one round trip
        // (and written back when `call` ends).
        let mut call = self.user_call(&user, Some(&session), true);
        self.score_turn(req, now, started, &user, &session, &mut call)
    }

    /// [`Engine::score`] after validation, with the user's values at hand
    /// (or, the store being down, none of them: the turn is served contextually).
    fn score_turn(
        &self,
        req: &wire::ScoreRequest,
        now: f64,
        started: Instant,
        user: &crate::profile::Key,
        session: &crate::profile::Key,
        call: &mut store::UserCall<'_>,
    ) -> Result<wire::ScoreResponse> {
        let (user, session) = (*user, *session);
        let store_down = call.unavailable.is_some();
        let user_controls = self.ledger.controls(&user);
        let controls = filters::TurnControls {
            blocked: self.blocked_topics(user_controls.as_deref()),
            user: user_controls,
        };

        // 1. What may be used.
        let mut policy = self.turn_policy(req, &user, controls.user.as_deref());
        if store_down {
            // Nothing of the user can be read or kept: this turn alone.
            policy.may_use = false;
            policy.may_update = false;
            policy.may_record = false;
            policy
                .reasons
                .push(reason::PROFILE_STORE_UNAVAILABLE.into());
        }
        // Written back only if the turn may change what is kept.
        call.write = policy.may_update || policy.may_record;
        let mut shaped = filters::Shaped::default();
        // 2. The turn's text; a sensitive turn is never embedded, stored or
        // used, nor one about a topic the user blocked.
        let mut turn = if policy.sensitive {
            Turn::empty()
        } else {
            self.embed_turn(&req.message)
        };
        if self.touches_blocked(&turn.hits, &controls.blocked) {
            turn = Turn::empty();
            shaped.blocked = true;
        }
        // 3. What was remembered before this turn; then this turn is learnt.
        let mut memory = self.recall(&user, &session, policy.may_use, now);
        if !controls.blocked.is_empty() {
            // Earlier turns of the session about a topic blocked since are not used.
            memory
                .context
                .retain(|t| !self.touches_blocked(&t.topics, &controls.blocked));
        }
        let learned = policy.may_update && self.learn(&user, &session, &turn, now, policy.basis);
        if learned {
            // A block that landed while this turn was being learnt: scrub again, so
            // that the turn cannot bring the blocked topic back.
            let now_controls = self.ledger.controls(&user);
            let changed = match (&now_controls, &controls.user) {
                (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
                (a, b) => a.is_some() != b.is_some(),
            };
            if let (true, Some(c)) = (changed, now_controls) {
                self.scrub_profile(&user, &c);
            }
        }
        // The session's ads so far (this turn counts as one more).
        let session_ads = policy
            .may_record
            .then(|| self.profiles.begin_session_turn(&session, now));
        let mut response = wire::ScoreResponse {
            request_id: req.request_id.clone(),
            profile_updated: learned,
            ..Default::default()
        };
        if !policy.may_serve {
            shaped.reasons(&mut policy.reasons);
            response.set_personalization(wire::Personalization::None);
            return Ok(finish(response, policy.reasons, started));
        }
        let mut max_ads = req.max_ads as usize;
        if let Some(s) = &session_ads {
            max_ads = max_ads.min(self.ad_load_left(s, now));
            if max_ads == 0 {
                shaped.reasons(&mut policy.reasons);
                policy.reasons.push(reason::AD_LOAD_LIMITED.into());
                response.set_personalization(wire::Personalization::None);
                return Ok(finish(response, policy.reasons, started));
            }
        }
        let mut rare: SmallVec<[i32; 8]> = turn.rare.iter().copied().collect();
        for t in &memory.context {
            rare.extend(t.rare.iter().filter(|h| !turn.rare.contains(h)).copied());
        }
        let terms = self.conversation_terms(&turn, &memory.context);

        // 4. One query from the turn, the session and the profile.
        let Some(query) = self.query(&turn, memory, &controls.blocked) else {
            shaped.reasons(&mut policy.reasons);
            policy.reasons.push(reason::NO_CONTEXT.into());
            response.set_personalization(wire::Personalization::None);
            return Ok(finish(response, policy.reasons, started));
        };
        // 5. The ads nearest the query.
        let candidates = self.candidates(&query.vector, max_ads)?;
        // 6. Those this user may be shown on this turn, some damped.
        let input = filters::FilterInput {
            req,
            user: &user,
            controls: &controls,
            query: &query,
            rare: &rare,
            terms: &terms,
            session: session_ads.as_ref(),
            record: policy.may_record,
            now,
        };
        let eligible = self.eligible(candidates, &input, &mut shaped);
        // 7. The best of them.
        let ranked = rank::rank(eligible, max_ads, &self.config.rank);

        // 8. Why these ads, and why not more; what is shown is recorded
        // (frequency caps, ad history, the session's ad load).
        shaped.reasons(&mut policy.reasons);
        if ranked.is_empty() {
            policy.reasons.push(reason::NO_RELEVANT_ADS.into());
        }
        if policy.may_use && !query.personalized {
            policy.reasons.push(reason::NO_PROFILE_YET.into());
        }
        let basis = explain::personalization(&ranked, query.personalized);
        let mut shown = Vec::with_capacity(ranked.len());
        response.ads = ranked
            .iter()
            .map(|r| {
                let (ad, shared) = self.scored_ad(r, &query.interest, basis);
                if policy.may_record {
                    shown.push(Impression::new(
                        now,
                        r.ad.clone(),
                        basis == wire::Personalization::Personalized,
                        Impression::topics_of(&shared),
                    ));
                }
                ad
            })
            .collect();
        if let Some(s) = &session_ads {
            let keys: SmallVec<[u32; 8]> = ranked.iter().map(|r| r.ad.cap_key).collect();
            let window = self.config.guard.session_ads_window_s;
            self.profiles
                .end_session_turn(&session, &user, s, &keys, now, window);
            self.profiles.record_impressions(&user, shown, now);
        }
        response.set_personalization(basis);
        Ok(finish(response, policy.reasons, started))
    }

    /// How many ads the session may still show on this turn under the ad-load
    /// settings (`usize::MAX` when unrestricted).
    fn ad_load_left(&self, s: &crate::profile::SessionAds, now: f64) -> usize {
        let g = &self.config.guard;
        if g.min_turns_between_ads > 0
            && s.last_ads_turn > 0
            && s.turn - s.last_ads_turn <= g.min_turns_between_ads
        {
            return 0;
        }
        if g.max_ads_per_session == 0 {
            return usize::MAX;
        }
        let recent = s
            .shown_at
            .iter()
            .filter(|&&t| now - t < g.session_ads_window_s)
            .count();
        (g.max_ads_per_session as usize).saturating_sub(recent)
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
