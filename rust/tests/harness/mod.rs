//! Checks over untrusted input, shared by the proptest suite
//! (`rust/tests/properties.rs`) and the cargo-fuzz targets (`rust/fuzz/`,
//! which include this file by path). Each function takes arbitrary bytes,
//! runs one parser or pipeline on them and panics when an invariant breaks;
//! "no panic" is itself the first invariant.

#![allow(dead_code)] // each fuzz target uses one entry point

use std::sync::{Arc, OnceLock};

use _core::engine::{Engine, EngineConfig};
use _core::error::CoreError;
use _core::privacy::consent::{reason, ConsentConfig, ConsentInput, ConsentPolicy};
use _core::privacy::sensitive::{SensitiveGuard, CATEGORIES};
use _core::privacy::tcf;
use _core::text::hashing::{hash_documents, hash_documents_parallel, HashingConfig, Norm};
use _core::text::tokenize::tokenize;
use _core::text::weights::TermWeights;
use _core::wire;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use prost::Message;

/// Splits fuzz bytes into a small selector and the rest.
fn split(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) => (b, rest),
        None => (0, data),
    }
}

fn vendor_of(sel: u8) -> Option<u16> {
    match sel % 4 {
        0 => None,
        1 => Some(755),
        2 => Some(1),
        _ => Some(u16::from(sel)),
    }
}

/// One TC string, decoded directly and through the policy: no panic, and the
/// answers agree.
pub fn check_tc_str(tc: &str, vendor: Option<u16>) {
    let direct = tcf::decode(tc, vendor);
    // Whether a string decodes does not depend on the vendor asked about, and
    // neither do the purpose bits.
    let other = tcf::decode(tc, Some(vendor.map_or(1, |v| v.wrapping_add(1))));
    assert_eq!(
        direct.is_some(),
        other.is_some(),
        "validity depends on vendor: {tc:?}"
    );
    if let (Some(a), Some(b)) = (direct, other) {
        assert_eq!(a.purpose_consent, b.purpose_consent);
        assert_eq!(a.purpose_li, b.purpose_li);
        assert_eq!(a.special_features, b.special_features);
        assert_eq!(a.policy_version, b.policy_version);
        assert!(a.purpose_consent < 1 << 24 && a.purpose_li < 1 << 24);
        assert!(a.special_features < 1 << 12);
        assert!(a.policy_version < 64);
    }
    // Segments after the core one are ignored.
    if !tc.contains('.') && tc == tc.trim() {
        assert_eq!(tcf::decode(&format!("{tc}.IAAA"), vendor), direct, "{tc:?}");
    }
    let policy = ConsentPolicy::new(ConsentConfig {
        vendor_id: vendor,
        ..Default::default()
    });
    assert_eq!(policy.tc_signals(tc), direct);
    assert_eq!(policy.tc_signals(tc), direct, "cached answer differs");
    let d = policy.decide(&ConsentInput {
        gdpr: Some(1),
        consent: tc,
        ..Default::default()
    });
    assert!(d.gdpr_applies);
    check_decision(&d);
    match direct {
        None if tc.trim().is_empty() => assert_eq!(d.reasons, [reason::NO_CONSENT_STRING]),
        None => assert_eq!(d.reasons, [reason::INVALID_CONSENT_STRING]),
        Some(_) => assert!(d.tc_valid),
    }
}

fn check_decision(d: &_core::privacy::consent::ConsentDecision) {
    // A decision that allows everything carries no reason; without a valid
    // string under GDPR nothing personal is allowed, for one stated reason.
    if d.may_serve && d.may_update_profile && d.may_use_profile {
        assert!(d.reasons.is_empty(), "{d:?}");
    }
    if !d.tc_valid && d.gdpr_applies {
        assert!(!d.may_update_profile && !d.may_use_profile, "{d:?}");
        assert_eq!(d.reasons.len(), 1, "{d:?}");
    }
}

/// Fuzz entry: arbitrary bytes as a TC string, and as the bits behind one.
pub fn tc_string(data: &[u8]) {
    let (sel, rest) = split(data);
    let vendor = vendor_of(sel);
    // The bytes as text (lossy: a &str is what the decoder gets).
    check_tc_str(&String::from_utf8_lossy(rest), vendor);
    // The bytes as the decoded bits, with the version field forced to 2 so the
    // decoder gets past the first check.
    let mut bits = rest.to_vec();
    if let Some(b) = bits.first_mut() {
        *b = (*b & 0b0000_0011) | (2 << 2);
    }
    check_tc_str(&URL_SAFE_NO_PAD.encode(&bits), vendor);
}

