"""Foundation benchmark: Lantern against a bare `rasa init` bot, measured the same way in one run.

For each bot: training time, cold start to first reply, per-turn latency of
short conversations one at a time, saturation with 20 conversations sending
back to back, latency early and late in one long conversation, peak RSS.

The short and saturation runs are done twice: with the five-message script (the foundation
issue's measure; the same texts again and again) and with distinct realistic messages, none
repeated. Lantern's sentence encoder remembers recent texts, so only the distinct run shows
what reading a new message costs.
Run with `make bench` (or `python -m bench.foundation`).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import psutil
import yaml

from lantern import settings as settings_mod
from tests.conftest import free_port, make_settings
from tools.client import bearer
from tools.processes import PROJECT_ROOT, Stack, _spawn, http_json, start_stack, wait_healthy

SCRIPT = ["hi", "are you a bot?", "thanks", "ok", "bye"]  # the same messages for both bots


def distinct_messages() -> List[str]:
    """Realistic chat messages, each once: the held-out intent and talk-type sets (never trained on)."""
    data = PROJECT_ROOT / "tests" / "data"
    texts = [m["text"] for m in yaml.safe_load((data / "fallback_messages.yml").read_text())["messages"]]
    texts += [e["text"] for e in yaml.safe_load((data / "talk_type_heldout.yml").read_text())["examples"]]
    return list(dict.fromkeys(texts))


SHORT_TURNS = 200
SATURATION_CONVERSATIONS = 20
SATURATION_TURNS_EACH = 20
LONG_TURNS = 200
WINDOW = 10  # turns averaged around "turn 5" and "turn 200"


def pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class RssSampler:
    """Peak resident memory of a set of processes (and their children), sampled every 0.2 s."""

    def __init__(self, pids: Dict[str, int]) -> None:
        self.pids = pids
        self.peak: Dict[str, int] = {name: 0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                try:
                    proc = psutil.Process(pid)
                    rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                    self.peak[name] = max(self.peak[name], rss)
                except psutil.Error:
                    pass
            self._stop.wait(0.2)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Result:
    name: str
    train_s: float = 0.0
    cold_start_s: float = 0.0
    short: List[float] = field(default_factory=list)
    saturation_tps: float = 0.0
    saturation: List[float] = field(default_factory=list)
    distinct: List[float] = field(default_factory=list)
    distinct_saturation_tps: float = 0.0
    long: List[float] = field(default_factory=list)
    rss_mb: Dict[str, float] = field(default_factory=dict)


# The REST channel's Bearer header for Lantern (tools/client.py); the bare Rasa baseline takes none.
HEADERS: Dict[str, str] = {}


# Turns answered with the crisis script at the channel's crisis deadline (0.8 s) before the turn could be
# saved: HTTP 503 with `saved: false` and the crisis messages (docs/channels.md, "When something fails").
# Under saturation a message that reads as a crisis gets its reply in time and the client is told to resend.
CRISIS_AT_DEADLINE: List[str] = []


def _crisis_at_deadline(status: int, body: object) -> bool:
    if status != 503 or not isinstance(body, dict) or body.get("saved") is not False:
        return False
    messages = body.get("messages") or []
    return any(
        isinstance(m, dict) and isinstance(m.get("custom"), dict) and m["custom"].get("crisis") for m in messages
    )


def turn(url: str, sender: str, text: str) -> float:
    started = time.perf_counter()
    status, body = http_json(url, {"sender": sender, "message": text}, timeout=60, headers=HEADERS)
    elapsed = time.perf_counter() - started
    if _crisis_at_deadline(status, body):
        CRISIS_AT_DEADLINE.append(sender.split("-")[0])
    elif status != 200 or not isinstance(body, list):
        raise RuntimeError(f"turn failed with HTTP {status}: {str(body)[:200]}")
    return elapsed * 1000


def drive(result: Result, url: str) -> None:
    """The three load shapes, against a server already answering at `url`."""
    for i in range(SHORT_TURNS):
        sender = f"short-{i // len(SCRIPT)}-{uuid.uuid4().hex[:6]}"
        result.short.append(turn(url, sender, SCRIPT[i % len(SCRIPT)]))

    def conversation(n: int) -> List[float]:
        sender = f"sat-{n}-{uuid.uuid4().hex[:6]}"
        return [turn(url, sender, SCRIPT[i % len(SCRIPT)]) for i in range(SATURATION_TURNS_EACH)]

    started = time.perf_counter()
    with ThreadPoolExecutor(SATURATION_CONVERSATIONS) as pool:
        for latencies in pool.map(conversation, range(SATURATION_CONVERSATIONS)):
            result.saturation.extend(latencies)
    result.saturation_tps = len(result.saturation) / (time.perf_counter() - started)

    pool = distinct_messages()

    def fresh(i: int) -> str:  # past the pool's end a number keeps each text new
        return pool[i] if i < len(pool) else f"{pool[i % len(pool)]} {i}"

    for i in range(SHORT_TURNS):
        result.distinct.append(turn(url, f"distinct-{i // len(SCRIPT)}-{uuid.uuid4().hex[:6]}", fresh(i)))

    def distinct_conversation(n: int) -> int:
        sender = f"dsat-{n}-{uuid.uuid4().hex[:6]}"
        for i in range(SATURATION_TURNS_EACH):
            turn(url, sender, fresh(SHORT_TURNS + n * SATURATION_TURNS_EACH + i))
        return SATURATION_TURNS_EACH

    started = time.perf_counter()
    with ThreadPoolExecutor(SATURATION_CONVERSATIONS) as pool_exec:
        done = sum(pool_exec.map(distinct_conversation, range(SATURATION_CONVERSATIONS)))
    result.distinct_saturation_tps = done / (time.perf_counter() - started)

    sender = f"long-{uuid.uuid4().hex[:6]}"
    result.long = [turn(url, sender, SCRIPT[i % len(SCRIPT)]) for i in range(LONG_TURNS)]


def bench_lantern(workdir: Path) -> Result:
    result = Result("Lantern")
    started = time.perf_counter()
    model_dir = workdir / "lantern-model"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--domain",
            "domain",
            "--data",
            "data",
            "--config",
            "config.yml",
            "--out",
            str(model_dir),
            "--fixed-model-name",
            "lantern",
            "--force",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"training failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    result.train_s = time.perf_counter() - started
    s = make_settings(workdir / "lantern-data")
    started = time.perf_counter()
    stack = start_stack(s, model=model_dir / "lantern.tar.gz")
    try:
        url = f"{s.rasa_url}/webhooks/rest/webhook"
        HEADERS.clear()
        HEADERS.update(bearer(s.rest_token))
        turn(url, "cold-start", "hi")
        result.cold_start_s = time.perf_counter() - started
        with RssSampler({c.name: c.process.pid for c in stack.children}) as rss:
            drive(result, url)
        result.rss_mb = {k: v / 2**20 for k, v in rss.peak.items()}
    finally:
        stack.stop()
    return result


def bench_baseline(workdir: Path) -> Result:
    """A bare `rasa init` project, trained and served with Rasa's defaults."""
    result = Result("bare rasa init")
    project = workdir / "baseline"
    project.mkdir()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    # `rasa init --no-prompt` copies the starter project and trains it: its time is the training time.
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(project)],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    result.train_s = time.perf_counter() - started
    model = next((project / "models").glob("*.tar.gz"))
    port = free_port()
    started = time.perf_counter()
    child = _spawn(
        "baseline-rasa",
        [sys.executable, "-m", "rasa", "run", "--port", str(port), "--interface", "127.0.0.1", "--model", str(model)],
        env,
        workdir / "logs",
        f"http://127.0.0.1:{port}/",
        cwd=project,
    )
    stack = Stack(settings=settings_mod.load({}), children=[child])
    try:
        wait_healthy(child, 240)
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        HEADERS.clear()
        turn(url, "cold-start", "hi")
        result.cold_start_s = time.perf_counter() - started
        with RssSampler({"rasa": child.process.pid}) as rss:
            drive(result, url)
        result.rss_mb = {k: v / 2**20 for k, v in rss.peak.items()}
    finally:
        stack.stop()
    return result


