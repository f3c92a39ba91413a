"""Alembic environment for the directory tables only (prefix dir_, version table dir_alembic_version)."""
from lantern.directory.db import VERSION_TABLE
from lantern.directory.models import Base
from lantern.db.migrations import run_env

run_env(Base.metadata, VERSION_TABLE, table_prefix="dir_")
