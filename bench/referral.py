"""Referral benchmark: end-to-end latency of referral turns through a real Lantern.

Starts the action server and the Rasa server on free ports with a fresh data folder,
imports the FICTIONAL Dayton sample directory, warms up, then runs short referral
conversations one at a time through the REST channel and times every turn from
request to reply (NLU, dialogue, action server, directory search, tracker store).
Turn kinds: the whole request up front ("narcan near 45402": form + search in one
turn), a form question, the last form answer (+ search), "more", picking one.
Prints a Markdown table (p50 / p95 / max per kind). `python -m bench.referral [rounds]`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from lantern.directory import db
from lantern.directory.importer import import_path
from tests.conftest import make_settings
from tools.client import send
from tools.processes import PROJECT_ROOT, start_stack

MODEL = PROJECT_ROOT / "models" / "lantern.tar.gz"
SAMPLE = PROJECT_ROOT / "data" / "directory" / "sample-dayton"
ROUNDS = 20

# (kind, message) turns of one round's conversations; each list is one conversation.
CONVERSATIONS: Sequence[Sequence[Tuple[str, str]]] = (
    (
        ("up front: form + search", "where can i get narcan near 45402"),
        ("more", "any others?"),
        ("decline", "none of these"),
    ),
    (
        ("form question", "can you help me find a place"),
        ("form question", "idk"),
        ("form question", "subs"),
        ("last answer + search", "dayton oh"),
        ("pick one", "the first one"),
    ),
    (("up front: form + search", "methadone clinic in dayton oh"), ("pick one", "the second one")),
    (("up front: form + search", "i need detox near 00000"), ("last answer + search", "anywhere")),
    (("reference: not a referral", "hi"), ("reference: not a referral", "are you a bot?")),
)
ORDER = ["up front: form + search", "form question", "last answer + search", "more", "pick one", "decline"]
REFERENCE = "reference: not a referral"


def pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main(rounds: int = ROUNDS) -> int:
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    timings: Dict[str, List[float]] = {kind: [] for kind in ORDER + [REFERENCE]}
    with tempfile.TemporaryDirectory(prefix="lantern-bench-referral-") as tmp:
        s = make_settings(Path(tmp) / "data")
        with db.session_scope(s.directory_db_url) as session:
            import_path(SAMPLE, session)
        db.dispose(s.directory_db_url)
        stack = start_stack(s, model=MODEL)
        try:
            for warm in range(2):  # first turns load lazily (NLU graph, ZIP table, directory engine)
                for _kind, text in CONVERSATIONS[0]:
                    send(s, f"warmup-{warm}-{uuid.uuid4().hex[:6]}", text)
            failures = 0
            for _ in range(rounds):
                for conversation in CONVERSATIONS:
                    who = f"bench-{uuid.uuid4().hex[:10]}"
                    for kind, text in conversation:
                        started = time.perf_counter()
                        status, replies = send(s, who, text)
                        took = (time.perf_counter() - started) * 1000
                        if status != 200 or not replies:
                            failures += 1
                        timings[kind].append(took)
        finally:
            stack.stop()
    all_turns = [t for kind in ORDER for t in timings[kind]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Referral turns end to end (REST request to reply), {rounds} rounds of {len(CONVERSATIONS) - 1} referral "
        f"conversations and a short reference one, one at a time, sample directory (14 services), "
        f"{failures} failed turns; {os.cpu_count()} cores, load average {load:.1f} at the end.\n"
    )
    print("| turn | n | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for kind in ORDER + ["all referral turns", REFERENCE]:
        values = all_turns if kind == "all referral turns" else timings[kind]
        if values:
            print(
                f"| {kind} | {len(values)} | {statistics.median(values):.0f} | {pct(values, 95):.0f} | "
                f"{max(values):.0f} |"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS))