def table(results: List[Result]) -> str:
    def early(r: Result) -> float:
        return statistics.median(r.long[:WINDOW])

    def late(r: Result) -> float:
        return statistics.median(r.long[-WINDOW:])

    rows: List[tuple] = [
        ("training time (s)", lambda r: f"{r.train_s:.0f}"),
        ("cold start to first reply (s)", lambda r: f"{r.cold_start_s:.1f}"),
        (f"short conversations, p50 per turn (ms, {SHORT_TURNS} turns)", lambda r: f"{statistics.median(r.short):.0f}"),
        ("short conversations, p95 per turn (ms)", lambda r: f"{pct(r.short, 95):.0f}"),
        (
            f"saturation throughput (turns/s, {SATURATION_CONVERSATIONS} conversations)",
            lambda r: f"{r.saturation_tps:.1f}",
        ),
        ("saturation p95 per turn (ms)", lambda r: f"{pct(r.saturation, 95):.0f}"),
        (
            f"distinct messages, p50 per turn (ms, {SHORT_TURNS} turns)",
            lambda r: f"{statistics.median(r.distinct):.0f}",
        ),
        ("distinct messages, p95 per turn (ms)", lambda r: f"{pct(r.distinct, 95):.0f}"),
        ("distinct messages, saturation throughput (turns/s)", lambda r: f"{r.distinct_saturation_tps:.1f}"),
        (f"long conversation, median of turns 1-{WINDOW} (ms)", lambda r: f"{early(r):.0f}"),
        (f"long conversation, median of turns {LONG_TURNS - WINDOW + 1}-{LONG_TURNS} (ms)", lambda r: f"{late(r):.0f}"),
        ("late / early ratio", lambda r: f"{late(r) / early(r):.2f}"),
        ("peak RSS, Rasa server (MB)", lambda r: f"{r.rss_mb.get('rasa', r.rss_mb.get('baseline-rasa', 0)):.0f}"),
        ("peak RSS, action server (MB)", lambda r: f"{r.rss_mb['actions']:.0f}" if "actions" in r.rss_mb else "none"),
    ]
    lines = ["| measure | " + " | ".join(r.name for r in results) + " |", "|---|" + "---|" * len(results)]
    lines += [f"| {label} | " + " | ".join(fmt(r) for r in results) + " |" for label, fmt in rows]
    lantern, base = results
    lines += [
        "",
        f"Lantern / baseline: p50 latency {statistics.median(lantern.short) / statistics.median(base.short):.2f}x "
        f"(target <= 1.3x), throughput {lantern.saturation_tps / base.saturation_tps:.2f}x (target >= 1x), "
        f"long-conversation growth {late(lantern) / early(lantern):.2f}x (target <= 1.5x). "
        f"With distinct messages: p50 latency "
        f"{statistics.median(lantern.distinct) / statistics.median(base.distinct):.2f}x, "
        f"throughput {lantern.distinct_saturation_tps / base.distinct_saturation_tps:.2f}x.",
        "",
        f"Crisis script sent at the 0.8 s crisis deadline before the turn was saved (HTTP 503, saved: false, "
        f"counted as answered): {len(CRISIS_AT_DEADLINE)} turns"
        + (f" (load shapes: {', '.join(sorted(set(CRISIS_AT_DEADLINE)))})." if CRISIS_AT_DEADLINE else "."),
    ]
    return "\n".join(lines)


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        workdir = Path(tmp)
        base = bench_baseline(workdir)
        lantern = bench_lantern(workdir)
    return "## Foundation: Lantern against a bare `rasa init` bot\n\n" + table([lantern, base])


if __name__ == "__main__":
    print(run())
