"""Offline US ZIP centroids, from the `zipcodes` package (data compiled into its wheel).

Search measures distance from the centroid of the person's ZIP code, and the
importer places locations that come without coordinates at their ZIP centroid.
Nothing here touches the network. Coordinates come from GeoNames (CC BY 4.0)
via `zipcodes`; see docs/directory.md for attribution.
"""

from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.0

_ZIP_RE = re.compile(r"^\s*(\d{5})(?:[-\s]?\d{4})?\s*$")

STATE_NAMES: Dict[str, str] = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "district of columbia": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "puerto rico": "PR",
    "guam": "GU",
    "virgin islands": "VI",
    "american samoa": "AS",
    "northern mariana islands": "MP",
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
    """ZIP → Place, and per-state rows for city look-ups; built once per process.

    Building from `zipcodes` takes about 1.5 s (it materialises 42k dicts), so the
    compact table is also written to `<data_dir>/cache/` and read from there
    next time (~0.1 s). The cache is keyed by the `zipcodes` version.
    """

    def __init__(self) -> None:
        rows = self._load_cache()
        if rows is None:
            rows = self._from_package()
            self._save_cache(rows)
        self.rows = {r[0]: r for r in rows}  # Place objects are made on look-up: 42k up front is slow

    def place(self, zip5: str) -> Optional[Place]:
        row = self.rows.get(zip5)
        if row is None:
            return None
        _zip, lat, lon, state, tz, _kind, cities = row
        return Place(
            label=f"{zip5} ({cities.split('|')[0].title()}, {state})",
            lat=lat,
            lon=lon,
            state=state,
            timezone=tz or None,
            zip_code=zip5,
        )

    @staticmethod
    def _from_package() -> List[Tuple[str, float, float, str, str, str, str]]:
        import zipcodes

        rows = []
        for z in zipcodes.list_all():
            try:
                lat, lon = float(z["lat"]), float(z["long"])
            except (TypeError, ValueError, KeyError):
                continue
            cities = "|".join([str(z["city"]), *(str(c) for c in z.get("acceptable_cities") or [])])
            rows.append(
                (
                    str(z["zip_code"]),
                    lat,
                    lon,
                    str(z["state"]),
                    str(z.get("timezone") or ""),
                    str(z.get("zip_code_type") or ""),
                    cities.replace("\t", " ").replace("\n", " "),
                )
            )
        return rows

    @staticmethod
    def _cache_file() -> Optional[Path]:
        try:
            import zipcodes

            from lantern import settings

            return settings.load().data_dir / "cache" / f"zip-centroids-{zipcodes.__version__}.tsv"
        except Exception:  # no settings (library use): just don't cache
            return None

    def _load_cache(self) -> Optional[List[Tuple[str, float, float, str, str, str, str]]]:
        path = self._cache_file()
        if path is None or not path.exists():
            return None
        try:
            rows = []
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    zip5, lat, lon, state, tz, kind, cities = line.rstrip("\n").split("\t")
                    rows.append((zip5, float(lat), float(lon), state, tz, kind, cities))
            return rows if len(rows) > 30000 else None
        except (OSError, ValueError):
            return None

    def _save_cache(self, rows: List[Tuple[str, float, float, str, str, str, str]]) -> None:
        path = self._cache_file()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write("\t".join(map(str, r)) + "\n")
            os.replace(tmp, path)
        except OSError:
            pass


_index: Optional[_Index] = None
_lock = threading.Lock()


def _get_index() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _Index()
    return _index


@lru_cache(maxsize=64)
def _state_cities(state: str) -> Dict[str, Place]:
    """City → centroid of its ZIP centroids (including each ZIP's other accepted city names)."""
    points: Dict[str, List[Tuple[float, float, Optional[str]]]] = {}
    for _zip5, lat, lon, st, tz, kind, cities in _get_index().rows.values():
        if st != state or kind == "MILITARY":
            continue
        for name in cities.split("|"):
            points.setdefault(_city_key(name), []).append((lat, lon, tz or None))
    return {
        city: Place(
            label=f"{city.title()}, {state}",
            lat=sum(p[0] for p in pts) / len(pts),
            lon=sum(p[1] for p in pts) / len(pts),
            state=state,
            timezone=pts[0][2],
        )
        for city, pts in points.items()
    }


def warm_up() -> None:
    """Build the ZIP table now (call at startup) so the first search does not pay for it."""
    _get_index()


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
    return _get_index().place(zip5) if zip5 else None


def lookup_city(city: object, state: object) -> Optional[Place]:
    st = normalise_state(state)
    if not st or not str(city or "").strip():
        return None
    return _state_cities(st).get(_city_key(str(city)))


def all_zip_codes() -> List[str]:
    """Every ZIP code with a centroid (used by the benchmark to pick random ZIPs)."""
    return sorted(_get_index().rows)


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
