"""`python -m tools transcripts export`: one anonymized message per line, as JSON Lines or CSV.

Fields, in order: conversation_id, turn, sender (user/bot), text, timestamp
(UTC, ISO 8601 with Z), intent, talk_type, crisis (true/false). Messages come
conversation by conversation, in the order they were sent. The database only
holds anonymized text, so nothing here needs to anonymize again.

CSV is for spreadsheets, and anyone can type "=HYPERLINK(...)" to the bot: a
cell that a spreadsheet would run as a formula gets a leading single quote
(`neutralize_cell`). JSON Lines is data for programs and stays exact.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timezone
from typing import IO, Any, Dict, Iterator, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lantern.records.transcripts.models import Conversation, Message

FIELDS = ("conversation_id", "turn", "sender", "text", "timestamp", "intent", "talk_type", "crisis")
FORMATS = ("jsonl", "csv")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# (OWASP "CSV injection"; NUL per ASVS 1.2.10).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\0")
# Leading characters a spreadsheet may skip or trim before looking for a formula: every Unicode
# space (all are below U+3001) and the zero-width ones. A trigger behind them is neutralised too.
_SKIPPED = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + "\u200b\u200c\u200d\u2060\ufeff"


def neutralize_cell(value: str) -> str:
    """`value` as a CSV cell no spreadsheet runs: "'" before a leading formula character.

    The quote is the spreadsheets' own "this is text" mark (OWASP's advice).
    A program that needs the exact text should read the JSON Lines export, or
    drop one leading "'" from a cell whose next non-blank character is one of
    FORMULA_TRIGGERS.
    """
    if value[:1] in FORMULA_TRIGGERS or value.lstrip(_SKIPPED)[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def parse_since(value: str) -> datetime:
    """A date or date-time (UTC unless it has an offset) as a naive UTC datetime; ValueError if not."""
    text = (value or "").strip()
    try:
        if _DATE_ONLY.match(text):
            return datetime.strptime(text, "%Y-%m-%d")
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ValueError(
            f"not a date: {value!r}; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC), e.g. 2025-01-31"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def iter_messages(engine: Engine, since: Optional[datetime] = None, batch: int = 1000) -> Iterator[Dict[str, Any]]:
    """Export rows (dicts with FIELDS), oldest conversation first, streamed in batches."""
    with Session(engine) as session:
        query = (
            session.query(
                Message.conversation_id,
                Message.turn,
                Message.sender,
                Message.text,
                Message.created_at,
                Message.intent,
                Message.talk_type,
                Message.crisis,
            )
            .join(Conversation, Conversation.id == Message.conversation_id)
            .order_by(Conversation.started_at, Conversation.id, Message.seq)
        )
        if since is not None:
            query = query.filter(Message.created_at >= since)
        for row in query.yield_per(batch):
            yield {
                "conversation_id": row.conversation_id,
                "turn": row.turn,
                "sender": row.sender,
                "text": row.text,
                "timestamp": iso(row.created_at),
                "intent": row.intent,
                "talk_type": row.talk_type,
                "crisis": bool(row.crisis),
            }


def write(rows: Iterator[Dict[str, Any]], fmt: str, out: IO[str]) -> int:
    """Write `rows` to `out` in `fmt` (jsonl: one JSON object a line; csv: header, then one row a line).

    In CSV a line break inside a message is written as the two characters \\n,
    so every message stays on one line, and every cell goes through
    `neutralize_cell`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        values = dict(
            row, text=re.sub(r"\r\n|\r|\n", r"\\n", row["text"] or ""), crisis="true" if row["crisis"] else "false"
        )
        writer.writerow([neutralize_cell("" if values[f] is None else str(values[f])) for f in FIELDS])
        count += 1
    return count
