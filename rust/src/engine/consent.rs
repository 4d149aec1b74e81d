//! Stage 1, consent: what this turn allows, decided before anything is read
//! from it.
//!
//! The consent decision (TCF v2 / GPP, `crate::privacy::consent`) sets the
//! ceiling; COPPA, a minor, an opt-out, the user's personalisation level and
//! a sensitive turn only lower it. Each of them leaves its reason, in this
//! order.

use crate::privacy::consent::{reason, ConsentInput};
use crate::privacy::ledger::{Controls, Level};
use crate::profile::{Basis, Key};
use crate::wire;

use super::config::{MinorAds, SensitiveTurnAds};
use super::Engine;

/// What one turn may do with the user's data, and why not more.
pub(super) struct TurnPolicy {
    /// Learn from this turn (profile and session context).
    pub may_update: bool,
    /// Select ads with the profile and the session's earlier turns.
    pub may_use: bool,
    /// Serve ads at all.
    pub may_serve: bool,
    /// Keep what was shown (frequency caps, ad history, the session's ad
    /// load): with consent to store, and for no minor or opted-out user.
    pub may_record: bool,
    /// The turn touches a special category (GDPR Art. 9).
    pub sensitive: bool,
    /// The legal basis recorded with what is learnt.
    pub basis: Basis,
    /// Why something was not allowed; later stages add theirs.
    pub reasons: Vec<String>,
}

impl Engine {
    pub(super) fn turn_policy(
        &self,
        req: &wire::ScoreRequest,
        user: &Key,
        controls: Option<&Controls>,
    ) -> TurnPolicy {
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
        let minor = regs.coppa == 1 || req.user_is_minor;
        let opted_out = self.ledger.is_opted_out(user);
        if opted_out {
            reasons.push(reason::OPTED_OUT.into());
        }
        let level = controls.map_or(Level::Full, |c| c.level);
        match level {
            Level::Full => {}
            Level::Contextual => reasons.push(reason::USER_CHOSE_CONTEXTUAL.into()),
            Level::NoAds => reasons.push(reason::USER_CHOSE_NO_ADS.into()),
        }
        let sensitive = !self.guard.detect(&req.message).is_empty();
        if sensitive {
            reasons.push(reason::SENSITIVE_TURN.into());
        }
        let personal = !minor && !opted_out;
        let profiling = personal && level == Level::Full;
        TurnPolicy {
            may_update: consent.may_update_profile && profiling && !sensitive,
            may_use: consent.may_use_profile && profiling,
            may_record: consent.may_update_profile && personal,
            may_serve: consent.may_serve
                && level != Level::NoAds
                && (!minor || self.config.minor_ads == MinorAds::Contextual)
                && (!sensitive || self.config.sensitive_turn_ads == SensitiveTurnAds::ProfileOnly),
            sensitive,
            basis: if consent.gdpr_applies {
                Basis::TcfConsent
            } else {
                Basis::NotGdpr
            },
            reasons,
        }
    }
}
