"""Anonymizer benchmark: per-type recall/precision on the PII sets, latency, load time.

    .venv/bin/python -m bench.anonymizer

Prints Markdown. The main set (tests/data/pii_messages.yml) is the one the
recognizers were developed against; the held-out set was written afterwards
and is reported separately as a check on over-fitting.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import List, Sequence

from lantern.records.anonymizer import Anonymizer
from lantern.records.anonymizer.evaluation import DEFAULT_SET, Message, load_messages, score, totals

HOLDOUT_SET = DEFAULT_SET.with_name("pii_messages_holdout.yml")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def accuracy_table(anonymizer: Anonymizer, messages: Sequence[Message], title: str) -> List[str]:
    scores = score(messages, [anonymizer.analyze(m.text) for m in messages])
    lines = [
        f"### {title}: {len(messages)} messages, {sum(1 for m in messages if not m.expected)} without PII",
        "",
        "| type | support | recall | precision | predicted |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for pii_type in sorted(scores):
        ts = scores[pii_type]
        lines.append(f"| {pii_type} | {ts.support} | {_pct(ts.recall)} | {_pct(ts.precision)} | {ts.predicted} |")
    all_ = totals(scores)
    lines.append(f"| **all** | {all_.support} | {_pct(all_.recall)} | {_pct(all_.precision)} | {all_.predicted} |")
    misses = [f"{t}: {m}" for t, ts in sorted(scores.items()) for m in ts.misses]
    fps = [f"{t}: {f}" for t, ts in sorted(scores.items()) for f in ts.false_positives]
    if misses or fps:
        lines += ["", "Misses and false positives (synthetic test data):", ""]
        lines += [f"- miss {m}" for m in misses] + [f"- false positive {f}" for f in fps]
    return lines + [""]


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_table(anonymizer: Anonymizer, messages: Sequence[Message], rounds: int = 3) -> List[str]:
    texts = [m.text for m in messages]
    for text in texts[:50]:  # warm-up
        anonymizer.anonymize(text)
    per_message = []
    for _ in range(rounds):
        for text in texts:
            began = time.perf_counter()
            anonymizer.anonymize(text)
            per_message.append((time.perf_counter() - began) * 1000)
    lines = [
        "### Latency (ms per message, after warm-up)",
        "",
        "| input | runs | p50 | p95 | max |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| test-set messages (mean {statistics.mean(len(t) for t in texts):.0f} chars) | {len(per_message)} | "
        f"{_quantile(per_message, 0.5):.1f} | {_quantile(per_message, 0.95):.1f} | {max(per_message):.1f} |",
    ]
    filler = " ".join(texts)
    for size in (600, 2_000, 10_000, 100_000):
        text = (filler * (size // len(filler) + 1))[:size]
        runs = []
        for _ in range(3 if size <= 10_000 else 1):
            began = time.perf_counter()
            anonymizer.anonymize(text)
            runs.append((time.perf_counter() - began) * 1000)
        note = " (capped at max_chars)" if anonymizer.max_chars and size > anonymizer.max_chars else ""
        lines.append(
            f"| {size:,} chars of chat{note} | {len(runs)} | {_quantile(runs, 0.5):.1f} | "
            f"{_quantile(runs, 0.95):.1f} | {max(runs):.1f} |"
        )
    return lines + [""]


def main() -> None:
    anonymizer = Anonymizer.from_settings()
    began = time.perf_counter()
    anonymizer.load()
    load_s = time.perf_counter() - began
    main_set = load_messages(DEFAULT_SET)
    out = [
        "## Anonymizer benchmark",
        "",
        f"spaCy model `{anonymizer.spacy_model}`; load time (spaCy + Presidio + warm-up) {load_s:.2f} s"
        + (" — DEGRADED: model missing, no NER" if anonymizer.degraded else ""),
        "",
    ]
    out += accuracy_table(anonymizer, main_set, f"Main set ({Path(DEFAULT_SET).name})")
    if HOLDOUT_SET.exists():
        out += accuracy_table(anonymizer, load_messages(HOLDOUT_SET), f"Held-out set ({HOLDOUT_SET.name})")
    out += latency_table(anonymizer, main_set)
    print("\n".join(out))


if __name__ == "__main__":
    main()
