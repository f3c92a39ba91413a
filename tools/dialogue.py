"""`make dialogue-check` and `python -m tools dialogue check|watch`: every check of the YAML trainers edit.

One run, no servers needed, in plain words (docs/trainers.md, "Checking your change"):

1. wording: the lint of everything the bot says (tools/lint.py: stigmatising words, directives,
   length, MI code, emoji in safety content, several variations, at most three messages a turn);
2. schemas: every trainer YAML file read by the code that uses it (phrases, echo and referral
   words, knowledge entries and topic words, crisis locales, crisis and talk-type examples);
3. `rasa data validate` (the same command line as `make validate`);
4. the test stories in tests/stories with the trained model (`make test-stories`); when the
   model is older than the data it says so, and does not train (`make train` does, in minutes).

Each finding is one `file:line: what is wrong` line and a `how to fix:` line; the exit status is 1
when there is any. `make validate` and `make test-stories` (run by `make test`) call parts 3 and 4
here, and tests/unit/test_response_lint.py and tests/unit/test_dialogue_check.py parts 1 and 2.

`watch FILE...` rechecks a file each time it is saved (polling, a quarter of a second) and prints
its findings: the same rules, for one file, for trainers who edit in a plain text editor.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import re
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from lantern.yaml_text import load_yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "lantern.tar.gz"
STORY_DIRS = ("data/rules", "data/stories", "tests/stories")
PARTS = ("wording", "schemas", "validate", "stories")
RASA = str(Path(sys.executable).parent / "rasa")
VALIDATE_CMD = [RASA, "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"]
VALIDATE_CMD += ["--fail-on-warnings"]
STORIES_OUT = "results/stories"
STORIES_CMD = [RASA, "test", "core", "--model", "models/lantern.tar.gz", "--stories", "tests/stories"]
STORIES_CMD += ["--fail-on-prediction-errors", "--out", STORIES_OUT]

# How to fix each wording rule (tools/lint.py), in a trainer's words.
FIXES: Dict[str, str] = {
    "stigmatising word": "use person-first words (../shared/mi-style.md section 3): 'person who uses drugs', "
    "'return to use', 'not using', 'a negative test'",
    "directive": "offer instead of telling: 'some people find...', 'would you like to...', 'you could...'",
    "too long": "keep a message to 320 characters (two text messages): cut words, or split it into two lines",
    "no MI code": "add a line `metadata: {mi: CODE}` under the text, CODE one of: "
    + ", ".join(
        sorted(
            (
                "open_question closed_question simple_reflection complex_reflection affirm information "
                "permission summary structure"
            ).split()
        )
    ),
    "unknown MI code": "use one of the MI codes listed in docs/trainers.md (e.g. open_question, affirm)",
    "emoji in safety content": "remove the emoji: no emoji where overdose, crisis or safety is the subject",
    "empty": "write the message, or remove the empty variation",
    "no text": "every reply is a text message: add `text:` (SMS has no buttons or images alone)",
    "too many messages": "one turn sends at most 3 messages: remove an action from that turn, or merge two texts",
    "one variation": "add a second variation (same meaning, other words) so the bot does not repeat itself",
}


@dataclass(frozen=True)
class Finding:
    """One thing to fix: where (file relative to the project, line or 0), what is wrong, how to fix it."""

    file: str
    line: int
    what: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.what}" + (f"\n    how to fix: {self.fix}" if self.fix else "")


def rel(path: Path | str) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def line_of(path: Path, needle: str, after: int = 0) -> int:
    """The first line (1-based) at or after `after` that contains `needle` (its first 40 characters), or 0."""
    needle = needle.strip()[:40]
    if not needle:
        return 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    for number, line in enumerate(lines, 1):
        if number >= after and needle in line:
            return number
    return 0


def load(path: Path) -> object:
    return load_yaml(path.read_text(encoding="utf-8"))  # the C parser: a watch loop answers within a second


def yaml_syntax(path: Path) -> List[Finding]:
    """A file that is not YAML at all: where the parser stopped."""
    try:
        load(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [
            Finding(
                rel(path),
                mark.line + 1 if mark else 0,
                f"not valid YAML: {problem}",
                "check the indentation (spaces, never tabs) and quotes; a text with a colon needs quotes",
            )
        ]
    except OSError as exc:
        return [Finding(rel(path), 0, f"cannot read the file: {exc}")]
    return []


# ---------------------------------------------------------------- 1. wording


def _lint_finding(path: Path, text: str, rule: str, detail: str, after: int = 0) -> Finding:
    return Finding(rel(path), line_of(path, text, after), f"{rule}: {detail}", FIXES.get(rule, ""))


def wording_domain(files: Optional[Iterable[Path]] = None) -> List[Finding]:
    """Every domain response variation (tools/lint.py), and several variations for each response."""
    from tools import lint

    findings: List[Finding] = []
    for path in files if files is not None else sorted((ROOT / "domain").rglob("*.yml")):
        data: Any = load(path) or {}
        for name, variations in (data.get("responses") or {}).items():
            start = line_of(path, f"{name}:")
            for variation in variations or []:
                text = str(variation.get("text") or "") if isinstance(variation, dict) else ""
                for p in lint.check_response(variation if isinstance(variation, dict) else {}, name):
                    findings.append(_lint_finding(path, text or f"{name}:", p.rule, f"{name}: {p.detail}", start))
            if (
                len(variations or []) == 1
                and name not in lint.SINGLE_VARIATION_OK
                and not name.startswith(lint.SINGLE_VARIATION_PREFIXES)
            ):
                findings.append(
                    Finding(rel(path), start, f"one variation: {name} has one text", FIXES["one variation"])
                )
    return findings


def wording_phrases(only: Optional[Path] = None, lines: Optional[Dict[str, Any]] = None) -> List[Finding]:
    """Every variation of every line in the phrase files (or `lines` read from them), filled with samples."""
    from actions import phrases
    from tools import lint

    directory = phrases.PHRASE_DIR
    read, _, origin = phrases.read_with_origin(directory)  # read afresh: a watch loop sees each save
    lines = read if lines is None else lines
    findings: List[Finding] = []
    seen = set()
    for key, options in lines.items():
        path = directory / origin[key] if key in origin else directory
        if only is not None and path.resolve() != only.resolve():
            continue
        start = line_of(path, f"{key}:")
        for line in options:
            for fill in phrases.sample_fills(line.text):
                text = phrases.capitalise(phrases.fill_text(line.text, fill))
                for p in lint.check_text(text, line.mi, None, key):
                    finding = _lint_finding(path, line.text, p.rule, f"{key}: {p.detail}", start)
                    if finding not in seen:
                        seen.add(finding)
                        findings.append(finding)
    return findings


def wording_turns(files: Optional[Iterable[Path]] = None) -> List[Finding]:
    """At most three messages in one turn of a rule or story (each custom action's declared maximum)."""
    from tools import lint

    paths = list(files) if files is not None else [p for d in STORY_DIRS for p in sorted((ROOT / d).glob("*.yml"))]
    findings = []
    for p in lint.check_turns(paths, lint.custom_max()):
        file, _, name = p.where.partition(": ")
        path = next((q for q in paths if q.name == file), ROOT / file)
        findings.append(
            Finding(rel(path), line_of(path, name), f"too many messages: {name}: {p.detail}", FIXES[p.rule])
        )
    return findings


def wording() -> List[Finding]:
    return wording_domain() + wording_phrases() + wording_turns()


# ---------------------------------------------------------------- 2. schemas


def _item_line(path: Path, key: str, number: int) -> int:
    """The line of the `number`-th list item under a top-level `key:` (1-based), or 0."""
    count, inside, indent = 0, False, None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"^{re.escape(key)}:", line):
            inside = True
            continue
        if inside and re.match(r"^\S", line) and not line.startswith("#"):
            break
        m = re.match(r"^(\s*)- ", line) if inside else None
        if m and (indent is None or len(m.group(1)) == indent):
            indent = len(m.group(1))
            count += 1
            if count == number:
                return lineno
    return 0


