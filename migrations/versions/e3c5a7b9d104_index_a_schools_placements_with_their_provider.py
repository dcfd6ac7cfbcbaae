"""A school's placements indexed with their provider too: the providers a school places
with (its attendance totals) are read from the index, not from each placement's row.

Revision ID: e3c5a7b9d104
Revises: d8b2f4a6c913
"""

from alembic import op

revision = "e3c5a7b9d104"
down_revision = "d8b2f4a6c913"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("placement") as batch:
        batch.drop_index("ix_placement_school_open")
        batch.create_index("ix_placement_school_open", ["school_id", "ended_on", "provider_id"])


def downgrade():
    with op.batch_alter_table("placement") as batch:
        batch.drop_index("ix_placement_school_open")
        batch.create_index("ix_placement_school_open", ["school_id", "ended_on"])
