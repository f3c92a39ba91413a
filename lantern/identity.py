"""Who a conversation belongs to: one namespace per channel, one pseudonym per conversation.

A sender id means nothing outside its channel. Each channel turns what it
trusts into a conversation id of its own shape, and nothing else can produce
that shape:

- SMS: ``sms:<pseudonym of the number>``, made only after Twilio's signature
  was checked (rasa_plugins/channels/sms.py). Stored under the number's pseudonym
  itself, so the SMS channel's tables and ``transcripts forget <number>`` agree.
- Web widget: a session id the server issued and signed (rasa_plugins/channels/widget.py).
- REST: ``rest:<sender>``, only with the REST token (rasa_plugins/channels/rest.py).

Every id other than an SMS one is stored as the keyed hash of
``conversation:<id>``: no id is ever used as given because of its shape, and a
phone number typed as a REST sender or into the HTTP API can never reach the
conversation of the person who texts from that number.
"""

from __future__ import annotations

import re

from lantern.records.anonymizer.pseudonym import pseudonymize

SMS_PREFIX = "sms:"
# A widget session id as the server issues it (rasa_plugins/channels/widget.py SessionIds): 64 hex digits.
WIDGET_SESSION = re.compile(r"[0-9a-f]{64}")
REST_PREFIX = "rest:"
# What `lantern.records.anonymizer.pseudonymize` returns: "p_" + 20 base32 characters.
PSEUDONYM_SHAPE = re.compile(r"p_[a-z2-7]{20}")
_NAMESPACE = "conversation:"


def sms_conversation_id(number: str, key: str) -> str:
    """The conversation id of a verified SMS number (the number itself is never an id)."""
    return SMS_PREFIX + pseudonymize(number, key)  # pseudonymize normalises the number first


def rest_conversation_id(sender: str) -> str:
    """The conversation id of a REST sender: its own namespace, so it never meets another channel's."""
    return REST_PREFIX + sender


def stored_id(conversation_id: str, key: str) -> str:
    """What the database holds for a conversation id (never the id itself)."""
    value = str(conversation_id)
    if value.startswith(SMS_PREFIX) and PSEUDONYM_SHAPE.fullmatch(value[len(SMS_PREFIX) :]):
        return value[len(SMS_PREFIX) :]
    return pseudonymize(_NAMESPACE + value, key)


def stored_id_for_cli(value: str, key: str) -> str:
    """Staff name a person by number, pseudonym, ``sms:…``, ``rest:…`` or widget id; the stored id for it."""
    value = value.strip()
    if PSEUDONYM_SHAPE.fullmatch(value):
        return value
    if value.startswith((SMS_PREFIX, REST_PREFIX)) or re.fullmatch(r"[0-9a-f]{32,}", value):
        return stored_id(value, key)
    return pseudonymize(value, key)  # a phone number: the pseudonym its SMS conversation is stored under
