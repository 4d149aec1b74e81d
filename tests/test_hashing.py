"""Hashing must equal scikit-learn's HashingVectorizer, with sklearn itself as the oracle."""

from __future__ import annotations

import random

import chatads
import numpy as np
import pytest
from chatads import HashingVectorizer, InvalidArgumentError, hash_text, tokenize
from sklearn.feature_extraction.text import HashingVectorizer as SkHashingVectorizer

TEXTS = [
    "I'm training for a marathon next spring!",
    "Je cherche un hôtel pas cher à Paris pour le week-end, près de l'Opéra.",
    "Où est la crème brûlée? L'été dernier, c'était génial.",
    "CAFÉ café Cafe\u0301 naïve coöperate façade Œuvre ÆSIR straße",
    "Emoji 🙂🏃‍♀️ running 🏖️ beach 👍🏽 — ok!!",
    "Digits 2024 42 3.14 1,000,000 mp3 x86_64 __init__ a_b",
    "Mixed: Москва 東京 القاهرة हिन्दी ελληνικά עברית 한국어",
    "",
    "   \t\n  ",
    "a b c d e f g",
    "m² x²y ½ Ⅻ ① ٣٤ ۵۶",
    "ΟΔΟΣ ΣΟΦΟΣ İstanbul ǅemal ß ﬁnance",
    "don't won't can't it's",
    "e-mail re-use self-driving state-of-the-art",
    "tab\tseparated\nnew line\rcarriage",
]


def random_texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcdeéèàçôüßñ øπЖж東京 🙂-'_.,!?0123456789 \t\nABCÉÈ\u0301\u200d"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(n)]


def assert_same(ours: object, theirs: object) -> None:
    a, b = ours.tocsr(), theirs.tocsr()  # type: ignore[attr-defined]
    a.sort_indices()
    b.sort_indices()
    assert a.shape == b.shape
    assert (a.dtype, a.indices.dtype, a.indptr.dtype) == (b.dtype, b.indices.dtype, b.indptr.dtype)
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.data, b.data, rtol=0, atol=1e-12)


@pytest.mark.parametrize("norm", ["l2", "l1", None])
@pytest.mark.parametrize("alternate_sign", [True, False])
def test_defaults_and_norms_match_sklearn(norm: str | None, alternate_sign: bool) -> None:
    texts = TEXTS + random_texts(200)
    ours = hash_text(texts, norm=norm, alternate_sign=alternate_sign)
    theirs = SkHashingVectorizer(norm=norm, alternate_sign=alternate_sign).transform(texts)
    assert_same(ours, theirs)


@pytest.mark.parametrize("n_features", [1, 7, 1024, 2**18, 2**31 - 1])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3), (1, 4)])
def test_n_features_and_ngrams_match_sklearn(n_features: int, ngram_range: tuple[int, int]) -> None:
    texts = TEXTS + random_texts(50, seed=n_features)
    ours = hash_text(texts, n_features=n_features, ngram_range=ngram_range)
    theirs = SkHashingVectorizer(n_features=n_features, ngram_range=ngram_range).transform(texts)
    assert_same(ours, theirs)


def test_very_long_text_matches_sklearn() -> None:
    text = " ".join(TEXTS) * 2000  # ~1.3 MB
    assert_same(hash_text(text), SkHashingVectorizer().transform([text]))


@pytest.mark.parametrize("n_jobs", [2, 3, -1])
def test_threads_give_sklearns_matrix(n_jobs: int) -> None:
    texts = (TEXTS + random_texts(400, seed=5)) * 3  # enough to split across threads
    ours = hash_text(texts, n_features=2**16, ngram_range=(1, 2), n_jobs=n_jobs)
    theirs = SkHashingVectorizer(n_features=2**16, ngram_range=(1, 2)).transform(texts)
    assert_same(ours, theirs)
    with pytest.raises(ValueError, match="n_jobs"):
        hash_text(texts, n_jobs=0)


def test_tokens_match_sklearn_analyzer() -> None:
    analyzer = SkHashingVectorizer().build_analyzer()
    for text in TEXTS + random_texts(300, seed=11):
        assert tokenize(text) == analyzer(text), repr(text)


def test_vectorizer_drop_in() -> None:
    ours = HashingVectorizer(n_features=2**12, ngram_range=(1, 2)).fit_transform(TEXTS)
    theirs = SkHashingVectorizer(n_features=2**12, ngram_range=(1, 2)).fit_transform(TEXTS)
    assert_same(ours, theirs)
    with pytest.raises(ValueError, match="texts"):
        HashingVectorizer().transform("one string")


def test_engine_hashes_with_its_own_settings(engine: chatads.Engine) -> None:
    assert_same(engine.hash_text(TEXTS), SkHashingVectorizer().transform(TEXTS))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_features": 0}, "n_features"),
        ({"ngram_range": (2, 1)}, "ngram_range"),
        ({"ngram_range": (0, 1)}, "ngram_range"),
        ({"norm": "l3"}, "norm"),
    ],
)
def test_bad_parameters_name_the_argument(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        hash_text(["x"], **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert field in str(info.value)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_non_string_is_named_by_its_position(n_jobs: int) -> None:
    # Large enough for two threads, which are started before the strings are read.
    texts: list[object] = [*random_texts(1200, seed=3), 42]
    with pytest.raises(InvalidArgumentError) as info:
        hash_text(texts, n_jobs=n_jobs)  # type: ignore[arg-type]
    assert info.value.field == "texts[1200]"
    assert "must be a str, got int" in str(info.value)
    # The same batch without the stray number hashes as sklearn does, on either count.
    good = [t for t in texts if isinstance(t, str)]
    assert_same(hash_text(good, n_jobs=n_jobs), SkHashingVectorizer().transform(good))
