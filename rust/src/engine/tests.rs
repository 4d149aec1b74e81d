//! The engine's unit tests, through its API: one turn end to end,
//! each privacy rule of the consent stage, validation, the catalog and the
//! user reports.

use super::privacy::utc_date;
use super::*;
use crate::privacy::consent::ConsentConfig;

fn engine() -> Engine {
    let cfg = EngineConfig {
        secret: b"0123456789abcdef-test".to_vec(),
        consent: ConsentConfig {
            gdpr_when_unknown: false,
            ..Default::default()
        },
        ..Default::default()
    };
    Engine::new(
        cfg,
        TermWeights::from_zipf([("the", 7.7), ("for", 7.2), ("my", 6.9), ("a", 7.4)]),
    )
    .unwrap()
}

fn ad(id: &str, adv: &str, text: &str, topics: &[u32]) -> wire::Ad {
    wire::Ad {
        ad_id: id.into(),
        advertiser: adv.into(),
        title: text.into(),
        bid_cpm: 2.0,
        topics: topics.to_vec(),
        ..Default::default()
    }
}

fn req(user: &str, msg: &str) -> wire::ScoreRequest {
    wire::ScoreRequest {
        user_id: user.into(),
        session_id: "s".into(),
        message: msg.into(),
        max_ads: 3,
        ..Default::default()
    }
}

