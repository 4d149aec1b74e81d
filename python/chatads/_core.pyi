"""Type stubs of the Rust extension `chatads._core` (checked by `mypy.stubtest`)."""

from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "LEXICON_TSV",
    "SENSITIVE_CATEGORIES",
    "SENSITIVE_LEXICON_TSV",
    "TAXONOMY_TSV",
    "AdmittedCall",
    "ApiKeys",
    "Engine",
    "EngineError",
    "InvalidArgumentError",
    "NativeServer",
    "NotFoundError",
    "ScoreResult",
    "ScoredAd",
    "SensitiveGuard",
    "ServerRules",
    "UnavailableError",
    "__version__",
    "configure_logging",
    "decode_tc_string",
    "hash_texts",
    "static_embed",
    "tokenize",
    "wordpiece_ids",
]

__version__: str
#: The Topics taxonomy v2 (TSV: id, path), as compiled into the engine.
TAXONOMY_TSV: str
#: The topic lexicon (TSV: topic_id, lang, word), as compiled into the engine.
LEXICON_TSV: str
#: The GDPR Art. 9 categories the guard knows, in bit order.
SENSITIVE_CATEGORIES: list[str]
#: The sensitive-category lexicon (TSV: category, lang, pattern, kind).
SENSITIVE_LEXICON_TSV: str

class InvalidArgumentError(ValueError):
    """A caller-supplied value is malformed or out of range; `.field` names it."""

    field: str | None

class NotFoundError(LookupError):
    """The named ad (or other thing) does not exist; `.field` names it."""

    field: str | None

class EngineError(RuntimeError):
    """An unexpected failure inside the engine (a bug, or FAISS)."""

    field: str | None

class UnavailableError(EngineError):
    """The shared state store (Redis) cannot be reached: nothing was done; retry later."""

def hash_texts(
    texts: list[str],
    *,
    n_features: int = ...,
    ngram_range: tuple[int, int] = ...,
    alternate_sign: bool = True,
    norm: str | None = ...,
    lowercase: bool = True,
    n_jobs: int = 1,
) -> tuple[
    npt.NDArray[np.int32] | npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float64]
]:
    """sklearn-compatible hashing of a batch: CSR arrays `(indptr, indices, data)`,
    `indptr` as int32 when the values fit, int64 otherwise."""

def decode_tc_string(tc: str, *, vendor_id: int | None = None) -> dict[str, Any] | None:
    """Decodes a TCF v2 TC string into what matters for `vendor_id`; None if it does not decode."""

def tokenize(text: str, *, lowercase: bool = True) -> list[str]:
    """Python-compatible tokens of one text (sklearn's default analyzer)."""

def wordpiece_ids(texts: list[str]) -> list[list[int]]:
    """The semantic text model's WordPiece ids of each text (no special tokens)."""

def static_embed(texts: list[str]) -> npt.NDArray[np.float32]:
    """The semantic model's pooled static token embeddings alone: `(n, 64)`, unit rows."""

@final
class SensitiveGuard:
    """The sensitive-category guard (GDPR Art. 9): which special categories a text touches."""

    def __new__(cls, lexicon_tsv: str | None = None) -> SensitiveGuard: ...
    def detect(self, text: str) -> list[str]:
        """Category names the text touches (empty when none), in a fixed order."""
    def detect_many(self, texts: list[str]) -> list[list[str]]:
        """`detect` for many texts at once."""
    def __len__(self) -> int: ...

