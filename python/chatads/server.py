"""The gRPC server: a thin grpcio shell around the Rust engine.

Request bytes go to Rust untouched and response bytes come back untouched
(no loop over ads or tokens in Python). Python does transport, access
control, deadlines and the mapping of engine errors to status codes:

    InvalidArgumentError -> INVALID_ARGUMENT   (message names the field)
    NotFoundError        -> NOT_FOUND
    anything else        -> INTERNAL           (logged without request content;
                                                a Rust panic is one of these)

Every chatads.v1 call first passes the `CallGate`: API key and role
(UNAUTHENTICATED, PERMISSION_DENIED), draining on shutdown (UNAVAILABLE),
the in-flight count, metrics and a log record. Score and Chat turns also get
a time budget: the smaller of the gRPC deadline and `tmax_ms`. Python reads
`tmax_ms` and `request_id` from the request for that (about 2 µs).

Standard health checking (`grpc.health.v1.Health`) and server reflection are
served without a key, so grpcurl, grpc_health_probe or Postman work with no
project files.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from types import TracebackType
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from chatads._core import InvalidArgumentError, NotFoundError
from chatads.auth import SERVICE_ROLES, ApiKeys, bearer_token, is_loopback
from chatads.config import Settings
from chatads.engine import Engine
from chatads.metrics import ServerMetrics
from chatads.v1 import chatads_pb2

log = logging.getLogger("chatads.server")

PACKAGE = "chatads.v1"
SCORING = f"{PACKAGE}.AdScoring"
CATALOG = f"{PACKAGE}.Catalog"
PRIVACY = f"{PACKAGE}.Privacy"
DIAGNOSTICS = f"{PACKAGE}.Diagnostics"
SERVICES = (SCORING, CATALOG, PRIVACY, DIAGNOSTICS)

#: The reason a no-bid gives when `tmax_ms` cannot be (or was not) met.
TMAX_EXCEEDED = "tmax_exceeded"

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


_accepted = threading.local()


class _AcceptTimedExecutor(futures.ThreadPoolExecutor):
    """A worker pool that notes when grpcio handed each call over, so that time budgets
    (tmax_ms) and latency include the time a call waited for a worker."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        accepted = time.perf_counter()

        def run() -> Any:
            _accepted.at = accepted
            return fn(*args, **kwargs)

        return super().submit(run)


def _accepted_at() -> float:
    at: float | None = getattr(_accepted, "at", None)
    _accepted.at = None
    return at if at is not None else time.perf_counter()


class _Call:
    """One admitted call: ends the in-flight count and records the outcome on exit."""

    __slots__ = ("context", "gate", "method", "request_id", "started", "timed")

    def __init__(self, gate: CallGate, method: str, context: grpc.ServicerContext, timed: bool):
        self.gate = gate
        self.method = method
        self.context = context
        self.timed = timed
        self.request_id = ""
        self.started = _accepted_at()

    def __enter__(self) -> _Call:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.gate._leave()
        code = self.context.code()
        if code is None:
            code = grpc.StatusCode.OK if exc_type in (None, GeneratorExit) else None
        name = code.name if code is not None else "UNKNOWN"
        self.gate._record(self.method, name, self.started if self.timed else None, self.request_id)


