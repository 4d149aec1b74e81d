"""Privacy by design, tested with real TC strings over a real server.

TC strings come from tests/data/tc_strings.json, encoded by the IAB's own
@iabtcf/core (scripts/tcf/gen_tc_strings.mjs); the Python package iab-tcf is
the decoding oracle.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import grpc
import iab_tcf
import pytest
from chatads import Engine, _core
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from .conftest import SECRET

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "tc_strings.json").read_text())
VENDORS = [1, 2, 3, 5, 97, 754, 755, 756, 999, 1200]
TRAVEL = "Looking for cheap flights and a hotel in Lisbon"


def strict_settings(tmp: Path, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "secret": SECRET,
        "port": 0,
        "workers": 4,
        "vendor_id": 755,
        "data_dir": tmp,
    }
    base.update(kw)
    return base


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("privacy-data")


@pytest.fixture(scope="module")
def strict(data_dir: Path, transport: str) -> Iterator[ChatadsServer]:
    """A server with the strict defaults: GDPR applies unless regs.gdpr = 0."""
    from chatads import Settings

    settings = Settings(**strict_settings(data_dir))  # type: ignore[arg-type]
    engine = Engine(settings)
    engine.load_demo_catalog(2000)
    server = ChatadsServer(settings, engine).start()
    yield server
    server.stop(grace=None)


@pytest.fixture(scope="module")
def stubs(
    strict: ChatadsServer,
) -> Iterator[tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub]]:
    with grpc.insecure_channel(strict.address) as ch:
        yield chatads_pb2_grpc.AdScoringStub(ch), chatads_pb2_grpc.PrivacyStub(ch)


def score(
    stub: chatads_pb2_grpc.AdScoringStub, user: str, message: str = TRAVEL, **kw: object
) -> pb.ScoreResponse:
    req = pb.ScoreRequest(user_id=user, session_id="s", message=message, max_ads=3, **kw)  # type: ignore[arg-type]
    resp: pb.ScoreResponse = stub.Score(req, timeout=10)
    return resp


# ---- decoding: our Rust decoder against the iab-tcf oracle ---------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_decoder_agrees_with_iab_tcf(case: dict[str, object]) -> None:
    tc = str(case["tc"])
    oracle = iab_tcf.decode_v2(tc)
    for vendor in VENDORS:
        ours = _core.decode_tc_string(tc, vendor_id=vendor)
        assert ours is not None
        assert ours["policy_version"] == oracle.tcf_policy_version
        assert ours["special_features"] == [
            f for f, v in oracle.special_features_optin.items() if v
        ]
        assert ours["purposes_consent"] == [p for p, v in oracle.purposes_consent.items() if v]
        assert ours["purposes_li"] == [
            p for p, v in oracle.purposes_legitimate_interests.items() if v
        ]
        assert ours["vendor_consent"] == oracle.is_vendor_allowed(vendor)
        assert ours["vendor_li"] == oracle.is_interest_allowed(vendor)
        expected: dict[str, list[int]] = {
            "not_allowed": [],
            "require_consent": [],
            "require_li": [],
        }
        names = {0: "not_allowed", 1: "require_consent", 2: "require_li"}
        for entry in oracle.pub_restriction_entries:
            vendors = {v for lo, hi in entry.restrictions_range for v in range(lo, hi + 1)}
            if vendor in vendors:
                expected[names[entry.restriction_type]].append(entry.purpose_id)
        for kind, purposes in expected.items():
            assert ours[f"restriction_{kind}"] == sorted(purposes), (kind, vendor)


def test_encodings_cover_bitfield_range_and_restrictions() -> None:
    decoded = [iab_tcf.decode_v2(c["tc"]) for c in CASES]
    assert any(d.is_consent_range_encoding for d in decoded)
    assert any(not d.is_consent_range_encoding and d.max_consent_vendor_id for d in decoded)
    assert any(d.pub_restriction_entries for d in decoded)


# ---- the decision table, over gRPC ------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_decision_table(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, object], case: dict[str, object]
) -> None:
    scoring, _ = stubs
    user = f"dt-{case['name']}"
    expect = case["expect"]
    assert isinstance(expect, dict)
    gdpr = pb.Regs(gdpr=1)
    first = score(scoring, user, consent=str(case["tc"]), regs=gdpr)
    assert first.profile_updated == expect["update"], first
    second = score(
        scoring, user, "and what about the return flight?", consent=str(case["tc"]), regs=gdpr
    )
    if not expect["serve"]:
        assert second.personalization == pb.NONE and not second.ads
        assert second.reasons
    elif expect["use"] and expect["update"]:
        assert second.personalization == pb.PERSONALIZED, second
    else:
        assert second.personalization in (pb.CONTEXTUAL, pb.NONE), second
    if not expect["use"]:
        assert any(
            r.startswith(("no_consent_purpose_4", "publisher_restriction", "no_vendor_consent"))
            for r in second.reasons
        ), second.reasons


@pytest.mark.parametrize(
    "consent",
    [
        "",
        "garbage",
        "CQtAQoAQtDjk",
        CASES[0]["tc"].split(".")[0][:40],
        "%%%%",
        "C" * 5000,
        CASES[0]["tc"][::-1],
    ],
    ids=["missing", "garbage", "truncated", "cut", "symbols", "long", "reversed"],
)
def test_missing_or_garbled_strings_mean_no_consent_never_an_error(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, object], consent: str
) -> None:
    scoring, _ = stubs
    resp = score(scoring, f"garbled-{len(consent)}", consent=consent, regs=pb.Regs(gdpr=1))
    assert resp.personalization == pb.NONE and not resp.ads and not resp.profile_updated
    assert resp.reasons[0] in ("gdpr_no_consent_string", "consent_string_invalid")


def test_gdpr_absent_is_strict_and_gdpr_zero_is_not(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, object],
) -> None:
    scoring, _ = stubs
    assert score(scoring, "no-regs").personalization == pb.NONE
    assert score(scoring, "gdpr0", regs=pb.Regs(gdpr=0)).ads


def test_gpp_tcf_section_wins_over_consent(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, object],
) -> None:
    scoring, _ = stubs
    full = next(c["tc"] for c in CASES if c["name"] == "all_consent_range")
    nothing = next(c["tc"] for c in CASES if c["name"] == "nothing")
    # "DBABMA": a GPP v1 header listing one section, id 2 (TCF EU v2).
    resp = score(scoring, "gpp-1", regs=pb.Regs(gpp=f"DBABMA~{full}", gpp_sid=[2]), consent=nothing)
    assert resp.profile_updated and resp.ads
    resp = score(scoring, "gpp-2", regs=pb.Regs(gpp=f"DBABMA~{nothing}", gpp_sid=[2]), consent=full)
    assert not resp.profile_updated and not resp.ads


# ---- minors, opt-out, forget ------------------------------------------------------------


def test_coppa_and_minors_are_never_profiled(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    full = CASES[0]["tc"]
    for user, kw in [
        ("kid-1", {"regs": pb.Regs(gdpr=1, coppa=1)}),
        ("kid-2", {"regs": pb.Regs(gdpr=1), "user_is_minor": True}),
    ]:
        for _ in range(2):
            resp = score(scoring, user, consent=full, **kw)
            assert not resp.profile_updated
            assert resp.personalization in (pb.CONTEXTUAL, pb.NONE)
            assert {"coppa", "minor"} & set(resp.reasons)
        assert not privacy.GetProfile(pb.GetProfileRequest(user_id=user)).exists


def test_opt_out_deletes_and_stays_off_until_opt_in(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    full = CASES[0]["tc"]
    assert score(scoring, "oo", consent=full, regs=pb.Regs(gdpr=1)).profile_updated
    assert privacy.GetProfile(pb.GetProfileRequest(user_id="oo")).exists
    privacy.SetOptOut(pb.SetOptOutRequest(user_id="oo", opted_out=True))
    report = privacy.GetProfile(pb.GetProfileRequest(user_id="oo"))
    assert not report.exists and report.opted_out and "opted out" in report.summary
    resp = score(scoring, "oo", consent=full, regs=pb.Regs(gdpr=1))
    assert not resp.profile_updated and "opted_out" in resp.reasons
    assert resp.personalization in (pb.CONTEXTUAL, pb.NONE)
    privacy.SetOptOut(pb.SetOptOutRequest(user_id="oo", opted_out=False))
    assert score(scoring, "oo", consent=full, regs=pb.Regs(gdpr=1)).profile_updated


def test_forget_and_opt_out_survive_a_restart(tmp_path: Path) -> None:
    from chatads import Settings

    settings = Settings(**strict_settings(tmp_path, secret=None))  # type: ignore[arg-type]
    full = CASES[0]["tc"]
    e1 = Engine(settings)
    e1.load_demo_catalog(300)
    e1.score("leaver", "s", TRAVEL, consent=full, gdpr=1)
    e1.score("stayer", "s", TRAVEL, consent=full, gdpr=1)
    assert e1.forget_user("leaver") is True
    assert e1.profile("leaver") is None
    e1.set_opt_out("stayer")
    del e1
    e2 = Engine(settings)  # same data_dir: same secret.key and ledger
    e2.load_demo_catalog(300)
    assert e2.profile("leaver") is None
    r = e2.score("stayer", "s", TRAVEL, consent=full, gdpr=1)
    assert not r.profile_updated and "opted_out" in r.reasons
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_forget_user_over_grpc_is_immediate(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    full = CASES[0]["tc"]
    score(scoring, "gone", consent=full, regs=pb.Regs(gdpr=1))
    assert privacy.ForgetUser(pb.ForgetUserRequest(user_id="gone")).had_data
    assert not privacy.GetProfile(pb.GetProfileRequest(user_id="gone")).exists
    # The session context went too: an empty turn in the old session has nothing to use.
    resp = score(scoring, "gone", "", consent=full, regs=pb.Regs(gdpr=1))
    assert not resp.ads and "no_context" in resp.reasons
    assert not privacy.ForgetUser(pb.ForgetUserRequest(user_id="gone")).had_data


# ---- sensitive turns and ads ------------------------------------------------------------


def test_sensitive_turn_never_reaches_the_profile(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    full = CASES[0]["tc"]
    resp = score(
        scoring,
        "patient",
        "I was diagnosed with diabetes, cheap flights to Lisbon?",
        consent=full,
        regs=pb.Regs(gdpr=1),
    )
    assert not resp.ads and not resp.profile_updated and "sensitive_turn" in resp.reasons
    assert not privacy.GetProfile(pb.GetProfileRequest(user_id="patient")).exists
    # ... nor the session context: the next neutral, empty turn has no context.
    follow = score(scoring, "patient", "", consent=full, regs=pb.Regs(gdpr=1))
    assert not follow.ads and "no_context" in follow.reasons


def test_sensitive_ads_are_contextual_only(tmp_path: Path) -> None:
    # The guard off: this is about sensitive ads, not about repetition.
    engine = Engine(
        secret=SECRET,
        gdpr_when_unknown=False,
        freq_cap=0,
        advertiser_cap=0,
        no_consecutive_repeat=False,
    )
    engine.upsert_ads(
        [
            {
                "ad_id": "gym",
                "advertiser": "gym.example",
                "text": "marathon running shoes trainers",
                "categories": ["IAB17"],
                "bid_cpm": 1.0,
            },
            {
                "ad_id": "clinic",
                "advertiser": "clinic.example",
                "categories": ["IAB7-18"],
                "text": "marathon running shoes trainers",
                "bid_cpm": 9.0,
            },
            {
                "ad_id": "declared",
                "advertiser": "x.example",
                "sensitive_categories": ["religion"],
                "text": "marathon running shoes trainers",
                "bid_cpm": 8.0,
            },
        ]
    )
    assert engine.get_ad("clinic")["sensitive_categories"] == ["health"]
    assert engine.get_ad("declared")["sensitive_categories"] == ["religion"]
    first = engine.score("runner", "s", "marathon running shoes", max_ads=3)
    assert first.personalization == "CONTEXTUAL" and first.ads[0].ad_id == "clinic"
    for _ in range(3):
        later = engine.score("runner", "s", "marathon running shoes", max_ads=3)
        assert later.personalization == "PERSONALIZED"
        assert {a.ad_id for a in later.ads} <= {"gym"}


# ---- transparency -----------------------------------------------------------------------


def test_get_profile_and_explain_ad_are_readable(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    full = CASES[0]["tc"]
    resp = score(scoring, "reader", consent=full, regs=pb.Regs(gdpr=1))
    resp = score(
        scoring, "reader", "we also want to book a cruise", consent=full, regs=pb.Regs(gdpr=1)
    )
    report = privacy.GetProfile(pb.GetProfileRequest(user_id="reader"))
    assert report.exists and report.turns == 2
    assert report.consent_basis.startswith("consent (IAB TCF")
    assert any("Travel" in t.name for t in report.topics)
    assert abs(sum(t.weight for t in report.topics) - 1.0) < 1e-3
    assert report.expires_at - report.updated_at == 30 * 86400
    assert "Travel & Transportation" in report.summary and "ForgetUser" in report.summary
    ad = resp.ads[0]
    why = privacy.ExplainAd(pb.ExplainAdRequest(user_id="reader", ad_id=ad.ad_id))
    assert why.ad_id == ad.ad_id and why.shared_topics and why.relevance > 0
    assert ad.advertiser in why.explanation and "SetOptOut" in why.how_to_change
    with pytest.raises(grpc.RpcError) as info:
        privacy.ExplainAd(pb.ExplainAdRequest(user_id="reader", ad_id="nope"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_every_response_states_basis_and_reasons(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, object],
) -> None:
    scoring, _ = stubs
    full = CASES[0]["tc"]
    seen = set()
    for kw in [
        {},
        {"consent": full, "regs": pb.Regs(gdpr=1)},
        {"regs": pb.Regs(gdpr=0)},
        {"consent": full, "regs": pb.Regs(gdpr=1, coppa=1)},
    ]:
        resp = score(scoring, "basis", **kw)
        assert resp.personalization != pb.PERSONALIZATION_UNSPECIFIED
        if resp.personalization != pb.PERSONALIZED:
            assert resp.reasons, resp
        seen.add(resp.personalization)
    assert seen == {pb.NONE, pb.PERSONALIZED, pb.CONTEXTUAL}
