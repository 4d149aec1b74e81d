"""Where should the topics that explain an ad (and that users block) come from?

Issue 10, point 4, measured on the labelled set: for each session, the top interest
topic by two sources, graded against the session's labelled topics (the same topic,
an ancestor or a descendant counts):

- lexicon: the engine's own interest topics (the topic lexicon's hits on the turns,
  as the profile keeps them), after replaying the session for a fresh user;
- centroids: the taxonomy's topic names embedded in the semantic model's space (the
  static token embeddings), the session's turns embedded the same way, nearest name.

    .venv/bin/python -m eval.topic_source [--out eval-results]
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Annotated

import chatads
import numpy as np
import typer
from rich.console import Console

from eval.relevance import TAXONOMY, load_world, session_query
from eval.static_embed import StaticEmbedder

console = Console(stderr=True)


def main(
    out: Annotated[Path, typer.Option(help="where topic_source.json goes")] = Path("eval-results"),
) -> None:
    """Top-1 topic agreement with the labels, lexicon against centroids, per language."""
    world = load_world(0)
    engine = chatads.Engine(
        chatads.Settings(
            secret="topic-source-eval-0123",
            data_dir=None,
            gdpr_when_unknown=False,
            demo_catalog=False,
        )
    )
    rows = [line.split("\t") for line in TAXONOMY.read_text(encoding="utf-8").splitlines()[1:]]
    ids = [int(r[0]) for r in rows]
    names = [r[1].rsplit("/", 1)[-1] for r in rows]
    emb = StaticEmbedder(64)
    centroids = emb.encode(names)
    results: dict[str, dict[str, list[int]]] = {}
    for s in world.sessions:
        user = f"topics-{s.session_id}"
        for turn in s.turns:
            engine.score(user, f"s-{s.session_id}", turn, max_ads=1)
        profile = engine.profile(user)
        lex = profile["topics"][0][0] if profile and profile["topics"] else None
        q = emb.encode([session_query(s)])[0]
        cen = ids[int(np.argmax(centroids @ q))] if q.any() else None
        for source, top in (("lexicon", lex), ("centroids", cen)):
            hit = int(top is not None and any(world.related(top, t) for t in s.topics))
            by = results.setdefault(source, {})
            by.setdefault(s.lang, []).append(hit)
            by.setdefault("all", []).append(hit)
    summary = {
        source: {lang: round(100 * statistics.fmean(v), 1) for lang, v in by.items()}
        for source, by in results.items()
    }
    console.print(summary)
    out.mkdir(parents=True, exist_ok=True)
    (out / "topic_source.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    typer.run(main)
