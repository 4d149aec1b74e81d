"""Scoring latency while the catalog changes underneath: idle, then under a fixed
rate of upserts, in one process, side by side.

    .venv/bin/python benches/live_catalog.py --ads 100000 --rate 10000

A scoring thread sends chat turns at a fixed offered rate (open loop: latency is
measured from the moment each call was due, so a stall counts for every call it
delays). Meanwhile a writer thread upserts ads at `--rate` per second, in batches
of `--batch`, through the same protobuf path the gRPC server uses. Three phases
of `--seconds` each:

- idle: no writes;
- bid updates: existing ads get new bids (the creative, hence the vector, is
  unchanged: the record is replaced in place);
- new creatives: brand-new ads, which go through the fresh buffer and the index
  folds.

Writes `results.json` and a latency CDF (`live_catalog_cdf.png`) to `--out`.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from chatads import Engine
from chatads.demo_catalog import generate_demo_ads
from chatads.v1 import chatads_pb2 as pb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

console = Console(stderr=True)


def messages(n: int) -> list[str]:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import make_messages

    return make_messages(n)


def ad_pb(ad: dict[str, Any], bid: float | None = None) -> pb.Ad:
    return pb.Ad(
        ad_id=ad["ad_id"],
        advertiser=ad["advertiser"],
        title=ad.get("title", ""),
        text=ad.get("text", ""),
        categories=ad.get("categories", []),
        topics=ad.get("topics", []),
        bid_cpm=ad["bid_cpm"] if bid is None else bid,
        tags=ad.get("tags", []),
    )


def pace(rate: float, seconds: float, fn: Any, stop: threading.Event) -> list[float]:
    """Calls `fn(i)` at `rate`/s for `seconds`; returns each call's latency (s)
    counted from when it was due."""
    lat: list[float] = []
    interval = 1.0 / rate
    start = time.perf_counter()
    i = 0
    while not stop.is_set():
        due = start + i * interval
        if due - start >= seconds:
            break
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        fn(i)
        lat.append(time.perf_counter() - due)
        i += 1
    return lat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ads", type=int, default=100_000)
    ap.add_argument("--rate", type=float, default=10_000, help="upserts per second")
    ap.add_argument("--batch", type=int, default=100, help="ads per upsert call")
    ap.add_argument("--score-rate", type=float, default=500, help="scores per second")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--out", type=Path, default=Path("bench-results/live"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    n_new = int(args.rate * args.seconds * 1.2) + args.batch
    with console.status(f"generating {args.ads + n_new:,} demo ads"):
        ads = generate_demo_ads(args.ads + n_new)
    base, extra = ads[: args.ads], ads[args.ads :]
    for i, ad in enumerate(extra):
        ad["ad_id"] = f"new-{i}"
    engine = Engine(
        secret="live-catalog-benchmark-secret", demo_catalog=False, gdpr_when_unknown=False
    )
    with Progress(
        "[bold]loading", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("ads", total=len(base))
        for s in range(0, len(base), 10_000):
            engine.upsert_ads(base[s : s + 10_000])
            progress.update(task, completed=min(len(base), s + 10_000))
    with console.status("building the index"):
        engine.rebuild_index(full=True)
    factory = engine.stats()["index_factory"]

    turns = messages(2000)
    score_reqs = [
        pb.ScoreRequest(
            user_id=f"user-{i % 700}",
            session_id=f"s{i % 700}",
            message=turns[i % len(turns)],
            max_ads=5,
            regs=pb.Regs(gdpr=0),
        ).SerializeToString()
        for i in range(4000)
    ]
    rng = np.random.default_rng(3)
    batches = int(args.rate * args.seconds / args.batch) + 2
    bid_batches = [
        pb.UpsertAdsRequest(
            ads=[
                ad_pb(base[j], bid=float(rng.uniform(0.5, 8.0)))
                for j in rng.choice(len(base), args.batch, replace=False)
            ]
        ).SerializeToString()
        for _ in range(batches)
    ]
    new_batches = [
        pb.UpsertAdsRequest(
            ads=[ad_pb(a) for a in extra[b * args.batch : (b + 1) * args.batch]]
        ).SerializeToString()
        for b in range(min(batches, len(extra) // args.batch))
    ]
    core = engine._core

    def score(i: int) -> None:
        core.score_pb(score_reqs[i % len(score_reqs)])

    # Warm up (profiles, caches) before measuring.
    for i in range(2000):
        score(i)

    phases: dict[str, dict[str, Any]] = {}
    for name, writes in (
        ("idle", None),
        ("bid updates", bid_batches),
        ("new creatives", new_batches),
    ):
        stop = threading.Event()
        wlat: list[float] = []
        stats0 = engine.stats()

        def writer(
            w: list[bytes] = writes or [],
            out: list[float] = wlat,
            stop: threading.Event = stop,
        ) -> None:
            def one(i: int) -> None:
                core.upsert_ads_pb(w[i % len(w)])

            out.extend(pace(args.rate / args.batch, args.seconds, one, stop))

        t = threading.Thread(target=writer) if writes else None
        with console.status(f"phase: {name} ({args.seconds:.0f} s)"):
            began = time.perf_counter()
            if t:
                t.start()
            lat = pace(args.score_rate, args.seconds, score, stop)
            if t:
                t.join()
            took = time.perf_counter() - began
        stats1 = engine.stats()
        ms = np.array(lat) * 1e3
        phases[name] = {
            "scores": len(lat),
            "score_p50_ms": float(np.percentile(ms, 50)),
            "score_p99_ms": float(np.percentile(ms, 99)),
            "score_p999_ms": float(np.percentile(ms, 99.9)),
            "upserts": len(wlat) * args.batch,
            "upserts_per_s": len(wlat) * args.batch / took,
            "upsert_call_p99_ms": float(np.percentile(np.array(wlat) * 1e3, 99)) if wlat else 0.0,
            "index_folds": stats1["rebuilds"] - stats0["rebuilds"],
            "fresh_at_end": stats1["fresh"],
            "catalog_size": stats1["ads"],
            "latencies_ms": ms.tolist(),
        }

    idle_p99 = phases["idle"]["score_p99_ms"]
    table = Table(title=f"scoring at {args.score_rate:.0f}/s, {args.ads:,} ads ({factory})")
    for col in ("phase", "upserts/s", "p50 ms", "p99 ms", "p99.9 ms", "p99 / idle", "folds"):
        table.add_column(col, justify="right")
    for name, p in phases.items():
        table.add_row(
            name,
            f"{p['upserts_per_s']:,.0f}",
            f"{p['score_p50_ms']:.3f}",
            f"{p['score_p99_ms']:.3f}",
            f"{p['score_p999_ms']:.3f}",
            f"{p['score_p99_ms'] / idle_p99:.2f}x",
            str(p["index_folds"]),
        )
    console.print(table)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, p in phases.items():
        x = np.sort(np.array(p["latencies_ms"]))
        ax.plot(
            x, np.arange(1, len(x) + 1) / len(x), label=f"{name} (p99 {p['score_p99_ms']:.2f} ms)"
        )
    ax.set_xscale("log")
    ax.set_xlabel("score latency, ms (from when the call was due)")
    ax.set_ylabel("fraction of calls")
    ax.set_title(f"Scoring while upserting {args.rate:,.0f} ads/s ({args.ads:,} ads, {factory})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out / "live_catalog_cdf.png", dpi=120)

    summary = {
        "ads": args.ads,
        "factory": factory,
        "upsert_rate": args.rate,
        "score_rate": args.score_rate,
        "seconds": args.seconds,
        "phases": {
            k: {kk: vv for kk, vv in v.items() if kk != "latencies_ms"} for k, v in phases.items()
        },
    }
    (args.out / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
