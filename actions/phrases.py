"""The lines custom actions say, kept as data in actions/phrases/*.yml (same shape as domain responses).

Trainers edit wording there, not in Python: each key has several variations,
each with its MI code (`metadata: {mi: ...}`), and `{placeholders}` that the
actions fill ("{who}", "{n}", "{duration}"...). `fragments:` hold the short
verb phrases that reflections and summaries are assembled from.

Each message also says which side of the talk it is about (`metadata.talk`, from
`TALK_OF_LINE` by key): a reflection of change talk is about change. The Rasa server reads
it back when the person answers, so a bare "yeah" to it counts as change talk
(rasa_plugins/turn_context.py, lantern/nlu/talk_context.py).

`all_lines()` gives every line with sample fillings, so the lint test
(tests/unit/test_response_lint.py) checks every text an action can produce.

Live reload: the files are read from LANTERN_PHRASES_DIR (default actions/phrases). The action
server (actions/__main__.py) runs a `WordingWatcher`: every half second it looks at the files'
names, sizes and modification times, and when they change it reads them again and checks them
(`load_wording`: this schema, tools/lint.py's rules on every variation with sample fillings, no
line or fragment the actions use gone). Wording that passes replaces the old in one reference
assignment; wording that fails leaves the old in place and logs one line naming the file and the
rule. Each action run reads one `Wording` throughout (`pinned()`, set per request), so a reply is
never built half from the old wording and half from the new.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import re
import string
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from lantern import settings as settings_mod

PHRASE_DIR = Path(__file__).resolve().parent / "phrases"  # the default of LANTERN_PHRASES_DIR
logger = logging.getLogger(__name__)

# Which side of the talk a line reflects, sums up or asks about, by key: an entry names a key
# and the keys under it ("reflect.change" covers "reflect.change.family"); the longest entry
# wins, and None means "neither side" for keys under a labelled one. Keys not covered
# (feelings, information, structure, double-sided and family lines) are about neither side.
TALK_OF_LINE: Dict[str, Optional[str]] = {
    "reflect.change": "change",
    "reflect.sustain": "sustain",
    "reflect.topic": "change",
    "reflect.what_helped": "change",
    "reflect.next_step": "change",
    "reflect.next_step.none": "sustain",
    "invite.change": "change",
    "invite.sustain": "sustain",
    "discord.no_problem": "sustain",
    "ruler.importance.high": "change",
    "ruler.importance.low": "sustain",
    "ruler.importance.zero": "sustain",
    "ruler.importance.why_lower": "change",
    "ruler.importance.what_would_raise": "change",
    "ruler.confidence.high": "change",
    "ruler.confidence.low": "sustain",
    "ruler.confidence.one_higher": "change",
    "ruler.confidence.why_sure": "change",
    "step": "change",  # affirming and reflecting steps taken, inviting the next one
    "summary.open": "change",
    "summary.key_question": "change",
    "summary.next_question": "change",
    "offer.collect": "change",
    "returning.recap": "change",
    "returning.recap.family": None,
}


@dataclass(frozen=True)
class Line:
    """One variation as written: template text, MI code, and the reply choices offered with it (if any)."""

    key: str
    text: str
    mi: str
    buttons: Tuple[Tuple[str, str], ...] = ()  # (title, payload): tappable in the widget, numbered in an SMS


@dataclass(frozen=True)
class Message:
    """One message to send: filled text, MI code, and the side of the talk it is about (if any)."""

    text: str
    mi: str
    talk: Optional[str] = None
    buttons: Tuple[Tuple[str, str], ...] = ()

    def as_kwargs(self) -> Dict[str, Any]:
        """Keyword arguments for `dispatcher.utter_message`."""
        metadata: Dict[str, Any] = {"mi": self.mi}
        if self.talk:
            metadata["talk"] = self.talk
        out: Dict[str, Any] = {"text": self.text, "metadata": metadata}
        if self.buttons:
            out["buttons"] = [{"title": title, "payload": payload} for title, payload in self.buttons]
        return out


# A choice's payload is an intent the domain knows ("/affirm"): tests/unit/test_phrases_choices.py checks them.
CHOICE_PAYLOAD = re.compile(r"^/[a-z_]+$")


def _choices(path: Path, data: Dict[str, Any]) -> Dict[str, Tuple[Tuple[str, str], ...]]:
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


def talk_of(key: str) -> Optional[str]:
    """The side of the talk ('change' / 'sustain') the line `key` is about, or None (TALK_OF_LINE)."""
    best, talk = -1, None
    for entry, side in TALK_OF_LINE.items():
        if (key == entry or key.startswith(entry + ".")) and len(entry) > best:
            best, talk = len(entry), side
    return talk


def _load_yaml(path: Path) -> Dict[str, Any]:
    """One phrase file's data; a file that is not YAML or not a mapping is a ValueError naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"{path.name}: not valid YAML{where}: {getattr(err, 'problem', None) or err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name}: cannot be read: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: must be a mapping (lines:, fragments:, choices:)")
    return data


