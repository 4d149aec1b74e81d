"""Open-loop gRPC load test: chatads beside its own echo floor and the pure-Python baseline.

    .venv/bin/python -m benches.loadtest             # full run (a few minutes), `make bench-load`
    .venv/bin/python -m benches.loadtest --smoke     # seconds, tiny sizes (run by `make test`)

It builds a generated chat workload (users with favourite topics who come back for
several sessions of several turns, real TC strings), encodes every request once with
the project's protobuf modules, starts the chatads server and the baseline server
(`benches.baseline.server`, when present) as subprocesses on loopback, and drives them
with clients that are not Python:

- `chatads-loadgen` (Go, benches/loadgen): open loop at a fixed offered rate, latency
  from the planned send time (no coordinated omission), several processes merged
  through their HDR histograms; unary Score and Echo, and Chat streams;
- `ghz` at the same fixed rate, as a cross-check of the figures.

Phases: (1) Echo, Score, Chat and baseline Score at the same offered rates; (2) ghz
Score and Echo; (3) a rate sweep of chatads Score, baseline Score and Echo to find the
highest rate at which p99 stays under 2 ms. It writes results.json, report.md and two
plots (latency CDF, latency against offered load) to --out. No figure is asserted:
the report only says whether each target of issue 4 was met on this run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from chatads import _core
from chatads.v1 import chatads_pb2 as pb
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hdrh.histogram import HdrHistogram
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
TOOLS_BIN = Path.home() / ".cache" / "chatads" / "bin"
PROTO_DIR = ROOT / "proto"
PROTO = PROTO_DIR / "chatads" / "v1" / "chatads.proto"
TC_STRINGS = ROOT / "tests" / "data" / "tc_strings.json"

SCORE = "/chatads.v1.AdScoring/Score"
ECHO = "/chatads.v1.Diagnostics/Echo"
CHAT = "/chatads.v1.AdScoring/Chat"

#: Histograms in microseconds, as the Go generator records them.
HIST_RANGE = (1, 60_000_000, 3)
#: The targets of issue 4.
SCORE_OVER_ECHO_MAX = 1.15
P99_AT_1000_MAX_US = 1000
SWEEP_P99_LIMIT_US = 2000
#: A looser limit, reported beside the target's: on a shared 2-core machine a tail of
#: a few ms comes from other processes alone, and this still shows where each server
#: saturates.
LOOSE_P99_LIMIT_US = 10_000
MAX_RATE_RATIO_MIN = 2.0

console = Console(stderr=True, soft_wrap=True)
app = typer.Typer(add_completion=False)


# --------------------------------------------------------------------------- workload

#: Turn templates; {a} and {b} are words of the session's topic (topic lexicon).
TEMPLATES = {
    "en": [
        "any tips on {a} and {b}?",
        "i'm looking for {a}, ideally something with {b}",
        "what's the best {a} for a beginner?",
        "can you compare {a} with {b} for me",
        "thanks! and what about {a}?",
        "my friend recommended {a}, is it worth it compared to {b}",
        "where can i find cheap {a} near me",
        "ok, write me a short plan that includes {a} and {b}",
    ],
    "fr": [
        "des conseils pour {a} et {b} ?",
        "je cherche {a}, si possible avec {b}",
        "quel est le meilleur {a} pour débuter ?",
        "tu peux comparer {a} et {b} ?",
        "merci ! et pour {a} ?",
        "où trouver {a} pas cher près de chez moi",
    ],
}
#: Turns that carry no topic (chit-chat), a few percent of the traffic.
SMALL_TALK = {
    "en": ["thanks, that helps", "ok great", "can you say that again more briefly?"],
    "fr": ["merci, c'est utile", "d'accord", "tu peux résumer ?"],
}


@dataclass
class User:
    user_id: str
    lang: str
    topics: list[int]
    gdpr: int | None
    consent: str


@dataclass
class Workload:
    """Sessions in arrival order; each session is a list of ScoreRequests."""

    users: list[User]
    sessions: list[list[pb.ScoreRequest]] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return sum(len(s) for s in self.sessions)


def _lexicon() -> dict[int, dict[str, list[str]]]:
    lex: dict[int, dict[str, list[str]]] = {}
    for line in _core.LEXICON_TSV.splitlines()[1:]:
        topic, lang, word = line.split("\t")
        lex.setdefault(int(topic), {}).setdefault(lang, []).append(word)
    return lex


def _consents(rng: random.Random) -> Iterator[tuple[int | None, str]]:
    """Regs of each new user: most consent (TCF purposes 1-4), some consent partly,
    some are outside the GDPR. Every TC string is a real one (tests/data)."""
    vectors = {v["name"]: v["tc"] for v in json.loads(TC_STRINGS.read_text())}
    full = [vectors["all_consent_range"], vectors["all_consent_bitfield"]]
    partial = [
        vectors["basic_ads_only"],
        vectors["profile_no_selection"],
        vectors["selection_no_profile"],
    ]
    while True:
        x = rng.random()
        if x < 0.75:
            yield 1, rng.choice(full)
        elif x < 0.85:
            yield 1, rng.choice(partial)
        else:
            yield 0, ""


def build_workload(n_users: int, n_sessions: int, seed: int = 4) -> Workload:
    """Users pick sessions with a Zipf-like popularity, so most of them come back;
    each session stays on one topic (usually a favourite of its user) for 2-8 turns."""
    rng = random.Random(seed)
    lex = _lexicon()
    topic_ids = sorted(t for t, by_lang in lex.items() if "en" in by_lang and "fr" in by_lang)
    consents = _consents(rng)
    users = []
    for u in range(n_users):
        gdpr, consent = next(consents)
        favourites = rng.sample(topic_ids, k=rng.randint(1, 3))
        lang = "fr" if rng.random() < 0.3 else "en"
        users.append(User(f"user-{u:06d}", lang, favourites, gdpr, consent))
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(n_users)]
    workload = Workload(users)
    for s in range(n_sessions):
        user = rng.choices(users, weights)[0]
        topic = rng.choice(user.topics) if rng.random() < 0.8 else rng.choice(topic_ids)
        words = lex[topic][user.lang]
        session = []
        for t in range(rng.randint(2, 8)):
            if rng.random() < 0.05:
                message = rng.choice(SMALL_TALK[user.lang])
            else:
                a, b = rng.choice(words), rng.choice(words)
                message = rng.choice(TEMPLATES[user.lang]).format(a=a, b=b)
            regs = pb.Regs(gdpr=user.gdpr) if user.gdpr is not None else pb.Regs()
            session.append(
                pb.ScoreRequest(
                    request_id=f"s{s}-{t}",
                    user_id=user.user_id,
                    session_id=f"s{s}",
                    message=message,
                    max_ads=3,
                    regs=regs,
                    consent=user.consent,
                )
            )
        workload.sessions.append(session)
    return workload


def _delimited(message: bytes) -> bytes:
    """A uvarint length, then the bytes (protobuf's delimited format)."""
    n, prefix = len(message), bytearray()
    while n >= 0x80:
        prefix.append((n & 0x7F) | 0x80)
        n >>= 7
    prefix.append(n)
    return bytes(prefix) + message


def write_unary_file(workload: Workload, path: Path, open_sessions: int = 64) -> int:
    """Requests in the order live sessions would send them: `open_sessions` sessions at
    once, taking turns. Each record is one ScoreRequest (ghz's --binary-file format)."""
    queue = list(reversed(workload.sessions))
    active: list[list[pb.ScoreRequest]] = []
    n = 0
    with path.open("wb") as fh:
        while queue or active:
            while queue and len(active) < open_sessions:
                active.append(list(queue.pop()))
            for session in list(active):
                fh.write(_delimited(session.pop(0).SerializeToString()))
                n += 1
                if not session:
                    active.remove(session)
    return n


def write_chat_file(workload: Workload, path: Path) -> int:
    """One record per session: its ChatTurn messages, each length-prefixed."""
    with path.open("wb") as fh:
        for session in workload.sessions:
            body = b"".join(_delimited(pb.ChatTurn(request=r).SerializeToString()) for r in session)
            fh.write(_delimited(body))
    return len(workload.sessions)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tool(name: str) -> Path:
    """A tool built by `make tools` (into ~/.cache/chatads/bin) or found on PATH."""
    found = shutil.which(name) or str(TOOLS_BIN / name)
    if not os.access(found, os.X_OK):
        raise typer.BadParameter(f"{name} is not installed: run `make tools`")
    return Path(found)


def _affinity(cpus: set[int] | None) -> Any:
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants, all threads."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    todo = [pid]
    while todo:
        p = todo.pop()
        if p in stats:
            total += (int(stats[p][11]) + int(stats[p][12])) / tick
        todo.extend(children.get(p, []))
    return total


@dataclass
class Server:
    name: str
    address: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    name: str, cmd: list[str], env: dict[str, str], port: int, log: Path, cpus: set[int] | None
) -> Server:
    """Start a server and wait until it says it listens and answers health checks."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_affinity(cpus),
        )
    server = Server(name, f"127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 300
    while not re.search(rb"listening on \S+", log.read_bytes()):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{name} did not start ({' '.join(cmd)}):\n{tail}")
        time.sleep(0.1)
    with grpc.insecure_channel(server.address) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=10
            )
            if reply.status != health_pb2.HealthCheckResponse.SERVING:
                raise RuntimeError(f"{name} is not SERVING: {reply.status}")
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNIMPLEMENTED:  # no health service: ready is enough
                raise
    return server


def baseline_available() -> bool:
    try:
        return importlib.util.find_spec("benches.baseline.server") is not None
    except ModuleNotFoundError:
        return False


# --------------------------------------------------------------------------- one run


def merge_histograms(encoded: Sequence[str]) -> HdrHistogram:
    merged = HdrHistogram(*HIST_RANGE)
    for e in encoded:
        merged.add(HdrHistogram.decode(e))
    return merged


def quantiles(h: HdrHistogram) -> dict[str, float]:
    n = h.get_total_count()
    if n == 0:
        return {
            "count": 0,
            "mean": math.nan,
            "p50": math.nan,
            "p90": math.nan,
            "p99": math.nan,
            "p999": math.nan,
            "max": math.nan,
        }
    return {
        "count": n,
        "mean": round(h.get_mean_value(), 1),
        "p50": h.get_value_at_percentile(50),
        "p90": h.get_value_at_percentile(90),
        "p99": h.get_value_at_percentile(99),
        "p999": h.get_value_at_percentile(99.9),
        "max": h.get_max_value(),
    }


@dataclass
class Settings:
    """How every run is made."""

    duration: float
    warmup: float
    clients: int
    sessions: int
    timeout: float
    server_cpus: set[int] | None
    client_cpus: set[int] | None
    arrivals: str


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used (/proc/stat), idle excluded."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_idle(server: Server, timeout: float = 20.0) -> None:
    """Let the server drain what an overloaded point left queued, so each point starts
    from an idle server: wait until it uses under 5 % of a core."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(server.process.pid)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = cpu_seconds(server.process.pid)
        if now - before < 0.01:
            return
        before = now


