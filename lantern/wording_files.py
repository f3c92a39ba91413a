"""The phrase files (actions/phrases/*.yml): reading them, checking them, and rewriting one line of them.

Three processes use this, so it lives in the shared library: the action server reads and checks the
files before it uses edited wording (actions/phrases.py re-exports the readers under their old names),
the command-line lint reports on them (tools/lint.py, tools/dialogue.py), and the staff console's
Wording page checks a trainer's draft as they type and saves it (staff/views/wording.py), which may
import nothing of the action server.

The rules for one message are lantern/house_rules.py's. This module adds what only a phrase line has:
`{placeholders}` filled with sample values before the length is counted, placeholders the line's action
actually fills, and the file-level schema. `PhraseFile` rewrites one line of a file without touching the
rest (comments, order, quotes: ruamel.yaml's round trip), atomically, and only if nobody saved the file
since it was read.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
import string
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Protocol, Sequence, Set, Tuple

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import Comment, CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from lantern.house_rules import MAX_CHARS, PLACEHOLDER_WIDTH, check_text, is_safety
from lantern.yaml_text import load_yaml as parse_yaml

# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Line:
    """One variation as written: template text, MI code, and the reply choices offered with it (if any)."""

    key: str
    text: str
    mi: str
    buttons: Tuple[Tuple[str, str], ...] = ()  # (title, payload): tappable in the widget, numbered in an SMS


# A choice's payload is an intent the domain knows ("/affirm"): tests/unit/test_phrases_choices.py checks them.
CHOICE_PAYLOAD = re.compile(r"^/[a-z_]+$")


def choices_of(path: Path, data: Dict[str, Any]) -> Dict[str, Tuple[Tuple[str, str], ...]]:
    """A file's named reply choices: `choices: {yes_no: [{title, payload}, ...]}`, checked."""
    out: Dict[str, Tuple[Tuple[str, str], ...]] = {}
    for name, buttons in (data.get("choices") or {}).items():
        if not isinstance(buttons, list) or not 2 <= len(buttons) <= 4:
            raise ValueError(f"{path.name}: choices '{name}' needs 2 to 4 buttons")
        pairs = []
        for b in buttons:
            title, payload = (b.get("title"), b.get("payload")) if isinstance(b, dict) else (None, None)
            if not isinstance(title, str) or not title.strip() or len(title) > 25:
                raise ValueError(f"{path.name}: choices '{name}': every button needs a title of at most 25 characters")
            if not isinstance(payload, str) or not CHOICE_PAYLOAD.match(payload):
                raise ValueError(f"{path.name}: choices '{name}': payload '{payload}' must be /an_intent")
            pairs.append((title.strip(), payload))
        out[name] = tuple(pairs)
    return out


def load_yaml(path: Path) -> Dict[str, Any]:
    """One phrase file's data; a file that is not YAML or not a mapping is a ValueError naming it."""
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{path.name}: not valid YAML{where}: {getattr(err, 'problem', None) or err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name}: cannot be read: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: must be a mapping (lines:, fragments:, choices:)")
    return data


def read_with_origin(directory: Path) -> Tuple[Dict[str, List[Line]], Dict[str, Dict[str, str]], Dict[str, str]]:
    """Lines, fragments, and the file each line and fragment key comes from; schema errors raise ValueError."""
    lines: Dict[str, List[Line]] = {}
    fragments: Dict[str, Dict[str, str]] = {}
    origin: Dict[str, str] = {}
    files = [(path, load_yaml(path)) for path in sorted(directory.glob("*.yml"))]
    choices: Dict[str, Tuple[Tuple[str, str], ...]] = {}
    for path, data in files:
        choices.update(choices_of(path, data))
    for path, data in files:
        for key, variations in (data.get("lines") or {}).items():
            if key in lines:
                raise ValueError(f"{path.name}: line '{key}' is defined twice")
            if not isinstance(variations, list) or not variations:
                raise ValueError(f"{path.name}: line '{key}' needs a list of variations")
            lines[key], origin[key] = [], path.name
            for item in variations:
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError(f"{path.name}: line '{key}': every variation needs a text")
                mi = (item.get("metadata") or {}).get("mi")
                if not isinstance(mi, str):
                    raise ValueError(f"{path.name}: line '{key}': every variation needs metadata.mi")
                named = item.get("buttons")
                if named is not None and named not in choices:
                    raise ValueError(f"{path.name}: line '{key}': no choices named '{named}'")
                lines[key].append(Line(key, item["text"].strip(), mi, choices[named] if named else ()))
        for key, forms in (data.get("fragments") or {}).items():
            if key in fragments:
                raise ValueError(f"{path.name}: fragment '{key}' is defined twice")
            if not isinstance(forms, dict) or not all(isinstance(v, str) for v in forms.values()):
                raise ValueError(f"{path.name}: fragment '{key}' needs forms that are texts (you:, part:...)")
            fragments[key], origin[f"fragment:{key}"] = dict(forms), path.name
    return lines, fragments, origin


