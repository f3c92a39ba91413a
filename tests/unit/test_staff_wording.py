"""The Wording page (staff/views/wording.py) and the checks and file rewriting behind it (lantern/wording_files.py).

The rules' messages are checked on lantern.wording_files directly; the pages with Flask's test client over a
real SQLite database (a copy migrated once per module) and a copy of the real phrase files per test
(LANTERN_PHRASES_DIR), so the repository's wording is never written. The browser side (checks shown as the
trainer types) is tests/staff/test_wording_browser.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest
import sqlalchemy as sa
import yaml
from argon2 import PasswordHasher

from lantern import settings
from lantern import wording_files as wf
from lantern.db import staff_tables as st
from lantern.house_rules import MAX_CHARS
from staff import auth
from staff.app import create_app

PASSWORD = "correct horse battery"
REPO_PHRASES = settings.DEFAULT_PHRASES_DIR
FILE, KEY = "conversation.yml", "offer.where_next"  # two variations, no placeholders
LINE_URL = f"/wording/{FILE}/{KEY}"
NO_FRAGMENTS: Dict[str, Dict[str, str]] = {}


def rules(findings: Sequence[wf.Finding]) -> List[str]:
    return [f.rule for f in findings]


def check(text: str, mi: Optional[str] = "open_question", allowed: Optional[set] = None) -> List[wf.Finding]:
    _, fragments, _ = wf.read_with_origin(REPO_PHRASES)
    return wf.check_variation(text, mi, fragments, allowed)


# --------------------------------------------------------------------------- each rule's message


def test_a_stigmatising_word_is_named_with_a_person_first_alternative() -> None:
    (found,) = check("Lots of addicts feel this way.", "simple_reflection")
    assert found.rule == "stigmatising word" and found.blocking
    assert found.title == "A word that labels or shames people"
    assert "'addicts'" in found.detail and "person who uses drugs" in found.fix


def test_relapse_and_clean_are_caught_with_what_to_say_instead() -> None:
    assert "return to use" in check("A relapse can happen.", "information")[0].detail
    found = check("How long have you been clean?")
    assert rules(found) == ["stigmatising word"] and "'been clean'" in found[0].detail


def test_telling_the_person_what_to_do_is_a_directive() -> None:
    (found,) = check("You need to stop now.", "information")
    assert found.rule == "directive" and found.title == "Tells the person what to do"
    assert "'You need to'" in found.detail and "some people find" in found.fix
    assert check("If you need anything, I'm here.", "structure") == []  # an offer, not a directive


def test_length_counts_the_longest_filling_of_each_placeholder() -> None:
    body = "x" * 240
    assert check(body + " {helpline}.", "information", {"helpline"})[0].rule == "too long"
    (found,) = check(body + " {helpline}.", "information", {"helpline"})
    assert "with the longest {words} filled in" in found.detail and f"(max {MAX_CHARS})" in found.detail
    assert check(body + ".", "information") == []  # the same text without the long filling fits


def test_a_placeholder_must_be_one_the_line_already_uses() -> None:
    (found,) = check("Who matters to you, {who}?", "open_question", {"n"})
    assert found.rule == "unknown placeholder" and found.blocking
    assert "{who}" in found.detail and "this line can use: {n}" in found.detail
    assert rules(check("Tell me about {nope}.", "open_question", None)) == ["unknown placeholder"]
    assert rules(check("You must see {who}.", "information", {"n"})) == ["unknown placeholder", "directive"]
    assert check("You said {n} out of 10.", "simple_reflection", {"n"}) == []


def test_a_stray_brace_is_named_and_the_mi_code_is_still_checked() -> None:
    found = check("What matters {most?", "")
    assert rules(found) == ["broken braces", "no MI code"]


def test_the_mi_code_must_be_present_and_one_of_the_codes() -> None:
    (missing,) = check("What matters most to you?", "")
    assert missing.rule == "no MI code" and missing.title == "No MI code"
    (wrong,) = check("What matters most to you?", "lecture")
    assert wrong.rule == "unknown MI code" and wrong.detail == "'lecture' is not an MI code"


def test_no_emoji_next_to_safety_content() -> None:
    (found,) = check("Keep naloxone close 💊", "information")
    assert found.rule == "emoji in safety content" and "Remove the emoji" in found.fix
    assert check("Nice work 🙂", "affirm") == []  # not about safety


def test_empty_and_not_plain_text_are_refused() -> None:
    assert rules(check("   ", "structure")) == ["empty"]
    assert rules(check("Okay.\x00", "structure")) == ["not plain text"]
    assert "a line break" in check("One.\nTwo.", "structure")[0].detail
    assert "unreadable" in check("Ok\ufffd.", "structure")[0].detail


def test_input_far_too_long_is_not_checked_but_refused() -> None:
    (found,) = check("a" * (wf.MAX_DRAFT_CHARS + 1), "structure")
    assert found.rule == "too big" and found.blocking


def test_a_line_needs_a_variation_and_is_advised_to_have_two() -> None:
    per, whole = wf.check_line([], NO_FRAGMENTS)
    assert rules(whole) == ["no variation"] and wf.blocking(per, whole)
    per, whole = wf.check_line([("Okay.", "structure")], NO_FRAGMENTS)
    assert rules(whole) == ["one variation"] and not whole[0].blocking and not wf.blocking(per, whole)
    per, whole = wf.check_line([("Okay.", "structure")] * (wf.MAX_VARIATIONS + 1), NO_FRAGMENTS)
    assert rules(whole) == ["too many variations"] and wf.blocking(per, whole)


def test_every_saved_variation_passes_the_draft_checks() -> None:
    """The draft checks say nothing the project's lint does not: the repository's wording (which passes the lint,
    tests/unit/test_response_lint.py) has no blocking finding."""
    lines, fragments, _ = wf.read_with_origin(REPO_PHRASES)
    for key, variations in lines.items():
        allowed = {p for v in variations for p in wf.placeholders(v.text)}
        for v in variations:
            assert [f for f in wf.check_variation(v.text, v.mi, fragments, allowed) if f.blocking] == [], key


def test_domain_replies_with_one_variation_are_named_except_fixed_ones(tmp_path: Path) -> None:
    from tools import lint

    assert wf.SINGLE_VARIATION_OK == lint.SINGLE_VARIATION_OK
    assert wf.SINGLE_VARIATION_PREFIXES == lint.SINGLE_VARIATION_PREFIXES
    (tmp_path / "d.yml").write_text(
        "responses:\n"
        "  utter_bye:\n    - text: Bye, you addict\n      metadata: {mi: structure}\n"
        "  utter_crisis_x:\n    - text: Call 911 now.\n      metadata: {mi: information}\n",
        encoding="utf-8",
    )
    bye, crisis = wf.domain_responses(tmp_path)
    assert rules(bye.whole) == ["one variation"] and rules(bye.findings[0]) == ["stigmatising word"]
    assert crisis.whole == [] and crisis.findings == [[]]


# --------------------------------------------------------------------------- rewriting a file, comments kept


def keep_all(pf: wf.PhraseFile, key: str) -> List[Tuple[Optional[int], str, str]]:
    return [(i, str(v["text"]), str(v["metadata"]["mi"])) for i, v in enumerate(pf.lines[key])]


def comment_lines(text: str) -> List[str]:
    return [line for line in text.splitlines() if line.strip().startswith("#") or not line.strip()]


def edge_keys(source: str, keys: List[str]) -> List[str]:
    """The first and last line of a file, and each line followed by a blank line or a comment (where a rewrite
    could move them): every file's edge cases without rewriting all of its lines (ruamel is slow)."""
    found, current = {keys[0], keys[-1]}, None
    for text in source.splitlines():
        match = re.match(r"^  ([a-z0-9_.]+):\s*$", text)
        if match:
            current = match.group(1)
        elif current and (not text.strip() or text.lstrip().startswith("#")):
            found.add(current)
    return [key for key in keys if key in found]


