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
    // No ads at all for a minor by default (minor_ads = none).
    assert_eq!(r.personalization(), wire::Personalization::None);
    assert!(r.ads.is_empty());
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

// ---- the over-personalisation guard and the user controls ----------------

fn guarded(f: impl FnOnce(&mut EngineConfig)) -> Engine {
    let mut cfg = EngineConfig {
        secret: b"0123456789abcdef-test".to_vec(),
        consent: ConsentConfig {
            gdpr_when_unknown: false,
            ..Default::default()
        },
        ..Default::default()
    };
    f(&mut cfg);
    Engine::new(
        cfg,
        TermWeights::from_zipf([
            ("the", 7.7),
            ("for", 7.2),
            ("my", 6.9),
            ("a", 7.4),
            ("flights", 4.5),
            ("cheap", 4.8),
            ("running", 5.0),
            ("shoes", 4.9),
            ("to", 7.5),
        ]),
    )
    .unwrap()
}

/// Flights and running ads from several advertisers, with topics.
fn guard_catalog(e: &Engine) {
    let mut ads = Vec::new();
    for i in 0..6 {
        ads.push(ad(
            &format!("fly{i}"),
            &format!("air{}.example", i % 3),
            "cheap flights and airline tickets",
            &[334],
        ));
        ads.push(ad(
            &format!("run{i}"),
            &format!("shoe{}.example", i % 3),
            "running shoes for your marathon",
            &[323],
        ));
    }
    e.upsert_ads(ads).unwrap();
}

fn ids(r: &wire::ScoreResponse) -> Vec<String> {
    r.ads.iter().map(|a| a.ad_id.clone()).collect()
}

#[test]
fn the_same_ad_never_on_two_consecutive_turns_and_caps_per_advertiser() {
    let e = guarded(|_| {});
    guard_catalog(&e);
    let mut seen: std::collections::HashMap<String, u32> = Default::default();
    let mut adv: std::collections::HashMap<String, u32> = Default::default();
    let mut last: Vec<String> = Vec::new();
    for t in 0..12 {
        let r = e
            .score(&req("u", "cheap flights to Lisbon"), t as f64)
            .unwrap();
        for a in &r.ads {
            assert!(!last.contains(&a.ad_id), "turn {t}: {} again", a.ad_id);
            *seen.entry(a.ad_id.clone()).or_default() += 1;
            *adv.entry(a.advertiser.clone()).or_default() += 1;
        }
        last = ids(&r);
    }
    assert!(seen.values().all(|&n| n <= 2), "{seen:?}");
    assert!(adv.values().all(|&n| n <= 4), "{adv:?}");
    let r = e.score(&req("u", "cheap flights to Lisbon"), 13.0).unwrap();
    assert!(r.reasons.iter().any(|x| x == "frequency_capped"), "{r:?}");
    // Clearing the history clears the counts with it.
    let key = e.user_key("u").unwrap();
    assert!(e.clear_ad_history(&key, "", 14.0).unwrap() > 0);
    assert!(!e
        .score(&req("u", "cheap flights to Lisbon"), 15.0)
        .unwrap()
        .ads
        .is_empty());
}

#[test]
fn ad_load_limits_ads_per_session_and_spaces_them() {
    let e = guarded(|c| {
        c.guard.max_ads_per_session = 4;
        c.guard.min_turns_between_ads = 1;
        c.profile.freq_cap = 0;
        c.profile.advertiser_cap = 0;
    });
    guard_catalog(&e);
    let mut per_turn = Vec::new();
    for t in 0..8 {
        let r = e.score(&req("u", "running shoes"), t as f64).unwrap();
        per_turn.push(r.ads.len());
        if r.ads.is_empty() {
            assert!(r.reasons.iter().any(|x| x == "ad_load_limited"), "{r:?}");
        }
    }
    // Ads on turns 1 and 3 only (3 + 1: the session's four), none between.
    assert_eq!(per_turn, [3, 0, 1, 0, 0, 0, 0, 0]);
}

