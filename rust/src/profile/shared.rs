//! One user's state as bytes, for a shared state store (`crate::state`):
//! the profile record, the ad history and one session, each a value of its
//! own. Only keyed hashes, numbers and ad ids go in: never a user id, never
//! chat text (a session keeps its turns as vectors and word hashes, as in
//! memory). Decoding never trusts the bytes: a value that does not parse is
//! dropped, as if it had expired.

use std::sync::Arc;

use half::f16;
use smallvec::SmallVec;
use thin_vec::ThinVec;

use super::{
    ContextTurn, Impression, InterestProfile, Key, PackedProfile, ProfileStore, SessionAds,
    SessionContext,
};
use crate::catalog::AdRecord;
use crate::text::embed::TopicHits;

/// One user's stored values (`None`: absent).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserBlobs {
    pub profile: Option<Vec<u8>>,
    pub impressions: Option<Vec<u8>>,
    /// The session's context and ad state (one session of the user).
    pub session: Option<Vec<u8>>,
}

const SESSION_CONTEXT: u8 = 1;
const SESSION_ADS: u8 = 2;

/// A cursor over untrusted bytes: every read is checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4")))
    }
    fn f32(&mut self) -> Option<f32> {
        self.u32().map(f32::from_bits).filter(|x| x.is_finite())
    }
    fn f64(&mut self) -> Option<f64> {
        self.take(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8")))
            .filter(|x| x.is_finite())
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.push(n.min(u8::MAX as usize) as u8);
}

fn encode_turn(t: &ContextTurn, out: &mut Vec<u8>) {
    for &x in t.vector.iter() {
        out.extend_from_slice(&f16::from_f32(x).to_bits().to_le_bytes());
    }
    let hits = &t.topics.0[..t.topics.0.len().min(255)];
    put_len(out, hits.len());
    for &(topic, w) in hits {
        out.extend_from_slice(&topic.to_le_bytes());
        out.extend_from_slice(&w.to_le_bytes());
    }
    put_len(out, t.rare.len());
    for &h in t.rare.iter().take(255) {
        out.extend_from_slice(&h.to_le_bytes());
    }
    put_len(out, t.terms.len());
    for &(h, w) in t.terms.iter().take(255) {
        out.extend_from_slice(&h.to_le_bytes());
        out.extend_from_slice(&w.to_le_bytes());
    }
}

fn decode_turn(r: &mut Reader<'_>, d: usize) -> Option<ContextTurn> {
    let mut vector = Vec::with_capacity(d);
    for _ in 0..d {
        vector.push(f16::from_bits(r.u16()?).to_f32());
    }
    let mut topics = TopicHits::default();
    for _ in 0..r.u8()? {
        topics.0.push((r.u16()?, r.f32()?));
    }
    let mut rare = SmallVec::new();
    for _ in 0..r.u8()? {
        rare.push(r.u32()? as i32);
    }
    let mut terms = SmallVec::new();
    for _ in 0..r.u8()? {
        terms.push((r.u32()? as i32, r.f32()?));
    }
    Some(ContextTurn {
        vector: vector.into_boxed_slice(),
        topics,
        rare,
        terms,
    })
}

fn encode_session(ctx: Option<&SessionContext>, ads: Option<&SessionAds>) -> Option<Vec<u8>> {
    if ctx.is_none() && ads.is_none() {
        return None;
    }
    let mut out = Vec::with_capacity(256);
    out.push(
        if ctx.is_some() { SESSION_CONTEXT } else { 0 }
            | if ads.is_some() { SESSION_ADS } else { 0 },
    );
    if let Some(c) = ctx {
        out.extend_from_slice(&c.last_seen.to_le_bytes());
        put_len(&mut out, c.turns.len());
        for t in c.turns.iter().take(255) {
            encode_turn(t, &mut out);
        }
    }
    if let Some(a) = ads {
        out.extend_from_slice(&a.turn.to_le_bytes());
        out.extend_from_slice(&a.last_ads_turn.to_le_bytes());
        out.extend_from_slice(&a.last_seen.to_le_bytes());
        put_len(&mut out, a.last_ads.len());
        for &k in a.last_ads.iter().take(255) {
            out.extend_from_slice(&k.to_le_bytes());
        }
        put_len(&mut out, a.shown_at.len());
        for &t in a.shown_at.iter().take(255) {
            out.extend_from_slice(&t.to_le_bytes());
        }
    }
    Some(out)
}

fn decode_session(
    bytes: &[u8],
    owner: &Key,
    d: usize,
) -> Option<(Option<SessionContext>, Option<SessionAds>)> {
    let mut r = Reader(bytes);
    let flags = r.u8()?;
    let ctx = if flags & SESSION_CONTEXT != 0 {
        let last_seen = r.f64()?;
        let n = r.u8()?;
        let mut turns = std::collections::VecDeque::with_capacity(n as usize);
        for _ in 0..n {
            turns.push_back(decode_turn(&mut r, d)?);
        }
        Some(SessionContext {
            owner: *owner,
            turns,
            last_seen,
        })
    } else {
        None
    };
    let ads = if flags & SESSION_ADS != 0 {
        let turn = r.u32()?;
        let last_ads_turn = r.u32()?;
        let last_seen = r.f64()?;
        let mut last_ads = SmallVec::new();
        for _ in 0..r.u8()? {
            last_ads.push(r.u32()?);
        }
        let mut shown_at = SmallVec::new();
        for _ in 0..r.u8()? {
            shown_at.push(r.f64()?);
        }
        Some(SessionAds {
            owner: *owner,
            turn,
            last_ads_turn,
            last_ads,
            shown_at,
            last_seen,
        })
    } else {
        None
    };
    r.0.is_empty().then_some((ctx, ads))
}

fn encode_impressions(log: &[Impression]) -> Vec<u8> {
    let log = &log[log.len().saturating_sub(u16::MAX as usize)..];
    let mut out = Vec::with_capacity(2 + log.len() * 40);
    out.extend_from_slice(&(log.len() as u16).to_le_bytes());
    for i in log {
        out.extend_from_slice(&i.at.to_le_bytes());
        out.push(u8::from(i.personalized));
        for t in i.topics {
            out.extend_from_slice(&t.to_le_bytes());
        }
        let id = i.ad.ad_id.as_bytes();
        let id = &id[..id.len().min(u16::MAX as usize)];
        out.extend_from_slice(&(id.len() as u16).to_le_bytes());
        out.extend_from_slice(id);
    }
    out
}

/// The impressions whose ad is still in the catalog (`ad` resolves ids).
fn decode_impressions(
    bytes: &[u8],
    ad: &dyn Fn(&str) -> Option<Arc<AdRecord>>,
) -> Option<ThinVec<Impression>> {
    let mut r = Reader(bytes);
    let n = r.u16()?;
    let mut log = ThinVec::with_capacity(n as usize);
    for _ in 0..n {
        let at = r.f64()?;
        let personalized = r.u8()? != 0;
        let topics = [r.u16()?, r.u16()?, r.u16()?];
        let len = r.u16()? as usize;
        let id = std::str::from_utf8(r.take(len)?).ok()?;
        if let Some(ad) = ad(id) {
            log.push(Impression::new(at, ad, personalized, topics));
        }
    }
    r.0.is_empty().then_some(log)
}

impl ProfileStore {
    /// The user's values as they stand here (and those of `session`).
    pub fn export_user(&self, user: &Key, session: Option<&Key>) -> UserBlobs {
        let profile = self.profiles.get(user).map(|p| p.0.to_vec());
        let impressions = self.shown.get(user).map(|log| encode_impressions(&log));
        let session = session.and_then(|s| {
            let ctx = self.sessions.get(s);
            let ads = self.session_ads.get(s);
            encode_session(ctx.as_deref(), ads.as_deref())
        });
        UserBlobs {
            profile,
            impressions,
            session,
        }
    }

    /// Replaces the user's profile and ad history held here by those of
    /// `blobs`. `ad` resolves an ad id in the catalog (ads deleted since drop
    /// out of the history). Returns the values that did not decode (dropped).
    pub fn install_user(
        &self,
        user: &Key,
        blobs: &UserBlobs,
        ad: &dyn Fn(&str) -> Option<Arc<AdRecord>>,
    ) -> Vec<&'static str> {
        let mut bad = Vec::new();
        match blobs
            .profile
            .as_deref()
            .map(|b| InterestProfile::decode_record(b, self.d))
        {
            Some(Ok(p)) => {
                self.profiles.insert(*user, PackedProfile::pack(&p));
            }
            other => {
                if other.is_some() {
                    bad.push("profile");
                }
                self.profiles.remove(user);
            }
        }
        match blobs
            .impressions
            .as_deref()
            .map(|b| decode_impressions(b, ad))
        {
            Some(Some(log)) => {
                self.shown.insert(*user, log);
            }
            other => {
                if other.is_some() {
                    bad.push("ad history");
                }
                self.shown.remove(user);
            }
        }
        bad
    }

    /// Replaces the session held here by that of `blobs`; returns whether
    /// its bytes did not decode (dropped).
    pub fn install_session(&self, user: &Key, session: &Key, blobs: &UserBlobs) -> bool {
        let decoded = blobs
            .session
            .as_deref()
            .map(|b| decode_session(b, user, self.d));
        let bad = matches!(decoded, Some(None));
        let (ctx, ads) = decoded.flatten().unwrap_or((None, None));
        match ctx {
            Some(c) => self.sessions.insert(*session, c),
            None => self.sessions.remove(session).map(|(_, c)| c),
        };
        match ads {
            Some(a) => self.session_ads.insert(*session, a),
            None => self.session_ads.remove(session).map(|(_, a)| a),
        };
        bad
    }

    /// Drops the user's profile and history held here (the shared store keeps them).
    pub fn evict_user(&self, user: &Key) {
        self.profiles.remove(user);
        self.shown.remove(user);
    }

    /// Drops a session held here (the shared store keeps it).
    pub fn evict_session(&self, session: &Key) {
        self.sessions.remove(session);
        self.session_ads.remove(session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Basis, ProfileConfig};

    fn ad(id: &str) -> Arc<AdRecord> {
        Arc::new(AdRecord::for_test(id, "example.com"))
    }

    #[test]
    fn a_user_round_trips_through_bytes() {
        let (user, session) = ([7u8; 16], [9u8; 16]);
        let a = ProfileStore::new(8, ProfileConfig::default());
        let mut hits = TopicHits::default();
        hits.add(3, 0.8);
        a.update_profile(&user, &[0.5; 8], &hits, 1000.0, Basis::TcfConsent);
        a.push_context(
            &session,
            &user,
            ContextTurn {
                vector: vec![0.25; 8].into_boxed_slice(),
                topics: hits.clone(),
                rare: smallvec::smallvec![11, -12],
                terms: smallvec::smallvec![(5, 0.5)],
            },
            1000.0,
        );
        let s = a.begin_session_turn(&session, 1000.0);
        a.end_session_turn(&session, &user, &s, &[42], 1000.0, 3600.0);
        a.record_impressions(
            &user,
            vec![Impression::new(
                1000.0,
                ad("x"),
                true,
                [3, super::super::NO_TOPIC, super::super::NO_TOPIC],
            )],
            1000.0,
        );
        let blobs = a.export_user(&user, Some(&session));
        assert!(blobs.profile.is_some() && blobs.impressions.is_some() && blobs.session.is_some());

        let b = ProfileStore::new(8, ProfileConfig::default());
        let bad = b.install_user(&user, &blobs, &|id| (id == "x").then(|| ad(id)));
        assert!(bad.is_empty());
        assert!(!b.install_session(&user, &session, &blobs));
        assert_eq!(b.export_user(&user, Some(&session)), blobs);
        assert_eq!(b.context(&session, 1000.0).len(), 1);
        assert_eq!(b.history(&user, 1000.0)[0].ad.ad_id, "x");
        let p = b.profile(&user, 1000.0).unwrap();
        assert_eq!(p.basis, Basis::TcfConsent);

        // An ad deleted since drops out; bytes that do not parse are dropped.
        let c = ProfileStore::new(8, ProfileConfig::default());
        c.install_user(&user, &blobs, &|_| None);
        assert!(c.history(&user, 1000.0).is_empty());
        let mut broken = blobs.clone();
        broken.profile.as_mut().unwrap().pop();
        broken.session.as_mut().unwrap().push(0);
        let bad = c.install_user(&user, &broken, &|_| None);
        assert_eq!(bad, ["profile"]);
        assert!(c.install_session(&user, &session, &broken));
        assert!(c.profile(&user, 1000.0).is_none());
        assert!(c.context(&session, 1000.0).is_empty());

        c.install_user(&user, &blobs, &|id| Some(ad(id)));
        c.install_session(&user, &session, &blobs);
        c.evict_user(&user);
        c.evict_session(&session);
        assert_eq!(c.export_user(&user, Some(&session)), UserBlobs::default());
    }
}
