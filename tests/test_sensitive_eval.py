"""The sensitive-category guard, measured on the hand-labelled set (tests/data/).

Measured on the held-out half (even ids; the lexicon was written looking only at
the odd ones). Thresholds sit a little under the measured figures (README), so a
lexicon change that loses recall on direct mentions, or starts flagging innocuous
look-alikes, fails here. Why these levels: a missed direct mention leaks Art. 9 data into a
profile, so direct recall must stay high; indirect mentions ("my oncologist moved
my chemo") are harder for a lexicon and are held to a lower bar; a false positive
only costs the ads of one turn, but on plain commercial chat it must stay rare.
"""

from __future__ import annotations

import pytest
from chatads import _core

from .sensitive_eval import evaluate, load

MIN_PRECISION = 0.85
MIN_CATEGORY_RECALL = 0.45
MIN_RECALL = {"direct": 0.80, "indirect": 0.60}
MAX_FALSE_POSITIVE = {"lookalike": 0.08, "plain": 0.02}


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(load("heldout"))


def test_the_labelled_set_is_balanced() -> None:
    rows = load()
    assert len(rows) >= 400
    for lang in ("en", "fr"):
        sub = [r for r in rows if r["lang"] == lang]
        assert len(sub) >= 200
        for c in _core.SENSITIVE_CATEGORIES:
            assert sum(r["category"] == c for r in sub) >= 12, (lang, c)
        assert sum(r["kind"] == "lookalike" for r in sub) >= 60


@pytest.mark.parametrize("category", _core.SENSITIVE_CATEGORIES)
def test_precision_and_recall_per_category(report, category: str) -> None:  # type: ignore[no-untyped-def]
    assert report.precision(category) >= MIN_PRECISION
    assert report.recall(category) >= MIN_CATEGORY_RECALL


@pytest.mark.parametrize("kind", sorted(MIN_RECALL))
def test_recall_by_kind(report, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert report.kind_rate(kind) >= MIN_RECALL[kind]


@pytest.mark.parametrize("kind", sorted(MAX_FALSE_POSITIVE))
def test_false_positives_on_innocuous_messages(report, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert report.kind_rate(kind) <= MAX_FALSE_POSITIVE[kind]


def test_every_category_is_detected_in_both_languages() -> None:
    guard = _core.SensitiveGuard()
    rows = [r for r in load() if r["kind"] == "direct"]
    for c in _core.SENSITIVE_CATEGORIES:
        for lang in ("en", "fr"):
            msgs = [r["message"] for r in rows if r["category"] == c and r["lang"] == lang]
            assert any(c in guard.detect(m) for m in msgs), (c, lang)


def test_case_accents_and_inflections() -> None:
    guard = _core.SensitiveGuard()
    for text in ["MON DIABÈTE", "mon diabete", "Diabétique depuis 2010", "my diabetes"]:
        assert "health" in guard.detect(text), text
