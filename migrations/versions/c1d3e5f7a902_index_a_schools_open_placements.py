"""A school's placements indexed with their end date: the open ones and those ended since a
date are read from the index (a school visit's list, the offline bundle).

Revision ID: c1d3e5f7a902
Revises: b7e2d4c9a105
"""

from alembic import op

revision = "c1d3e5f7a902"
down_revision = "b7e2d4c9a105"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("placement") as batch:
        batch.create_index("ix_placement_school_open", ["school_id", "ended_on"])
        batch.drop_index("ix_placement_school_id")


def downgrade():
    with op.batch_alter_table("placement") as batch:
        batch.create_index("ix_placement_school_id", ["school_id"])
        batch.drop_index("ix_placement_school_open")
