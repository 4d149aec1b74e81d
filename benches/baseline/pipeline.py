"""The chatads pipeline in pure Python: the fair reference for the benchmarks.

Built from what a competent Python engineer would pick, vectorised with numpy
where that pays, and mirroring chatads' semantics (rust/src/engine/,
rust/src/rank/, rust/src/profile/, rust/src/text/) at the level that matters for
cost and relevance:

- **Text.** scikit-learn `HashingVectorizer` with the default token pattern,
  lowercase, `alternate_sign=True`, `n_features = 2**20` (chatads' default), no
  norm. Term weights come from `wordfreq` (English and French, the highest Zipf
  frequency wins) with chatads' ramp `clamp((7.5 - zipf)/3.5, 0, 1)**2`; numbers
  weigh 0.25, unknown words 1. The weights are folded into a fixed sparse signed
  random projection to `d = 64` (4 non-zeros of +-1/2 per hashed column, like
  chatads' `NNZ = 4`), stored as two `(n_features, 4)` arrays (20 MB): embedding
  one message is one gather and one `np.bincount`, which is 10x cheaper than a
  `scipy.sparse` product for a single row (measured). Words of chatads' topic
  lexicon also add 1.5 x their topic's vector (topic vectors lean toward their
  ancestors, as in chatads), so "flight" and "vol" land near each other. Ads are
  embedded the same way from `title + text`, plus 1.5 x each declared topic's
  vector, and every vector is L2-normalised. The random numbers differ from
  chatads' (numpy's generator, not splitmix64), so the spaces are equivalent,
  not identical.
- **Profiles.** A dict of per-user decayed interest vectors keyed by
  HMAC-SHA256(secret, user id): `v <- v * 2**(-dt/half_life) + x` (7-day
  half-life), the 8 strongest decayed topic weights for explanations, frequency
  caps (3 impressions per ad per hour), profile expiry after 30 idle days. Updates
  of one user are serialised by one of 64 striped locks (no global lock).
- **Session context.** The last 4 turns of a session (newest first), dropped
  after 30 idle minutes.
- **Query.** turn + 0.5 x previous turn (halved for each older one) + 0.6 x the
  profile's direction (scaled by its mass up to 1), normalised.
- **ANN.** faiss-cpu with chatads' rule: `IDMap2,Flat` below 20,000 live ads,
  else `IDMap2,HNSW32` with efSearch 64, inner product on L2-normalised vectors;
  `K' = max(10 x max_ads, 64)` candidates. Ads written later are added to the
  index directly; a replaced or deleted ad is removed from a Flat index and
  tombstoned in an HNSW one (rebuilt when a quarter is dead). A writer-preferring
  readers-writer lock keeps faiss writes away from concurrent searches.
- **Ranking.** Drop tombstoned, `bcat`-blocked (with subcategories),
  `badv`-blocked (with subdomains), frequency-capped and, on a personalised
  basis, sensitive ads; relevance floor 0.2; pCTR from the same logistic curve;
  eCPM = bid x pCTR; at most one ad per advertiser; top `max_ads`. The floor, the
  pCTR and the eCPM sort are numpy over the candidates; filters run lazily over the
  candidates in eCPM order, so only the few that can be shown are checked.
- **Explanations.** The ad's topics shared with the interest (turn, context,
  profile topics), the most specific first, in chatads' sentence.

Simplified on purpose (each favours the baseline, which does less work):

- Consent: personalisation and ads are allowed when `gdpr == 0` (or GDPR is not
  assumed when unknown), or when a consent (TC) string or a GPP string is
  present. The TC string is not decoded; no purpose, vendor or publisher
  restriction is checked.
- No Art. 9 sensitive-turn detection on chat turns. Ads are sensitive only from
  their IAB categories (the same table as chatads) and declared
  `sensitive_categories`, not from their text.
- No durable opt-out / forget ledger.
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import faiss
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

F32 = npt.NDArray[np.float32]

#: Non-zeros per hashed column of the projection (chatads' `NNZ`).
NNZ = 4
#: Weight of a lexicon word's topic vector (chatads' `TOPIC_ALPHA`).
TOPIC_ALPHA = 1.5
#: Weight of each topic an ad declares (chatads' `DECLARED_TOPIC_BETA`).
DECLARED_TOPIC_BETA = 1.5
#: Weight of a topic's parent in its vector (chatads' `ANCESTOR_WEIGHT`).
ANCESTOR_WEIGHT = 0.5
ZIPF_CEILING, ZIPF_RAMP, NUMERIC_WEIGHT = 7.5, 3.5, 0.25
PROFILE_TOPICS = 8


@dataclass(frozen=True)
class BaselineConfig:
    """The same knobs and defaults as `chatads.Settings`."""

    d: int = 64
    n_features: int = 2**20
    seed: int = 0x00C4A7AD
    half_life_s: float = 7 * 86400.0
    session_turns: int = 4
    session_ttl_s: float = 1800.0
    profile_ttl_s: float = 30 * 86400.0
    freq_cap: int = 3
    freq_cap_window_s: float = 3600.0
    index_factory: str = "auto"
    ef_search: int = 64
    auto_exact_below: int = 20_000
    max_dead_fraction: float = 0.25
    min_relevance: float = 0.2
    max_per_advertiser: int = 1
    candidates_per_ad: int = 10
    min_candidates: int = 64
    profile_weight: float = 0.6
    context_weight: float = 0.5
    pctr: tuple[float, float, float, float] = (0.001, 0.05, 10.0, 0.5)
    gdpr_when_unknown: bool = True
    contextual_without_consent: bool = False
    max_message_bytes: int = 16 * 1024
    max_id_bytes: int = 256
    max_ads: int = 100
    secret: bytes = b"baseline-secret-0123456789abcdef"


class ScoredAd(NamedTuple):
    ad_id: str
    advertiser: str
    title: str
    text: str
    bid_cpm: float
    relevance: float
    pctr: float
    score: float
    topics: list[tuple[int, str]]
    explanation: str


@dataclass
class ScoreResult:
    request_id: str
    ads: list[ScoredAd]
    personalization: str  # PERSONALIZED | CONTEXTUAL | NONE
    reasons: list[str]
    profile_updated: bool
    took_us: int

    def __len__(self) -> int:
        return len(self.ads)


# ---- topics and text ---------------------------------------------------------------


def _tsv_rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()[1:] if line.strip()]


class TopicSpace:
    """The Topics taxonomy v2, chatads' topic lexicon, and one unit vector per topic
    that leans toward its ancestors (weight 0.5 per level)."""

    def __init__(self, d: int, seed: int, taxonomy_tsv: str, lexicon_tsv: str) -> None:
        rows = [(int(r[0]), r[1].strip()) for r in _tsv_rows(taxonomy_tsv) if len(r) >= 2]
        self.ids = [tid for tid, _ in rows]
        self.paths = [path for _, path in rows]
        self.index_of = {tid: i for i, tid in enumerate(self.ids)}
        by_path = {path: i for i, path in enumerate(self.paths)}
        self.parent = [by_path.get(p.rsplit("/", 1)[0], -1) for p in self.paths]
        # ancestors-or-self of each topic, for "is a an ancestor of b" in O(1)
        self.lineage: list[frozenset[int]] = []
        for i in range(len(rows)):
            chain, cur = [], i
            while cur >= 0:
                chain.append(cur)
                cur = self.parent[cur]
            self.lineage.append(frozenset(chain))
        rng = np.random.default_rng(seed)
        raw = rng.standard_normal((len(rows), d)).astype(np.float32)
        raw /= np.linalg.norm(raw, axis=1, keepdims=True)
        vecs = np.zeros_like(raw)
        for i in range(len(rows)):
            cur, w = i, 1.0
            while cur >= 0:
                vecs[i] += w * raw[cur]
                w *= ANCESTOR_WEIGHT
                cur = self.parent[cur]
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        self.vectors: F32 = vecs
        #: lowercase word -> topic indices
        self.lexicon: dict[str, list[int]] = {}
        for r in _tsv_rows(lexicon_tsv):
            if len(r) >= 3 and int(r[0]) in self.index_of:
                topics = self.lexicon.setdefault(r[2].strip().lower(), [])
                if self.index_of[int(r[0])] not in topics:
                    topics.append(self.index_of[int(r[0])])

    @classmethod
    def builtin(cls, d: int = 64, seed: int = 0x00C4A7AD) -> TopicSpace:
        """The taxonomy and lexicon chatads ships (data only, read from its module)."""
        from chatads import _core

        return cls(d, seed, _core.TAXONOMY_TSV, _core.LEXICON_TSV)

    def __len__(self) -> int:
        return len(self.ids)

    def topic(self, idx: int) -> tuple[int, str]:
        return self.ids[idx], self.paths[idx]


def word_zipf() -> dict[str, float]:
    """Zipf frequency of every word above 4.0 in wordfreq's English and French lists
    (a word common in either language counts as common). Rarer words weigh 1."""
    from wordfreq import get_frequency_dict

    best: dict[str, float] = {}
    for lang in ("en", "fr"):
        for word, freq in get_frequency_dict(lang, wordlist="best").items():
            zipf = math.log10(freq) + 9.0
            if zipf > 4.0 and zipf > best.get(word, 0.0):
                best[word] = zipf
    return best


def _column(word: str, n_features: int) -> tuple[int, float]:
    """sklearn's column and sign of a token."""
    h = murmurhash3_32(word, seed=0)
    return abs(h) % n_features, (1.0 if h >= 0 else -1.0)


