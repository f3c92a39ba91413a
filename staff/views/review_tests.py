"""Test stories from reviewed conversations (issue 20): mark a bot reply as wrong, check, add to the tests.

- GET/POST /test-stories/mark/<conversation>/<message>   the "Mark as wrong" form; saving makes a draft
- GET  /test-stories                                     the drafts, each with its story's YAML and last check
- POST /test-stories/<draft>/check                       run the story against the trained model
- POST /test-stories/<draft>/example                     add the NLU example to data/nlu/reviewed.yml
                                                         (only after `rasa data validate` on it passes)
- POST /test-stories/<draft>/add                         write tests/stories/reviewed/test_reviewed_*.yml
                                                         (only when the last check of this very story passed)
- POST /test-stories/<draft>/discard                     throw the draft away

Trainers and admins only (`train`). Every change is audited (ids, kinds and names; never text).
The repository written to is app.config["REVIEW_REPO"] (default: this checkout) and the drafts'
folder app.config["REVIEW_DRAFTS"] (default: <data dir>/review_drafts), so tests write elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from lantern import settings
from lantern.records.transcripts.models import Conversation, Message
from staff import audit, auth
from staff import test_stories as ts
from staff.db import engine

bp = Blueprint("review_tests", __name__)
M = Message.__table__
C = Conversation.__table__


def _repo() -> Path:
    return Path(current_app.config.get("REVIEW_REPO") or Path(__file__).resolve().parents[2])


def _drafts() -> ts.Drafts:
    folder = current_app.config.get("REVIEW_DRAFTS") or settings.load().data_dir / "review_drafts"
    return ts.Drafts(Path(folder))


def _rows(conversation_id: str, up_to_seq: int) -> List[Dict[str, Any]]:
    with engine().connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(M.c.seq, M.c.turn, M.c.sender, M.c.text, M.c.intent, M.c.action)
                .where(M.c.conversation_id == conversation_id, M.c.seq <= up_to_seq)
                .order_by(M.c.seq)
            )
        ]


def _message(conversation_id: str, message_id: int) -> Dict[str, Any]:
    with engine().connect() as conn:
        row = conn.execute(
            sa.select(M.c.id, M.c.seq, M.c.sender, M.c.text, M.c.action, M.c.mi_code).where(
                M.c.id == message_id, M.c.conversation_id == conversation_id
            )
        ).first()
    if row is None:
        abort(404, description="That message is not in this conversation (it may have been deleted).")
    return dict(row._mapping)


def _draft(draft_id: str) -> ts.Draft:
    try:
        return _drafts().get(draft_id)
    except KeyError:
        abort(404, description="There is no such draft (it may have been added or thrown away).")


def _built(draft: ts.Draft) -> Dict[str, Any]:
    """The draft's story built from the transcript now: YAML, hash, and the NLU example proposed."""
    rows = _rows(draft.conversation_id, draft.seq)
    if not any(r["seq"] == draft.seq for r in rows):
        return {"gone": True}
    try:
        steps = ts.story_steps(rows, draft.seq, draft.correction)
    except ts.Problem as problem:
        return {"problem": str(problem)}
    text = ts.story_yaml(ts.story_name(draft), steps, ts.story_comment(draft))
    example = None
    if draft.correction.kind in ("intent", "knowledge"):
        user_text = next(r["text"] for r in reversed(rows) if r["sender"] == "user")
        example = {"intent": draft.correction.intent, "text": ts.example_text(user_text)}
    return {"yaml": text, "hash": ts.story_hash(text), "example": example}


@bp.route("/test-stories/mark/<conversation_id>/<int:message_id>", methods=["GET", "POST"])
@auth.require("train")
def mark(conversation_id: str, message_id: int) -> Any:
    message = _message(conversation_id, message_id)
    if message["sender"] != "bot":
        abort(400, description="Only a bot reply can be marked as wrong.")
    cat = ts.catalogue(_repo())
    error: Optional[str] = None
    if request.method == "POST":
        try:
            correction = ts.correction_from_form(request.form, cat)
            ts.story_steps(_rows(conversation_id, message["seq"]), message["seq"], correction)
        except ts.Problem as problem:
            error = str(problem)
        else:
            draft = _drafts().new(conversation_id, message_id, message["seq"], correction, g.user.username)
            audit.record(
                "mark_wrong",
                conversation_id,
                message=message_id,
                draft=draft.id,
                kind=correction.kind,
                intent=correction.intent,
                reply=correction.action,
                entry=correction.entry,
            )
            flash("Saved as a draft test story. Press Check to run it against the current model.")
            return redirect(url_for("review_tests.index") + f"#draft-{draft.id}")
    return render_template(
        "review_mark.html", c_id=conversation_id, m=message, cat=cat, kinds=ts.KINDS, error=error, form=request.form
    ), (400 if error else 200)


