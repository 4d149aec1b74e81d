"""Hostile input against the running server (hypothesis): random bytes as request
bodies on every method, random field values through the generated stubs, huge
strings, invalid UTF-8 and garbled TC/GPP strings. Each call must end with a
well-formed status (OK, INVALID_ARGUMENT naming a field, NOT_FOUND or
RESOURCE_EXHAUSTED; never UNKNOWN or INTERNAL, never a hang), and the server must
still answer a normal Score afterwards.

Bounded: a few hundred examples in all, about 10 s. For a longer run:
`CHATADS_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz_server.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import grpc
import pytest
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.timeout(180), pytest.mark.usefixtures("transport")]

TC = "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA"
TIMEOUT = 10.0  # seconds; a call that needs it has hung
EXAMPLES = int(os.environ.get("CHATADS_FUZZ_EXAMPLES", "0"))

OK_CODES = {
    grpc.StatusCode.OK,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
}
#: An INVALID_ARGUMENT message starts with the field it is about: `ads[3].bid_cpm: ...`.
FIELD_MESSAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\[\]]*: \S")

UNARY_METHODS = [
    "/chatads.v1.AdScoring/Score",
    "/chatads.v1.Catalog/GetAd",
    "/chatads.v1.Catalog/DeleteAds",
    "/chatads.v1.Catalog/UpsertAds",
    "/chatads.v1.Privacy/GetProfile",
    "/chatads.v1.Privacy/ForgetUser",
    "/chatads.v1.Privacy/SetOptOut",
    "/chatads.v1.Privacy/ExplainAd",
    "/chatads.v1.Diagnostics/Echo",
]


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=EXAMPLES or examples,
        deadline=None,  # each call has its own TIMEOUT
        database=None,  # no .hypothesis/ directory in the tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def check_status(code: grpc.StatusCode, details: str | None) -> None:
    assert code in OK_CODES, f"{code}: {details}"
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert details and FIELD_MESSAGE.match(details), details


def call_raw(channel: grpc.Channel, method: str, body: bytes) -> grpc.StatusCode:
    """Sends `body` as the request bytes (no serializer) and checks the status."""
    rpc = channel.unary_unary(method)
    try:
        reply = rpc(body, timeout=TIMEOUT)
    except grpc.RpcError as err:
        check_status(err.code(), err.details())
        code: grpc.StatusCode = err.code()
        return code
    assert isinstance(reply, bytes)
    return grpc.StatusCode.OK


def normal_score(scoring: chatads_pb2_grpc.AdScoringStub) -> None:
    resp = scoring.Score(
        pb.ScoreRequest(
            request_id="after-fuzz",
            user_id="u-normal",
            session_id="s-normal",
            max_ads=3,
            message="any tips for cheap flights to Lisbon?",
        ),
        timeout=TIMEOUT,
    )
    assert resp.request_id == "after-fuzz"
    assert len(resp.ads) == 3


@pytest.fixture(scope="module")
def scored(scoring: chatads_pb2_grpc.AdScoringStub) -> Iterator[chatads_pb2_grpc.AdScoringStub]:
    """The stub, with a normal Score checked before and after the module's tests."""
    normal_score(scoring)
    yield scoring
    normal_score(scoring)


# ---- strategies ---------------------------------------------------------------------

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """`base` cut, with a few characters replaced or inserted."""
    s = list(base[: draw(st.integers(0, len(base)))])
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(s)))
        c = draw(st.sampled_from(B64URL + ".=~ %"))
        if draw(st.booleans()) and i < len(s):
            s[i] = c
        else:
            s.insert(i, c)
    return "".join(s)


tc_strings = st.one_of(
    st.just(""),
    st.just(TC),
    mutated(TC),
    st.text(alphabet=B64URL + ".", max_size=120),
    st.text(max_size=60),
)
gpp_strings = st.one_of(
    st.just(""),
    st.just("DBABMA~" + TC),
    tc_strings.map(lambda s: "DBABMA~" + s),
    mutated("DBACNY~" + TC + "~1YNN"),
    st.text(max_size=60),
)
int32s = st.integers(-(2**31), 2**31 - 1)
uint32s = st.integers(0, 2**32 - 1)
ids = st.one_of(st.just(""), st.text(min_size=1, max_size=12), st.just("u" * 300))
messages = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["cheap flights to Lisbon", "hôtel pas cher", "running shoes", "diabetes"]),
    st.just("é" * 9000),  # 18 KB: over the 16 KiB limit
)
regs = st.builds(
    pb.Regs,
    gdpr=st.one_of(st.just(0), st.just(1), int32s),
    coppa=st.one_of(st.just(0), st.just(1), int32s),
    gpp=gpp_strings,
    gpp_sid=st.lists(int32s, max_size=4),
)
score_requests = st.builds(
    pb.ScoreRequest,
    request_id=st.text(max_size=20),
    user_id=ids,
    session_id=ids,
    message=messages,
    max_ads=st.one_of(st.integers(0, 101), uint32s),
    regs=st.one_of(st.none(), regs),
    consent=tc_strings,
    bcat=st.lists(
        st.one_of(st.sampled_from(["IAB7", "IAB20-1"]), st.text(max_size=70)), max_size=3
    ),
    badv=st.lists(st.text(max_size=30), max_size=3),
    tmax_ms=st.one_of(st.just(0), uint32s),
    user_is_minor=st.booleans(),
)


