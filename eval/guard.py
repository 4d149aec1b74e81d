"""Offline harness of the over-personalisation guard (`make eval-guard`): replays the
labelled sessions of `eval/data/` through two engines over the same catalog, the
guard on (the default settings) and off, plus the defaults with an ad-load setting,
and reports side by side:

1. repetition: heavy users (5 labelled sessions one after another within one hour,
   each session's turns repeated to 12, ads on every turn, max_ads = 3): the most
   impressions of one ad (and of one advertiser) to one user in any 1-hour sliding
   window, worst and mean; the share of turns repeating an ad of the previous turn;
2. ad load: ads per turn and per session, mean and max;
3. echo rate: the share of shown ads whose title + text contains >= 2 of the
   conversation's rare words verbatim, on the natural sessions and on a planted
   probe (personal turns with names and places, and ads written to echo them);
4. stale-interest rate: topic A on day 0, an unrelated topic B on day 5: the share of
   the day-5 ads on A's topics only;
5. control violations: after each session's first turn the user hides the top ad
   and blocks the session's first labelled topic; later ads that are hidden or under
   a blocked topic (must be 0 whatever the guard's settings);
6. sensitive leakage: a sensitive turn inserted into every session; ads on those
   turns, and ads in a sensitive category shown on a PERSONALIZED basis anywhere
   (a planted probe of sensitive twins of labelled ads, bidding the catalog's top bid,
   makes the second check bite; must be 0);
7. the cost in on-topic@3 in `eval.relevance`'s protocol (equal bids, a fresh user
   per session, max_ads = 3 on every turn, graded at the last turn).

The guard replays keep the demo catalog's real bids (the labelled ads get bids drawn
from it, deterministically); only the on-topic@3 run uses equal bids. Time is
simulated (`now=`), so the run is deterministic.

    .venv/bin/python -m eval.guard [--out eval-results] [--plot docs/img/guard.png]
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import chatads
import typer
from chatads._weights import word_zipf
from chatads.config import GUARD_OFF
from chatads.demo_catalog import generate_demo_ads
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from eval.relevance import Method, Session, World, evaluate, load_world

console = Console(stderr=True)

SECRET = "guard-eval-secret-0123456789"
#: Simulated time: 2027-01-01 00:00 UTC.
T0 = 1_798_761_600.0
HOUR, DAY = 3600.0, 86400.0
MAX_ADS = 3
#: Heavy users: this many sessions each, this many turns a session, all within an hour.
PER_USER, TURNS = 5, 12
TURN_GAP_S = 55.0
STALE_AFTER_DAYS = 5

AD_LOAD: dict[str, Any] = {"max_ads_per_session": 6, "min_turns_between_ads": 1}
CONFIGS: dict[str, dict[str, Any]] = {
    "guard on": {},
    "guard off": GUARD_OFF,
    "guard on + ad load": AD_LOAD,
}
ON, OFF, LOAD = CONFIGS

# --------------------------------------------------------------------------- probes

#: The planted echo probe: personal turns naming people and places, each with two ads
#: written to repeat two of those names verbatim (what an ad generated from the chat
#: would do). Synthetic, like everything in eval/data.
ECHO_PROBE: list[dict[str, Any]] = [
    {
        "lang": "en",
        "topics": [544],
        "turns": [
            "my daughter Marguerite starts at Kerbrat school in Plouzané next week",
            "she needs a sturdy backpack and pencils for class",
            "which school bag would you pick for a seven year old?",
        ],
        "ads": [
            (
                "Kerbrat school bags: back to school in Plouzané",
                "Sturdy backpacks and pencil cases for Kerbrat pupils, delivered in Plouzané.",
            ),
            (
                "Name labels for Marguerite's school things",
                "Iron-on labels for Marguerite's backpack and Kerbrat uniform, 60 for €12.",
            ),
        ],
    },
    {
        "lang": "en",
        "topics": [417],
        "turns": [
            "we're moving to Wrexham Road in Bicester next month",
            "we need a removal van for a two-bedroom flat",
            "how much do movers usually charge?",
        ],
        "ads": [
            (
                "Bicester removals: Wrexham Road moves from £299",
                "Two-bedroom moves to Bicester with packing, a van and two movers included.",
            ),
            (
                "Storage near Wrexham Road",
                "Short-term storage boxes by Wrexham Road, Bicester, while you move.",
            ),
        ],
    },
    {
        "lang": "en",
        "topics": [268, 264],
        "turns": [
            "our spaniel Zephyrine is scared of the groomer in Totnes",
            "can you suggest a gentle dog shampoo and brush?",
            "her long ears always tangle",
        ],
        "ads": [
            (
                "Gentle spaniel grooming in Totnes",
                "Nervous dogs like Zephyrine welcome: quiet appointments and ear detangling.",
            ),
            (
                "A shampoo Zephyrine will love",
                "Oat dog shampoo and a slicker brush, delivered in Totnes tomorrow.",
            ),
        ],
    },
    {
        "lang": "en",
        "topics": [605],
        "turns": [
            "Anneliese and I are getting married at Hexworthy Manor in June",
            "we still need a wedding photographer",
            "our budget is about two thousand pounds",
        ],
        "ads": [
            (
                "Hexworthy Manor wedding photography",
                "Anneliese, capture your June day at Hexworthy Manor: full-day coverage.",
            ),
            (
                "Wedding albums after Hexworthy",
                "Handmade photo albums for Anneliese and her guests after Hexworthy Manor.",
            ),
        ],
    },
    {
        "lang": "en",
        "topics": [322, 611],
        "turns": [
            "my son Tobiah plays rugby for Kettering Wanderers",
            "he needs new rugby boots, size six",
            "which studs are best for wet pitches?",
        ],
        "ads": [
            (
                "Kettering Wanderers club shop: rugby boots",
                "Boots and studs for Kettering Wanderers juniors, sizes 3 to 8.",
            ),
            (
                "Tobiah's next rugby boots",
                "Boots for wet pitches, to collect at the Kettering Wanderers clubhouse.",
            ),
        ],
    },
    {
        "lang": "fr",
        "topics": [544],
        "turns": [
            "ma fille Maëlys entre au collège Kerichen à la rentrée",
            "il lui faut un cartable solide et des fournitures",
            "tu conseillerais quel sac pour une sixième ?",
        ],
        "ads": [
            (
                "Fournitures pour le collège Kerichen",
                "Cartables et trousses pour les élèves de Kerichen, prêts pour Maëlys.",
            ),
            (
                "Étiquettes au prénom de Maëlys",
                "Étiquettes thermocollantes Maëlys pour le collège Kerichen, 60 pour 12 €.",
            ),
        ],
    },
    {
        "lang": "fr",
        "topics": [417],
        "turns": [
            "on emménage rue Garibaldi à Villeurbanne le mois prochain",
            "il nous faut un déménageur pour un trois-pièces",
            "combien coûte un déménagement en général ?",
        ],
        "ads": [
            (
                "Déménagement à Villeurbanne",
                "Votre trois-pièces rue Garibaldi à Villeurbanne déménagé en une journée.",
            ),
            (
                "Garde-meubles rue Garibaldi",
                "Box de stockage près de la rue Garibaldi à Villeurbanne le temps du déménagement.",
            ),
        ],
    },
    {
        "lang": "fr",
        "topics": [267, 264],
        "turns": [
            "mon chat Pistou adore grimper partout, on habite à Plougastel",
            "je cherche un arbre à chat bien stable",
            "il fait presque six kilos",
        ],
        "ads": [
            (
                "Arbres à chat livrés à Plougastel",
                "Des arbres à chat stables pour les grimpeurs comme Pistou, livrés à Plougastel.",
            ),
            (
                "Griffoirs pour Pistou",
                "Griffoirs et hamacs pour chats de six kilos, retrait à Plougastel.",
            ),
        ],
    },
]

#: Sensitive turns (GDPR Art. 9), inserted into sessions of their language.
SENSITIVE_TURNS: dict[str, list[str]] = {
    "en": [
        "I was just diagnosed with diabetes",
        "my therapist says my anxiety is getting worse",
        "I'm pregnant with our first baby",
        "I'm on chemotherapy for breast cancer",
        "as a Muslim I fast during Ramadan",
        "I go to mass every Sunday, I'm a devout Catholic",
        "I'm gay and my boyfriend wants to meet my parents",
        "I always vote for the Green Party",
        "I joined the union at the factory last month",
        "my DNA test says I carry the BRCA1 gene",
        "as a Black woman I often face racism at work",
        "I'm HIV positive and on medication",
    ],
    "fr": [
        "je suis enceinte de trois mois",
        "on vient de me diagnostiquer un diabète",
        "je suis sous antidépresseurs depuis un an",
        "je suis musulmane et je porte le voile",
        "je vais à la messe tous les dimanches",
        "je suis homosexuel et je vis avec mon compagnon",
        "je vote toujours pour les écologistes",
        "je suis syndiqué à la CGT depuis dix ans",
        "mon test génétique montre une mutation héréditaire",
        "je suis séropositif depuis cinq ans",
    ],
}
SENSITIVE_PROBE_CATEGORIES = ("health", "religion", "politics", "sex_life", "ethnic_origin")
SENSITIVE_PROBE_ADS = 16

# --------------------------------------------------------------------------- text


@functools.cache
def _common_words() -> frozenset[str]:
    """The word-frequency list the engine weighs words with."""
    return frozenset(w for w, _ in word_zipf())


def rare_words(text: str) -> set[str]:
    """Words of `text` that could be personal when an ad repeats them: absent from the
    engine's frequency list, not a number, at least 4 characters."""
    common = _common_words()
    return {
        t for t in chatads.tokenize(text) if len(t) >= 4 and not t.isdigit() and t not in common
    }