# --------------------------------------------------------------------------- placeholders and samples


def fill_text(template: str, fill: Mapping[str, Any]) -> str:
    return template.format_map({k: v for k, v in fill.items()})


def placeholders(template: str) -> List[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# Sample values for every placeholder, so every template can be filled and checked.
SAMPLES: Dict[str, List[str]] = {
    "who": ["your kids", "your grandkids", "the people you love", "your boyfriend"],
    "n": ["0", "6", "7 or 8", "10"],
    "lower": ["0", "3"],
    "higher": ["7", "10"],
    "duration": ["a couple of months", "3 weeks", "a year", "90 days", "several years"],
    "target": ["stopping", "cutting back", "making a change"],
    "target_verb": ["stop", "cut back", "make that change"],
    "substance": ["opioids", "drinking", "meth", "pills", "weed"],
    "org": ["the Lantern project", "Harbor Health Harm Reduction Services of Greater Springfield"],
    "days": ["90", "365"],
    "contact": ["", " (harbor@example.org, 555-0100)"],
    "emergency_number": ["911", "112"],
    "hours": ["Mon-Fri 9am-5pm (EST)", "Mon, Wed, Fri 10am-4pm, Sat noon-2pm (EST)", "every day, all day (UTC)"],
    "never_alone": ["Never Use Alone (1-800-484-3731)", "National Overdose Response Service (NORS) (1-888-688-6677)"],
    "helpline": [
        "SAMHSA National Helpline (1-800-662-4357): free, confidential, 24/7, treatment referral and information"
    ],
    "items": ["want to be there for your kids, are worn out by how things are, and want your life back"],
    "steps": ["picked up naloxone and started testing your supply"],
    "topic": ["buprenorphine", "doing it your own way", "a faith-based path", "testing your supply"],
    "privacy_text": [
        "Chats are kept without names or numbers, for staff to review and improve the service. "
        "Nobody follows up unless you ask for a check-in text or a person, or tell me someone is "
        "in danger while staff are on duty. Over SMS your number is then kept, encrypted, only until that is done."
    ],
    # referral.yml
    "place": ["45402 (Dayton, OH)", "Dayton, OH", "Springfield, IL"],
    "need": [
        "food",
        "naloxone (Narcan)",
        "HIV and hep C testing",
        "naloxone (Narcan), test strips or syringe services",
    ],
    "zip": ["00000", "99999"],
    "town": ["Springfield", "Saint Petersburg"],
    "state": ["Ohio", "Massachusetts"],
    "miles": ["25", "100"],
    "numbers": ["1", "1 or 2", "1, 2 or 3"],
    # checkins.yml (lantern/checkins/when.py builds these)
    "described": ["tomorrow at 9 am", "Wednesday Dec 30 in the afternoon (around 2 pm)"],
    "quiet": ["9 pm and 9 am", "10:30 pm and 7:30 am"],
    "program": ["Lantern", "Harbor Health Harm Reduction Services"],
}


KNOWN_PLACEHOLDERS = frozenset(SAMPLES) | {"s", "c"}  # {s} and {c}: the sustain and change fragments


def samples_for(name: str, fragments: Mapping[str, Mapping[str, str]]) -> List[str]:
    """Sample values of one placeholder; {s} and {c} are the sustain and change fragments."""
    if name in ("s", "c"):
        prefix = "sustain." if name == "s" else "change."
        return [
            fill_text(forms["part"], {"who": max(SAMPLES["who"], key=len)})
            for key, forms in fragments.items()
            if key.startswith(prefix)
        ]
    return SAMPLES[name]


def sample_fills(template: str, fragments: Mapping[str, Mapping[str, str]]) -> Iterator[Dict[str, str]]:
    """Fillings for a template: each placeholder's samples in turn, the others at their longest."""
    names = placeholders(template)
    if not names:
        yield {}
        return
    longest = {name: max(samples_for(name, fragments), key=len) for name in names}
    yield dict(longest)
    for name in names:
        for value in samples_for(name, fragments):
            yield {**longest, name: value}


# --------------------------------------------------------------------------- the whole folder's check


class LoadedWording(Protocol):
    """What `wording_problems` needs of the wording in use (actions/phrases.Wording)."""

    @property
    def lines(self) -> Mapping[str, Sequence[Line]]: ...

    @property
    def fragments(self) -> Mapping[str, Mapping[str, str]]: ...


def wording_problems(
    lines: Mapping[str, Sequence[Line]],
    fragments: Mapping[str, Mapping[str, str]],
    origin: Optional[Mapping[str, str]] = None,
    previous: Optional[LoadedWording] = None,
) -> List[str]:
    """Everything the project's checks find in a wording (the house rules on every variation with sample
    fillings, as tests/unit/test_response_lint.py does), and each line or fragment form of `previous`
    that is gone (the actions ask for them by name). Each problem starts with the file it is in."""
    origin = origin or {}
    problems: List[str] = []
    for key, options in lines.items():
        file = origin.get(key, "?")
        for line in options:
            try:
                fills = list(sample_fills(line.text, fragments))
                texts = [capitalise(fill_text(line.text, fill)) for fill in fills]
            except KeyError as err:
                problems.append(f"{file}: line '{key}': unknown placeholder {{{err.args[0]}}}")
                continue
            except (ValueError, IndexError) as err:
                problems.append(f"{file}: line '{key}': braces do not make a placeholder ({err})")
                continue
            for text in texts:
                found = check_text(text, line.mi, None, f"{file}: line '{key}'")
                problems.extend(str(p) for p in found[:1])
                if found:
                    break
    if previous is not None:
        for key in previous.lines:
            if key not in lines:
                problems.append(f"line '{key}' is gone: the actions use it")
        for key, forms in previous.fragments.items():
            missing = sorted(set(forms) - set(fragments.get(key, {})))
            if missing:
                problems.append(f"fragment '{key}' lost its form(s) {', '.join(missing)}: actions use them")
    return problems


# --------------------------------------------------------------------------- one draft, in plain words

MAX_VARIATIONS = 12  # a line with more is a list of different lines; nobody needs more to avoid repeats
MAX_DRAFT_CHARS = 2000  # far above the 320 a message may have; longer input is refused, not checked

# What each rule means, and how to fix it, for someone who does not read code (docs/trainers.md).
RULES: Dict[str, Tuple[str, str]] = {
    "stigmatising word": (
        "A word that labels or shames people",
        "Use person-first words: 'person who uses drugs', 'return to use', 'not using', 'a negative test'.",
    ),
    "directive": (
        "Tells the person what to do",
        "Offer instead of telling: 'some people find...', 'would you like to...', 'you could...'.",
    ),
    "too long": (
        "Too long for two text messages",
        f"Keep it to {MAX_CHARS} characters with the {{words}} filled in: cut words, or say less in this line.",
    ),
    "no MI code": ("No MI code", "Choose what kind of MI move this is (open question, reflection, ...)."),
    "unknown MI code": ("Not an MI code", "Choose one of the MI codes in the list."),
    "emoji in safety content": (
        "Emoji next to safety content",
        "Remove the emoji: no emoji where overdose, crisis or safety is the subject.",
    ),
    "empty": ("Empty", "Write the message, or remove this variation."),
    "unknown placeholder": (
        "A {word} the bot cannot fill here",
        "Use only the {words} this line already has; the bot fills no others for it.",
    ),
    "broken braces": (
        "Curly braces that do not make a {word}",
        "Curly braces are only for the {words} the bot fills in; remove the stray brace.",
    ),
    "not plain text": (
        "Characters that are not plain text",
        "Write the message on one line, without tabs or invisible characters.",
    ),
    "too big": (
        "Too long to check",
        f"A message may have {MAX_CHARS} characters; this has more than {MAX_DRAFT_CHARS}.",
    ),
    "no variation": ("No variation left", "A line needs at least one way of saying it."),
    "too many variations": ("Too many variations", f"Keep at most {MAX_VARIATIONS} ways of saying one line."),
    "one variation": (
        "Only one way of saying it",
        "Add a second variation (same meaning, other words) so the bot does not repeat itself.",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One rule a draft breaks: the rule's name, what is wrong in plain words, how to fix it.
    `blocking` findings stop a save; the others are advice."""

    rule: str
    title: str
    detail: str
    fix: str
    blocking: bool = True

    def as_dict(self) -> Dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "detail": self.detail,
            "fix": self.fix,
            "blocking": self.blocking,
        }


def finding(rule: str, detail: str, blocking: bool = True) -> Finding:
    title, fix = RULES[rule]
    return Finding(rule, title, detail, fix, blocking)


def _not_plain(text: str) -> Optional[str]:
    """A description of the first character that is not plain text (a control or replacement character)."""
    for ch in text:
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in ("\u200d", "\ufe0f")):
            name = {"\n": "a line break", "\t": "a tab", "\r": "a line break", "\ufffd": "an unreadable character"}
            return name.get(ch, f"an invisible character (U+{ord(ch):04X})")
    return None


def check_variation(
    text: str, mi: Optional[str], fragments: Mapping[str, Mapping[str, str]], allowed: Optional[Set[str]] = None
) -> List[Finding]:
    """Every rule one variation of a phrase line breaks, each rule once, checked on the text with every
    sample filling (as the lint does). `allowed`: the placeholders the line's action fills (None: any known)."""
    if len(text) > MAX_DRAFT_CHARS:
        return [finding("too big", f"{len(text)} characters")]
    found: List[Finding] = []
    odd = _not_plain(text)
    if odd:
        found.append(finding("not plain text", f"it has {odd}"))
    text = text.strip()
    try:
        names = placeholders(text)
    except ValueError as err:
        return found + [finding("broken braces", str(err).rstrip("."))] + _mi_findings(mi)
    odd_field = _odd_field(text)
    if odd_field:  # {} or {who:...} / {who!r}: the bot fills plain {names} only (a huge width would also eat memory)
        return found + [finding("broken braces", odd_field)] + _mi_findings(mi)
    unknown = sorted({n for n in names if (allowed is not None and n not in allowed) or n not in KNOWN_PLACEHOLDERS})
    if unknown:
        shown = ", ".join("{" + n + "}" for n in unknown)
        can = ", ".join("{" + n + "}" for n in sorted(allowed or ())) or "none"
        found.append(finding("unknown placeholder", f"{shown} (this line can use: {can})"))
        for name in unknown:  # the other rules still apply: check the text with a stand-in of typical width
            text = re.sub(r"\{" + re.escape(name) + r"(?:[!:][^{}]*)?\}", "x" * PLACEHOLDER_WIDTH, text)
    seen: Set[str] = set()
    try:
        filled_texts = [capitalise(fill_text(text, fill)) for fill in sample_fills(text, fragments)]
    except KeyError as err:  # a {name} the stand-in above did not reach
        return found + [finding("unknown placeholder", f"{{{err.args[0] if err.args else ''}}}")] + _mi_findings(mi)
    except (ValueError, IndexError) as err:  # braces Python's format cannot fill
        return found + [finding("broken braces", str(err).rstrip("."))] + _mi_findings(mi)
    for filled in filled_texts:
        for p in check_text(filled, mi or None, None):
            if p.rule not in seen:
                seen.add(p.rule)
                found.append(finding(p.rule, _plain_detail(p.rule, p.detail)))
    return found


def _odd_field(text: str) -> Optional[str]:
    """What is wrong with the first {field} that is not a plain {name}: empty, or with a conversion or format."""
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name:
            return "{} has no name in it"
        if spec or conversion:
            return f"{{{name}...}} has more than a name between its braces"
    return None


def _mi_findings(mi: Optional[str]) -> List[Finding]:
    """The MI-code rules alone, for a text too broken to fill in."""
    return [finding(p.rule, _plain_detail(p.rule, p.detail)) for p in check_text("x", mi or None) if "MI" in p.rule]


def _plain_detail(rule: str, detail: str) -> str:
    if rule == "too long":
        return detail.replace(" characters", " characters with the longest {words} filled in")
    if rule == "unknown MI code":
        return detail.split(" is not one of")[0] + " is not an MI code"
    if rule == "no MI code":
        return "none chosen"
    return detail


def check_line(
    variations: Sequence[Tuple[str, Optional[str]]],
    fragments: Mapping[str, Mapping[str, str]],
    allowed: Optional[Set[str]] = None,
) -> Tuple[List[List[Finding]], List[Finding]]:
    """A draft of one phrase line: (findings of each variation, findings of the line as a whole)."""
    per = [check_variation(text, mi, fragments, allowed) for text, mi in variations[:MAX_VARIATIONS]]
    whole: List[Finding] = []
    if not variations:
        whole.append(finding("no variation", "every variation was removed"))
    elif len(variations) > MAX_VARIATIONS:
        whole.append(finding("too many variations", f"{len(variations)} variations"))
    elif len(variations) == 1:
        whole.append(finding("one variation", "the bot says these exact words each time", blocking=False))
    return per, whole


def blocking(per: Sequence[Sequence[Finding]], whole: Sequence[Finding]) -> bool:
    """Whether anything stops the draft from being saved."""
    return any(f.blocking for f in whole) or any(f.blocking for fs in per for f in fs)


# --------------------------------------------------------------------------- domain responses (read only here)

# Responses that may have a single variation; the same lists as tools/lint.py (a test keeps them equal).
SINGLE_VARIATION_OK = frozenset({"utter_stop"})
SINGLE_VARIATION_PREFIXES = ("utter_crisis", "utter_referral")


@dataclass
class DomainResponse:
    """One `utter_*` response of a domain file, with what the lint finds in each variation."""

    file: str
    name: str
    variations: List[Tuple[str, str]] = field(default_factory=list)  # (text, mi)
    findings: List[List[Finding]] = field(default_factory=list)
    whole: List[Finding] = field(default_factory=list)


def domain_responses(domain_dir: Path) -> List[DomainResponse]:
    """Every response in the domain folder, checked as tools/lint.py's check_response does."""
    out: List[DomainResponse] = []
    for path in sorted(domain_dir.rglob("*.yml")):
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            response = DomainResponse(str(path.relative_to(domain_dir)), str(name))
            for variation in variations or []:
                variation = variation if isinstance(variation, dict) else {}
                metadata = variation.get("metadata") or {}
                text = variation.get("text")
                mi = metadata.get("mi")
                response.variations.append(("" if text is None else str(text), str(mi or "")))
                if text is None:
                    response.findings.append([finding("empty", "this reply has no text")])
                    continue
                safety = is_safety(str(text), {**metadata, **(variation.get("custom") or {})})
                problems = check_text(str(text), mi, safety)
                response.findings.append([finding(p.rule, _plain_detail(p.rule, p.detail)) for p in problems])
            if (
                len(variations or []) == 1
                and name not in SINGLE_VARIATION_OK
                and not str(name).startswith(SINGLE_VARIATION_PREFIXES)
            ):
                response.whole.append(finding("one variation", f"{name} has one text"))
            out.append(response)
    return out


# --------------------------------------------------------------------------- rewriting one line of a file


class EditError(ValueError):
    """The file cannot be edited here (its layout would change, or it is not a phrase file)."""


class Conflict(EditError):
    """The file changed on disk since the draft was made from it."""


def version_of(raw: bytes) -> str:
    """What the optimistic lock compares: a hash of the file's bytes as they were read."""
    return hashlib.sha256(raw).hexdigest()[:32]


def _yaml() -> YAML:
    """Round-trip YAML in the phrase files' own layout: two-space maps, lists indented under their key,
    no line wrapping, quotes kept as written."""
    y = YAML(typ="rt")
    y.preserve_quotes = True  # type: ignore[assignment]
    y.width = 1_000_000  # type: ignore[assignment]
    y.indent(mapping=2, sequence=4, offset=2)
    return y


_write_lock = threading.Lock()  # one save at a time in this process: the version check and the rename go together


class PhraseFile:
    """One phrase file as read from disk: its round-trip data, its bytes' version, its lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.raw = path.read_bytes()
            source = self.raw.decode("utf-8")
            self.data = _yaml().load(source)
        except (OSError, UnicodeDecodeError) as err:
            raise EditError(f"{path.name} cannot be read: {err}") from None
        except Exception as err:  # ruamel's parser and scanner errors share no useful base class
            raise EditError(f"{path.name} is not valid YAML: {str(err).splitlines()[0]}") from None
        if not isinstance(self.data, CommentedMap) or not isinstance(self.data.get("lines"), CommentedMap):
            raise EditError(f"{path.name} holds no lines")
        self.version = version_of(self.raw)
        self.keeps_layout = self.dump() == source  # otherwise a save would move more than the edited line

    @property
    def lines(self) -> CommentedMap:
        return self.data["lines"]

    def dump(self) -> str:
        out = io.StringIO()
        _yaml().dump(self.data, out)
        return out.getvalue()

    def replaced(self, key: str, variations: Sequence[Tuple[Optional[int], str, str]]) -> str:
        """The file's text with `key`'s variations replaced: (index of the variation it was, or None for a new
        one; text; MI code). A kept variation keeps its other fields (buttons) and comments."""
        if not self.keeps_layout:
            raise EditError(f"{self.path.name} cannot be edited here without changing its layout; use a text editor")
        old = self.lines.get(key)
        if not isinstance(old, CommentedSeq):
            raise EditError(f"no line '{key}' in {self.path.name}")
        new = CommentedSeq()
        for index, text, mi in variations:
            item = old[index] if index is not None and 0 <= index < len(old) else None
            if isinstance(item, CommentedMap):
                item["text"] = DoubleQuotedScalarString(text)
                metadata = item.get("metadata")
                if isinstance(metadata, CommentedMap):
                    metadata["mi"] = mi
                else:
                    item["metadata"] = _flow({"mi": mi})
            else:
                item = CommentedMap([("text", DoubleQuotedScalarString(text)), ("metadata", _flow({"mi": mi}))])
            new.append(item)
        # The list's own comments (the blank line and section comment after it) stay where they were; a comment
        # after a removed variation moves to the new last one.
        comments = copy.deepcopy(old.ca)
        for index in [i for i in comments.items if i >= len(new)]:
            comments.items.setdefault(max(len(new) - 1, 0), comments.items.pop(index))
        setattr(new, Comment.attrib, comments)
        self.lines[key] = new
        try:
            return self.dump()
        finally:
            self.lines[key] = old

    def save(self, text: str, expected_version: str) -> str:
        """Write `text` in place of the file (temporary file, then rename), only if the file on disk is still
        the version `expected_version`; Conflict otherwise. Returns the new version."""
        with _write_lock:
            try:
                now = version_of(self.path.read_bytes())
            except OSError as err:
                raise EditError(f"{self.path.name} cannot be read: {err}") from None
            if now != expected_version:
                raise Conflict(f"{self.path.name} was saved by someone else after you opened it")
            mode = self.path.stat().st_mode & 0o777
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(text.encode("utf-8"))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, mode)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _sync_folder(self.path.parent)
        return version_of(text.encode("utf-8"))


def _flow(values: Mapping[str, Any]) -> CommentedMap:
    """A small map written on one line, `{mi: open_question}`, as the files write metadata."""
    out = CommentedMap(values)
    out.fa.set_flow_style()
    return out


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after a save keeps the new file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def folder_problems_with(directory: Path, name: str, text: str, previous: Optional[LoadedWording]) -> List[str]:
    """What the action server's check would say of the phrase folder with file `name` replaced by `text`
    (the same schema and rules, and no line of `previous` gone): a save that passes is used live."""
    with tempfile.TemporaryDirectory(prefix="lantern-wording-") as tmp:
        folder = Path(tmp)
        for path in directory.glob("*.yml"):
            (folder / path.name).write_bytes(path.read_bytes())
        (folder / name).write_text(text, encoding="utf-8")
        try:
            lines, fragments, origin = read_with_origin(folder)
        except ValueError as err:
            return [str(err)]
        return wording_problems(lines, fragments, origin, previous)
