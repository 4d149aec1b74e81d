"""scikit-learn-compatible feature hashing, computed in Rust.

`hash_text` returns exactly the matrix `HashingVectorizer(...).transform(texts)`
returns for the same parameters (sklearn's default analyzer: lowercase, token
pattern `(?u)\\b\\w\\w+\\b`, word n-grams, signed MurmurHash3-32), so models
trained in scikit-learn see the same features the engine sees.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Literal

import scipy.sparse as sp

from chatads import _core

Norm = Literal["l1", "l2"] | None


def hash_text(
    texts: str | Iterable[str],
    *,
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 1),
    alternate_sign: bool = True,
    norm: Norm = "l2",
    lowercase: bool = True,
    n_jobs: int = 1,
) -> sp.csr_matrix:
    """Hash texts into a `(len(texts), n_features)` CSR matrix of float64.

    A single string is treated as one document (unlike sklearn, which would
    reject it). `n_jobs` threads share a large batch (the result is the same;
    `-1` uses every core). Raises `InvalidArgumentError` for a bad parameter.
    """
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    if n_jobs < 1:
        raise ValueError(f"n_jobs: must be -1 or at least 1, got {n_jobs}")
    docs = [texts] if isinstance(texts, str) else list(texts)
    indptr, indices, data = _core.hash_texts(
        docs,
        n_features=n_features,
        ngram_range=(ngram_range[0], ngram_range[1]),
        alternate_sign=alternate_sign,
        norm=norm,
        lowercase=lowercase,
        n_jobs=n_jobs,
    )
    # float64 data and int32 indices already: scipy keeps the arrays as they are.
    return sp.csr_matrix((data, indices, indptr), shape=(len(docs), n_features))


class HashingVectorizer:
    """A drop-in for the hashing part of `sklearn.feature_extraction.text.HashingVectorizer`.

    Supports the word analyzer with its defaults; `transform` is 10-100x faster.
    """

    def __init__(
        self,
        *,
        n_features: int = 2**20,
        ngram_range: tuple[int, int] = (1, 1),
        alternate_sign: bool = True,
        norm: Norm = "l2",
        lowercase: bool = True,
        n_jobs: int = 1,
    ) -> None:
        self.n_features = n_features
        self.n_jobs = n_jobs
        self.ngram_range = ngram_range
        self.alternate_sign = alternate_sign
        self.norm = norm
        self.lowercase = lowercase

    def fit(self, X: object = None, y: object = None) -> HashingVectorizer:
        """Stateless, like sklearn's: returns self."""
        return self

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        if isinstance(texts, str):
            raise ValueError("texts: expected an iterable of strings, got a single string")
        return hash_text(
            texts,
            n_features=self.n_features,
            ngram_range=self.ngram_range,
            alternate_sign=self.alternate_sign,
            norm=self.norm,
            lowercase=self.lowercase,
            n_jobs=self.n_jobs,
        )

    def fit_transform(self, texts: Iterable[str], y: object = None) -> sp.csr_matrix:
        return self.transform(texts)