def run_loadgen(
    series: str,
    server: Server,
    mode: str,
    method: str,
    requests: Path,
    rate: float,
    cfg: Settings,
    workdir: Path,
    sessions: int | None = None,
) -> dict[str, Any]:
    """One point: `cfg.clients` generator processes at rate/clients each, merged."""
    open_sessions = sessions or cfg.sessions
    loadgen = tool("chatads-loadgen")
    wait_idle(server)
    outs = [workdir / f"{series}-{rate:g}-{k}.json" for k in range(cfg.clients)]
    procs = []
    cpu0 = cpu_seconds(server.process.pid)
    busy0, wall0 = machine_busy_seconds(), time.monotonic()
    own0 = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    for k, out in enumerate(outs):
        cmd = [
            str(loadgen),
            f"-target={server.address}",
            f"-mode={mode}",
            f"-method={method}",
            f"-requests={requests}",
            f"-rate={rate / cfg.clients}",
            f"-duration={cfg.duration}s",
            f"-warmup={cfg.warmup}s",
            f"-timeout={cfg.timeout}s",
            f"-sessions={max(1, open_sessions // cfg.clients)}",
            f"-arrivals={cfg.arrivals}",
            f"-shard={k}/{cfg.clients}",
            f"-seed={k + 1}",
            f"-out={out}",
        ]
        procs.append(
            subprocess.Popen(
                cmd,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                preexec_fn=_affinity(cfg.client_cpus),
            )
        )
    for proc, cmd_out in zip(procs, outs, strict=True):
        _, stderr = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"chatads-loadgen failed ({cmd_out.name}): {stderr.decode()}")
    server_cpu = cpu_seconds(server.process.pid) - cpu0
    own1 = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    own = sum(
        b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime for a, b in zip(own0, own1, strict=True)
    )
    # CPU used meanwhile by processes that are not part of this test (the machine is shared).
    others = machine_busy_seconds() - busy0 - server_cpu - own
    wall = time.monotonic() - wall0
    parts = [json.loads(out.read_text()) for out in outs]
    latency = merge_histograms([p["histogram"] for p in parts])
    lag = merge_histograms([p["send_lag_histogram"] for p in parts])
    by_code: dict[str, int] = {}
    for p in parts:
        for code, n in p["by_code"].items():
            by_code[code] = by_code.get(code, 0) + n
    planned = sum(p["planned"] for p in parts)
    ok = by_code.get("OK", 0)
    return {
        "series": series,
        "server": server.name,
        "mode": mode,
        "method": method,
        "client": "chatads-loadgen",
        "offered_rps": rate,
        "planned": planned,
        "achieved_rps": round(sum(p["achieved_rps"] for p in parts), 1),
        "by_code": by_code,
        "errors": planned - ok,
        "latency_us": quantiles(latency),
        "send_lag_us": quantiles(lag),
        # Server CPU per request over the whole run (warm-up included).
        "server_cpu_us_per_request": round(
            server_cpu * 1e6 / max(1.0, rate * (cfg.duration + cfg.warmup)), 1
        ),
        "client_cpu_cores": round(own / wall, 2),
        "other_processes_cpu_cores": round(max(0.0, others) / wall, 2),
        "sessions_opened": sum(p["sessions_opened"] for p in parts),
        "sessions_open_at_once": open_sessions if mode == "chat" else None,
        "histogram": latency.encode().decode(),
    }


