"""Raw chat text and raw user ids never reach a log, a file or a snapshot.

Runs the real server as a process with a data directory and debug logging,
feeds it distinctive text and ids through every RPC (including failing ones),
stops it, then searches everything it wrote.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import grpc
import pytest
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from .conftest import TC_P1234

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

USER = "user-xylophone-4242"
SESSION = "session-quokka-9911"
SECRETS = [USER, SESSION, "zanzibarquokka", "marmelade-velociraptor", "Cheapflightstokyo77"]
MESSAGES = [
    "I want zanzibarquokka running shoes for my marathon",
    "Je cherche un vol marmelade-velociraptor pour Lisbonne",
    "Cheapflightstokyo77 and a hotel please",
    "I was diagnosed with diabetes zanzibarquokka",  # sensitive turn
]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_nothing_identifying_is_written(tmp_path: Path, log_format: str) -> None:
    data = tmp_path / "data"
    log = tmp_path / "server.log"
    scraped = tmp_path / "metrics.txt"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        metrics_port = s.getsockname()[1]
    env = {
        **os.environ,
        "CHATADS_PORT": "0",
        "CHATADS_DATA_DIR": str(data),
        "CHATADS_LOG_LEVEL": "DEBUG",
        "CHATADS_DEMO_CATALOG_SIZE": "400",
        "CHATADS_LOG_FORMAT": log_format,
        "CHATADS_METRICS_PORT": str(metrics_port),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "chatads.cli", "serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=out,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            m = re.search(r"listening on (\S+)", line)
            assert m, line
            with grpc.insecure_channel(m.group(1)) as ch:
                scoring = chatads_pb2_grpc.AdScoringStub(ch)
                privacy = chatads_pb2_grpc.PrivacyStub(ch)
                for i, text in enumerate(MESSAGES):
                    scoring.Score(
                        pb.ScoreRequest(
                            request_id=f"r{i}",
                            user_id=USER,
                            session_id=SESSION,
                            message=text,
                            max_ads=3,
                            consent=TC_P1234,
                            regs=pb.Regs(gdpr=1),
                        )
                    )
                turns = [
                    pb.ChatTurn(
                        request=pb.ScoreRequest(
                            user_id=USER, session_id=SESSION, message=t, max_ads=2, consent=TC_P1234
                        )
                    )
                    for t in MESSAGES
                ]
                assert len(list(scoring.Chat(iter(turns)))) == len(MESSAGES)
                # Failing calls must not leak the request into logs either.
                for bad in [
                    pb.ScoreRequest(
                        user_id=USER, session_id=SESSION, message=MESSAGES[0], max_ads=0
                    ),
                    pb.ScoreRequest(user_id=USER, session_id="", message=MESSAGES[1], max_ads=1),
                ]:
                    try:
                        scoring.Score(bad)
                    except grpc.RpcError as exc:
                        assert exc.code() == grpc.StatusCode.INVALID_ARGUMENT
                        assert not any(s in (exc.details() or "") for s in SECRETS)
                report = privacy.GetProfile(pb.GetProfileRequest(user_id=USER))
                assert report.exists
                privacy.ExplainAd(pb.ExplainAdRequest(user_id=USER, ad_id="demo-000001"))
                privacy.SetOptOut(pb.SetOptOutRequest(user_id=USER, opted_out=True))
                privacy.ForgetUser(pb.ForgetUserRequest(user_id=USER))
            # Metrics carry methods, codes, bases and reasons: nothing about the user.
            url = f"http://127.0.0.1:{metrics_port}/metrics"
            with urllib.request.urlopen(url, timeout=10) as resp:
                scraped.write_bytes(resp.read())
            assert b'chatads_rpcs_total{code="OK",method="Score"}' in scraped.read_bytes()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    written = [p for p in data.rglob("*") if p.is_file()]
    assert written, "the server wrote its privacy ledger and secret"
    logged = log.read_bytes()
    assert b"chatads serving" in logged, "debug logging was on"
    if log_format == "json":
        records = [json.loads(line) for line in logged.decode().splitlines() if line.strip()]
        calls = [r for r in records if r.get("method")]
        assert {r["method"] for r in calls} >= {"Score", "Chat", "GetProfile", "ForgetUser"}
        assert {"ts", "level", "logger", "msg"} <= set(records[0])
        # Request ids may be logged; they are the caller's, not the user's.
        assert any(r.get("request_id") == "r0" for r in calls)
    for path in [*written, log, scraped]:
        blob = path.read_bytes()
        for secret in SECRETS:
            for form in {secret, secret.lower()}:
                assert form.encode() not in blob, f"{form!r} found in {path.name}"