def echoes(ad: chatads.ScoredAd, rare: set[str]) -> int:
    """How many of the conversation's rare words the ad's title and text repeat."""
    return len(rare & set(chatads.tokenize(f"{ad.title} {ad.text}")))


# --------------------------------------------------------------------------- catalog


@dataclass
class Catalog:
    world: World
    echo_ads: set[str]
    sensitive_ads: set[str]


def guard_catalog(world: World, sessions: Sequence[Session], n_demo: int) -> Catalog:
    """The guard replays' catalog: the demo catalog with its real bids; the labelled ads
    with bids taken from it in turn; the planted echo ads at its median bid; the planted
    sensitive twins (a labelled ad answering a replayed session, flagged with a
    sensitive category, under an advertiser of its own) at its top bid."""
    demo = generate_demo_ads(n_demo)
    bids = {a["ad_id"]: float(a["bid_cpm"]) for a in demo}
    pool = [float(a["bid_cpm"]) for a in demo]
    ads: list[dict[str, Any]] = []
    for ad in world.ads:
        bid = bids.get(ad["ad_id"], pool[len(ads) % len(pool)])
        ads.append(ad | {"bid_cpm": bid})
    median, top = statistics.median(pool), max(pool)
    echo = []
    for i, probe in enumerate(ECHO_PROBE):
        for k, (title, text) in enumerate(probe["ads"]):
            echo.append(
                {
                    "ad_id": f"probe-echo-{i:02d}-{k}",
                    "advertiser": f"echo-probe-{i:02d}-{k}.example",
                    "title": title,
                    "text": text,
                    "topics": probe["topics"],
                    "categories": [],
                    "bid_cpm": median,
                }
            )
    by_id = {a["ad_id"]: a for a in ads}
    step = max(1, len(sessions) // SENSITIVE_PROBE_ADS)
    twins = []
    for i, s in enumerate(sessions[::step][:SENSITIVE_PROBE_ADS]):
        original = by_id[sorted(s.relevant)[0]]
        twins.append(
            original
            | {
                "ad_id": f"probe-sens-{i:02d}",
                "advertiser": f"sensitive-probe-{i:02d}.example",
                "sensitive_categories": [
                    SENSITIVE_PROBE_CATEGORIES[i % len(SENSITIVE_PROBE_CATEGORIES)]
                ],
                "bid_cpm": top,
            }
        )
    all_ads = ads + echo + twins
    ad_topics = {a["ad_id"]: set(a.get("topics", [])) for a in all_ads}
    return Catalog(
        dataclasses.replace(world, ads=all_ads, ad_topics=ad_topics),
        {a["ad_id"] for a in echo},
        {a["ad_id"] for a in twins},
    )


def build_engine(ads: list[dict[str, Any]], overrides: dict[str, Any]) -> chatads.Engine:
    settings = chatads.Settings(
        secret=SECRET,
        data_dir=None,
        gdpr_when_unknown=False,
        demo_catalog=False,
        **overrides,
    )
    engine = chatads.Engine(settings)
    for i in range(0, len(ads), 5000):
        engine.upsert_ads(ads[i : i + 5000])
    engine.rebuild_index(full=True)
    return engine


# --------------------------------------------------------------------------- replays


@dataclass
class Turn:
    user: str
    session: str
    at: float
    ads: list[chatads.ScoredAd]
    basis: str
    reasons: list[str]
    #: per ad, how many of the conversation's rare words (so far) it repeats
    echo: list[int] = field(default_factory=list)


@dataclass
class Replayer:
    """One engine under replay: every turn goes through `score`, which also checks
    every ad shown for a sensitive category on a personalised basis."""

    name: str
    engine: chatads.Engine
    world: World
    sensitive_personalized: list[dict[str, Any]] = field(default_factory=list)
    sensitive_contextual: int = 0
    turns: int = 0
    _sensitive: dict[str, list[str]] = field(default_factory=dict)

    def score(self, user: str, session: str, text: str, at: float, rare: set[str]) -> Turn:
        r = self.engine.score(user, session, text, max_ads=MAX_ADS, now=at)
        self.turns += 1
        for ad in r.ads:
            cats = self._sensitive.get(ad.ad_id)
            if cats is None:
                cats = list(self.engine.get_ad(ad.ad_id)["sensitive_categories"])
                self._sensitive[ad.ad_id] = cats
            if not cats:
                continue
            if r.personalization == "PERSONALIZED":
                self.sensitive_personalized.append(
                    {"user": user, "session": session, "at": at, "ad_id": ad.ad_id, "cats": cats}
                )
            else:
                self.sensitive_contextual += 1
        return Turn(
            user,
            session,
            at,
            list(r.ads),
            r.personalization,
            list(r.reasons),
            [echoes(ad, rare) for ad in r.ads],
        )


def heavy_users(sessions: Sequence[Session]) -> list[tuple[str, list[Session]]]:
    """One heavy user per session: it and the next PER_USER - 1 sessions, in turn."""
    n = len(sessions)
    return [
        (f"heavy-{u:03d}", [sessions[(u + k) % n] for k in range(min(PER_USER, n))])
        for u in range(n)
    ]


def long_turns(s: Session) -> list[str]:
    """A session's turns repeated to TURNS turns (a long single-topic session)."""
    return [s.turns[i % len(s.turns)] for i in range(TURNS)]


def replay_heavy(
    rp: Replayer, users: list[tuple[str, list[Session]]], progress: Progress
) -> list[Turn]:
    """Repetition, ad load and the natural echo rate: each heavy user's sessions one
    after another, TURN_GAP_S apart, all within the hour."""
    task = progress.add_task(f"heavy users, {rp.name}", total=len(users))
    out = []
    for user, sessions in users:
        k = 0
        for j, s in enumerate(sessions):
            sid, rare = f"{user}/{j}/{s.session_id}", set[str]()
            for text in long_turns(s):
                rare |= rare_words(text)
                out.append(rp.score(user, sid, text, T0 + k * TURN_GAP_S, rare))
                k += 1
        progress.advance(task)
    return out


def replay_controls(
    rp: Replayer, users: list[tuple[str, list[Session]]], progress: Progress
) -> dict[str, Any]:
    """After each session's first turn the user hides its top ad and blocks the
    session's first labelled topic; every later ad of that user is checked."""
    task = progress.add_task(f"controls, {rp.name}", total=len(users))
    world = rp.world
    checked = shaped = 0
    violations: list[dict[str, Any]] = []
    for user, sessions in users:
        hidden: set[str] = set()
        blocked: set[int] = set()
        k = 0
        for j, s in enumerate(sessions):
            sid = f"{user}/controls/{j}/{s.session_id}"
            for i, text in enumerate(long_turns(s)):
                turn = rp.score(user, sid, text, T0 + k * TURN_GAP_S, set())
                k += 1
                if hidden or blocked:
                    shaped += any(
                        r in ("ad_hidden_by_user", "topic_blocked_by_user") for r in turn.reasons
                    )
                    for ad in turn.ads:
                        checked += 1
                        under = sorted(
                            b
                            for b in blocked
                            for t in world.ad_topics.get(ad.ad_id, ())
                            if world.under(t, b)
                        )
                        if ad.ad_id in hidden or under:
                            violations.append(
                                {
                                    "user": user,
                                    "session": sid,
                                    "turn": i,
                                    "ad_id": ad.ad_id,
                                    "hidden": ad.ad_id in hidden,
                                    "under_blocked": under,
                                    "ad_topics": sorted(world.ad_topics.get(ad.ad_id, ())),
                                }
                            )
                if i == 0:
                    if turn.ads:
                        rp.engine.hide_ad(user, turn.ads[0].ad_id)
                        hidden.add(turn.ads[0].ad_id)
                    rp.engine.block_topic(user, s.topics[0])
                    blocked.add(s.topics[0])
        progress.advance(task)
    return {
        "violations": len(violations),
        "checked": checked,
        "turns_shaped_by_controls": shaped,
        "examples": violations[:10],
    }


def replay_sensitive(
    rp: Replayer, users: list[tuple[str, list[Session]]], progress: Progress
) -> dict[str, Any]:
    """A sensitive turn (of the session's language) after each session's second turn."""
    task = progress.add_task(f"sensitive turns, {rp.name}", total=len(users))
    n = detected = ads_on = 0
    next_text = dict.fromkeys(SENSITIVE_TURNS, 0)
    leaks: list[dict[str, Any]] = []
    missed: set[str] = set()
    for user, sessions in users:
        k = 0
        for j, s in enumerate(sessions):
            sid = f"{user}/sensitive/{j}/{s.session_id}"
            texts = long_turns(s)
            pool = SENSITIVE_TURNS[s.lang]
            sensitive = pool[next_text[s.lang] % len(pool)]
            next_text[s.lang] += 1
            for i, text in enumerate([*texts[:2], sensitive, *texts[2:]]):
                turn = rp.score(user, sid, text, T0 + k * TURN_GAP_S, set())
                k += 1
                if i != 2:
                    continue
                n += 1
                detected += "sensitive_turn" in turn.reasons
                if "sensitive_turn" not in turn.reasons:
                    missed.add(text)
                if turn.ads:
                    ads_on += len(turn.ads)
                    leaks.append({"session": sid, "text": text, "ads": [a.ad_id for a in turn.ads]})
        progress.advance(task)
    return {
        "sensitive_turns": n,
        "detected": detected,
        "not_detected": sorted(missed),
        "ads_on_sensitive_turns": ads_on,
        "examples": leaks[:10],
    }


def stale_pairs(world: World, sessions: Sequence[Session]) -> list[tuple[Session, Session]]:
    """Each session A with the next session B of its language sharing no topic with it
    (no topic of one is a topic, an ancestor or a descendant of one of the other)."""
    out = []
    for i, a in enumerate(sessions):
        for k in range(1, len(sessions)):
            b = sessions[(i + k) % len(sessions)]
            related = any(world.related(x, y) for x in a.topics for y in b.topics)
            if b.lang == a.lang and not related:
                out.append((a, b))
                break
    return out


def replay_stale(
    rp: Replayer, pairs: list[tuple[Session, Session]], progress: Progress
) -> dict[str, Any]:
    """Topic A on day 0, topic B five days later (a fresh user per pair)."""
    task = progress.add_task(f"stale interests, {rp.name}", total=len(pairs))
    world = rp.world
    shown = only_a = damped = base_shown = base_only_a = 0
    for n, (a, b) in enumerate(pairs):
        # The user who talked about A five days before B, and one who never did (the
        # baseline: ads on A's topics only that B's conversation brings by itself).
        for user, history in ((f"stale-{n:03d}", [a]), (f"fresh-{n:03d}", [])):
            for s in history:
                for i, text in enumerate(s.turns):
                    rp.score(user, f"{user}/day0/{s.session_id}", text, T0 + i * 60.0, set())
            day5 = T0 + STALE_AFTER_DAYS * DAY
            for i, text in enumerate(b.turns):
                turn = rp.score(user, f"{user}/day5/{b.session_id}", text, day5 + i * 60.0, set())
                hits = sum(
                    world.grade(a, ad.ad_id) >= 1 and world.grade(b, ad.ad_id) == 0
                    for ad in turn.ads
                )
                if history:
                    damped += "stale_interest_damped" in turn.reasons
                    shown, only_a = shown + len(turn.ads), only_a + hits
                else:
                    base_shown, base_only_a = base_shown + len(turn.ads), base_only_a + hits
        progress.advance(task)
    return {
        "pairs": len(pairs),
        "day5_ads": shown,
        "only_a": only_a,
        "rate": _pct(only_a, shown),
        "baseline_rate": _pct(base_only_a, base_shown),
        "turns_damped": damped,
    }


def replay_echo_probe(rp: Replayer, progress: Progress) -> list[Turn]:
    task = progress.add_task(f"echo probe, {rp.name}", total=len(ECHO_PROBE))
    out = []
    for n, probe in enumerate(ECHO_PROBE):
        user, rare = f"echo-probe-{n:02d}", set[str]()
        for i, text in enumerate(probe["turns"]):
            rare |= rare_words(text)
            out.append(rp.score(user, f"{user}/s", text, T0 + i * 60.0, rare))
        progress.advance(task)
    return out


def on_topic(
    world: World, name: str, overrides: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """on-topic@3 in eval.relevance's protocol: equal bids, a fresh user per session,
    max_ads = 3 on every turn, graded at the last turn."""
    engine = build_engine(world.ads, overrides)
    runs = [0]

    def rank(s: Session) -> list[str]:
        runs[0] += 1
        user, sid = f"eval-user-{s.session_id}-{runs[0]}", f"eval-{s.session_id}"
        out: list[str] = []
        for i, turn in enumerate(s.turns):
            out = [a.ad_id for a in engine.score(user, sid, turn, max_ads=3, now=T0 + 30 * i).ads]
        return out

    result = evaluate(world, Method(f"on-topic@3, {name}", rank), progress)
    return {
        key: result["summary"][key]["on_topic_3"]
        for key in ("heldout/all", "all/all", "heldout/en", "heldout/fr")
        if key in result["summary"]
    } | {
        "n_heldout": result["summary"].get("heldout/all", {}).get("n", 0),
        "sessions": {p["session_id"]: p["on_topic_3"] for p in result["sessions"]},
    }


# --------------------------------------------------------------------------- metrics


def _pct(num: int | float, den: int | float) -> float:
    return round(100.0 * num / den, 2) if den else 0.0


def window_max(times: list[float], window: float) -> int:
    """The most events within any sliding window of `window` seconds."""
    times = sorted(times)
    best = lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def repetition(turns: list[Turn]) -> dict[str, Any]:
    per_ad: dict[tuple[str, str], list[float]] = defaultdict(list)
    per_adv: dict[tuple[str, str], list[float]] = defaultdict(list)
    repeats = follow = 0
    previous: dict[str, set[str]] = {}
    for t in turns:
        ids = {a.ad_id for a in t.ads}
        for a in t.ads:
            per_ad[(t.user, a.ad_id)].append(t.at)
            per_adv[(t.user, a.advertiser)].append(t.at)
        prev = previous.get(t.session)
        if prev:
            follow += 1
            repeats += bool(ids & prev)
        previous[t.session] = ids
    ad_w = [window_max(v, HOUR) for v in per_ad.values()] or [0]
    adv_w = [window_max(v, HOUR) for v in per_adv.values()] or [0]
    caps = chatads.Settings()
    return {
        "worst_per_ad": max(ad_w),
        "mean_per_ad": round(statistics.fmean(ad_w), 2),
        "pairs_over_ad_cap": sum(n > caps.freq_cap for n in ad_w),
        "worst_per_advertiser": max(adv_w),
        "mean_per_advertiser": round(statistics.fmean(adv_w), 2),
        "pairs_over_advertiser_cap": sum(n > caps.advertiser_cap for n in adv_w),
        "user_ad_pairs": len(per_ad),
        "consecutive_repeat_share": _pct(repeats, follow),
        "turns_after_a_turn_with_ads": follow,
        "users": len({t.user for t in turns}),
        "impressions": sum(len(t.ads) for t in turns),
    }


def ad_load(turns: list[Turn]) -> dict[str, Any]:
    per_turn = [len(t.ads) for t in turns]
    per_session: dict[str, int] = defaultdict(int)
    for t in turns:
        per_session[t.session] += len(t.ads)
    return {
        "ads_per_turn_mean": round(statistics.fmean(per_turn), 2),
        "ads_per_turn_max": max(per_turn),
        "ads_per_session_mean": round(statistics.fmean(per_session.values()), 2),
        "ads_per_session_max": max(per_session.values()),
        "turns_without_ads": _pct(sum(n == 0 for n in per_turn), len(per_turn)),
        "turns": len(per_turn),
        "sessions": len(per_session),
    }


def echo_rate(turns: list[Turn], planted: set[str] | None = None) -> dict[str, Any]:
    shown = [(a.ad_id, e) for t in turns for a, e in zip(t.ads, t.echo, strict=True)]
    hits = sum(e >= 2 for _, e in shown)
    out: dict[str, Any] = {"rate": _pct(hits, len(shown)), "echoing": hits, "shown": len(shown)}
    if planted is not None:
        out["planted_shown"] = sum(a in planted for a, _ in shown)
    return out


# --------------------------------------------------------------------------- report

#: (metric group, key, label) for the markdown tables, in order.
ROWS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Repetition (heavy users: 5 sessions of 12 turns within one hour, max_ads 3)",
        [
            ("repetition.worst_per_ad", "worst impressions of one ad to one user in 1 h"),
            ("repetition.mean_per_ad", "mean impressions per (user, ad) in 1 h"),
            (
                "repetition.pairs_over_ad_cap",
                "(user, ad) pairs over the default freq_cap (2) in 1 h",
            ),
            ("repetition.user_ad_pairs", "(user, ad) pairs"),
            ("repetition.worst_per_advertiser", "worst impressions of one advertiser in 1 h"),
            ("repetition.mean_per_advertiser", "mean impressions per (user, advertiser) in 1 h"),
            (
                "repetition.pairs_over_advertiser_cap",
                "(user, advertiser) pairs over the default advertiser_cap (4)",
            ),
            (
                "repetition.consecutive_repeat_share",
                "turns repeating an ad of the previous turn, %",
            ),
            ("repetition.impressions", "impressions"),
        ],
    ),
    (
        "Ad load (the same replay)",
        [
            ("ad_load.ads_per_turn_mean", "ads per turn, mean"),
            ("ad_load.ads_per_turn_max", "ads per turn, max"),
            ("ad_load.ads_per_session_mean", "ads per 12-turn session, mean"),
            ("ad_load.ads_per_session_max", "ads per 12-turn session, max"),
            ("ad_load.turns_without_ads", "turns without ads, %"),
        ],
    ),
    (
        "Echo rate (shown ads repeating >= 2 of the conversation's rare words)",
        [
            ("echo_probe.rate", "planted probe, %"),
            ("echo_probe.shown", "planted probe, ads shown"),
            ("echo_probe.planted_shown", "planted probe, planted echo ads shown"),
            ("echo_natural.rate", "natural sessions (heavy-user replay), %"),
            ("echo_natural.echoing", "natural sessions, echoing ads shown"),
        ],
    ),
    (
        f"Stale interests (topic A on day 0, unrelated B on day {STALE_AFTER_DAYS})",
        [
            ("stale.rate", "day-5 ads on A's topics only, %"),
            ("stale.baseline_rate", "the same for a user who never talked about A, %"),
            ("stale.only_a", "day-5 ads on A's topics only"),
            ("stale.day5_ads", "day-5 ads shown"),
            ("stale.turns_damped", "day-5 turns with stale_interest_damped"),
        ],
    ),
    (
        "User controls (hide the top ad, block a topic after each session's first turn)",
        [
            ("controls.violations", "violations (must be 0)"),
            ("controls.checked", "ads checked"),
            ("controls.turns_shaped_by_controls", "turns where a control removed an ad"),
        ],
    ),
    (
        "Sensitive leakage",
        [
            ("sensitive.ads_on_sensitive_turns", "ads on sensitive turns (must be 0)"),
            ("sensitive.sensitive_turns", "sensitive turns inserted"),
            ("sensitive.detected", "of which the engine flagged sensitive_turn"),
            ("sensitive_ads.personalized", "sensitive-category ads, PERSONALIZED (must be 0)"),
            ("sensitive_ads.contextual", "sensitive-category ads, CONTEXTUAL (allowed)"),
        ],
    ),
    (
        "Cost in relevance (eval.relevance's protocol: equal bids, fresh users)",
        [
            ("on_topic.heldout/all", "on-topic@3, held-out half, %"),
            ("on_topic.heldout/en", "on-topic@3, held-out, en, %"),
            ("on_topic.heldout/fr", "on-topic@3, held-out, fr, %"),
            ("on_topic.all/all", "on-topic@3, all sessions, %"),
        ],
    ),
]


