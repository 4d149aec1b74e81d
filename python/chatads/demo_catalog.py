"""Deterministic generator of the built-in demo ad catalog.

The demo catalog lets the engine be tried without real advertiser data. Every ad is synthetic:
advertisers are fictional domains under the reserved ``.example`` TLD, so no real company is
named; titles and texts are filled from templates with words of the topic lexicon
(``rust/data/topic_lexicon.tsv``, compiled into ``chatads._core``), so that each ad is
lexically findable from a chat message about its topic. About 20% of the ads are in French,
the rest in English. Topics come from the Topics taxonomy v2
(``rust/data/topics_taxonomy_v2.tsv``); every lexicon topic gets ads (more for the big
commercial categories), and the other topics get ads written from their path names.
Categories are IAB Content Taxonomy 1.0 codes (see `IAB_TIER1` and `IAB_SUBTREES`).

The output depends only on ``(n, seed)``: one ``random.Random(seed)`` drives every choice, and
nothing depends on ``hash()`` of strings or on the iteration order of a set.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable
from typing import Any

__all__ = ["EXCLUDED_TOPICS", "IAB_SUBTREES", "IAB_TIER1", "generate_demo_ads", "iter_topics"]

#: IAB 1.0 tier-1 code of each top-level category of the Topics taxonomy.
IAB_TIER1: dict[str, str] = {
    "Arts & Entertainment": "IAB1",
    "Autos & Vehicles": "IAB2",
    "Beauty & Fitness": "IAB18",
    "Books & Literature": "IAB1",
    "Business & Industrial": "IAB3",
    "Computers & Electronics": "IAB19",
    "Finance": "IAB13",
    "Food & Drink": "IAB8",
    "Games": "IAB9",
    "Hobbies & Leisure": "IAB9",
    "Home & Garden": "IAB10",
    "Internet & Telecom": "IAB19",
    "Jobs & Education": "IAB4",
    "Law & Government": "IAB11",
    "News": "IAB12",
    "Online Communities": "IAB19",
    "People & Society": "IAB14",
    "Pets & Animals": "IAB16",
    "Real Estate": "IAB21",
    "Shopping": "IAB22",
    "Sports": "IAB17",
    "Travel & Transportation": "IAB20",
}

#: Finer codes for subtrees, keyed by path prefix: the longest matching prefix wins. A tier-2
#: code also gives the tier-1 (``"IAB7-1"`` -> ``"IAB7"``), which may differ from the top level.
IAB_SUBTREES: dict[str, str] = {
    "/Arts & Entertainment/Celebrities & Entertainment News": "IAB1-2",
    "/Arts & Entertainment/Comics & Animation": "IAB9-11",
    "/Arts & Entertainment/Events & Listings/Concerts & Music Festivals": "IAB1-6",
    "/Arts & Entertainment/Movies": "IAB1-5",
    "/Arts & Entertainment/Music & Audio": "IAB1-6",
    "/Arts & Entertainment/TV & Video": "IAB1-7",
    "/Autos & Vehicles/Bicycles & Accessories": "IAB17-3",
    "/Autos & Vehicles/Motor Vehicles (By Type)/Motorcycles": "IAB2-15",
    "/Autos & Vehicles/Vehicle Parts & Accessories": "IAB2-1",
    "/Autos & Vehicles/Vehicle Repair & Maintenance": "IAB2-2",
    "/Autos & Vehicles/Vehicle Shopping": "IAB2-3",
    "/Beauty & Fitness/Fashion & Style": "IAB18-3",
    "/Beauty & Fitness/Fitness": "IAB7-1",
    "/Beauty & Fitness/Face & Body Care": "IAB18-1",
    "/Beauty & Fitness/Hair Care": "IAB18-1",
    "/Books & Literature": "IAB1-1",
    "/Business & Industrial/Advertising & Marketing": "IAB3-1",
    "/Computers & Electronics/Computer Hardware/Computer Peripherals": "IAB19-9",
    "/Computers & Electronics/Computer Hardware/Laptops & Notebooks": "IAB19-28",
    "/Computers & Electronics/Computer Security": "IAB19-25",
    "/Computers & Electronics/Consumer Electronics/Camera & Photo Equipment": "IAB19-5",
    "/Finance/Accounting & Auditing/Tax Preparation & Planning": "IAB13-12",
    "/Finance/Credit & Lending": "IAB13-2",
    "/Finance/Financial Planning & Management": "IAB13-4",
    "/Finance/Financial Planning & Management/Retirement & Pension": "IAB13-10",
    "/Finance/Insurance": "IAB13-6",
    "/Finance/Investing": "IAB13-7",
    "/Food & Drink/Food/Baked Goods": "IAB8-8",
    "/Food & Drink/Food/Candy & Sweets": "IAB8-8",
    "/Food & Drink/Restaurants": "IAB8-9",
    "/Games/Board Games": "IAB9-5",
    "/Games/Computer & Video Games": "IAB9-30",
    "/Hobbies & Leisure/Art & Craft Supplies": "IAB9-2",
    "/Hobbies & Leisure/Outdoors/Hiking & Camping": "IAB20-9",
    "/Home & Garden/Home & Interior Decor": "IAB10-7",
    "/Home & Garden/Home Appliances": "IAB10-1",
    "/Home & Garden/Home Furnishings": "IAB10-7",
    "/Home & Garden/Home Improvement": "IAB10-9",
    "/Home & Garden/Home Improvement/Plumbing": "IAB10-5",
    "/Home & Garden/Patio, Lawn & Garden/Barbecues & Grills": "IAB8-2",
    "/Home & Garden/Patio, Lawn & Garden/Gardening": "IAB10-4",
    "/Internet & Telecom/Mobile Phones": "IAB19-6",
    "/Internet & Telecom/Web Services/Web Design & Development": "IAB19-34",
    "/Jobs & Education/Education": "IAB5",
    "/Jobs & Education/Education/Foreign Language Study": "IAB5-8",
    "/Jobs & Education/Jobs": "IAB4-5",
    "/Law & Government/Legal Services": "IAB11-2",
    "/People & Society/Parenting": "IAB6",
    "/People & Society/Parenting/Babies & Toddlers": "IAB6-2",
    "/Pets & Animals/Pets/Cats": "IAB16-3",
    "/Pets & Animals/Pets/Dogs": "IAB16-4",
    "/Real Estate/Real Estate Listings/Residential Rentals": "IAB21-1",
    "/Real Estate/Real Estate Listings/Residential Sales": "IAB21-3",
    "/Shopping/Apparel": "IAB18-5",
    "/Shopping/Apparel/Clothing Accessories": "IAB18-6",
    "/Shopping/Apparel/Clothing Accessories/Gems & Jewelry": "IAB18-4",
    "/Shopping/Coupons & Discount Offers": "IAB22-2",
    "/Sports/Combat Sports": "IAB17-20",
    "/Sports/Cycling": "IAB17-3",
    "/Sports/Golf": "IAB17-15",
    "/Sports/Running & Walking": "IAB17-30",
    "/Sports/Soccer": "IAB17-44",
    "/Sports/Tennis": "IAB17-40",
    "/Sports/Water Sports/Swimming": "IAB17-38",
    "/Sports/Winter Sports/Skiing & Snowboarding": "IAB17-35",
    "/Travel & Transportation/Air Travel": "IAB20-3",
    "/Travel & Transportation/Cruises & Charters": "IAB20-12",
    "/Travel & Transportation/Hotels & Accommodations": "IAB20-18",
}

#: Topics that get no demo ads: politics, and the health-related insurance, training and job
#: topics and feminine hygiene, too close to GDPR Art. 9 categories for targeting.
EXCLUDED_TOPICS: frozenset[int] = frozenset({160, 247, 384, 539, 553})

# Per top level: (min bid CPM, max bid CPM, commercial weight for the number of ads), and slug.
_MARKET: dict[str, tuple[float, float, float, str]] = {
    "Arts & Entertainment": (0.8, 4.0, 1.0, "fun"),
    "Autos & Vehicles": (2.5, 8.0, 1.6, "motors"),
    "Beauty & Fitness": (1.5, 6.0, 1.4, "beauty"),
    "Books & Literature": (0.5, 3.0, 0.8, "books"),
    "Business & Industrial": (2.0, 7.0, 1.0, "pro"),
    "Computers & Electronics": (2.0, 7.0, 1.6, "tech"),
    "Finance": (4.0, 12.0, 2.0, "finance"),
    "Food & Drink": (1.0, 4.5, 1.3, "food"),
    "Games": (0.8, 4.0, 1.0, "games"),
    "Hobbies & Leisure": (0.8, 4.0, 0.9, "hobby"),
    "Home & Garden": (1.5, 6.0, 1.4, "home"),
    "Internet & Telecom": (2.0, 7.0, 1.4, "net"),
    "Jobs & Education": (2.0, 7.0, 1.2, "learn"),
    "Law & Government": (3.0, 9.0, 0.8, "legal"),
    "News": (0.5, 3.0, 0.5, "news"),
    "Online Communities": (0.5, 3.0, 0.6, "social"),
    "People & Society": (0.8, 4.0, 0.7, "family"),
    "Pets & Animals": (1.0, 5.0, 1.0, "pets"),
    "Real Estate": (3.0, 9.0, 1.5, "homes"),
    "Shopping": (1.5, 6.0, 1.8, "shop"),
    "Sports": (1.0, 5.0, 1.2, "sport"),
    "Travel & Transportation": (3.0, 10.0, 2.0, "travel"),
}
_CPM_SUBTREES: dict[str, tuple[float, float]] = {
    "/Finance/Insurance": (5.0, 12.0),
    "/Finance/Credit & Lending": (4.5, 12.0),
    "/Travel & Transportation/Air Travel": (4.0, 11.0),
}
# Fictional brand names are a prefix and a suffix (space-separated lists).
_PREFIXES = (
    "sky blue nova bright north urban zen true swift green silver sun peak clear happy lumi terra "
    "maple coral echo pixel amber river cloud oak velvet polar cedar lively golden"
)
_SUFFIXES = (
    "hop ly wave nest path point box lab field craft line hub spark leaf stone way go mint loop "
    "bay works vista"
)

_EN_TITLES = (
    "{n} | {leaf}",
    "{A} & {B} at {n}",
    "{leaf} by {n}",
    "{A}, {B} and more | {n}",
    "{n}: {A} made easy",
)
_EN_TEXTS = (
    "{n}: {a}, {b} and {c}, all in one place.",
    "Discover {a}, {b} and {c} with {n}.",
    "Looking for {a}? {n} also has {b} and {c}.",
    "{n} brings {a}, {b} and {c} together at fair prices.",
    "Trusted by thousands for {a}, {b} and {c}.",
    "From {a} to {b} and {c}: {n} has you covered.",
)
_EN_EXTRAS = ("Ask us about {x}.", "New this season: {x}.", "Also available: {x}.")
_FR_TITLES = (
    "{n} | {A} et {B}",
    "{A} & {B} chez {n}",
    "{n} : {A} en toute simplicité",
    "{A}, {B} et plus | {n}",
)
_FR_TEXTS = (
    "Découvrez {a}, {b} et {c} avec {n}.",
    "{n} : {a}, {b} et {c}, au même endroit.",
    "{n} réunit {a}, {b} et {c} à prix doux.",
    "{a}, {b}, {c} : {n} a ce qu'il vous faut.",
    "Spécialiste {a}, {b} et {c} depuis 2009.",
)
_FR_EXTRAS = ("Pensez aussi à {x}.", "Nouveau : {x}.", "Et aussi : {x}.")
_PATH_TITLES = ("{n} | {Leaf}", "{Leaf} by {n}", "{Leaf} offers at {n}")
_PATH_TEXTS = (
    "{n} specialises in {leaf}, with {a} and {b} for every budget.",
    "Everything for {leaf}, from {a} to {b}, at {n}.",
    "Compare {leaf} offers from {n}, plus {a} and {b}.",
)


def _read(name: str) -> str:
    # The data files are compiled into the Rust extension (one copy, in rust/data/).
    from chatads import _core

    return {"topics_taxonomy_v2.tsv": _core.TAXONOMY_TSV, "topic_lexicon.tsv": _core.LEXICON_TSV}[
        name
    ]


@functools.lru_cache(maxsize=1)
def _taxonomy() -> tuple[tuple[int, str], ...]:
    rows = (line.split("\t") for line in _read("topics_taxonomy_v2.tsv").splitlines()[1:])
    return tuple((int(r[0]), r[1].strip()) for r in rows if len(r) >= 2)


def iter_topics() -> list[tuple[int, str]]:
    """The Topics taxonomy v2 as ``(id, path)`` pairs, in file order."""
    return list(_taxonomy())


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[int, dict[str, list[str]]]:
    """``topic id -> lang -> words``, in file order."""
    lex: dict[int, dict[str, list[str]]] = {}
    for line in _read("topic_lexicon.tsv").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 3:
            lex.setdefault(int(cols[0]), {"en": [], "fr": []}).setdefault(cols[1], []).append(
                cols[2].strip()
            )
    return lex


def _longest_prefix(path: str, prefixes: Iterable[str]) -> str:
    keys = [k for k in prefixes if path == k or path.startswith(k + "/")]
    return max(keys, key=len) if keys else ""


def _iab(path: str) -> list[str]:
    """IAB 1.0 codes of a topic: its tier-1, then its tier-2 when one is known."""
    code = IAB_SUBTREES.get(_longest_prefix(path, IAB_SUBTREES), "")
    if not code:
        return [IAB_TIER1[path.split("/")[1]]]
    return [code] if "-" not in code else [code.split("-")[0], code]


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[1].split(" (")[0].strip()


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _join(words: list[str], lang: str) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + (" et " if lang == "fr" else " and ") + words[-1]


def _allocate(weights: list[float], n: int, floors: list[int]) -> list[int]:
    """Split ``n`` over ``weights`` (largest remainder), giving each at least its floor."""
    if sum(floors) > n:
        floors = [0] * len(weights)
    rest, total = n - sum(floors), sum(weights) or 1.0
    quotas = [w * rest / total for w in weights]
    counts = [f + int(q) for f, q in zip(floors, quotas, strict=True)]
    by_remainder = sorted(range(len(weights)), key=lambda i: (int(quotas[i]) - quotas[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _brand(rng: random.Random, slug: str, taken: set[str]) -> tuple[str, str]:
    """A fictional brand and its ``.example`` domain, never used before in this catalog."""
    for attempt in range(1000):
        pre, suf = rng.choice(_PREFIXES.split()), rng.choice(_SUFFIXES.split())
        tag = "" if attempt < 20 else str(attempt)
        domain = f"{pre}{suf}{tag}-{slug}.example"
        if domain not in taken:
            taken.add(domain)
            return _cap(pre) + _cap(suf) + tag, domain
    raise RuntimeError("could not name an advertiser")


def _pick(rng: random.Random, words: list[str], k: int) -> list[str]:
    """``k`` random words, avoiding two inflections of one word (alike first 4 letters)."""
    shuffled = rng.sample(words, len(words))
    chosen: list[str] = []
    for word in shuffled:
        stem = word[:4]
        if len(chosen) < k and not any(
            c.startswith(stem) or stem.startswith(c[:4]) for c in chosen
        ):
            chosen.append(word)
    return chosen + [w for w in shuffled if w not in chosen][: max(0, 3 - len(chosen))]


def _copy(
    rng: random.Random, brand: str, path: str, lang: str, words: list[str], fallback: list[str]
) -> tuple[str, str]:
    """Title and text of one ad, from the topic's lexicon ``words`` or its path name."""
    if words:
        w = _pick(rng, words, rng.randint(3, 6))
        titles, texts, extras = (
            (_FR_TITLES, _FR_TEXTS, _FR_EXTRAS)
            if lang == "fr"
            else (_EN_TITLES, _EN_TEXTS, _EN_EXTRAS)
        )
        title = rng.choice(titles).format(n=brand, A=_cap(w[0]), B=_cap(w[1]), leaf=_leaf(path))
        text = rng.choice(texts).format(n=brand, a=w[0], b=w[1], c=w[2])
        if len(w) > 3:
            text += " " + rng.choice(extras).format(x=_join(w[3:], lang))
        return title, _cap(text)
    leaf = _leaf(path)
    a, b = _pick(rng, fallback, 2)[:2] if len(fallback) >= 2 else (leaf.lower(), "advice")
    title = rng.choice(_PATH_TITLES).format(n=brand, Leaf=leaf)
    return title, rng.choice(_PATH_TEXTS).format(n=brand, leaf=leaf.lower(), a=a, b=b)


