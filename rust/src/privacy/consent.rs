//! Consent: what a request allows, decided from `regs` and the TCF v2 string.
//!
//! TC strings (standalone, or the TCF EU v2 section of a GPP string, which
//! wins; GPP strings are split with the `iab_gpp` crate) are decoded by
//! `tcf.rs` and reduced to the few bits the decision needs for our vendor id. Reductions are cached by string, so a
//! repeated string costs one hash lookup. A missing, truncated or garbled
//! string under GDPR means "no consent": never an error that loses the request.
//!
//! | purpose | needed for | legal bases accepted |
//! |---|---|---|
//! | 2 (basic ads) | any ad | consent or legitimate interest |
//! | 3 (create a personalised-ads profile) | profile update | consent only |
//! | 4 (use a profile to select ads) | profile-based selection | consent only |
//!
//! With a vendor id configured, the vendor needs consent (or legitimate
//! interest, for purpose 2) too, and publisher restrictions for that vendor
//! apply: "not allowed" forbids the purpose, "require consent" removes the
//! legitimate-interest route, "require legitimate interest" removes the
//! consent route (so purposes 3 and 4 become impossible, as TCF 2.2 intends).

use std::str::FromStr;

use iab_gpp::sections::SectionId;
use iab_gpp::v1::GPPString;
use quick_cache::sync::Cache;

/// Machine-readable reasons, as they appear in `ScoreResponse.reasons`.
pub mod reason {
    pub const NO_CONSENT_STRING: &str = "gdpr_no_consent_string";
    pub const INVALID_CONSENT_STRING: &str = "consent_string_invalid";
    pub const NO_PURPOSE_2: &str = "no_consent_purpose_2";
    pub const NO_PURPOSE_3: &str = "no_consent_purpose_3";
    pub const NO_PURPOSE_4: &str = "no_consent_purpose_4";
    pub const NO_VENDOR_CONSENT: &str = "no_vendor_consent";
    pub const PUBLISHER_RESTRICTION: &str = "publisher_restriction";
    pub const COPPA: &str = "coppa";
    pub const MINOR: &str = "minor";
    pub const OPTED_OUT: &str = "opted_out";
    pub const SENSITIVE_TURN: &str = "sensitive_turn";
    pub const NO_CONTEXT: &str = "no_context";
    /// Profile use was allowed, but nothing was held yet (first turn).
    pub const NO_PROFILE_YET: &str = "no_profile_yet";
    pub const NO_RELEVANT_ADS: &str = "no_relevant_ads";
    // A user's control shaped the answer.
    pub const USER_CHOSE_CONTEXTUAL: &str = "user_chose_contextual";
    pub const USER_CHOSE_NO_ADS: &str = "user_chose_no_ads";
    pub const AD_HIDDEN_BY_USER: &str = "ad_hidden_by_user";
    pub const TOPIC_BLOCKED_BY_USER: &str = "topic_blocked_by_user";
    // The over-personalisation guard shaped it.
    pub const FREQUENCY_CAPPED: &str = "frequency_capped";
    pub const REPEAT_SUPPRESSED: &str = "repeat_suppressed";
    pub const AD_LOAD_LIMITED: &str = "ad_load_limited";
    pub const STALE_INTEREST_DAMPED: &str = "stale_interest_damped";
    pub const ECHO_DAMPED: &str = "echo_damped";
    /// The shared state store could not be reached: contextual, nothing kept.
    pub const PROFILE_STORE_UNAVAILABLE: &str = "profile_store_unavailable";
}

#[derive(Clone, Debug)]
pub struct ConsentConfig {
    /// Our IAB Global Vendor List id; `None` = check purposes only.
    pub vendor_id: Option<u16>,
    /// Whether GDPR applies when `regs.gdpr` is absent (strict default: yes).
    pub gdpr_when_unknown: bool,
    /// Under GDPR without a valid TC string: serve contextual ads (true) or none (false).
    pub contextual_without_consent: bool,
    /// Decoded strings kept in the cache.
    pub cache_capacity: usize,
}

impl Default for ConsentConfig {
    fn default() -> Self {
        Self {
            vendor_id: None,
            gdpr_when_unknown: true,
            contextual_without_consent: false,
            cache_capacity: 100_000,
        }
    }
}

/// How a purpose may be used by our vendor, reduced from a TC string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcSignals {
    /// TCF policy version the string was made under.
    pub policy_version: u8,
    /// Bit `f-1` set: special feature `f` opted in.
    pub special_features: u16,
    /// Bit `p-1` set: purpose `p` has consent.
    pub purpose_consent: u32,
    /// Bit `p-1` set: purpose `p` has legitimate interest established.
    pub purpose_li: u32,
    pub vendor_consent: bool,
    pub vendor_li: bool,
    /// Publisher restrictions for our vendor, per purpose bit.
    pub not_allowed: u32,
    pub require_consent: u32,
    pub require_li: u32,
}