class CallGate:
    """What every chatads.v1 call passes before the engine: API key and role, draining,
    the in-flight count, metrics and the call's log record."""

    def __init__(self, keys: ApiKeys | None = None, metrics: ServerMetrics | None = None):
        self.keys = keys if keys else None
        self.metrics = metrics
        self.draining = False
        self._in_flight = 0
        self._idle = threading.Condition(threading.Lock())

    def call(
        self, method: str, service: str, context: grpc.ServicerContext, *, timed: bool = True
    ) -> _Call:
        """Admit a call (or abort it) and count it as in flight until the `with` ends."""
        refusal = self._check_key(service, context) if self.keys is not None else None
        if refusal is None:
            with self._idle:
                if self.draining:
                    refusal = (grpc.StatusCode.UNAVAILABLE, "server is shutting down")
                else:
                    self._in_flight += 1
        if refusal is not None:
            self._record(method, refusal[0].name, None, "")
            context.abort(*refusal)
        return _Call(self, method, context, timed)

    def _check_key(
        self, service: str, context: grpc.ServicerContext
    ) -> tuple[grpc.StatusCode, str] | None:
        assert self.keys is not None
        token = bearer_token(context.invocation_metadata())
        if token is None:
            return grpc.StatusCode.UNAUTHENTICATED, "missing 'authorization: Bearer <key>'"
        role = self.keys.role_of(token)
        if role is None:
            return grpc.StatusCode.UNAUTHENTICATED, "unknown API key"
        if role not in SERVICE_ROLES.get(service, ()):
            return grpc.StatusCode.PERMISSION_DENIED, f"role {role!r} may not call {service}"
        return None

    def _leave(self) -> None:
        with self._idle:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.notify_all()

    def _record(self, method: str, code: str, started: float | None, request_id: str) -> None:
        if self.metrics is not None:
            if started is not None:
                self.metrics.observe_latency(method, time.perf_counter() - started)
            self.metrics.count_call(method, code)
        if log.isEnabledFor(logging.DEBUG):
            extra: dict[str, Any] = {"method": method, "code": code}
            if started is not None:
                extra["duration_ms"] = round((time.perf_counter() - started) * 1e3, 3)
            if request_id:
                extra["request_id"] = request_id
            log.debug("call %s %s", method, code, extra=extra)

    def observe_turn(self, method: str, started: float, reply: bytes) -> None:
        """One scored turn: latency (for Chat, per turn), basis and reasons."""
        if self.metrics is not None:
            if method == "Chat":
                self.metrics.observe_latency(method, time.perf_counter() - started)
            self.metrics.observe_score(reply)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def start_draining(self) -> None:
        with self._idle:
            self.draining = True

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no call is in flight (True) or `timeout` seconds pass (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)


def _no_bid(request_id: str, started: float) -> bytes:
    reply: bytes = chatads_pb2.ScoreResponse(
        request_id=request_id,
        personalization=chatads_pb2.NONE,
        reasons=[TMAX_EXCEEDED],
        took_us=int((time.perf_counter() - started) * 1e6),
    ).SerializeToString()
    return reply


class _Budget:
    """The time a Score or Chat turn may take: the smaller of what is left of the gRPC
    deadline and `tmax_ms` (counted from when a worker picks the call up). A call that
    cannot be met is answered at once; a reply that comes too late is not sent."""

    def __init__(self, min_budget_ms: float) -> None:
        self.min_s = min_budget_ms / 1e3

    def run(
        self,
        method: str,
        request: bytes,
        score_request: chatads_pb2.ScoreRequest | None,
        context: grpc.ServicerContext,
        fn: BytesFn,
        started: float,
    ) -> bytes:
        remaining = context.time_remaining()
        if remaining is not None and remaining < self.min_s:
            context.abort(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                f"{remaining * 1e3:.2f} ms left of the deadline: too little to score",
            )
        tmax_s = score_request.tmax_ms / 1e3 if score_request and score_request.tmax_ms else None
        request_id = score_request.request_id if score_request else ""
        if tmax_s is not None and tmax_s - (time.perf_counter() - started) < self.min_s:
            return _no_bid(request_id, started)
        try:
            reply = fn(request)
        except Exception as exc:
            _abort_for(context, method, exc)
            raise  # unreachable: abort raises
        if tmax_s is not None and time.perf_counter() - started > tmax_s:
            return _no_bid(request_id, started)
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "the deadline passed while scoring")
        return reply


def _parse(message_type: Any, data: bytes) -> Any:
    """The message, or None when undecodable (the engine then names the problem)."""
    try:
        return message_type.FromString(data)
    except Exception:  # google.protobuf.message.DecodeError
        return None


def _unary(gate: CallGate, service: str, method: str, fn: BytesFn) -> grpc.RpcMethodHandler:
    def handler(request: bytes, context: grpc.ServicerContext) -> bytes:
        with gate.call(method, service, context):
            _check_deadline(context)
            try:
                return fn(request)
            except Exception as exc:
                _abort_for(context, method, exc)
                raise  # unreachable: abort raises

    # No (de)serializers: grpcio hands over and sends raw bytes.
    return grpc.unary_unary_rpc_method_handler(handler)


def _score(engine: Engine, gate: CallGate, budget: _Budget) -> grpc.RpcMethodHandler:
    score_pb = engine.core.score_pb

    def handler(request: bytes, context: grpc.ServicerContext) -> bytes:
        with gate.call("Score", SCORING, context) as call:
            req = _parse(chatads_pb2.ScoreRequest, request)
            if req is not None:
                call.request_id = req.request_id
            reply = budget.run("Score", request, req, context, score_pb, call.started)
            gate.observe_turn("Score", call.started, reply)
            return reply

    return grpc.unary_unary_rpc_method_handler(handler)


