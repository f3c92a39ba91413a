"""Wording (issue 20): trainers edit what the bot says, with the project's wording rules shown as they type.

The phrase files (LANTERN_PHRASES_DIR, default actions/phrases) are listed by line; a line's page edits
its variations. wording.js posts the draft to `check` (JSON) a quarter of a second after each keystroke
and shows each rule broken next to the field; the page works without it (the same findings are shown
after Add, Remove or Save). Save re-checks everything on the server (the draft, then the whole folder as
the action server would), writes the file only when all passes, keeps its comments and order
(lantern/wording_files.PhraseFile), and refuses when someone else saved the file after this page read it.
The action server's WordingWatcher then uses the new wording within a second or two.

The domain's `utter_*` responses are shown read-only with their findings: they are part of the trained
model, so a change needs `make train` (docs/trainers.md).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from lantern import settings as settings_mod
from lantern import wording_files as wf
from lantern.house_rules import MI_CODES
from staff import audit, auth

bp = Blueprint("wording", __name__)

FILE_NAME = re.compile(r"^[a-z0-9_]{1,60}\.yml$")
KEY = re.compile(r"^[a-z0-9_.]{1,120}$")
MAX_QUERY = 200
MI_CHOICES = sorted(MI_CODES)


def _folder() -> Path:
    return Path(current_app.config["PHRASES_DIR"])


def _domain_folder() -> Path:
    return settings_mod.PROJECT_ROOT / "domain"


_cache_lock = threading.Lock()
_cache: Dict[Any, Tuple[Any, ...]] = {}


def _read_folder() -> Tuple[Dict[str, List[wf.Line]], Dict[str, Dict[str, str]], Dict[str, str]]:
    """The phrase folder as it is on disk, read again only when a file changed (each check asks for it)."""
    folder = _folder()
    try:
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yml")))
    except OSError:  # a file renamed away between the listing and the stat: read afresh
        stamp = ()
    with _cache_lock:
        hit = _cache.get(folder)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    try:
        read = wf.read_with_origin(folder)
    except ValueError as err:  # a file broken outside the console: say which, edit nothing
        abort(503, description=f"The wording files cannot be read right now: {err}")
    with _cache_lock:
        _cache[folder] = (stamp, read)
    return read


def _phrase_file(name: str, key: str) -> wf.PhraseFile:
    """The file `name` holding line `key`, or 404."""
    if not FILE_NAME.match(name) or not KEY.match(key):
        abort(404)
    lines, _, origin = _read_folder()
    if origin.get(key) != name:
        abort(404)
    try:
        return wf.PhraseFile(_folder() / name)
    except wf.EditError as err:
        abort(503, description=str(err))


def _allowed(key: str) -> Set[str]:
    """The placeholders line `key`'s action fills: those its saved variations use."""
    lines, _, _ = _read_folder()
    return {name for line in lines.get(key, []) for name in wf.placeholders(line.text)}


def _check(key: str, rows: Sequence[Tuple[Optional[int], str, str]]) -> Tuple[List[List[wf.Finding]], List[wf.Finding]]:
    _, fragments, _ = _read_folder()
    return wf.check_line([(text, mi) for _, text, mi in rows], fragments, _allowed(key))


# --------------------------------------------------------------------------- the list


@bp.route("/wording")
@auth.require("train")
def index() -> Any:
    """Every line of every phrase file, filtered by words in its name or its texts."""
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    lines, _, origin = _read_folder()
    words = query.lower().split()
    files: Dict[str, List[Tuple[str, List[wf.Line]]]] = {}
    for key, variations in lines.items():
        haystack = " ".join([key] + [v.text for v in variations]).lower()
        if all(word in haystack for word in words):
            files.setdefault(origin[key], []).append((key, variations))
    found = sum(len(keys) for keys in files.values())
    audit.record("view_wording", None, q=query or None)
    return render_template("wording.html", files=sorted(files.items()), query=query, found=found, total=len(lines))


# --------------------------------------------------------------------------- one line


def _rows_from_form() -> List[Tuple[Optional[int], str, str]]:
    """(original variation index or None for a new one, text, MI code) for each variation in the posted form."""
    origs, texts, mis = (request.form.getlist(name) for name in ("orig", "text", "mi"))
    if not (len(origs) == len(texts) == len(mis)) or len(texts) > wf.MAX_VARIATIONS * 4:
        abort(400, description="This form is incomplete. Reload the page and try again.")
    rows: List[Tuple[Optional[int], str, str]] = []
    used: Set[int] = set()
    for orig, text, mi in zip(origs, texts, mis, strict=True):
        index = int(orig) if orig.isdigit() and len(orig) < 4 else None
        if index in used:  # the same saved variation twice: the second is a new one
            index = None
        if index is not None:
            used.add(index)
        rows.append((index, text.replace("\r\n", "\n"), mi[:40]))
    return rows


def _render(
    file: str,
    key: str,
    pf: wf.PhraseFile,
    rows: Sequence[Tuple[Optional[int], str, str]],
    version: str,
    status: int = 200,
    error: Optional[str] = None,
    theirs: Optional[Sequence[Tuple[str, str]]] = None,
    folder_problems: Sequence[str] = (),
) -> Any:
    """The line's form holding `rows`. `version` is the file version the rows' `orig` indices were read from:
    the posted one on every re-render, so a save still notices someone else's save since the page was opened."""
    per, whole = _check(key, rows)
    per = per + [[] for _ in range(len(rows) - len(per))]
    buttons = {}
    for index, item in enumerate(pf.lines.get(key) or []):
        if isinstance(item, dict) and item.get("buttons"):
            buttons[index] = str(item["buttons"])
    allowed = sorted(_allowed(key))
    return (
        render_template(
            "wording_edit.html",
            file=file,
            key=key,
            version=version,
            rows=list(zip(rows, per, strict=True)),
            whole=whole,
            buttons=buttons,
            allowed=allowed,
            mi_choices=MI_CHOICES,
            error=error,
            theirs=theirs,
            folder_problems=folder_problems,
            editable=pf.keeps_layout,
        ),
        status,
    )


