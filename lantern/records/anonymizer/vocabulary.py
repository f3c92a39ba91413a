"""Is a word ordinary English? Read from the spaCy model's own lemmatizer tables.

Names from outside the name lexicons ("chidi", "xochitl", "venkataraman") are,
after a cue such as "my friend" or "hi im", told apart from ordinary words by
not being English. The model ships the WordNet-based word index and suffix
rules of its rule lemmatizer, so no extra dictionary is needed and nothing is
downloaded. The lemmatizer component itself stays unloaded (the engine
excludes it for speed); only its tables are read, once, at load time.

The index also holds many proper names ("fatima", "tyler"), so membership
says "may be an ordinary word", never "is not a name": it only ever makes a
rule more careful.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

logger = logging.getLogger(__name__)

_POS = ("noun", "verb", "adj", "adv")


class EnglishWords:
    """Lower-case word forms the model's lemmatizer knows, with inflections ("drinks", "ghosted")."""

    def __init__(
        self,
        index: Dict[str, FrozenSet[str]],
        exceptions: FrozenSet[str],
        rules: Dict[str, List[Tuple[str, str]]],
    ) -> None:
        self._index = index
        self._all = frozenset().union(*index.values()) if index else frozenset()
        self._exceptions = exceptions
        self._rules = rules

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        w = word.lower()
        return self._known(w) or self._compound(w)

    def _known(self, w: str) -> bool:
        """In the index, an irregular form, or a regular inflection of an indexed word."""
        if w in self._all or w in self._exceptions:
            return True
        for pos, rules in self._rules.items():
            index = self._index.get(pos, frozenset())
            for old, new in rules:
                if old and w.endswith(old) and len(w) > len(old) and w[: len(w) - len(old)] + new in index:
                    return True
        return False

    def _compound(self, w: str) -> bool:
        """Two words of four letters or more written as one: "dopesick", "goodnight".

        Shorter parts would split names into the index's many rare short words ("war"+"same").
        """
        return any(w[:i] in self._all and self._known(w[i:]) for i in range(4, len(w) - 3))

    @classmethod
    def from_model_dir(cls, model_dir: Optional[Path]) -> Optional["EnglishWords"]:
        """The tables of an installed spaCy pipeline directory, or None if it has none."""
        if model_dir is None:
            return None
        path = Path(model_dir) / "lemmatizer" / "lookups"
        if not path.exists():
            return None
        try:
            from spacy.lookups import Lookups

            lookups = Lookups().from_disk(path)
            index_table = lookups.get_table("lemma_index")
            exc_table = lookups.get_table("lemma_exc")
            rules_table = lookups.get_table("lemma_rules")
        except (KeyError, OSError, ValueError) as exc:
            logger.warning("no usable lemmatizer tables in the spaCy model (%s)", type(exc).__name__)
            return None
        index = {pos: frozenset(index_table.get(pos) or ()) for pos in _POS}
        exceptions = frozenset(form for pos in _POS for form in (exc_table.get(pos) or {}))
        rules = {pos: [tuple(r) for r in (rules_table.get(pos) or ()) if len(r) == 2] for pos in _POS}
        words = cls(index, exceptions, rules)
        return words if len(words) else None
