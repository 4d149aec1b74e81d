"""The gRPC server: Python starts, watches and stops it; Rust serves it.

Two transports carry the same `chatads.v1` services, chosen by
`CHATADS_TRANSPORT` / `--transport`:

- ``native`` (default): tonic on tokio inside the extension
  (`rust/src/server/native.rs`). No Python runs per call or per Chat turn.
- ``grpcio``: a thin grpcio server. Request bytes go to Rust untouched and
  reply bytes come back untouched; Python only moves them.

Either way every call passes the same rules, implemented once in Rust
(`chatads._core.ServerRules`, `rust/src/server/rules.rs`): API key and role
(UNAUTHENTICATED, PERMISSION_DENIED), draining (UNAVAILABLE), limits
(RESOURCE_EXHAUSTED), the time budget of Score and Chat turns (the smaller
of the gRPC deadline and `tmax_ms`, counted from arrival), the mapping of
engine errors to status codes (INVALID_ARGUMENT and NOT_FOUND name the
field; anything else, a Rust panic included, is INTERNAL for that call or
stream only), metrics and the call's log record.

Standard health checking (`grpc.health.v1.Health`) and server reflection are
served without a key, so grpcurl, grpc_health_probe or Postman work with no
project files.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import select
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from chatads._core import NativeServer, ServerRules, configure_logging
from chatads.auth import ApiKeys, is_loopback
from chatads.config import Settings
from chatads.engine import Engine
from chatads.page import ControlPage
from chatads.v1 import chatads_pb2

log = logging.getLogger("chatads.server")

#: The chatads.v1 services, from the proto (the rules behind them live in Rust).
SERVICES = tuple(s.full_name for s in chatads_pb2.DESCRIPTOR.services_by_name.values())

#: The reason a no-bid gives when `tmax_ms` cannot be (or was not) met.
TMAX_EXCEEDED = "tmax_exceeded"

_CODES = {code.value[0]: code for code in grpc.StatusCode}


@dataclass(frozen=True)
class TlsFiles:
    """PEM contents for TLS; with `client_ca`, mutual TLS."""

    cert: bytes
    key: bytes
    client_ca: bytes | None


def _tls_from(settings: Settings) -> TlsFiles | None:
    """TLS material from the settings, or None for plaintext."""
    if settings.tls_cert is None and settings.tls_key is None:
        if settings.tls_client_ca is not None:
            raise ValueError("tls_client_ca: mutual TLS also needs tls_cert and tls_key")
        return None
    if settings.tls_cert is None or settings.tls_key is None:
        raise ValueError("tls_cert and tls_key: set both (PEM certificate and its private key)")

    def read(path: Path) -> bytes:
        return path.expanduser().read_bytes()

    ca = read(settings.tls_client_ca) if settings.tls_client_ca else None
    return TlsFiles(read(settings.tls_cert), read(settings.tls_key), ca)


def access_from(settings: Settings) -> tuple[ApiKeys, TlsFiles | None]:
    """API keys and TLS material; raises ValueError for a configuration that must not
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
    return keys, _tls_from(settings)


class MetricsEndpoint:
    """Serves `GET /metrics` (Prometheus text) from the rules' one registry, for
    either transport, on a port of its own."""

    def __init__(self, rules: ServerRules) -> None:
        self.rules = rules
        self.port = 0
        self._http: http.server.ThreadingHTTPServer | None = None

    def serve(self, host: str, port: int) -> int:
        rules = self.rules

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] not in ("/metrics", "/"):
                    self.send_error(404)
                    return
                body = rules.metrics_text().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # scrapes are not worth a log line each

        self._http = http.server.ThreadingHTTPServer((host, port), Handler)
        self._http.daemon_threads = True
        threading.Thread(
            target=self._http.serve_forever, name="chatads-metrics", daemon=True
        ).start()
        self.port = int(self._http.server_address[1])
        return self.port

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None


class Transport(Protocol):
    port: int

    def start(self) -> None: ...
    def set_serving(self, serving: bool) -> None: ...
    def stop(self, grace: float) -> None: ...


