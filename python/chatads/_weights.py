"""Word frequencies from the `wordfreq` package, for term weighting in Rust.

Only words with a Zipf frequency above `MIN_ZIPF` are handed over: the Rust
weight ramps from 1 (rare) down to 0 (as common as "the"), and every rarer
word weighs 1 anyway. English and French are covered; a word common in
either language counts as common.
"""

from __future__ import annotations

import functools
import math

LANGUAGES = ("en", "fr")
#: Words rarer than this get the full weight in Rust; no need to send them.
MIN_ZIPF = 4.0


@functools.lru_cache(maxsize=1)
def word_zipf() -> list[tuple[str, float]]:
    """`(word, zipf)` pairs for the engine, from wordfreq's "best" lists."""
    from wordfreq import get_frequency_dict

    best: dict[str, float] = {}
    for lang in LANGUAGES:
        for word, freq in get_frequency_dict(lang, wordlist="best").items():
            zipf = math.log10(freq) + 9.0
            if zipf > MIN_ZIPF and zipf > best.get(word, 0.0):
                best[word] = zipf
    return sorted(best.items())