def _from_error(path: Path, exc: Exception, key: str = "", fix: str = "") -> Finding:
    """A ValueError of a loader ('<file>: ... item N ...') as a finding with its line where it names an item."""
    message = str(exc)
    for prefix in (str(path) + ": ", path.name + ": "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    line = 0
    m = re.search(r"\b(?:item|example) (\d+)\b", message)
    if m and key:
        line = _item_line(path, key, int(m.group(1)))
    return Finding(rel(path), line, message, fix)


def read_phrases() -> Tuple[Optional[Dict[str, Any]], List[Finding]]:
    """The phrase files' lines as the action server reads them, or the finding that stops it."""
    from actions import phrases

    try:
        return phrases._read(phrases.PHRASE_DIR)[0], []
    except (ValueError, AttributeError, TypeError) as exc:
        name = str(exc).split(":", 1)[0]
        path = phrases.PHRASE_DIR / name
        return None, [_from_error(path, exc, fix="compare with a line that works in the same file (docs/trainers.md)")]


def schema_phrases() -> List[Finding]:
    return read_phrases()[1]


def schema_words() -> List[Finding]:
    """The recognised-word files (actions/phrases/echo_words.yml, referral_words.yml, checkin_words.yml and
    lantern/checkins/words.yml), each checked by the code that reads it."""
    from actions import checkins, echo, referral_parse
    from lantern.checkins import when

    findings = []
    try:
        echo.EchoWords(load_yaml(echo.WORDS_FILE.read_text(encoding="utf-8")) or {})
    except ValueError as exc:
        findings.append(_from_error(echo.WORDS_FILE, exc, fix="words in lower case; each entry `word: word`"))
    for words in (referral_parse, checkins, when):  # each module's WORDS_FILE, checked by its own check_words
        try:
            words.check_words(load_yaml(words.WORDS_FILE.read_text(encoding="utf-8")) or {})
        except (ValueError, re.error) as exc:
            findings.append(_from_error(words.WORDS_FILE, exc, fix="see the comments at the top of the file"))
    return findings


def schema_knowledge(files: Optional[Sequence[Path]] = None) -> List[Finding]:
    """`python -m tools knowledge check`: entries (ids and questions across files) and topics.yml."""
    from lantern.knowledge import entries, topics

    folder = ROOT / "data" / "knowledge"
    paths = list(files) if files else entries.knowledge_files(folder)
    problems: List[str] = entries.check([p for p in paths if p.name != "topics.yml"])[1] if paths else []
    topics_file = folder / "topics.yml"
    if (not files or any(p.name == "topics.yml" for p in paths)) and topics_file.is_file():
        problems += topics.parse(load_yaml(topics_file.read_text(encoding="utf-8")), topics_file.name)[1]
    findings = []
    by_name = {p.name: p for p in paths}
    for problem in problems:
        # "health.yml entry 1 (hl_x) answer 2: what" or "topics.yml: what"
        m = re.match(r"^([\w.-]+\.yml)\b[ :]*(.*)$", problem)
        name, rest = (m.group(1), m.group(2)) if m else ("", problem)
        path = by_name.get(name, folder / name) if name else folder
        entry = re.search(r"\(([a-z0-9_\-]+)\)", rest)
        line = line_of(path, f"id: {entry.group(1)}") if entry and path.is_file() else 0
        findings.append(
            Finding(rel(path), line, rest, "docs/knowledge.md, 'An entry', describes each field and its limits")
        )
    return findings


def schema_locales() -> List[Finding]:
    """`python -m lantern.crisis.resources`: every crisis locale file (config/locales/*.yml)."""
    from lantern.crisis import resources

    folder = Path(resources.LOCALE_DIR)
    findings = []
    for path in sorted(folder.glob("*.yml")):
        try:
            resources.load_locale_file(path, expected_name=path.stem)
        except resources.LocaleError as exc:
            field = exc.field.split(".")[0]
            findings.append(
                Finding(rel(path), line_of(path, f"{field}:"), f"field '{exc.field}': {exc.problem}", "docs/crisis.md")
            )
    return findings


def talk_type_conflicts(path: Path, texts: Sequence[str], labels: Sequence[str]) -> List[Finding]:
    """What the talk-type loader lets through and the crisis loader does not: an empty text, a text twice
    with two labels (the model cannot learn both)."""
    findings: List[Finding] = []
    seen: Dict[str, Tuple[str, int]] = {}
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), 1):
        folded = " ".join(text.lower().split())
        if not folded:
            findings.append(Finding(rel(path), _item_line(path, "examples", number), f"example {number} has no text"))
        elif folded in seen and seen[folded][0] != label:
            first_label, first = seen[folded]
            findings.append(
                Finding(
                    rel(path),
                    _item_line(path, "examples", number),
                    f"example {number} ('{text}') is labelled {label}, and {first_label} as example {first}",
                    "keep one of the two, with the label that fits (docs/talk-type.md)",
                )
            )
        seen.setdefault(folded, (label, number))
    return findings


