"""The in-process Python API: relevance, filters, profiles, catalog operations, errors."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from chatads import Engine, InvalidArgumentError, NotFoundError, Settings
from chatads.demo_catalog import generate_demo_ads

from .conftest import make_settings

TOP_TRAVEL = "/Travel & Transportation"
TOP_SPORTS = "/Sports"


def top_level(engine: Engine, ad_id: str) -> set[str]:
    paths = dict(engine.topics())
    return {"/" + paths[t].split("/")[1] for t in engine.get_ad(ad_id)["topics"]}


def share_of(engine: Engine, ads: list[str], top: str) -> float:
    return sum(top in top_level(engine, a) for a in ads) / max(len(ads), 1)


def test_demo_catalog_is_deterministic_and_large() -> None:
    a, b = generate_demo_ads(), generate_demo_ads()
    assert a == b
    assert len(a) >= 5000
    assert len({ad["ad_id"] for ad in a}) == len(a)
    tops = {t for ad in a for t in ad["topics"]}
    assert len(tops) > 100


def test_travel_conversation_gets_travel_ads(demo_engine: Engine) -> None:
    turns = [
        "We're planning a holiday in Portugal this summer.",
        "Looking for cheap flights to Lisbon and a hotel near the beach.",
    ]
    for t in turns:
        result = demo_engine.score("traveller", "t1", t, max_ads=5)
    ids = [ad.ad_id for ad in result.ads]
    assert len(ids) == 5
    assert share_of(demo_engine, ids, TOP_TRAVEL) >= 0.8, [ad.title for ad in result.ads]
    assert result.personalization == "PERSONALIZED"
    assert any("Travel" in name for ad in result.ads for _, name in ad.topics)


def test_running_conversation_gets_running_ads(demo_engine: Engine) -> None:
    result = demo_engine.score(
        "runner", "r1", "I'm training for my first marathon, which running shoes should I get?"
    )
    ids = [ad.ad_id for ad in result.ads]
    assert ids
    assert share_of(demo_engine, ids, TOP_SPORTS) >= 0.6, [ad.title for ad in result.ads]
    top = demo_engine.get_ad(ids[0])
    assert "Running" in " ".join(dict(demo_engine.topics())[t] for t in top["topics"])


def test_french_conversation_works(demo_engine: Engine) -> None:
    result = demo_engine.score(
        "voyageur", "f1", "Je cherche un vol pas cher et un hôtel pour mes vacances à Lisbonne."
    )
    ids = [ad.ad_id for ad in result.ads]
    assert ids
    assert share_of(demo_engine, ids, TOP_TRAVEL) >= 0.8


def test_every_ad_is_explained(demo_engine: Engine) -> None:
    result = demo_engine.score("explain", "e1", "best laptop for programming and video editing")
    assert result.ads
    for ad in result.ads:
        assert ad.explanation.startswith("Shown because")
        assert 0 < ad.pctr < 1
        assert ad.score == pytest.approx(ad.bid_cpm * ad.pctr, rel=1e-5)
    assert [a.score for a in result.ads] == sorted((a.score for a in result.ads), reverse=True)


def test_one_ad_per_advertiser(demo_engine: Engine) -> None:
    result = demo_engine.score("div", "d1", "flights hotels cruises car rental", max_ads=10)
    advertisers = [ad.advertiser for ad in result.ads]
    assert len(advertisers) == len(set(advertisers)) > 1


def test_bcat_and_badv_are_honoured(demo_engine: Engine) -> None:
    msg = "cheap flights, running shoes, a new laptop and a cookbook"
    base = demo_engine.score("blk", "b1", msg, max_ads=10)
    cats = {c for ad in base.ads for c in demo_engine.get_ad(ad.ad_id)["categories"]}
    tier1 = sorted({c.split("-")[0] for c in cats})
    blocked_adv = base.ads[0].advertiser
    result = demo_engine.score("blk2", "b2", msg, max_ads=10, bcat=tier1[:1], badv=[blocked_adv])
    assert result.ads
    for ad in result.ads:
        stored = demo_engine.get_ad(ad.ad_id)
        assert ad.advertiser != blocked_adv
        assert not any(c.split("-")[0] == tier1[0] for c in stored["categories"])


@pytest.mark.parametrize("no_repeat", [True, False])
def test_frequency_cap_rotates_ads(no_repeat: bool) -> None:
    engine = Engine(
        make_settings(freq_cap=2, max_per_advertiser=0, no_consecutive_repeat=no_repeat)
    )
    engine.upsert_ads(
        [
            {
                "ad_id": f"shoe{i}",
                "advertiser": f"s{i}.example",
                "title": "running shoes",
                "text": "marathon running shoes",
                "bid_cpm": 5.0 - i,
            }
            for i in range(3)
        ]
    )
    results = [
        engine.score("cap", "c", "running shoes", max_ads=1, now=100.0 + i) for i in range(7)
    ]
    seen = [r.ads[0].ad_id if r.ads else None for r in results]
    if no_repeat:
        # Never the same ad on two consecutive turns; each at most twice an hour.
        assert seen == ["shoe0", "shoe1", "shoe0", "shoe1", "shoe2", None, "shoe2"]
        assert "repeat_suppressed" in results[1].reasons
        assert "frequency_capped" in results[5].reasons
    else:
        assert seen == ["shoe0", "shoe0", "shoe1", "shoe1", "shoe2", "shoe2", None]
        assert "frequency_capped" in results[6].reasons


def test_profile_decays_with_half_life(engine: Engine) -> None:
    engine.ingest("u", "s", "marathon training plan", now=0.0)
    p0 = engine.profile("u", now=0.0)
    assert p0 is not None
    n0 = float(np.linalg.norm(p0["vector"]))
    p1 = engine.profile("u", now=engine.settings.half_life_s)
    assert p1 is not None
    assert float(np.linalg.norm(p1["vector"])) == pytest.approx(n0 / 2, rel=1e-2)
    assert p0["turns"] == 1
    assert p0["vector"].dtype == np.float32 and p0["vector"].shape == (engine.d,)


def test_profile_keeps_topic_weights_and_forget_removes_everything(demo_engine: Engine) -> None:
    demo_engine.score("forget-me", "s1", "booking flights and hotels for a city break")
    prof = demo_engine.profile("forget-me")
    assert prof is not None and prof["topics"]
    assert any("Travel" in path for _, path, _ in prof["topics"])
    assert demo_engine.forget_user("forget-me") is True
    assert demo_engine.profile("forget-me") is None
    assert demo_engine.forget_user("forget-me") is False
    # Session context is gone too: an empty turn in the old session has nothing to go on.
    result = demo_engine.score("forget-me", "s1", "")
    assert result.ads == [] and "no_context" in result.reasons


def test_session_context_carries_across_turns(demo_engine: Engine) -> None:
    demo_engine.score("ctx", "s", "We want to book a cruise in the Caribbean")
    follow_up = demo_engine.score("ctx", "s", "what do you think?")
    assert follow_up.ads, follow_up.reasons
    assert share_of(demo_engine, [a.ad_id for a in follow_up.ads], TOP_TRAVEL) >= 0.6


def test_embeddings_are_normalised_and_similar_texts_are_close(engine: Engine) -> None:
    v = engine.embed_text(
        ["cheap flights to Lisbon", "vol pas cher pour Lisbonne", "marathon running shoes", "the"]
    )
    assert v.shape == (4, engine.d) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v[:3], axis=1), 1.0, rtol=1e-5)
    assert not v[3].any()
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1


def test_upsert_replace_delete_and_get(engine: Engine) -> None:
    ad = {
        "ad_id": "x1",
        "advertiser": "https://www.Shop.example/",
        "title": "Trail shoes",
        "text": "for muddy runs",
        "categories": ["iab17"],
        "topics": [],
        "bid_cpm": 1.5,
    }
    assert engine.upsert_ads([ad]) == 1
    got = engine.get_ad("x1")
    assert got["advertiser"] == "shop.example" and got["categories"] == ["IAB17"]
    engine.upsert_ads([{**ad, "bid_cpm": 3.0}])
    assert engine.get_ad("x1")["bid_cpm"] == 3.0 and len(engine) == 1
    assert engine.delete_ads(["x1"]) == 1
    with pytest.raises(NotFoundError) as info:
        engine.get_ad("x1")
    assert info.value.field == "ad_id"
    assert engine.search(np.ones(engine.d), k=5) == []


def test_caller_embedding_is_used(engine: Engine) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, engine.d)).astype(np.float32)
    engine.upsert_ads(
        [
            {
                "ad_id": f"e{i}",
                "advertiser": "e.example",
                "bid_cpm": 1.0,
                "embedding": vecs[i].tolist(),
            }
            for i in range(50)
        ]
    )
    hits = engine.search(vecs[17], k=3)
    assert hits[0][0] == "e17"
    assert hits[0][1] == pytest.approx(float(np.linalg.norm(vecs[17])), rel=1e-4)
    assert engine.get_ad("e17")["caller_embedding"] is True


def test_deleted_ads_never_come_back(engine: Engine) -> None:
    ads = [
        {
            "ad_id": f"d{i}",
            "advertiser": f"a{i % 7}.example",
            "title": "running shoes",
            "text": f"marathon trainers model {i}",
            "bid_cpm": 1.0 + i % 5,
        }
        for i in range(3000)
    ]
    engine.upsert_ads(ads)
    engine.rebuild_index()
    gone = [f"d{i}" for i in range(0, 3000, 2)]
    engine.delete_ads(gone)
    gone_set = set(gone)
    for i in range(20):
        res = engine.score(f"u{i}", "s", "marathon running shoes", max_ads=10)
        assert not gone_set & {a.ad_id for a in res.ads}
    hits = engine.search(engine.embed_text("marathon running shoes"), k=500)
    assert hits and not gone_set & {h for h, _ in hits}


@pytest.mark.parametrize(
    ("ad", "field"),
    [
        ({"ad_id": "", "advertiser": "a.example", "bid_cpm": 1.0, "text": "x y"}, "ads[0].ad_id"),
        ({"ad_id": "a", "advertiser": "", "bid_cpm": 1.0, "text": "x y"}, "ads[0].advertiser"),
        (
            {"ad_id": "a", "advertiser": "a.example", "bid_cpm": float("nan"), "text": "hi there"},
            "ads[0].bid_cpm",
        ),
        (
            {"ad_id": "a", "advertiser": "a.example", "bid_cpm": float("inf"), "text": "hi there"},
            "ads[0].bid_cpm",
        ),
        (
            {"ad_id": "a", "advertiser": "a.example", "bid_cpm": -1.0, "text": "hi there"},
            "ads[0].bid_cpm",
        ),
        (
            {"ad_id": "a", "advertiser": "a.example", "bid_cpm": 1.0, "embedding": [1.0, 2.0]},
            "ads[0].embedding",
        ),
        (
            {
                "ad_id": "a",
                "advertiser": "a.example",
                "bid_cpm": 1.0,
                "topics": [999999],
                "text": "hello",
            },
            "ads[0].topics[0]",
        ),
        ({"ad_id": "a", "advertiser": "a.example", "bid_cpm": "cheap"}, "ads[0].bid_cpm"),
        ({"ad_id": "a", "advertiser": "a.example", "bid_cpm": 1.0, "colour": "red"}, "ads[0]"),
        ({"ad_id": "a", "advertiser": "a.example", "bid_cpm": 1.0}, "ads[0].text"),
    ],
)
def test_bad_ads_name_the_field_and_store_nothing(
    engine: Engine, ad: dict[str, object], field: str
) -> None:
    engine.upsert_ads(
        [{"ad_id": "keep", "advertiser": "k.example", "text": "kept ad", "bid_cpm": 1.0}]
    )
    with pytest.raises(InvalidArgumentError) as info:
        engine.upsert_ads([ad])
    assert info.value.field == field, str(info.value)
    assert str(info.value).startswith(field)
    assert len(engine) == 1 and engine.get_ad("keep")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"user_id": ""}, "user_id"),
        ({"session_id": " "}, "session_id"),
        ({"max_ads": 0}, "max_ads"),
        ({"max_ads": 100_000}, "max_ads"),
        ({"message": "x" * 10_000_000}, "message"),
    ],
)
def test_bad_score_arguments_name_the_field(
    demo_engine: Engine, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"user_id": "u", "session_id": "s", "message": "hello"}
    args.update(kwargs)
    with pytest.raises(InvalidArgumentError) as info:
        demo_engine.score(**args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_unknown_delete_deletes_nothing(engine: Engine) -> None:
    engine.upsert_ads(
        [{"ad_id": "a", "advertiser": "a.example", "text": "tennis racket", "bid_cpm": 1.0}]
    )
    with pytest.raises(NotFoundError, match=r"ad_ids\[1\]"):
        engine.delete_ads(["a", "missing"])
    assert len(engine) == 1


def test_bad_settings_are_rejected() -> None:
    with pytest.raises(ValueError, match="index_factory"):
        Engine(make_settings(index_factory="NotAnIndex"))
    with pytest.raises(ValueError, match="secret"):
        Engine(Settings(secret="short"))


def test_concurrent_scoring_and_writes(demo_engine: Engine) -> None:
    errors: list[BaseException] = []

    def reader(i: int) -> None:
        try:
            for j in range(100):
                r = demo_engine.score(f"t{i}-{j}", "s", "hiking boots and camping tents")
                assert r.ads
        except BaseException as exc:
            errors.append(exc)

    def writer() -> None:
        try:
            for j in range(30):
                demo_engine.upsert_ads(
                    [
                        {
                            "ad_id": f"cw{j}",
                            "advertiser": "cw.example",
                            "text": "camping tents",
                            "bid_cpm": 1.0,
                        }
                    ]
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    demo_engine.delete_ads([f"cw{j}" for j in range(30)])
