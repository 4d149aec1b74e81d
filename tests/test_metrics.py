"""Prometheus metrics: scrape the server's HTTP port after some calls."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from chatads import Engine
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from prometheus_client.parser import text_string_to_metric_families

from .conftest import TC_P1234, make_settings

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.fixture()
def metered(demo_engine: Engine) -> Iterator[ChatadsServer]:
    server = ChatadsServer(make_settings(metrics_port=_free_port()), demo_engine).start()
    yield server
    server.stop(grace=None)


def test_metrics_after_some_calls(metered: ChatadsServer, transport: str) -> None:
    assert metered.metrics is not None
    port = metered.metrics.port
    consented = pb.ScoreRequest(
        user_id=f"u-metrics-{transport}",
        session_id="s1",
        message="cheap flights to Lisbon",
        max_ads=3,
        regs=pb.Regs(gdpr=1),
        consent=TC_P1234,
    )
    no_consent = pb.ScoreRequest(
        user_id=f"u-metrics-2-{transport}",
        session_id="s1",
        message="running shoes",
        max_ads=3,
        regs=pb.Regs(gdpr=1),
    )
    with grpc.insecure_channel(metered.address) as ch:
        scoring = chatads_pb2_grpc.AdScoringStub(ch)
        for _ in range(3):
            scoring.Score(consented, timeout=10)
        scoring.Score(no_consent, timeout=10)
        turns = [pb.ChatTurn(request=consented), pb.ChatTurn(request=consented)]
        assert len(list(scoring.Chat(iter(turns), timeout=10))) == 2
        with pytest.raises(grpc.RpcError):
            scoring.Score(pb.ScoreRequest(user_id="u", session_id="", max_ads=1), timeout=10)
        chatads_pb2_grpc.DiagnosticsStub(ch).Echo(consented, timeout=10)
        catalog = chatads_pb2_grpc.CatalogStub(ch)
        with pytest.raises(grpc.RpcError):
            catalog.GetAd(pb.GetAdRequest(ad_id="no-such-ad"), timeout=10)
    m = _scrape(port)

    def value(name: str, **labels: str) -> float:
        return m.get((name, tuple(sorted(labels.items()))), 0.0)

    # Latency histograms per RPC (Chat: per turn).
    assert value("chatads_rpc_duration_seconds_count", method="Score") == 5
    assert value("chatads_rpc_duration_seconds_count", method="Chat") == 2
    assert value("chatads_rpc_duration_seconds_count", method="Echo") == 1
    assert value("chatads_rpc_duration_seconds_bucket", method="Score", le="+Inf") == 5
    # Counts by status code.
    assert value("chatads_rpcs_total", method="Score", code="OK") == 4
    assert value("chatads_rpcs_total", method="Score", code="INVALID_ARGUMENT") == 1
    assert value("chatads_rpcs_total", method="Chat", code="OK") == 1
    assert value("chatads_rpcs_total", method="GetAd", code="NOT_FOUND") == 1
    assert value("chatads_rpcs_in_flight") == 0
    # Personalisation basis and consent outcomes of the 4 Scores and 2 turns.
    bases = {
        b: value("chatads_score_personalization_total", basis=b)
        for b in ("PERSONALIZED", "CONTEXTUAL", "NONE")
    }
    assert sum(bases.values()) == 6, bases
    assert bases["PERSONALIZED"] >= 1 and bases["CONTEXTUAL"] >= 1 and bases["NONE"] >= 1
    assert value("chatads_score_reasons_total", reason="gdpr_no_consent_string") == 1
    assert value("chatads_score_reasons_total", reason="no_profile_yet") >= 1
    # Engine figures, read at scrape time.
    assert value("chatads_catalog_ads") == len(metered.engine)
    assert value("chatads_index_rebuilds_total") >= 1
    assert value("chatads_profiles") >= 1
    # No data_dir, no snapshot: no snapshot age.
    assert ("chatads_snapshot_age_seconds", ()) not in m


def test_snapshot_age(tmp_path: Path) -> None:
    settings = make_settings(metrics_port=_free_port(), data_dir=tmp_path)
    engine = Engine(settings)
    snapshot = getattr(engine, "snapshot", None)
    if snapshot is None:
        pytest.skip("this Engine has no snapshots")
    snapshot()
    server = ChatadsServer(settings, engine).start()
    try:
        assert server.metrics is not None
        age = _scrape(server.metrics.port)[("chatads_snapshot_age_seconds", ())]
        assert 0 <= age < 60
    finally:
        server.stop(grace=None)


def test_metrics_are_off_by_default(demo_engine: Engine) -> None:
    server = ChatadsServer(make_settings(), demo_engine)
    try:
        assert server.metrics is None
    finally:
        server.stop(grace=None)