class TextEmbedder:
    """HashingVectorizer features -> term weight -> sparse signed projection (+ topic
    vectors of lexicon words) -> L2-normalised `d`-dim vector."""

    def __init__(self, topics: TopicSpace, d: int = 64, n_features: int = 2**20, seed: int = 1):
        if d > 255:
            raise ValueError("d: at most 255 in the baseline (uint8 projection table)")
        self.topics, self.d, self.n_features = topics, d, n_features
        self.vectorizer = HashingVectorizer(
            n_features=n_features, alternate_sign=True, norm=None, dtype=np.float32
        )
        weight = np.ones(n_features, dtype=np.float32)
        for i in range(10, 100_000):  # numbers (2+ digits, the token pattern's minimum)
            weight[_column(str(i), n_features)[0]] = NUMERIC_WEIGHT
        known = np.full(n_features, np.inf, dtype=np.float32)
        for word, zipf in word_zipf().items():
            r = min(max((ZIPF_CEILING - zipf) / ZIPF_RAMP, 0.0), 1.0)
            col = _column(word.lower(), n_features)[0]
            known[col] = min(known[col], r * r)
        weight = np.where(np.isfinite(known), known, weight).astype(np.float32)
        self.weight = weight
        rng = np.random.default_rng(seed)
        #: the projection as a fixed-nnz sparse matrix: column j of row c is
        #: `vals[c, j]` at dimension `dims[c, j]` (a CSR matrix with implicit indptr)
        self.dims = rng.integers(0, d, size=(n_features, NNZ), dtype=np.uint8)
        signs = rng.integers(0, 2, size=(n_features, NNZ), dtype=np.int8) * 2 - 1
        self.vals = (signs * (weight / math.sqrt(NNZ))[:, None]).astype(np.float32)
        # Lexicon words: their column adds alpha * w * topic vector. The hashed value
        # carries the word's sign, so the stored row is multiplied by it once more.
        self.lex_row = np.full(n_features, -1, dtype=np.int32)
        lex_vecs: list[F32] = []
        self.lex_topics: list[list[tuple[int, float]]] = []
        for word, tids in topics.lexicon.items():
            col, sign = _column(word, n_features)
            if self.lex_row[col] >= 0 or weight[col] <= 0:
                continue  # a collision: the first word wins
            w = float(weight[col])
            self.lex_row[col] = len(lex_vecs)
            lex_vecs.append(TOPIC_ALPHA * w * sign * topics.vectors[tids].sum(axis=0))
            self.lex_topics.append([(t, w * sign) for t in tids])
        self.lex_vecs: F32 = np.asarray(lex_vecs, dtype=np.float32).reshape(-1, d)

    def embed(self, text: str) -> tuple[F32 | None, dict[int, float]]:
        """One chat turn: (normalised vector or None when nothing informative, topic hits)."""
        x = self.vectorizer.transform([text])
        cols, vals = x.indices, x.data
        hits: dict[int, float] = {}
        if not len(cols):
            return None, hits
        v = np.bincount(self.dims[cols].ravel(), (self.vals[cols] * vals[:, None]).ravel(), self.d)
        rows = self.lex_row[cols]
        lex = np.flatnonzero(rows >= 0)
        if len(lex):
            rows, hv = rows[lex], vals[lex]
            v += hv @ self.lex_vecs[rows]
            for r, c in zip(rows.tolist(), hv.tolist(), strict=True):
                for t, w in self.lex_topics[r]:
                    hits[t] = hits.get(t, 0.0) + c * w
        n = math.sqrt(float(v @ v))
        if n <= 1e-6:
            return None, hits
        return (v / n).astype(np.float32), hits

    def embed_ads(self, texts: Sequence[str], declared: Sequence[Sequence[int]]) -> F32:
        """Many ads at once: `(n, d)` rows, normalised (a zero row when there is
        nothing to match on). `declared` holds topic indices."""
        n, d = len(texts), self.d
        x = self.vectorizer.transform(texts)
        cols, vals = x.indices, x.data
        doc = np.repeat(np.arange(n), np.diff(x.indptr))
        flat = (doc[:, None] * d + self.dims[cols]).ravel()
        out = np.bincount(flat, (self.vals[cols] * vals[:, None]).ravel(), n * d).reshape(n, d)
        rows = self.lex_row[cols]
        lex = np.flatnonzero(rows >= 0)
        if len(lex):
            m = sp.csr_matrix((vals[lex], (doc[lex], rows[lex])), shape=(n, len(self.lex_vecs)))
            out += m @ self.lex_vecs
        counts = [len(t) for t in declared]
        if sum(counts):
            m = sp.csr_matrix(
                (
                    np.full(sum(counts), DECLARED_TOPIC_BETA, dtype=np.float32),
                    (np.repeat(np.arange(n), counts), [t for ts in declared for t in ts]),
                ),
                shape=(n, len(self.topics)),
            )
            out += m @ self.topics.vectors
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 1e-6)
        return out.astype(np.float32)