def schema_examples() -> List[Finding]:
    """Crisis signal and follow-up examples (data/crisis/*.yml) and talk-type examples (data/talk_type/)."""
    from rasa_plugins.nlu import crisis_signal, talk_type

    findings = []
    for file, key, labels in crisis_signal.MODELS.values():
        path = ROOT / file
        try:
            crisis_signal.load_examples(str(path), key, labels)
        except (ValueError, OSError) as exc:
            findings.append(_from_error(path, exc, key, "each item: `- text: ...` and `label: ` one of the labels"))
    path = ROOT / talk_type.DEFAULT_EXAMPLES
    try:
        texts, talk_labels = talk_type.load_examples(str(path))
        findings += talk_type_conflicts(path, texts, talk_labels)
    except (ValueError, OSError) as exc:
        findings.append(
            _from_error(path, exc, "examples", "each item: `- text: ...` and `label: change|sustain|neutral`")
        )
    return findings


def schemas() -> List[Finding]:
    yaml_files = [
        p
        for d in ("domain", "data", "actions/phrases", "config/locales", "tests/stories")
        for p in sorted((ROOT / d).rglob("*.yml"))
    ]
    broken = [f for p in yaml_files for f in yaml_syntax(p)]
    if broken:
        return broken  # the loaders would only repeat it
    return schema_phrases() + schema_words() + schema_knowledge() + schema_locales() + schema_examples()


