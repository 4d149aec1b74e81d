//! Interest profiles and session context.
//!
//! Users are keyed by HMAC-SHA256(server secret, user id), truncated to 128
//! bits: the raw id never enters the store. A profile is a decayed sum of the
//! user's turn embeddings, `v ← v · 2^(−Δt / half_life) + x`, kept in f16,
//! plus a few decayed topic weights for explanations and frequency-cap
//! counters. Both stores are sharded concurrent maps, so there is no global
//! lock on the hot path.

use std::collections::VecDeque;
use std::sync::Arc;

use dashmap::DashMap;
use half::f16;
use hmac::{Hmac, Mac};
use rustc_hash::FxBuildHasher;
use sha2::Sha256;
use smallvec::SmallVec;
use thin_vec::ThinVec;

use crate::catalog::AdRecord;
use crate::text::embed::TopicHits;

mod shared;
pub use shared::UserBlobs;

/// Opaque key of a user (or of a user's session).
pub type Key = [u8; 16];

/// A decayed interest vector and its topic weights (topic index, weight).
pub type ProfileView = (Vec<f32>, Vec<(u16, f32)>);

/// How many topic weights a profile keeps for explanations.
pub const PROFILE_TOPICS: usize = 8;

/// Bytes of a profile record in a snapshot, besides its `d` vector bytes.
const PROFILE_RECORD_FIXED: usize =
    16 + 8 + 4 + 4 + 1 + 1 + 2 * PROFILE_TOPICS + PROFILE_TOPICS + 2 + 4;
/// Bytes after the vector: when each topic was last heard of (hours before
/// the last update, one byte each). Snapshots written before they were kept
/// lack them (read as the update time).
const PROFILE_RECORD_SEEN: usize = PROFILE_TOPICS;
/// The largest `d` whose profile is read without a heap allocation (the
/// semantic model's 128).
const MAX_INLINE_D: usize = 128;
/// The longest "last heard of" a profile tells apart (255 hours, 10.6 days).
pub const MAX_SEEN_AGE_S: f64 = 255.0 * 3600.0;

#[derive(Clone, Debug)]
pub struct ProfileConfig {
    /// Half-life of a profile's interests, in seconds.
    pub half_life_s: f64,
    /// Turns of a session kept as context.
    pub session_turns: usize,
    /// A session idle this long is dropped.
    pub session_ttl_s: f64,
    /// Impressions of one ad per user within `freq_cap_window_s` (0 = no cap).
    pub freq_cap: u32,
    /// Impressions of one advertiser's ads per user within the window (0 = no cap).
    pub advertiser_cap: u32,
    /// Impressions of one campaign's ads per user within the window (0 = no cap).
    pub campaign_cap: u32,
    pub freq_cap_window_s: f64,
    /// Ad history kept per user: at most this many impressions...
    pub history_size: usize,
    /// ...and none older than this.
    pub history_ttl_s: f64,
    /// A profile not updated for this long is deleted.
    pub profile_ttl_s: f64,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        Self {
            half_life_s: 7.0 * 86_400.0,
            session_turns: 4,
            session_ttl_s: 1800.0,
            freq_cap: 2,
            advertiser_cap: 4,
            campaign_cap: 3,
            freq_cap_window_s: 3600.0,
            history_size: 50,
            history_ttl_s: 7.0 * 86_400.0,
            profile_ttl_s: 30.0 * 86_400.0,
        }
    }
}

/// Keyed hashing of identifiers: HMAC-SHA256 with the server secret. The keyed
/// MAC state is computed once and cloned per call.
#[derive(Clone)]
pub struct KeyHasher {
    mac: Hmac<Sha256>,
}

impl KeyHasher {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            mac: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length"),
        }
    }
    fn digest(&self, parts: &[&[u8]]) -> Key {
        let mut m = self.mac.clone();
        for p in parts {
            m.update(&(p.len() as u64).to_le_bytes());
            m.update(p);
        }
        let full = m.finalize().into_bytes();
        let mut k = [0u8; 16];
        k.copy_from_slice(&full[..16]);
        k
    }
    pub fn user(&self, user_id: &str) -> Key {
        self.digest(&[b"user", user_id.as_bytes()])
    }
    pub fn session(&self, user_id: &str, session_id: &str) -> Key {
        self.digest(&[b"session", user_id.as_bytes(), session_id.as_bytes()])
    }
}

/// The legal basis a profile update was made on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Basis {
    /// An in-process caller vouched for it (`Engine.ingest`).
    #[default]
    Caller,
    /// IAB TCF consent to purposes 3 and 4.
    TcfConsent,
    /// GDPR did not apply to the request.
    NotGdpr,
}

/// What the engine holds about one user. The store keeps it as its record
/// bytes ([`InterestProfile::encode_record`]: 56 + `d` bytes, one allocation;
/// see [`PackedProfile`]) and reads it into this struct, on the stack, for each
/// use.
///
/// The interest vector is quantised to `i8` with one scale per profile
/// (`v[i] = q[i] · scale`), requantised after each update: the error of each
/// component is at most 1/254 of the largest one, far below what moves an ANN
/// query. Topic weights are `u8` fractions of the profile's strongest topic
/// (kept as `f16`); the creation time is kept to the second. Frequency-cap
/// counters live in their own map, only for users who were shown ads.
#[derive(Clone, Debug)]
pub struct InterestProfile {
    q: SmallVec<[i8; MAX_INLINE_D]>,
    scale: f32,
    pub updated_at: f64,
    created_s: u32,
    pub turns: u32,
    /// The legal basis of the last update.
    pub basis: Basis,
    n_topics: u8,
    topic_ids: [u16; PROFILE_TOPICS],
    topic_w: [u8; PROFILE_TOPICS],
    topic_max: f16,
    /// When each topic was last heard of: whole hours before the hour of
    /// `updated_at`, saturating at 255 (older is "long ago").
    topic_seen: [u8; PROFILE_TOPICS],
}

/// The hour a Unix time falls in.
fn hour_of(t: f64) -> i64 {
    (t / 3600.0).floor() as i64
}

fn decay(dt: f64, half_life: f64) -> f32 {
    if dt <= 0.0 {
        1.0
    } else {
        (-dt / half_life).exp2() as f32
    }
}

