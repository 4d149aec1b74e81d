"""The whole pipeline in-process: chatads beside the pure-Python baseline
(`benches/baseline/`) and a bare faiss-cpu search.

Groups (compare within a group; `make bench` reports the ratios):
- embed-update-profile: one chat turn learnt (hash, embed, update profile and
  session), `Engine.ingest` vs the baseline's `ingest`.
- score-<N>k: one chat turn scored end to end (`Engine.score`, the baseline's
  `score`) at N ads, beside a bare faiss-cpu `index.search` of the same factory and
  parameters over chatads' own ad vectors, with chatads' query vectors and k = 64
  (the K' both engines fetch for max_ads = 3). That search is the denominator of
  issue 4's target "score at 100k <= 1.25x bare faiss-cpu search".
- upsert-live-catalog-<N>k: a batch of 100 ads (embedded from their text)
  upserted into the N-ad catalog while another thread searches it about 1,000
  times a second, for enough rounds to span three of chatads' index folds. The
  median is a batch without a fold; `extra_info` has the per-ad cost from the
  median and from the mean (amortised, folds included: the figure for upserts/s).

Sizes come from `CHATADS_BENCH_SIZES` (default 10000; `make bench` adds 100000,
and 1000000 works too: the 1M run takes about 17 minutes on 2 cores, mostly
building three 1M-vector HNSW indexes). The catalog is the demo catalog (ads
written from the topic lexicon, so they cluster by topic); both engines embed the
same ads from their text. The workload is chat sessions of 3 to 8
turns by 1,000 returning users (`benches/baseline/workload.py`); the first 1,000
turns warm both engines up, so profiles and session contexts exist. Recall@10 of
chatads' ANN against exact inner-product search over its own vectors is printed and
recorded in `extra_info` (target >= 0.95 at 100k).

faiss-cpu runs one OpenMP thread for searches, as chatads does (a single-query
Flat search with the default thread count costs up to 10x more on a busy 2-core
machine), and all cores for index builds.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chatads
import faiss
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `benches` as a package

from benches.baseline import BaselinePipeline, TextEmbedder, TopicSpace
from benches.baseline.workload import (
    ChatTurn,
    Progress,
    chat_turns,
    demo_catalog,
    topical_turn,
)

D = 64  # the pure-Python baseline's dimension (chatads' is engine.d)
SIZES = [int(s) for s in os.environ.get("CHATADS_BENCH_SIZES", "10000").split(",") if s]
MAX_ADS = 3
#: Candidates both engines fetch: max(10 x max_ads, 64).
K = max(10 * MAX_ADS, 64)
SECRET = "benchmark-secret-0123456789"
WARM_TURNS = 1000
BATCH = 100  # ads per upsert
CHUNK = 20_000  # ads per upsert while building
BIG = 50_000  # from this size on, show build progress
N_CORES = os.cpu_count() or 1

# Building a 1M-ad catalog twice (and a third index) takes minutes, not seconds.
pytestmark = pytest.mark.timeout(max(300, 3 * max(SIZES) // 1000))


def size_id(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


@contextlib.contextmanager
def visible(config: pytest.Config) -> Iterator[None]:
    """Let progress lines through pytest's output capture."""
    capman = config.pluginmanager.getplugin("capturemanager")
    if capman is None:
        yield
        return
    with capman.global_and_fixture_disabled():
        yield


@contextlib.contextmanager
def faiss_threads(n: int) -> Iterator[None]:
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def new_engine() -> chatads.Engine:
    return chatads.Engine(secret=SECRET, gdpr_when_unknown=False)


@pytest.fixture(scope="module")
def text_space() -> tuple[TopicSpace, TextEmbedder]:
    """The baseline's topic vectors and projection tables, built once (about 1 s)."""
    topics = TopicSpace.builtin(D)
    return topics, TextEmbedder(topics, D, 2**20, seed=1)


def new_baseline(text_space: tuple[TopicSpace, TextEmbedder]) -> BaselinePipeline:
    topics, embedder = text_space
    return BaselinePipeline(topics=topics, embedder=embedder)


@pytest.fixture(scope="module")
def turns() -> list[ChatTurn]:
    return chat_turns(WARM_TURNS + 3000)


@pytest.fixture(scope="module", autouse=True)
def one_search_thread() -> Iterator[None]:
    with faiss_threads(1):
        yield


# ---- embed-update-profile ------------------------------------------------------------


