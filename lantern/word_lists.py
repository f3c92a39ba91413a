"""The one check of a list of recognised words in a trainer's YAML file (the *_words.yml files).

Every words file (actions/phrases/referral_words.yml, checkin_words.yml, lantern/checkins/words.yml) holds
lists of regular-expression alternatives or plain words. A slip (an empty list, a number, a broken pattern)
must stop the load with an error naming the file and the key, not surface mid-conversation; this is that
check, shared so every file is refused the same way.
"""

from __future__ import annotations

import re
from typing import Any, List

PLAIN_WORD = re.compile(r"[a-z]+")


def alternatives(where: str, value: Any, plain: bool = False) -> List[str]:
    """A non-empty list of valid regular-expression alternatives (or, with `plain`, of lower-case words a-z).

    `where` names the file and key ("checkin_words.yml: decline") for the ValueError.
    """
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: needs a non-empty list of non-empty strings")
    for item in value:
        if plain:
            if not PLAIN_WORD.fullmatch(item):
                raise ValueError(f"{where}: {item!r} is not a plain word (lower-case letters a-z only)")
            continue
        try:
            re.compile(item)
        except re.error as exc:
            raise ValueError(f"{where}: {item!r} is not a valid pattern ({exc})") from None
    return list(value)
