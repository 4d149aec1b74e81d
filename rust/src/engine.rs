//! The engine: one chat turn from request to ranked, explained ads.
//!
//! `Engine` ties the text pipeline, the profile store, the catalog and the
//! ranking together and validates everything that comes from outside. It
//! knows nothing of Python; `py/` wraps it.

use std::sync::Arc;
use std::time::Instant;

use crate::catalog::{AdRecord, Catalog, CatalogConfig};
use crate::error::{CoreError, Result};
use crate::profile::{ContextTurn, InterestProfile, KeyHasher, ProfileConfig, ProfileStore};
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
    /// Secret of the keyed hash of user ids.
    pub secret: Vec<u8>,
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
    keys: KeyHasher,
}

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
                16,
                &[],
                &[],
                0,
            )?;
        }
        Ok(Self {
            profiles: ProfileStore::new(config.d, config.profile.clone()),
            catalog: Catalog::new(config.d, config.catalog.clone()),
            keys: KeyHasher::new(&config.secret),
            embedder,
            topics,
            config,
        })
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
        }
        Ok(())
    }

    /// Embeds a turn and, when it carries anything, adds it to the profile and
    /// the session context. Returns what the turn contributed.
    fn ingest_turn(&self, user: &[u8; 16], session: &[u8; 16], message: &str, now: f64) -> Turn {
        let (vector, hits) = self.embedder.embed(message);
        if let Some(v) = &vector {
            self.profiles.update_profile(user, v, &hits, now);
            let turn = ContextTurn {
                vector: v.clone().into_boxed_slice(),
                topics: hits.clone(),
            };
            self.profiles.push_context(session, user, turn, now);
        }
        Turn { vector, hits }
    }

    /// Adds a turn to the user's profile and session without scoring.
    /// Returns whether it carried anything to learn from.
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
        Ok(self
            .ingest_turn(&user, &session, message, now)
            .vector
            .is_some())
    }

    /// Scores one chat turn.
    pub fn score(&self, req: &wire::ScoreRequest, now: f64) -> Result<wire::ScoreResponse> {
        let started = Instant::now();
        self.validate_score(req)?;
        let user = self.keys.user(&req.user_id);
        let session = self.keys.session(&req.user_id, &req.session_id);
        let rc = &self.config.rank;
        let mut reasons: Vec<String> = Vec::new();

        // Context before this turn, then the turn itself (which also learns).
        let context = self.profiles.context(&session, now);
        let profile = self.profiles.profile_view(&user, now);
        let turn = self.ingest_turn(&user, &session, &req.message, now);

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
        let mut w = rc.context_weight;
        for t in &context {
            query
                .iter_mut()
                .zip(t.vector.iter())
                .for_each(|(q, x)| *q += w * x);
            add_interest(&t.topics.0, w);
            w *= 0.5;
        }
        let mut used_profile = false;
        if let Some((mut pv, ptopics)) = profile {
            let mass = normalize(&mut pv);
            if mass > 1e-6 {
                let w = rc.profile_weight * mass.min(1.0);
                query.iter_mut().zip(&pv).for_each(|(q, x)| *q += w * x);
                let total: f32 = ptopics.iter().map(|t| t.1).sum::<f32>().max(1e-6);
                let normalized: Vec<(u16, f32)> =
                    ptopics.iter().map(|&(t, x)| (t, x / total)).collect();
                add_interest(&normalized, w);
                used_profile = true;
            }
        }
        interest.sort_by(|a, b| b.1.total_cmp(&a.1));

        let mut response = wire::ScoreResponse {
            request_id: req.request_id.clone(),
            profile_updated: turn.vector.is_some(),
            ..Default::default()
        };
        if normalize(&mut query) <= 1e-6 {
            reasons.push("no_context".into());
            response.set_personalization(wire::Personalization::None);
            response.reasons = reasons;
            response.took_us = started.elapsed().as_micros() as u32;
            return Ok(response);
        }

        let max_ads = req.max_ads as usize;
        let k = (max_ads * rc.candidates_per_ad).max(rc.min_candidates);
        let blocks = Blocklists::new(&req.bcat, &req.badv);
        let cands = self.catalog.search(&query, k)?;
        let records: Vec<(Arc<AdRecord>, f32)> = cands
            .into_iter()
            .filter_map(|(slot, s)| self.catalog.by_slot(slot).map(|a| (a, s)))
            .collect();
        let cap_keys: Vec<u32> = records.iter().map(|(a, _)| a.cap_key).collect();
        let capped = self.profiles.capped(&user, &cap_keys, now);
        let eligible: Vec<(Arc<AdRecord>, f32)> = records
            .into_iter()
            .zip(capped)
            .filter(|((ad, _), capped)| !capped && !blocks.blocks(ad))
            .map(|(c, _)| c)
            .collect();
        let ranked = rank::rank(eligible, max_ads, rc);
        if ranked.is_empty() {
            reasons.push("no_relevant_ads".into());
        }
        let shown: Vec<u32> = ranked.iter().map(|r| r.ad.cap_key).collect();
        self.profiles.record_impressions(&user, &shown, now);

        let basis = if ranked.is_empty() {
            wire::Personalization::None
        } else if used_profile {
            wire::Personalization::Personalized
        } else {
            wire::Personalization::Contextual
        };
        response.ads = ranked
            .iter()
            .map(|r| self.scored_ad(r, &interest, basis))
            .collect();
        response.set_personalization(basis);
        response.reasons = reasons;
        response.took_us = started.elapsed().as_micros() as u32;
        Ok(response)
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
            let mut v = ad.embedding.clone();
            if normalize(&mut v) <= 1e-12 {
                return Err(CoreError::invalid(f("embedding"), "is the zero vector"));
            }
            v
        } else {
            self.embedder.embed_ad(&ad.title, &ad.text, &topic_idx).ok_or_else(|| {
                CoreError::invalid(f("text"), "title, text and topics carry nothing to match on; give text, topics or an embedding")
            })?
        };
        Ok(AdRecord {
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
    pub fn upsert_ads(&self, ads: Vec<wire::Ad>) -> Result<usize> {
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
        self.catalog.upsert(records)?;
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
        self.catalog.delete(ad_ids)
    }

    pub fn get_ad(&self, ad_id: &str) -> Result<wire::Ad> {
        check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        let r = self.catalog.get(ad_id).ok_or_else(|| {
            CoreError::not_found("ad_id", format!("no ad {ad_id:?} in the catalog"))
        })?;
        Ok(wire::Ad {
            ad_id: r.ad_id.clone(),
            advertiser: r.advertiser.clone(),
            title: r.title.clone(),
            text: r.text.clone(),
            categories: r.categories.clone(),
            topics: r.topics.clone(),
            bid_cpm: r.bid_cpm,
            embedding: r.embedding.to_vec(),
            tags: r.tags.clone(),
        })
    }

    // ---- users ----------------------------------------------------------------

    pub fn forget_user(&self, user_id: &str) -> Result<bool> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        Ok(self.profiles.forget(&self.keys.user(user_id)))
    }

    pub fn profile(&self, user_id: &str) -> Result<Option<InterestProfile>> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        Ok(self.profiles.profile(&self.keys.user(user_id)))
    }

    pub fn user_key(&self, user_id: &str) -> [u8; 16] {
        self.keys.user(user_id)
    }
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
        assert!(e.profile("u").unwrap().is_some());
        assert!(e.forget_user("u").unwrap());
        assert!(e.profile("u").unwrap().is_none());
    }
}