def cycle(turns: list[ChatTurn]) -> Iterator[ChatTurn]:
    return itertools.cycle(turns)


@pytest.mark.benchmark(group="embed-update-profile")
def test_chatads_ingest(benchmark, turns) -> None:  # type: ignore[no-untyped-def]
    engine = new_engine()
    it, used = cycle(turns), [0, 0]

    def turn() -> bool:
        t = next(it)
        ok = engine.ingest(t.user_id, t.session_id, t.message)
        used[0] += ok
        used[1] += 1
        return ok

    benchmark(turn)
    # Every synthetic turn carries topical words; the sensitive guard may veto a few.
    assert used[0] >= 0.9 * used[1]
    assert engine.profile(turns[0].user_id) is not None


@pytest.mark.benchmark(group="embed-update-profile")
def test_baseline_ingest(benchmark, turns, text_space) -> None:  # type: ignore[no-untyped-def]
    base = new_baseline(text_space)
    it, used = cycle(turns), [0, 0]

    def turn() -> bool:
        t = next(it)
        ok = base.ingest(t.user_id, t.session_id, t.message)
        used[0] += ok
        used[1] += 1
        return ok

    benchmark(turn)
    assert used[0] == used[1]
    profile = base.profile(turns[0].user_id)
    assert profile is not None and profile["vector"].shape == (D,)


# ---- score at N ads ----------------------------------------------------------------


@dataclass
class World:
    n: int
    ads: list[dict[str, Any]]
    engine: chatads.Engine
    base: BaselinePipeline
    factory: str
    #: chatads' ad vectors (row i = ads[i]) and a bare faiss-cpu index over them
    vectors: np.ndarray
    index: Any
    #: chatads' embeddings of the timed turns (queries for the bare search)
    queries: np.ndarray
    timed: list[ChatTurn]
    recall: dict[str, float] = field(default_factory=dict)


def tie_aware_recall(ann: list[list[int]], x: np.ndarray, q: np.ndarray, k: int = 10) -> float:
    """Mean share of the exact top-k found by the ANN, counting an ANN hit whose inner
    product equals the k-th best (ties between identical ads) as found."""
    sims = q @ x.T  # (queries, n)
    kth = -np.partition(-sims, k - 1, axis=1)[:, k - 1]
    found = [sum(sims[i, j] >= kth[i] - 1e-5 for j in row[:k]) / k for i, row in enumerate(ann)]
    return float(np.mean(found))


def build_world(n: int, turns: list[ChatTurn], text_space: Any, show: bool) -> World:
    ads = demo_catalog(n, Progress(f"demo catalog ({size_id(n)} ads)", show))
    row_of = {a["ad_id"]: i for i, a in enumerate(ads)}
    engine, base = new_engine(), new_baseline(text_space)
    with faiss_threads(N_CORES):
        for name, target in (("chatads", engine), ("baseline", base)):
            progress = Progress(f"{name} upsert_ads", show)
            for start in range(0, n, CHUNK):
                target.upsert_ads(ads[start : start + CHUNK])
                progress(min(n, start + CHUNK), n)
        engine.rebuild_index()
        factory = engine.stats()["index_factory"]
        assert base.stats()["index_factory"] == factory
        progress = Progress("chatads vectors (get_ad)", show)
        # chatads' own dimension (128 with CHATADS_TEXT_MODEL=semantic); the baseline's is D.
        vectors = np.empty((n, engine.d), dtype=np.float32)
        for i, a in enumerate(ads):
            vectors[i] = engine.get_ad(a["ad_id"])["embedding"]
            if i % CHUNK == CHUNK - 1 or i == n - 1:
                progress(i + 1, n)
        # The same index type and parameters in faiss-cpu.
        progress = Progress(f"bare faiss-cpu {factory}", show)
        index = faiss.index_factory(engine.d, factory, faiss.METRIC_INNER_PRODUCT)
        if "HNSW" in factory:  # the same build parameter as chatads'
            faiss.ParameterSpace().set_index_parameter(
                index, "efConstruction", engine.settings.ef_construction
            )
        index.add_with_ids(vectors, np.arange(n, dtype=np.int64))
        if "HNSW" in factory:
            faiss.ParameterSpace().set_index_parameter(index, "efSearch", engine.settings.ef_search)
        progress(n, n)

    # Users return: the first turns build profiles and sessions in both engines.
    progress = Progress("warm-up turns", show)
    for t in turns[:WARM_TURNS]:
        engine.score(t.user_id, t.session_id, t.message, max_ads=MAX_ADS, gdpr=0)
        base.score(t.user_id, t.session_id, t.message, max_ads=MAX_ADS, gdpr=0)
    progress(WARM_TURNS, WARM_TURNS)
    timed = turns[WARM_TURNS:]
    queries = engine.embed_text([t.message for t in timed])
    world = World(n, ads, engine, base, factory, vectors, index, queries, timed)

    # Recall@10 against exact search, on chatads' vectors (and the baseline's own).
    q = queries[:200][np.linalg.norm(queries[:200], axis=1) > 0]
    ann = [[row_of[a] for a, _ in engine.search(v, 10)] for v in q]
    world.recall["chatads"] = tie_aware_recall(ann, vectors, q)
    world.recall["faiss-cpu"] = tie_aware_recall(index.search(q, 10)[1].tolist(), vectors, q)
    bq = np.stack(
        [v for v in (base.embedder.embed(t.message)[0] for t in timed[:200]) if v is not None]
    )
    bvec = base.catalog.vectors[: len(base.catalog.records)]
    bann = [base.catalog.search(v, 10)[0].tolist() for v in bq]
    world.recall["baseline"] = tie_aware_recall(bann, bvec, bq)
    return world


