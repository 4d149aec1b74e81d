//! Decoder of the TCF v2 core segment, reduced to what the consent decision needs.
//!
//! Written here rather than taken from a crate: `iab_gpp` 0.1.2 (used for GPP
//! strings) decodes the core segment's publisher-restriction vendor ranges
//! wrongly (a restriction on vendor 755 comes out as vendors 3 and 5), and
//! restrictions are part of the decision. The layout follows the IAB's "TC
//! string format" (core segment); tests compare it with the iab-tcf oracle
//! on strings encoded by the IAB's own @iabtcf/core.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::consent::TcSignals;

struct Bits<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: usize) -> Option<u32> {
        if n > 32 || self.pos + n > self.bytes.len() * 8 {
            return None;
        }
        let mut v = 0u32;
        for _ in 0..n {
            let bit = (self.bytes[self.pos / 8] >> (7 - self.pos % 8)) & 1;
            v = (v << 1) | u32::from(bit);
            self.pos += 1;
        }
        Some(v)
    }
    fn skip(&mut self, n: usize) -> Option<()> {
        (self.pos + n <= self.bytes.len() * 8).then(|| self.pos += n)
    }
}

/// Reads a vendor section (bit field or ranges) and says whether `vendor` is in it.
fn vendor_section(b: &mut Bits<'_>, vendor: Option<u16>) -> Option<bool> {
    let max = b.read(16)? as usize;
    let is_range = b.read(1)? == 1;
    let v = vendor.map(usize::from);
    if !is_range {
        let start = b.pos;
        b.skip(max)?;
        return Some(match v {
            Some(v) if (1..=max).contains(&v) => {
                let p = start + v - 1;
                (b.bytes[p / 8] >> (7 - p % 8)) & 1 == 1
            }
            Some(_) => false,
            None => true,
        });
    }
    let found = range_entries(b, v)?;
    Some(v.is_none() || found)
}

/// Reads `NumEntries(12)` range entries and says whether `v` falls in one.
fn range_entries(b: &mut Bits<'_>, v: Option<usize>) -> Option<bool> {
    let n = b.read(12)?;
    let mut found = false;
    for _ in 0..n {
        let is_range = b.read(1)? == 1;
        let start = b.read(16)? as usize;
        let end = if is_range {
            b.read(16)? as usize
        } else {
            start
        };
        if v.is_some_and(|v| (start..=end).contains(&v)) {
            found = true;
        }
    }
    Some(found)
}

/// Decodes a TC string (core segment; other segments are ignored) for `vendor`.
pub fn decode(tc: &str, vendor: Option<u16>) -> Option<TcSignals> {
    let core = tc.trim().split('.').next()?;
    let bytes = URL_SAFE_NO_PAD.decode(core.trim_end_matches('=')).ok()?;
    let mut b = Bits {
        bytes: &bytes,
        pos: 0,
    };
    if b.read(6)? != 2 {
        return None; // only TCF v2
    }
    // Created, LastUpdated, CmpId, CmpVersion, ConsentScreen, ConsentLanguage,
    // VendorListVersion.
    b.skip(36 + 36 + 12 + 12 + 6 + 12 + 12)?;
    let policy_version = b.read(6)? as u8;
    b.skip(1 + 1)?; // IsServiceSpecific, UseNonStandardTexts
    let special_features = b.read(12)?;
    let purpose_consent = b.read(24)?;
    let purpose_li = b.read(24)?;
    b.skip(1 + 12)?; // PurposeOneTreatment, PublisherCC
    let reverse = |x: u32| x.reverse_bits() >> 8; // bit 1 of the field = purpose 1
    let mut s = TcSignals {
        policy_version,
        special_features: (special_features.reverse_bits() >> 20) as u16,
        purpose_consent: reverse(purpose_consent),
        purpose_li: reverse(purpose_li),
        vendor_consent: vendor_section(&mut b, vendor)?,
        vendor_li: vendor_section(&mut b, vendor)?,
        ..Default::default()
    };
    let n = b.read(12)?;
    for _ in 0..n {
        let purpose = b.read(6)?;
        let kind = b.read(2)?;
        let applies = range_entries(&mut b, vendor.map(usize::from))?;
        if applies && (1..=24).contains(&purpose) {
            let bit = 1u32 << (purpose - 1);
            match kind {
                0 => s.not_allowed |= bit,
                1 => s.require_consent |= bit,
                2 => s.require_li |= bit,
                _ => {}
            }
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    // @iabtcf/core: purposes 1-4 consent; restriction "not allowed" on purpose 4 for vendor 755.
    const RESTRICTED: &str =
        "CQtAQoAQtDjkAAKACBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAAAAA.IJYQBoAAgAKAAgABQC8wHzgSwAAA";

    #[test]
    fn reads_purposes_and_vendors() {
        let s = decode(RESTRICTED, Some(755)).unwrap();
        assert_eq!(s.purpose_consent, 0b1111);
        assert_eq!(s.policy_version, 4);
        assert!(s.vendor_consent);
        assert!(!decode(RESTRICTED, Some(3)).unwrap().vendor_consent);
    }

    #[test]
    fn rejects_garbage_and_truncation() {
        for bad in [
            "",
            "%%%",
            "A",
            &RESTRICTED[..10],
            "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA",
        ] {
            assert!(decode(bad, Some(1)).is_none(), "{bad}");
        }
    }
}
