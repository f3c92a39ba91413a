"""The staff console's Flask app: settings, security headers, error pages, blueprints.

`create_app(settings)` is what `python -m staff serve` (waitress) and the tests run. Pages are
rendered on the server by Jinja2 with autoescaping on (message text is user-written), and the
Content-Security-Policy allows scripts and styles only from this server's /static/: no inline
script, no CDN.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Optional

from flask import Flask, g, render_template, request
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from lantern import settings as settings_mod
from staff import auth
from staff.db import open_engine

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_BODY = 256 * 1024  # forms are small: a comment, a tag, a filter


def create_app(s: Optional[settings_mod.Settings] = None, engine: Optional[Engine] = None) -> Flask:
    s = s or settings_mod.load()
    if not s.staff_key:
        raise RuntimeError("LANTERN_STAFF_KEY is not set: run `make run` once, or see .env.example")
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(
        STAFF_KEY=s.staff_key,
        HTTPS=s.staff_https,
        IDLE_MINUTES=s.staff_idle_minutes,
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        SECRET_KEY=hmac.new(s.staff_key.encode(), b"flask-session", hashlib.sha256).hexdigest(),
        SESSION_COOKIE_NAME="lantern_staff_flash",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=s.staff_https,
        TEMPLATES_AUTO_RELOAD=False,
        JSON_SORT_KEYS=False,
        PHRASES_DIR=s.phrases_dir,  # the wording the Wording page edits (staff/views/wording.py)
    )
    app.extensions["lantern_engine"] = engine or open_engine(s.db_url)
    app.extensions["lantern_settings"] = s  # pages that call the bot (try_it) need its address and tokens
    app.jinja_env.autoescape = True
    app.jinja_env.globals.update(csrf_token=auth.csrf_token, org_name=s.org_name)

    from staff.views import (
        audit_log,
        checkins,
        conversations,
        dashboard,
        export,
        handoffs,
        review_tests,
        try_it,
        users,
        wording,
    )
    from staff.views import auth as auth_views

    for blueprint in (
        auth_views.bp,
        conversations.bp,
        dashboard.bp,
        checkins.bp,
        handoffs.bp,
        audit_log.bp,
        export.bp,
        users.bp,
        try_it.bp,
        review_tests.bp,
        wording.bp,
    ):
        app.register_blueprint(blueprint)

    @app.before_request
    def _session() -> None:
        g.user = None
        if request.endpoint == "static":
            return
        auth.load_session()
        auth.check_csrf()

    @app.after_request
    def _headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        if s.staff_https:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.errorhandler(HTTPException)
    def _error(exc: HTTPException) -> Any:
        return render_template("error.html", code=exc.code, name=exc.name, description=exc.description), exc.code

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> Any:  # logged by Flask without request data; the page says nothing inside
        app.logger.exception("staff console error on %s", request.endpoint)
        return render_template("error.html", code=500, name="Something went wrong", description=None), 500

    @app.route("/healthz")
    def healthz() -> Any:
        return {"status": "ok"}

    return app
