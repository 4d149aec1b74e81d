"""Settings, from keyword arguments or `CHATADS_*` environment variables."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Settings that switch every part of the over-personalisation guard off (to measure
#: matching alone, or what the guard costs): `Settings(**GUARD_OFF)`. The user's own
#: controls (hidden ads, blocked topics, the personalisation level) still apply.
GUARD_OFF: dict[str, int | bool | float] = {
    "freq_cap": 0,
    "advertiser_cap": 0,
    "campaign_cap": 0,
    "no_consecutive_repeat": False,
    "echo_min_words": 0,
    "stale_damping": 1.0,
    "echo_damping": 1.0,
}


class Settings(BaseSettings):
    """Everything that can be configured, with the defaults `make serve` uses.

    Each field can be set as `CHATADS_<NAME>` in the environment, e.g.
    `CHATADS_PORT=50052`, `CHATADS_INDEX_FACTORY="IDMap2,HNSW32"`.
    """

    model_config = SettingsConfigDict(env_prefix="CHATADS_", extra="forbid")

    # Server
    host: str = "127.0.0.1"
    port: int = Field(50051, ge=0, le=65535)
    transport: Literal["native", "grpcio"] = Field(
        "native",
        description="native: gRPC served from Rust (tonic on tokio), no Python per call; "
        "grpcio: the thin Python server (a thread per call or open Chat stream)",
    )
    workers: int = Field(
        0,
        ge=0,
        le=256,
        description="engine worker threads; 0 = auto (native: one per core, or 32 at least "
        "with redis_url, whose calls wait on the network; grpcio: 8)",
    )
    io_threads: int = Field(
        1,
        ge=0,
        le=64,
        description="native transport: threads that only do sockets, HTTP/2 and TLS and hand "
        "calls to the workers, so time queued for a worker counts against a call's budget; "
        "0 = none: each worker reads its own connections and runs the engine inline (less "
        "CPU per call; a call is stamped as arrived when a worker reads it)",
    )
    max_open_streams: int = Field(
        20_000,
        ge=1,
        description="native transport: open Chat streams; beyond it RESOURCE_EXHAUSTED",
    )
    max_concurrent_streams: int = Field(
        16_384, ge=1, description="HTTP/2 streams (calls) open at once on one connection"
    )
    keepalive_s: float = Field(
        60.0, ge=0.0, description="HTTP/2 PING interval on idle connections (0 = none)"
    )
    keepalive_timeout_s: float = Field(
        20.0, gt=0.0, description="close a connection whose PING is not answered in this time"
    )
    max_receive_message_bytes: int = Field(
        16 * 1024 * 1024,
        ge=1024,
        description="gRPC transport limit; larger messages are refused before decoding",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = Field(
        "text", description="server logs as plain text or JSON lines (never chat text or user ids)"
    )
    max_concurrent_rpcs: int = Field(
        256,
        ge=1,
        description="unary calls being served or queued for a worker (grpcio: also open "
        "streams); beyond it RESOURCE_EXHAUSTED at once",
    )
    min_budget_ms: float = Field(
        1.0,
        ge=0.0,
        description="a Score or Chat turn with less than this left of its deadline or tmax_ms "
        "is answered at once (DEADLINE_EXCEEDED, or a no-bid for tmax) without scoring",
    )
    shutdown_grace_s: float = Field(
        10.0, ge=0.0, description="on SIGTERM, how long in-flight calls may take to finish"
    )
    metrics_port: int = Field(
        0, ge=0, le=65535, description="Prometheus /metrics HTTP port; 0 = no metrics"
    )
    metrics_host: str = Field("127.0.0.1", description="address the metrics endpoint binds")
    page_port: int = Field(
        8090,
        ge=0,
        le=65535,
        description="port of the transparency page, where a person manages their ads through "
        "a control link (Privacy.IssueControlLink); 0 = no page",
    )
    page_host: str = Field("127.0.0.1", description="address the transparency page binds")
    page_url: str | None = Field(
        None,
        description="public base URL of the transparency page, as people's browsers reach it "
        "(e.g. behind a TLS proxy); control links are this URL with '#t=<token>' appended; "
        "default http://page_host:page_port/",
    )

    # Access control and transport security
    api_keys: SecretStr | None = Field(
        None,
        description='API keys as "role:key,role:key" (roles: exchange, admin); without any '
        "key the server only listens on loopback",
    )
    api_keys_file: Path | None = Field(
        None, description="file of API keys, one 'role key' per line ('#' comments)"
    )
    tls_cert: Path | None = Field(None, description="PEM server certificate (chain): serve TLS")
    tls_key: Path | None = Field(None, description="PEM private key of tls_cert")
    tls_client_ca: Path | None = Field(
        None, description="PEM CA bundle: require client certificates signed by it (mutual TLS)"
    )
    demo_catalog: bool = Field(True, description="load the built-in demo catalog at start")
    demo_catalog_size: int = Field(6000, ge=0, le=1_000_000)

    # Identity and durable state
    secret: SecretStr | None = Field(
        None,
        description="key of the HMAC that turns user ids into profile keys (>= 16 bytes); "
        "read from (or created in) data_dir/secret.key when unset, random per process "
        "without a data_dir",
    )
    data_dir: Path | None = Field(
        None, description="where durable privacy state (forget, opt-out) lives; None = memory"
    )
    redis_url: str | None = Field(
        None,
        description="share users' state between replicas through Redis: redis://host:port, "
        "or a Redis Cluster's seed nodes (redis+cluster://host:port,host:port); "
        "None = the embedded store (in this process, data_dir on disk)",
    )
    redis_timeout_ms: int = Field(
        500,
        ge=1,
        le=60_000,
        description="timeout of each call to Redis; a store slower than this is down "
        "for a second (Score contextual, privacy requests UNAVAILABLE)",
    )
    redis_wait_replicas: int = Field(
        0,
        ge=0,
        le=16,
        description="replicas a privacy request waits for (WAIT) before it returns; "
        "0 = rely on the primary's AOF (appendonly yes, appendfsync always)",
    )

    # Privacy
    vendor_id: int | None = Field(
        None, ge=1, le=65535, description="our IAB GVL vendor id (vendor consent and restrictions)"
    )
    gdpr_when_unknown: bool = Field(
        True, description="whether GDPR applies when regs.gdpr is absent (strict: yes)"
    )
    contextual_without_consent: bool = Field(
        False, description="under GDPR without a valid TC string: contextual ads (True) or none"
    )
    sensitive_turn_ads: Literal["none", "profile_only"] = Field(
        "none", description="ads on a turn that touches a GDPR Art. 9 category"
    )
    snapshot_interval_s: float = Field(
        60.0,
        ge=0.0,
        description="profiles (and a changed catalog) are snapshotted to data_dir this often; "
        "a crash loses at most the profile updates of one interval (0 = only on shutdown)",
    )
    fault_injection: bool = Field(
        False,
        description="tests only: a Score with request_id "
        "'chatads-fault-injection:panic' panics inside the engine",
    )
    profile_ttl_s: float = Field(30 * 86400.0, gt=0, description="profiles expire when idle")

    # Text pipeline
    d: int | None = Field(
        None,
        ge=2,
        le=4096,
        description="embedding dimension; unset: 64 for the hashing model, 128 for the "
        "semantic one (chosen on the labelled set's tuning half, docs/relevance.md)",
    )
    text_model: Literal["hashing", "semantic"] = Field(
        "hashing",
        description="how text becomes a vector: hashing (hashed words' random projection and "
        "the topic lexicon) or semantic (static token embeddings distilled from "
        "all-MiniLM-L6-v2, mixed with the lexicon and the hashed words; d = 128 unless set "
        "to 64)",
    )
    text_mix: tuple[float, float, float] = Field(
        (1.0, 1.0, 0.3),
        description="semantic model: weights of its token embeddings, topic lexicon and "
        "hashed words, each part normalised first",
    )
    n_features: int = Field(2**20, ge=1, le=2**31 - 1)
    ngram_range: tuple[int, int] = (1, 1)
    seed: int = Field(0x00C4A7AD, ge=0)
    max_message_bytes: int = Field(16 * 1024, ge=1)

    # Profiles
    half_life_s: float = Field(7 * 86400.0, gt=0)
    session_turns: int = Field(4, ge=0, le=64)
    session_ttl_s: float = Field(1800.0, gt=0)
    history_size: int = Field(50, ge=1, le=1000, description="ad history kept per user")
    history_ttl_s: float = Field(7 * 86400.0, gt=0, description="ad history kept this long")

    # The over-personalisation guard (each part a setting)
    freq_cap: int = Field(2, ge=0, description="impressions of one ad per user per window; 0 = off")
    advertiser_cap: int = Field(
        4, ge=0, description="impressions of one advertiser's ads per user per window; 0 = off"
    )
    campaign_cap: int = Field(
        3, ge=0, description="impressions of one campaign's ads per user per window; 0 = off"
    )
    freq_cap_window_s: float = Field(3600.0, gt=0, description="the caps' sliding window")
    no_consecutive_repeat: bool = Field(
        True, description="never the same ad on two consecutive turns of a session"
    )
    max_ads_per_session: int = Field(
        0, ge=0, description="ad load: ads per session per window; 0 = the exchange decides"
    )
    session_ads_window_s: float = Field(3600.0, gt=0)
    min_turns_between_ads: int = Field(
        0, ge=0, description="ad load: turns without ads between two turns with ads"
    )
    stale_interest_s: float = Field(
        3 * 86400.0,
        gt=0,
        lt=255 * 3600.0,
        description="an ad chosen only because of an interest not heard of for this long, "
        "while the conversation is elsewhere, is damped",
    )
    stale_damping: float = Field(0.25, ge=0.0, le=1.0, description="eCPM factor of such an ad")
    echo_min_words: int = Field(
        2,
        ge=0,
        description="an ad repeating this many of the conversation's rare words verbatim is "
        "damped; 0 = off",
    )
    echo_damping: float = Field(0.25, ge=0.0, le=1.0)
    deniability_p: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="plausible deniability: probability of swapping one interest topic for a "
        "random one (the Topics API uses 0.05)",
    )
    minor_ads: Literal["none", "contextual"] = Field(
        "none",
        description="ads for a known minor or a COPPA request: none, or contextual (never "
        "personalised)",
    )

    # Catalog and ranking
    index_factory: str = Field("auto", description="FAISS factory string, or 'auto'")
    ef_search: int = Field(96, ge=1, le=4096, description="HNSW candidates kept per search")
    ef_construction: int = Field(
        80, ge=1, le=4096, description="HNSW candidates kept per insertion (graph quality)"
    )
    auto_exact_below: int = Field(20_000, ge=0)
    min_relevance: float = Field(0.2, ge=-1.0, le=1.0)
    max_per_advertiser: int = Field(1, ge=0)
    profile_weight: float = Field(0.6, ge=0.0)
    context_weight: float = Field(0.5, ge=0.0)
    lexical_weight: float = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="share of an ad's relevance from lexical overlap with the conversation's "
        "informative words (0 = the vectors alone)",
    )
    pctr: tuple[float, float, float, float] = Field(
        (0.001, 0.05, 10.0, 0.5), description="pCTR curve: floor, max, slope, midpoint"
    )

    @field_validator("page_url")
    @classmethod
    def _page_url_is_a_base(cls, url: str | None) -> str | None:
        if url is not None and (not url.startswith(("http://", "https://")) or "#" in url):
            raise ValueError("page_url: must be an http:// or https:// URL without a fragment")
        return url

    def control_page_url(self) -> str:
        """The base URL control links point to ("" when there is no page): `page_url`, or
        the address the page listens on."""
        if not self.page_port:
            return ""
        if self.page_url:
            return self.page_url
        host = self.page_host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.page_port}/"

    def embedding_dim(self) -> int:
        """The embedding dimension `d` stands for: as set, or the text model's own."""
        if self.d is not None:
            return self.d
        return 128 if self.text_model == "semantic" else 64

    def worker_threads(self) -> int:
        """The engine worker threads `workers` stands for."""
        if self.workers:
            return self.workers
        if self.transport == "grpcio":
            return 8
        # The cores this process may run on (taskset/cgroups), not the machine's.
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if self.redis_url:
            # A call waits a round trip to Redis on its worker (the engine's calls are
            # blocking): enough workers that the core stays busy meanwhile.
            return max(32, 8 * cores)
        return cores

    def guard_json(self) -> str:
        """The guard's settings as the Rust engine reads them."""
        fields = (
            "no_consecutive_repeat",
            "max_ads_per_session",
            "session_ads_window_s",
            "min_turns_between_ads",
            "stale_interest_s",
            "stale_damping",
            "echo_min_words",
            "echo_damping",
            "deniability_p",
        )
        return json.dumps({f: getattr(self, f) for f in fields})

    def secret_bytes(self) -> bytes:
        """The HMAC key: configured, else kept in `data_dir/secret.key` (created 0600 on
        first use, so profile keys and the privacy ledger survive restarts), else random."""
        if self.secret is not None:
            raw = self.secret.get_secret_value().encode()
            if len(raw) < 16:
                raise ValueError("secret: must be at least 16 bytes")
            return raw
        if self.data_dir is None:
            return secrets.token_bytes(32)
        path = Path(self.data_dir).expanduser() / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
                fh.flush()
                os.fsync(fh.fileno())
        key = path.read_bytes()
        if len(key) < 16:
            raise ValueError(f"secret: {path} holds {len(key)} bytes, expected 32")
        return key