impl InterestProfile {
    fn new(d: usize, now: f64) -> Self {
        Self {
            q: smallvec::smallvec![0; d],
            scale: 0.0,
            updated_at: now,
            created_s: now.clamp(0.0, u32::MAX as f64) as u32,
            turns: 0,
            basis: Basis::Caller,
            n_topics: 0,
            topic_ids: [0; PROFILE_TOPICS],
            topic_w: [0; PROFILE_TOPICS],
            topic_max: f16::ZERO,
            topic_seen: [0; PROFILE_TOPICS],
        }
    }

    /// When the profile was created (Unix seconds, whole).
    pub fn created_at(&self) -> f64 {
        self.created_s as f64
    }

    /// The profile as a record (snapshots and the shared store): `updated_at
    /// f64 | created u32 | turns u32 | basis u8 | n_topics u8 | topic ids 8×u16
    /// | topic weights 8×u8 | topic max f16 | scale f32 | q d×i8 | topic last
    /// heard of 8×u8 (hours before the update)`, little-endian.
    pub(crate) fn encode_record(&self, out: &mut impl Extend<u8>) {
        let mut put = |b: &[u8]| out.extend(b.iter().copied());
        put(&self.updated_at.to_le_bytes());
        put(&self.created_s.to_le_bytes());
        put(&self.turns.to_le_bytes());
        put(&[
            match self.basis {
                Basis::Caller => 0,
                Basis::TcfConsent => 1,
                Basis::NotGdpr => 2,
            },
            self.n_topics,
        ]);
        for t in self.topic_ids {
            put(&t.to_le_bytes());
        }
        put(&self.topic_w);
        put(&self.topic_max.to_bits().to_le_bytes());
        put(&self.scale.to_le_bytes());
        put(&self
            .q
            .iter()
            .map(|&q| q as u8)
            .collect::<SmallVec<[u8; MAX_INLINE_D]>>());
        put(&self.topic_seen);
    }

    /// Reads [`InterestProfile::encode_record`]'s bytes for dimension `d`
    /// (also without the trailing topic times, as older snapshots wrote).
    pub(crate) fn decode_record(r: &[u8], d: usize) -> std::result::Result<Self, String> {
        let fixed = PROFILE_RECORD_FIXED - 16;
        if r.len() != fixed + d && r.len() != fixed + d + PROFILE_RECORD_SEEN {
            return Err(format!(
                "a profile record of {} bytes, expected {} for d = {d}",
                r.len(),
                fixed + d + PROFILE_RECORD_SEEN
            ));
        }
        let u16_at = |i: usize| u16::from_le_bytes([r[i], r[i + 1]]);
        let basis = match r[16] {
            0 => Basis::Caller,
            1 => Basis::TcfConsent,
            2 => Basis::NotGdpr,
            b => return Err(format!("unknown basis {b}")),
        };
        let n_topics = r[17];
        if n_topics as usize > PROFILE_TOPICS {
            return Err(format!("{n_topics} topics"));
        }
        let mut topic_ids = [0u16; PROFILE_TOPICS];
        for (i, t) in topic_ids.iter_mut().enumerate() {
            *t = u16_at(18 + 2 * i);
        }
        let mut topic_w = [0u8; PROFILE_TOPICS];
        topic_w.copy_from_slice(&r[34..42]);
        let updated_at = f64::from_le_bytes(r[0..8].try_into().expect("8"));
        let scale = f32::from_le_bytes(r[44..48].try_into().expect("4"));
        if !updated_at.is_finite() || !scale.is_finite() {
            return Err("a non-finite number".into());
        }
        let vec_end = fixed + d;
        let mut topic_seen = [0u8; PROFILE_TOPICS];
        if r.len() > vec_end {
            topic_seen.copy_from_slice(&r[vec_end..vec_end + PROFILE_RECORD_SEEN]);
        }
        Ok(Self {
            q: r[48..vec_end].iter().map(|&b| b as i8).collect(),
            topic_seen,
            scale,
            updated_at,
            created_s: u32::from_le_bytes(r[8..12].try_into().expect("4")),
            turns: u32::from_le_bytes(r[12..16].try_into().expect("4")),
            basis,
            n_topics,
            topic_ids,
            topic_w,
            topic_max: f16::from_bits(u16_at(42)),
        })
    }

    fn store(&mut self, v: &[f32]) {
        let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        if !(max.is_finite() && max > 0.0) {
            self.q.iter_mut().for_each(|q| *q = 0);
            self.scale = 0.0;
            return;
        }
        self.scale = max / 127.0;
        let inv = 127.0 / max;
        for (q, x) in self.q.iter_mut().zip(v) {
            *q = (x * inv).round().clamp(-127.0, 127.0) as i8;
        }
    }

