"""Load a large synthetic catalog into an in-process engine and report time, memory and
search latency. Shows progress while loading and while the index is built.

    .venv/bin/python benches/catalog_scale.py --ads 1000000

Ads get caller-supplied embeddings drawn around topic centroids (clustered, not uniform),
so the figure measures the catalog and FAISS, not the text pipeline.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from chatads import Engine
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

console = Console()


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ads", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--clusters", type=int, default=400)
    ap.add_argument("--queries", type=int, default=2000)
    args = ap.parse_args()

    engine = Engine(secret="catalog-scale-benchmark-secret", demo_catalog=False)
    d = engine.d
    rng = np.random.default_rng(1)
    centroids = rng.normal(size=(args.clusters, d)).astype(np.float32)
    base_rss = rss_mib()
    started = time.perf_counter()
    with Progress(
        "[bold]upserting", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("ads", total=args.ads)
        for start in range(0, args.ads, args.batch):
            n = min(args.batch, args.ads - start)
            c = rng.integers(0, args.clusters, size=n)
            vecs = centroids[c] + 0.6 * rng.normal(size=(n, d)).astype(np.float32)
            ads = [
                {
                    "ad_id": f"ad-{start + i}",
                    "advertiser": f"adv{(start + i) % 5000}.example",
                    "bid_cpm": 1.0 + (start + i) % 7,
                    "embedding": vecs[i].tolist(),
                }
                for i in range(n)
            ]
            engine.upsert_ads(ads)
            progress.advance(task, n)
    upserted = time.perf_counter() - started
    console.print("[bold]final index build[/bold] (folding the fresh buffer)…")
    t = time.perf_counter()
    engine.rebuild_index()
    fold = time.perf_counter() - t
    stats = engine.stats()
    q = centroids[rng.integers(0, args.clusters, size=args.queries)]
    q += 0.6 * rng.normal(size=q.shape).astype(np.float32)
    lat = []
    for row in q:
        t = time.perf_counter()
        engine.search(row, k=64)
        lat.append(time.perf_counter() - t)
    p50, p99 = np.percentile(np.array(lat) * 1e6, [50, 99])
    console.print(
        f"ads={stats['ads']:,} index={stats['index_factory']} indexed={stats['indexed']:,} "
        f"fresh={stats['fresh']:,} rebuilds={stats['rebuilds']}\n"
        f"upsert total {upserted:.1f}s ({args.ads / upserted:,.0f} ads/s incl. index folds), "
        f"final fold {fold:.1f}s\n"
        f"RSS {rss_mib():,.0f} MiB (+{rss_mib() - base_rss:,.0f} MiB for the catalog)\n"
        f"search k=64 from Python: p50 {p50:.0f} µs, p99 {p99:.0f} µs"
    )


if __name__ == "__main__":
    main()