# ---- catalog -----------------------------------------------------------------------


class RWLock:
    """Many readers or one writer; a waiting writer holds new readers back."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False
        self._waiting = 0

    def acquire_read(self) -> None:
        with self._cond:
            while self._writer or self._waiting:
                self._cond.wait()
            self._readers += 1

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    def acquire_write(self) -> None:
        with self._cond:
            self._waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writer = True

    def release_write(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()


#: Art. 9 categories implied by IAB 1.0 codes (chatads' `sensitive_iab`).
def _sensitive_iab(categories: Sequence[str]) -> bool:
    exercise = "IAB7-1" in categories
    for c in categories:
        tier1 = c.split("-", 1)[0]
        if tier1 == "IAB7" and c != "IAB7-1" and not (c == "IAB7" and exercise):
            return True
        if c in ("IAB11-4", "IAB14-1", "IAB14-3", "IAB14-8") or tier1 == "IAB23":
            return True
    return False


def normalize_domain(s: str) -> str:
    """Lowercase, no scheme, no `www.`, no path (chatads' `normalize_domain`)."""
    s = s.strip().lower()
    if "://" in s:
        s = s.split("://", 1)[1]
    for sep in "/?#":
        s = s.split(sep, 1)[0]
    return s.removeprefix("www.").rstrip(".")


@dataclass(slots=True)
class AdRecord:
    ad_id: str
    advertiser: str
    title: str
    text: str
    categories: tuple[str, ...]
    topics: tuple[int, ...]
    topic_idx: tuple[int, ...]
    bid_cpm: float
    sensitive: bool
    tags: tuple[str, ...] = ()


class Catalog:
    """Ads by slot, a faiss index over their vectors, and tombstones."""

    def __init__(self, cfg: BaselineConfig) -> None:
        self.cfg, self.d = cfg, cfg.d
        self.lock = RWLock()
        self.by_id: dict[str, int] = {}
        self.records: list[AdRecord | None] = []
        self.bids = np.zeros(0, dtype=np.float64)
        self.live = np.zeros(0, dtype=bool)
        self.vectors = np.zeros((0, cfg.d), dtype=np.float32)
        self.index: Any = None
        self.factory = ""
        self.dead_in_index = 0
        self.rebuilds = 0

    def __len__(self) -> int:
        return len(self.by_id)

    def factory_for(self, n: int) -> str:
        if self.cfg.index_factory != "auto":
            return self.cfg.index_factory
        return "IDMap2,Flat" if n < self.cfg.auto_exact_below else "IDMap2,HNSW32"

    def _new_index(self, factory: str) -> Any:
        index = faiss.index_factory(self.d, factory, faiss.METRIC_INNER_PRODUCT)
        if "HNSW" in factory:
            faiss.ParameterSpace().set_index_parameter(index, "efSearch", self.cfg.ef_search)
        return index

    def _grow(self, n: int) -> None:
        if n <= len(self.live):
            return
        cap = max(n, 2 * len(self.live), 1024)
        for name in ("bids", "live", "vectors"):
            old = getattr(self, name)
            new = np.zeros((cap, *old.shape[1:]), dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def _rebuild(self, factory: str) -> None:
        slots = np.flatnonzero(self.live[: len(self.records)]).astype(np.int64)
        index = self._new_index(factory)
        if len(slots):
            index.add_with_ids(self.vectors[slots], slots)
        self.index, self.factory, self.dead_in_index = index, factory, 0
        self.rebuilds += 1

    def upsert(self, records: Sequence[AdRecord], vectors: F32) -> None:
        self.lock.acquire_write()
        try:
            old = [self.by_id[r.ad_id] for r in records if r.ad_id in self.by_id]
            self._kill(old)
            start = len(self.records)
            slots = np.arange(start, start + len(records), dtype=np.int64)
            self._grow(start + len(records))
            self.records.extend(records)
            self.bids[slots] = [r.bid_cpm for r in records]
            self.live[slots] = True
            self.vectors[slots] = vectors
            for r, s in zip(records, slots.tolist(), strict=True):
                self.by_id[r.ad_id] = s
            factory = self.factory_for(len(self.by_id))
            if self.index is None or factory != self.factory:
                self._rebuild(factory)
            else:
                self.index.add_with_ids(vectors, slots)
            self._maybe_compact()
        finally:
            self.lock.release_write()

    def delete(self, ad_ids: Iterable[str]) -> int:
        self.lock.acquire_write()
        try:
            slots = [self.by_id.pop(a) for a in ad_ids if a in self.by_id]
            self._kill(slots, popped=True)
            self._maybe_compact()
            return len(slots)
        finally:
            self.lock.release_write()

    def _kill(self, slots: list[int], popped: bool = False) -> None:
        if not slots:
            return
        for s in slots:
            rec = self.records[s]
            if not popped and rec is not None:
                self.by_id.pop(rec.ad_id, None)
            self.records[s] = None
        self.live[slots] = False
        if "HNSW" in self.factory:  # HNSW cannot remove ids: tombstones
            self.dead_in_index += len(slots)
        elif self.index is not None:
            self.index.remove_ids(np.asarray(slots, dtype=np.int64))

    def _maybe_compact(self) -> None:
        total = self.index.ntotal if self.index is not None else 0
        if total > 1000 and self.dead_in_index > self.cfg.max_dead_fraction * total:
            self._rebuild(self.factory_for(len(self.by_id)))

    def search(self, query: F32, k: int) -> tuple[npt.NDArray[np.int64], F32]:
        """Live (slots, inner products), best first."""
        self.lock.acquire_read()
        try:
            if self.index is None or not self.index.ntotal:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            sims, labels = self.index.search(query.reshape(1, -1), k)
            labels, sims = labels[0], sims[0]
            ok = labels >= 0
            labels, sims = labels[ok], sims[ok]
            ok = self.live[labels]
            return labels[ok], sims[ok]
        finally:
            self.lock.release_read()


# ---- profiles and sessions ---------------------------------------------------------


@dataclass(slots=True)
class Profile:
    vector: F32
    updated_at: float
    created_at: float
    turns: int = 0
    topics: dict[int, float] = field(default_factory=dict)
    #: ad id -> [impressions, window start]
    caps: dict[str, list[float]] = field(default_factory=dict)


@dataclass(slots=True)
class Session:
    owner: bytes
    turns: deque[tuple[F32, dict[int, float]]]
    last_seen: float


# ---- the pipeline ------------------------------------------------------------------


def _check_id(name: str, value: str, limit: int) -> None:
    if not value.strip():
        raise ValueError(f"{name}: must not be empty")
    if len(value) > limit // 4 and len(value.encode()) > limit:
        raise ValueError(f"{name}: is longer than {limit} bytes")


def _explain(topics: list[tuple[int, str]], personalized: bool, relevance: float) -> str:
    if not topics:
        source = "your recent conversations" if personalized else "this conversation"
        return f"Shown because words in {source} match this ad's text (relevance {relevance:.2f})."
    whose = "your recent conversations are" if personalized else "this conversation is"
    names = " and ".join(path.lstrip("/").replace("/", " > ") for _, path in topics)
    return f"Shown because {whose} about {names}, and so is this ad (relevance {relevance:.2f})."


class BaselinePipeline:
    """One chat turn end to end, in-process: `ingest`, `score`, `upsert_ads`, `search`.

    Thread-safe: the grpcio server calls it from its worker threads.
    """

    def __init__(
        self,
        config: BaselineConfig | None = None,
        *,
        topics: TopicSpace | None = None,
        embedder: TextEmbedder | None = None,
    ) -> None:
        self.cfg = cfg = config or BaselineConfig()
        self.topics = topics or TopicSpace.builtin(cfg.d, cfg.seed)
        self.embedder = embedder or TextEmbedder(self.topics, cfg.d, cfg.n_features, cfg.seed + 1)
        self.catalog = Catalog(cfg)
        self.profiles: dict[bytes, Profile] = {}
        self.sessions: dict[bytes, Session] = {}
        self._stripes = [threading.Lock() for _ in range(64)]
        floor, top, slope, mid = cfg.pctr
        self._pctr = (floor, top - floor, slope, mid)

    # ---- keys and profiles ----------------------------------------------------------

    def _user_key(self, user_id: str) -> bytes:
        return hmac.digest(self.cfg.secret, b"user\0" + user_id.encode(), "sha256")[:16]

    def _session_key(self, user_id: str, session_id: str) -> bytes:
        msg = b"session\0" + user_id.encode() + b"\0" + session_id.encode()
        return hmac.digest(self.cfg.secret, msg, "sha256")[:16]

    def _decay(self, dt: float) -> float:
        return 1.0 if dt <= 0 else 2.0 ** (-dt / self.cfg.half_life_s)

    def _learn(
        self, user: bytes, session: bytes, vec: F32, hits: dict[int, float], now: float
    ) -> None:
        cfg = self.cfg
        with self._stripes[user[0] & 63]:
            p = self.profiles.get(user)
            if p is None or now - p.updated_at > cfg.profile_ttl_s:
                p = self.profiles[user] = Profile(np.zeros(cfg.d, np.float32), now, now)
            f = self._decay(now - p.updated_at)
            p.vector *= f
            p.vector += vec
            topics = {t: w * f for t, w in p.topics.items()}
            total = sum(hits.values())
            if total > 0:
                for t, w in hits.items():
                    topics[t] = topics.get(t, 0.0) + w / total
                if len(topics) > PROFILE_TOPICS:
                    strongest = sorted(topics.items(), key=lambda e: -e[1])[:PROFILE_TOPICS]
                    topics = dict(strongest)
            p.topics = topics
            p.updated_at = max(p.updated_at, now)
            p.turns += 1
        s = self.sessions.get(session)
        if s is None:
            s = self.sessions[session] = Session(user, deque(maxlen=cfg.session_turns), now)
        s.last_seen = now
        s.turns.appendleft((vec, hits))

    def ingest(
        self, user_id: str, session_id: str, message: str, *, now: float | None = None
    ) -> bool:
        """Add a turn to the profile and the session without scoring; True if it was used."""
        _check_id("user_id", user_id, self.cfg.max_id_bytes)
        _check_id("session_id", session_id, self.cfg.max_id_bytes)
        if len(message) > self.cfg.max_message_bytes // 4 and (
            len(message.encode()) > self.cfg.max_message_bytes
        ):
            raise ValueError(f"message: is longer than {self.cfg.max_message_bytes} bytes")
        vec, hits = self.embedder.embed(message)
        if vec is None:
            return False
        now = time.time() if now is None else now
        self._learn(self._user_key(user_id), self._session_key(user_id, session_id), vec, hits, now)
        return True

    def profile(self, user_id: str, *, now: float | None = None) -> dict[str, Any] | None:
        """The decayed interest vector and topic weights held for a user."""
        now = time.time() if now is None else now
        p = self.profiles.get(self._user_key(user_id))
        if p is None or now - p.updated_at > self.cfg.profile_ttl_s:
            return None
        f = self._decay(now - p.updated_at)
        return {
            "vector": p.vector * f,
            "topics": [(self.topics.ids[t], w * f) for t, w in p.topics.items()],
            "updated_at": p.updated_at,
            "turns": p.turns,
        }

    # ---- scoring --------------------------------------------------------------------

    def score(
        self,
        user_id: str,
        session_id: str,
        message: str,
        *,
        max_ads: int = 5,
        bcat: Sequence[str] = (),
        badv: Sequence[str] = (),
        request_id: str = "",
        gdpr: int | None = None,
        consent: str = "",
        gpp: str = "",
        coppa: bool = False,
        user_is_minor: bool = False,
        now: float | None = None,
    ) -> ScoreResult:
        """Learn from one chat turn (when allowed) and return ranked, explained ads."""
        started = time.perf_counter()
        cfg = self.cfg
        _check_id("user_id", user_id, cfg.max_id_bytes)
        _check_id("session_id", session_id, cfg.max_id_bytes)
        if len(message) > cfg.max_message_bytes // 4 and (
            len(message.encode()) > cfg.max_message_bytes
        ):
            raise ValueError(f"message: is longer than {cfg.max_message_bytes} bytes")
        if not 1 <= max_ads <= cfg.max_ads:
            raise ValueError(f"max_ads: must be in 1..={cfg.max_ads}, got {max_ads}")
        if gdpr not in (None, 0, 1):
            raise ValueError(f"regs.gdpr: must be 0 or 1, got {gdpr}")
        now = time.time() if now is None else now

        reasons: list[str] = []
        gdpr_applies = gdpr == 1 or (gdpr is None and cfg.gdpr_when_unknown)
        consented = not gdpr_applies or bool(consent) or bool(gpp)
        if not consented:
            reasons.append("gdpr_no_consent_string")
        if coppa:
            reasons.append("coppa")
        if user_is_minor:
            reasons.append("minor")
        personal = consented and not coppa and not user_is_minor
        may_serve = consented or cfg.contextual_without_consent

        def done(ads: list[ScoredAd], basis: str, learned: bool) -> ScoreResult:
            took = int((time.perf_counter() - started) * 1e6)
            return ScoreResult(request_id, ads, basis, reasons, learned, took)

        vec, hits = self.embedder.embed(message)
        user = self._user_key(user_id)
        session = self._session_key(user_id, session_id)
        context: list[tuple[F32, dict[int, float]]] = []
        pvec: F32 | None = None
        ptopics: list[tuple[int, float]] = []
        if personal:
            s = self.sessions.get(session)
            if s is not None and now - s.last_seen <= cfg.session_ttl_s:
                context = list(s.turns)
            prof = self.profiles.get(user)
            if prof is not None and now - prof.updated_at <= cfg.profile_ttl_s:
                f = self._decay(now - prof.updated_at)  # a snapshot, before this turn
                pvec = prof.vector * f
                ptopics = [(t, w * f) for t, w in prof.topics.items()]
        learned = personal and vec is not None
        if learned:
            self._learn(user, session, vec, hits, now)  # type: ignore[arg-type]
        if not may_serve:
            return done([], "NONE", learned)

        # The query: turn + decaying context + the profile's direction.
        query = np.zeros(cfg.d, dtype=np.float32)
        interest: dict[int, float] = {}
        if vec is not None:
            query += vec
            interest.update(hits)
        personalized = False
        if context:
            w = cfg.context_weight * 0.5 ** np.arange(len(context), dtype=np.float32)
            query += w @ np.stack([c[0] for c in context])
            for wi, (_, h) in zip(w.tolist(), context, strict=True):
                for t, x in h.items():
                    interest[t] = interest.get(t, 0.0) + wi * x
            personalized = True
        if pvec is not None:
            mass = math.sqrt(float(pvec @ pvec))
            if mass > 1e-6:
                w = cfg.profile_weight * min(mass, 1.0)
                query += (w / mass) * pvec
                total = max(sum(x for _, x in ptopics), 1e-6)
                for t, x in ptopics:
                    interest[t] = interest.get(t, 0.0) + w * x / total
                personalized = True
        n = math.sqrt(float(query @ query))
        if n <= 1e-6:
            reasons.append("no_context")
            return done([], "NONE", learned)
        query /= n

        # Candidates, eCPM, then filters in eCPM order until max_ads are chosen.
        k = max(max_ads * cfg.candidates_per_ad, cfg.min_candidates)
        slots, sims = self.catalog.search(query, k)
        keep = sims >= cfg.min_relevance
        slots, sims = slots[keep], sims[keep]
        floor, span, slope, mid = self._pctr
        pctr = floor + span / (1.0 + np.exp(-slope * (sims - mid)))
        ecpm = self.catalog.bids[slots] * pctr
        order = np.argsort(-ecpm, kind="stable")
        bcat_n = [c.strip().upper() for c in bcat if c.strip()]
        badv_n = [d for d in (normalize_domain(a) for a in badv) if d]
        prof = self.profiles.get(user) if personal and cfg.freq_cap > 0 else None
        caps = None if prof is None else prof.caps
        records = self.catalog.records
        chosen: list[tuple[AdRecord, int]] = []
        per_adv: dict[str, int] = {}
        for i in order.tolist():
            rec = records[slots[i]]
            if rec is None:
                continue
            if personalized and rec.sensitive:
                continue
            if cfg.max_per_advertiser and per_adv.get(rec.advertiser, 0) >= (
                cfg.max_per_advertiser
            ):
                continue
            if caps is not None:
                c = caps.get(rec.ad_id)
                if c is not None and c[0] >= cfg.freq_cap and now - c[1] < cfg.freq_cap_window_s:
                    continue
            if bcat_n and any(
                c == b or c.startswith(b + "-") for c in rec.categories for b in bcat_n
            ):
                continue
            if badv_n and any(
                rec.advertiser == b or rec.advertiser.endswith("." + b) for b in badv_n
            ):
                continue
            chosen.append((rec, i))
            per_adv[rec.advertiser] = per_adv.get(rec.advertiser, 0) + 1
            if len(chosen) == max_ads:
                break
        if not chosen:
            reasons.append("no_relevant_ads")
        if learned and caps is not None:
            window = cfg.freq_cap_window_s
            with self._stripes[user[0] & 63]:
                for rec, _ in chosen:
                    c = caps.get(rec.ad_id)
                    if c is None or now - c[1] >= window:
                        caps[rec.ad_id] = [1, now]
                    else:
                        c[0] += 1
        if personal and not personalized:
            reasons.append("no_profile_yet")
        basis = "NONE" if not chosen else ("PERSONALIZED" if personalized else "CONTEXTUAL")
        ranked_interest = sorted(interest.items(), key=lambda e: -e[1])
        ads = []
        for rec, i in chosen:
            rel = float(sims[i])
            shared = self._shared_topics(ranked_interest, rec.topic_idx)
            ads.append(
                ScoredAd(
                    rec.ad_id,
                    rec.advertiser,
                    rec.title,
                    rec.text,
                    rec.bid_cpm,
                    rel,
                    float(pctr[i]),
                    float(ecpm[i]),
                    shared,
                    _explain(shared, basis == "PERSONALIZED", rel),
                )
            )
        return done(ads, basis, learned)

    def _shared_topics(
        self, interest: list[tuple[int, float]], ad_topics: tuple[int, ...], top: int = 3
    ) -> list[tuple[int, str]]:
        """The ad's topics the interest shares (the more general one when one is the
        other's ancestor), strongest first, keeping the most specific."""
        lineage = self.topics.lineage
        shared: dict[int, float] = {}
        for u, w in interest:
            for a in ad_topics:
                if a in lineage[u]:
                    shared[a] = shared.get(a, 0.0) + w
                elif u in lineage[a]:
                    shared[u] = shared.get(u, 0.0) + w
        if not shared:
            return []
        ids = sorted(shared, key=lambda t: -shared[t])
        kept = [t for t in ids if not any(o != t and t in lineage[o] for o in ids)]
        return [self.topics.topic(t) for t in kept[:top]]

    # ---- catalog --------------------------------------------------------------------

    def upsert_ads(self, ads: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace ads (dicts with the fields of `chatads.v1.Ad`). All or
        nothing: every ad is validated before any is stored."""
        cfg = self.cfg
        records: list[AdRecord] = []
        given: dict[int, F32] = {}
        seen: set[str] = set()
        for i, ad in enumerate(ads):
            ad_id, adv = str(ad.get("ad_id", "")), str(ad.get("advertiser", ""))
            _check_id(f"ads[{i}].ad_id", ad_id, cfg.max_id_bytes)
            _check_id(f"ads[{i}].advertiser", adv, cfg.max_id_bytes)
            if ad_id in seen:
                raise ValueError(f"ads[{i}].ad_id: {ad_id!r} appears twice in the batch")
            seen.add(ad_id)
            bid = float(ad.get("bid_cpm", 0.0))
            if not (math.isfinite(bid) and 0.0 <= bid <= 10_000.0):
                raise ValueError(f"ads[{i}].bid_cpm: must be a finite number in [0, 10000]")
            idx = []
            for j, t in enumerate(ad.get("topics", ())):
                if int(t) not in self.topics.index_of:
                    raise ValueError(f"ads[{i}].topics[{j}]: {t} is not a Topics v2 id")
                idx.append(self.topics.index_of[int(t)])
            cats = tuple(c.strip().upper() for c in ad.get("categories", ()))
            emb = ad.get("embedding")
            if emb is not None and len(emb):
                v = np.asarray(emb, dtype=np.float32).ravel()
                if v.shape != (cfg.d,) or not np.isfinite(v).all():
                    raise ValueError(f"ads[{i}].embedding: must be {cfg.d} finite numbers")
                n = float(np.linalg.norm(v))
                if n <= 1e-12:
                    raise ValueError(f"ads[{i}].embedding: is the zero vector")
                given[i] = v / n
            records.append(
                AdRecord(
                    ad_id,
                    normalize_domain(adv),
                    str(ad.get("title", "")),
                    str(ad.get("text", "")),
                    cats,
                    tuple(int(t) for t in ad.get("topics", ())),
                    tuple(idx),
                    bid,
                    _sensitive_iab(cats) or bool(ad.get("sensitive_categories")),
                    tuple(ad.get("tags", ())),
                )
            )
        if not records:
            return 0
        todo = [i for i in range(len(records)) if i not in given]
        vectors = np.zeros((len(records), cfg.d), dtype=np.float32)
        if todo:
            vectors[todo] = self.embedder.embed_ads(
                [records[i].title + "\n" + records[i].text for i in todo],
                [records[i].topic_idx for i in todo],
            )
            empty = np.flatnonzero(~vectors[todo].any(axis=1))
            if len(empty):
                raise ValueError(
                    f"ads[{todo[empty[0]]}].text: title, text and topics carry nothing to match on"
                )
        for i, v in given.items():
            vectors[i] = v
        self.catalog.upsert(records, vectors)
        return len(records)

    def delete_ads(self, ad_ids: Iterable[str]) -> int:
        ids = list(ad_ids)
        for i, a in enumerate(ids):
            if a not in self.catalog.by_id:
                raise LookupError(f"ad_ids[{i}]: no ad {a!r} in the catalog")
        return self.catalog.delete(ids)

    def get_ad(self, ad_id: str) -> AdRecord:
        slot = self.catalog.by_id.get(ad_id)
        rec = None if slot is None else self.catalog.records[slot]
        if rec is None:
            raise LookupError(f"ad_id: no ad {ad_id!r} in the catalog")
        return rec

    def search(self, query: npt.ArrayLike, k: int = 10) -> list[tuple[str, float]]:
        """Raw ANN lookup: the `k` live ads nearest to a `d`-dimensional query."""
        q = np.ascontiguousarray(query, dtype=np.float32).ravel()
        slots, sims = self.catalog.search(q, k)
        recs = self.catalog.records
        pairs = zip(slots.tolist(), sims.tolist(), strict=True)
        return [(recs[s].ad_id, float(x)) for s, x in pairs]  # type: ignore[union-attr]

    def sweep(self, now: float | None = None) -> tuple[int, int]:
        """Drop idle sessions and expired profiles; returns how many of each went."""
        now = time.time() if now is None else now
        s0, p0 = len(self.sessions), len(self.profiles)
        for k, s in list(self.sessions.items()):
            if now - s.last_seen > self.cfg.session_ttl_s:
                self.sessions.pop(k, None)
        for k, p in list(self.profiles.items()):
            if now - p.updated_at > self.cfg.profile_ttl_s:
                self.profiles.pop(k, None)
        return s0 - len(self.sessions), p0 - len(self.profiles)

    def stats(self) -> dict[str, Any]:
        c = self.catalog
        return {
            "ads": len(c),
            "indexed": 0 if c.index is None else int(c.index.ntotal),
            "dead_in_index": c.dead_in_index,
            "rebuilds": c.rebuilds,
            "index_factory": c.factory,
            "profiles": len(self.profiles),
            "sessions": len(self.sessions),
        }

    def __len__(self) -> int:
        return len(self.catalog)