# ---------------------------------------------------------------- 3. rasa data validate, 4. test stories


WARNING = re.compile(r"(UserWarning|WARNING|ERROR)\s*[:-]?\s*(.*)")


def validate_findings(output: str, status: int) -> List[Finding]:
    """`rasa data validate` output when it failed: one finding per warning or error line (its own words).

    It passes (status 0) with warnings it does not count, such as crisis utterances no story uses
    (the crisis policy sends them); as in `make validate`, only a failure is a finding.
    """
    findings: List[Finding] = []
    seen = set()
    if not status:
        return findings
    for raw in output.splitlines():
        m = WARNING.search(raw)
        if not m or "warnings.warn" in raw:
            continue
        text = re.sub(r"^[\w.]+ +- +", "", m.group(2).strip()).strip()
        if not text or text in seen or "Telemetry" in text:
            continue
        seen.add(text)
        findings.append(
            Finding(
                "domain/ and data/",
                0,
                text,
                "rasa data validate found this; the message names the intent, action or story",
            )
        )
    if status and not findings:
        tail = " | ".join(output.strip().splitlines()[-3:])
        findings.append(Finding("domain/ and data/", 0, f"rasa data validate failed: {tail}"))
    return findings


def model_stale(model: Path = MODEL) -> List[Path]:
    """Training inputs newer than the model (the Makefile's TRAIN_INPUTS); all of them when there is no model."""
    inputs = [ROOT / "config.yml"] + [p for d in ("domain", "data") for p in (ROOT / d).rglob("*.yml")]
    inputs += [p for d in ("lantern/nlu", "rasa_plugins/nlu") for p in (ROOT / d).rglob("*.py")]
    if not model.is_file():
        return inputs
    built = model.stat().st_mtime
    return sorted(p for p in inputs if p.stat().st_mtime > built)


