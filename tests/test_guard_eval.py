"""The guard harness (`make eval-guard`) end to end on a subset of the labelled sessions
and a small catalog, through the same code paths as the full run, and the invariants
it must find: user controls and the sensitive rules never broken, whatever the guard's
settings; with the guard on, no ad on two consecutive turns and no cap exceeded; with
it off, more repetition than with it on (so these checks can fail)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chatads import Settings

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ("guard on", "guard off", "guard on + ad load")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("guard")
    cmd = [sys.executable, "-m", "eval.guard", "--sessions", "20", "--demo-ads", "1000"]
    done = subprocess.run(
        [*cmd, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "guard.png").stat().st_size > 10_000
    md = (out / "guard.md").read_text()
    assert "## Checks" in md and "guard off" in md
    data: dict[str, Any] = json.loads((out / "guard.json").read_text())
    assert tuple(data["results"]) == CONFIGS
    assert data["meta"]["sessions"] == 20
    results: dict[str, Any] = data["results"]
    return results


def test_controls_are_never_violated(report: dict[str, Any]) -> None:
    for name in CONFIGS:
        controls = report[name]["controls"]
        assert controls["checked"] > 100, name
        assert controls["turns_shaped_by_controls"] > 0, name
        assert controls["violations"] == 0, (name, controls["examples"])


def test_nothing_sensitive_leaks(report: dict[str, Any]) -> None:
    for name in CONFIGS:
        sensitive = report[name]["sensitive"]
        assert sensitive["sensitive_turns"] >= 20, name
        assert sensitive["ads_on_sensitive_turns"] == 0, (name, sensitive["examples"])
        leaks = report[name]["sensitive_ads"]
        assert leaks["personalized"] == 0, (name, leaks["examples"])


def test_guard_stops_consecutive_repeats_and_reduces_repetition(report: dict[str, Any]) -> None:
    on, off = report["guard on"]["repetition"], report["guard off"]["repetition"]
    assert on["impressions"] == off["impressions"] > 1000
    assert on["consecutive_repeat_share"] == 0
    assert off["consecutive_repeat_share"] > 10
    assert off["worst_per_ad"] > on["worst_per_ad"]
    assert off["worst_per_advertiser"] > on["worst_per_advertiser"]
    assert report["guard off"]["echo_probe"]["rate"] > report["guard on"]["echo_probe"]["rate"]


def test_ad_load_setting_limits_ads_per_session(report: dict[str, Any]) -> None:
    for name in CONFIGS:
        assert report[name]["ad_load"]["ads_per_turn_max"] <= 3
    assert report["guard on + ad load"]["ad_load"]["ads_per_session_max"] <= 6
    assert report["guard on"]["ad_load"]["ads_per_session_max"] == 36


def test_caps_hold_with_the_guard_on(report: dict[str, Any]) -> None:
    defaults = Settings()
    on = report["guard on"]["repetition"]
    assert on["worst_per_ad"] <= defaults.freq_cap
    assert on["worst_per_advertiser"] <= defaults.advertiser_cap
