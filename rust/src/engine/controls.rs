//! What a user controls (`Privacy.HideAd`, `BlockTopic`, `SetPersonalization`,
//! `GetAdHistory`, …) and the signed links to the transparency page.
//!
//! Every change is recorded in the privacy ledger (fsync'd) before it takes
//! effect and before the call returns; the turn reads the controls from the
//! ledger's map (`filters.rs`, `consent.rs`). Users are addressed by their
//! keyed hash: from a request's `user_id`, or from a control link's token,
//! which carries that hash and an expiry under an HMAC, never the raw id.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{CoreError, Result};
use crate::privacy::ledger::{Controls, Level, Op};
use crate::profile::{Impression, Key};
use crate::rank;
use crate::wire;

use super::privacy::utc_date;
use super::validate::check_id;
use super::Engine;

/// A control link's lifetime when the caller gives none (15 minutes)...
pub const LINK_TTL_DEFAULT_S: u32 = 900;
/// ...and the longest one may ask for (a day).
pub const LINK_TTL_MAX_S: u32 = 86_400;
const LINK_PREFIX: &str = "ca1";

/// The control links' HMAC key: derived from the server secret, so a link
/// cannot be forged without it and no other keyed hash shares its key.
pub(super) fn link_key(secret: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    m.update(b"chatads control link v1");
    m.finalize().into_bytes().to_vec()
}

fn level_of(l: wire::PersonalizationLevel) -> Option<Level> {
    match l {
        wire::PersonalizationLevel::LevelFull => Some(Level::Full),
        wire::PersonalizationLevel::LevelContextual => Some(Level::Contextual),
        wire::PersonalizationLevel::LevelNoAds => Some(Level::NoAds),
        wire::PersonalizationLevel::Unspecified => None,
    }
}

fn wire_level(l: Level) -> wire::PersonalizationLevel {
    match l {
        Level::Full => wire::PersonalizationLevel::LevelFull,
        Level::Contextual => wire::PersonalizationLevel::LevelContextual,
        Level::NoAds => wire::PersonalizationLevel::LevelNoAds,
    }
}

impl Engine {
    /// The keyed hash of a request's user id (validated).
    pub fn user_key(&self, user_id: &str) -> Result<Key> {
        check_id("user_id", user_id, self.config.limits.max_id_bytes)?;
        Ok(self.keys.user(user_id))
    }

