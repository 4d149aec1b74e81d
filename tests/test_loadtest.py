"""The load side of the benchmarks: the Echo floor RPC over a real server, and a smoke
run of the open-loop load test (benches/loadtest.py) with the Go generator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from hdrh.histogram import HdrHistogram

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

ROOT = Path(__file__).resolve().parent.parent


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


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path.home() / ".cache/chatads/bin" / name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{name} is not installed: run `make tools`")
    return path


@pytest.mark.slow
def test_load_test_smoke(tmp_path: Path) -> None:
    """The whole load test at a low rate on tiny sizes: servers start, the Go generator
    and ghz run every phase, and the results, report and plots are written. No timing is
    asserted: only that the pieces work and nothing failed at a rate any server holds."""
    _tool("chatads-loadgen")
    _tool("ghz")
    out = tmp_path / "load"
    proc = subprocess.run(
        [sys.executable, "-m", "benches.loadtest", "--smoke", f"--out={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert {"meta", "compare", "ghz", "sweep", "summary"} <= results.keys()
    assert {"p50_ratios", "score_p99_us_at_1000", "max_rate_p99_under_2ms", "targets"} <= (
        results["summary"].keys()
    )
    runs = {r["series"]: r for r in results["compare"]}
    assert {"echo", "score", "chat"} <= runs.keys()
    if results["meta"]["baseline"]:
        assert "baseline" in runs and "baseline" in results["sweep"]
    for series in ("echo", "score", "chat"):
        run = runs[series]
        assert run["errors"] == 0, (series, run["by_code"])
        assert run["by_code"].get("OK", 0) == run["planned"] > 0
        assert {"p50", "p99", "p999", "max"} <= run["latency_us"].keys()
        assert run["achieved_rps"] > 0
    assert runs["chat"]["sessions_opened"] > 0
    assert [r["series"] for r in results["ghz"]] == ["ghz-echo", "ghz-score"]
    assert all(r["errors"] == 0 and r["latency_us"]["count"] > 0 for r in results["ghz"])
    assert {"score", "echo"} <= results["sweep"].keys()
    # The merged histogram in the results decodes and holds every OK call.
    merged = HdrHistogram.decode(runs["score"]["histogram"])
    assert merged.get_total_count() == runs["score"]["by_code"]["OK"]
    for png in ("latency_cdf.png", "latency_vs_load.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.md").read_text()
    assert "## Targets (issue 4)" in report and "latency_cdf.png" in report