def _chat(engine: Engine, gate: CallGate, budget: _Budget) -> grpc.RpcMethodHandler:
    turn_pb = engine.core.chat_turn_pb

    def handler(turns: Iterator[bytes], context: grpc.ServicerContext) -> Iterator[bytes]:
        # Turns are answered one by one, in the order they arrive; each has its own tmax.
        with gate.call("Chat", SCORING, context, timed=False):
            for turn in turns:
                started = time.perf_counter()
                msg = _parse(chatads_pb2.ChatTurn, turn)
                req = msg.request if msg is not None else None
                reply = budget.run("Chat", turn, req, context, turn_pb, started)
                gate.observe_turn("Chat", started, reply)
                yield reply

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


def build_handlers(
    engine: Engine, gate: CallGate | None = None, min_budget_ms: float | None = None
) -> list[grpc.GenericRpcHandler]:
    """The chatads.v1 services as generic bytes-in/bytes-out handlers."""
    core = engine.core
    gate = gate or CallGate()
    budget = _Budget(engine.settings.min_budget_ms if min_budget_ms is None else min_budget_ms)
    echo = echo_response()
    return [
        grpc.method_handlers_generic_handler(
            SCORING, {"Score": _score(engine, gate, budget), "Chat": _chat(engine, gate, budget)}
        ),
        grpc.method_handlers_generic_handler(
            CATALOG,
            {
                "UpsertAds": _unary(gate, CATALOG, "UpsertAds", core.upsert_ads_pb),
                "DeleteAds": _unary(gate, CATALOG, "DeleteAds", core.delete_ads_pb),
                "GetAd": _unary(gate, CATALOG, "GetAd", core.get_ad_pb),
            },
        ),
        grpc.method_handlers_generic_handler(
            PRIVACY,
            {
                "GetProfile": _unary(gate, PRIVACY, "GetProfile", core.get_profile_pb),
                "ForgetUser": _unary(gate, PRIVACY, "ForgetUser", core.forget_user_pb),
                "SetOptOut": _unary(gate, PRIVACY, "SetOptOut", core.set_opt_out_pb),
                "ExplainAd": _unary(gate, PRIVACY, "ExplainAd", core.explain_ad_pb),
            },
        ),
        # The floor: the same handler path as Score, minus the engine (no decoding).
        grpc.method_handlers_generic_handler(
            DIAGNOSTICS, {"Echo": _unary(gate, DIAGNOSTICS, "Echo", lambda _request: echo)}
        ),
    ]


def _server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """TLS credentials from the settings, or None for plaintext."""
    if settings.tls_cert is None and settings.tls_key is None:
        if settings.tls_client_ca is not None:
            raise ValueError("tls_client_ca: mutual TLS also needs tls_cert and tls_key")
        return None
    if settings.tls_cert is None or settings.tls_key is None:
        raise ValueError("tls_cert and tls_key: set both (PEM certificate and its private key)")
    cert = settings.tls_cert.expanduser().read_bytes()
    key = settings.tls_key.expanduser().read_bytes()
    ca = settings.tls_client_ca.expanduser().read_bytes() if settings.tls_client_ca else None
    return grpc.ssl_server_credentials(
        [(key, cert)], root_certificates=ca, require_client_auth=ca is not None
    )


def access_from(settings: Settings) -> tuple[ApiKeys, grpc.ServerCredentials | None]:
    """API keys and TLS credentials; raises ValueError for a configuration that must not
    run (no keys on a non-loopback address, half a TLS pair, a bad key file)."""
    keys = ApiKeys.load(
        settings.api_keys.get_secret_value() if settings.api_keys else None,
        settings.api_keys_file,
    )
    if not keys and not is_loopback(settings.host):
        raise ValueError(
            f"host {settings.host!r}: no API keys are configured, so chatads only listens "
            "on loopback (127.0.0.1, ::1); set CHATADS_API_KEYS or CHATADS_API_KEYS_FILE "
            "to listen on other addresses"
        )
    return keys, _server_credentials(settings)