def run_ghz(
    series: str,
    server: Server,
    method: str,
    requests: Path,
    rate: float,
    cfg: Settings,
    workdir: Path,
) -> dict[str, Any]:
    """ghz at a fixed rate (`--rps`, `--async`: it does not wait for a reply before the
    next send). Its latency starts at the actual send, so it can hide queueing that the
    open-loop generator charges; the warm-up requests are skipped."""
    out = workdir / f"ghz-{series}-{rate:g}.json"
    call = method.strip("/").replace("/", ".")
    cmd = [
        str(tool("ghz")),
        "--insecure",
        f"--proto={PROTO}",
        f"--import-paths={PROTO_DIR}",
        f"--call={call}",
        f"--binary-file={requests}",
        f"--rps={rate:g}",
        "--async",
        "--concurrency=50",
        "--connections=1",
        f"--duration={cfg.duration + cfg.warmup}s",
        f"--skipFirst={int(rate * cfg.warmup)}",
        f"--timeout={cfg.timeout}s",
        "--format=json",
        f"--output={out}",
        server.address,
    ]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
        preexec_fn=_affinity(cfg.client_cpus),
    )
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"ghz failed: {proc.stderr.decode()[-2000:]}")
    report = json.loads(out.read_text())
    h = HdrHistogram(*HIST_RANGE)
    by_code: dict[str, int] = {}
    for d in report.get("details") or []:
        status = d.get("status") or "OK"
        by_code[status] = by_code.get(status, 0) + 1
        if status == "OK":
            h.record_value(max(1, min(HIST_RANGE[1], round(d["latency"] / 1000))))
    ok = by_code.get("OK", 0)
    return {
        "series": series,
        "server": server.name,
        "mode": "unary",
        "method": method,
        "client": "ghz",
        "offered_rps": rate,
        "planned": sum(by_code.values()),
        "achieved_rps": round(ok / cfg.duration, 1),  # the skipped warm-up excluded
        "by_code": by_code,
        "errors": sum(by_code.values()) - ok,
        "latency_us": quantiles(h),
        "histogram": h.encode().decode(),
    }


# --------------------------------------------------------------------------- analysis


def passes(run: dict[str, Any], limit_us: float = SWEEP_P99_LIMIT_US) -> bool:
    """A rate is sustained when p99 stays under the limit, nothing failed and the
    server kept up with the offered rate."""
    return bool(
        run["errors"] == 0
        and run["latency_us"]["count"] > 0
        and run["latency_us"]["p99"] < limit_us
        and run["achieved_rps"] >= 0.95 * run["offered_rps"]
    )


