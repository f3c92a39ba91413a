"""The blind check-in time sets (tests/data/checkin_times_blind/, bench/checkin_times.py) as a regression test.

Both rounds have been tuned on now (round 1 before fixes, round 2 after reading its result), so they guard
against going back, and a fresh round is what measures. What must hold: a decline is never read as a time
and always drops the check-in at once; a reply is never read as another day than the one meant, beyond
the one known disagreement ("next week": Lantern reads a week from today, the writer meant Monday).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bench.checkin_times import SETS, ZONE, outcome
from lantern.yaml_text import load_yaml


@pytest.mark.parametrize("path", SETS, ids=lambda p: Path(p).stem)
def test_blind_time_answers_hold(path):
    data = load_yaml(Path(path).read_text())
    now = datetime.strptime(str(data["now"]), "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(ZONE))
    results = Counter(outcome(reply, now) for reply in data["replies"])
    usable = sum(n for (kind, _), n in results.items() if kind == "usable")
    assert results[("declined", "dropped")] == sum(n for (kind, _), n in results.items() if kind == "declined")
    assert results[("usable", "wrong")] <= 1, results
    assert results[("usable", "right")] >= 0.8 * usable, results
    assert results[("unclear", "wrong")] <= 2, results
