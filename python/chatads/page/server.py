"""The transparency page's HTTP server: its static files and a JSON API over `LinkedUser`.

A person opens a control link, `<page>/#t=<token>`. The token sits in the URL's
fragment, so browsers never send it to the server in a request line or a `Referer`.
The page's script reads it and sends it on every API call as
`Authorization: Bearer <token>`. The token is the only way to address a user here:
no route takes a user id. Each engine call checks the token's signature and
expiry again, in Rust. A missing, malformed, forged or expired token gets 401 and
no data.

The server logs the method, route, status and duration of each call, never the
token, the query string or a body.
"""

from __future__ import annotations

import errno
import http.server
import json
import logging
import threading
import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from urllib.parse import parse_qs, urlsplit

from google.protobuf.json_format import MessageToDict

if TYPE_CHECKING:
    from google.protobuf.message import Message

    from chatads.engine import Engine, LinkedUser

log = logging.getLogger("chatads.page")

#: Larger request bodies get 413 unread (every API body is a few fields).
MAX_BODY_BYTES = 16 * 1024
#: A longer Authorization header is not a token the engine could have issued.
MAX_TOKEN_BYTES = 2048

#: On every response, errors included. The page has no inline script or style and
#: loads nothing from elsewhere, so `default-src 'self'` holds.
SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)

#: URL path → (file in static/, content type).
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
}

INVALID_LINK = "token: this link has expired or is invalid; ask your chat app for a new one"
LEVELS = ("full", "contextual", "none")


class ApiError(Exception):
    """An answer other than 200, with the message (naming the field) the caller gets."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers


def _invalid_link() -> ApiError:
    return ApiError(401, INVALID_LINK, "token", (("WWW-Authenticate", "Bearer"),))


def _bad(field: str, why: str) -> ApiError:
    return ApiError(400, f"{field}: {why}", field)


class Fields:
    """The fields of a JSON body (or a query string), each read once and checked;
    `done()` refuses any field nobody asked for."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._read: set[str] = set()

    def _get(self, name: str) -> Any:
        self._read.add(name)
        return self._data.get(name)

    def text(self, name: str, *, required: bool = True) -> str:
        value = self._get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value):
            raise _bad(name, "must be a non-empty string" if required else "must be a string")
        return value

    def flag(self, name: str, *, required: bool = False) -> bool:
        value = self._get(name)
        if value is None and not required:
            return False
        if not isinstance(value, bool):
            raise _bad(name, "must be true or false")
        return value

    def topic_id(self, name: str = "topic_id") -> int:
        value = self._get(name)
        # bool is an int in Python; true is not a topic.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**32:
            raise _bad(name, "must be a Topics taxonomy id (a positive integer)")
        return value

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self._get(name)
        if value not in allowed:
            raise _bad(name, f"must be one of {', '.join(allowed)}")
        return cast(str, value)

    def done(self) -> None:
        extra = sorted(set(self._data) - self._read)
        if extra:
            raise _bad(extra[0], "unknown field")