def overloaded(runs: list[dict[str, Any]]) -> bool:
    """Far past the knee, so higher rates would only pile up queues: the last point
    failed calls or fell behind the offered rate, or the last two points both had a
    p99 over 50 ms (one slow point can be another process's doing)."""
    run = runs[-1]

    def slow(r: dict[str, Any]) -> bool:
        return bool(r["latency_us"]["count"] and r["latency_us"]["p99"] > 25 * SWEEP_P99_LIMIT_US)

    return bool(
        run["errors"] > 0.01 * max(1, run["planned"])
        or run["achieved_rps"] < 0.9 * run["offered_rps"]
        or (len(runs) >= 2 and slow(runs[-1]) and slow(runs[-2]))
    )


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    compare = results["compare"]
    by = {(r["series"], r["offered_rps"]): r for r in compare}
    rates = sorted({r["offered_rps"] for r in compare})
    ratio = {}
    for rate in rates:
        echo, score, chat = by.get(("echo", rate)), by.get(("score", rate)), by.get(("chat", rate))
        if echo and score and echo["latency_us"]["count"] and score["latency_us"]["count"]:
            ratio[f"{rate:g}"] = {
                "score_p50_over_echo_p50": round(
                    score["latency_us"]["p50"] / echo["latency_us"]["p50"], 3
                ),
                "chat_p50_over_echo_p50": round(
                    chat["latency_us"]["p50"] / echo["latency_us"]["p50"], 3
                )
                if chat and chat["latency_us"]["count"]
                else None,
            }
    at_1000 = by.get(("score", 1000.0)) or next(
        (r for r in results["sweep"].get("score", []) if r["offered_rps"] == 1000), None
    )

    def max_rates(limit_us: float) -> dict[str, float]:
        return {
            series: max((r["offered_rps"] for r in runs if passes(r, limit_us)), default=0.0)
            for series, runs in results["sweep"].items()
        }

    def ratio_of(rates: dict[str, float]) -> float | None:
        chatads_max, baseline_max = rates.get("score", 0.0), rates.get("baseline", 0.0)
        return round(chatads_max / baseline_max, 2) if baseline_max else None

    max_rate, loose_rate = max_rates(SWEEP_P99_LIMIT_US), max_rates(LOOSE_P99_LIMIT_US)
    max_ratio = ratio_of(max_rate)
    score_echo = [v["score_p50_over_echo_p50"] for v in ratio.values()]
    return {
        "p50_ratios": ratio,
        "score_p99_us_at_1000": at_1000["latency_us"]["p99"] if at_1000 else None,
        "max_rate_p99_under_2ms": max_rate,
        "max_rate_chatads_over_baseline": max_ratio,
        "max_rate_p99_under_10ms": loose_rate,
        "max_rate_p99_under_10ms_chatads_over_baseline": ratio_of(loose_rate),
        "targets": {
            "score_p50_within_1.15x_echo": all(x <= SCORE_OVER_ECHO_MAX for x in score_echo)
            if score_echo
            else None,
            "score_p99_under_1ms_at_1000rps": at_1000["latency_us"]["p99"] < P99_AT_1000_MAX_US
            if at_1000
            else None,
            "max_rate_at_least_2x_baseline": max_ratio >= MAX_RATE_RATIO_MIN if max_ratio else None,
        },
    }


# --------------------------------------------------------------------------- report


SERIES_LABEL = {
    "echo": "chatads Echo (floor)",
    "score": "chatads Score",
    "chat": "chatads Chat (per turn)",
    "chat-many": "chatads Chat (per turn)",
    "baseline": "baseline Score (pure Python)",
    "baseline-chat": "baseline Chat (per turn)",
    "ghz-echo": "chatads Echo, ghz",
    "ghz-score": "chatads Score, ghz",
}
COLORS = {
    "echo": "tab:gray",
    "score": "tab:blue",
    "chat": "tab:green",
    "chat-many": "tab:olive",
    "baseline": "tab:red",
    "baseline-chat": "tab:orange",
}


def _ms(us: float) -> str:
    return "-" if us is None or math.isnan(us) else f"{us / 1000:.2f}"


def _codes(run: dict[str, Any]) -> str:
    bad = {c: n for c, n in run["by_code"].items() if c != "OK"}
    return ", ".join(f"{c} {n}" for c, n in sorted(bad.items())) or "0"


def label(run: dict[str, Any]) -> str:
    text: str = SERIES_LABEL.get(run["series"], run["series"])
    if run.get("sessions_open_at_once"):
        text += f", {run['sessions_open_at_once']} open sessions"
    return text


def _row(run: dict[str, Any]) -> str:
    lat = run["latency_us"]
    cpu = run.get("server_cpu_us_per_request")
    return (
        f"| {run['offered_rps']:g} | {label(run)} "
        f"| {run['client']} | {run['achieved_rps']:.0f} | {_ms(lat['p50'])} | {_ms(lat['p99'])} "
        f"| {_ms(lat['p999'])} | {_ms(lat['max'])} | {_codes(run)} "
        f"| {'-' if cpu is None else f'{cpu:.0f}'} "
        f"| {run.get('other_processes_cpu_cores', '-')} |"
    )