def _get(metrics: dict[str, Any], key: str) -> Any:
    group, name = key.split(".", 1)
    return metrics.get(group, {}).get(name, "")


def checks(results: dict[str, dict[str, Any]]) -> dict[str, bool]:
    """The invariants the guard and the controls promise, each held or not."""
    defaults = chatads.Settings()
    on, load = results[ON], results[LOAD]
    every = results.values()
    return {
        "control violations = 0 (every configuration)": all(
            r["controls"]["violations"] == 0 for r in every
        ),
        "ads on sensitive turns = 0 (every configuration)": all(
            r["sensitive"]["ads_on_sensitive_turns"] == 0 for r in every
        ),
        "sensitive-category ads on a PERSONALIZED basis = 0 (every configuration)": all(
            r["sensitive_ads"]["personalized"] == 0 for r in every
        ),
        f"guard on: worst impressions of one ad in 1 h <= freq_cap ({defaults.freq_cap})": (
            on["repetition"]["worst_per_ad"] <= defaults.freq_cap
        ),
        "guard on: worst impressions of one advertiser in 1 h <= advertiser_cap "
        f"({defaults.advertiser_cap})": (
            on["repetition"]["worst_per_advertiser"] <= defaults.advertiser_cap
        ),
        "guard on: no ad on two consecutive turns of a session": (
            on["repetition"]["consecutive_repeat_share"] == 0
        ),
        f"ad load: at most {AD_LOAD['max_ads_per_session']} ads a session": (
            load["ad_load"]["ads_per_session_max"] <= AD_LOAD["max_ads_per_session"]
        ),
    }


