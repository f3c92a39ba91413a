"""Directory benchmark: import 10,000 generated HSDS services, then time searches.

Run: .venv/bin/python -m bench.directory [--services N] [--queries N] [--seed N]
Everything happens in a temporary folder (CSV and SQLite file); nothing touches
the network. Prints a Markdown table. Targets from the issue: search p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import psutil
from sqlalchemy.orm import sessionmaker

from lantern.directory import db, zipgeo
from lantern.directory.importer import import_path
from lantern.directory.search import search

_TERM_NAMES = {
    "treatment": "Outpatient Substance Use Treatment",
    "buprenorphine": "Buprenorphine Treatment",
    "methadone": "Methadone Maintenance",
    "detox": "Detoxification",
    "syringe_services": "Syringe Services Program",
    "naloxone": "Naloxone Distribution",
    "test_strips": "Fentanyl Test Strips",
    "mutual_help": "Support Groups",
    "peer_support": "Peer Support Services",
    "counselling": "Individual Counseling",
    "mental_health": "Mental Health Care",
    "medical": "Primary Care",
    "testing": "HIV Testing",
    "housing": "Emergency Shelter",
    "food": "Food Pantries",
    "crisis": "Crisis Intervention",
}
_DAYS = ["MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "SA", "SU", "MO,TU,WE,TH,FR,SA,SU"]


def _write(folder: Path, name: str, rows: List[Dict[str, object]]) -> None:
    cols: List[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    with (folder / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def generate(folder: Path, n_services: int, rng: random.Random, zips: Sequence[str]) -> List[str]:
    """Write an HSDS 3.0 CSV datapackage; returns the ZIPs used as metro centres."""
    metros = rng.sample(list(zips), 300)
    centres = [zipgeo.lookup_zip(z) for z in metros]
    n_orgs = max(1, n_services // 3)
    orgs, locs, addrs, svcs, sals, phones, scheds, attrs, langs = [], [], [], [], [], [], [], [], []
    terms = [
        {"id": f"t-{c}", "code": c.upper(), "name": n, "description": n, "taxonomy": "bench"}
        for c, n in _TERM_NAMES.items()
    ]
    terms += [
        {"id": f"t-{f}", "code": f, "name": f, "description": f, "taxonomy": "lantern"}
        for f in ("free", "walk_in", "no_insurance")
    ]
    for o in range(n_orgs):
        orgs.append({"id": f"o{o}", "name": f"Bench Org {o}", "description": "Generated for the benchmark."})
        phones.append({"id": f"po{o}", "organization_id": f"o{o}", "number": f"555-01{o % 100:02d}"})
        for k in range(2):  # two locations per organization
            lid = f"l{o}-{k}"
            if rng.random() < 0.75:
                c = rng.choice(centres)
                lat, lon = c.lat + rng.gauss(0, 0.12), c.lon + rng.gauss(0, 0.15)
                z = c.zip_code
            else:
                c = zipgeo.lookup_zip(rng.choice(zips))
                lat, lon, z = c.lat, c.lon, c.zip_code
            locs.append(
                {
                    "id": lid,
                    "location_type": "physical",
                    "organization_id": f"o{o}",
                    "name": f"Site {lid}",
                    "latitude": round(lat, 5),
                    "longitude": round(lon, 5),
                }
            )
            addrs.append(
                {
                    "id": f"a{lid}",
                    "location_id": lid,
                    "address_1": f"{o} Bench St",
                    "city": "Benchville",
                    "state_province": c.state,
                    "postal_code": z,
                    "country": "US",
                    "address_type": "physical",
                }
            )
    for s in range(n_services):
        o = s % n_orgs
        sid = f"s{s}"
        svcs.append(
            {
                "id": sid,
                "organization_id": f"o{o}",
                "name": f"Bench Service {s}",
                "status": "active",
                "description": "Generated for the benchmark.",
                "fees_description": rng.choice(["Free.", "Sliding scale.", ""]),
            }
        )
        lids = [f"l{o}-{rng.randrange(2)}"] if rng.random() < 0.8 else [f"l{o}-0", f"l{o}-1"]
        for lid in lids:
            sals.append({"id": f"{sid}@{lid}", "service_id": sid, "location_id": lid})
        phones.append({"id": f"ps{s}", "service_id": sid, "number": f"555-02{s % 100:02d}"})
        for j in range(2):
            opens = rng.choice([7, 8, 9, 10, 12, 19])
            scheds.append(
                {
                    "id": f"h{s}-{j}",
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "byday": rng.choice(_DAYS),
                    "opens_at": f"{opens:02d}:00",
                    "closes_at": f"{(opens + rng.choice([4, 8, 12])) % 24:02d}:00",
                }
            )
        for code in rng.sample(list(_TERM_NAMES), rng.choice([1, 2, 3])):
            attrs.append(
                {"id": f"at{s}-{code}", "link_id": sid, "link_entity": "service", "taxonomy_term_id": f"t-{code}"}
            )
        for flag in ("free", "walk_in", "no_insurance"):
            if rng.random() < 0.3:
                attrs.append(
                    {"id": f"at{s}-{flag}", "link_id": sid, "link_entity": "service", "taxonomy_term_id": f"t-{flag}"}
                )
        if rng.random() < 0.2:
            langs.append({"id": f"lg{s}", "service_id": sid, "code": "es", "name": "Spanish"})
    for name, rows in (
        ("organizations.csv", orgs),
        ("services.csv", svcs),
        ("locations.csv", locs),
        ("addresses.csv", addrs),
        ("phones.csv", phones),
        ("schedules.csv", scheds),
        ("service_at_locations.csv", sals),
        ("taxonomy_terms.csv", terms),
        ("attributes.csv", attrs),
        ("languages.csv", langs),
    ):
        _write(folder, name, rows)
    (folder / "datapackage.json").write_text(json.dumps({"name": "bench", "resources": []}))
    return metros


class _PeakRSS:
    """Samples this process's RSS every 20 ms while a block runs."""

    def __enter__(self) -> "_PeakRSS":
        self.proc = psutil.Process()
        self.start = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def _time_import(folder: Path, url: str) -> Tuple[float, float, float, str]:
    with _PeakRSS() as mem:
        t0 = time.perf_counter()
        with db.session_scope(url) as session:
            report = import_path(folder, session, source="bench")
        elapsed = time.perf_counter() - t0
    c = report.counts["services"]
    return (
        elapsed,
        mem.peak / 2**20,
        (mem.peak - mem.start) / 2**20,
        f"+{c.added} ~{c.updated} ={c.unchanged} -{c.removed}",
    )


