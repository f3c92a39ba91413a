"""The knowledge base: finding entries by meaning (offline), and blind question sets through the real server.

    .venv/bin/python -m bench.knowledge                      # offline figures + every coded blind set
    .venv/bin/python -m bench.knowledge run SET.yml OUT.md   # send a set, write the transcript to code
    .venv/bin/python -m bench.knowledge score SET.yml CODES.yml

**Offline (held-out asks).** In each fold one `asks` line of every entry is left out of training
and then read: how often the right entry comes first, and how often it comes first *and* reaches
ANSWER_MIN (what the bot would answer). This measures the classifier against the entries' own
wording, so it only chooses settings; it is not a blind figure.

**Blind sets** (tests/data/knowledge_blind/*.yml, method in ../shared/blind-review.md; each run's
transcript is kept next to its codes as `<set>[.<label>].transcript.md`): questions
written by someone who never saw the entries, each `{id, area, text, expect: answer|defer,
key_facts}`. `run` sends every question as the first message of a fresh conversation and writes the
replies; a coder who sees only that transcript and the rubric below writes `<set>.codes.yml`
(`codes: {q001: R, ...}`), which `score` and the default run turn into the table:

    R  right and specific: answers what was asked, correct facts (or a correct deferral for `defer`)
    D  honest deferral: says it does not know / a person should answer, offers one, no guess
    P  partly: right facts, but misses the main point asked or is vague
    M  misread: answers a different question (a topic overview, a menu, a reflection)
    W  wrong or unsafe fact (any)
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

from lantern.knowledge import entries as kb_entries
from lantern.knowledge import retrieval, topics
from lantern.knowledge.answers import KNOWLEDGE_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SETS_DIR = PROJECT_ROOT / "tests" / "data" / "knowledge_blind"
MODEL = PROJECT_ROOT / "models" / "lantern.tar.gz"
CODES = ("R", "D", "P", "M", "W")


def offline(folds: Sequence[int] = (0, 1)) -> str:
    """Held-out asks: for fold k the k-th ask of every entry is left out of training and then read."""
    from lantern.nlu.sentence_encoder import get_encoder

    encoder = get_encoder()
    if encoder is None:
        return "Sentence encoder missing: run `make install`."
    found = kb_entries.load(KNOWLEDGE_DIR)
    words = topics.load(KNOWLEDGE_DIR / "topics.yml")
    results: List[Tuple[bool, float]] = []
    times: List[float] = []
    fit_s: List[float] = []
    for k in folds:
        held = [(e.id, e.asks[k]) for e in found]
        trimmed = [replace(e, asks=tuple(a for j, a in enumerate(e.asks) if j != k)) for e in found]
        started = time.perf_counter()
        index = retrieval.Index.build(trimmed, words, encoder.encode)
        fit_s.append(time.perf_counter() - started)
        for entry_id, text in held:
            t0 = time.perf_counter()
            best = retrieval.read(text, index, words, encoder.embed).best
            times.append((time.perf_counter() - t0) * 1000)
            results.append((bool(best and best[0] == entry_id), best[1] if best else 0.0))
    n = len(results)
    lines = [
        f"{len(found)} entries; {n} held-out asks ({len(folds)} folds, each leaves one ask of every entry out of "
        f"training); classifier fitted in {sum(fit_s) / len(fit_s):.0f} s a fold.",
        "",
        "| threshold | right entry answered | wrong entry answered | deferred |",
        "|---|---|---|---|",
    ]
    for threshold in (0.1, 0.2, retrieval.ANSWER_MIN, 0.4, 0.5):
        right = sum(1 for ok, s in results if ok and s >= threshold)
        wrong = sum(1 for ok, s in results if not ok and s >= threshold)
        mark = " (ANSWER_MIN)" if threshold == retrieval.ANSWER_MIN else ""
        lines.append(f"| {threshold:.2f}{mark} | {right / n:.1%} | {wrong / n:.1%} | {(n - right - wrong) / n:.1%} |")
    top1 = sum(1 for ok, _ in results if ok)
    times.sort()
    lines += [
        "",
        f"Right entry first at any score: {top1 / n:.1%}. Reading per message (one or two encodings): "
        f"p50 {times[n // 2]:.1f} ms, p95 {times[int(n * 0.95)]:.1f} ms.",
    ]
    return "\n".join(lines)


def load_set(path: Path) -> List[Dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["questions"])


def run_set(path: Path, out: Path, model: Path = MODEL) -> None:
    """Send each question as a fresh conversation's first message; write `id | question | replies` for coding."""
    from tests.conftest import make_settings
    from tools.client import send
    from tools.processes import start_stack

    questions = load_set(path)
    with tempfile.TemporaryDirectory(prefix="lantern-knowledge-") as tmp:
        s = make_settings(Path(tmp) / "data")
        stack = start_stack(s, model=model)
        try:
            send(s, "warm-up", "hi", timeout=60)
            blocks = []
            for q in questions:
                status, body = send(s, f"kb-{uuid.uuid4().hex[:10]}", q["text"], timeout=60)
                texts = [m.get("text", "") for m in body if isinstance(m, dict)] if isinstance(body, list) else []
                replies = "\n".join(f"  BOT: {t}" for t in texts) or f"  (HTTP {status}, no reply)"
                facts = f"(set: expect {q.get('expect', 'answer')}; key facts: {q.get('key_facts', '')})"
                blocks.append(f"### {q['id']}\nPERSON: {q['text']}\n{replies}\n{facts}\n")
        finally:
            stack.stop()
    out.write_text("\n".join(blocks), encoding="utf-8")