    fn topics(&self) -> impl Iterator<Item = (u16, f32)> + '_ {
        let unit = self.topic_max.to_f32() / 255.0;
        self.topic_ids
            .iter()
            .zip(&self.topic_w)
            .take(self.n_topics as usize)
            .map(move |(&t, &w)| (t, w as f32 * unit))
    }

    /// Each topic held and when it was last heard of (Unix seconds, to the
    /// hour; 255 hours before the last update stands for "that or longer").
    pub fn topics_seen(&self) -> impl Iterator<Item = (u16, u32)> + '_ {
        let hour = hour_of(self.updated_at);
        self.topic_ids
            .iter()
            .copied()
            .zip(
                self.topic_seen
                    .iter()
                    .map(move |&h| ((hour - i64::from(h)).max(0) * 3600) as u32),
            )
            .take(self.n_topics as usize)
    }

    /// Stores topics `(id, weight, hours before the update)`, strongest
    /// first, at most `PROFILE_TOPICS`; one that rounds to nothing is dropped.
    fn set_topics(&mut self, mut topics: SmallVec<[(u16, f32, u8); 16]>) {
        topics.sort_by(|a, b| b.1.total_cmp(&a.1));
        topics.truncate(PROFILE_TOPICS);
        let max = topics.first().map_or(0.0, |t| t.1);
        topics.retain(|t| max > 0.0 && t.1 * 255.0 / max >= 0.5);
        self.topic_max = f16::from_f32(max);
        let unit = self.topic_max.to_f32() / 255.0;
        self.n_topics = topics.len() as u8;
        for (i, (t, w, seen)) in topics.into_iter().enumerate() {
            self.topic_ids[i] = t;
            self.topic_w[i] = (w / unit).round().clamp(0.0, 255.0) as u8;
            self.topic_seen[i] = seen;
        }
    }

    /// Removes the topics `drop` selects, and the vector's component along
    /// each of `directions` (unit vectors: the removed topics' places in the
    /// space), so that what was learnt of them goes too.
    pub fn remove_topics(&mut self, drop: impl Fn(u16) -> bool, directions: &[&[f32]]) {
        let mut v: Vec<f32> = self.q.iter().map(|&q| q as f32 * self.scale).collect();
        for u in directions {
            let c = crate::catalog::dot(&v, u);
            v.iter_mut().zip(u.iter()).for_each(|(x, ui)| *x -= c * ui);
        }
        self.store(&v);
        let unit = self.topic_max.to_f32() / 255.0;
        let kept: SmallVec<[(u16, f32, u8); 16]> = (0..self.n_topics as usize)
            .filter(|&i| !drop(self.topic_ids[i]))
            .map(|i| {
                (
                    self.topic_ids[i],
                    self.topic_w[i] as f32 * unit,
                    self.topic_seen[i],
                )
            })
            .collect();
        self.set_topics(kept);
    }

    /// `v ← v · 2^(−Δt/half_life) + x`, and the same for topic weights.
    pub fn update(&mut self, x: &[f32], hits: &TopicHits, now: f64, half_life: f64) {
        let f = decay(now - self.updated_at, half_life);
        let k = self.scale * f;
        let v: SmallVec<[f32; MAX_INLINE_D]> = self
            .q
            .iter()
            .zip(x)
            .map(|(&q, &xi)| q as f32 * k + xi)
            .collect();
        self.store(&v);
        // Hours move on by the time since the last update.
        let shift = (hour_of(now) - hour_of(self.updated_at)).clamp(0, 255) as u8;
        let seen = self.topic_seen;
        let mut topics: SmallVec<[(u16, f32, u8); 16]> = self
            .topics()
            .zip(seen)
            .map(|((t, w), s)| (t, w * f, s.saturating_add(shift)))
            .collect();
        let total: f32 = hits.0.iter().map(|h| h.1).sum();
        if total > 0.0 {
            for &(t, w) in &hits.0 {
                match topics.iter_mut().find(|e| e.0 == t) {
                    Some(e) => {
                        e.1 += w / total;
                        e.2 = 0;
                    }
                    None => topics.push((t, w / total, 0)),
                }
            }
        }
        self.set_topics(topics);
        self.updated_at = self.updated_at.max(now);
        self.turns = self.turns.saturating_add(1);
    }

    /// The interest vector decayed to `now` (not normalised).
    pub fn vector_at(&self, now: f64, half_life: f64) -> Vec<f32> {
        let k = self.scale * decay(now - self.updated_at, half_life);
        self.q.iter().map(|&q| q as f32 * k).collect()
    }

    /// Topic weights decayed to `now`, strongest first.
    pub fn topics_at(&self, now: f64, half_life: f64) -> Vec<(u16, f32)> {
        let f = decay(now - self.updated_at, half_life);
        self.topics().map(|(t, w)| (t, w * f)).collect()
    }
}

/// Impressions kept per user at most, whatever the windows say.
pub const MAX_IMPRESSIONS: usize = 1000;

/// One ad shown to a user: what frequency caps count and the ad history
/// lists. Shares the catalog's record, so the history shows the ad as it was.
#[derive(Clone, Debug)]
pub struct Impression {
    pub at: f64,
    pub ad: Arc<AdRecord>,
    /// The record's cap keys (ad, advertiser, campaign), copied inline: the
    /// caps read every impression of the window on every turn, and would
    /// otherwise follow `ad` to a record that is rarely in cache.
    keys: [u32; 3],
    /// Selected with the profile or the session (not only this turn).
    pub personalized: bool,
    /// The topics it shared with the conversation or the interest (at most
    /// 3; `NO_TOPIC` fills the rest).
    pub topics: [u16; 3],
}

/// An empty slot of [`Impression::topics`].
pub const NO_TOPIC: u16 = u16::MAX;

impl Impression {
    pub fn new(at: f64, ad: Arc<AdRecord>, personalized: bool, topics: [u16; 3]) -> Self {
        let keys = [ad.cap_key, ad.adv_key, ad.campaign_key];
        Impression {
            at,
            ad,
            keys,
            personalized,
            topics,
        }
    }

    /// The first three of `topics`, inline.
    pub fn topics_of(topics: &[u16]) -> [u16; 3] {
        let mut out = [NO_TOPIC; 3];
        for (o, &t) in out.iter_mut().zip(topics) {
            *o = t;
        }
        out
    }

    /// The topics it shared, in order.
    pub fn shared_topics(&self) -> impl Iterator<Item = u16> + '_ {
        self.topics.iter().copied().take_while(|&t| t != NO_TOPIC)
    }
}

/// Impression counts within the frequency-cap window, for one user on one
/// turn, of the keys (ad, advertiser, campaign) of the ads that may be shown.
/// Only those keys are counted: a user's log holds up to `MAX_IMPRESSIONS`
/// entries of many ads, and a turn asks about a few dozen candidates.
#[derive(Default, Debug)]
pub struct CapCounts {
    /// Per kind (ad, advertiser, campaign): (key, count), sorted by key.
    counts: [Vec<(u32, u32)>; 3],
    /// Per kind, a 256-bit filter of the keys (key & 255) that most
    /// impressions of other ads fail in one test.
    filter: [[u64; 4]; 3],
}

