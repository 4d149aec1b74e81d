"""Relevance, speed and memory of the static token embeddings against their dimension `d`.

A dev-time measurement for choosing `d` (issue 10): the tables come from
`scripts/distill_static.py --dims 32,48,64,96,128 --out DIR` (only d = 64 ships in
`rust/data/static_embed/`). For each table, the static embeddings alone (no lexicon, no
hashing, so the curve shows what `d` itself buys) rank the labelled set's ads for each
session (its turns joined, the last one twice) by exact cosine. Reported per `d`:
on-topic@3 and NDCG@3 on both halves; a FAISS exact search over the catalog (faiss-cpu,
one thread, k = 64, as the engine's candidate stage); the table's size; a profile's
bytes (f16 vector, as the profile store keeps it, plus its fixed fields).

    .venv/bin/python -m eval.d_curve --tables DIR [--out eval-results]
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from eval.relevance import TABLES_VOCAB, World, load_world, ndcg3, session_query
from eval.static_embed import StaticEmbedder

console = Console(stderr=True)


def _rank(world: World, emb: StaticEmbedder) -> dict[str, Any]:
    ads = emb.encode([f"{a['title']} {a['text']}" for a in world.ads])
    ids = [a["ad_id"] for a in world.ads]
    queries = emb.encode([session_query(s) for s in world.sessions])
    out: dict[str, list[tuple[int, float]]] = {"tune": [], "heldout": []}
    for s, q in zip(world.sessions, queries, strict=True):
        scores = ads @ q
        top = np.argpartition(-scores, 3)[:3]
        top = top[np.argsort(-scores[top])]
        grades = [world.grade(s, ids[i]) for i in top]
        ideal = [2] * min(3, len(s.relevant)) + [1] * 3
        out[s.split].append((int(any(g >= 1 for g in grades)), ndcg3(grades, ideal[:3])))
    return {
        half: {
            "on_topic_3": round(100 * statistics.fmean(r[0] for r in rows), 1),
            "ndcg_3": round(100 * statistics.fmean(r[1] for r in rows), 1),
        }
        for half, rows in out.items()
    } | {"ads": ads}


def _faiss_us(ads: np.ndarray, k: int = 64, n: int = 2000) -> float:
    import faiss

    faiss.omp_set_num_threads(1)
    index = faiss.IndexFlatIP(ads.shape[1])
    index.add(ads)
    q = ads[:1].copy()
    for _ in range(100):
        index.search(q, k)
    t0 = time.perf_counter()
    for _ in range(n):
        index.search(q, k)
    return (time.perf_counter() - t0) / n * 1e6


def main(
    tables: Annotated[Path, typer.Option(help="directory of minilm_d{d}.bin tables")],
    out: Annotated[Path, typer.Option(help="where d_curve.json and d_curve.png go")] = Path(
        "eval-results"
    ),
    demo_ads: Annotated[int, typer.Option(help="demo catalog size the labelled ads join")] = 6000,
) -> None:
    """Measure relevance, search time and memory for every table in `tables`."""
    dims = sorted(
        int(m.group(1)) for p in tables.glob("minilm_d*.bin") if (m := re.search(r"d(\d+)", p.name))
    )
    if not dims:
        raise typer.BadParameter(f"no minilm_d*.bin in {tables}")
    if not (tables / "vocab.txt").exists():
        shutil.copy(TABLES_VOCAB, tables / "vocab.txt")
    world = load_world(demo_ads)
    rows = []
    for d in dims:
        emb = StaticEmbedder(d, tables)
        got = _rank(world, emb)
        ads = got.pop("ads")
        rows.append(
            {
                "d": d,
                **{f"{half}_{k}": v for half, m in got.items() for k, v in m.items()},
                "faiss_exact_us": round(_faiss_us(ads), 1),
                "table_bytes": (tables / f"minilm_d{d}.bin").stat().st_size,
                "profile_vector_bytes": 2 * d,
            }
        )
        console.print(rows[-1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "d_curve.json").write_text(json.dumps(rows, indent=1))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    xs = [r["d"] for r in rows]
    ax.plot(xs, [r["heldout_on_topic_3"] for r in rows], "o-", label="on-topic@3, held-out")
    ax.plot(xs, [r["tune_on_topic_3"] for r in rows], "o--", label="on-topic@3, tune")
    ax.plot(xs, [r["heldout_ndcg_3"] for r in rows], "s-", label="NDCG@3, held-out")
    ax.set_xlabel("d")
    ax.set_ylabel("%")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax2 = ax.twinx()
    ax2.plot(xs, [r["faiss_exact_us"] for r in rows], "k^:", label="FAISS exact search (µs)")
    ax2.set_ylabel(f"µs per search over {len(world.ads):,} ads")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8, loc="lower right")
    ax.set_title("static token embeddings alone, by dimension")
    fig.tight_layout()
    fig.savefig(out / "d_curve.png", dpi=120)
    console.print(f"wrote {out / 'd_curve.json'} and {out / 'd_curve.png'}")


if __name__ == "__main__":
    typer.run(main)
