"""The audit log page (admins only). (Being written: issue 19 item 6.)"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from staff import auth

bp = Blueprint("audit_log", __name__)


@bp.route("/audit")
@auth.require("audit")
def index() -> Any:
    return "<h1>Audit log</h1>"
