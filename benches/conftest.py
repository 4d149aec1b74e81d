"""Benchmarks: each chatads figure sits in a pytest-benchmark group beside the
baseline a Python user would write. `make bench` runs them for real and writes a
report; `make test` runs them once each (`--benchmark-disable`) as a smoke test.
No timing is asserted anywhere."""

from __future__ import annotations

import random

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