def _dict(message: Message) -> dict[str, Any]:
    return MessageToDict(  # type: ignore[no-any-return]
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def state(user: LinkedUser) -> dict[str, Any]:
    """Everything the page shows: what is held, the controls, the ad history."""
    return {
        "profile": _dict(user.profile_report()),
        "controls": _dict(user.controls()),
        "history": _dict(user.ad_history()),
    }


# ---- the API: one function per route, (page, linked user, fields) → JSON ------------

Route = Callable[["ControlPage", "LinkedUser", Fields], dict[str, Any]]


def _me(page: ControlPage, user: LinkedUser, f: Fields) -> dict[str, Any]:
    f.done()
    return state(user)


def _explain(page: ControlPage, user: LinkedUser, f: Fields) -> dict[str, Any]:
    ad_id = f.text("ad_id")
    f.done()
    return _dict(user.explain_ad(ad_id))


def _topics(page: ControlPage, user: LinkedUser, f: Fields) -> dict[str, Any]:
    f.done()
    return {"topics": page.topics()}


def _action(act: Callable[[LinkedUser, Fields], dict[str, Any]]) -> Route:
    """A change: done, then answered with the state after it, so the page re-renders
    from one source."""

    def route(page: ControlPage, user: LinkedUser, f: Fields) -> dict[str, Any]:
        result = act(user, f)
        return {"result": result, "me": state(user)}

    return route


def _hide(user: LinkedUser, f: Fields) -> dict[str, Any]:
    ad_id, whole = f.text("ad_id"), f.flag("whole_advertiser")
    f.done()
    user.hide_ad(ad_id, whole_advertiser=whole)
    return {}


def _unhide(user: LinkedUser, f: Fields) -> dict[str, Any]:
    ad_id, advertiser = f.text("ad_id", required=False), f.text("advertiser", required=False)
    f.done()
    if bool(ad_id) == bool(advertiser):
        raise _bad("ad_id", "give either ad_id or advertiser")
    user.unhide_ad(ad_id=ad_id, advertiser=advertiser)
    return {}


def _topic_action(name: str) -> Callable[[LinkedUser, Fields], dict[str, Any]]:
    def act(user: LinkedUser, f: Fields) -> dict[str, Any]:
        topic = f.topic_id()
        f.done()
        getattr(user, name)(topic)
        return {}

    return act


def _personalization(user: LinkedUser, f: Fields) -> dict[str, Any]:
    level = f.choice("level", LEVELS)
    f.done()
    user.set_personalization(level)
    return {}


def _clear_history(user: LinkedUser, f: Fields) -> dict[str, Any]:
    ad_id = f.text("ad_id", required=False)
    f.done()
    return {"cleared": user.clear_ad_history(ad_id)}


def _opt_out(user: LinkedUser, f: Fields) -> dict[str, Any]:
    opted_out = f.flag("opted_out", required=True)
    f.done()
    return {"opted_out": user.set_opt_out(opted_out)}


def _forget(user: LinkedUser, f: Fields) -> dict[str, Any]:
    # The page asks for confirmation first; the API insists on it too.
    if not f.flag("confirm", required=True):
        raise _bad("confirm", "must be true: forgetting cannot be undone")
    f.done()
    return {"had_data": user.forget()}


#: path → {HTTP method → route}
API: dict[str, dict[str, Route]] = {
    "/api/me": {"GET": _me},
    "/api/explain": {"GET": _explain},
    "/api/topics": {"GET": _topics},
    "/api/hide": {"POST": _action(_hide)},
    "/api/unhide": {"POST": _action(_unhide)},
    "/api/block": {"POST": _action(_topic_action("block_topic"))},
    "/api/unblock": {"POST": _action(_topic_action("unblock_topic"))},
    "/api/remove-interest": {"POST": _action(_topic_action("remove_interest"))},
    "/api/personalization": {"POST": _action(_personalization)},
    "/api/history/clear": {"POST": _action(_clear_history)},
    "/api/opt-out": {"POST": _action(_opt_out)},
    "/api/forget": {"POST": _action(_forget)},
}


def _token_problem(exc: ValueError) -> bool:
    """Whether the engine refused the token (rather than a field of the request)."""
    field = getattr(exc, "field", None)
    return field == "token" or (field is None and str(exc).startswith("token"))


class _Http(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], page: ControlPage) -> None:
        self.page = page
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer; not worth a traceback on stderr.
        log.debug("page connection error", exc_info=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "chatads-page"
    timeout = 15.0  # seconds a client may take to send its request

    @property
    def page(self) -> ControlPage:
        return cast(_Http, self.server).page

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request line is not logged: one record per call, in `_dispatch`

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def _dispatch(self) -> None:
        started = time.perf_counter()
        path = urlsplit(self.path).path
        route = path if path in API or path in STATIC_FILES else "(unknown)"
        try:
            answer = self._answer(path)
        except ApiError as exc:
            body: dict[str, Any] = {"error": exc.message}
            if exc.field:
                body["field"] = exc.field
            answer = _json(exc.status, body, exc.headers)
        status = answer.status
        # Logged before the answer goes out, so the record exists once the client has it.
        log.debug(
            "page %s %s: %d",
            self.command,
            route,
            status,
            extra={
                "method": f"{self.command} {route}",
                "code": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            },
        )
        self._send(answer)

    def _answer(self, path: str) -> Answer:
        # HTTP/1.0: one request per connection, so a body left unread is never taken
        # for the next request.
        if path in STATIC_FILES:
            self._allow(("GET",))
            body, content_type = self.page.static(path)
            return Answer(200, content_type, body)
        routes = API.get(path)
        if routes is None:
            raise ApiError(404, f"path: no such page or API call: {path[:100]}", "path")
        route = routes[self._allow(tuple(routes))]
        raw = self._body() if self.command == "POST" else b""
        user = self._user()
        if self.command == "POST":
            fields = Fields(self._json_object(raw))
        else:
            query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
            fields = Fields({k: v[-1] for k, v in query.items()})
        try:
            reply = route(self.page, user, fields)
        except ApiError:
            raise
        except ValueError as exc:
            if _token_problem(exc):
                raise _invalid_link() from None
            raise ApiError(400, str(exc), getattr(exc, "field", None)) from None
        except LookupError as exc:
            raise ApiError(404, str(exc), getattr(exc, "field", None)) from None
        except Exception:
            log.exception("page %s %s failed", self.command, path)
            raise ApiError(500, "internal error: the engine could not answer") from None
        return _json(200, reply)

    def _allow(self, methods: tuple[str, ...]) -> str:
        if self.command not in methods:
            allowed = ", ".join(methods)
            raise ApiError(
                405,
                f"method: {self.command} is not allowed here; use {allowed}",
                "method",
                (("Allow", allowed),),
            )
        return self.command

    def _user(self) -> LinkedUser:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_BYTES:
            raise _invalid_link()
        try:
            return self.page.engine.linked(token)
        except ValueError:
            raise _invalid_link() from None

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(411, "Content-Length: required (chunked bodies are not accepted)")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            raise _bad("Content-Length", "must be a number of bytes")
        if length > MAX_BODY_BYTES:
            # Read (a bounded amount) and drop it, so the client, still sending, gets
            # the 413 rather than a reset connection.
            left = min(length, 64 * MAX_BODY_BYTES)
            while left > 0 and (chunk := self.rfile.read(min(left, 65536))):
                left -= len(chunk)
            raise ApiError(413, f"body: at most {MAX_BODY_BYTES} bytes", "body")
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise ApiError(415, "Content-Type: must be application/json", "Content-Type")
        return raw

    @staticmethod
    def _json_object(raw: bytes) -> dict[str, Any]:
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise _bad("body", "must be JSON") from None
        if not isinstance(data, dict):
            raise _bad("body", "must be a JSON object")
        return data

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)


