"""Alembic environment for the transcript tables only (never Rasa's `events` or other Lantern tables)."""
from lantern.db.migrations import run_env
from lantern.records.transcripts.db import VERSION_TABLE
from lantern.records.transcripts.models import Base

run_env(Base.metadata, VERSION_TABLE, table_prefix="transcript_")