def test_rewriting_a_line_keeps_every_comment_blank_line_and_other_line() -> None:
    checked = 0
    for path in sorted(REPO_PHRASES.glob("*.yml")):
        if "lines" not in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
            continue  # the word lists: not edited here
        pf = wf.PhraseFile(path)
        source = pf.raw.decode("utf-8")
        assert pf.keeps_layout, path.name
        before = yaml.load(source, Loader=yaml.CSafeLoader)["lines"]
        for key in edge_keys(source, list(pf.lines)):
            same = keep_all(pf, key)
            assert pf.replaced(key, same) == source, (path.name, key)
            for draft in (same[:-1] or same, same + [(None, "Added here.", "structure")]):
                out = pf.replaced(key, draft)
                assert comment_lines(out) == comment_lines(source), (path.name, key, len(draft))
                after = yaml.load(out, Loader=yaml.CSafeLoader)["lines"]
                assert [v["text"] for v in after[key]] == [t for _, t, _ in draft]
                assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
            checked += 1
    assert checked > 20


def test_quotes_backslashes_and_unicode_survive_a_save(tmp_path: Path) -> None:
    folder = copy_phrases(tmp_path)
    pf = wf.PhraseFile(folder / FILE)
    tricky = 'She said "not today" \\ and that\'s okay: ça va, 🙂 # not a comment'
    pf.save(pf.replaced(KEY, [(0, tricky, "simple_reflection")]), pf.version)
    lines, _, _ = wf.read_with_origin(folder)
    assert [(v.text, v.mi) for v in lines[KEY]] == [(tricky, "simple_reflection")]


