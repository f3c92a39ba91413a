"""From a reviewed conversation to a test story (issue 20): the YAML, the drafts, and the checks.

A trainer marks a bot reply as wrong and says what should have happened (another intent, another
action, a knowledge entry, a new wording). A *draft* keeps only that correction and where it points
(conversation, message), never the user's text: the story is built from the transcript each time it
is shown, so a conversation deleted later (retention, a person's request) takes its drafts' text
with it. Drafts are JSON files in a folder under the data directory, not in the repository.

The checks run Rasa in a subprocess (the console may not import rasa): `tools/review_check.py`
runs the story against the trained model and, for an intent, asks the model what it makes of the
message; `rasa data validate` checks a proposed NLU example in a copy of `data/`. One check at a
time (a small machine), each with a timeout, so a stuck Rasa never holds a page for ever. What Rasa
says can quote the conversation; such a line is never kept in a draft or shown (`_without_texts`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from lantern.yaml_text import load_yaml

KINDS = ("intent", "action", "knowledge", "wording")
KNOWLEDGE_INTENT = "ask_info"  # data/rules/info.yml: ask_info -> action_info answers from data/knowledge
KNOWLEDGE_ACTION = "action_info"
STORIES_DIR = Path("tests") / "stories" / "reviewed"  # under the repository; `rasa test core` walks sub-folders
NLU_FILE = Path("data") / "nlu" / "reviewed.yml"
MAX_NOTE = 2000
MAX_WORDING = 640
CHECK_TIMEOUT = 240  # seconds: loading the model takes ~10 s, a short story less than one
DRAFT_ID = re.compile(r"^[0-9a-f]{12}$")
NAME = re.compile(r"^[A-Za-z0-9_]{1,128}$")  # an intent, action or entry id
# Rasa reads "[x](y)", "[x]{...}" and "[x][{...}]" in a story's user text or an NLU example as entities
# (rasa/shared/nlu/training_data/entities_parser.ENTITY_REGEX); the text then loses words and gains entities.
ENTITY_MARKUP = re.compile(r"\[[^\]]*\]\s*[({\[]")
_check_lock = threading.Lock()
_drafts_lock = threading.Lock()  # a draft changed by one request and removed by another: one at a time
_nlu_lock = threading.Lock()  # data/nlu/reviewed.yml read, validated and written by one request at a time
NOT_SHOWN = "Rasa's message quotes the conversation's words, so it is not shown here."


class Problem(ValueError):
    """Something the trainer can fix, said in plain words."""


# ---------------------------------------------------------------- what the trainer can pick


@dataclass(frozen=True)
class Catalogue:
    """The domain's intents and actions (with responses) and the knowledge entries, read from YAML."""

    intents: Tuple[str, ...]
    actions: Tuple[str, ...]
    entries: Tuple[Tuple[str, str], ...]  # (id, first ask)


def _yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return load_yaml(handle)


def catalogue(repo: Path) -> Catalogue:
    """What a correction may name; read each time (trainers edit these files while the console runs)."""
    intents: set[str] = set()
    actions: set[str] = set()
    for path in sorted((repo / "domain").glob("*.yml")):
        doc = _yaml(path) or {}
        for item in doc.get("intents") or []:
            intents.add(next(iter(item)) if isinstance(item, dict) else str(item))
        actions.update(str(a) for a in doc.get("actions") or [])
        actions.update(str(r) for r in (doc.get("responses") or {}))
    entries = []
    for path in sorted((repo / "data" / "knowledge").glob("*.yml")):
        doc = _yaml(path) or {}
        for entry in doc.get("entries") or []:
            if isinstance(entry, dict) and entry.get("id"):
                asks = entry.get("asks") or [""]
                entries.append((str(entry["id"]), str(asks[0])))
    return Catalogue(tuple(sorted(intents)), tuple(sorted(actions)), tuple(sorted(entries)))


# ---------------------------------------------------------------- a draft


@dataclass
class Correction:
    """What should have happened instead of the marked reply."""

    kind: str  # KINDS
    intent: Optional[str] = None  # kind intent (required), knowledge (ask_info)
    action: Optional[str] = None  # kind action (required); kind intent: optional, what follows
    entry: Optional[str] = None  # kind knowledge
    wording: Optional[str] = None  # kind wording: the words the trainer would have the bot say
    note: str = ""


