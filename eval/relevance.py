"""Offline relevance harness (`make eval`): replays the labelled sessions of
`eval/data/` against ads mixed into the demo catalog and reports, per language and
per half (tune / held-out), on-topic@3, need@3, P@1 and NDCG@3 for:

- chatads with its hashing text model (today's default) and its semantic model,
  each through the real engine (`chatads.Engine.score`, turn by turn, one fresh user
  per session, so profile and session context work as in production);
- scikit-learn `HashingVectorizer` + TF-IDF, cosine;
- BM25 (Okapi, k1 = 1.5, b = 0.75) over scikit-learn's tokens;
- all-MiniLM-L6-v2 (`eval.minilm`, numpy; the upper reference, offline only).

Every ad bids the same here, so the engine ranks by relevance as the baselines do, and
the over-personalisation guard is off (matching alone; `eval.guard` measures the guard).
The baselines see a session as its turns joined, the last one twice (what the
engine's session context gives it too: the recent turns, the current one first).
Grades: 2 = the ad is one the session's label says answers the need; 1 = the ad
shares a topic with the session (a taxonomy ancestor or descendant counts); 0 else.
on-topic@3: some ad of the top 3 has grade >= 1; need@3: some has grade 2; P@1: the
first ad has grade >= 1; NDCG@3 with gains 2^g - 1. Cost per turn is wall time per
turn on one core, for each method's own way of embedding and searching.

    .venv/bin/python -m eval.relevance [--out eval-results] [--no-minilm]
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import chatads
import numpy as np
import numpy.typing as npt
import typer
from chatads.config import GUARD_OFF
from chatads.demo_catalog import generate_demo_ads
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data"
TAXONOMY = ROOT / "rust" / "data" / "topics_taxonomy_v2.tsv"
TABLES_VOCAB = ROOT / "rust" / "data" / "static_embed" / "vocab.txt"
console = Console(stderr=True)

LANGS = ("en", "fr")
HALVES = ("tune", "heldout")


@dataclass
class Session:
    session_id: str
    lang: str
    split: str
    turns: list[str]
    topics: list[int]
    relevant: set[str]
    hard_case: str | None
    note: str


@dataclass
class World:
    sessions: list[Session]
    ads: list[dict[str, Any]]
    ad_topics: dict[str, set[int]]
    parents: dict[int, int | None]

    def related(self, a: int, b: int) -> bool:
        """`a` is `b`, an ancestor or a descendant of it."""
        return self._up(a, b) or self._up(b, a)

    def under(self, t: int, a: int) -> bool:
        """`t` is `a` or a descendant of it (a topic control on `a` covers `t`)."""
        return self._up(a, t)

    def _up(self, a: int, b: int) -> bool:
        cur: int | None = b
        while cur is not None:
            if cur == a:
                return True
            cur = self.parents.get(cur)
        return False

    def grade(self, session: Session, ad_id: str) -> int:
        if ad_id in session.relevant:
            return 2
        tops = self.ad_topics.get(ad_id, set())
        return int(any(self.related(s, t) for s in session.topics for t in tops))


def load_world(n_demo: int) -> World:
    by_path: dict[str, int] = {}
    rows = []
    for line in TAXONOMY.read_text(encoding="utf-8").splitlines()[1:]:
        tid, path = line.split("\t")
        by_path[path] = int(tid)
        rows.append((int(tid), path))
    parents = {tid: by_path.get(path.rsplit("/", 1)[0]) for tid, path in rows}
    labelled = [json.loads(x) for x in (DATA / "relevance_ads.jsonl").read_text().splitlines() if x]
    # Every ad bids the same, so the engine's ranking (pCTR x bid) is by relevance alone,
    # as the baselines' is.
    ads = [ad | {"bid_cpm": 2.0} for ad in generate_demo_ads(n_demo)] + [
        {k: ad[k] for k in ("ad_id", "advertiser", "title", "text", "topics", "categories")}
        | {"bid_cpm": 2.0}
        for ad in labelled
    ]
    sessions = [
        Session(
            s["session_id"],
            s["lang"],
            s["split"],
            list(s["turns"]),
            list(s["topics"]),
            set(s["relevant_ads"]),
            s.get("hard_case"),
            s.get("note", ""),
        )
        for s in map(json.loads, (DATA / "relevance_sessions.jsonl").read_text().splitlines())
    ]
    ad_topics = {ad["ad_id"]: set(ad.get("topics", [])) for ad in ads}
    return World(sessions, ads, ad_topics, parents)


def session_query(s: Session) -> str:
    """The baselines' view of a session: its turns, the last one twice."""
    return " ".join([*s.turns, s.turns[-1]])


