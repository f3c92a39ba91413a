"""Added latency per turn of the anonymizing tracker store + transcript write, vs Rasa's plain SQL store.

    .venv/bin/python -m bench.transcripts [TURNS]

Both stores save the same simulated turns to their own SQLite file: a user
message from the PII test set (tests/data/pii_messages.yml) with the parse data
the NLU adds (intent, crisis, talk type), the bot's replies from the project's
domain (template responses, the greeting text of a custom action) and, every
fourth turn, a custom-action reflection that repeats the user's words (a bot
text never seen before, so the anonymizer runs on it too). Only `save()` is
timed; the added latency is Lantern's save minus the plain save of the same
turn. Wall-clock times include waiting for the CPU when the machine is shared,
so CPU time of the saving thread is reported too (what a turn costs on an
idle core; it leaves out the disk's fsync wait, which both stores share).
Prints Markdown.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
PII_SET = ROOT / "tests" / "data" / "pii_messages.yml"
TURNS_PER_CONVERSATION = 10
BUDGET_MS = 30.0


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _turn_events(text: str, n: int, domain) -> List:  # rasa Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    from actions.greet import greeting_messages

    crisis = {"level": "none", "category": None, "confidence": 0.02}
    parse = {
        "intent": {"name": "greet" if n == 0 else "inform", "confidence": 0.87},
        "entities": [],
        "intent_ranking": [{"name": "inform", "confidence": 0.87}, {"name": "greet", "confidence": 0.1}],
        "crisis": crisis,
        "talk_type": {"name": "neutral", "confidence": 0.71, "ambivalent": False},
    }
    events = [UserUttered(text, parse["intent"], [], parse_data={**parse, "text": text}, input_channel="rest")]
    if n == 0:
        events.append(ActionExecuted("action_greet"))
        events += [BotUttered(m["text"], metadata=m["metadata"]) for m in greeting_messages("Example Org", False)]
    else:
        name = "utter_iamabot" if "utter_iamabot" in domain.responses else sorted(domain.responses)[0]
        template = domain.responses[name][0]["text"]
        events += [ActionExecuted(name), BotUttered(template, metadata={"utter_action": name})]
    if n % 4 == 3:
        events += [
            ActionExecuted("action_reflect"),
            BotUttered(f"It sounds like {text[:80]} - did I get that right?", metadata={"mi": "reflection"}),
        ]
    events.append(ActionExecuted("action_listen"))
    return events


async def _measure(texts: Sequence[str]) -> Dict[str, List[float]]:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    from rasa_plugins.tracker_store import LanternTrackerStore

    domain = Domain.load(str(ROOT / "domain"))
    folder = Path(tempfile.mkdtemp(prefix="bench-transcripts-"))
    plain = SQLTrackerStore(domain=domain, host=f"sqlite:///{folder / 'plain.db'}")
    lantern = LanternTrackerStore(domain=domain, host=f"sqlite:///{folder / 'lantern.db'}", pseudonym_key="bench-key")
    out: Dict[str, List[float]] = {
        k: []
        for k in (
            "plain",
            "lantern",
            "added",
            "scrub",
            "write",
            "added_reflection",
            "added_plain_turn",
            "cpu_plain",
            "cpu_lantern",
            "cpu_added",
        )
    }
    warm_up = texts[:TURNS_PER_CONVERSATION]
    for measured, batch in ((False, warm_up), (True, texts)):
        for start in range(0, len(batch), TURNS_PER_CONVERSATION):
            sender = f"+1614555{start:04d}" if measured else f"warmup-{start}"
            trackers = {}
            for _name, store in (("plain", plain), ("lantern", lantern)):
                tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
                tracker.update(ActionExecuted("action_session_start"))
                tracker.update(SessionStarted())
                tracker.update(ActionExecuted("action_listen"))
                await store.save(tracker)
            for n, text in enumerate(batch[start : start + TURNS_PER_CONVERSATION]):
                timings, cpu = {}, {}
                order = (("plain", plain), ("lantern", lantern)) if n % 2 else (("lantern", lantern), ("plain", plain))
                for name, store in order:
                    tracker = await store.retrieve(sender)
                    for event in _turn_events(text, n, domain):
                        tracker.update(event)
                    began, began_cpu = time.perf_counter(), time.thread_time()
                    await store.save(tracker)
                    timings[name] = (time.perf_counter() - began) * 1000
                    cpu[name] = (time.thread_time() - began_cpu) * 1000
                    trackers[name] = tracker
                if measured:
                    added = timings["lantern"] - timings["plain"]
                    out["plain"].append(timings["plain"])
                    out["lantern"].append(timings["lantern"])
                    out["added"].append(added)
                    out["scrub"].append(lantern.last_save_ms["scrub"])
                    out["write"].append(lantern.last_save_ms["write"])
                    out["added_reflection" if n % 4 == 3 else "added_plain_turn"].append(added)
                    out["cpu_plain"].append(cpu["plain"])
                    out["cpu_lantern"].append(cpu["lantern"])
                    out["cpu_added"].append(cpu["lantern"] - cpu["plain"])
    plain.engine.dispose()
    lantern.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return out


def main(argv: Sequence[str] = ()) -> int:
    turns = int(argv[0]) if argv else 200
    messages = yaml.safe_load(PII_SET.read_text(encoding="utf-8"))["messages"]
    texts = [m["text"] for m in messages]
    texts = (texts * (turns // len(texts) + 1))[:turns]
    began = time.perf_counter()
    out = asyncio.run(_measure(texts))
    took = time.perf_counter() - began
    rows = [
        ("Rasa SQLTrackerStore.save (plain)", out["plain"]),
        ("LanternTrackerStore.save (anonymize + pseudonym + transcript)", out["lantern"]),
        ("**added per turn** (paired difference)", out["added"]),
        ("  - of which anonymizing the events (scrub)", out["scrub"]),
        ("  - of which the write (events + transcript rows, one transaction)", out["write"]),
        ("added, turns with a new reflection text (1 in 4)", out["added_reflection"]),
        ("added, other turns", out["added_plain_turn"]),
        ("CPU time: plain save", out["cpu_plain"]),
        ("CPU time: Lantern save", out["cpu_lantern"]),
        ("**CPU time: added per turn**", out["cpu_added"]),
    ]
    lines = [
        f"{len(out['added'])} turns ({TURNS_PER_CONVERSATION} per conversation) on SQLite, "
        f"PII test-set messages as user text; {took:.0f} s in all. Budget: added p95 <= {BUDGET_MS:.0f} ms.",
        "",
        "| per turn | p50 ms | p95 ms | mean ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, values in rows:
        if values:
            lines.append(
                f"| {label} | {_quantile(values, 0.5):.1f} | {_quantile(values, 0.95):.1f} | "
                f"{statistics.fmean(values):.1f} |"
            )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    for label, key in (("wall clock", "added"), ("CPU time", "cpu_added")):
        p95 = _quantile(out[key], 0.95)
        lines.append(
            f"\nAdded p95 ({label}) {p95:.1f} ms: {'within' if p95 <= BUDGET_MS else 'OVER'} "
            f"the {BUDGET_MS:.0f} ms budget."
        )
    lines.append(f"\nLoad average at the end: {load:.1f} on {os.cpu_count()} cores.")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
