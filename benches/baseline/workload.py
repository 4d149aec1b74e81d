"""A realistic generated workload: chat sessions of several turns by returning users,
and a catalog whose ads cluster by topic.

- **Users** each have two or three interests (topics of chatads' topic lexicon, the
  commercial ones drawn more often). They come back for several sessions; a
  session sticks to one interest, sometimes drifting to another, over 3 to 8 turns.
- **Turns** are 8 to 30 words from English (70 %) or French (30 %) chat templates,
  filled with one to three words of the session's topic and everyday filler words,
  so most words are common ones and a few carry the topic, as in real chat.
- **Sessions interleave**: the turns of about `concurrent` live sessions alternate,
  as they do on a server, so profiles and session contexts are read and written
  in a realistic order.
- **The catalog** is `chatads.demo_catalog.generate_demo_ads`: ads written from the
  topic lexicon, so they cluster by topic. Above 100,000 ads it is generated in
  blocks of 100,000 with successive seeds (one call grows slower per ad with
  the number of advertisers to name) and renumbered.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple

_EN_TEMPLATES = (
    "hi, any tips for {a} this weekend? i also need some {b}",
    "i'm looking for good {a} and maybe {b}, what would you recommend",
    "can you compare {a} with {b} for me please, i have a budget of about 200",
    "what is the best {a} for a beginner like me",
    "my friend told me about {a}, is it worth it? we were also talking about {b} and {c}",
    "help me plan something with {a} and {b} next month, nothing too expensive",
    "ok thanks. and what about {a}?",
    "do you know where i can find cheap {a} near me",
    "i need to choose between {a} and {b} before friday, what do you think",
    "tell me more about {a}, i have never tried it but my family loves {b}",
)
_FR_TEMPLATES = (
    "salut, des conseils pour {a} ce week-end ? il me faut aussi {b}",
    "je cherche {a} et peut-être {b}, tu me conseilles quoi",
    "tu peux comparer {a} et {b} pour moi, j'ai un budget d'environ 200 euros",
    "quel est le meilleur {a} pour un débutant comme moi",
    "un ami m'a parlé de {a}, ça vaut le coup ? on parlait aussi de {b} et {c}",
    "aide-moi à organiser quelque chose avec {a} et {b} le mois prochain",
    "d'accord merci. et pour {a} ?",
    "où est-ce que je peux trouver {a} pas cher près de chez moi",
)
_EN_FILLER = (
    "actually i was thinking about it yesterday and i am not sure yet",
    "to be honest i don't really know much about this",
    "my partner says it is a good idea but i want a second opinion",
    "please keep it short, i only have a few minutes",
)
_FR_FILLER = (
    "en fait j'y pensais hier et je ne suis pas encore sûr",
    "franchement je n'y connais pas grand-chose",
    "ma copine dit que c'est une bonne idée mais je voudrais un autre avis",
)


class ChatTurn(NamedTuple):
    user_id: str
    session_id: str
    message: str
    #: the Topics-taxonomy id the turn is about
    topic: int


def _lexicon() -> dict[int, dict[str, list[str]]]:
    from chatads.demo_catalog import _lexicon as lexicon

    return lexicon()


def _turn(rng: random.Random, words: dict[str, list[str]]) -> str:
    lang = "fr" if words.get("fr") and rng.random() < 0.3 else "en"
    pool = words[lang] or words["en"]
    a, b, c = (rng.choice(pool) for _ in range(3))
    templates, filler = (
        (_FR_TEMPLATES, _FR_FILLER)
        if lang == "fr"
        else (
            _EN_TEMPLATES,
            _EN_FILLER,
        )
    )
    text = rng.choice(templates).format(a=a, b=b, c=c)
    if rng.random() < 0.4:
        text += ", " + rng.choice(filler)
    return text[:1].upper() + text[1:]


def chat_turns(
    n_turns: int,
    *,
    n_users: int = 1000,
    concurrent: int = 32,
    seed: int = 3,
) -> list[ChatTurn]:
    """`n_turns` interleaved chat turns of returning users, deterministic in `seed`."""
    rng = random.Random(seed)
    lex = _lexicon()
    topics = sorted(lex)
    interests = [rng.sample(topics, rng.randint(2, 3)) for _ in range(n_users)]
    sessions_of = [0] * n_users
    live: list[list[Any]] = []  # [user, session id, topic, turns left]
    out: list[ChatTurn] = []
    while len(out) < n_turns:
        while len(live) < concurrent:
            u = rng.randrange(n_users)
            sessions_of[u] += 1
            live.append([u, f"s{sessions_of[u]}", rng.choice(interests[u]), rng.randint(3, 8)])
        s = live[rng.randrange(len(live))]
        u = s[0]
        if rng.random() < 0.15:  # the conversation drifts to another interest
            s[2] = rng.choice(interests[u])
        out.append(ChatTurn(f"user-{u:06d}", s[1], _turn(rng, lex[s[2]]), s[2]))
        s[3] -= 1
        if not s[3]:
            live.remove(s)
    return out


def topical_turn(topic: int, seed: int = 0) -> str:
    """One clearly topical English turn about `topic` (a lexicon topic id)."""
    rng = random.Random(seed)
    words = _lexicon()[topic]["en"]
    a, b = rng.sample(words, 2)
    return f"I'm looking for {a} and {b}, any recommendation?"


def demo_catalog(
    n: int, progress: Callable[[int, int], None] | None = None
) -> list[dict[str, Any]]:
    """`n` demo ads clustered by topic (blocks of 100,000 above that size)."""
    from chatads.demo_catalog import generate_demo_ads

    block = 100_000
    if n <= block:
        ads = generate_demo_ads(n)
        if progress:
            progress(n, n)
        return ads
    ads = []
    for b, start in enumerate(range(0, n, block)):
        part = generate_demo_ads(min(block, n - start), seed=7 + b)
        for k, ad in enumerate(part):
            ad["ad_id"] = f"demo-{start + k:07d}"
        ads.extend(part)
        if progress:
            progress(len(ads), n)
    return ads


class Progress:
    """A one-line progress report on the terminal (stderr), for big builds."""

    def __init__(self, label: str, enabled: bool = True) -> None:
        self.label, self.enabled, self.t0 = label, enabled, time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        bar = "#" * (width * done // max(total, 1))
        dt = time.perf_counter() - self.t0
        end = "\n" if done >= total else ""
        print(
            f"\r  {self.label:<34} [{bar:<{width}}] {done:>9,}/{total:,} {dt:6.1f}s",
            end=end,
            file=sys.stderr,
            flush=True,
        )