def story_findings(out_dir: Path, output: str, status: int) -> List[Finding]:
    """Failed test stories (results/stories/failed_test_stories.yml): the story and the step that went wrong."""
    failed = out_dir / "failed_test_stories.yml"
    findings: List[Finding] = []
    text = failed.read_text(encoding="utf-8") if failed.is_file() else ""
    story, wrong = "", []  # type: Tuple[str, List[str]]
    for raw in text.splitlines() + ["- story: (end)"]:
        m = re.match(r"^- story: (.*)", raw)
        if m:
            if story and wrong:
                # Rasa names a failed story "<name> (<file it came from>)".
                source = re.match(r"^(.*?) \(([^()]+\.ya?ml)\)$", story)
                if source:
                    story = source.group(1)
                candidates = sorted((ROOT / "tests" / "stories").glob("*.yml"))
                if source:
                    named = Path(source.group(2))
                    candidates = [named if named.is_absolute() else ROOT / named] + candidates
                path = next(
                    (p for p in candidates if p.is_file() and line_of(p, f"story: {story}")),
                    ROOT / "tests" / "stories",
                )
                findings.append(
                    Finding(
                        rel(path),
                        line_of(path, f"story: {story}") if path.is_file() else 0,
                        f"test story '{story}' failed: " + "; ".join(wrong),
                        "the bot now does something else at that step: fix the rule, story or example, "
                        "or, if the new reply is right, change the test story; then make train",
                    )
                )
            story, wrong = m.group(1).strip(), []
        elif "# predicted:" in raw:
            step, _, predicted = raw.partition("# predicted:")
            wrong.append(f"expected {step.strip().lstrip('- ').strip()}, the bot predicted {predicted.strip()}")
    if status and not findings:
        tail = " | ".join(output.strip().splitlines()[-3:])
        findings.append(Finding("tests/stories", 0, f"rasa test failed: {tail}"))
    return findings


def _start(cmd: List[str]) -> "subprocess.Popen[str]":
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


# ---------------------------------------------------------------- the whole check


