"""PII anonymizer and sender pseudonyms for everything Lantern stores.

    from bot.anonymizer import get_anonymizer, pseudonymize
    safe = get_anonymizer().anonymize(user_text).text
    sender = pseudonymize(sender_id, settings.load().pseudonym_key)
"""
from bot.anonymizer.engine import AnonymizedText, Anonymizer, Entity, get_anonymizer, sanitize
from bot.anonymizer.pseudonym import normalize_sender, pseudonymize
from bot.anonymizer.recognizers import ALL_TYPES, PUBLIC_NUMBERS

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
