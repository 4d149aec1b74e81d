//! What a user may ask of the engine: to be forgotten, to opt out (or back
//! in), to see what is held (GDPR Art. 15), and why an ad could be shown
//! (DSA Art. 26(1)(d)). Forget and opt-out requests are recorded durably in
//! the privacy ledger (`crate::privacy::ledger`) before they take effect.

use crate::error::{CoreError, Result};
use crate::privacy::ledger::{Level, Op};
use crate::profile::{Basis, InterestProfile, Key};
use crate::rank;
use crate::text::topics::normalize;
use crate::wire;

use super::validate::check_id;
use super::Engine;

impl Engine {
    /// Deletes the profile, sessions and counters at once and records the
    /// request durably (so no older snapshot can bring them back).
    pub fn forget_user(&self, user_id: &str, now: f64) -> Result<bool> {
        self.forget_key(&self.user_key(user_id)?, now)
    }

    /// [`Engine::forget_user`] by the user's key; the controls go too.
    pub fn forget_key(&self, key: &Key, now: f64) -> Result<bool> {
        let call = self.user_call(key, None, true);
        call.require()?;
        let had = self.ledger.controls(key).is_some()
            || self.profiles.updated_at(key).is_some()
            || !self.profiles.history(key, now).is_empty();
        self.record_op(Op::Forget, key, now)?;
        Ok(self.profiles.forget(key) || had)
    }

    /// Opting out deletes the profile and keeps profiling off until opt-in.
    pub fn set_opt_out(&self, user_id: &str, opted_out: bool, now: f64) -> Result<bool> {
        self.set_opt_out_key(&self.user_key(user_id)?, opted_out, now)
    }

    pub fn set_opt_out_key(&self, key: &Key, opted_out: bool, now: f64) -> Result<bool> {
        let call = self.user_call(key, None, true);
        call.require()?;
        if opted_out {
            self.record_op(Op::OptOut, key, now)?;
            self.profiles.forget(key);
        } else {
            self.record_op(Op::OptIn, key, now)?;
        }
        Ok(opted_out)
    }

    pub fn is_opted_out(&self, user_id: &str) -> Result<bool> {
        let key = self.user_key(user_id)?;
        let call = self.user_call(&key, None, false);
        call.require()?;
        Ok(self.ledger.is_opted_out(&key))
    }

    pub fn profile(&self, user_id: &str, now: f64) -> Result<Option<InterestProfile>> {
        let key = self.user_key(user_id)?;
        let call = self.user_call(&key, None, false);
        call.require()?;
        Ok(self.profiles.profile(&key, now))
    }

    /// What is held about a user, for a person to read (GDPR Art. 15).
    pub fn profile_report(&self, user_id: &str, now: f64) -> Result<wire::ProfileReport> {
        self.profile_report_key(&self.user_key(user_id)?, now)
    }

    pub fn profile_report_key(&self, key: &Key, now: f64) -> Result<wire::ProfileReport> {
        let call = self.user_call(key, None, false);
        call.require()?;
        let opted_out = self.ledger.is_opted_out(key);
        let ttl = self.config.profile.profile_ttl_s;
        let Some(p) = self.profiles.profile(key, now) else {
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
        self.explain_ad_key(&self.user_key(user_id)?, ad_id, now)
    }

    pub fn explain_ad_key(&self, key: &Key, ad_id: &str, now: f64) -> Result<wire::AdExplanation> {
        let call = self.user_call(key, None, false);
        call.require()?;
        check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        let ad = self.catalog.get(ad_id).ok_or_else(|| {
            CoreError::not_found("ad_id", format!("no ad {ad_id:?} in the catalog"))
        })?;
        let controls = self.ledger.controls(key);
        let profile_used = !self.ledger.is_opted_out(key)
            && controls.as_ref().is_none_or(|c| c.level == Level::Full);
        let view = if profile_used {
            self.profiles.profile_view(key, now)
        } else {
            None
        };
        let ad_topics: Vec<wire::Topic> =
            ad.topic_idx.iter().map(|&t| self.wire_topic(t)).collect();
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
            .map(|t| self.wire_topic(t))
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
        if let Some(c) = &controls {
            if c.hidden_ads.iter().any(|(id, _)| *id == ad.ad_id)
                || c.hidden_advertisers
                    .iter()
                    .any(|(a, _)| *a == ad.advertiser)
            {
                explanation.push_str(" You hid this ad, so it is not shown to you any more.");
            }
            let blocked = self.blocked_topics(Some(c));
            if ad
                .topic_idx
                .iter()
                .chain(&ad.inferred_topics)
                .any(|&t| self.is_blocked(t, &blocked))
            {
                explanation.push_str(
                    " It is under a topic you blocked, so it is not shown to you any more.",
                );
            }
        }
        let how_to_change = format!(
            "Hide this ad or its advertiser (Privacy.HideAd), block its topics \
             (Privacy.BlockTopic), or choose contextual ads only or no ads \
             (Privacy.SetPersonalization). Opt out of personalised ads (Privacy.SetOptOut): only \
             the current message is then used. Delete your profile (Privacy.ForgetUser). Withdraw \
             consent for purposes 3 and 4 in the site's consent banner. Interests also fade on \
             their own: half of their weight goes every {:.1} days.",
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

/// `YYYY-MM-DD` (UTC) of a Unix time, without a date library (H. Hinnant's civil_from_days).
pub(super) fn utc_date(unix_s: f64) -> String {
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