impl CapCounts {
    /// Counts for the keys of `ads`, zero so far.
    fn for_ads<'a>(ads: impl Iterator<Item = &'a AdRecord>) -> Self {
        let mut this = CapCounts::default();
        for ad in ads {
            for (kind, key) in [ad.cap_key, ad.adv_key, ad.campaign_key]
                .into_iter()
                .enumerate()
            {
                // Campaign key 0: the ad belongs to no campaign.
                if kind < 2 || key != 0 {
                    this.counts[kind].push((key, 0));
                }
            }
        }
        for (kind, counts) in this.counts.iter_mut().enumerate() {
            counts.sort_unstable();
            counts.dedup();
            for &(key, _) in counts.iter() {
                this.filter[kind][(key as usize >> 6) & 3] |= 1 << (key & 63);
            }
        }
        this
    }

    fn bump(&mut self, keys: &[u32; 3]) {
        for (kind, &key) in keys.iter().enumerate() {
            if self.filter[kind][(key as usize >> 6) & 3] & (1 << (key & 63)) == 0 {
                continue;
            }
            let counts = &mut self.counts[kind];
            if let Ok(i) = counts.binary_search_by_key(&key, |c| c.0) {
                counts[i].1 += 1;
            }
        }
    }

    fn count(&self, kind: usize, key: u32) -> u32 {
        let counts = &self.counts[kind];
        counts
            .binary_search_by_key(&key, |c| c.0)
            .map_or(0, |i| counts[i].1)
    }

    /// Whether one more impression of `ad` would pass a cap. `ad` must be one
    /// of the ads the counts were taken for.
    pub fn capped(&self, ad: &AdRecord, cfg: &ProfileConfig) -> bool {
        (cfg.freq_cap > 0 && self.count(0, ad.cap_key) >= cfg.freq_cap)
            || (cfg.advertiser_cap > 0 && self.count(1, ad.adv_key) >= cfg.advertiser_cap)
            || (cfg.campaign_cap > 0
                && ad.campaign_key != 0
                && self.count(2, ad.campaign_key) >= cfg.campaign_cap)
    }
}

/// A session's ads: what the ad-load rules and "never the same ad on two
/// consecutive turns" need.
#[derive(Clone, Debug, Default)]
pub struct SessionAds {
    pub owner: Key,
    /// Turns scored in the session so far.
    pub turn: u32,
    /// The turn that last showed ads (0 = none yet), and their cap keys.
    pub last_ads_turn: u32,
    pub last_ads: SmallVec<[u32; 4]>,
    /// When each ad of the session was shown (within the ad-load window).
    pub shown_at: SmallVec<[f64; 8]>,
    pub last_seen: f64,
}

/// One remembered turn of a session.
#[derive(Clone, Debug, Default)]
pub struct ContextTurn {
    pub vector: Box<[f32]>,
    pub topics: TopicHits,
    /// Hashes of the turn's rare words (for the echo guard; never the words).
    pub rare: SmallVec<[i32; 4]>,
    /// Its heaviest words' hashes and weights (lexical matching; never the words).
    pub terms: SmallVec<[(i32, f32); 8]>,
}

#[derive(Clone, Debug, Default)]
pub struct SessionContext {
    /// The user the session belongs to, so that forgetting a user drops it.
    pub owner: Key,
    pub turns: VecDeque<ContextTurn>,
    pub last_seen: f64,
}

/// A profile as the store holds it: its record bytes
/// ([`InterestProfile::encode_record`]) in one allocation of 56 + `d` bytes.
/// With glibc's 8-byte header that is one 128-byte chunk at `d = 64` and one
/// 192-byte chunk at `d = 128`; a struct with the vector behind its own
/// pointer took two chunks, 326 bytes a user at `d = 128`
/// (`benches/profile_memory.py`).
struct PackedProfile(Box<[u8]>);

impl PackedProfile {
    fn pack(p: &InterestProfile) -> Self {
        let mut out =
            Vec::with_capacity(PROFILE_RECORD_FIXED - 16 + p.q.len() + PROFILE_RECORD_SEEN);
        p.encode_record(&mut out);
        Self(out.into_boxed_slice())
    }

    /// Writes `p` back in place (a profile's record never changes length).
    fn repack(&mut self, p: &InterestProfile) {
        let mut out: SmallVec<[u8; 256]> = SmallVec::new();
        p.encode_record(&mut out);
        if out.len() == self.0.len() {
            self.0.copy_from_slice(&out);
        } else {
            *self = Self::pack(p);
        }
    }

    fn unpack(&self, d: usize) -> InterestProfile {
        InterestProfile::decode_record(&self.0, d)
            .expect("the store holds only records that encode_record wrote")
    }

    fn updated_at(&self) -> f64 {
        f64::from_le_bytes(
            self.0[..8]
                .try_into()
                .expect("a record starts with updated_at"),
        )
    }
}

/// Profiles and sessions, concurrently readable and writable.
pub struct ProfileStore {
    pub config: ProfileConfig,
    d: usize,
    // Keys are HMAC outputs (uniform, not attacker-chosen), so a cheap hash of
    // them is as good as SipHash. Profiles are boxed: the map's empty slots
    // (up to half of them right after it grows) then cost 16 bytes, not 150.
    profiles: DashMap<Key, PackedProfile, FxBuildHasher>,
    /// The ads shown to each user (frequency caps and ad history), newest last.
    shown: DashMap<Key, ThinVec<Impression>, FxBuildHasher>,
    sessions: DashMap<Key, SessionContext, FxBuildHasher>,
    session_ads: DashMap<Key, SessionAds, FxBuildHasher>,
}

impl ProfileStore {
    pub fn new(d: usize, config: ProfileConfig) -> Self {
        Self {
            config,
            d,
            profiles: DashMap::with_hasher(FxBuildHasher),
            shown: DashMap::with_hasher(FxBuildHasher),
            sessions: DashMap::with_hasher(FxBuildHasher),
            session_ads: DashMap::with_hasher(FxBuildHasher),
        }
    }

    pub fn update_profile(&self, user: &Key, x: &[f32], hits: &TopicHits, now: f64, basis: Basis) {
        let hl = self.config.half_life_s;
        let ttl = self.config.profile_ttl_s;
        let mut packed = self
            .profiles
            .entry(*user)
            .or_insert_with(|| PackedProfile::pack(&InterestProfile::new(self.d, now)));
        let mut p = packed.unpack(self.d);
        if now - p.updated_at > ttl {
            p = InterestProfile::new(self.d, now); // expired: start afresh
        }
        p.update(x, hits, now, hl);
        p.basis = basis;
        packed.repack(&p);
    }

    fn live(&self, p: &PackedProfile, now: f64) -> bool {
        now - p.updated_at() <= self.config.profile_ttl_s
    }

    /// The profile, unless it expired.
    pub fn profile(&self, user: &Key, now: f64) -> Option<InterestProfile> {
        self.profiles
            .get(user)
            .filter(|p| self.live(p, now))
            .map(|p| p.unpack(self.d))
    }

