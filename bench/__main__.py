"""`make bench`: run every benchmark (or those named in BENCH), print its table, keep bench/README.md up to date.

Each section of bench/README.md is replaced when its benchmark runs again; the others are kept.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "foundation",
    "crisis",
    "crisis_blind",
    "faults",
    "gc_pause",
    "encoder",
    "talk_type",
    "knowledge",
    "conversation",
    "mi",
    "anonymizer",
    "transcripts",
    "directory",
    "referral",
    "channels",
    "checkins",
    "checkin_times",
    "handoff",
    "staff",
    "trainer",
    "trainer_model",
    "review_story",
    "dialogue_check",
]


def available() -> list:
    present = {p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_")}
    chosen = sys.argv[1:] or [name for name in ORDER if name in present]
    return [name for name in chosen if name in present]


def merge(old: str, new_sections: dict) -> str:
    """bench/README.md with the sections just measured replaced and the others kept, in ORDER."""
    kept = {}
    for chunk in re.split(r"(?m)^(?=### bench\.)", old)[1:]:
        name = re.match(r"### bench\.(\w+)", chunk).group(1)
        kept[name] = chunk.rstrip() + "\n"
    kept.update(new_sections)
    names = [n for n in ORDER if n in kept] + sorted(n for n in kept if n not in ORDER)
    header = (
        f'# Benchmarks\n\nWritten by `make bench` (`make bench BENCH="mi channels"` reruns some). '
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; each section says when "
        "it was measured.\n\n"
    )
    return header + "\n".join(kept[n] for n in names)


def main() -> int:
    sections, failed = {}, []
    for name in available():
        started = time.monotonic()
        print(f"== bench.{name} ...", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(HERE.parent)},
        )
        took = time.monotonic() - started
        if proc.returncode != 0:
            failed.append(name)
            body = f"**failed** (exit {proc.returncode}):\n\n```\n{proc.stderr[-1500:]}\n```"
        else:
            body = proc.stdout.strip()
        load = os.getloadavg()[0]
        section = (
            f"### bench.{name} ({took:.0f} s, measured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, "
            f"load average {load:.1f})\n\n{body}\n"
        )
        print(section, flush=True)
        sections[name] = section
        readme = HERE / "README.md"
        old = readme.read_text(encoding="utf-8") if readme.exists() else ""
        readme.write_text(merge(old, sections), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
