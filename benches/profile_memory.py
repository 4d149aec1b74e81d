"""Memory per user profile: RSS before and after building N profiles in-process.

    .venv/bin/python benches/profile_memory.py --users 1000000

Each user gets one chat turn through `Engine.ingest` (the real path: hashing,
embedding, sensitive-data guard, profile update). Two engines are measured one
after the other: one with session context switched off (`session_turns=0`, the
profile store alone, which the 200 bytes/profile target is about) and one with
the default session context (each user also has a live session of its last turns,
which expires after `session_ttl_s`). Writes a JSON line with the figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

from chatads import Engine
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_messages

console = Console(stderr=True)


def rss_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure(users: int, session_turns: int, messages: list[str]) -> dict[str, float]:
    gc.collect()
    engine = Engine(
        secret="profile-memory-benchmark-secret",
        demo_catalog=False,
        gdpr_when_unknown=False,
        session_turns=session_turns,
    )
    before = rss_bytes()
    started = time.perf_counter()
    label = "profiles only" if session_turns == 0 else f"profiles + sessions ({session_turns})"
    with Progress(
        f"[bold]{label}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("users", total=users)
        ingest = engine.ingest
        n_msg = len(messages)
        for start in range(0, users, 10_000):
            for i in range(start, min(users, start + 10_000)):
                ingest(f"user-{i}", "s", messages[i % n_msg])
            progress.update(task, completed=min(users, start + 10_000))
    took = time.perf_counter() - started
    stats = engine.stats()
    assert stats["profiles"] == users, stats
    grown = rss_bytes() - before
    del engine
    return {
        "users": users,
        "session_turns": session_turns,
        "rss_growth_mib": grown / 2**20,
        "bytes_per_user": grown / users,
        "ingest_s": took,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = ap.parse_args()
    messages = make_messages(2000)
    results = [measure(args.users, 0, messages), measure(args.users, 4, messages)]
    for r in results:
        console.print(
            f"{r['users']:,} users, session_turns={r['session_turns']}: "
            f"RSS +{r['rss_growth_mib']:,.1f} MiB = {r['bytes_per_user']:,.0f} bytes/user "
            f"(ingest {r['ingest_s']:.1f} s)"
        )
    out = json.dumps({"profile_memory": results})
    print(out)
    if args.out:
        args.out.write_text(out + "\n")


if __name__ == "__main__":
    main()
