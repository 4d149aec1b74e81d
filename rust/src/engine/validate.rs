//! Limits on what a caller may send, checked before any work is done; each
//! refusal names the field (`ads[3].bid_cpm`) and says what is allowed.

use crate::error::{CoreError, Result};
use crate::wire;

use super::config::Limits;

/// A value that must fit in `max` bytes.
pub(super) fn check_bytes(field: &str, value: &str, max: usize) -> Result<()> {
    if value.len() > max {
        return Err(CoreError::invalid(
            field,
            format!("is {} bytes, the limit is {max}", value.len()),
        ));
    }
    Ok(())
}

/// An id: not blank, at most `max` bytes.
pub(super) fn check_id(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(CoreError::invalid(field, "must not be empty"));
    }
    check_bytes(field, value, max)
}

/// Entries in one call: a limit of the wire (`server::ops`), not of the engine.
pub(crate) fn check_batch(field: &str, n: usize, max: usize) -> Result<()> {
    if n > max {
        return Err(CoreError::invalid(
            field,
            format!("has {n} entries, the limit is {max} per call"),
        ));
    }
    Ok(())
}

pub(super) fn check_list(
    field: &str,
    items: &[String],
    max_len: usize,
    max_item: usize,
) -> Result<()> {
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

/// Everything a Score request carries, against the limits.
pub(super) fn validate_score(r: &wire::ScoreRequest, l: &Limits) -> Result<()> {
    check_bytes("request_id", &r.request_id, l.max_id_bytes)?;
    check_id("user_id", &r.user_id, l.max_id_bytes)?;
    check_id("session_id", &r.session_id, l.max_id_bytes)?;
    check_bytes("message", &r.message, l.max_message_bytes)?;
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
