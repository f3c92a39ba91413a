"""Is a message written in Spanish? (pure logic; Lantern speaks English only and says so honestly)

A message counts as Spanish when enough of its words are Spanish words that are not also common
English or chat words ("no", "me", "a", "solo" and "come" are left out), or when it asks for
Spanish ("hablas español"). Mixed messages with a few Spanish words ("gracias, that helps") stay
English. The reply itself, with a helpline that speaks Spanish, is in the locale file
(config/locales/<locale>.yml, `other_languages`).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from lantern.text import fold

SPANISH_WORDS = frozenset(
    """
    hola necesito ayuda ayudar ayudame quiero estoy esta estan tengo tiene puedo puede donde como que
    por favor gracias usted ustedes hablas habla hablar espanol drogas droga dejar hijo hija esposo esposa
    para con una uno los las del el es pero muy porque cuando tambien nada algo hacer alguien sobredosis
    metadona tratamiento clinica medico miedo vida morir quien cual hay mas sin sobre desde mucho poco
    bien mal siento dinero trabajo casa familia madre padre hermano amigo amiga yo tu nosotros ellos
    ella ahora hoy manana noche dia dias semana todo todos otra otro mismo cosa seguro gratis cuanto
    cuesta necesita consumo consumir dejarlo puedes eres soy somos son fue era estaba sabes saber
    la mi estas vez primera pido usa hago importa conseguir tomar tomo uso pastillas alcohol hablo ingles
""".split()
)
ASKS_FOR_SPANISH = re.compile(r"\b(?:hablas?|habla usted|en) espanol\b|\bspanish please\b|\bin spanish\b")
_WORD = re.compile(r"[a-z]+")
MIN_WORDS = 2  # different Spanish words ("la la land" is not Spanish)
MIN_SHARE = 0.5


def language_of(text: Any) -> Optional[str]:
    """ "es" for a Spanish message, else None (English, or too little to tell)."""
    if not isinstance(text, str) or not text.strip():
        return None
    folded = fold(text[:2000]).lower()
    if ASKS_FOR_SPANISH.search(folded):
        return "es"
    words = _WORD.findall(folded)
    spanish = [w for w in words if w in SPANISH_WORDS]
    if len(set(spanish)) >= MIN_WORDS and len(spanish) / max(len(words), 1) >= MIN_SHARE:
        return "es"
    return None