#[test]
fn huge_embedding_components_are_normalised_not_zeroed() {
    let e = engine();
    let mut a = ad("big", "x.example", "", &[]);
    a.embedding = vec![0.0; 64];
    a.embedding[0] = 1e20;
    a.embedding[1] = -1e20;
    e.upsert_ads(vec![a]).unwrap();
    let v = e.get_ad("big").unwrap().embedding;
    assert!(
        (v[0] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6,
        "{v:?}"
    );
    assert!((v[1] + std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
}

#[test]
fn oversized_batches_and_lists_are_refused_before_any_work() {
    use crate::server::{call::Method, ops};
    use prost::Message;
    let e = engine();
    let many: Vec<wire::Ad> = (0..10_001)
        .map(|i| ad(&format!("a{i}"), "x.example", "shoes", &[]))
        .collect();
    // Ads and ids per call are limits of the wire, not of an in-process call.
    let upsert = wire::UpsertAdsRequest { ads: many.clone() }.encode_to_vec();
    let err = ops::call(&e, Method::UpsertAds, &upsert, 0.0).unwrap_err();
    assert_eq!(err.field(), Some("ads"), "{err}");
    assert!(e.catalog.is_empty());
    let ids: Vec<String> = (0..10_001).map(|i| format!("a{i}")).collect();
    let delete = wire::DeleteAdsRequest {
        ad_ids: ids.clone(),
    }
    .encode_to_vec();
    let err = ops::call(&e, Method::DeleteAds, &delete, 0.0).unwrap_err();
    assert_eq!(err.field(), Some("ad_ids"));
    assert_eq!(e.upsert_ads(many).unwrap(), 10_001);
    assert_eq!(e.delete_ads(&ids).unwrap(), 10_001);
    let mut r = req("u", "shoes");
    r.regs = Some(wire::Regs {
        gpp_sid: vec![2; 65],
        ..Default::default()
    });
    assert_eq!(e.score(&r, 0.0).unwrap_err().field(), Some("regs.gpp_sid"));
    let mut a = ad("s", "x.example", "shoes", &[]);
    a.sensitive_categories = vec!["health".into(); 17];
    assert_eq!(
        e.upsert_ads(vec![a]).unwrap_err().field(),
        Some("ads[0].sensitive_categories")
    );
}

#[test]
fn a_turn_finds_the_matching_ad_and_explains_it() {
    let e = engine();
    e.upsert_ads(vec![
        ad(
            "fly",
            "sky.example",
            "cheap flights and airline tickets",
            &[],
        ),
        ad(
            "run",
            "shoe.example",
            "running shoes for your marathon",
            &[],
        ),
    ])
    .unwrap();
    let r = e
        .score(
            &req(
                "u1",
                "I am training for a marathon, my running shoes are worn",
            ),
            0.0,
        )
        .unwrap();
    assert_eq!(r.ads[0].ad_id, "run");
    assert!(r
        .ads
        .iter()
        .all(|a| a.ad_id != "fly" || a.relevance < r.ads[0].relevance));
    assert!(!r.ads[0].explanation.is_empty());
    assert!(r.profile_updated);
}

#[test]
fn validation_names_fields() {
    let e = engine();
    let mut r = req("u", "hi");
    r.max_ads = 0;
    assert_eq!(e.score(&r, 0.0).unwrap_err().field(), Some("max_ads"));
    let mut bad = ad("x", "a.example", "text", &[]);
    bad.bid_cpm = f64::NAN;
    let err = e
        .upsert_ads(vec![ad("ok", "a.example", "fine", &[]), bad])
        .unwrap_err();
    assert_eq!(err.field(), Some("ads[1].bid_cpm"));
    assert_eq!(e.catalog.len(), 0, "a bad batch stores nothing");
    assert_eq!(
        e.get_ad("nope").unwrap_err(),
        CoreError::not_found("ad_id", "no ad \"nope\" in the catalog")
    );
}

#[test]
fn forget_removes_profile() {
    let e = engine();
    e.ingest("u", "s", "marathon training", 0.0).unwrap();
    assert!(e.profile("u", 0.0).unwrap().is_some());
    assert!(e.forget_user("u", 0.0).unwrap());
    assert!(e.profile("u", 0.0).unwrap().is_none());
}

// Encoded with the IAB's @iabtcf/core: purposes 1-4 consent, vendors 755, 999.
const TC_P1234: &str = "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA";

fn strict() -> Engine {
    let cfg = EngineConfig {
        secret: b"0123456789abcdef-test".to_vec(),
        ..Default::default()
    };
    let e = Engine::new(cfg, TermWeights::default()).unwrap();
    e.upsert_ads(vec![ad(
        "run",
        "shoe.example",
        "running shoes for your marathon",
        &[],
    )])
    .unwrap();
    e
}

#[test]
fn gdpr_without_consent_serves_nothing_and_stores_nothing() {
    let e = strict();
    let r = e.score(&req("u", "marathon running shoes"), 0.0).unwrap();
    assert!(r.ads.is_empty() && !r.profile_updated);
    assert_eq!(r.reasons, ["gdpr_no_consent_string"]);
    assert!(e.profile("u", 0.0).unwrap().is_none());
    let mut with = req("u", "marathon running shoes");
    with.consent = TC_P1234.into();
    let r = e.score(&with, 0.0).unwrap();
    assert!(!r.ads.is_empty() && r.profile_updated, "{r:?}");
}

#[test]
fn minors_opt_outs_and_sensitive_turns_never_reach_the_profile() {
    let e = strict();
    let mut minor = req("kid", "marathon running shoes");
    minor.consent = TC_P1234.into();
    minor.user_is_minor = true;
    let r = e.score(&minor, 0.0).unwrap();
    assert!(!r.profile_updated && r.reasons.contains(&"minor".to_string()));
    assert_eq!(r.personalization(), wire::Personalization::Contextual);
    assert!(e.profile("kid", 0.0).unwrap().is_none());

    let mut sick = req(
        "adult",
        "my diabetes is getting worse, which running shoes?",
    );
    sick.consent = TC_P1234.into();
    let r = e.score(&sick, 0.0).unwrap();
    assert!(r.ads.is_empty() && !r.profile_updated);
    assert!(r.reasons.contains(&"sensitive_turn".to_string()));
    assert!(e.profile("adult", 0.0).unwrap().is_none());

    e.set_opt_out("adult", true, 1.0).unwrap();
    let mut again = req("adult", "marathon running shoes");
    again.consent = TC_P1234.into();
    let r = e.score(&again, 2.0).unwrap();
    assert!(!r.profile_updated && r.reasons.contains(&"opted_out".to_string()));
    assert_eq!(r.personalization(), wire::Personalization::Contextual);
    e.set_opt_out("adult", false, 3.0).unwrap();
    assert!(e.score(&again, 4.0).unwrap().profile_updated);
}

#[test]
fn sensitive_ads_are_never_personalised() {
    let e = engine();
    let mut pharmacy = ad("pharma", "pharma.example", "running shoes marathon", &[]);
    pharmacy.categories = vec!["IAB7-18".into()];
    e.upsert_ads(vec![pharmacy]).unwrap();
    assert_eq!(e.get_ad("pharma").unwrap().sensitive_categories, ["health"]);
    let first = e.score(&req("p", "marathon running shoes"), 0.0).unwrap();
    assert_eq!(first.personalization(), wire::Personalization::Contextual);
    assert_eq!(
        first.ads[0].ad_id, "pharma",
        "contextual selection may show it"
    );
    let second = e.score(&req("p", "marathon running shoes"), 1.0).unwrap();
    assert!(
        second.ads.is_empty() || second.personalization() == wire::Personalization::Personalized
    );
    assert!(second.ads.iter().all(|a| a.ad_id != "pharma"));
}

#[test]
fn reports_and_explanations_are_readable() {
    let e = engine();
    e.upsert_ads(vec![ad(
        "run",
        "shoe.example",
        "running shoes for your marathon",
        &[],
    )])
    .unwrap();
    e.score(&req("u", "marathon running shoes"), 86_400.0)
        .unwrap();
    let rep = e.profile_report("u", 86_400.0).unwrap();
    assert!(
        rep.exists && rep.turns == 1 && rep.summary.contains("1970-01-02"),
        "{}",
        rep.summary
    );
    assert_eq!(rep.expires_at, 86_400 + 30 * 86_400);
    let ex = e.explain_ad("u", "run", 86_400.0).unwrap();
    assert!(ex.relevance > 0.2 && ex.explanation.contains("shoe.example"));
    assert!(ex.how_to_change.contains("SetOptOut"));
    assert_eq!(utc_date(0.0), "1970-01-01");
    assert_eq!(utc_date(1_796_083_200.0), "2026-12-01");
}
