"""Numpy reference ("oracle") for the static token-embedding tables.

Reads ``rust/data/static_embed/minilm_d{d}.bin`` (written by
``scripts/distill_static.py``) and embeds texts the way the Rust side must:

1. tokenise with the teacher's WordPiece tokenizer (BERT normaliser: clean text,
   CJK spacing, lowercase + strip accents; BERT pre-tokeniser; WordPiece with
   ``##`` continuation, [UNK] for words over 100 chars or not coverable), no
   special tokens, no truncation; a literal "[CLS]" etc. in the text is plain text
   (the teacher's ``tokenizer.json`` would match it as an added special token);
2. look up each token id's row (``int8 * row_scale``, frequency weighting already
   baked in);
3. mean the rows (the sum would do: only the direction matters) and L2-normalise.
   A text with no tokens gives the zero vector.

Table format (little-endian): ``b"CHSE"``, u32 version (1), u32 vocab_size, u32 d,
then vocab_size x d int8, then vocab_size f32 row scales.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import WordPiece

F32 = npt.NDArray[np.float32]
I8 = npt.NDArray[np.int8]

MAGIC = b"CHSE"
VERSION = 1
HEADER = struct.Struct("<4sIII")
TABLE_DIR = Path(__file__).resolve().parent.parent / "rust" / "data" / "static_embed"


def table_path(d: int, table_dir: Path | None = None) -> Path:
    """Path of the table for dimension ``d``."""
    return (table_dir or TABLE_DIR) / f"minilm_d{d}.bin"


def read_table(path: Path) -> tuple[I8, F32]:
    """Read a table: (vocab_size x d int8 values, vocab_size f32 row scales)."""
    buf = path.read_bytes()
    magic, version, vocab, d = HEADER.unpack_from(buf, 0)
    if magic != MAGIC or version != VERSION:
        raise ValueError(f"{path}: not a CHSE v{VERSION} table")
    want = HEADER.size + vocab * d + 4 * vocab
    if len(buf) != want:
        raise ValueError(f"{path}: {len(buf)} bytes, expected {want}")
    q = np.frombuffer(buf, dtype=np.int8, count=vocab * d, offset=HEADER.size).reshape(vocab, d)
    scales = np.frombuffer(buf, dtype="<f4", count=vocab, offset=HEADER.size + vocab * d)
    return q.copy(), scales.astype(np.float32)


def write_table(path: Path, q: I8, scales: F32) -> None:
    """Write a table (see the module docstring for the format)."""
    vocab, d = q.shape
    if scales.shape != (vocab,):
        raise ValueError("one scale per row")
    with path.open("wb") as f:
        f.write(HEADER.pack(MAGIC, VERSION, vocab, d))
        f.write(np.ascontiguousarray(q, dtype=np.int8).tobytes())
        f.write(np.ascontiguousarray(scales, dtype="<f4").tobytes())


def quantise(x: F32) -> tuple[I8, F32]:
    """Symmetric per-row int8: scale = max|row| / 127, value = round(x / scale)."""
    scales = (np.abs(x).max(axis=1) / 127.0).astype(np.float32)
    safe = np.where(scales > 0, scales, np.float32(1.0))
    q = np.clip(np.rint(x / safe[:, None]), -127, 127).astype(np.int8)
    return q, scales


def wordpiece_tokenizer(vocab_path: Path) -> Tokenizer:
    """The teacher's tokenizer pipeline rebuilt from a ``vocab.txt``, without specials.

    Same components and options as all-MiniLM-L6-v2's ``tokenizer.json``
    (BertNormalizer(clean_text, handle_chinese_chars, strip_accents=None -> follows
    lowercase=True), BertPreTokenizer, WordPiece(unk=[UNK], prefix ##, 100 chars)).
    """
    vocab: dict[str, int] = {}
    for i, line in enumerate(vocab_path.read_text(encoding="utf-8").split("\n")):
        if line:
            vocab.setdefault(line, i)
    tok = Tokenizer(
        WordPiece(
            vocab, unk_token="[UNK]", continuing_subword_prefix="##", max_input_chars_per_word=100
        )
    )
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tok


class StaticEmbedder:
    """Embed texts with a distilled static table: tokenise, look up, mean, L2-normalise."""

    def __init__(self, d: int, table_dir: Path | None = None) -> None:
        """Load ``minilm_d{d}.bin`` and ``vocab.txt`` from ``table_dir`` (default: the repo's)."""
        directory = table_dir or TABLE_DIR
        q, scales = read_table(table_path(d, directory))
        if q.shape[1] != d:
            raise ValueError(f"table has d={q.shape[1]}, asked for {d}")
        self.d: int = d
        self.table: F32 = (q.astype(np.float32) * scales[:, None]).astype(np.float32)
        self.tokenizer: Tokenizer = wordpiece_tokenizer(directory / "vocab.txt")
        if self.tokenizer.get_vocab_size() != q.shape[0]:
            raise ValueError("vocab.txt and the table disagree on the vocabulary size")
        # [UNK] carries no meaning: the engine pools it as nothing, and so does the oracle.
        unk = self.tokenizer.token_to_id("[UNK]")
        if unk is not None:
            self.table[unk] = 0.0

    def token_ids(self, text: str) -> list[int]:
        """WordPiece ids of ``text`` (no [CLS]/[SEP], no truncation)."""
        ids: list[int] = self.tokenizer.encode(text, add_special_tokens=False).ids
        return ids

    def encode(self, texts: list[str]) -> F32:
        """Return n x d float32: the L2-normalised mean of each text's token rows
        ([UNK] adds nothing)."""
        out = np.zeros((len(texts), self.d), dtype=np.float32)
        encs = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for i, enc in enumerate(encs):
            if enc.ids:
                v = self.table[np.asarray(enc.ids, dtype=np.int64)].mean(axis=0)
                n = float(np.linalg.norm(v))
                if n > 0.0:
                    out[i] = v / n
        return out


def main(argv: list[str]) -> int:
    """Print cosines for pairs of texts given as ``a|||b`` arguments (d from --d, default 64)."""
    d = 64
    pairs: list[tuple[str, str]] = []
    args = iter(argv)
    for a in args:
        if a == "--d":
            d = int(next(args))
        else:
            left, _, right = a.partition("|||")
            pairs.append((left, right))
    emb = StaticEmbedder(d)
    for left, right in pairs:
        va, vb = emb.encode([left, right])
        print(f"{float(va @ vb):+.4f}  {left!r} / {right!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
