"""Offline US ZIP centroids, from the `zipcodes` package (data compiled into its wheel).

Search measures distance from the centroid of the person's ZIP code, and the
importer places locations that come without coordinates at their ZIP centroid.
Nothing here touches the network. Coordinates come from GeoNames (CC BY 4.0)
via `zipcodes`; see docs/directory.md for attribution.
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
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


class _Index:
    """ZIP and city tables, built once per process on first use (~0.5 s)."""

    def __init__(self) -> None:
        import zipcodes  # imported here: loading its dataset costs time only when needed

        self.by_zip: Dict[str, Place] = {}
        cities: Dict[Tuple[str, str], List[Tuple[float, float, Optional[str]]]] = {}
        for z in zipcodes.list_all():
            try:
                lat, lon = float(z["lat"]), float(z["long"])
            except (TypeError, ValueError, KeyError):
                continue
            place = Place(label=f"{z['zip_code']} ({z['city'].title()}, {z['state']})", lat=lat, lon=lon,
                          state=z["state"], timezone=z.get("timezone") or None, zip_code=z["zip_code"])
            self.by_zip[z["zip_code"]] = place
            if z.get("zip_code_type") in ("STANDARD", "PO BOX", "UNIQUE"):
                for name in [z["city"], *(z.get("acceptable_cities") or [])]:
                    cities.setdefault((_city_key(name), z["state"]), []).append((lat, lon, place.timezone))
        self.by_city: Dict[Tuple[str, str], Place] = {}
        for (city, state), points in cities.items():
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
            self.by_city[(city, state)] = Place(label=f"{city.title()}, {state}", lat=lat, lon=lon,
                                                state=state, timezone=points[0][2])


_index: Optional[_Index] = None
_lock = threading.Lock()


def _get_index() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _Index()
    return _index


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
    return _get_index().by_zip.get(zip5) if zip5 else None


def lookup_city(city: object, state: object) -> Optional[Place]:
    st = normalise_state(state)
    if not st or not str(city or "").strip():
        return None
    return _get_index().by_city.get((_city_key(str(city)), st))


def all_zip_codes() -> List[str]:
    """Every ZIP code with a centroid (used by the benchmark to pick random ZIPs)."""
    return sorted(_get_index().by_zip)


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