/// Fuzz entry: arbitrary bytes as a GPP string, and as a TCF EU section of one.
pub fn gpp(data: &[u8]) {
    let (sel, rest) = split(data);
    let vendor = vendor_of(sel);
    let text = String::from_utf8_lossy(rest);
    let policy = ConsentPolicy::new(ConsentConfig {
        vendor_id: vendor,
        ..Default::default()
    });
    for gpp in [
        text.to_string(),
        // Header "DBABMA": GPP v1 with one section, TCF EU v2.
        format!("DBABMA~{text}"),
        format!("DBABMA~{}", URL_SAFE_NO_PAD.encode(rest)),
        // Header "DBACNY": sections 2 and 6.
        format!("DBACNY~{text}~{text}"),
    ] {
        let first = policy.gpp_signals(&gpp);
        assert_eq!(policy.gpp_signals(&gpp), first, "cached answer differs");
        for gdpr in [None, Some(0), Some(1)] {
            let d = policy.decide(&ConsentInput {
                gdpr,
                gpp: &gpp,
                gpp_sid: &[2],
                consent: "",
            });
            check_decision(&d);
        }
    }
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let cfg = EngineConfig {
            secret: b"0123456789abcdef-fuzz".to_vec(),
            consent: ConsentConfig {
                gdpr_when_unknown: false,
                ..Default::default()
            },
            ..Default::default()
        };
        let weights = TermWeights::from_zipf([("the", 7.7), ("for", 7.2), ("my", 6.9), ("a", 7.4)]);
        let engine = Engine::new(cfg, weights).expect("engine");
        let ads = [
            (
                "a1",
                "skyhop.example",
                "Cheap flights to Lisbon",
                &[208u32][..],
            ),
            (
                "a2",
                "runfast.example",
                "Running shoes for marathon training",
                &[],
            ),
            ("a3", "hotelio.example", "Hôtel pas cher à Paris", &[]),
            ("a4", "medi.example", "Pharmacy discounts", &[]),
        ];
        let ads = ads
            .iter()
            .map(|(id, adv, text, topics)| wire::Ad {
                ad_id: (*id).into(),
                advertiser: (*adv).into(),
                title: (*text).into(),
                text: (*text).into(),
                categories: vec!["IAB20".into()],
                topics: topics.to_vec(),
                bid_cpm: 2.0,
                ..Default::default()
            })
            .collect();
        engine.upsert_ads(ads).expect("demo ads");
        engine
    })
}

fn guard() -> Arc<SensitiveGuard> {
    SensitiveGuard::builtin().expect("builtin guard")
}

/// The text pipeline on one text: tokenize, hash, embed, guard.
pub fn check_text(text: &str) {
    for lower in [true, false] {
        for t in tokenize(text, lower) {
            assert!(t.chars().count() >= 2, "token {t:?} shorter than 2 chars");
        }
    }
    let e = &engine().embedder;
    let (v, hits) = e.embed(text);
    if let Some(v) = &v {
        assert_eq!(v.len(), e.d);
        assert!(
            v.iter().all(|x| x.is_finite()),
            "non-finite embedding for {text:?}"
        );
        let n: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((n - 1.0).abs() < 1e-3, "norm {n} for {text:?}");
    }
    assert!(hits
        .0
        .iter()
        .all(|(t, w)| usize::from(*t) < e.topics.len() && w.is_finite()));
    assert!(
        hits.0.windows(2).all(|w| w[0].1 >= w[1].1),
        "hits not sorted"
    );
    let declared: Vec<u16> = hits.0.iter().map(|h| h.0).collect();
    if let Some(v) = e.embed_ad(text, text, &declared) {
        assert!(v.iter().all(|x| x.is_finite()));
    }
    let cats = guard().detect(text);
    assert!(u32::from(cats.0) < 1 << CATEGORIES.len());
    assert_eq!(guard().detect(text), cats, "guard not deterministic");
}

