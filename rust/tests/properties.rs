//! Property tests over everything that parses untrusted input: TC strings,
//! GPP strings, the text pipeline and request decoding.
//!
//! The default case count keeps `cargo test --release` a few seconds longer;
//! `PROPTEST_CASES=20000 cargo test --release -p chatads-core --test properties`
//! runs a longer search. The checks themselves live in `harness/mod.rs` and
//! are shared with the cargo-fuzz targets in `rust/fuzz/`.

mod harness;

use std::path::Path;

use _core::privacy::consent::{ConsentConfig, ConsentInput, ConsentPolicy, TcSignals};
use _core::privacy::tcf;
use _core::text::hashing::{HashingConfig, Norm};
use _core::wire;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proptest::prelude::*;
use prost::Message;

/// Cases per property: `PROPTEST_CASES` when set, else `default`.
fn config(default: u32) -> ProptestConfig {
    scaled_config(default, 1)
}

/// For a costly property: `PROPTEST_CASES / divisor` when set, else `default`.
fn scaled_config(default: u32, divisor: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .map_or(default, |n| (n / divisor).max(1));
    ProptestConfig {
        cases,
        // Failures are reported with their minimal input; no files in the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- a TC string encoder (the test oracle) ----------------------------------

#[derive(Default)]
struct BitWriter {
    bits: Vec<bool>,
}

impl BitWriter {
    fn put(&mut self, v: u64, n: usize) {
        for i in (0..n).rev() {
            self.bits.push((v >> i) & 1 == 1);
        }
    }
    fn flags(&mut self, mask: u32, n: usize) {
        // Bit `i` of the mask is item `i + 1`, written first.
        for i in 0..n {
            self.bits.push((mask >> i) & 1 == 1);
        }
    }
    fn base64(&self) -> String {
        let bytes: Vec<u8> = self
            .bits
            .chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &x)| b | (u8::from(x) << (7 - i)))
            })
            .collect();
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

#[derive(Clone, Debug)]
enum Vendors {
    /// `MaxVendorId` bits, bit `i` = vendor `i + 1`.
    Bits(Vec<bool>),
    /// `(start, end)` entries (`end == start` is written as a single id).
    Ranges(Vec<(u16, u16)>),
}

impl Vendors {
    fn write(&self, w: &mut BitWriter) {
        match self {
            Vendors::Bits(bits) => {
                w.put(bits.len() as u64, 16);
                w.put(0, 1);
                w.bits.extend(bits);
            }
            Vendors::Ranges(r) => {
                let max = r.iter().map(|e| e.1).max().unwrap_or(0);
                w.put(u64::from(max), 16);
                w.put(1, 1);
                write_ranges(w, r);
            }
        }
    }
    /// What the decoder should say for `vendor`.
    fn has(&self, vendor: Option<u16>) -> bool {
        let Some(v) = vendor else { return true };
        match self {
            Vendors::Bits(bits) => v >= 1 && bits.get(usize::from(v) - 1).copied().unwrap_or(false),
            Vendors::Ranges(r) => in_ranges(r, v),
        }
    }
}

fn in_ranges(r: &[(u16, u16)], v: u16) -> bool {
    r.iter().any(|&(s, e)| (s..=e).contains(&v))
}

fn write_ranges(w: &mut BitWriter, r: &[(u16, u16)]) {
    w.put(r.len() as u64, 12);
    for &(s, e) in r {
        if s == e {
            w.put(0, 1);
            w.put(u64::from(s), 16);
        } else {
            w.put(1, 1);
            w.put(u64::from(s), 16);
            w.put(u64::from(e), 16);
        }
    }
}

type Restriction = (u8, u8, Vec<(u16, u16)>);

#[derive(Clone, Debug)]
struct Tc {
    header: (u64, u64, u16, u16, u8, u16, u16), // created .. vendor list version
    policy_version: u8,
    special_features: u16,
    purpose_consent: u32,
    purpose_li: u32,
    consents: Vendors,
    lis: Vendors,
    /// (purpose, restriction type, vendor ranges).
    restrictions: Vec<Restriction>,
}

impl Tc {
    fn encode(&self) -> String {
        let mut w = BitWriter::default();
        let h = self.header;
        w.put(2, 6);
        w.put(h.0, 36);
        w.put(h.1, 36);
        w.put(u64::from(h.2), 12);
        w.put(u64::from(h.3), 12);
        w.put(u64::from(h.4), 6);
        w.put(u64::from(h.5), 12);
        w.put(u64::from(h.6), 12);
        w.put(u64::from(self.policy_version), 6);
        w.put(0, 2);
        w.flags(u32::from(self.special_features), 12);
        w.flags(self.purpose_consent, 24);
        w.flags(self.purpose_li, 24);
        w.put(0, 13);
        self.consents.write(&mut w);
        self.lis.write(&mut w);
        w.put(self.restrictions.len() as u64, 12);
        for (purpose, kind, r) in &self.restrictions {
            w.put(u64::from(*purpose), 6);
            w.put(u64::from(*kind), 2);
            write_ranges(&mut w, r);
        }
        w.base64()
    }

