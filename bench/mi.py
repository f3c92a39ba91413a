"""MI conversation benchmark: intent macro-F1 (5-fold CV), fallback rate, MI fidelity through the real server.

(a) Intent macro-F1 with stratified 5-fold cross-validation of the project's NLU pipeline
    (config.yml, all of data/nlu/), via Rasa's `cross_validate`. Target >= 0.90.
(b) Fallback rate and intent accuracy on tests/data/fallback_messages.yml (realistic
    messages not in the training data) through a real Rasa server (`/model/parse`).
    Target: fallback <= 10%.
(c) MI fidelity: scripted conversations (CONVERSATIONS below) sent through the REST channel
    of a real server with the real action server; every bot message's MI code is read from
    the tracker's `bot` events (`GET /conversations/<id>/tracker`), after every turn (the
    tracker store loads a bounded window). MITI 4.2.1 "good": reflections:questions >= 2,
    complex reflections >= 50% of reflections. Summaries count as (complex) reflections, as
    MITI codes them; permission questions count as Seek Collaboration, not as questions (the
    table also shows the ratio with permission counted as a question).

    .venv/bin/python -m bench.mi [--skip-cv] [--folds 5] [--model models/lantern.tar.gz]

Prints Markdown tables. Nothing is written to the project (temporary folders only).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from tools.client import api, conversation_id, send
from tools.processes import PROJECT_ROOT

QUESTIONS = {"open_question", "closed_question"}
REFLECTIONS = {"simple_reflection", "complex_reflection", "summary"}
COMPLEX = {"complex_reflection", "summary"}
RESTART = "<new session>"  # in a script: start a new session (the same person coming back later)

# Scripted conversations: realistic messages, one flow or more each. The content messages are
# not in the NLU training data (short turn-taking words like "hi", "yeah", "ok" naturally are).
# A conversation may come back after a new session (RESTART).
CONVERSATIONS: Dict[str, List[str]] = {
    "engage, change talk, rulers, summary": [
        "hey",
        "idk my friend told me about this",
        "been using fent for like 6 years now",
        "honestly im just tired of it",
        "my kids are starting to notice stuff",
        "like a 7",
        "cause i want them to have a mom thats actually there",
        "my oldest asked me why im always asleep",
        "idk if i can tho, i tried before",
        "maybe a 4",
        "probably having someone i could text at night",
        "and not having it in the house",
        "so what now",
        "maybe call that clinic my friend goes to",
        "thanks",
    ],
    "sustain talk and ambivalence": [
        "hi",
        "i smoke meth most days",
        "it keeps me going at work honestly",
        "i like it not gonna lie",
        "everybody on my crew does it",
        "but i havent slept right in months",
        "my teeth are getting bad too",
        "my girlfriend says i look rough",
        "idk",
        "i guess part of me wants to slow down",
        "maybe just not on my days off",
        "bye",
    ],
    "a step: naloxone, then testing": [
        "hey",
        "picked up narcan from the outreach van today",
        "maybe start testing my stuff too",
        "its scary how much fent is in everything now",
        "my buddy went out last month and we had nothing",
        "tested my bag last night and it lit up",
        "i threw that bag out",
        "i want to keep being careful",
        "i want to be around for a while",
        "thanks for listening",
    ],
    "return to use after months": [
        "hi",
        "i relapsed after 4 months clean",
        "i feel like such a failure",
        "going to meetings and calling my sponsor every day",
        "i stopped going when i got a new job",
        "i want to get back to that",
        "i miss how clear my head was back then",
        "because i know how good it felt to be free",
        "my sponsor doesnt even know yet",
        "im scared hes gonna be disappointed",
        "ok",
        "bye for now",
    ],
    "recovery paths with permission": [
        "hello",
        "i wanna get off dope but i have no clue where to even start",
        "yeah",
        "whats the difference between subs and methadone",
        "i dont want to go to a clinic every single day",
        "i think subs might work for me",
        "my cousin is on them and doing good",
        "i just dont want to be sick anymore",
        "and i want my money back for once",
        "what now",
        "maybe talk to my doctor about it",
    ],
    "harm-reduction information": [
        "hey",
        "how do fent test strips work",
        "what about xylazine",
        "everything around here has tranq in it",
        "my arm has a wound that wont heal",
        "im worried ill lose the arm",
        "i use alone a lot",
        "i dont like people seeing me like that",
        "what is never use alone",
        "ok thats good to know",
        "i could call them i guess",
        "thanks",
    ],
    "discord: just a bot, then talking": [
        "ur just a bot",
        "whatever",
        "fine. i use h every day and everyone wants me to quit",
        "i dont want to quit",
        "its the only thing that helps with my back",
        "i get sick if i go a day without",
        "my doctor cut me off the pills years ago",
        "thats how it started",
        "maybe cut down some",
        "idk",
    ],
    "discord: pamphlet and no problem": [
        "i dont need another pamphlet",
        "i dont have a problem",
        "i just drink on weekends",
        "ok sometimes weeknights too",
        "my wife complains about it",
        "she says i get mean when i drink",
        "i dont want to be like my dad was",
        "he was drunk my whole childhood",
        "so what now",
        "maybe take a month off and see",
    ],
    "a worried parent": [
        "hi",
        "my son is using fentanyl and im terrified",
        "yes please",
        "how do i talk to him about it",
        "he gets angry every time i bring it up",
        "i just keep thinking about losing him",
        "he used to be such a sweet kid",
        "i keep wondering if its my fault",
        "i havent slept in weeks",
        "is there support for me",
        "thank you",
    ],
    "privacy and a person": [
        "hey",
        "who reads this",
        "will you tell my probation officer",
        "can i delete this later",
        "are you a real person",
        "can i talk to a human",
        "ok",
        "i been using again and im scared of getting violated",
        "the last time i got locked up i lost my apartment",
        "my po is actually pretty fair",
        "i want to stay out of jail",
        "i got a job interview next week",
        "bye",
    ],
    "rulers with idk and odd numbers": [
        "hi",
        "i want to quit drinking",
        "my liver numbers came back bad",
        "idk",
        "like 6 or 7",
        "because my doctor scared me",
        "last time i stopped i got the shakes real bad",
        "hmm 3",
        "if i had something for the cravings",
        "meds for alcohol?",
        "i didnt know there were meds for that",
        "my doctor never mentioned it",
        "ok",
    ],
    "just looking, then opening up": [
        "hey",
        "just looking",
        "what is this",
        "ok. i guess i use pills more than i want to",
        "started after my surgery",
        "now i buy them off the street",
        "they cost me like 300 a week",
        "i want to stop before its fent",
        "my friend died from pressed pills last year",
        "bye",
    ],
    "returning: pick up from last time": [
        "hi",
        "i want to be there for my kids",
        "and i got narcan last week",
        "bye",
        RESTART,
        "hey",
        "yeah",
        "been a little better actually",
        "i cut down some",
        "my daughter noticed",
        "she said i seem happier",
        "i want to keep going",
    ],
    "returning: start fresh": [
        "hi",
        "i want to quit for my health",
        "bye",
        RESTART,
        "hello",
        "start fresh",
        "work has been stressing me out",
        "i drink more when work is bad",
        "my boss is on my case",
        "i want to drink less",
        "maybe only on weekends",
    ],
    "so what now, early": [
        "hi",
        "so what now",
        "safety stuff i guess",
        "tell me about harm reduction",
        "naloxone",
        "i dont have any",
        "my roommate uses too",
        "we both use fent mostly",
        "we should probably have some",
        "he almost went out once and it freaked me out",
        "ok",
        "bye",
    ],
    "ambivalence about withdrawal": [
        "hey",
        "i want to stop but im scared of being sick",
        "last time i kicked i was sick for a week",
        "i couldnt even get out of bed",
        "yeah",
        "methadone vs suboxone",
        "the sickness is what keeps me using",
        "if it didnt hurt so bad i would have quit already",
        "i want to try something",
        "thanks",
    ],
}


# ---------------------------------------------------------------- (a) cross-validation


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Training and evaluation print progress and debug lines to stdout; the table must stay clean."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def cross_validation(folds: int) -> Dict[str, Any]:
    """Macro-F1 (and per-intent F1) over the test folds of a stratified k-fold CV."""
    from rasa.nlu.test import cross_validate
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    with tempfile.TemporaryDirectory() as out, quiet_stdout():
        intent_result, _, _ = asyncio.run(
            cross_validate(
                data, folds, str(PROJECT_ROOT / "config.yml"), out, disable_plotting=True, report_as_dict=True
            )
        )
    report = intent_result.evaluation["report"]
    per_intent = {
        k: v["f1-score"]
        for k, v in report.items()
        if isinstance(v, dict) and "f1-score" in v and k not in ("macro avg", "weighted avg", "micro avg")
    }
    return {
        "macro_f1": report["macro avg"]["f1-score"],
        "weighted_f1": report["weighted avg"]["f1-score"],
        "accuracy": intent_result.evaluation.get("accuracy"),
        "per_intent": per_intent,
        "examples": len(data.intent_examples),
    }


# ---------------------------------------------------------------- (b), (c) through the real server


@dataclass
class Conversation:
    name: str
    codes: List[str] = field(default_factory=list)
    per_turn: List[int] = field(default_factory=list)
    too_long: int = 0
    no_code: int = 0
    texts: List[Tuple[str, List[Tuple[str, str]]]] = field(default_factory=list)


def bot_messages_since_last_user(tracker: Dict[str, Any]) -> List[Dict[str, Any]]:
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return [e for e in events[last_user + 1 :] if e.get("event") == "bot"]


def mi_code(event: Dict[str, Any]) -> Optional[str]:
    meta = event.get("metadata") or {}
    code = meta.get("mi")
    if code is None and isinstance(meta.get("metadata"), dict):
        code = meta["metadata"].get("mi")
    return code


def run_conversation(s: Any, token: str, name: str, script: Sequence[str]) -> Conversation:
    sender = f"bench-mi-{uuid.uuid4().hex[:10]}"
    result = Conversation(name)
    for text in script:
        if text == RESTART:
            status, body = api(
                s, f"/conversations/{conversation_id(sender)}/execute", {"name": "action_session_start"}, timeout=60
            )
            if status != 200:
                raise RuntimeError(f"session restart failed: HTTP {status} {str(body)[:200]}")
            continue
        status, body = send(s, sender, text, 60)
        if status != 200:
            raise RuntimeError(f"turn failed: HTTP {status} {str(body)[:200]}")
        status, tracker = api(s, f"/conversations/{conversation_id(sender)}/tracker", timeout=30)
        if status != 200:
            raise RuntimeError(f"tracker read failed: HTTP {status}")
        bots = bot_messages_since_last_user(tracker)
        result.per_turn.append(len(bots))
        turn_texts = []
        for event in bots:
            code = mi_code(event)
            if code is None:
                result.no_code += 1
            else:
                result.codes.append(code)
            if len(event.get("text") or "") > 320:
                result.too_long += 1
            turn_texts.append((code or "?", event.get("text") or ""))
        result.texts.append((text, turn_texts))
    return result


def fallback_eval(s: Any, token: str) -> Dict[str, Any]:
    data = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / "fallback_messages.yml").read_text(encoding="utf-8"))
    rows = []
    for item in data["messages"]:
        status, parsed = api(s, "/model/parse", {"text": item["text"]}, timeout=60)
        if status != 200:
            raise RuntimeError(f"parse failed: HTTP {status}")
        rows.append((item["intent"], (parsed.get("intent") or {}).get("name")))
    fallbacks = sum(1 for _, got in rows if got == "nlu_fallback")
    correct = sum(1 for want, got in rows if want == got)
    confusions = Counter((want, got) for want, got in rows if want != got)
    return {
        "n": len(rows),
        "fallback_rate": fallbacks / len(rows),
        "accuracy": correct / len(rows),
        "confusions": confusions.most_common(8),
    }


def through_server(model: Path) -> Tuple[Dict[str, Any], List[Conversation]]:
    from tests.conftest import TEST_TOKEN, make_settings
    from tools.processes import start_stack

    with tempfile.TemporaryDirectory() as tmp:
        s = make_settings(Path(tmp))
        stack = start_stack(s, model=model)
        try:
            fallback = fallback_eval(s, TEST_TOKEN)
            conversations = [run_conversation(s, TEST_TOKEN, name, script) for name, script in CONVERSATIONS.items()]
        finally:
            stack.stop()
    return fallback, conversations


# ---------------------------------------------------------------- tables


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def mi_counts(codes: Sequence[str]) -> Dict[str, int]:
    c = Counter(codes)
    return {
        "R": sum(c[k] for k in REFLECTIONS),
        "Q": sum(c[k] for k in QUESTIONS),
        "CR": sum(c[k] for k in COMPLEX),
        "P": c["permission"],
        "n": len(codes),
    }


def tables(cv: Optional[Dict[str, Any]], fallback: Dict[str, Any], conversations: List[Conversation]) -> str:
    all_codes = [c for conv in conversations for c in conv.codes]
    total = mi_counts(all_codes)
    turns = [n for conv in conversations for n in conv.per_turn]
    lines = ["| measure | value | target |", "|---|---|---|"]
    if cv:
        lines.append(
            f"| intent macro-F1, {cv['folds']}-fold CV ({cv['examples']} examples, "
            f"{len(cv['per_intent'])} intents) | {cv['macro_f1']:.3f} | >= 0.90 |"
        )
        ours = [v for k, v in cv["per_intent"].items() if not k.startswith(("crisis_", "referral_"))]
        lines.append(f"| intent macro-F1, MI-conversation intents only ({len(ours)}) | {statistics.mean(ours):.3f} | |")
    else:
        lines.append("| intent macro-F1, 5-fold CV | skipped (--skip-cv) | >= 0.90 |")
    lines += [
        f"| fallback rate, {fallback['n']} messages not in training data | {fallback['fallback_rate']:.1%} | <= 10% |",
        f"| intent accuracy on those messages | {fallback['accuracy']:.1%} | |",
        f"| scripted conversations / user turns / bot messages | {len(conversations)} / {len(turns)} / "
        f"{total['n']} | >= 15 conversations |",
        f"| reflections : questions | {ratio(total['R'], total['Q'])} ({total['R']}:{total['Q']}) | >= 2 |",
        f"| reflections : (questions + permission asks) | {ratio(total['R'], total['Q'] + total['P'])} | |",
        f"| complex reflections / reflections | {total['CR'] / max(1, total['R']):.0%} | >= 50% |",
        f"| bot messages without an MI code in the tracker | {sum(c.no_code for c in conversations)} | 0 |",
        f"| turns with more than 3 messages / messages over 320 chars | {sum(1 for n in turns if n > 3)} / "
        f"{sum(c.too_long for c in conversations)} | 0 / 0 |",
    ]
    codes = Counter(all_codes)
    lines += ["", "MI codes of all bot messages: " + ", ".join(f"{k} {v}" for k, v in codes.most_common()), ""]
    lines += ["| conversation | turns | R | Q | R:Q | complex |", "|---|---|---|---|---|---|"]
    for conv in conversations:
        c = mi_counts(conv.codes)
        lines.append(
            f"| {conv.name} | {len(conv.per_turn)} | {c['R']} | {c['Q']} | {ratio(c['R'], c['Q'])} | "
            f"{c['CR'] / max(1, c['R']):.0%} |"
        )
    if fallback["confusions"]:
        lines += [
            "",
            "Most frequent misclassifications (expected -> got): "
            + "; ".join(f"{w} -> {g} ({n})" for (w, g), n in fallback["confusions"]),
        ]
    if cv:
        worst = sorted(cv["per_intent"].items(), key=lambda kv: kv[1])[:6]
        lines += ["", "Lowest per-intent F1 in CV: " + ", ".join(f"{k} {v:.2f}" for k, v in worst)]
    return "\n".join(lines)


def transcript(conversations: List[Conversation]) -> str:
    """The conversations as text (with --transcripts), to read what the bot actually said."""
    out = []
    for conv in conversations:
        out.append(f"\n## {conv.name}")
        for user, bots in conv.texts:
            out.append(f"> {user}")
            out.extend(f"    [{code}] {text}" for code, text in bots)
    return "\n".join(out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-cv", action="store_true", help="skip the cross-validation (it trains 5 models)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "lantern.tar.gz")
    parser.add_argument("--transcripts", action="store_true", help="also print what the bot said")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not args.model.exists():
        print(f"{args.model} is missing: run `make train`", file=sys.stderr)
        return 2
    started = time.monotonic()
    fallback, conversations = through_server(args.model)
    cv = None
    if not args.skip_cv:
        cv = cross_validation(args.folds)
        cv["folds"] = args.folds
    print(tables(cv, fallback, conversations))
    if args.transcripts:
        print(transcript(conversations))
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
