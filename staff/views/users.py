"""Accounts: admins add people and switch accounts off; everyone can turn on a second factor (TOTP)."""

from __future__ import annotations

from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from lantern.db import staff_tables as t
from staff import audit, auth
from staff.db import engine

bp = Blueprint("users", __name__)


@bp.route("/users", methods=["GET", "POST"])
@auth.require("users")
def index() -> Any:
    error = None
    if request.method == "POST":
        try:
            with engine().begin() as conn:
                auth.create_user(
                    conn,
                    request.form.get("username", ""),
                    request.form.get("password", ""),
                    request.form.get("role", ""),
                    request.form.get("display_name") or None,
                )
            audit.record("user_add", request.form.get("username", "").strip().lower(), role=request.form.get("role"))
            flash("Account added.")
            return redirect(url_for("users.index"))
        except auth.AccountError as exc:
            error = str(exc)
    with engine().connect() as conn:
        rows = conn.execute(
            sa.select(
                t.users.c.id,
                t.users.c.username,
                t.users.c.display_name,
                t.users.c.role,
                t.users.c.active,
                t.users.c.last_login_at,
                t.users.c.totp_secret.isnot(None).label("totp"),
            ).order_by(t.users.c.username)
        ).all()
    audit.record("view_users")
    return render_template("users.html", users=rows, roles=t.ROLES, error=error), 400 if error else 200


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@auth.require("users")
def set_active(user_id: int) -> Any:
    active = request.form.get("active") == "1"
    if user_id == g.user.id and not active:
        abort(400, description="You can't switch off your own account.")
    with engine().begin() as conn:
        found = conn.execute(t.users.update().where(t.users.c.id == user_id).values(active=active)).rowcount
        if not active:
            conn.execute(t.sessions.delete().where(t.sessions.c.user_id == user_id))
    if not found:
        abort(404)
    audit.record("user_active" if active else "user_inactive", str(user_id))
    return redirect(url_for("users.index"))


@bp.route("/account", methods=["GET", "POST"])
@auth.require("read")
def account() -> Any:
    """Turn on a second factor: a new secret is shown once, and saved when a code from it is entered."""
    error = None
    secret = session.get("totp_setup") or auth.new_totp_secret()
    if request.method == "POST":
        if auth.enable_totp(g.user.id, secret, request.form.get("code", "")[:16]):
            session.pop("totp_setup", None)
            audit.record("totp_enabled", g.user.username)
            flash("Second factor turned on. You'll be asked for a code at each sign-in.")
            return redirect(url_for("users.account"))
        error = "That code did not match. Check the app's clock and enter the current code."
    session["totp_setup"] = secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=g.user.username, issuer_name="Lantern staff")
    return render_template("account.html", secret=secret, uri=uri, error=error), 400 if error else 200