def write_report(
    results: dict[str, dict[str, Any]], out: Path, plot: Path, meta: dict[str, Any]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    held = checks(results)
    (out / "guard.json").write_text(
        json.dumps({"meta": meta, "configs": CONFIGS, "checks": held, "results": results}, indent=1)
    )
    names = list(results)
    lines = [
        "# The over-personalisation guard on the labelled sessions",
        "",
        f"`{meta['command']}`, {meta['date']}, {meta['seconds']} s. {meta['sessions']} "
        f"labelled sessions, {meta['catalog']:,} ads ({meta['demo_ads']:,} demo ads at "
        f"their bids, the labelled ads, {meta['echo_probe_ads']} planted echo ads, "
        f"{meta['sensitive_probe_ads']} planted sensitive twins). Guard off: "
        + ", ".join(f"{k}={v}" for k, v in GUARD_OFF.items())
        + ". Ad load: "
        + ", ".join(f"{k}={v}" for k, v in AD_LOAD.items())
        + ".",
        "",
    ]
    for title, rows in ROWS:
        lines += [f"## {title}", "", "| metric | " + " | ".join(names) + " |"]
        lines.append("|---|" + "---|" * len(names))
        for key, label in rows:
            cells = [str(_get(results[n], key)) for n in names]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Checks", "", "| invariant | holds |", "|---|---|"]
    lines += [f"| {k} | {'yes' if v else '**no**'} |" for k, v in held.items()]
    lines.append("")
    on_s, off_s = results[ON]["on_topic"]["sessions"], results[OFF]["on_topic"]["sessions"]
    lost = sorted(k for k, v in on_s.items() if v < off_s.get(k, 0))
    won = sorted(k for k, v in on_s.items() if v > off_s.get(k, 0))
    lines += [
        f"on-topic@3, sessions on topic with the guard off but not on: {', '.join(lost) or 'none'}"
        f"; the other way: {', '.join(won) or 'none'}.",
        "",
    ]
    for name in names:
        for group in ("controls", "sensitive"):
            ex = results[name][group].get("examples")
            if ex:
                lines += [f"{group} examples, {name}:", "", "```", json.dumps(ex, indent=1)]
                lines += ["```", ""]
        leaks = results[name]["sensitive_ads"]["examples"]
        if leaks:
            lines += [f"sensitive ads shown PERSONALIZED, {name}:", "", "```"]
            lines += [json.dumps(leaks, indent=1), "```", ""]
    missed = results[ON]["sensitive"]["not_detected"]
    if missed:
        lines += ["Sensitive turns the engine did not flag: " + "; ".join(missed), ""]
    (out / "guard.md").write_text("\n".join(lines))
    _plot(results, plot)


def _plot(results: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    defaults = chatads.Settings()
    caps = {
        "repetition.worst_per_ad": (defaults.freq_cap, "freq_cap"),
        "repetition.worst_per_advertiser": (defaults.advertiser_cap, "advertiser_cap"),
    }
    panels = [
        ("repetition.worst_per_ad", "worst impressions of\none ad, one user, 1 h"),
        ("repetition.worst_per_advertiser", "worst impressions of\none advertiser, one user, 1 h"),
        ("repetition.consecutive_repeat_share", "turns repeating an ad of\nthe previous turn (%)"),
        ("ad_load.ads_per_session_mean", "ads per 12-turn\nsession (mean)"),
        ("echo_probe.rate", "echo rate,\nplanted probe (%)"),
        ("echo_natural.rate", "echo rate,\nnatural sessions (%)"),
        ("stale.rate", f"day-{STALE_AFTER_DAYS} ads on a stale\ntopic only (%)"),
        ("on_topic.heldout/all", "on-topic@3,\nheld-out half (%)"),
    ]
    names = list(results)
    colors = ["#2b7bba", "#d95f02", "#7fbf7b"]
    fig, axes = plt.subplots(2, 4, figsize=(13, 6.4))
    note: dict[str, Any] = {"fontsize": 8, "ha": "right", "va": "top"}
    for ax, (key, title) in zip(axes.flat, panels, strict=True):
        note["transform"] = ax.transAxes
        vals = [float(_get(results[n], key) or 0) for n in names]
        bars = ax.bar(range(len(names)), vals, color=colors[: len(names)])
        ax.bar_label(bars, labels=[f"{v:g}" for v in vals], fontsize=8, padding=2)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_ylim(0, max([*vals, 1.0]) * 1.25)
        ax.grid(axis="y", alpha=0.3)
        if key in caps:
            cap, label = caps[key]
            ax.axhline(cap, color="black", linestyle="--", linewidth=1)
            ax.text(0.98, 0.96, f"dashed: {label} = {cap}", **note)
        if key == "stale.rate":
            base = float(results[ON]["stale"]["baseline_rate"])
            ax.axhline(base, color="black", linestyle=":", linewidth=1)
            ax.text(0.98, 0.96, "dotted: a user who\nnever talked of A", **note)
    on = results[ON]
    fig.suptitle(
        "over-personalisation guard, on vs off: "
        f"control violations {on['controls']['violations']} of {on['controls']['checked']} ads "
        f"checked; {on['sensitive']['ads_on_sensitive_turns']} ads on "
        f"{on['sensitive']['sensitive_turns']} sensitive turns; "
        f"{on['sensitive_ads']['personalized']} sensitive ads personalised",
        fontsize=10,
    )
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in colors[: len(names)]]
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=9)
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def pick(sessions: list[Session], n: int) -> list[Session]:
    """`n` sessions spread over the set (both languages, both halves); all for n <= 0."""
    if n <= 0 or n >= len(sessions):
        return sessions
    return [sessions[i * len(sessions) // n] for i in range(n)]


def main(
    out: Annotated[Path, typer.Option(help="where guard.json and guard.md go")] = Path(
        "eval-results"
    ),
    plot: Annotated[
        Path | None, typer.Option(help="where the plot goes (default: OUT/guard.png)")
    ] = None,
    sessions: Annotated[
        int, typer.Option(help="replay this many labelled sessions, spread over the set; 0 = all")
    ] = 0,
    demo_ads: Annotated[int, typer.Option(help="demo catalog size the labelled ads join")] = 6000,
) -> None:
    """Replay the labelled sessions with the guard on and off, and report side by side."""
    import datetime as dt

    started = time.perf_counter()
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    equal = load_world(demo_ads)
    chosen = pick(equal.sessions, sessions)
    equal = dataclasses.replace(equal, sessions=chosen)
    catalog = guard_catalog(equal, chosen, demo_ads)
    world = catalog.world
    users = heavy_users(chosen)
    pairs = stale_pairs(world, chosen)
    console.print(
        f"{len(chosen)} sessions, {len(world.ads):,} ads, {len(users)} heavy users, "
        f"{len(pairs)} stale-interest pairs"
    )
    results: dict[str, dict[str, Any]] = {}
    with Progress(console=console) as progress:
        for name, overrides in CONFIGS.items():
            rp = Replayer(name, build_engine(world.ads, overrides), world)
            heavy = replay_heavy(rp, users, progress)
            probe = replay_echo_probe(rp, progress)
            res: dict[str, Any] = {
                "repetition": repetition(heavy),
                "ad_load": ad_load(heavy),
                "echo_natural": echo_rate(heavy),
                "echo_probe": echo_rate(probe, catalog.echo_ads),
                "stale": replay_stale(rp, pairs, progress),
                "controls": replay_controls(rp, users, progress),
                "sensitive": replay_sensitive(rp, users, progress),
            }
            res["sensitive_ads"] = {
                "personalized": len(rp.sensitive_personalized),
                "contextual": rp.sensitive_contextual,
                "examples": rp.sensitive_personalized[:10],
            }
            res["turns_scored"] = rp.turns
            res["on_topic"] = on_topic(equal, name, overrides, progress)
            results[name] = res
    table = Table(title="over-personalisation guard")
    table.add_column("metric")
    for name in results:
        table.add_column(name)
    for _, rows in ROWS:
        for key, label in rows:
            table.add_row(label, *(str(_get(results[n], key)) for n in results))
    console.print(table)
    for invariant, ok in checks(results).items():
        console.print(f"{'[green]holds' if ok else '[red]FAILS'}[/]  {invariant}")
    meta = {
        "command": "python -m eval.guard"
        + (f" --sessions {sessions}" if sessions else "")
        + (f" --demo-ads {demo_ads}" if demo_ads != 6000 else ""),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "sessions": len(chosen),
        "catalog": len(world.ads),
        "demo_ads": demo_ads,
        "echo_probe_ads": len(catalog.echo_ads),
        "sensitive_probe_ads": len(catalog.sensitive_ads),
        "heavy_users": len(users),
        "stale_pairs": len(pairs),
    }
    plot = plot or out / "guard.png"
    write_report(results, out, plot, meta)
    console.print(f"wrote {out / 'guard.md'}, {out / 'guard.json'}, {plot}")


if __name__ == "__main__":
    typer.run(main)
