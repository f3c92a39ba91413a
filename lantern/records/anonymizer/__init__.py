"""PII anonymizer and sender pseudonyms for everything Lantern stores.

from lantern.records.anonymizer import get_anonymizer, pseudonymize
safe = get_anonymizer().anonymize(user_text).text
sender = pseudonymize(sender_id, settings.load().pseudonym_key)
"""

from lantern.records.anonymizer.engine import AnonymizedText, Anonymizer, Entity, get_anonymizer, sanitize
from lantern.records.anonymizer.pseudonym import normalize_sender, pseudonymize
from lantern.records.anonymizer.recognizers import ALL_TYPES, PUBLIC_NUMBERS

__all__ = [
    "ALL_TYPES",
    "AnonymizedText",
    "Anonymizer",
    "Entity",
    "PUBLIC_NUMBERS",
    "get_anonymizer",
    "normalize_sender",
    "pseudonymize",
    "sanitize",
]
