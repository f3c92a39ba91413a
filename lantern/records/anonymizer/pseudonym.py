"""Stable pseudonyms for sender ids (SMS phone numbers, web session ids).

A keyed hash (HMAC-SHA256 with LANTERN_PSEUDONYM_KEY) rather than a plain
hash: phone numbers are few enough to brute-force a plain SHA-256 in minutes.
Without the key, a pseudonym cannot be linked back to a number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Union

PREFIX = "p_"
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,}$")


def normalize_sender(sender_id: str) -> str:
    """Same person, same id: "+1 (614) 555-0100", "6145550100" and "16145550100" agree."""
    value = str(sender_id).strip()
    if _PHONE_LIKE.match(value):
        digits = re.sub(r"\D", "", value)
        if len(digits) == 10:
            digits = "1" + digits
        return "+" + digits
    return value


def pseudonymize(sender_id: str, key: Union[str, bytes]) -> str:
    """'p_' + 20 base32 chars (100 bits) of HMAC-SHA256(key, normalised sender id).

    Raises ValueError on an empty key: an unkeyed pseudonym would be reversible.
    """
    if not key:
        raise ValueError("pseudonym key is empty: set LANTERN_PSEUDONYM_KEY")
    key_bytes = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    message = normalize_sender(sender_id).encode("utf-8", errors="surrogatepass")
    digest = hmac.new(key_bytes, message, hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode("ascii").lower()[:20]