    fn expected(&self, vendor: Option<u16>) -> TcSignals {
        let mut s = TcSignals {
            policy_version: self.policy_version,
            special_features: self.special_features,
            purpose_consent: self.purpose_consent,
            purpose_li: self.purpose_li,
            vendor_consent: self.consents.has(vendor),
            vendor_li: self.lis.has(vendor),
            ..Default::default()
        };
        for (purpose, kind, r) in &self.restrictions {
            let applies = vendor.is_some_and(|v| in_ranges(r, v));
            if applies && (1..=24).contains(purpose) {
                let bit = 1u32 << (purpose - 1);
                match kind {
                    0 => s.not_allowed |= bit,
                    1 => s.require_consent |= bit,
                    2 => s.require_li |= bit,
                    _ => {}
                }
            }
        }
        s
    }
}

fn ranges() -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop::collection::vec(
        (1u16..1500, 0u16..40).prop_map(|(s, len)| (s, s.saturating_add(len))),
        0..6,
    )
}

fn vendors() -> impl Strategy<Value = Vendors> {
    prop_oneof![
        prop::collection::vec(any::<bool>(), 0..1200).prop_map(Vendors::Bits),
        ranges().prop_map(Vendors::Ranges),
    ]
}

fn tc() -> impl Strategy<Value = Tc> {
    (
        (
            0u64..1 << 36,
            0u64..1 << 36,
            0u16..4096,
            0u16..4096,
            0u8..64,
            0u16..4096,
            0u16..4096,
        ),
        0u8..64,
        0u16..1 << 12,
        0u32..1 << 24,
        0u32..1 << 24,
        vendors(),
        vendors(),
        prop::collection::vec((0u8..64, 0u8..4, ranges()), 0..4),
    )
        .prop_map(
            |(
                header,
                policy_version,
                special_features,
                purpose_consent,
                purpose_li,
                consents,
                lis,
                restrictions,
            )| Tc {
                header,
                policy_version,
                special_features,
                purpose_consent,
                purpose_li,
                consents,
                lis,
                restrictions,
            },
        )
}

fn vendor() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![Just(None), Just(Some(755)), (1u16..1600).prop_map(Some)]
}

proptest! {
    #![proptest_config(config(256))]

    /// Valid TC strings decode to exactly what was encoded, with other
    /// segments, padding and surrounding whitespace ignored.
    #[test]
    fn tc_strings_round_trip(tc in tc(), vendor in vendor(), suffix in "(\\.[A-Za-z0-9_-]{0,12}){0,2}") {
        let s = tc.encode();
        let want = tc.expected(vendor);
        prop_assert_eq!(tcf::decode(&s, vendor), Some(want));
        prop_assert_eq!(tcf::decode(&format!(" {s}{suffix}\n"), vendor), Some(want));
        let policy = ConsentPolicy::new(ConsentConfig { vendor_id: vendor, ..Default::default() });
        prop_assert_eq!(policy.tc_signals(&s), Some(want));
        // As the TCF EU section of a GPP string, it decides the same.
        let gpp = format!("DBABMA~{s}");
        prop_assert_eq!(policy.gpp_signals(&gpp), Some(Some(want)));
        let by_tc = policy.decide(&ConsentInput { gdpr: Some(1), consent: &s, ..Default::default() });
        let by_gpp = policy.decide(&ConsentInput { gdpr: Some(1), gpp: &gpp, consent: "x", ..Default::default() });
        prop_assert_eq!(&by_tc, &by_gpp);
        prop_assert!(by_tc.tc_valid);
        prop_assert_eq!(by_tc.may_update_profile, want.consent(3));
        prop_assert_eq!(by_tc.may_use_profile, want.consent(4));
        prop_assert_eq!(by_tc.may_serve, want.consent(2) || want.legitimate_interest(2));
    }

    /// Any prefix of a valid string is rejected or decodes consistently.
    #[test]
    fn truncated_tc_strings(tc in tc(), vendor in vendor(), cut in any::<prop::sample::Index>()) {
        let s = tc.encode();
        let t = &s[..cut.index(s.len() + 1)];
        harness::check_tc_str(t, vendor);
    }

    /// Arbitrary text as a TC string never panics; validity and the purpose
    /// bits do not depend on the vendor; the policy (cached) agrees.
    #[test]
    fn tc_arbitrary_strings(s in any::<String>(), vendor in vendor()) {
        harness::check_tc_str(&s, vendor);
    }

    /// Arbitrary base64url strings over arbitrary bits.
    #[test]
    fn tc_arbitrary_bits(data in prop::collection::vec(any::<u8>(), 0..300)) {
        harness::tc_string(&data);
    }

    #[test]
    fn tc_base64url_alphabet(s in "[A-Za-z0-9_=.-]{0,200}", vendor in vendor()) {
        harness::check_tc_str(&s, vendor);
    }

    /// GPP strings: arbitrary text, garbled headers, garbled sections.
    #[test]
    fn gpp_arbitrary(data in prop::collection::vec(any::<u8>(), 0..300)) {
        harness::gpp(&data);
    }

    #[test]
    fn gpp_shaped(s in "D[A-Za-z0-9_-]{0,10}(~[A-Za-z0-9_.-]{0,60}){0,4}") {
        harness::gpp(s.as_bytes());
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Tokenize / hash / embed / guard on arbitrary Unicode: no panic, tokens
    /// of 2+ characters, embeddings finite and unit-norm (or none).
    #[test]
    fn text_pipeline_arbitrary_unicode(s in any::<String>()) {
        harness::check_text(&s);
    }

    /// Text biased toward what the pipeline looks at: words, accents,
    /// combining marks, case-changing letters (İ, ẞ, final sigma), digits.
    #[test]
    fn text_pipeline_wordy(s in "([a-zA-Zéèàçœ İıẞßΣσς\u{0301}\u{0300}²½0-9_'-]{0,12}[ .,!?\n]){0,30}") {
        harness::check_text(&s);
    }

    #[test]
    fn text_pipeline_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        harness::text_pipeline(&data);
    }
}

