"""The phone number of a consented check-in, encrypted at rest.

Lantern otherwise keeps no numbers: a sender is its pseudonym (HMAC with LANTERN_PSEUDONYM_KEY), which
is one-way on purpose. Texting someone later needs the number back, so a check-in keeps the only
reversible copy, encrypted with its own key (LANTERN_CONTACT_KEY): a leaked pseudonym key reveals no
number, and rotating the contact key makes every stored number unreadable at once (the check-ins then
fail as "no_phone" rather than go to the wrong person). The row drops the copy once it is sent,
failed or cancelled (lantern/checkins/store.py).

Fernet (AES-128-CBC with HMAC-SHA256, authenticated); its key is derived from the setting with
HKDF-SHA256, so any secret string works as the setting.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Optional

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Changing this string is a key rotation: every stored number becomes unreadable.
_HKDF_INFO = b"lantern checkin contact v1"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    if not key:
        raise ValueError("LANTERN_CONTACT_KEY is empty: run `make run` once, or set it in .env")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_number(number: str, key: str) -> str:
    """The number as a Fernet token (text); a new token every call. ValueError for an empty key or number."""
    if not number:
        raise ValueError("no number to encrypt")
    return _fernet(key).encrypt(number.encode("utf-8")).decode("ascii")


def decrypt_number(token: Optional[str], key: str) -> Optional[str]:
    """The number, or None when the token is missing, damaged, or was made with another key; never raises for data."""
    if not token:
        return None
    try:
        return _fernet(key).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        return None
