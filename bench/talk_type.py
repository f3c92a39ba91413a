"""Talk-type benchmark: held-out macro-F1, AnnoMI client utterances with and without context, latency.

Trains the component on the project's examples (as `rasa train` would, without
the rest of the pipeline), then measures:
  - the project's held-out set (tests/data/talk_type_heldout.yml), target macro-F1 >= 0.85;
  - AnnoMI client utterances (measurement only, never training), target macro-F1 >= 0.60,
    text only and with context: the therapist utterance just before, as the bot's previous
    message would be (its main_therapist_behaviour mapped to an MI code, its talk type from
    this model reading it in the client's voice, whether its last sentence is negated);
    also the utterances of three words or fewer;
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
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # Rasa imports TensorFlow; keep its banner quiet

from lantern.nlu.talk_context import TurnContext, answer_kind, is_negative, last_sentence
from lantern.nlu.talk_model import LABELS
from rasa_plugins.nlu.talk_type import PROJECT_ROOT, TalkTypeClassifier, load_examples, train_standalone

HELDOUT = PROJECT_ROOT / "tests" / "data" / "talk_type_heldout.yml"
ANNOMI = (PROJECT_ROOT / ".." / "shared" / "data" / "annomi" / "annomi-dev.csv").resolve()


def f1_scores(gold: Sequence[str], pred: Sequence[str]) -> Dict[str, float]:
    """F1 per label plus 'macro' (mean over the three labels)."""
    scores: Dict[str, float] = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
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
    return (
        f"| latency per message, {name}, p50 / p95 (n={len(latencies)}) | "
        f"CPU {pct(cpu, 50):.2f} / {pct(cpu, 95):.2f} ms; wall {pct(wall, 50):.2f} / {pct(wall, 95):.2f} ms "
        f"| includes the sentence encoder (its own figures: bench.encoder); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores |"
    )


def read_annomi_turns(path: Path) -> List[Dict[str, Optional[str]]]:
    """Client utterances with a talk type, each with the utterance just before it when that is the
    therapist's in the same transcript (the bot's previous message, in Lantern's terms), else None.
    `prev_label` is the talk type of the client utterance before that therapist turn (diagnostic only)."""
    turns: List[Dict[str, Optional[str]]] = []
    before: List[Dict[str, str]] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if before and before[-1].get("transcript_id") != row.get("transcript_id"):
                before = []
            if row.get("interlocutor") == "client" and row.get("client_talk_type") in LABELS:
                prev = before[-1] if before and before[-1].get("interlocutor") == "therapist" else None
                earlier = before[0] if prev and len(before) == 2 and before[0].get("interlocutor") == "client" else None
                turns.append(
                    {
                        "text": row["utterance_text"],
                        "label": row["client_talk_type"],
                        "prev_text": prev["utterance_text"] if prev else None,
                        "prev_behaviour": prev.get("main_therapist_behaviour") if prev else None,
                        "prev_label": earlier.get("client_talk_type") if earlier else None,
                    }
                )
            before = (before + [row])[-2:]
    return turns


# AnnoMI's therapist behaviours as MI codes. A reflection is simple or complex (the rules treat
# both alike); a question is closed when it can be answered yes or no (MITI), read from its form.
_WH = re.compile(r"^(?:(?:so|and|but|okay|ok|well|now|um|uh|then)[,\s]+)*(what|how|why|where|when|who|which|tell me)\b")
_SECOND_PERSON = {
    "you": "i",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "you're": "i'm",
    "you've": "i've",
    "you'll": "i'll",
    "you'd": "i'd",
    "youre": "im",
}


def annomi_mi_code(behaviour: Optional[str], text: str) -> Optional[str]:
    if behaviour == "reflection":
        return "complex_reflection"
    if behaviour == "question":
        return "open_question" if _WH.match(last_sentence(text).lower().lstrip("-\u2014 ")) else "closed_question"
    if behaviour == "therapist_input":
        return "information"
    return "structure" if behaviour == "other" else None


def client_voice(text: str) -> str:
    """A therapist's (or the bot's) words in the client's voice: a reflection says back what the client
    means in the second person, and the model was trained on first-person client talk."""
    return re.sub(r"[A-Za-z']+", lambda m: _SECOND_PERSON.get(m.group(0).lower(), m.group(0)), text)


def annomi_context(component: TalkTypeClassifier, turn: Dict[str, Optional[str]]) -> Optional[TurnContext]:
    """The context Lantern's server would pass if the therapist's utterance were the bot's message."""
    text = turn.get("prev_text")
    if not text:
        return None
    talk = component.classify(client_voice(text))["name"]
    return TurnContext(
        prev_talk=talk, prev_mi=annomi_mi_code(turn.get("prev_behaviour"), text), prev_negative=is_negative(text)
    )


def n_words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?", re.sub(r"\[[^\]]{0,40}\]", " ", text)))


