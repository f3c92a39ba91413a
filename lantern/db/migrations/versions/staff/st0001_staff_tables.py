"""Staff console tables: accounts, sessions, login attempts, audit log, reviews, tags, message notes.

Review rows, conversation tags and message notes cascade with the conversation or message they
annotate (foreign keys into the transcripts group, which is migrated first). The audit log is
append-only: triggers refuse UPDATE and DELETE on SQLite and PostgreSQL.

The tables are made from lantern/db/staff_tables.py as it stands at st0001. Before the next
schema change, copy those definitions into this file, so a fresh database still gets the st0001
shape and the new migration's change applies on top of it.

Revision ID: st0001
Revises:
Create Date: 2026-12-07
"""

from typing import Sequence, Union

from alembic import op

from lantern.db.staff_tables import metadata

revision: str = "st0001"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ("staff",)
depends_on: Union[str, Sequence[str], None] = None

CASCADES = (  # (table, column, referenced table)
    ("staff_reviews", "conversation_id", "transcript_conversations"),
    ("staff_conversation_tags", "conversation_id", "transcript_conversations"),
    ("staff_message_notes", "conversation_id", "transcript_conversations"),
    ("staff_message_notes", "message_id", "transcript_messages"),
)

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION staff_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'staff_audit is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER staff_audit_no_update BEFORE UPDATE OR DELETE ON staff_audit
FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
"""


def upgrade() -> None:
    bind = op.get_bind()
    for table in metadata.sorted_tables:
        if table.name == "staff_reviews" or table.name.endswith(("_tags", "_notes")):
            continue
        table.create(bind)
    for name in ("staff_reviews", "staff_conversation_tags", "staff_message_notes"):
        table = metadata.tables[name]
        if bind.dialect.name == "sqlite":  # SQLite can't add a foreign key later: write them into the table
            _create_sqlite_with_cascades(bind, table)
        else:
            table.create(bind)
    if bind.dialect.name != "sqlite":
        for table, column, target in CASCADES:
            op.create_foreign_key(f"fk_{table}_{column}", table, target, [column], ["id"], ondelete="CASCADE")
    if bind.dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER staff_audit_no_{event.lower()} BEFORE {event} ON staff_audit "
                "BEGIN SELECT RAISE(ABORT, 'staff_audit is append-only'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)


def _create_sqlite_with_cascades(bind: object, table: object) -> None:
    import sqlalchemy as sa

    assert isinstance(table, sa.Table)
    extra = [
        sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete="CASCADE")
        for name, column, target in CASCADES
        if name == table.name
    ]
    columns = [c.copy() for c in table.columns]  # a column's own ForeignKey comes with it
    constraints = [c.copy() for c in list(table.constraints) if isinstance(c, sa.UniqueConstraint)]
    copy = sa.Table(table.name, sa.MetaData(), *columns, *constraints, *extra)
    for index in table.indexes:
        if len(index.columns) == 1 and next(iter(index.columns)).index:
            continue  # a column's own index=True: its copy makes it
        sa.Index(index.name, *(copy.c[c.name] for c in index.columns), unique=index.unique)
    for target in sorted(
        {t for _, _, t in CASCADES} | {"staff_users"}
    ):  # declare the referenced tables so the DDL can name them
        if target not in copy.metadata.tables:
            sa.Table(target, copy.metadata, sa.Column("id", sa.Integer, primary_key=True))
    copy.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS staff_audit_no_update ON staff_audit")
        op.execute("DROP FUNCTION IF EXISTS staff_audit_append_only()")
    for table in reversed(metadata.sorted_tables):
        op.drop_table(table.name)
