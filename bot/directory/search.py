"""Find services near a person: by ZIP or city/state, by need, open now, and without barriers.

Nearest first, by great-circle distance from the ZIP (or city) centroid.
Speed comes from a bounding-box prefilter on the indexed latitude/longitude
of locations, searched in widening rings (5, 15, 40 miles, then the maximum)
so a dense city stops early and a rural ZIP still finds what is farther out;
only the page of results returned is loaded in full.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import hours, languages, models as m, taxonomy, zipgeo

DEFAULT_MAX_MILES = 100.0
RINGS_MILES = (5.0, 15.0, 40.0)
MAX_LIMIT = 50

_svc, _org, _loc = m.Service.__table__, m.Organization.__table__, m.Location.__table__
_sal, _addr, _phone = m.ServiceAtLocation.__table__, m.Address.__table__, m.Phone.__table__
_sched, _lang, _stype = m.Schedule.__table__, m.Language.__table__, m.ServiceType.__table__


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

    def __init__(self, items: Iterable[Result] = (), status: str = "ok", message: str = "",
                 origin: Optional[zipgeo.Place] = None, searched_miles: float = 0.0) -> None:
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
    open_now: Optional[bool] = None


def resolve_place(zip_code: Optional[str] = None, city: Optional[str] = None,
                  state: Optional[str] = None) -> Tuple[Optional[zipgeo.Place], str, str]:
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
            return None, "unknown_city", f"no US city {str(city).strip()[:60]!r} in state {str(state or '').strip()[:30]!r}"
        return place, "ok", ""
    return None, "no_place", "give a ZIP code, or a city and state"


def search(session: Session, zip_code: Optional[str] = None, city: Optional[str] = None,
           state: Optional[str] = None, service_types: Sequence[str] = (), open_now: bool = False,
           free: bool = False, walk_in: bool = False, no_insurance: bool = False,
           language: Optional[str] = None, limit: int = 3, offset: int = 0,
           now: Optional[dt.datetime] = None, max_miles: float = DEFAULT_MAX_MILES) -> Results:
    """Services near a ZIP code (or city/state), nearest first; see `Results.status` for bad input.

    `service_types` are Lantern type codes or aliases ("narcan" → naloxone); a service
    matching any of them is included. `language` is a name or code ("Spanish", "es").
    `now` defaults to the current time; a naive datetime is taken as UTC.
    """
    origin, status, message = resolve_place(zip_code, city, state)
    if origin is None:
        return Results(status=status, message=message)
    codes: List[str] = []
    for raw in ([service_types] if isinstance(service_types, str) else service_types):
        code = taxonomy.normalise_type(raw)
        if code is None:
            return Results(status="unknown_service_type", origin=origin,
                           message=f"{str(raw)[:40]!r} is not a service type; use one of {', '.join(taxonomy.TYPE_CODES)}")
        codes.append(code)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    wanted = offset + limit
    lang_code = languages.code_for(language) if language else None
    if language and lang_code is None:
        lang_code = str(language).strip().casefold()[:20]
    now = now or dt.datetime.now(dt.timezone.utc)
    filters = _filters(codes, free, walk_in, no_insurance, lang_code)

    rings = [r for r in RINGS_MILES if r < max_miles] + [max_miles]
    picked: List[_Hit] = []
    searched = 0.0
    for radius in rings:
        searched = radius
        hits = _candidates(session, origin, radius, filters)
        picked = _best_per_service(session, hits, wanted, open_now, now, origin)
        if len(picked) >= wanted:
            break
    page = picked[offset:offset + limit]
    return Results(_hydrate(session, page, now, origin), origin=origin, searched_miles=searched)


def _filters(codes: Sequence[str], free: bool, walk_in: bool, no_insurance: bool,
             lang_code: Optional[str]) -> List[Any]:
    conds: List[Any] = [_svc.c.status == "active", _svc.c.disabled.is_(False), _org.c.disabled.is_(False)]
    if codes:
        conds.append(_svc.c.id.in_(sa.select(_stype.c.service_id).where(_stype.c.type_code.in_(list(codes)))))
    if free:
        conds.append(_svc.c.is_free.is_(True))
    if walk_in:
        conds.append(_svc.c.is_walk_in.is_(True))
    if no_insurance:
        conds.append(_svc.c.no_insurance.is_(True))
    if lang_code:
        speaks = sa.exists().where(sa.or_(_lang.c.service_id == _svc.c.id, _lang.c.location_id == _loc.c.id),
                                   _lang.c.code == lang_code)
        if lang_code == "en":  # US listings rarely say "English": no language listed counts as English
            listed = sa.exists().where(sa.or_(_lang.c.service_id == _svc.c.id, _lang.c.location_id == _loc.c.id))
            conds.append(sa.or_(speaks, ~listed))
        else:
            conds.append(speaks)
    return conds


def _candidates(session: Session, origin: zipgeo.Place, radius: float, filters: List[Any]) -> List[_Hit]:
    min_lat, max_lat, min_lon, max_lon = zipgeo.bounding_box(origin.lat, origin.lon, radius)
    query = (sa.select(_sal.c.id, _sal.c.service_id, _loc.c.id.label("location_id"), _loc.c.latitude,
                       _loc.c.longitude, _loc.c.geo_approximate, _loc.c.timezone)
             .select_from(_loc.join(_sal, _sal.c.location_id == _loc.c.id)
                          .join(_svc, _svc.c.id == _sal.c.service_id)
                          .join(_org, _org.c.id == _svc.c.organization_id))
             .where(_loc.c.latitude.between(min_lat, max_lat), _loc.c.longitude.between(min_lon, max_lon), *filters))
    hits = []
    for r in session.execute(query):
        miles = zipgeo.haversine_miles(origin.lat, origin.lon, r.latitude, r.longitude)
        if miles <= radius:
            hits.append(_Hit(r.service_id, r.id, r.location_id, miles, bool(r.geo_approximate), r.timezone))
    hits.sort(key=lambda h: (h.miles, h.service_id, h.sal_id))
    return hits


def _best_per_service(session: Session, hits: List[_Hit], wanted: int, open_now: bool,
                      now: dt.datetime, origin: zipgeo.Place) -> List[_Hit]:
    """Nearest location per service; with open_now, nearest *open* location, checked lazily."""
    picked: List[_Hit] = []
    taken: Set[int] = set()
    if not open_now:
        for h in hits:
            if h.service_id not in taken:
                taken.add(h.service_id)
                picked.append(h)
                if len(picked) >= wanted:
                    break
        return picked
    batch = max(2 * wanted, 20)
    for start in range(0, len(hits), batch):
        chunk = [h for h in hits[start:start + batch] if h.service_id not in taken]
        rules = _rules_for(session, chunk)
        for h in chunk:
            if h.service_id in taken:
                continue
            h.open_now = hours.is_open(rules.get(h.sal_id, []), now, h.timezone or origin.timezone)
            if h.open_now:
                taken.add(h.service_id)
                picked.append(h)
                if len(picked) >= wanted:
                    return picked
    return picked


def _rule(r: Any) -> hours.Rule:
    return hours.Rule(opens_min=r.opens_min, closes_min=r.closes_min, freq=r.freq, interval=r.interval,
                      byday=r.byday, bymonthday=r.bymonthday, valid_from=r.valid_from, valid_to=r.valid_to,
                      dtstart=r.dtstart, until=r.until, utc_offset_min=r.utc_offset_min, closed=bool(r.closed))


def _rules_for(session: Session, hits: Sequence[_Hit]) -> Dict[int, List[hours.Rule]]:
    """Hours per service-at-location: its own, else the service's, else the location's."""
    if not hits:
        return {}
    sal_ids = {h.sal_id for h in hits}
    svc_ids = {h.service_id for h in hits}
    loc_ids = {h.location_id for h in hits}
    by_sal: Dict[int, List[hours.Rule]] = defaultdict(list)
    by_svc: Dict[int, List[hours.Rule]] = defaultdict(list)
    by_loc: Dict[int, List[hours.Rule]] = defaultdict(list)
    query = sa.select(_sched).where(sa.or_(_sched.c.service_at_location_id.in_(sal_ids),
                                           _sched.c.service_id.in_(svc_ids), _sched.c.location_id.in_(loc_ids)))
    for r in session.execute(query):
        if r.service_at_location_id is not None:
            by_sal[r.service_at_location_id].append(_rule(r))
        elif r.service_id is not None:
            by_svc[r.service_id].append(_rule(r))
        elif r.location_id is not None:
            by_loc[r.location_id].append(_rule(r))
    return {h.sal_id: by_sal.get(h.sal_id) or by_svc.get(h.service_id) or by_loc.get(h.location_id) or []
            for h in hits}


def _hydrate(session: Session, page: Sequence[_Hit], now: dt.datetime, origin: zipgeo.Place) -> List[Result]:
    if not page:
        return []
    svc_ids = [h.service_id for h in page]
    loc_ids = [h.location_id for h in page]
    sal_ids = [h.sal_id for h in page]
    services = {r.id: r for r in session.execute(
        sa.select(_svc, _org.c.name.label("org_name"), _org.c.id.label("org_id"), _org.c.website.label("org_website"))
        .join(_org, _org.c.id == _svc.c.organization_id).where(_svc.c.id.in_(svc_ids)))}
    addresses: Dict[int, Any] = {}
    for r in session.execute(sa.select(_addr).where(_addr.c.location_id.in_(loc_ids)).order_by(_addr.c.id)):
        if r.location_id not in addresses or (addresses[r.location_id].address_type != "physical"
                                              and r.address_type == "physical"):
            addresses[r.location_id] = r
    org_ids = [s.org_id for s in services.values()]
    phones: Dict[Tuple[str, int], str] = {}
    for r in session.execute(sa.select(_phone).where(sa.or_(
            _phone.c.service_at_location_id.in_(sal_ids), _phone.c.service_id.in_(svc_ids),
            _phone.c.location_id.in_(loc_ids), _phone.c.organization_id.in_(org_ids))).order_by(_phone.c.id)):
        number = r.number + (f" ext. {r.extension}" if r.extension else "")
        for kind, key in (("sal", r.service_at_location_id), ("svc", r.service_id),
                          ("loc", r.location_id), ("org", r.organization_id)):
            if key is not None:
                phones.setdefault((kind, key), number)
    langs: Dict[int, List[str]] = defaultdict(list)
    for r in session.execute(sa.select(_lang).where(sa.or_(_lang.c.service_id.in_(svc_ids),
                                                           _lang.c.location_id.in_(loc_ids)))):
        key = r.service_id if r.service_id is not None else -r.location_id
        langs[key].append(r.name or r.code or "")
    types: Dict[int, List[str]] = defaultdict(list)
    for r in session.execute(sa.select(_stype).where(_stype.c.service_id.in_(svc_ids))):
        types[r.service_id].append(r.type_code)
    rules = _rules_for(session, page)
    out = []
    for h in page:
        s = services[h.service_id]
        a = addresses.get(h.location_id)
        line = None
        if a is not None:
            street = ", ".join(filter(None, [a.address_1, a.address_2]))
            line = f"{street}, {a.city}, {a.state_province} {a.postal_code}".strip()
        phone = (phones.get(("sal", h.sal_id)) or phones.get(("svc", h.service_id))
                 or phones.get(("loc", h.location_id)) or phones.get(("org", s.org_id)))
        sal_rules = rules.get(h.sal_id, [])
        open_flag = h.open_now if h.open_now is not None else hours.is_open(sal_rules, now, h.timezone or origin.timezone)
        out.append(Result(
            service_id=s.id, hsds_id=s.hsds_id, name=s.name, organization=s.org_name,
            distance_miles=round(h.miles, 1),
            service_types=tuple(sorted(types.get(s.id, []), key=_type_order)),
            description=s.description, address=line, city=a.city if a else None,
            state=a.state_province if a else None, postal_code=a.postal_code if a else None,
            phone=phone, url=s.url or s.org_website, open_now=open_flag, hours=tuple(hours.describe(sal_rules)),
            free=bool(s.is_free), walk_in=bool(s.is_walk_in), no_insurance=bool(s.no_insurance),
            languages=tuple(langs.get(s.id) or langs.get(-h.location_id) or ()), fees=s.fees_description,
            approximate_location=h.approximate))
    return out


def _type_order(code: str) -> int:
    return taxonomy.TYPE_CODES.index(code) if code in taxonomy.TYPE_CODES else len(taxonomy.TYPE_CODES)