/// Hashing a batch gives the same CSR arrays whatever the number of jobs.
pub fn check_hash_batch(texts: &[&str], cfg: &HashingConfig) {
    let one = hash_documents(texts, cfg);
    assert_eq!(one.0.len(), texts.len() + 1);
    assert_eq!(*one.0.last().unwrap() as usize, one.1.len());
    assert_eq!(one.1.len(), one.2.len());
    assert!(one.1.iter().all(|&i| i >= 0 && (i as u32) < cfg.n_features));
    assert!(one.2.iter().all(|x| x.is_finite()));
    for jobs in [0, 2, 3, 8] {
        let par = hash_documents_parallel(texts, cfg, jobs);
        assert_eq!(par.0, one.0, "indptr differs with {jobs} jobs");
        assert_eq!(par.1, one.1, "indices differ with {jobs} jobs");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&par.2), bits(&one.2), "data differs with {jobs} jobs");
    }
}

/// Fuzz entry: arbitrary bytes through the whole text pipeline.
pub fn text_pipeline(data: &[u8]) {
    let (sel, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    check_text(&text);
    // A batch large enough to be split across threads (> 256 documents).
    let docs: Vec<&str> = text.split(['\n', '\u{fffd}']).collect();
    let batch: Vec<&str> = docs
        .iter()
        .cycle()
        .take(300.max(docs.len()))
        .copied()
        .collect();
    let cfg = HashingConfig {
        n_features: [1, 2, 1 << 10, 1 << 20, i32::MAX as u32][usize::from(sel % 5)],
        ngram_range: [(1, 1), (1, 2), (2, 3), (1, 4)][usize::from(sel / 5 % 4)],
        alternate_sign: sel & 0x40 == 0,
        lowercase: sel & 0x80 == 0,
        norm: [Norm::L2, Norm::L1, Norm::None][usize::from(sel % 3)],
    };
    check_hash_batch(&batch, &cfg);
}

/// The outcome of one request: a response, or an error that names a field.
pub fn check_score_outcome(req: &wire::ScoreRequest) {
    match engine().score(req, 1_700_000_000.0) {
        Ok(resp) => {
            assert_eq!(resp.request_id, req.request_id);
            assert!(resp.ads.len() <= req.max_ads as usize);
            for ad in &resp.ads {
                assert!(ad.relevance.is_finite() && ad.score.is_finite() && ad.pctr.is_finite());
            }
            // The response encodes and decodes to itself.
            let bytes = resp.encode_to_vec();
            assert_eq!(wire::ScoreResponse::decode(bytes.as_slice()).unwrap(), resp);
        }
        Err(CoreError::InvalidArgument { field, message }) => {
            assert!(
                !field.is_empty() && !message.is_empty(),
                "{field:?}: {message:?}"
            );
        }
        Err(e) => panic!("a request got {e:?}, not a field error"),
    }
}

/// Fuzz entry: arbitrary bytes as a `ScoreRequest` (and as a `ChatTurn`),
/// decoded with prost as the Python extension does, then scored.
pub fn score_request(data: &[u8]) {
    if let Ok(req) = wire::ScoreRequest::decode(data) {
        // Canonical re-encoding decodes to the same request.
        let again = wire::ScoreRequest::decode(req.encode_to_vec().as_slice()).unwrap();
        assert_eq!(again, req);
        check_score_outcome(&req);
    }
    if let Ok(turn) = wire::ChatTurn::decode(data) {
        if let Some(req) = turn.request {
            check_score_outcome(&req);
        }
    }
}

/// The outcome of one catalog write: stored ads are well-formed (a unit-norm,
/// finite embedding of the engine's dimension), or an error names a field.
pub fn check_upsert_outcome(ads: Vec<wire::Ad>) {
    let e = engine();
    let ids: Vec<String> = ads.iter().map(|a| a.ad_id.clone()).collect();
    match e.upsert_ads(ads) {
        Ok(n) => {
            assert_eq!(n, ids.len());
            for id in &ids {
                let rec = e.catalog.get(id).expect("an upserted ad is there");
                assert_eq!(rec.embedding.len(), e.config.d);
                assert!(rec.embedding.iter().all(|x| x.is_finite()), "{id:?}");
                let n: f32 = rec.embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
                assert!((n - 1.0).abs() < 1e-3, "ad {id:?} stored with norm {n}");
                assert!(e.get_ad(id).is_ok());
            }
        }
        Err(CoreError::InvalidArgument { field, message }) => {
            assert!(field.starts_with("ads"), "{field:?}: {message:?}");
        }
        Err(err) => panic!("an upsert got {err:?}, not a field error"),
    }
}

/// Fuzz entry: arbitrary bytes as an `UpsertAdsRequest`, then upserted.
pub fn upsert_request(data: &[u8]) {
    if let Ok(req) = wire::UpsertAdsRequest::decode(data) {
        check_upsert_outcome(req.ads);
    }
}
