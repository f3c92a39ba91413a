"""The one Alembic environment for every Lantern table group (lantern/db/schema.py says how and why)."""

from lantern.db.schema import run_env

run_env()
