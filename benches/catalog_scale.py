"""Load a large synthetic catalog into an in-process engine and report time, memory and
search latency, beside faiss-cpu holding the same vectors with the same index
parameters. Shows progress while loading and while the indexes are built.

    .venv/bin/python benches/catalog_scale.py --ads 1000000

Ads get caller-supplied embeddings drawn around topic centroids (clustered, not uniform),
so the figure measures the catalog and FAISS, not the text pipeline. Reported:
upsert rate (with the live index folds), RSS, a full index build from scratch
(chatads `rebuild_index(full=True)` and faiss-cpu `add` of the same factory), search
p50/p99 with k=64 on one thread for both, and recall@10 of both against exact
inner-product search. `--json` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import faiss
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
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args()
    faiss.omp_set_num_threads(1)

    engine = Engine(secret="catalog-scale-benchmark-secret", demo_catalog=False)
    d = engine.d
    rng = np.random.default_rng(1)
    centroids = rng.normal(size=(args.clusters, d)).astype(np.float32)
    base_rss = rss_mib()
    all_vecs = np.empty((args.ads, d), dtype=np.float32)
    started = time.perf_counter()
    with Progress(
        "[bold]upserting", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("ads", total=args.ads)
        for start in range(0, args.ads, args.batch):
            n = min(args.batch, args.ads - start)
            c = rng.integers(0, args.clusters, size=n)
            vecs = centroids[c] + 0.6 * rng.normal(size=(n, d)).astype(np.float32)
            all_vecs[start : start + n] = vecs
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
    with console.status("final fold of the fresh buffer"):
        t = time.perf_counter()
        engine.rebuild_index()
        fold = time.perf_counter() - t
    catalog_rss = rss_mib() - base_rss
    with console.status("chatads: full index build from scratch"):
        t = time.perf_counter()
        engine.rebuild_index(full=True)
        build = time.perf_counter() - t
    stats = engine.stats()
    factory = stats["index_factory"]
    faiss.normalize_L2(all_vecs)
    with console.status(f"faiss-cpu: {factory} build of the same vectors"):
        faiss.omp_set_num_threads(os.cpu_count() or 2)  # as chatads builds
        t = time.perf_counter()
        index = faiss.index_factory(d, factory, faiss.METRIC_INNER_PRODUCT)
        if "HNSW" in factory:  # the same build parameter as chatads'
            faiss.ParameterSpace().set_index_parameter(
                index, "efConstruction", engine.settings.ef_construction
            )
        index.add_with_ids(all_vecs, np.arange(args.ads, dtype=np.int64))
        faiss_build = time.perf_counter() - t
        faiss.omp_set_num_threads(1)
    if "HNSW" in factory:
        faiss.ParameterSpace().set_index_parameter(index, "efSearch", engine.settings.ef_search)
    q = centroids[rng.integers(0, args.clusters, size=args.queries)]
    q += 0.6 * rng.normal(size=q.shape).astype(np.float32)
    faiss.normalize_L2(q)
    ours, theirs = [], []
    our_ids, their_ids = [], []
    for row in q:
        t = time.perf_counter()
        hits = engine.search(row, k=64)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        _, ids = index.search(row[None, :], 64)
        theirs.append(time.perf_counter() - t)
        our_ids.append([int(h[0].removeprefix("ad-")) for h in hits[:10]])
        their_ids.append(ids[0, :10].tolist())
    with console.status("exact search for recall"):
        exact = faiss.IndexFlatIP(d)
        exact.add(all_vecs)
        _, truth = exact.search(q, 10)

    def recall(found: list[list[int]]) -> float:
        return float(
            np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth.tolist(), strict=True)])
        )

    o50, o99 = np.percentile(np.array(ours) * 1e6, [50, 99])
    t50, t99 = np.percentile(np.array(theirs) * 1e6, [50, 99])
    figures = {
        "ads": stats["ads"],
        "index_factory": factory,
        "upsert_s": upserted,
        "upsert_ads_per_s": args.ads / upserted,
        "live_folds": stats["rebuilds"] - 1,
        "catalog_rss_mib": catalog_rss,
        "process_rss_mib": rss_mib(),
        "full_build_s": build,
        "faiss_cpu_build_s": faiss_build,
        "search_p50_us": o50,
        "search_p99_us": o99,
        "faiss_cpu_search_p50_us": t50,
        "faiss_cpu_search_p99_us": t99,
        "recall_at_10": recall(our_ids),
        "faiss_cpu_recall_at_10": recall(their_ids),
    }
    console.print(
        f"ads={stats['ads']:,} index={factory} indexed={stats['indexed']:,} "
        f"fresh={stats['fresh']:,}\n"
        f"upsert total {upserted:.1f}s ({args.ads / upserted:,.0f} ads/s incl. "
        f"{figures['live_folds']} index folds), final fold {fold:.1f}s\n"
        f"RSS +{catalog_rss:,.0f} MiB for the catalog\n"
        f"full index build: chatads {build:.1f}s, faiss-cpu {faiss_build:.1f}s "
        f"({build / faiss_build:.2f}x)\n"
        f"search k=64 from Python, one thread: chatads p50 {o50:.0f} µs p99 {o99:.0f} µs; "
        f"faiss-cpu p50 {t50:.0f} µs p99 {t99:.0f} µs ({o50 / t50:.2f}x at p50)\n"
        f"recall@10 vs exact: chatads {figures['recall_at_10']:.3f}, "
        f"faiss-cpu {figures['faiss_cpu_recall_at_10']:.3f}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
