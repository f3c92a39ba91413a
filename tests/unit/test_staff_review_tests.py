"""From a reviewed conversation to a test story (staff/test_stories.py, staff/views/review_tests.py).

The YAML builder is read back with Rasa's own readers; the pages run in Flask's test client over a
real SQLite database (the fixtures of test_staff_conversations.py) and a temporary copy of the
repository's domain and data, so nothing is written into the real tests/ or data/ folders. The
real check against the trained model is in tests/integration/test_review_stories.py.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from lantern.records.transcripts import erase
from staff import test_stories as ts
from tests.unit.test_staff_conversations import (  # noqa: F401  (fixtures)
    NOW,
    add,
    app,
    audit_rows,
    bot,
    cheap_hashes,
    engine,
    login,
    post,
    template_db,
    user,
)

ROOT = Path(__file__).resolve().parents[2]
ODD_TEXTS = [
    "my friend <PERSON> said: call <PHONE_NUMBER> at 5",
    "he said \"stop\" and i said 'no'",
    "key: value # not a comment",
    "- starts like a list item",
    "line one\nline two\n\nline four",
    "trailing spaces   ",
    "emoji 😅🙏 and accents é ñ",
    "yes",
    "null",
    "{braces} and [brackets]",
    "100%",
    "& * ! | > @ `",
    "tab\there",
]


def read_story(text: str) -> List[Any]:
    """The events of the one story in `text`, as Rasa reads a test-story file."""
    steps = YAMLStoryReader().read_from_string(text)
    return [event for step in steps for event in step.events]


def rows_for(*messages: Dict[str, Any]) -> List[Dict[str, Any]]:
    out, turn = [], 0
    for seq, m in enumerate(messages, start=1):
        turn += m["sender"] == "user"
        out.append({"seq": seq, "turn": turn, "text": m.get("text", "hi"), **m})
    return out


def u(text: str, intent: str = "share") -> Dict[str, Any]:
    return {"sender": "user", "text": text, "intent": intent}


def b(action: str, text: str = "reply") -> Dict[str, Any]:
    return {"sender": "bot", "text": text, "action": action}


# --- the YAML ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_texts_read_back_by_rasa_as_written(text: str) -> None:
    rows = rows_for(u("hey", "greet"), b("action_greet"), u(text, "share"), b("action_reflect"))
    steps = ts.story_steps(rows, 4, ts.Correction(kind="action", action="action_ask"))
    events = read_story(ts.story_yaml("odd: text # story", steps, "a comment\nover two lines"))
    said = [e for e in events if isinstance(e, UserUttered)]
    assert [e.text for e in said] == ["hey", text.strip()]
    assert [e.intent_name for e in said] == ["greet", "share"]
    actions = [e.action_name for e in events if isinstance(e, ActionExecuted) and e.action_name != "action_listen"]
    assert actions == ["action_greet", "action_ask"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("/greet please", "greet please"),
        ("see [this](link) now", "see (this)(link) now"),
        ('see [this]{"entity": "thing"} now', 'see (this){"entity": "thing"} now'),
        ('see [this][{"entity": "thing"}] now', 'see (this)({"entity": "thing"}) now'),
        ("   ", "(empty)"),
    ],
)
def test_texts_rasa_would_read_as_markup_are_defused(text: str, expected: str) -> None:
    rows = rows_for(u(text), b("action_reflect"))
    steps = ts.story_steps(rows, 2, ts.Correction(kind="action", action="action_ask"))
    events = read_story(ts.story_yaml("x", steps))
    said = [e for e in events if isinstance(e, UserUttered)]
    assert [(e.text, e.intent_name, e.entities) for e in said] == [(expected, "share", [])]


def test_an_action_that_sent_two_messages_is_one_step_and_the_marked_reply_is_replaced() -> None:
    rows = rows_for(
        u("hey", "greet"), b("action_greet", "hi"), b("action_greet", "how are you"),
        u("bad day", "share"), b("action_reflect"), b("action_ask"), u("later", "share"), b("action_x"),
    )  # fmt: skip
    steps = ts.story_steps(rows, 6, ts.Correction(kind="action", action="utter_goodbye"))
    assert steps == [
        {"user": "hey", "intent": "greet"},
        {"action": "action_greet"},
        {"user": "bad day", "intent": "share"},
        {"action": "action_reflect"},
        {"action": "utter_goodbye"},
    ]


def test_marking_the_second_message_of_an_action_replaces_that_action() -> None:
    rows = rows_for(u("hey", "greet"), b("action_greet", "hi"), b("action_greet", "how are you"))
    steps = ts.story_steps(rows, 3, ts.Correction(kind="action", action="utter_greet"))
    assert steps == [{"user": "hey", "intent": "greet"}, {"action": "utter_greet"}]


def test_an_intent_correction_drops_what_followed_the_misread_message() -> None:
    rows = rows_for(u("hey", "greet"), b("action_greet"), u("whats narcan", "greet"), b("action_greet"), b("x"))
    steps = ts.story_steps(rows, 5, ts.Correction(kind="intent", intent="ask_info", action="action_info"))
    assert steps[-2:] == [{"user": "whats narcan", "intent": "ask_info"}, {"action": "action_info"}]
    assert len(steps) == 4
    only_intent = ts.story_steps(rows, 5, ts.Correction(kind="intent", intent="ask_info"))
    assert only_intent[-1] == {"user": "whats narcan", "intent": "ask_info"}


def test_a_new_wording_keeps_the_reply() -> None:
    rows = rows_for(u("hey", "greet"), b("action_greet"))
    steps = ts.story_steps(rows, 2, ts.Correction(kind="wording", wording="Hi there"))
    assert steps == [{"user": "hey", "intent": "greet"}, {"action": "action_greet"}]


@pytest.mark.parametrize(
    "rows, seq, words",
    [
        (rows_for(b("action_greet"), u("hey", "greet")), 1, "no user message"),
        (rows_for(u("hey", "greet"), b("action_greet")), 1, "Only a bot reply"),
        (rows_for({"sender": "user", "text": "x", "intent": None}, b("a")), 2, "no recorded intent"),
    ],
)
def test_transcripts_that_make_no_story_say_why(rows: List[Dict[str, Any]], seq: int, words: str) -> None:
    with pytest.raises(ts.Problem, match=words):
        ts.story_steps(rows, seq, ts.Correction(kind="action", action="a"))


def test_nlu_examples_merge_and_rasa_reads_them() -> None:
    text, added = ts.nlu_with_example("", "ask_info", ts.example_text("whats <PERSON>'s narcan:\nfor"))
    text, added_again = ts.nlu_with_example(text, "ask_info", "whats <PERSON>'s narcan: for")
    text, other = ts.nlu_with_example(text, "greet", "yo 😅")
    assert (added, added_again, other) == (True, False, True)
    data = RasaYAMLReader().reads(text)
    assert sorted((m.get("intent"), m.get("text")) for m in data.intent_examples) == [
        ("ask_info", "whats <PERSON>'s narcan: for"),
        ("greet", "yo 😅"),
    ]


def test_an_example_rasa_would_read_as_an_entity_is_defused() -> None:
    text, _ = ts.nlu_with_example("", "share", ts.example_text('got [it][{"entity": "drug"}] today'))
    [example] = RasaYAMLReader().reads(text).intent_examples
    assert example.get("text") == 'got (it)({"entity": "drug"}) today' and not example.get("entities")


def test_adding_an_example_keeps_synonyms_regexes_and_lookups() -> None:
    current = (
        'version: "3.1"\nnlu:\n  - synonym: naloxone\n    examples: |\n      - narcan\n'
        "  - regex: zip\n    examples: |\n      - \\d{5}\n  - lookup: town\n    examples: |\n      - Dayton\n"
        "  - intent: greet\n    examples: |\n      - hiya\n"
    )
    text, added = ts.nlu_with_example(current, "greet", "yo")
    data = RasaYAMLReader().reads(text)
    assert added and sorted(m.get("text") for m in data.intent_examples) == ["hiya", "yo"]
    assert data.entity_synonyms == {"narcan": "naloxone"}
    assert data.regex_features == [{"name": "zip", "pattern": "\\d{5}"}]
    assert data.lookup_tables == [{"name": "town", "elements": ["Dayton"]}]


@pytest.mark.parametrize("current", ["nlu: [", "nlu:\n  - 3\n", "nlu: 5\n", "- a\n- b\n", "nlu:\n  - intent: [a\n"])
def test_a_hand_broken_nlu_file_is_a_clear_problem(current: str) -> None:
    with pytest.raises(ts.Problem, match="not in the form this page writes"):
        ts.nlu_with_example(current, "greet", "yo")


def test_rasas_messages_never_keep_the_users_words() -> None:
    output = (
        "2024-01-01 10:00:00 WARNING  rasa.validator  - UserWarning: The example 'hey there' was found labeled "
        "with multiple different intents in the training data.\n"
        "ERROR rasa.x - ValueError: could not read HEY  There at /tmp/lantern-validate-x/data/nlu/reviewed.yml\n"
        "WARNING  rasa.x  - the intent 'thanks' has few examples (they say this)\n"
    )
    lines = ts.validate_lines(output, "hey there", "/tmp/lantern-validate-x/data")
    assert lines == [
        "UserWarning: The example (not shown) was found labeled with multiple different intents in the training data.",
        ts.NOT_SHOWN,
        "the intent 'thanks' has few examples (they say this)",  # "hey" is not there as a word of its own
    ]
    assert ts.validate_lines("Traceback ... hey there\n", "hey there", "/x") == [
        "rasa data validate stopped without a message the console can show; run `make validate`."
    ]
    story = ts.story_yaml("x", [{"user": "whats narcan", "intent": "greet"}, {"action": "action_greet"}])
    said = ts._without_texts(["KeyError: 'whats narcan'", "The bot now does action_info."], ts._user_texts(story))
    assert said == ["KeyError: (not shown)", "The bot now does action_info."]


def test_the_check_result_is_read_from_its_file_not_from_the_output(tmp_path: Path) -> None:
    """tools/review_check.py writes its result to the file it is given; a stray log line cannot replace it,
    and a file that is not a result is "could not run", not a crash."""
    from tools import review_check

    story = tmp_path / "test_draft.yml"
    story.write_text(ts.story_yaml("x", [{"user": "hey", "intent": "greet"}, {"action": "action_greet"}]))
    (tmp_path / "model.tar.gz").write_bytes(b"not a model")
    result = tmp_path / "result.json"
    args = ["--model", str(tmp_path / "model.tar.gz"), "--stories", str(story), "--out", str(tmp_path / "out")]
    try:
        assert review_check.main(args + ["--result", str(result)]) == 0
    finally:
        logging.disable(logging.NOTSET)  # main() quiets logging for its own process
    found = ts._result_in(result)
    assert found is not None and found[0] is False and found[1] == "Rasa could not run the story."
    for text in ("[1, 2]", '"passed"', '{"passed": "yes", "summary": "s", "lines": []}', "", "{"):
        result.write_text(text)
        assert ts._result_in(result) is None
    assert ts._result_in(tmp_path / "missing.json") is None


def test_the_catalogue_reads_the_domain_and_knowledge() -> None:
    cat = ts.catalogue(ROOT)
    assert {"greet", "ask_info", "share"} <= set(cat.intents)
    assert {"action_info", "action_greet", "utter_goodbye"} <= set(cat.actions)
    assert "hl_opioid_wd_symptoms" in {e for e, _ in cat.entries}


def test_rasa_finds_a_story_in_the_reviewed_folder(tmp_path: Path) -> None:
    """`rasa test core --stories tests/stories` walks sub-folders and takes test_*.yml files."""
    from rasa.shared.data import get_data_files

    folder = tmp_path / "tests" / "stories" / "reviewed"
    folder.mkdir(parents=True)
    draft = ts.Draft("a" * 12, "c" * 32, 1, 2, ts.Correction(kind="wording", wording="x"), "t", "now")
    path = folder / ts.file_name(draft)
    path.write_text(ts.story_yaml("x", [{"user": "hey", "intent": "greet"}, {"action": "action_greet"}]))
    assert get_data_files([str(tmp_path / "tests" / "stories")], YAMLStoryReader.is_test_stories_file) == [str(path)]


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of what the pages read and write: domain/, data/, config.yml; the model is not needed here."""
    root = tmp_path / "repo"
    for name in ("domain", "data"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "config.yml", root / "config.yml")
    return root


