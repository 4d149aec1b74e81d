"""The transparency page: its HTTP API over loopback with a real engine, and the page
itself in a real headless Chromium (Debian's, driven by selenium)."""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from chatads import Engine, Settings
from chatads.logs import JsonLineFormatter
from chatads.page import ControlPage
from chatads.page.server import MAX_BODY_BYTES, SECURITY_HEADERS
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from tests.conftest import TC_P1234, make_settings

ROOT = Path(__file__).resolve().parent.parent
#: Where the screenshots go: CHATADS_SCREENSHOT_DIR (`make screenshots` sets docs/img),
#: else a directory of the run, so that `make test` leaves the tree as it was.
SCREENSHOTS = Path(
    os.environ.get("CHATADS_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="chatads-screenshots-")
)

TRAVEL = [
    "I'm planning a trip to Lisbon in May, looking for cheap flights.",
    "Which hotel near the old town would you recommend?",
    "Is it easy to rent a car there for a road trip along the coast?",
]
RUNNING = [
    "I just signed up for my first marathon.",
    "Which running shoes would you recommend for long distances?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- a real engine, with people who chatted, and the page in front of it -------------


class Site:
    """An engine with the demo catalog and the page serving it on a loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.settings = make_settings(page_port=self.port)
        self.engine = Engine(self.settings)
        self.engine.load_demo_catalog(2000)
        self.page = ControlPage(self.engine)
        self.page.serve("127.0.0.1", self.port)

    def person(self, user_id: str, turns: list[str] = TRAVEL, ttl_s: int = 0) -> str:
        """A user who chatted (so there is a profile and an ad history); their link's token."""
        for i, text in enumerate(turns):
            self.engine.score(
                user_id,
                f"{user_id}-s",
                text,
                max_ads=3,
                gdpr=1,
                consent=TC_P1234,
                request_id=str(i),
            )
        return self.engine.issue_control_link(user_id, ttl_s=ttl_s).token

    def url(self, token: str | None = None) -> str:
        base = f"http://127.0.0.1:{self.port}/"
        return base if token is None else f"{base}#t={token}"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.page.stop()


class Reply:
    def __init__(self, resp: http.client.HTTPResponse) -> None:
        self.status = resp.status
        self.headers = {k.lower(): v for k, v in resp.getheaders()}
        self.raw = resp.read()

    @property
    def json(self) -> Any:
        return json.loads(self.raw)


def call(
    port: int,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    *,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sent = dict(headers or {})
    if token is not None:
        sent.setdefault("Authorization", f"Bearer {token}")
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=sent)
        return Reply(conn.getresponse())
    finally:
        conn.close()


def stable(state: dict[str, Any]) -> dict[str, Any]:
    """A state without what changes by itself (interest weights fade by the second)."""
    profile = dict(state["profile"])
    profile["topics"] = [(t["id"], t["name"]) for t in profile["topics"]]
    return {**state, "profile": profile}


def me(site: Site, token: str) -> dict[str, Any]:
    r = call(site.port, "GET", "/api/me", token)
    assert r.status == 200, r.raw
    state: dict[str, Any] = r.json
    return state


def post(site: Site, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    r = call(site.port, "POST", path, token, body)
    assert r.status == 200, (path, r.status, r.raw)
    assert set(r.json) == {"result", "me"}
    reply: dict[str, Any] = r.json
    return reply


def assert_security_headers(r: Reply) -> None:
    for name, value in SECURITY_HEADERS:
        assert r.headers.get(name.lower()) == value, (name, r.headers)
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "Python" not in r.headers.get("server", "")


# ---- settings --------------------------------------------------------------------------


def test_control_page_url_follows_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHATADS_PAGE_PORT", raising=False)  # see conftest
    assert Settings().control_page_url() == "http://127.0.0.1:8090/"
    assert Settings(page_port=0).control_page_url() == ""
    assert Settings(page_port=9000, page_host="::1").control_page_url() == "http://[::1]:9000/"
    public = Settings(page_url="https://ads.example/privacy/")
    assert public.control_page_url() == "https://ads.example/privacy/"
    for bad in ("ftp://x/", "https://x/#frag", "x"):
        with pytest.raises(ValueError, match="page_url"):
            Settings(page_url=bad)
    with pytest.raises(ValueError, match="page_port"):
        Settings(page_port=70000)


# ---- static files and headers ----------------------------------------------------------


def test_page_files_are_served_with_the_security_headers(site: Site) -> None:
    index = call(site.port, "GET", "/")
    assert index.status == 200
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert_security_headers(index)
    html = index.raw.decode()
    # Nothing inline, so that CSP default-src 'self' holds: scripts and styles are files.
    assert '<script src="/static/app.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html)
    assert "http://" not in html and "https://" not in html
    for path, kind in (
        ("/static/app.js", "text/javascript"),
        ("/static/style.css", "text/css"),
        ("/static/favicon.svg", "image/svg+xml"),
    ):
        r = call(site.port, "GET", path)
        assert r.status == 200 and r.headers["content-type"].startswith(kind), path
        assert_security_headers(r)
        assert b"http://" not in r.raw.replace(b"http://www.w3.org/2000/svg", b"")
    # Errors carry them too, including the ones http.server itself answers.
    for r in (
        call(site.port, "GET", "/nothing-here"),
        call(site.port, "GET", "/api/me"),
        call(site.port, "POST", "/", body={}),
        call(site.port, "BREW", "/"),
    ):
        assert r.status in (401, 404, 405, 501), r.status
        assert_security_headers(r)


# ---- the token is the only key ---------------------------------------------------------


def test_without_a_valid_token_the_api_answers_401_and_no_data(site: Site) -> None:
    token = site.person("page-alice")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    payload, tag = token.rsplit(".", 1)[0], token.rsplit(".", 1)[1]
    other = site.engine.issue_control_link("page-mallory").token
    spliced = other.rsplit(".", 1)[0] + "." + tag  # someone else's body, alice's tag
    cases: list[dict[str, str]] = [
        {},
        {"Authorization": ""},
        {"Authorization": f"Basic {token}"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {spliced}"},
        {"Authorization": f"Bearer {payload}"},
        {"Authorization": f"Bearer {token}x"},
        {"Authorization": "Bearer " + "A" * 5000},
    ]
    for headers in cases:
        for method, path, body in (
            ("GET", "/api/me", None),
            ("GET", "/api/explain?ad_id=x", None),
            ("GET", "/api/topics", None),
            ("POST", "/api/forget", {"confirm": True}),
            ("POST", "/api/opt-out", {"opted_out": True}),
        ):
            r = call(site.port, method, path, body=body, headers=headers)
            assert r.status == 401, (headers, path, r.status, r.raw)
            assert r.headers["www-authenticate"] == "Bearer"
            assert r.json == {
                "error": "token: this link has expired or is invalid; ask your chat app for "
                "a new one",
                "field": "token",
            }
            assert_security_headers(r)
    # None of those calls changed anything.
    state = me(site, token)
    assert state["profile"]["exists"] and state["history"]["entries"]
    assert not state["controls"]["opted_out"]


def test_an_expired_link_gets_401(site: Site) -> None:
    token = site.person("page-brief", ttl_s=2)  # at least 2 s, to the whole second
    assert call(site.port, "GET", "/api/me", token).status == 200
    time.sleep(3.1)  # the engine checks expiry against the wall clock
    r = call(site.port, "GET", "/api/me", token)
    assert r.status == 401 and "profile" not in r.json
    with pytest.raises(ValueError, match="token"):
        site.engine.linked(token)


def test_one_persons_link_never_shows_another_persons_data(site: Site) -> None:
    alice = site.person("page-ana", TRAVEL)
    bob = site.person("page-ben", RUNNING)
    a, b = me(site, alice), me(site, bob)
    a_ads = {e["ad_id"] for e in a["history"]["entries"]}
    b_ads = {e["ad_id"] for e in b["history"]["entries"]}
    assert a_ads and b_ads and not a_ads & b_ads
    a_topics = {t["id"] for t in a["profile"]["topics"]}
    b_topics = {t["id"] for t in b["profile"]["topics"]}
    assert a_topics != b_topics
    assert a["profile"]["turns"] == len(TRAVEL) and b["profile"]["turns"] == len(RUNNING)
    # Bob acting on Alice's ads and topics changes Bob's controls, never Alice's.
    ad = sorted(a_ads)[0]
    post(site, "/api/hide", bob, {"ad_id": ad})
    post(site, "/api/block", bob, {"topic_id": sorted(a_topics)[0]})
    post(site, "/api/history/clear", bob, {})
    post(site, "/api/forget", bob, {"confirm": True})
    assert stable(me(site, alice)) == stable(a)
    # No route takes a user id: the token is the only way to name a person.
    for method, path, body in (
        ("GET", "/api/me?user_id=page-ana", None),
        ("POST", "/api/hide", {"ad_id": ad, "user_id": "page-ana"}),
        ("POST", "/api/forget", {"confirm": True, "user_id": "page-ana"}),
    ):
        r = call(site.port, method, path, bob, body)
        assert r.status == 400 and r.json["field"] == "user_id", r.raw
    assert stable(me(site, alice)) == stable(a)
    # What the page sends back holds no raw user id.
    assert b"page-ana" not in call(site.port, "GET", "/api/me", alice).raw


# ---- every control changes what /api/me returns ----------------------------------------


def test_each_action_changes_what_the_page_shows(site: Site) -> None:
    token = site.person("page-carla", TRAVEL + RUNNING)
    state = me(site, token)
    entries = state["history"]["entries"]
    topics = state["profile"]["topics"]
    assert entries and topics
    assert state["controls"]["level"] == "LEVEL_FULL"
    first = entries[0]
    assert first["title"] and first["advertiser"] and int(first["shown_at_ms"]) > 0
    assert first["personalization"] in ("PERSONALIZED", "CONTEXTUAL") and first["explanation"]

    # Why this ad.
    r = call(site.port, "GET", f"/api/explain?ad_id={first['ad_id']}", token)
    assert r.status == 200, r.raw
    assert r.json["ad_id"] == first["ad_id"] and r.json["explanation"]
    assert r.json["advertiser"] == first["advertiser"]

    # Hide an ad, then its whole advertiser; and back.
    after = post(site, "/api/hide", token, {"ad_id": first["ad_id"]})["me"]
    assert [h["ad_id"] for h in after["controls"]["hidden_ads"]] == [first["ad_id"]]
    after = post(site, "/api/unhide", token, {"ad_id": first["ad_id"]})["me"]
    assert after["controls"]["hidden_ads"] == []
    after = post(site, "/api/hide", token, {"ad_id": first["ad_id"], "whole_advertiser": True})
    hidden = after["me"]["controls"]["hidden_advertisers"]
    assert [h["advertiser"] for h in hidden] == [first["advertiser"]]
    after = post(site, "/api/unhide", token, {"advertiser": first["advertiser"]})["me"]
    assert after["controls"]["hidden_advertisers"] == []

    # Block a topic and unblock it; remove an interest.
    topic = topics[0]
    after = post(site, "/api/block", token, {"topic_id": topic["id"]})["me"]
    assert [t["id"] for t in after["controls"]["blocked_topics"]] == [topic["id"]]
    assert after["controls"]["blocked_topics"][0]["name"] == topic["name"]
    after = post(site, "/api/unblock", token, {"topic_id": topic["id"]})["me"]
    assert after["controls"]["blocked_topics"] == []
    held = [t["id"] for t in me(site, token)["profile"]["topics"]]
    removed = held[0]
    after = post(site, "/api/remove-interest", token, {"topic_id": removed})["me"]
    assert removed not in [t["id"] for t in after["profile"]["topics"]]

    # Personalisation level.
    for level, wire in (("contextual", "LEVEL_CONTEXTUAL"), ("none", "LEVEL_NO_ADS")):
        after = post(site, "/api/personalization", token, {"level": level})["me"]
        assert after["controls"]["level"] == wire
    assert post(site, "/api/personalization", token, {"level": "full"})["me"]["controls"][
        "level"
    ] == ("LEVEL_FULL")

    # Ad history: one ad's entries, then all.
    ad_ids = [e["ad_id"] for e in me(site, token)["history"]["entries"]]
    reply = post(site, "/api/history/clear", token, {"ad_id": ad_ids[0]})
    assert reply["result"]["cleared"] == ad_ids.count(ad_ids[0])
    assert ad_ids[0] not in [e["ad_id"] for e in reply["me"]["history"]["entries"]]
    reply = post(site, "/api/history/clear", token, {})
    assert reply["result"]["cleared"] == len(ad_ids) - ad_ids.count(ad_ids[0])
    assert reply["me"]["history"]["entries"] == []

    # Opt out (the profile goes) and back in.
    reply = post(site, "/api/opt-out", token, {"opted_out": True})
    assert reply["result"] == {"opted_out": True}
    assert reply["me"]["controls"]["opted_out"] and reply["me"]["profile"]["opted_out"]
    assert not reply["me"]["profile"]["exists"] and reply["me"]["profile"]["topics"] == []
    reply = post(site, "/api/opt-out", token, {"opted_out": False})
    assert reply["result"] == {"opted_out": False} and not reply["me"]["controls"]["opted_out"]


def test_forget_me_leaves_nothing_held(site: Site) -> None:
    token = site.person("page-dora")
    state = me(site, token)
    ad = state["history"]["entries"][0]["ad_id"]
    post(site, "/api/hide", token, {"ad_id": ad})
    post(site, "/api/block", token, {"topic_id": state["profile"]["topics"][0]["id"]})
    post(site, "/api/personalization", token, {"level": "contextual"})
    reply = post(site, "/api/forget", token, {"confirm": True})
    assert reply["result"] == {"had_data": True}
    gone = reply["me"]
    assert stable(gone) == stable(me(site, token))
    assert not gone["profile"]["exists"] and gone["profile"]["topics"] == []
    assert gone["history"]["entries"] == []
    controls = gone["controls"]
    assert controls["hidden_ads"] == [] and controls["blocked_topics"] == []
    assert controls["hidden_advertisers"] == [] and not controls["opted_out"]
    assert controls["level"] in ("LEVEL_FULL", "PERSONALIZATION_LEVEL_UNSPECIFIED")
    again = post(site, "/api/forget", token, {"confirm": True})
    assert again["result"] == {"had_data": False}


# ---- bad requests ------------------------------------------------------------------------


def test_bad_requests_name_the_field(site: Site) -> None:
    token = site.person("page-eve")
    cases: list[tuple[str, str, Any, str]] = [
        ("/api/block", "POST", {"topic_id": "334"}, "topic_id"),
        ("/api/block", "POST", {"topic_id": True}, "topic_id"),
        ("/api/block", "POST", {"topic_id": 0}, "topic_id"),
        ("/api/unblock", "POST", {"topic_id": -3}, "topic_id"),
        ("/api/remove-interest", "POST", {"topic_id": 2**40}, "topic_id"),
        ("/api/remove-interest", "POST", {}, "topic_id"),
        ("/api/block", "POST", {"topic_id": 334, "extra": 1}, "extra"),
        ("/api/personalization", "POST", {"level": "max"}, "level"),
        ("/api/personalization", "POST", {"level": None}, "level"),
        ("/api/hide", "POST", {"ad_id": ""}, "ad_id"),
        ("/api/hide", "POST", {"ad_id": 12}, "ad_id"),
        ("/api/hide", "POST", {"ad_id": "a", "whole_advertiser": "yes"}, "whole_advertiser"),
        ("/api/unhide", "POST", {}, "ad_id"),
        ("/api/unhide", "POST", {"ad_id": "a", "advertiser": "b.example"}, "ad_id"),
        ("/api/history/clear", "POST", {"ad_id": 5}, "ad_id"),
        ("/api/opt-out", "POST", {}, "opted_out"),
        ("/api/opt-out", "POST", {"opted_out": 1}, "opted_out"),
        ("/api/forget", "POST", {}, "confirm"),
        ("/api/forget", "POST", {"confirm": False}, "confirm"),
        ("/api/explain", "GET", None, "ad_id"),
        ("/api/explain?ad_id=", "GET", None, "ad_id"),
        ("/api/me?x=1", "GET", None, "x"),
    ]
    for path, method, body, field in cases:
        r = call(site.port, method, path, token, body)
        assert r.status == 400, (path, body, r.status, r.raw)
        assert r.json["field"] == field and r.json["error"].startswith(f"{field}: "), r.json
        assert_security_headers(r)
    deep = b"[" * 8000 + b"]" * 8000  # within the size limit, beyond the parser's depth
    for raw, field in (
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b"\xff\xfe", "body"),
        (deep, "body"),
    ):
        r = call(site.port, "POST", "/api/block", token, raw=raw)
        assert r.status == 400 and r.json["field"] == field, r.raw
    # The engine's own checks come back as 400 too, naming its field.
    r = call(site.port, "POST", "/api/block", token, {"topic_id": 999_999})
    assert r.status == 400 and r.json["field"] == "topic_id", r.raw
    # An ad the catalog does not have.
    r = call(site.port, "GET", "/api/explain?ad_id=no-such-ad", token)
    assert r.status == 404 and r.json["field"] == "ad_id", r.raw
    # Not JSON.
    r = call(
        site.port,
        "POST",
        "/api/opt-out",
        token,
        raw=b"opted_out=true",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 415
    # Unknown paths, wrong methods.
    for path in ("/api/nope", "/admin", "/static/../server.py", "/static/missing.js"):
        r = call(site.port, "GET", path, token)
        assert r.status == 404 and r.json["field"] == "path", (path, r.raw)
        assert_security_headers(r)
    for method, path, allowed in (
        ("GET", "/api/hide", "POST"),
        ("POST", "/api/me", "GET"),
        ("DELETE", "/api/forget", "POST"),
        ("PUT", "/", "GET"),
        ("POST", "/static/app.js", "GET"),
    ):
        r = call(site.port, method, path, token, {} if method != "GET" else None)
        assert r.status == 405 and r.headers["allow"] == allowed, (method, path, r.raw)
        assert r.json["field"] == "method"
        assert_security_headers(r)
    # Too large a body: refused unread, whatever the token.
    big = b'{"ad_id": "' + b"a" * MAX_BODY_BYTES + b'"}'
    for who in (token, None):
        r = call(site.port, "POST", "/api/hide", who, raw=big)
        assert r.status == 413 and r.json["field"] == "body", r.raw
        assert_security_headers(r)
    # Nothing above changed anything.
    state = me(site, token)
    assert state["controls"]["hidden_ads"] == [] and state["controls"]["blocked_topics"] == []
    assert not state["controls"]["opted_out"] and state["profile"]["exists"]


def test_the_logs_hold_no_token_and_no_user_data(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    user = "page-secret-user-7f3a"
    token = site.person(user)
    with caplog.at_level(logging.DEBUG):
        state = me(site, token)
        ad = state["history"]["entries"][0]["ad_id"]
        call(site.port, "GET", f"/api/explain?ad_id={ad}", token)
        post(site, "/api/hide", token, {"ad_id": ad})
        call(site.port, "POST", "/api/block", token, {"topic_id": "bad"})
        call(site.port, "GET", f"/api/me?t={token}", token)
        call(site.port, "GET", f"/nowhere/{token}", token)
        call(site.port, "GET", "/api/me", token + "x")
        post(site, "/api/forget", token, {"confirm": True})
    records = [r for r in caplog.records if r.name == "chatads.page"]
    assert len(records) >= 8  # one per call
    formatter = JsonLineFormatter()
    text = caplog.text + "\n".join(formatter.format(r) for r in caplog.records)
    for secret in (token, token.split(".")[1], user, ad):
        assert secret not in text
    assert any('"method": "POST /api/hide"' in formatter.format(r) for r in records)


# ---- as part of the server ---------------------------------------------------------------


def test_the_server_serves_the_page_and_logs_where(
    demo_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    settings = make_settings(page_port=port)
    with caplog.at_level(logging.INFO, logger="chatads.server"):
        server = ChatadsServer(settings, demo_engine).start()
    try:
        assert f"transparency page on http://127.0.0.1:{port}/" in caplog.text
        assert call(port, "GET", "/").status == 200
        assert call(port, "GET", "/api/me").status == 401
    finally:
        server.stop(grace=None)
    with pytest.raises(OSError):
        call(port, "GET", "/")


def test_a_page_on_every_address_needs_its_public_url(
    demo_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(page_port=free_port(), page_host="0.0.0.0")
    with caplog.at_level(logging.WARNING, logger="chatads.server"):
        server = ChatadsServer(settings, demo_engine).start()
    server.stop(grace=None)
    assert "set page_url" in caplog.text


def test_a_port_in_use_fails_with_a_clear_message(demo_engine: Engine, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(OSError, match=rf"page_port {port}: .*the port is in use"):
            ControlPage(demo_engine).serve("127.0.0.1", port)
        grpc_port = free_port()
        server = ChatadsServer(make_settings(page_port=port, port=grpc_port), demo_engine)
        with pytest.raises(OSError, match="transparency page"):
            server.start()
        # Nothing was left listening.
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", grpc_port)) != 0
        # The command says so and exits 2.
        cmd = [sys.executable, "-m", "chatads.cli", "serve", "--port", "0", "--no-demo"]
        proc = subprocess.run(
            [*cmd, "--page-port", str(port), "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 2, proc.stderr
        assert f"page_port {port}" in proc.stderr and "in use" in proc.stderr


def test_served_process_links_work_and_logs_stay_clean(tmp_path: Path) -> None:
    """`chatads serve` with JSON logs at DEBUG: an exchange asks for a control link over
    gRPC (Privacy.IssueControlLink), the person opens the page; nothing they or the link
    carry shows up in what the process writes."""
    page_port = free_port()
    log_file = tmp_path / "server.log"
    env = {
        **os.environ,
        "CHATADS_DEMO_CATALOG_SIZE": "500",
        "CHATADS_GDPR_WHEN_UNKNOWN": "false",
        "CHATADS_LOG_LEVEL": "DEBUG",
        "CHATADS_PAGE_PORT": str(page_port),
    }
    cmd = [sys.executable, "-m", "chatads.cli", "serve", "--port", "0", "--log-format", "json"]
    cmd += ["--data-dir", str(tmp_path / "data")]
    user = "page-process-user-91c2"
    with log_file.open("w") as log_out:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=log_out, text=True)
        try:
            assert proc.stdout is not None
            m = re.search(r"listening on (\S+)", proc.stdout.readline())
            assert m, log_file.read_text()[-3000:]
            with grpc.insecure_channel(m.group(1)) as channel:
                scoring = chatads_pb2_grpc.AdScoringStub(channel)
                for i, text in enumerate(TRAVEL):
                    scoring.Score(
                        pb.ScoreRequest(
                            request_id=f"r{i}",
                            user_id=user,
                            session_id="s",
                            message=text,
                            max_ads=3,
                            regs=pb.Regs(gdpr=1),
                            consent=TC_P1234,
                        ),
                        timeout=10,
                    )
                privacy = chatads_pb2_grpc.PrivacyStub(channel)
                link = privacy.IssueControlLink(
                    pb.IssueControlLinkRequest(user_id=user), timeout=10
                )
            assert link.url == f"http://127.0.0.1:{page_port}/#t={link.token}"
            assert link.expires_at > time.time()
            state = call(page_port, "GET", "/api/me", link.token).json
            assert state["profile"]["exists"] and state["history"]["entries"]
            ad = state["history"]["entries"][0]["ad_id"]
            assert call(page_port, "POST", "/api/hide", link.token, {"ad_id": ad}).status == 200
            assert call(page_port, "GET", "/api/me", "forged." + link.token).status == 401
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
    logged = log_file.read_text()
    assert f"transparency page on http://127.0.0.1:{page_port}/" in logged
    assert '"method": "POST /api/hide"' in logged  # the page did log its calls
    for secret in (link.token, link.token.split(".")[1], user, ad, "Lisbon"):
        assert secret not in logged


# ---- in a real browser ---------------------------------------------------------------------

# selenium is imported here, not at the top, so that the API tests above still say
# what they found on a machine without it.


def _browser_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail(
            "the page's browser tests need Debian's chromium and chromium-driver: "
            "`make test-system-deps` installs them as root "
            "(apt-get install -y chromium chromium-driver)"
        )
    return browser, driver


@pytest.fixture()
def browser() -> Iterator[Any]:
    """A fresh headless Chromium per test (its own profile: no language remembered)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    path, driver_path = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = path
    for arg in (
        "--headless=new",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1200,1400",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        "--lang=en-US",
        "--no-first-run",
    ):
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium refuses to run as root otherwise
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, condition: Any, timeout: float = 15.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def visible(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return wait_for(driver, ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def text_in(driver: Any, css: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    wait_for(driver, ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def count_at_least(driver: Any, css: str, n: int) -> list[Any]:
    from selenium.webdriver.common.by import By

    found: list[Any] = wait_for(
        driver, lambda d: (els := d.find_elements(By.CSS_SELECTOR, css)) and len(els) >= n and els
    )
    return found


def open_page(driver: Any, site: Site, token: str) -> None:
    driver.get(site.url(token))
    visible(driver, "#app")
    count_at_least(driver, "#history-list .card", 1)
    count_at_least(driver, "#interest-list .interest", 1)


def screenshot(driver: Any, name: str, height: int) -> None:
    """The top of the page, `height` pixels of window (1200 wide), into the docs."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if driver.get_window_size()["height"] != height:
        driver.set_window_size(1200, height)
    driver.execute_script("window.scrollTo(0, 0)")
    wait_for(driver, lambda d: d.execute_script("return window.scrollY") == 0)
    assert driver.save_screenshot(str(SCREENSHOTS / name))


def no_console_errors(driver: Any) -> None:
    """No CSP violation, script error or failed load (a 401 the page expects aside)."""
    problems = [
        e["message"]
        for e in driver.get_log("browser")
        if e["level"] in ("SEVERE", "WARNING") and "401" not in e["message"]
    ]
    assert problems == []


def test_browser_shows_interests_and_history_and_changes_them(browser: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    token = site.person("page-browser-en", TRAVEL + RUNNING)
    open_page(browser, site, token)
    # The token left the address bar at once.
    assert "#t=" not in browser.current_url and token not in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.CSS_SELECTOR, "#app h1").text == "Your ads, your choice"
    state = me(site, token)
    first_topic = state["profile"]["topics"][0]
    leaf = first_topic["name"].rsplit("/", 1)[-1]
    text_in(browser, "#interest-list", leaf)
    text_in(browser, "#profile-summary", f"{state['profile']['turns']} of your messages")
    entry = state["history"]["entries"][0]
    text_in(browser, "#history-list", entry["title"])
    text_in(browser, "#history-list", entry["explanation"][:40])

    # Why this ad, on click.
    card = browser.find_element(By.CSS_SELECTOR, f'.card[data-ad-id="{entry["ad_id"]}"]')
    card.find_element(By.CSS_SELECTOR, '[data-action="explain"]').click()
    text_in(browser, f'.card[data-ad-id="{entry["ad_id"]}"] .explain', "To change this")
    screenshot(browser, "page-en.png", height=2100)

    # One card per ad, the latest three until asked for all.
    ads = list(dict.fromkeys(e["ad_id"] for e in state["history"]["entries"]))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#history-list .card")) == min(3, len(ads))
    if len(ads) > 3:
        browser.find_element(By.ID, "history-more").click()
        count_at_least(browser, "#history-list .card", len(ads))
    assert (
        browser.find_element(
            By.CSS_SELECTOR, f'.card[data-ad-id="{entry["ad_id"]}"] [data-action="explain"]'
        ).get_attribute("aria-expanded")
        == "true"
    )

    # Hide an ad.
    card = browser.find_element(By.CSS_SELECTOR, f'.card[data-ad-id="{entry["ad_id"]}"]')
    card.find_element(By.CSS_SELECTOR, '[data-action="hide"]').click()
    text_in(browser, "#status", "is hidden")
    visible(browser, f'#hidden-list [data-ad-id="{entry["ad_id"]}"]')
    assert [h["ad_id"] for h in me(site, token)["controls"]["hidden_ads"]] == [entry["ad_id"]]

    # Block a topic from the interests.
    row = browser.find_element(
        By.CSS_SELECTOR, f'#interest-list [data-topic-id="{first_topic["id"]}"]'
    )
    row.find_element(By.CSS_SELECTOR, '[data-action="block"]').click()
    visible(browser, f'#blocked-list [data-topic-id="{first_topic["id"]}"]')
    text_in(browser, "#status", f"“{leaf}” is blocked.")
    blocked = me(site, token)["controls"]["blocked_topics"]
    assert [t["id"] for t in blocked] == [first_topic["id"]]

    # Block another topic by typing its name.
    box = browser.find_element(By.ID, "block-input")
    box.send_keys("fast food")
    browser.find_element(By.CSS_SELECTOR, "#block-form button[type=submit]").click()
    text_in(browser, "#blocked-list", "Fast Food")
    assert len(me(site, token)["controls"]["blocked_topics"]) == 2

    # Switch the level.
    browser.find_element(By.CSS_SELECTOR, 'label[for="level-contextual"]').click()
    text_in(browser, "#status", "Saved: Current message only.")
    assert me(site, token)["controls"]["level"] == "LEVEL_CONTEXTUAL"
    assert browser.find_element(By.ID, "level-contextual").is_selected()

    # The opt-out switch.
    browser.find_element(By.CSS_SELECTOR, 'label[for="opt-out"]').click()
    text_in(browser, "#status", "You opted out")
    assert me(site, token)["controls"]["opted_out"]
    visible(browser, "#interests-empty")
    no_console_errors(browser)


def test_browser_in_french(browser: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    token = site.person("page-browser-fr", TRAVEL)
    open_page(browser, site, token)
    browser.find_element(By.CSS_SELECTOR, '.lang-btn[data-lang="fr"]').click()
    text_in(browser, "#app h1", "Vos publicités, vos choix")
    assert browser.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "fr"
    assert browser.title == "Vos publicités, vos choix"
    pressed = browser.find_element(By.CSS_SELECTOR, '.lang-btn[data-lang="fr"]')
    assert pressed.get_attribute("aria-pressed") == "true"
    for css, french in (
        ("#h-history", "Les publicités vues, et pourquoi"),
        ("#h-interests", "Vos centres d’intérêt"),  # noqa: RUF001
        ("#h-blocked", "Sujets bloqués"),
        ("#h-hidden", "Publicités et annonceurs masqués"),
        ("#h-level", "À quel point vos publicités sont personnalisées"),
        ("#h-forget", "M’oublier"),  # noqa: RUF001
        ('label[for="level-none"]', "Aucune publicité"),
        ("#profile-summary", "Ces centres d’intérêt viennent de"),  # noqa: RUF001
        ("#history-list .why", "Choisie"),
        ('#history-list [data-action="hide"]', "Masquer cette publicité"),
        ('#interest-list [data-action="remove"]', "Retirer"),
    ):
        text_in(browser, css, french)
    # Nothing English left in the history's reasons (the engine's sentences are English).
    entry = me(site, token)["history"]["entries"][0]
    assert entry["explanation"] not in browser.find_element(By.ID, "history-list").text
    screenshot(browser, "page-fr.png", height=2100)
    # Remembered on reload (the token stays in this tab's session storage).
    browser.refresh()
    visible(browser, "#app")
    text_in(browser, "#app h1", "Vos publicités, vos choix")
    # And back.
    browser.find_element(By.CSS_SELECTOR, '.lang-btn[data-lang="en"]').click()
    text_in(browser, "#app h1", "Your ads, your choice")
    no_console_errors(browser)


def test_browser_forget_me_asks_first_then_shows_nothing_held(browser: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    token = site.person("page-browser-forget", TRAVEL)
    open_page(browser, site, token)
    start = browser.find_element(By.ID, "forget-start")
    # Keyboard only: focus the button and press Enter; Escape cancels.
    browser.execute_script("arguments[0].focus()", start)
    start.send_keys(Keys.ENTER)
    visible(browser, "#forget-confirm")
    assert start.get_attribute("aria-expanded") == "true"
    assert browser.switch_to.active_element.get_attribute("id") == "forget-question"
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(browser, lambda d: not d.find_element(By.ID, "forget-confirm").is_displayed())
    assert me(site, token)["profile"]["exists"]  # cancelled: nothing happened
    start.click()
    visible(browser, "#forget-yes").click()
    text_in(browser, "#status", "Everything held about you has been deleted.")
    for empty in ("#history-empty", "#interests-empty", "#blocked-empty", "#hidden-empty"):
        visible(browser, empty)
    assert browser.find_elements(By.CSS_SELECTOR, "#history-list .card") == []
    assert browser.find_elements(By.CSS_SELECTOR, "#interest-list .interest") == []
    text_in(browser, "#profile-summary", "No interest profile is held about you.")
    state = me(site, token)
    assert not state["profile"]["exists"] and state["history"]["entries"] == []
    no_console_errors(browser)


def test_browser_without_a_valid_link_says_so(browser: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site.url())
    visible(browser, "#invalid")
    text_in(browser, "#invalid-title", "This link has expired or is invalid")
    text_in(browser, "#invalid", "Ask your chat app for a new one")
    assert not browser.find_element(By.ID, "app").is_displayed()
    screenshot(browser, "page-invalid.png", height=560)
    # A forged link: the API refuses it and the page says the same, showing nothing.
    token = site.person("page-browser-forged")
    # Opened in the same tab, only the fragment changes: the page takes the new token.
    browser.get(site.url(token[:-3] + "AAA"))
    wait_for(browser, lambda d: "#t=" not in d.current_url)
    visible(browser, "#invalid")
    assert not browser.find_element(By.ID, "app").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#history-list .card") == []
    # In French too.
    browser.find_element(By.CSS_SELECTOR, '.lang-btn[data-lang="fr"]').click()
    text_in(browser, "#invalid-title", "Ce lien a expiré ou n’est pas valide")  # noqa: RUF001
    # Then the right link, in the same tab, shows the person's page.
    browser.get(site.url(token))
    visible(browser, "#app")
    count_at_least(browser, "#history-list .card", 1)
    assert not browser.find_element(By.ID, "invalid").is_displayed()
    no_console_errors(browser)