class ChatadsServer:
    """A running server: engine, grpcio server, health servicer, sweeper, metrics."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        keys, credentials = access_from(settings)
        # Not `engine or ...`: an engine with an empty catalog is falsy (__len__).
        self.engine = engine if engine is not None else Engine(settings)
        self.gate = CallGate(keys)
        if settings.metrics_port:
            self.metrics: ServerMetrics | None = ServerMetrics(
                self.engine, in_flight=lambda: self.gate.in_flight
            )
            self.gate.metrics = self.metrics
        else:
            self.metrics = None
        options: list[tuple[str, Any]] = [
            ("grpc.max_receive_message_length", settings.max_receive_message_bytes),
            ("grpc.max_send_message_length", settings.max_receive_message_bytes),
            ("grpc.so_reuseport", 0),
        ]
        self.server = grpc.server(
            _AcceptTimedExecutor(max_workers=settings.workers, thread_name_prefix="chatads"),
            handlers=build_handlers(self.engine, self.gate, settings.min_budget_ms),
            options=options,
            # Calls beyond this (served + queued) fail at once with RESOURCE_EXHAUSTED.
            maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
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
        if credentials is None:
            self.port = self.server.add_insecure_port(address)
        else:
            self.port = self.server.add_secure_port(address, credentials)
        if self.port == 0:
            raise OSError(f"cannot listen on {address}")
        self.tls = "off" if credentials is None else "mutual" if settings.tls_client_ca else "on"
        if keys:
            log.info(
                "API keys required: %s", ", ".join(f"{r} {n}" for r, n in keys.roles().items())
            )
        else:
            log.warning("no API keys configured: listening on loopback only, every caller allowed")
        self._stop = threading.Event()
        self._hurry = threading.Event()
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
        if self.metrics is not None:
            port = self.metrics.serve(self.settings.metrics_host, self.settings.metrics_port)
            log.info("metrics on http://%s:%d/metrics", self.settings.metrics_host, port)
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        log.info("chatads serving on %s (%d ads, TLS %s)", self.address, len(self.engine), self.tls)
        return self

    def stop(self, grace: float | None = 5.0) -> None:
        self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        self._stop.set()
        self.server.stop(grace).wait()
        if self.metrics is not None:
            self.metrics.stop()

    def drain(self, grace: float | None = None) -> bool:
        """Shut down gracefully: health NOT_SERVING, new calls refused (UNAVAILABLE),
        in-flight calls given `grace` seconds (default `shutdown_grace_s`) to finish, then
        the server stops and the engine saves its state. False if saving failed."""
        grace = self.settings.shutdown_grace_s if grace is None else grace
        self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        self.gate.start_draining()
        started = time.perf_counter()
        in_flight = self.gate.in_flight
        deadline = time.monotonic() + grace
        while True:
            left = deadline - time.monotonic()
            # Short waits, so that a second signal (`hurry`) is noticed at once.
            if self.gate.wait_idle(min(0.1, max(left, 0.0))):
                log.info(
                    "drained %d in-flight call(s) in %.2fs",
                    in_flight,
                    time.perf_counter() - started,
                )
                break
            if left <= 0 or self._hurry.is_set():
                why = (
                    "second signal"
                    if self._hurry.is_set()
                    else f"grace period of {grace:.1f}s over"
                )
                log.warning("%s: cancelling %d call(s)", why, self.gate.in_flight)
                break
        self._stop.set()
        self.server.stop(0).wait()
        if self.metrics is not None:
            self.metrics.stop()
        return self.save()

    def hurry(self) -> None:
        """End a drain now: cancel the calls still in flight (a second SIGTERM/SIGINT)."""
        self._hurry.set()

    def save(self) -> bool:
        """Snapshot the engine's state, when the engine can (`Engine.snapshot`)."""
        snapshot = getattr(self.engine, "snapshot", None)
        if not callable(snapshot):
            return True
        started = time.perf_counter()
        try:
            snapshot()
        except Exception:
            log.exception("saving the engine state failed")
            return False
        log.info("engine state saved in %.2fs", time.perf_counter() - started)
        return True

    def wait(self) -> None:
        self.server.wait_for_termination()


def serve(settings: Settings | None = None, *, load_demo: bool | None = None) -> int:
    """Serve in the foreground until SIGINT/SIGTERM, then drain; returns the exit code
    (0, or 1 when the engine state could not be saved)."""
    settings = settings or Settings()
    access_from(settings)  # refuse a bad configuration before loading anything
    engine = Engine(settings)
    recovered = engine.stats()["ads"]
    if recovered:
        log.info("recovered %d ads from %s", recovered, settings.data_dir)
    if (settings.demo_catalog if load_demo is None else load_demo) and not recovered:
        started = time.perf_counter()
        n = engine.load_demo_catalog()
        log.info("loaded %d demo ads in %.1fs", n, time.perf_counter() - started)
    server = ChatadsServer(settings, engine).start()
    done = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if done.is_set():
            server.hurry()
            return
        log.info("signal %d: draining", signum, extra={"signal": signum})
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"chatads listening on {server.address}", flush=True)
    done.wait()
    return 0 if server.drain() else 1