    fn link_mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.link_key).expect("any key length");
        m.update(LINK_PREFIX.as_bytes());
        m.update(b".");
        m.update(payload.as_bytes());
        m
    }

    /// A signed link to the transparency page for one user:
    /// `ca1.<base64url(user key ‖ expiry)>.<base64url(HMAC, 128 bits)>`.
    pub fn issue_control_link(
        &self,
        user_id: &str,
        ttl_s: u32,
        now: f64,
    ) -> Result<wire::ControlLink> {
        let key = self.user_key(user_id)?;
        if ttl_s > LINK_TTL_MAX_S {
            return Err(CoreError::invalid(
                "ttl_s",
                format!("must be at most {LINK_TTL_MAX_S} seconds, got {ttl_s}"),
            ));
        }
        let ttl = if ttl_s == 0 {
            LINK_TTL_DEFAULT_S
        } else {
            ttl_s
        };
        // Rounded up: a link lives at least `ttl` seconds.
        let expires = (now.max(0.0).ceil() as u64 + u64::from(ttl)).min(u64::from(u32::MAX)) as u32;
        let mut body = key.to_vec();
        body.extend_from_slice(&expires.to_le_bytes());
        let payload = B64.encode(&body);
        let tag = self.link_mac(&payload).finalize().into_bytes();
        let token = format!("{LINK_PREFIX}.{payload}.{}", B64.encode(&tag[..16]));
        let base = &self.config.control_page_url;
        let url = if base.is_empty() {
            String::new()
        } else {
            format!("{base}#t={token}")
        };
        Ok(wire::ControlLink {
            token,
            url,
            expires_at: i64::from(expires),
        })
    }

    /// The user a control link was issued for, if its signature holds and it
    /// has not expired. The error says which (never whose).
    pub fn link_user(&self, token: &str, now: f64) -> Result<Key> {
        let bad = |why: &str| CoreError::invalid("token", why.to_string());
        let mut parts = token.trim().split('.');
        let (Some(LINK_PREFIX), Some(payload), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("is not a control link token"));
        };
        let tag = B64
            .decode(tag)
            .map_err(|_| bad("is not a control link token"))?;
        if tag.len() != 16 {
            return Err(bad("has a bad signature"));
        }
        // Constant-time comparison of the (truncated) tag.
        self.link_mac(payload)
            .verify_truncated_left(&tag)
            .map_err(|_| bad("has a bad signature"))?;
        let body = B64.decode(payload).map_err(|_| bad("is malformed"))?;
        if body.len() != 20 {
            return Err(bad("is malformed"));
        }
        let expires = u32::from_le_bytes(body[16..20].try_into().expect("4"));
        if f64::from(expires) <= now {
            return Err(bad("has expired; ask the chat app for a new link"));
        }
        Ok(body[..16].try_into().expect("16"))
    }

    /// The user's controls, as the wire reports them.
    pub fn controls_report(&self, user: &Key) -> Result<wire::UserControls> {
        let call = self.user_call(user, None, false);
        call.require()?;
        Ok(self.controls_here(user))
    }

    /// The controls as held here (within a call about the user).
    fn controls_here(&self, user: &Key) -> wire::UserControls {
        let c = self.ledger.controls(user).unwrap_or_default();
        wire::UserControls {
            level: wire_level(c.level) as i32,
            hidden_ads: c
                .hidden_ads
                .iter()
                .map(|(id, ms)| {
                    let ad = self.catalog.get(id);
                    wire::HiddenAd {
                        ad_id: id.clone(),
                        advertiser: ad
                            .as_ref()
                            .map_or_else(String::new, |a| a.advertiser.clone()),
                        title: ad.as_ref().map_or_else(String::new, |a| a.title.clone()),
                        hidden_at: (*ms / 1000) as i64,
                    }
                })
                .collect(),
            hidden_advertisers: c
                .hidden_advertisers
                .iter()
                .map(|(a, ms)| wire::HiddenAdvertiser {
                    advertiser: a.clone(),
                    hidden_at: (*ms / 1000) as i64,
                })
                .collect(),
            blocked_topics: c
                .blocked_topics
                .iter()
                .filter_map(|&(id, _)| self.topics.index_of(id).map(|t| self.wire_topic(t)))
                .collect(),
            opted_out: self.ledger.is_opted_out(user),
        }
    }

    /// Hides an ad (or every ad of its advertiser) from the user for good.
    pub fn hide_ad(
        &self,
        user: &Key,
        ad_id: &str,
        whole_advertiser: bool,
        now: f64,
    ) -> Result<wire::UserControls> {
        let call = self.user_call(user, None, true);
        call.require()?;
        check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        let op = if whole_advertiser {
            let ad = self.catalog.get(ad_id).ok_or_else(|| {
                CoreError::not_found("ad_id", format!("no ad {ad_id:?} in the catalog"))
            })?;
            Op::HideAdvertiser(ad.advertiser.clone())
        } else {
            Op::HideAd(ad_id.to_string())
        };
        self.ledger.check_room(user, &op)?;
        self.record_op(op, user, now)?;
        Ok(self.controls_here(user))
    }

    /// Undoes [`Engine::hide_ad`] for an ad id or an advertiser (one of them).
    pub fn unhide_ad(
        &self,
        user: &Key,
        ad_id: &str,
        advertiser: &str,
        now: f64,
    ) -> Result<wire::UserControls> {
        let call = self.user_call(user, None, true);
        call.require()?;
        let op = match (ad_id.is_empty(), advertiser.is_empty()) {
            (false, true) => {
                check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
                Op::UnhideAd(ad_id.to_string())
            }
            (true, false) => {
                check_id("advertiser", advertiser, self.config.limits.max_id_bytes)?;
                Op::UnhideAdvertiser(rank::normalize_domain(advertiser))
            }
            _ => {
                return Err(CoreError::invalid(
                    "ad_id",
                    "give exactly one of ad_id and advertiser",
                ))
            }
        };
        self.record_op(op, user, now)?;
        Ok(self.controls_here(user))
    }

    fn topic_index(&self, topic_id: u32) -> Result<u16> {
        self.topics.index_of(topic_id).ok_or_else(|| {
            CoreError::invalid(
                "topic_id",
                format!("{topic_id} is not a Topics taxonomy v2 id"),
            )
        })
    }

    /// Removes `topic` and its subtopics from the user's profile (its
    /// direction and those of the removed topics) and session context.
    fn remove_from_profile(&self, user: &Key, topic: u16) {
        let topics = &self.topics;
        let under = |t: u16| topics.is_ancestor_or_self(topic, t);
        let mut removed: Vec<u16> = vec![topic];
        removed.extend(
            self.profiles
                .topics_seen(user)
                .into_iter()
                .map(|(t, _)| t)
                .filter(|&t| under(t)),
        );
        removed.sort_unstable();
        removed.dedup();
        let dirs: Vec<Vec<f32>> = removed
            .iter()
            .map(|&t| {
                let mut v = topics.vector(t).to_vec();
                crate::text::topics::normalize(&mut v);
                v
            })
            .collect();
        // Orthonormalise, so that removing one direction does not bring back another.
        let mut basis: Vec<Vec<f32>> = Vec::new();
        for mut v in dirs {
            for b in &basis {
                let c = crate::catalog::dot(&v, b);
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= c * y);
            }
            if crate::text::topics::normalize(&mut v) > 1e-3 {
                basis.push(v);
            }
        }
        let refs: Vec<&[f32]> = basis.iter().map(|v| v.as_slice()).collect();
        self.profiles.remove_topics(user, under, &refs);
    }

    /// Re-applies blocks and removals to a restored profile (recovery).
    pub(super) fn scrub_profile(&self, user: &Key, controls: &Controls) {
        let updated = self.profiles.updated_at(user);
        for &(id, _) in &controls.blocked_topics {
            if let Some(t) = self.topics.index_of(id) {
                self.remove_from_profile(user, t);
            }
        }
        for &(id, ms) in &controls.removed_interests {
            let older = updated.is_some_and(|u| u * 1000.0 <= ms as f64);
            if let (true, Some(t)) = (older, self.topics.index_of(id)) {
                self.remove_from_profile(user, t);
            }
        }
    }

    /// Blocks a topic and its subtopics: removed from the profile now, never
    /// learnt or used again, and ads under them never shown to the user.
    pub fn block_topic(&self, user: &Key, topic_id: u32, now: f64) -> Result<wire::UserControls> {
        let call = self.user_call(user, None, true);
        call.require()?;
        let t = self.topic_index(topic_id)?;
        let op = Op::BlockTopic(topic_id);
        self.ledger.check_room(user, &op)?;
        self.record_op(op, user, now)?;
        self.remove_from_profile(user, t);
        Ok(self.controls_here(user))
    }

    pub fn unblock_topic(&self, user: &Key, topic_id: u32, now: f64) -> Result<wire::UserControls> {
        let call = self.user_call(user, None, true);
        call.require()?;
        self.topic_index(topic_id)?;
        self.record_op(Op::UnblockTopic(topic_id), user, now)?;
        Ok(self.controls_here(user))
    }

    /// Removes a topic (and its subtopics) from the profile, without a block:
    /// later conversations may bring it back.
    pub fn remove_interest(
        &self,
        user: &Key,
        topic_id: u32,
        now: f64,
    ) -> Result<wire::ProfileReport> {
        let call = self.user_call(user, None, true);
        call.require()?;
        let t = self.topic_index(topic_id)?;
        let op = Op::RemoveInterest(topic_id);
        self.ledger.check_room(user, &op)?;
        self.record_op(op, user, now)?;
        self.remove_from_profile(user, t);
        self.profile_report_key(user, now)
    }

    pub fn set_personalization(
        &self,
        user: &Key,
        level: wire::PersonalizationLevel,
        now: f64,
    ) -> Result<wire::UserControls> {
        let call = self.user_call(user, None, true);
        call.require()?;
        let level = level_of(level).ok_or_else(|| {
            CoreError::invalid(
                "level",
                "must be LEVEL_FULL, LEVEL_CONTEXTUAL or LEVEL_NO_ADS",
            )
        })?;
        self.record_op(Op::Level(level), user, now)?;
        Ok(self.controls_here(user))
    }

    /// The ads shown to the user recently, newest first, with why.
    pub fn ad_history(&self, user: &Key, now: f64) -> Result<wire::AdHistory> {
        let call = self.user_call(user, None, false);
        call.require()?;
        let entries = self
            .profiles
            .history(user, now)
            .iter()
            .map(|i| self.history_entry(i))
            .collect();
        Ok(wire::AdHistory { entries })
    }

    fn history_entry(&self, i: &Impression) -> wire::AdHistoryEntry {
        let topics: Vec<wire::Topic> = i.shared_topics().map(|t| self.wire_topic(t)).collect();
        let source = if i.personalized {
            "your recent conversations were"
        } else {
            "the conversation was"
        };
        let names: Vec<String> = topics
            .iter()
            .map(|t| rank::readable_topic(&t.name))
            .collect();
        let explanation = if names.is_empty() {
            format!(
                "Shown on {} because words in the conversation matched this ad's text.",
                utc_date(i.at)
            )
        } else {
            format!(
                "Shown on {} because {source} about {}, and so is this ad.",
                utc_date(i.at),
                names.join(" and ")
            )
        };
        wire::AdHistoryEntry {
            ad_id: i.ad.ad_id.clone(),
            advertiser: i.ad.advertiser.clone(),
            title: i.ad.title.clone(),
            shown_at_ms: (i.at * 1000.0) as i64,
            personalization: if i.personalized {
                wire::Personalization::Personalized as i32
            } else {
                wire::Personalization::Contextual as i32
            },
            topics,
            explanation,
        }
    }

    /// Deletes the ad history (one ad's entries, or all) and the frequency
    /// counts with it; the request is recorded first.
    pub fn clear_ad_history(&self, user: &Key, ad_id: &str, now: f64) -> Result<u32> {
        let call = self.user_call(user, None, true);
        call.require()?;
        if !ad_id.is_empty() {
            check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        }
        self.record_op(Op::ClearHistory(ad_id.to_string()), user, now)?;
        let id = (!ad_id.is_empty()).then_some(ad_id);
        Ok(self.profiles.clear_history(user, id) as u32)
    }
}
