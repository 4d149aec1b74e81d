"""A chat turn against `HashingVectorizer.transform([msg])`, interleaved, outside pytest.

    .venv/bin/python -m benches.turn_ratio [rounds]

Each round runs 2,000 `Engine.ingest` turns on a hashing engine, 2,000 on a semantic one
and 300 `transform([msg])` calls, one after the other; each one's best round is kept, so
a round the host slowed down does not count. Prints the per-call times and the ratios.
"""

from __future__ import annotations

import sys
import time

import chatads
from sklearn.feature_extraction.text import HashingVectorizer

from benches.conftest import make_messages


def main(rounds: int = 10) -> dict[str, float]:
    msgs = make_messages(2000)
    users = [f"user-{i % 500}" for i in range(len(msgs))]
    engines = {
        model: chatads.Engine(
            secret="benchmark-secret-0123456789", gdpr_when_unknown=False, text_model=model
        )
        for model in ("hashing", "semantic")
    }
    sk = HashingVectorizer()
    best = {"hashing": float("inf"), "semantic": float("inf"), "sklearn": float("inf")}
    for e in engines.values():  # every user and session exists before timing
        for user, msg in zip(users, msgs, strict=True):
            e.ingest(user, "s", msg)
    for _ in range(rounds):
        for model, e in engines.items():
            started = time.perf_counter()
            for user, msg in zip(users, msgs, strict=True):
                e.ingest(user, "s", msg)
            best[model] = min(best[model], (time.perf_counter() - started) / len(msgs))
        started = time.perf_counter()
        for msg in msgs[:300]:
            sk.transform([msg])
        best["sklearn"] = min(best["sklearn"], (time.perf_counter() - started) / 300)
    print(
        ", ".join(f"{k} {v * 1e6:.2f} µs" for k, v in best.items())
        + f"; transform([msg]) / turn: hashing {best['sklearn'] / best['hashing']:.1f}x,"
        f" semantic {best['sklearn'] / best['semantic']:.1f}x"
    )
    return best


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
