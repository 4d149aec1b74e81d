"""The load side of the benchmarks: the Echo floor RPC over a real server, and a smoke
run of the open-loop load test (benches/loadtest.py) with the Go generator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pytest
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from hdrh.histogram import HdrHistogram

ROOT = Path(__file__).resolve().parent.parent

#: The Echo tests run against both transports (conftest.TRANSPORTS); the load-test
#: smoke starts a server on each transport itself, so it is not parametrised.
both_transports = pytest.mark.usefixtures("transport")


@both_transports
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


@both_transports
def test_echo_ignores_the_request_bytes(channel: grpc.Channel) -> None:
    echo = channel.unary_unary("/chatads.v1.Diagnostics/Echo")
    assert pb.ScoreResponse.FromString(echo(b"\xff\xff not protobuf", timeout=5)).ads


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path.home() / ".cache/chatads/bin" / name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{name} is not installed: run `make tools`")
    return path


@pytest.mark.slow
def _smoke(module: str, out: Path) -> dict[str, Any]:
    """Runs a benchmark module with `--smoke`; its results.json."""
    proc = subprocess.run(
        [sys.executable, "-m", module, "--smoke", f"--out={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results: dict[str, Any] = json.loads((out / "results.json").read_text())
    return results


def test_load_test_smoke(tmp_path: Path) -> None:
    """The whole load test at a low rate on tiny sizes: the servers (chatads on both
    transports, the baseline, the minimal echo server) start, the Go generator and ghz
    run every phase, and the results, report and plots are written. No timing is
    asserted: only that the pieces work and nothing failed at a rate any server holds."""
    _tool("chatads-loadgen")
    _tool("ghz")
    out = tmp_path / "load"
    results = _smoke("benches.loadtest", out)
    assert {
        "meta",
        "compare",
        "many_sessions",
        "ghz",
        "sweep",
        "engine_in_process",
        "python_client",
        "summary",
    } <= results.keys()
    summary = results["summary"]
    assert {
        "ratios",
        "score_cpu_us",
        "score_p99_us_at_5000",
        "max_rate_p99_under_1ms",
        "max_rate_native_over_grpcio",
        "max_rate_p99_under_10ms",
        "many_sessions",
        "python_client_score_over_echo",
        "generator_limited_points",
        "targets",
    } <= summary.keys()
    assert set(summary["targets"]) == {
        "score_cpu_within_echo_plus_1.3x_engine",
        "score_p99_under_1ms_at_5000rps",
        "max_rate_native_at_least_4x_grpcio",
        "chat_10000_streams_p99_under_2ms",
        "rss_per_open_stream_at_most_8kib",
        "python_client_score_within_1.1x_echo",
    }
    # The smoke's rates and sizes are below those the targets name: not judged.
    assert summary["targets"]["score_p99_under_1ms_at_5000rps"] is None
    assert summary["targets"]["chat_10000_streams_p99_under_2ms"] is None
    ratios = summary["ratios"]["50"]
    assert ratios["score_p50_native_over_grpcio"] and ratios["score_cpu_native_over_grpcio"]

    runs = {r["series"]: r for r in results["compare"] + results["many_sessions"]}
    series = ["echo", "score", "chat", "echo-grpcio", "score-grpcio", "chat-grpcio"]
    series += ["chat-many", "chat-many-grpcio"]
    assert set(series) <= runs.keys()
    assert {runs[s]["server"] for s in series} == {"chatads", "grpcio"}
    if results["meta"]["baseline"]:
        assert {"baseline", "baseline-chat"} <= runs.keys() and "baseline" in results["sweep"]
    for name in series:
        run = runs[name]
        assert run["errors"] == 0, (name, run["by_code"])
        assert run["by_code"].get("OK", 0) == run["planned"] > 0
        assert {"p50", "p99", "p999", "max"} <= run["latency_us"].keys()
        assert run["achieved_rps"] > 0
        assert run["client_cpu_cores"] >= 0 and isinstance(run["generator_limited"], bool)
    assert runs["chat"]["sessions_opened"] > 0
    # Every stream of the many-sessions points was opened, and the server's RSS sampled.
    for name, sessions in (("chat-many", 200), ("chat-many-grpcio", 16)):
        many = runs[name]
        assert many["sessions_open_at_once"] == sessions
        assert many["sessions_opened"] >= sessions
        rss = many["rss_kib"]
        assert rss["samples"] > 0 and 0 < rss["before"] <= rss["peak"]
        assert rss["after"] <= rss["peak"]
        assert many["rss_freed_per_stream_kib"] >= 0
        assert many["rss_growth_per_session_kib"] >= 0
    assert summary["many_sessions"]["sessions"] == 200
    assert summary["many_sessions"]["rss_per_open_stream_kib"] >= 0
    assert results["engine_in_process"]["session_context_kib"] >= 0

    assert [r["series"] for r in results["ghz"]] == ["ghz-echo", "ghz-score"]
    for run in results["ghz"]:
        assert run["server"] == "chatads"
        assert run["errors"] == 0, (run["series"], run["by_code"])
        assert run["latency_us"]["count"] == run["planned"] > 0
    assert {"score", "score-grpcio", "echo", "echo-grpcio"} <= results["sweep"].keys()

    engine = results["engine_in_process"]
    assert engine["calls"] == 100 and engine["cpu_us_per_call"] > 0 and engine["wall_us_p50"] > 0
    client = results["python_client"]
    assert client["calls"] == 100 and client["score_p50_us"] > 0 and client["echo_p50_us"] > 0
    assert client["score_p50_over_echo_p50"] == summary["python_client_score_over_echo"]
    # The minimal echo server answers with a reply the size of native Echo's (~1.1 KB).
    assert 800 <= client["reply_bytes"]["echo"] <= 2000

    # The merged histogram in the results decodes and holds every OK call.
    merged = HdrHistogram.decode(runs["score"]["histogram"])
    assert merged.get_total_count() == runs["score"]["by_code"]["OK"]
    for png in ("latency_cdf.png", "latency_vs_load.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.md").read_text()
    assert "## Targets (issue 9)" in report and "latency_cdf.png" in report
    assert "## Many live Chat sessions" in report and "generator CPU (cores)" in report


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="run `make test-system-deps`")
def test_store_bench_smoke(tmp_path: Path) -> None:
    """`benches.store` at a low rate: embedded and Redis servers start, the generator
    drives both, the round trips per Score are counted from the server's metrics (one
    read per Score, a write at most), Redis's memory per user is measured, and the
    report and plot are written. No timing is asserted."""
    _tool("chatads-loadgen")
    out = tmp_path / "store"
    results = _smoke("benches.store", out)
    by = {r["backend"]: r for r in results["runs"]}
    assert set(by) == {"embedded", "redis", "redis-everysec"}
    assert all(r["errors"] == 0 for r in by.values()), by
    for name in ("redis", "redis-everysec"):
        trips = by[name]["round_trips_per_score"]
        assert trips["turns"] > 0 and trips["reads"] == 1.0 and 0 < trips["writes"] <= 1.0
    assert by["embedded"]["round_trips_per_score"]["reads"] is None
    assert results["sizing"]["users"] > 0 and results["sizing"]["bytes_per_user"] > 0
    assert (out / "store.png").stat().st_size > 0 and "bytes per user" in (
        out / "report.md"
    ).read_text()
