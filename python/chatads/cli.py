"""The `chatads` command: serve, load a catalog, play a demo chat."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from chatads._core import UnavailableError
from chatads.config import Settings

app = typer.Typer(
    help="chatads: privacy-first ad scoring for live AI-chat sessions.",
    no_args_is_help=True,
    add_completion=False,
)
catalog_app = typer.Typer(
    help="Work with the ad catalog of a running server.", no_args_is_help=True
)
app.add_typer(catalog_app, name="catalog")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "chatads"
#: A real TC string (encoded with the IAB's @iabtcf/core): consent to purposes 1-4.
DEMO_CONSENT = "CQuci4AQuci4AAKABBENCWEAAPAAAAAAAAqIHzwAgF5gPnAAIgAA.IJYQBIAAgAEAvMB84EsA"

Target = Annotated[str, typer.Option(help="host:port of a running chatads server")]
ApiKey = Annotated[
    str | None,
    typer.Option(
        envvar="CHATADS_CLIENT_API_KEY",
        help="API key sent as 'authorization: Bearer' (or CHATADS_CLIENT_API_KEY)",
        show_default=False,
    ),
]
TlsCa = Annotated[
    Path | None,
    typer.Option(help="PEM CA that signed the server's certificate: connect with TLS"),
]
ClientCert = Annotated[
    tuple[Path, Path] | None,
    typer.Option(help="client certificate and key (PEM), for mutual TLS", show_default=False),
]


def _channel(
    target: str, tls_ca: Path | None, client_cert: tuple[Path, Path] | None, api_key: str | None
) -> grpc.Channel:
    """A channel to `target`: plaintext, or TLS (and mTLS), with the API key on every call."""
    if tls_ca is None and client_cert is None:
        channel = grpc.insecure_channel(target)
    else:
        cert, key = (p.read_bytes() for p in client_cert) if client_cert else (None, None)
        creds = grpc.ssl_channel_credentials(
            root_certificates=tls_ca.read_bytes() if tls_ca else None,
            private_key=key,
            certificate_chain=cert,
        )
        channel = grpc.secure_channel(target, creds)
    if api_key:
        header = ("authorization", f"Bearer {api_key}")
        channel = grpc.intercept_channel(channel, _BearerKey(header))
    return channel


class _BearerKey(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]
    grpc.StreamStreamClientInterceptor,  # type: ignore[misc]
):
    """Adds the API key to the metadata of every call."""

    def __init__(self, header: tuple[str, str]) -> None:
        self.header = header

    def _details(self, details: Any) -> Any:
        metadata = [*(details.metadata or ()), self.header]
        return details._replace(metadata=metadata)

    def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_stream_stream(self, continuation: Any, details: Any, requests: Any) -> Any:
        return continuation(self._details(details), requests)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port (0 = any free port)")] = None,
    transport: Annotated[
        str | None,
        typer.Option(help="native (gRPC served from Rust, the default) or grpcio (Python)"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="engine worker threads (0 = one per core)")
    ] = None,
    demo: Annotated[bool | None, typer.Option(help="load the built-in demo catalog")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="durable privacy state [default: ~/.local/share/chatads]")
    ] = None,
    redis_url: Annotated[
        str | None,
        typer.Option(
            help="share users' state with other replicas through Redis "
            "(redis://host:port, or redis+cluster://host:port,host:port)"
        ),
    ] = None,
    api_keys_file: Annotated[
        Path | None, typer.Option(help="API keys, one 'role key' per line (exchange, admin)")
    ] = None,
    tls_cert: Annotated[Path | None, typer.Option(help="PEM server certificate")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="PEM private key of --tls-cert")] = None,
    tls_client_ca: Annotated[
        Path | None, typer.Option(help="PEM CA: require client certificates it signed (mTLS)")
    ] = None,
    max_concurrent_rpcs: Annotated[
        int | None, typer.Option(help="calls served or queued; beyond: RESOURCE_EXHAUSTED")
    ] = None,
    shutdown_grace_s: Annotated[
        float | None, typer.Option(help="on SIGTERM, seconds in-flight calls may take")
    ] = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Prometheus /metrics port (0 = off)")
    ] = None,
    page_port: Annotated[
        int | None, typer.Option(help="transparency page port [default: 8090] (0 = off)")
    ] = None,
    log_format: Annotated[str | None, typer.Option(help="text or json (JSON lines)")] = None,
) -> None:
    """Start the gRPC server (settings also come from CHATADS_* variables).

    SIGTERM or Ctrl-C drains it: new calls are refused, in-flight calls finish
    within the grace period, the engine state is saved, and it exits 0."""
    given: dict[str, Any] = {
        "host": host,
        "port": port,
        "transport": transport,
        "workers": workers,
        "demo_catalog": demo,
        "data_dir": data_dir,
        "redis_url": redis_url,
        "api_keys_file": api_keys_file,
        "tls_cert": tls_cert,
        "tls_key": tls_key,
        "tls_client_ca": tls_client_ca,
        "max_concurrent_rpcs": max_concurrent_rpcs,
        "shutdown_grace_s": shutdown_grace_s,
        "metrics_port": metrics_port,
        "page_port": page_port,
        "log_format": log_format,
    }
    overrides = {k: v for k, v in given.items() if v is not None}
    try:
        settings = Settings(**overrides)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if settings.data_dir is None:
        settings = settings.model_copy(update={"data_dir": DEFAULT_DATA_DIR})
    from chatads.logs import configure_logging
    from chatads.server import serve as run_server

    configure_logging(settings.log_level, settings.log_format)
    try:
        code = run_server(settings)
    except (ValueError, OSError, UnavailableError) as exc:
        # Refused configurations (no keys off loopback, half a TLS pair, unreadable
        # files, a Redis URL without a secret), ports that cannot be bound, and a
        # Redis that cannot be reached.
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    raise typer.Exit(code)


_FIELD_INDEX = re.compile(r"^ads\[(\d+)\]")


@catalog_app.command("load")
def catalog_load(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="ads as JSON Lines (.jsonl) or CSV (.csv)",
        ),
    ],
    target: Target = "127.0.0.1:50051",
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="ads per UpsertAds call")] = 500,
    api_key: ApiKey = None,
    tls_ca: TlsCa = None,
    client_cert: ClientCert = None,
) -> None:
    """Upsert every good line of FILE; report each bad line with its reason."""
    from chatads.catalog_io import BadLine, read_catalog
    from chatads.v1 import chatads_pb2, chatads_pb2_grpc

    channel = _channel(target, tls_ca, client_cert, api_key)
    stub = chatads_pb2_grpc.CatalogStub(channel)
    bad: list[BadLine] = []
    loaded = 0
    pending: list[tuple[int, chatads_pb2.Ad]] = []

    def flush() -> None:
        nonlocal loaded
        while pending:
            try:
                stub.UpsertAds(
                    chatads_pb2.UpsertAdsRequest(ads=[a for _, a in pending]), timeout=120
                )
                loaded += len(pending)
                pending.clear()
            except grpc.RpcError as exc:
                m = _FIELD_INDEX.match(exc.details() or "")
                if exc.code() != grpc.StatusCode.INVALID_ARGUMENT or not m:
                    err.print(f"[red]error:[/red] {target}: {exc.code().name}: {exc.details()}")
                    raise typer.Exit(2) from None
                # The engine names the bad ad; drop that line, keep the others.
                line, _ = pending.pop(int(m.group(1)))
                bad.append(BadLine(line, (exc.details() or "").split(": ", 1)[-1]))

    try:
        with Progress(
            TextColumn("[bold]loading[/bold] {task.fields[name]}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[ads]} ads"),
            TimeRemainingColumn(),
            console=err,
        ) as progress:
            task = progress.add_task("load", total=file.stat().st_size, name=file.name, ads=0)
            for line, item, pos in read_catalog(file):
                if isinstance(item, BadLine):
                    bad.append(item)
                else:
                    pending.append((line, item))
                    if len(pending) >= batch:
                        flush()
                progress.update(task, completed=pos, ads=loaded)
            flush()
            progress.update(task, completed=file.stat().st_size, ads=loaded)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    for b in sorted(bad, key=lambda b: b.line):
        err.print(f"[yellow]{file.name}:{b.line}:[/yellow] {b.error}")
    console.print(f"loaded {loaded} ads from {file}; {len(bad)} bad line(s) skipped")
    if bad:
        raise typer.Exit(1)


# (user, session, consents?, message): alice and bob consent (TCF purposes 1-4),
# chloe's CMP sent no TC string, and bob's third turn touches health.
DEMO_SCRIPT: list[tuple[str, str, bool, str]] = [
    ("alice", "trip", True, "Hi! I'm planning a trip to Lisbon in May."),
    ("alice", "trip", True, "What is the cheapest way to find flights and a nice hotel?"),
    ("alice", "trip", True, "Also, is it easy to rent a car there for a road trip?"),
    ("bob", "run", True, "I just signed up for my first marathon."),
    ("bob", "run", True, "Which running shoes would you recommend for long distances?"),
    ("bob", "run", True, "My doctor says my asthma could get worse when I run."),
    ("chloe", "cuisine", False, "Une recette de tarte aux pommes et un robot de cuisine ?"),
]


@app.command()
def demo(
    target: Target = "127.0.0.1:50051",
    max_ads: int = 3,
    api_key: ApiKey = None,
    tls_ca: TlsCa = None,
    client_cert: ClientCert = None,
) -> None:
    """Play a short scripted chat against a running server over one Chat stream per session."""
    from chatads.v1 import chatads_pb2, chatads_pb2_grpc

    channel = _channel(target, tls_ca, client_cert, api_key)
    stub = chatads_pb2_grpc.AdScoringStub(channel)
    first_ad: Any = None
    by_session: dict[tuple[str, str, bool], list[str]] = {}
    for user, session, consents, text in DEMO_SCRIPT:
        by_session.setdefault((user, session, consents), []).append(text)
    try:
        for (user, session, consents), texts in by_session.items():
            turns = (
                chatads_pb2.ChatTurn(
                    request=chatads_pb2.ScoreRequest(
                        request_id=f"{session}-{i}",
                        user_id=user,
                        session_id=session,
                        message=t,
                        max_ads=max_ads,
                        regs=chatads_pb2.Regs(gdpr=1),
                        consent=DEMO_CONSENT if consents else "",
                    )
                )
                for i, t in enumerate(texts)
            )
            for text, resp in zip(texts, stub.Chat(turns, timeout=30), strict=True):
                basis = chatads_pb2.Personalization.Name(resp.personalization)
                console.rule(f"[bold]{user}[/bold]: {text}", align="left")
                reasons = ", ".join(resp.reasons) or "-"
                console.print(f"  basis [bold]{basis}[/bold]   reasons {reasons}")
                for rank, ad in enumerate(resp.ads, start=1):
                    console.print(
                        f"  {rank}. [bold]{ad.title or ad.ad_id}[/bold] ({ad.advertiser})  "
                        f"relevance {ad.relevance:.2f}  pCTR {ad.pctr:.2%}  "
                        f"eCPM {ad.score:.3f}"
                    )
                    console.print(f"     [dim]{ad.explanation}[/dim]")
                if resp.ads and (user, session) == ("alice", "trip"):
                    first_ad = resp.ads[0]
        _demo_controls(channel, first_ad, max_ads)
    except grpc.RpcError as exc:
        err.print(f"[red]error:[/red] {target}: {exc.code().name}: {exc.details()}")
        raise typer.Exit(2) from None


def _demo_controls(channel: grpc.Channel, hidden: Any, max_ads: int) -> None:
    """alice hides the ad she was shown last, asks again, and gets her transparency page."""
    from chatads.v1 import chatads_pb2, chatads_pb2_grpc

    if hidden is None:
        return
    privacy = chatads_pb2_grpc.PrivacyStub(channel)
    stub = chatads_pb2_grpc.AdScoringStub(channel)
    try:
        privacy.HideAd(chatads_pb2.HideAdRequest(user_id="alice", ad_id=hidden.ad_id), timeout=10)
    except grpc.RpcError as exc:
        if exc.code() != grpc.StatusCode.PERMISSION_DENIED:
            raise
        console.print("[dim](user controls need an admin key: skipped)[/dim]")
        return
    text = "Any other ideas for where to stay in Lisbon?"
    console.rule(f"[bold]alice[/bold] hides “{hidden.title or hidden.ad_id}”, then: {text}")
    resp = stub.Score(
        chatads_pb2.ScoreRequest(
            request_id="trip-after-hide",
            user_id="alice",
            session_id="trip",
            message=text,
            max_ads=max_ads,
            regs=chatads_pb2.Regs(gdpr=1),
            consent=DEMO_CONSENT,
        ),
        timeout=10,
    )
    console.print(f"  reasons {', '.join(resp.reasons) or '-'}")
    for rank, ad in enumerate(resp.ads, start=1):
        console.print(f"  {rank}. [bold]{ad.title or ad.ad_id}[/bold] ({ad.advertiser})")
    link = privacy.IssueControlLink(
        chatads_pb2.IssueControlLinkRequest(user_id="alice"), timeout=10
    )
    if link.url:
        console.print(f"\nalice's transparency page (valid 15 minutes): {link.url}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