@pytest.fixture
def site(app: Any, repo: Path, tmp_path: Path) -> Any:  # noqa: F811
    app.config.update(REVIEW_REPO=str(repo), REVIEW_DRAFTS=str(tmp_path / "drafts"))
    return app


@pytest.fixture
def conv(engine: Any) -> Dict[str, Any]:  # noqa: F811
    t = NOW - timedelta(hours=1)
    cid = add(
        engine,
        "p_review",
        [
            user("hey", t, intent="greet"),
            bot("Hi, what's on your mind?", t + timedelta(seconds=1), action="action_greet"),
            user('whats narcan: "the <PERSON> kind" 😅', t + timedelta(seconds=5), intent="greet"),
            bot("Hi again.", t + timedelta(seconds=6), action="action_greet"),
        ],
    )
    with engine.connect() as conn:
        ids = [
            r.id
            for r in conn.execute(
                sa.text("SELECT id FROM transcript_messages WHERE conversation_id=:c ORDER BY seq"), {"c": cid}
            )
        ]
    return {"id": cid, "messages": ids}


def signed_in(site: Any, name: str) -> Any:
    client = site.test_client()
    client.token = login(client, name)
    return client


def mark_path(conv: Dict[str, Any], index: int = 3) -> str:
    return f"/test-stories/mark/{conv['id']}/{conv['messages'][index]}"


