"""Sentence encoder benchmark: what reading a message's meaning costs (lantern/nlu/sentence_encoder.py).

Latency of one message (the server's case) over the realistic held-out chat messages and over
longer spoken turns (AnnoMI client utterances, when the file is there), batch throughput (the
training case) and the memory the weights add. Agreement with the reference implementation is a
unit test (tests/unit/test_sentence_encoder.py), not a benchmark.

Run: `.venv/bin/python -m bench.encoder`. Prints a Markdown table.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List, Sequence

import numpy as np
import psutil
import yaml

from bench.talk_type import ANNOMI, read_annomi_turns
from lantern.nlu.sentence_encoder import SentenceEncoder
from lantern.settings import PROJECT_ROOT, load

HELD_OUT = PROJECT_ROOT / "tests" / "data" / "fallback_messages.yml"


def single_latencies(encoder: SentenceEncoder, texts: Sequence[str]) -> List[float]:
    """Milliseconds to encode each text alone (no cache: `encode`, not `embed`)."""
    out = []
    for text in texts:
        start = time.perf_counter()
        encoder.encode([text])
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(name: str, values: List[float], tokens: List[int]) -> str:
    return (
        f"| one message, {name} (n={len(values)}, median {int(np.median(tokens))} word pieces) | "
        f"p50 {np.percentile(values, 50):.1f} ms, p95 {np.percentile(values, 95):.1f} ms, "
        f"max {max(values):.1f} ms |"
    )


def main() -> int:
    process = psutil.Process()
    before = process.memory_info().rss
    start = time.perf_counter()
    encoder = SentenceEncoder.from_dir(Path(load().encoder_dir))
    load_s = time.perf_counter() - start
    added_mb = (process.memory_info().rss - before) / 2**20
    chat = [item["text"] for item in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["messages"]]
    encoder.encode(chat[:8])  # warm-up
    rows = ["| measure | value |", "|---|---|", f"| load the weights | {load_s:.2f} s, +{added_mb:.0f} MB resident |"]
    rows.append(row("held-out chat messages", single_latencies(encoder, chat), [len(encoder.tokens(t)) for t in chat]))
    if ANNOMI.is_file():
        spoken = [t["text"] for t in read_annomi_turns(ANNOMI)][:400]
        rows.append(
            row(
                "AnnoMI client turns, first 400",
                single_latencies(encoder, spoken),
                [len(encoder.tokens(t)) for t in spoken],
            )
        )
    longest = "i have been thinking about all of it " * 100
    rows.append(row("2,000+ characters (cut at 128 word pieces)", single_latencies(encoder, [longest] * 20), [128]))
    batch = (chat * 40)[:4000]
    start = time.perf_counter()
    encoder.encode(batch)
    took = time.perf_counter() - start
    rows.append(
        f"| batch of {len(batch)} chat messages (training) | {took:.1f} s, {len(batch) / took:.0f} messages/s |"
    )
    print("\n".join(rows))
    print(
        f"\n{os.cpu_count()} cores; NumPy {np.__version__}. The server encodes each message once; "
        "the intent and talk-type components share the vector."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
