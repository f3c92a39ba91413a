"""Language names and codes, so "Spanish", "español", "spa" and "es" all find the same services."""

from __future__ import annotations

from typing import Dict, Optional

# ISO 639-1 code → English name, plus other spellings people and publishers use.
_LANGUAGES: Dict[str, tuple] = {
    "en": ("English", "eng", "inglés", "ingles"),
    "es": ("Spanish", "spa", "español", "espanol", "castellano"),
    "zh": ("Chinese", "zho", "chi", "mandarin", "cantonese", "中文"),
    "vi": ("Vietnamese", "vie", "tiếng việt", "tieng viet"),
    "ar": ("Arabic", "ara", "العربية"),
    "fr": ("French", "fra", "fre", "français", "francais"),
    "ht": ("Haitian Creole", "hat", "kreyòl", "kreyol", "creole"),
    "ko": ("Korean", "kor", "한국어"),
    "ru": ("Russian", "rus", "русский"),
    "pt": ("Portuguese", "por", "português", "portugues"),
    "tl": ("Tagalog", "tgl", "filipino", "fil"),
    "so": ("Somali", "som"),
    "ne": ("Nepali", "nep"),
    "uk": ("Ukrainian", "ukr", "українська"),
    "hi": ("Hindi", "hin"),
    "de": ("German", "deu", "ger", "deutsch"),
    "sw": ("Swahili", "swa", "kiswahili"),
    "am": ("Amharic", "amh"),
    "fa": ("Persian", "fas", "per", "farsi", "dari"),
    "ps": ("Pashto", "pus"),
    "my": ("Burmese", "mya", "bur"),
    "ja": ("Japanese", "jpn", "日本語"),
    "pl": ("Polish", "pol", "polski"),
    "it": ("Italian", "ita", "italiano"),
    "nv": ("Navajo", "nav", "diné bizaad"),
    "ase": ("American Sign Language", "asl", "sign language"),
}
_LOOKUP: Dict[str, str] = {}
for _code, (_name, *_aliases) in _LANGUAGES.items():
    for _key in (_code, _name, *_aliases):
        _LOOKUP[_key.casefold()] = _code


def code_for(text: Optional[str]) -> Optional[str]:
    """'Spanish' / 'es' / 'es-MX' / 'español' → 'es'; unknown → None."""
    if not text:
        return None
    key = " ".join(str(text).casefold().split())
    if key in _LOOKUP:
        return _LOOKUP[key]
    base = key.replace("_", "-").split("-")[0]
    return _LOOKUP.get(base)


def name_for(code: str) -> str:
    entry = _LANGUAGES.get(code)
    return entry[0] if entry else code


def normalise(name: Optional[str], code: Optional[str]) -> Dict[str, Optional[str]]:
    """A language row for the database: a lower-case code where known, and a display name."""
    found = code_for(code) or code_for(name)
    display = name or (name_for(found) if found else code)
    stored_code = found or (str(code).casefold()[:20] if code else None)
    return {"name": str(display)[:100] if display else None, "code": stored_code}