    /// Decayed profile vector and topics.
    pub fn profile_view(&self, user: &Key, now: f64) -> Option<ProfileView> {
        let hl = self.config.half_life_s;
        let p = self.profile(user, now)?;
        Some((p.vector_at(now, hl), p.topics_at(now, hl)))
    }

    pub fn push_context(&self, session: &Key, owner: &Key, turn: ContextTurn, now: f64) {
        self.push_context_with(session, owner, now, |t| *t = turn);
    }

    /// Adds a turn to the session's context (newest first): `fill` writes it
    /// into the buffers of the turn it pushes out when the context is full,
    /// so a live session's turns allocate nothing.
    pub fn push_context_with(
        &self,
        session: &Key,
        owner: &Key,
        now: f64,
        fill: impl FnOnce(&mut ContextTurn),
    ) {
        let keep = self.config.session_turns;
        if keep == 0 {
            return; // session context is switched off
        }
        let mut s = self.sessions.entry(*session).or_default();
        s.owner = *owner;
        s.last_seen = now;
        let mut turn = if s.turns.len() >= keep {
            s.turns.pop_back().unwrap_or_default()
        } else {
            ContextTurn::default()
        };
        fill(&mut turn);
        s.turns.push_front(turn);
        s.turns.truncate(keep);
    }

    /// The session's remembered turns, most recent first (expired sessions are empty).
    pub fn context(&self, session: &Key, now: f64) -> Vec<ContextTurn> {
        match self.sessions.get(session) {
            Some(s) if now - s.last_seen <= self.config.session_ttl_s => {
                s.turns.iter().cloned().collect()
            }
            _ => Vec::new(),
        }
    }

