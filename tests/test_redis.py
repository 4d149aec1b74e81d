"""Scale-out: replicas that share users' state through a real Redis (Debian's
redis-server, started here on free loopback ports), one server and a three-node Redis
Cluster. Two replicas share a profile and a session; a forget on one holds on the other
at once; an ad upserted on one is served by the other within a second; a replica killed
with -9 restarts with everything; Redis restarted from its AOF has lost nothing
acknowledged; with Redis down, Score serves contextual ads with a reason and privacy
requests fail UNAVAILABLE, and both recover when it returns. No raw user id and no chat
text reaches Redis's own files."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from chatads import Engine, UnavailableError
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from tests.conftest import SECRET, make_settings, serve_process

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server missing: run `make test-system-deps`"
)

TRAVEL = "I'm planning a trip to Lisbon in May, any cheap flights and a hotel?"
TRAVEL_TOPIC = 332  # /Travel & Transportation


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is free and in range too."""
    for port in range(20_000, 55_000, 7):
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 10_000))
        except OSError:
            continue
        if port not in _taken:
            _taken.add(port)
            return port
    raise AssertionError("no free port pair for a cluster node")


_taken: set[int] = set()


class Redis:
    """One redis-server process on a loopback port, its files in `dir`: AOF on with
    `appendfsync always` (what docs/scale-out.md asks of operators), RDB uncompressed so
    that its bytes can be searched."""

    def __init__(self, dir: Path, *, cluster: bool = False) -> None:
        self.dir = dir
        self.port = free_cluster_port() if cluster else free_port()
        self.cluster = cluster
        self.proc: subprocess.Popen[bytes] | None = None
        dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> Redis:
        assert REDIS_SERVER is not None
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.dir), "--appendonly", "yes", "--appendfsync", "always"]
        args += ["--rdbcompression", "no", "--save", "", "--protected-mode", "no"]
        if self.cluster:
            args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]
            args += ["--cluster-node-timeout", "2000"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.cli("PING", check=False) == "PONG":
                return self
            time.sleep(0.05)
        raise AssertionError(f"redis-server on {self.port} did not start")

    def cli(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), *(["-c"] if self.cluster else []), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if check:
            assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def kill(self) -> None:
        """SIGKILL: no shutdown save, what the AOF has is all there is."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture()
def redis(tmp_path: Path) -> Iterator[Redis]:
    r = Redis(tmp_path / "redis").start()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Redis]]:
    base = tmp_path_factory.mktemp("cluster")
    nodes = [Redis(base / f"node{i}", cluster=True).start() for i in range(3)]
    try:
        hosts = [f"127.0.0.1:{n.port}" for n in nodes]
        out = subprocess.run(
            ["redis-cli", "--cluster", "create", *hosts, "--cluster-yes"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        deadline = time.monotonic() + 30
        while "cluster_state:ok" not in nodes[0].cli("CLUSTER", "INFO"):
            assert time.monotonic() < deadline, nodes[0].cli("CLUSTER", "INFO")
            time.sleep(0.1)
        yield nodes
    finally:
        for n in nodes:
            n.stop()


def replica(url: str, **overrides: object) -> Engine:
    return Engine(make_settings(redis_url=url, snapshot_interval_s=0, **overrides))


def wait_until(check: object, timeout: float = 5.0) -> float:
    """Polls `check()` until true; returns the seconds it took."""
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.01)
    return time.monotonic() - started


def stubs(ch: grpc.Channel) -> tuple[chatads_pb2_grpc.AdScoringStub, chatads_pb2_grpc.PrivacyStub]:
    return chatads_pb2_grpc.AdScoringStub(ch), chatads_pb2_grpc.PrivacyStub(ch)


def turn(
    scoring: chatads_pb2_grpc.AdScoringStub, user: str, message: str = TRAVEL, session: str = "s"
) -> pb.ScoreResponse:
    req = pb.ScoreRequest(user_id=user, session_id=session, message=message, max_ads=5)
    resp: pb.ScoreResponse = scoring.Score(req, timeout=10)
    return resp


@contextlib.contextmanager
def replicas(
    tmp_path: Path, url: str, n: int = 2, **env: str
) -> Iterator[list[tuple[subprocess.Popen[str], str]]]:
    """`n` real `chatads serve` processes sharing `url`, started one after the other
    (the first loads the demo catalog into the stream, the others catch up from it)."""
    with contextlib.ExitStack() as stack:
        procs = [
            stack.enter_context(
                serve_process(
                    tmp_path / f"replica{i}",
                    "--redis-url",
                    url,
                    CHATADS_SECRET=SECRET,
                    CHATADS_SNAPSHOT_INTERVAL_S="1",
                    **env,
                )
            )
            for i in range(n)
        ]
        yield procs


# ---- in process: two engines, one Redis ------------------------------------------


def test_two_replicas_share_profile_session_caps_and_controls(redis: Redis) -> None:
    a = replica(redis.url)
    a.load_demo_catalog(800)
    b = replica(redis.url)
    assert b.stats()["ads"] == a.stats()["ads"] == 800  # caught up from the stream
    first = a.score("sharer", "s1", TRAVEL)
    assert first.profile_updated and first.ads
    wait_until(lambda: b.profile("sharer") is not None)
    # The second turn, on the other replica, uses the first: the profile and the
    # session context, and the session's ads (no repeat of the first turn's).
    second = b.score("sharer", "s1", "and something to eat there?")
    assert second.personalization == "PERSONALIZED", second.reasons
    assert not {ad.ad_id for ad in second.ads} & {ad.ad_id for ad in first.ads}
    assert b.profile_report("sharer").turns == 2
    # Frequency caps count across replicas.
    ad = first.ads[0].ad_id
    for i, e in enumerate([a, b] * 4):
        e.score("capped", f"c{i}", TRAVEL)
        # Turns a moment apart, as a person's are: each one's write has landed.
        wait_until(lambda e=e: e.stats()["store_users_in_flight"] == 0)
    shown = [h.ad_id for h in a.ad_history("capped").entries]
    assert shown.count(ad) <= 2 and len(shown) >= 8
    # A control set on one replica holds on the other at once.
    a.hide_ad("sharer", ad)
    assert ad in {h.ad_id for h in b.controls("sharer").hidden_ads}
    for i in range(4):
        assert ad not in {x.ad_id for x in b.score("sharer", f"h{i}", TRAVEL).ads}
    # Replicas keep nothing of a user once its calls and writes are done: Redis does.
    wait_until(lambda: b.stats()["store_users_in_flight"] == 0, timeout=1.0)
    assert a.stats()["profiles"] == b.stats()["profiles"] == 0
    assert a.stats()["store_users_in_flight"] == 0


def test_forget_on_one_replica_holds_on_the_other_at_once(redis: Redis) -> None:
    a, b = replica(redis.url), replica(redis.url)
    a.load_demo_catalog(500)
    wait_until(lambda: b.stats()["ads"] == 500)
    for i in range(3):
        a.score("forgetme", "s", TRAVEL + f" {i}")
        b.score("forgetme", "s", TRAVEL)
    wait_until(lambda: a.profile("forgetme") is not None)
    assert b.forget_user("forgetme")
    assert a.profile("forgetme") is None
    assert not a.ad_history("forgetme").entries
    resp = a.score("forgetme", "s", "hello again")
    assert "no_profile_yet" in resp.reasons, resp.reasons
    # Opt-out likewise, and it stays out on both until opt-in.
    b.score("optout", "s", TRAVEL)
    a.set_opt_out("optout", True)
    assert b.profile_report("optout").opted_out and b.profile("optout") is None
    assert "opted_out" in b.score("optout", "s", TRAVEL).reasons
    assert b.profile("optout") is None


def test_an_ad_upserted_on_one_replica_is_served_by_the_other_within_a_second(
    redis: Redis,
) -> None:
    a, b = replica(redis.url), replica(redis.url)
    a.load_demo_catalog(300)
    wait_until(lambda: b.stats()["ads"] == 300)
    ad = {
        "ad_id": "fresh-kayak",
        "advertiser": "paddle.example",
        "title": "Zorblax inflatable kayak",
        "text": "The zorblax kayak: inflatable, two seats, paddles included.",
        "bid_cpm": 9.0,
    }
    a.upsert_ads([ad])
    took = wait_until(
        lambda: "fresh-kayak" in {x.ad_id for x in b.score("k", "s", "a zorblax kayak").ads},
        timeout=1.0,
    )
    assert took < 1.0
    b.delete_ads(["fresh-kayak"])
    wait_until(lambda: a.stats()["ads"] == 300, timeout=1.0)
    # A replica started now catches up from the stream (and from a snapshot, below).
    a.snapshot()
    assert redis.cli("HEXISTS", "ca:catalog:snap", "data") == "1"
    c = replica(redis.url)
    assert c.stats()["ads"] == 300


def test_with_redis_down_score_is_contextual_and_privacy_requests_unavailable(
    redis: Redis,
) -> None:
    a = replica(redis.url)
    a.load_demo_catalog(500)
    a.score("down", "s", TRAVEL)
    wait_until(lambda: a.profile("down") is not None)
    a.set_personalization("no-ads", "none")
    hidden = a.score("hider", "s", TRAVEL).ads[0].ad_id
    a.hide_ad("hider", hidden)
    redis.kill()
    # Choices this replica saw lately still hold while Redis is away.
    resp = a.score("no-ads", "s", TRAVEL)
    assert not resp.ads and "user_chose_no_ads" in resp.reasons, resp.reasons
    for i in range(3):
        resp = a.score("hider", f"o{i}", TRAVEL)
        assert resp.ads and hidden not in {x.ad_id for x in resp.ads}
    resp = a.score("down", "s", TRAVEL)
    assert resp.ads, "contextual ads are still served"
    assert resp.personalization == "CONTEXTUAL"
    assert "profile_store_unavailable" in resp.reasons
    assert not resp.profile_updated
    with pytest.raises(UnavailableError, match="redis"):
        a.forget_user("down")
    with pytest.raises(UnavailableError):
        a.block_topic("down", TRAVEL_TOPIC)
    redis.start()  # from its AOF
    wait_until(lambda: "profile_store_unavailable" not in a.score("down", "s2", TRAVEL).reasons)
    resp = a.score("down", "s3", TRAVEL)
    assert resp.personalization == "PERSONALIZED", resp.reasons
    assert a.forget_user("down")
    assert a.profile("down") is None


def test_redis_restarted_from_its_aof_loses_nothing_acknowledged(redis: Redis) -> None:
    a = replica(redis.url)
    a.load_demo_catalog(500)
    ads = a.score("keeper", "s", TRAVEL).ads
    a.hide_ad("keeper", ads[0].ad_id)
    a.block_topic("keeper", 299)
    a.set_personalization("keeper", "contextual")
    a.score("gone", "s", TRAVEL)
    wait_until(lambda: a.profile("gone") is not None)
    a.forget_user("gone")
    a.set_opt_out("out", True)
    try:  # the turns' writes reach Redis after the replies
        wait_until(lambda: redis.cli("KEYS", "ca:{*}:p") != "", timeout=10.0)
    except AssertionError:
        raise AssertionError(f"no profile written: {a.stats()}, {redis.cli('KEYS', '*')}") from None
    redis.kill()
    redis.start()
    b = replica(redis.url)
    assert b.stats()["ads"] == 500
    c = b.controls("keeper")
    assert [h.ad_id for h in c.hidden_ads] == [ads[0].ad_id]
    assert [t.id for t in c.blocked_topics] == [299]
    assert c.level == pb.LEVEL_CONTEXTUAL
    assert b.profile("keeper") is not None
    assert b.profile("gone") is None and b.profile_report("out").opted_out


def test_a_privacy_request_right_after_a_turn_keeps_the_turns_learning(redis: Redis) -> None:
    """A hide sent as soon as a turn answers: the hide reads the user while the turn's
    write-behind may be landing. Whichever comes first, Redis ends with both the hide and
    the turn's profile (a read older than this replica's own write is never installed
    and written back over it). Before the fix 2-3 of 300 users lost their profile."""
    a = replica(redis.url)
    a.load_demo_catalog(300)
    users = [f"racer-{i}" for i in range(300)]
    hidden = {}
    for u in users:
        hidden[u] = a.score(u, "s", TRAVEL).ads[0].ad_id
        a.hide_ad(u, hidden[u])
    wait_until(lambda: a.stats()["store_users_in_flight"] == 0, timeout=10.0)
    b = replica(redis.url)
    lost = [u for u in users if b.profile(u) is None]
    assert not lost, f"{len(lost)} of {len(users)} users lost their turn's learning"
    assert all([h.ad_id for h in b.controls(u).hidden_ads] == [hidden[u]] for u in users)


def test_no_raw_user_id_or_chat_text_in_redis_files(redis: Redis) -> None:
    a = replica(redis.url)
    a.load_demo_catalog(300)
    user, session = "raw-user-id-7c1e94", "raw-session-id-55d2"
    words = ["xylophonist", "Quetzalcoatlus", "zeppelinwright"]
    for w in words:
        a.score(user, session, f"my cousin the {w} wants a trip to Lisbon")
    a.hide_ad(user, "demo-000001")
    a.block_topic(user, 299)
    wait_until(lambda: redis.cli("KEYS", "ca:{*}:s") != "")
    redis.cli("BGSAVE")
    wait_until(lambda: redis.cli("INFO", "persistence").count("rdb_bgsave_in_progress:0") == 1)
    wait_until(lambda: (redis.dir / "dump.rdb").exists())
    files = [p for p in redis.dir.rglob("*") if p.is_file()]
    assert any("appendonly" in p.name for p in files), files
    blob = b"".join(p.read_bytes() for p in files)
    for needle in [user, session, *words]:
        for form in {needle, needle.lower()}:
            assert form.encode() not in blob, form
            assert form.encode().hex().encode() not in blob, form
    # What is there: keyed hashes, one hash tag per user.
    keys = redis.cli("KEYS", "ca:{*").split()
    tags = {k.split("}")[0] for k in keys}
    assert len(tags) == 1 and len(next(iter(tags))) == len("ca:{") + 32


def test_privacy_requests_wait_for_a_redis_replica_when_asked(redis: Redis, tmp_path: Path) -> None:
    """With `redis_wait_replicas = 1` a privacy request returns once a Redis replica
    has it (`WAIT`), and fails UNAVAILABLE, saying so, when none acknowledges it."""
    follower = Redis(tmp_path / "follower")
    follower.start()
    try:
        follower.cli("REPLICAOF", "127.0.0.1", str(redis.port))
        wait_until(lambda: "master_link_status:up" in follower.cli("INFO", "replication"), 15)
        a = replica(redis.url, redis_wait_replicas=1)
        a.load_demo_catalog(200)
        a.block_topic("waiter", 299)
        key = next(k for k in follower.cli("KEYS", "ca:{*}:l").split())
        assert follower.cli("LLEN", key) == "1"  # on the replica when the call returned
        follower.kill()
        with pytest.raises(UnavailableError, match="0 of 1 replicas"):
            a.hide_ad("waiter", "demo-000001")
    finally:
        follower.stop()


# ---- real servers: replicas behind two addresses, kill -9 ------------------------


def test_server_replicas_share_state_and_survive_kill_9(
    tmp_path: Path, redis: Redis, transport: str
) -> None:
    del transport
    with (
        replicas(tmp_path, redis.url) as [(proc_a, addr_a), (_, addr_b)],
        grpc.insecure_channel(addr_a) as ca,
        grpc.insecure_channel(addr_b) as cb,
    ):
        (sa, pa), (sb, pb_) = stubs(ca), stubs(cb)
        first = turn(sa, "srv-user")
        assert first.ads and first.profile_updated
        turn(sa, "srv-keeper")
        # Right after the turn: its write-behind may still be landing (see
        # test_a_privacy_request_right_after_a_turn_keeps_the_turns_learning).
        pa.BlockTopic(pb.TopicControlRequest(user_id="srv-keeper", topic_id=299))
        # A turn's learning reaches Redis just after its reply (write-behind): the
        # other replica can only read it once it is there.
        wait_until(lambda: len(redis.cli("KEYS", "ca:{*}:p").split()) == 2, timeout=10.0)
        assert turn(sb, "srv-user").personalization == pb.PERSONALIZED
        pa.HideAd(pb.HideAdRequest(user_id="srv-user", ad_id=first.ads[0].ad_id))
        pa.BlockTopic(pb.TopicControlRequest(user_id="srv-user", topic_id=299))
        got = pb_.GetControls(pb.GetControlsRequest(user_id="srv-user"))
        assert [h.ad_id for h in got.hidden_ads] == [first.ads[0].ad_id]
        proc_a.send_signal(signal.SIGKILL)
        proc_a.wait(timeout=10)
        # The other replica serves on, with everything.
        resp = turn(sb, "srv-user", session="after")
        assert first.ads[0].ad_id not in {a.ad_id for a in resp.ads}
        assert pb_.GetProfile(pb.GetProfileRequest(user_id="srv-user")).exists
        # Redis down: Score degrades, a privacy request is refused, not dropped.
        redis.kill()
        resp = turn(sb, "srv-user", session="down")
        assert "profile_store_unavailable" in resp.reasons
        assert resp.personalization == pb.CONTEXTUAL
        with pytest.raises(grpc.RpcError) as e:
            pb_.ForgetUser(pb.ForgetUserRequest(user_id="srv-user"), timeout=10)
        assert e.value.code() == grpc.StatusCode.UNAVAILABLE, e.value
        redis.start()
        wait_until(
            lambda: "profile_store_unavailable" not in turn(sb, "srv-user", session="back").reasons
        )
        assert pb_.ForgetUser(pb.ForgetUserRequest(user_id="srv-user"), timeout=10).had_data
    # The killed replica restarts with everything: state and catalog are in Redis.
    with replicas(tmp_path, redis.url, n=1) as [(_, addr)], grpc.insecure_channel(addr) as ch:
        s, p = stubs(ch)
        assert p.GetProfile(pb.GetProfileRequest(user_id="srv-keeper")).exists
        kept = p.GetControls(pb.GetControlsRequest(user_id="srv-keeper"))
        assert [t.id for t in kept.blocked_topics] == [299]
        assert not p.GetProfile(pb.GetProfileRequest(user_id="srv-user")).exists
        assert not p.GetControls(pb.GetControlsRequest(user_id="srv-user")).hidden_ads
        assert turn(s, "someone-new").ads


# ---- a three-node Redis Cluster ------------------------------------------------------


def test_cluster_replicas_share_state_one_slot_per_user(redis_cluster: list[Redis]) -> None:
    url = "redis+cluster://" + ",".join(f"127.0.0.1:{n.port}" for n in redis_cluster)
    a = replica(url)
    a.load_demo_catalog(500)
    b = replica(url)
    assert b.stats()["ads"] == 500
    users = [f"cluster-user-{i}" for i in range(12)]
    for u in users:
        a.score(u, "s", TRAVEL)
    for u in users:
        wait_until(lambda u=u: b.profile(u) is not None)  # type: ignore[misc]
        assert b.score(u, "s", "and a hotel?").personalization == "PERSONALIZED"
    # Users spread over the nodes; each user's keys share one slot.
    keys: list[str] = []
    for n in redis_cluster:
        keys += n.cli("KEYS", "ca:{*").split()
    by_user: dict[str, set[str]] = {}
    for k in keys:
        slot = redis_cluster[0].cli("CLUSTER", "KEYSLOT", k)
        by_user.setdefault(k.split("}")[0], set()).add(slot)
    assert len(by_user) == len(users)
    assert all(len(slots) == 1 for slots in by_user.values())
    assert sum(1 for n in redis_cluster if n.cli("DBSIZE") != "0") >= 2
    b.forget_user(users[0])
    assert a.profile(users[0]) is None
    a.upsert_ads(
        [
            {
                "ad_id": "cluster-ad",
                "advertiser": "c.example",
                "title": "Quokka tours",
                "text": "quokka island tours",
                "bid_cpm": 5.0,
            }
        ]
    )
    wait_until(lambda: b.stats()["ads"] == 501, timeout=1.0)


def test_serve_says_what_is_wrong_with_its_redis(tmp_path: Path) -> None:
    """`chatads serve --redis-url` refuses, naming the problem and exiting 2: without a
    shared secret, and with a Redis that cannot be reached."""
    cmd = [sys.executable, "-m", "chatads.cli", "serve", "--port", "0"]
    cmd += ["--data-dir", str(tmp_path), "--redis-url", f"redis://127.0.0.1:{free_port()}"]
    env = {k: v for k, v in os.environ.items() if k != "CHATADS_SECRET"}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert out.returncode == 2 and "secret" in out.stderr, out.stderr
    out = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "CHATADS_SECRET": SECRET},
        check=False,
    )
    assert out.returncode == 2, out.stderr
    assert "cannot be reached" in out.stderr and "Traceback" not in out.stderr, out.stderr