#[test]
fn hidden_ads_and_advertisers_are_never_shown_again() {
    let e = guarded(|_| {});
    guard_catalog(&e);
    let key = e.user_key("u").unwrap();
    let first = e.score(&req("u", "running shoes"), 0.0).unwrap();
    let hidden = first.ads[0].ad_id.clone();
    let whole = first.ads[1].ad_id.clone();
    let whole_adv = first.ads[1].advertiser.clone();
    e.hide_ad(&key, &hidden, false, 1.0).unwrap();
    let c = e.hide_ad(&key, &whole, true, 1.0).unwrap();
    assert_eq!(c.hidden_ads.len(), 1);
    assert_eq!(c.hidden_advertisers[0].advertiser, whole_adv);
    for t in 2..8 {
        let r = e
            .score(&req("u", "running shoes"), t as f64 * 7200.0)
            .unwrap();
        assert!(r
            .ads
            .iter()
            .all(|a| a.ad_id != hidden && a.advertiser != whole_adv));
        assert!(r.reasons.iter().any(|x| x == "ad_hidden_by_user"), "{r:?}");
    }
    // Another user is not affected.
    let other = e.score(&req("v", "running shoes"), 0.0).unwrap();
    assert!(!other.reasons.iter().any(|x| x == "ad_hidden_by_user"));
    // Hiding the advertiser of an unknown ad is NOT_FOUND, nothing recorded.
    assert!(matches!(
        e.hide_ad(&key, "nope", true, 1.0),
        Err(CoreError::NotFound { .. })
    ));
    e.unhide_ad(&key, &hidden, "", 2.0).unwrap();
    let c = e.unhide_ad(&key, "", &whole_adv, 2.0).unwrap();
    assert!(c.hidden_ads.is_empty() && c.hidden_advertisers.is_empty());
}

#[test]
fn a_blocked_topic_is_not_learnt_not_used_and_its_ads_are_not_shown() {
    let e = guarded(|_| {});
    guard_catalog(&e);
    let key = e.user_key("u").unwrap();
    e.score(&req("u", "cheap flights to Lisbon"), 0.0).unwrap();
    let air = e.topics.index_of(334).unwrap();
    assert!(e.profiles.topics_seen(&key).iter().any(|&(t, _)| t == air));
    // Blocking the parent (Travel) blocks Air Travel.
    let c = e.block_topic(&key, 332, 1.0).unwrap();
    assert_eq!(c.blocked_topics[0].id, 332);
    assert!(!e.profiles.topics_seen(&key).iter().any(|&(t, _)| t == air));
    let r = e.score(&req("u", "cheap flights to Lisbon"), 2.0).unwrap();
    assert!(r.ads.iter().all(|a| !a.ad_id.starts_with("fly")), "{r:?}");
    assert!(!r.profile_updated);
    assert!(r.reasons.iter().any(|x| x == "topic_blocked_by_user"));
    assert!(!e.profiles.topics_seen(&key).iter().any(|&(t, _)| t == air));
    // Unknown topic ids are refused, naming the field.
    assert_eq!(
        e.block_topic(&key, 999_999, 3.0).unwrap_err().field(),
        Some("topic_id")
    );
    e.unblock_topic(&key, 332, 4.0).unwrap();
    let r = e.score(&req("u", "cheap flights to Lisbon"), 5.0).unwrap();
    assert!(r.ads.iter().any(|a| a.ad_id.starts_with("fly")));
}

