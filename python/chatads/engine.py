"""`chatads.Engine`: the whole engine in-process, with numpy arrays in and out."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from google.protobuf.message import Message

from chatads import _core
from chatads._weights import word_zipf
from chatads.config import Settings
from chatads.hashing import hash_text
from chatads.v1 import chatads_pb2

log = logging.getLogger("chatads.engine")

M = TypeVar("M", bound=Message)

ScoreResult = _core.ScoreResult
ScoredAd = _core.ScoredAd


class Engine:
    """Scores ads for chat turns: the same engine the gRPC server runs.

    >>> engine = Engine()
    >>> engine.load_demo_catalog()
    6000
    >>> result = engine.score("user-1", "session-1", "Any tips for cheap flights to Lisbon?")
    >>> result.personalization, [ad.ad_id for ad in result.ads][:1]  # doctest: +SKIP
    ('PERSONALIZED', ['demo-001234'])

    Keyword arguments override `Settings` fields (or pass `settings=`).
    Methods release the GIL while the Rust core works, so threads scale.
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        if settings is None:
            settings = Settings(**overrides)
        elif overrides:
            settings = settings.model_copy(update=overrides)
        self.settings = settings
        if settings.redis_url and settings.secret is None:
            raise ValueError(
                "redis_url: replicas that share state must hash user ids with the same key; "
                "set secret (CHATADS_SECRET) to the same value on every replica"
            )
        if settings.secret is None and settings.data_dir is None:
            log.info("no secret and no data_dir: user keys are random for this process")
        self._core = _core.Engine(
            secret=settings.secret_bytes(),
            word_zipf=word_zipf(),
            d=settings.embedding_dim(),
            seed=settings.seed,
            n_features=settings.n_features,
            ngram_range=settings.ngram_range,
            half_life_s=settings.half_life_s,
            session_turns=settings.session_turns,
            session_ttl_s=settings.session_ttl_s,
            freq_cap=settings.freq_cap,
            advertiser_cap=settings.advertiser_cap,
            campaign_cap=settings.campaign_cap,
            freq_cap_window_s=settings.freq_cap_window_s,
            history_size=settings.history_size,
            history_ttl_s=settings.history_ttl_s,
            minor_ads=settings.minor_ads,
            guard_json=settings.guard_json(),
            control_page_url=settings.control_page_url(),
            index_factory=settings.index_factory,
            ef_search=settings.ef_search,
            ef_construction=settings.ef_construction,
            auto_exact_below=settings.auto_exact_below,
            min_relevance=settings.min_relevance,
            max_per_advertiser=settings.max_per_advertiser,
            profile_weight=settings.profile_weight,
            context_weight=settings.context_weight,
            lexical_weight=settings.lexical_weight,
            pctr=settings.pctr,
            max_message_bytes=settings.max_message_bytes,
            profile_ttl_s=settings.profile_ttl_s,
            vendor_id=settings.vendor_id,
            gdpr_when_unknown=settings.gdpr_when_unknown,
            contextual_without_consent=settings.contextual_without_consent,
            sensitive_turn_ads=settings.sensitive_turn_ads,
            data_dir=None if settings.data_dir is None else str(settings.data_dir.expanduser()),
            fault_injection=settings.fault_injection,
            snapshot_interval_s=settings.snapshot_interval_s,
            text_model=settings.text_model,
            text_mix=settings.text_mix,
            redis_url=settings.redis_url,
            redis_timeout_ms=settings.redis_timeout_ms,
            redis_wait_replicas=settings.redis_wait_replicas,
        )
        for problem in self._core.recovery_report():
            log.warning("recovery: %s", problem)

    # ---- properties -------------------------------------------------------------

    @property
    def d(self) -> int:
        """Dimension of the embedding space."""
        return self._core.d

    @property
    def core(self) -> _core.Engine:
        """The Rust engine (bytes-in/bytes-out methods for servers)."""
        return self._core

    def __len__(self) -> int:
        return len(self._core)

    # ---- chat turns -------------------------------------------------------------

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
        gpp_sid: Sequence[int] = (),
        coppa: bool = False,
        user_is_minor: bool = False,
        now: float | None = None,
    ) -> _core.ScoreResult:
        """Learn from one chat turn (when allowed) and return ranked, explained ads.

        `bcat` blocks IAB categories (and their subcategories), `badv` advertiser
        domains (and their subdomains). `gdpr`, `consent` (a TCF v2 TC string),
        `gpp`/`gpp_sid`, `coppa` and `user_is_minor` have their OpenRTB meanings
        and decide what may be used (see the README's privacy section); the
        result's `personalization` and `reasons` say what was. `now` (Unix
        seconds) is for tests and replays.
        """
        return self._core.score(
            user_id,
            session_id,
            message,
            max_ads=max_ads,
            bcat=list(bcat),
            badv=list(badv),
            request_id=request_id,
            gdpr=gdpr,
            consent=consent,
            gpp=gpp,
            gpp_sid=list(gpp_sid),
            coppa=coppa,
            user_is_minor=user_is_minor,
            now=now,
        )

    def ingest(
        self, user_id: str, session_id: str, message: str, *, now: float | None = None
    ) -> bool:
        """Add a turn to the user's profile and session without scoring; True if it was used."""
        if now is None:  # no keyword to parse on the common call
            return self._core.ingest(user_id, session_id, message)
        return self._core.ingest(user_id, session_id, message, now=now)

    # ---- catalog ----------------------------------------------------------------

    def upsert_ads(self, ads: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace ads (dicts with the fields of `chatads.v1.Ad`).

        All or nothing: one bad ad raises `InvalidArgumentError` naming it
        (`ads[3].bid_cpm: ...`) and nothing is stored.
        """
        batch = ads if isinstance(ads, list) else list(ads)
        return self._core.upsert_ads(batch)

    def delete_ads(self, ad_ids: Iterable[str]) -> int:
        """Delete ads; an unknown id raises `NotFoundError` and deletes nothing."""
        return self._core.delete_ads(list(ad_ids))

    def get_ad(self, ad_id: str) -> dict[str, Any]:
        """The stored ad, with its (normalised) embedding as a numpy array."""
        return self._core.get_ad(ad_id)

    def load_demo_catalog(self, n: int | None = None) -> int:
        """Upsert the built-in, deterministic demo catalog; returns its size."""
        from chatads.demo_catalog import generate_demo_ads

        ads = generate_demo_ads(self.settings.demo_catalog_size if n is None else n)
        return self._core.upsert_ads(ads)

    def search(self, query: npt.ArrayLike, k: int = 10) -> list[tuple[str, float]]:
        """Raw ANN lookup: the `k` ads nearest to a `d`-dimensional query vector."""
        q = np.ascontiguousarray(query, dtype=np.float32).ravel()
        return self._core.search(q, k)

    def snapshot(self) -> None:
        """Write the catalog and profile snapshots to `data_dir` now, atomically
        (the engine also does it every `snapshot_interval_s`); no-op without one."""
        self._core.snapshot()

    def recovery_report(self) -> list[str]:
        """What start-up recovery found in `data_dir`: damaged files, fallbacks."""
        return self._core.recovery_report()

    def rebuild_index(self, *, full: bool = False) -> None:
        """Fold recent catalog writes into the FAISS index now (normally automatic)."""
        self._core.rebuild_index(full=full)

    # ---- users ------------------------------------------------------------------

    def forget_user(self, user_id: str) -> bool:
        """Delete the user's profile, sessions and counters at once, durably (with a
        `data_dir`); True if anything was held (GDPR Art. 17)."""
        return self._core.forget_user(user_id)

    def set_opt_out(self, user_id: str, opted_out: bool = True) -> bool:
        """Opt a user out of profiling (the profile is deleted and stays off) or back in."""
        return self._core.set_opt_out(user_id, opted_out)

    def profile_report(self, user_id: str) -> chatads_pb2.ProfileReport:
        """What is held about a user, with a summary a person can read (GDPR Art. 15)."""
        req = chatads_pb2.GetProfileRequest(user_id=user_id).SerializeToString()
        report: chatads_pb2.ProfileReport = chatads_pb2.ProfileReport.FromString(
            self._core.get_profile_pb(req)
        )
        return report

    def explain_ad(self, user_id: str, ad_id: str) -> chatads_pb2.AdExplanation:
        """Why this ad for this user, and how to change it (DSA Art. 26(1)(d))."""
        req = chatads_pb2.ExplainAdRequest(user_id=user_id, ad_id=ad_id).SerializeToString()
        explanation: chatads_pb2.AdExplanation = chatads_pb2.AdExplanation.FromString(
            self._core.explain_ad_pb(req)
        )
        return explanation

    # ---- user controls (the same calls as the Privacy service) -----------------

    def controls(self, user_id: str) -> chatads_pb2.UserControls:
        """The user's controls: personalisation level, hidden ads, blocked topics."""
        return _call(
            self._core,
            "GetControls",
            chatads_pb2.GetControlsRequest(user_id=user_id),
            chatads_pb2.UserControls,
        )

    def hide_ad(
        self, user_id: str, ad_id: str, *, whole_advertiser: bool = False
    ) -> chatads_pb2.UserControls:
        """Never show this ad (or every ad of its advertiser) to the user again."""
        req = chatads_pb2.HideAdRequest(
            user_id=user_id, ad_id=ad_id, whole_advertiser=whole_advertiser
        )
        return _call(self._core, "HideAd", req, chatads_pb2.UserControls)

    def unhide_ad(
        self, user_id: str, *, ad_id: str = "", advertiser: str = ""
    ) -> chatads_pb2.UserControls:
        """Undo `hide_ad` for an ad id or an advertiser."""
        req = chatads_pb2.UnhideAdRequest(user_id=user_id, ad_id=ad_id, advertiser=advertiser)
        return _call(self._core, "UnhideAd", req, chatads_pb2.UserControls)

    def block_topic(self, user_id: str, topic_id: int) -> chatads_pb2.UserControls:
        """Block a Topics-taxonomy topic and its subtopics for the user."""
        req = chatads_pb2.TopicControlRequest(user_id=user_id, topic_id=topic_id)
        return _call(self._core, "BlockTopic", req, chatads_pb2.UserControls)

    def unblock_topic(self, user_id: str, topic_id: int) -> chatads_pb2.UserControls:
        req = chatads_pb2.TopicControlRequest(user_id=user_id, topic_id=topic_id)
        return _call(self._core, "UnblockTopic", req, chatads_pb2.UserControls)

    def remove_interest(self, user_id: str, topic_id: int) -> chatads_pb2.ProfileReport:
        """Remove a topic (and its subtopics) from the profile without blocking it."""
        req = chatads_pb2.TopicControlRequest(user_id=user_id, topic_id=topic_id)
        return _call(self._core, "RemoveInterest", req, chatads_pb2.ProfileReport)

    def set_personalization(self, user_id: str, level: str) -> chatads_pb2.UserControls:
        """`full`, `contextual` (no profile learnt or used) or `none` (no ads)."""
        req = chatads_pb2.SetPersonalizationRequest(user_id=user_id, level=_level(level))
        return _call(self._core, "SetPersonalization", req, chatads_pb2.UserControls)

    def ad_history(self, user_id: str) -> chatads_pb2.AdHistory:
        """The ads shown to the user recently, most recent first, with why."""
        return _call(
            self._core,
            "GetAdHistory",
            chatads_pb2.GetAdHistoryRequest(user_id=user_id),
            chatads_pb2.AdHistory,
        )

    def clear_ad_history(self, user_id: str, ad_id: str = "") -> int:
        """Delete the ad history (or one ad's entries); returns the entries deleted."""
        req = chatads_pb2.ClearAdHistoryRequest(user_id=user_id, ad_id=ad_id)
        reply: chatads_pb2.ClearAdHistoryResponse = _call(
            self._core, "ClearAdHistory", req, chatads_pb2.ClearAdHistoryResponse
        )
        return reply.cleared

    def issue_control_link(self, user_id: str, ttl_s: int = 0) -> chatads_pb2.ControlLink:
        """A signed, short-lived link to the transparency page for one user."""
        req = chatads_pb2.IssueControlLinkRequest(user_id=user_id, ttl_s=ttl_s)
        return _call(self._core, "IssueControlLink", req, chatads_pb2.ControlLink)

    def linked(self, token: str) -> LinkedUser:
        """The user a control link was issued for. Raises `ValueError` (naming why) when
        the token is malformed, forged or expired; every later call checks it again."""
        self._core.check_link(token)
        return LinkedUser(self._core, token)

    def profile(self, user_id: str, *, now: float | None = None) -> dict[str, Any] | None:
        """What is held about a user: decayed interest vector, topic weights, times."""
        return self._core.profile(user_id, now=now)

    # ---- text -------------------------------------------------------------------

    def hash_text(self, texts: str | Iterable[str]) -> sp.csr_matrix:
        """The engine's hashed features, identical to sklearn's `HashingVectorizer`."""
        return hash_text(
            texts,
            n_features=self.settings.n_features,
            ngram_range=self.settings.ngram_range,
        )

    def embed_text(self, texts: str | Iterable[str]) -> npt.NDArray[np.float32]:
        """Embed texts as chat turns are embedded: `(n, d)` float32, rows L2-normalised
        (a row of zeros for a text with no informative word). A string gives shape `(d,)`."""
        if isinstance(texts, str):
            row: npt.NDArray[np.float32] = self._core.embed_texts([texts])[0]
            return row
        return self._core.embed_texts(list(texts))

    def stats(self) -> dict[str, Any]:
        """Catalog and store counters."""
        return self._core.stats()

    def topics(self) -> list[tuple[int, str]]:
        """The Topics taxonomy v2 as `(id, path)` pairs."""
        return self._core.topics()