proptest! {
    // Each case hashes a few hundred documents on several threads.
    #![proptest_config(scaled_config(24, 10))]

    /// Hashing is identical for every n_jobs, on batches large enough to split.
    #[test]
    fn hashing_equal_across_n_jobs(
        texts in prop::collection::vec(any::<String>(), 250..700),
        n_features in prop_oneof![Just(1u32), Just(1 << 20), 1u32..=i32::MAX as u32],
        ngram in prop_oneof![Just((1usize, 1usize)), Just((1, 2)), Just((2, 3))],
        alternate_sign in any::<bool>(),
        lowercase in any::<bool>(),
        norm in prop_oneof![Just(Norm::L2), Just(Norm::L1), Just(Norm::None)],
    ) {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let cfg = HashingConfig { n_features, ngram_range: ngram, alternate_sign, lowercase, norm };
        harness::check_hash_batch(&refs, &cfg);
    }
}

// ---- requests -------------------------------------------------------------------

fn short_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_string()),
        "[a-z0-9]{1,8}",
        any::<String>(),
        // At and around the 256-byte id limit.
        (250usize..262).prop_map(|n| "u".repeat(n)),
    ]
}

fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        4 => "([a-z]{2,9} ){0,12}(flights|lisbon|running|shoes|hotel|paris|pharmacy)",
        // At and around the 16 KiB message limit.
        1 => (16_380usize..16_390).prop_map(|n| "é".repeat(n / 2)),
    ]
}

fn regs() -> impl Strategy<Value = Option<wire::Regs>> {
    prop::option::of(
        (
            prop::option::of(prop_oneof![Just(0), Just(1), any::<i32>()]),
            prop_oneof![Just(0), Just(1), any::<i32>()],
            prop_oneof![
                Just(String::new()),
                any::<String>(),
                "DBABMA~[A-Za-z0-9_-]{0,80}"
            ],
            prop::collection::vec(any::<i32>(), 0..4),
        )
            .prop_map(|(gdpr, coppa, gpp, gpp_sid)| wire::Regs {
                gdpr,
                coppa,
                gpp,
                gpp_sid,
            }),
    )
}

fn score_request() -> impl Strategy<Value = wire::ScoreRequest> {
    (
        (short_string(), short_string(), short_string(), message()),
        prop_oneof![Just(0u32), 1u32..=100, any::<u32>()],
        regs(),
        prop_oneof![
            Just(String::new()),
            Just(real_tc().to_string()),
            any::<String>(),
            "[A-Za-z0-9_-]{0,80}",
        ],
        prop::collection::vec(
            prop_oneof!["IAB[0-9]{1,2}(-[0-9]{1,2})?", any::<String>()],
            0..4,
        ),
        prop::collection::vec(prop_oneof!["[a-z]{1,8}\\.example", any::<String>()], 0..4),
        any::<u32>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                (request_id, user_id, session_id, message),
                max_ads,
                regs,
                consent,
                bcat,
                badv,
                tmax_ms,
                user_is_minor,
            )| {
                wire::ScoreRequest {
                    request_id,
                    user_id,
                    session_id,
                    message,
                    max_ads,
                    regs,
                    consent,
                    bcat,
                    badv,
                    tmax_ms,
                    user_is_minor,
                }
            },
        )
}

