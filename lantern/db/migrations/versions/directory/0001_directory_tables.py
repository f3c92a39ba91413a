"""Directory tables: sources, organizations, services, locations and what hangs off them.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("directory",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "dir_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "dir_organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("alternate_name", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["dir_source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "hsds_id", name="uq_dir_org_source_hsds"),
    )
    op.create_table(
        "dir_taxonomy_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("taxonomy", sa.Text(), nullable=True),
        sa.Column("parent_hsds_id", sa.String(length=250), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("term_uri", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["dir_source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_taxonomy_term", schema=None) as batch_op:
        batch_op.create_index("ix_dir_term_source", ["source_id", "hsds_id"], unique=False)

    op.create_table(
        "dir_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("location_type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("alternate_name", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("transportation", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("geo_approximate", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["dir_organization.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["source_id"], ["dir_source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "hsds_id", name="uq_dir_location_source_hsds"),
    )
    with op.batch_alter_table("dir_location", schema=None) as batch_op:
        batch_op.create_index("ix_dir_location_lat_lon", ["latitude", "longitude"], unique=False)

    op.create_table(
        "dir_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("alternate_name", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("fees_description", sa.Text(), nullable=True),
        sa.Column("eligibility_description", sa.Text(), nullable=True),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("interpretation_services", sa.Text(), nullable=True),
        sa.Column("alert", sa.Text(), nullable=True),
        sa.Column("minimum_age", sa.Float(), nullable=True),
        sa.Column("maximum_age", sa.Float(), nullable=True),
        sa.Column("assured_date", sa.Date(), nullable=True),
        sa.Column("is_free", sa.Boolean(), nullable=False),
        sa.Column("is_walk_in", sa.Boolean(), nullable=False),
        sa.Column("no_insurance", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["dir_organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["dir_source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "hsds_id", name="uq_dir_service_source_hsds"),
    )
    with op.batch_alter_table("dir_service", schema=None) as batch_op:
        batch_op.create_index("ix_dir_service_org", ["organization_id"], unique=False)

    op.create_table(
        "dir_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=True),
        sa.Column("address_type", sa.String(length=20), nullable=False),
        sa.Column("attention", sa.Text(), nullable=True),
        sa.Column("address_1", sa.String(length=500), nullable=True),
        sa.Column("address_2", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("state_province", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["dir_location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_address", schema=None) as batch_op:
        batch_op.create_index("ix_dir_address_location", ["location_id"], unique=False)
        batch_op.create_index("ix_dir_address_postal", ["postal_code"], unique=False)

    op.create_table(
        "dir_language",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["dir_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_language", schema=None) as batch_op:
        batch_op.create_index("ix_dir_language_location", ["location_id"], unique=False)
        batch_op.create_index("ix_dir_language_service", ["service_id"], unique=False)

    op.create_table(
        "dir_service_at_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("card", sa.Text(), nullable=True),
        sa.Column("hours", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["dir_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_service_at_location", schema=None) as batch_op:
        batch_op.create_index("ix_dir_sal_location", ["location_id"], unique=False)
        batch_op.create_index("ix_dir_sal_service", ["service_id"], unique=False)

    op.create_table(
        "dir_service_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("term_hsds_id", sa.String(length=250), nullable=True),
        sa.Column("taxonomy", sa.Text(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_service_term", schema=None) as batch_op:
        batch_op.create_index("ix_dir_service_term_service", ["service_id"], unique=False)

    op.create_table(
        "dir_service_type",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "type_code"),
    )
    with op.batch_alter_table("dir_service_type", schema=None) as batch_op:
        batch_op.create_index("ix_dir_service_type_code", ["type_code", "service_id"], unique=False)

    op.create_table(
        "dir_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("service_at_location_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("extension", sa.String(length=20), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["dir_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["dir_organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_at_location_id"], ["dir_service_at_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_phone", schema=None) as batch_op:
        batch_op.create_index("ix_dir_phone_location", ["location_id"], unique=False)
        batch_op.create_index("ix_dir_phone_org", ["organization_id"], unique=False)
        batch_op.create_index("ix_dir_phone_sal", ["service_at_location_id"], unique=False)
        batch_op.create_index("ix_dir_phone_service", ["service_id"], unique=False)

    op.create_table(
        "dir_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hsds_id", sa.String(length=250), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("service_at_location_id", sa.Integer(), nullable=True),
        sa.Column("freq", sa.String(length=10), nullable=True),
        sa.Column("interval", sa.Integer(), nullable=True),
        sa.Column("byday", sa.String(length=100), nullable=True),
        sa.Column("bymonthday", sa.String(length=100), nullable=True),
        sa.Column("opens_at", sa.String(length=20), nullable=True),
        sa.Column("closes_at", sa.String(length=20), nullable=True),
        sa.Column("opens_min", sa.Integer(), nullable=True),
        sa.Column("closes_min", sa.Integer(), nullable=True),
        sa.Column("utc_offset_min", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("dtstart", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["location_id"], ["dir_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_at_location_id"], ["dir_service_at_location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["dir_service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dir_schedule", schema=None) as batch_op:
        batch_op.create_index("ix_dir_schedule_location", ["location_id"], unique=False)
        batch_op.create_index("ix_dir_schedule_sal", ["service_at_location_id"], unique=False)
        batch_op.create_index("ix_dir_schedule_service", ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dir_schedule", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_schedule_service")
        batch_op.drop_index("ix_dir_schedule_sal")
        batch_op.drop_index("ix_dir_schedule_location")

    op.drop_table("dir_schedule")
    with op.batch_alter_table("dir_phone", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_phone_service")
        batch_op.drop_index("ix_dir_phone_sal")
        batch_op.drop_index("ix_dir_phone_org")
        batch_op.drop_index("ix_dir_phone_location")

    op.drop_table("dir_phone")
    with op.batch_alter_table("dir_service_type", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_service_type_code")

    op.drop_table("dir_service_type")
    with op.batch_alter_table("dir_service_term", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_service_term_service")

    op.drop_table("dir_service_term")
    with op.batch_alter_table("dir_service_at_location", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_sal_service")
        batch_op.drop_index("ix_dir_sal_location")

    op.drop_table("dir_service_at_location")
    with op.batch_alter_table("dir_language", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_language_service")
        batch_op.drop_index("ix_dir_language_location")

    op.drop_table("dir_language")
    with op.batch_alter_table("dir_address", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_address_postal")
        batch_op.drop_index("ix_dir_address_location")

    op.drop_table("dir_address")
    with op.batch_alter_table("dir_service", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_service_org")

    op.drop_table("dir_service")
    with op.batch_alter_table("dir_location", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_location_lat_lon")

    op.drop_table("dir_location")
    with op.batch_alter_table("dir_taxonomy_term", schema=None) as batch_op:
        batch_op.drop_index("ix_dir_term_source")

    op.drop_table("dir_taxonomy_term")
    op.drop_table("dir_organization")
    op.drop_table("dir_source")
