"""A pure-Python reference of the chatads pipeline, for side-by-side benchmarks.

It is what a competent Python engineer would build from the usual libraries:
scikit-learn's `HashingVectorizer` (the same tokens and hashes as chatads), numpy,
faiss-cpu (the same index factory rule and parameters as chatads), dicts for
profiles and sessions, and a plain grpcio server with the same proto
(`python -m benches.baseline.server`). See `pipeline.py` for what it mirrors and
what it simplifies.
"""

from .pipeline import (
    BaselineConfig,
    BaselinePipeline,
    ScoredAd,
    ScoreResult,
    TextEmbedder,
    TopicSpace,
)

__all__ = [
    "BaselineConfig",
    "BaselinePipeline",
    "ScoreResult",
    "ScoredAd",
    "TextEmbedder",
    "TopicSpace",
]
