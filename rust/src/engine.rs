//! The engine: one chat turn from request to ranked, explained ads.
//!
//! `Engine` ties the text pipeline, the profile store, the catalog and the
//! ranking together and validates everything that comes from outside. It
//! knows nothing of Python; `py/` wraps it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use prost::Message;

use crate::catalog::{AdRecord, Catalog, CatalogConfig};
use crate::durable::{read_snapshot_or_prev, write_snapshot, Wal};
use crate::error::{CoreError, Result};
use crate::privacy::consent::{reason, ConsentConfig, ConsentInput, ConsentPolicy};
use crate::privacy::ledger::{Op, PrivacyLedger};
use crate::privacy::sensitive::{Categories, SensitiveGuard};
use crate::profile::{Basis, ContextTurn, InterestProfile, KeyHasher, ProfileConfig, ProfileStore};
use crate::rank::{self, normalize_domain, Blocklists, RankConfig, Ranked};
use crate::text::embed::{Embedder, TopicHits};
use crate::text::hashing::{murmur3_signed, HashingConfig};
use crate::text::topics::{normalize, Topics};
use crate::text::weights::TermWeights;
use crate::wire;

/// Limits on what a caller may send.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_message_bytes: usize,
    pub max_id_bytes: usize,
    pub max_ads: u32,
    pub max_list_len: usize,
    pub max_ad_text_bytes: usize,
    pub max_bid_cpm: f64,
    /// Ads per upsert, ids per delete, in one gRPC call (in-process calls have
    /// no such limit).
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 16 * 1024,
            max_id_bytes: 256,
            max_ads: 100,
            max_list_len: 1000,
            max_ad_text_bytes: 8 * 1024,
            max_bid_cpm: 10_000.0,
            max_batch: 10_000,
        }
    }
}

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Dimension of the embedding space.
    pub d: usize,
    pub seed: u64,
    pub hashing: HashingConfig,
    pub profile: ProfileConfig,
    pub catalog: CatalogConfig,
    pub rank: RankConfig,
    pub limits: Limits,
    pub consent: ConsentConfig,
    /// What to do on a turn that touches a special category.
    pub sensitive_turn_ads: SensitiveTurnAds,
    /// Where durable privacy state lives; `None` = memory only.
    pub data_dir: Option<PathBuf>,
    /// Secret of the keyed hash of user ids.
    pub secret: Vec<u8>,
    /// Tests only: a Score whose `request_id` is [`PANIC_REQUEST_ID`] panics
    /// inside the engine, to prove a panic fails that call alone.
    pub fault_injection: bool,
}

/// The request id that panics when `fault_injection` is on.
pub const PANIC_REQUEST_ID: &str = "chatads-fault-injection:panic";
/// With `fault_injection` on, a request id `chatads-fault-injection:sleep-ms=N`
/// makes `Engine::score` take N ms longer (tests of budgets and queueing).
pub const SLEEP_REQUEST_PREFIX: &str = "chatads-fault-injection:sleep-ms=";

/// Ads on a turn that touches a GDPR Art. 9 category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SensitiveTurnAds {
    /// No ads at all on that turn (the default).
    None,
    /// Ads chosen from the profile and earlier turns only (when consented),
    /// never from the sensitive turn, and never sensitive ads.
    ProfileOnly,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            d: 64,
            seed: 0x00C4_A7AD,
            hashing: HashingConfig::default(),
            profile: ProfileConfig::default(),
            catalog: CatalogConfig::default(),
            rank: RankConfig::default(),
            limits: Limits::default(),
            consent: ConsentConfig::default(),
            sensitive_turn_ads: SensitiveTurnAds::None,
            data_dir: None,
            fault_injection: false,
            secret: Vec::new(),
        }
    }
}

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

/// Files in the data directory.
pub const CATALOG_SNAPSHOT: &str = "catalog.snap";
pub const CATALOG_LOG: &str = "catalog.log";
pub const PROFILE_SNAPSHOT: &str = "profiles.snap";
const CATALOG_MAGIC: &[u8; 16] = b"CHATADS-CATALOG\0";
const PROFILE_MAGIC: &[u8; 16] = b"CHATADS-PROFILES";
const SNAPSHOT_VERSION: u32 = 1;
const LOG_UPSERT: u8 = 1;
const LOG_DELETE: u8 = 2;

fn check_id(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    if value.len() > max {
        return Err(CoreError::invalid(
            field,
            format!("is {} bytes, the limit is {max}", value.len()),
        ));
    }
    Ok(())
}

pub(crate) fn check_batch(field: &str, n: usize, max: usize) -> Result<()> {
    if n > max {
        return Err(CoreError::invalid(
            field,
            format!("has {n} entries, the limit is {max} per call"),
        ));
    }
    Ok(())
}

fn check_list(field: &str, items: &[String], max_len: usize, max_item: usize) -> Result<()> {
    if items.len() > max_len {
        return Err(CoreError::invalid(
            field,
            format!("has {} entries, the limit is {max_len}", items.len()),
        ));
    }
    for (i, s) in items.iter().enumerate() {
        if s.len() > max_item {
            return Err(CoreError::invalid(
                format!("{field}[{i}]"),
                format!("is {} bytes, the limit is {max_item}", s.len()),
            ));
        }
    }
    Ok(())
}