# --------------------------------------------------------------------------- methods


@dataclass
class Method:
    name: str
    #: session -> ranked ad ids (top 3), and the wall seconds per turn it took
    rank: Callable[[Session], list[str]]
    cost_us: list[float] = field(default_factory=list)
    note: str = ""
    #: the text embedding alone, µs per turn (chatads methods)
    embed_us: float | None = None


def chatads_method(
    world: World,
    text_model: str,
    mix: tuple[float, float, float],
    d: int | None = None,
    guard: bool = False,
    **overrides: Any,
) -> Method:
    settings = chatads.Settings(
        **overrides,
        # The guard off unless asked for: this harness measures matching alone.
        **({} if guard else GUARD_OFF),
        d=d,
        secret="relevance-eval-secret-0123",
        data_dir=None,
        gdpr_when_unknown=False,
        text_model=text_model,  # type: ignore[arg-type]
        text_mix=mix,
        demo_catalog=False,
    )
    engine = chatads.Engine(settings)
    for i in range(0, len(world.ads), 5000):
        engine.upsert_ads(world.ads[i : i + 5000])
    engine.rebuild_index(full=True)
    # Named with d only where it is not the text model's own (64 hashing, 128 semantic).
    method = Method(f"chatads {text_model}" + (f" d={d}" if d is not None else ""), lambda s: [])
    runs = [0]

    def rank(s: Session) -> list[str]:
        # A fresh user and session per replay: nothing learnt leaks between sessions.
        runs[0] += 1
        user, sid = f"eval-user-{s.session_id}-{runs[0]}", f"eval-{s.session_id}"
        out: list[str] = []
        for turn in s.turns:
            t0 = time.perf_counter()
            result = engine.score(user, sid, turn, max_ads=3)
            method.cost_us.append((time.perf_counter() - t0) * 1e6)
            out = [a.ad_id for a in result.ads]
        return out

    method.rank = rank
    method.note = "the whole engine per turn (consent, profile, FAISS, ranking, explanation)"
    turns = [t for s in world.sessions for t in s.turns]
    runs_us = []
    for _ in range(5):
        t0 = time.perf_counter()
        for t in turns:
            engine.embed_text(t)
        runs_us.append((time.perf_counter() - t0) * 1e6 / len(turns))
    method.embed_us = round(min(runs_us), 2)
    return method


def _top3(scores: npt.NDArray[np.float32], ids: Sequence[str]) -> list[str]:
    top = np.argpartition(-scores, 3)[:3]
    return [ids[i] for i in top[np.argsort(-scores[top])]]


def tfidf_method(world: World) -> Method:
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    hv = HashingVectorizer(n_features=2**20, alternate_sign=False, norm=None)
    docs = [f"{a['title']} {a['text']}" for a in world.ads]
    tfidf = TfidfTransformer().fit(hv.transform(docs))
    matrix = tfidf.transform(hv.transform(docs)).tocsr()
    ids = [a["ad_id"] for a in world.ads]
    method = Method("TF-IDF (scikit-learn)", lambda s: [])

    def rank(s: Session) -> list[str]:
        t0 = time.perf_counter()
        q = tfidf.transform(hv.transform([session_query(s)]))
        scores = np.asarray((matrix @ q.T).todense()).ravel().astype(np.float32)
        out = _top3(scores, ids)
        method.cost_us.append((time.perf_counter() - t0) * 1e6)
        return out

    method.rank = rank
    method.note = "HashingVectorizer(2^20) + TfidfTransformer, cosine over every ad"
    return method


