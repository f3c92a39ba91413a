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
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from lantern import settings as settings_mod
from lantern import wording_files

# Reading and checking the files lives in the shared library (the staff console checks edited wording too);
# these names stay importable from here.
from lantern.wording_files import (  # noqa: F401
    CHOICE_PAYLOAD,
    SAMPLES,
    Line,
    capitalise,
    fill_text,
    placeholders,
    read_with_origin,
    wording_problems,
)
from lantern.wording_files import choices_of as _choices  # noqa: F401
from lantern.wording_files import load_yaml as _load_yaml  # noqa: F401

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
class Message:
    """One message to send: filled text, MI code, and the side of the talk it is about (if any)."""

    text: str
    mi: str
    talk: Optional[str] = None
    buttons: Tuple[Tuple[str, str], ...] = ()
    source: Optional[str] = None  # the phrase key or knowledge entry it came from, for the trainer's inspector

    def as_kwargs(self) -> Dict[str, Any]:
        """Keyword arguments for `dispatcher.utter_message`."""
        metadata: Dict[str, Any] = {"mi": self.mi}
        if self.talk:
            metadata["talk"] = self.talk
        if self.source:
            metadata["source"] = self.source
        out: Dict[str, Any] = {"text": self.text, "metadata": metadata}
        if self.buttons:
            out["buttons"] = [{"title": title, "payload": payload} for title, payload in self.buttons]
        return out


def talk_of(key: str) -> Optional[str]:
    """The side of the talk ('change' / 'sustain') the line `key` is about, or None (TALK_OF_LINE)."""
    best, talk = -1, None
    for entry, side in TALK_OF_LINE.items():
        if (key == entry or key.startswith(entry + ".")) and len(entry) > best:
            best, talk = len(entry), side
    return talk


def _read(directory: Path) -> Tuple[Dict[str, List[Line]], Dict[str, Dict[str, str]]]:
    lines, fragments, _ = read_with_origin(directory)
    return lines, fragments


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
    return Message(text=text, mi=line.mi, talk=talk_of(key), buttons=line.buttons, source=f"phrase:{key}")


def samples_for(name: str, fragments: Optional[Mapping[str, Mapping[str, str]]] = None) -> List[str]:
    """Sample values of one placeholder; {s} and {c} are the sustain and change fragments (default: those in use)."""
    return wording_files.samples_for(name, fragment_table() if fragments is None else fragments)


def sample_fills(
    template: str, fragments: Optional[Mapping[str, Mapping[str, str]]] = None
) -> Iterator[Dict[str, str]]:
    """Fillings for a template: each placeholder's samples in turn, the others at their longest."""
    return wording_files.sample_fills(template, fragment_table() if fragments is None else fragments)


def all_lines() -> Iterator[Tuple[str, str, str]]:
    """(key, filled text, mi) for every variation of every line with sample fillings."""
    for key, options in catalogue().items():
        for line in options:
            for fill in sample_fills(line.text):
                yield key, capitalise(fill_text(line.text, fill)), line.mi
