"""The staff console: a Flask app, its own process (`python -m staff serve`), for reviewing transcripts.

docs/staff-console.md describes what staff can do and how it is secured. It reads the tracker
store's database directly (transcripts and its own `staff_*` tables, lantern/db/staff_tables.py);
it never talks to the Rasa server.
"""
