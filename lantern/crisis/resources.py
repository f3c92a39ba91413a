"""Emergency numbers and crisis lines, per locale, from `config/locales/<name>.yml`.

Why a file and not code: each organisation runs Lantern where it is, and its
staff must be able to fix a number without a developer. Why strict checks: a
wrong or missing emergency number in a crisis reply is the worst bug this bot
can have, so a bad file stops Lantern at start with the file and field named.

    python -m lantern.crisis.resources            # check every locale file
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from lantern.yaml_text import load_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = PROJECT_ROOT / "config" / "locales"
DEFAULT_LOCALE = "en-US"
# Helplines the replies know how to use; others in the file are kept and listed.
KNOWN_HELPLINES = ("substance_use", "poison_control", "never_use_alone")
# Length caps keep every crisis reply within one 320-character SMS pair (see messages.py).
GOOD_SAMARITAN_MAX = 130
NAME_MAX = 60

_LOCALE_NAME = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# Digits with optional spaces, dots, dashes, brackets and a leading +: "911", "1-800-662-4357", "+44 20 7946 0000".
_PHONE = re.compile(r"^\+?[0-9](?:[0-9 .\-()]*[0-9])?$")
_TOP_KEYS = {"locale", "country", "emergency", "crisis_line", "helplines", "good_samaritan", "other_languages"}
OTHER_LANGUAGE_MAX = 320  # one SMS text of two segments
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


class LocaleError(ValueError):
    """A locale file is missing, unreadable or has a bad field. Names the file and the field."""

    def __init__(self, path: Path | str, field: str, problem: str):
        self.path = str(path)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}: field '{field}': {problem}")


@dataclass(frozen=True)
class Helpline:
    key: str
    name: str
    number: str
    note: str = ""


@dataclass(frozen=True)
class Locale:
    """Validated crisis resources for one locale. Immutable, safe to share."""

    name: str
    country: str
    emergency_number: str
    crisis_line_name: str
    crisis_line_number: str
    crisis_line_call: bool
    crisis_line_text: bool
    helplines: Tuple[Helpline, ...]
    good_samaritan: Optional[str]  # note text when the law applies here, else None
    path: str = ""
    # What Lantern says, in that language, to someone who writes in it (it speaks English only).
    other_languages: Tuple[Tuple[str, str], ...] = ()

    def other_language(self, code: str) -> Optional[str]:
        return next((text for lang, text in self.other_languages if lang == code), None)

    def helpline(self, key: str) -> Optional[Helpline]:
        return next((h for h in self.helplines if h.key == key), None)

    @property
    def crisis_line_how(self) -> str:
        """'call or text', 'call' or 'text', for the replies."""
        if self.crisis_line_call and self.crisis_line_text:
            return "call or text"
        return "call" if self.crisis_line_call else "text"


def _phone(value: Any, path: Path, field: str) -> str:
    if isinstance(value, bool) or value is None:
        raise LocaleError(path, field, 'is required and must be a phone number in quotes, like "911"')
    if isinstance(value, int):
        value = str(value)  # 911 unquoted; fine. (A leading 0 would be lost, hence the advice to quote.)
    if not isinstance(value, str):
        raise LocaleError(path, field, f"must be a phone number in quotes, got {type(value).__name__}")
    value = value.strip()
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE.match(value) or not 3 <= digits <= 15:
        raise LocaleError(
            path,
            field,
            f"'{value}' does not look like a phone number (3 to 15 digits, spaces, dashes, dots, brackets, leading +)",
        )
    return value


def _text(value: Any, path: Path, field: str, required: bool = True, max_len: int = 200) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LocaleError(path, field, "is required and must be non-empty text")
        return ""
    if not isinstance(value, str):
        raise LocaleError(path, field, f"must be text, got {type(value).__name__}")
    value = " ".join(value.split())
    if len(value) > max_len:
        raise LocaleError(path, field, f"is {len(value)} characters; keep it under {max_len} (replies go out by SMS)")
    return value


def _flag(value: Any, path: Path, field: str) -> bool:
    if not isinstance(value, bool):
        raise LocaleError(path, field, f"must be true or false, got {value!r}")
    return value


def _mapping(value: Any, path: Path, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise LocaleError(path, field, "is required and must be a section with keys under it")
    return value


def parse_locale(data: Any, path: Path | str, expected_name: Optional[str] = None) -> Locale:
    """Validate the parsed YAML of one locale file and build a `Locale`."""
    path = Path(path)
    root = _mapping(data, path, "(top level)")
    unknown = sorted(set(root) - _TOP_KEYS)
    if unknown:
        raise LocaleError(path, unknown[0], f"unknown key; expected only {', '.join(sorted(_TOP_KEYS))}")
    name = _text(root.get("locale"), path, "locale", max_len=20)
    if not _LOCALE_NAME.match(name):
        raise LocaleError(path, "locale", f"'{name}' is not a locale name like en-US")
    if expected_name is not None and name != expected_name:
        raise LocaleError(path, "locale", f"is '{name}' but the file is named for '{expected_name}'")
    country = _text(root.get("country"), path, "country", max_len=80)

    emergency = _mapping(root.get("emergency"), path, "emergency")
    emergency_number = _phone(emergency.get("number"), path, "emergency.number")

    crisis = _mapping(root.get("crisis_line"), path, "crisis_line")
    crisis_name = _text(crisis.get("name"), path, "crisis_line.name", max_len=NAME_MAX)
    crisis_number = _phone(crisis.get("number"), path, "crisis_line.number")
    call = _flag(crisis.get("call"), path, "crisis_line.call")
    text = _flag(crisis.get("text"), path, "crisis_line.text")
    if not (call or text):
        raise LocaleError(path, "crisis_line", "call and text are both false; at least one must be true")

    helplines: List[Helpline] = []
    raw_lines = root.get("helplines") or {}
    for key, entry in _mapping(raw_lines, path, "helplines").items() if raw_lines else []:
        field = f"helplines.{key}"
        if not isinstance(key, str) or not re.match(r"^[a-z][a-z0-9_]*$", key):
            raise LocaleError(path, field, "helpline keys are lower_case_words")
        entry = _mapping(entry, path, field)
        extra = sorted(set(entry) - {"name", "number", "note"})
        if extra:
            raise LocaleError(path, f"{field}.{extra[0]}", "unknown key; expected name, number, note")
        helplines.append(
            Helpline(
                key,
                _text(entry.get("name"), path, f"{field}.name", max_len=NAME_MAX),
                _phone(entry.get("number"), path, f"{field}.number"),
                _text(entry.get("note"), path, f"{field}.note", required=False),
            )
        )

    gs = _mapping(root.get("good_samaritan"), path, "good_samaritan")
    applies = _flag(gs.get("applies"), path, "good_samaritan.applies")
    gs_text = (
        _text(gs.get("text"), path, "good_samaritan.text", required=applies, max_len=GOOD_SAMARITAN_MAX)
        if applies
        else None
    )

    languages: List[Tuple[str, str]] = []
    raw_languages = root.get("other_languages") or {}
    for code, entry in _mapping(raw_languages, path, "other_languages").items() if raw_languages else []:
        field = f"other_languages.{code}"
        if not isinstance(code, str) or not _LANGUAGE_CODE.match(code):
            raise LocaleError(path, field, "language keys are two-letter codes such as es")
        entry = _mapping(entry, path, field)
        languages.append((code, _text(entry.get("text"), path, f"{field}.text", max_len=OTHER_LANGUAGE_MAX)))

    return Locale(
        name=name,
        country=country,
        emergency_number=emergency_number,
        crisis_line_name=crisis_name,
        crisis_line_number=crisis_number,
        crisis_line_call=call,
        crisis_line_text=text,
        helplines=tuple(helplines),
        good_samaritan=gs_text or None,
        path=str(path),
        other_languages=tuple(languages),
    )


def load_locale_file(path: Path | str, expected_name: Optional[str] = None) -> Locale:
    """Read and validate one locale file; raises LocaleError naming file and field."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LocaleError(path, "(file)", "not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LocaleError(path, "(file)", f"cannot be read: {type(exc).__name__}") from None
    try:
        data = load_yaml(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise LocaleError(path, "(file)", f"is not valid YAML{where}") from None
    return parse_locale(data, path, expected_name)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _LOCALE_NAME.match(name):
        raise LocaleError(LOCALE_DIR, "LANTERN_LOCALE", f"{name!r} is not a locale name like en-US")
    return name


@lru_cache(maxsize=16)
def _load_cached(name: str, directory: str) -> Locale:
    return load_locale_file(Path(directory) / f"{name}.yml", expected_name=name)


def load_locale(name: Optional[str] = None, directory: Path | str | None = None) -> Locale:
    """The validated locale `name` (default: the LANTERN_LOCALE setting, else en-US). Cached per file."""
    if name is None:
        from lantern import settings  # late import: keeps this module usable without a configured project

        name = getattr(settings.load(), "locale", None) or DEFAULT_LOCALE
    return _load_cached(_check_name(name), str(directory or LOCALE_DIR))


def validate_all(directory: Path | str | None = None) -> Dict[str, Locale]:
    """Load every `*.yml` in the locale folder; raises on the first bad one. For start-up and CI."""
    folder = Path(directory or LOCALE_DIR)
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise LocaleError(folder, "(folder)", "has no locale files")
    return {p.stem: load_locale_file(p, expected_name=p.stem) for p in files}


def main(argv: Optional[List[str]] = None) -> int:
    try:
        locales = validate_all(argv[0] if argv else None)
    except LocaleError as exc:
        print(f"locale check failed: {exc}", file=sys.stderr)
        return 1
    for name, loc in locales.items():
        print(
            f"{name}: ok (emergency {loc.emergency_number}, crisis line {loc.crisis_line_number}, "
            f"{len(loc.helplines)} helplines)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
