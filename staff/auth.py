"""Accounts, passwords, sessions, CSRF, roles and the second factor.

- Passwords: argon2id with OWASP's first recommended setting (46 MiB, one pass, one lane: about
  0.1 s here, where argon2-cffi's default took 0.3-0.7 s of a 1 s sign-in budget), at least 12
  characters; a hash made with other parameters is redone at the next sign-in.
- Sign-in is rate limited per client address (keyed hash, never the address itself) and an
  account locks for LOCK_MINUTES after MAX_FAILURES wrong passwords or codes in a row. The
  page says the same thing for an unknown name, a wrong password and a locked account.
- A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure behind HTTPS); the
  database keeps only its SHA-256, so a copy of the database cannot be used to sign in. It ends
  after `staff_idle_minutes` unused, at logout, or when the account is switched off.
- Every state-changing request carries the session's CSRF token (checked in `before_request`);
  the login form, which has no session yet, carries a token from a short-lived cookie instead.
- Roles are checked on the server for every route (`require`), not only hidden in the page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, Callable, Dict, FrozenSet, Optional, TypeVar, cast

import pyotp
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, redirect, request, url_for

from lantern.db import staff_tables as t
from staff.db import engine, utcnow

COOKIE = "lantern_staff"
LOGIN_COOKIE = "lantern_staff_login"  # the login form's CSRF token, before there is a session
MIN_PASSWORD = 12
MAX_FAILURES = 5  # wrong passwords (or codes) in a row before the account locks
LOCK_MINUTES = 15
ATTEMPTS_PER_WINDOW = 20  # sign-in attempts from one client address ...
ATTEMPT_WINDOW = timedelta(minutes=5)  # ... in this long, before it gets 429
TOUCH_EVERY = timedelta(seconds=60)  # how often a session's last_seen_at is written

PERMISSIONS: Dict[str, FrozenSet[str]] = {
    "read": frozenset({"reviewer", "supervisor", "trainer", "admin"}),  # lists, transcripts, dashboard
    "annotate": frozenset({"reviewer", "supervisor", "trainer", "admin"}),  # tags, flags, comments, status
    "assign": frozenset({"supervisor", "admin"}),
    "export": frozenset({"supervisor", "admin"}),
    "delete": frozenset({"supervisor", "admin"}),
    "audit": frozenset({"admin"}),
    "users": frozenset({"admin"}),
    "train": frozenset({"trainer", "admin"}),  # try-it chat, marking replies into test stories, editing wording
    "respond": frozenset({"reviewer", "supervisor", "admin"}),  # hand-offs: take over, reply, hand back (not trainers)
}

_hasher = PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1)  # argon2id; OWASP cheat sheet
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    totp_enabled: bool

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


class AccountError(ValueError):
    """A user could not be created or changed (the message says why, for the command line or page)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def create_user(conn: Any, username: str, password: str, role: str, display_name: Optional[str] = None) -> int:
    """Add an account; returns its id. Names are case-insensitive and unique."""
    username = username.strip().lower()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-@" for c in username):
        raise AccountError("a user name is 1-64 letters, digits, '.', '_', '-' or '@'")
    if role not in t.ROLES:
        raise AccountError(f"role must be one of {', '.join(t.ROLES)}")
    if conn.execute(sa.select(t.users.c.id).where(t.users.c.username == username)).first():
        raise AccountError(f"user {username!r} already exists")
    result = conn.execute(
        t.users.insert().values(
            username=username,
            display_name=(display_name or username).strip()[:128] or username,
            password_hash=hash_password(password),
            role=role,
            active=True,
            failed_logins=0,
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def client_key() -> str:
    """A keyed hash of the client's address: enough to rate-limit, useless to identify anyone."""
    key = (current_app.config["STAFF_KEY"] or "").encode()
    address = (request.remote_addr or "?").encode()
    return hmac.new(key, address, hashlib.sha256).hexdigest()[:32]


def too_many_attempts() -> bool:
    """Record one sign-in attempt from this client; True when it is over the limit."""
    now, client = utcnow(), client_key()
    with engine().begin() as conn:
        conn.execute(t.login_attempts.delete().where(t.login_attempts.c.at < now - ATTEMPT_WINDOW))
        recent = conn.execute(
            sa.select(sa.func.count()).where(
                t.login_attempts.c.client == client, t.login_attempts.c.at >= now - ATTEMPT_WINDOW
            )
        ).scalar_one()
        conn.execute(t.login_attempts.insert().values(client=client, at=now))
    return int(recent) >= ATTEMPTS_PER_WINDOW


def check_password(username: str, password: str) -> Optional[User]:
    """The user if the name and password are right and the account is open; counts failures and locks."""
    now = utcnow()
    with engine().begin() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.username == username.strip().lower())).first()
        if row is None:
            _hasher.hash(password or "-")  # the same work as a real check: timing says nothing
            return None
        if not row.active or (row.locked_until is not None and row.locked_until > now):
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            _count_failure(conn, row.id, row.failed_logins)
            return None
        values: Dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        conn.execute(t.users.update().where(t.users.c.id == row.id).values(**values))
        return _user(row)


