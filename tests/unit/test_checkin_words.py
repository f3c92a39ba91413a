"""The check-in words as data (lantern/checkins/words.yml, actions/phrases/checkin_words.yml): a broken file is
refused with an error naming the file and the key, and a word a trainer adds is read without touching Python."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Iterator

import pytest
import yaml

from actions import checkins
from actions.base import Context
from lantern.checkins import when

# Wednesday Dec 9 2026, 3 pm in Chicago.
NOW = datetime(2026, 12, 9, 21, 0, tzinfo=timezone.utc)
SMS = "sms:p_abcdefghijklmnopqrst"
MODULES: Dict[str, ModuleType] = {"when": when, "checkins": checkins}

Edit = Callable[[Dict[str, Any]], Any]


def real_words(module: ModuleType) -> Dict[str, Any]:
    data = yaml.safe_load(module.WORDS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def write_copy(module: ModuleType, tmp_path: Path, edit: Edit) -> Path:
    """The module's words file with one `edit`, written where the module's loader can read it."""
    data = real_words(module)
    edit(data)
    path = tmp_path / module.WORDS_FILE.name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Each module reads its words once; clear that before and after, so other tests see the real files."""
    for module in MODULES.values():
        module.recognised_words.cache_clear()
    yield
    for module in MODULES.values():
        module.recognised_words.cache_clear()


def test_the_real_files_load_and_read_as_before() -> None:
    words = when.load_words(when.WORDS_FILE)
    assert words.spellings["tmrw"] == "tomorrow" and words.spellings["fortyfive"] == "45"
    assert words.two_for_to.sub(r"to\1", "2moro") == "tomoro"
    assert words.leftover_time.search("sometime") and words.leftover_time.search("3")
    assert dict(words.zone_answers)["America/Chicago"].search("ct") and "pacific" in words.zone_typos
    said = checkins.load_words(checkins.WORDS_FILE)
    assert said.not_yet.search("i chickened out") and said.decline.match("  no thanks")
    assert not said.decline.search("i said no") and said.decline.match("no") and not said.decline.match("nowhere")


BROKEN = [
    # (module, edit, what the error says after the file name)
    ("when", lambda d: d.pop("leftover_time"), r"missing keys \['leftover_time'\]"),
    ("when", lambda d: d.update(more_words=["x"]), r"unknown keys \['more_words'\]"),
    ("when", lambda d: d["spellings"]["friday"].append(6), r"spellings\.friday: needs a non-empty list of .*strings"),
    ("when", lambda d: d["spellings"].update(saturday="sat"), r"spellings\.saturday: needs a non-empty list"),
    ("when", lambda d: d["spellings"]["friday"].append("fri6"), r"spellings\.friday: 'fri6' is not a plain word"),
    ("when", lambda d: d["spellings"].update(fryday=["frydy"]), r"spellings\.fryday: not a word the patterns read"),
    ("when", lambda d: d["spellings"].update({6: ["sicks"]}), r"spellings\.6: not a word the patterns read"),
    ("when", lambda d: d["spellings"]["saturday"].append("fri"), r"spellings\.saturday: 'fri' is also a spelling"),
    ("when", lambda d: d["spellings"]["evening"].append("night"), r"spellings\.evening: 'night' is itself a word"),
    ("when", lambda d: d["two_for_to"].append("nayt"), r"two_for_to: 'to' \+ \['nayt'\] is neither"),
    ("when", lambda d: d["leftover_time"].append("(unclosed"), r"leftover_time: '\(unclosed' is not a valid pattern"),
    ("when", lambda d: d["leftover_time"].append(None), r"leftover_time: needs a non-empty list"),
    ("when", lambda d: d["zone_answers"].update(Central=["central"]), r"zone_answers\.Central: not an IANA time zone"),
    ("when", lambda d: d["zone_answers"]["America/Denver"].append("[mt"), r"zone_answers\.America/Denver: '\[mt'"),
    ("when", lambda d: d.update(zone_typos=[]), r"zone_typos: needs a non-empty list"),
    ("checkins", lambda d: d.pop("decline"), r"missing keys \['decline'\]"),
    ("checkins", lambda d: d.update(maybe=["idk"]), r"unknown keys \['maybe'\]"),
    ("checkins", lambda d: d["not_yet"].append(None), r"not_yet: needs a non-empty list of non-empty strings"),
    ("checkins", lambda d: d["not_yet"].append(""), r"not_yet: needs a non-empty list of non-empty strings"),
    ("checkins", lambda d: d.update(decline="no"), r"decline: needs a non-empty list"),
    ("checkins", lambda d: d["decline"].append("(unclosed"), r"decline: '\(unclosed' is not a valid pattern"),
]


