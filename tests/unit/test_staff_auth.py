"""The staff console's accounts and sessions: passwords, lockout, rate limit, CSRF, idle timeout, TOTP, roles."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pyotp
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from lantern import settings as settings_mod
from lantern.db import staff_tables as t
from staff import auth
from staff.__main__ import main as staff_cli
from staff.app import create_app
from staff.views.auth import FAILED

PASSWORD = "correct horse battery staple"


def make_app(tmp_path: Path, **extra: str) -> Any:
    values = {"LANTERN_DATA_DIR": str(tmp_path), "LANTERN_STAFF_KEY": "k" * 32, **extra}
    app = create_app(settings_mod.load(values))
    app.config["TESTING"] = True
    return app


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with small costs: the same code path, a hundred times faster (production keeps the defaults)."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    app = make_app(tmp_path)
    with app.app_context():
        with app.extensions["lantern_engine"].begin() as conn:
            for role in t.ROLES:
                auth.create_user(conn, role, PASSWORD, role, role.title())
    yield app
    app.extensions["lantern_engine"].dispose()


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: Any, username: str, password: str = PASSWORD, **extra: str) -> Any:
    token = token_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, **extra})


def audit_actions(app: Any) -> list:
    with app.extensions["lantern_engine"].connect() as conn:
        return [r.action for r in conn.execute(sa.select(t.audit.c.action).order_by(t.audit.c.id))]


def test_sign_in_sets_a_strict_http_only_cookie_and_lands_on_the_list(app: Any):
    client = app.test_client()
    response = sign_in(client, "reviewer")
    assert response.status_code == 302 and response.headers["Location"] == "/conversations"
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(auth.COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert client.get("/conversations").status_code == 200
    assert "login" in audit_actions(app)
    # The database holds the token's hash, never the token.
    token = cookie.split(";")[0].split("=", 1)[1]
    with app.extensions["lantern_engine"].connect() as conn:
        stored = [r.token_hash for r in conn.execute(sa.select(t.sessions.c.token_hash))]
    assert token not in stored and len(stored) == 1


def test_cookies_are_secure_behind_https(tmp_path: Path):
    app = make_app(tmp_path, LANTERN_STAFF_HTTPS="on")
    with app.app_context(), app.extensions["lantern_engine"].begin() as conn:
        auth.create_user(conn, "ana", PASSWORD, "admin")
    response = sign_in(app.test_client(), "ana")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(auth.COOKIE + "="))
    assert "Secure" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(app: Any):
    client = app.test_client()
    wrong = sign_in(client, "reviewer", "not the password at all")
    unknown = sign_in(client, "nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert FAILED in wrong.get_data(as_text=True) and FAILED in unknown.get_data(as_text=True)
    assert client.get("/conversations").status_code == 302  # not signed in
    assert audit_actions(app)[-2:] == ["login_failed", "login_failed"]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app: Any):
    client = app.test_client()
    for _ in range(auth.MAX_FAILURES):
        assert sign_in(client, "trainer", "wrong password here").status_code == 401
    assert sign_in(client, "trainer").status_code == 401  # locked, same message
    with app.extensions["lantern_engine"].begin() as conn:  # the lock runs out
        conn.execute(t.users.update().where(t.users.c.username == "trainer").values(locked_until=None))
    assert sign_in(client, "trainer").status_code == 302


def test_too_many_attempts_from_one_address_get_429(app: Any):
    client = app.test_client()
    codes = [sign_in(client, "nobody", "x" * 12).status_code for _ in range(auth.ATTEMPTS_PER_WINDOW + 1)]
    assert codes[:-1] == [401] * auth.ATTEMPTS_PER_WINDOW and codes[-1] == 429
    assert sign_in(client, "admin").status_code == 429  # even with the right password, for a while
    other = app.test_client()  # another address is not held back
    token = token_of(other.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}).get_data(as_text=True))
    response = other.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_forms_without_the_right_csrf_token_are_refused(app: Any, token: Any):
    client = app.test_client()
    data = {"username": "admin", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    client.get("/login")
    assert client.post("/login", data=data).status_code == 400
    assert sign_in(client, "admin").status_code == 302
    data = {"username": "newperson", "password": PASSWORD, "role": "reviewer"}
    if token is not None:
        data["csrf_token"] = token
    assert client.post("/users", data=data).status_code == 400  # signed in, still needs the session's token
    assert "newperson" not in client.get("/users").get_data(as_text=True)


def test_logout_ends_the_session_on_the_server(app: Any):
    client = app.test_client()
    sign_in(client, "admin")
    cookie = client.get_cookie(auth.COOKIE)
    assert cookie is not None
    page = client.get("/users").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": token_of(page)}).status_code == 302
    replay = app.test_client()  # the old cookie, replayed, no longer works
    replay.set_cookie(auth.COOKIE, cookie.value)
    assert replay.get("/users").status_code == 302


def test_an_idle_session_ends(app: Any):
    client = app.test_client()
    sign_in(client, "reviewer")
    with app.extensions["lantern_engine"].begin() as conn:
        conn.execute(t.sessions.update().values(last_seen_at=sa.func.datetime("now", "-31 minutes")))
    response = client.get("/conversations")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.extensions["lantern_engine"].connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.sessions)).scalar() == 0


def test_roles_are_enforced_on_the_server(app: Any):
    for role, allowed in (("reviewer", False), ("trainer", False), ("supervisor", False), ("admin", True)):
        client = app.test_client()
        sign_in(client, role)
        assert (client.get("/users").status_code == 200) is allowed, role
        assert (client.get("/audit").status_code == 200) is allowed, role
        page = client.get("/account").get_data(as_text=True)
        assert ('href="/audit"' in page) is allowed  # the link is hidden too, but the server decides


def test_login_only_redirects_to_paths_on_this_site(app: Any):
    for target, expected in (
        ("/dashboard", "/dashboard"),
        ("//evil.example/x", "/conversations"),
        ("https://evil.example/", "/conversations"),
        ("/\\evil.example", "/conversations"),
    ):
        client = app.test_client()
        response = sign_in(client, "reviewer", next=target)
        assert response.headers["Location"] == expected, target


def test_a_switched_off_account_is_signed_out_at_once(app: Any):
    admin, reviewer = app.test_client(), app.test_client()
    sign_in(admin, "admin")
    sign_in(reviewer, "reviewer")
    page = admin.get("/users").get_data(as_text=True)
    with app.extensions["lantern_engine"].connect() as conn:
        reviewer_id = conn.execute(sa.select(t.users.c.id).where(t.users.c.username == "reviewer")).scalar()
    response = admin.post(f"/users/{reviewer_id}/active", data={"active": "0", "csrf_token": token_of(page)})
    assert response.status_code == 302
    assert reviewer.get("/conversations").status_code == 302
    assert sign_in(app.test_client(), "reviewer").status_code == 401


def test_a_second_factor_is_asked_for_once_turned_on(app: Any):
    client = app.test_client()
    sign_in(client, "admin")
    page = client.get("/account").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)  # type: ignore[union-attr]
    assert client.post("/account", data={"code": "000000", "csrf_token": token_of(page)}).status_code == 400
    page = client.get("/account").get_data(as_text=True)
    ok = client.post("/account", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token_of(page)})
    assert ok.status_code == 302
    client = app.test_client()
    response = sign_in(client, "admin")
    assert response.headers["Location"].startswith("/login/code")
    assert client.get("/users").status_code == 302  # password alone is not enough
    page = client.get("/login/code").get_data(as_text=True)
    assert client.post("/login/code", data={"code": "123456", "csrf_token": token_of(page)}).status_code == 401
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token_of(page)})
    assert done.status_code == 302 and client.get("/users").status_code == 200
    assert "login_code_failed" in audit_actions(app) and "totp_enabled" in audit_actions(app)


def test_passwords_are_argon2id_and_short_ones_refused(app: Any):
    with app.extensions["lantern_engine"].connect() as conn:
        stored = conn.execute(sa.select(t.users.c.password_hash).where(t.users.c.username == "admin")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(auth.AccountError), app.extensions["lantern_engine"].begin() as conn:
        auth.create_user(conn, "shorty", "too short", "reviewer")
    with pytest.raises(auth.AccountError), app.extensions["lantern_engine"].begin() as conn:
        auth.create_user(conn, "x", PASSWORD, "superuser")
    with pytest.raises(auth.AccountError), app.extensions["lantern_engine"].begin() as conn:
        auth.create_user(conn, "<script>", PASSWORD, "reviewer")


def test_pages_carry_a_strict_content_security_policy(app: Any):
    response = app.test_client().get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True).replace('<script src="/static/staff.js"', "")


def test_bad_input_gets_clear_errors_never_a_crash(app: Any):
    client = app.test_client()
    assert (
        client.post("/login", data=b"\xff\xfe\x00" * 10, content_type="application/x-www-form-urlencoded").status_code
        == 400
    )
    assert client.post("/login", data={"csrf_token": "x" * 300_000}).status_code == 413
    assert client.get("/no-such-page").status_code == 404
    assert client.put("/login").status_code == 405
    garbage = app.test_client()
    garbage.set_cookie(auth.COOKIE, "\u0000" * 500)
    assert garbage.get("/conversations").status_code == 302


def test_the_command_line_adds_the_first_admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any):
    import io

    env = tmp_path / "test.env"
    env.write_text("")
    monkeypatch.setenv("LANTERN_ENV_FILE", str(env))
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(settings_mod, "ENV_FILE", env)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert staff_cli(["add-user", "--username", "Ana", "--role", "admin", "--password-stdin"]) == 0
    assert "added ana (admin)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert staff_cli(["add-user", "--username", "bo", "--role", "admin", "--password-stdin"]) == 2
    app = make_app(tmp_path)
    assert sign_in(app.test_client(), "ana").status_code == 302


def test_session_rows_expire_only_by_idle_time_not_by_use(app: Any):
    client = app.test_client()
    sign_in(client, "reviewer")
    with app.extensions["lantern_engine"].begin() as conn:
        conn.execute(t.sessions.update().values(last_seen_at=sa.func.datetime("now", "-29 minutes")))
    assert client.get("/conversations").status_code == 200  # used within the window: still signed in
    with app.extensions["lantern_engine"].connect() as conn:
        seen = conn.execute(sa.select(t.sessions.c.last_seen_at)).scalar()
    assert seen is not None and timedelta(0) <= auth.utcnow() - seen < timedelta(minutes=1)


def test_staff_models_match_the_migration(tmp_path: Path):
    """Autogenerate finds nothing to change for the staff group (st0001 is written out, not read from the models).

    The foreign keys into the transcript tables are made by the migration only (they belong to another
    group's metadata), so those are the one expected difference.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from lantern import db

    engine = db.create_engine(f"sqlite:///{tmp_path / 's.db'}")
    db.upgrade(engine, groups=("transcripts", "staff"))
    db.upgrade(engine, groups=("transcripts", "staff"))  # twice: nothing grows or repeats
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_object": lambda o, name, kind, r, c: kind != "table" or name.startswith("staff_")},
        )
        diff = [
            d
            for d in compare_metadata(context, t.metadata)
            if not (d[0] == "remove_table" and d[1].name == "staff_alembic_version")
            and not (d[0] == "remove_fk" and d[1].referred_table.name.startswith("transcript_"))
        ]
    assert diff == []
    engine.dispose()