def test_a_save_over_a_changed_file_is_a_conflict(tmp_path: Path) -> None:
    folder = copy_phrases(tmp_path)
    pf = wf.PhraseFile(folder / FILE)
    (folder / FILE).write_text(pf.raw.decode() + "\n# someone's edit\n", encoding="utf-8")
    with pytest.raises(wf.Conflict):
        pf.save(pf.replaced(KEY, [(0, "Where to now?", "open_question")]), pf.version)
    assert (folder / FILE).read_text(encoding="utf-8").endswith("# someone's edit\n")
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".yml")] == []  # no temporary file left


# --------------------------------------------------------------------------- the pages


def copy_phrases(tmp_path: Path) -> Path:
    folder = tmp_path / "phrases"
    shutil.copytree(REPO_PHRASES, folder)
    return folder


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: Any) -> None:
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: Any) -> Path:
    """A migrated database with one account per role, copied for each test (migrating is slow)."""
    folder = tmp_path_factory.mktemp("template")
    hasher = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    try:
        application = create_app(settings.load({"LANTERN_DATA_DIR": str(folder), "LANTERN_STAFF_KEY": "k" * 32}))
        engine = application.extensions["lantern_engine"]
        with application.app_context(), engine.begin() as conn:
            for name, role in (("rev", "reviewer"), ("sup", "supervisor"), ("train", "trainer"), ("adm", "admin")):
                auth.create_user(conn, name, PASSWORD, role, display_name=name.title())
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
    finally:
        auth._hasher = hasher
    return Path(folder) / "lantern.db"


@pytest.fixture
def phrases_dir(tmp_path: Path) -> Path:
    return copy_phrases(tmp_path)


@pytest.fixture
def app(tmp_path: Path, template_db: Path, phrases_dir: Path) -> Any:
    shutil.copy(template_db, tmp_path / "lantern.db")
    application = create_app(
        settings.load(
            {
                "LANTERN_DATA_DIR": str(tmp_path),
                "LANTERN_STAFF_KEY": "k" * 32,
                "LANTERN_PHRASES_DIR": str(phrases_dir),
            }
        )
    )
    application.config["TESTING"] = True
    return application


def signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    client.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return client


@pytest.fixture
def trainer(app: Any) -> Any:
    return signed_in(app, "train")


def form_of(client: Any, url: str = LINE_URL) -> Dict[str, Any]:
    """The edit form's fields as the page has them: version, and orig/text/mi lists."""
    return fields_in(client.get(url).get_data(as_text=True))


def fields_in(page: str) -> Dict[str, Any]:
    """The edit form's fields in a page."""
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    origs = re.findall(r'name="orig" value="([^"]*)"', page)
    texts = [t.replace("&#39;", "'").replace("&#34;", '"') for t in re.findall(r'name="text"[^>]*>([^<]*)<', page)]
    mis = re.findall(r'<option value="([^"]+)" selected>', page)
    return {"version": version, "orig": origs, "text": texts, "mi": mis}


def save(client: Any, fields: Dict[str, Any], url: str = LINE_URL, do: str = "save") -> Any:
    return client.post(url, data={**fields, "do": do, "csrf_token": client.token})


def audit_rows(app: Any, action: str) -> List[Any]:
    with app.extensions["lantern_engine"].connect() as conn:
        return list(conn.execute(sa.select(st.audit).where(st.audit.c.action == action)).all())


def test_the_list_shows_files_and_lines_and_searches_their_texts(trainer: Any) -> None:
    page = trainer.get("/wording").get_data(as_text=True)
    assert "conversation.yml" in page and "reflect.yml" in page and "echo_words.yml" not in page
    assert f'href="{LINE_URL}"' in page
    found = trainer.get("/wording?q=where+would+you+like").get_data(as_text=True)
    assert f'href="{LINE_URL}"' in found and "/wording/conversation.yml/offer.declined" not in found
    assert "No line matches" in trainer.get("/wording?q=zzzqqq").get_data(as_text=True)


@pytest.mark.parametrize("username", ["rev", "sup"])
def test_only_trainers_and_admins_may_use_it(app: Any, username: str) -> None:
    other = signed_in(app, username)
    assert other.get("/wording").status_code == 403
    assert other.get(LINE_URL).status_code == 403
    assert other.get("/wording/domain").status_code == 403
    body = {"file": FILE, "key": KEY, "variations": []}
    assert other.post("/wording/check", json=body, headers={"X-CSRF-Token": other.token}).status_code == 403
    assert save(other, {"orig": "0", "text": "Hi.", "mi": "structure"}).status_code == 403
    assert signed_in(app, "adm").get(LINE_URL).status_code == 200
    assert app.test_client().get("/wording").status_code == 302  # not signed in: the sign-in page


def test_a_line_page_shows_its_variations_and_their_codes(trainer: Any) -> None:
    fields = form_of(trainer)
    assert fields["text"] == ["Where would you like to go from here?", "What would be most useful to talk about?"]
    assert fields["mi"] == ["open_question", "open_question"] and fields["orig"] == ["0", "1"]
    page = trainer.get(LINE_URL).get_data(as_text=True)
    assert "This line has no words in curly braces" in page and "wording.js" in page


def test_the_check_endpoint_reports_each_variation(trainer: Any) -> None:
    body = {
        "file": FILE,
        "key": KEY,
        "variations": [{"text": "What do addicts want?", "mi": "open_question"}, {"text": "Fine.", "mi": ""}],
    }
    response = trainer.post("/wording/check", json=body, headers={"X-CSRF-Token": trainer.token})
    result = response.get_json()
    assert response.status_code == 200 and result["ok"] is False
    assert [f["rule"] for f in result["variations"][0]] == ["stigmatising word"]
    assert [f["rule"] for f in result["variations"][1]] == ["no MI code"]
    body["variations"] = [{"text": "What do people want?", "mi": "open_question"}]
    result = trainer.post("/wording/check", json=body, headers={"X-CSRF-Token": trainer.token}).get_json()
    assert result["ok"] is True and [f["rule"] for f in result["line"]] == ["one variation"]