/// Result of ingesting one turn.
pub struct Turn {
    pub vector: Option<Vec<f32>>,
    pub hits: TopicHits,
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
        let topics = Arc::new(Topics::builtin(config.d, config.seed)?);
        let embedder = Embedder {
            hashing: config.hashing.clone(),
            weights: Arc::new(weights),
            topics: topics.clone(),
            d: config.d,
            seed: config.seed,
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

    /// Restores the catalog (snapshot, then the log's writes since) and the
    /// profiles (last snapshot, minus every user forgotten or opted out since).
    /// Damaged files are reported in `self.recovery` and skipped for the
    /// previous good one; nothing unverified is loaded.
    fn recover(&mut self, dir: &std::path::Path) -> Result<()> {
        let mut report = Vec::new();
        if let Some(bytes) = read_snapshot_or_prev(
            &dir.join(CATALOG_SNAPSHOT),
            CATALOG_MAGIC,
            SNAPSHOT_VERSION,
            &mut report,
        ) {
            match wire::UpsertAdsRequest::decode(bytes.as_slice()) {
                Ok(req) => self.apply_logged_upsert(req.ads, &mut report),
                Err(e) => report.push(format!("{CATALOG_SNAPSHOT}: does not decode: {e}")),
            }
        }
        let (wal, ops) = Wal::open(&dir.join(CATALOG_LOG), &mut report)?;
        for (op, payload) in ops {
            match op {
                LOG_UPSERT => match wire::UpsertAdsRequest::decode(payload.as_slice()) {
                    Ok(req) => self.apply_logged_upsert(req.ads, &mut report),
                    Err(e) => report.push(format!("{CATALOG_LOG}: an upsert does not decode: {e}")),
                },
                LOG_DELETE => match wire::DeleteAdsRequest::decode(payload.as_slice()) {
                    Ok(req) => {
                        self.catalog.delete_unfolded(&req.ad_ids);
                    }
                    Err(e) => report.push(format!("{CATALOG_LOG}: a delete does not decode: {e}")),
                },
                other => report.push(format!("{CATALOG_LOG}: unknown operation {other}")),
            }
        }
        self.wal = Some(wal);
        if !self.catalog.is_empty() {
            self.catalog.fold(true)?;
        }
        if let Some(bytes) = read_snapshot_or_prev(
            &dir.join(PROFILE_SNAPSHOT),
            PROFILE_MAGIC,
            SNAPSHOT_VERSION,
            &mut report,
        ) {
            let ledger = &self.ledger;
            let skip = |key: &[u8; 16], updated_at: f64| {
                ledger.is_opted_out(key)
                    || ledger
                        .forgotten_at(key)
                        .is_some_and(|ms| ms as f64 / 1000.0 >= updated_at)
            };
            if let Err(e) = self.profiles.restore(&bytes, skip) {
                report.push(format!(
                    "{PROFILE_SNAPSHOT}: {e}; starting without profiles"
                ));
            }
        }
        self.recovery = report;
        Ok(())
    }

    /// Replays logged ads (already validated once): one that no longer
    /// validates (say, limits were tightened) is reported and skipped.
    fn apply_logged_upsert(&self, ads: Vec<wire::Ad>, report: &mut Vec<String>) {
        let mut records = Vec::with_capacity(ads.len());
        for (i, ad) in ads.into_iter().enumerate() {
            match self.ad_record(i, ad) {
                Ok(r) => records.push(r),
                Err(e) => report.push(format!("a stored ad no longer validates: {e}")),
            }
        }
        self.catalog.upsert_unfolded(records);
    }

    /// Writes the catalog (when it changed since the last one) and the
    /// profiles to their snapshot files atomically; the catalog log is emptied
    /// once its writes are in the snapshot. Without a data directory, nothing.
    pub fn snapshot(&self, now: f64) -> Result<()> {
        let Some(dir) = &self.config.data_dir else {
            return Ok(());
        };
        if let Some(wal) = &self.wal {
            let catalog_file = dir.join(CATALOG_SNAPSHOT);
            if wal.len_bytes() > 0 || !catalog_file.exists() {
                let _w = self.catalog_writes.lock();
                let ads: Vec<wire::Ad> = self
                    .catalog
                    .records()
                    .iter()
                    .map(|r| wire_ad(r, false))
                    .collect();
                let bytes = wire::UpsertAdsRequest { ads }.encode_to_vec();
                write_snapshot(&catalog_file, CATALOG_MAGIC, SNAPSHOT_VERSION, &bytes)?;
                wal.truncate()?;
            }
        }
        let bytes = self.profiles.encode(now);
        write_snapshot(
            &dir.join(PROFILE_SNAPSHOT),
            PROFILE_MAGIC,
            SNAPSHOT_VERSION,
            &bytes,
        )?;
        self.last_snapshot_ms.store(unix_ms(now), Ordering::Relaxed);
        Ok(())
    }

    /// Seconds since the last snapshot, if one was taken by this process.
    pub fn snapshot_age_s(&self, now: f64) -> Option<f64> {
        match self.last_snapshot_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some((now - ms as f64 / 1000.0).max(0.0)),
        }
    }

    // ---- chat turns ---------------------------------------------------------

    fn validate_score(&self, r: &wire::ScoreRequest) -> Result<()> {
        let l = &self.config.limits;
        if r.request_id.len() > l.max_id_bytes {
            return Err(CoreError::invalid(
                "request_id",
                format!(
                    "is {} bytes, the limit is {}",
                    r.request_id.len(),
                    l.max_id_bytes
                ),
            ));
        }
        check_id("user_id", &r.user_id, l.max_id_bytes)?;
        check_id("session_id", &r.session_id, l.max_id_bytes)?;
        if r.message.len() > l.max_message_bytes {
            return Err(CoreError::invalid(
                "message",
                format!(
                    "is {} bytes, the limit is {}",
                    r.message.len(),
                    l.max_message_bytes
                ),
            ));
        }
        if r.max_ads == 0 || r.max_ads > l.max_ads {
            return Err(CoreError::invalid(
                "max_ads",
                format!("must be in 1..={}, got {}", l.max_ads, r.max_ads),
            ));
        }
        check_list("bcat", &r.bcat, l.max_list_len, 64)?;
        check_list("badv", &r.badv, l.max_list_len, 256)?;
        if r.consent.len() > 16 * 1024 {
            return Err(CoreError::invalid("consent", "is longer than 16384 bytes"));
        }
        if let Some(regs) = &r.regs {
            if let Some(g) = regs.gdpr {
                if g != 0 && g != 1 {
                    return Err(CoreError::invalid(
                        "regs.gdpr",
                        format!("must be 0 or 1, got {g}"),
                    ));
                }
            }
            if regs.coppa != 0 && regs.coppa != 1 {
                return Err(CoreError::invalid(
                    "regs.coppa",
                    format!("must be 0 or 1, got {}", regs.coppa),
                ));
            }
            if regs.gpp.len() > 16 * 1024 {
                return Err(CoreError::invalid("regs.gpp", "is longer than 16384 bytes"));
            }
            if regs.gpp_sid.len() > 64 {
                return Err(CoreError::invalid(
                    "regs.gpp_sid",
                    format!("has {} entries, the limit is 64", regs.gpp_sid.len()),
                ));
            }
        }
        Ok(())
    }

