"""Open-loop gRPC load test: chatads' two transports beside their echo floors and the
pure-Python baseline.

    .venv/bin/python -m benches.loadtest             # full run (several minutes), `make bench-load`
    .venv/bin/python -m benches.loadtest --smoke     # a minute, tiny sizes (run by `make test`)

It builds a generated chat workload (users with favourite topics who come back for
several sessions of several turns, real TC strings), encodes every request once with
the project's protobuf modules, and starts as subprocesses on loopback: the chatads
server twice, on its native transport (tonic in Rust, engine workers: auto) and on its
grpcio transport (the thin Python server, `--workers` threads), the baseline server
(`benches.baseline.server`, when present) and a minimal Python echo server
(`benches.echo_server`). Servers run on CPU 0 and load generators on CPU 1 when the
machine has two cores. The servers are driven with clients that are not Python:

- `chatads-loadgen` (Go, benches/loadgen): open loop at a fixed offered rate, latency
  from the planned send time (no coordinated omission), several processes merged
  through their HDR histograms; unary Score and Echo, and Chat streams;
- `ghz` at the same fixed rate against the native server, as a cross-check.

Phases: (1) Echo, Score and Chat on both transports and the baseline at the same
offered rates; (2) many live sessions: thousands of Chat streams opened beforehand on
the native server carrying a modest turn rate while its RSS is sampled, and a few
dozen on the grpcio transport, whose every open stream holds a worker thread; (3) ghz
Score and Echo; (4) a rate sweep of Score and Echo on both transports and of the
baseline, for the highest rate at which p99 stays under 1 ms. Besides the servers it
times the engine in-process (`Engine.core.score_pb`, CPU per call) and sequential calls
of a Python grpcio client (native Score against the minimal echo server's Echo).

It writes results.json, report.md and two plots (latency CDF, latency against offered
load) to --out. No figure is asserted: the report only says whether each target of
issue 9 was met on this run.
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
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import chatads
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
#: The targets of issue 9.
#: Score's server CPU per call at most Echo's (the transport) plus this much of the
#: engine's own CPU per call, timed in-process.
ENGINE_CPU_FACTOR = 1.3
SCORE_P99_RATE = 5000.0
SCORE_P99_MAX_US = 1000
SWEEP_P99_LIMIT_US = 1000
MAX_RATE_RATIO_MIN = 4.0
MANY_SESSIONS_TARGET = 10_000
MANY_RATE_TARGET = 2000.0
MANY_P99_MAX_US = 2000
RSS_PER_STREAM_MAX_KIB = 8.0
PYTHON_CLIENT_RATIO_MAX = 1.1
#: A looser limit, reported beside the target's: on a shared 2-core machine a tail of
#: a few ms comes from other processes alone, and this still shows where each server
#: saturates.
LOOSE_P99_LIMIT_US = 10_000
#: Past this p99, twice in a row, a sweep stops: the server is far past its knee.
SLOW_P99_US = 50_000
#: A generator that used this share of the cores it may run on could not keep its
#: schedule: the point measures the generator as much as the server.
GENERATOR_LIMITED_SHARE = 0.9

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


def write_unary_file(workload: Workload, path: Path, open_sessions: int = 64) -> list[bytes]:
    """Requests in the order live sessions would send them: `open_sessions` sessions at
    once, taking turns. Each record is one ScoreRequest (ghz's --binary-file format);
    returns the records, in file order."""
    queue = list(reversed(workload.sessions))
    active: list[list[pb.ScoreRequest]] = []
    records = []
    while queue or active:
        while queue and len(active) < open_sessions:
            active.append(list(queue.pop()))
        for session in list(active):
            records.append(session.pop(0).SerializeToString())
            if not session:
                active.remove(session)
    path.write_bytes(b"".join(_delimited(r) for r in records))
    return records


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


def rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS), KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError(f"no VmRSS for process {pid}")


@contextlib.contextmanager
def sampling_rss(pid: int, every: float = 0.2) -> Iterator[list[int]]:
    """Samples of the process's RSS (KiB), taken by a thread every `every` seconds
    while the block runs."""
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                samples.append(rss_kib(pid))
            stop.wait(every)

    thread = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


def _set_affinity_of_threads(cpus: set[int]) -> None:
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that just ended
            os.sched_setaffinity(int(task.name), cpus)


@contextlib.contextmanager
def pinned(cpus: set[int] | None) -> Iterator[None]:
    """This whole process on `cpus` while the block runs. Every thread is moved, not
    only the calling thread, which is all os.sched_setaffinity(0, ...) moves:
    grpcio's threads do much of the work. Threads started meanwhile inherit it."""
    if cpus is None:
        yield
        return
    before = os.sched_getaffinity(0)
    _set_affinity_of_threads(cpus)
    try:
        yield
    finally:
        _set_affinity_of_threads(before)


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

    def generator_limited(self, cores_used: float) -> bool:
        """Whether the generators used (nearly) all the cores they may run on: one when
        pinned, else the machine's."""
        cores = len(self.client_cpus) if self.client_cpus else (os.cpu_count() or 1)
        return cores_used >= GENERATOR_LIMITED_SHARE * cores


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
    preopen: bool = False,
    warmup: float | None = None,
) -> dict[str, Any]:
    """One point: `cfg.clients` generator processes at rate/clients each, merged.

    Chat mode keeps `sessions` (default `cfg.sessions`) streams open at once, split
    between the processes; with `preopen` each process opens all of its streams before
    its schedule starts, over one HTTP/2 connection per 1,000 of them."""
    open_sessions = sessions or cfg.sessions
    per_process = max(1, open_sessions // cfg.clients)
    warm = cfg.warmup if warmup is None else warmup
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
            f"-warmup={warm}s",
            f"-timeout={cfg.timeout}s",
            f"-sessions={per_process}",
            f"-arrivals={cfg.arrivals}",
            f"-shard={k}/{cfg.clients}",
            f"-seed={k + 1}",
            f"-out={out}",
        ]
        if preopen:
            cmd += ["-preopen", f"-conns={max(1, per_process // 1000)}"]
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
    client_cores = round(own / wall, 2)
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
            server_cpu * 1e6 / max(1.0, rate * (cfg.duration + warm)), 1
        ),
        "client_cpu_cores": client_cores,
        "generator_limited": cfg.generator_limited(client_cores),
        "other_processes_cpu_cores": round(max(0.0, others) / wall, 2),
        "sessions_opened": sum(p["sessions_opened"] for p in parts),
        "sessions_open_at_once": per_process * cfg.clients if mode == "chat" else None,
        "warmup_s": warm,
        "histogram": latency.encode().decode(),
    }


