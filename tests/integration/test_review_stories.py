"""A marked reply checked against the real trained model (models/lantern.tar.gz), through the console.

The pages run in Flask's test client over a real SQLite database; the checks run the real Rasa in
a subprocess (tools/review_check.py, `rasa data validate`) on a temporary copy of the repository
whose model is the real one, so nothing is written into the real tests/ or data/ folders.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List

import pytest
import sqlalchemy as sa
import yaml

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


@pytest.fixture
def site(app: Any, tmp_path: Path) -> Any:  # noqa: F811
    repo = tmp_path / "repo"
    for name in ("domain", "data"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "config.yml", repo / "config.yml")
    (repo / "models").mkdir()
    (repo / "models" / "lantern.tar.gz").symlink_to(ROOT / "models" / "lantern.tar.gz")
    app.config.update(REVIEW_REPO=str(repo), REVIEW_DRAFTS=str(tmp_path / "drafts"))
    return app


def message_ids(engine: Any, cid: str) -> List[int]:  # noqa: F811
    with engine.connect() as conn:
        query = sa.text("SELECT id FROM transcript_messages WHERE conversation_id = :c ORDER BY seq")
        return [r.id for r in conn.execute(query, {"c": cid})]


def only_draft(site: Any) -> Dict[str, Any]:
    [path] = Path(site.config["REVIEW_DRAFTS"]).glob("*.json")
    found: Dict[str, Any] = json.loads(path.read_text())
    return found


def test_a_misread_question_becomes_a_passing_test_story(site: Any, engine: Any) -> None:  # noqa: F811
    t = NOW - timedelta(minutes=30)
    cid = add(
        engine,
        "p_misread",
        [
            user("hey", t, intent="greet"),
            bot("Hi, what's on your mind?", t + timedelta(seconds=1), action="action_greet"),
            user("how do fentanyl test strips work", t + timedelta(seconds=5), intent="greet"),
            bot("Hi again.", t + timedelta(seconds=6), action="action_greet"),
        ],
    )
    mark = f"/test-stories/mark/{cid}/{message_ids(engine, cid)[3]}"
    trainer = site.test_client()
    trainer.token = login(trainer, "train")
    started = time.monotonic()
    assert "Mark as wrong" in trainer.get(f"/conversations/{cid}").get_data(as_text=True)
    assert trainer.get(mark).status_code == 200
    assert post(trainer, mark, {"kind": "intent", "intent": "ask_info", "action": "action_info"}) == 302
    draft = only_draft(site)["id"]
    assert post(trainer, f"/test-stories/{draft}/check") == 302
    page = trainer.get("/test-stories").get_data(as_text=True)
    assert "Passed" in page and "The test story passes with the current model." in page, page[-3000:]
    assert post(trainer, f"/test-stories/{draft}/add") == 302
    seconds = time.monotonic() - started
    print(f"\nmarked reply to a passing test story through the pages: {seconds:.1f} s (machine time)")
    [written] = (Path(site.config["REVIEW_REPO"]) / ts.STORIES_DIR).glob("test_reviewed_*.yml")
    steps = yaml.safe_load(written.read_text(encoding="utf-8"))["stories"][0]["steps"]
    assert steps[-2:] == [{"user": "how do fentanyl test strips work", "intent": "ask_info"}, {"action": "action_info"}]
    [checked] = audit_rows(engine, "story_check")
    assert json.loads(checked.detail)["passed"] is True


def test_a_wrong_correction_fails_in_plain_words_and_cannot_be_added(site: Any, engine: Any) -> None:  # noqa: F811
    t = NOW - timedelta(minutes=20)
    cid = add(
        engine,
        "p_fails",
        [
            user("whats naloxone", t, intent="ask_info"),
            bot("Naloxone reverses an opioid overdose.", t + timedelta(seconds=1), action="action_info"),
        ],
    )
    trainer = site.test_client()
    trainer.token = login(trainer, "train")
    mark = f"/test-stories/mark/{cid}/{message_ids(engine, cid)[1]}"
    assert post(trainer, mark, {"kind": "action", "action": "utter_goodbye"}) == 302
    draft = only_draft(site)["id"]
    assert post(trainer, f"/test-stories/{draft}/check") == 302
    page = trainer.get("/test-stories").get_data(as_text=True)
    assert "Not passing yet" in page
    assert "The story expects action: utter_goodbye, but the bot now does action_info." in page
    assert "Add to tests<span" not in page
    assert post(trainer, f"/test-stories/{draft}/add") == 409
    assert not (Path(site.config["REVIEW_REPO"]) / ts.STORIES_DIR).exists()


def test_a_misread_message_fails_until_the_model_learns_it_and_its_example_is_validated(
    site: Any,
    engine: Any,  # noqa: F811
) -> None:
    t = NOW - timedelta(minutes=10)
    cid = add(
        engine,
        "p_example",
        [
            user("hey", t, intent="greet"),
            bot("Hi, what's on your mind?", t + timedelta(seconds=1), action="action_greet"),
            user("got my chip today, 30 days", t + timedelta(seconds=5), intent="share"),
            bot("Tell me more.", t + timedelta(seconds=6), action="action_reflect"),
        ],
    )
    trainer = site.test_client()
    trainer.token = login(trainer, "train")
    mark = f"/test-stories/mark/{cid}/{message_ids(engine, cid)[3]}"
    assert post(trainer, mark, {"kind": "intent", "intent": "greet"}) == 302  # deliberately not what it means
    draft = only_draft(site)["id"]
    assert post(trainer, f"/test-stories/{draft}/check") == 302
    page = trainer.get("/test-stories").get_data(as_text=True)
    assert "Not passing yet" in page and "not &#39;greet&#39;: add the example" in page, page[-3000:]
    assert post(trainer, f"/test-stories/{draft}/example") == 302
    nlu = Path(site.config["REVIEW_REPO"]) / ts.NLU_FILE
    assert "      - got my chip today, 30 days" in nlu.read_text(encoding="utf-8").splitlines()
    assert not (ROOT / ts.NLU_FILE).exists() or "got my chip today" not in (ROOT / ts.NLU_FILE).read_text()
    [entry] = audit_rows(engine, "nlu_example")
    assert json.loads(entry.detail)["added"] is True


def test_an_example_rasa_data_validate_refuses_is_not_added(site: Any, engine: Any) -> None:  # noqa: F811
    """'hey there' is a greet example in data/nlu/core.yml: under thanks too, the validator refuses it."""
    t = NOW - timedelta(minutes=5)
    cid = add(
        engine,
        "p_refused",
        [
            user("hey there", t, intent="greet"),
            bot("Hi, what's on your mind?", t + timedelta(seconds=1), action="action_greet"),
        ],
    )
    trainer = site.test_client()
    trainer.token = login(trainer, "train")
    mark = f"/test-stories/mark/{cid}/{message_ids(engine, cid)[1]}"
    assert post(trainer, mark, {"kind": "intent", "intent": "thanks"}) == 302
    draft = only_draft(site)["id"]
    response = trainer.post(f"/test-stories/{draft}/example", data={"csrf_token": trainer.token}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "rasa data validate found a problem; the example was not added." in page
    assert "labeled with multiple" in page, page[-2000:]
    assert not (Path(site.config["REVIEW_REPO"]) / ts.NLU_FILE).exists()
    [entry] = audit_rows(engine, "nlu_example")
    assert json.loads(entry.detail)["added"] is False
