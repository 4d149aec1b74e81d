"""Shared fixtures: a real engine with the demo catalog, and a real server on a
loopback port, once per transport (native and grpcio)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from chatads import Engine, Settings
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2_grpc

SECRET = "test-secret-0123456789abcdef"

# Servers (and `chatads serve` processes) that tests start serve no transparency page
# unless a test asks for one on a port of its own: several run at once.
os.environ.setdefault("CHATADS_PAGE_PORT", "0")


#: A real TC string (encoded with the IAB's @iabtcf/core): purposes 1-4 consented,
#: vendors 755 and 999 consented (range encoding), vendor 2 legitimate interest.
TC_P1234 = "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA"


def make_settings(**overrides: object) -> Settings:
    """Settings for relevance and API tests: GDPR does not apply unless a request says
    so (the privacy tests use the strict default explicitly)."""
    base: dict[str, object] = {
        "secret": SECRET,
        "port": 0,
        "workers": 4,
        "gdpr_when_unknown": False,
    }
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


#: Every server test runs against both transports.
TRANSPORTS = ("native", "grpcio")


@pytest.fixture(scope="module", params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    """The transport of this module's servers: set as CHATADS_TRANSPORT, so that
    settings made in the tests and server processes they start use it too."""
    name: str = request.param
    old = os.environ.get("CHATADS_TRANSPORT")
    os.environ["CHATADS_TRANSPORT"] = name
    yield name
    if old is None:
        os.environ.pop("CHATADS_TRANSPORT", None)
    else:
        os.environ["CHATADS_TRANSPORT"] = old


@pytest.fixture(scope="session")
def demo_engine() -> Engine:
    """One engine with the demo catalog, shared (read-mostly) by tests."""
    engine = Engine(make_settings())
    engine.load_demo_catalog()
    return engine


@pytest.fixture()
def engine() -> Engine:
    """A fresh, empty engine."""
    return Engine(make_settings())


@pytest.fixture(scope="module")
def server(transport: str) -> Iterator[ChatadsServer]:
    """A real server on 127.0.0.1 with its own engine and the demo catalog."""
    settings = make_settings()
    eng = Engine(settings)
    eng.load_demo_catalog()
    srv = ChatadsServer(settings, eng).start()
    yield srv
    srv.stop(grace=None)


@pytest.fixture(scope="module")
def channel(server: ChatadsServer) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.address) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


@pytest.fixture(scope="module")
def scoring(channel: grpc.Channel) -> chatads_pb2_grpc.AdScoringStub:
    return chatads_pb2_grpc.AdScoringStub(channel)


@pytest.fixture(scope="module")
def catalog(channel: grpc.Channel) -> chatads_pb2_grpc.CatalogStub:
    return chatads_pb2_grpc.CatalogStub(channel)


def rss_mib(pid: int) -> float:
    """Resident memory of a process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


@contextlib.contextmanager
def serve_process(
    data_dir: Path, *args: str, **env: str
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A real `chatads serve` process on a free loopback port (the transport comes from
    CHATADS_TRANSPORT), with a small demo catalog; yields it and its address, and ends
    it with SIGTERM (SIGKILL if it does not stop)."""
    environ = {
        **os.environ,
        "CHATADS_DEMO_CATALOG_SIZE": "500",
        "CHATADS_GDPR_WHEN_UNKNOWN": "false",
        "CHATADS_LOG_LEVEL": "WARNING",
        **env,
    }
    cmd = [sys.executable, "-m", "chatads.cli", "serve", "--port", "0"]
    cmd += ["--data-dir", str(data_dir), *args]
    proc = subprocess.Popen(cmd, env=environ, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.search(r"listening on (\S+)", line)
        assert m, line
        yield proc, m.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
