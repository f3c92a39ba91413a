"""The anonymized record of every conversation, and what may be kept at rest.

- `scrub`: turns Rasa event dicts into what the tracker store may hold (no raw
  user text, no identifying entity or slot values, bot text that repeats user
  input anonymized) and into transcript message records.
- `models` + `migrations/`: the transcript tables (Alembic, version table
  `transcripts_alembic_version`), written by `rasa_plugins.tracker_store.LanternTrackerStore`
  in the same transaction as the tracker events.
- `export`, `retention`, `cli`: `python -m tools transcripts export|purge`.

See docs/transcripts.md.
"""
