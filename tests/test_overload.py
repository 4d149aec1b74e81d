"""Overload, deadlines, tmax and engine faults over real gRPC.

- A call whose deadline or tmax_ms cannot be met is answered at once
  (DEADLINE_EXCEEDED, or a no-bid with reason `tmax_exceeded`), never late.
- Beyond `max_concurrent_rpcs`, calls fail fast with RESOURCE_EXHAUSTED; under a
  sustained overload the server's memory stays bounded and it serves normally
  once the load drops (a real `chatads serve` process, a few seconds).
- A Rust panic inside a call becomes INTERNAL for that call only.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from chatads import Engine
from chatads.server import TMAX_EXCEEDED, ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from .conftest import make_settings, rss_mib, serve_process


def _request(request_id: str = "r1", **fields: Any) -> pb.ScoreRequest:
    base: dict[str, Any] = {
        "user_id": "u-overload",
        "session_id": "s1",
        "message": "cheap flights and a hotel in Lisbon",
        "max_ads": 3,
    }
    return pb.ScoreRequest(request_id=request_id, **{**base, **fields})


#: With fault_injection on, a Score with this request id takes 200 ms longer.
SLOW = "chatads-fault-injection:sleep-ms=200"

pytestmark = pytest.mark.usefixtures("transport")


class SlowServer:
    """A real server with one engine worker; Scores marked SLOW take 200 ms."""

    def __init__(self, **settings: Any) -> None:
        conf = make_settings(workers=1, fault_injection=True, demo_catalog_size=300, **settings)
        self.engine = Engine(conf)
        self.engine.load_demo_catalog()
        self.server = ChatadsServer(conf, self.engine).start()

    @property
    def scored(self) -> int:
        """Turns that reached the engine's scoring."""
        return int(self.engine.stats()["turns_scored"])


@pytest.fixture()
def slow_server() -> Iterator[SlowServer]:
    slow = SlowServer()
    yield slow
    slow.server.stop(grace=None)


def test_tmax_that_cannot_be_met_is_a_prompt_no_bid(slow_server: SlowServer) -> None:
    with grpc.insecure_channel(slow_server.server.address) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        # Within tmax: a normal answer.
        reply = scoring.Score(_request(SLOW, tmax_ms=5000), timeout=10)
        assert reply.ads and TMAX_EXCEEDED not in reply.reasons
        # Scoring takes 200 ms, tmax is 50 ms: the late ads are not sent.
        reply = scoring.Score(_request(SLOW, tmax_ms=50), timeout=10)
        assert reply.request_id == SLOW
        assert not reply.ads
        assert reply.personalization == pb.NONE
        assert list(reply.reasons) == [TMAX_EXCEEDED]
        # Queued behind a slow call (one worker), a 50 ms tmax is spent before a worker
        # picks the call up: it is answered at once, without scoring.
        first = scoring.Score.future(_request(SLOW), timeout=10)
        time.sleep(0.02)
        scored = slow_server.scored
        started = time.perf_counter()
        reply = scoring.Score(_request("queued", tmax_ms=50), timeout=10)
        waited = time.perf_counter() - started
        assert list(reply.reasons) == [TMAX_EXCEEDED] and not reply.ads
        assert slow_server.scored == scored + 1, "the queued call was not scored"
        assert waited < 0.2 + 0.15, waited  # the rest of the slow call, not another 200 ms
        first.result()


def test_deadline_spent_in_the_queue_is_not_scored(slow_server: SlowServer) -> None:
    with grpc.insecure_channel(slow_server.server.address) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        first = scoring.Score.future(_request(SLOW), timeout=10)
        time.sleep(0.02)
        scored = slow_server.scored
        started = time.perf_counter()
        with pytest.raises(grpc.RpcError) as info:
            scoring.Score(_request("queued"), timeout=0.1)
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert time.perf_counter() - started < 0.15
        first.result()
        time.sleep(0.05)
        # Only the slow call itself was scored.
        assert slow_server.scored == scored + 1, "a call past its deadline reached the engine"
    # The server decides by itself when too little is left (min_budget_ms).
    tight = ChatadsServer(make_settings(min_budget_ms=500.0), slow_server.engine).start()
    try:
        with grpc.insecure_channel(tight.address) as ch:
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            with pytest.raises(grpc.RpcError) as info:
                scoring.Score(_request("tight"), timeout=0.3)
            assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            assert "too little to score" in (info.value.details() or "")
            reply = scoring.Score(_request("tight-tmax", tmax_ms=100), timeout=5)
            assert list(reply.reasons) == [TMAX_EXCEEDED]
            assert scoring.Score(_request("roomy"), timeout=5).request_id == "roomy"
    finally:
        tight.stop(grace=None)


def test_chat_turns_have_their_own_tmax(slow_server: SlowServer) -> None:
    with grpc.insecure_channel(slow_server.server.address) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        times = [(0, "t0"), (1, "t1"), (50, SLOW)]
        turns = [pb.ChatTurn(request=_request(rid, tmax_ms=t)) for t, rid in times]
        replies = list(scoring.Chat(iter(turns), timeout=10))
        # A 1 ms tmax is below min_budget_ms; the slow turn overruns its 50 ms.
        assert [r.request_id for r in replies] == ["t0", "t1", SLOW]
        assert TMAX_EXCEEDED not in replies[0].reasons
        assert list(replies[1].reasons) == [TMAX_EXCEEDED]
        assert list(replies[2].reasons) == [TMAX_EXCEEDED] and not replies[2].ads


