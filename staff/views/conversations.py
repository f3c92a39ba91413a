"""Conversations: the list with filters and search, the crisis queue, a transcript, tags and review.

- GET  /conversations                      the list (filters: staff/queries.py FILTER_KEYS, page)
- GET  /conversations/<id>                 a transcript, MESSAGES_PAGE messages after `after` (a seq)
- GET  /conversations/<id>/messages        the next page of messages as an HTML fragment (staff.js)
- POST /conversations/<id>/tags            add a conversation tag (annotate); .../tags/remove removes one
- POST /conversations/<id>/review          review status (annotate)
- POST /conversations/<id>/assign          assignee (assign)
- POST /conversations/<id>/messages/<mid>/notes   a message tag, flag and/or comment (annotate)
- GET/POST /conversations/<id>/delete      a supervisor's deletion, after a confirmation page (delete)
- GET  /tags/<tag>                         conversations and messages carrying a tag

Every page view, search, tag, note, review change and deletion goes to the audit log (ids and
filters, never message text). Message text is user-written: templates autoescape it and search
snippets are escaped before the <mark> tags go in (queries.snippet).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from lantern.records.transcripts.erase import forget_conversation
from staff import audit, auth, queries
from staff.db import engine, utcnow

bp = Blueprint("conversations", __name__)
MAX_COMMENT = 4000


@bp.route("/")
def home() -> Any:
    return redirect(url_for("conversations.index"))


def _filters() -> queries.Filters:
    try:
        return queries.parse_filters(request.args, g.user.id)
    except queries.BadRequest as error:
        abort(400, description=str(error))


def filter_args(f: queries.Filters, **changes: Any) -> Dict[str, Any]:
    """The query string of `f` (for links: next page, export), with `changes`."""
    args: Dict[str, Any] = dict(f.used())
    args.update(changes)
    return {k: v for k, v in args.items() if v not in (None, "")}


@bp.route("/conversations")
@auth.require("read")
def index() -> Any:
    f = _filters()
    options = queries.form_options(engine())
    if f.channel and f.channel not in options["channels"]:  # the options are cached for a few minutes
        options["channels"] = sorted([*options["channels"], f.channel])
    with engine().connect() as conn:
        page = queries.list_conversations(conn, f)
        queue, queue_count = queries.crisis_queue(conn) if f.page == 1 and not f.queue else ([], 0)
        users = queries.staff_users(conn)
    audit.record("search" if f.q else "list", None, filters=f.used(), page=f.page, shown=len(page.rows))
    return render_template(
        "conversations.html",
        f=f,
        page=page,
        queue=queue,
        queue_count=queue_count,
        queue_cap=queries.QUEUE_COUNT_CAP,
        users={u["id"]: u["display_name"] for u in users},
        user_list=users,
        options=options,
        levels=queries.LEVELS,
        categories=queries.CATEGORIES,
        statuses=queries.STATUSES,
        sorts=queries.SORTS,
        activity=tuple(queries.ACTIVITY),
        search_cap=queries.SEARCH_CAP,
        next_args=filter_args(f, page=f.page + 1) if page.has_next and f.page < queries.MAX_PAGE else None,
        prev_args=filter_args(f, page=f.page - 1) if f.page > 1 else None,
        export_args=filter_args(f),
    )


def _conversation(conn: Any, conversation_id: str) -> Dict[str, Any]:
    found = queries.conversation(conn, conversation_id)
    if found is None:
        abort(404, description="There is no conversation with that id (it may have been deleted).")
    return found


def _after() -> int:
    value = request.args.get("after", "")
    if not value:
        return 0
    if len(value) > 9 or not value.isascii() or not value.isdigit():
        abort(400, description="after must be a message number")
    return int(value)


@bp.route("/conversations/<conversation_id>")
@auth.require("read")
def transcript(conversation_id: str) -> Any:
    after = _after()
    with engine().connect() as conn:
        conv = _conversation(conn, conversation_id)
        rows, more = queries.messages(conn, conversation_id, after)
        users = queries.staff_users(conn) if g.user.can("assign") else []
    audit.record("view", conversation_id, after=after or None)
    return render_template(
        "transcript.html",
        c=conv,
        rows=rows,
        more=more,
        after=after,
        next_after=rows[-1]["seq"] if rows else after,
        statuses=queries.STATUSES,
        users=users,
    )


@bp.route("/conversations/<conversation_id>/messages")
@auth.require("read")
def more_messages(conversation_id: str) -> Any:
    after = _after()
    with engine().connect() as conn:
        conv = _conversation(conn, conversation_id)
        rows, more = queries.messages(conn, conversation_id, after)
    audit.record("view", conversation_id, after=after, fragment=True)
    return render_template(
        "_messages.html", c=conv, rows=rows, more=more, next_after=rows[-1]["seq"] if rows else after
    )


def _back(conversation_id: str, anchor: Optional[str] = None) -> Any:
    after = request.form.get("after", "")
    args: Dict[str, Any] = {"conversation_id": conversation_id}
    if after.isascii() and after.isdigit() and len(after) < 10 and int(after) > 0:
        args["after"] = int(after)
    return redirect(url_for("conversations.transcript", **args) + (f"#{anchor}" if anchor else ""))


def _tag_from_form() -> str:
    try:
        return queries.clean_tag(request.form.get("tag", "")[:1000])
    except queries.BadRequest as error:
        abort(400, description=str(error))


@bp.route("/conversations/<conversation_id>/tags", methods=["POST"])
@auth.require("annotate")
def add_tag(conversation_id: str) -> Any:
    tag = _tag_from_form()
    with engine().begin() as conn:
        _conversation(conn, conversation_id)
        added = queries.add_tag(conn, conversation_id, tag, g.user.id, utcnow())
    audit.record("tag", conversation_id, tag=tag, added=added)
    return _back(conversation_id, "tags")


@bp.route("/conversations/<conversation_id>/tags/remove", methods=["POST"])
@auth.require("annotate")
def remove_tag(conversation_id: str) -> Any:
    tag = _tag_from_form()
    with engine().begin() as conn:
        _conversation(conn, conversation_id)
        removed = queries.remove_tag(conn, conversation_id, tag)
    audit.record("untag", conversation_id, tag=tag, removed=removed)
    return _back(conversation_id, "tags")


@bp.route("/conversations/<conversation_id>/review", methods=["POST"])
@auth.require("annotate")
def review(conversation_id: str) -> Any:
    status = request.form.get("status", "")
    if status not in queries.STATUSES:
        abort(400, description=f"status must be one of {', '.join(queries.STATUSES)}")
    with engine().begin() as conn:
        _conversation(conn, conversation_id)
        queries.set_review(conn, conversation_id, g.user.id, utcnow(), status=status)
    audit.record("review", conversation_id, status=status)
    return _back(conversation_id, "review")


@bp.route("/conversations/<conversation_id>/assign", methods=["POST"])
@auth.require("assign")
def assign(conversation_id: str) -> Any:
    value = request.form.get("assignee", "")
    with engine().begin() as conn:
        _conversation(conn, conversation_id)
        assignee: Optional[int] = None
        if value:
            ids = {u["id"] for u in queries.staff_users(conn)}
            if not (value.isascii() and value.isdigit() and len(value) < 10 and int(value) in ids):
                abort(400, description="assign to an active staff account, or to nobody")
            assignee = int(value)
        queries.set_review(conn, conversation_id, g.user.id, utcnow(), assignee=assignee)
    audit.record("assign", conversation_id, assignee=assignee)
    return _back(conversation_id, "review")


@bp.route("/conversations/<conversation_id>/messages/<int:message_id>/notes", methods=["POST"])
@auth.require("annotate")
def add_note(conversation_id: str, message_id: int) -> Any:
    raw_tag = request.form.get("tag", "")
    tag = _tag_from_form() if raw_tag.strip() else None
    flagged = request.form.get("flagged") == "1"
    comment = (request.form.get("comment", "") or "").strip()
    if len(comment) > MAX_COMMENT:
        abort(400, description=f"a comment has at most {MAX_COMMENT} characters")
    if not (tag or flagged or comment):
        abort(400, description="add a tag, a flag or a comment")
    with engine().begin() as conn:
        _conversation(conn, conversation_id)
        if not queries.message_in(conn, conversation_id, message_id):
            abort(404, description="That message is not in this conversation.")
        note_id = queries.add_note(
            conn, conversation_id, message_id, g.user.id, utcnow(), tag, flagged, comment or None
        )
    audit.record(
        "note", conversation_id, message=message_id, note=note_id, tag=tag, flagged=flagged, comment=bool(comment)
    )
    return _back(conversation_id, f"msg-{message_id}")


@bp.route("/conversations/<conversation_id>/delete", methods=["GET", "POST"])
@auth.require("delete")
def delete(conversation_id: str) -> Any:
    with engine().connect() as conn:
        conv = _conversation(conn, conversation_id)
    if request.method == "GET" or request.form.get("confirm") != "delete":
        return render_template("delete.html", c=conv)
    counts = forget_conversation(engine(), conversation_id)
    audit.record(
        "delete",
        conversation_id,
        messages=counts.messages,
        notes=counts.notes,
        events=counts.events,
    )
    flash(f"Conversation {conversation_id} deleted: {counts.messages} messages and {counts.events} tracker events.")
    return redirect(url_for("conversations.index"))


@bp.route("/tags/<path:tag>")
@auth.require("read")
def tag(tag: str) -> Any:
    try:
        tag = queries.clean_tag(tag[:1000])
    except queries.BadRequest:
        abort(404)
    with engine().connect() as conn:
        conversations, found = queries.tagged(conn, tag)
    audit.record("view_tag", tag, conversations=len(conversations), messages=len(found))
    return render_template("tag.html", tag=tag, conversations=conversations, found=found, limit=100)
