"""Turn a pytest-benchmark JSON file into a markdown table of medians and ratios.

    python benches/report.py bench-results/latest.json > bench-results/report.md

Within each group the fastest entry is 1.0x; every other entry is shown as how
many times slower it is, so the figure survives a noisy, shared machine. Entries
that record the bytes they process (`extra_info["bytes"]`) also get MB/s, and
those that record `recall_at_10` show it. Tests that also timed their calls in
alternating blocks (`extra_info["side_by_side"]`) get a second table of those ratios.
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
    paired = [b for b in data["benchmarks"] if b.get("extra_info", {}).get("side_by_side")]
    if paired:
        lines += [
            "",
            "Side by side: the same calls again in alternating blocks within one test",
            "(`benches/conftest.py::side_by_side`), so that every entry sees the host's drift;",
            "the ratios to trust on a shared machine.",
            "",
            "| measured in | call | median per call | relative |",
            "|---|---|---|---|",
        ]
        for b in paired:
            times = b["extra_info"]["side_by_side"]
            best = min(times.values())
            for name, t in sorted(times.items(), key=lambda kv: kv[1]):
                lines.append(f"| {b['name']} | {name} | {t * 1e6:,.1f} µs | {t / best:,.2f}x |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(json.loads(Path(sys.argv[1]).read_text())), end="")