def bm25_method(world: World, k1: float = 1.5, b: float = 0.75) -> Method:
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [f"{a['title']} {a['text']}" for a in world.ads]
    cv = CountVectorizer()
    tf = cv.fit_transform(docs).tocsc().astype(np.float32)
    n_docs = tf.shape[0]
    dl = np.asarray(tf.sum(axis=1)).ravel()
    avgdl = float(dl.mean())
    df = np.diff(tf.indptr)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    ids = [a["ad_id"] for a in world.ads]
    norm = (k1 * (1 - b + b * dl / avgdl)).astype(np.float32)
    method = Method("BM25", lambda s: [])

    def rank(s: Session) -> list[str]:
        t0 = time.perf_counter()
        q = cv.transform([session_query(s)])
        scores = np.zeros(n_docs, dtype=np.float32)
        for col, qtf in zip(q.indices, q.data, strict=True):
            lo, hi = tf.indptr[col], tf.indptr[col + 1]
            rows, f = tf.indices[lo:hi], tf.data[lo:hi]
            scores[rows] += qtf * idf[col] * f * (k1 + 1) / (f + norm[rows])
        out = _top3(scores, ids)
        method.cost_us.append((time.perf_counter() - t0) * 1e6)
        return out

    method.rank = rank
    method.note = f"Okapi BM25 (k1 = {k1}, b = {b}) over scikit-learn's word tokens"
    return method


def minilm_method(world: World, cache: Path) -> Method:
    from eval.minilm import MiniLM

    model = MiniLM()
    ids = [a["ad_id"] for a in world.ads]
    docs = [f"{a['title']} {a['text']}" for a in world.ads]
    digest = hashlib.sha256("\n".join(docs).encode()).hexdigest()[:16]
    key = cache / f"minilm-ads-{len(docs)}-{digest}.npy"
    if key.exists():
        matrix = np.load(key)
    else:
        console.print(f"embedding {len(docs):,} ads with all-MiniLM-L6-v2 (cached in {cache})")
        parts = []
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("MiniLM ads", total=len(docs))
            for i in range(0, len(docs), 256):
                parts.append(model.encode(docs[i : i + 256]))
                bar.advance(task, len(docs[i : i + 256]))
        matrix = np.vstack(parts).astype(np.float32)
        cache.mkdir(parents=True, exist_ok=True)
        np.save(key, matrix)
    method = Method("all-MiniLM-L6-v2 (reference)", lambda s: [])

    def rank(s: Session) -> list[str]:
        t0 = time.perf_counter()
        q = model.encode([session_query(s)])[0]
        out = _top3(matrix @ q, ids)
        method.cost_us.append((time.perf_counter() - t0) * 1e6)
        return out

    method.rank = rank
    method.note = "numpy forward pass (eval/minilm.py), mean pooling, exact cosine"
    return method


# --------------------------------------------------------------------------- metrics


def ndcg3(grades: list[int], ideal: list[int]) -> float:
    def dcg(gs: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:3]))

    best = dcg(sorted(ideal, reverse=True))
    return dcg(grades) / best if best > 0 else 0.0


def evaluate(world: World, method: Method, progress: Progress) -> dict[str, Any]:
    task = progress.add_task(method.name, total=len(world.sessions))
    per: list[dict[str, Any]] = []
    for s in world.sessions:
        top = method.rank(s)
        grades = [world.grade(s, a) for a in top[:3]]
        ideal = [2] * min(3, len(s.relevant)) + [1] * 3
        per.append(
            {
                "session_id": s.session_id,
                "lang": s.lang,
                "split": s.split,
                "hard_case": s.hard_case,
                "top": top[:3],
                "grades": grades,
                "on_topic_3": int(any(g >= 1 for g in grades)),
                "need_3": int(any(g == 2 for g in grades)),
                "p_1": int(bool(grades) and grades[0] >= 1),
                "ndcg_3": ndcg3(grades, ideal[:3]),
            }
        )
        progress.advance(task)
    summary: dict[str, Any] = {}
    for split in (*HALVES, "all"):
        for lang in (*LANGS, "all"):
            rows = [
                p
                for p in per
                if (split == "all" or p["split"] == split) and (lang == "all" or p["lang"] == lang)
            ]
            if not rows:
                continue
            summary[f"{split}/{lang}"] = {
                "n": len(rows),
                **{
                    m: round(100 * statistics.fmean(r[m] for r in rows), 1)
                    for m in ("on_topic_3", "need_3", "p_1", "ndcg_3")
                },
            }
    costs = method.cost_us
    return {
        "name": method.name,
        "note": method.note,
        "summary": summary,
        "sessions": per,
        "cost_us_per_turn_p50": round(statistics.median(costs), 1) if costs else None,
        "embed_us_per_turn": method.embed_us,
    }


# --------------------------------------------------------------------------- report


