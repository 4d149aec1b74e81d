"""The labelled relevance set and its harness (`make eval`).

The set must stay what the harness's figures claim: enough sessions and ads in both
languages, every label resolving to an ad and a taxonomy topic, both halves holding
every kind of hard case. The harness runs end to end on a small catalog (without the
MiniLM reference, which needs the teacher's weights), through the same code paths as
`make eval`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data"


def rows(name: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x]


def test_the_set_is_whole_and_consistent() -> None:
    ads, sessions = rows("relevance_ads.jsonl"), rows("relevance_sessions.jsonl")
    ad_ids = [a["ad_id"] for a in ads]
    assert len(ad_ids) == len(set(ad_ids)) >= 400
    taxonomy = {
        int(line.split("\t")[0])
        for line in (ROOT / "rust/data/topics_taxonomy_v2.tsv").read_text().splitlines()[1:]
    }
    assert all(set(a["topics"]) <= taxonomy and a["topics"] for a in ads)  # type: ignore[arg-type]
    assert len(sessions) >= 80
    assert {s["lang"] for s in sessions} == {"en", "fr"}
    known = set(ad_ids)
    for s in sessions:
        assert s["relevant_ads"] and set(s["relevant_ads"]) <= known, s["session_id"]  # type: ignore[arg-type]
        assert set(s["topics"]) <= taxonomy, s["session_id"]  # type: ignore[arg-type]
        assert s["split"] in ("tune", "heldout") and len(s["turns"]) >= 2  # type: ignore[arg-type]
    kinds = Counter((s["lang"], s["split"], s["hard_case"]) for s in sessions)
    for lang in ("en", "fr"):
        for kind in ("polysemy", "drift", "slang", "typo", "short-turn"):
            for split in ("tune", "heldout"):
                assert kinds[(lang, split, kind)] >= 1, (lang, split, kind)


def test_harness_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "eval"
    cmd = [sys.executable, "-m", "eval.relevance", "--no-minilm", "--demo-ads", "300"]
    done = subprocess.run(
        [*cmd, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    names = [m["name"] for m in results["methods"]]
    assert names == [
        "chatads hashing",
        "chatads semantic",
        "chatads semantic d=64",
        "TF-IDF (scikit-learn)",
        "BM25",
    ]
    for m in results["methods"]:
        for key in ("heldout/en", "heldout/fr", "tune/en", "tune/fr"):
            fig = m["summary"][key]
            assert fig["n"] > 0 and all(0 <= fig[k] <= 100 for k in ("on_topic_3", "ndcg_3"))
        assert len(m["sessions"]) == results["meta"]["sessions"]
        # Every method finds something on topic for most sessions: a broken method
        # (empty results, wrong ids) would score near 0.
        assert m["summary"]["all/all"]["on_topic_3"] > 40, m["name"]
    assert (out / "relevance.png").stat().st_size > 10_000
    assert "Held-out half" in (out / "report.md").read_text()
