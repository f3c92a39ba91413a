"""`python -m bench.dialogue_check`: how long `make dialogue-check` takes with the model fresh (issue 20: <= 60 s).

Three runs of the whole check (wording, schemas, `rasa data validate`, the test stories), one after the
other; min, median and max, and each part's seconds from the last run. Exit 1 when the model is older
than the data (the stories would not run and the figure would mean nothing) or a run finds something.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
TARGET = 60.0


def main() -> int:
    from tools import dialogue

    stale = dialogue.model_stale()
    if stale:
        print(f"the model is older than {dialogue.rel(stale[0])}: run `make train` first", file=sys.stderr)
        return 1
    seconds, output = [], ""
    for _ in range(RUNS):
        started = time.monotonic()
        proc = subprocess.run(["make", "-s", "dialogue-check"], cwd=ROOT, capture_output=True, text=True)
        seconds.append(time.monotonic() - started)
        output = proc.stdout
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-1000:], file=sys.stderr)
            return 1
    parts = re.findall(r"^== (.+?): ok \((\d+) s\)", output, re.M)
    print("## Trainer loop: dialogue-check\n")
    print(
        f"`make dialogue-check` with the model fresh, {RUNS} runs one after the other (no server running; "
        f"the two Rasa commands run beside the in-process checks). Load average at the end: "
        f"{os.getloadavg()[0]:.1f}.\n"
    )
    print("| measure | seconds |\n|---|---|")
    print(f"| min | {min(seconds):.1f} |\n| median | {statistics.median(seconds):.1f} |\n| max | {max(seconds):.1f} |")
    print("\nEach part, last run (seconds from its start; the parts overlap):\n")
    print("| part | seconds |\n|---|---|")
    for title, took in parts:
        print(f"| {title.split(' (')[0]} | {took} |")
    met = "met" if max(seconds) <= TARGET else "NOT met"
    print(f"\nTarget: `make dialogue-check` <= {TARGET:.0f} s: max {max(seconds):.1f} s ({met}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