#[test]
fn personalisation_levels_and_minors() {
    let e = guarded(|_| {});
    guard_catalog(&e);
    let key = e.user_key("u").unwrap();
    e.set_personalization(&key, wire::PersonalizationLevel::LevelContextual, 0.0)
        .unwrap();
    let r = e.score(&req("u", "running shoes"), 1.0).unwrap();
    assert!(!r.profile_updated && !r.ads.is_empty());
    assert_eq!(r.personalization(), wire::Personalization::Contextual);
    assert!(r.reasons.iter().any(|x| x == "user_chose_contextual"));
    assert!(e.profiles.profile(&key, 1.0).is_none());
    e.set_personalization(&key, wire::PersonalizationLevel::LevelNoAds, 2.0)
        .unwrap();
    let r = e.score(&req("u", "running shoes"), 3.0).unwrap();
    assert!(r.ads.is_empty() && r.reasons.iter().any(|x| x == "user_chose_no_ads"));
    assert_eq!(
        e.set_personalization(&key, wire::PersonalizationLevel::Unspecified, 4.0)
            .unwrap_err()
            .field(),
        Some("level")
    );
    // A minor gets no ads by default; contextual ones when the setting allows.
    let mut m = req("kid", "running shoes");
    m.user_is_minor = true;
    assert!(e.score(&m, 0.0).unwrap().ads.is_empty());
    let e2 = guarded(|c| c.minor_ads = MinorAds::Contextual);
    guard_catalog(&e2);
    let r = e2.score(&m, 0.0).unwrap();
    assert!(!r.ads.is_empty() && !r.profile_updated);
    assert_eq!(r.personalization(), wire::Personalization::Contextual);
}

#[test]
fn echoing_ads_are_damped() {
    // An ad that repeats the user's rare words (a name and a street) verbatim.
    let echo = || {
        vec![ad(
            "echo",
            "b.example",
            "running shoes for Marguerite on Quimperlé street",
            &[323],
        )]
    };
    let msg = "running shoes for my daughter Marguerite, we live on Quimperlé street";
    let on = guarded(|_| {});
    on.upsert_ads(echo()).unwrap();
    let off = guarded(|c| c.guard.echo_min_words = 0);
    off.upsert_ads(echo()).unwrap();
    let r_on = on.score(&req("u", msg), 0.0).unwrap();
    let r_off = off.score(&req("u", msg), 0.0).unwrap();
    assert!(r_on.reasons.iter().any(|x| x == "echo_damped"), "{r_on:?}");
    assert!(!r_off.reasons.iter().any(|x| x == "echo_damped"));
    let damping = f64::from(on.config.guard.echo_damping);
    assert!((r_on.ads[0].score - damping * r_off.ads[0].score).abs() < 1e-9);
    // A turn without those words does not damp it.
    let plain = on.score(&req("v", "running shoes"), 0.0).unwrap();
    assert!(
        !plain.reasons.iter().any(|x| x == "echo_damped"),
        "{plain:?}"
    );
}

#[test]
fn an_old_interest_alone_is_damped_while_the_conversation_is_elsewhere() {
    // A user who talked about flights at t = 0..5 s, then about bread at `at`, in
    // a new session: flight ads may then come only from the old interest.
    let bread_after = |at: f64| {
        let e = guarded(|c| {
            c.profile.half_life_s = 1e9;
            c.guard.echo_min_words = 0;
        });
        guard_catalog(&e);
        let bake = ad("bake", "oven.example", "sourdough bread baking class", &[]);
        e.upsert_ads(vec![bake]).unwrap();
        for t in 0..5 {
            e.score(&req("u", "cheap flights to Lisbon"), t as f64)
                .unwrap();
        }
        let mut r = req("u", "sourdough bread baking");
        r.session_id = "later".into();
        r.max_ads = 5;
        e.score(&r, at).unwrap()
    };
    let flights = |r: &wire::ScoredAd| r.ad_id.starts_with("fly");
    // Ten days later the interest is stale: damped.
    let later = bread_after(10.0 * 86_400.0);
    assert!(
        later.reasons.iter().any(|x| x == "stale_interest_damped"),
        "{later:?}"
    );
    // A minute later it is not.
    let fresh = bread_after(60.0);
    assert!(!fresh.reasons.iter().any(|x| x == "stale_interest_damped"));
    if let (Some(a), Some(b)) = (
        later.ads.iter().find(|a| flights(a)),
        fresh.ads.iter().find(|a| flights(a)),
    ) {
        assert!(a.score < b.score * 0.5, "{a:?} vs {b:?}");
    }
}

