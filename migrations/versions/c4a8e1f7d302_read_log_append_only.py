"""The read log: who viewed, downloaded or exported pupil-level or safeguarding content,
append-only (triggers refuse UPDATE and DELETE, and TRUNCATE on PostgreSQL).

Revision ID: c4a8e1f7d302
Revises: c5e1a7d3f208
"""

import sqlalchemy as sa
from alembic import op

revision = "c4a8e1f7d302"
down_revision = "c5e1a7d3f208"
branch_labels = None
depends_on = None

# As in qa_app/audit/models.py, which installs the same triggers on a table create_all makes.
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION read_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'read_event is append-only: % refused', TG_OP;
END
$$""",
    """CREATE TRIGGER read_event_append_only BEFORE UPDATE OR DELETE ON read_event
FOR EACH ROW EXECUTE FUNCTION read_event_refuse_change()""",
    """CREATE TRIGGER read_event_no_truncate BEFORE TRUNCATE ON read_event
FOR EACH STATEMENT EXECUTE FUNCTION read_event_refuse_change()""",
]
SQLITE_TRIGGERS = [
    """CREATE TRIGGER read_event_no_update BEFORE UPDATE ON read_event
BEGIN SELECT RAISE(ABORT, 'read_event is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER read_event_no_delete BEFORE DELETE ON read_event
BEGIN SELECT RAISE(ABORT, 'read_event is append-only: DELETE refused'); END""",
]


def upgrade():
    op.create_table(
        "read_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("object_kind", sa.String(length=30), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_read_event_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_read_event")),
    )
    op.create_index(op.f("ix_read_event_at"), "read_event", ["at"], unique=False)
    op.create_index("ix_read_event_user_at", "read_event", ["user_id", "at"], unique=False)
    op.create_index("ix_read_event_object", "read_event", ["object_kind", "object_id", "at"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": POSTGRES_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade():
    op.drop_table("read_event")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS read_event_refuse_change()")