    /// This user's impressions within the frequency-cap window, counted for
    /// the keys of `ads` (the turn's candidates).
    pub fn cap_counts<'a>(
        &self,
        user: &Key,
        now: f64,
        ads: impl Iterator<Item = &'a AdRecord>,
    ) -> CapCounts {
        let cfg = &self.config;
        if cfg.freq_cap == 0 && cfg.advertiser_cap == 0 && cfg.campaign_cap == 0 {
            return CapCounts::default();
        }
        let mut counts = CapCounts::for_ads(ads);
        let Some(shown) = self.shown.get(user) else {
            return counts;
        };
        let window = self.config.freq_cap_window_s;
        for i in shown.iter().rev().take_while(|i| now - i.at < window) {
            counts.bump(&i.keys);
        }
        counts
    }

    /// Records the ads shown on a turn (caps and history). Kept: the newest
    /// `history_size` impressions within the history TTL, and beyond those
    /// every impression the caps' window still counts (at most
    /// `MAX_IMPRESSIONS` in all, so a flood cannot grow memory without bound).
    pub fn record_impressions(&self, user: &Key, shown: Vec<Impression>, now: f64) {
        if shown.is_empty() {
            return;
        }
        let cfg = &self.config;
        let keep = cfg.history_ttl_s.max(cfg.freq_cap_window_s);
        let mut log = self.shown.entry(*user).or_default();
        log.retain(|i| now - i.at < keep);
        log.extend(shown);
        let history = cfg.history_size.max(1);
        let mut drop = 0;
        while log.len() - drop > history && now - log[drop].at >= cfg.freq_cap_window_s {
            drop += 1;
        }
        drop += (log.len() - drop).saturating_sub(MAX_IMPRESSIONS.max(history));
        if drop > 0 {
            log.drain(..drop);
        }
    }

    /// The user's ad history within its TTL, newest first, at most
    /// `history_size` entries.
    pub fn history(&self, user: &Key, now: f64) -> Vec<Impression> {
        let ttl = self.config.history_ttl_s;
        self.shown.get(user).map_or_else(Vec::new, |log| {
            log.iter()
                .rev()
                .filter(|i| now - i.at < ttl)
                .take(self.config.history_size)
                .cloned()
                .collect()
        })
    }

    /// Deletes the user's ad history (one ad's entries, or all); returns how
    /// many entries went. Frequency counts go with them.
    pub fn clear_history(&self, user: &Key, ad_id: Option<&str>) -> usize {
        match ad_id {
            None => self.shown.remove(user).map_or(0, |(_, log)| log.len()),
            Some(id) => {
                let Some(mut log) = self.shown.get_mut(user) else {
                    return 0;
                };
                let before = log.len();
                log.retain(|i| i.ad.ad_id != id);
                before - log.len()
            }
        }
    }

    /// Starts a turn of a session for the ad-load rules: the session's ad
    /// state before this turn, with its turn counter advanced. Only sessions
    /// that have shown ads hold state: a session's first turns cost nothing.
    pub fn begin_session_turn(&self, session: &Key, now: f64) -> SessionAds {
        let ttl = self.config.session_ttl_s;
        match self.session_ads.get_mut(session) {
            Some(mut s) if now - s.last_seen <= ttl => {
                s.last_seen = now;
                s.turn = s.turn.saturating_add(1);
                s.clone()
            }
            _ => SessionAds {
                turn: 1,
                ..Default::default()
            },
        }
    }

    /// Records the ads a session's turn showed; `window` prunes older ad times.
    pub fn end_session_turn(
        &self,
        session: &Key,
        owner: &Key,
        state: &SessionAds,
        ads: &[u32],
        now: f64,
        window: f64,
    ) {
        if ads.is_empty() {
            return;
        }
        let mut s = self.session_ads.entry(*session).or_default();
        if s.turn != state.turn {
            // New (or expired and dropped) here: start from this turn's state.
            *s = state.clone();
        }
        s.owner = *owner;
        s.last_seen = now;
        s.last_ads_turn = state.turn;
        s.last_ads = ads.iter().copied().collect();
        s.shown_at.retain(|t| now - *t < window);
        s.shown_at.extend(std::iter::repeat_n(now, ads.len()));
    }

    /// Removes the topics `drop` selects from the user's profile, with their
    /// directions (see [`InterestProfile::remove_topics`]). Returns whether a
    /// profile was held. (The session context keeps its turns: a turn about a
    /// blocked topic is left out when the context is read.)
    pub fn remove_topics(
        &self,
        user: &Key,
        drop: impl Fn(u16) -> bool,
        directions: &[&[f32]],
    ) -> bool {
        match self.profiles.get_mut(user) {
            Some(mut packed) => {
                let mut p = packed.unpack(self.d);
                p.remove_topics(drop, directions);
                packed.repack(&p);
                true
            }
            None => false,
        }
    }

    /// The profile's topics and when each was last heard of.
    pub fn topics_seen(&self, user: &Key) -> Vec<(u16, u32)> {
        self.profiles
            .get(user)
            .map_or_else(Vec::new, |p| p.unpack(self.d).topics_seen().collect())
    }

    /// When the user's profile was last updated, if one is held.
    pub fn updated_at(&self, user: &Key) -> Option<f64> {
        self.profiles.get(user).map(|p| p.updated_at())
    }

    /// Removes the profile, the ad history and every session of the user.
    pub fn forget(&self, user: &Key) -> bool {
        let had = self.profiles.remove(user).is_some() | self.shown.remove(user).is_some();
        let before = self.sessions.len() + self.session_ads.len();
        self.sessions.retain(|_, s| s.owner != *user);
        self.session_ads.retain(|_, s| s.owner != *user);
        had || self.sessions.len() + self.session_ads.len() < before
    }

    /// Drops sessions idle for longer than the session TTL and profiles not
    /// updated within the profile TTL; returns how many of each went.
    pub fn sweep(&self, now: f64) -> (usize, usize) {
        let (s0, p0) = (self.sessions.len(), self.profiles.len());
        let ttl = self.config.session_ttl_s;
        self.sessions.retain(|_, s| now - s.last_seen <= ttl);
        let pttl = self.config.profile_ttl_s;
        self.profiles.retain(|_, p| now - p.updated_at() <= pttl);
        self.session_ads.retain(|_, s| now - s.last_seen <= ttl);
        let keep = self.config.history_ttl_s.max(self.config.freq_cap_window_s);
        self.shown.retain(|_, log| {
            log.retain(|i| now - i.at < keep);
            !log.is_empty()
        });
        (s0 - self.sessions.len(), p0 - self.profiles.len())
    }

    /// Every live profile as bytes for a snapshot (sessions and frequency caps
    /// are short-lived and not kept): `d u32 | count u64 | records`, each record
    /// `key | updated_at f64 | created u32 | turns u32 | basis u8 | n_topics u8 |
    /// topic ids 8×u16 | topic weights 8×u8 | topic max f16 | scale f32 | q d×i8 |
    /// topic last heard of 8×u8 (hours before the update)`.
    pub fn encode(&self, now: f64) -> Vec<u8> {
        let rec = PROFILE_RECORD_FIXED + self.d + PROFILE_RECORD_SEEN;
        let mut out = Vec::with_capacity(12 + self.profiles.len() * rec);
        out.extend_from_slice(&(self.d as u32).to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes());
        let mut n = 0u64;
        for e in self.profiles.iter() {
            let p = e.value();
            if !self.live(p, now) {
                continue;
            }
            out.extend_from_slice(e.key());
            out.extend_from_slice(&p.0);
            n += 1;
        }
        out[4..12].copy_from_slice(&n.to_le_bytes());
        out
    }

    /// Loads profiles from [`ProfileStore::encode`]'s bytes, except those
    /// `skip(key, updated_at)` rejects (forgotten or opted-out users). All or
    /// nothing: bytes that do not parse change nothing. Returns (loaded, skipped).
    pub fn restore(
        &self,
        bytes: &[u8],
        skip: impl Fn(&Key, f64) -> bool,
    ) -> std::result::Result<(usize, usize), String> {
        if bytes.len() < 12 {
            return Err("profile snapshot: too short".into());
        }
        let d = u32::from_le_bytes(bytes[0..4].try_into().expect("4")) as usize;
        if d != self.d {
            return Err(format!(
                "profile snapshot: profiles have d = {d}, the engine's d is {}",
                self.d
            ));
        }
        let n = u64::from_le_bytes(bytes[4..12].try_into().expect("8")) as usize;
        // Records with the topics' times, or (older snapshots) without.
        let with_seen = PROFILE_RECORD_FIXED + d + PROFILE_RECORD_SEEN;
        let rec = if bytes.len() == 12 + n * with_seen {
            with_seen
        } else {
            PROFILE_RECORD_FIXED + d
        };
        if bytes.len() != 12 + n * rec {
            return Err(format!(
                "profile snapshot: {} bytes for {n} profiles of {with_seen} bytes",
                bytes.len()
            ));
        }
        let mut parsed = Vec::with_capacity(n);
        for r in bytes[12..].chunks_exact(rec) {
            let mut key = [0u8; 16];
            key.copy_from_slice(&r[..16]);
            let p = InterestProfile::decode_record(&r[16..], d)
                .map_err(|e| format!("profile snapshot: {e}"))?;
            parsed.push((key, p));
        }
        let (mut loaded, mut skipped) = (0, 0);
        for (key, p) in parsed {
            if skip(&key, p.updated_at) {
                skipped += 1;
            } else {
                self.profiles.insert(key, PackedProfile::pack(&p));
                loaded += 1;
            }
        }
        Ok((loaded, skipped))
    }

    pub fn n_profiles(&self) -> usize {
        self.profiles.len()
    }
    pub fn n_sessions(&self) -> usize {
        self.sessions.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_fits_one_small_allocation() {
        // With glibc's 8-byte header, one 128-byte chunk at d = 64 and one
        // 192-byte chunk at d = 128 (see PackedProfile).
        for (d, len) in [(64, 120), (128, 184)] {
            let packed = PackedProfile::pack(&InterestProfile::new(d, 1.0));
            assert_eq!(packed.0.len(), len);
            assert_eq!(packed.updated_at(), 1.0);
        }
        // The map's entry: the key and a boxed slice.
        assert_eq!(std::mem::size_of::<(Key, PackedProfile)>(), 32);
        // An ad history entry (and frequency-cap record): 50 a user cost 2 KB.
        assert!(std::mem::size_of::<Impression>() <= 40);
    }

    #[test]
    fn the_store_keeps_what_a_profile_learns_at_every_d() {
        for d in [8, 64, 128, 300] {
            let store = ProfileStore::new(d, ProfileConfig::default());
            let k = [3u8; 16];
            let mut direct = InterestProfile::new(d, 10.0);
            let hits = TopicHits(vec![(7, 1.0), (9, 0.5)]);
            for turn in 0..5 {
                let x: Vec<f32> = (0..d).map(|i| ((i * 7 + turn) % 11) as f32 - 5.0).collect();
                let now = 10.0 + 3600.0 * turn as f64;
                store.update_profile(&k, &x, &hits, now, Basis::TcfConsent);
                direct.update(&x, &hits, now, store.config.half_life_s);
            }
            let held = store.profile(&k, 20_000.0).expect("held");
            assert_eq!(held.q, direct.q, "d = {d}");
            assert_eq!(held.turns, 5);
            assert_eq!(held.basis, Basis::TcfConsent);
            assert_eq!(store.updated_at(&k), Some(direct.updated_at));
            assert_eq!(
                store.topics_seen(&k),
                direct.topics_seen().collect::<Vec<_>>()
            );
            let (v, topics) = store.profile_view(&k, 20_000.0).expect("view");
            assert_eq!(v.len(), d);
            assert_eq!(topics.len(), 2);
        }
    }

    #[test]
    fn quantised_vector_keeps_direction() {
        let store = ProfileStore::new(64, ProfileConfig::default());
        let k = [8u8; 16];
        let x: Vec<f32> = (0..64)
            .map(|i| ((i * 37 % 19) as f32 - 9.0) / 9.0)
            .collect();
        store.update_profile(&k, &x, &TopicHits::default(), 0.0, Basis::Caller);
        store.update_profile(&k, &x, &TopicHits::default(), 0.0, Basis::Caller);
        let (v, _) = store.profile_view(&k, 0.0).unwrap();
        let dot: f32 = v.iter().zip(&x).map(|(a, b)| a * b).sum();
        let (nv, nx) = (
            v.iter().map(|a| a * a).sum::<f32>().sqrt(),
            x.iter().map(|a| a * a).sum::<f32>().sqrt(),
        );
        assert!(dot / (nv * nx) > 0.9999, "{}", dot / (nv * nx));
        assert!((nv / nx - 2.0).abs() < 0.01, "{}", nv / nx);
    }

    #[test]
    fn snapshot_bytes_round_trip_and_skip_forgotten() {
        let store = ProfileStore::new(8, ProfileConfig::default());
        let x = [0.5, -0.25, 0.0, 1.0, 0.0, 0.0, 0.125, -1.0];
        for k in 0..5u8 {
            store.update_profile(
                &[k; 16],
                &x,
                &TopicHits(vec![(k as u16, 1.0), (40, 0.5)]),
                100.0 + k as f64,
                Basis::TcfConsent,
            );
        }
        let bytes = store.encode(200.0);
        let copy = ProfileStore::new(8, ProfileConfig::default());
        let (loaded, skipped) = copy.restore(&bytes, |k, _| k[0] == 3).unwrap();
        assert_eq!((loaded, skipped), (4, 1));
        assert!(copy.profile(&[3; 16], 200.0).is_none());
        let (a, b) = (
            store.profile_view(&[1; 16], 300.0).unwrap(),
            copy.profile_view(&[1; 16], 300.0).unwrap(),
        );
        assert_eq!(a, b);
        let p = copy.profile(&[1; 16], 300.0).unwrap();
        assert_eq!(
            (p.turns, p.basis, p.updated_at),
            (1, Basis::TcfConsent, 101.0)
        );
        // When each topic was last heard of survives too...
        assert_eq!(store.topics_seen(&[1; 16]), copy.topics_seen(&[1; 16]));
        // ...and a snapshot from before it was kept (records without those bytes)
        // loads, its topics last heard of at the profile's update.
        let rec = PROFILE_RECORD_FIXED + 8 + PROFILE_RECORD_SEEN;
        let mut old = bytes[..12].to_vec();
        for r in bytes[12..].chunks_exact(rec) {
            old.extend_from_slice(&r[..rec - PROFILE_RECORD_SEEN]);
        }
        let from_old = ProfileStore::new(8, ProfileConfig::default());
        assert_eq!(from_old.restore(&old, |_, _| false).unwrap(), (5, 0));
        assert!(from_old.topics_seen(&[1; 16]).iter().all(|&(_, s)| s == 0)); // hour of t = 101 s
                                                                              // Wrong d, or bytes cut short, are refused and change nothing.
        assert!(ProfileStore::new(4, ProfileConfig::default())
            .restore(&bytes, |_, _| false)
            .unwrap_err()
            .contains("d = 8"));
        let empty = ProfileStore::new(8, ProfileConfig::default());
        assert!(empty
            .restore(&bytes[..bytes.len() - 1], |_, _| false)
            .is_err());
        assert_eq!(empty.n_profiles(), 0);
    }

    #[test]
    fn keys_are_keyed_and_stable() {
        let a = KeyHasher::new(b"secret-a");
        let b = KeyHasher::new(b"secret-b");
        assert_eq!(a.user("alice"), a.user("alice"));
        assert_ne!(a.user("alice"), b.user("alice"));
        assert_ne!(a.user("alice"), a.session("alice", ""));
    }

    #[test]
    fn half_life_halves_old_interest() {
        let store = ProfileStore::new(
            2,
            ProfileConfig {
                half_life_s: 10.0,
                ..Default::default()
            },
        );
        let k = [1u8; 16];
        store.update_profile(&k, &[1.0, 0.0], &TopicHits::default(), 0.0, Basis::Caller);
        store.update_profile(&k, &[0.0, 1.0], &TopicHits::default(), 10.0, Basis::Caller);
        let (v, _) = store.profile_view(&k, 10.0).unwrap();
        // Quantisation error: at most half a step of 1/127 of the largest component.
        let tol = 0.5 / 127.0 + 1e-6;
        assert!(
            (v[0] - 0.5).abs() <= tol && (v[1] - 1.0).abs() <= tol,
            "{v:?}"
        );
        let (v, _) = store.profile_view(&k, 20.0).unwrap();
        assert!((v[1] - 0.5).abs() < 1e-3);
    }

    #[test]
    fn profiles_expire_after_inactivity() {
        let store = ProfileStore::new(
            1,
            ProfileConfig {
                profile_ttl_s: 100.0,
                ..Default::default()
            },
        );
        let k = [6u8; 16];
        store.update_profile(&k, &[1.0], &TopicHits::default(), 0.0, Basis::TcfConsent);
        assert!(store.profile(&k, 100.0).is_some());
        assert!(store.profile(&k, 101.0).is_none() && store.profile_view(&k, 101.0).is_none());
        assert_eq!(store.sweep(101.0), (0, 1));
        assert_eq!(store.n_profiles(), 0);
    }

    #[test]
    fn topics_keep_the_strongest() {
        let store = ProfileStore::new(1, ProfileConfig::default());
        let k = [2u8; 16];
        for t in 0..20u16 {
            store.update_profile(
                &k,
                &[0.0],
                &TopicHits(vec![(t, 1.0 + t as f32)]),
                t as f64,
                Basis::Caller,
            );
        }
        let (_, topics) = store.profile_view(&k, 20.0).unwrap();
        assert_eq!(topics.len(), PROFILE_TOPICS);
        assert_eq!(topics[0].0, 19);
    }

    #[test]
    fn frequency_cap_counts_within_window() {
        let store = ProfileStore::new(
            1,
            ProfileConfig {
                freq_cap: 2,
                freq_cap_window_s: 100.0,
                ..Default::default()
            },
        );
        let k = [3u8; 16];
        let ad = |id: &str, adv: &str, campaign: &str| {
            Arc::new(AdRecord::for_test(id, adv).with_campaign(campaign))
        };
        let (a7, a8) = (ad("a7", "x.example", ""), ad("a8", "y.example", "c1"));
        let shown = |ads: &[&Arc<AdRecord>], at: f64| {
            ads.iter()
                .map(|a| Impression::new(at, Arc::clone(a), false, [NO_TOPIC; 3]))
                .collect::<Vec<_>>()
        };
        let cfg = store.config.clone();
        store.record_impressions(&k, shown(&[&a7, &a8], 0.0), 0.0);
        assert!(!store
            .cap_counts(&k, 1.0, [&*a7].into_iter())
            .capped(&a7, &cfg));
        store.record_impressions(&k, shown(&[&a7], 1.0), 1.0);
        // Another ad of a capped advertiser or campaign is capped too.
        let cfg2 = ProfileConfig {
            advertiser_cap: 2,
            campaign_cap: 1,
            ..cfg.clone()
        };
        let (a9, a10, a11) = (
            ad("a9", "x.example", ""),
            ad("a10", "z.example", "c1"),
            ad("a11", "z.example", "c2"),
        );
        let asked = [&a7, &a8, &a9, &a10, &a11];
        let counts = store.cap_counts(&k, 2.0, asked.iter().map(|a| &***a));
        assert!(counts.capped(&a7, &cfg) && !counts.capped(&a8, &cfg));
        assert!(counts.capped(&a9, &cfg2));
        assert!(counts.capped(&a10, &cfg2));
        assert!(!counts.capped(&a11, &cfg2));
        assert!(!store
            .cap_counts(&k, 200.0, [&*a7].into_iter())
            .capped(&a7, &cfg));
        // The history lists them newest first; clearing one ad's entries.
        let h = store.history(&k, 2.0);
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].ad.ad_id, "a7");
        assert_eq!(store.clear_history(&k, Some("a7")), 2);
        assert_eq!(store.clear_history(&k, None), 1);
        assert!(store.history(&k, 2.0).is_empty());
    }

    #[test]
    fn caps_count_every_impression_of_the_window_beyond_the_history_size() {
        let store = ProfileStore::new(
            1,
            ProfileConfig {
                history_size: 3,
                ..Default::default()
            },
        );
        let k = [5u8; 16];
        let a = Arc::new(AdRecord::for_test("a", "a.example"));
        let imp =
            |at: f64, ad: &Arc<AdRecord>| Impression::new(at, Arc::clone(ad), false, [NO_TOPIC; 3]);
        store.record_impressions(&k, vec![imp(0.0, &a)], 0.0);
        for t in 1..10 {
            let other = Arc::new(AdRecord::for_test(&format!("o{t}"), "o.example"));
            store.record_impressions(&k, vec![imp(t as f64, &other)], t as f64);
        }
        // The history shows 3, the caps still count the first impression of the hour.
        assert_eq!(store.history(&k, 10.0).len(), 3);
        store.record_impressions(&k, vec![imp(10.0, &a)], 10.0);
        let cfg = store.config.clone();
        assert!(store
            .cap_counts(&k, 11.0, [&*a].into_iter())
            .capped(&a, &cfg));
        // Out of the window and beyond the history size, impressions go.
        store.record_impressions(&k, vec![imp(4000.0, &a)], 4000.0);
        assert_eq!(store.shown.get(&k).unwrap().len(), 3);
        // A flood within the window is bounded.
        let many: Vec<Impression> = (0..3000)
            .map(|i| imp(4001.0 + i as f64 * 1e-3, &a))
            .collect();
        store.record_impressions(&k, many, 4005.0);
        assert_eq!(store.shown.get(&k).unwrap().len(), MAX_IMPRESSIONS);
    }

    #[test]
    fn sessions_keep_last_turns_and_expire() {
        let store = ProfileStore::new(
            1,
            ProfileConfig {
                session_turns: 2,
                session_ttl_s: 5.0,
                ..Default::default()
            },
        );
        let s = [4u8; 16];
        for i in 0..3 {
            let t = ContextTurn {
                vector: vec![i as f32].into(),
                topics: TopicHits::default(),
                rare: Default::default(),
                terms: Default::default(),
            };
            store.push_context(&s, &[9u8; 16], t, i as f64);
        }
        let ctx = store.context(&s, 3.0);
        assert_eq!(
            ctx.iter().map(|t| t.vector[0]).collect::<Vec<_>>(),
            [2.0, 1.0]
        );
        assert!(store.context(&s, 100.0).is_empty());
        assert_eq!(store.sweep(100.0), (1, 0));
    }

    #[test]
    fn concurrent_updates_are_not_lost() {
        let store = std::sync::Arc::new(ProfileStore::new(
            1,
            ProfileConfig {
                half_life_s: 1e12,
                ..Default::default()
            },
        ));
        let k = [5u8; 16];
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let s = store.clone();
                std::thread::spawn(move || {
                    for _ in 0..250 {
                        s.update_profile(&k, &[1.0], &TopicHits::default(), 0.0, Basis::Caller);
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(store.profile(&k, 0.0).unwrap().turns, 1000);
    }
}
