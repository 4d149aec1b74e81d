"""The native transport with `io_threads=0`: no I/O threads of its own, each worker
reads its connections and runs the engine inline (one runtime, no hand-off per call).

The same calls work as in the default two-runtime layout: Score, a Chat stream, a bulk
catalog write (on the blocking pool), panic isolation. (What the layout gives up, a
budget that counts time queued behind a slow call, is the default layout's, tested in
test_overload.py.)
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from chatads import Engine
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from .conftest import make_settings

PANIC = "chatads-fault-injection:panic"


def _request(request_id: str, user: str = "u-inline", **fields: object) -> pb.ScoreRequest:
    base: dict[str, object] = {
        "user_id": user,
        "session_id": "s1",
        "message": "cheap flights and a hotel in Lisbon",
        "max_ads": 3,
    }
    return pb.ScoreRequest(request_id=request_id, **{**base, **fields})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def inline() -> Iterator[ChatadsServer]:
    settings = make_settings(
        transport="native", io_threads=0, workers=2, fault_injection=True, demo_catalog_size=300
    )
    engine = Engine(settings)
    engine.load_demo_catalog()
    server = ChatadsServer(settings, engine).start()
    yield server
    server.stop(grace=None)


def test_settings_allow_no_io_threads() -> None:
    assert make_settings(io_threads=0).io_threads == 0
    with pytest.raises(ValueError, match="io_threads"):
        make_settings(io_threads=-1)


def test_unary_chat_and_bulk_calls(inline: ChatadsServer) -> None:
    with grpc.insecure_channel(inline.address) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        catalog = chatads_pb2_grpc.CatalogStub(ch)
        reply = scoring.Score(_request("one"), timeout=5)
        assert reply.request_id == "one" and len(reply.ads) == 3
        turns = [pb.ChatTurn(request=_request(f"t{i}")) for i in range(20)]
        replies = list(scoring.Chat(iter(turns), timeout=10))
        assert [r.request_id for r in replies] == [f"t{i}" for i in range(20)]
        ads = [
            pb.Ad(
                ad_id=f"inline-{i}",
                advertiser=f"inline{i}.example",
                title="Sea kayak rental",
                text="kayak paddle canoe rental by the sea",
                categories=["IAB17"],
                bid_cpm=20.0,
            )
            for i in range(500)
        ]
        up = catalog.UpsertAds(pb.UpsertAdsRequest(ads=ads), timeout=30)
        assert up.upserted == 500 and up.catalog_size == 800
        found = scoring.Score(
            _request("kayak", user="kay", message="kayak paddle canoe rental"), timeout=5
        )
        assert any(a.ad_id.startswith("inline-") for a in found.ads)


def test_panic_is_internal_for_that_call_only(inline: ChatadsServer) -> None:
    with grpc.insecure_channel(inline.address) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        with pytest.raises(grpc.RpcError) as info:
            scoring.Score(_request(PANIC), timeout=5)
        assert info.value.code() == grpc.StatusCode.INTERNAL
        assert scoring.Score(_request("after"), timeout=5).request_id == "after"