def run_many_sessions(
    series: str,
    server: Server,
    chat_file: Path,
    sessions: int,
    rate: float,
    cfg: Settings,
    workdir: Path,
) -> dict[str, Any]:
    """Chat with `sessions` streams pre-opened, carrying `rate` turns/s in total, while
    the server's RSS is sampled: before the point, its peak during it, and once the
    streams are closed. (peak - before) / sessions is what a session costs with its
    open stream; the engine's session context (measured in-process, see
    `session_context_kib`) is taken off that in the summary. (peak - after) says
    little: the allocator keeps what the closed streams freed."""
    pid = server.process.pid
    wait_idle(server)
    before = rss_kib(pid)
    # The streams are all opened before the schedule starts; the server takes each in
    # within microseconds, so 0.1 ms a stream on top of the warm-up is ample for them
    # all to be open when measuring starts.
    warmup = round(cfg.warmup + sessions * 1e-4, 3)
    with sampling_rss(pid) as samples:
        run = run_loadgen(
            series, server, "chat", CHAT, chat_file, rate, cfg, workdir, sessions, True, warmup
        )
    time.sleep(1.0)  # the server frees a stream's state once it has seen it end
    after = rss_kib(pid)
    peak = max([before, after, *samples])
    opened = run["sessions_open_at_once"]
    run["rss_kib"] = {"before": before, "peak": peak, "after": after, "samples": len(samples)}
    run["rss_freed_per_stream_kib"] = round((peak - after) / opened, 2)
    run["rss_growth_per_session_kib"] = round((peak - before) / opened, 2)
    return run


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
    open-loop generator charges; the warm-up requests are skipped.

    It makes a fixed number of calls (`--total`), not calls for a `--duration`: at the
    end of a duration ghz cancels the calls still in flight and reports them as failed
    (Canceled, Unavailable), which would count as server errors."""
    out = workdir / f"ghz-{series}-{rate:g}.json"
    call = method.strip("/").replace("/", ".")
    total = max(1, round(rate * (cfg.duration + cfg.warmup)))
    cmd = [
        str(tool("ghz")),
        "--insecure",
        f"--proto={PROTO}",
        f"--import-paths={PROTO_DIR}",
        f"--call={call}",
        f"--binary-file={requests}",
        f"--rps={rate:g}",
        "--async",
        f"--concurrency={min(50, total)}",  # ghz refuses more workers than calls
        "--connections=1",
        f"--total={total}",
        f"--skipFirst={int(rate * cfg.warmup)}",
        f"--timeout={cfg.timeout}s",
        "--format=json",
        f"--output={out}",
        server.address,
    ]
    own0, wall0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    proc = subprocess.run(
        cmd,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
        preexec_fn=_affinity(cfg.client_cpus),
    )
    own1, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - wall0
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
    client_cores = round((own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime) / wall, 2)
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
        "client_cpu_cores": client_cores,
        "generator_limited": cfg.generator_limited(client_cores),
        "histogram": h.encode().decode(),
    }


def session_context_kib(records: list[bytes], secret: str, n_sessions: int) -> float:
    """The engine's own memory per chat session (its last turns and their topics), from
    this process's RSS while `n_sessions` new sessions take a turn each in a fresh
    engine. What a server holds per open Chat stream beyond this is the transport's."""
    engine = chatads.Engine(chatads.Settings(secret=secret, demo_catalog_size=0, data_dir=None))
    messages = [pb.ScoreRequest.FromString(r).message for r in records[:1000]] or ["hello"]
    for i in range(1000):  # warm the allocator and the maps up first
        engine.ingest("warm-user", f"warm-{i}", messages[i % len(messages)])
    before = rss_kib(os.getpid())
    for i in range(n_sessions):
        engine.ingest(f"ctx-user-{i % 64}", f"ctx-{i}", messages[i % len(messages)])
    grown = rss_kib(os.getpid()) - before
    del engine
    return round(max(0, grown) / max(1, n_sessions), 2)


def engine_in_process(
    records: list[bytes], secret: str, n_ads: int, cpus: set[int] | None
) -> dict[str, Any]:
    """What scoring costs without any transport: `Engine.core.score_pb` on the requests
    the servers get, in this process, with the servers' secret and catalog (the other
    settings at their defaults). CPU per call from the thread's CPU clock."""
    engine = chatads.Engine(chatads.Settings(secret=secret, demo_catalog_size=n_ads, data_dir=None))
    engine.load_demo_catalog()
    score_pb = engine.core.score_pb
    with pinned(cpus):
        # One untimed pass first: by the time the servers are measured they have seen
        # these users and sessions, so profiles exist and caches are warm.
        for record in records:
            score_pb(record)
        walls = []
        cpu0 = time.thread_time()
        for record in records:
            t0 = time.perf_counter()
            score_pb(record)
            walls.append(time.perf_counter() - t0)
        cpu = time.thread_time() - cpu0
    return {
        "calls": len(records),
        "cpu_us_per_call": round(cpu * 1e6 / len(records), 1),
        "wall_us_p50": round(statistics.median(walls) * 1e6, 1),
        "wall_us_mean": round(statistics.fmean(walls) * 1e6, 1),
    }


