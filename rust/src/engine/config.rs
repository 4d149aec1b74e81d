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
    /// Where durable privacy state lives; `None` = memory only.
    pub data_dir: Option<PathBuf>,
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
            data_dir: None,
            fault_injection: false,
            secret: Vec::new(),
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
