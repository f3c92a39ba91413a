"""The console's database handle: one engine per app, the transcript and staff tables at head."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.engine import Engine

from lantern import db

GROUPS = ("transcripts", "staff")


def open_engine(url: str) -> Engine:
    """An engine for `url` (lantern/db/engine.py settings) with the console's table groups migrated."""
    engine = db.create_engine(url)
    db.upgrade(engine, groups=GROUPS)
    return engine


def engine() -> Engine:
    """The current app's engine."""
    found: Any = current_app.extensions["lantern_engine"]
    return found


def utcnow() -> datetime:
    """Naive UTC, as every DateTime column holds."""
    return datetime.utcnow()
