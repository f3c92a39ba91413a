"""Find services near a person: by ZIP or city/state, by need, open now, and without barriers.

Nearest first, by great-circle distance from the ZIP (or city) centroid.
Speed comes from a bounding-box prefilter on the indexed latitude/longitude
of locations, searched in widening rings (10, 40 miles, then the maximum)
so a dense city stops early and a rural ZIP still finds what is farther out.
Rows come back ordered by an arithmetic distance SQLite can sort, a batch at
a time, and only the page of results returned is loaded in full.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lantern.directory import hours, languages, taxonomy, zipgeo
from lantern.directory import models as m

DEFAULT_MAX_MILES = 100.0
RINGS_MILES = (10.0, 40.0)
MAX_LIMIT = 50
MAX_MILES = 500.0

_svc, _org, _loc = m.Service.__table__, m.Organization.__table__, m.Location.__table__
_sal = m.ServiceAtLocation.__table__
_lang, _stype = m.Language.__table__, m.ServiceType.__table__


@dataclass(frozen=True)
class Result:
    """One service at its nearest matching location, ready to show a person."""

    service_id: int
    hsds_id: str
    name: str
    organization: str
    distance_miles: float
    service_types: Tuple[str, ...]
    description: Optional[str] = None
    address: Optional[str] = None
    city: Optional[str] = None
    state: Optional[str] = None
    postal_code: Optional[str] = None
    phone: Optional[str] = None
    url: Optional[str] = None
    open_now: Optional[bool] = None  # None: hours unknown
    hours: Tuple[str, ...] = ()
    free: bool = False
    walk_in: bool = False
    no_insurance: bool = False
    languages: Tuple[str, ...] = ()
    fees: Optional[str] = None
    approximate_location: bool = False  # placed at its ZIP centroid; distance is rough


class Results(List[Result]):
    """A list of results that also says whether the place and filters were understood.

    `status` is "ok" (possibly with no results), "unknown_zip", "unknown_city",
    "no_place" (neither a ZIP nor a city/state given) or "unknown_service_type".
    Callers branch on it instead of catching exceptions.
    """

    def __init__(
        self,
        items: Iterable[Result] = (),
        status: str = "ok",
        message: str = "",
        origin: Optional[zipgeo.Place] = None,
        searched_miles: float = 0.0,
    ) -> None:
        super().__init__(items)
        self.status = status
        self.message = message
        self.origin = origin
        self.searched_miles = searched_miles

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class _Hit:
    service_id: int
    sal_id: int
    location_id: int
    miles: float
    approximate: bool
    timezone: Optional[str]
    hours_json: Optional[str] = None
    open_now: Optional[bool] = None


def resolve_place(
    zip_code: Optional[str] = None, city: Optional[str] = None, state: Optional[str] = None
) -> Tuple[Optional[zipgeo.Place], str, str]:
    """(place, status, message) for the search origin."""
    if zip_code is not None and str(zip_code).strip():
        place = zipgeo.lookup_zip(zip_code)
        if place is None:
            shown = str(zip_code).strip()[:12]
            return None, "unknown_zip", f"{shown!r} is not a US ZIP code we know"
        return place, "ok", ""
    if city is not None and str(city).strip():
        place = zipgeo.lookup_city(city, state)
        if place is None:
            return (
                None,
                "unknown_city",
                f"no US city {str(city).strip()[:60]!r} in state {str(state or '').strip()[:30]!r}",
            )
        return place, "ok", ""
    return None, "no_place", "give a ZIP code, or a city and state"


def search(
    session: Session,
    zip_code: Optional[str] = None,
    city: Optional[str] = None,
    state: Optional[str] = None,
    service_types: Sequence[str] = (),
    open_now: bool = False,
    free: bool = False,
    walk_in: bool = False,
    no_insurance: bool = False,
    language: Optional[str] = None,
    limit: int = 3,
    offset: int = 0,
    now: Optional[dt.datetime] = None,
    max_miles: float = DEFAULT_MAX_MILES,
) -> Results:
    """Services near a ZIP code (or city/state), nearest first; see `Results.status` for bad input.

    `service_types` are Lantern type codes or aliases ("narcan" → naloxone); a service
    matching any of them is included. `language` is a name or code ("Spanish", "es").
    `now` defaults to the current time; a naive datetime is taken as UTC.
    """
    origin, status, message = resolve_place(zip_code, city, state)
    if origin is None:
        return Results(status=status, message=message)
    codes: List[str] = []
    for raw in [service_types] if isinstance(service_types, str) else service_types:
        code = taxonomy.normalise_type(raw)
        if code is None:
            return Results(
                status="unknown_service_type",
                origin=origin,
                message=f"{str(raw)[:40]!r} is not a service type; use one of {', '.join(taxonomy.TYPE_CODES)}",
            )
        codes.append(code)
    limit = max(1, min(int(limit), MAX_LIMIT))
    max_miles = float(max_miles) if max_miles == max_miles else DEFAULT_MAX_MILES  # NaN → default
    max_miles = max(1.0, min(max_miles, MAX_MILES))
    offset = max(0, int(offset))
    wanted = offset + limit
    lang_code = languages.code_for(language) if language else None
    if language and lang_code is None:
        lang_code = str(language).strip().casefold()[:20]
    now = now or dt.datetime.now(dt.timezone.utc)
    lang_mode = None if not lang_code else ("en" if lang_code == "en" else "other")
    stmt = _candidate_stmt(bool(codes), bool(free), bool(walk_in), bool(no_insurance), lang_mode)
    base = {"codes": codes, "lang": lang_code}

    rings = [r for r in RINGS_MILES if r < max_miles] + [max_miles]
    picked: List[_Hit] = []
    searched = 0.0
    for radius in rings:
        searched = radius
        hits = _candidates(session, stmt, base, origin, radius, batch=max(4 * wanted, 24))
        picked = _best_per_service(hits, wanted, open_now, now, origin)
        if len(picked) >= wanted:
            break
    picked.sort(key=lambda h: (h.miles, h.service_id))
    page = picked[offset : offset + limit]
    return Results(_hydrate(session, page, now, origin), origin=origin, searched_miles=searched)


@lru_cache(maxsize=64)
def _candidate_stmt(types: bool, free: bool, walk_in: bool, no_insurance: bool, lang_mode: Optional[str]) -> Any:
    """The candidate query for one combination of filters, built once and reused with new parameters.

    Locations come from the indexed lat/lon box, ordered by an equirectangular
    distance (plain arithmetic, so SQLite can sort it); exact great-circle
    distance is computed in Python for the rows actually read.
    """
    dy = (_loc.c.latitude - sa.bindparam("lat0", type_=sa.Float)) * zipgeo.MILES_PER_DEGREE_LAT
    dx = (_loc.c.longitude - sa.bindparam("lon0", type_=sa.Float)) * sa.bindparam("kx", type_=sa.Float)
    d2 = (dy * dy + dx * dx).label("d2")
    conds: List[Any] = [
        _loc.c.latitude.between(sa.bindparam("min_lat"), sa.bindparam("max_lat")),
        _loc.c.longitude.between(sa.bindparam("min_lon"), sa.bindparam("max_lon")),
        _svc.c.status == "active",
        _svc.c.disabled.is_(False),
        _org.c.disabled.is_(False),
    ]
    if types:
        # Correlated EXISTS, not IN (subquery): SQLite would otherwise drive the join from the
        # type index (every naloxone service in the country) instead of the lat/lon box.
        conds.append(
            sa.exists().where(
                _stype.c.service_id == _svc.c.id, _stype.c.type_code.in_(sa.bindparam("codes", expanding=True))
            )
        )
    if free:
        conds.append(_svc.c.is_free.is_(True))
    if walk_in:
        conds.append(_svc.c.is_walk_in.is_(True))
    if no_insurance:
        conds.append(_svc.c.no_insurance.is_(True))
    if lang_mode:
        speaks = sa.exists().where(
            sa.or_(_lang.c.service_id == _svc.c.id, _lang.c.location_id == _loc.c.id),
            _lang.c.code == sa.bindparam("lang"),
        )
        if lang_mode == "en":  # US listings rarely say "English": no language listed counts as English
            listed = sa.exists().where(sa.or_(_lang.c.service_id == _svc.c.id, _lang.c.location_id == _loc.c.id))
            conds.append(sa.or_(speaks, ~listed))
        else:
            conds.append(speaks)
    return (
        sa.select(
            _sal.c.id,
            _sal.c.service_id,
            _loc.c.id.label("location_id"),
            _loc.c.latitude,
            _loc.c.longitude,
            _loc.c.geo_approximate,
            _loc.c.timezone,
            _sal.c.hours,
            d2,
        )
        .select_from(
            _loc.join(_sal, _sal.c.location_id == _loc.c.id)
            .join(_svc, _svc.c.id == _sal.c.service_id)
            .join(_org, _org.c.id == _svc.c.organization_id)
        )
        .where(*conds, d2 <= sa.bindparam("r2", type_=sa.Float))
        .order_by(d2, _sal.c.id)
        .limit(sa.bindparam("n", type_=sa.Integer))
        .offset(sa.bindparam("o", type_=sa.Integer))
    )


def _candidates(
    session: Session, stmt: Any, base: Dict[str, Any], origin: zipgeo.Place, radius: float, batch: int
) -> Iterator[_Hit]:
    """Service-at-locations within `radius` miles, nearest first, read from the database a batch at a time."""
    min_lat, max_lat, min_lon, max_lon = zipgeo.bounding_box(origin.lat, origin.lon, radius)
    kx = zipgeo.MILES_PER_DEGREE_LAT * math.cos(math.radians(origin.lat))
    params = {
        **base,
        "lat0": origin.lat,
        "lon0": origin.lon,
        "kx": kx,
        "r2": radius * radius * 1.0201,
        "min_lat": min_lat,
        "max_lat": max_lat,
        "min_lon": min_lon,
        "max_lon": max_lon,
        "n": batch,
    }
    if not params.get("codes"):
        params.pop("codes", None)
    if params.get("lang") is None:
        params.pop("lang", None)
    offset = 0
    while True:
        rows = session.execute(stmt, {**params, "o": offset}).all()
        for r in rows:
            miles = zipgeo.haversine_miles(origin.lat, origin.lon, r.latitude, r.longitude)
            if miles <= radius:
                yield _Hit(r.service_id, r.id, r.location_id, miles, bool(r.geo_approximate), r.timezone, r.hours)
        if len(rows) < batch:
            return
        offset += batch


def _best_per_service(
    hits: Iterator[_Hit], wanted: int, open_now: bool, now: dt.datetime, origin: zipgeo.Place
) -> List[_Hit]:
    """Nearest location per service; with open_now, its nearest location that is open at `now`."""
    picked: List[_Hit] = []
    taken: Set[int] = set()
    for h in hits:
        if h.service_id in taken:
            continue
        if open_now:
            h.open_now = hours.is_open(_rules(h.hours_json), now, h.timezone or origin.timezone)
            if not h.open_now:
                continue
        taken.add(h.service_id)
        picked.append(h)
        if len(picked) >= wanted:
            break
    return picked


def _rules(hours_json: Optional[str]) -> List[hours.Rule]:
    """Opening-hours rules from the JSON the importer stored on the service-at-location."""
    out = []
    for r in json.loads(hours_json or "[]"):
        out.append(
            hours.Rule(
                opens_min=r.get("opens_min"),
                closes_min=r.get("closes_min"),
                freq=r.get("freq"),
                interval=r.get("interval"),
                byday=r.get("byday"),
                bymonthday=r.get("bymonthday"),
                valid_from=_day(r.get("valid_from")),
                valid_to=_day(r.get("valid_to")),
                dtstart=_day(r.get("dtstart")),
                until=_day(r.get("until")),
                utc_offset_min=r.get("utc_offset_min"),
                closed=bool(r.get("closed")),
            )
        )
    return out


def _day(value: Optional[str]) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


_CARDS = (
    sa.select(
        _sal.c.id,
        _sal.c.card,
        _sal.c.hours,
        _svc.c.id.label("service_id"),
        _svc.c.hsds_id,
        _svc.c.is_free,
        _svc.c.is_walk_in,
        _svc.c.no_insurance,
    )
    .join(_svc, _svc.c.id == _sal.c.service_id)
    .where(_sal.c.id.in_(sa.bindparam("ids", expanding=True)))
)


def _hydrate(session: Session, page: Sequence[_Hit], now: dt.datetime, origin: zipgeo.Place) -> List[Result]:
    """One query for the page: each service-at-location's stored card, plus the live access flags."""
    if not page:
        return []
    rows = {r.id: r for r in session.execute(_CARDS, {"ids": [h.sal_id for h in page]})}
    out = []
    for h in page:
        r = rows[h.sal_id]
        card = json.loads(r.card or "{}")
        rules = _rules(r.hours)
        open_flag = h.open_now if h.open_now is not None else hours.is_open(rules, now, h.timezone or origin.timezone)
        out.append(
            Result(
                service_id=r.service_id,
                hsds_id=r.hsds_id,
                name=card.get("name", ""),
                organization=card.get("organization", ""),
                distance_miles=round(h.miles, 1),
                service_types=tuple(card.get("types", ())),
                description=card.get("description"),
                address=card.get("address"),
                city=card.get("city"),
                state=card.get("state"),
                postal_code=card.get("postal_code"),
                phone=card.get("phone"),
                url=card.get("url"),
                open_now=open_flag,
                hours=tuple(hours.describe(rules)),
                free=bool(r.is_free),
                walk_in=bool(r.is_walk_in),
                no_insurance=bool(r.no_insurance),
                languages=tuple(card.get("languages", ())),
                fees=card.get("fees"),
                approximate_location=h.approximate,
            )
        )
    return out
