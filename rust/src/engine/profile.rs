//! Stage 3, profile: what is remembered of the user (the session's earlier
//! turns and the interest profile, `crate::profile`), and learning this turn
//! into it. Also `ingest`, which learns without scoring.

use crate::error::Result;
use crate::profile::{Basis, ContextTurn, Key, ProfileView};

use super::text::Turn;
use super::validate::{check_bytes, check_id};
use super::Engine;

/// What was remembered before this turn, as far as it may be used.
pub(super) struct Memory {
    /// The session's earlier turns, most recent first.
    pub context: Vec<ContextTurn>,
    /// The interest profile (vector, topics), faded to now.
    pub profile: Option<ProfileView>,
}

impl Engine {
    /// Read before this turn is learnt, so that it counts once in the query.
    pub(super) fn recall(&self, user: &Key, session: &Key, may_use: bool, now: f64) -> Memory {
        if !may_use {
            return Memory {
                context: Vec::new(),
                profile: None,
            };
        }
        Memory {
            context: self.profiles.context(session, now),
            profile: self.profiles.profile_view(user, now),
        }
    }

    /// Adds an embedded turn to the profile and the session context.
    pub(super) fn learn(
        &self,
        user: &Key,
        session: &Key,
        turn: &Turn,
        now: f64,
        basis: Basis,
    ) -> bool {
        let Some(v) = &turn.vector else { return false };
        self.profiles
            .update_profile(user, v, &turn.hits, now, basis);
        self.profiles.push_context_with(session, user, now, |ctx| {
            if ctx.vector.len() == v.len() {
                ctx.vector.copy_from_slice(v);
            } else {
                ctx.vector = v.as_slice().into();
            }
            ctx.topics.0.clone_from(&turn.hits.0);
            ctx.rare.clone_from(&turn.rare);
            ctx.terms.clone_from(&turn.terms);
        });
        true
    }

    /// Adds a turn to the user's profile and session without scoring (the
    /// caller vouches for consent). Opted-out users and sensitive turns are
    /// never learnt from. Returns whether the turn was used.
    pub fn ingest(&self, user_id: &str, session_id: &str, message: &str, now: f64) -> Result<bool> {
        let l = &self.config.limits;
        check_id("user_id", user_id, l.max_id_bytes)?;
        check_id("session_id", session_id, l.max_id_bytes)?;
        check_bytes("message", message, l.max_message_bytes)?;
        let user = self.keys.user(user_id);
        let session = self.keys.session(user_id, session_id);
        let call = self.user_call(&user, Some(&session), true);
        call.require()?;
        if self.ledger.is_opted_out(&user) || !self.guard.detect(message).is_empty() {
            return Ok(false);
        }
        let controls = self.ledger.controls(&user);
        let blocked = self.blocked_topics(controls.as_deref());
        if controls
            .as_ref()
            .is_some_and(|c| c.level != crate::privacy::ledger::Level::Full)
        {
            return Ok(false);
        }
        let turn = self.embed_turn(message);
        if self.touches_blocked(&turn.hits, &blocked) {
            return Ok(false);
        }
        Ok(self.learn(&user, &session, &turn, now, Basis::Caller))
    }
}