HEADER = (
    "| offered rps | series | client | achieved rps | p50 ms | p99 ms | p99.9 ms | max ms "
    "| errors | server CPU µs/req | other processes (cores) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[ok]


def profile_lines(profiles: list[dict[str, Any]]) -> list[str]:
    if not profiles:
        return []
    if not all(p["available"] for p in profiles):
        return [f"Profile: not available ({profiles[0].get('why', '')}).", ""]
    layers = list(dict.fromkeys(k for p in profiles for k in p["layers"]))
    methods = [p["method"].rsplit("/", 1)[-1] for p in profiles]
    lines = [
        "## Where the chatads server's CPU goes (perf, by shared object)",
        "",
        f"At {profiles[0]['offered_rps']:g} rps offered; server CPU time per request, "
        "warm-up included.",
        "",
        "| layer | " + " | ".join(f"{m} µs/req (share)" for m in methods) + " |",
        "|---|" + "---|" * len(methods),
    ]
    for layer in layers:
        cells = []
        for p in profiles:
            v = p["layers"].get(layer)
            cells.append(f"{v['cpu_us_per_request']:.0f} ({v['share']:.0%})" if v else "-")
        lines.append(f"| {layer} | " + " | ".join(cells) + " |")
    lines.append(
        "| **total** | "
        + " | ".join(f"{p['server_cpu_us_per_request']:.0f}" for p in profiles)
        + " |"
    )
    return [*lines, ""]


def write_report(results: dict[str, Any], out: Path) -> str:
    meta, summary = results["meta"], results["summary"]
    lines = [
        "# chatads gRPC load test",
        "",
        f"`{meta['command']}`, {meta['date']}",
        "",
        f"Machine: {meta['cpu']}, {meta['cores']} cores; {meta['layout']}. "
        f"Catalog: {meta['ads']:,} demo ads in both servers; {meta['workers']} gRPC worker "
        f"threads each. Workload: {meta['workload']['users']:,} users, "
        f"{meta['workload']['sessions']:,} sessions, {meta['workload']['turns']:,} turns "
        "(topical messages, en/fr, real TC strings). Each point: "
        f"{meta['warmup_s']:g} s warm-up + {meta['duration_s']:g} s measured, "
        f"{meta['clients']} generator processes, open loop ({meta['arrivals']} arrivals), "
        "latency from the planned send time.",
        "",
    ]
    others = meta["other_processes_cpu_cores_mean"]
    lines += [
        f"Other processes on the machine used {others:.2f} cores on average during the "
        "points (column *other processes*)"
        + (
            ": the figures below were measured on a busy machine and are pessimistic."
            if others > 0.2
            else "."
        ),
        "",
    ]
    if not meta["baseline"]:
        lines += ["The baseline server (`benches.baseline.server`) is not available yet.", ""]
    lines += ["## Targets (issue 4)", "", "| target | this run | verdict |", "|---|---|---|"]
    t = summary["targets"]
    ratios = summary["p50_ratios"]
    lines.append(
        "| Score p50 within 1.15x Echo p50, same rate | "
        + (
            ", ".join(f"{r} rps: {v['score_p50_over_echo_p50']:.2f}x" for r, v in ratios.items())
            or "-"
        )
        + f" | {_verdict(t['score_p50_within_1.15x_echo'])} |"
    )
    p99 = summary["score_p99_us_at_1000"]
    lines.append(
        f"| Score p99 < 1 ms at 1,000 rps | {_ms(p99) + ' ms' if p99 else '-'} "
        f"| {_verdict(t['score_p99_under_1ms_at_1000rps'])} |"
    )
    mr = summary["max_rate_p99_under_2ms"]
    lines.append(
        "| highest rate with p99 < 2 ms, chatads >= 2x baseline | "
        f"chatads {mr.get('score', 0):g} rps, baseline "
        f"{mr.get('baseline', 0) if meta['baseline'] else '-'} rps, echo {mr.get('echo', 0):g} rps"
        + (
            f": {summary['max_rate_chatads_over_baseline']}x"
            if summary["max_rate_chatads_over_baseline"]
            else ""
        )
        + f" | {_verdict(t['max_rate_at_least_2x_baseline'])} |"
    )
    lr = summary["max_rate_p99_under_10ms"]
    loose_ratio = summary["max_rate_p99_under_10ms_chatads_over_baseline"]
    lines.append(
        "| (the same with p99 < 10 ms, not a target: where each server saturates) | "
        f"chatads {lr.get('score', 0):g} rps, baseline "
        f"{lr.get('baseline', 0) if meta['baseline'] else '-'} rps, echo {lr.get('echo', 0):g} rps"
        + (f": {loose_ratio}x" if loose_ratio else "")
        + " | |"
    )
    lines += ["", "## Same offered rate", "", HEADER]
    lines += [_row(r) for r in results["compare"]]
    if ratios:
        lines += [
            "",
            "| offered rps | Score p50 / Echo p50 | Chat p50 / Echo p50 |",
            "|---|---|---|",
        ]
        for rate, v in ratios.items():
            chat = v["chat_p50_over_echo_p50"]
            lines.append(
                f"| {rate} | {v['score_p50_over_echo_p50']:.2f} | "
                f"{'-' if chat is None else f'{chat:.2f}'} |"
            )
    if results["ghz"]:
        lines += ["", "## Cross-check with ghz (same rate)", "", HEADER]
        lines += [_row(r) for r in results["ghz"]]
        lines += [
            "",
            "ghz times each call from its actual send (`--rps --async`), so queueing in the "
            "client is not charged; chatads-loadgen charges it from the planned send time.",
        ]
    lines += ["", "## Rate sweep", "", HEADER]
    for runs in results["sweep"].values():
        lines += [_row(r) for r in runs]
    lines += [
        "",
        "A rate counts as held when p99 < 2 ms (or 10 ms), no call failed and the achieved "
        "rate is at least 95 % of the offered one. A series stops once it fails calls, falls "
        "behind the offered rate, or has p99 > 50 ms twice in a row; then it bisects twice "
        "between the highest rate held and the next.",
        "",
        *profile_lines(results["profile"]),
        "![latency CDF](latency_cdf.png)",
        "",
        "![latency against offered load](latency_vs_load.png)",
        "",
        "How late the generator itself sent (it counts against the server): p99 "
        f"{_ms(meta['send_lag_p99_us']['median'])} ms at the median point, "
        f"{_ms(meta['send_lag_p99_us']['max'])} ms at the worst.",
        "",
    ]
    text = "\n".join(lines)
    (out / "report.md").write_text(text)
    return text


def write_plots(results: dict[str, Any], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _pos: f"{v:g}")

    paths = []
    # CDF at the one rate every series was run at (the highest such rate).
    rate = results["meta"]["cdf_rate"]
    fig, ax = plt.subplots(figsize=(8, 5))
    for run in results["compare"]:
        if run["offered_rps"] != rate or not run["latency_us"]["count"]:
            continue
        h = HdrHistogram.decode(run["histogram"])
        xs, ys, seen, total = [], [], 0, h.get_total_count()
        for item in h.get_recorded_iterator():
            seen += item.count_at_value_iterated_to
            xs.append(item.value_iterated_to / 1000)
            ys.append(seen / total)
        ax.step(xs, ys, where="post", label=label(run), color=COLORS.get(run["series"]))
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(plain)
    ax.set_xlabel("latency (ms, log scale)")
    ax.set_ylabel("fraction of requests")
    ax.set_title(f"Latency CDF at {rate:g} requests/s offered (open loop)")
    ax.axvline(1.0, color="k", lw=0.5, ls=":")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    paths.append(out / "latency_cdf.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 5))
    for series, runs in results["sweep"].items():
        pts = [r for r in runs if r["latency_us"]["count"]]
        if not pts:
            continue
        xs = [r["offered_rps"] for r in pts]
        color = COLORS.get(series)
        ax.plot(
            xs,
            [r["latency_us"]["p99"] / 1000 for r in pts],
            "o-",
            color=color,
            label=f"{SERIES_LABEL[series]} p99",
        )
        ax.plot(
            xs,
            [r["latency_us"]["p50"] / 1000 for r in pts],
            "s--",
            color=color,
            alpha=0.6,
            label=f"{SERIES_LABEL[series]} p50",
        )
    ax.axhline(SWEEP_P99_LIMIT_US / 1000, color="k", lw=0.8, ls=":", label="2 ms")
    ax.axhline(LOOSE_P99_LIMIT_US / 1000, color="k", lw=0.5, ls="--", label="10 ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.set_xlabel("offered load (requests/s, log scale)")
    ax.set_ylabel("latency (ms, log scale)")
    ax.set_title("Latency against offered load (open loop)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(out / "latency_vs_load.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


# --------------------------------------------------------------------------- main


def _rates(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


@app.command()
def main(
    out: Annotated[Path, typer.Option(help="where results.json, report.md and plots go")] = Path(
        "bench-results/load"
    ),
    smoke: Annotated[bool, typer.Option(help="seconds, tiny sizes: proves it works")] = False,
    rates: Annotated[str | None, typer.Option(help="same-rate comparison rates")] = None,
    sweep: Annotated[
        str | None, typer.Option(help="sweep rates, ascending (empty: no sweep)")
    ] = None,
    refine: Annotated[int | None, typer.Option(help="bisection steps past the sweep")] = None,
    ghz_rate: Annotated[float | None, typer.Option(help="rate of the ghz runs (0 = none)")] = None,
    duration: Annotated[float | None, typer.Option(help="measured seconds per point")] = None,
    warmup: Annotated[float | None, typer.Option(help="warm-up seconds per point")] = None,
    clients: Annotated[int, typer.Option(help="generator processes")] = 2,
    sessions: Annotated[
        int, typer.Option(help="chat sessions open at once (each holds a server worker thread)")
    ] = 4,
    many_sessions: Annotated[
        int, typer.Option(help="one more Chat point with this many open sessions (0 = none)")
    ] = 64,
    ads: Annotated[int | None, typer.Option(help="demo catalog size in both servers")] = None,
    workers: Annotated[int, typer.Option(help="gRPC worker threads of both servers")] = 8,
    pin: Annotated[
        bool, typer.Option(help="servers on CPU 0, generators on CPU 1 (needs 2 cores)")
    ] = True,
    baseline: Annotated[bool, typer.Option(help="run the pure-Python baseline")] = True,
    arrivals: Annotated[str, typer.Option(help="const or poisson")] = "const",
    profile: Annotated[
        bool, typer.Option(help="perf profile of the chatads server (Score, Echo) by layer")
    ] = False,
) -> None:
    """Run the load test and write the report."""
    started = time.monotonic()
    compare_rates = _rates(rates) if rates else ([50.0] if smoke else [250.0, 500.0, 1000.0])
    sweep_rates = (
        _rates(sweep)
        if sweep is not None
        else (
            [100.0]
            if smoke
            else [
                100.0,
                200.0,
                300.0,
                400.0,
                500.0,
                700.0,
                1000.0,
                1200.0,
                1400.0,
                1700.0,
                2000.0,
                2400.0,
                2800.0,
                3400.0,
                4000.0,
                5600.0,
            ]
        )
    )
    refine_steps = refine if refine is not None else (0 if smoke else 2)
    ghz_rps = ghz_rate if ghz_rate is not None else (50.0 if smoke else 1000.0)
    duration = duration if duration is not None else (1.0 if smoke else 5.0)
    warmup = warmup if warmup is not None else (0.3 if smoke else 1.0)
    n_ads = ads if ads is not None else (500 if smoke else 6000)
    cores = os.cpu_count() or 1
    pinned = pin and cores >= 2 and hasattr(os, "sched_setaffinity")
    cfg = Settings(
        duration=duration,
        warmup=warmup,
        clients=clients,
        sessions=sessions,
        timeout=1.0,
        server_cpus={0} if pinned else None,
        client_cpus={1} if pinned else None,
        arrivals=arrivals,
    )
    with_baseline = baseline and baseline_available()
    out.mkdir(parents=True, exist_ok=True)
    tool("chatads-loadgen")
    if ghz_rps:
        tool("ghz")

    # Enough sessions that the generator rarely replays one at the highest rate.
    max_rate = max(compare_rates + sweep_rates)
    n_sessions = 300 if smoke else int(min(20_000, max(2_000, max_rate * duration / 5)))
    n_users = 100 if smoke else max(500, n_sessions // 4)
    workload = build_workload(n_users, n_sessions)
    layout = (
        "servers pinned to CPU 0, load generators to CPU 1 (sched_setaffinity)"
        if pinned
        else "nothing pinned: servers and generators share all cores"
    )
    console.print(
        f"[bold]load test[/bold]: {workload.turns:,} turns in {n_sessions:,} sessions of "
        f"{n_users:,} users; {layout}"
    )
    results: dict[str, Any] = {"compare": [], "ghz": [], "sweep": {}, "profile": []}
    with tempfile.TemporaryDirectory(prefix="chatads-load-") as tmp:
        work = Path(tmp)
        unary_file, chat_file = work / "score.bin", work / "chat.bin"
        write_unary_file(workload, unary_file)
        write_chat_file(workload, chat_file)
        env = {
            **os.environ,
            "CHATADS_SECRET": "load-test-secret-0123456789",
            "CHATADS_LOG_LEVEL": "WARNING",
            "CHATADS_DEMO_CATALOG_SIZE": str(n_ads),
        }
        servers: dict[str, Server] = {}
        try:
            port = free_port()
            servers["chatads"] = start_server(
                "chatads",
                [
                    str(ROOT / ".venv/bin/chatads"),
                    "serve",
                    "--host=127.0.0.1",
                    f"--port={port}",
                    f"--workers={workers}",
                    "--demo",
                    f"--data-dir={work / 'data'}",
                ],
                env,
                port,
                out / "chatads-server.log",
                cfg.server_cpus,
            )
            if with_baseline:
                port = free_port()
                servers["baseline"] = start_server(
                    "baseline",
                    [
                        sys.executable,
                        "-m",
                        "benches.baseline.server",
                        f"--port={port}",
                        f"--ads={n_ads}",
                        f"--workers={workers}",
                    ],
                    env,
                    port,
                    out / "baseline-server.log",
                    cfg.server_cpus,
                )
            results.update(
                run_phases(
                    servers,
                    unary_file,
                    chat_file,
                    compare_rates,
                    sweep_rates,
                    refine_steps,
                    ghz_rps,
                    many_sessions,
                    cfg,
                    work,
                )
            )
            if profile:
                rate = max(compare_rates)
                console.print(f"profiling the chatads server with perf at {rate:g} rps")
                results["profile"] = [
                    profile_server(servers["chatads"], m, unary_file, rate, cfg, work)
                    for m in (SCORE, ECHO)
                ]
        finally:
            for s in servers.values():
                s.stop()

    all_runs = results["compare"] + [r for runs in results["sweep"].values() for r in runs]
    lags = [r["send_lag_us"]["p99"] for r in all_runs if r["send_lag_us"]["count"]]
    results["meta"] = {
        "command": " ".join(["python -m benches.loadtest", *sys.argv[1:]]),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": cores,
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "layout": layout,
        "pinned": pinned,
        "smoke": smoke,
        "ads": n_ads,
        "workers": workers,
        "clients": clients,
        "chat_sessions_open": sessions,
        "chat_many_sessions_open": many_sessions,
        "duration_s": duration,
        "warmup_s": warmup,
        "arrivals": arrivals,
        "baseline": with_baseline,
        "compare_rates": compare_rates,
        "cdf_rate": max(compare_rates),
        "workload": {"users": n_users, "sessions": n_sessions, "turns": workload.turns},
        "send_lag_p99_us": {
            "median": statistics.median(lags) if lags else math.nan,
            "max": max(lags, default=math.nan),
        },
        "other_processes_cpu_cores_mean": round(
            sum(r["other_processes_cpu_cores"] for r in all_runs) / max(1, len(all_runs)), 2
        ),
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    results["summary"] = summarize(results)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    write_plots(results, out)
    write_report(results, out)
    print_summary(results, out)


def run_phases(
    servers: dict[str, Server],
    unary_file: Path,
    chat_file: Path,
    compare_rates: list[float],
    sweep_rates: list[float],
    refine_steps: int,
    ghz_rps: float,
    many_sessions: int,
    cfg: Settings,
    work: Path,
) -> dict[str, Any]:
    chatads, base = servers["chatads"], servers.get("baseline")
    compare_plan: list[tuple[str, Server, str, str, Path]] = [
        ("echo", chatads, "unary", ECHO, unary_file),
        ("score", chatads, "unary", SCORE, unary_file),
        ("chat", chatads, "chat", CHAT, chat_file),
    ]
    if base:
        compare_plan.append(("baseline", base, "unary", SCORE, unary_file))
        compare_plan.append(("baseline-chat", base, "chat", CHAT, chat_file))
    sweep_plan: list[tuple[str, Server, str]] = [("score", chatads, SCORE), ("echo", chatads, ECHO)]
    if base:
        sweep_plan.insert(1, ("baseline", base, SCORE))
    total = len(compare_rates) * len(compare_plan) + (2 if ghz_rps else 0) + bool(many_sessions)
    total += len(sweep_plan) * (len(sweep_rates) + refine_steps)
    compare: list[dict[str, Any]] = []
    ghz: list[dict[str, Any]] = []
    sweep: dict[str, list[dict[str, Any]]] = {}
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} points"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
    ) as progress:
        task = progress.add_task("load test", total=total, last="")

        def point(label: str, run: dict[str, Any]) -> dict[str, Any]:
            lat = run["latency_us"]
            progress.update(
                task,
                advance=1,
                last=f"{label} @ {run['offered_rps']:g}: p50 {_ms(lat['p50'])} "
                f"p99 {_ms(lat['p99'])} ms, {run['achieved_rps']:.0f} rps, "
                f"errors {run['errors']}",
            )
            return run

        for rate in compare_rates:
            for series, server, mode, method, file in compare_plan:
                progress.update(task, description=f"same rate: {series} @ {rate:g}")
                run = run_loadgen(series, server, mode, method, file, rate, cfg, work)
                compare.append(point(series, run))
        if many_sessions:
            # The sync grpcio server runs each live stream on a worker thread for its whole
            # life: with more open sessions than workers, turns wait for a thread.
            rate = max(compare_rates)
            progress.update(task, description=f"same rate: chat, {many_sessions} sessions")
            run = run_loadgen(
                "chat-many", chatads, "chat", CHAT, chat_file, rate, cfg, work, many_sessions
            )
            compare.append(point("chat-many", run))
        if ghz_rps:
            for series, method in (("ghz-echo", ECHO), ("ghz-score", SCORE)):
                progress.update(task, description=f"ghz: {series} @ {ghz_rps:g}")
                ghz.append(
                    point(series, run_ghz(series, chatads, method, unary_file, ghz_rps, cfg, work))
                )
        for series, server, method in sweep_plan:
            runs: list[dict[str, Any]] = []
            for rate in sweep_rates:
                progress.update(task, description=f"sweep: {series} @ {rate:g}")
                run = run_loadgen(series, server, "unary", method, unary_file, rate, cfg, work)
                runs.append(point(series, run))
                if overloaded(runs):
                    break
            progress.update(task, advance=len(sweep_rates) - len(runs))
            # Bisect between the highest rate that passed and the next one tried: for the
            # 2 ms limit when some rate met it, else for the 10 ms one.
            limit = SWEEP_P99_LIMIT_US if any(passes(r) for r in runs) else LOOSE_P99_LIMIT_US
            for _ in range(refine_steps):
                ok = [r["offered_rps"] for r in runs if passes(r, limit)]
                top = max(ok, default=0.0)
                bad = [
                    r["offered_rps"]
                    for r in runs
                    if not passes(r, limit) and r["offered_rps"] > top
                ]
                if not ok or not bad:
                    progress.update(task, advance=1)
                    continue
                rate = round((max(ok) + min(bad)) / 2)
                progress.update(task, description=f"sweep: {series} @ {rate:g}")
                run = run_loadgen(series, server, "unary", method, unary_file, rate, cfg, work)
                runs.append(point(series, run))
            runs.sort(key=lambda r: r["offered_rps"])
            sweep[series] = runs
    return {"compare": compare, "ghz": ghz, "sweep": sweep}


#: perf's shared objects, grouped by layer of the server.
LAYERS = (
    ("_core", "Rust engine (chatads._core)"),
    ("cygrpc", "grpcio (C core + Cython)"),
    ("libpython", "CPython interpreter (grpcio's Python layer, handlers)"),
    ("kernel", "kernel (syscalls, futex wake-ups, loopback TCP)"),
    ("libc", "libc (locks, memory)"),
)


def profile_server(
    server: Server, method: str, requests: Path, rate: float, cfg: Settings, work: Path
) -> dict[str, Any]:
    """Where the server's CPU goes at a given rate: `perf record` on the server process
    during one run, summed by shared object (Rust engine, grpcio, CPython, kernel)."""
    perf = shutil.which("perf")
    if perf is None:
        return {"available": False, "why": "perf is not installed (Debian: linux-perf)"}
    data = work / f"perf-{method.rsplit('/', 1)[-1]}.data"
    length = cfg.warmup + cfg.duration
    rec = subprocess.Popen(
        [
            perf,
            "record",
            "-F",
            "1999",
            "-p",
            str(server.process.pid),
            "-o",
            str(data),
            "--",
            "sleep",
            f"{length:g}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    series = "profile-" + method.rsplit("/", 1)[-1].lower()
    run = run_loadgen(series, server, "unary", method, requests, rate, cfg, work)
    _, err = rec.communicate(timeout=60)
    report = subprocess.run(
        [
            perf,
            "report",
            "-i",
            str(data),
            "--sort",
            "dso",
            "--no-children",
            "--stdio",
            "-g",
            "none",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if rec.returncode != 0 or report.returncode != 0:
        return {"available": False, "why": (err.decode() + report.stderr)[-500:]}
    shares: dict[str, float] = {}
    for line in report.stdout.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(.+?)\s*$", line)
        if not m:
            continue
        dso = m.group(2)
        layer = next((name for key, name in LAYERS if key in dso), "other")
        shares[layer] = shares.get(layer, 0.0) + float(m.group(1)) / 100
    cpu = run["server_cpu_us_per_request"]
    return {
        "available": True,
        "method": method,
        "offered_rps": rate,
        "latency_us": run["latency_us"],
        "server_cpu_us_per_request": cpu,
        "layers": {
            k: {"share": round(v, 3), "cpu_us_per_request": round(v * cpu, 1)}
            for k, v in sorted(shares.items(), key=lambda kv: -kv[1])
        },
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def print_summary(results: dict[str, Any], out: Path) -> None:
    table = Table(title="same offered rate (ms)")
    for col in ("rate", "series", "achieved", "p50", "p99", "p99.9", "errors"):
        table.add_column(col, justify="right" if col != "series" else "left")
    for r in results["compare"] + results["ghz"]:
        lat = r["latency_us"]
        table.add_row(
            f"{r['offered_rps']:g}",
            label(r),
            f"{r['achieved_rps']:.0f}",
            _ms(lat["p50"]),
            _ms(lat["p99"]),
            _ms(lat["p999"]),
            _codes(r),
        )
    console.print(table)
    s = results["summary"]
    console.print(f"max rate with p99 < 2 ms: {s['max_rate_p99_under_2ms']}")
    console.print(f"max rate with p99 < 10 ms: {s['max_rate_p99_under_10ms']}")
    console.print(f"targets: {s['targets']}")
    console.print(f"wrote {out / 'results.json'}, {out / 'report.md'} and plots")


if __name__ == "__main__":
    app()
