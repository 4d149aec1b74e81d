"""Reading ad catalogs from JSON Lines or CSV files.

Each line becomes a `chatads.v1.Ad` or a `BadLine` saying exactly what is
wrong with it; good lines are never dropped because of a bad neighbour.

CSV columns: `ad_id, advertiser, title, text, categories, topics, bid_cpm`
and optionally `embedding` and `tags`. List columns separate items with `|`
(`IAB20|IAB20-3`, `208|209`); `embedding` is space-separated floats.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatads.v1 import chatads_pb2

FIELDS = (
    "ad_id",
    "advertiser",
    "title",
    "text",
    "categories",
    "topics",
    "bid_cpm",
    "embedding",
    "tags",
)
REQUIRED = ("ad_id", "advertiser", "bid_cpm")


@dataclass(frozen=True)
class BadLine:
    line: int
    error: str


def _as_list(value: Any, field: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        sep = " " if field == "embedding" else "|"
        return [v for v in (p.strip() for p in value.split(sep)) if v]
    if isinstance(value, list):
        return value
    raise ValueError(f"{field}: expected a list, got {type(value).__name__}")


def ad_from_mapping(obj: Any) -> chatads_pb2.Ad:
    """Validate the shape of one record and build the message (values are checked by the engine)."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}")
    for field in REQUIRED:
        if obj.get(field) in (None, ""):
            raise ValueError(f"{field}: is required")
    try:
        bid = float(obj["bid_cpm"])
    except (TypeError, ValueError):
        raise ValueError(f"bid_cpm: not a number: {obj['bid_cpm']!r}") from None
    if not math.isfinite(bid) or bid < 0:
        raise ValueError(f"bid_cpm: must be a finite number >= 0, got {obj['bid_cpm']!r}")
    try:
        topics = [int(t) for t in _as_list(obj.get("topics"), "topics")]
    except ValueError:
        raise ValueError(f"topics: expected integer topic ids, got {obj.get('topics')!r}") from None
    try:
        embedding = [float(x) for x in _as_list(obj.get("embedding"), "embedding")]
    except ValueError:
        raise ValueError("embedding: expected numbers") from None
    return chatads_pb2.Ad(
        ad_id=str(obj["ad_id"]),
        advertiser=str(obj["advertiser"]),
        title=str(obj.get("title") or ""),
        text=str(obj.get("text") or ""),
        categories=[str(c) for c in _as_list(obj.get("categories"), "categories")],
        topics=topics,
        bid_cpm=bid,
        embedding=embedding,
        tags=[str(t) for t in _as_list(obj.get("tags"), "tags")],
    )


def read_catalog(path: Path) -> Iterator[tuple[int, chatads_pb2.Ad | BadLine, int]]:
    """Yield `(line number, Ad or BadLine, bytes read so far)` for every record."""
    suffix = path.suffix.lower()
    with path.open("r", encoding="utf-8", newline="") as fh:
        if suffix == ".csv":
            read = [0]

            def counting() -> Iterator[str]:
                for raw in fh:
                    read[0] += len(raw.encode("utf-8"))
                    yield raw

            reader = csv.DictReader(counting())
            missing = [f for f in REQUIRED if f not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}: CSV header lacks column(s) {', '.join(missing)}")
            for row in reader:
                line = reader.line_num
                try:
                    yield line, ad_from_mapping({k: v for k, v in row.items() if k}), read[0]
                except ValueError as exc:
                    yield line, BadLine(line, str(exc)), read[0]
        elif suffix in (".jsonl", ".ndjson", ".json"):
            pos = 0
            for line_no, raw in enumerate(fh, start=1):
                pos += len(raw.encode("utf-8"))
                if not raw.strip():
                    continue
                try:
                    yield line_no, ad_from_mapping(json.loads(raw)), pos
                except json.JSONDecodeError as exc:
                    yield line_no, BadLine(line_no, f"not valid JSON: {exc.msg}"), pos
                except ValueError as exc:
                    yield line_no, BadLine(line_no, str(exc)), pos
        else:
            raise ValueError(f"{path}: unknown format {suffix!r}; use .jsonl or .csv")
