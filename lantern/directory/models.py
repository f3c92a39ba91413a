"""Directory tables: organisations, services, locations and what hangs off them.

Every imported row keeps its HSDS id, scoped by the source it came from, so a
re-import can tell added from updated from removed. Staff decisions
(`disabled`, `disabled_reason`) live on the rows and are never touched by an
import. Table names start with `dir_` so the directory can share a database.
The schema itself is created by the Alembic migrations in `migrations/`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

# SQLAlchemy 1.4's declarative_base() returns a class mypy cannot use as a base without a plugin.
Base: Any = declarative_base()

_CASCADE = "CASCADE"


class Source(Base):
    """One imported directory (a file or datapackage), named by staff or after the path."""

    __tablename__ = "dir_source"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    format = Column(String(40), nullable=False)
    path = Column(Text)
    imported_at = Column(DateTime, nullable=False)


class Organization(Base):
    __tablename__ = "dir_organization"
    __table_args__ = (UniqueConstraint("source_id", "hsds_id", name="uq_dir_org_source_hsds"),)
    id = Column(Integer, primary_key=True)
    source_id = Column(Integer, ForeignKey("dir_source.id", ondelete=_CASCADE), nullable=False)
    hsds_id = Column(String(250), nullable=False)
    name = Column(String(500), nullable=False)
    alternate_name = Column(String(500))
    description = Column(Text)
    email = Column(String(320))
    website = Column(Text)
    content_hash = Column(String(64), nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    disabled_reason = Column(Text)
    disabled_at = Column(DateTime)

    services = relationship("Service", back_populates="organization")


class Service(Base):
    __tablename__ = "dir_service"
    __table_args__ = (
        UniqueConstraint("source_id", "hsds_id", name="uq_dir_service_source_hsds"),
        Index("ix_dir_service_org", "organization_id"),
    )
    id = Column(Integer, primary_key=True)
    source_id = Column(Integer, ForeignKey("dir_source.id", ondelete=_CASCADE), nullable=False)
    hsds_id = Column(String(250), nullable=False)
    organization_id = Column(Integer, ForeignKey("dir_organization.id", ondelete=_CASCADE), nullable=False)
    name = Column(String(500), nullable=False)
    alternate_name = Column(String(500))
    description = Column(Text)
    url = Column(Text)
    email = Column(String(320))
    status = Column(String(40), nullable=False)
    fees_description = Column(Text)
    eligibility_description = Column(Text)
    application_process = Column(Text)
    interpretation_services = Column(Text)
    alert = Column(Text)
    minimum_age = Column(Float)
    maximum_age = Column(Float)
    assured_date = Column(Date)
    is_free = Column(Boolean, nullable=False, default=False)
    is_walk_in = Column(Boolean, nullable=False, default=False)
    no_insurance = Column(Boolean, nullable=False, default=False)
    content_hash = Column(String(64), nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    disabled_reason = Column(Text)
    disabled_at = Column(DateTime)

    organization = relationship("Organization", back_populates="services")
    types = relationship("ServiceType", cascade="all, delete-orphan", passive_deletes=True)
    terms = relationship("ServiceTerm", cascade="all, delete-orphan", passive_deletes=True)
    phones = relationship(
        "Phone", cascade="all, delete-orphan", passive_deletes=True, primaryjoin="Service.id == Phone.service_id"
    )
    languages = relationship(
        "Language", cascade="all, delete-orphan", passive_deletes=True, primaryjoin="Service.id == Language.service_id"
    )
    at_locations = relationship("ServiceAtLocation", cascade="all, delete-orphan", passive_deletes=True)


class Location(Base):
    __tablename__ = "dir_location"
    __table_args__ = (
        UniqueConstraint("source_id", "hsds_id", name="uq_dir_location_source_hsds"),
        Index("ix_dir_location_lat_lon", "latitude", "longitude"),
    )
    id = Column(Integer, primary_key=True)
    source_id = Column(Integer, ForeignKey("dir_source.id", ondelete=_CASCADE), nullable=False)
    hsds_id = Column(String(250), nullable=False)
    organization_id = Column(Integer, ForeignKey("dir_organization.id", ondelete="SET NULL"))
    location_type = Column(String(20), nullable=False, default="physical")
    name = Column(String(500))
    alternate_name = Column(String(500))
    description = Column(Text)
    transportation = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    geo_approximate = Column(Boolean, nullable=False, default=False)  # placed at its ZIP centroid
    timezone = Column(String(64))  # IANA name, from the address ZIP
    content_hash = Column(String(64), nullable=False)

    addresses = relationship("Address", cascade="all, delete-orphan", passive_deletes=True)


class Address(Base):
    __tablename__ = "dir_address"
    __table_args__ = (Index("ix_dir_address_location", "location_id"), Index("ix_dir_address_postal", "postal_code"))
    id = Column(Integer, primary_key=True)
    location_id = Column(Integer, ForeignKey("dir_location.id", ondelete=_CASCADE), nullable=False)
    hsds_id = Column(String(250))
    address_type = Column(String(20), nullable=False, default="physical")
    attention = Column(Text)
    address_1 = Column(String(500))
    address_2 = Column(Text)
    city = Column(String(200))
    region = Column(Text)
    state_province = Column(String(100))
    postal_code = Column(String(20))
    country = Column(String(60))


class ServiceAtLocation(Base):
    __tablename__ = "dir_service_at_location"
    __table_args__ = (Index("ix_dir_sal_service", "service_id"), Index("ix_dir_sal_location", "location_id"))
    id = Column(Integer, primary_key=True)
    hsds_id = Column(String(250))
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete=_CASCADE), nullable=False)
    location_id = Column(Integer, ForeignKey("dir_location.id", ondelete=_CASCADE), nullable=False)
    description = Column(Text)
    # Denormalised at import so a search reads one row per result: what to show (JSON), and the
    # opening hours that apply here (JSON list; the sal's own, else the service's, else the location's).
    card = Column(Text)
    hours = Column(Text)

    location = relationship("Location")


class Phone(Base):
    """A phone owned by exactly one of: organization, service, location, service-at-location."""

    __tablename__ = "dir_phone"
    __table_args__ = (
        Index("ix_dir_phone_service", "service_id"),
        Index("ix_dir_phone_location", "location_id"),
        Index("ix_dir_phone_org", "organization_id"),
        Index("ix_dir_phone_sal", "service_at_location_id"),
    )
    id = Column(Integer, primary_key=True)
    hsds_id = Column(String(250))
    organization_id = Column(Integer, ForeignKey("dir_organization.id", ondelete=_CASCADE))
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete=_CASCADE))
    location_id = Column(Integer, ForeignKey("dir_location.id", ondelete=_CASCADE))
    service_at_location_id = Column(Integer, ForeignKey("dir_service_at_location.id", ondelete=_CASCADE))
    number = Column(String(50), nullable=False)
    extension = Column(String(20))
    type = Column(String(20))
    description = Column(Text)


class Schedule(Base):
    """Opening hours as HSDS gives them (RRULE-like), with times pre-parsed to minutes."""

    __tablename__ = "dir_schedule"
    __table_args__ = (
        Index("ix_dir_schedule_service", "service_id"),
        Index("ix_dir_schedule_location", "location_id"),
        Index("ix_dir_schedule_sal", "service_at_location_id"),
    )
    id = Column(Integer, primary_key=True)
    hsds_id = Column(String(250))
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete=_CASCADE))
    location_id = Column(Integer, ForeignKey("dir_location.id", ondelete=_CASCADE))
    service_at_location_id = Column(Integer, ForeignKey("dir_service_at_location.id", ondelete=_CASCADE))
    freq = Column(String(10))
    interval = Column(Integer)
    byday = Column(String(100))
    bymonthday = Column(String(100))
    opens_at = Column(String(20))
    closes_at = Column(String(20))
    opens_min = Column(Integer)  # minutes after local midnight
    closes_min = Column(Integer)
    utc_offset_min = Column(Integer)  # set when the data gives an explicit offset
    valid_from = Column(Date)
    valid_to = Column(Date)
    dtstart = Column(Date)
    until = Column(Date)
    closed = Column(Boolean, nullable=False, default=False)  # HSDS 2.0 holiday closure
    description = Column(Text)


class Language(Base):
    __tablename__ = "dir_language"
    __table_args__ = (Index("ix_dir_language_service", "service_id"), Index("ix_dir_language_location", "location_id"))
    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete=_CASCADE))
    location_id = Column(Integer, ForeignKey("dir_location.id", ondelete=_CASCADE))
    name = Column(String(100))
    code = Column(String(20))  # lower-case ISO 639-1 where known


class TaxonomyTerm(Base):
    """The publisher's own taxonomy, kept as given (replaced on each import of its source)."""

    __tablename__ = "dir_taxonomy_term"
    __table_args__ = (Index("ix_dir_term_source", "source_id", "hsds_id"),)
    id = Column(Integer, primary_key=True)
    source_id = Column(Integer, ForeignKey("dir_source.id", ondelete=_CASCADE), nullable=False)
    hsds_id = Column(String(250), nullable=False)
    code = Column(Text)
    name = Column(String(500), nullable=False)
    description = Column(Text)
    taxonomy = Column(Text)
    parent_hsds_id = Column(String(250))
    language = Column(Text)
    term_uri = Column(Text)


class ServiceTerm(Base):
    """A service's link to one of the publisher's terms, with the term copied as given."""

    __tablename__ = "dir_service_term"
    __table_args__ = (Index("ix_dir_service_term_service", "service_id"),)
    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete=_CASCADE), nullable=False)
    term_hsds_id = Column(String(250))
    taxonomy = Column(Text)
    code = Column(Text)
    name = Column(String(500))
    value = Column(Text)


class ServiceType(Base):
    """A service's Lantern type (see taxonomy.py), derived at import."""

    __tablename__ = "dir_service_type"
    __table_args__ = (Index("ix_dir_service_type_code", "type_code", "service_id"),)
    service_id = Column(Integer, ForeignKey("dir_service.id", ondelete=_CASCADE), primary_key=True)
    type_code = Column(String(40), primary_key=True)
