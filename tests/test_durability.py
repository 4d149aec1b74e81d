"""Durable state: what is acknowledged survives a restart or a `kill -9`, damaged
files are detected and the last good state is used, and a forgotten user never
comes back from an older snapshot."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import chatads
import grpc
import pytest
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

SECRET = "durability-test-secret-0123456789"


def engine(data: Path) -> chatads.Engine:
    return chatads.Engine(
        secret=SECRET, data_dir=data, gdpr_when_unknown=False, snapshot_interval_s=0
    )


def ad(i: int, bid: float = 1.5) -> dict[str, object]:
    return {
        "ad_id": f"ad-{i}",
        "advertiser": f"adv{i}.example",
        "bid_cpm": bid,
        "title": "Cheap flights to Lisbon",
        "text": "Book a weekend by the sea",
    }


def test_restart_keeps_catalog_and_profiles_but_not_forgotten_users(tmp_path: Path) -> None:
    e = engine(tmp_path)
    e.upsert_ads([ad(i) for i in range(5)])
    e.upsert_ads([ad(2, bid=4.0)])  # replaced
    e.delete_ads(["ad-4"])
    for user in ("alice", "bob", "carol"):
        assert e.score(user, "s", "cheap flights to lisbon for the weekend", gdpr=0).profile_updated
    e.snapshot()
    e.forget_user("alice")  # after the snapshot: the snapshot still holds alice
    e.set_opt_out("carol")
    e.upsert_ads([ad(9)])  # after the snapshot: only in the log
    del e

    again = engine(tmp_path)
    assert again.recovery_report() == []
    assert sorted(a for a in (f"ad-{i}" for i in range(10)) if _has(again, a)) == [
        "ad-0",
        "ad-1",
        "ad-2",
        "ad-3",
        "ad-9",
    ]
    assert again.get_ad("ad-2")["bid_cpm"] == 4.0
    assert again.profile_report("bob").exists
    assert not again.profile_report("alice").exists
    assert not again.profile_report("carol").exists
    # A forgotten user who comes back later gets a new profile that is kept.
    again.score("alice", "s2", "running shoes for a marathon", gdpr=0)
    again.snapshot()
    del again
    assert engine(tmp_path).profile_report("alice").exists


def _has(e: chatads.Engine, ad_id: str) -> bool:
    try:
        e.get_ad(ad_id)
        return True
    except chatads.NotFoundError:
        return False


def test_corrupt_snapshot_falls_back_to_the_previous_one(tmp_path: Path) -> None:
    e = engine(tmp_path)
    e.upsert_ads([ad(1)])
    e.score("dave", "s", "cheap flights to lisbon", gdpr=0)
    e.snapshot()
    e.score("erin", "s", "cheap flights to lisbon", gdpr=0)
    e.snapshot()  # profiles.snap (dave, erin), profiles.snap.prev (dave)
    del e
    snap = tmp_path / "profiles.snap"
    raw = bytearray(snap.read_bytes())
    raw[40] ^= 0xFF
    snap.write_bytes(bytes(raw))

    again = engine(tmp_path)
    report = again.recovery_report()
    assert any("checksum" in r and "profiles.snap" in r for r in report), report
    assert any("previous snapshot" in r for r in report), report
    assert again.profile_report("dave").exists
    assert not again.profile_report("erin").exists  # lost with the bad file, not garbage
    assert _has(again, "ad-1")


def test_truncated_snapshots_and_torn_log_are_reported_never_loaded(tmp_path: Path) -> None:
    e = engine(tmp_path)
    e.upsert_ads([ad(1)])
    e.score("frank", "s", "cheap flights to lisbon", gdpr=0)
    e.snapshot()
    e.upsert_ads([ad(2)])
    del e
    for name in ("profiles.snap", "catalog.snap"):
        p = tmp_path / name
        p.write_bytes(p.read_bytes()[:-7])
    with (tmp_path / "catalog.log").open("ab") as log:
        log.write(b"CL\x01\x40\x00\x00\x00")  # a write the process died inside

    again = engine(tmp_path)
    report = again.recovery_report()
    assert any("profiles.snap" in r and "truncated" in r for r in report), report
    assert any("catalog.snap" in r and "truncated" in r for r in report), report
    assert any("unfinished last record" in r for r in report), report
    # Nothing unverified was loaded; what the intact log holds is there.
    assert again.stats()["profiles"] == 0
    assert [a for a in ("ad-1", "ad-2") if _has(again, a)] == ["ad-2"]


# ---- crash test: kill -9 at random moments -------------------------------------------


def start_server(data: Path) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "CHATADS_PORT": "0",
        "CHATADS_DATA_DIR": str(data),
        "CHATADS_SECRET": SECRET,
        "CHATADS_DEMO_CATALOG": "false",
        "CHATADS_SNAPSHOT_INTERVAL_S": "0.2",
        "CHATADS_GDPR_WHEN_UNKNOWN": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "chatads.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"listening on (\S+)", line)
    assert m, line
    return proc, m.group(1)


class Writer:
    """Sends upserts, deletes, scores and forgets; remembers what was acknowledged
    and what was in flight when the server died (in doubt)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_ad = 0
        self.next_user = 0
        self.live: list[str] = []  # acknowledged, not deleted
        self.deleted: set[str] = set()
        self.in_doubt: set[str] = set()
        self.profiled: list[str] = []
        self.forgotten: set[str] = set()
        self.errors: list[str] = []

    def run(self, addr: str, stop: threading.Event) -> None:
        with grpc.insecure_channel(addr) as ch:
            catalog = chatads_pb2_grpc.CatalogStub(ch)
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            privacy = chatads_pb2_grpc.PrivacyStub(ch)
            while not stop.is_set():
                roll = self.rng.random()
                try:
                    if roll < 0.45 or not self.live:
                        ids = [f"ad-{self.next_ad + k}" for k in range(3)]
                        self.next_ad += 3
                        self.in_doubt.update(ids)
                        catalog.UpsertAds(
                            pb.UpsertAdsRequest(
                                ads=[
                                    pb.Ad(
                                        ad_id=i,
                                        advertiser="x.example",
                                        bid_cpm=1.0,
                                        title="Running shoes",
                                        text="for the marathon",
                                    )
                                    for i in ids
                                ]
                            ),
                            timeout=5,
                        )
                        self.in_doubt.difference_update(ids)
                        self.live.extend(ids)
                    elif roll < 0.6:
                        victim = self.live.pop(self.rng.randrange(len(self.live)))
                        self.in_doubt.add(victim)
                        catalog.DeleteAds(pb.DeleteAdsRequest(ad_ids=[victim]), timeout=5)
                        self.in_doubt.discard(victim)
                        self.deleted.add(victim)
                    elif roll < 0.85 or not self.profiled:
                        user = f"user-{self.next_user}"
                        self.next_user += 1
                        r = scoring.Score(
                            pb.ScoreRequest(
                                user_id=user,
                                session_id="s",
                                message="running shoes for my first marathon",
                                max_ads=2,
                                regs=pb.Regs(gdpr=0),
                            ),
                            timeout=5,
                        )
                        assert r.profile_updated
                        self.profiled.append(user)
                    else:
                        user = self.profiled.pop(self.rng.randrange(len(self.profiled)))
                        privacy.ForgetUser(pb.ForgetUserRequest(user_id=user), timeout=5)
                        self.forgotten.add(user)
                except grpc.RpcError as e:
                    if e.code() != grpc.StatusCode.UNAVAILABLE:
                        self.errors.append(f"{e.code()}: {e.details()}")
                    return  # the server is gone; what was in flight stays in doubt

    def check(self, addr: str) -> None:
        with grpc.insecure_channel(addr) as ch:
            catalog = chatads_pb2_grpc.CatalogStub(ch)
            privacy = chatads_pb2_grpc.PrivacyStub(ch)
            for ad_id in self.live:
                if ad_id not in self.in_doubt:
                    assert catalog.GetAd(pb.GetAdRequest(ad_id=ad_id)).ad_id == ad_id
            for ad_id in self.deleted - self.in_doubt:
                with pytest.raises(grpc.RpcError) as err:
                    catalog.GetAd(pb.GetAdRequest(ad_id=ad_id))
                assert err.value.code() == grpc.StatusCode.NOT_FOUND
            for user in self.forgotten:
                report = privacy.GetProfile(pb.GetProfileRequest(user_id=user))
                assert not report.exists, f"{user} came back after being forgotten"


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(20261129)
    writer = Writer(rng)
    data = tmp_path / "data"
    rounds = 6
    for _ in range(rounds):
        proc, addr = start_server(data)
        try:
            writer.check(addr)  # everything acknowledged before the last kill is there
            stop = threading.Event()
            t = threading.Thread(target=writer.run, args=(addr, stop))
            t.start()
            time.sleep(rng.uniform(0.8, 2.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            stop.set()
            t.join(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    proc, addr = start_server(data)
    try:
        writer.check(addr)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert not writer.errors
    # The run did exercise every kind of write.
    assert len(writer.live) > 10 and writer.deleted and writer.forgotten, (
        len(writer.live),
        len(writer.deleted),
        len(writer.forgotten),
    )