def correction_from_form(form: Any, cat: Catalogue) -> Correction:
    """Read and check the "Mark as wrong" form; Problem says what is missing or unknown."""
    kind = form.get("kind", "")
    if kind not in KINDS:
        raise Problem(
            "Choose what should have happened: another intent, another action, a knowledge entry or a new wording."
        )
    note = (form.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        raise Problem(f"The note has at most {MAX_NOTE} characters.")
    c = Correction(kind=kind, note=note)
    intent, action, entry = (form.get(k, "").strip() for k in ("intent", "action", "entry"))
    if kind == "intent":
        if intent not in cat.intents:
            raise Problem("Choose the intent the message meant, from the list.")
        if action and action not in cat.actions:
            raise Problem("That action or reply is not in the domain; choose one from the list or leave it empty.")
        c.intent, c.action = intent, action or None
    elif kind == "action":
        if action not in cat.actions:
            raise Problem("Choose the action or reply the bot should have sent, from the list.")
        c.action = action
    elif kind == "knowledge":
        if entry not in {e for e, _ in cat.entries}:
            raise Problem("Choose the knowledge entry the bot should have answered with, from the list.")
        c.entry, c.intent, c.action = entry, KNOWLEDGE_INTENT, KNOWLEDGE_ACTION
    else:
        wording = (form.get("wording") or "").strip()
        if not wording:
            raise Problem("Write the wording the bot should have used.")
        if len(wording) > MAX_WORDING:
            raise Problem(f"A wording has at most {MAX_WORDING} characters.")
        c.wording = wording
    return c


@dataclass
class Draft:
    """A marked reply and its correction, kept until it is added to the tests or thrown away."""

    id: str
    conversation_id: str
    message_id: int
    seq: int
    correction: Correction
    author: str
    created_at: str
    check: Dict[str, Any] = field(default_factory=dict)  # the last check: passed, summary, lines, story_hash, at
    example_added: bool = False
    added_path: Optional[str] = None  # the test story file, once added


class Drafts:
    """Drafts as JSON files in one folder: small, few, and outside the repository until added."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, draft_id: str) -> Path:
        if not DRAFT_ID.match(draft_id or ""):
            raise KeyError(draft_id)
        return self.folder / f"{draft_id}.json"

    def new(self, conversation_id: str, message_id: int, seq: int, correction: Correction, author: str) -> Draft:
        draft = Draft(
            id=secrets.token_hex(6),
            conversation_id=conversation_id,
            message_id=message_id,
            seq=seq,
            correction=correction,
            author=author,
            created_at=datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
        )
        self.save(draft)
        return draft

    def save(self, draft: Draft) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(draft.id)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(draft), indent=1), encoding="utf-8")
        os.replace(temporary, path)  # a reader never sees half a file

    def get(self, draft_id: str) -> Draft:
        """The draft; KeyError when there is none (or the id is not one of ours)."""
        path = self._path(draft_id)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise KeyError(draft_id) from error
        raw["correction"] = Correction(**raw["correction"])
        return Draft(**raw)

    def all(self) -> List[Draft]:
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                found.append(self.get(path.stem))
            except (KeyError, TypeError):
                continue  # a file someone put there by hand: not a draft
        return sorted(found, key=lambda d: d.created_at, reverse=True)

    def update(self, draft_id: str, change: Callable[[Draft], None]) -> Optional[Draft]:
        """Apply `change` to the draft as it is now and save it; None (and nothing written) when it is gone,
        so a slow check never brings back a draft that was added or thrown away meanwhile."""
        with _drafts_lock:
            try:
                draft = self.get(draft_id)
            except KeyError:
                return None
            change(draft)
            self.save(draft)
            return draft

    def remove(self, draft_id: str) -> None:
        with _drafts_lock:
            self._path(draft_id).unlink(missing_ok=True)


# ---------------------------------------------------------------- the story


def safe_user_text(text: str) -> str:
    """The anonymized text as Rasa will read it back the same: no intent shortcut, no entity markup."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith("/"):  # "/greet" in a story is an intent payload, not words
        text = text.lstrip("/").lstrip() or "(slash)"
    if ENTITY_MARKUP.search(text):  # "[x](y)" would become an entity annotation
        text = text.replace("[", "(").replace("]", ")")
    return text or "(empty)"


def story_steps(rows: Sequence[Dict[str, Any]], marked_seq: int, correction: Correction) -> List[Dict[str, Any]]:
    """The steps of the conversation up to the marked reply, with the corrected step at the end.

    Each user message is a `user:` step with the intent the transcript recorded; each bot action
    is one `action:` step (an action that sent two messages in a turn is one step). Problem when
    the transcript cannot make a story (no user message before the reply, one without intent).
    """
    steps: List[Dict[str, Any]] = []
    last_user: Optional[Dict[str, Any]] = None
    last_user_at = 0  # its index in steps
    last_action: Optional[Tuple[int, str]] = None  # (turn, action) of the previous bot step
    for row in rows:
        if row["seq"] > marked_seq:
            break
        if row["sender"] == "user":
            if not row.get("intent"):
                raise Problem(f"Message {row['seq']} has no recorded intent, so no story can be made from it.")
            last_user = {"user": safe_user_text(row["text"]), "intent": row["intent"]}
            last_user_at = len(steps)
            steps.append(last_user)
            last_action = None
            continue
        if last_user is None:
            continue  # what the bot says before the first user message comes from the session start
        if row["seq"] == marked_seq:
            break
        action = row.get("action")
        if action and last_action != (row["turn"], action):
            steps.append({"action": action})
            last_action = (row["turn"], action)
    if last_user is None:
        raise Problem("There is no user message before this reply, so there is nothing to test.")
    marked = next((r for r in rows if r["seq"] == marked_seq), None)
    if marked is None or marked["sender"] != "bot":
        raise Problem("Only a bot reply can be marked as wrong.")
    if correction.kind in ("intent", "knowledge"):
        last_user["intent"] = correction.intent
        del steps[last_user_at + 1 :]  # what the bot did after the misread message no longer follows
        if correction.action:
            steps.append({"action": correction.action})
    elif correction.kind == "action":
        if last_action == (marked["turn"], marked.get("action")):
            steps.pop()  # the marked message was that action's second message: the action itself was wrong
        steps.append({"action": correction.action})
    elif marked.get("action") and last_action != (marked["turn"], marked["action"]):
        steps.append({"action": marked["action"]})  # a new wording: the same reply, said better
    return steps


def example_text(text: str) -> str:
    """A user text as one NLU example line."""
    return " ".join(safe_user_text(text).split())


def story_name(draft: Draft) -> str:
    c = draft.correction
    what = {"intent": f"intent {c.intent}", "action": f"action {c.action}", "knowledge": f"knowledge {c.entry}"}
    # No colon: the name stays a plain YAML scalar, so `make dialogue-check` finds its line by `story: <name>`.
    return f"reviewed {draft.conversation_id[:8]} message {draft.seq}, should be {what.get(c.kind, 'a new wording')}"


def story_yaml(name: str, steps: List[Dict[str, Any]], comment: str = "") -> str:
    """A Rasa 3 test-story file holding one story (the user's texts as block scalars where they can be)."""
    doc = {"version": "3.1", "stories": [{"story": name, "steps": steps}]}
    head = "".join(f"# {line}\n" for line in comment.splitlines() if line.strip())
    return head + yaml.dump(doc, Dumper=_StoryDumper, sort_keys=False, allow_unicode=True, width=100)


class _StoryDumper(yaml.SafeDumper):
    """Lists indented under their key (like tests/stories), texts with line breaks as `|` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value and not any(ch in value for ch in "\t\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_StoryDumper.add_representer(str, _text)


def story_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def story_comment(draft: Draft) -> str:
    c = draft.correction
    lines = [f"Made in the staff console from conversation {draft.conversation_id}, message {draft.seq}."]
    if c.kind == "knowledge":
        lines.append(f"The reply should have answered from knowledge entry {c.entry}.")
    return "\n".join(lines)


def file_name(draft: Draft) -> str:
    """`test_` first: Rasa takes only files so named as test stories."""
    return f"test_reviewed_{draft.conversation_id[:8]}_{draft.seq}_{draft.id[:6]}.yml"


# ---------------------------------------------------------------- NLU example


def nlu_with_example(current: str, intent: str, text: str) -> Tuple[str, bool]:
    """data/nlu/reviewed.yml with `text` under `intent`; and whether it was new there. Its other blocks
    (synonym:, regex:, lookup:) are kept as they are; a file that is not Rasa NLU data is a Problem."""
    try:
        doc = load_yaml(current) if current.strip() else None
        blocks = (doc or {}).get("nlu") or []
        if not isinstance(blocks, list):
            raise TypeError("nlu: is not a list")
        examples: Dict[str, List[str]] = {}
        others: List[Any] = []
        for block in blocks:
            if not isinstance(block, dict):
                raise TypeError("an nlu: item is not a mapping")
            if "intent" not in block:
                others.append(block)
                continue
            lines = [ln[2:] for ln in str(block.get("examples", "")).splitlines() if ln.startswith("- ")]
            examples.setdefault(str(block["intent"]), []).extend(lines)
    except (yaml.YAMLError, KeyError, TypeError, AttributeError):
        raise Problem(
            f"{NLU_FILE} is not in the form this page writes (someone may have edited it by hand), so the "
            "example was not added. Ask a developer to fix the file, then try again."
        ) from None
    have = examples.setdefault(intent, [])
    added = text not in have
    if added:
        have.append(text)
    nlu: List[Any] = [
        {"intent": name, "examples": "".join(f"- {t}\n" for t in examples[name])} for name in sorted(examples)
    ]
    head = "# Examples added from reviewed conversations in the staff console (docs/trainers.md).\n"
    body = yaml.dump(
        {"version": "3.1", "nlu": nlu + others}, Dumper=_StoryDumper, sort_keys=False, allow_unicode=True, width=1000
    )
    return head + body, added


def add_nlu_example(repo: Path, intent: str, text: str) -> Tuple[CheckResult, bool]:
    """Add `text` under `intent` to the repository's data/nlu/reviewed.yml if `rasa data validate` passes with it:
    (the validation's result, whether the file changed). One request at a time from reading the file to
    writing it (so two trainers adding examples keep both), written whole or not at all (temporary file,
    then rename). Problem when the file is not what this page writes or another example is being added."""
    if not _nlu_lock.acquire(blocking=False):
        raise Problem("Another trainer is adding an example right now. Wait a minute and try again.")
    try:
        path = repo / NLU_FILE
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        new_text, new = nlu_with_example(current, intent, text)
        if not new:
            return CheckResult(True, "The example is already there."), False
        result = validate_example(repo, new_text, text)
        if result.passed:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(new_text)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return result, result.passed
    finally:
        _nlu_lock.release()


# ---------------------------------------------------------------- running Rasa


@dataclass
class CheckResult:
    """What a check found, in plain words: passed, a summary, and one line per thing to fix."""

    passed: bool
    summary: str
    lines: List[str] = field(default_factory=list)
    seconds: float = 0.0
    ran: bool = True  # False: nothing was checked (no model, or another check running), so nothing to keep


def _run(cmd: List[str], cwd: Path, timeout: int) -> Tuple[int, str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False
    )
    return proc.returncode, proc.stdout


def busy() -> bool:
    return _check_lock.locked()


def run_story_check(repo: Path, story: str, intent_check: bool, timeout: int = CHECK_TIMEOUT) -> CheckResult:
    """Run one story against the repository's trained model (tools/review_check.py in a subprocess, which
    writes its result to a file: whatever Rasa logs on the way out cannot be taken for it)."""
    model = repo / "models" / "lantern.tar.gz"
    if not model.is_file():
        return CheckResult(False, "There is no trained model yet.", ["Run `make train`, then check again."], ran=False)
    if not _check_lock.acquire(blocking=False):
        return CheckResult(False, "Another check is running.", ["Wait a minute and press Check again."], ran=False)
    started = datetime.utcnow()
    try:
        with tempfile.TemporaryDirectory(prefix="lantern-review-") as tmp:
            path = Path(tmp) / "test_draft.yml"
            path.write_text(story, encoding="utf-8")
            result_path = Path(tmp) / "result.json"
            cmd = [sys.executable, "-m", "tools.review_check", "--model", str(model), "--stories", str(path)]
            cmd += ["--out", str(Path(tmp) / "out"), "--result", str(result_path)]
            cmd += ["--intent-check"] if intent_check else []
            try:
                status, _ = _run(cmd, _code_root(), timeout)
            except subprocess.TimeoutExpired:
                return CheckResult(
                    False, f"The check took longer than {timeout} seconds and was stopped.", ["Try again later."]
                )
            found = _result_in(result_path)
    finally:
        _check_lock.release()
    seconds = (datetime.utcnow() - started).total_seconds()
    if found is None:
        return CheckResult(
            False, "The check could not run.", [f"Rasa stopped (exit {status}); see the console's log."], seconds
        )
    passed, summary, lines = found
    return CheckResult(passed, summary, _without_texts(lines, _user_texts(story)), seconds)


def _result_in(path: Path) -> Optional[Tuple[bool, str, List[str]]]:
    """(passed, summary, lines) from review_check's result file; None when it wrote none or not that."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict):
        return None
    passed, summary, lines = found.get("passed"), found.get("summary"), found.get("lines")
    if not isinstance(passed, bool) or not isinstance(summary, str) or not isinstance(lines, list):
        return None
    return passed, summary, [str(line) for line in lines]


def _user_texts(story: str) -> List[str]:
    """The user's texts in a story built here (story_yaml)."""
    try:
        doc = load_yaml(story)
        return [str(step["user"]) for step in doc["stories"][0]["steps"] if "user" in step]
    except (yaml.YAMLError, KeyError, IndexError, TypeError):
        return []


def _without_texts(lines: Sequence[str], texts: Sequence[str]) -> List[str]:
    """`lines` with none of `texts` in them: a text Rasa quotes ('...') becomes "(not shown)"; a line that
    still has one as words of its own (case and spacing aside) is replaced by NOT_SHOWN. Drafts and the page
    never keep user text."""
    wanted = sorted({" ".join(t.split()) for t in texts if t.strip()}, key=len, reverse=True)
    found = [re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)", re.IGNORECASE) for text in wanted]
    out = []
    for line in lines:
        line = " ".join(line.split())
        for text in wanted:
            line = line.replace(f"'{text}'", "(not shown)").replace(f'"{text}"', "(not shown)")
        if any(pattern.search(line) for pattern in found):
            line = NOT_SHOWN
        out.append(line)
    return out


def validate_example(repo: Path, nlu_text: str, example: str, timeout: int = CHECK_TIMEOUT) -> CheckResult:
    """`rasa data validate` (as `make validate`) on a copy of data/ holding the new reviewed.yml; its lines
    never quote `example` (the user's words)."""
    if not _check_lock.acquire(blocking=False):
        return CheckResult(False, "Another check is running.", ["Wait a minute and try again."], ran=False)
    started = datetime.utcnow()
    try:
        with tempfile.TemporaryDirectory(prefix="lantern-validate-") as tmp:
            data = Path(tmp) / "data"
            shutil.copytree(repo / "data", data)
            (data / NLU_FILE.relative_to("data")).write_text(nlu_text, encoding="utf-8")
            rasa = str(Path(sys.executable).parent / "rasa")
            cmd = [rasa, "data", "validate", "--domain", str(repo / "domain"), "--data", str(data)]
            cmd += ["--config", str(repo / "config.yml"), "--fail-on-warnings"]
            try:
                status, output = _run(cmd, repo, timeout)
            except subprocess.TimeoutExpired:
                return CheckResult(
                    False, f"rasa data validate took longer than {timeout} seconds.", ["Try again later."]
                )
    finally:
        _check_lock.release()
    seconds = (datetime.utcnow() - started).total_seconds()
    if status == 0:
        return CheckResult(True, "rasa data validate passed.", [], seconds)
    return CheckResult(
        False,
        "rasa data validate found a problem; the example was not added.",
        validate_lines(output, example, str(data)),
        seconds,
    )


def validate_lines(output: str, example: str, data_dir: str) -> List[str]:
    """The warnings and errors in `rasa data validate`'s output, in short, without the example's words."""
    lines = []
    for raw in output.splitlines():
        m = re.search(r"(UserWarning|WARNING|ERROR)\s*[:-]?\s*(.*)", raw)
        if m and "warnings.warn" not in raw and "Telemetry" not in raw:
            lines.append(re.sub(r"^[\w.]+ +- +", "", m.group(2).strip()).replace(data_dir, "data"))
    shown = _without_texts(lines[:10], [example])
    return shown or ["rasa data validate stopped without a message the console can show; run `make validate`."]


def _code_root() -> Path:
    """Where `tools` is: the checkout the console runs from (the repository settings may point elsewhere)."""
    return Path(__file__).resolve().parent.parent
