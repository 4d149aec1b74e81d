"""Turn a pytest-benchmark JSON file into a markdown table of medians and ratios.

    python benches/report.py bench-results/latest.json > bench-results/report.md

Within each group the fastest entry is 1.0x; every other entry is shown as how
many times slower it is, so the figure survives a noisy, shared machine. Entries
that record the bytes they process (`extra_info["bytes"]`) also get MB/s, and
those that record `recall_at_10` show it.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def render(data: dict) -> str:  # type: ignore[type-arg]
    groups: dict[str, list[tuple[str, float, str, str]]] = defaultdict(list)
    for b in data["benchmarks"]:
        median = b["stats"]["median"]
        nbytes = b.get("extra_info", {}).get("bytes")
        rate = f"{nbytes / median / 1e6:,.1f}" if nbytes else ""
        recall = b.get("extra_info", {}).get("recall_at_10")
        extra = f"{recall:.3f}" if recall is not None else ""
        groups[b["group"] or b["name"]].append((b["name"], median, rate, extra))
    lines = [
        f"Machine: {data['machine_info'].get('cpu', {}).get('brand_raw', '?')}, "
        f"Python {data['machine_info'].get('python_version', '?')}; {data['datetime']}",
        "",
        "| group | benchmark | median | relative | MB/s | recall@10 |",
        "|---|---|---|---|---|---|",
    ]
    for group, rows in sorted(groups.items()):
        best = min(r[1] for r in rows)
        for name, median, rate, extra in sorted(rows, key=lambda r: r[1]):
            lines.append(
                f"| {group} | {name} | {median * 1e6:,.1f} µs | {median / best:,.1f}x "
                f"| {rate} | {extra} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1]).read_text())), end="")
