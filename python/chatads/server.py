"""The gRPC server: a thin grpcio shell around the Rust engine.

Request bytes go to Rust untouched and response bytes come back untouched
(no protobuf parsing in Python, no loop over ads or tokens); Python only does
transport, deadlines and the mapping of engine errors to status codes:

    InvalidArgumentError -> INVALID_ARGUMENT   (message names the field)
    NotFoundError        -> NOT_FOUND
    anything else        -> INTERNAL           (logged without request content)

Standard health checking (`grpc.health.v1.Health`) and server reflection are
served, so grpcurl, grpc_health_probe or Postman work with no project files.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from chatads._core import InvalidArgumentError, NotFoundError
from chatads.config import Settings
from chatads.engine import Engine
from chatads.v1 import chatads_pb2

log = logging.getLogger("chatads.server")

PACKAGE = "chatads.v1"
SCORING = f"{PACKAGE}.AdScoring"
CATALOG = f"{PACKAGE}.Catalog"
PRIVACY = f"{PACKAGE}.Privacy"
DIAGNOSTICS = f"{PACKAGE}.Diagnostics"
SERVICES = (SCORING, CATALOG, PRIVACY, DIAGNOSTICS)

BytesFn = Callable[[bytes], bytes]


def _abort_for(context: grpc.ServicerContext, method: str, exc: BaseException) -> None:
    """Map an engine error to a status; `context.abort` raises."""
    if isinstance(exc, InvalidArgumentError):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    if isinstance(exc, NotFoundError):
        context.abort(grpc.StatusCode.NOT_FOUND, str(exc))
    # Never log the request: it may hold chat text and user ids.
    log.error("internal error in %s: %s", method, type(exc).__name__, exc_info=exc)
    context.abort(grpc.StatusCode.INTERNAL, f"internal error in {method}")


def _check_deadline(context: grpc.ServicerContext) -> None:
    remaining = context.time_remaining()
    if remaining is not None and remaining <= 0:
        context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline expired before processing")


def _unary(method: str, fn: BytesFn) -> grpc.RpcMethodHandler:
    def handler(request: bytes, context: grpc.ServicerContext) -> bytes:
        _check_deadline(context)
        try:
            return fn(request)
        except Exception as exc:
            _abort_for(context, method, exc)
            raise  # unreachable: abort raises

    # No (de)serializers: grpcio hands over and sends raw bytes.
    return grpc.unary_unary_rpc_method_handler(handler)


def _chat(engine: Engine) -> grpc.RpcMethodHandler:
    turn_pb = engine.core.chat_turn_pb

    def handler(turns: Iterator[bytes], context: grpc.ServicerContext) -> Iterator[bytes]:
        # Turns are answered one by one, in the order they arrive.
        for turn in turns:
            _check_deadline(context)
            try:
                yield turn_pb(turn)
            except Exception as exc:
                _abort_for(context, "Chat", exc)

    return grpc.stream_stream_rpc_method_handler(handler)


def echo_response() -> bytes:
    """The fixed reply of Diagnostics.Echo: a ScoreResponse shaped like a typical Score
    reply (3 ads with topics and explanations, about 1.1 KB encoded)."""
    path = "/Travel & Transportation/Air Travel"
    ads = [
        chatads_pb2.ScoredAd(
            ad_id=f"echo-{i:06d}",
            advertiser=f"echo{i}-travel.example",
            bid_cpm=4.2 + i,
            relevance=0.5,
            score=0.15,
            topics=[chatads_pb2.Topic(id=208, name=path)],
            pctr=0.026,
            title="SkyHop: cheap flights made easy",
            text="SkyHop: flights, fares and airport transfers, all in one place. "
            "New this season: city breaks and last-minute deals.",
            explanation="Shown because your recent conversations are about Travel & "
            "Transportation > Air Travel, and so is this ad (relevance 0.50).",
        )
        for i in range(3)
    ]
    reply: bytes = chatads_pb2.ScoreResponse(
        request_id="echo",
        ads=ads,
        personalization=chatads_pb2.PERSONALIZED,
        profile_updated=True,
        took_us=200,
    ).SerializeToString()
    return reply


def build_handlers(engine: Engine) -> list[grpc.GenericRpcHandler]:
    """The chatads.v1 services as generic bytes-in/bytes-out handlers."""
    core = engine.core
    echo = echo_response()
    return [
        grpc.method_handlers_generic_handler(
            SCORING,
            {"Score": _unary("Score", core.score_pb), "Chat": _chat(engine)},
        ),
        grpc.method_handlers_generic_handler(
            CATALOG,
            {
                "UpsertAds": _unary("UpsertAds", core.upsert_ads_pb),
                "DeleteAds": _unary("DeleteAds", core.delete_ads_pb),
                "GetAd": _unary("GetAd", core.get_ad_pb),
            },
        ),
        grpc.method_handlers_generic_handler(
            PRIVACY,
            {
                "GetProfile": _unary("GetProfile", core.get_profile_pb),
                "ForgetUser": _unary("ForgetUser", core.forget_user_pb),
                "SetOptOut": _unary("SetOptOut", core.set_opt_out_pb),
                "ExplainAd": _unary("ExplainAd", core.explain_ad_pb),
            },
        ),
        # The floor: the same handler path as Score, minus the engine (no decoding).
        grpc.method_handlers_generic_handler(
            DIAGNOSTICS, {"Echo": _unary("Echo", lambda _request: echo)}
        ),
    ]


class ChatadsServer:
    """A running server: engine, grpcio server, health servicer, sweeper."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or Engine(settings)
        options: list[tuple[str, Any]] = [
            ("grpc.max_receive_message_length", settings.max_receive_message_bytes),
            ("grpc.max_send_message_length", settings.max_receive_message_bytes),
            ("grpc.so_reuseport", 0),
        ]
        self.server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="chatads"),
            handlers=build_handlers(self.engine),
            options=options,
        )
        self.health = health.HealthServicer(experimental_non_blocking=True)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        # Reflection serves the descriptors that importing chatads_pb2 registered.
        names = (
            *(s.full_name for s in chatads_pb2.DESCRIPTOR.services_by_name.values()),
            health.SERVICE_NAME,
            reflection.SERVICE_NAME,
        )
        reflection.enable_server_reflection(names, self.server)
        address = f"{settings.host}:{settings.port}"
        self.port = self.server.add_insecure_port(address)
        if self.port == 0:
            raise OSError(f"cannot listen on {address}")
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep, name="chatads-sweeper", daemon=True)

    @property
    def address(self) -> str:
        return f"{self.settings.host}:{self.port}"

    def _set_health(self, status: int) -> None:
        for name in ("", *SERVICES):
            self.health.set(name, status)

    def _sweep(self) -> None:
        while not self._stop.wait(30.0):
            try:
                self.engine.core.sweep()
            except Exception:
                log.exception("session sweep failed")

    def start(self) -> ChatadsServer:
        self.server.start()
        self._sweeper.start()
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        log.info("chatads serving on %s (%d ads)", self.address, len(self.engine))
        return self

    def stop(self, grace: float | None = 5.0) -> None:
        self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        self._stop.set()
        self.server.stop(grace).wait()

    def wait(self) -> None:
        self.server.wait_for_termination()


def serve(settings: Settings | None = None, *, load_demo: bool | None = None) -> None:
    """Start the server in the foreground until SIGINT/SIGTERM."""
    settings = settings or Settings()
    engine = Engine(settings)
    if settings.demo_catalog if load_demo is None else load_demo:
        started = time.perf_counter()
        n = engine.load_demo_catalog()
        log.info("loaded %d demo ads in %.1fs", n, time.perf_counter() - started)
    server = ChatadsServer(settings, engine).start()
    done = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"chatads listening on {server.address}", flush=True)
    done.wait()
    server.stop()
