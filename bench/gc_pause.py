"""`python -m bench.gc_pause`: how long a full garbage collection holds the Rasa server's event loop.

Why it matters: Python's full collection walks every tracked object, and it runs on whatever thread
allocates at that moment, in the Rasa server the event loop. With the model loaded that walk held the
loop long enough to push a crisis reply past its 0.8 s deadline (rasa_plugins/channels/turns.py). The
server now freezes its start-up heap (rasa_plugins/server.py `freeze_startup_heap`). This loads the
trained model the way the server does (Rasa's `Agent.load`, with Lantern's components; the server also
holds the anonymizer's spaCy pipeline, so its heap is larger still) and times full collections before
and after the freeze, in one run.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "lantern.tar.gz"
ROUNDS = 7


def timed_collections(rounds: int) -> List[float]:
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        gc.collect()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> int:
    if not MODEL.exists():
        print(f"{MODEL} is missing: run `make train`", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from rasa.core.agent import Agent

    Agent.load(str(MODEL))
    tracked = len(gc.get_objects())
    before = timed_collections(ROUNDS)
    gc.freeze()
    frozen = gc.get_freeze_count()
    after = timed_collections(ROUNDS)
    gc.unfreeze()

    def ms(values: List[float]) -> str:
        return f"{statistics.median(values) * 1000:.2f} / {max(values) * 1000:.2f}"

    print("## Garbage-collection pause with the model loaded\n")
    print(
        f"The trained model loaded in one process ({tracked:,} tracked objects), {ROUNDS} full collections "
        f"each way, one run; load average at the end {os.getloadavg()[0]:.1f}.\n"
    )
    print("| heap | full collection median / max (ms) |\n|---|---|")
    print(f"| as loaded (what the server did before) | {ms(before)} |")
    print(f"| start-up heap frozen ({frozen:,} objects; what the server does now) | {ms(after)} |")
    print(
        f"\nA full collection holds the loop {statistics.median(before) * 1000:.0f} ms as loaded and "
        f"{statistics.median(after) * 1000:.2f} ms frozen: the crisis deadline's margin is no longer eaten by it."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
