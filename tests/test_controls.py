"""User controls over gRPC, on both transports: hide an ad or an advertiser, block a
topic, choose how personal ads may be, see and clear the ad history, control links;
durable before the call returns (a `kill -9` right after loses none), honoured on every
path, removed with ForgetUser, and bad input answered INVALID_ARGUMENT naming the field."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from chatads import Engine
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from tests.conftest import make_settings, serve_process

TRAVEL = "I'm planning a trip to Lisbon in May, any cheap flights and a hotel?"
TRAVEL_TOPIC = 332  # /Travel & Transportation


@pytest.fixture(scope="module")
def srv(transport: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatadsServer]:
    settings = make_settings(data_dir=tmp_path_factory.mktemp("controls"))
    engine = Engine(settings)
    engine.load_demo_catalog(3000)
    server = ChatadsServer(settings, engine).start()
    yield server
    server.stop(grace=None)


@pytest.fixture(scope="module")
def stubs(
    srv: ChatadsServer,
) -> Iterator[tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub]]:
    with grpc.insecure_channel(srv.address) as ch:
        yield chatads_pb2_grpc.AdScoringStub(ch), chatads_pb2_grpc.PrivacyStub(ch)


def turn(
    scoring: chatads_pb2_grpc.AdScoringStub,
    user: str,
    message: str = TRAVEL,
    session: str = "s",
    **kw: object,
) -> pb.ScoreResponse:
    req = pb.ScoreRequest(user_id=user, session_id=session, message=message, max_ads=5, **kw)  # type: ignore[arg-type]
    resp: pb.ScoreResponse = scoring.Score(req, timeout=10)
    return resp


def invalid(call: object, request: object, field: str) -> None:
    with pytest.raises(grpc.RpcError) as e:
        call(request, timeout=10)  # type: ignore[operator]
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT, e.value
    assert field in (e.value.details() or ""), e.value.details()


def test_hidden_ads_and_advertisers_never_come_back(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    first = turn(scoring, "hider")
    assert len(first.ads) >= 2
    ad, other = first.ads[0], first.ads[1]
    c = privacy.HideAd(pb.HideAdRequest(user_id="hider", ad_id=ad.ad_id))
    assert [h.ad_id for h in c.hidden_ads] == [ad.ad_id] and c.hidden_ads[0].title == ad.title
    c = privacy.HideAd(pb.HideAdRequest(user_id="hider", ad_id=other.ad_id, whole_advertiser=True))
    assert [h.advertiser for h in c.hidden_advertisers] == [other.advertiser]
    for i in range(6):
        resp = turn(scoring, "hider", session=f"later-{i}")
        assert all(a.ad_id != ad.ad_id for a in resp.ads)
        assert all(a.advertiser != other.advertiser for a in resp.ads)
    # Asked for directly with another session and a message naming the ad's words.
    resp = turn(scoring, "hider", ad.title, session="direct")
    assert all(a.ad_id != ad.ad_id for a in resp.ads)
    assert "ad_hidden_by_user" in resp.reasons
    explained = privacy.ExplainAd(pb.ExplainAdRequest(user_id="hider", ad_id=ad.ad_id))
    assert "You hid this ad" in explained.explanation
    # Someone else still sees it.
    assert ad.ad_id in {a.ad_id for a in turn(scoring, "not-hider").ads}
    c = privacy.UnhideAd(pb.UnhideAdRequest(user_id="hider", ad_id=ad.ad_id))
    c = privacy.UnhideAd(pb.UnhideAdRequest(user_id="hider", advertiser=other.advertiser))
    assert not c.hidden_ads and not c.hidden_advertisers


def test_a_blocked_topic_is_neither_learnt_nor_used_nor_shown(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    turn(scoring, "blocker")
    before = privacy.GetProfile(pb.GetProfileRequest(user_id="blocker"))
    assert any(t.name.startswith("/Travel") for t in before.topics), before
    c = privacy.BlockTopic(pb.TopicControlRequest(user_id="blocker", topic_id=TRAVEL_TOPIC))
    assert [t.id for t in c.blocked_topics] == [TRAVEL_TOPIC]
    after = privacy.GetProfile(pb.GetProfileRequest(user_id="blocker"))
    assert not any(t.name.startswith("/Travel") for t in after.topics), after
    for i in range(3):
        resp = turn(scoring, "blocker", session=f"b{i}")
        assert not resp.profile_updated and "topic_blocked_by_user" in resp.reasons
        for a in resp.ads:
            assert not any(t.name.startswith("/Travel") for t in a.topics), a
    again = privacy.GetProfile(pb.GetProfileRequest(user_id="blocker"))
    assert not any(t.name.startswith("/Travel") for t in again.topics)
    # Contextually either: a turn that is not about travel never gets a travel ad.
    resp = turn(scoring, "blocker", "a weekend city break with a rental car", session="c")
    for a in resp.ads:
        assert not any(t.name.startswith("/Travel") for t in a.topics), a
    c = privacy.UnblockTopic(pb.TopicControlRequest(user_id="blocker", topic_id=TRAVEL_TOPIC))
    assert not c.blocked_topics
    assert any(
        t.name.startswith("/Travel")
        for a in turn(scoring, "blocker", session="u").ads
        for t in a.topics
    )


def test_remove_interest_takes_it_out_of_the_profile(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    turn(scoring, "remover")
    report = privacy.RemoveInterest(
        pb.TopicControlRequest(user_id="remover", topic_id=TRAVEL_TOPIC)
    )
    assert report.exists and not any(t.name.startswith("/Travel") for t in report.topics)
    # Not a block: talking about travel again brings it back.
    resp = turn(scoring, "remover", session="again")
    assert resp.profile_updated
    report = privacy.GetProfile(pb.GetProfileRequest(user_id="remover"))
    assert any(t.name.startswith("/Travel") for t in report.topics)


def test_personalisation_levels(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    c = privacy.SetPersonalization(
        pb.SetPersonalizationRequest(user_id="leveller", level=pb.LEVEL_CONTEXTUAL)
    )
    assert c.level == pb.LEVEL_CONTEXTUAL
    resp = turn(scoring, "leveller")
    assert resp.ads and not resp.profile_updated
    assert resp.personalization == pb.CONTEXTUAL and "user_chose_contextual" in resp.reasons
    assert not privacy.GetProfile(pb.GetProfileRequest(user_id="leveller")).exists
    privacy.SetPersonalization(
        pb.SetPersonalizationRequest(user_id="leveller", level=pb.LEVEL_NO_ADS)
    )
    resp = turn(scoring, "leveller", session="t2")
    assert not resp.ads and "user_chose_no_ads" in resp.reasons
    privacy.SetPersonalization(
        pb.SetPersonalizationRequest(user_id="leveller", level=pb.LEVEL_FULL)
    )
    resp = turn(scoring, "leveller", session="t3")
    assert resp.ads and resp.profile_updated


def test_ad_history_says_when_and_why_and_can_be_cleared(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    shown = [a.ad_id for i in range(3) for a in turn(scoring, "historian", session="h").ads]
    history = privacy.GetAdHistory(pb.GetAdHistoryRequest(user_id="historian"))
    assert sorted(e.ad_id for e in history.entries) == sorted(shown)
    times = [e.shown_at_ms for e in history.entries]
    assert times == sorted(times, reverse=True)
    assert all(e.explanation.startswith("Shown on ") and e.title for e in history.entries)
    one = history.entries[0].ad_id
    cleared = privacy.ClearAdHistory(pb.ClearAdHistoryRequest(user_id="historian", ad_id=one))
    assert cleared.cleared == shown.count(one)
    left = privacy.GetAdHistory(pb.GetAdHistoryRequest(user_id="historian"))
    assert one not in {e.ad_id for e in left.entries}
    assert privacy.ClearAdHistory(pb.ClearAdHistoryRequest(user_id="historian")).cleared == len(
        left.entries
    )
    assert not privacy.GetAdHistory(pb.GetAdHistoryRequest(user_id="historian")).entries


def test_minors_get_no_ads_and_nothing_is_recorded(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    resp = turn(scoring, "kid", user_is_minor=True)
    assert not resp.ads and "minor" in resp.reasons and not resp.profile_updated
    resp = turn(scoring, "kid2", regs=pb.Regs(coppa=1))
    assert not resp.ads and "coppa" in resp.reasons
    assert not privacy.GetAdHistory(pb.GetAdHistoryRequest(user_id="kid")).entries


def test_forget_removes_controls_and_history(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
    srv: ChatadsServer,
) -> None:
    scoring, privacy = stubs
    ad = turn(scoring, "leaver").ads[0]
    privacy.HideAd(pb.HideAdRequest(user_id="leaver", ad_id=ad.ad_id))
    privacy.HideAd(pb.HideAdRequest(user_id="leaver", ad_id="an-ad-only-the-leaver-hid"))
    ledger = Path(str(srv.settings.data_dir)) / "privacy-ledger.v1"
    assert b"an-ad-only-the-leaver-hid".hex() in ledger.read_text()
    privacy.BlockTopic(pb.TopicControlRequest(user_id="leaver", topic_id=TRAVEL_TOPIC))
    assert privacy.ForgetUser(pb.ForgetUserRequest(user_id="leaver")).had_data
    c = privacy.GetControls(pb.GetControlsRequest(user_id="leaver"))
    assert not c.hidden_ads and not c.blocked_topics and c.level == pb.LEVEL_FULL
    assert not privacy.GetAdHistory(pb.GetAdHistoryRequest(user_id="leaver")).entries
    assert not privacy.ForgetUser(pb.ForgetUserRequest(user_id="leaver")).had_data
    # Nothing of the user's choices stays on disk either: of their lines in the ledger,
    # only the forget requests are left (the ad id they hid is gone with its line).
    assert b"an-ad-only-the-leaver-hid".hex() not in ledger.read_text()
    assert "v1 F " in ledger.read_text()


def test_control_links_name_no_raw_id(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
    srv: ChatadsServer,
) -> None:
    _, privacy = stubs
    link = privacy.IssueControlLink(
        pb.IssueControlLinkRequest(user_id="alice@example.com", ttl_s=120)
    )
    assert link.token.startswith("ca1.") and "alice" not in link.token
    assert 110 <= link.expires_at - __import__("time").time() <= 121
    user = srv.engine.linked(link.token)
    assert user.controls().level == pb.LEVEL_FULL
    invalid(
        privacy.IssueControlLink,
        pb.IssueControlLinkRequest(user_id="a", ttl_s=10**6),
        "ttl_s",
    )


def test_bad_control_requests_name_the_field(
    stubs: tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub],
) -> None:
    scoring, privacy = stubs
    invalid(privacy.BlockTopic, pb.TopicControlRequest(user_id="x", topic_id=999_999), "topic_id")
    invalid(privacy.BlockTopic, pb.TopicControlRequest(user_id="", topic_id=332), "user_id")
    invalid(privacy.SetPersonalization, pb.SetPersonalizationRequest(user_id="x"), "level")
    invalid(
        privacy.SetPersonalization, pb.SetPersonalizationRequest(user_id="x", level=42), "level"
    )  # type: ignore[arg-type]
    invalid(privacy.HideAd, pb.HideAdRequest(user_id="x"), "ad_id")
    invalid(privacy.UnhideAd, pb.UnhideAdRequest(user_id="x", ad_id="a", advertiser="b"), "ad_id")
    with pytest.raises(grpc.RpcError) as e:
        privacy.HideAd(pb.HideAdRequest(user_id="x", ad_id="no-such-ad", whole_advertiser=True))
    assert e.value.code() == grpc.StatusCode.NOT_FOUND
    # Nothing was recorded by the refused calls, and the server keeps serving.
    c = privacy.GetControls(pb.GetControlsRequest(user_id="x"))
    assert not c.hidden_ads and not c.blocked_topics and not c.hidden_advertisers
    assert turn(scoring, "x").ads


def test_controls_survive_kill_9(tmp_path: Path, transport: str) -> None:
    """Acknowledged means on disk: every control holds after a `kill -9` that follows
    the last reply at once."""
    del transport
    with serve_process(tmp_path) as (proc, addr), grpc.insecure_channel(addr) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        privacy = chatads_pb2_grpc.PrivacyStub(ch)
        ad = turn(scoring, "durable").ads[0]
        privacy.HideAd(pb.HideAdRequest(user_id="durable", ad_id=ad.ad_id))
        privacy.BlockTopic(pb.TopicControlRequest(user_id="durable", topic_id=299))
        privacy.SetPersonalization(
            pb.SetPersonalizationRequest(user_id="durable", level=pb.LEVEL_CONTEXTUAL)
        )
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with serve_process(tmp_path) as (_, addr), grpc.insecure_channel(addr) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        privacy = chatads_pb2_grpc.PrivacyStub(ch)
        c = privacy.GetControls(pb.GetControlsRequest(user_id="durable"))
        assert [h.ad_id for h in c.hidden_ads] == [ad.ad_id]
        assert [t.id for t in c.blocked_topics] == [299]
        assert c.level == pb.LEVEL_CONTEXTUAL
        resp = turn(scoring, "durable", session="after")
        assert ad.ad_id not in {a.ad_id for a in resp.ads}
        assert "user_chose_contextual" in resp.reasons
    # Only keyed hashes in the ledger, never the raw id (nor its hex, as an argument is).
    ledger = (tmp_path / "privacy-ledger.v1").read_text()
    lines = ledger.splitlines()
    assert len(lines) >= 3 and all(len(line.split()[2]) == 32 for line in lines)
    assert "durable" not in ledger and b"durable".hex() not in ledger