def python_client_check(
    native: Server, echo: Server, records: list[bytes], n: int, cpus: set[int] | None
) -> dict[str, Any]:
    """Sequential calls of a Python grpcio client in this process (bytes in and out,
    one call at a time): `n` native Score calls on the workload's requests, and `n`
    Echo calls to the minimal grpcio echo server. A Python caller should see Score
    cost about what the cheapest possible gRPC call costs it."""
    with (
        pinned(cpus),
        grpc.insecure_channel(native.address) as to_native,
        grpc.insecure_channel(echo.address) as to_echo,
    ):
        # No serializers: bytes in, bytes out, as the load generators send them.
        rpcs: dict[str, Callable[..., bytes]] = {
            "score": to_native.unary_unary(SCORE),
            "echo": to_echo.unary_unary(ECHO),
        }
        sizes = {name: len(rpc(records[0], timeout=5)) for name, rpc in rpcs.items()}
        walls: dict[str, list[float]] = {"score": [], "echo": []}
        # Blocks of each in turn, so that a change in the machine's load meanwhile
        # falls on both; the first block of each is a warm-up.
        block = 100
        for start in range(-block, n, block):
            for name, rpc in rpcs.items():
                for i in range(start, min(n, start + block)):
                    request = records[i % len(records)]
                    t0 = time.perf_counter()
                    rpc(request, timeout=5)
                    if i >= 0:
                        walls[name].append(time.perf_counter() - t0)
    p50 = {name: round(statistics.median(w) * 1e6, 1) for name, w in walls.items()}
    return {
        "calls": n,
        "score_p50_us": p50["score"],
        "echo_p50_us": p50["echo"],
        "score_p50_over_echo_p50": round(p50["score"] / p50["echo"], 3),
        "reply_bytes": {"score_first": sizes["score"], "echo": sizes["echo"]},
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


def judged(run: dict[str, Any], ok: bool) -> bool | None:
    """A verdict on the server, or None when the point failed while its generator was
    saturated: then the failure may be the generator's, so it says nothing."""
    return None if not ok and run.get("generator_limited") else ok


def overloaded(runs: list[dict[str, Any]]) -> bool:
    """Far past the knee, so higher rates would only pile up queues: the last point
    failed calls or fell behind the offered rate, or the last two points both had a
    p99 over 50 ms (one slow point can be another process's doing). Points whose
    generator was saturated are not held against the server: they never stop a sweep."""
    if runs[-1]["generator_limited"]:
        return False
    server_runs = [r for r in runs if not r["generator_limited"]]
    run = server_runs[-1]

    def slow(r: dict[str, Any]) -> bool:
        return bool(r["latency_us"]["count"] and r["latency_us"]["p99"] > SLOW_P99_US)

    return bool(
        run["errors"] > 0.01 * max(1, run["planned"])
        or run["achieved_rps"] < 0.9 * run["offered_rps"]
        or (len(server_runs) >= 2 and slow(server_runs[-1]) and slow(server_runs[-2]))
    )


def _over(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _p50(run: dict[str, Any] | None) -> float | None:
    return run["latency_us"]["p50"] if run and run["latency_us"]["count"] else None


def _cpu(run: dict[str, Any] | None) -> float | None:
    return run["server_cpu_us_per_request"] if run else None


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    compare = results["compare"]
    by = {(r["series"], r["offered_rps"]): r for r in compare}
    rates = sorted({r["offered_rps"] for r in compare})
    ratios = {}
    for rate in rates:
        score, grpcio = by.get(("score", rate)), by.get(("score-grpcio", rate))
        echo, chat = by.get(("echo", rate)), by.get(("chat", rate))
        ratios[f"{rate:g}"] = {
            "score_p50_over_echo_p50": _over(_p50(score), _p50(echo)),
            "chat_p50_over_echo_p50": _over(_p50(chat), _p50(echo)),
            "score_p50_native_over_grpcio": _over(_p50(score), _p50(grpcio)),
            "score_cpu_native_over_grpcio": _over(_cpu(score), _cpu(grpcio)),
            "echo_cpu_native_over_grpcio": _over(_cpu(echo), _cpu(by.get(("echo-grpcio", rate)))),
        }

    # Score's server CPU against Echo's (what the transport costs) and the engine's.
    top = max(rates, default=None)
    score_cpu, echo_cpu = _cpu(by.get(("score", top))), _cpu(by.get(("echo", top)))
    engine_cpu = results["engine_in_process"]["cpu_us_per_call"]
    cpu_limit = (
        round(echo_cpu + ENGINE_CPU_FACTOR * engine_cpu, 1) if echo_cpu is not None else None
    )
    cpu_ok = score_cpu <= cpu_limit if score_cpu is not None and cpu_limit is not None else None

    at_rate = by.get(("score", SCORE_P99_RATE)) or next(
        (r for r in results["sweep"].get("score", []) if r["offered_rps"] == SCORE_P99_RATE),
        None,
    )
    p99_ok = judged(at_rate, passes(at_rate, SCORE_P99_MAX_US)) if at_rate is not None else None

    def max_rates(limit_us: float) -> dict[str, float]:
        return {
            series: max((r["offered_rps"] for r in runs if passes(r, limit_us)), default=0.0)
            for series, runs in results["sweep"].items()
        }

    def native_over_grpcio(rates: dict[str, float]) -> float | None:
        native, grpcio = rates.get("score", 0.0), rates.get("score-grpcio", 0.0)
        return round(native / grpcio, 2) if grpcio else None

    max_rate, loose_rate = max_rates(SWEEP_P99_LIMIT_US), max_rates(LOOSE_P99_LIMIT_US)
    max_ratio = native_over_grpcio(max_rate)

    many = next((r for r in results["many_sessions"] if r["series"] == "chat-many"), None)
    # Judged only at (at least) the target's size: a smaller run says little of it.
    at_size = bool(
        many
        and many["sessions_open_at_once"] >= MANY_SESSIONS_TARGET
        and many["offered_rps"] >= MANY_RATE_TARGET
    )
    many_summary, many_p99_ok, rss_ok = None, None, None
    context_kib = results["engine_in_process"]["session_context_kib"]
    if many:
        many_summary = {
            "sessions": many["sessions_open_at_once"],
            "turns_per_s": many["offered_rps"],
            "p99_us": many["latency_us"]["p99"],
            "errors": many["errors"],
            "rss_kib": many["rss_kib"],
            "rss_growth_per_session_kib": many["rss_growth_per_session_kib"],
            "session_context_kib": context_kib,
            "rss_per_open_stream_kib": round(
                max(0.0, many["rss_growth_per_session_kib"] - context_kib), 2
            ),
        }
        if at_size:
            many_p99_ok = judged(many, passes(many, MANY_P99_MAX_US))
            rss_ok = many_summary["rss_per_open_stream_kib"] <= RSS_PER_STREAM_MAX_KIB
    client = results["python_client"]
    return {
        "ratios": ratios,
        "score_cpu_us": {
            "offered_rps": top,
            "score": score_cpu,
            "echo": echo_cpu,
            "engine_in_process": engine_cpu,
            "limit": cpu_limit,
        },
        "score_p99_us_at_5000": at_rate["latency_us"]["p99"] if at_rate else None,
        "max_rate_p99_under_1ms": max_rate,
        "max_rate_native_over_grpcio": max_ratio,
        "max_rate_p99_under_10ms": loose_rate,
        "max_rate_p99_under_10ms_native_over_grpcio": native_over_grpcio(loose_rate),
        "many_sessions": many_summary,
        "python_client_score_over_echo": client["score_p50_over_echo_p50"],
        "generator_limited_points": [
            f"{r['series']} @ {r['offered_rps']:g}"
            for r in _all_runs(results)
            if r.get("generator_limited")
        ],
        "targets": {
            "score_cpu_within_echo_plus_1.3x_engine": cpu_ok,
            "score_p99_under_1ms_at_5000rps": p99_ok,
            "max_rate_native_at_least_4x_grpcio": (
                max_ratio >= MAX_RATE_RATIO_MIN if max_ratio else None
            ),
            "chat_10000_streams_p99_under_2ms": many_p99_ok,
            "rss_per_open_stream_at_most_8kib": rss_ok,
            "python_client_score_within_1.1x_echo": client["score_p50_over_echo_p50"]
            <= PYTHON_CLIENT_RATIO_MAX,
        },
    }


def _all_runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every load point of the run (loadgen and ghz), in the order they ran."""
    sweep = [r for runs in results["sweep"].values() for r in runs]
    runs: list[dict[str, Any]] = results["compare"] + results["many_sessions"] + results["ghz"]
    return runs + sweep


# --------------------------------------------------------------------------- report


SERIES_LABEL = {
    "echo": "native Echo (floor)",
    "score": "native Score",
    "chat": "native Chat (per turn)",
    "echo-grpcio": "grpcio Echo (floor)",
    "score-grpcio": "grpcio Score",
    "chat-grpcio": "grpcio Chat (per turn)",
    "chat-many": "native Chat (per turn)",
    "chat-many-grpcio": "grpcio Chat (per turn)",
    "baseline": "baseline Score (pure Python)",
    "baseline-chat": "baseline Chat (per turn)",
    "ghz-echo": "native Echo, ghz",
    "ghz-score": "native Score, ghz",
}
COLORS = {
    "echo": "tab:gray",
    "score": "tab:blue",
    "chat": "tab:green",
    "echo-grpcio": "tab:brown",
    "score-grpcio": "tab:purple",
    "chat-grpcio": "tab:cyan",
    "chat-many": "tab:olive",
    "chat-many-grpcio": "tab:pink",
    "baseline": "tab:red",
    "baseline-chat": "tab:orange",
}
#: The marker of a point whose generator was saturated, in the tables.
LIMITED = "generator-limited"


def _ms(us: float | None) -> str:
    return "-" if us is None or math.isnan(us) else f"{us / 1000:.2f}"


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}"


def _codes(run: dict[str, Any]) -> str:
    bad = {c: n for c, n in run["by_code"].items() if c != "OK"}
    return ", ".join(f"{c} {n}" for c, n in sorted(bad.items())) or "0"


def label(run: dict[str, Any]) -> str:
    text: str = SERIES_LABEL.get(run["series"], run["series"])
    if run.get("sessions_open_at_once"):
        text += f", {run['sessions_open_at_once']:,} open sessions"
    return text


def _generator(run: dict[str, Any]) -> str:
    cores = run.get("client_cpu_cores")
    if cores is None:
        return "-"
    return f"{cores:.2f} **{LIMITED}**" if run.get("generator_limited") else f"{cores:.2f}"


def _row(run: dict[str, Any]) -> str:
    lat = run["latency_us"]
    cpu = run.get("server_cpu_us_per_request")
    return (
        f"| {run['offered_rps']:g} | {label(run)} "
        f"| {run['client']} | {run['achieved_rps']:.0f} | {_ms(lat['p50'])} | {_ms(lat['p99'])} "
        f"| {_ms(lat['p999'])} | {_ms(lat['max'])} | {_codes(run)} "
        f"| {'-' if cpu is None else f'{cpu:.0f}'} | {_generator(run)} "
        f"| {run.get('other_processes_cpu_cores', '-')} |"
    )


HEADER = (
    "| offered rps | series | client | achieved rps | p50 ms | p99 ms | p99.9 ms | max ms "
    "| errors | server CPU µs/req | generator CPU (cores) | other processes (cores) |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
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
        "## Where the native server's CPU goes (perf, by shared object and crate)",
        "",
        f"At {profiles[0]['offered_rps']:g} rps offered; server CPU time per request, "
        "warm-up included. The engine and the Rust gRPC server are one library "
        "(chatads._core): its samples are split by the crate of their symbol, so code "
        "inlined across crates counts where it was inlined.",
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


def target_lines(results: dict[str, Any]) -> list[str]:
    meta, summary = results["meta"], results["summary"]
    t = summary["targets"]
    lines = ["## Targets (issue 9)", "", "| target | this run | verdict |", "|---|---|---|"]
    cpu = summary["score_cpu_us"]
    lines.append(
        f"| Score server CPU per call <= Echo's + {ENGINE_CPU_FACTOR:g} x engine in-process "
        f"(native, {_rate(cpu['offered_rps'])} rps) | Score {_us(cpu['score'])} µs, "
        f"Echo {_us(cpu['echo'])} µs, engine {_us(cpu['engine_in_process'])} µs: "
        f"limit {_us(cpu['limit'])} µs | {_verdict(t['score_cpu_within_echo_plus_1.3x_engine'])} |"
    )
    p99 = summary["score_p99_us_at_5000"]
    lines.append(
        f"| Score p99 < 1 ms at {SCORE_P99_RATE:,.0f} rps (native) "
        f"| {'-' if p99 is None else _ms(p99) + ' ms'} "
        f"| {_verdict(t['score_p99_under_1ms_at_5000rps'])} |"
    )
    mr = summary["max_rate_p99_under_1ms"]
    ratio = summary["max_rate_native_over_grpcio"]
    lines.append(
        f"| highest rate with p99 < 1 ms: native Score >= {MAX_RATE_RATIO_MIN:g}x grpcio "
        f"Score | {_max_rates(mr, meta)}"
        + (f": {ratio}x" if ratio else "")
        + f" | {_verdict(t['max_rate_native_at_least_4x_grpcio'])} |"
    )
    lr = summary["max_rate_p99_under_10ms"]
    loose = summary["max_rate_p99_under_10ms_native_over_grpcio"]
    lines.append(
        "| (the same with p99 < 10 ms, not a target: where each server saturates) "
        f"| {_max_rates(lr, meta)}" + (f": {loose}x" if loose else "") + " | |"
    )
    many = summary["many_sessions"]
    if many:
        size = f"{many['sessions']:,} open streams at {many['turns_per_s']:,.0f} turns/s"
        lines.append(
            f"| {MANY_SESSIONS_TARGET:,} open Chat streams at {MANY_RATE_TARGET:,.0f} turns/s: "
            f"per-turn p99 < 2 ms | {size}: p99 {_ms(many['p99_us'])} ms, errors "
            f"{many['errors']} | {_verdict(t['chat_10000_streams_p99_under_2ms'])} |"
        )
        lines.append(
            f"| the same: RSS per open stream <= {RSS_PER_STREAM_MAX_KIB:g} KiB "
            f"| {many['rss_per_open_stream_kib']:.2f} KiB "
            f"({many['rss_growth_per_session_kib']:.2f} KiB per session with its stream, "
            f"less {many['session_context_kib']:.2f} KiB of engine session context) "
            f"| {_verdict(t['rss_per_open_stream_at_most_8kib'])} |"
        )
    client = results["python_client"]
    lines.append(
        f"| Python client, sequential calls: Score p50 / minimal echo p50 <= "
        f"{PYTHON_CLIENT_RATIO_MAX:g} | {_us(client['score_p50_us'])} / "
        f"{_us(client['echo_p50_us'])} µs = {client['score_p50_over_echo_p50']:.2f} "
        f"| {_verdict(t['python_client_score_within_1.1x_echo'])} |"
    )
    limited = summary["generator_limited_points"]
    lines += [
        "",
        "A target is *not measured* when this run did not reach the rate or size it names, "
        "when grpcio Score held no rate of the sweep (no ratio), or when its point failed "
        f"while its generator was saturated ({LIMITED}: it used >= "
        f"{GENERATOR_LIMITED_SHARE:.0%} of the cores it may run on, so the failure may be "
        "the generator's). "
        + (
            f"{LIMITED.capitalize()} points in this run: {', '.join(limited)}."
            if limited
            else f"No point of this run was {LIMITED}."
        ),
        "",
    ]
    return lines


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:,.0f}"


def _us(us: float | None) -> str:
    return "-" if us is None else f"{us:.0f}"


def _max_rates(rates: dict[str, float], meta: dict[str, Any]) -> str:
    text = (
        f"native {rates.get('score', 0):g} rps, grpcio {rates.get('score-grpcio', 0):g} rps "
        f"(Echo: native {rates.get('echo', 0):g}, grpcio {rates.get('echo-grpcio', 0):g})"
    )
    if meta["baseline"]:
        text += f", baseline {rates.get('baseline', 0):g} rps"
    return text


def write_report(results: dict[str, Any], out: Path) -> str:
    meta, summary = results["meta"], results["summary"]
    lines = [
        "# chatads gRPC load test",
        "",
        f"`{meta['command']}`, {meta['date']}",
        "",
        f"Machine: {meta['cpu']}, {meta['cores']} cores; {meta['layout']}. "
        f"Catalog: {meta['ads']:,} demo ads in every server. chatads serves on two "
        f"transports: native (tonic in Rust; engine workers auto, "
        f"{meta['native_workers']} here; "
        + (
            f"{meta.get('native_io_threads', 1)} I/O thread(s) handing calls to them"
            if meta.get("native_io_threads", 1)
            else "no I/O threads: the engine runs inline"
        )
        + ") and grpcio (the thin Python server, "
        f"{meta['workers']} worker threads"
        + ("; the baseline has as many)." if meta["baseline"] else ").")
        + f" Workload: {meta['workload']['users']:,} users, "
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
    lines += target_lines(results)
    lines += ["## Same offered rate", "", HEADER]
    lines += [_row(r) for r in results["compare"]]
    lines += [
        "",
        "| offered rps | Score p50 / Echo p50 (native) | Chat p50 / Echo p50 (native) "
        "| Score p50 native / grpcio | Score CPU native / grpcio | Echo CPU native / grpcio |",
        "|---|---|---|---|---|---|",
    ]
    for rate, v in summary["ratios"].items():
        lines.append(
            f"| {rate} | {_x(v['score_p50_over_echo_p50'])} | {_x(v['chat_p50_over_echo_p50'])} "
            f"| {_x(v['score_p50_native_over_grpcio'])} | {_x(v['score_cpu_native_over_grpcio'])} "
            f"| {_x(v['echo_cpu_native_over_grpcio'])} |"
        )
    if results["many_sessions"]:
        lines += ["", "## Many live Chat sessions", "", HEADER]
        lines += [_row(r) for r in results["many_sessions"]]
        lines += [""]
        for r in results["many_sessions"]:
            rss = r["rss_kib"]
            lines.append(
                f"- {label(r)}: server RSS {rss['before'] / 1024:.1f} MiB before, "
                f"{rss['peak'] / 1024:.1f} MiB at its peak, {rss['after'] / 1024:.1f} MiB "
                f"after the streams closed; {r['rss_growth_per_session_kib']:.2f} KiB per "
                "session with its open stream and its context (peak - before)."
            )
        lines += [
            "",
            "The streams are all opened before the schedule starts (`-preopen`, one HTTP/2 "
            "connection per 1,000 streams of a generator process); each carries a turn now "
            "and then. A session's context stays in the engine after its stream closes, so "
            "peak - after is what open streams themselves hold; memory the allocator keeps "
            "once freed still counts in *after*, so it is a lower bound, and peak - before "
            "an upper one. The grpcio transport runs each open stream on a worker thread "
            "for its whole life: with more open streams than workers, turns wait for a "
            "thread, and it refuses streams beyond `max_concurrent_rpcs` "
            "(RESOURCE_EXHAUSTED).",
        ]
    engine, client = results["engine_in_process"], results["python_client"]
    lines += [
        "",
        "## Engine in-process and a Python client",
        "",
        f"- Engine alone (`Engine.core.score_pb` in the load-test process, {engine['calls']:,} "
        f"of the same requests): {engine['cpu_us_per_call']:.0f} µs CPU per call, p50 "
        f"{engine['wall_us_p50']:.0f} µs wall.",
        f"- Python grpcio client, {client['calls']:,} sequential calls of each: native Score "
        f"p50 {client['score_p50_us']:.0f} µs, Echo of a minimal grpcio server "
        f"(`benches.echo_server`, {client['reply_bytes']['echo']:,} B reply) p50 "
        f"{client['echo_p50_us']:.0f} µs: {client['score_p50_over_echo_p50']:.2f}x.",
    ]
    if results["ghz"]:
        lines += ["", "## Cross-check with ghz (same rate, native)", "", HEADER]
        lines += [_row(r) for r in results["ghz"]]
        lines += [
            "",
            "ghz times each call from its actual send (`--rps --async`), so queueing in the "
            "client is not charged; chatads-loadgen charges it from the planned send time. "
            "ghz makes a fixed number of calls (`--total`) and skips those of its warm-up.",
        ]
    lines += ["", "## Rate sweep", "", HEADER]
    for runs in results["sweep"].values():
        lines += [_row(r) for r in runs]
    lines += [
        "",
        "A rate counts as held when p99 < 1 ms (or 10 ms), no call failed and the achieved "
        "rate is at least 95 % of the offered one. A series stops once it fails calls, falls "
        "behind the offered rate, or has p99 > 50 ms twice in a row; then it bisects "
        "between the highest rate held and the next. A point marked "
        f"*{LIMITED}* (its generators used >= {GENERATOR_LIMITED_SHARE:.0%} of the cores "
        "they may run on) is not held against the server: it never stops a series and, "
        "when it fails, counts neither as a rate the server failed nor as a bound of the "
        "bisection.",
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
    ax.axhline(SWEEP_P99_LIMIT_US / 1000, color="k", lw=0.8, ls=":", label="1 ms")
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


@dataclass
class Plan:
    """What is run, besides how each point is made (Settings)."""

    compare_rates: list[float]
    sweep_rates: list[float]
    refine_steps: int
    ghz_rps: float
    #: (sessions open at once, turns/s) of the many-sessions points; 0 sessions: none.
    many_native: tuple[int, float]
    many_grpcio: tuple[int, float]


#: Sweep rates of the full run, up to 15,000 rps; a series stops early once overloaded.
FULL_SWEEP = [500.0, 1e3, 2e3, 3e3, 4e3, 5e3, 6e3, 8e3, 10e3, 12e3, 15e3]


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
        int, typer.Option(help="chat sessions open at once (grpcio: each holds a worker thread)")
    ] = 4,
    many_sessions: Annotated[
        int | None,
        typer.Option(help="native Chat streams open at once in the many-sessions point (0 = none)"),
    ] = None,
    many_rate: Annotated[
        float | None, typer.Option(help="turns/s those streams carry in total")
    ] = None,
    ads: Annotated[int | None, typer.Option(help="demo catalog size in every server")] = None,
    workers: Annotated[
        int, typer.Option(help="worker threads of the grpcio transport and of the baseline")
    ] = 8,
    pin: Annotated[
        bool, typer.Option(help="servers on CPU 0, generators on CPU 1 (needs 2 cores)")
    ] = True,
    baseline: Annotated[bool, typer.Option(help="run the pure-Python baseline")] = True,
    arrivals: Annotated[str, typer.Option(help="const or poisson")] = "const",
    profile: Annotated[
        bool, typer.Option(help="perf profile of the native server (Score, Echo) by layer")
    ] = False,
    io_threads: Annotated[
        int,
        typer.Option(
            help="native server's io_threads (0: the engine runs inline on the threads "
            "that read; see docs/operations.md)"
        ),
    ] = 1,
) -> None:
    """Run the load test and write the report."""
    started = time.monotonic()
    compare_rates = _rates(rates) if rates else ([50.0] if smoke else [1000.0, 5000.0])
    sweep_rates = _rates(sweep) if sweep is not None else ([100.0] if smoke else FULL_SWEEP)
    many_n = many_sessions if many_sessions is not None else (200 if smoke else 10_000)
    many_rps = many_rate if many_rate is not None else (100.0 if smoke else 2000.0)
    plan = Plan(
        compare_rates=compare_rates,
        sweep_rates=sweep_rates,
        refine_steps=refine if refine is not None else (0 if smoke else 2),
        ghz_rps=ghz_rate if ghz_rate is not None else (50.0 if smoke else 1000.0),
        many_native=(many_n, many_rps),
        # A few dozen streams are enough to show what a thread per stream costs.
        many_grpcio=((16, 50.0) if smoke else (64, 1000.0)) if many_n else (0, 0.0),
    )
    duration = duration if duration is not None else (1.0 if smoke else 5.0)
    warmup = warmup if warmup is not None else (0.3 if smoke else 1.0)
    n_ads = ads if ads is not None else (500 if smoke else 6000)
    n_calls = 100 if smoke else 2000  # engine in-process and Python client
    cores = os.cpu_count() or 1
    pinned_layout = pin and cores >= 2 and hasattr(os, "sched_setaffinity")
    cfg = Settings(
        duration=duration,
        warmup=warmup,
        clients=clients,
        sessions=sessions,
        timeout=1.0,
        server_cpus={0} if pinned_layout else None,
        client_cpus={1} if pinned_layout else None,
        arrivals=arrivals,
    )
    with_baseline = baseline and baseline_available()
    out.mkdir(parents=True, exist_ok=True)
    tool("chatads-loadgen")
    if plan.ghz_rps:
        tool("ghz")

    # Enough sessions that the generator rarely replays one at the highest rate, and
    # one for each stream of the many-sessions point.
    max_rate = max(compare_rates + sweep_rates)
    n_sessions = (
        max(300, many_n) if smoke else int(min(20_000, max(2_000, max_rate * duration / 5, many_n)))
    )
    n_users = 100 if smoke else max(500, n_sessions // 4)
    workload = build_workload(n_users, n_sessions)
    layout = (
        "servers pinned to CPU 0, load generators and Python clients to CPU 1 (sched_setaffinity)"
        if pinned_layout
        else "nothing pinned: servers and generators share all cores"
    )
    console.print(
        f"[bold]load test[/bold]: {workload.turns:,} turns in {n_sessions:,} sessions of "
        f"{n_users:,} users; {layout}"
    )
    secret = "load-test-secret-0123456789"
    results: dict[str, Any] = {"profile": []}
    with tempfile.TemporaryDirectory(prefix="chatads-load-") as tmp:
        work = Path(tmp)
        unary_file, chat_file = work / "score.bin", work / "chat.bin"
        records = write_unary_file(workload, unary_file)
        write_chat_file(workload, chat_file)
        console.print(f"timing the engine in-process on {min(n_calls, len(records)):,} requests")
        results["engine_in_process"] = engine_in_process(
            records[:n_calls], secret, n_ads, cfg.client_cpus
        )
        results["engine_in_process"]["session_context_kib"] = session_context_kib(
            records, secret, max(1000, plan.many_native[0])
        )
        env = {
            **os.environ,
            "CHATADS_SECRET": secret,
            "CHATADS_LOG_LEVEL": "WARNING",
            "CHATADS_DEMO_CATALOG_SIZE": str(n_ads),
            "CHATADS_PAGE_PORT": "0",  # two servers at once: neither serves the page
        }
        servers: dict[str, Server] = {}
        try:
            for name, transport, extra in (
                ("chatads", "native", []),  # engine workers: auto; io_threads below
                ("grpcio", "grpcio", [f"--workers={workers}"]),
            ):
                port = free_port()
                servers[name] = start_server(
                    name,
                    [
                        str(ROOT / ".venv/bin/chatads"),
                        "serve",
                        "--host=127.0.0.1",
                        f"--port={port}",
                        *extra,
                        "--demo",
                        f"--data-dir={work / f'data-{transport}'}",
                    ],
                    {**env, "CHATADS_TRANSPORT": transport, "CHATADS_IO_THREADS": str(io_threads)},
                    port,
                    out / f"chatads-{transport}-server.log",
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
            port = free_port()
            servers["python-echo"] = start_server(
                "python-echo",
                [sys.executable, "-m", "benches.echo_server", f"--port={port}"],
                env,
                port,
                out / "python-echo-server.log",
                cfg.server_cpus,
            )
            results.update(run_phases(servers, unary_file, chat_file, plan, cfg, work))
            console.print(f"Python client: {n_calls:,} sequential Score and Echo calls each")
            results["python_client"] = python_client_check(
                servers["chatads"], servers["python-echo"], records, n_calls, cfg.client_cpus
            )
            if profile:
                rate = max(compare_rates)
                console.print(f"profiling the native server with perf at {rate:g} rps")
                results["profile"] = [
                    profile_server(servers["chatads"], m, unary_file, rate, cfg, work)
                    for m in (SCORE, ECHO)
                ]
        finally:
            for s in servers.values():
                s.stop()

    all_runs = [r for r in _all_runs(results) if r["client"] == "chatads-loadgen"]
    lags = [r["send_lag_us"]["p99"] for r in all_runs if r["send_lag_us"]["count"]]
    results["meta"] = {
        "command": " ".join(["python -m benches.loadtest", *sys.argv[1:]]),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": cores,
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "layout": layout,
        "pinned": pinned_layout,
        "smoke": smoke,
        "ads": n_ads,
        # What the native transport's auto resolves to: the cores it may run on.
        "native_workers": len(cfg.server_cpus) if cfg.server_cpus else cores,
        "native_io_threads": io_threads,
        "workers": workers,
        "clients": clients,
        "chat_sessions_open": sessions,
        "many_sessions": {"native": plan.many_native, "grpcio": plan.many_grpcio},
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
    plan: Plan,
    cfg: Settings,
    work: Path,
) -> dict[str, Any]:
    native, grpcio, base = servers["chatads"], servers["grpcio"], servers.get("baseline")
    compare_plan: list[tuple[str, Server, str, str, Path]] = [
        ("echo", native, "unary", ECHO, unary_file),
        ("score", native, "unary", SCORE, unary_file),
        ("chat", native, "chat", CHAT, chat_file),
        ("echo-grpcio", grpcio, "unary", ECHO, unary_file),
        ("score-grpcio", grpcio, "unary", SCORE, unary_file),
        ("chat-grpcio", grpcio, "chat", CHAT, chat_file),
    ]
    if base:
        compare_plan.append(("baseline", base, "unary", SCORE, unary_file))
        compare_plan.append(("baseline-chat", base, "chat", CHAT, chat_file))
    many_plan = [
        (series, server, n, rate)
        for series, server, (n, rate) in (
            ("chat-many", native, plan.many_native),
            ("chat-many-grpcio", grpcio, plan.many_grpcio),
        )
        if n
    ]
    sweep_plan: list[tuple[str, Server, str]] = [
        ("score", native, SCORE),
        ("score-grpcio", grpcio, SCORE),
        ("echo", native, ECHO),
        ("echo-grpcio", grpcio, ECHO),
    ]
    if base:
        sweep_plan.insert(2, ("baseline", base, SCORE))
    total = len(plan.compare_rates) * len(compare_plan) + len(many_plan)
    total += (2 if plan.ghz_rps else 0) + len(sweep_plan) * (
        len(plan.sweep_rates) + plan.refine_steps
    )
    compare: list[dict[str, Any]] = []
    many: list[dict[str, Any]] = []
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
                f"errors {run['errors']}" + (f", {LIMITED}" if run["generator_limited"] else ""),
            )
            return run

        for rate in plan.compare_rates:
            for series, server, mode, method, file in compare_plan:
                progress.update(task, description=f"same rate: {series} @ {rate:g}")
                run = run_loadgen(series, server, mode, method, file, rate, cfg, work)
                compare.append(point(series, run))
        for series, server, n, rate in many_plan:
            progress.update(task, description=f"{series}: {n:,} open streams @ {rate:g}")
            run = run_many_sessions(series, server, chat_file, n, rate, cfg, work)
            many.append(point(series, run))
        if plan.ghz_rps:
            for series, method in (("ghz-echo", ECHO), ("ghz-score", SCORE)):
                progress.update(task, description=f"ghz: {series} @ {plan.ghz_rps:g}")
                run = run_ghz(series, native, method, unary_file, plan.ghz_rps, cfg, work)
                ghz.append(point(series, run))
        for series, server, method in sweep_plan:
            runs: list[dict[str, Any]] = []
            for rate in plan.sweep_rates:
                progress.update(task, description=f"sweep: {series} @ {rate:g}")
                run = run_loadgen(series, server, "unary", method, unary_file, rate, cfg, work)
                runs.append(point(series, run))
                if overloaded(runs):
                    break
            progress.update(task, advance=len(plan.sweep_rates) - len(runs))
            # Bisect between the highest rate that passed and the next one the server
            # failed: for the 1 ms limit when some rate met it, else for the 10 ms one.
            limit = SWEEP_P99_LIMIT_US if any(passes(r) for r in runs) else LOOSE_P99_LIMIT_US
            for _ in range(plan.refine_steps):
                top = max((r["offered_rps"] for r in runs if passes(r, limit)), default=0.0)
                bad = [
                    r["offered_rps"]
                    for r in runs
                    if judged(r, passes(r, limit)) is False and r["offered_rps"] > top
                ]
                if not top or not bad:
                    progress.update(task, advance=1)
                    continue
                rate = round((top + min(bad)) / 2)
                progress.update(task, description=f"sweep: {series} @ {rate:g}")
                run = run_loadgen(series, server, "unary", method, unary_file, rate, cfg, work)
                runs.append(point(series, run))
            runs.sort(key=lambda r: r["offered_rps"])
            sweep[series] = runs
    return {"compare": compare, "many_sessions": many, "ghz": ghz, "sweep": sweep}


#: perf's shared objects, grouped by layer of the server; in chatads._core, which holds
#: both the engine and the native gRPC server, the crate of each symbol decides.
LAYERS = (
    ("cygrpc", "grpcio (C core + Cython)"),
    ("libpython", "CPython interpreter (grpcio's Python layer, the control plane)"),
    ("kernel", "kernel (syscalls, futex wake-ups, loopback TCP)"),
    ("libc", "libc (locks, memory)"),
)
CORE_SERVER = "Rust gRPC server (tonic, hyper, h2, tokio in chatads._core)"
CORE_STD = "Rust std, core and alloc (chatads._core, either part)"
CORE_ENGINE = "Rust engine (chatads._core)"
#: Crates (first path segment of a demangled symbol) of the native server's stack.
SERVER_CRATES = frozenset(
    (
        "tokio",
        "tonic",
        "tonic_health",
        "tonic_reflection",
        "hyper",
        "hyper_util",
        "h2",
        "http",
        "http_body",
        "http_body_util",
        "httparse",
        "tower",
        "axum",
        "matchit",
        "bytes",
        "rustls",
        "ring",
        "webpki",
        "mio",
    )
)


def layer_of(dso: str, symbol: str) -> str:
    """The layer a perf sample belongs to, from its shared object and symbol."""
    if "_core" not in dso:
        return next((name for key, name in LAYERS if key in dso), "other")
    # Drop glue belongs where the type it drops does.
    path = symbol.removeprefix("core::ptr::drop_in_place<").lstrip("<&*")
    path = path.removeprefix("mut ").removeprefix("dyn ")
    crate = path.split("::", 1)[0]
    # _core::server::ops turns wire calls into engine calls for both transports and
    # for Engine.*_pb in-process: it is the engine's.
    in_server = path.startswith(("_core::server::", "_core::py::server")) and not (
        path.startswith("_core::server::ops")
    )
    if crate in SERVER_CRATES or in_server:
        return CORE_SERVER
    if crate in ("std", "core", "alloc", "hashbrown"):
        return CORE_STD
    return CORE_ENGINE


def profile_server(
    server: Server, method: str, requests: Path, rate: float, cfg: Settings, work: Path
) -> dict[str, Any]:
    """Where the server's CPU goes at a given rate: `perf record` on the server process
    during one run, summed by layer (Rust server, engine, grpcio, CPython, kernel)."""
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
            "dso,sym",
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
        # "  12.34%  _core.abi3.so  [.] tokio::runtime::park::..."
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.+?)\s*$", line)
        if not m:
            continue
        layer = layer_of(m.group(2), m.group(3))
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
    table = Table(title="same offered rate, many sessions, ghz (ms)")
    for col in ("rate", "series", "achieved", "p50", "p99", "p99.9", "errors", "generator"):
        table.add_column(col, justify="right" if col != "series" else "left")
    for r in results["compare"] + results["many_sessions"] + results["ghz"]:
        lat = r["latency_us"]
        table.add_row(
            f"{r['offered_rps']:g}",
            label(r),
            f"{r['achieved_rps']:.0f}",
            _ms(lat["p50"]),
            _ms(lat["p99"]),
            _ms(lat["p999"]),
            _codes(r),
            f"{r['client_cpu_cores']:.2f}" + (f" {LIMITED}" if r["generator_limited"] else ""),
        )
    console.print(table)
    s = results["summary"]
    engine, client = results["engine_in_process"], results["python_client"]
    console.print(
        f"engine in-process: {engine['cpu_us_per_call']:.0f} µs CPU per call; Python client: "
        f"Score p50 / echo p50 = {client['score_p50_over_echo_p50']:.2f}"
    )
    many = s["many_sessions"]
    if many:
        console.print(
            f"{many['sessions']:,} open streams: p99 {_ms(many['p99_us'])} ms, "
            f"{many['rss_per_open_stream_kib']:.2f} KiB RSS per open stream beyond its "
            f"session context ({many['session_context_kib']:.2f} KiB)"
        )
    console.print(f"max rate with p99 < 1 ms: {s['max_rate_p99_under_1ms']}")
    console.print(f"max rate with p99 < 10 ms: {s['max_rate_p99_under_10ms']}")
    console.print(f"targets: {s['targets']}")
    console.print(f"wrote {out / 'results.json'}, {out / 'report.md'} and plots")


if __name__ == "__main__":
    app()
