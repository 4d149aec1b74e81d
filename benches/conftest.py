"""Benchmarks: each chatads figure sits in a pytest-benchmark group beside the
baseline a Python user would write. `make bench` runs them for real and writes a
report; `make test` runs them once each (`--benchmark-disable`) as a smoke test.
No timing is asserted anywhere."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

import pytest

#: Vocabulary of the synthetic chat turns (8-40 words, 30 % French).
_EN = """i want to book a cheap flight to lisbon next week and a hotel near the beach which
running shoes are best for a marathon on trails my laptop battery is dying any recipe for a
quick pasta dinner tonight with friends please"""
_FR = """je cherche un vol pas cher pour lisbonne la semaine prochaine et un hôtel près de la
plage quelles chaussures de course pour un marathon une recette rapide de pâtes pour ce soir
avec des amis"""
WORDS_EN = _EN.split()
WORDS_FR = _FR.split()


def make_messages(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = WORDS_FR if rng.random() < 0.3 else WORDS_EN
        out.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 40))).capitalize())
    return out


@pytest.fixture(scope="session")
def messages() -> list[str]:
    return make_messages(2000)


def side_by_side(
    benchmark: object, variants: dict[str, Callable[[], object]], *, blocks: int = 21
) -> dict[str, float]:
    """Times `variants` in alternating blocks (A B C A B C ...), each block about 40 ms of
    calls of one variant, and returns each one's median time per call over its blocks.

    A shared host's speed drifts over seconds, so two pytest-benchmark tests run one
    after the other can differ by 1.5x with no change in the code. Here every variant
    sees the same drift, so their ratios hold. The medians go into
    `extra_info["side_by_side"]`, which `benches/report.py` prints as ratios. Under
    `--benchmark-disable` (the smoke), one call each."""
    disabled = bool(getattr(benchmark, "disabled", False))
    per_call: dict[str, list[float]] = {name: [] for name in variants}
    calls: dict[str, int] = {}
    for name, fn in variants.items():  # warm each up and size its block
        started = time.perf_counter()
        fn()
        once = max(time.perf_counter() - started, 1e-7)
        calls[name] = 1 if disabled else max(1, int(0.04 / once))
    for _ in range(1 if disabled else blocks):
        for name, fn in variants.items():
            n = calls[name]
            started = time.perf_counter()
            for _ in range(n):
                fn()
            per_call[name].append((time.perf_counter() - started) / n)
    medians = {name: statistics.median(times) for name, times in per_call.items()}
    benchmark.extra_info["side_by_side"] = medians  # type: ignore[attr-defined]
    return medians