@bp.route("/test-stories")
@auth.require("train")
def index() -> Any:
    store = _drafts()
    shown = []
    for draft in store.all():
        built = _built(draft)
        if built.get("gone"):  # the conversation was deleted: its draft goes with it
            store.remove(draft.id)
            audit.record("story_drop", draft.conversation_id, draft=draft.id, reason="conversation deleted")
            continue
        checked = bool(draft.check) and draft.check.get("story_hash") == built.get("hash")
        shown.append({"d": draft, "b": built, "checked": checked})
    audit.record("view_drafts", None, shown=len(shown))
    return render_template("review_list.html", drafts=shown, busy=ts.busy(), stories_dir=str(ts.STORIES_DIR))


@bp.route("/test-stories/<draft_id>/check", methods=["POST"])
@auth.require("train")
def check(draft_id: str) -> Any:
    draft = _draft(draft_id)
    built = _built(draft)
    if "yaml" not in built:
        abort(400, description=built.get("problem") or "The conversation of this draft was deleted.")
    result = ts.run_story_check(_repo(), built["yaml"], intent_check=built["example"] is not None)
    if not result.ran:  # nothing was checked: the last real result stays, and there is nothing to audit
        flash(" ".join([result.summary] + result.lines))
        return redirect(url_for("review_tests.index") + f"#draft-{draft.id}")
    checked = {
        "passed": result.passed,
        "summary": result.summary,
        "lines": result.lines,
        "seconds": round(result.seconds, 1),
        "story_hash": built["hash"],
    }
    if _drafts().update(draft.id, lambda now: setattr(now, "check", checked)) is None:
        flash("The draft was added or thrown away while it was being checked, so the result was not kept.")
        return redirect(url_for("review_tests.index"))
    audit.record(
        "story_check", draft.conversation_id, draft=draft.id, passed=result.passed, seconds=round(result.seconds, 1)
    )
    return redirect(url_for("review_tests.index") + f"#draft-{draft.id}")


@bp.route("/test-stories/<draft_id>/example", methods=["POST"])
@auth.require("train")
def example(draft_id: str) -> Any:
    draft = _draft(draft_id)
    built = _built(draft)
    if not built.get("example"):
        abort(400, description="This draft proposes no NLU example (only an intent or knowledge correction does).")
    proposed = built["example"]
    back = url_for("review_tests.index") + f"#draft-{draft.id}"
    try:
        result, new = ts.add_nlu_example(_repo(), proposed["intent"], proposed["text"])
    except ts.Problem as problem:  # the file is not ours to rewrite, or another trainer is adding one
        flash(str(problem))
        return redirect(back)
    if not result.passed:
        flash(" ".join([result.summary] + result.lines))
        if result.ran:
            audit.record("nlu_example", draft.conversation_id, draft=draft.id, intent=proposed["intent"], added=False)
        return redirect(back)
    _drafts().update(draft.id, lambda now: setattr(now, "example_added", True))
    audit.record("nlu_example", draft.conversation_id, draft=draft.id, intent=proposed["intent"], added=new)
    flash(
        f"The example is in {ts.NLU_FILE} under {proposed['intent']}. Run `make train`, then press Check again."
        if new
        else f"{ts.NLU_FILE} already has this example under {proposed['intent']}."
    )
    return redirect(back)


@bp.route("/test-stories/<draft_id>/add", methods=["POST"])
@auth.require("train")
def add(draft_id: str) -> Any:
    draft = _draft(draft_id)
    built = _built(draft)
    if "yaml" not in built:
        abort(400, description=built.get("problem") or "The conversation of this draft was deleted.")
    if not (draft.check.get("passed") and draft.check.get("story_hash") == built["hash"]):
        abort(409, description="Only a story whose last check passed can be added: press Check first.")
    path = _repo() / ts.STORIES_DIR / ts.file_name(draft)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(built["yaml"], encoding="utf-8")
    _drafts().remove(draft.id)
    audit.record("story_add", draft.conversation_id, draft=draft.id, file=str(ts.STORIES_DIR / path.name))
    flash(f"Added as {ts.STORIES_DIR / path.name}: `make dialogue-check` and `make test` run it from now on.")
    return redirect(url_for("review_tests.index"))


@bp.route("/test-stories/<draft_id>/discard", methods=["POST"])
@auth.require("train")
def discard(draft_id: str) -> Any:
    draft = _draft(draft_id)
    _drafts().remove(draft.id)
    audit.record("story_discard", draft.conversation_id, draft=draft.id)
    flash("Draft thrown away.")
    return redirect(url_for("review_tests.index"))