def _count_failure(conn: Any, user_id: int, failed: int) -> None:
    failed += 1
    values: Dict[str, Any] = {"failed_logins": failed}
    if failed >= MAX_FAILURES:
        values.update(locked_until=utcnow() + timedelta(minutes=LOCK_MINUTES), failed_logins=0)
    conn.execute(t.users.update().where(t.users.c.id == user_id).values(**values))


def _user(row: Any) -> User:
    return User(row.id, row.username, row.display_name, row.role, bool(row.totp_secret))


def start_session(user: User) -> str:
    """A new session for `user`; returns the cookie's token. Needs the second factor if it is on."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with engine().begin() as conn:
        conn.execute(
            t.sessions.insert().values(
                token_hash=_token_hash(token),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(32),
                second_factor_done=not user.totp_enabled,
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def end_session(token: Optional[str]) -> None:
    if token:
        with engine().begin() as conn:
            conn.execute(t.sessions.delete().where(t.sessions.c.token_hash == _token_hash(token)))


def load_session() -> None:
    """Set g.user, g.session_row (or None) from the cookie; end idle sessions and those of closed accounts."""
    g.user, g.session_row = None, None
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 200:
        return
    now = utcnow()
    idle = timedelta(minutes=current_app.config["IDLE_MINUTES"])
    with engine().begin() as conn:
        row = conn.execute(
            sa.select(
                t.sessions,
                t.users.c.username,
                t.users.c.display_name,
                t.users.c.role,
                t.users.c.active,
                t.users.c.totp_secret,
            )
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == _token_hash(token))
        ).first()
        if row is None:
            return
        if not row.active or row.last_seen_at < now - idle:
            conn.execute(t.sessions.delete().where(t.sessions.c.token_hash == row.token_hash))
            g.session_ended = True
            return
        if now - row.last_seen_at > TOUCH_EVERY:
            conn.execute(t.sessions.update().where(t.sessions.c.token_hash == row.token_hash).values(last_seen_at=now))
    g.session_row = row
    if row.second_factor_done:
        g.user = User(row.user_id, row.username, row.display_name, row.role, bool(row.totp_secret))


def check_totp(user_id: int, code: str) -> bool:
    """Whether `code` is the account's current TOTP code (one step of clock drift allowed); counts failures."""
    with engine().begin() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).first()
        if row is None or not row.totp_secret or not row.active:
            return False
        if row.locked_until is not None and row.locked_until > utcnow():
            return False
        code = "".join(ch for ch in code if ch.isdigit())
        if len(code) == 6 and pyotp.TOTP(row.totp_secret).verify(code, valid_window=1):
            conn.execute(t.users.update().where(t.users.c.id == user_id).values(failed_logins=0))
            return True
        _count_failure(conn, row.id, row.failed_logins)
        return False


def finish_second_factor(token: str) -> None:
    with engine().begin() as conn:
        conn.execute(
            t.sessions.update().where(t.sessions.c.token_hash == _token_hash(token)).values(second_factor_done=True)
        )


def csrf_token() -> str:
    """The token forms must send back: the session's, or the login cookie's before sign-in."""
    row = g.get("session_row")
    if row is not None:
        return str(row.csrf_token)
    token = request.cookies.get(LOGIN_COOKIE) or g.get("new_login_token")
    if not token:
        token = g.new_login_token = secrets.token_urlsafe(32)
    return str(token)


def check_csrf() -> None:
    """Abort 400 unless a state-changing request carries the right token."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.routing_exception is not None:
        return  # an unknown page or method gets its 404/405, not a CSRF complaint
    sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRF-Token", "")
    row = g.get("session_row")
    expected = row.csrf_token if row is not None else request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not sent or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="This form has expired. Go back, reload the page and try again.")


def require(permission: str) -> Callable[[F], F]:
    """A route only people whose role has `permission` may use: others get 403, strangers the login page."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user: Optional[User] = g.get("user")
            if user is None:
                if g.get("session_row") is not None:
                    return redirect(url_for("auth.second_factor"))
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            if not user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def new_totp_secret() -> str:
    return pyotp.random_base32()


def enable_totp(user_id: int, secret: str, code: str) -> bool:
    """Turn the second factor on if `code` matches `secret` (so the person's app is set up right)."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6 or not pyotp.TOTP(secret).verify(code, valid_window=1):
        return False
    with engine().begin() as conn:
        conn.execute(t.users.update().where(t.users.c.id == user_id).values(totp_secret=secret))
    return True