@final
class ScoredAd:
    """A scored ad, as returned by `Engine.score`."""

    @property
    def ad_id(self) -> str: ...
    @property
    def advertiser(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def bid_cpm(self) -> float: ...
    @property
    def relevance(self) -> float:
        """Cosine similarity between the query and the ad."""
    @property
    def pctr(self) -> float:
        """Estimated click-through rate from the relevance (the pCTR curve)."""
    @property
    def score(self) -> float:
        """eCPM: `bid_cpm * pctr`."""
    @property
    def topics(self) -> list[tuple[int, str]]:
        """Topics (id, path) the user's interest shares with the ad."""
    @property
    def explanation(self) -> str:
        """One sentence a person can read: why this ad."""

@final
class ScoreResult:
    """The result of scoring one chat turn."""

    @property
    def request_id(self) -> str: ...
    @property
    def ads(self) -> list[ScoredAd]: ...
    @property
    def personalization(self) -> str:
        """`PERSONALIZED`, `CONTEXTUAL` or `NONE`."""
    @property
    def reasons(self) -> list[str]: ...
    @property
    def profile_updated(self) -> bool: ...
    @property
    def took_us(self) -> int: ...
    def __len__(self) -> int: ...

@final
class Engine:
    """The engine, shared by every thread of the process."""

    def __new__(
        cls,
        *,
        secret: bytes,
        word_zipf: list[tuple[str, float]] = ...,
        d: int = 64,
        seed: int = 12887981,
        n_features: int = ...,
        ngram_range: tuple[int, int] = ...,
        half_life_s: float = 604800.0,
        session_turns: int = 4,
        session_ttl_s: float = 1800.0,
        freq_cap: int = 2,
        advertiser_cap: int = 4,
        campaign_cap: int = 3,
        freq_cap_window_s: float = 3600.0,
        history_size: int = 50,
        history_ttl_s: float = 604800.0,
        minor_ads: str = ...,
        guard_json: str = ...,
        control_page_url: str = ...,
        index_factory: str = ...,
        ef_search: int = 96,
        ef_construction: int = 80,
        auto_exact_below: int = 20000,
        min_relevance: float = 0.2,
        max_per_advertiser: int = 1,
        profile_weight: float = 0.6,
        context_weight: float = 0.5,
        lexical_weight: float = 0.35,
        pctr: tuple[float, float, float, float] = ...,
        max_message_bytes: int = 16384,
        profile_ttl_s: float = 2592000.0,
        vendor_id: int | None = None,
        gdpr_when_unknown: bool = True,
        contextual_without_consent: bool = False,
        sensitive_turn_ads: str = ...,
        data_dir: str | None = None,
        fault_injection: bool = False,
        snapshot_interval_s: float = 60.0,
        text_model: str = ...,
        text_mix: tuple[float, float, float] = ...,
        redis_url: str | None = None,
        redis_timeout_ms: int = 500,
        redis_wait_replicas: int = 0,
    ) -> Engine: ...
    @property
    def d(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    def score(
        self,
        user_id: str,
        session_id: str,
        message: str,
        *,
        max_ads: int = 5,
        bcat: list[str] = ...,
        badv: list[str] = ...,
        request_id: str = ...,
        gdpr: int | None = None,
        consent: str = ...,
        gpp: str = ...,
        gpp_sid: list[int] = ...,
        coppa: bool = False,
        user_is_minor: bool = False,
        now: float | None = None,
    ) -> ScoreResult:
        """Scores one chat turn (and learns from it, when allowed)."""
    def score_pb(self, request: bytes, *, now: float | None = None) -> bytes:
        """`ScoreRequest` bytes in, `ScoreResponse` bytes out (the gRPC path)."""
    def chat_turn_pb(self, turn: bytes, *, now: float | None = None) -> bytes:
        """`ChatTurn` bytes in, `ScoreResponse` bytes out (one turn of a Chat stream)."""
    def ingest(
        self, user_id: str, session_id: str, message: str, *, now: float | None = None
    ) -> bool:
        """Adds a turn to the profile and session without scoring."""
    def upsert_ads(self, ads: list[Any]) -> int:
        """Inserts or replaces ads given as dicts; all or nothing."""
    def upsert_ads_pb(self, request: bytes) -> bytes: ...
    def delete_ads(self, ad_ids: list[str]) -> int:
        """Deletes ads by id; an unknown id raises `NotFoundError` and deletes nothing."""
    def delete_ads_pb(self, request: bytes) -> bytes: ...
    def get_ad(self, ad_id: str) -> dict[str, Any]: ...
    def get_ad_pb(self, request: bytes) -> bytes: ...
    def embed_texts(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embeds texts into an `(n, d)` float32 array."""
    def search(self, query: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """Raw ANN search: up to `k` (ad_id, inner product) for a query vector."""
    def forget_user(self, user_id: str, *, now: float | None = None) -> bool:
        """Deletes everything held about a user (profile, sessions, counters)."""
    def set_opt_out(self, user_id: str, opted_out: bool, *, now: float | None = None) -> bool:
        """Opts a user out of (or back into) profiling; opting out deletes the profile."""
    def is_opted_out(self, user_id: str) -> bool: ...
    def call_pb(self, method: str, request: bytes, *, now: float | None = None) -> bytes: ...
    def link_call_pb(
        self, token: str, method: str, request: bytes, *, now: float | None = None
    ) -> bytes: ...
    def check_link(self, token: str, *, now: float | None = None) -> None: ...
    def get_profile_pb(self, request: bytes, *, now: float | None = None) -> bytes:
        """`Privacy` service calls: request bytes in, response bytes out."""
    def forget_user_pb(self, request: bytes, *, now: float | None = None) -> bytes: ...
    def set_opt_out_pb(self, request: bytes, *, now: float | None = None) -> bytes: ...
    def explain_ad_pb(self, request: bytes, *, now: float | None = None) -> bytes: ...
    def profile(self, user_id: str, *, now: float | None = None) -> dict[str, Any] | None:
        """What is held about a user, or None."""
    def stats(self) -> dict[str, Any]:
        """Counters: ads, indexed, fresh, rebuilds, index factory, profiles, sessions."""
    def snapshot(self, *, now: float | None = None) -> None:
        """Writes the catalog and profile snapshots now (atomically; no-op without
        a data directory)."""
    def recovery_report(self) -> list[str]:
        """What start-up recovery found: damaged or missing files and fallbacks."""
    def rebuild_index(self, *, full: bool = False) -> None:
        """Folds recent catalog writes into the FAISS index now (normally automatic)."""
    def sweep(self, *, now: float | None = None) -> tuple[int, int]:
        """Drops expired sessions and profiles; returns how many of each."""
    def topics(self) -> list[tuple[int, str]]:
        """Topics taxonomy as (id, path) pairs."""
    def __len__(self) -> int: ...

@final
class ApiKeys:
    """SHA-256 digests of API keys with their roles (`exchange`, `admin`); the keys
    themselves are not kept. A bad entry raises `InvalidArgumentError` naming it."""

    def __new__(cls, entries: list[tuple[str, str]] = ...) -> ApiKeys: ...
    def role_of(self, key: str) -> str | None:
        """The role of `key`, or None (constant time over every digest)."""
    def roles(self) -> list[tuple[str, int]]:
        """How many keys each role has."""
    def __len__(self) -> int: ...

@final
class AdmittedCall:
    """An admitted call of the grpcio transport; `close()` ends it."""

    def close(self) -> None: ...

@final
class ServerRules:
    """The rules every gRPC call passes, whichever transport carries it: keys and
    roles, draining, limits, time budgets, the engine call, error mapping, metrics.
    Results are `(code, details, reply)`, `code` the numeric gRPC status (0 = OK)."""

    def __new__(
        cls,
        engine: Engine,
        *,
        keys: ApiKeys | None = None,
        min_budget_ms: float = 1.0,
        max_in_flight: int = 0,
        max_open_streams: int = 0,
    ) -> ServerRules: ...
    def admit(
        self, method_name: str, authorization: str | None = None
    ) -> tuple[int, str, AdmittedCall | None]:
        """Admits a call: `(0, "", call)` or `(code, details, None)`."""
    def unary(
        self,
        method_name: str,
        request: bytes,
        *,
        waited_s: float = 0.0,
        time_left_s: float | None = None,
    ) -> tuple[int, str, bytes]:
        """One unary call (after `admit`)."""
    def chat_turn(
        self, turn: bytes, *, waited_s: float = 0.0, time_left_s: float | None = None
    ) -> tuple[int, str, bytes]:
        """One turn of a Chat stream."""
    def finish_stream(self, code: int) -> None:
        """Counts a finished Chat stream with the code it ended with."""
    def metrics_text(self) -> str:
        """The Prometheus text of every metric."""
    def start_draining(self) -> None: ...
    def wait_idle(self, timeout_s: float) -> bool:
        """Waits until no call is in flight (True) or `timeout_s` passes (False)."""
    @property
    def busy(self) -> int:
        """Calls in flight plus open Chat streams."""

@final
class NativeServer:
    """The native gRPC server (tonic on tokio); serving once constructed."""

    port: int

    def __new__(
        cls,
        rules: ServerRules,
        *,
        host: str = ...,
        port: int = 0,
        workers: int = 2,
        io_threads: int = 1,
        tls_cert: bytes | None = None,
        tls_key: bytes | None = None,
        tls_client_ca: bytes | None = None,
        max_message_bytes: int = ...,
        keepalive_s: float = 60.0,
        keepalive_timeout_s: float = 20.0,
        max_concurrent_streams: int = 65536,
    ) -> NativeServer: ...
    def set_serving(self, serving: bool) -> None:
        """Health of the server and every service: SERVING or NOT_SERVING."""
    def stop(self, grace_s: float = 0.0) -> None:
        """Stops accepting; open calls get up to `grace_s` seconds, then every
        connection is closed."""

def configure_logging(level: str, format: str) -> None:
    """Level (`DEBUG`...`ERROR`) and format (`text`, `json`) of the data plane's logs."""