def _pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _time_searches(url: str, zips: Sequence[str], **kwargs: object) -> Tuple[float, float, float, float]:
    """Each search in its own session, as an action server request would be."""
    times, found = [], 0
    factory = sessionmaker(bind=db.get_engine(url), future=True)
    for z in zips:
        t0 = time.perf_counter()
        with factory() as session:
            results = search(session, zip_code=z, **kwargs)  # type: ignore[arg-type]
        times.append((time.perf_counter() - t0) * 1000)
        found += len(results)
    return statistics.median(times), _pct(times, 0.95), max(times), found / len(zips)


def main(argv: Sequence[str] = ()) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--services", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(list(argv) or None)
    rng = random.Random(args.seed)
    zipgeo.warm_up()
    zips = zipgeo.all_zip_codes()
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        folder = Path(tmp) / "hsds"
        folder.mkdir()
        metros = generate(folder, args.services, rng, zips)
        size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        url = f"sqlite:///{tmp}/directory.db"
        db.get_engine(url)  # migrate before timing
        first = _time_import(folder, url)
        again = _time_import(folder, url)
        random_zips = rng.sample(list(zips), args.queries)
        near_zips = [rng.choice(metros) for _ in range(args.queries)]
        noon = dt.datetime(2026, 6, 3, 17, 0, tzinfo=dt.timezone.utc)  # a Wednesday, midday in the US
        rows = [
            ("random ZIPs, no filters", _time_searches(url, random_zips, now=noon)),
            (
                "random ZIPs, type=naloxone + open now",
                _time_searches(url, random_zips, service_types=["naloxone"], open_now=True, now=noon),
            ),
            ("ZIPs near services, no filters", _time_searches(url, near_zips, now=noon)),
            (
                "ZIPs near services, type + open now + free + Spanish, 10 results",
                _time_searches(
                    url,
                    near_zips,
                    service_types=["treatment", "buprenorphine"],
                    open_now=True,
                    free=True,
                    language="es",
                    limit=10,
                    now=noon,
                ),
            ),
        ]
        db.dispose_all()
    print(
        f"## Directory benchmark ({args.services:,} services, {size_mb:.1f} MiB of HSDS 3.0 CSV, "
        f"SQLite, {os.cpu_count()} CPU)\n"
    )
    print("| step | time | peak RSS (MiB) | RSS growth (MiB) | services |")
    print("|---|---|---|---|---|")
    print(f"| import (empty database) | {first[0]:.1f} s | {first[1]:.0f} | {first[2]:.0f} | {first[3]} |")
    print(f"| re-import (no changes) | {again[0]:.1f} s | {again[1]:.0f} | {again[2]:.0f} | {again[3]} |")
    print()
    print(f"| search ({args.queries} queries each) | p50 ms | p95 ms | max ms | results per query |")
    print("|---|---|---|---|---|")
    for label, (p50, p95, worst, per) in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {worst:.1f} | {per:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
