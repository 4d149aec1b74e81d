"""Shared fixtures: a real engine with the demo catalog, and a real server on a
loopback port, once per transport (native and grpcio)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import grpc
import pytest
from chatads import Engine, Settings
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2_grpc

SECRET = "test-secret-0123456789abcdef"


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
