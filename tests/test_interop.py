"""A generic gRPC client that knows nothing of the project (grpcurl, built with
`go install` by `make tools`) discovers the services through reflection and
calls Score with JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from chatads.server import ChatadsServer

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")


def grpcurl() -> str:
    path = shutil.which("grpcurl") or str(Path.home() / ".cache/chatads/bin/grpcurl")
    if not os.access(path, os.X_OK):
        pytest.fail("grpcurl is not installed: run `make tools` (go install from the module proxy)")
    return path


def run(*args: str, data: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [grpcurl(), "-plaintext", *args]
    if data is not None:
        cmd[2:2] = ["-d", data]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)


def test_reflection_lists_services(server: ChatadsServer) -> None:
    out = run(server.address, "list")
    assert out.returncode == 0, out.stderr
    services = set(out.stdout.split())
    assert {"chatads.v1.AdScoring", "chatads.v1.Catalog", "grpc.health.v1.Health"} <= services
    desc = run(server.address, "describe", "chatads.v1.ScoreRequest")
    assert desc.returncode == 0 and "max_ads" in desc.stdout


def test_score_with_json(server: ChatadsServer) -> None:
    body = json.dumps(
        {
            "requestId": "curl-1",
            "userId": "curl-user",
            "sessionId": "c",
            "message": "looking for a cheap flight and hotel in Barcelona",
            "maxAds": 3,
        }
    )
    out = run(server.address, "chatads.v1.AdScoring/Score", data=body)
    assert out.returncode == 0, out.stderr
    resp = json.loads(out.stdout)
    # grpcurl prints proto field names (request_id); older versions print JSON names.
    assert resp.get("request_id", resp.get("requestId")) == "curl-1"
    assert len(resp["ads"]) == 3
    assert all(ad["explanation"] for ad in resp["ads"])


def test_errors_reach_generic_clients(server: ChatadsServer) -> None:
    body = json.dumps({"userId": "u", "sessionId": "s", "message": "hi", "maxAds": 0})
    out = run(server.address, "chatads.v1.AdScoring/Score", data=body)
    assert out.returncode != 0
    assert "InvalidArgument" in out.stderr and "max_ads" in out.stderr


def test_health_check(server: ChatadsServer) -> None:
    out = run(server.address, "grpc.health.v1.Health/Check", data="{}")
    assert out.returncode == 0 and "SERVING" in out.stdout