def _read(directory: Path) -> Tuple[Dict[str, List[Line]], Dict[str, Dict[str, str]]]:
    lines, fragments, _ = read_with_origin(directory)
    return lines, fragments


def read_with_origin(directory: Path) -> Tuple[Dict[str, List[Line]], Dict[str, Dict[str, str]], Dict[str, str]]:
    """Lines, fragments, and the file each line and fragment key comes from; schema errors raise ValueError."""
    lines: Dict[str, List[Line]] = {}
    fragments: Dict[str, Dict[str, str]] = {}
    origin: Dict[str, str] = {}
    files = [(path, _load_yaml(path)) for path in sorted(directory.glob("*.yml"))]
    choices: Dict[str, Tuple[Tuple[str, str], ...]] = {}
    for path, data in files:
        choices.update(_choices(path, data))
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


@dataclass(frozen=True)
class Wording:
    """One loaded and checked version of the phrase files; never changed once made (replaced whole)."""

    lines: Dict[str, List[Line]]
    fragments: Dict[str, Dict[str, str]]
    stamp: Tuple[Tuple[str, int, int], ...] = ()  # (file name, mtime in ns, size) of each file read


def stamp_of(directory: Path) -> Tuple[Tuple[str, int, int], ...]:
    """What tells a changed phrase folder: each *.yml file's name, modification time and size (a stat each)."""
    out = []
    for path in sorted(directory.glob("*.yml")):
        try:
            st = path.stat()
        except FileNotFoundError:  # removed between the listing and the stat
            continue
        out.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def wording_problems(
    lines: Mapping[str, List[Line]],
    fragments: Mapping[str, Mapping[str, str]],
    origin: Optional[Mapping[str, str]] = None,
    previous: Optional[Wording] = None,
) -> List[str]:
    """Everything the project's checks find in a wording (tools/lint.py on every variation with sample
    fillings, as tests/unit/test_response_lint.py does), and each line or fragment form of `previous`
    that is gone (the actions ask for them by name). Each problem starts with the file it is in."""
    from lantern.house_rules import check_text

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


def load_wording(directory: Path, previous: Optional[Wording] = None, check: bool = True) -> Wording:
    """Read and check the phrase files of `directory`; ValueError saying which file failed and why."""
    stamp = stamp_of(directory)
    lines, fragments, origin = read_with_origin(directory)
    if check:
        problems = wording_problems(lines, fragments, origin, previous)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ValueError(problems[0] + more)
    return Wording(lines, fragments, stamp)


_current: Optional[Wording] = None  # replaced whole by one assignment (atomic), never changed in place
_first_load = threading.Lock()
_pinned: ContextVar[Optional[Wording]] = ContextVar("lantern_wording", default=None)