def test_the_check_endpoint_refuses_bad_input_clearly(trainer: Any) -> None:
    headers = {"X-CSRF-Token": trainer.token}
    ok_body = {"file": FILE, "key": KEY, "variations": [{"text": "Hi?", "mi": "open_question"}]}
    assert trainer.post("/wording/check", json=ok_body).status_code == 400  # no CSRF token
    assert trainer.post("/wording/check", json=ok_body, headers={"X-CSRF-Token": "forged"}).status_code == 400
    binary = trainer.post(
        "/wording/check", data=b"\xff\xfe\x00garbage", headers=headers, content_type="application/json"
    )
    assert binary.status_code == 400 and binary.get_json()["error"] == "The draft could not be read."
    shaped = {**ok_body, "variations": [{"text": 5, "mi": None}]}
    assert trainer.post("/wording/check", json=shaped, headers=headers).status_code == 400
    for file, key in ((FILE, "no.such.key"), ("../secrets.yml", KEY), ("reflect.yml", KEY)):
        wrong = trainer.post("/wording/check", json={**ok_body, "file": file, "key": key}, headers=headers)
        assert wrong.status_code == 404 and wrong.get_json()["error"] == "No such line."


def test_a_passing_save_writes_the_file_keeps_the_rest_and_is_audited(
    app: Any, trainer: Any, phrases_dir: Path
) -> None:
    before = (phrases_dir / FILE).read_text(encoding="utf-8")
    fields = form_of(trainer)
    fields["text"][1] = "What feels most useful to talk about?"
    response = save(trainer, fields)
    assert response.status_code == 302 and response.headers["Location"].endswith(LINE_URL)
    after = (phrases_dir / FILE).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            '    - text: "What would be most useful to talk about?"',
            '    - text: "What feels most useful to talk about?"',
        )
    ]
    assert "Saved." in trainer.get(LINE_URL).get_data(as_text=True)
    (row,) = audit_rows(app, "wording_save")
    assert row.target == f"{FILE}:{KEY}" and row.username == "train"
    assert json.loads(row.detail) == {"file": FILE, "key": KEY, "variations": 2}  # no text


