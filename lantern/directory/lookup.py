"""Small read-only look-ups into the directory for the conversation (not searches).

`listed_towns` tells the referral flow which towns have listings, so "Dayton" alone resolves
to the state where the directory has services (actions/referral.py). It reads the address
table through SQLAlchemy here, so no caller outside lantern.directory writes SQL.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import sqlalchemy as sa

from lantern.directory import models
from lantern.directory.db import get_engine
from lantern.directory.zipgeo import normalise_state


def listed_towns(engine_url: Optional[str] = None) -> List[Tuple[str, str]]:
    """(town as written, two-letter state code) for every distinct town with an address in the directory.

    Rows without a town or a recognisable state are left out. Raises if the database cannot be read.
    """
    table = models.Address.__table__
    with get_engine(engine_url).connect() as conn:
        rows = conn.execute(sa.select(table.c.city, table.c.state_province).distinct()).all()
    towns: List[Tuple[str, str]] = []
    seen = set()
    for city, state in rows:
        code = normalise_state(state)
        if city and str(city).strip() and code and (city, code) not in seen:
            seen.add((city, code))
            towns.append((city, code))
    return towns