@pytest.fixture(scope="module", params=SIZES, ids=size_id)
def world(request: pytest.FixtureRequest, turns, text_space) -> World:  # type: ignore[no-untyped-def]
    n = request.param
    show = n >= BIG
    with visible(request.config):
        if show:
            print(f"\nbuilding the {size_id(n)}-ad world (chatads, baseline, bare faiss-cpu)")
        w = build_world(n, turns, text_space, show)
        if not request.config.getoption("benchmark_disable", False):
            print(
                f"\n  recall@10 at {size_id(n)} ({w.factory}): chatads ANN "
                f"{w.recall['chatads']:.3f}, bare faiss-cpu {w.recall['faiss-cpu']:.3f} "
                f"(same vectors), baseline {w.recall['baseline']:.3f} (its own vectors); "
                "target >= 0.95 at 100k"
            )
    return w


def scorer(world: World, fn: Callable[..., Any]) -> tuple[Callable[[], Any], list[int]]:
    """A benchmarked turn: the next timed turn, scored; counts turns that got ads."""
    it, served = cycle(world.timed), [0, 0]

    def turn() -> Any:
        t = next(it)
        r = fn(t.user_id, t.session_id, t.message, max_ads=MAX_ADS, gdpr=0)
        served[0] += bool(r.ads)
        served[1] += 1
        return r

    return turn, served


def test_chatads_score(benchmark, world: World) -> None:  # type: ignore[no-untyped-def]
    benchmark.group = f"score-{size_id(world.n)}"
    benchmark.extra_info.update(
        ads=world.n, index_factory=world.factory, recall_at_10=world.recall["chatads"]
    )
    turn, served = scorer(world, world.engine.score)
    result = benchmark(turn)
    assert 1 <= len(result.ads) <= MAX_ADS
    assert served[0] >= 0.8 * served[1]


def test_baseline_score(benchmark, world: World) -> None:  # type: ignore[no-untyped-def]
    benchmark.group = f"score-{size_id(world.n)}"
    benchmark.extra_info.update(
        ads=world.n, index_factory=world.factory, recall_at_10=world.recall["baseline"]
    )
    turn, served = scorer(world, world.base.score)
    result = benchmark(turn)
    assert 1 <= len(result.ads) <= MAX_ADS
    assert served[0] >= 0.8 * served[1]


def test_faiss_cpu_search(benchmark, world: World) -> None:  # type: ignore[no-untyped-def]
    benchmark.group = f"score-{size_id(world.n)}"
    benchmark.extra_info.update(
        ads=world.n, index_factory=world.factory, k=K, recall_at_10=world.recall["faiss-cpu"]
    )
    q, it = world.queries, itertools.cycle(range(len(world.queries)))

    def one() -> np.ndarray:
        i = next(it)
        return world.index.search(q[i : i + 1], K)[1]

    labels = benchmark(one)
    assert labels.shape == (1, K) and (labels >= 0).all()


def test_recall_at_10(world: World) -> None:
    """chatads' ANN finds nearly all of the exact top 10 (the issue-4 target is
    0.95 at 100k; this sanity floor catches a broken index, not a slow one)."""
    assert world.recall["chatads"] >= 0.9, world.recall
    assert world.recall["baseline"] >= 0.8, world.recall  # faiss-cpu defaults (efConstruction 40)
    if world.factory.endswith("Flat"):
        assert world.recall["chatads"] > 0.999


