"""chatads: privacy-first, Rust-accelerated ad scoring for live AI-chat sessions.

In-process::

    from chatads import Engine
    engine = Engine()
    engine.load_demo_catalog()
    result = engine.score("user-1", "session-1", "Looking for a cheap flight to Lisbon")

Over gRPC: `chatads serve`, then call `chatads.v1.AdScoring/Score`.
"""

from __future__ import annotations

import os

# FAISS runs single queries; one OpenMP thread avoids oversubscribing the
# cores the gRPC workers already use (index builds raise it explicitly).
# Must be set before the extension (and libgomp) loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from chatads._core import (
    EngineError,
    InvalidArgumentError,
    NotFoundError,
    ScoredAd,
    ScoreResult,
    UnavailableError,
    __version__,
    tokenize,
)
from chatads.config import Settings
from chatads.engine import Engine
from chatads.hashing import HashingVectorizer, hash_text

__all__ = [
    "Engine",
    "EngineError",
    "HashingVectorizer",
    "InvalidArgumentError",
    "NotFoundError",
    "ScoreResult",
    "ScoredAd",
    "Settings",
    "UnavailableError",
    "__version__",
    "hash_text",
    "tokenize",
]
