"""Text pipeline and consent decoding, chatads beside what a Python user would use.

Groups (compare within a group; `make bench` reports the ratios):
- hash-one-message: `HashingVectorizer.transform([msg])` vs `chatads.hash_text(msg)`
- hash-batch: the same on 2,000 messages (chatads on one thread and on two)
- chat-turn: sklearn hashing alone vs chatads' whole turn (hash, embed, profile update),
  with the hashing text model and with the semantic one
- tc-decode: the `iab-tcf` package vs chatads' decoder (uncached)
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import chatads
import iab_tcf
import pytest
from chatads import _core
from sklearn.feature_extraction.text import HashingVectorizer

from benches.conftest import side_by_side

TC = json.loads((Path(__file__).parent.parent / "tests/data/tc_strings.json").read_text())[1]["tc"]


@pytest.fixture(scope="module")
def sk() -> HashingVectorizer:
    return HashingVectorizer()


@pytest.fixture(scope="module")
def engine() -> chatads.Engine:
    return chatads.Engine(secret="benchmark-secret-0123456789", gdpr_when_unknown=False)


@pytest.mark.benchmark(group="hash-one-message")
def test_sklearn_hash_one(benchmark, sk, messages) -> None:  # type: ignore[no-untyped-def]
    it = itertools.cycle(messages)
    X = benchmark(lambda: sk.transform([next(it)]))
    assert X.shape[1] == 2**20


@pytest.mark.benchmark(group="hash-one-message")
def test_chatads_hash_one(benchmark, messages) -> None:  # type: ignore[no-untyped-def]
    it = itertools.cycle(messages)
    X = benchmark(lambda: chatads.hash_text(next(it)))
    assert X.shape[1] == 2**20


@pytest.mark.benchmark(group="hash-batch")
def test_sklearn_hash_batch(benchmark, sk, messages) -> None:  # type: ignore[no-untyped-def]
    benchmark.extra_info["bytes"] = sum(len(m.encode()) for m in messages)
    X = benchmark(sk.transform, messages)
    assert X.shape[0] == len(messages)


@pytest.mark.benchmark(group="hash-batch")
def test_chatads_hash_batch(benchmark, messages) -> None:  # type: ignore[no-untyped-def]
    benchmark.extra_info["bytes"] = sum(len(m.encode()) for m in messages)
    X = benchmark(chatads.hash_text, messages)
    assert X.shape[0] == len(messages)


@pytest.mark.benchmark(group="hash-batch")
def test_chatads_hash_batch_2_threads(benchmark, messages) -> None:  # type: ignore[no-untyped-def]
    benchmark.extra_info["bytes"] = sum(len(m.encode()) for m in messages)
    X = benchmark(chatads.hash_text, messages, n_jobs=2)
    assert X.shape[0] == len(messages)
    # The speedup, from the two measured in alternating blocks (see side_by_side).
    t = side_by_side(
        benchmark,
        {
            "hash_text n_jobs=1": lambda: chatads.hash_text(messages),
            "hash_text n_jobs=2": lambda: chatads.hash_text(messages, n_jobs=2),
        },
    )
    assert set(t) == {"hash_text n_jobs=1", "hash_text n_jobs=2"}


@pytest.mark.benchmark(group="chat-turn")
def test_sklearn_hash_only_turn(benchmark, sk, messages) -> None:  # type: ignore[no-untyped-def]
    it = itertools.cycle(messages)
    assert benchmark(lambda: sk.transform([next(it)])).nnz > 0


@pytest.mark.benchmark(group="chat-turn")
def test_chatads_whole_turn(benchmark, engine, messages) -> None:  # type: ignore[no-untyped-def]
    it = itertools.cycle(enumerate(messages))

    def turn() -> bool:
        i, msg = next(it)
        return engine.ingest(f"user-{i % 500}", "s", msg)

    # Every synthetic turn carries topical words, so every one is learnt from.
    assert benchmark(turn) is True


@pytest.mark.benchmark(group="chat-turn")
def test_chatads_whole_turn_semantic(benchmark, sk, engine, messages) -> None:  # type: ignore[no-untyped-def]
    semantic = chatads.Engine(
        secret="benchmark-secret-0123456789", gdpr_when_unknown=False, text_model="semantic"
    )

    def turns(e: chatads.Engine) -> Callable[[], bool]:
        it = itertools.cycle(enumerate(messages))

        def turn() -> bool:
            i, msg = next(it)
            return e.ingest(f"user-{i % 500}", "s", msg)

        return turn

    assert benchmark(turns(semantic)) is True
    # The three again, in alternating blocks, for ratios that hold on a busy host.
    it = itertools.cycle(messages)
    t = side_by_side(
        benchmark,
        {
            "HashingVectorizer.transform([msg])": lambda: sk.transform([next(it)]),
            "chatads turn, hashing model": turns(engine),
            "chatads turn, semantic model": turns(semantic),
        },
    )
    assert len(t) == 3


@pytest.mark.benchmark(group="tc-decode")
def test_iab_tcf_decode(benchmark) -> None:  # type: ignore[no-untyped-def]
    c = benchmark(iab_tcf.decode_v2, TC)
    assert c.purposes_consent[1]


@pytest.mark.benchmark(group="tc-decode")
def test_chatads_decode(benchmark) -> None:  # type: ignore[no-untyped-def]
    d = benchmark(_core.decode_tc_string, TC, vendor_id=755)
    assert d is not None and 1 in d["purposes_consent"]


def test_turn_ratio_script_runs() -> None:
    """`python -m benches.turn_ratio`, one round: every figure it prints is measured."""
    from benches import turn_ratio

    best = turn_ratio.main(rounds=1)
    assert set(best) == {"hashing", "semantic", "sklearn"}
    assert all(0 < t < 1 for t in best.values())
