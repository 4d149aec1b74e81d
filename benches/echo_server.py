"""The smallest grpcio server there is: `Diagnostics.Echo` with a fixed reply.

    .venv/bin/python -m benches.echo_server --port 50071

One generic handler, bytes in and bytes out (no deserializer, no serializer), that
answers `/chatads.v1.Diagnostics/Echo` with a fixed ScoreResponse of about 1.1 KB,
built like the native server's Echo reply (`echo_reply` in rust/src/server/ops.rs).
The load test (benches/loadtest.py) times sequential calls of a Python grpcio client
against it: that is the floor a Python caller of chatads' Score can be compared with.
Prints "listening on 127.0.0.1:PORT" once it serves; SIGTERM or Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import signal
import threading
from concurrent import futures
from typing import Any

import grpc
from chatads.v1 import chatads_pb2 as pb

ECHO_SERVICE = "chatads.v1.Diagnostics"


def echo_reply() -> bytes:
    """3 ads with a topic and an explanation each, as rust/src/server/ops.rs builds it."""
    path = "/Travel & Transportation/Air Travel"
    ads = [
        pb.ScoredAd(
            ad_id=f"echo-{i:06}",
            advertiser=f"echo{i}-travel.example",
            bid_cpm=4.2 + i,
            relevance=0.5,
            score=0.15,
            topics=[pb.Topic(id=208, name=path)],
            pctr=0.026,
            title="SkyHop: cheap flights made easy",
            text="SkyHop: flights, fares and airport transfers, all in one place. "
            "New this season: city breaks and last-minute deals.",
            explanation="Shown because your recent conversations are about Travel & "
            "Transportation > Air Travel, and so is this ad (relevance 0.50).",
        )
        for i in range(3)
    ]
    reply: bytes = pb.ScoreResponse(
        request_id="echo",
        ads=ads,
        personalization=pb.PERSONALIZED,
        profile_updated=True,
        took_us=200,
    ).SerializeToString()
    return reply


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any)")
    parser.add_argument("--workers", type=int, default=4, help="grpcio worker threads")
    args = parser.parse_args(argv)

    reply = echo_reply()

    def echo(_request: bytes, _context: Any) -> bytes:
        return reply

    handler = grpc.method_handlers_generic_handler(
        ECHO_SERVICE, {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=args.workers),
        handlers=[handler],
        options=[("grpc.so_reuseport", 0)],
    )
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    if port == 0:
        raise SystemExit(f"cannot listen on 127.0.0.1:{args.port}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    stop.wait()
    server.stop(0).wait()


if __name__ == "__main__":
    main()