class Answer(NamedTuple):
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _json(status: int, body: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(status, "application/json", data, headers)


class ControlPage:
    """The transparency page and its API on a port of its own, for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.port = 0
        self.host = ""
        folder = resources.files("chatads.page") / "static"
        self._static = {
            path: ((folder / name).read_bytes(), content_type)
            for path, (name, content_type) in STATIC_FILES.items()
        }
        self._topics: list[dict[str, Any]] | None = None
        self._http: _Http | None = None

    def static(self, path: str) -> tuple[bytes, str]:
        return self._static[path]

    def topics(self) -> list[dict[str, Any]]:
        """The taxonomy for the page's "block a topic" box (the same for everyone)."""
        if self._topics is None:
            self._topics = [{"id": i, "name": name} for i, name in self.engine.topics()]
        return self._topics

    def serve(self, host: str, port: int) -> int:
        """Listen on `host:port` (0 = any free port) and serve in a thread; returns the
        port. Raises OSError with a message saying what to do when it cannot listen."""
        bind = host.strip("[]")
        try:
            self._http = _Http((bind, port), self)
        except OSError as exc:
            why = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise OSError(
                f"page_port {port}: cannot listen on {host}:{port} for the transparency page "
                f"({why}); choose another with --page-port or CHATADS_PAGE_PORT, or 0 for "
                "no page",
            ) from None
        threading.Thread(target=self._http.serve_forever, name="chatads-page", daemon=True).start()
        self.host = host
        self.port = int(self._http.server_address[1])
        return self.port

    @property
    def address(self) -> str:
        host = self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