    /// Adds an embedded turn to the profile and the session context.
    fn learn(
        &self,
        user: &[u8; 16],
        session: &[u8; 16],
        turn: &Turn,
        now: f64,
        basis: Basis,
    ) -> bool {
        let Some(v) = &turn.vector else { return false };
        self.profiles
            .update_profile(user, v, &turn.hits, now, basis);
        let ctx = ContextTurn {
            vector: v.clone().into_boxed_slice(),
            topics: turn.hits.clone(),
        };
        self.profiles.push_context(session, user, ctx, now);
        true
    }

    fn embed_turn(&self, message: &str) -> Turn {
        let (vector, hits) = self.embedder.embed(message);
        Turn { vector, hits }
    }

    /// Adds a turn to the user's profile and session without scoring (the
    /// caller vouches for consent). Opted-out users and sensitive turns are
    /// never learnt from. Returns whether the turn was used.
    pub fn ingest(&self, user_id: &str, session_id: &str, message: &str, now: f64) -> Result<bool> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        check_id("session_id", session_id, self.config.limits.max_id_bytes)?;
        if message.len() > self.config.limits.max_message_bytes {
            return Err(CoreError::invalid(
                "message",
                format!(
                    "is {} bytes, the limit is {}",
                    message.len(),
                    self.config.limits.max_message_bytes
                ),
            ));
        }
        let user = self.keys.user(user_id);
        let session = self.keys.session(user_id, session_id);
        if self.ledger.is_opted_out(&user) || !self.guard.detect(message).is_empty() {
            return Ok(false);
        }
        Ok(self.learn(
            &user,
            &session,
            &self.embed_turn(message),
            now,
            Basis::Caller,
        ))
    }

    /// Scores one chat turn: decide what may be used, learn from the turn if
    /// allowed, select and rank ads, explain them.
    pub fn score(&self, req: &wire::ScoreRequest, now: f64) -> Result<wire::ScoreResponse> {
        let started = Instant::now();
        self.validate_score(req)?;
        if self.config.fault_injection {
            if req.request_id == PANIC_REQUEST_ID {
                panic!("fault injection: a panic inside Engine::score");
            }
            if let Some(ms) = req.request_id.strip_prefix(SLEEP_REQUEST_PREFIX) {
                let ms = ms.parse::<u64>().unwrap_or(0).min(60_000);
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
        }
        self.turns_scored.fetch_add(1, Ordering::Relaxed);
        let user = self.keys.user(&req.user_id);
        let session = self.keys.session(&req.user_id, &req.session_id);
        let rc = &self.config.rank;

        // What may be used: consent, then minors, opt-out and sensitive data.
        let no_regs = wire::Regs::default();
        let regs = req.regs.as_ref().unwrap_or(&no_regs);
        let consent = self.consent.decide(&ConsentInput {
            gdpr: regs.gdpr,
            gpp: &regs.gpp,
            gpp_sid: &regs.gpp_sid,
            consent: &req.consent,
        });
        let mut reasons: Vec<String> = consent.reasons.iter().map(|r| r.to_string()).collect();
        if regs.coppa == 1 {
            reasons.push(reason::COPPA.into());
        }
        if req.user_is_minor {
            reasons.push(reason::MINOR.into());
        }
        let opted_out = self.ledger.is_opted_out(&user);
        if opted_out {
            reasons.push(reason::OPTED_OUT.into());
        }
        let sensitive = self.guard.detect(&req.message);
        if !sensitive.is_empty() {
            reasons.push(reason::SENSITIVE_TURN.into());
        }
        let personal = regs.coppa != 1 && !req.user_is_minor && !opted_out;
        let may_update = consent.may_update_profile && personal && sensitive.is_empty();
        let may_use = consent.may_use_profile && personal;
        let may_serve = consent.may_serve
            && (sensitive.is_empty()
                || self.config.sensitive_turn_ads == SensitiveTurnAds::ProfileOnly);

        // A sensitive turn is never embedded, stored or used.
        let turn = if sensitive.is_empty() {
            self.embed_turn(&req.message)
        } else {
            Turn {
                vector: None,
                hits: TopicHits::default(),
            }
        };
        let context = if may_use {
            self.profiles.context(&session, now)
        } else {
            Vec::new()
        };
        let profile = if may_use {
            self.profiles.profile_view(&user, now)
        } else {
            None
        };
        let basis = if consent.gdpr_applies {
            Basis::TcfConsent
        } else {
            Basis::NotGdpr
        };
        let learned = may_update && self.learn(&user, &session, &turn, now, basis);
        let mut response = wire::ScoreResponse {
            request_id: req.request_id.clone(),
            profile_updated: learned,
            ..Default::default()
        };
        let finish = |mut r: wire::ScoreResponse, reasons: Vec<String>| {
            r.reasons = reasons;
            r.took_us = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
            r
        };
        if !may_serve {
            response.set_personalization(wire::Personalization::None);
            return Ok(finish(response, reasons));
        }

        let d = self.config.d;
        let mut query = vec![0f32; d];
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
        for t in &context {
            query
                .iter_mut()
                .zip(t.vector.iter())
                .for_each(|(q, x)| *q += w * x);
            add_interest(&t.topics.0, w);
            w *= 0.5;
            personalized = true;
        }
        if let Some((mut pv, ptopics)) = profile {
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
            reasons.push(reason::NO_CONTEXT.into());
            response.set_personalization(wire::Personalization::None);
            return Ok(finish(response, reasons));
        }

        let max_ads = req.max_ads as usize;
        let k = (max_ads * rc.candidates_per_ad).max(rc.min_candidates);
        let blocks = Blocklists::new(&req.bcat, &req.badv);
        let cands = self.catalog.search(&query, k)?;
        let records: Vec<(Arc<AdRecord>, f32)> = cands
            .into_iter()
            .filter_map(|(slot, s)| self.catalog.by_slot(slot).map(|a| (a, s)))
            .collect();
        let capped = if may_use {
            let keys: Vec<u32> = records.iter().map(|(a, _)| a.cap_key).collect();
            self.profiles.capped(&user, &keys, now)
        } else {
            vec![false; records.len()]
        };
        let eligible: Vec<(Arc<AdRecord>, f32)> = records
            .into_iter()
            .zip(capped)
            // Sensitive ads are never chosen on a personalised basis (DSA Art. 26(3)).
            .filter(|((ad, _), capped)| {
                !capped && !blocks.blocks(ad) && (!personalized || ad.sensitive.is_empty())
            })
            .map(|(c, _)| c)
            .collect();
        let ranked = rank::rank(eligible, max_ads, rc);
        if ranked.is_empty() {
            reasons.push(reason::NO_RELEVANT_ADS.into());
        }
        if may_update {
            let shown: Vec<u32> = ranked.iter().map(|r| r.ad.cap_key).collect();
            self.profiles.record_impressions(&user, &shown, now);
        }
        if may_use && !personalized {
            reasons.push(reason::NO_PROFILE_YET.into());
        }
        let basis = if ranked.is_empty() {
            wire::Personalization::None
        } else if personalized {
            wire::Personalization::Personalized
        } else {
            wire::Personalization::Contextual
        };
        response.ads = ranked
            .iter()
            .map(|r| self.scored_ad(r, &interest, basis))
            .collect();
        response.set_personalization(basis);
        Ok(finish(response, reasons))
    }

    fn scored_ad(
        &self,
        r: &Ranked,
        interest: &[(u16, f32)],
        basis: wire::Personalization,
    ) -> wire::ScoredAd {
        let shared = rank::shared_topics(&self.topics, interest, &r.ad, 3);
        let topics: Vec<wire::Topic> = shared
            .iter()
            .map(|&t| {
                let topic = self.topics.get(t);
                wire::Topic {
                    id: topic.id,
                    name: topic.path.clone(),
                }
            })
            .collect();
        let explanation = explain(&topics, basis, r.relevance);
        wire::ScoredAd {
            ad_id: r.ad.ad_id.clone(),
            advertiser: r.ad.advertiser.clone(),
            bid_cpm: r.ad.bid_cpm,
            relevance: r.relevance,
            score: r.score,
            topics,
            pctr: r.pctr,
            title: r.ad.title.clone(),
            text: r.ad.text.clone(),
            explanation,
        }
    }

    // ---- catalog --------------------------------------------------------------

    /// Validates one ad and turns it into a record (embedding it if needed).
    pub fn ad_record(&self, i: usize, ad: wire::Ad) -> Result<AdRecord> {
        let l = &self.config.limits;
        let f = |name: &str| format!("ads[{i}].{name}");
        check_id(&f("ad_id"), &ad.ad_id, l.max_id_bytes)?;
        check_id(&f("advertiser"), &ad.advertiser, l.max_id_bytes)?;
        let advertiser = normalize_domain(&ad.advertiser);
        if advertiser.is_empty() || advertiser.contains(char::is_whitespace) {
            return Err(CoreError::invalid(
                f("advertiser"),
                format!("must be a domain name, got {:?}", ad.advertiser),
            ));
        }
        for (name, value) in [("title", &ad.title), ("text", &ad.text)] {
            if value.len() > l.max_ad_text_bytes {
                return Err(CoreError::invalid(
                    f(name),
                    format!(
                        "is {} bytes, the limit is {}",
                        value.len(),
                        l.max_ad_text_bytes
                    ),
                ));
            }
        }
        if !ad.bid_cpm.is_finite() || ad.bid_cpm < 0.0 || ad.bid_cpm > l.max_bid_cpm {
            return Err(CoreError::invalid(
                f("bid_cpm"),
                format!(
                    "must be a finite number in [0, {}], got {}",
                    l.max_bid_cpm, ad.bid_cpm
                ),
            ));
        }
        check_list(&f("categories"), &ad.categories, 64, 64)?;
        check_list(&f("tags"), &ad.tags, 64, 64)?;
        check_list(&f("sensitive_categories"), &ad.sensitive_categories, 16, 32)?;
        if ad.topics.len() > 64 {
            return Err(CoreError::invalid(f("topics"), "has more than 64 entries"));
        }
        let mut topic_idx = Vec::with_capacity(ad.topics.len());
        for (j, &t) in ad.topics.iter().enumerate() {
            let idx = self.topics.index_of(t).ok_or_else(|| {
                CoreError::invalid(
                    format!("ads[{i}].topics[{j}]"),
                    format!("{t} is not a Topics taxonomy v2 id"),
                )
            })?;
            topic_idx.push(idx);
        }
        let caller_embedding = !ad.embedding.is_empty();
        let embedding: Vec<f32> = if caller_embedding {
            if ad.embedding.len() != self.config.d {
                return Err(CoreError::invalid(
                    f("embedding"),
                    format!(
                        "has dimension {}, the engine's is {}",
                        ad.embedding.len(),
                        self.config.d
                    ),
                ));
            }
            if ad.embedding.iter().any(|x| !x.is_finite()) {
                return Err(CoreError::invalid(
                    f("embedding"),
                    "contains a non-finite value",
                ));
            }
            // The norm in f64: squaring a component near f32's limit would
            // overflow to infinity and turn the vector into zeros.
            let n = ad
                .embedding
                .iter()
                .map(|&x| f64::from(x) * f64::from(x))
                .sum::<f64>()
                .sqrt();
            if n <= 1e-12 {
                return Err(CoreError::invalid(f("embedding"), "is the zero vector"));
            }
            ad.embedding
                .iter()
                .map(|&x| (f64::from(x) / n) as f32)
                .collect()
        } else {
            self.embedder.embed_ad(&ad.title, &ad.text, &topic_idx).ok_or_else(|| {
                CoreError::invalid(f("text"), "title, text and topics carry nothing to match on; give text, topics or an embedding")
            })?
        };
        let mut sensitive = sensitive_iab(&ad.categories);
        for (j, name) in ad.sensitive_categories.iter().enumerate() {
            let c = Categories::from_name(name.trim()).ok_or_else(|| {
                CoreError::invalid(
                    format!("ads[{i}].sensitive_categories[{j}]"),
                    format!(
                        "{name:?} is not one of {}",
                        crate::privacy::sensitive::CATEGORIES.join(", ")
                    ),
                )
            })?;
            sensitive.0 |= c.0;
        }
        sensitive.0 |= self.guard.detect(&ad.title).0 | self.guard.detect(&ad.text).0;
        Ok(AdRecord {
            sensitive,
            cap_key: murmur3_signed(ad.ad_id.as_bytes()) as u32,
            ad_id: ad.ad_id,
            advertiser,
            title: ad.title,
            text: ad.text,
            categories: ad
                .categories
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .collect(),
            topics: ad.topics,
            topic_idx,
            bid_cpm: ad.bid_cpm,
            tags: ad.tags,
            embedding: embedding.into_boxed_slice(),
            caller_embedding,
        })
    }

    /// Validates every ad first, then stores them all: a batch with one bad
    /// ad changes nothing.
    ///
    /// No batch limit here: a Python caller may load a whole catalog in one
    /// call; the wire limits a call's size (`server::ops`).
    pub fn upsert_ads(&self, ads: Vec<wire::Ad>) -> Result<usize> {
        // Logged as sent (replay validates and embeds them again, the same way).
        let logged = if self.wal.is_some() {
            wire::UpsertAdsRequest { ads: ads.clone() }.encode_to_vec()
        } else {
            Vec::new()
        };
        let mut records = Vec::with_capacity(ads.len());
        let mut seen = std::collections::HashSet::new();
        for (i, ad) in ads.into_iter().enumerate() {
            if !seen.insert(ad.ad_id.clone()) {
                return Err(CoreError::invalid(
                    format!("ads[{i}].ad_id"),
                    format!("{:?} appears twice in the batch", ad.ad_id),
                ));
            }
            records.push(self.ad_record(i, ad)?);
        }
        let n = records.len();
        {
            let _w = self.catalog_writes.lock();
            if let Some(wal) = &self.wal {
                wal.append(LOG_UPSERT, &logged)?;
            }
            self.catalog.upsert_unfolded(records);
        }
        self.catalog.maybe_fold()?;
        Ok(n)
    }

    /// Deletes ads; an unknown id fails the whole call and deletes nothing.
    pub fn delete_ads(&self, ad_ids: &[String]) -> Result<usize> {
        for (i, id) in ad_ids.iter().enumerate() {
            check_id(&format!("ad_ids[{i}]"), id, self.config.limits.max_id_bytes)?;
            if self.catalog.get(id).is_none() {
                return Err(CoreError::not_found(
                    format!("ad_ids[{i}]"),
                    format!("no ad {id:?} in the catalog"),
                ));
            }
        }
        let n = {
            let _w = self.catalog_writes.lock();
            if let Some(wal) = &self.wal {
                let req = wire::DeleteAdsRequest {
                    ad_ids: ad_ids.to_vec(),
                };
                wal.append(LOG_DELETE, &req.encode_to_vec())?;
            }
            self.catalog.delete_unfolded(ad_ids)
        };
        self.catalog.maybe_fold()?;
        Ok(n)
    }
}