fn ad() -> impl Strategy<Value = wire::Ad> {
    // Any f32, with NaN, infinities and zero more often than chance.
    let component = || {
        prop_oneof![
            6 => any::<f32>(),
            2 => -1e6f32..1e6,
            1 => Just(f32::NAN),
            1 => Just(f32::INFINITY),
            1 => Just(0.0f32),
        ]
    };
    let embedding = prop_oneof![
        3 => Just(Vec::new()),
        1 => prop::collection::vec(-2.0f32..2.0, 64),
        1 => prop::collection::vec(component(), 64),
        1 => prop::collection::vec(component(), 0..70),
    ];
    (
        (
            short_string(),
            prop_oneof!["[a-z]{1,8}\\.example", short_string()],
        ),
        (message(), message()),
        prop::collection::vec(
            prop_oneof!["IAB[0-9]{1,2}(-[0-9]{1,2})?", any::<String>()],
            0..3,
        ),
        prop::collection::vec(prop_oneof![Just(208u32), Just(1), any::<u32>()], 0..3),
        prop_oneof![Just(2.0f64), any::<f64>()],
        embedding,
        prop::collection::vec(
            prop_oneof![Just("health".to_string()), any::<String>()],
            0..2,
        ),
    )
        .prop_map(
            |(
                (ad_id, advertiser),
                (title, text),
                categories,
                topics,
                bid_cpm,
                embedding,
                sensitive,
            )| wire::Ad {
                ad_id,
                advertiser,
                title,
                text,
                categories,
                topics,
                bid_cpm,
                embedding,
                tags: Vec::new(),
                sensitive_categories: sensitive,
                campaign: String::new(),
            },
        )
}

/// A real TC string (@iabtcf/core): purposes 1-4, vendor 755.
fn real_tc() -> &'static str {
    "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA"
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes as a ScoreRequest / ChatTurn: prost rejects them or
    /// the engine answers, or names the field it rejects. Never a panic.
    #[test]
    fn request_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        harness::score_request(&data);
    }

    /// Structured requests with arbitrary field values, through the bytes path.
    #[test]
    fn request_arbitrary_fields(req in score_request()) {
        let bytes = req.encode_to_vec();
        prop_assert_eq!(&wire::ScoreRequest::decode(bytes.as_slice()).unwrap(), &req);
        harness::score_request(&bytes);
        harness::check_score_outcome(&req);
    }

    /// Catalog writes with arbitrary ads: all stored well-formed, or a field error.
    #[test]
    fn upsert_arbitrary_ads(ads in prop::collection::vec(ad(), 1..4)) {
        let bytes = wire::UpsertAdsRequest { ads: ads.clone() }.encode_to_vec();
        harness::upsert_request(&bytes);
    }

    /// A valid request with bytes flipped or cut: still never a panic.
    #[test]
    fn request_mutated_bytes(req in score_request(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6), cut in any::<prop::sample::Index>()) {
        let mut bytes = req.encode_to_vec();
        for (i, x) in flips {
            if !bytes.is_empty() {
                let i = i.index(bytes.len());
                bytes[i] ^= x;
            }
        }
        let n = cut.index(bytes.len() + 1);
        harness::score_request(&bytes);
        harness::score_request(&bytes[..n]);
    }
}

/// The checked-in seed corpora of the fuzz targets (`rust/fuzz/corpus/*`),
/// and any crash reproducers left in `rust/fuzz/artifacts/*`, pass.
#[test]
fn fuzz_corpora_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    type Check = fn(&[u8]);
    let targets: [(&str, Check); 5] = [
        ("tc_string", harness::tc_string),
        ("gpp", harness::gpp),
        ("text_pipeline", harness::text_pipeline),
        ("score_request", harness::score_request),
        ("upsert_request", harness::upsert_request),
    ];
    let mut n = 0;
    for (name, check) in targets {
        for dir in ["corpus", "artifacts"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                continue;
            };
            for entry in entries.flatten() {
                let data = std::fs::read(entry.path()).unwrap();
                check(&data);
                n += 1;
            }
        }
    }
    assert!(n > 0, "no seed corpus under {}", root.display());
}

/// Regression (found by `upsert_arbitrary_ads`, fixed in a215d08): a caller
/// embedding with a finite component above sqrt(f32::MAX) ≈ 1.8e19 was stored
/// as the zero vector (its squared norm overflowed to infinity).
#[test]
fn huge_embedding_component_is_normalised() {
    let mut embedding = vec![0.0f32; 64];
    embedding[0] = 1e20;
    harness::check_upsert_outcome(vec![wire::Ad {
        ad_id: "huge-embedding".into(),
        advertiser: "b.example".into(),
        bid_cpm: 1.0,
        embedding,
        ..Default::default()
    }]);
}
