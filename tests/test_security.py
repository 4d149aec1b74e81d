"""Access control and TLS over real gRPC channels.

API keys with roles (exchange, admin) in `authorization: Bearer` metadata; the
loopback-only rule without keys; TLS and mutual TLS with certificates the tests
generate (a CA, a server certificate for localhost/127.0.0.1, client
certificates from that CA and from a stranger's CA).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from chatads import Engine
from chatads._core import configure_logging
from chatads.auth import ApiKeyError, ApiKeys, is_loopback
from chatads.server import ChatadsServer
from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from .conftest import make_settings

#: Every test here runs against both transports (conftest.TRANSPORTS).
pytestmark = pytest.mark.usefixtures("transport")

EXCHANGE_KEY = "exch-3b1f0c9a7d2e4f5a8b6c"
ADMIN_KEY = "admin-9e8d7c6b5a4f3e2d1c0b"
KEYS = f"exchange:{EXCHANGE_KEY},admin:{ADMIN_KEY}"
REQUEST = pb.ScoreRequest(
    request_id="sec-1", user_id="u1", session_id="s1", message="cheap flights to Lisbon", max_ads=2
)


def _auth(key: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {key}")]


# ---- certificates ------------------------------------------------------------------


@dataclass
class Pki:
    ca: bytes
    server_cert: bytes
    server_key: bytes
    client_cert: bytes
    client_key: bytes
    stranger_cert: bytes  # signed by another CA
    stranger_key: bytes


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, name: str, server: bool
) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    ca, ca_key = _ca("chatads test CA")
    other, other_key = _ca("a stranger's CA")
    server_cert, server_key = _leaf(ca, ca_key, "localhost", server=True)
    client_cert, client_key = _leaf(ca, ca_key, "exchange-1", server=False)
    stranger_cert, stranger_key = _leaf(other, other_key, "exchange-1", server=False)
    return Pki(
        ca.public_bytes(serialization.Encoding.PEM),
        server_cert,
        server_key,
        client_cert,
        client_key,
        stranger_cert,
        stranger_key,
    )


def _write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


# ---- servers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed_server(demo_engine: Engine, transport: str) -> Iterator[ChatadsServer]:
    server = ChatadsServer(make_settings(api_keys=KEYS), demo_engine).start()
    yield server
    server.stop(grace=None)


@pytest.fixture(scope="module")
def keyed_channel(keyed_server: ChatadsServer) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(keyed_server.address) as ch:
        yield ch


def _code(call: object) -> grpc.StatusCode:
    try:
        call()  # type: ignore[operator]
    except grpc.RpcError as exc:
        return exc.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


# ---- API keys ----------------------------------------------------------------------


def test_missing_or_unknown_key_is_unauthenticated(keyed_channel: grpc.Channel) -> None:
    scoring = chatads_pb2_grpc.AdScoringStub(keyed_channel)
    assert _code(lambda: scoring.Score(REQUEST, timeout=10)) == grpc.StatusCode.UNAUTHENTICATED
    for metadata in (
        _auth("not-a-key-0000000000000"),
        [("authorization", EXCHANGE_KEY)],  # no "Bearer"
        [("authorization", "Basic " + EXCHANGE_KEY)],
    ):
        code = _code(lambda m=metadata: scoring.Score(REQUEST, metadata=m, timeout=10))
        assert code == grpc.StatusCode.UNAUTHENTICATED, metadata
    with pytest.raises(grpc.RpcError) as info:
        scoring.Score(REQUEST, metadata=_auth("x" * 20), timeout=10)
    assert "x" * 20 not in (info.value.details() or "")


def test_exchange_may_score_stream_and_echo_only(keyed_channel: grpc.Channel) -> None:
    md = _auth(EXCHANGE_KEY)
    scoring = chatads_pb2_grpc.AdScoringStub(keyed_channel)
    assert scoring.Score(REQUEST, metadata=md, timeout=10).request_id == "sec-1"
    turns = [pb.ChatTurn(request=REQUEST), pb.ChatTurn(request=REQUEST)]
    assert len(list(scoring.Chat(iter(turns), metadata=md, timeout=10))) == 2
    echo = chatads_pb2_grpc.DiagnosticsStub(keyed_channel)
    assert echo.Echo(REQUEST, metadata=md, timeout=10).request_id == "echo"
    catalog = chatads_pb2_grpc.CatalogStub(keyed_channel)
    privacy = chatads_pb2_grpc.PrivacyStub(keyed_channel)
    denied = [
        lambda: catalog.GetAd(pb.GetAdRequest(ad_id="demo-000001"), metadata=md, timeout=10),
        lambda: catalog.DeleteAds(pb.DeleteAdsRequest(ad_ids=["x"]), metadata=md, timeout=10),
        lambda: privacy.ForgetUser(pb.ForgetUserRequest(user_id="u1"), metadata=md, timeout=10),
        lambda: privacy.GetProfile(pb.GetProfileRequest(user_id="u1"), metadata=md, timeout=10),
    ]
    for call in denied:
        assert _code(call) == grpc.StatusCode.PERMISSION_DENIED
    # A Chat stream without a key is refused too.
    code = _code(lambda: list(scoring.Chat(iter(turns), timeout=10)))
    assert code == grpc.StatusCode.UNAUTHENTICATED


def test_admin_may_do_everything(keyed_channel: grpc.Channel) -> None:
    md = _auth(ADMIN_KEY)
    scoring = chatads_pb2_grpc.AdScoringStub(keyed_channel)
    assert scoring.Score(REQUEST, metadata=md, timeout=10).request_id == "sec-1"
    catalog = chatads_pb2_grpc.CatalogStub(keyed_channel)
    ad = catalog.GetAd(pb.GetAdRequest(ad_id="demo-000001"), metadata=md, timeout=10)
    assert ad.ad_id == "demo-000001"
    privacy = chatads_pb2_grpc.PrivacyStub(keyed_channel)
    privacy.GetProfile(pb.GetProfileRequest(user_id="u-admin"), metadata=md, timeout=10)


def test_health_and_reflection_need_no_key(keyed_channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(keyed_channel)
    status = health.Check(health_pb2.HealthCheckRequest(service="chatads.v1.AdScoring"))
    assert status.status == health_pb2.HealthCheckResponse.SERVING
    refl = reflection_pb2_grpc.ServerReflectionStub(keyed_channel)
    replies = refl.ServerReflectionInfo(
        iter([reflection_pb2.ServerReflectionRequest(list_services="")])
    )
    names = {s.name for r in replies for s in r.list_services_response.service}
    assert "chatads.v1.AdScoring" in names


def test_keys_are_never_logged(
    keyed_channel: grpc.Channel, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # Call records come from the data plane (stderr); Python logs go through logging.
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG", "json")
    try:
        scoring = chatads_pb2_grpc.AdScoringStub(keyed_channel)
        for key in (EXCHANGE_KEY, ADMIN_KEY, "wrong-key-1234567890abc"):
            _code(lambda k=key: scoring.Score(REQUEST, metadata=_auth(k), timeout=10))
    finally:
        configure_logging("INFO", "text")
    stderr = capfd.readouterr().err
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    codes = {r["code"] for r in records if r.get("method") == "Score"}
    assert {"OK", "UNAUTHENTICATED"} <= codes, stderr
    text = stderr + "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for key in (EXCHANGE_KEY, ADMIN_KEY, "wrong-key-1234567890abc"):
        assert key not in text


def test_key_sources(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _write(
        tmp_path,
        "keys",
        f"# role key\nexchange {EXCHANGE_KEY}\n\nadmin   {ADMIN_KEY}\n".encode(),
    )
    path.chmod(0o644)
    ApiKeys.load(None, path)
    assert "readable by other users" in caplog.text
    caplog.clear()
    path.chmod(0o600)
    keys = ApiKeys.load(f"exchange:{'e' * 16}", path)
    assert len(keys) == 3
    assert keys.role_of(EXCHANGE_KEY) == "exchange"
    assert keys.role_of("e" * 16) == "exchange"
    assert keys.role_of(ADMIN_KEY) == "admin"
    assert keys.role_of(ADMIN_KEY[:-1]) is None
    assert keys.roles() == {"exchange": 2, "admin": 1}
    assert "readable" not in caplog.text
    # Only digests are held.
    assert EXCHANGE_KEY.encode() not in repr(keys.__dict__).encode()
    with pytest.raises(ApiKeyError, match="unknown role 'root'"):
        ApiKeys.load(f"root:{'r' * 16}", None)
    with pytest.raises(ApiKeyError, match="at least 16 characters") as info:
        ApiKeys.load("exchange:short", None)
    assert "short" not in str(info.value)
    bad = _write(tmp_path, "bad", b"exchange\n")
    with pytest.raises(ApiKeyError, match=r"bad:1: expected 'role key'"):
        ApiKeys.load(None, bad)


def test_without_keys_only_loopback(demo_engine: Engine) -> None:
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "[::]", "10.0.0.5", "example.com"):
        assert not is_loopback(host), host
    with pytest.raises(ValueError, match="only listens on loopback"):
        ChatadsServer(make_settings(host="0.0.0.0"), demo_engine)
    # With keys, any address is allowed.
    server = ChatadsServer(make_settings(host="0.0.0.0", api_keys=KEYS), demo_engine)
    server.stop(grace=None)


def test_cli_refuses_public_host_without_keys(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "chatads.cli", "serve", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "CHATADS_DATA_DIR": str(tmp_path)},
    )
    assert proc.returncode == 2, proc.stderr
    assert "no API keys are configured" in proc.stderr


# ---- TLS ---------------------------------------------------------------------------


def _tls_channel(
    address: str, pki: Pki, cert: bytes | None = None, key: bytes | None = None
) -> grpc.Channel:
    creds = grpc.ssl_channel_credentials(
        root_certificates=pki.ca, private_key=key, certificate_chain=cert
    )
    return grpc.secure_channel(
        address, creds, options=[("grpc.ssl_target_name_override", "localhost")]
    )


def test_tls(demo_engine: Engine, pki: Pki, tmp_path: Path) -> None:
    settings = make_settings(
        tls_cert=_write(tmp_path, "server.pem", pki.server_cert),
        tls_key=_write(tmp_path, "server.key", pki.server_key),
        api_keys=KEYS,
    )
    server = ChatadsServer(settings, demo_engine).start()
    try:
        assert server.tls == "on"
        with _tls_channel(server.address, pki) as ch:
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            reply = scoring.Score(REQUEST, metadata=_auth(EXCHANGE_KEY), timeout=10)
            assert reply.request_id == "sec-1"
            assert _code(lambda: scoring.Score(REQUEST, timeout=10)) == (
                grpc.StatusCode.UNAUTHENTICATED
            )
        # Plaintext to a TLS port gets nowhere.
        with grpc.insecure_channel(server.address) as ch:
            scoring = chatads_pb2_grpc.AdScoringStub(ch)
            code = _code(lambda: scoring.Score(REQUEST, metadata=_auth(EXCHANGE_KEY), timeout=3))
            assert code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    finally:
        server.stop(grace=None)


def test_mutual_tls_requires_a_client_certificate_from_the_ca(
    demo_engine: Engine, pki: Pki, tmp_path: Path
) -> None:
    settings = make_settings(
        tls_cert=_write(tmp_path, "server.pem", pki.server_cert),
        tls_key=_write(tmp_path, "server.key", pki.server_key),
        tls_client_ca=_write(tmp_path, "ca.pem", pki.ca),
    )
    server = ChatadsServer(settings, demo_engine).start()
    try:
        assert server.tls == "mutual"
        with _tls_channel(server.address, pki, pki.client_cert, pki.client_key) as ch:
            reply = chatads_pb2_grpc.AdScoringStub(ch).Score(REQUEST, timeout=10)
            assert reply.request_id == "sec-1"
        refused = [
            _tls_channel(server.address, pki),  # no client certificate
            _tls_channel(server.address, pki, pki.stranger_cert, pki.stranger_key),
        ]
        for ch in refused:
            with ch:
                scoring = chatads_pb2_grpc.AdScoringStub(ch)
                code = _code(lambda s=scoring: s.Score(REQUEST, timeout=3))
                assert code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    finally:
        server.stop(grace=None)


def test_tls_settings_must_be_complete(demo_engine: Engine, pki: Pki, tmp_path: Path) -> None:
    cert = _write(tmp_path, "server.pem", pki.server_cert)
    with pytest.raises(ValueError, match="set both"):
        ChatadsServer(make_settings(tls_cert=cert), demo_engine)
    with pytest.raises(ValueError, match="mutual TLS also needs"):
        ChatadsServer(make_settings(tls_client_ca=cert), demo_engine)


# ---- the CLI as a client ---------------------------------------------------------


def test_cli_client_sends_key_and_speaks_tls(
    demo_engine: Engine, pki: Pki, tmp_path: Path, keyed_server: ChatadsServer
) -> None:
    from chatads.cli import app
    from typer.testing import CliRunner

    runner = CliRunner()
    demo = ["demo", "--target", keyed_server.address, "--max-ads", "1"]
    assert runner.invoke(app, demo).exit_code == 2  # no key: UNAUTHENTICATED
    result = runner.invoke(app, [*demo, "--api-key", EXCHANGE_KEY])
    assert result.exit_code == 0, result.output
    ads = tmp_path / "ads.jsonl"
    ads.write_text(
        '{"ad_id": "cli-1", "advertiser": "a.example", "title": "t", "text": "cheap flights",'
        ' "bid_cpm": 1.0}\n'
    )
    load = ["catalog", "load", str(ads), "--target", keyed_server.address]
    result = runner.invoke(app, [*load], env={"CHATADS_CLIENT_API_KEY": EXCHANGE_KEY})
    assert result.exit_code == 2 and "PERMISSION_DENIED" in result.output
    result = runner.invoke(app, [*load], env={"CHATADS_CLIENT_API_KEY": ADMIN_KEY})
    assert result.exit_code == 0, result.output
    assert demo_engine.delete_ads(["cli-1"]) == 1  # the engine is shared with other tests

    settings = make_settings(
        tls_cert=_write(tmp_path, "server.pem", pki.server_cert),
        tls_key=_write(tmp_path, "server.key", pki.server_key),
        tls_client_ca=_write(tmp_path, "ca.pem", pki.ca),
    )
    server = ChatadsServer(settings, demo_engine).start()
    try:
        client = [
            "--client-cert",
            str(_write(tmp_path, "client.pem", pki.client_cert)),
            str(_write(tmp_path, "client.key", pki.client_key)),
        ]
        tls = [
            "demo",
            "--target",
            server.address,
            "--max-ads",
            "1",
            "--tls-ca",
            str(tmp_path / "ca.pem"),
        ]
        result = runner.invoke(app, [*tls, *client])
        assert result.exit_code == 0, result.output
        assert runner.invoke(app, tls).exit_code == 2  # no client certificate
    finally:
        server.stop(grace=None)