impl TcSignals {
    fn restricted(&self, p: u8) -> bool {
        self.not_allowed & (1 << (p - 1)) != 0
    }

    /// Purpose `p` allowed for our vendor on the basis of consent.
    pub fn consent(&self, p: u8) -> bool {
        let bit = 1u32 << (p - 1);
        self.purpose_consent & bit != 0
            && self.vendor_consent
            && self.not_allowed & bit == 0
            && self.require_li & bit == 0
    }

    /// Purpose `p` allowed for our vendor on the basis of legitimate interest.
    pub fn legitimate_interest(&self, p: u8) -> bool {
        let bit = 1u32 << (p - 1);
        self.purpose_li & bit != 0
            && self.vendor_li
            && self.not_allowed & bit == 0
            && self.require_consent & bit == 0
    }
}

/// Decodes a standalone TC string into the signals for `vendor` (no cache).
pub fn decode_signals(tc: &str, vendor: Option<u16>) -> Option<TcSignals> {
    super::tcf::decode(tc, vendor)
}

/// The signals a request carries, as far as consent goes.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConsentInput<'a> {
    pub gdpr: Option<i32>,
    pub gpp: &'a str,
    pub gpp_sid: &'a [i32],
    pub consent: &'a str,
}

/// What a request allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentDecision {
    pub gdpr_applies: bool,
    /// A valid TC string was found (GPP section or `consent`).
    pub tc_valid: bool,
    pub may_serve: bool,
    pub may_update_profile: bool,
    pub may_use_profile: bool,
    pub reasons: Vec<&'static str>,
}

impl ConsentDecision {
    fn all_allowed() -> Self {
        Self {
            gdpr_applies: false,
            tc_valid: false,
            may_serve: true,
            may_update_profile: true,
            may_use_profile: true,
            reasons: vec![],
        }
    }
}

/// Decoding, caching and the decision table.
pub struct ConsentPolicy {
    pub config: ConsentConfig,
    cache: Cache<String, Option<TcSignals>>,
}

impl ConsentPolicy {
    pub fn new(config: ConsentConfig) -> Self {
        let cache = Cache::new(config.cache_capacity.max(16));
        Self { config, cache }
    }

    /// Signals of a standalone TC string (`None` when it does not decode).
    pub fn tc_signals(&self, tc: &str) -> Option<TcSignals> {
        let key = format!("tc:{tc}");
        if let Some(hit) = self.cache.get(&key) {
            return hit;
        }
        let decoded = decode_signals(tc, self.config.vendor_id);
        self.cache.insert(key, decoded);
        decoded
    }

    /// Signals of the TCF EU v2 section of a GPP string: `Some(None)` when the
    /// string has such a section that does not decode (or the string itself is
    /// garbled), `None` when there is no such section.
    pub fn gpp_signals(&self, gpp: &str) -> Option<Option<TcSignals>> {
        let key = format!("gpp:{gpp}");
        if let Some(hit) = self.cache.get(&key) {
            return Some(hit);
        }
        let parsed = match GPPString::from_str(gpp.trim()) {
            Ok(g) => g,
            Err(_) => {
                self.cache.insert(key, None);
                return Some(None);
            }
        };
        let section = parsed.section(SectionId::TcfEuV2)?;
        let decoded = decode_signals(section, self.config.vendor_id);
        self.cache.insert(key, decoded);
        Some(decoded)
    }

    /// The decision table of DESIGN.md's privacy rules, for consent alone
    /// (minors, opt-out and sensitive turns are applied by the engine).
    pub fn decide(&self, input: &ConsentInput<'_>) -> ConsentDecision {
        let gdpr_applies = match input.gdpr {
            Some(g) => g == 1,
            None => {
                input.gpp_sid.contains(&(SectionId::TcfEuV2 as i32))
                    || self.config.gdpr_when_unknown
            }
        };
        if !gdpr_applies {
            return ConsentDecision::all_allowed();
        }
        // GPP with a TCF EU v2 section wins over `consent`.
        let from_gpp = if input.gpp.trim().is_empty() {
            None
        } else {
            self.gpp_signals(input.gpp)
        };
        let signals = match from_gpp {
            Some(s) => s,
            None if input.consent.trim().is_empty() => {
                return self.without_consent(reason::NO_CONSENT_STRING);
            }
            None => self.tc_signals(input.consent),
        };
        let Some(s) = signals else {
            return self.without_consent(reason::INVALID_CONSENT_STRING);
        };
        let mut reasons = Vec::new();
        let may_serve = s.consent(2) || s.legitimate_interest(2);
        let may_update_profile = s.consent(3);
        let may_use_profile = s.consent(4);
        for (p, ok, why) in [
            (2u8, may_serve, reason::NO_PURPOSE_2),
            (3, may_update_profile, reason::NO_PURPOSE_3),
            (4, may_use_profile, reason::NO_PURPOSE_4),
        ] {
            if !ok {
                reasons.push(if s.restricted(p) {
                    reason::PUBLISHER_RESTRICTION
                } else if s.purpose_consent & (1 << (p - 1)) != 0 && !s.vendor_consent {
                    reason::NO_VENDOR_CONSENT
                } else {
                    why
                });
            }
        }
        reasons.dedup();
        ConsentDecision {
            gdpr_applies,
            tc_valid: true,
            may_serve,
            may_update_profile,
            may_use_profile,
            reasons,
        }
    }

