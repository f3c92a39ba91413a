"""The language rules, enforced: every domain response and every text a custom action can produce.

Rules (tools/lint.py, mi-style.md section 3): no stigmatising words, no "you should / need to /
must", at most 320 characters, an MI code in metadata, no emoji in safety content, and at
most three messages in one turn.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import actions
from actions import phrases
from tools import lint
from tools.processes import PROJECT_ROOT

DOMAIN = PROJECT_ROOT / "domain"
STORY_DIRS = ("data/rules", "data/stories", "tests/stories")


# ---------------------------------------------------------------- the rules themselves


@pytest.mark.parametrize(
    "text",
    [
        "Some addicts find this helps.",
        "You're not a junkie.",
        "Many drug users carry naloxone.",
        "Substance abuse is common.",
        "Have you been clean long?",
        "Was your test dirty?",
        "Tell me about your habit.",
        "After a relapse, tolerance drops.",
        "Ex-addicts often say this.",
        "Your drug habit is costly.",
        "90 days clean is a lot.",
        "The urine came back clean.",
    ],
)
def test_stigmatising_words_are_caught(text):
    assert any(p.rule == "stigmatising word" for p in lint.check_text(text, "information"))


@pytest.mark.parametrize(
    "text",
    [
        "You should try methadone.",
        "u should call them",
        "You need to stop.",
        "You must carry naloxone.",
        "You have to go to meetings.",
        "You really need to think about it.",
        "you gotta get help",
        "You'd better go.",
        "You shouldn't use alone.",
        "You need a plan.",
    ],
)
def test_directives_are_caught(text):
    assert any(p.rule == "directive" for p in lint.check_text(text, "information"))


@pytest.mark.parametrize(
    "text",
    [
        "Addiction is a health condition, not a moral failing.",
        "New needles cut the risk of infections.",
        "You don't have to decide anything today.",
        "If you need a person, call the helpline.",
        "Some people find it helps to go slow.",
        "A negative test doesn't mean it's safe.",
        "A return to use doesn't erase what you did.",
        "People who use drugs know a lot about this.",
    ],
)
def test_respectful_texts_pass(text):
    assert lint.check_text(text, "information") == []


def test_length_mi_code_and_emoji():
    assert [p.rule for p in lint.check_text("x" * 321, "structure")] == ["too long"]
    assert [p.rule for p in lint.check_text("Hello.", None)] == ["no MI code"]
    assert [p.rule for p in lint.check_text("Hello.", "lecture")] == ["unknown MI code"]
    assert [p.rule for p in lint.check_text("Keep naloxone close \U0001f48a", "information")] == [
        "emoji in safety content"
    ]
    assert lint.check_text("Nice to meet you \U0001f642", "structure") == []  # not safety content
    assert lint.check_text("Call {emergency_number} now.", "information") == []  # placeholders count as 15 chars


def test_turn_counting(tmp_path: Path):
    story = tmp_path / "s.yml"
    story.write_text(
        "version: '3.1'\nstories:\n  - story: long\n    steps:\n      - intent: greet\n"
        "      - action: utter_a\n      - action: action_x\n      - action: utter_b\n"
        "      - intent: bye\n      - action: utter_c\n",
        encoding="utf-8",
    )
    assert lint.check_turns([story], {"action_x": 1}) == []
    problems = lint.check_turns([story], {"action_x": 2})
    assert len(problems) == 1 and "4 in one turn" in problems[0].detail


# ---------------------------------------------------------------- what Lantern actually says


def test_every_domain_response_passes():
    problems = lint.check_domain(DOMAIN)
    assert problems == [], "\n".join(map(str, problems))


def test_every_domain_response_has_variations_or_is_fixed_wording():
    """Several variations each, except fixed wording: crisis scripts, safety numbers and a few others."""
    single = {name for _, name, index, _ in lint.domain_responses(DOMAIN) if index == 1}
    names = {name for _, name, _, _ in lint.domain_responses(DOMAIN)}
    ours = {n for n in names if not n.startswith(lint.SINGLE_VARIATION_PREFIXES)}
    assert ours - single <= lint.SINGLE_VARIATION_OK, sorted(ours - single)


def action_modules() -> List[object]:
    return [importlib.import_module(f"actions.{info.name}") for info in pkgutil.iter_modules(actions.__path__)]


def action_texts() -> List[Tuple[str, str]]:
    """(module, text) for every text the custom actions' sample_texts() produce."""
    texts = []
    for module in action_modules():
        if hasattr(module, "sample_texts"):
            texts.extend((module.__name__, t) for t in module.sample_texts())
    return texts


def test_every_phrase_variation_passes():
    problems = []
    for key, text, mi in phrases.all_lines():
        problems.extend(lint.check_text(text, mi, None, f"phrases:{key}"))
    assert problems == [], "\n".join(map(str, problems))


def test_every_text_custom_actions_produce_passes():
    texts = action_texts()
    assert len(texts) > 1000
    problems = []
    for module, text in texts:
        problems.extend(lint.check_text(text, None, None, module, check_mi=False))
    assert problems == [], "\n".join(map(str, problems[:30]))


def test_phrase_codes_are_mi_codes():
    for key, variations in phrases.catalogue().items():
        for line in variations:
            assert line.mi in lint.MI_CODES, key


def custom_max() -> Dict[str, int]:
    """Each custom action's declared maximum number of messages (tools/lint.py, shared with make dialogue-check)."""
    return lint.custom_max()


def test_no_turn_in_rules_or_stories_sends_more_than_three_messages():
    files = [p for d in STORY_DIRS for p in sorted((PROJECT_ROOT / d).glob("*.yml"))]
    problems = lint.check_turns(files, custom_max())
    assert problems == [], "\n".join(map(str, problems))


def test_every_mi_action_declares_its_maximum():
    declared = custom_max()
    for name in (
        "action_reflect",
        "action_ruler_reply",
        "action_summarize",
        "action_affirm_step",
        "action_return_to_use",
        "action_info",
        "action_discord",
        "action_concerned_other",
        "action_privacy",
        "action_human",
        "action_start_fresh",
        "action_accept_offer",
        "action_decline_offer",
        "action_unsure",
        "action_fallback",
        "action_greet",
    ):
        assert 1 <= declared[name] <= 3, name
