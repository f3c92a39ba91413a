"""Keep personal data out of logs.

Lantern's own code logs only error types and pseudonyms. This filter is a
second line of defence for third-party log records: it masks anything that
looks like a phone number or an email address before any handler sees it.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    re.compile(r"\+?\d[\d\s().-]{8,}\d"),  # phone-like runs of digits
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # email addresses
]


def redact(text: str) -> str:
    """Mask phone-number-like and email-like substrings."""
    for pattern in _PATTERNS:
        text = pattern.sub("<redacted>", text)
    return text


class PrivacyFilter(logging.Filter):
    """Rewrite each record's message with `redact` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record must still be logged
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_privacy_filter() -> None:
    """Attach the filter to the root logger's handlers, present and future."""
    root = logging.getLogger()
    flt = PrivacyFilter()
    for handler in root.handlers:
        handler.addFilter(flt)
    original = logging.Logger.callHandlers

    def call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
        flt.filter(record)
        original(self, record)

    logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]  # deliberate patch: every logger filters
