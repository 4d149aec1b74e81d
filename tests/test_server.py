"""The gRPC server over a real loopback port: scoring, streams, catalog, errors, health."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import grpc
import pytest
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

TRAVEL = "/Travel & Transportation"


def req(message: str, user: str = "u1", session: str = "s1", **kw: object) -> pb.ScoreRequest:
    fields: dict[str, object] = {
        "request_id": "r1",
        "user_id": user,
        "session_id": session,
        "message": message,
        "max_ads": 5,
    }
    fields.update(kw)
    return pb.ScoreRequest(**fields)  # type: ignore[arg-type]


def topic_tops(
    catalog: chatads_pb2_grpc.CatalogStub, server: ChatadsServer, ad_id: str
) -> set[str]:
    paths = dict(server.engine.topics())
    ad = catalog.GetAd(pb.GetAdRequest(ad_id=ad_id))
    return {"/" + paths[t].split("/")[1] for t in ad.topics}


def test_score_travel(
    scoring: chatads_pb2_grpc.AdScoringStub,
    catalog: chatads_pb2_grpc.CatalogStub,
    server: ChatadsServer,
) -> None:
    resp = scoring.Score(
        req("Any tips for cheap flights and a hotel in Rome?", request_id="abc"), timeout=5
    )
    assert resp.request_id == "abc"
    assert len(resp.ads) == 5
    travel = sum(TRAVEL in topic_tops(catalog, server, a.ad_id) for a in resp.ads)
    assert travel >= 4
    for ad in resp.ads:
        assert ad.explanation and ad.advertiser and 0 < ad.pctr < 1
    assert resp.personalization in (pb.PERSONALIZED, pb.CONTEXTUAL)


def test_chat_stream_keeps_order(scoring: chatads_pb2_grpc.AdScoringStub) -> None:
    messages = [
        "I love cooking italian food",
        "what pasta recipe should I try",
        "",
        "also need a new frying pan",
        "and some kitchen knives",
    ] * 4

    def turns() -> Iterator[pb.ChatTurn]:
        for i, m in enumerate(messages):
            yield pb.ChatTurn(request=req(m, user="chef", session="c1", request_id=f"turn-{i}"))

    responses = list(scoring.Chat(turns(), timeout=20))
    assert [r.request_id for r in responses] == [f"turn-{i}" for i in range(len(messages))]
    assert responses[1].personalization == pb.PERSONALIZED
    assert not responses[2].profile_updated and responses[0].profile_updated


def test_many_concurrent_streams_keep_their_order(channel: grpc.Channel) -> None:
    stub = chatads_pb2_grpc.AdScoringStub(channel)
    failures: list[str] = []

    def one(k: int) -> None:
        ids = [f"{k}-{i}" for i in range(30)]
        turns = (
            pb.ChatTurn(
                request=req("tennis rackets and balls", user=f"p{k}", session="x", request_id=i)
            )
            for i in ids
        )
        got = [r.request_id for r in stub.Chat(turns, timeout=30)]
        if got != ids:
            failures.append(f"stream {k}: {got[:5]}")

    threads = [threading.Thread(target=one, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_catalog_roundtrip_and_deleted_ads_never_return(
    scoring: chatads_pb2_grpc.AdScoringStub, catalog: chatads_pb2_grpc.CatalogStub
) -> None:
    ads = [
        pb.Ad(
            ad_id=f"kayak-{i}",
            advertiser=f"paddle{i}.example",
            title="Sea kayak rental",
            text="kayak paddle canoe rental by the sea",
            categories=["IAB17"],
            bid_cpm=20.0,
        )
        for i in range(4)
    ]
    up = catalog.UpsertAds(pb.UpsertAdsRequest(ads=ads))
    assert up.upserted == 4
    got = catalog.GetAd(pb.GetAdRequest(ad_id="kayak-2"))
    assert got.title == "Sea kayak rental" and len(got.embedding) == 64
    found = scoring.Score(req("kayak paddle canoe rental", user="kay")).ads
    assert {a.ad_id for a in found} & {f"kayak-{i}" for i in range(4)}
    d = catalog.DeleteAds(pb.DeleteAdsRequest(ad_ids=[f"kayak-{i}" for i in range(4)]))
    assert d.deleted == 4 and d.catalog_size == up.catalog_size - 4
    for i in range(5):
        again = scoring.Score(req("kayak paddle canoe rental", user=f"kay{i}")).ads
        assert not any(a.ad_id.startswith("kayak-") for a in again)
    with pytest.raises(grpc.RpcError) as info:
        catalog.GetAd(pb.GetAdRequest(ad_id="kayak-1"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_bcat_badv_over_grpc(
    scoring: chatads_pb2_grpc.AdScoringStub, catalog: chatads_pb2_grpc.CatalogStub
) -> None:
    base = scoring.Score(
        req("cheap flights, running shoes, a new laptop and a cookbook", user="b1", max_ads=10)
    ).ads
    adv = base[0].advertiser
    cat = catalog.GetAd(pb.GetAdRequest(ad_id=base[0].ad_id)).categories[0].split("-")[0]
    filtered = scoring.Score(
        req(
            "cheap flights, running shoes, a new laptop and a cookbook",
            user="b2",
            max_ads=10,
            bcat=[cat],
            badv=[adv],
        )
    ).ads
    assert filtered
    for a in filtered:
        assert a.advertiser != adv
        cats = catalog.GetAd(pb.GetAdRequest(ad_id=a.ad_id)).categories
        assert not any(c.split("-")[0] == cat for c in cats)


BAD_SCORES = [
    (req("hi", user=""), "user_id"),
    (req("hi", session=""), "session_id"),
    (req("hi", max_ads=0), "max_ads"),
    (req("hi", max_ads=100_000), "max_ads"),
    (req("x" * 10_000_000), "message"),
    (req("hi", regs=pb.Regs(coppa=7)), "regs.coppa"),
]


@pytest.mark.parametrize(("request_", "field"), BAD_SCORES)
def test_bad_score_requests_are_invalid_argument(
    scoring: chatads_pb2_grpc.AdScoringStub, request_: pb.ScoreRequest, field: str
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        scoring.Score(request_, timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (info.value.details() or "").startswith(field)
    # ... and the server keeps serving.
    assert scoring.Score(req("tennis lessons"), timeout=5).request_id == "r1"


def ad(**kw: object) -> pb.Ad:
    fields: dict[str, object] = {
        "ad_id": "ok-1",
        "advertiser": "ok.example",
        "title": "Tennis rackets",
        "bid_cpm": 1.0,
    }
    fields.update(kw)
    return pb.Ad(**fields)  # type: ignore[arg-type]


BAD_ADS = [
    (ad(ad_id=""), "ads[1].ad_id"),
    (ad(bid_cpm=float("nan")), "ads[1].bid_cpm"),
    (ad(bid_cpm=float("inf")), "ads[1].bid_cpm"),
    (ad(bid_cpm=-0.5), "ads[1].bid_cpm"),
    (ad(embedding=[0.1] * 63), "ads[1].embedding"),
    (ad(embedding=[0.0] * 64), "ads[1].embedding"),
    (ad(advertiser=""), "ads[1].advertiser"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_ADS)
def test_bad_upserts_store_nothing(
    catalog: chatads_pb2_grpc.CatalogStub, bad: pb.Ad, field: str
) -> None:
    before = catalog.UpsertAds(pb.UpsertAdsRequest()).catalog_size
    good = ad(ad_id="fine-1")
    with pytest.raises(grpc.RpcError) as info:
        catalog.UpsertAds(pb.UpsertAdsRequest(ads=[good, bad]))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (info.value.details() or "").startswith(field)
    assert catalog.UpsertAds(pb.UpsertAdsRequest()).catalog_size == before
    with pytest.raises(grpc.RpcError):
        catalog.GetAd(pb.GetAdRequest(ad_id="fine-1"))


def test_unknown_ids_are_not_found(catalog: chatads_pb2_grpc.CatalogStub) -> None:
    for call, request in [
        (catalog.GetAd, pb.GetAdRequest(ad_id="no-such-ad")),
        (catalog.DeleteAds, pb.DeleteAdsRequest(ad_ids=["no-such-ad"])),
    ]:
        with pytest.raises(grpc.RpcError) as info:
            call(request)
        assert info.value.code() == grpc.StatusCode.NOT_FOUND
        assert "no-such-ad" in (info.value.details() or "")


def test_garbage_bytes_are_invalid_argument(channel: grpc.Channel) -> None:
    raw = channel.unary_unary("/chatads.v1.AdScoring/Score")
    with pytest.raises(grpc.RpcError) as info:
        raw(b"\xff\xff\xff\xff garbage", timeout=5)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "ScoreRequest" in (info.value.details() or "")


def test_bad_turn_in_a_stream_names_the_field(scoring: chatads_pb2_grpc.AdScoringStub) -> None:
    turns = [pb.ChatTurn(request=req("golf clubs")), pb.ChatTurn(request=req("golf", max_ads=0))]
    responses = scoring.Chat(iter(turns), timeout=10)
    assert next(responses).request_id == "r1"
    with pytest.raises(grpc.RpcError) as info:
        next(responses)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (info.value.details() or "").startswith("max_ads")


def test_deadline_is_respected(scoring: chatads_pb2_grpc.AdScoringStub) -> None:
    def slow_turns() -> Iterator[pb.ChatTurn]:
        yield pb.ChatTurn(request=req("golf lessons", request_id="first"))
        time.sleep(1.0)
        yield pb.ChatTurn(request=req("golf clubs", request_id="late"))

    stream = scoring.Chat(slow_turns(), timeout=0.5)
    assert next(stream).request_id == "first"
    with pytest.raises(grpc.RpcError) as info:
        next(stream)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert scoring.Score(req("golf"), timeout=5).request_id == "r1"


def test_health_reports_serving(channel: grpc.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ("", "chatads.v1.AdScoring", "chatads.v1.Catalog"):
        resp = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert resp.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as info:
        stub.Check(health_pb2.HealthCheckRequest(service="nope"), timeout=5)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


def test_ads_per_call_is_a_wire_limit_not_an_engine_limit(
    catalog: chatads_pb2_grpc.CatalogStub, server: ChatadsServer
) -> None:
    """10,000 ads per UpsertAds call protects the wire; an in-process bulk load (the
    benchmarks', a Python caller's) is one call of any size."""
    from chatads import Engine
    from chatads.demo_catalog import generate_demo_ads

    from .conftest import make_settings

    engine = Engine(make_settings())
    assert engine.upsert_ads(generate_demo_ads(12_000)) == 12_000
    assert len(engine) == 12_000

    before = len(server.engine)
    ads = [
        pb.Ad(
            ad_id=f"bulk-{i}",
            advertiser="bulk.example",
            title="t",
            text="hiking boots",
            bid_cpm=1.0,
        )
        for i in range(10_001)
    ]
    with pytest.raises(grpc.RpcError) as info:
        catalog.UpsertAds(pb.UpsertAdsRequest(ads=ads), timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == "ads: has 10001 entries, the limit is 10000 per call"
    assert len(server.engine) == before, "nothing of a refused call is stored"
    ok = catalog.UpsertAds(pb.UpsertAdsRequest(ads=ads[:10_000]), timeout=60)
    assert ok.upserted == 10_000
    catalog.DeleteAds(pb.DeleteAdsRequest(ad_ids=[a.ad_id for a in ads[:10_000]]), timeout=60)
    assert len(server.engine) == before