#[test]
fn plausible_deniability_swaps_an_interest_topic() {
    let e = guarded(|c| c.guard.deniability_p = 1.0);
    let unit = |t: u16| {
        let mut v = e.topics.vector(t).to_vec();
        crate::text::topics::normalize(&mut v);
        v
    };
    let run = e.topics.index_of(323).unwrap();
    let shoes = e.topics.index_of(334).unwrap();
    let sports = e.topics.index_of(340).unwrap(); // blocked: hotels and their subtopics
    for _ in 0..50 {
        let mut pv: Vec<f32> = unit(run).iter().map(|x| 2.0 * x).collect();
        let mut topics = vec![(run, 1.0), (shoes, 0.5)];
        e.swap_random_topic(&mut pv, &mut topics, &[sports]);
        // Which one was swapped, and what the vector must be after it.
        let (i, old) = if topics[0].0 != run {
            (0, run)
        } else {
            (1, shoes)
        };
        let new = topics[i].0;
        assert_ne!(new, old);
        assert!(
            topics[1 - i].0 == [run, shoes][1 - i],
            "only one topic is swapped"
        );
        assert_eq!(topics[i].1, [1.0, 0.5][i], "the weight moves with it");
        let c = crate::catalog::dot(&unit(run), &unit(old)) * 2.0;
        let expect: Vec<f32> = (0..pv.len())
            .map(|k| 2.0 * unit(run)[k] + c * (unit(new)[k] - unit(old)[k]))
            .collect();
        assert!(
            pv.iter().zip(&expect).all(|(a, b)| (a - b).abs() < 1e-4),
            "{pv:?} vs {expect:?}"
        );
        // Never a topic the profile holds, nor one under a blocked topic.
        assert!(new != run && new != shoes && !e.is_blocked(new, &[sports]));
    }
}

#[test]
fn control_links_are_signed_expire_and_name_no_raw_id() {
    let e = guarded(|c| c.control_page_url = "https://ads.example/controls/".into());
    let link = e
        .issue_control_link("alice@example.com", 60, 1000.0)
        .unwrap();
    assert!(link.url.starts_with("https://ads.example/controls/#t=ca1."));
    assert!(!link.token.contains("alice"));
    assert_eq!(link.expires_at, 1060);
    assert_eq!(
        e.link_user(&link.token, 1059.0).unwrap(),
        e.user_key("alice@example.com").unwrap()
    );
    let err = e.link_user(&link.token, 1060.0).unwrap_err().to_string();
    assert!(err.contains("expired"), "{err}");
    // A changed payload (another user's key, a later expiry) breaks the signature.
    let mut parts: Vec<String> = link.token.split('.').map(String::from).collect();
    let mut body =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &parts[1])
            .unwrap();
    body[19] = body[19].wrapping_add(1);
    parts[1] = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &body);
    let err = e
        .link_user(&parts.join("."), 1000.0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("signature"), "{err}");
    assert!(e.link_user("nonsense", 0.0).is_err());
    // Another server secret does not accept it.
    let other = guarded(|c| c.secret = b"another secret, 16+ bytes".to_vec());
    assert!(other.link_user(&link.token, 1000.0).is_err());
    assert_eq!(
        e.issue_control_link("a", 86_401, 0.0).unwrap_err().field(),
        Some("ttl_s")
    );
}

#[test]
fn ad_history_says_when_and_why_and_forget_removes_controls() {
    let e = guarded(|_| {});
    guard_catalog(&e);
    let key = e.user_key("u").unwrap();
    let r = e.score(&req("u", "running shoes"), 86_400.0).unwrap();
    let h = e.ad_history(&key, 86_401.0).unwrap();
    assert_eq!(h.entries.len(), r.ads.len());
    assert_eq!(h.entries[0].shown_at_ms, 86_400_000);
    assert!(h.entries[0].explanation.contains("1970-01-02"), "{h:?}");
    e.block_topic(&key, 299, 86_402.0).unwrap();
    assert!(e.forget_key(&key, 86_403.0).unwrap());
    assert!(e.ad_history(&key, 86_404.0).unwrap().entries.is_empty());
    assert!(e.controls_report(&key).unwrap().blocked_topics.is_empty());
}