def current() -> Wording:
    """The wording in use: the one pinned for this action run, else the latest loaded (read on first use)."""
    wording = _pinned.get() or _current
    if wording is None:
        with _first_load:
            if _current is None:
                directory = settings_mod.load().phrases_dir
                loaded = load_wording(directory, check=False)  # schema errors raise, as they always did
                problems = wording_problems(loaded.lines, loaded.fragments)
                if problems:  # nothing older to keep: serve it, and say so (make test fails on it)
                    logger.warning("wording in %s breaks a rule: %s", directory, problems[0])
                _swap(loaded)
            wording = _current
    assert wording is not None
    return wording


def _swap(wording: Wording) -> None:
    global _current
    _current = wording


@contextmanager
def pinned(wording: Optional[Wording] = None) -> Iterator[Wording]:
    """Within the block (one action run), every read sees `wording` (default: the current one)."""
    chosen = wording or current()
    token = _pinned.set(chosen)
    try:
        yield chosen
    finally:
        _pinned.reset(token)


def one_wording(run: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """An action's `run` that reads one wording from start to end, even if the watcher swaps it meanwhile.

    MIAction applies it to every subclass's `run` (actions/base.py); the two actions that are not
    MIActions use it as a decorator. tests/unit/test_phrases_reload.py checks every action has it.
    """
    if getattr(run, "one_wording", False):
        return run

    @functools.wraps(run)
    async def pinned_run(*args: Any, **kwargs: Any) -> Any:
        with pinned():
            return await run(*args, **kwargs)

    pinned_run.one_wording = True  # type: ignore[attr-defined]
    return pinned_run


class WordingWatcher:
    """Reloads the phrase files when they change (the action server runs one; see the module docstring)."""

    def __init__(self, directory: Optional[Path] = None, interval: float = 0.5) -> None:
        self.directory = directory or settings_mod.load().phrases_dir
        self.interval = interval
        self._seen = current().stamp  # the files as last read, or as last refused
        self._stop = threading.Event()

    def check(self) -> Optional[bool]:
        """One look: None when nothing changed, True when new wording is in use, False when it was refused."""
        stamp = stamp_of(self.directory)
        if stamp == self._seen:
            return None
        self._seen = stamp
        try:
            wording = load_wording(self.directory, previous=current_unpinned())
        except ValueError as err:
            if stamp_of(self.directory) != stamp:  # caught in the middle of a save: look again, say nothing
                self._seen = ()
                return None
            logger.warning("wording not reloaded, the old wording stays: %s", err)
            return False
        if wording.stamp != stamp_of(self.directory):  # saved again while being read: read it next time
            self._seen = ()
            return None
        _swap(wording)
        self._seen = wording.stamp
        logger.info("wording reloaded from %s (%d lines)", self.directory, len(wording.lines))
        return True

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # never let the watcher die: the next look tries again
                logger.exception("wording watcher: unexpected error")

    def start(self) -> "WordingWatcher":
        threading.Thread(target=self.run, name="wording-watcher", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()


def current_unpinned() -> Wording:
    """The latest loaded wording, whatever this run pinned."""
    current()
    assert _current is not None
    return _current


def catalogue() -> Dict[str, List[Line]]:
    return current().lines


def fragment_table() -> Dict[str, Dict[str, str]]:
    return current().fragments


def has(key: str) -> bool:
    return key in catalogue()


def variants(key: str) -> List[Line]:
    try:
        return catalogue()[key]
    except KeyError:
        raise KeyError(f"no phrase '{key}' in actions/phrases/*.yml") from None


def fragment(key: str, form: str, **fill: str) -> str:
    """A short verb phrase: fragment('change.family', 'you', who='your kids') -> 'want to be there for your kids'."""
    return fill_text(fragment_table()[key][form], fill)


def fill_text(template: str, fill: Mapping[str, Any]) -> str:
    return template.format_map({k: v for k, v in fill.items()})


def placeholders(template: str) -> List[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


MIN_REPEAT_WORDS = 4  # shorter sentences ("Makes sense.", "What's on your mind?") may come back
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> List[str]:
    """The sentences of a message, as written."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def sentence_key(sentence: str) -> Optional[str]:
    """How a sentence is compared with what was said before: a short hash of its words (case and spacing
    ignored), so a conversation's record of what was said is small and holds no text; None when short."""
    words = sentence.lower().split()
    if len(words) < MIN_REPEAT_WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=6).hexdigest()


def said_sentences(texts: Iterable[str]) -> Set[str]:
    """The keys of the sentences (long enough to count) of the bot's earlier messages."""
    return {key for text in texts for part in sentences(text) if (key := sentence_key(part))}


def says_something_new(messages: Sequence[Message], said: Set[str]) -> bool:
    """True when a sentence that counts is not in `said`, or when no sentence counts (a bare "Okay.")."""
    keys = [key for m in messages for part in sentences(m.text) if (key := sentence_key(part))]
    return not keys or any(key not in said for key in keys)


def without_repeats(messages: Sequence[Message], said: Set[str]) -> List[Message]:
    """The messages without any sentence the bot already said in this conversation (a person notices a
    line said twice word for word: it reads as a script). A message left empty is dropped; a turn whose
    every sentence was said before is kept as it is rather than saying nothing (MIAction.run first tries
    other wordings)."""
    out: List[Message] = []
    for message in messages:
        kept = [part for part in sentences(message.text) if sentence_key(part) not in said]
        if kept:
            out.append(replace(message, text=" ".join(kept)))
    return out or list(messages)


def say(key: str, rng: Optional[random.Random] = None, said: Iterable[str] = (), **fill: Any) -> Message:
    """A filled variation of `key`, preferring those that repeat the fewest sentences already `said` (sentence
    keys: `Context.said`, or `said_sentences` of earlier texts)."""
    rng = rng or random.Random()
    options = variants(key)
    filled = [(line, capitalise(fill_text(line.text, fill))) for line in options]
    done = set(said)
    repeats = [len(done & said_sentences([text])) for _, text in filled]
    fresh = [pair for pair, n in zip(filled, repeats, strict=True) if n == min(repeats)]
    line, text = rng.choice(fresh)
    return Message(text=text, mi=line.mi, talk=talk_of(key), buttons=line.buttons)


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
    "never_alone": ["Never Use Alone (1-800-484-3731)", "National Overdose Response Service (NORS) (1-888-688-6677)"],
    "helpline": [
        "SAMHSA National Helpline (1-800-662-4357): free, confidential, 24/7, treatment referral and information"
    ],
    "items": ["want to be there for your kids, are worn out by how things are, and want your life back"],
    "steps": ["picked up naloxone and started testing your supply"],
    "topic": ["buprenorphine", "doing it your own way", "a faith-based path", "testing your supply"],
    "privacy_text": [
        "Chats are kept without names or numbers, for staff to review and improve the service. "
        "Nobody follows up from this chat."
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
}


def samples_for(name: str, fragments: Optional[Mapping[str, Mapping[str, str]]] = None) -> List[str]:
    """Sample values of one placeholder; {s} and {c} are the sustain and change fragments."""
    if name in ("s", "c"):
        prefix = "sustain." if name == "s" else "change."
        return [
            fill_text(forms["part"], {"who": max(SAMPLES["who"], key=len)})
            for key, forms in (fragment_table() if fragments is None else fragments).items()
            if key.startswith(prefix)
        ]
    return SAMPLES[name]


def sample_fills(
    template: str, fragments: Optional[Mapping[str, Mapping[str, str]]] = None
) -> Iterator[Dict[str, str]]:
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


def all_lines() -> Iterator[Tuple[str, str, str]]:
    """(key, filled text, mi) for every variation of every line with sample fillings."""
    for key, options in catalogue().items():
        for line in options:
            for fill in sample_fills(line.text):
                yield key, capitalise(fill_text(line.text, fill)), line.mi