def _level(level: str) -> chatads_pb2.PersonalizationLevel:
    levels = {
        "full": chatads_pb2.LEVEL_FULL,
        "contextual": chatads_pb2.LEVEL_CONTEXTUAL,
        "none": chatads_pb2.LEVEL_NO_ADS,
    }
    if level not in levels:
        raise ValueError(f"level: must be one of full, contextual, none; got {level!r}")
    return levels[level]


def _call(
    core: _core.Engine, method: str, request: Message, reply: type[M], token: str | None = None
) -> M:
    """One Privacy call through the same Rust dispatch as the gRPC services (about the
    request's user, or the control link's), the reply decoded as `reply`."""
    raw = request.SerializeToString()
    data = core.call_pb(method, raw) if token is None else core.link_call_pb(token, method, raw)
    out: M = reply()
    out.ParseFromString(data)
    return out


class LinkedUser:
    """One user's controls, addressed by a control link's token instead of a user id
    (what the transparency page uses: it never sees the raw id). Every call checks the
    token's signature and expiry again, in Rust."""

    def __init__(self, core: _core.Engine, token: str) -> None:
        self._core = core
        self._token = token

    def _call(self, method: str, request: Message, reply: type[M]) -> M:
        return _call(self._core, method, request, reply, self._token)

    def profile_report(self) -> chatads_pb2.ProfileReport:
        return self._call("GetProfile", chatads_pb2.GetProfileRequest(), chatads_pb2.ProfileReport)

    def controls(self) -> chatads_pb2.UserControls:
        return self._call("GetControls", chatads_pb2.GetControlsRequest(), chatads_pb2.UserControls)

    def ad_history(self) -> chatads_pb2.AdHistory:
        return self._call("GetAdHistory", chatads_pb2.GetAdHistoryRequest(), chatads_pb2.AdHistory)

    def explain_ad(self, ad_id: str) -> chatads_pb2.AdExplanation:
        return self._call(
            "ExplainAd", chatads_pb2.ExplainAdRequest(ad_id=ad_id), chatads_pb2.AdExplanation
        )

    def hide_ad(self, ad_id: str, *, whole_advertiser: bool = False) -> chatads_pb2.UserControls:
        req = chatads_pb2.HideAdRequest(ad_id=ad_id, whole_advertiser=whole_advertiser)
        return self._call("HideAd", req, chatads_pb2.UserControls)

    def unhide_ad(self, *, ad_id: str = "", advertiser: str = "") -> chatads_pb2.UserControls:
        req = chatads_pb2.UnhideAdRequest(ad_id=ad_id, advertiser=advertiser)
        return self._call("UnhideAd", req, chatads_pb2.UserControls)

    def block_topic(self, topic_id: int) -> chatads_pb2.UserControls:
        req = chatads_pb2.TopicControlRequest(topic_id=topic_id)
        return self._call("BlockTopic", req, chatads_pb2.UserControls)

    def unblock_topic(self, topic_id: int) -> chatads_pb2.UserControls:
        req = chatads_pb2.TopicControlRequest(topic_id=topic_id)
        return self._call("UnblockTopic", req, chatads_pb2.UserControls)

    def remove_interest(self, topic_id: int) -> chatads_pb2.ProfileReport:
        req = chatads_pb2.TopicControlRequest(topic_id=topic_id)
        return self._call("RemoveInterest", req, chatads_pb2.ProfileReport)

    def set_personalization(self, level: str) -> chatads_pb2.UserControls:
        req = chatads_pb2.SetPersonalizationRequest(level=_level(level))
        return self._call("SetPersonalization", req, chatads_pb2.UserControls)

    def clear_ad_history(self, ad_id: str = "") -> int:
        req = chatads_pb2.ClearAdHistoryRequest(ad_id=ad_id)
        reply: chatads_pb2.ClearAdHistoryResponse = self._call(
            "ClearAdHistory", req, chatads_pb2.ClearAdHistoryResponse
        )
        return reply.cleared

    def set_opt_out(self, opted_out: bool) -> bool:
        req = chatads_pb2.SetOptOutRequest(opted_out=opted_out)
        reply: chatads_pb2.SetOptOutResponse = self._call(
            "SetOptOut", req, chatads_pb2.SetOptOutResponse
        )
        return reply.opted_out

    def forget(self) -> bool:
        reply: chatads_pb2.ForgetUserResponse = self._call(
            "ForgetUser", chatads_pb2.ForgetUserRequest(), chatads_pb2.ForgetUserResponse
        )
        return reply.had_data
