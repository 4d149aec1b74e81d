"""The `chatads` command: catalog loading with bad lines, the demo, and `serve` as a process."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from chatads.cli import app
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from typer.testing import CliRunner

from .conftest import TC_P1234

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

runner = CliRunner()


def test_catalog_load_jsonl_keeps_good_lines(server: ChatadsServer, tmp_path: Path) -> None:
    good = {
        "ad_id": "cli-1",
        "advertiser": "cli.example",
        "title": "Bike helmets",
        "text": "cycling helmets for road bikes",
        "categories": ["IAB17"],
        "bid_cpm": 2.5,
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "ad_id": "cli-2", "bid_cpm": -3}),
        json.dumps({**good, "ad_id": "cli-3", "embedding": [0.5, 0.5]}),
        "",
        json.dumps({**good, "ad_id": "cli-4", "colour": "blue"}),
        json.dumps({**good, "ad_id": "cli-5", "topics": [424242]}),
        json.dumps({**good, "ad_id": "cli-6"}),
    ]
    path = tmp_path / "ads.jsonl"
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        app, ["catalog", "load", str(path), "--target", server.address, "--batch", "3"]
    )
    assert result.exit_code == 1, result.output
    out = result.output
    assert "loaded 2 ads" in out and "5 bad line(s)" in out
    assert "ads.jsonl:2:" in out and "not valid JSON" in out
    assert "ads.jsonl:3:" in out and "bid_cpm" in out
    assert "ads.jsonl:4:" in out and "embedding" in out
    assert "ads.jsonl:6:" in out and "colour" in out
    assert "ads.jsonl:7:" in out and "topics" in out
    stub = chatads_pb2_grpc.CatalogStub(grpc.insecure_channel(server.address))
    assert stub.GetAd(pb.GetAdRequest(ad_id="cli-6")).title == "Bike helmets"


def test_catalog_load_csv(server: ChatadsServer, tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text(
        "ad_id,advertiser,title,text,categories,topics,bid_cpm\n"
        "csv-1,csv.example,Ski passes,ski resort lift passes,IAB20|IAB20-3,,4.0\n"
        "csv-2,csv.example,Snowboards,snowboard shop,IAB17,,abc\n"
    )
    result = runner.invoke(app, ["catalog", "load", str(path), "--target", server.address])
    assert "loaded 1 ads" in result.output and "ads.csv:3:" in result.output
    stub = chatads_pb2_grpc.CatalogStub(grpc.insecure_channel(server.address))
    assert list(stub.GetAd(pb.GetAdRequest(ad_id="csv-1")).categories) == ["IAB20", "IAB20-3"]


def test_demo_prints_ads_with_explanations(server: ChatadsServer) -> None:
    result = runner.invoke(app, ["demo", "--target", server.address])
    assert result.exit_code == 0, result.output
    assert "Lisbon" in result.output and "marathon" in result.output
    assert "Shown because" in result.output
    assert "PERSONALIZED" in result.output


def test_serve_runs_as_a_process_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CHATADS_DEMO_CATALOG_SIZE": "500",
        "CHATADS_PORT": "0",
        "CHATADS_DATA_DIR": str(tmp_path / "data"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatads.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.search(r"listening on (\S+)", line)
        assert m, line + (proc.stderr.read() if proc.stderr else "")
        stub = chatads_pb2_grpc.AdScoringStub(grpc.insecure_channel(m.group(1)))
        resp = stub.Score(
            pb.ScoreRequest(
                user_id="p",
                session_id="s",
                max_ads=2,
                message="flights and hotels",
                consent=TC_P1234,
            ),
            timeout=10,
        )
        assert resp.ads and resp.profile_updated
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