def quietly(check: Callable[[], List[Finding]]) -> List[Finding]:
    """Run a check without the libraries' deprecation notices (some force them past the warning filters)."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            return check()
        except Exception as exc:  # a file shaped so oddly that a loader fails: still a finding, not a traceback
            return [Finding("(trainer YAML)", 0, f"a check stopped: {type(exc).__name__}: {exc}", "fix the file named")]


def _section(title: str, findings: List[Finding], seconds: float, note: str = "") -> None:
    mark = "ok" if not findings else f"{len(findings)} to fix"
    print(f"== {title}: {mark} ({seconds:.0f} s){' ' + note if note else ''}")
    for finding in findings:
        print(f"  {finding}".replace("\n", "\n  "))
    sys.stdout.flush()


def run_check(parts: Sequence[str] = PARTS) -> int:
    """Run the parts, print each section; 1 when anything is to fix."""
    started = time.monotonic()
    total = 0
    procs: Dict[str, Tuple["subprocess.Popen[str]", float]] = {}
    stale: List[Path] = []
    if "validate" in parts:
        procs["validate"] = (_start(VALIDATE_CMD), time.monotonic())
    if "stories" in parts:
        stale = model_stale()
        if not stale:
            procs["stories"] = (_start(STORIES_CMD), time.monotonic())
    checks: List[Tuple[str, str, Callable[[], List[Finding]]]] = [
        (
            "wording",
            "Wording (stigmatising words, directives, length, MI code, variations, messages per turn)",
            wording,
        ),
        (
            "schemas",
            "Schemas of trainer YAML (phrases, words, knowledge, locales, crisis and talk-type examples)",
            schemas,
        ),
    ]
    for part, title, check in checks:
        if part in parts:
            t = time.monotonic()
            found = quietly(check)
            total += len(found)
            _section(title, found, time.monotonic() - t)
    if "validate" in parts:
        proc, t = procs["validate"]
        output = proc.communicate()[0]
        found = validate_findings(output, proc.returncode)
        total += len(found)
        _section("rasa data validate", found, time.monotonic() - t)
    if "stories" in parts:
        if stale:
            names = ", ".join(rel(p) for p in stale[:3]) + (f" and {len(stale) - 3} more" if len(stale) > 3 else "")
            found = [
                Finding(
                    "models/lantern.tar.gz",
                    0,
                    f"the model is older than {names}: the test stories were not run",
                    "run `make train` (about a minute after a small change), then `make dialogue-check` again",
                )
            ]
            t = time.monotonic()
        else:
            proc, t = procs["stories"]
            output = proc.communicate()[0]
            found = story_findings(ROOT / STORIES_OUT, output, proc.returncode)
        total += len(found)
        _section("Test stories (tests/stories)", found, time.monotonic() - t)
    seconds = time.monotonic() - started
    if total:
        print(
            f"dialogue check: {total} thing(s) to fix ({seconds:.0f} s). Fix them and run `make dialogue-check` again."
        )
        return 1
    print(f"dialogue check: all fine ({seconds:.0f} s).")
    return 0


# ---------------------------------------------------------------- one file, and the watch loop


def check_file(path: Path) -> List[Finding]:
    """The checks that concern one trainer YAML file (what the watch loop prints after each save)."""
    path = Path(path).resolve()
    if not path.is_file():
        return [Finding(rel(path), 0, "no such file")]
    broken = yaml_syntax(path)
    if broken:
        return broken
    where = rel(path)
    if where.startswith("actions/phrases/"):
        if path.name in ("echo_words.yml", "referral_words.yml", "checkin_words.yml"):
            return [f for f in schema_words() if f.file == where]
        lines, found = read_phrases()
        return found or wording_phrases(only=path, lines=lines)
    if where == "lantern/checkins/words.yml":
        return [f for f in schema_words() if f.file == where]
    if where.startswith("domain/"):
        return wording_domain([path])
    if where.startswith("data/knowledge/"):
        return schema_knowledge([path])
    if where.startswith("config/locales/"):
        return [f for f in schema_locales() if f.file == where]
    if where.startswith(("data/crisis/", "data/talk_type/")):
        return [f for f in schema_examples() if f.file == where]
    if where.startswith(STORY_DIRS):
        return wording_turns([path])
    return []  # data/nlu: YAML syntax here; the rest is `rasa data validate` (make dialogue-check)


def changed(mtimes: Dict[Path, float]) -> List[Path]:
    """The files saved since the last call (their modification time moved); updates `mtimes`."""
    out = []
    for path in list(mtimes):
        try:
            now = path.stat().st_mtime
        except OSError:
            continue
        if now != mtimes[path]:
            mtimes[path] = now
            out.append(path)
    return out


def report(path: Path, findings: List[Finding]) -> str:
    stamp = time.strftime("%H:%M:%S")
    if not findings:
        return f"[{stamp}] {rel(path)}: fine"
    return f"[{stamp}] {rel(path)}: {len(findings)} to fix\n" + "\n".join(
        f"  {f}".replace("\n", "\n  ") for f in findings
    )


def watch(paths: Sequence[Path], interval: float = 0.25) -> int:  # pragma: no cover - the sleeping part
    warnings.simplefilter("ignore")  # library deprecation notices are not findings
    mtimes = {Path(p).resolve(): 0.0 for p in paths}  # 0: each file is checked once at the start
    print(f"watching {len(mtimes)} file(s); Ctrl-C stops", flush=True)
    try:
        while True:
            for path in changed(mtimes):
                print(report(path, quietly(functools.partial(check_file, path))), flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        return 0


def cmd_check(args: argparse.Namespace) -> int:
    if args.files:
        total = 0
        for file in args.files:
            found = check_file(Path(file))
            total += len(found)
            print(report(Path(file), found))
        return 1 if total else 0
    return run_check(args.only or PARTS)


def cmd_watch(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files]
    if not files:
        files = [
            p
            for d in ("domain", "data", "actions/phrases", "config/locales", "tests/stories")
            for p in sorted((ROOT / d).rglob("*.yml"))
        ] + [ROOT / "lantern" / "checkins" / "words.yml"]
    return watch(files)


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("dialogue", help="check the dialogue YAML trainers edit (docs/trainers.md)")
    group.set_defaults(group_parser=group)
    commands = group.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check", help="every check (make dialogue-check), or the checks of FILES")
    check.add_argument("files", nargs="*", help="check only these files")
    check.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    check.set_defaults(func=cmd_check)
    watcher = commands.add_parser("watch", help="recheck files each time they are saved")
    watcher.add_argument("files", nargs="*", help="files to watch (default: every trainer YAML file)")
    watcher.set_defaults(func=cmd_watch)