def invalid_utf8_request(base: pb.ScoreRequest, field: int, junk: bytes) -> bytes:
    """`base` with string field `field` set again (last one wins) to bytes that are not
    UTF-8; protobuf libraries refuse to encode that, so it is written by hand."""
    tag = bytes([(field << 3) | 2])
    encoded: bytes = base.SerializeToString()
    return encoded + tag + _varint(len(junk)) + junk


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


# ---- tests ---------------------------------------------------------------------------


@fuzz_settings(150)
@given(method=st.sampled_from(UNARY_METHODS), body=st.binary(max_size=512))
def test_random_bytes_on_every_method(
    channel: grpc.Channel,
    scored: chatads_pb2_grpc.AdScoringStub,
    method: str,
    body: bytes,
) -> None:
    call_raw(channel, method, body)


@fuzz_settings(200)
@given(request=score_requests)
def test_random_score_requests(
    scored: chatads_pb2_grpc.AdScoringStub, request: pb.ScoreRequest
) -> None:
    try:
        resp = scored.Score(request, timeout=TIMEOUT)
    except grpc.RpcError as err:
        check_status(err.code(), err.details())
        return
    assert resp.request_id == request.request_id
    assert len(resp.ads) <= request.max_ads


@fuzz_settings(60)
@given(
    request=score_requests,
    field=st.sampled_from([1, 2, 3, 4, 7]),
    junk=st.binary(min_size=1, max_size=40).filter(lambda b: not _is_utf8(b)),
)
def test_invalid_utf8_fields(
    channel: grpc.Channel,
    scored: chatads_pb2_grpc.AdScoringStub,
    request: pb.ScoreRequest,
    field: int,
    junk: bytes,
) -> None:
    body = invalid_utf8_request(request, field, junk)
    assert call_raw(channel, "/chatads.v1.AdScoring/Score", body) in (
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    )


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@fuzz_settings(40)
@given(
    turns=st.lists(
        st.one_of(
            st.binary(max_size=200),
            score_requests.map(lambda r: pb.ChatTurn(request=r).SerializeToString()),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_random_chat_streams(
    channel: grpc.Channel, scored: chatads_pb2_grpc.AdScoringStub, turns: list[bytes]
) -> None:
    chat = channel.stream_stream("/chatads.v1.AdScoring/Chat")
    replies = 0
    try:
        for reply in chat(iter(turns), timeout=TIMEOUT):
            assert isinstance(reply, bytes)
            pb.ScoreResponse.FromString(reply)
            replies += 1
    except grpc.RpcError as err:
        check_status(err.code(), err.details())
        assert err.code() != grpc.StatusCode.OK
    else:
        assert replies == len(turns)


@pytest.mark.parametrize(
    ("field", "size", "expected"),
    [
        ("message", 20_000, {grpc.StatusCode.INVALID_ARGUMENT}),
        ("user_id", 300, {grpc.StatusCode.INVALID_ARGUMENT}),
        ("consent", 100_000, {grpc.StatusCode.INVALID_ARGUMENT}),
        # Over gRPC's default 4 MB: refused by the transport or by the size check.
        (
            "message",
            5 * 1024 * 1024,
            {grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.INVALID_ARGUMENT},
        ),
    ],
)
def test_huge_strings(
    scored: chatads_pb2_grpc.AdScoringStub, field: str, size: int, expected: set[grpc.StatusCode]
) -> None:
    fields: dict[str, object] = {"user_id": "u1", "session_id": "s1", "max_ads": 3, "message": "hi"}
    fields[field] = "x" * size
    with pytest.raises(grpc.RpcError) as err:
        scored.Score(pb.ScoreRequest(**fields), timeout=TIMEOUT)  # type: ignore[arg-type]
    assert err.value.code() in expected, err.value.details()
    check_status(err.value.code(), err.value.details())
    normal_score(scored)


def test_server_still_scores(scored: chatads_pb2_grpc.AdScoringStub) -> None:
    normal_score(scored)
