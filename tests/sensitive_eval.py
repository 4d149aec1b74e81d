"""Precision and recall of the sensitive-category guard on tests/data/sensitive_eval.tsv.

    .venv/bin/python -m tests.sensitive_eval      # prints the markdown table in the README

A row counts as a true positive for category c when c is its label and the guard
reports c; any other reported category is a false positive for that category.

The lexicon was written while looking at the rows with an odd id number (the dev
half); rows with an even id were held out, so the held-out figures are the honest
estimate and the ones the README reports.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

from chatads import _core

DATA = Path(__file__).parent / "data" / "sensitive_eval.tsv"


@dataclass
class Report:
    rows: int = 0
    tp: dict[str, int] = field(default_factory=dict)
    fp: dict[str, int] = field(default_factory=dict)
    fn: dict[str, int] = field(default_factory=dict)
    hit_by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [hits, total]
    us_per_message: float = 0.0

    def precision(self, c: str) -> float:
        d = self.tp.get(c, 0) + self.fp.get(c, 0)
        return self.tp.get(c, 0) / d if d else 1.0

    def recall(self, c: str) -> float:
        d = self.tp.get(c, 0) + self.fn.get(c, 0)
        return self.tp.get(c, 0) / d if d else 1.0

    def kind_rate(self, kind: str) -> float:
        hits, total = self.hit_by_kind.get(kind, [0, 0])
        return hits / total if total else 0.0


def load(split: str = "all") -> list[dict[str, str]]:
    """Rows of the labelled set: `all`, `dev` (odd ids) or `heldout` (even ids)."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if split == "all":
        return rows
    parity = 1 if split == "dev" else 0
    return [r for r in rows if int(r["id"].split("-")[1]) % 2 == parity]


def evaluate(rows: list[dict[str, str]] | None = None) -> Report:
    rows = load() if rows is None else rows
    guard = _core.SensitiveGuard()
    started = time.perf_counter()
    found = guard.detect_many([r["message"] for r in rows])
    elapsed = time.perf_counter() - started
    rep = Report(rows=len(rows), us_per_message=1e6 * elapsed / max(len(rows), 1))
    for row, cats in zip(rows, found, strict=True):
        label, kind = row["category"], row["kind"]
        # direct/indirect: the guard caught the labelled category; lookalike/plain: it flagged any.
        hit = label in cats if label != "none" else bool(cats)
        rep.hit_by_kind.setdefault(kind, [0, 0])
        rep.hit_by_kind[kind][0] += hit
        rep.hit_by_kind[kind][1] += 1
        if label != "none":
            bucket = rep.tp if label in cats else rep.fn
            bucket[label] = bucket.get(label, 0) + 1
        for c in cats:
            if c != label:
                rep.fp[c] = rep.fp.get(c, 0) + 1
    return rep


def markdown(heldout: Report, dev: Report) -> str:
    lines = [
        "| category | precision (held out) | recall (held out) | precision (dev) | recall (dev) |",
        "|---|---|---|---|---|",
    ]
    for c in _core.SENSITIVE_CATEGORIES:
        lines.append(
            f"| {c} | {heldout.precision(c):.2f} | {heldout.recall(c):.2f} "
            f"| {dev.precision(c):.2f} | {dev.recall(c):.2f} |"
        )
    lines.append("")
    for name, rep in (("Held out", heldout), ("Dev", dev)):
        lines.append(
            f"{name} ({rep.rows} messages): recall on direct mentions "
            f"{rep.kind_rate('direct'):.2f}, on indirect ones {rep.kind_rate('indirect'):.2f}; "
            f"false positives on look-alike innocuous messages {rep.kind_rate('lookalike'):.2f}, "
            f"on plain ones {rep.kind_rate('plain'):.2f}; "
            f"{rep.us_per_message:.1f} µs per message, measured from Python."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(evaluate(load("heldout")), evaluate(load("dev"))))
