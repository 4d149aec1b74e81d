"""The load side of the benchmarks: the Echo floor RPC over a real server, and a smoke
run of the open-loop load test (benches/loadtest.py) with the Go generator."""

from __future__ import annotations

import grpc
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc


def test_echo_returns_a_score_sized_reply(server: ChatadsServer, channel: grpc.Channel) -> None:
    stub = chatads_pb2_grpc.DiagnosticsStub(channel)
    request = pb.ScoreRequest(user_id="u1", session_id="s1", message="cheap flights", max_ads=3)
    reply, call = stub.Echo.with_call(request, timeout=5)
    assert call.code() == grpc.StatusCode.OK
    assert len(reply.ads) == 3 and all(ad.explanation for ad in reply.ads)
    # About the size of a real Score reply with 3 ads (~1.1 KB), so it costs the same to send.
    assert 800 <= reply.ByteSize() <= 2000
    # Echo does no scoring: nothing about this user was learned.
    assert not server.engine.profile("u1")


def test_echo_ignores_the_request_bytes(channel: grpc.Channel) -> None:
    echo = channel.unary_unary("/chatads.v1.Diagnostics/Echo")
    assert pb.ScoreResponse.FromString(echo(b"\xff\xff not protobuf", timeout=5)).ads
