"""Export the current filter as CSV or JSONL (issue 19 item 7): supervisors and admins only.

- GET /conversations/export.csv and /conversations/export.jsonl take the list's filters
  (staff/queries.py FILTER_KEYS; `page` is ignored: the export is every matching conversation).

One anonymized message per line, conversation by conversation in the list's order, messages in
the order sent, with the CLI export's fields (lantern/records/transcripts/export.py FIELDS). CSV
cells go through `neutralize_cell` (formula injection) and a line break inside a message is
written as `\\n`; JSON Lines is exact. The response streams. The audit log gets the filter when
the export starts and the row count when it ends (or stops early).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Dict, Iterator

from flask import Blueprint, Response, abort, g, request, stream_with_context

from lantern.records.transcripts.export import FIELDS, iso, neutralize_cell
from staff import audit, auth, queries
from staff.db import engine

bp = Blueprint("export", __name__)
FLUSH_ROWS = 500


def _row(row: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "conversation_id": row["conversation_id"],
        "turn": row["turn"],
        "sender": row["sender"],
        "text": row["text"],
        "timestamp": iso(row["created_at"]),
        "intent": row["intent"],
        "talk_type": row["talk_type"],
        "crisis": bool(row["crisis"]),
    }


def _csv_line(values: Dict[str, Any]) -> str:
    out = io.StringIO()
    cells = dict(
        values,
        text=re.sub(r"\r\n|\r|\n", r"\\n", values["text"] or ""),
        crisis="true" if values["crisis"] else "false",
    )
    csv.writer(out, lineterminator="\n").writerow(
        [neutralize_cell("" if cells[f] is None else str(cells[f])) for f in FIELDS]
    )
    return out.getvalue()


@bp.route("/conversations/export.<fmt>")
@auth.require("export")
def export(fmt: str) -> Any:
    if fmt not in ("csv", "jsonl"):
        abort(404)
    try:
        f = queries.parse_filters(request.args, g.user.id)
    except queries.BadRequest as error:
        abort(400, description=str(error))
    with engine().connect() as conn:
        ids = queries.iter_conversation_ids(conn, f)
    used = f.used()
    audit.record("export_start", fmt, filters=used, conversations=len(ids))

    def generate() -> Iterator[str]:
        count, complete = 0, False
        buffer = []
        try:
            if fmt == "csv":
                yield ",".join(FIELDS) + "\n"
            with engine().connect() as conn:
                for row in queries.iter_export_rows(conn, ids):
                    values = _row(row)
                    buffer.append(_csv_line(values) if fmt == "csv" else json.dumps(values, ensure_ascii=False) + "\n")
                    count += 1
                    if len(buffer) >= FLUSH_ROWS:
                        yield "".join(buffer)
                        buffer = []
            if buffer:
                yield "".join(buffer)
            complete = True
        finally:
            audit.record("export", fmt, filters=used, conversations=len(ids), rows=count, complete=complete)

    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    response = Response(stream_with_context(generate()), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="lantern-conversations.{fmt}"'
    return response
