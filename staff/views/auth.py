"""Sign in (password, then a TOTP code if the account has one), sign out."""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, url_for

from staff import audit, auth

bp = Blueprint("auth", __name__)
FAILED = "That name and password did not work, or the account is locked for a while. Try again or ask an admin."


def _safe_next(target: Optional[str]) -> str:
    """Only a path on this site (never //host or a scheme), so the login page can't redirect elsewhere."""
    if (
        target
        and target.startswith("/")
        and "\\" not in target
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("conversations.index")


def _set_session_cookie(response: Any, token: str) -> Any:
    response.set_cookie(
        auth.COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=current_app.config["HTTPS"],
        path="/",
    )
    response.delete_cookie(auth.LOGIN_COOKIE, path="/login")
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if g.get("user") is not None:
        return redirect(_safe_next(request.args.get("next")))
    error, status = None, 200
    if request.method == "POST":
        username = request.form.get("username", "")[:64]
        if auth.too_many_attempts():
            error, status = "Too many sign-in attempts from here. Wait a few minutes and try again.", 429
            audit.record("login_throttled", username or None)
        else:
            user = auth.check_password(username, request.form.get("password", "")[:1024])
            if user is None:
                error, status = FAILED, 401
                audit.record("login_failed", username or None)
            else:
                token = auth.start_session(user)
                audit.record("login", user.username, user=user, second_factor=user.totp_enabled)
                target = (
                    url_for("auth.second_factor", next=request.form.get("next"))
                    if user.totp_enabled
                    else _safe_next(request.form.get("next"))
                )
                return _set_session_cookie(redirect(target), token)
    response = make_response(render_template("login.html", error=error, next=request.values.get("next", "")), status)
    token = auth.csrf_token()
    if request.cookies.get(auth.LOGIN_COOKIE) != token:
        response.set_cookie(
            auth.LOGIN_COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=current_app.config["HTTPS"],
            path="/login",
            max_age=3600,
        )
    return response


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor() -> Any:
    row = g.get("session_row")
    if row is None:
        return redirect(url_for("auth.login"))
    if g.get("user") is not None:
        return redirect(_safe_next(request.args.get("next")))
    error, status = None, 200
    if request.method == "POST":
        if auth.check_totp(row.user_id, request.form.get("code", "")[:16]):
            auth.finish_second_factor(request.cookies.get(auth.COOKIE, ""))
            audit.record("login_code", row.username, user=row_user(row))
            return redirect(_safe_next(request.form.get("next")))
        error, status = "That code did not work. Codes change every 30 seconds; try the current one.", 401
        audit.record("login_code_failed", row.username, user=row_user(row))
    return render_template("second_factor.html", error=error, next=request.values.get("next", "")), status


def row_user(row: Any) -> auth.User:
    return auth.User(row.user_id, row.username, row.display_name, row.role, bool(row.totp_secret))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    if g.get("user") is not None:
        audit.record("logout", g.user.username)
    auth.end_session(request.cookies.get(auth.COOKIE))
    response = redirect(url_for("auth.login"))
    response.delete_cookie(auth.COOKIE, path="/")
    return response
