"""What staff do with the directory besides importing: list entries, turn them off and on.

Disabling is a staff decision that outlives re-imports: a service that closed
last week, or one people report treating them badly, stays out of results
until someone enables it again, even if the publisher still lists it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lantern.directory import models as m
from lantern.directory import taxonomy

_svc, _org, _src, _stype = (m.Service.__table__, m.Organization.__table__, m.Source.__table__, m.ServiceType.__table__)


@dataclass(frozen=True)
class Entry:
    service_id: int
    hsds_id: str
    source: str
    name: str
    organization: str
    status: str
    disabled: bool
    disabled_reason: Optional[str]
    service_types: Sequence[str]


def find_service(session: Session, ref: str) -> Optional[m.Service]:
    """A service by Lantern id ('12'), HSDS id, or 'source:hsds_id' when ids clash across sources."""
    ref = str(ref).strip()
    if ref.isdigit():
        found = session.get(m.Service, int(ref))
        if found is not None:
            return found
    query = sa.select(m.Service).where(m.Service.hsds_id == ref)
    if ":" in ref:
        source, hsds = ref.split(":", 1)
        query = (
            sa.select(m.Service)
            .join(m.Source, m.Source.id == m.Service.source_id)
            .where(m.Source.name == source, m.Service.hsds_id == hsds)
        )
    rows = session.execute(query.limit(2)).scalars().all()
    return rows[0] if len(rows) == 1 else None


def list_entries(
    session: Session,
    source: Optional[str] = None,
    service_type: Optional[str] = None,
    name_contains: Optional[str] = None,
    disabled: Optional[bool] = None,
    limit: int = 50,
    offset: int = 0,
) -> List[Entry]:
    """Services for staff review, by name; filters are optional and combine."""
    query = (
        sa.select(
            _svc.c.id,
            _svc.c.hsds_id,
            _src.c.name.label("source"),
            _svc.c.name,
            _org.c.name.label("org"),
            _svc.c.status,
            _svc.c.disabled,
            _svc.c.disabled_reason,
        )
        .join(_org, _org.c.id == _svc.c.organization_id)
        .join(_src, _src.c.id == _svc.c.source_id)
    )
    if source:
        query = query.where(_src.c.name == source)
    if service_type:
        code = taxonomy.normalise_type(service_type) or service_type
        query = query.where(_svc.c.id.in_(sa.select(_stype.c.service_id).where(_stype.c.type_code == code)))
    if name_contains:
        needle = name_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            sa.or_(_svc.c.name.ilike(f"%{needle}%", escape="\\"), _org.c.name.ilike(f"%{needle}%", escape="\\"))
        )
    if disabled is not None:
        query = query.where(_svc.c.disabled.is_(disabled))
    rows = session.execute(query.order_by(_svc.c.name, _svc.c.id).limit(max(1, limit)).offset(max(0, offset))).all()
    types: dict = {}
    if rows:
        for r in session.execute(sa.select(_stype).where(_stype.c.service_id.in_([r.id for r in rows]))):
            types.setdefault(r.service_id, []).append(r.type_code)
    return [
        Entry(
            r.id,
            r.hsds_id,
            r.source,
            r.name,
            r.org,
            r.status,
            bool(r.disabled),
            r.disabled_reason,
            tuple(sorted(types.get(r.id, []))),
        )
        for r in rows
    ]


def set_disabled(session: Session, ref: str, disabled: bool, reason: Optional[str] = None) -> Optional[m.Service]:
    """Disable (hide from search) or enable a service; returns it, or None if not found."""
    service = find_service(session, ref)
    if service is None:
        return None
    service.disabled = disabled
    service.disabled_reason = (reason or "").strip()[:500] or None if disabled else None
    service.disabled_at = dt.datetime.utcnow() if disabled else None
    return service


def list_sources(session: Session) -> List[dict]:
    counts = dict(session.execute(sa.select(_svc.c.source_id, sa.func.count()).group_by(_svc.c.source_id)).all())
    return [
        {
            "name": s.name,
            "format": s.format,
            "imported_at": s.imported_at,
            "path": s.path,
            "services": counts.get(s.id, 0),
        }
        for s in session.execute(sa.select(m.Source).order_by(m.Source.name)).scalars()
    ]