    fn without_consent(&self, why: &'static str) -> ConsentDecision {
        ConsentDecision {
            gdpr_applies: true,
            tc_valid: false,
            may_serve: self.config.contextual_without_consent,
            may_update_profile: false,
            may_use_profile: false,
            reasons: vec![why],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Encoded with the IAB's @iabtcf/core: purposes 1-4 consent, vendors 755 and
    // 999 consent (range encoding), vendor 2 legitimate interest.
    const P1234_V755: &str =
        "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA";

    fn policy(vendor: Option<u16>) -> ConsentPolicy {
        ConsentPolicy::new(ConsentConfig {
            vendor_id: vendor,
            ..Default::default()
        })
    }

    #[test]
    fn decodes_purposes_and_vendors() {
        let s = policy(Some(755)).tc_signals(P1234_V755).unwrap();
        assert_eq!(s.purpose_consent, 0b1111);
        assert!(s.vendor_consent && !s.vendor_li);
        assert!(
            !policy(Some(2))
                .tc_signals(P1234_V755)
                .unwrap()
                .vendor_consent
        );
        assert!(policy(Some(2)).tc_signals(P1234_V755).unwrap().vendor_li);
    }

    #[test]
    fn full_consent_allows_everything() {
        let d = policy(Some(755)).decide(&ConsentInput {
            gdpr: Some(1),
            consent: P1234_V755,
            ..Default::default()
        });
        assert!(
            d.may_serve && d.may_update_profile && d.may_use_profile,
            "{d:?}"
        );
        assert!(d.reasons.is_empty());
    }

    #[test]
    fn unknown_vendor_gets_nothing_personal() {
        let d = policy(Some(1200)).decide(&ConsentInput {
            gdpr: Some(1),
            consent: P1234_V755,
            ..Default::default()
        });
        assert!(!d.may_serve && !d.may_update_profile && !d.may_use_profile);
        assert!(d.reasons.contains(&reason::NO_VENDOR_CONSENT));
    }

    #[test]
    fn missing_and_garbled_strings_mean_no_consent() {
        let p = policy(None);
        for consent in ["", "not-a-tc-string", &P1234_V755[..20], "%%%", "CQ"] {
            let d = p.decide(&ConsentInput {
                gdpr: Some(1),
                consent,
                ..Default::default()
            });
            assert!(
                !d.may_serve && !d.may_update_profile && !d.may_use_profile,
                "{consent}"
            );
            assert_eq!(d.reasons.len(), 1);
        }
        // GDPR unknown: strict by default, permissive when configured.
        assert!(!p.decide(&ConsentInput::default()).may_serve);
        let lax = ConsentPolicy::new(ConsentConfig {
            gdpr_when_unknown: false,
            ..Default::default()
        });
        assert!(lax.decide(&ConsentInput::default()).may_use_profile);
        assert!(
            p.decide(&ConsentInput {
                gdpr: Some(0),
                ..Default::default()
            })
            .may_use_profile
        );
    }

    #[test]
    fn gpp_section_wins_over_consent() {
        // Header "DBABMA" = GPP v1 with one section, id 2 (TCF EU v2).
        let gpp = format!("DBABMA~{P1234_V755}");
        let p = policy(Some(755));
        let d = p.decide(&ConsentInput {
            gdpr: Some(1),
            gpp: &gpp,
            consent: "garbage",
            ..Default::default()
        });
        assert!(d.may_use_profile, "{d:?}");
        let d = p.decide(&ConsentInput {
            gdpr: Some(1),
            gpp: "DBABMA~garbage",
            consent: P1234_V755,
            ..Default::default()
        });
        assert!(!d.may_serve, "a garbled GPP TCF section is no consent");
    }
}