def score(path: Path, codes_path: Path, label: str = "") -> str:
    """The table of one coded set: shares of R/D/P/M/W, overall and for questions to answer / to defer."""
    questions = {q["id"]: q for q in load_set(path)}
    codes: Dict[str, str] = yaml.safe_load(codes_path.read_text(encoding="utf-8"))["codes"]
    missing = sorted(set(questions) - set(codes))
    if missing:
        raise ValueError(f"{codes_path}: no code for {', '.join(missing[:5])}")
    if any(c not in CODES for c in codes.values()):
        raise ValueError(f"{codes_path}: codes are {', '.join(CODES)}")

    def row(name: str, ids: Sequence[str]) -> str:
        count = Counter(codes[i] for i in ids)
        n = len(ids) or 1
        return f"| {name} ({len(ids)}) | " + " | ".join(f"{count[c] / n:.0%} ({count[c]})" for c in CODES) + " |"

    answer = [i for i, q in questions.items() if q.get("expect") != "defer"]
    defer = [i for i, q in questions.items() if q.get("expect") == "defer"]
    return "\n".join(
        [
            f"**{path.stem}**" + (f" ({label})" if label else ""),
            "",
            "| questions | R right, specific | D honest deferral | P partly | M misread | W wrong fact |",
            "|---|---|---|---|---|---|",
            row("all", list(questions)),
            row("to answer", answer),
            row("to defer", defer),
        ]
    )


def run() -> str:
    parts = ["### Held-out asks (offline; chooses settings, not a blind figure)", "", offline()]
    for path in sorted(SETS_DIR.glob("*.yml")):
        if path.name.endswith(".codes.yml"):
            continue
        # <set>.codes.yml: the first (blind) figure; <set>.<label>.codes.yml: later runs of the same set.
        for codes in sorted(SETS_DIR.glob(path.stem + ".*codes.yml"), key=lambda p: (len(p.name), p.name)):
            label = codes.name[len(path.stem) + 1 : -len(".codes.yml")].rstrip(".") or "first run"
            parts += ["", score(path, codes, label)]
    return "\n".join(parts)


def main(argv: List[str]) -> int:
    if argv[:1] == ["run"] and len(argv) >= 3:
        run_set(Path(argv[1]), Path(argv[2]), Path(argv[3]) if len(argv) > 3 else MODEL)
        return 0
    if argv[:1] == ["score"] and len(argv) == 3:
        print(score(Path(argv[1]), Path(argv[2])))
        return 0
    print(run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
