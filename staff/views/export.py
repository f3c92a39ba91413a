"""Export the current filter as CSV or JSONL. (Being written: issue 19 item 7.)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("export", __name__)
