"""Conversation review bench: simulated people through the real server, coded blind (issue 18's figures).

    .venv/bin/python -m bench.conversation                       # every coded set under tests/data/conversation_blind
    .venv/bin/python -m bench.conversation run SET.yml OUT.md    # send a set; write the transcript to code
    .venv/bin/python -m bench.conversation score SET.yml CODES.yml

**Sets** (method in ../shared/blind-review.md): simulated people written by someone who never saw the
bot's code, phrases or data, `{people: [{id, who, lines: [...]}]}`; a line "<new session>" starts a new
session for the same person. `run` sends each person's lines through the REST channel of a real server
(one fresh sender per person) and writes two files: the transcript for the coder (OUT.md: the person's
lines and every bot message, with buttons and crisis markers, nothing else: no intents, no MI labels)
and the mechanical figures (OUT with `.auto.yml`), which need no judgement:

- **repeated sentences**: a bot sentence of four words or more said twice in one conversation (crisis
  script steps excepted: repeating a safety step is the point);
- **SMS**: each turn's messages as the SMS channel would send them (`SmsChannel.to_sms`): how many texts,
  and cut-off fragments (a text that ends mid-sentence because one message was split between words);
- per-turn latency as seen by the client.

**Coding** (`<set>[.<label>].codes.yml`, by someone who sees only the transcript, mi-style.md and the
rubric): for each person line `a01.3: {code: A|G|N|H, sub: true|false, q: true|false, answered: true|false,
miti: [..], fit: true|false}` — the reply code; whether the line is substantive (not a bare greeting,
thanks, ok, bye); whether it asks a direct question and got a direct, correct answer; the MITI 4.2.1
codes of the volley (GI, PER, PWP, Q, SR, CR, AF, SEEK, EA, CON; one reflection and one question at
most); whether its reflection fits what was said. Per person, the four globals `{cct, sst, part, emp}`
(1-5). `score` turns that into the table of bench/README.md.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from tools.processes import PROJECT_ROOT

SETS_DIR = PROJECT_ROOT / "tests" / "data" / "conversation_blind"
MODEL = PROJECT_ROOT / "models" / "lantern.tar.gz"
NEW_SESSION = "<new session>"
REPLY_CODES = ("A", "G", "N", "H")
MITI_CODES = ("GI", "PER", "PWP", "Q", "SR", "CR", "AF", "SEEK", "EA", "CON")
GLOBALS = ("cct", "sst", "part", "emp")
MIN_REPEAT_WORDS = 4
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


# ---------------------------------------------------------------- mechanical figures (no judgement)


def sentences(text: str) -> List[str]:
    """The sentences of a bot message, compared case- and spacing-blind."""
    return [" ".join(s.lower().split()) for s in _SENTENCE.split(text or "") if s.strip()]


def repeated_sentences(turns: Sequence[Sequence[Dict[str, Any]]]) -> List[str]:
    """Bot sentences (of MIN_REPEAT_WORDS words or more) said in two turns of one conversation; crisis
    script messages (the ones with a crisis marker) are left out."""
    seen: Counter[str] = Counter()
    for messages in turns:
        said = set()
        for m in messages:
            if isinstance(m.get("custom"), dict) and m["custom"].get("crisis"):
                continue
            said.update(s for s in sentences(m.get("text") or "") if len(s.split()) >= MIN_REPEAT_WORDS)
        seen.update(said)
    return sorted(s for s, n in seen.items() if n > 1)


def sms_texts(messages: Sequence[Dict[str, Any]]) -> Tuple[int, int]:
    """(texts, cut-off fragments) of one turn as the SMS channel sends it."""
    from rasa_plugins.channels import sms_text
    from rasa_plugins.channels.sms import SmsChannel

    bodies, _ = SmsChannel.to_sms([dict(m) for m in messages])
    fragments = 0
    for m in messages:
        text = m.get("text") or ""
        if m.get("buttons"):
            text, _payloads = sms_text.numbered_choices(text, m["buttons"])
        pieces = sms_text.split_for_sms(text)
        fragments += sum(1 for p in pieces[:-1] if not re.search(r"[.!?:)\"']\s*$", p))
    return len(bodies), fragments


# ---------------------------------------------------------------- through the server


def load_set(path: Path) -> List[Dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["people"])


def show(message: Dict[str, Any]) -> str:
    """One bot message as a person sees it (the text, its buttons, a crisis marker)."""
    out = f"    BOT: {message.get('text') or ''}"
    buttons = [str(b.get("title") or b.get("payload")) for b in message.get("buttons") or [] if isinstance(b, dict)]
    if buttons:
        out += "  [buttons: " + " | ".join(buttons) + "]"
    if isinstance(message.get("custom"), dict) and message["custom"].get("crisis"):
        out += f"  [crisis marker: {message['custom']['crisis']}]"
    return out


def run_set(path: Path, out: Path, model: Path = MODEL) -> None:
    """Send every person's lines through a real server; write the transcript and the mechanical figures."""
    from tests.conftest import make_settings
    from tools.client import api, conversation_id, send
    from tools.processes import start_stack

    people = load_set(path)
    blocks: List[str] = []
    auto: Dict[str, Any] = {"people": {}}
    with tempfile.TemporaryDirectory(prefix="lantern-conversation-") as tmp:
        s = make_settings(Path(tmp) / "data")
        stack = start_stack(s, model=model)
        try:
            send(s, "warm-up", "hi", timeout=60)
            for person in people:
                sender = f"conv-{uuid.uuid4().hex[:10]}"
                lines = [f"## {person['id']}", ""]
                turns: List[List[Dict[str, Any]]] = []
                texts, fragments, latency = [], 0, []
                n = 0
                for text in person["lines"]:
                    if text == NEW_SESSION:
                        api(s, f"/conversations/{conversation_id(sender)}/execute", {"name": "action_session_start"})
                        lines.append("(a new session: the person comes back later)")
                        continue
                    n += 1
                    started = time.perf_counter()
                    status, body = send(s, sender, text, timeout=60)
                    latency.append(time.perf_counter() - started)
                    messages = [m for m in body if isinstance(m, dict)] if isinstance(body, list) else []
                    turns.append(messages)
                    count, cut = sms_texts(messages)
                    texts.append(count)
                    fragments += cut
                    lines.append(f"[{person['id']}.{n}] PERSON: {text}")
                    lines.extend(show(m) for m in messages)
                    if not messages:
                        lines.append(f"    (no reply; HTTP {status})")
                blocks.append("\n".join(lines) + "\n")
                auto["people"][person["id"]] = {
                    "turns": n,
                    "repeated": repeated_sentences(turns),
                    "sms_texts": texts,
                    "fragments": fragments,
                    "latency_ms": [round(x * 1000) for x in latency],
                }
        finally:
            stack.stop()
    out.write_text("\n".join(blocks), encoding="utf-8")
    out.with_suffix(".auto.yml").write_text(yaml.safe_dump(auto, sort_keys=False, width=200), encoding="utf-8")