def evaluate(
    component: TalkTypeClassifier, texts: Sequence[str], gold: Sequence[str], latencies: List[Tuple[float, float]]
) -> Tuple[Dict[str, float], List[str]]:
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
            cell = [t for t, gg, pp in zip(texts, gold, pred, strict=True) if gg == g and pp == p]
            print(f"\n=== gold {g} -> predicted {p}: {len(cell)}", file=sys.stderr)
            for text in rng.sample(cell, min(n, len(cell))):
                print("  -", text[:160], file=sys.stderr)


def confusion(gold: Sequence[str], pred: Sequence[str]) -> str:
    lines = ["| gold \\ predicted | " + " | ".join(LABELS) + " |", "|---|" + "---:|" * len(LABELS)]
    for g in LABELS:
        counts = [sum(1 for gg, pp in zip(gold, pred, strict=True) if gg == g and pp == p) for p in LABELS]
        lines.append(f"| {g} | " + " | ".join(str(c) for c in counts) + " |")
    return "\n".join(lines)


def convention_note(turns: Sequence[Dict[str, Optional[str]]]) -> str:
    """How AnnoMI labels a short agreement to a reflection of what the client had just said (by the gold
    label of the client's turn before the reflection): the ceiling of any rule that reads agreement."""
    parts = []
    for side in ("change", "sustain"):
        cell = [
            t["label"]
            for t in turns
            if t["prev_behaviour"] == "reflection"
            and t["prev_label"] == side
            and answer_kind(t["text"] or "") == "agree"
        ]
        if cell:
            parts.append(
                f"after a reflection of a {side}-talk turn, {cell.count(side)} of {len(cell)} "
                f"({cell.count(side) / len(cell):.0%}) are labelled {side}, "
                f"{cell.count('neutral')} neutral"
            )
    return (
        ('How AnnoMI labels short agreements ("yeah", "exactly", "mm-hmm", "i do"): ' + "; ".join(parts) + ".")
        if parts
        else ""
    )


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
    pred_ctx: List[str] = []
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
        turns = read_annomi_turns(args.annomi)
        texts = [t["text"] for t in turns]
        gold = [t["label"] for t in turns]
        latencies = []
        scores, pred = evaluate(component, texts, gold, latencies)
        timing.append(latency_row("AnnoMI (spoken, longer)", latencies))
        contexts = [annomi_context(component, t) for t in turns]
        in_context = [component.classify_in_context(text, ctx) for text, ctx in zip(texts, contexts, strict=True)]
        pred_ctx = [r["name"] for r in in_context]
        scores_ctx = f1_scores(gold, pred_ctx)
        annomi_pred = (list(texts), list(gold), pred)
        short = [i for i, text in enumerate(texts) if n_words(text) <= 3]
        short_gold = [gold[i] for i in short]
        short_scores = f1_scores(short_gold, [pred[i] for i in short])
        short_ctx = f1_scores(short_gold, [pred_ctx[i] for i in short])
        used = sum(1 for r in in_context if r["context_used"])
        rows.append(
            f"| AnnoMI client macro-F1 (n={len(texts)}), text only / with context | "
            f"**{scores['macro']:.3f}** / **{scores_ctx['macro']:.3f}** "
            "| target >= 0.60 (BERT without context: about 0.58) |"
        )
        for label in LABELS:
            rows.append(
                f"| AnnoMI F1 {label} (n={gold.count(label)}), text only / with context | "
                f"{scores[label]:.3f} / {scores_ctx[label]:.3f} | |"
            )
        rows.append(
            f"| AnnoMI, 3 words or fewer (n={len(short)}): macro-F1 text only / with context | "
            f"{short_scores['macro']:.3f} / {short_ctx['macro']:.3f} | "
            + ", ".join(
                f"{label} {short_scores[label]:.3f} / {short_ctx[label]:.3f} (n={short_gold.count(label)})"
                for label in LABELS
            )
            + " |"
        )
        rows.append(
            f"| AnnoMI utterances the context decided | {used} | "
            f"{sum(1 for c in contexts if c is not None)} had a therapist utterance just before |"
        )
        notes.append(convention_note(turns))
    else:
        notes.append(f"AnnoMI file {args.annomi} not found: AnnoMI figures skipped (pass --annomi PATH).")

    print("## Talk type (change / sustain / neutral)\n")
    print("| measure | value | note |\n|---|---:|---|")
    print("\n".join(rows + timing))
    if annomi_pred[0]:
        print("\nAnnoMI confusion (client utterances, text only):\n")
        print(confusion(annomi_pred[1], annomi_pred[2]))
        print("\nAnnoMI confusion (client utterances, with context):\n")
        print(confusion(annomi_pred[1], pred_ctx))
        if args.errors:
            show_errors(*annomi_pred, n=args.errors)
    for note in notes:
        if note:
            print(f"\n{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
