"""Alembic environment for the transcript tables only (never Rasa's `events` or other Lantern tables)."""
from bot.migrations import run_env
from bot.transcripts.db import VERSION_TABLE
from bot.transcripts.models import Base

run_env(Base.metadata, VERSION_TABLE, table_prefix="transcript_")
