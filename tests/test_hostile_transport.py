"""Hostile input at the transport: malformed HTTP/2 and gRPC framing, oversized
messages, a length prefix that lies, streams reset mid-message, thousands of idle
connections and open streams, a client that stops reading. Each gets a well-formed
error or a closed connection; the server keeps serving, and nothing stored is lost.

Every test runs against both transports; the raw HTTP/2 client is tests/h2client.py.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from chatads import Engine
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from .conftest import make_settings, rss_mib, serve_process
from .h2client import H2Client, grpc_frame

pytestmark = [pytest.mark.usefixtures("transport"), pytest.mark.timeout(300)]

SCORE = "/chatads.v1.AdScoring/Score"
CHAT = "/chatads.v1.AdScoring/Chat"
REQUEST = pb.ScoreRequest(
    user_id="u-hostile", session_id="s1", message="cheap flights to Lisbon", max_ads=3
)
TURN = pb.ChatTurn(request=REQUEST).SerializeToString()


@pytest.fixture(scope="module", autouse=True)
def _enough_file_descriptors() -> None:
    """Thousands of connections need thousands of descriptors (client and server)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65_536) if hard != resource.RLIM_INFINITY else 65_536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _still_serves(address: str) -> None:
    request = pb.ScoreRequest()
    request.CopyFrom(REQUEST)
    request.user_id = f"u-check-{uuid.uuid4()}"  # a fresh user: no frequency cap yet
    with grpc.insecure_channel(address) as ch:
        reply = chatads_pb2_grpc.AdScoringStub(ch).Score(request, timeout=10)
        assert reply.ads, "the server answers a normal Score with ads"


