"""ANN search at catalog scale: chatads' catalog beside a bare faiss-cpu index of the
same vectors with the same parameters (what the 1.25x target in issue 4 compares).

Sizes come from `CHATADS_BENCH_SIZES` (default 10000; `make bench` adds 100000).
The vectors cluster around 400 topic centroids, like a real catalog.
"""

from __future__ import annotations

import os

import chatads
import faiss
import numpy as np
import pytest

D = 64
SIZES = [int(s) for s in os.environ.get("CHATADS_BENCH_SIZES", "10000").split(",") if s]
K = 64


def clustered(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(400, D)).astype(np.float32)
    x = centroids[rng.integers(0, 400, size=n)] + 0.6 * rng.normal(size=(n, D)).astype(np.float32)
    faiss.normalize_L2(x)
    return x


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n // 1000}k")
def catalog(request: pytest.FixtureRequest) -> tuple[int, np.ndarray, chatads.Engine, object]:
    n = request.param
    x = clustered(n)
    engine = chatads.Engine(secret="benchmark-secret-0123456789", gdpr_when_unknown=False)
    for start in range(0, n, 20_000):
        engine.upsert_ads(
            [
                {
                    "ad_id": f"a{i}",
                    "advertiser": f"adv{i % 997}.example",
                    "bid_cpm": 1.0,
                    "embedding": x[i].tolist(),
                }
                for i in range(start, min(n, start + 20_000))
            ]
        )
    engine.rebuild_index()
    factory = engine.stats()["index_factory"]
    # The same index type and parameters in faiss-cpu.
    index = faiss.index_factory(D, factory, faiss.METRIC_INNER_PRODUCT)
    if "HNSW" in factory:  # the same build parameter as chatads'
        faiss.ParameterSpace().set_index_parameter(
            index, "efConstruction", engine.settings.ef_construction
        )
    index.add_with_ids(x, np.arange(n, dtype=np.int64))
    if "HNSW" in factory:
        faiss.ParameterSpace().set_index_parameter(index, "efSearch", engine.settings.ef_search)
    return n, clustered(256, seed=2), engine, index


def test_faiss_cpu_search(benchmark, catalog) -> None:  # type: ignore[no-untyped-def]
    n, queries, _, index = catalog
    benchmark.group = f"ann-search-{n // 1000}k"
    it = iter(range(10**9))

    def one() -> np.ndarray:
        i = next(it) % len(queries)
        return index.search(queries[i : i + 1], K)[1]

    assert benchmark(one).shape == (1, K)


def test_chatads_search(benchmark, catalog) -> None:  # type: ignore[no-untyped-def]
    n, queries, engine, _ = catalog
    benchmark.group = f"ann-search-{n // 1000}k"
    it = iter(range(10**9))
    hits = benchmark(lambda: engine.search(queries[next(it) % len(queries)], K))
    assert len(hits) == K