/// A stored ad on the wire. With `with_embedding` false, an embedding the
/// engine computed from the text is left out (a catalog snapshot keeps what
/// the caller sent; the text's embedding is recomputed on load).
fn wire_ad(r: &AdRecord, with_embedding: bool) -> wire::Ad {
    wire::Ad {
        ad_id: r.ad_id.clone(),
        advertiser: r.advertiser.clone(),
        title: r.title.clone(),
        text: r.text.clone(),
        categories: r.categories.clone(),
        topics: r.topics.clone(),
        bid_cpm: r.bid_cpm,
        embedding: if with_embedding || r.caller_embedding {
            r.embedding.to_vec()
        } else {
            Vec::new()
        },
        tags: r.tags.clone(),
        sensitive_categories: r.sensitive.names().iter().map(|n| n.to_string()).collect(),
    }
}

impl Engine {
    pub fn get_ad(&self, ad_id: &str) -> Result<wire::Ad> {
        check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        let r = self.catalog.get(ad_id).ok_or_else(|| {
            CoreError::not_found("ad_id", format!("no ad {ad_id:?} in the catalog"))
        })?;
        Ok(wire_ad(&r, true))
    }

    // ---- users ----------------------------------------------------------------

    /// Deletes the profile, sessions and counters at once and records the
    /// request durably (so no older snapshot can bring them back).
    pub fn forget_user(&self, user_id: &str, now: f64) -> Result<bool> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        let key = self.keys.user(user_id);
        self.ledger.record(Op::Forget, key, unix_ms(now))?;
        Ok(self.profiles.forget(&key))
    }

    /// Opting out deletes the profile and keeps profiling off until opt-in.
    pub fn set_opt_out(&self, user_id: &str, opted_out: bool, now: f64) -> Result<bool> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        let key = self.keys.user(user_id);
        if opted_out {
            self.ledger.record(Op::OptOut, key, unix_ms(now))?;
            self.profiles.forget(&key);
        } else {
            self.ledger.record(Op::OptIn, key, unix_ms(now))?;
        }
        Ok(opted_out)
    }

    pub fn is_opted_out(&self, user_id: &str) -> bool {
        self.ledger.is_opted_out(&self.keys.user(user_id))
    }

    pub fn profile(&self, user_id: &str, now: f64) -> Result<Option<InterestProfile>> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        Ok(self.profiles.profile(&self.keys.user(user_id), now))
    }

    fn topic_weights(&self, topics: &[(u16, f32)]) -> Vec<wire::TopicWeight> {
        let total: f32 = topics.iter().map(|t| t.1).sum::<f32>().max(1e-9);
        topics
            .iter()
            .map(|&(t, w)| {
                let topic = self.topics.get(t);
                wire::TopicWeight {
                    id: topic.id,
                    name: topic.path.clone(),
                    weight: w / total,
                }
            })
            .collect()
    }

    /// What is held about a user, for a person to read (GDPR Art. 15).
    pub fn profile_report(&self, user_id: &str, now: f64) -> Result<wire::ProfileReport> {
        let opted_out = self.is_opted_out(user_id);
        let ttl = self.config.profile.profile_ttl_s;
        let Some(p) = self.profile(user_id, now)? else {
            let summary = if opted_out {
                "No interest profile is held: you opted out of personalised ads. Only the current \
                 message is used to choose ads, and nothing is stored."
            } else {
                "No interest profile is held about you."
            };
            return Ok(wire::ProfileReport {
                opted_out,
                summary: summary.into(),
                ..Default::default()
            });
        };
        let hl = self.config.profile.half_life_s;
        let topics = self.topic_weights(&p.topics_at(now, hl));
        let basis = match p.basis {
            Basis::TcfConsent => "consent (IAB TCF purposes 3 and 4)",
            Basis::NotGdpr => "GDPR did not apply to the request (regs.gdpr = 0)",
            Basis::Caller => "provided in-process by the operator, who vouched for consent",
        };
        let interests: Vec<String> = topics
            .iter()
            .take(5)
            .map(|t| {
                format!(
                    "{} ({:.0}%)",
                    rank::readable_topic(&t.name),
                    100.0 * t.weight
                )
            })
            .collect();
        let summary = format!(
            "We hold an interest profile built from {} chat turns between {} and {} (UTC), \
             keyed by a one-way hash of your id; no message text is kept. Your main interests: {}. \
             Legal basis: {basis}. It fades with a half-life of {:.1} days and is deleted after \
             {:.0} days without activity, on {}. You can delete it now (ForgetUser) or opt out \
             of personalised ads (SetOptOut).",
            p.turns,
            utc_date(p.created_at()),
            utc_date(p.updated_at),
            if interests.is_empty() {
                "none identified yet".into()
            } else {
                interests.join(", ")
            },
            hl / 86_400.0,
            ttl / 86_400.0,
            utc_date(p.updated_at + ttl),
        );
        Ok(wire::ProfileReport {
            exists: true,
            topics,
            created_at: p.created_at() as i64,
            updated_at: p.updated_at as i64,
            expires_at: (p.updated_at + ttl) as i64,
            turns: p.turns,
            opted_out,
            consent_basis: basis.into(),
            summary,
        })
    }

    /// Why this ad could be shown to this user, and how to change it (DSA Art. 26(1)(d)).
    pub fn explain_ad(&self, user_id: &str, ad_id: &str, now: f64) -> Result<wire::AdExplanation> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        let ad = self.catalog.get(ad_id).ok_or_else(|| {
            CoreError::not_found("ad_id", format!("no ad {ad_id:?} in the catalog"))
        })?;
        let key = self.keys.user(user_id);
        let view = if self.ledger.is_opted_out(&key) {
            None
        } else {
            self.profiles.profile_view(&key, now)
        };
        let ad_topics: Vec<wire::Topic> = ad
            .topic_idx
            .iter()
            .map(|&t| wire::Topic {
                id: self.topics.get(t).id,
                name: self.topics.get(t).path.clone(),
            })
            .collect();
        let (interest, relevance) = match &view {
            Some((v, topics)) => {
                let mut v = v.clone();
                normalize(&mut v);
                (topics.clone(), crate::catalog::dot(&v, &ad.embedding))
            }
            None => (Vec::new(), 0.0),
        };
        let shared: Vec<wire::Topic> = rank::shared_topics(&self.topics, &interest, &ad, 3)
            .into_iter()
            .map(|t| wire::Topic {
                id: self.topics.get(t).id,
                name: self.topics.get(t).path.clone(),
            })
            .collect();
        let interest_topics = self.topic_weights(&interest);
        let names = |ts: &[wire::Topic]| {
            ts.iter()
                .map(|t| rank::readable_topic(&t.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let about = if ad_topics.is_empty() {
            "its own words".to_string()
        } else {
            names(&ad_topics)
        };
        let mut explanation = format!(
            "This ad from {} is about {about}. Ads are chosen by how closely they match what is said \
             in the current conversation and, only with your consent (IAB TCF purposes 3 and 4), \
             your interest profile; among matching ads, those with a higher bid and a higher \
             estimated click rate rank first, and one advertiser shows at most one ad at a time.",
            ad.advertiser
        );
        match &view {
            None => explanation.push_str(" No interest profile is held about you, so it can only be shown because of the current conversation."),
            Some(_) if shared.is_empty() => explanation.push_str(&format!(
                " Your profile shares no topic with this ad (similarity {relevance:.2}); it would be shown only because of the current conversation."
            )),
            Some(_) => explanation.push_str(&format!(
                " Your profile shares {} with this ad (similarity {relevance:.2}).",
                names(&shared)
            )),
        }
        if !ad.sensitive.is_empty() {
            explanation.push_str(
                " This ad touches a sensitive category, so it is never chosen from your profile.",
            );
        }
        let how_to_change = format!(
            "Opt out of personalised ads (Privacy.SetOptOut): only the current message is then used. \
             Delete your profile (Privacy.ForgetUser). Withdraw consent for purposes 3 and 4 in the \
             site's consent banner. Interests also fade on their own: half of their weight goes every \
             {:.1} days.",
            self.config.profile.half_life_s / 86_400.0
        );
        Ok(wire::AdExplanation {
            ad_id: ad.ad_id.clone(),
            advertiser: ad.advertiser.clone(),
            ad_topics,
            interest_topics,
            shared_topics: shared,
            relevance,
            explanation,
            how_to_change,
        })
    }
}

fn unix_ms(now: f64) -> u64 {
    (now.max(0.0) * 1000.0) as u64
}

/// `YYYY-MM-DD` (UTC) of a Unix time, without a date library (H. Hinnant's civil_from_days).
fn utc_date(unix_s: f64) -> String {
    let z = (unix_s / 86_400.0).floor() as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Special categories implied by IAB Content Taxonomy 1.0 codes: health
/// conditions (IAB7-2 and up; the bare tier-1 IAB7 "Health & Fitness" too,
/// unless the ad says it is IAB7-1 Exercise), politics (IAB11-4), dating and
/// gay life (IAB14-1, IAB14-3), ethnic specific (IAB14-8), religion (IAB23).
fn sensitive_iab(categories: &[String]) -> Categories {
    let bit = |n: &str| Categories::from_name(n).map_or(0, |c| c.0);
    let cats: Vec<String> = categories
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .collect();
    let exercise = cats.iter().any(|c| c == "IAB7-1");
    let mut c = 0u8;
    for cat in &cats {
        let (tier1, _) = cat.split_once('-').unwrap_or((cat, ""));
        c |= match (tier1, cat.as_str()) {
            ("IAB7", "IAB7-1") => 0,
            ("IAB7", "IAB7") if exercise => 0,
            ("IAB7", _) => bit("health"),
            (_, "IAB11-4") => bit("politics"),
            (_, "IAB14-1") | (_, "IAB14-3") => bit("sex_life"),
            (_, "IAB14-8") => bit("ethnic_origin"),
            ("IAB23", _) => bit("religion"),
            _ => 0,
        };
    }
    Categories(c)
}

/// One sentence a person can read: why this ad, on what basis.
fn explain(topics: &[wire::Topic], basis: wire::Personalization, relevance: f32) -> String {
    let whose = match basis {
        wire::Personalization::Personalized => "your recent conversations are",
        _ => "this conversation is",
    };
    if topics.is_empty() {
        let source = match basis {
            wire::Personalization::Personalized => "your recent conversations",
            _ => "this conversation",
        };
        return format!(
            "Shown because words in {source} match this ad's text (relevance {relevance:.2})."
        );
    }
    let names: Vec<String> = topics
        .iter()
        .map(|t| rank::readable_topic(&t.name))
        .collect();
    format!(
        "Shown because {whose} about {}, and so is this ad (relevance {relevance:.2}).",
        names.join(" and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let cfg = EngineConfig {
            secret: b"0123456789abcdef-test".to_vec(),
            consent: ConsentConfig {
                gdpr_when_unknown: false,
                ..Default::default()
            },
            ..Default::default()
        };
        Engine::new(
            cfg,
            TermWeights::from_zipf([("the", 7.7), ("for", 7.2), ("my", 6.9), ("a", 7.4)]),
        )
        .unwrap()
    }

    fn ad(id: &str, adv: &str, text: &str, topics: &[u32]) -> wire::Ad {
        wire::Ad {
            ad_id: id.into(),
            advertiser: adv.into(),
            title: text.into(),
            bid_cpm: 2.0,
            topics: topics.to_vec(),
            ..Default::default()
        }
    }

    fn req(user: &str, msg: &str) -> wire::ScoreRequest {
        wire::ScoreRequest {
            user_id: user.into(),
            session_id: "s".into(),
            message: msg.into(),
            max_ads: 3,
            ..Default::default()
        }
    }

    #[test]
    fn huge_embedding_components_are_normalised_not_zeroed() {
        let e = engine();
        let mut a = ad("big", "x.example", "", &[]);
        a.embedding = vec![0.0; 64];
        a.embedding[0] = 1e20;
        a.embedding[1] = -1e20;
        e.upsert_ads(vec![a]).unwrap();
        let v = e.get_ad("big").unwrap().embedding;
        assert!(
            (v[0] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6,
            "{v:?}"
        );
        assert!((v[1] + std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }

    #[test]
    fn oversized_batches_and_lists_are_refused_before_any_work() {
        use crate::server::{call::Method, ops};
        use prost::Message;
        let e = engine();
        let many: Vec<wire::Ad> = (0..10_001)
            .map(|i| ad(&format!("a{i}"), "x.example", "shoes", &[]))
            .collect();
        // Ads and ids per call are limits of the wire, not of an in-process call.
        let upsert = wire::UpsertAdsRequest { ads: many.clone() }.encode_to_vec();
        let err = ops::call(&e, Method::UpsertAds, &upsert, 0.0).unwrap_err();
        assert_eq!(err.field(), Some("ads"), "{err}");
        assert!(e.catalog.is_empty());
        let ids: Vec<String> = (0..10_001).map(|i| format!("a{i}")).collect();
        let delete = wire::DeleteAdsRequest {
            ad_ids: ids.clone(),
        }
        .encode_to_vec();
        let err = ops::call(&e, Method::DeleteAds, &delete, 0.0).unwrap_err();
        assert_eq!(err.field(), Some("ad_ids"));
        assert_eq!(e.upsert_ads(many).unwrap(), 10_001);
        assert_eq!(e.delete_ads(&ids).unwrap(), 10_001);
        let mut r = req("u", "shoes");
        r.regs = Some(wire::Regs {
            gpp_sid: vec![2; 65],
            ..Default::default()
        });
        assert_eq!(e.score(&r, 0.0).unwrap_err().field(), Some("regs.gpp_sid"));
        let mut a = ad("s", "x.example", "shoes", &[]);
        a.sensitive_categories = vec!["health".into(); 17];
        assert_eq!(
            e.upsert_ads(vec![a]).unwrap_err().field(),
            Some("ads[0].sensitive_categories")
        );
    }

    #[test]
    fn a_turn_finds_the_matching_ad_and_explains_it() {
        let e = engine();
        e.upsert_ads(vec![
            ad(
                "fly",
                "sky.example",
                "cheap flights and airline tickets",
                &[],
            ),
            ad(
                "run",
                "shoe.example",
                "running shoes for your marathon",
                &[],
            ),
        ])
        .unwrap();
        let r = e
            .score(
                &req(
                    "u1",
                    "I am training for a marathon, my running shoes are worn",
                ),
                0.0,
            )
            .unwrap();
        assert_eq!(r.ads[0].ad_id, "run");
        assert!(r
            .ads
            .iter()
            .all(|a| a.ad_id != "fly" || a.relevance < r.ads[0].relevance));
        assert!(!r.ads[0].explanation.is_empty());
        assert!(r.profile_updated);
    }

    #[test]
    fn validation_names_fields() {
        let e = engine();
        let mut r = req("u", "hi");
        r.max_ads = 0;
        assert_eq!(e.score(&r, 0.0).unwrap_err().field(), Some("max_ads"));
        let mut bad = ad("x", "a.example", "text", &[]);
        bad.bid_cpm = f64::NAN;
        let err = e
            .upsert_ads(vec![ad("ok", "a.example", "fine", &[]), bad])
            .unwrap_err();
        assert_eq!(err.field(), Some("ads[1].bid_cpm"));
        assert_eq!(e.catalog.len(), 0, "a bad batch stores nothing");
        assert_eq!(
            e.get_ad("nope").unwrap_err(),
            CoreError::not_found("ad_id", "no ad \"nope\" in the catalog")
        );
    }

    #[test]
    fn forget_removes_profile() {
        let e = engine();
        e.ingest("u", "s", "marathon training", 0.0).unwrap();
        assert!(e.profile("u", 0.0).unwrap().is_some());
        assert!(e.forget_user("u", 0.0).unwrap());
        assert!(e.profile("u", 0.0).unwrap().is_none());
    }

    // Encoded with the IAB's @iabtcf/core: purposes 1-4 consent, vendors 755, 999.
    const TC_P1234: &str =
        "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA";

    fn strict() -> Engine {
        let cfg = EngineConfig {
            secret: b"0123456789abcdef-test".to_vec(),
            ..Default::default()
        };
        let e = Engine::new(cfg, TermWeights::default()).unwrap();
        e.upsert_ads(vec![ad(
            "run",
            "shoe.example",
            "running shoes for your marathon",
            &[],
        )])
        .unwrap();
        e
    }

    #[test]
    fn gdpr_without_consent_serves_nothing_and_stores_nothing() {
        let e = strict();
        let r = e.score(&req("u", "marathon running shoes"), 0.0).unwrap();
        assert!(r.ads.is_empty() && !r.profile_updated);
        assert_eq!(r.reasons, ["gdpr_no_consent_string"]);
        assert!(e.profile("u", 0.0).unwrap().is_none());
        let mut with = req("u", "marathon running shoes");
        with.consent = TC_P1234.into();
        let r = e.score(&with, 0.0).unwrap();
        assert!(!r.ads.is_empty() && r.profile_updated, "{r:?}");
    }

    #[test]
    fn minors_opt_outs_and_sensitive_turns_never_reach_the_profile() {
        let e = strict();
        let mut minor = req("kid", "marathon running shoes");
        minor.consent = TC_P1234.into();
        minor.user_is_minor = true;
        let r = e.score(&minor, 0.0).unwrap();
        assert!(!r.profile_updated && r.reasons.contains(&"minor".to_string()));
        assert_eq!(r.personalization(), wire::Personalization::Contextual);
        assert!(e.profile("kid", 0.0).unwrap().is_none());

        let mut sick = req(
            "adult",
            "my diabetes is getting worse, which running shoes?",
        );
        sick.consent = TC_P1234.into();
        let r = e.score(&sick, 0.0).unwrap();
        assert!(r.ads.is_empty() && !r.profile_updated);
        assert!(r.reasons.contains(&"sensitive_turn".to_string()));
        assert!(e.profile("adult", 0.0).unwrap().is_none());

        e.set_opt_out("adult", true, 1.0).unwrap();
        let mut again = req("adult", "marathon running shoes");
        again.consent = TC_P1234.into();
        let r = e.score(&again, 2.0).unwrap();
        assert!(!r.profile_updated && r.reasons.contains(&"opted_out".to_string()));
        assert_eq!(r.personalization(), wire::Personalization::Contextual);
        e.set_opt_out("adult", false, 3.0).unwrap();
        assert!(e.score(&again, 4.0).unwrap().profile_updated);
    }

    #[test]
    fn sensitive_ads_are_never_personalised() {
        let e = engine();
        let mut pharmacy = ad("pharma", "pharma.example", "running shoes marathon", &[]);
        pharmacy.categories = vec!["IAB7-18".into()];
        e.upsert_ads(vec![pharmacy]).unwrap();
        assert_eq!(e.get_ad("pharma").unwrap().sensitive_categories, ["health"]);
        let first = e.score(&req("p", "marathon running shoes"), 0.0).unwrap();
        assert_eq!(first.personalization(), wire::Personalization::Contextual);
        assert_eq!(
            first.ads[0].ad_id, "pharma",
            "contextual selection may show it"
        );
        let second = e.score(&req("p", "marathon running shoes"), 1.0).unwrap();
        assert!(
            second.ads.is_empty()
                || second.personalization() == wire::Personalization::Personalized
        );
        assert!(second.ads.iter().all(|a| a.ad_id != "pharma"));
    }

    #[test]
    fn reports_and_explanations_are_readable() {
        let e = engine();
        e.upsert_ads(vec![ad(
            "run",
            "shoe.example",
            "running shoes for your marathon",
            &[],
        )])
        .unwrap();
        e.score(&req("u", "marathon running shoes"), 86_400.0)
            .unwrap();
        let rep = e.profile_report("u", 86_400.0).unwrap();
        assert!(
            rep.exists && rep.turns == 1 && rep.summary.contains("1970-01-02"),
            "{}",
            rep.summary
        );
        assert_eq!(rep.expires_at, 86_400 + 30 * 86_400);
        let ex = e.explain_ad("u", "run", 86_400.0).unwrap();
        assert!(ex.relevance > 0.2 && ex.explanation.contains("shoe.example"));
        assert!(ex.how_to_change.contains("SetOptOut"));
        assert_eq!(utc_date(0.0), "1970-01-01");
        assert_eq!(utc_date(1_796_083_200.0), "2026-12-01");
    }
}