@pytest.mark.parametrize("module_name, edit, error", BROKEN)
def test_a_broken_words_file_is_refused_naming_the_file_and_the_key(
    module_name: str, edit: Edit, error: str, tmp_path: Path
) -> None:
    module = MODULES[module_name]
    path = write_copy(module, tmp_path, edit)
    with pytest.raises(ValueError, match=error) as raised:
        module.load_words(path)
    assert str(raised.value).startswith(str(path) if module is when else path.name)


@pytest.mark.parametrize("module_name", MODULES)
def test_the_live_loader_refuses_a_broken_file_too(
    module_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    module = MODULES[module_name]
    path = write_copy(module, tmp_path, lambda d: d.pop(next(iter(d))))
    monkeypatch.setattr(module, "WORDS_FILE", path)
    with pytest.raises(ValueError, match="missing keys"):
        module.recognised_words()


@pytest.mark.parametrize("module_name", MODULES)
def test_a_file_that_is_not_yaml_or_is_empty_is_refused(module_name: str, tmp_path: Path) -> None:
    module = MODULES[module_name]
    path = tmp_path / module.WORDS_FILE.name
    path.write_text("spellings: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        module.load_words(path)
    path.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(ValueError, match=str(path.name)):
        module.load_words(path)


def test_an_unquoted_no_is_caught_not_read_as_false(tmp_path: Path) -> None:
    """YAML 1.1 reads a bare `no` as false: the file's comment says to quote it, and the check says where."""
    text = checkins.WORDS_FILE.read_text(encoding="utf-8")
    assert '- "no"\n' in text
    path = tmp_path / checkins.WORDS_FILE.name
    path.write_text(text.replace('- "no"\n', "- no\n"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"checkin_words\.yml: decline: needs a non-empty list of non-empty strings"):
        checkins.load_words(path)


def test_a_spelling_added_in_the_yaml_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    before = when.parse_when("frdy 6pm", NOW, "America/Chicago")
    assert before is not None and before.at.date() == date(2026, 12, 9)  # "frdy" not known: today at 6 pm
    assert when.parse_timezone_answer("denver") is None

    def add(data: Dict[str, Any]) -> None:
        data["spellings"]["friday"].append("frdy")
        data["zone_answers"]["America/Denver"].append("denver")

    monkeypatch.setattr(when, "WORDS_FILE", write_copy(when, tmp_path, add))
    when.recognised_words.cache_clear()
    found = when.parse_when("frdy 6pm", NOW, "America/Chicago")
    assert found is not None and found.described == "Friday Dec 11 at 6 pm"
    assert when.parse_when("not frdy", NOW, "America/Chicago") is None  # a refusal now that it is a day
    assert when.parse_timezone_answer("denver") == "America/Denver"


def test_a_not_yet_or_decline_word_added_in_the_yaml_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    def ctx(text: str, slots: Dict[str, Any]) -> Context:
        return Context.plain(text, slots, sender_id=SMS)

    followup = {"last_prompt": "checkin_followup"}
    asking = {"last_prompt": "checkin_when", "timezone": "America/Chicago"}
    assert checkins.answer_turn(ctx("i wimped out", followup), NOW) is None
    before = checkins.answer_turn(ctx("pass", asking), NOW)
    assert before is not None and before.slots["last_prompt"] == "checkin_when"

    def add(data: Dict[str, Any]) -> None:
        data["not_yet"].append("wimped out")
        data["decline"].append("pass")

    monkeypatch.setattr(checkins, "WORDS_FILE", write_copy(checkins, tmp_path, add))
    checkins.recognised_words.cache_clear()
    not_yet = checkins.answer_turn(ctx("i wimped out", followup), NOW)
    assert not_yet is not None and not_yet.slots["last_prompt"] == "plan_obstacle"
    dropped = checkins.answer_turn(ctx("pass", asking), NOW)
    assert dropped is not None and dropped.slots["last_prompt"] is None and dropped.slots["checkin_draft"] is None
