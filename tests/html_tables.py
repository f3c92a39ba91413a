"""Reading the tables of a staff console page in tests: rows of cell texts and the links in each row."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, Dict, List, Optional


class Tables(HTMLParser):
    """Every <table id=...> of a page: rows of cell texts (entities decoded), header rows included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: Dict[str, List[List[str]]] = {}
        self.links: Dict[str, List[List[str]]] = {}
        self._table: Optional[str] = None
        self._row: Optional[List[str]] = None
        self._cell: Optional[List[str]] = None

    def handle_starttag(self, tag: str, attrs: List[Any]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table] = []
            self.links[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
            self.links[self._table].append([])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and self._table and self._row is not None:
            self.links[self._table][-1].append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> Tables:
    found = Tables()
    found.feed(page)
    return found