class NativeTransport:
    """The data plane in Rust: `chatads._core.NativeServer`."""

    def __init__(self, settings: Settings, rules: ServerRules, tls: TlsFiles | None) -> None:
        self.settings = settings
        self.rules = rules
        self.tls = tls
        self.port = settings.port
        self._server: NativeServer | None = None

    def start(self) -> None:
        s, tls = self.settings, self.tls
        try:
            self._server = NativeServer(
                self.rules,
                host=s.host.strip("[]"),
                port=s.port,
                workers=s.worker_threads(),
                io_threads=s.io_threads,
                tls_cert=tls.cert if tls else None,
                tls_key=tls.key if tls else None,
                tls_client_ca=tls.client_ca if tls else None,
                max_message_bytes=s.max_receive_message_bytes,
                keepalive_s=s.keepalive_s,
                keepalive_timeout_s=s.keepalive_timeout_s,
                max_concurrent_streams=s.max_concurrent_streams,
            )
        except ValueError as exc:
            if "cannot listen" in str(exc):
                raise OSError(str(exc)) from None
            raise
        self.port = self._server.port

    def set_serving(self, serving: bool) -> None:
        if self._server is not None:
            self._server.set_serving(serving)

    def stop(self, grace: float) -> None:
        if self._server is not None:
            self._server.stop(grace)


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


def _authorization(context: grpc.ServicerContext) -> str | None:
    for name, value in context.invocation_metadata() or ():
        if name == "authorization":
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _admit(rules: ServerRules, method: str, context: grpc.ServicerContext) -> Any:
    code, details, call = rules.admit(method, _authorization(context))
    if code:
        context.abort(_CODES[code], details)
    return call


def _unary(rules: ServerRules, method: str) -> grpc.RpcMethodHandler:
    def handler(request: bytes, context: grpc.ServicerContext) -> bytes:
        accepted = _accepted_at()
        call = _admit(rules, method, context)
        try:
            code, details, reply = rules.unary(
                method,
                request,
                waited_s=time.perf_counter() - accepted,
                time_left_s=context.time_remaining(),
            )
        finally:
            call.close()
        if code:
            context.abort(_CODES[code], details)
        return reply

    # No (de)serializers: grpcio hands over and sends raw bytes.
    return grpc.unary_unary_rpc_method_handler(handler)


def _chat(rules: ServerRules) -> grpc.RpcMethodHandler:
    cancelled = grpc.StatusCode.CANCELLED.value[0]

    def handler(turns: Iterator[bytes], context: grpc.ServicerContext) -> Iterator[bytes]:
        # Turns are answered one by one, in the order they arrive; each has its own tmax.
        call = _admit(rules, "Chat", context)
        ended = cancelled
        try:
            for turn in turns:
                code, details, reply = rules.chat_turn(turn, time_left_s=context.time_remaining())
                if code:
                    ended = code
                    context.abort(_CODES[code], details)
                yield reply
            ended = 0
        finally:
            call.close()
            rules.finish_stream(ended)

    return grpc.stream_stream_rpc_method_handler(handler)


def build_handlers(rules: ServerRules) -> list[grpc.GenericRpcHandler]:
    """The chatads.v1 services as generic bytes-in/bytes-out grpcio handlers."""
    handlers = []
    for service in chatads_pb2.DESCRIPTOR.services_by_name.values():
        table = {
            m.name: _chat(rules) if m.client_streaming else _unary(rules, m.name)
            for m in service.methods
        }
        handlers.append(grpc.method_handlers_generic_handler(service.full_name, table))
    return handlers


