//! The engine's settings: limits on callers, the parts' configurations, what
//! to do on a sensitive turn, and the fault injection that tests switch on.

use std::path::PathBuf;

use crate::catalog::CatalogConfig;
use crate::privacy::consent::ConsentConfig;
use crate::profile::ProfileConfig;
use crate::rank::RankConfig;
use crate::text::hashing::HashingConfig;

/// Limits on what a caller may send.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_message_bytes: usize,
    pub max_id_bytes: usize,
    pub max_ads: u32,
    pub max_list_len: usize,
    pub max_ad_text_bytes: usize,
    pub max_bid_cpm: f64,
    /// Ads per upsert, ids per delete, in one gRPC call (in-process calls have
    /// no such limit).
    pub max_batch: usize,
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
            max_batch: 10_000,
        }
    }
}

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Dimension of the embedding space.
    pub d: usize,
    pub seed: u64,
    pub hashing: HashingConfig,
    /// How text becomes a vector (ads and turns alike).
    pub text_model: TextModel,
    /// The semantic model's mix of its parts.
    pub text_mix: crate::text::embed::TextMix,
    pub profile: ProfileConfig,
    pub catalog: CatalogConfig,
    pub rank: RankConfig,
    pub limits: Limits,
    pub consent: ConsentConfig,
    /// What to do on a turn that touches a special category.
    pub sensitive_turn_ads: SensitiveTurnAds,
    /// Ads for a known minor or a COPPA request.
    pub minor_ads: MinorAds,
    /// The over-personalisation guard (frequency caps are in `profile`).
    pub guard: GuardConfig,
    /// Base URL of the transparency page; control links append `#t=<token>`
    /// (empty = links carry only the token).
    pub control_page_url: String,
    /// Where durable privacy state lives; `None` = memory only.
    pub data_dir: Option<PathBuf>,
    /// The shared state store (Redis), if any; `None` = embedded.
    pub store: StoreConfig,
    /// Secret of the keyed hash of user ids.
    pub secret: Vec<u8>,
    /// Tests only: a Score whose `request_id` is [`PANIC_REQUEST_ID`] panics
    /// inside the engine, to prove a panic fails that call alone.
    pub fault_injection: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            d: 64,
            seed: 0x00C4_A7AD,
            hashing: HashingConfig::default(),
            text_model: TextModel::Hashing,
            text_mix: crate::text::embed::TextMix::default(),
            profile: ProfileConfig::default(),
            catalog: CatalogConfig::default(),
            rank: RankConfig::default(),
            limits: Limits::default(),
            consent: ConsentConfig::default(),
            sensitive_turn_ads: SensitiveTurnAds::None,
            minor_ads: MinorAds::None,
            guard: GuardConfig::default(),
            control_page_url: String::new(),
            data_dir: None,
            store: StoreConfig::default(),
            fault_injection: false,
            secret: Vec::new(),
        }
    }
}

/// Where users' state lives (`crate::state`).
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `redis://host:port`, or a Redis Cluster's seed nodes
    /// (`redis+cluster://h:p,h:p` or URLs separated by commas); `None` =
    /// the embedded store.
    pub redis_url: Option<String>,
    /// Timeout of each call to Redis; a store slower than this is "down".
    pub timeout_ms: u64,
    /// Replicas a privacy request waits for (`WAIT`) before it returns
    /// (0 = rely on the primary's AOF, `appendfsync always`).
    pub wait_replicas: u32,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            timeout_ms: 500,
            wait_replicas: 0,
        }
    }
}

/// How text becomes a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextModel {
    /// Hashed words' random projection plus topic-lexicon evidence.
    Hashing,
    /// Static token embeddings distilled from all-MiniLM-L6-v2, mixed with
    /// the topic lexicon (topic vectors placed by their names) and the hashed words.
    Semantic,
}

impl TextModel {
    pub fn parse(name: &str) -> crate::error::Result<Self> {
        match name {
            "hashing" => Ok(Self::Hashing),
            "semantic" => Ok(Self::Semantic),
            other => Err(crate::error::CoreError::invalid(
                "text_model",
                format!("{other:?} is not one of \"hashing\", \"semantic\""),
            )),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Hashing => "hashing",
            Self::Semantic => "semantic",
        }
    }
}