def write_report(results: list[dict[str, Any]], out: Path, meta: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"meta": meta, "methods": results}, indent=1))
    lines = [
        "# Relevance on the labelled set",
        "",
        f"`{meta['command']}`, {meta['date']}. {meta['sessions']} sessions "
        f"({meta['per_lang']}), {meta['labelled_ads']} labelled ads mixed into "
        f"{meta['demo_ads']:,} demo ads. Metrics in % (NDCG@3 x 100); the held-out half is "
        "the one no tuning looked at.",
        "",
    ]
    for split in ("heldout", "tune"):
        lines += [
            f"## {'Held-out' if split == 'heldout' else 'Tuning'} half",
            "",
            "| method | lang | n | on-topic@3 | need@3 | P@1 | NDCG@3 | cost per turn (p50 µs) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results:
            for lang in (*LANGS, "all"):
                m = r["summary"].get(f"{split}/{lang}")
                if m:
                    lines.append(
                        f"| {r['name']} | {lang} | {m['n']} | {m['on_topic_3']} | "
                        f"{m['need_3']} | {m['p_1']} | {m['ndcg_3']} | "
                        f"{r['cost_us_per_turn_p50']} |"
                    )
        lines.append("")
    lines += ["## Methods", ""]
    for r in results:
        embed = r.get("embed_us_per_turn")
        extra = f"; the text embedding alone: {embed} µs per turn" if embed else ""
        lines.append(f"- **{r['name']}**: {r['note']}{extra}")
    lines.append("")
    (out / "report.md").write_text("\n".join(lines))

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), sharey=True)
    for ax, split in zip(axes, ("heldout", "tune"), strict=True):
        width = 0.8 / max(1, len(results))
        for i, r in enumerate(results):
            vals = [r["summary"].get(f"{split}/{lang}", {}).get("on_topic_3", 0) for lang in LANGS]
            xs = [j + i * width for j in range(len(LANGS))]
            ax.bar(xs, vals, width, label=r["name"])
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(LANGS))], list(LANGS))
        ax.set_title(f"on-topic@3, {split} half")
        ax.set_ylim(0, 100)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("% of sessions")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="lower center", ncol=len(results))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.savefig(out / "relevance.png", dpi=120)
    plt.close(fig)


def main(
    out: Annotated[Path, typer.Option(help="where report.md, results.json and the plot go")] = (
        Path("eval-results")
    ),
    minilm: Annotated[bool, typer.Option(help="run the all-MiniLM-L6-v2 reference")] = True,
    demo_ads: Annotated[int, typer.Option(help="demo catalog size the labelled ads join")] = 6000,
    cache: Annotated[
        Path | None, typer.Option(help="cache of the reference's ad embeddings")
    ] = None,
) -> None:
    """Replay the labelled sessions and report relevance per method, language and half."""
    import datetime as dt

    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cache = cache or Path.home() / ".cache" / "chatads" / "eval"
    world = load_world(demo_ads)
    console.print(
        f"{len(world.sessions)} sessions, {len(world.ads):,} ads "
        f"({len(world.ads) - demo_ads} labelled)"
    )
    methods = [
        chatads_method(world, "hashing", chatads.Settings().text_mix),
        chatads_method(world, "semantic", chatads.Settings().text_mix),
        chatads_method(world, "semantic", chatads.Settings().text_mix, d=64),
        tfidf_method(world),
        bm25_method(world),
    ]
    if minilm:
        methods.append(minilm_method(world, cache))
    results = []
    with Progress(console=console) as progress:
        for m in methods:
            results.append(evaluate(world, m, progress))
    table = Table(title="held-out half: on-topic@3 / NDCG@3 (%)")
    for col in ("method", *LANGS, "cost µs/turn"):
        table.add_column(col)
    for r in results:
        cells = [
            f"{r['summary'][f'heldout/{lang}']['on_topic_3']} / "
            f"{r['summary'][f'heldout/{lang}']['ndcg_3']}"
            for lang in LANGS
        ]
        table.add_row(r["name"], *cells, str(r["cost_us_per_turn_p50"]))
    console.print(table)
    per_lang = ", ".join(f"{sum(s.lang == lang for s in world.sessions)} {lang}" for lang in LANGS)
    meta = {
        "command": "python -m eval.relevance",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sessions": len(world.sessions),
        "per_lang": per_lang,
        "labelled_ads": len(world.ads) - demo_ads,
        "demo_ads": demo_ads,
    }
    write_report(results, out, meta)
    console.print(f"wrote {out / 'report.md'}, {out / 'results.json'}, {out / 'relevance.png'}")


if __name__ == "__main__":
    typer.run(main)