class GrpcioTransport:
    """The thin Python transport: grpcio threads move bytes between the socket and Rust."""

    def __init__(self, settings: Settings, rules: ServerRules, tls: TlsFiles | None) -> None:
        options: list[tuple[str, Any]] = [
            ("grpc.max_receive_message_length", settings.max_receive_message_bytes),
            ("grpc.max_send_message_length", settings.max_receive_message_bytes),
            ("grpc.so_reuseport", 0),
            ("grpc.max_concurrent_streams", settings.max_concurrent_streams),
        ]
        if settings.keepalive_s > 0:
            options += [
                ("grpc.keepalive_time_ms", int(settings.keepalive_s * 1000)),
                ("grpc.keepalive_timeout_ms", int(settings.keepalive_timeout_s * 1000)),
            ]
        self.server = grpc.server(
            _AcceptTimedExecutor(
                max_workers=settings.worker_threads(), thread_name_prefix="chatads"
            ),
            handlers=build_handlers(rules),
            options=options,
            # Calls beyond this (served + queued) fail at once with RESOURCE_EXHAUSTED.
            maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
        )
        self.health = health.HealthServicer(experimental_non_blocking=True)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        # Reflection serves the descriptors that importing chatads_pb2 registered.
        names = (
            *SERVICES,
            health.SERVICE_NAME,
            reflection.SERVICE_NAME,
        )
        reflection.enable_server_reflection(names, self.server)
        address = f"{settings.host}:{settings.port}"
        if tls is None:
            self.port = self.server.add_insecure_port(address)
        else:
            credentials = grpc.ssl_server_credentials(
                [(tls.key, tls.cert)],
                root_certificates=tls.client_ca,
                require_client_auth=tls.client_ca is not None,
            )
            self.port = self.server.add_secure_port(address, credentials)
        if self.port == 0:
            raise OSError(f"cannot listen on {address}")

    def start(self) -> None:
        self.server.start()
        self.set_serving(True)

    def set_serving(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ("", *SERVICES):
            self.health.set(name, status)

    def stop(self, grace: float) -> None:
        self.server.stop(grace).wait()


class ChatadsServer:
    """A running server: engine, rules, transport, session sweeper, metrics, and the
    transparency page."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        keys, tls = access_from(settings)
        # Not `engine or ...`: an engine with an empty catalog is falsy (__len__).
        self.engine = engine if engine is not None else Engine(settings)
        native = settings.transport == "native"
        self.rules = ServerRules(
            self.engine.core,
            keys=keys.core,
            min_budget_ms=settings.min_budget_ms,
            # grpcio enforces its own limit (maximum_concurrent_rpcs).
            max_in_flight=settings.max_concurrent_rpcs if native else 0,
            max_open_streams=settings.max_open_streams if native else 0,
        )
        self.metrics = MetricsEndpoint(self.rules) if settings.metrics_port else None
        self.page = ControlPage(self.engine) if settings.page_port else None
        self.transport: Transport = (
            NativeTransport(settings, self.rules, tls)
            if native
            else GrpcioTransport(settings, self.rules, tls)
        )
        self.tls = "off" if tls is None else "mutual" if tls.client_ca else "on"
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
    def port(self) -> int:
        return self.transport.port

    @property
    def address(self) -> str:
        host = self.settings.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"{host}:{self.port}"

    def _sweep(self) -> None:
        while not self._stop.wait(30.0):
            try:
                self.engine.core.sweep()
            except Exception:
                log.exception("session sweep failed")

    def start(self) -> ChatadsServer:
        level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
        json_logs = self.settings.log_format == "json"
        configure_logging(
            level if isinstance(level, str) else "INFO", "json" if json_logs else "text"
        )
        if self.page is not None:
            # First: a port in use then fails the start before anything else listens.
            self.page.serve(self.settings.page_host, self.settings.page_port)
        try:
            self.transport.start()
        except BaseException:
            self._stop_page()
            raise
        self._sweeper.start()
        if self.metrics is not None:
            port = self.metrics.serve(self.settings.metrics_host, self.settings.metrics_port)
            log.info("metrics on http://%s:%d/metrics", self.settings.metrics_host, port)
        if self.page is not None:
            public = self.settings.control_page_url()
            linked = "" if public == self.page.address else f" (control links point to {public})"
            log.info("transparency page on %s%s", self.page.address, linked)
            if not self.settings.page_url and self.settings.page_host.strip("[]") in (
                "0.0.0.0",
                "::",
            ):
                log.warning(
                    "page_host %s: control links point to %s, which browsers cannot open; "
                    "set page_url (CHATADS_PAGE_URL) to the page's public address",
                    self.settings.page_host,
                    public,
                )
        log.info(
            "chatads serving on %s (%s transport, %d ads, TLS %s)",
            self.address,
            self.settings.transport,
            len(self.engine),
            self.tls,
        )
        return self

    def stop(self, grace: float | None = 5.0) -> None:
        self.transport.set_serving(False)
        self._stop.set()
        self.transport.stop(grace or 0.0)
        if self.metrics is not None:
            self.metrics.stop()
        self._stop_page()

    def _stop_page(self) -> None:
        if self.page is not None:
            self.page.stop()

    def drain(self, grace: float | None = None) -> bool:
        """Shut down gracefully: health NOT_SERVING, new calls refused (UNAVAILABLE),
        in-flight calls and open streams given `grace` seconds (default
        `shutdown_grace_s`) to finish, then the server stops and the engine saves its
        state. False if saving failed."""
        grace = self.settings.shutdown_grace_s if grace is None else grace
        self.transport.set_serving(False)
        self.rules.start_draining()
        started = time.perf_counter()
        busy = self.rules.busy
        deadline = time.monotonic() + grace
        drained = False
        while True:
            left = deadline - time.monotonic()
            # Short waits, so that a second signal (`hurry`) is noticed at once.
            if self.rules.wait_idle(min(0.1, max(left, 0.0))):
                drained = True
                log.info(
                    "drained %d in-flight call(s) in %.2fs", busy, time.perf_counter() - started
                )
                break
            if left <= 0 or self._hurry.is_set():
                why = (
                    "second signal"
                    if self._hurry.is_set()
                    else f"grace period of {grace:.1f}s over"
                )
                log.warning("%s: cancelling %d call(s)", why, self.rules.busy)
                break
        self._stop.set()
        # Drained: the last replies and trailers still go out (idle connections close
        # at once). Not drained: what is left is cancelled now.
        self.transport.stop(1.0 if drained else 0.0)
        if self.metrics is not None:
            self.metrics.stop()
        self._stop_page()
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


def serve(settings: Settings | None = None, *, load_demo: bool | None = None) -> int:
    """Serve in the foreground until SIGINT/SIGTERM, then drain; returns the exit code
    (0, or 1 when the engine state could not be saved)."""
    settings = settings or Settings()
    access_from(settings)  # refuse a bad configuration before loading anything
    engine = Engine(settings)
    recovered = engine.stats()["ads"]
    if recovered:
        source = "redis" if settings.redis_url else settings.data_dir
        log.info("recovered %d ads from %s", recovered, source)
    if (settings.demo_catalog if load_demo is None else load_demo) and not recovered:
        started = time.perf_counter()
        n = engine.load_demo_catalog()
        log.info("loaded %d demo ads in %.1fs", n, time.perf_counter() - started)
    server = ChatadsServer(settings, engine).start()
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        # Runs in the main thread, between two bytecodes: it takes no lock that the
        # main thread might hold at that moment (an Event's would deadlock).
        nonlocal stopping
        if stopping:
            server.hurry()
            return
        log.info("signal %d: draining", signum, extra={"signal": signum})
        stopping = True

    with _signal_wakeup() as wakeup:
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        print(f"chatads listening on {server.address}", flush=True)
        while not stopping:
            wakeup()
        return 0 if server.drain() else 1


@contextlib.contextmanager
def _signal_wakeup() -> Iterator[Callable[[], None]]:
    """A wait that any signal ends, whichever thread the kernel hands it to.

    A process-directed SIGTERM may be delivered to any thread that does not block it:
    grpcio's, tokio's or FAISS's as well as the main one. Python then only flags it,
    and its handler runs when the main thread next executes Python code, which a main
    thread blocked on a lock never does. `signal.set_wakeup_fd` makes the signal also
    write a byte to a socket, whichever thread took it, and the main thread waits on
    that socket; the handler then runs at once."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def wait() -> None:
        select.select([reader], [], [], 1.0)
        with contextlib.suppress(BlockingIOError):
            reader.recv(4096)

    try:
        yield wait
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()