/// Ads on a turn that touches a GDPR Art. 9 category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SensitiveTurnAds {
    /// No ads at all on that turn (the default).
    None,
    /// Ads chosen from the profile and earlier turns only (when consented),
    /// never from the sensitive turn, and never sensitive ads.
    ProfileOnly,
}

/// Ads for a known minor (`user_is_minor`) or a child-directed request
/// (`regs.coppa`): never personalised either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinorAds {
    /// No ads at all (the default).
    None,
    /// Contextual ads from the current turn only.
    Contextual,
}

impl MinorAds {
    pub fn parse(name: &str) -> crate::error::Result<Self> {
        match name {
            "none" => Ok(Self::None),
            "contextual" => Ok(Self::Contextual),
            other => Err(crate::error::CoreError::invalid(
                "minor_ads",
                format!("{other:?} is not one of \"none\", \"contextual\""),
            )),
        }
    }
}

/// The over-personalisation guard: what keeps targeting helpful rather than
/// creepy. Every part is a setting; frequency caps live in `ProfileConfig`.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuardConfig {
    /// Never the same ad on two consecutive turns of a session.
    pub no_consecutive_repeat: bool,
    /// Ads per session within `session_ads_window_s` (0 = unrestricted: the
    /// exchange decides the ad load).
    pub max_ads_per_session: u32,
    pub session_ads_window_s: f64,
    /// Turns without ads between two turns with ads (0 = no gap required).
    pub min_turns_between_ads: u32,
    /// An ad chosen only because of an interest last heard of longer ago than
    /// this, while the conversation is about something else, is damped.
    pub stale_interest_s: f64,
    /// What a damped ad's eCPM is multiplied by.
    pub stale_damping: f32,
    /// An ad whose text echoes this many of the conversation's rare words
    /// verbatim is damped (0 = off).
    pub echo_min_words: u32,
    pub echo_damping: f32,
    /// Plausible deniability: with this probability one interest topic is
    /// replaced by a random one for the turn (the Topics API uses 0.05).
    pub deniability_p: f32,
}

impl Default for GuardConfig {
    fn default() -> Self {
        Self {
            no_consecutive_repeat: true,
            max_ads_per_session: 0,
            session_ads_window_s: 3600.0,
            min_turns_between_ads: 0,
            stale_interest_s: 3.0 * 86_400.0,
            stale_damping: 0.25,
            echo_min_words: 2,
            echo_damping: 0.25,
            deniability_p: 0.0,
        }
    }
}

impl GuardConfig {
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |field: &str, why: &str| Err(crate::error::CoreError::invalid(field, why));
        if !(self.session_ads_window_s.is_finite() && self.session_ads_window_s > 0.0) {
            return bad(
                "guard.session_ads_window_s",
                "must be a positive number of seconds",
            );
        }
        if !(self.stale_interest_s.is_finite() && self.stale_interest_s > 0.0) {
            return bad(
                "guard.stale_interest_s",
                "must be a positive number of seconds",
            );
        }
        for (f, v) in [
            ("guard.stale_damping", self.stale_damping),
            ("guard.echo_damping", self.echo_damping),
            ("guard.deniability_p", self.deniability_p),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(f, "must be in [0, 1]");
            }
        }
        Ok(())
    }
}

/// The request id that panics when `fault_injection` is on.
pub const PANIC_REQUEST_ID: &str = "chatads-fault-injection:panic";
/// With `fault_injection` on, a request id `chatads-fault-injection:sleep-ms=N`
/// makes `Engine::score` take N ms longer (tests of budgets and queueing).
pub const SLEEP_REQUEST_PREFIX: &str = "chatads-fault-injection:sleep-ms=";

/// Acts on a fault-injection request id (call it only with `fault_injection`
/// on): panics for [`PANIC_REQUEST_ID`], sleeps for [`SLEEP_REQUEST_PREFIX`].
pub(super) fn inject_fault(request_id: &str) {
    if request_id == PANIC_REQUEST_ID {
        panic!("fault injection: a panic inside Engine::score");
    }
    if let Some(ms) = request_id.strip_prefix(SLEEP_REQUEST_PREFIX) {
        let ms = ms.parse::<u64>().unwrap_or(0).min(60_000);
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