def test_rust_panic_is_internal_for_that_call_only() -> None:
    settings = make_settings(fault_injection=True, demo_catalog_size=300)
    engine = Engine(settings)
    engine.load_demo_catalog()
    server = ChatadsServer(settings, engine).start()
    try:
        with grpc.insecure_channel(server.address) as ch:
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            assert scoring.Score(_request("before"), timeout=10).request_id == "before"
            for _ in range(3):
                with pytest.raises(grpc.RpcError) as info:
                    scoring.Score(_request("chatads-fault-injection:panic"), timeout=10)
                assert info.value.code() == grpc.StatusCode.INTERNAL
                assert info.value.details() == "internal error in Score"
                # The next calls work, on the same channel and in a stream.
                assert scoring.Score(_request("after"), timeout=10).request_id == "after"
            turns = [pb.ChatTurn(request=_request("chat-after"))]
            assert [r.request_id for r in scoring.Chat(iter(turns), timeout=10)] == ["chat-after"]
            # In a stream: the turns before are answered, the stream ends with INTERNAL.
            turns = [
                pb.ChatTurn(request=_request("chat-1")),
                pb.ChatTurn(request=_request("chatads-fault-injection:panic")),
                pb.ChatTurn(request=_request("chat-3")),
            ]
            answered = []
            with pytest.raises(grpc.RpcError) as info:
                for reply in scoring.Chat(iter(turns), timeout=10):
                    answered.append(reply.request_id)
            assert info.value.code() == grpc.StatusCode.INTERNAL
            assert answered == ["chat-1"]
            assert scoring.Score(_request("last"), timeout=10).request_id == "last"
    finally:
        server.stop(grace=None)


# ---- sustained overload against a real server process ------------------------------


@pytest.mark.slow
def test_sustained_overload_fails_fast_stays_bounded_and_recovers(tmp_path: Path) -> None:
    args = ("--workers", "2", "--max-concurrent-rpcs", "16")
    with serve_process(tmp_path / "data", *args, CHATADS_DEMO_CATALOG_SIZE="2000") as (
        proc,
        address,
    ):
        with grpc.insecure_channel(address) as ch:
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            for i in range(50):  # warm up
                scoring.Score(_request(f"w{i}"), timeout=10)
        rss_before = rss_mib(proc.pid)

        codes: Counter[str] = Counter()
        waits: dict[str, list[float]] = {}
        lock = threading.Lock()
        stop = threading.Event()
        rss_peak = rss_before

        def client(n: int) -> None:
            # Each client keeps a window of calls open on its own channel.
            window = threading.Semaphore(48)
            with grpc.insecure_channel(address) as ch:
                stub = chatads_pb2_grpc.AdScoringStub(ch)
                i = 0
                while not stop.is_set():
                    window.acquire()
                    user = f"load-{n}-{i % 500}"
                    req = _request(f"{n}-{i}", user_id=user)
                    sent = time.perf_counter()
                    fut = stub.Score.future(req, timeout=2.0)

                    def done(f: grpc.Future, sent: float = sent) -> None:
                        code = f.code().name  # type: ignore[attr-defined]
                        with lock:
                            codes[code] += 1
                            waits.setdefault(code, []).append(time.perf_counter() - sent)
                        window.release()

                    fut.add_done_callback(done)
                    i += 1
                time.sleep(2.5)  # let the open calls finish

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        load_started = time.perf_counter()
        for t in threads:
            t.start()
        while time.perf_counter() - load_started < 5.0:
            time.sleep(0.25)
            rss_peak = max(rss_peak, rss_mib(proc.pid))
        stop.set()
        for t in threads:
            t.join(timeout=15)
        rss_after = rss_mib(proc.pid)

        # Load is gone: calls are served normally again.
        latencies = []
        with grpc.insecure_channel(address) as ch:
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            for i in range(50):
                started = time.perf_counter()
                assert scoring.Score(_request(f"after-{i}"), timeout=5).request_id == f"after-{i}"
                latencies.append(time.perf_counter() - started)
        latencies.sort()
        total = sum(codes.values())
        medians = {c: sorted(w)[len(w) // 2] * 1e3 for c, w in waits.items()}
        print(
            f"\noverload: {total} calls in 5 s: {dict(codes)}; client-side median ms by code "
            f"{ {c: round(m, 1) for c, m in medians.items()} }; server RSS {rss_before:.0f} MiB "
            f"before, {rss_peak:.0f} MiB peak, {rss_after:.0f} MiB after; median latency "
            f"after {latencies[25] * 1e3:.2f} ms"
        )
        assert codes["RESOURCE_EXHAUSTED"] > 0, codes
        assert codes["OK"] > 0, codes
        assert set(codes) <= {"OK", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"}, codes
        assert rss_peak - rss_before < 150, (rss_before, rss_peak)
        assert latencies[25] < 0.05
        # Refusals are fast: no waiting for a worker (the 2 s timeout is never reached).
        assert medians["RESOURCE_EXHAUSTED"] < 500, medians