def generate_demo_ads(n: int = 6000, seed: int = 7) -> list[dict[str, Any]]:
    """Generate ``n`` synthetic ads, identical for identical ``(n, seed)``.

    Each ad is a dict with ``ad_id``, ``advertiser`` (a ``.example`` domain with about 5 to 15
    ads), ``title``, ``text``, ``categories`` (IAB 1.0 codes), ``topics`` (its Topics id, and
    sometimes its parent's) and ``bid_cpm`` (0.5 to 12.0).
    """
    rng = random.Random(seed)
    lex = _lexicon()
    topics = [(tid, path) for tid, path in _taxonomy() if tid not in EXCLUDED_TOPICS]
    id_of = {path: tid for tid, path in _taxonomy()}
    weights = [_MARKET[p.split("/")[1]][2] * (3.0 if t in lex else 0.6) for t, p in topics]
    counts = _allocate(weights, max(n, 0), [1 if t in lex else 0 for t, _ in topics])
    lex_ads = sum(c for (t, _), c in zip(topics, counts, strict=True) if t in lex)
    p_fr = min(0.6, 0.2 * n / lex_ads) if lex_ads else 0.0

    by_top: dict[str, list[tuple[int, str]]] = {}
    for (tid, path), count in zip(topics, counts, strict=True):
        by_top.setdefault(path.split("/")[1], []).extend([(tid, path)] * count)

    taken: set[str] = set()
    rows: list[tuple[str, str, str, list[str], list[int], float]] = []
    for top, items in by_top.items():
        lo_top, hi_top, _, slug = _MARKET[top]
        i = 0
        while i < len(items):
            rest = len(items) - i
            size = rest if rest <= 15 else min(rng.randint(5, 15), rest - 5)
            brand, domain = _brand(rng, slug, taken)
            factor = rng.uniform(0.85, 1.2)
            for tid, path in items[i : i + size]:
                ancestor = path
                while ancestor.count("/") > 1 and id_of[ancestor] not in lex:
                    ancestor = ancestor.rsplit("/", 1)[0]
                lang = "fr" if tid in lex and rng.random() < p_fr else "en"
                words = lex.get(tid, {}).get(lang, [])
                fallback = lex.get(id_of[ancestor], {}).get("en", [])
                title, text = _copy(rng, brand, path, lang, words, fallback)
                parent = id_of.get(path.rsplit("/", 1)[0])
                ids = [tid, parent] if parent is not None and rng.random() < 0.5 else [tid]
                lo, hi = _CPM_SUBTREES.get(_longest_prefix(path, _CPM_SUBTREES), (lo_top, hi_top))
                bid = rng.triangular(lo, hi, lo + 0.35 * (hi - lo)) * factor
                bid = round(min(12.0, max(0.5, bid)), 2)
                rows.append((domain, title, text, _iab(path), ids, bid))
            i += size
    rng.shuffle(rows)
    return [
        {
            "ad_id": f"demo-{k:06d}",
            "advertiser": adv,
            "title": title,
            "text": text,
            "categories": cats,
            "topics": ids,
            "bid_cpm": bid,
        }
        for k, (adv, title, text, cats, ids, bid) in enumerate(rows)
    ]
