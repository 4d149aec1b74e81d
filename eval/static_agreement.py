"""How closely a static table follows the teacher on a small built-in sentence set.

For every pair of the sentences below it compares the teacher's cosine
(``eval/minilm.py``) with the static table's (``eval/static_embed.py``):
Spearman's rho over all pairs, and how often both agree on each sentence's
nearest neighbour.  Also prints the hand-picked sanity pairs.

Usage: ``.venv/bin/python eval/static_agreement.py [--dims 32,64] [--table-dir DIR ...]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.minilm import MiniLM
from eval.static_embed import TABLE_DIR, StaticEmbedder

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

# Groups of related queries (chat/ad flavoured); related within a group, mostly
# unrelated across groups, with a few near-misses across groups on purpose.
SENTENCES: list[str] = [
    "noise cancelling headphones for long flights",
    "wireless over-ear headphones with active noise cancellation",
    "best earbuds for running",
    "bluetooth speaker for the beach",
    "cheap flights to Lisbon",
    "last minute flight deals to Portugal",
    "cheap hotel in Lisbon",
    "boutique hotel near the old town",
    "espresso machine for home",
    "coffee grinder with ceramic burrs",
    "how to make a flat white",
    "best green tea for beginners",
    "vegetable garden seeds",
    "raised beds for growing tomatoes",
    "how to compost kitchen scraps",
    "lawn mower for a small garden",
    "running shoes for flat feet",
    "marathon training plan for beginners",
    "yoga mat that does not slip",
    "adjustable dumbbells for a home gym",
    "laptop for video editing under 1500 dollars",
    "mechanical keyboard with quiet switches",
    "4k monitor for photo editing",
    "fix a slow wifi connection",
    "high yield savings account",
    "how to start investing in index funds",
    "credit card with no foreign transaction fees",
    "mortgage rates for first time buyers",
    "gluten free pasta recipe",
    "vegan protein powder",
    "easy weeknight chicken dinner",
    "meal kit delivery service",
    "dog food for sensitive stomachs",
    "cat litter that controls odor",
    "puppy training classes",
    "learn spanish online",
    "python course for data science",
    "online MBA programs",
    "electric car charging at home",
    "used car with low mileage",
    "winter tires for snow",
    "moisturiser for dry skin",
    "sunscreen for sensitive skin",
    "anti-dandruff shampoo",
    "toddler car seat",
    "stroller for jogging",
    "baby monitor with camera",
    "what is the capital of australia",
    "explain quantum entanglement simply",
    "write a poem about autumn",
]

SANITY: list[tuple[str, str, str]] = [
    (
        "noise cancelling headphones for long flights",
        "wireless over-ear headphones with active noise cancellation",
        "cheap flights to Lisbon",
    ),
    ("espresso machine for home", "coffee grinder with ceramic burrs", "cheap flights to Lisbon"),
    ("vegetable garden seeds", "raised beds for growing tomatoes", "laptop for video editing"),
    ("running shoes", "marathon training plan for beginners", "vegetable garden seeds"),
    (
        "je cherche un hôtel pas cher à Lisbonne",
        "cheap hotel in Lisbon",
        "espresso machine for home",
    ),
    ("je cherche un hôtel pas cher à Lisbonne", "hôtel à Lisbonne", "machine à espresso"),
    ("machine à café expresso", "espresso machine for home", "cheap hotel in Lisbon"),
    ("chaussures de course à pied", "running shoes", "vegetable garden seeds"),
    (
        "billets d'avion pas chers pour Lisbonne",
        "cheap flights to Lisbon",
        "espresso machine for home",
    ),
    ("casque à réduction de bruit", "noise cancelling headphones", "cheap hotel in Lisbon"),
]


def spearman(a: F64, b: F64) -> float:
    """Spearman's rank correlation (no tie correction; cosines rarely tie)."""
    ra = np.argsort(np.argsort(a)).astype(np.float64)
    rb = np.argsort(np.argsort(b)).astype(np.float64)
    return float(np.corrcoef(ra, rb)[0, 1])


def agreement(teacher: F32, student: F32) -> tuple[float, float]:
    """(Spearman over all pairs, nearest-neighbour agreement) of two embedding sets."""
    st = (teacher @ teacher.T).astype(np.float64)
    ss = (student @ student.T).astype(np.float64)
    iu = np.triu_indices(len(teacher), k=1)
    np.fill_diagonal(st, -np.inf)
    np.fill_diagonal(ss, -np.inf)
    nn = float((st.argmax(axis=1) == ss.argmax(axis=1)).mean())
    return spearman(st[iu], ss[iu]), nn


def main(argv: list[str]) -> int:
    """Print agreement figures and sanity pairs for each table directory and d."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--dims", default="32,48,64,96,128")
    ap.add_argument("--table-dir", type=Path, action="append", default=None)
    ap.add_argument("--sanity-d", type=int, default=64)
    args = ap.parse_args(argv)
    dirs: list[Path] = args.table_dir or [TABLE_DIR]
    dims = [int(x) for x in args.dims.split(",")]

    teacher = MiniLM()
    t_emb = teacher.encode(SENTENCES)
    sanity_texts = sorted({t for triple in SANITY for t in triple})
    t_san = dict(zip(sanity_texts, teacher.encode(sanity_texts), strict=True))
    for directory in dirs:
        print(f"== {directory}")
        for d in dims:
            rho, nn = agreement(t_emb, StaticEmbedder(d, directory).encode(SENTENCES))
            print(f"  d={d:<4} spearman={rho:.3f}  nn-agreement={nn:.2f}")
        emb = StaticEmbedder(args.sanity_d, directory)
        s_san = dict(zip(sanity_texts, emb.encode(sanity_texts), strict=True))
        print(f"  sanity (d={args.sanity_d}): static cos [teacher cos]")
        for anchor, near, far in SANITY:
            cn, cf = float(s_san[anchor] @ s_san[near]), float(s_san[anchor] @ s_san[far])
            tn, tf = float(t_san[anchor] @ t_san[near]), float(t_san[anchor] @ t_san[far])
            flag = "ok " if cn > cf else "BAD"
            print(f"  {flag} {anchor!r}: {near!r} {cn:+.3f} [{tn:+.3f}]", end="")
            print(f" vs {far!r} {cf:+.3f} [{tf:+.3f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