# ---------------------------------------------------------------- the table


def _share(n: int, d: int) -> str:
    return f"{n / d:.0%} ({n})" if d else "n/a"


def _ratio(n: float, d: float) -> str:
    return f"{n / d:.2f}" if d else "n/a"


def check_codes(people: Sequence[Dict[str, Any]], codes: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    """The per-line codes, checked against the set: every person line coded, every code known."""
    lines: Dict[str, Dict[str, Any]] = codes.get("lines") or {}
    wanted = [f"{p['id']}.{i}" for p in people for i in range(1, 1 + sum(1 for t in p["lines"] if t != NEW_SESSION))]
    missing = [k for k in wanted if k not in lines]
    if missing:
        raise ValueError(f"no code for {', '.join(missing[:5])} ({len(missing)} lines)")
    for key in wanted:
        line = lines[key]
        if line.get("code") not in REPLY_CODES:
            raise ValueError(f"{key}: code must be one of {REPLY_CODES}")
        unknown = [c for c in line.get("miti") or [] if c not in MITI_CODES]
        if unknown:
            raise ValueError(f"{key}: unknown MITI codes {unknown}")
    return {k: lines[k] for k in wanted}


def score(path: Path, codes_path: Path, label: str = "", auto_path: Optional[Path] = None) -> str:
    """The table of one coded run: reply codes, direct questions, MITI counts and globals, mechanics."""
    people = load_set(path)
    codes = yaml.safe_load(codes_path.read_text(encoding="utf-8"))
    lines = check_codes(people, codes)
    sub = [v for v in lines.values() if v.get("sub")]
    count_all = Counter(v["code"] for v in lines.values())
    count_sub = Counter(v["code"] for v in sub)
    asked = [v for v in lines.values() if v.get("q")]
    answered = sum(1 for v in asked if v.get("answered"))
    volleys = [set(v.get("miti") or []) for v in lines.values()]
    miti = Counter(c for v in volleys for c in v)
    fitting = sum(1 for v in lines.values() if {"SR", "CR"} & set(v.get("miti") or []) and v.get("fit"))
    fitting_cr = sum(1 for v in lines.values() if "CR" in (v.get("miti") or []) and v.get("fit"))
    reflections = miti["SR"] + miti["CR"]
    globals_: Dict[str, Dict[str, int]] = codes.get("globals") or {}
    means = {g: sum(float(p.get(g, 0)) for p in globals_.values()) / (len(globals_) or 1) for g in GLOBALS}
    out = [
        f"**{path.stem}**" + (f" ({label})" if label else "") + f": {len(people)} people, {len(lines)} person lines",
        "",
        "| replies | A fits, carries content | G generic | N misread | H harmful, MI-inconsistent |",
        "|---|---|---|---|---|",
        f"| all ({len(lines)}) | " + " | ".join(_share(count_all[c], len(lines)) for c in REPLY_CODES) + " |",
        f"| substantive ({len(sub)}) | " + " | ".join(_share(count_sub[c], len(sub)) for c in REPLY_CODES) + " |",
        "",
        f"- N + H on substantive lines: {_share(count_sub['N'] + count_sub['H'], len(sub))} (target <= 5%);"
        f" A: {_share(count_sub['A'], len(sub))} (target >= 75%)",
        f"- direct questions answered directly and correctly: {_share(answered, len(asked))} of {len(asked)}"
        " (target >= 90%)",
        "- MITI counts (volley rule): "
        + ", ".join(f"{c} {miti[c]}" for c in MITI_CODES)
        + f"; R:Q {_ratio(reflections, miti['Q'])}, fitting reflections only {_ratio(fitting, miti['Q'])}"
        f" (target >= 2.0); %CR {_share(miti['CR'], reflections)}, fitting {_share(fitting_cr, fitting)}",
        f"- globals (mean of {len(globals_)}): "
        + ", ".join(f"{g} {means[g]:.1f}" for g in GLOBALS)
        + f"; Technical {(means['cct'] + means['sst']) / 2:.1f}, Relational {(means['part'] + means['emp']) / 2:.1f}"
        " (targets >= 4)",
    ]
    auto_file = auto_path or codes_path.with_name(codes_path.name.replace(".codes.yml", ".transcript.auto.yml"))
    if auto_file.exists():
        out.append(mechanics(yaml.safe_load(auto_file.read_text(encoding="utf-8"))))
    transcript = codes_path.with_name(codes_path.name.replace(".codes.yml", ".transcript.md"))
    if transcript.exists():
        out.append(crisis_markers(transcript.read_text(encoding="utf-8")))
    return "\n".join(out)


_PERSON_LINE = re.compile(r"^\[[a-z]\d+\.\d+\] PERSON:", re.MULTILINE)


def crisis_markers(transcript: str) -> str:
    """How many replies carried a crisis marker, and how many of them were a check-in (issue 14: a needless
    check-in or script is the commonest misreading in the blind conversations)."""
    replies = _PERSON_LINE.split(transcript)[1:]
    marked = sum("[crisis marker:" in reply for reply in replies)
    checks = sum("[crisis marker: check]" in reply for reply in replies)
    return f"- replies with a crisis marker: {marked} of {len(replies)} ({checks} with a check-in)"


def mechanics(auto: Dict[str, Any]) -> str:
    """The mechanical figures of one run: repetition, SMS texts per turn, fragments, latency."""
    people = auto.get("people") or {}
    repeats = {pid: p["repeated"] for pid, p in people.items() if p.get("repeated")}
    texts = [t for p in people.values() for t in p.get("sms_texts") or []]
    latency = sorted(ms for p in people.values() for ms in p.get("latency_ms") or [])
    p50 = latency[len(latency) // 2] if latency else 0
    p95 = latency[min(len(latency) - 1, int(len(latency) * 0.95))] if latency else 0
    repeated = sum(len(r) for r in repeats.values())
    over = sum(1 for t in texts if t > 3)
    fragments = sum(int(p.get("fragments") or 0) for p in people.values())
    return (
        f"- repeated sentences: {repeated} in {len(repeats)} of {len(people)} conversations (target 0);"
        f" SMS: {over} of {len(texts)} turns over 3 texts (most {max(texts or [0])}), {fragments} cut-off"
        f" fragments (target 0); client latency p50 {p50} ms, p95 {p95} ms"
    )


def run() -> str:
    parts: List[str] = []
    for path in sorted(SETS_DIR.glob("*.yml")):
        if path.name.endswith((".codes.yml", ".auto.yml")):
            continue
        for codes in sorted(SETS_DIR.glob(path.stem + ".*codes.yml"), key=lambda p: (len(p.name), p.name)):
            label = codes.name[len(path.stem) + 1 : -len(".codes.yml")].rstrip(".") or "first run"
            parts += [score(path, codes, label), ""]
    return "\n".join(parts) or "(no coded conversation sets yet)"


def main(argv: List[str]) -> int:
    if argv[:1] == ["run"] and len(argv) >= 3:
        run_set(Path(argv[1]), Path(argv[2]), Path(argv[3]) if len(argv) > 3 else MODEL)
        return 0
    if argv[:1] == ["score"] and len(argv) >= 3:
        print(score(Path(argv[1]), Path(argv[2]), auto_path=Path(argv[3]) if len(argv) > 3 else None))
        return 0
    print(run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
