"""`make dialogue-check` and the watch loop (tools/dialogue.py): findings name the file, the line and the fix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from actions import phrases
from tools import dialogue


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder of its own: findings are named relative to it."""
    for folder in ("domain", "actions/phrases", "data/crisis", "data/rules", "tests/stories", "models"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.setattr(dialogue, "ROOT", tmp_path)
    monkeypatch.setattr(phrases, "PHRASE_DIR", tmp_path / "actions" / "phrases")
    return tmp_path


DOMAIN = """version: "3.1"
responses:
  utter_ok:
    - text: "Glad you're here."
      metadata: {mi: affirm}
    - text: "Good to hear from you."
      metadata: {mi: affirm}
  utter_bad:
    - text: "You should stop, addicts never win."
      metadata: {mi: information}
"""


def test_domain_wording_findings_name_line_rule_and_fix(project: Path):
    path = project / "domain" / "x.yml"
    path.write_text(DOMAIN, encoding="utf-8")
    found = dialogue.check_file(path)
    by_rule = {f.what.split(":")[0]: f for f in found}
    assert set(by_rule) == {"stigmatising word", "directive", "one variation"}
    assert by_rule["directive"].file == "domain/x.yml" and by_rule["directive"].line == 9
    assert by_rule["one variation"].line == 8
    assert "offer instead of telling" in by_rule["directive"].fix
    assert str(by_rule["directive"]).startswith("domain/x.yml:9: directive: utter_bad:")
    assert "\n    how to fix: " in str(by_rule["directive"])


def test_phrase_file_findings(project: Path):
    path = project / "actions" / "phrases" / "t.yml"
    path.write_text(
        'lines:\n  t.fine:\n    - text: "What matters most to you?"\n      metadata: {mi: open_question}\n'
        '  t.long:\n    - text: "' + "word " * 70 + '"\n      metadata: {mi: lecture}\n',
        encoding="utf-8",
    )
    found = dialogue.check_file(path)
    assert [(f.line, f.what.split(":")[0]) for f in found] == [(6, "too long"), (6, "unknown MI code")]


def test_phrase_schema_error_is_a_finding(project: Path):
    path = project / "actions" / "phrases" / "t.yml"
    path.write_text('lines:\n  t.x:\n    - text: "Hi there."\n', encoding="utf-8")
    [found] = dialogue.check_file(path)
    assert found.file == "actions/phrases/t.yml" and "metadata.mi" in found.what


def test_yaml_syntax_error_gives_the_line(project: Path):
    path = project / "domain" / "x.yml"
    path.write_text(
        'responses:\n  utter_a:\n    - text: "open quote\n      metadata: {mi: affirm}\n  - x\n', encoding="utf-8"
    )
    [found] = dialogue.check_file(path)
    assert found.what.startswith("not valid YAML") and found.line > 0 and "indentation" in found.fix


def test_turn_limit_in_a_story(project: Path, monkeypatch: pytest.MonkeyPatch):
    from tools import lint

    monkeypatch.setattr(lint, "custom_max", lambda: {"action_x": 3})
    path = project / "tests" / "stories" / "s.yml"
    path.write_text(
        "stories:\n  - story: chatty\n    steps:\n      - intent: greet\n      - action: utter_a\n"
        "      - action: action_x\n",
        encoding="utf-8",
    )
    [found] = dialogue.check_file(path)
    assert found.line == 2 and found.what.startswith("too many messages: chatty: 4 in one turn")


def test_item_line_of_a_loader_error(project: Path):
    path = project / "data" / "crisis" / "signals.yml"
    path.write_text(
        "# comment\nexamples:\n  - text: one\n    label: none\n  - text: two\n    label: nonsense\nother: 1\n",
        encoding="utf-8",
    )
    error = ValueError(f"{path}: examples item 2 needs a text and a label out of ['none']: {{...}}")
    found = dialogue._from_error(path, error, "examples")
    assert (found.file, found.line) == ("data/crisis/signals.yml", 5)
    assert found.what.startswith("examples item 2 needs")


def test_changed_reports_each_save_once(tmp_path: Path):
    path = tmp_path / "a.yml"
    path.write_text("a: 1\n", encoding="utf-8")
    mtimes = {path: 0.0}
    assert dialogue.changed(mtimes) == [path]
    assert dialogue.changed(mtimes) == []
    os.utime(path, (mtimes[path] + 5, mtimes[path] + 5))
    assert dialogue.changed(mtimes) == [path]
    assert dialogue.changed({tmp_path / "gone.yml": 0.0}) == []


def test_report_of_one_file(project: Path):
    path = project / "domain" / "x.yml"
    assert dialogue.report(path, []).endswith("domain/x.yml: fine")
    text = dialogue.report(path, [dialogue.Finding("domain/x.yml", 3, "directive: x", "offer")])
    assert "1 to fix\n  domain/x.yml:3: directive: x\n      how to fix: offer" in text


def test_validate_passes_on_status_zero_and_names_warnings_on_failure():
    output = "noise\n/x/io.py:100: UserWarning: Issue found in 'data/nlu/x.yml': intent 'foo' is not in the domain.\n"
    assert dialogue.validate_findings(output, 0) == []
    [found] = dialogue.validate_findings(output, 1)
    assert "intent 'foo' is not in the domain" in found.what
    assert dialogue.validate_findings("Traceback\nboom", 1)[0].what.startswith("rasa data validate failed")


def test_failed_story_names_file_line_and_step(project: Path):
    (project / "tests" / "stories" / "t.yml").write_text(
        "stories:\n- story: say hello\n  steps:\n  - intent: greet\n  - action: utter_greet\n", encoding="utf-8"
    )
    out = project / "results"
    out.mkdir()
    (out / "failed_test_stories.yml").write_text(
        "version: '3.1'\nstories:\n- story: say hello (tests/stories/t.yml)\n  steps:\n  - intent: greet\n"
        "  - action: utter_greet  # predicted: action_reflect\n",
        encoding="utf-8",
    )
    [found] = dialogue.story_findings(out, "", 1)
    assert found.file == "tests/stories/t.yml" and found.line == 2
    assert "expected action: utter_greet, the bot predicted action_reflect" in found.what
    (out / "failed_test_stories.yml").write_text("# None of the test stories failed - all good!", encoding="utf-8")
    assert dialogue.story_findings(out, "", 0) == []


def test_model_stale(project: Path):
    (project / "config.yml").write_text("x: 1\n", encoding="utf-8")
    model = project / "models" / "lantern.tar.gz"
    assert dialogue.model_stale(model) == [project / "config.yml"]
    model.write_bytes(b"")
    os.utime(project / "config.yml", (1, 1))
    assert dialogue.model_stale(model) == []


def test_trainer_yaml_passes_wording_and_schema_checks():
    """The committed data: what `make dialogue-check` reports first (tests/unit/test_response_lint.py and the
    loaders' own tests cover each rule)."""
    problems = dialogue.wording_domain() + dialogue.schema_phrases() + dialogue.schema_words()
    problems += dialogue.schema_knowledge() + dialogue.schema_locales()
    assert problems == [], "\n".join(map(str, problems))


def test_knowledge_finding_points_at_the_entry(project: Path):
    from tools.processes import PROJECT_ROOT

    (project / "data" / "knowledge").mkdir(parents=True)
    text = (PROJECT_ROOT / "data" / "knowledge" / "health.yml").read_text(encoding="utf-8")
    first = text.index("    answer:\n      - ")
    start = text.index("\n      - ", first + 12)  # the entry's second answer message
    end = text.index("\n", start + 1)
    broken = text[:start] + '\n      - "It passes. Want to hear about medicine for it?"' + text[end:]
    path = project / "data" / "knowledge" / "health.yml"
    path.write_text(broken, encoding="utf-8")
    found = dialogue.check_file(path)
    assert [f.what.split(": ", 1)[1] for f in found] == [
        "the answer ends with a question; the bot asks its own follow-up"
    ]
    assert found[0].file == "data/knowledge/health.yml" and "id: " in broken.splitlines()[found[0].line - 1]


def test_check_command_exit_status(project: Path, capsys: pytest.CaptureFixture):
    from tools import cli

    bad = project / "domain" / "x.yml"
    bad.write_text(DOMAIN, encoding="utf-8")
    good = project / "domain" / "y.yml"
    good.write_text(DOMAIN.split("  utter_bad:")[0], encoding="utf-8")
    assert cli.main(["dialogue", "check", str(good)]) == 0
    assert cli.main(["dialogue", "check", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "domain/y.yml: fine" in out and "domain/x.yml: 3 to fix" in out


def test_talk_type_text_with_two_labels(project: Path):
    path = project / "data" / "talk_type.yml"
    path.write_text(
        "examples:\n  - {text: i want to quit, label: change}\n  - {text: fine, label: neutral}\n"
        "  - {text: 'I want to  quit', label: sustain}\n",
        encoding="utf-8",
    )
    [found] = dialogue.talk_type_conflicts(
        path, ["i want to quit", "fine", "I want to  quit"], ["change", "neutral", "sustain"]
    )
    assert found.line == 4 and "labelled sustain, and change as example 1" in found.what


def test_a_check_that_breaks_is_a_finding():
    def broken() -> list:
        raise KeyError("lines")

    [found] = dialogue.quietly(broken)
    assert "a check stopped: KeyError" in found.what
