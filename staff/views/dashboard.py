"""The dashboard: charts of conversations, crisis events, talk, referrals and what was not understood.

(Being written: issue 19 item 5.)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from staff import auth

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@auth.require("read")
def index() -> Any:
    return "<h1>Dashboard</h1>"
