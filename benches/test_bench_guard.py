"""What the over-personalisation guard costs per scored turn.

Group score-guard: `Engine.score` on the demo catalog (6,000 ads) with the engine's
defaults, beside the same engine without the lexical blend (`lexical_weight = 0`), and
with the guard's defaults (frequency caps per ad, advertiser and campaign; no repeat
on the next turn; stale-interest and echo damping) beside the same engine with every
part of it off.
The turns cycle through 500 users and four topical messages, so caps and session
state are read and written as in production. The guard's effect on what is shown is
measured by `eval.guard`, not here.
"""

from __future__ import annotations

import itertools
from typing import Any

import chatads
import pytest
from chatads.config import GUARD_OFF

MESSAGES = [
    "I'm planning a trip to Lisbon in May, any cheap flights?",
    "Which running shoes would you recommend for a first marathon?",
    "Une recette de tarte aux pommes et un robot de cuisine ?",
    "best noise cancelling headphones for a long flight",
]


def engine(**overrides: Any) -> chatads.Engine:
    e = chatads.Engine(secret="benchmark-secret-0123456789", gdpr_when_unknown=False, **overrides)
    e.load_demo_catalog()
    return e


def run(benchmark: Any, e: chatads.Engine) -> None:
    turns = itertools.cycle((f"user-{u}", f"s-{u % 7}", m) for u in range(500) for m in MESSAGES)

    def turn() -> chatads.ScoreResult:
        user, session, msg = next(turns)
        return e.score(user, session, msg, max_ads=3)

    result = benchmark(turn)
    assert result.personalization in ("PERSONALIZED", "CONTEXTUAL", "NONE")


@pytest.mark.benchmark(group="score-guard")
def test_chatads_score_guard_on(benchmark: Any) -> None:
    e = engine()
    run(benchmark, e)
    # The guard did work: some turn was capped or had a repeat suppressed.
    shaped = {r for u in range(3) for r in e.score(f"user-{u}", "s-0", MESSAGES[0]).reasons}
    assert shaped & {"frequency_capped", "repeat_suppressed"}, shaped


@pytest.mark.benchmark(group="score-guard")
def test_chatads_score_guard_off(benchmark: Any) -> None:
    run(benchmark, engine(**GUARD_OFF))


@pytest.mark.benchmark(group="score-guard")
def test_chatads_score_lexical_off(benchmark: Any) -> None:
    """The defaults without the lexical blend (issue 10): what the blend costs."""
    run(benchmark, engine(lexical_weight=0.0))