def _wait_idle(server: ChatadsServer, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while server.rules.busy and time.monotonic() < end:
        time.sleep(0.05)
    assert server.rules.busy == 0, f"{server.rules.busy} calls still counted as in flight"


def test_garbage_instead_of_http2_closes_the_connection(server: ChatadsServer) -> None:
    host, port = server.address.rsplit(":", 1)
    # Not HTTP/2 at all: the server closes the connection. A preface cut short may
    # instead be waited for; either way other callers are served.
    for junk, must_close in (
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
        (os.urandom(4096), True),
        (b"PRI * HTTP/2.0\r\n", False),
    ):
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(junk)
            s.settimeout(5)
            got, closed = b"", False
            try:
                while chunk := s.recv(65536):
                    got += chunk
                closed = True  # recv returned b"": the server closed it
            except ConnectionResetError:
                closed = True
            except TimeoutError:
                pass
            assert closed or not must_close, (junk[:16], got[:64])
            assert len(got) < 65536
            _still_serves(server.address)


def test_a_length_prefix_that_lies_is_an_error(server: ChatadsServer) -> None:
    client = H2Client(server.address)
    try:
        body = REQUEST.SerializeToString()
        cases = {
            "longer than sent": grpc_frame(body, claimed_length=len(body) + 1000),
            "shorter than sent": grpc_frame(body, claimed_length=3) + body[3:],
            "not protobuf": grpc_frame(os.urandom(64)),
            "truncated prefix": b"\x00\x00",
        }
        for name, data in cases.items():
            sid = client.open(SCORE)
            client.send(sid, data, end=True)
            client.flush()
            st = client.wait(sid)
            assert st.ended, name
            assert st.grpc_status not in (None, 0) or st.reset, (name, st)
    finally:
        client.close()
    _still_serves(server.address)
    _wait_idle(server)


def test_streams_reset_mid_message(server: ChatadsServer) -> None:
    """Calls reset halfway through their message. Many resets in a row are also the
    HTTP/2 "rapid reset" attack: the server may answer it by closing the connection
    (tonic's h2 does, past a budget of pending resets); then the client reconnects."""
    half = grpc_frame(REQUEST.SerializeToString())[:20]
    client, closed_by_server = H2Client(server.address), 0
    try:
        for i in range(200):
            if client.closed:
                closed_by_server += 1
                client.close()
                client = H2Client(server.address)
            sid = client.open(SCORE if i % 2 else CHAT)
            client.send(sid, half)
            client.reset(sid)
            if i % 50 == 49:  # in bursts, as an attacker would send them
                client.flush()
                client.pump(0.05)
        client.pump(0.5)
    finally:
        client.close()
    print(f"\n200 resets mid-message: the server closed {closed_by_server} connection(s)")
    _still_serves(server.address)
    _wait_idle(server)


def test_oversized_messages_are_refused_and_nothing_is_lost(
    demo_engine: Engine, transport: str
) -> None:
    settings = make_settings(max_receive_message_bytes=64 * 1024)
    srv = ChatadsServer(settings, demo_engine).start()
    try:
        with grpc.insecure_channel(srv.address) as ch:
            catalog = chatads_pb2_grpc.CatalogStub(ch)
            ad = pb.Ad(
                ad_id="keep-me", advertiser="keep.example", title="Kept", text="hiking boots"
            )
            ad.categories.append("IAB1")
            ad.bid_cpm = 2.0
            catalog.UpsertAds(pb.UpsertAdsRequest(ads=[ad]), timeout=10)
            big = pb.ScoreRequest(user_id="u", session_id="s", message="x" * (100 * 1024))
            with pytest.raises(grpc.RpcError) as info:
                chatads_pb2_grpc.AdScoringStub(ch).Score(big, timeout=10)
            # grpcio says RESOURCE_EXHAUSTED; tonic says OUT_OF_RANGE (its choice).
            assert info.value.code() in (
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                grpc.StatusCode.OUT_OF_RANGE,
            ), info.value
            assert catalog.GetAd(pb.GetAdRequest(ad_id="keep-me"), timeout=10).title == "Kept"
        _still_serves(srv.address)
    finally:
        srv.stop(grace=None)


def test_thousands_of_idle_connections(server: ChatadsServer) -> None:
    host, port = server.address.rsplit(":", 1)
    idle: list[socket.socket] = []
    h2s: list[H2Client] = []
    try:
        for i in range(2000):
            if i % 4 == 0:  # some speak HTTP/2 and then say nothing
                h2s.append(H2Client(server.address))
            else:  # most never send a byte
                idle.append(socket.create_connection((host, int(port)), timeout=10))
        started = time.perf_counter()
        _still_serves(server.address)
        assert time.perf_counter() - started < 5.0
    finally:
        for s in idle:
            s.close()
        for c in h2s:
            c.close()
    _still_serves(server.address)


def test_ten_thousand_open_chat_streams(server: ChatadsServer, transport: str) -> None:
    """Native: 10,000 open Chat streams are held at once (each a future, not a thread)
    and answered. grpcio: a thread per stream, so streams beyond max_concurrent_rpcs are
    refused at once with RESOURCE_EXHAUSTED; either way the server keeps serving."""
    n, per_conn = 10_000, 2_500
    clients = [H2Client(server.address) for _ in range(n // per_conn)]
    try:
        opened: list[tuple[H2Client, int]] = []
        for c in clients:
            for _ in range(per_conn):
                opened.append((c, c.open(CHAT)))
            c.flush()
        for c in clients:
            c.pump(0.5)
        if transport == "native":
            end = time.monotonic() + 30
            while server.rules.busy < n and time.monotonic() < end:
                time.sleep(0.1)
            assert server.rules.busy == n, server.rules.busy
            # A turn on every 50th stream is answered while all are open.
            asked = opened[::50]
            for i, (c, sid) in enumerate(asked):
                req = pb.ScoreRequest(request_id=f"r{i}", user_id=f"u-open-{i}", session_id="s")
                req.MergeFrom(pb.ScoreRequest(message=REQUEST.message, max_ads=3))
                c.send(sid, grpc_frame(pb.ChatTurn(request=req).SerializeToString()))
            for c in clients:
                c.flush()
            for i, (c, sid) in enumerate(asked):
                end = time.monotonic() + 30
                while not c.streams[sid].messages() and time.monotonic() < end:
                    c.pump(0.1)
                reply = pb.ScoreResponse.FromString(c.streams[sid].messages()[0])
                assert reply.request_id == f"r{i}" and reply.ads
        else:
            exhausted = grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
            end = time.monotonic() + 10
            while time.monotonic() < end:
                for c in clients:
                    c.pump(0.1)
                # Never more streams held than its limit (each holds a worker thread).
                assert server.rules.busy <= server.settings.max_concurrent_rpcs
            refused = sum(c.streams[sid].grpc_status == exhausted for c, sid in opened)
            assert refused > 0, "streams beyond max_concurrent_rpcs are refused"
        for c, sid in opened:
            if not c.streams[sid].ended:
                c.end(sid)
        for c in clients:
            c.flush()
            c.pump(1.0)
    finally:
        for c in clients:
            c.close()
    _wait_idle(server, 30)
    _still_serves(server.address)


@pytest.fixture()
def server_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    with serve_process(tmp_path / "data") as served:
        yield served


def test_a_client_that_stops_reading_cannot_grow_server_memory(
    server_process: tuple[subprocess.Popen[str], str],
) -> None:
    proc, address = server_process
    _still_serves(address)
    rss_before = rss_mib(proc.pid)
    client = H2Client(address, read_replies=False)
    sent = 0
    try:
        streams = [client.open(CHAT) for _ in range(4)]
        client.flush()
        turns = grpc_frame(TURN) * (16_000 // len(grpc_frame(TURN)))  # many turns a frame
        stalled_since: float | None = None
        give_up = time.monotonic() + 30
        # Send turns on every stream as long as flow control lets us; replies are never
        # read, so the server must stop reading turns and the window must close. Or the
        # server drops the connection (tonic's h2 sends GOAWAY ENHANCE_YOUR_CALM once too
        # many DATA frames sit unread): both bound what it holds.
        while not client.closed and time.monotonic() < give_up:
            progressed = False
            for sid in streams:
                if client.send_window(sid) >= len(turns):
                    client.send(sid, turns)
                    sent += len(turns)
                    progressed = True
            client.flush()
            client.pump(0.01)
            if progressed:
                stalled_since = None
            elif stalled_since is None:
                stalled_since = time.monotonic()
            elif time.monotonic() - stalled_since > 2.0:
                break
        rss_held = rss_mib(proc.pid)
        how = f"connection closed ({client.terminated})" if client.closed else "window closed"
        print(
            f"\nstopped reading: {sent / 2**20:.2f} MiB of turns sent, then {how}; "
            f"server RSS {rss_before:.0f} -> {rss_held:.0f} MiB"
        )
        assert sent < 64 << 20, "the server kept reading turns it could not answer"
        assert rss_held - rss_before < 64, (rss_before, rss_held)
        # Meanwhile, other callers are served normally.
        _still_serves(address)
    finally:
        client.close()
    _still_serves(address)