def _saved_rows(pf: wf.PhraseFile, key: str) -> List[Tuple[Optional[int], str, str]]:
    out: List[Tuple[Optional[int], str, str]] = []
    for index, item in enumerate(pf.lines.get(key) or []):
        metadata = item.get("metadata") if isinstance(item, dict) else None
        text = item.get("text") if isinstance(item, dict) else None
        out.append((index, str(text or ""), str((metadata or {}).get("mi") or "")))
    return out


@bp.route("/wording/<file>/<key>", methods=["GET", "POST"])
@auth.require("train")
def line(file: str, key: str) -> Any:
    """GET: the line's variations in a form. POST: add or remove a variation in the draft, or save it."""
    pf = _phrase_file(file, key)
    if request.method == "GET":
        audit.record("view_wording_line", f"{file}:{key}")
        return _render(file, key, pf, _saved_rows(pf, key), pf.version)
    rows = _rows_from_form()
    action = request.form.get("do", "")
    opened = _posted_version()
    if action == "add":
        return _render(file, key, pf, rows + [(None, "", "")], opened)
    if action.startswith("remove-") and action[7:].isdigit():
        index = int(action[7:])
        return _render(file, key, pf, [row for n, row in enumerate(rows) if n != index], opened)
    if action != "save":
        abort(400, description="Unknown button. Reload the page and try again.")
    return _save(file, key, pf, rows)


def _posted_version() -> str:
    """The file version the trainer's page was made from (a hash; anything longer is not one)."""
    return request.form.get("version", "")[:64]


def _save(file: str, key: str, pf: wf.PhraseFile, rows: List[Tuple[Optional[int], str, str]]) -> Any:
    """Write the draft if every check passes and nobody saved the file meanwhile; otherwise say why, keeping it.
    Only the conflict page offers the file's new version: the trainer has then seen the other save."""
    expected = _posted_version()
    per, whole = _check(key, rows)
    if wf.blocking(per, whole):
        return _render(file, key, pf, rows, expected, 422, "Not saved: fix the problems marked below, then save again.")
    if expected != pf.version:
        theirs = [(text, mi) for _, text, mi in _saved_rows(pf, key)]
        message = (
            f"Not saved: someone else saved {file} after you opened this page. Their version of this line is "
            "shown below; your draft is still in the form. Compare them, then save again to replace theirs."
        )
        return _render(file, key, pf, rows, pf.version, 409, message, theirs=theirs)
    cleaned = [(index, text.strip(), mi) for index, text, mi in rows]
    try:
        text = pf.replaced(key, cleaned)
    except wf.EditError as err:
        return _render(file, key, pf, rows, expected, 409, f"Not saved: {err}.")
    lines, fragments, _ = _read_folder()
    previous = SimpleNamespace(lines=lines, fragments=fragments)
    problems = wf.folder_problems_with(_folder(), file, text, previous)
    if problems:
        message = "Not saved: the bot would refuse the wording files with this change (below)."
        return _render(file, key, pf, rows, expected, 422, message, folder_problems=problems[:5])
    try:
        pf.save(text, expected)
    except wf.Conflict:
        message = f"Not saved: {file} changed while saving. Reload and try again."
        return _render(file, key, pf, rows, expected, 409, message)
    audit.record("wording_save", f"{file}:{key}", file=file, key=key, variations=len(rows))
    flash("Saved. If the bot is running, it uses the new wording within a few seconds.")
    return redirect(url_for("wording.line", file=file, key=key))


@bp.route("/wording/check", methods=["POST"])
@auth.require("train")
def check() -> Any:
    """The findings for a draft of one line, as JSON, for wording.js: {ok, variations: [[finding]], line: [finding]}."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="The draft could not be read."), 400
    file, key, variations = body.get("file"), body.get("key"), body.get("variations")
    if not isinstance(file, str) or not isinstance(key, str) or not isinstance(variations, list):
        return jsonify(error="The draft could not be read."), 400
    if not FILE_NAME.match(file) or not KEY.match(key) or _read_folder()[2].get(key) != file:
        return jsonify(error="No such line."), 404
    rows: List[Tuple[Optional[int], str, str]] = []
    for item in variations[: wf.MAX_VARIATIONS * 4]:
        text = item.get("text") if isinstance(item, dict) else None
        mi = item.get("mi") if isinstance(item, dict) else None
        if not isinstance(text, str) or not isinstance(mi, str):
            return jsonify(error="The draft could not be read."), 400
        rows.append((None, text, mi[:40]))
    per, whole = _check(key, rows)
    return jsonify(
        ok=not wf.blocking(per, whole),
        variations=[[f.as_dict() for f in findings] for findings in per],
        line=[f.as_dict() for f in whole],
    )


# --------------------------------------------------------------------------- domain responses, read only


@bp.route("/wording/domain")
@auth.require("train")
def domain() -> Any:
    """The `utter_*` responses with their findings; editing them means retraining, so not here."""
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    words = query.lower().split()
    responses = [
        r
        for r in wf.domain_responses(_domain_folder())
        if all(w in " ".join([r.name] + [t for t, _ in r.variations]).lower() for w in words)
    ]
    audit.record("view_wording_domain", None, q=query or None)
    return render_template("wording_domain.html", responses=responses, query=query)
