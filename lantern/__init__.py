"""Lantern's shared library: what more than one process needs, with no Rasa-server imports.

settings, logs, identity (pseudonyms), memory (what a session carries), db (SQLite/PostgreSQL
engines, one Alembic environment), crisis (detection and the crisis script), directory
(referral data and search), records (transcripts and the anonymizer), nlu (the pure models the
Rasa components wrap). The Rasa server (`rasa_plugins`), the action server (`actions`), the
command-line tools (`tools`) and the staff web app (`staff`) import from here, never the reverse.
"""
