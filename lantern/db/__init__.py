"""Database plumbing shared by every table group: engines and Alembic."""
