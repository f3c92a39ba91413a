"""Offline US ZIP centroids, from the `zipcodes` package (data compiled into its wheel).

Search measures distance from the centroid of the person's ZIP code, and the
importer places locations that come without coordinates at their ZIP centroid.
Nothing here touches the network. Coordinates come from GeoNames (CC BY 4.0)
via `zipcodes`; see docs/directory.md for attribution.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.0

_ZIP_RE = re.compile(r"^\s*(\d{5})(?:[-\s]?\d{4})?\s*$")

STATE_NAMES: Dict[str, str] = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
    "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
    "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR", "guam": "GU",
    "virgin islands": "VI", "american samoa": "AS", "northern mariana islands": "MP",
}


@dataclass(frozen=True)
class Place:
    """A point to measure from: a ZIP centroid, or the mean of a city's ZIP centroids."""

    label: str
    lat: float
    lon: float
    state: str
    timezone: Optional[str] = None
    zip_code: Optional[str] = None


def _place(z: Dict[str, object]) -> Optional[Place]:
    try:
        lat, lon = float(z["lat"]), float(z["long"])  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError):
        return None
    return Place(label=f"{z['zip_code']} ({str(z['city']).title()}, {z['state']})", lat=lat, lon=lon,
                 state=str(z["state"]), timezone=str(z.get("timezone") or "") or None, zip_code=str(z["zip_code"]))


@lru_cache(maxsize=4096)
def _zip_place(zip5: str) -> Optional[Place]:
    import zipcodes  # its dataset loads on first query (~0.5 s); see warm_up()

    try:
        found = zipcodes.matching(zip5)
    except ValueError:
        return None
    return _place(found[0]) if found else None


@lru_cache(maxsize=64)
def _state_cities(state: str) -> Dict[str, Place]:
    """City → centroid of its ZIP centroids (including each ZIP's other accepted city names)."""
    import zipcodes

    points: Dict[str, List[Tuple[float, float, Optional[str]]]] = {}
    for z in zipcodes.filter_by_state(state):
        place = _place(z)
        if place is None or z.get("zip_code_type") == "MILITARY":
            continue
        for name in [z["city"], *(z.get("acceptable_cities") or [])]:
            points.setdefault(_city_key(str(name)), []).append((place.lat, place.lon, place.timezone))
    return {city: Place(label=f"{city.title()}, {state}", lat=sum(p[0] for p in pts) / len(pts),
                        lon=sum(p[1] for p in pts) / len(pts), state=state, timezone=pts[0][2])
            for city, pts in points.items()}


def warm_up() -> None:
    """Load the ZIP dataset now (call at startup) so the first search does not pay for it."""
    _zip_place("10001")


def _city_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("saint ", "st ")).split())


def normalise_zip(text: object) -> Optional[str]:
    """'45402', '45402-1234' or ' 45402 ' → '45402'; anything else → None."""
    m = _ZIP_RE.match(str(text)) if text is not None else None
    return m.group(1) if m else None


def normalise_state(text: object) -> Optional[str]:
    raw = " ".join(str(text or "").strip().lower().replace(".", "").split())
    if len(raw) == 2 and raw.upper() in STATE_NAMES.values():
        return raw.upper()
    return STATE_NAMES.get(raw)


def lookup_zip(code: object) -> Optional[Place]:
    zip5 = normalise_zip(code)
    return _zip_place(zip5) if zip5 else None


def lookup_city(city: object, state: object) -> Optional[Place]:
    st = normalise_state(state)
    if not st or not str(city or "").strip():
        return None
    return _state_cities(st).get(_city_key(str(city)))


def all_zip_codes() -> List[str]:
    """Every ZIP code with a centroid (used by the benchmark to pick random ZIPs)."""
    import zipcodes

    return sorted(z["zip_code"] for z in zipcodes.list_all() if z.get("lat") not in (None, ""))


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> Tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) that contains every point within `miles`."""
    dlat = miles / MILES_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 0.01)
    dlon = miles / (MILES_PER_DEGREE_LAT * cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
