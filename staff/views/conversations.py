"""Conversations: the list with filters and search, the crisis queue, a transcript, tags and review.

(Being written: issue 19 items 3 and 4.)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for

from staff import auth

bp = Blueprint("conversations", __name__)


@bp.route("/")
def home() -> Any:
    return redirect(url_for("conversations.index"))


@bp.route("/conversations")
@auth.require("read")
def index() -> Any:
    return "<h1>Conversations</h1>"
