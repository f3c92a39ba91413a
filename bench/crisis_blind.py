"""Blind crisis sets through the real server: recall, false alarms, multi-message cases, crisis reply latency.

    .venv/bin/python -m bench.crisis_blind [SET.yml ...] [--misses] [--model M] [--baseline B]

Default: every round in tests/data/crisis_blind/ with models/lantern.tar.gz. `--misses` lists the
messages got wrong (only for sets already used for tuning); `--baseline B` also runs the sets with
another model (e.g. one trained from an earlier commit) and compares crisis reply latency in the
same run.

Each set was written by someone who never saw the detector, its patterns, its training
examples or earlier sets (method: ../shared/blind-review.md, "Crisis sets"). A set's file:

    singles: [{text, kind: overdose|stimulant|suicide|danger|none, indirect: bool, note}]
    multi:   [{kind, messages: [2-3 texts], note}]

Every single message is the first message of a fresh conversation (a new sender id); the
messages of a multi case go one after another in one conversation. Caught = a reply carries
the crisis marker (`custom.crisis`); a check-in counts, and so does the full script. On hard
negatives the full script and the check-in are counted apart.

The server is started here with the trained model (models/lantern.tar.gz), on free ports with
its own data folder, exactly as `make run` starts it.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from lantern.crisis import registry
from tests.conftest import make_settings
from tools.client import send as client_send
from tools.processes import PROJECT_ROOT, start_stack

SETS_DIR = PROJECT_ROOT / "tests" / "data" / "crisis_blind"
MODEL = PROJECT_ROOT / "models" / "lantern.tar.gz"
KINDS = registry.NAMES
CHECK_MARKERS = {"check", "check_in"}


@dataclass
class Reply:
    """What one turn got: the crisis markers of its messages and how long it took."""

    markers: Tuple[str, ...]
    ms: float

    @property
    def caught(self) -> bool:
        return bool(self.markers)

    @property
    def full_script(self) -> bool:
        return any(m not in CHECK_MARKERS for m in self.markers)


@dataclass
class SetResult:
    name: str
    singles: List[Tuple[Dict[str, Any], Reply]] = field(default_factory=list)
    multi: List[Tuple[Dict[str, Any], List[Reply]]] = field(default_factory=list)


def send(s: Any, sender: str, text: str) -> Reply:
    started = time.perf_counter()
    status, body = client_send(s, sender, text, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or not isinstance(body, list):
        raise RuntimeError(f"turn failed with HTTP {status}")
    markers = tuple(
        str(m["custom"]["crisis"]) for m in body if isinstance(m.get("custom"), dict) and m["custom"].get("crisis")
    )
    return Reply(markers, elapsed)


def load_set(path: Path) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for item in data.get("singles", []):
        if item.get("kind") not in KINDS + ("none",) or not isinstance(item.get("text"), str):
            raise ValueError(f"{path}: bad single {item!r}")
    return data


def run_set(s: Any, path: Path) -> SetResult:
    data = load_set(path)
    result = SetResult(path.stem)
    for item in data.get("singles", []):
        result.singles.append((item, send(s, f"blind-{uuid.uuid4().hex[:12]}", item["text"])))
    for case in data.get("multi", []):
        sender = f"blind-multi-{uuid.uuid4().hex[:12]}"
        result.multi.append((case, [send(s, sender, text) for text in case["messages"]]))
    return result


def rate(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.1f}%)" if d else "n/a"


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def figures(result: SetResult) -> List[Tuple[str, str]]:
    pos = [(m, r) for m, r in result.singles if m["kind"] != "none"]
    neg = [(m, r) for m, r in result.singles if m["kind"] == "none"]
    indirect = [(m, r) for m, r in pos if m.get("indirect")]
    rows = [
        ("recall, crisis or check-in", rate(sum(r.caught for _, r in pos), len(pos))),
        ("recall on indirect messages", rate(sum(r.caught for _, r in indirect), len(indirect))),
        ("full script on positives", rate(sum(r.full_script for _, r in pos), len(pos))),
    ]
    for kind in KINDS:
        of_kind = [(m, r) for m, r in pos if m["kind"] == kind]
        rows.append((f"recall, {kind}", rate(sum(r.caught for _, r in of_kind), len(of_kind))))
    rows += [
        ("hard negatives: full-script false alarms", rate(sum(r.full_script for _, r in neg), len(neg))),
        ("hard negatives: check-ins", rate(sum(r.caught and not r.full_script for _, r in neg), len(neg))),
    ]
    multi_pos = [(c, rs) for c, rs in result.multi if c["kind"] != "none"]
    multi_neg = [(c, rs) for c, rs in result.multi if c["kind"] == "none"]
    rows.append(
        ("multi-message cases caught", rate(sum(any(r.caught for r in rs) for _, rs in multi_pos), len(multi_pos)))
    )
    rows.append(
        (
            "multi-message negatives with a crisis marker",
            rate(sum(any(r.caught for r in rs) for _, rs in multi_neg), len(multi_neg)),
        )
    )
    crisis_ms = [r.ms for _, r in result.singles if r.full_script]
    all_ms = [r.ms for _, r in result.singles]
    rows.append(("crisis reply latency p50 / p95", f"{pct(crisis_ms, 50):.0f} / {pct(crisis_ms, 95):.0f} ms"))
    rows.append(("any first message p50 / p95", f"{pct(all_ms, 50):.0f} / {pct(all_ms, 95):.0f} ms"))
    return rows


def misses(result: SetResult) -> List[str]:
    """The messages a set got wrong, for a set that is already a regression set (never the final one's report)."""
    lines = []
    for m, r in result.singles:
        if m["kind"] != "none" and not r.caught:
            lines.append(f"MISS {m['kind']}{' (indirect)' if m.get('indirect') else ''}: {m['text']}")
        elif m["kind"] == "none" and r.caught:
            lines.append(f"{'ALARM' if r.full_script else 'CHECK'}: {m['text']} -> {','.join(r.markers)}")
    for c, rs in result.multi:
        hit = any(r.caught for r in rs)
        if (c["kind"] != "none") != hit:
            lines.append(f"MULTI {'MISS' if not hit else 'ALARM'} {c['kind']}: {' || '.join(c['messages'])}")
    return lines


def table(results: List[SetResult]) -> str:
    out = ["| measure | " + " | ".join(r.name for r in results) + " |", "|---|" + "---|" * len(results)]
    columns = [dict(figures(r)) for r in results]
    for name, _ in figures(results[0]):
        out.append(f"| {name} | " + " | ".join(c[name] for c in columns) + " |")
    return "\n".join(out)


def serve_and_run(paths: List[Path], model: Path) -> List[SetResult]:
    with tempfile.TemporaryDirectory(prefix="lantern-blind-") as tmp:
        s = make_settings(Path(tmp) / "data")
        stack = start_stack(s, model=model)
        try:
            send(s, "warm-up", "hi")
            return [run_set(s, p) for p in paths]
        finally:
            stack.stop()


def latency_ratio(results: List[SetResult], baseline: List[SetResult]) -> str:
    """Crisis reply p95 against a baseline model's on the same messages, in the same run (the machine is shared)."""
    ours = [r.ms for res in results for _, r in res.singles if r.full_script]
    theirs = [r.ms for res in baseline for _, r in res.singles if r.full_script]
    return (
        f"\n\nCrisis reply latency against the baseline model in the same run: p50 {pct(ours, 50):.0f} vs "
        f"{pct(theirs, 50):.0f} ms, p95 {pct(ours, 95):.0f} vs {pct(theirs, 95):.0f} ms "
        f"(p95 ratio {pct(ours, 95) / pct(theirs, 95):.2f}x)."
    )


def run(
    paths: Optional[List[Path]] = None, show_misses: bool = False, model: Path = MODEL, baseline: Optional[Path] = None
) -> str:
    paths = paths or sorted(SETS_DIR.glob("*.yml"))
    results = serve_and_run(paths, model)
    text = table(results)
    if baseline is not None:
        text += latency_ratio(results, serve_and_run(paths, baseline))
    if show_misses:
        for r in results:
            text += f"\n\n{r.name}:\n" + "\n".join(misses(r))
    return text


def main(argv: List[str]) -> int:
    show = "--misses" in argv
    model = Path(argv[argv.index("--model") + 1]) if "--model" in argv else MODEL
    baseline = Path(argv[argv.index("--baseline") + 1]) if "--baseline" in argv else None
    paths = [Path(a) for a in argv if a.endswith(".yml")]
    print(run(paths or None, show, model, baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