def test_top_topic_agrees(world: World) -> None:
    """For a clearly topical first turn, chatads and the baseline both put first an
    ad about that topic (or an ancestor or descendant of it)."""
    from chatads.demo_catalog import _lexicon, iter_topics

    paths = dict(iter_topics())
    topics_of = {a["ad_id"]: [paths[t] for t in a["topics"]] for a in world.ads}
    lexicon_topics = sorted(_lexicon())
    both = 0
    for i, topic in enumerate(lexicon_topics):
        msg = topical_turn(topic, seed=i)
        tops = []
        for name, fn in (("c", world.engine.score), ("b", world.base.score)):
            r = fn(f"fresh-{name}-{i}", "s", msg, max_ads=MAX_ADS, gdpr=0)
            tops.append(topics_of[r.ads[0].ad_id] if r.ads else [])
        want = paths[topic]
        both += all(any(p.startswith(want) or want.startswith(p) for p in t) for t in tops)
    # 125 of the 128 lexicon topics at 10k when this was written.
    assert both >= 0.9 * len(lexicon_topics), (both, len(lexicon_topics))


# ---- upsert into a live catalog ------------------------------------------------------


class Searcher(threading.Thread):
    """Searches the catalog about every millisecond until stopped."""

    def __init__(self, search: Callable[[np.ndarray], Any], queries: np.ndarray) -> None:
        super().__init__(daemon=True)
        self.search, self.queries = search, queries
        self.stop, self.count, self.error = threading.Event(), 0, None

    def run(self) -> None:
        try:
            with faiss_threads(1):
                while not self.stop.wait(0.001):
                    self.search(self.queries[self.count % len(self.queries)])
                    self.count += 1
        except Exception as exc:  # reported by the test
            self.error = exc

    def __enter__(self) -> Searcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.join()


@pytest.fixture(scope="module")
def live_batches() -> list[list[dict[str, Any]]]:
    """20 batches of 100 new ads (another seed of the demo generator), as new ids."""
    from chatads.demo_catalog import generate_demo_ads

    pool = generate_demo_ads(20 * BATCH, seed=99)
    for i, ad in enumerate(pool):
        ad["ad_id"] = f"live-{i:05d}"
    return [pool[i : i + BATCH] for i in range(0, len(pool), BATCH)]


def fold_span(n: int) -> int:
    """Rounds that cover about three of chatads' index folds (one every
    `clamp(n/16, 1024, 16384)` written ads), so the mean is the amortised cost."""
    return max(50, 3 * min(max(n // 16, 1024), 16384) // BATCH)


def upsert_bench(benchmark, world: World, batches, upsert, search, get) -> None:  # type: ignore[no-untyped-def]
    """Replace ads in batches of 100 (20 batches of new ads, then their updates) while
    another thread searches. The median is a batch without an index fold, the mean
    includes the folds: `extra_info` has both per ad."""
    benchmark.group = f"upsert-live-catalog-{size_id(world.n)}"
    it = itertools.cycle(batches)
    with Searcher(search, world.queries) as searcher:
        upserted = benchmark.pedantic(
            lambda: upsert(next(it)), rounds=fold_span(world.n), warmup_rounds=1
        )
    assert upserted == BATCH
    assert searcher.error is None, searcher.error
    stats = getattr(benchmark, "stats", None)
    benchmark.extra_info.update(ads=world.n, batch=BATCH, searches_meanwhile=searcher.count)
    if stats is not None:
        benchmark.extra_info.update(
            per_ad_us_median=stats.stats.median / BATCH * 1e6,
            per_ad_us_mean=stats.stats.mean / BATCH * 1e6,
        )
    assert get(batches[0][0]["ad_id"]) is not None


def test_chatads_upsert_live(benchmark, world: World, live_batches) -> None:  # type: ignore[no-untyped-def]
    e = world.engine
    upsert_bench(benchmark, world, live_batches, e.upsert_ads, lambda q: e.search(q, K), e.get_ad)
    assert len(e) >= world.n + BATCH


def test_baseline_upsert_live(benchmark, world: World, live_batches) -> None:  # type: ignore[no-untyped-def]
    b = world.base
    upsert_bench(benchmark, world, live_batches, b.upsert_ads, lambda q: b.search(q, K), b.get_ad)
    assert len(b) >= world.n + BATCH
