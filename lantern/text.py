"""One text normaliser and one negation rule for everything that reads a chat message.

Before this module the same message was cleaned five ways (cues, referral wording,
intent model, talk features, crisis) and negation was spotted with four word lists,
so "don’t", "ｄｏｎ'ｔ" and "don<ZWSP>'t" could mean different things to different
readers. The shared steps live here, in one order:

1. anything becomes text (None -> "", bytes decoded as UTF-8), cut to a length cap;
2. quote-like and look-alike characters become their plain form (curly/acute
   apostrophes -> "'", Cyrillic/Greek look-alikes -> Latin), control characters
   become spaces, zero-width and other invisible format characters are dropped;
3. Unicode compatibility form (NFKC: fullwidth "ｈｅｌｐ" -> "help", ligatures split);
4. accents folded ("café" -> "cafe");
5. lower case (str.lower, not casefold, so "ß" stays one letter as the trained models saw it);
6. whitespace runs become one space, ends trimmed (`normalise` only; `fold` keeps spacing).

A reader that needs more (contractions spelled "dont", leet, stretched letters, slang)
adds it on top in its own module, after these steps.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, List, Optional, Sequence, Tuple

# No chat message is this long; the cap keeps every reader fast on a pasted novel.
MAX_CHARS = 4000
# The longest message the bot sends: two concatenated GSM-7 SMS segments (2 x 153). A 320-character message
# is three segments, and the SMS channel splits it into two texts, the second a cut-off fragment.
MESSAGE_CHARS = 306

# Invisible format characters (zero-width space/joiners, BOM, soft hyphen, bidi marks,
# tag characters) are dropped so "my<ZWSP>self" reads "myself".
_DROP = {
    cp: None
    for cp in (
        0x00AD,
        0x034F,
        0x061C,
        0x180E,
        0xFEFF,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
        *range(0xFFF9, 0xFFFC),
        *range(0xE0000, 0xE0080),
    )
}
# Control characters (and the replacement character a bad decode leaves) become spaces,
# as do line and paragraph separators: a line break is not a sentence end in a hurried chat.
_CONTROL = {cp: " " for cp in (*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFFFD)}
# Cyrillic/Greek look-alikes of Latin letters, and the quote marks people type for an apostrophe.
_LOOKALIKE = {ord(a): b for a, b in zip("аеорсухіјѕԁοαν‘’‛`´ʼ＇", "aeopcyxijsdoav'''''''", strict=True)}
_TABLE = {**_DROP, **_CONTROL, **_LOOKALIKE}


def as_text(value: object) -> str:
    """Any value as text: None -> "", bytes decoded as UTF-8 (bad bytes replaced), others via str()."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def fold(text: str) -> str:
    """Steps 2-5 (characters only): look-alikes, controls, invisibles, NFKC, accents, lower case.

    Spacing and length are left as they are, for readers whose own rules need them
    (the crisis normaliser joins letters typed with single spaces, "h e l p").
    """
    # The table runs before NFKC, which would turn an acute-accent apostrophe ("don´t") into
    # a space plus accent, and again after it, for look-alikes NFKC produces (mathematical Greek).
    text = unicodedata.normalize("NFKC", text.translate(_TABLE)).translate(_TABLE)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return text.lower()


def normalise(text: object, max_chars: int = MAX_CHARS) -> str:
    """The shared normal form: `fold`ed text, cut to `max_chars` first, one space between words."""
    return " ".join(fold(as_text(text)[:max_chars]).split())


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_ALNUM_OR_BAR = re.compile(r"[^a-z0-9|]+")
_CLAUSE_PUNCTUATION = re.compile(r"[,.;:!?]+")


def plain_words(text: object, clauses: bool = False, max_chars: int = MAX_CHARS) -> str:
    """`normalise`d text as bare words for keyword matching: apostrophes dropped ("dont"), anything else
    that is not a letter or digit one space. With `clauses`, clause punctuation stays as " | ", which
    ends a negation's scope ("not narcan, subs": only narcan is negated)."""
    norm = normalise(text, max_chars).replace("'", "")
    if clauses:
        return " ".join(_NOT_ALNUM_OR_BAR.sub(" ", _CLAUSE_PUNCTUATION.sub(" | ", norm)).split())
    return " ".join(_NOT_ALNUM.sub(" ", norm).split())


# ---------------------------------------------------------------- negation

# Words that negate what follows. Contracted spellings without the apostrophe are here for
# readers that keep them ("dont"); readers that expand contractions first only meet "not".
NEGATORS = frozenset(
    """
    not no never nothing nobody none neither nor without hardly cannot
    dont doesnt didnt cant wont isnt aint arent wasnt werent havent hasnt hadnt wouldnt couldnt shouldnt
    mustnt neednt shant
""".split()
)
# "not only X but also Y" affirms X; these pairs are not negations.
NOT_NEGATIONS = frozenset({("not", "only")})
# A negation's scope ends at punctuation (" | " marks a clause end in `plain_words(..., clauses=True)`)
# or at a word that starts a new clause.
SCOPE_ENDS = frozenset({".", ",", "!", "?", ";", ":", "|", "but", "though", "although", "because", "so", "and"})
# How many words after a negator it reaches ("i do not want to [stop]" is 3 words on).
SCOPE_WORDS = 4

_TOKEN = re.compile(r"\w+(?:'\w+)?|[?!.,;:|]")
Phrase = Tuple[str, ...]


def tokens(text: str) -> List[str]:
    """Words (an inner apostrophe kept) and clause punctuation, in order, from normalised text."""
    return _TOKEN.findall(text)


def negation_scope(words: Sequence[str], reach: int = SCOPE_WORDS, also: Iterable[str] = ()) -> List[bool]:
    """For each token, whether a negator governs it: one of the `reach` tokens before it is a
    negator, with no scope end between. Negators and scope ends themselves are never in scope.

    `also` adds a reader's own negating phrases ("instead of"); a phrase's scope starts after its last word.
    """
    phrases: List[Phrase] = [tuple(p.split()) for p in also]
    inside: List[bool] = []
    left = 0
    for i, tok in enumerate(words):
        if tok in SCOPE_ENDS:
            left = 0
            inside.append(False)
        elif _is_negator(words, i, phrases):
            left = reach
            inside.append(False)
        else:
            inside.append(left > 0)
            left = max(0, left - 1)
    return inside


def _is_negator(words: Sequence[str], i: int, phrases: Sequence[Phrase]) -> bool:
    tok = words[i]
    if tok in NEGATORS:
        return not (i + 1 < len(words) and (tok, words[i + 1]) in NOT_NEGATIONS)
    return any(len(p) <= i + 1 and tuple(words[i + 1 - len(p) : i + 1]) == p for p in phrases)


def negated(text: str, position: int, reach: int = SCOPE_WORDS, also: Iterable[str] = ()) -> bool:
    """Whether the word starting at `position` in normalised `text` is negated (see `negation_scope`).

    "i dont want to stop" at "stop" -> True; "no, i want to stop" -> False (the comma ends the scope).
    """
    before = tokens(text[: max(0, position)])
    following: Optional[str] = next(iter(tokens(text[position : position + 40])), None)
    return negation_scope(before + [following or "_"], reach, also)[-1]


def has_negation(text: object) -> bool:
    """Whether a negator occurs anywhere in the text ("you're not ready", "you don't want to",
    "nobody's going to"): the whole text is in scope, e.g. a bot message's last sentence read as
    negatively phrased."""
    words = plain_words(text).split()
    return any(
        _is_negator(words, i, ()) or (word.endswith("s") and word[:-1] in NEGATORS) for i, word in enumerate(words)
    )