def test_a_save_is_refused_while_a_rule_fails(app: Any, trainer: Any, phrases_dir: Path) -> None:
    before = (phrases_dir / FILE).read_bytes()
    fields = form_of(trainer)
    fields["text"][0] = "You should stop, relapse is common."
    response = save(trainer, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Not saved: fix the problems marked below" in page
    assert "Tells the person what to do" in page and "A word that labels or shames people" in page
    assert "You should stop, relapse is common." in page  # the draft is kept in the form
    assert (phrases_dir / FILE).read_bytes() == before and audit_rows(app, "wording_save") == []


def test_a_new_placeholder_is_refused_on_save(trainer: Any, phrases_dir: Path) -> None:
    before = (phrases_dir / FILE).read_bytes()
    fields = form_of(trainer)
    fields["text"][0] = "Where would {who} like to go from here?"
    page = save(trainer, fields).get_data(as_text=True)
    assert "A {word} the bot cannot fill here" in page and "this line can use: none" in page
    assert (phrases_dir / FILE).read_bytes() == before


def test_someone_elses_save_in_between_is_not_overwritten(trainer: Any, phrases_dir: Path) -> None:
    fields = form_of(trainer)
    path = phrases_dir / FILE
    theirs = path.read_text(encoding="utf-8").replace("Where would you like to go from here?", "Where to from here?")
    path.write_text(theirs, encoding="utf-8")
    fields["text"][1] = "What would help most to talk about?"
    response = save(trainer, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "someone else saved conversation.yml after you opened this page" in page
    assert "Where to from here?" in page and "What would help most to talk about?" in page
    assert path.read_text(encoding="utf-8") == theirs
    again = save(trainer, {**fields, "version": form_of(trainer)["version"]})  # seen theirs, saves on purpose
    assert again.status_code == 302 and "What would help most to talk about?" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("do", ["add", "remove-1", "save"])
def test_a_rerendered_form_keeps_the_version_it_was_opened_from(trainer: Any, phrases_dir: Path, do: str) -> None:
    """Add, Remove and a refused save show the form again: it must still carry the version the trainer read, so
    someone else's save in between is still caught (409), not overwritten."""
    mine = form_of(trainer)
    path = phrases_dir / FILE
    theirs = path.read_text(encoding="utf-8").replace("Where would you like to go from here?", "Where to from here?")
    path.write_text(theirs, encoding="utf-8")  # someone else saves meanwhile
    if do == "save":
        mine["text"][1] = "You must talk about it."  # refused (a directive): 422, the form comes back
    response = save(trainer, mine, do=do)
    assert response.status_code == (422 if do == "save" else 200)
    again = fields_in(response.get_data(as_text=True))
    assert again["version"] == mine["version"]
    again["text"] = [text or "What next?" for text in again["text"]]
    again["text"][-1] = "What would help most to talk about?"
    again["mi"] = ["open_question"] * len(again["text"])
    conflict = save(trainer, again)
    assert conflict.status_code == 409 and "Where to from here?" in conflict.get_data(as_text=True)
    assert path.read_text(encoding="utf-8") == theirs  # their wording is kept
    assert fields_in(conflict.get_data(as_text=True))["version"] == form_of(trainer)["version"]  # now offers theirs


@pytest.mark.parametrize("text", ["What about {who:{n}}?", "What about {}?", "What about {who!z}?", "{n:>99999999}?"])
def test_braces_python_cannot_fill_are_a_finding_not_a_crash(trainer: Any, phrases_dir: Path, text: str) -> None:
    (found,) = [f for f in check(text, "open_question", {"who", "n"}) if f.blocking]
    assert found.rule == "broken braces"
    body = {"file": FILE, "key": KEY, "variations": [{"text": text, "mi": "open_question"}]}
    response = trainer.post("/wording/check", json=body, headers={"X-CSRF-Token": trainer.token})
    assert response.status_code == 200 and response.get_json()["ok"] is False
    assert [f["rule"] for f in response.get_json()["variations"][0]] == ["broken braces"]
    before = (phrases_dir / FILE).read_bytes()
    fields = form_of(trainer)
    fields["text"][0] = text
    page = save(trainer, fields)
    assert page.status_code == 422 and "Curly braces that do not make a {word}" in page.get_data(as_text=True)
    assert (phrases_dir / FILE).read_bytes() == before


def test_adding_and_removing_variations(trainer: Any, phrases_dir: Path) -> None:
    fields = form_of(trainer)
    added = save(trainer, fields, do="add").get_data(as_text=True)
    assert added.count('<fieldset class="variation">') == 3 and "Empty" in added
    fields = {**fields, "orig": fields["orig"] + [""], "text": fields["text"] + ["Where shall we go next?"]}
    fields["mi"] = fields["mi"] + ["open_question"]
    assert save(trainer, fields).status_code == 302
    lines, _, _ = wf.read_with_origin(phrases_dir)
    assert [v.text for v in lines[KEY]][-1] == "Where shall we go next?"
    assert '    - text: "Where shall we go next?"\n      metadata: {mi: open_question}\n' in (
        phrases_dir / FILE
    ).read_text(encoding="utf-8")
    fields = form_of(trainer)
    removed = save(trainer, fields, do="remove-0").get_data(as_text=True)
    assert removed.count('<fieldset class="variation">') == 2 and "Where would you like to go" not in removed
    nothing = save(trainer, {"version": fields["version"], "orig": [], "text": [], "mi": []})
    assert nothing.status_code == 422 and "No variation left" in nothing.get_data(as_text=True)


def test_a_kept_variation_keeps_its_reply_choices(trainer: Any, phrases_dir: Path) -> None:
    url = "/wording/conversation.yml/returning.ask"
    fields = form_of(trainer, url)
    assert "offers the reply choices" in trainer.get(url).get_data(as_text=True)
    fields["text"][0] = "Pick up from there, or start fresh?"
    assert save(trainer, fields, url).status_code == 302
    lines, _, _ = wf.read_with_origin(phrases_dir)
    assert [v.text for v in lines["returning.ask"]][0] == "Pick up from there, or start fresh?"
    assert all(v.buttons for v in lines["returning.ask"])


def test_bad_input_gets_a_clear_answer_never_a_crash(app: Any, trainer: Any, phrases_dir: Path) -> None:
    before = (phrases_dir / FILE).read_bytes()
    fields = form_of(trainer)
    huge = save(trainer, {**fields, "text": ["x" * 300_000, fields["text"][1]]})
    assert huge.status_code == 413 and "Request Entity Too Large" in huge.get_data(as_text=True)
    long = save(trainer, {**fields, "text": ["x" * 5000, fields["text"][1]]})
    assert long.status_code == 422 and "Too long to check" in long.get_data(as_text=True)
    binary = save(trainer, {**fields, "text": ["\x00\x01\x02", fields["text"][1]]})
    assert binary.status_code == 422 and "Characters that are not plain text" in binary.get_data(as_text=True)
    raw = b"do=save&version=" + fields["version"].encode() + b"&orig=0&text=%FF%FE%00&mi=open_question"
    raw += b"&csrf_token=" + trainer.token.encode()
    undecodable = trainer.post(LINE_URL, data=raw, content_type="application/x-www-form-urlencoded")
    assert undecodable.status_code == 422 and "Characters that are not plain text" in undecodable.get_data(as_text=True)
    forged_mi = save(trainer, {**fields, "mi": ["lecture", "open_question"]})
    assert forged_mi.status_code == 422 and "Not an MI code" in forged_mi.get_data(as_text=True)
    uneven = save(trainer, {**fields, "mi": ["open_question"]})
    assert uneven.status_code == 400 and "This form is incomplete" in uneven.get_data(as_text=True)
    forged = trainer.post(LINE_URL, data={**fields, "do": "save", "csrf_token": "forged"})
    assert forged.status_code == 400 and "This form has expired" in forged.get_data(as_text=True)
    for url in (f"/wording/{FILE}/no.such.key", "/wording/reflect.yml/offer.where_next", "/wording/echo_words.yml/x"):
        assert trainer.get(url).status_code == 404
    assert trainer.get("/wording/..%2F..%2Fetc%2Fpasswd/x").status_code == 404
    assert (phrases_dir / FILE).read_bytes() == before and audit_rows(app, "wording_save") == []


def test_the_domain_replies_are_shown_read_only_with_their_checks(trainer: Any) -> None:
    page = trainer.get("/wording/domain").get_data(as_text=True)
    assert "utter_goodbye" in page and "make train" in page and "<textarea" not in page
    found = trainer.get("/wording/domain?q=utter_goodbye").get_data(as_text=True)
    assert "utter_goodbye" in found and "utter_greet" not in found


def test_a_saved_change_is_taken_up_by_the_action_servers_watcher(
    monkeypatch: Any, trainer: Any, phrases_dir: Path
) -> None:
    """The real WordingWatcher (actions/phrases.py), watching the folder the console wrote, uses the new wording."""
    from actions import phrases

    monkeypatch.setattr(phrases, "_current", phrases.load_wording(phrases_dir))
    watcher = phrases.WordingWatcher(phrases_dir)
    assert watcher.check() is None
    fields = form_of(trainer)
    fields["text"][0] = "Where would you like to take this next?"
    assert save(trainer, fields).status_code == 302
    assert watcher.check() is True
    assert [v.text for v in phrases.variants(KEY)][0] == "Where would you like to take this next?"
