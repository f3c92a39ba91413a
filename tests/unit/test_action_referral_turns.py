"""The referral flow on the MI action framework: pure `*_turn` functions, words as data, no import-time work.

The turns run here without a tracker, a server or a database: a fake place table and a fake
directory stand in (tests/unit/test_action_referral.py runs the actions on the sample directory).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pytest
import yaml

from actions import phrases
from actions import referral as ref
from actions import referral_parse as rp
from actions import referral_text as rt
from actions.base import MAX_MESSAGES, Turn
from lantern.directory import Result, Results
from tests.unit.test_action_referral import FakePlaces

ROOT = Path(__file__).resolve().parents[2]
PLACES = FakePlaces()


def result(name: str, miles: float, types: Sequence[str] = ("naloxone",)) -> Result:
    return Result(
        service_id=1,
        hsds_id=name,
        name=name,
        organization="FICTIONAL Org",
        distance_miles=miles,
        service_types=tuple(types),
        address="1 Example St, Dayton, OH 45402",
        phone="937-555-0100",
        hours=("MO,TU,WE,TH,FR 09:00-17:00",),
        free=True,
        description="Not a real service.",
    )


class FakeDirectory:
    """Four naloxone places near 45402; nothing anywhere else; `broken` raises like a lost database."""

    def __init__(self, broken: bool = False) -> None:
        self.broken = broken
        self.searches: List[Dict[str, Any]] = []

    def search(self, needs: Sequence[str], place: str, offset: int, limit: int) -> Results:
        self.searches.append({"needs": list(needs), "place": place, "offset": offset, "limit": limit})
        if self.broken:
            raise RuntimeError("database is gone")
        if place == "00000":
            return Results(status="unknown_zip")
        found = [result(f"Place {i}", i + 0.5) for i in range(4)] if "naloxone" in needs and place == "45402" else []
        return Results(found[offset : offset + limit], searched_miles=25.0)

    def national(self, needs: Sequence[str]) -> List[rt.National]:
        return [rt.National("NEXT Distro", "Mail-order naloxone.", url="https://nextdistro.org/")]


def context(
    text: str = "",
    slots: Optional[Dict[str, Any]] = None,
    intent: str = "referral_request",
    entities: Optional[List[Dict[str, Any]]] = None,
) -> ref.ReferralContext:
    return ref.ReferralContext.plain(text, slots=slots, intent=intent, entities=entities)


def said(turn: Turn) -> str:
    return "\n".join(m.text for m in turn.messages)


# ---------------------------------------------------------------- the turns


def test_validate_turn_fills_both_slots_and_says_nothing():
    turn = ref.validate_turn(context("narcan near 45402"), PLACES)
    assert turn is not None and turn.messages == []
    assert turn.slots["referral_need"] == ["naloxone"] and turn.slots["referral_place"] == "45402"
    assert "requested_slot" not in turn.slots


def test_validate_turn_ends_the_form_on_no_and_leaves_crisis_to_its_rules():
    turn = ref.validate_turn(context("no thanks", {"requested_slot": "referral_place"}, "referral_decline"), PLACES)
    assert turn.slots["referral_exit"] == "declined" and list(turn.slots)[-1] == "requested_slot"
    assert turn.slots["requested_slot"] is None
    assert ref.validate_turn(context("help", {"requested_slot": "referral_need"}, "crisis_overdose"), PLACES) is None


def test_questions_are_one_message_with_the_place_kept():
    turn = ref.ask_need_turn(context(slots={"referral_place": "45402"}))
    assert len(turn.messages) == 1 and "near 45402" in said(turn) and turn.messages[0].mi == "open_question"
    assert "near" not in said(ref.ask_need_turn(context(slots={"referral_place": rt.ANYWHERE})))
    turn = ref.ask_place_turn(context(slots={"referral_need": ["naloxone"], "referral_retry": None}))
    assert said(turn).startswith("Where should I look for naloxone (Narcan)?")


def test_search_turn_shows_a_page_and_remembers_it():
    directory = FakeDirectory()
    turn = ref.search_turn(context(slots={"referral_need": ["narcam"], "referral_place": "45402"}), directory)
    assert directory.searches == [{"needs": ["naloxone"], "place": "45402", "offset": 0, "limit": ref.SEARCH_LIMIT}]
    assert len(turn.messages) == MAX_MESSAGES and "1) Place 0" in said(turn) and "I can show more" in said(turn)
    assert [o["title"] for o in turn.slots["referral_shown"]] == [
        "Place 0, FICTIONAL Org",
        "Place 1, FICTIONAL Org",
        "Place 2, FICTIONAL Org",
    ]
    assert turn.slots["referral_offset"] == 3.0 and turn.slots["referral_last_need"] == ["naloxone"]
    assert turn.slots["referral_need"] is None


def test_more_turn_pages_on_then_falls_back_to_national_options():
    directory = FakeDirectory()
    slots = {
        "referral_last_need": ["naloxone"],
        "referral_place": "45402",
        "referral_offset": 3.0,
        "referral_shown": [{"title": "x"}],
    }
    turn = ref.more_turn(context("more", slots, "referral_more"), directory)
    assert said(turn).startswith("One more for naloxone (Narcan):") and "4) Place 3" in said(turn)
    turn = ref.more_turn(context("more", {**slots, "referral_offset": 4.0}, "referral_more"), directory)
    assert "That's everything close by" in said(turn) and "nextdistro.org" in said(turn)
    assert turn.slots["referral_shown"] is None
    assert "Tell me what to look for" in said(
        ref.more_turn(context("more", {**slots, "referral_shown": None}), directory)
    )


def test_search_turn_is_honest_when_the_directory_fails_or_the_place_is_unknown():
    broken = ref.search_turn(
        context(slots={"referral_need": ["food"], "referral_place": "45402"}), FakeDirectory(broken=True)
    )
    assert "can't search my local list" in said(broken) and broken.messages[0].mi == "information"
    assert said(broken).endswith("It's fine to leave it here too.")
    unknown = ref.search_turn(context(slots={"referral_need": ["food"], "referral_place": "00000"}), FakeDirectory())
    assert "ZIP code 00000" in said(unknown) and unknown.slots["referral_place"] is None
    nothing = ref.search_turn(context(slots={"referral_need": ["food"], "referral_place": "45402"}), FakeDirectory())
    assert "I couldn't find food within 25 miles of 45402" in said(nothing)


def test_search_turn_respects_a_decline_without_searching():
    directory = FakeDirectory()
    turn = ref.search_turn(context(slots={"referral_exit": "declined"}), directory)
    assert directory.searches == [] and "it's your call" in said(turn) and turn.slots["referral_shown"] is None


def test_choose_turn_picks_an_option_or_answers_a_pending_ruler():
    shown = [{"title": "Place 0", "phone": "937-555-0100"}, {"title": "Place 1", "address": "2 Example St"}]
    turn = ref.choose_turn(context("the second one", {"referral_shown": shown}, "referral_choose"))
    assert turn.messages[0].text == "Place 1. 2 Example St. no phone listed." and turn.messages[1].mi == "open_question"
    assert "1 or 2" in said(ref.choose_turn(context("hmm", {"referral_shown": shown}, "referral_choose")))
    ruler = ref.choose_turn(context("3", {"ruler_pending": "importance"}, "referral_choose"))
    assert ruler.slots.get("importance") == 3.0 and "haven't looked anything up" not in said(ruler)


def test_decline_turn():
    assert said(ref.decline_turn(context(slots={"referral_shown": [{"title": "x"}]}))).startswith("That's fine")
    assert said(ref.decline_turn(context())).startswith("Okay, that's your call.")


# ---------------------------------------------------------------- wording and words are data


def test_every_referral_line_is_in_the_phrase_file_and_passes_the_lint():
    from tools import lint

    keys = [key for key in phrases.catalogue() if key.startswith("referral.")]
    assert len(keys) >= 40
    problems = [
        p
        for key, text, mi in phrases.all_lines()
        if key.startswith("referral.")
        for p in lint.check_text(text, mi, None, key)
    ]
    assert problems == []


def _sentences_in(path: Path) -> List[str]:
    """String literals in a module that read like something said to a person.

    Not counted: docstrings, regular expressions, log lines, errors for trainers (`raise`), and
    the sample service that `sample_texts()` renders for the lint.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) or (isinstance(node, ast.FunctionDef) and node.name == "sample_texts"):
            skip.update(id(inner) for inner in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if len(text.split()) >= 4 and not any(ch in text for ch in "\\|%(") and not text.startswith("referral:"):
                found.append(text)
    return found


@pytest.mark.parametrize("module", ["referral.py", "referral_text.py", "referral_parse.py"])
def test_no_sentence_is_written_in_python(module):
    assert _sentences_in(ROOT / "actions" / module) == []


def test_the_words_file_is_schema_checked():
    good = yaml.safe_load(rp.WORDS_FILE.read_text(encoding="utf-8"))
    assert rp.check_words(good).needs[0][0] == "crisis"
    bad_type = {**good, "needs": {**good["needs"], "naloxone_kits": ["kits?"]}}
    with pytest.raises(ValueError, match="not Lantern service types"):
        rp.check_words(bad_type)
    with pytest.raises(ValueError, match="not a valid pattern"):
        rp.check_words({**good, "more": ["more", "(unclosed"]})
    with pytest.raises(ValueError, match="non-empty list"):
        rp.check_words({**good, "near_me": []})
    with pytest.raises(ValueError, match="missing keys"):
        rp.check_words({k: v for k, v in good.items() if k != "anywhere"})


def test_a_trainer_can_add_a_word_without_touching_python(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    data = yaml.safe_load(rp.WORDS_FILE.read_text(encoding="utf-8"))
    data["needs"]["naloxone"].append("blue box")
    path = tmp_path / "referral_words.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(rp, "WORDS_FILE", path)
    rp.recognised_words.cache_clear()
    try:
        assert rp.parse_needs("where can i get a blue box") == ["naloxone"]
    finally:
        rp.recognised_words.cache_clear()


def test_nothing_is_warmed_up_or_read_at_import_even_in_the_action_server():
    """Importing the referral modules (as `python -m rasa_sdk` does) opens no database and reads no words file."""
    script = (
        "import sys\n"
        "sys.modules['__main__'].__package__ = 'rasa_sdk'\n"
        "import lantern.directory as d, lantern.directory.zipgeo as z\n"
        "calls = []\n"
        "d.get_engine = lambda *a, **k: calls.append('engine')\n"
        "z.warm_up = lambda *a, **k: calls.append('zip')\n"
        "import actions.referral, actions.referral_text, actions.referral_parse as p\n"
        "assert calls == [], calls\n"
        "assert p.recognised_words.cache_info().currsize == 0\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_referral_flow_has_no_sql_and_no_message_class_of_its_own():
    for module in ("referral.py", "referral_text.py", "referral_parse.py"):
        source = (ROOT / "actions" / module).read_text(encoding="utf-8")
        assert "sqlalchemy" not in source and "import sqlalchemy" not in source, module
        assert "class Message" not in source and "def utter(" not in source, module
    assert rt.Message is phrases.Message and rt.MAX_MESSAGES == MAX_MESSAGES
