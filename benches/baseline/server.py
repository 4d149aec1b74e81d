"""The baseline's gRPC server: plain grpcio with the generated stubs and the same proto.

    .venv/bin/python -m benches.baseline.server --port 50061 [--ads 6000] [--workers 8]

Serves `chatads.v1.AdScoring` (`Score`, and `Chat`: one response per turn, in
order) and `chatads.v1.Catalog` (`UpsertAds`, `DeleteAds`, `GetAd`) with the
pure-Python pipeline (`benches/baseline/pipeline.py`), loaded with the same demo
catalog as `chatads serve` (`generate_demo_ads(N)`), plus standard health checking
and server reflection. Prints "listening on 127.0.0.1:PORT" once it is ready.

What a Python engineer would write: protobuf messages parsed and built in Python
by the generated classes (upb), a `ThreadPoolExecutor` of workers, errors mapped to
status codes (`ValueError` -> INVALID_ARGUMENT, `LookupError` -> NOT_FOUND, anything
else -> INTERNAL, logged without request content). Each worker thread searches faiss
with one OpenMP thread, as chatads does; catalog loads build with all cores.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import faiss
import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

if __package__ in (None, ""):  # run as a file: make `benches` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from chatads.v1 import chatads_pb2 as pb
from chatads.v1 import chatads_pb2_grpc

from benches.baseline.pipeline import BaselinePipeline, ScoreResult

log = logging.getLogger("baseline.server")

_BASIS = {"PERSONALIZED": pb.PERSONALIZED, "CONTEXTUAL": pb.CONTEXTUAL, "NONE": pb.NONE}


def to_response(r: ScoreResult) -> pb.ScoreResponse:
    return pb.ScoreResponse(
        request_id=r.request_id,
        ads=[
            pb.ScoredAd(
                ad_id=a.ad_id,
                advertiser=a.advertiser,
                bid_cpm=a.bid_cpm,
                relevance=a.relevance,
                score=a.score,
                topics=[pb.Topic(id=i, name=name) for i, name in a.topics],
                pctr=a.pctr,
                title=a.title,
                text=a.text,
                explanation=a.explanation,
            )
            for a in r.ads
        ],
        personalization=_BASIS[r.personalization],
        reasons=r.reasons,
        profile_updated=r.profile_updated,
        took_us=r.took_us,
    )


def _abort(context: grpc.ServicerContext, method: str, exc: BaseException) -> None:
    if isinstance(exc, ValueError):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    if isinstance(exc, LookupError):
        context.abort(grpc.StatusCode.NOT_FOUND, str(exc))
    log.error("internal error in %s: %s", method, type(exc).__name__, exc_info=exc)
    context.abort(grpc.StatusCode.INTERNAL, f"internal error in {method}")


def _check_deadline(context: grpc.ServicerContext) -> None:
    remaining = context.time_remaining()
    if remaining is not None and remaining <= 0:
        context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline expired before processing")


class AdScoring(chatads_pb2_grpc.AdScoringServicer):  # type: ignore[misc]
    def __init__(self, pipeline: BaselinePipeline) -> None:
        self.pipeline = pipeline

    def _score(self, req: pb.ScoreRequest) -> pb.ScoreResponse:
        regs = req.regs
        gdpr = regs.gdpr if regs.HasField("gdpr") else None
        result = self.pipeline.score(
            req.user_id,
            req.session_id,
            req.message,
            max_ads=req.max_ads,
            bcat=req.bcat,
            badv=req.badv,
            request_id=req.request_id,
            gdpr=gdpr,
            consent=req.consent,
            gpp=regs.gpp,
            coppa=regs.coppa == 1,
            user_is_minor=req.user_is_minor,
        )
        return to_response(result)

    def Score(self, request: pb.ScoreRequest, context: grpc.ServicerContext) -> pb.ScoreResponse:
        _check_deadline(context)
        try:
            return self._score(request)
        except Exception as exc:
            _abort(context, "Score", exc)
            raise  # unreachable: abort raises

    def Chat(
        self, request_iterator: Iterator[pb.ChatTurn], context: grpc.ServicerContext
    ) -> Iterator[pb.ScoreResponse]:
        # Turns are answered one by one, in the order they arrive.
        for turn in request_iterator:
            _check_deadline(context)
            try:
                yield self._score(turn.request)
            except Exception as exc:
                _abort(context, "Chat", exc)


def _ad_dict(ad: pb.Ad) -> dict[str, Any]:
    return {
        "ad_id": ad.ad_id,
        "advertiser": ad.advertiser,
        "title": ad.title,
        "text": ad.text,
        "categories": list(ad.categories),
        "topics": list(ad.topics),
        "bid_cpm": ad.bid_cpm,
        "embedding": list(ad.embedding),
        "tags": list(ad.tags),
        "sensitive_categories": list(ad.sensitive_categories),
    }


class Catalog(chatads_pb2_grpc.CatalogServicer):  # type: ignore[misc]
    def __init__(self, pipeline: BaselinePipeline) -> None:
        self.pipeline = pipeline

    def UpsertAds(
        self, request: pb.UpsertAdsRequest, context: grpc.ServicerContext
    ) -> pb.UpsertAdsResponse:
        try:
            n = self.pipeline.upsert_ads([_ad_dict(a) for a in request.ads])
        except Exception as exc:
            _abort(context, "UpsertAds", exc)
            raise
        return pb.UpsertAdsResponse(upserted=n, catalog_size=len(self.pipeline))

    def DeleteAds(
        self, request: pb.DeleteAdsRequest, context: grpc.ServicerContext
    ) -> pb.DeleteAdsResponse:
        try:
            n = self.pipeline.delete_ads(request.ad_ids)
        except Exception as exc:
            _abort(context, "DeleteAds", exc)
            raise
        return pb.DeleteAdsResponse(deleted=n, catalog_size=len(self.pipeline))

    def GetAd(self, request: pb.GetAdRequest, context: grpc.ServicerContext) -> pb.Ad:
        try:
            r = self.pipeline.get_ad(request.ad_id)
            slot = self.pipeline.catalog.by_id[r.ad_id]
        except Exception as exc:
            _abort(context, "GetAd", exc)
            raise
        return pb.Ad(
            ad_id=r.ad_id,
            advertiser=r.advertiser,
            title=r.title,
            text=r.text,
            categories=r.categories,
            topics=r.topics,
            bid_cpm=r.bid_cpm,
            embedding=self.pipeline.catalog.vectors[slot].tolist(),
            tags=r.tags,
        )


def build_server(
    pipeline: BaselinePipeline, host: str, port: int, workers: int
) -> tuple[grpc.Server, health.HealthServicer, int]:
    server = grpc.server(
        futures.ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="baseline",
            # One OpenMP thread per query, as chatads does (per-thread setting).
            initializer=faiss.omp_set_num_threads,
            initargs=(1,),
        ),
        options=[("grpc.so_reuseport", 0)],
    )
    chatads_pb2_grpc.add_AdScoringServicer_to_server(AdScoring(pipeline), server)
    chatads_pb2_grpc.add_CatalogServicer_to_server(Catalog(pipeline), server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = (
        "chatads.v1.AdScoring",
        "chatads.v1.Catalog",
        health.SERVICE_NAME,
        reflection.SERVICE_NAME,
    )
    reflection.enable_server_reflection(names, server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"cannot listen on {host}:{port}")
    return server, health_servicer, bound


def load_demo(pipeline: BaselinePipeline, n: int, chunk: int = 20_000) -> int:
    from chatads.demo_catalog import generate_demo_ads

    ads = generate_demo_ads(n)
    for start in range(0, len(ads), chunk):
        pipeline.upsert_ads(ads[start : start + chunk])
    return len(ads)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benches.baseline.server", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=50061)
    ap.add_argument("--ads", type=int, default=6000, help="demo catalog size (0: none)")
    ap.add_argument("--workers", type=int, default=8, help="gRPC worker threads")
    ap.add_argument("--log-level", default="INFO")
    args = ap.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(message)s")

    started = time.perf_counter()
    pipeline = BaselinePipeline()
    n = load_demo(pipeline, args.ads) if args.ads > 0 else 0
    log.info("loaded %d demo ads in %.1fs", n, time.perf_counter() - started)
    server, health_servicer, port = build_server(pipeline, args.host, args.port, args.workers)
    server.start()
    for name in ("", "chatads.v1.AdScoring", "chatads.v1.Catalog"):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def sweep() -> None:
        while not done.wait(30.0):
            pipeline.sweep()

    threading.Thread(target=sweep, name="baseline-sweeper", daemon=True).start()
    print(f"listening on {args.host}:{port}", flush=True)
    done.wait()
    for name in ("", "chatads.v1.AdScoring", "chatads.v1.Catalog"):
        health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    server.stop(1.0).wait()


if __name__ == "__main__":
    main()
