"""Talk-type benchmark: held-out macro-F1, AnnoMI client utterances, latency.

Trains the component on the project's examples (as `rasa train` would, without
the rest of the pipeline), then measures:
  - the project's held-out set (tests/data/talk_type_heldout.yml), target macro-F1 >= 0.85;
  - AnnoMI client utterances (measurement only, never training), target macro-F1 >= 0.60;
  - latency of one classification, p50/p95.
Run: `.venv/bin/python -m bench.talk_type [--annomi PATH] [--errors N]`.
`--errors N` prints up to N misclassified AnnoMI utterances per confusion cell to stderr
(for error analysis; never copy them into the project).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # Rasa imports TensorFlow; keep its banner quiet

from bot.nlu.talk_model import LABELS  # noqa: E402
from bot.nlu.talk_type import PROJECT_ROOT, TalkTypeClassifier, load_examples, train_standalone  # noqa: E402

HELDOUT = PROJECT_ROOT / "tests" / "data" / "talk_type_heldout.yml"
ANNOMI = (PROJECT_ROOT / ".." / "shared" / "data" / "annomi" / "annomi-dev.csv").resolve()


def f1_scores(gold: Sequence[str], pred: Sequence[str]) -> Dict[str, float]:
    """F1 per label plus 'macro' (mean over the three labels)."""
    scores: Dict[str, float] = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    scores["macro"] = sum(scores[label] for label in LABELS) / len(LABELS)
    return scores


def pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def latency_row(name: str, latencies: List[Tuple[float, float]]) -> str:
    """Wall clock depends on what else the (shared) machine runs; CPU time is the component's cost."""
    wall = [w for w, _ in latencies]
    cpu = [c for _, c in latencies]
    return (f"| latency per message, {name}, p50 / p95 (n={len(latencies)}) | "
            f"CPU {pct(cpu, 50):.2f} / {pct(cpu, 95):.2f} ms; wall {pct(wall, 50):.2f} / {pct(wall, 95):.2f} ms "
            f"| target < 2 ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores |")


def read_annomi(path: Path) -> Tuple[List[str], List[str]]:
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("interlocutor") == "client" and row.get("client_talk_type") in LABELS:
                texts.append(row["utterance_text"])
                labels.append(row["client_talk_type"])
    return texts, labels


def evaluate(component: TalkTypeClassifier, texts: Sequence[str], gold: Sequence[str],
             latencies: List[Tuple[float, float]]) -> Tuple[Dict[str, float], List[str]]:
    """Scores and predictions; appends (wall, CPU) milliseconds per message to latencies."""
    pred = []
    for text in texts:
        wall, cpu = time.perf_counter(), time.process_time()
        pred.append(component.classify(text)["name"])
        latencies.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return f1_scores(gold, pred), pred


def show_errors(texts: Sequence[str], gold: Sequence[str], pred: Sequence[str], n: int) -> None:
    rng = random.Random(0)
    for g in LABELS:
        for p in LABELS:
            if g == p:
                continue
            cell = [t for t, gg, pp in zip(texts, gold, pred) if gg == g and pp == p]
            print(f"\n=== gold {g} -> predicted {p}: {len(cell)}", file=sys.stderr)
            for text in rng.sample(cell, min(n, len(cell))):
                print("  -", text[:160], file=sys.stderr)


def confusion(gold: Sequence[str], pred: Sequence[str]) -> str:
    lines = ["| gold \\ predicted | " + " | ".join(LABELS) + " |", "|---|" + "---:|" * len(LABELS)]
    for g in LABELS:
        counts = [sum(1 for gg, pp in zip(gold, pred) if gg == g and pp == p) for p in LABELS]
        lines.append(f"| {g} | " + " | ".join(str(c) for c in counts) + " |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annomi", type=Path, default=ANNOMI, help="AnnoMI csv (default: %(default)s)")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--errors", type=int, default=0, help="print N AnnoMI errors per cell to stderr")
    args = parser.parse_args(argv)

    train_texts, _ = load_examples(TalkTypeClassifier.get_default_config()["examples_path"])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        component = train_standalone(Path(tmp))
        train_s = time.perf_counter() - start

    timing: List[str] = []
    rows = [f"| training examples | {len(train_texts)} | trained in {train_s:.1f} s |"]
    notes: List[str] = []
    annomi_pred: Tuple[List[str], List[str], List[str]] = ([], [], [])
    if args.heldout.is_file():
        texts, gold = load_examples(str(args.heldout))
        latencies: List[Tuple[float, float]] = []
        scores, _ = evaluate(component, texts, gold, latencies)
        timing.append(latency_row("held-out (chat)", latencies))
        rows.append(f"| held-out macro-F1 (n={len(texts)}) | **{scores['macro']:.3f}** | target >= 0.85 |")
        for label in LABELS:
            rows.append(f"| held-out F1 {label} (n={gold.count(label)}) | {scores[label]:.3f} | |")
    else:
        notes.append(f"Held-out file {args.heldout} not found: skipped.")
    if args.annomi.is_file():
        texts, gold = read_annomi(args.annomi)
        latencies = []
        scores, pred = evaluate(component, texts, gold, latencies)
        timing.append(latency_row("AnnoMI (spoken, longer)", latencies))
        annomi_pred = (list(texts), list(gold), pred)
        rows.append(f"| AnnoMI client macro-F1 (n={len(texts)}) | **{scores['macro']:.3f}** "
                    "| target >= 0.60 (BERT without context: about 0.58) |")
        for label in LABELS:
            rows.append(f"| AnnoMI F1 {label} (n={gold.count(label)}) | {scores[label]:.3f} | |")
    else:
        notes.append(f"AnnoMI file {args.annomi} not found: AnnoMI figures skipped "
                     "(pass --annomi PATH).")

    print("## Talk type (change / sustain / neutral)\n")
    print("| measure | value | note |\n|---|---:|---|")
    print("\n".join(rows + timing))
    if annomi_pred[0]:
        print("\nAnnoMI confusion (client utterances, no context):\n")
        print(confusion(annomi_pred[1], annomi_pred[2]))
        if args.errors:
            show_errors(*annomi_pred, n=args.errors)
    for note in notes:
        print(f"\n{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
