"""The shared state store's cost: the native server with the embedded store against the
same server with its state in Redis, side by side in one run, at the same offered rates.

    .venv/bin/python -m benches.store            # full run (a few minutes), part of `make bench`
    .venv/bin/python -m benches.store --smoke    # seconds, tiny sizes (the bench smoke)

It starts a real redis-server (Debian's, on a free loopback port, AOF on), then one
chatads server at a time (native transport, the demo catalog): with the embedded store;
with Redis at `appendfsync always` (what docs/scale-out.md asks when privacy requests are
to be durable on the primary alone); and with Redis at `appendfsync everysec` (durable
through replicas and `--redis-wait-replicas` instead). Each is driven by the open-loop
Go generator with the load test's chat workload (users who come back for several
sessions). The servers and Redis run on CPU 0, the generator on CPU 1 (with 2 cores), so
Redis's CPU is counted on the server's core and reported apart.

Per point: p50 / p99 latency from the planned send time, the chatads server's and
Redis's CPU per Score, the generator's own CPU (a point where it saturates is marked as
the generator's limit), and the round trips to Redis per Score from the server's
Prometheus counters (`chatads_store_round_trips_total`). Afterwards: Redis's memory per
user (used_memory over the users it holds) and what 10 million users would take.
Writes results.json, report.md and store.png to --out. No figure is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer

from benches.loadtest import (
    ROOT,
    SCORE,
    Server,
    Settings,
    _affinity,
    build_workload,
    console,
    cpu_seconds,
    free_port,
    run_loadgen,
    start_server,
    tool,
    write_unary_file,
)

SECRET = "store-bench-secret-0123456789"
USERS_FOR_SIZING = 10_000_000


def _metrics(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def _redis_cli(port: int, *args: str) -> str:
    return subprocess.run(
        ["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _info(port: int, section: str) -> dict[str, str]:
    text = _redis_cli(port, "INFO", section)
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def start_redis(work: Path, cpus: set[int] | None) -> tuple[subprocess.Popen[bytes], int]:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server missing: run `make test-system-deps`")
    port = free_port()
    (work / "redis").mkdir()
    proc = subprocess.Popen(
        [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(work / "redis"),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_affinity(cpus),
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if _redis_cli(port, "PING") == "PONG":
                return proc, port
        except subprocess.CalledProcessError:
            pass
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def _round_trips(before: dict[str, float], after: dict[str, float]) -> dict[str, float | None]:
    turns = after.get("chatads_turns_scored_total", 0) - before.get("chatads_turns_scored_total", 0)

    def per_turn(kind: str) -> float | None:
        key = f'chatads_store_round_trips_total{{kind="{kind}"}}'
        if key not in after or turns <= 0:
            return None
        return round((after[key] - before.get(key, 0)) / turns, 3)

    return {"reads": per_turn("read"), "writes": per_turn("write"), "turns": turns}


def main(
    out: Annotated[Path, typer.Option(help="where results.json, report.md, store.png go")] = Path(
        "bench-results/store"
    ),
    smoke: Annotated[bool, typer.Option(help="seconds, tiny sizes: proves it works")] = False,
    rates: Annotated[str, typer.Option(help="offered rates, comma-separated")] = "1000,5000",
    duration: Annotated[float, typer.Option(help="measured seconds per point")] = 5.0,
    warmup: Annotated[float, typer.Option(help="warm-up seconds per point")] = 1.0,
    ads: Annotated[int, typer.Option(help="demo catalog size")] = 6000,
) -> None:
    """Embedded against Redis, same server, same rates, one run."""
    offered = [50.0] if smoke else [float(r) for r in rates.split(",") if r]
    duration, warmup = (1.0, 0.3) if smoke else (duration, warmup)
    n_ads = 300 if smoke else ads
    pinned = (os.cpu_count() or 1) >= 2 and hasattr(os, "sched_setaffinity")
    cfg = Settings(
        duration=duration,
        warmup=warmup,
        clients=2,
        sessions=4,
        timeout=1.0,
        server_cpus={0} if pinned else None,
        client_cpus={1} if pinned else None,
        arrivals="const",
    )
    tool("chatads-loadgen")
    out.mkdir(parents=True, exist_ok=True)
    n_sessions = 300 if smoke else int(max(2000, max(offered) * duration / 5))
    n_users = 100 if smoke else max(500, n_sessions // 4)
    workload = build_workload(n_users, n_sessions)
    results: dict[str, Any] = {"runs": [], "rates": offered, "pinned": pinned}
    with tempfile.TemporaryDirectory(prefix="chatads-store-") as tmp:
        work = Path(tmp)
        unary = work / "score.bin"
        write_unary_file(workload, unary)
        redis_proc, redis_port = start_redis(work, cfg.server_cpus)
        try:
            for backend in ("embedded", "redis", "redis-everysec"):
                port, metrics_port = free_port(), free_port()
                shared = backend != "embedded"
                extra = [f"--redis-url=redis://127.0.0.1:{redis_port}"] if shared else []
                # The AOF as docs/scale-out.md asks (privacy requests durable on the
                # primary), then as it may be with replicas and --redis-wait-replicas.
                fsync = "everysec" if backend == "redis-everysec" else "always"
                _redis_cli(redis_port, "CONFIG", "SET", "appendfsync", fsync)
                env = {
                    **os.environ,
                    "CHATADS_SECRET": SECRET,
                    "CHATADS_LOG_LEVEL": "WARNING",
                    "CHATADS_DEMO_CATALOG_SIZE": str(n_ads),
                    "CHATADS_PAGE_PORT": "0",
                    "CHATADS_TRANSPORT": "native",
                    "CHATADS_SNAPSHOT_INTERVAL_S": "0",
                }
                server: Server = start_server(
                    f"chatads-{backend}",
                    [
                        str(ROOT / ".venv/bin/chatads"),
                        "serve",
                        "--host=127.0.0.1",
                        f"--port={port}",
                        f"--metrics-port={metrics_port}",
                        "--demo",
                        f"--data-dir={work / f'data-{backend}'}",
                        *extra,
                    ],
                    env,
                    port,
                    out / f"chatads-{backend}-server.log",
                    cfg.server_cpus,
                )
                if backend == "redis":
                    results["redis_memory_before"] = int(_info(redis_port, "memory")["used_memory"])
                    _redis_cli(redis_port, "CONFIG", "RESETSTAT")
                try:
                    for rate in offered:
                        console.print(f"[bold]{backend}[/bold] Score at {rate:,.0f}/s")
                        before = _metrics(metrics_port)
                        redis0 = cpu_seconds(redis_proc.pid)
                        run = run_loadgen(
                            f"score-{backend}", server, "unary", SCORE, unary, rate, cfg, work
                        )
                        run.pop("histogram", None)
                        run["backend"] = backend
                        run["round_trips_per_score"] = _round_trips(before, _metrics(metrics_port))
                        redis_cpu = cpu_seconds(redis_proc.pid) - redis0
                        run["redis_cpu_us_per_request"] = (
                            round(redis_cpu * 1e6 / max(1.0, rate * (duration + warmup)), 1)
                            if shared
                            else None
                        )
                        results["runs"].append(run)
                finally:
                    server.stop()
            results["sizing"] = sizing(redis_port, results["redis_memory_before"])
        finally:
            redis_proc.terminate()
            redis_proc.wait(timeout=10)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    report = write_report(results)
    (out / "report.md").write_text(report)
    write_plot(results, out / "store.png")
    console.print(report)


def sizing(port: int, before: int) -> dict[str, Any]:
    """Redis's memory per user now held, measured two ways: the MEMORY USAGE of each
    user's keys, summed per user (up to 2,000 users), and used_memory's growth over the
    run divided by the users (which also counts Redis's own buffers)."""
    keys = _redis_cli(port, "--scan", "--pattern", "ca:{*}:*").split()
    by_user: dict[str, list[str]] = {}
    for k in keys:
        by_user.setdefault(k.split("}")[0], []).append(k)
    kinds: dict[str, list[int]] = {}
    totals = []
    for user_keys in list(by_user.values())[:2000]:
        total = 0
        for k in user_keys:
            usage = _redis_cli(port, "MEMORY", "USAGE", k)
            if usage.isdigit():
                kinds.setdefault(k.rsplit(":", 1)[1], []).append(int(usage))
                total += int(usage)
        totals.append(total)
    per_user = sum(totals) / max(1, len(totals))
    used = int(_info(port, "memory")["used_memory"])
    return {
        "users": len(by_user),
        "keys": len(keys),
        "bytes_per_user": round(per_user),
        "used_memory_growth_per_user": round((used - before) / max(1, len(by_user))),
        "bytes_per_key_kind": {k: round(sum(v) / len(v)) for k, v in sorted(kinds.items())},
        "gib_for_10m_users": round(per_user * USERS_FOR_SIZING / 2**30, 1),
    }


def write_report(results: dict[str, Any]) -> str:
    runs = results["runs"]
    by = {(r["backend"], r["offered_rps"]): r for r in runs}
    lines = [
        "# State store: embedded against Redis (`python -m benches.store`)",
        "",
        "Native server, Score, the load test's chat workload, open loop; "
        + (
            "chatads and Redis on CPU 0, the generator on CPU 1."
            if results["pinned"]
            else "nothing pinned."
        ),
        "",
        "| store | offered/s | achieved/s | p50 ms | p99 ms | added p50 | added p99 | "
        "server CPU µs/Score | Redis CPU µs/Score | Redis round trips/Score (read + write) | "
        "generator cores | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        base = by.get(("embedded", r["offered_rps"]))
        lat, blat = r["latency_us"], (base or {}).get("latency_us", {})
        added = (
            (
                f"{(lat['p50'] - blat['p50']) / 1000:+.3f}",
                f"{(lat['p99'] - blat['p99']) / 1000:+.3f}",
            )
            if r["backend"] != "embedded" and blat
            else ("", "")
        )
        trips = r["round_trips_per_score"]
        rt = (
            f"{trips['reads']} + {trips['writes']}"
            if trips.get("reads") is not None
            else "0 (in process)"
        )
        gen = f"{r['client_cpu_cores']}" + (" (generator limit)" if r["generator_limited"] else "")
        redis_cpu = r["redis_cpu_us_per_request"]
        lines.append(
            f"| {r['backend']} | {r['offered_rps']:,.0f} | {r['achieved_rps']:,.0f} | "
            f"{lat['p50'] / 1000:.3f} | {lat['p99'] / 1000:.3f} | {added[0]} | {added[1]} | "
            f"{r['server_cpu_us_per_request']} | {'' if redis_cpu is None else redis_cpu} | "
            f"{rt} | {gen} | {r['errors']} |"
        )
    s = results.get("sizing", {})
    if s:
        kinds = ", ".join(f"{k}: {v} B" for k, v in s["bytes_per_key_kind"].items())
        lines += [
            "",
            f"Redis held {s['users']:,} users in {s['keys']:,} keys after the run: "
            f"**{s['bytes_per_user']:,} bytes per user** (MEMORY USAGE of a user's keys, "
            f"summed; by key, on average: {kinds}; used_memory grew by "
            f"{s['used_memory_growth_per_user']:,} bytes per user, Redis's buffers "
            f"included). 10 million such users: {s['gib_for_10m_users']} GiB per copy "
            "(the primaries'; each replica of them holds as much again).",
        ]
    return "\n".join(lines) + "\n"


def write_plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rates = results["rates"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    bars = [
        ("embedded", "p50", "#9ecae1"),
        ("embedded", "p99", "#3182bd"),
        ("redis", "p50", "#fdae6b"),
        ("redis", "p99", "#e6550d"),
        ("redis-everysec", "p50", "#a1d99b"),
        ("redis-everysec", "p99", "#31a354"),
    ]
    width = 0.8 / len(bars)
    for i, (backend, q, colour) in enumerate(bars):
        ys = [
            next(
                (
                    r["latency_us"][q] / 1000
                    for r in results["runs"]
                    if r["backend"] == backend and r["offered_rps"] == rate
                ),
                0.0,
            )
            for rate in rates
        ]
        xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(rates))]
        ax.bar(xs, ys, width, label=f"{backend} {q}", color=colour)
    ax.set_yscale("log")
    ax.set_xticks(range(len(rates)), [f"{r:,.0f}/s" for r in rates])
    ax.set_ylabel("Score latency, ms (log)")
    ax.set_title("Score latency: embedded store vs Redis (same server, same run)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    typer.run(main)
