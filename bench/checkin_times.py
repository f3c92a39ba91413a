"""`python -m bench.checkin_times [SET...]`: how well the check-in flow reads the time a person gives, on blind sets.

Each set (tests/data/checkin_times_blind/) was written by a helper given only the audience, the bot's question
("When would be good? Something like friday evening, tomorrow at 6, or in 3 days.") and the moment it is
asked, never the code: replies as people text them, each with what the person means (a clock time, a day
and part of the day, or no usable time: unclear or declined). Every reply goes through the same reading
as the conversation (actions/checkins.py `answer_turn`, lantern/checkins/when.py), offline, in
America/Chicago; the moment read is compared before quiet hours move it (the bot says why it moves one).
Outcomes:

- usable replies: **right** (the moment meant; for a day and part of the day, that day at the part's
  usual time), **right day, other time**, **asked again** (not understood: the bot asks once more),
  **wrong** (another day: said back for a yes, so a no corrects it, but it is a misreading);
- unclear replies: **asked again** is right; a time read from them is wrong;
- declines: **dropped** at once is right; **asked again** costs a turn; a time read is wrong.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Tuple
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "tests" / "data" / "checkin_times_blind").glob("round*.yml"))
ZONE = "America/Chicago"


def outcome(reply: Dict[str, Any], now: datetime) -> Tuple[str, str]:
    """(kind, outcome) of one reply."""
    from actions.base import Context
    from actions.checkins import answer_turn
    from lantern.checkins.when import parse_when

    slots = {"last_prompt": "checkin_when", "timezone": ZONE}
    turn = answer_turn(Context.plain(str(reply["text"]), slots, sender_id="sms:p_aaaaaaaaaaaaaaaaaaaa"), now)
    assert turn is not None
    draft = turn.slots.get("checkin_draft")
    # The moment read, before quiet hours move it (a move is said with its reason, not a misreading).
    found = parse_when(str(reply["text"]), now, ZONE) if isinstance(draft, dict) else None
    read = found.at if found is not None else None
    dropped = turn.slots.get("last_prompt") is None and read is None
    if "none" in reply:
        kind = "declined" if reply["none"] == "declined" else "unclear"
        if read is not None:
            return kind, "wrong"
        if kind == "declined":
            return kind, "dropped" if dropped else "asked again"
        return kind, "asked again" if not dropped else "dropped"
    if read is None:
        return "usable", "asked again"
    if "at" in reply:
        meant = datetime.strptime(str(reply["at"]), "%Y-%m-%d %H:%M")
        if read.date() != meant.date():
            return "usable", "wrong"
        return "usable", "right" if (read.hour, read.minute) == (meant.hour, meant.minute) else "right day, other time"
    day = datetime.strptime(str(reply["day"]), "%Y-%m-%d").date()
    if read.date() != day:
        return "usable", "wrong"
    from lantern.checkins.when import DAY_DEFAULT, PART_TIMES

    usual = PART_TIMES.get(str(reply.get("part")), DAY_DEFAULT)  # a part of the day's usual time; a day alone: noon
    return "usable", "right" if read.time() == usual else "right day, other time"


def main(argv: List[str]) -> int:
    from lantern.yaml_text import load_yaml

    paths = [Path(a) for a in argv] or SETS
    print("## Check-in times read from blind replies\n")
    for path in paths:
        data = load_yaml(path.read_text())
        now = datetime.strptime(str(data["now"]), "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(ZONE))
        results = [(r, *outcome(r, now)) for r in data["replies"]]
        counts: Counter = Counter((kind, out) for _, kind, out in results)
        kinds = Counter(kind for _, kind, _ in results)
        print(f"### {path.name} ({len(results)} replies; asked {now:%A %b %d, %I %p})\n")
        print("| replies | outcome | count |\n|---|---|---|")
        for (kind, out), n in sorted(counts.items()):
            print(f"| {kind} ({kinds[kind]}) | {out} | {n} |")
        misread = [(r["text"], kind, out) for r, kind, out in results if out in ("wrong", "right day, other time")]
        if misread:
            print("\nMisread (for the record; fix classes, not lines):\n")
            for text, kind, out in misread:
                print(f"- `{text}` ({kind}): {out}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