def draft_files(site: Any) -> List[Dict[str, Any]]:
    folder = Path(site.config["REVIEW_DRAFTS"])
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def test_a_trainer_marks_a_reply_and_sees_the_story(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    transcript = trainer.get(f"/conversations/{conv['id']}").get_data(as_text=True)
    assert transcript.count("Mark as wrong") == 2 and mark_path(conv) in transcript  # the bot's two replies
    form = trainer.get(mark_path(conv)).get_data(as_text=True)
    assert "ask_info" in form and "hl_opioid_wd_symptoms" in form and "Hi again." in form
    status = post(
        trainer, mark_path(conv), {"kind": "intent", "intent": "ask_info", "action": "action_info", "note": "n"}
    )
    assert status == 302
    [saved] = draft_files(site)
    assert saved["correction"]["intent"] == "ask_info" and "narcan" not in json.dumps(saved)  # no user text kept
    page = trainer.get("/test-stories").get_data(as_text=True)
    assert "intent: ask_info" in page and "action: action_info" in page and "Not checked yet" in page
    assert "&lt;PERSON&gt;" in page and "data/nlu/reviewed.yml" in page and "Add to tests<span" not in page
    [entry] = audit_rows(engine, "mark_wrong")
    assert json.loads(entry.detail)["kind"] == "intent" and "narcan" not in entry.detail


def test_the_story_on_the_page_is_one_rasa_reads(site: Any, conv: Dict[str, Any]) -> None:
    trainer = signed_in(site, "train")
    post(trainer, mark_path(conv), {"kind": "knowledge", "entry": "hl_opioid_wd_symptoms"})
    [saved] = draft_files(site)
    draft = ts.Drafts(Path(site.config["REVIEW_DRAFTS"])).get(saved["id"])
    with site.app_context():
        from staff.views.review_tests import _built

        built = _built(draft)
    said = [e for e in read_story(built["yaml"]) if isinstance(e, UserUttered)]
    assert said[-1].text == 'whats narcan: "the <PERSON> kind" 😅' and said[-1].intent_name == "ask_info"
    assert "hl_opioid_wd_symptoms" in built["yaml"] and built["example"]["intent"] == "ask_info"


@pytest.mark.parametrize("who", ["rev", "sup"])
def test_only_trainers_and_admins_mark(site: Any, conv: Dict[str, Any], who: str) -> None:
    client = signed_in(site, who)
    assert client.get(mark_path(conv)).status_code == 403
    assert post(client, mark_path(conv), {"kind": "action", "action": "utter_goodbye"}) == 403
    assert client.get("/test-stories").status_code == 403
    assert "Mark as wrong" not in client.get(f"/conversations/{conv['id']}").get_data(as_text=True)
    assert draft_files(site) == []


def test_admin_may_mark(site: Any, conv: Dict[str, Any]) -> None:
    admin = signed_in(site, "adm")
    assert post(admin, mark_path(conv), {"kind": "action", "action": "utter_goodbye"}) == 302
    assert len(draft_files(site)) == 1


def test_a_forged_form_is_refused(site: Any, conv: Dict[str, Any]) -> None:
    trainer = signed_in(site, "train")
    response = trainer.post(mark_path(conv), data={"kind": "action", "action": "utter_goodbye", "csrf_token": "forged"})
    assert response.status_code in (400, 403) and draft_files(site) == []


@pytest.mark.parametrize(
    "form, words",
    [
        ({}, "Choose what should have happened"),
        ({"kind": "intent", "intent": "not_an_intent"}, "Choose the intent"),
        ({"kind": "intent", "intent": "greet", "action": "rm -rf"}, "not in the domain"),
        ({"kind": "action", "action": ""}, "Choose the action"),
        ({"kind": "knowledge", "entry": "../etc/passwd"}, "Choose the knowledge entry"),
        ({"kind": "wording", "wording": "   "}, "Write the wording"),
        ({"kind": "wording", "wording": "x" * 700}, "at most 640"),
        ({"kind": "action", "action": "utter_goodbye", "note": "n" * 2001}, "at most 2000"),
        ({"kind": "action\x00", "action": "utter_goodbye"}, "Choose what should have happened"),
    ],
)
def test_bad_forms_get_a_clear_message(site: Any, conv: Dict[str, Any], form: Dict[str, str], words: str) -> None:
    trainer = signed_in(site, "train")
    response = trainer.post(mark_path(conv), data={**form, "csrf_token": trainer.token})
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert draft_files(site) == []


def test_a_form_in_another_encoding_gets_a_clear_message(site: Any, conv: Dict[str, Any]) -> None:
    trainer = signed_in(site, "train")
    body = f"kind=%FF%FE&action=%C0%AF&csrf_token={trainer.token}".encode()
    response = trainer.post(mark_path(conv), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "Choose what should have happened" in response.get_data(as_text=True)
    assert draft_files(site) == []


def test_a_huge_form_is_refused(site: Any, conv: Dict[str, Any]) -> None:
    trainer = signed_in(site, "train")
    assert post(trainer, mark_path(conv), {"kind": "wording", "wording": "x" * 400_000}) == 413


def test_wrong_targets(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    other = add(engine, "p_other", [user("yo", NOW, intent="greet"), bot("hi", NOW, action="action_greet")])
    assert trainer.get(f"/test-stories/mark/{other}/{conv['messages'][3]}").status_code == 404  # not its message
    assert trainer.get(mark_path(conv, 2)).status_code == 400  # a user message
    for draft in ("nope", "../../etc", "A" * 12, "%00"):
        assert post(trainer, f"/test-stories/{draft}/check") == 404
        assert post(trainer, f"/test-stories/{draft}/add") == 404


def test_add_only_after_a_passing_check_of_the_same_story(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    post(trainer, mark_path(conv), {"kind": "action", "action": "utter_goodbye"})
    [saved] = draft_files(site)
    assert post(trainer, f"/test-stories/{saved['id']}/add") == 409
    store = ts.Drafts(Path(site.config["REVIEW_DRAFTS"]))
    draft = store.get(saved["id"])
    draft.check = {"passed": True, "summary": "s", "lines": [], "seconds": 1, "story_hash": "0" * 16}  # another story
    store.save(draft)
    assert post(trainer, f"/test-stories/{saved['id']}/add") == 409
    with site.app_context():
        from staff.views.review_tests import _built

        built = _built(draft)
    draft.check["story_hash"] = built["hash"]
    store.save(draft)
    assert "Add to tests<span" in trainer.get("/test-stories").get_data(as_text=True)
    assert post(trainer, f"/test-stories/{saved['id']}/add") == 302
    [written] = (Path(site.config["REVIEW_REPO"]) / ts.STORIES_DIR).glob("test_reviewed_*.yml")
    assert written.read_text(encoding="utf-8") == built["yaml"] and draft_files(site) == []
    assert not (ROOT / ts.STORIES_DIR / written.name).exists()
    [entry] = audit_rows(engine, "story_add")
    assert json.loads(entry.detail)["file"].endswith(written.name)


def test_a_deleted_conversation_takes_its_draft(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    post(trainer, mark_path(conv), {"kind": "wording", "wording": "Hey, what's up?"})
    assert len(draft_files(site)) == 1
    erase.forget_conversation(engine, conv["id"])
    page = trainer.get("/test-stories").get_data(as_text=True)
    assert "No drafts." in page and draft_files(site) == []
    assert len(audit_rows(engine, "story_drop")) == 1


def test_discard(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    post(trainer, mark_path(conv), {"kind": "action", "action": "utter_goodbye"})
    [saved] = draft_files(site)
    assert post(trainer, f"/test-stories/{saved['id']}/discard") == 302
    assert draft_files(site) == [] and len(audit_rows(engine, "story_discard")) == 1


def test_the_story_name_is_a_plain_line_dialogue_check_can_find() -> None:
    draft = ts.Draft("a" * 12, "c" * 32, 1, 4, ts.Correction(kind="intent", intent="ask_info"), "t", "now")
    text = ts.story_yaml(ts.story_name(draft), [{"user": "hey", "intent": "greet"}, {"action": "action_greet"}])
    assert "  - story: reviewed cccccccc message 4, should be intent ask_info\n" in text


def press(client: Any, path: str) -> Any:
    """Press a button (POST with the CSRF token) and follow to the page it leads to."""
    return client.post(path, data={"csrf_token": client.token}, follow_redirects=True)


def checked_draft(site: Any, trainer: Any, conv: Dict[str, Any]) -> ts.Draft:
    """A draft whose last check passed, as a real check would have left it."""
    post(trainer, mark_path(conv), {"kind": "action", "action": "utter_goodbye"})
    [saved] = draft_files(site)
    store = ts.Drafts(Path(site.config["REVIEW_DRAFTS"]))
    draft = store.get(saved["id"])
    draft.check = {"passed": True, "summary": "It passed.", "lines": [], "seconds": 9.0, "story_hash": "1" * 16}
    store.save(draft)
    return draft


def test_a_check_that_could_not_run_keeps_the_last_result(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    draft = checked_draft(site, trainer, conv)
    page = press(trainer, f"/test-stories/{draft.id}/check")
    assert "There is no trained model yet." in page.get_data(as_text=True)  # the repository copy has no model
    model = Path(site.config["REVIEW_REPO"]) / "models" / "lantern.tar.gz"
    model.parent.mkdir()
    model.write_bytes(b"not looked at: the check stops before")
    assert ts._check_lock.acquire(blocking=False)  # another trainer's check is running
    try:
        page = press(trainer, f"/test-stories/{draft.id}/check")
    finally:
        ts._check_lock.release()
    assert "Another check is running." in page.get_data(as_text=True)
    [saved] = draft_files(site)
    assert saved["check"]["summary"] == "It passed." and saved["check"]["passed"] is True
    assert audit_rows(engine, "story_check") == []


def test_a_draft_thrown_away_during_its_check_stays_gone(
    site: Any,
    conv: Dict[str, Any],
    engine: Any,  # noqa: F811
    monkeypatch: Any,
) -> None:
    """The check runs for minutes; a discard (or Add) meanwhile wins. The check itself is replaced by one
    that lets another trainer discard the draft while it runs."""
    trainer, other = signed_in(site, "train"), signed_in(site, "adm")
    draft = checked_draft(site, trainer, conv)

    def check_while_discarded(*args: Any, **kwargs: Any) -> ts.CheckResult:
        meanwhile = threading.Thread(target=post, args=(other, f"/test-stories/{draft.id}/discard"))
        meanwhile.start()
        meanwhile.join()
        return ts.CheckResult(False, "The test story does not pass yet.", ["x"], 3.0)

    monkeypatch.setattr(ts, "run_story_check", check_while_discarded)
    page = press(trainer, f"/test-stories/{draft.id}/check")
    assert "thrown away while it was being checked" in page.get_data(as_text=True)
    assert draft_files(site) == [] and audit_rows(engine, "story_check") == []


def test_two_trainers_adding_examples_keep_both(site: Any, conv: Dict[str, Any], monkeypatch: Any) -> None:
    """The second trainer presses "Add the example" while the first one's example is being validated: the
    second is told to try again (not silently lost), and both examples end up in the file. The validator is
    replaced by one that lets the second trainer press meanwhile (the real one is in the integration tests)."""
    first, second = signed_in(site, "train"), signed_in(site, "adm")
    post(first, mark_path(conv, 1), {"kind": "intent", "intent": "thanks"})  # example: "hey"
    post(first, mark_path(conv, 3), {"kind": "intent", "intent": "ask_info"})  # example: the narcan question
    drafts = {d["correction"]["intent"]: d["id"] for d in draft_files(site)}
    pages: List[str] = []

    def press_second() -> None:
        page = press(second, f"/test-stories/{drafts['ask_info']}/example")
        pages.append(page.get_data(as_text=True))

    calls: List[int] = []

    def validate_while_the_second_presses(*args: Any, **kwargs: Any) -> ts.CheckResult:
        calls.append(1)
        if len(calls) == 1:  # the first trainer's validation: the second presses now
            meanwhile = threading.Thread(target=press_second)
            meanwhile.start()
            meanwhile.join()
        return ts.CheckResult(True, "rasa data validate passed.")

    monkeypatch.setattr(ts, "validate_example", validate_while_the_second_presses)
    assert post(first, f"/test-stories/{drafts['thanks']}/example") == 302
    nlu = Path(site.config["REVIEW_REPO"]) / ts.NLU_FILE
    told_to_retry = "Another trainer is adding an example right now" in pages[0]
    assert "- hey\n" in nlu.read_text(encoding="utf-8")
    assert "narcan" in nlu.read_text(encoding="utf-8") or told_to_retry  # the second example is never lost silently
    assert told_to_retry and "narcan" not in nlu.read_text(encoding="utf-8")  # one at a time, from read to write
    assert post(second, f"/test-stories/{drafts['ask_info']}/example") == 302  # tries again
    data = RasaYAMLReader().reads(nlu.read_text(encoding="utf-8"))
    assert sorted((m.get("intent"), m.get("text")) for m in data.intent_examples) == [
        ("ask_info", 'whats narcan: "the <PERSON> kind" 😅'),
        ("thanks", "hey"),
    ]
    assert [p.name for p in nlu.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_hand_broken_nlu_file_gets_a_message_not_a_crash(site: Any, conv: Dict[str, Any], engine: Any) -> None:  # noqa: F811
    trainer = signed_in(site, "train")
    post(trainer, mark_path(conv), {"kind": "intent", "intent": "ask_info"})
    [saved] = draft_files(site)
    nlu = Path(site.config["REVIEW_REPO"]) / ts.NLU_FILE
    nlu.write_text("nlu:\n  - synonym: naloxone\n    examples: |\n      - narcan\n  - 3\n", encoding="utf-8")
    before = nlu.read_bytes()
    page = press(trainer, f"/test-stories/{saved['id']}/example")
    assert page.status_code == 200 and "is not in the form this page writes" in page.get_data(as_text=True)
    assert nlu.read_bytes() == before and audit_rows(engine, "nlu_example") == []
