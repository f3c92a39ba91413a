"""`make bench`: run every benchmark, print its table, write them all to bench/README.md with the date."""
from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["foundation", "crisis", "talk_type", "mi", "anonymizer", "transcripts", "directory", "referral", "channels"]


def available() -> list:
    present = {p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_")}
    chosen = sys.argv[1:] or [name for name in ORDER if name in present]
    return [name for name in chosen if name in present]


def main() -> int:
    sections, failed = [], []
    for name in available():
        started = time.monotonic()
        print(f"== bench.{name} ...", flush=True)
        proc = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(HERE.parent)})
        took = time.monotonic() - started
        if proc.returncode != 0:
            failed.append(name)
            body = f"**failed** (exit {proc.returncode}):\n\n```\n{proc.stderr[-1500:]}\n```"
        else:
            body = proc.stdout.strip()
        section = f"### bench.{name} ({took:.0f} s)\n\n{body}\n"
        print(section, flush=True)
        sections.append(section)
    header = (f"# Benchmarks\n\nMeasured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} on "
              f"{platform.node() or 'this machine'}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              "by `make bench`.\n\n")
    if not sys.argv[1:]:
        (HERE / "README.md").write_text(header + "\n".join(sections), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
