"""Escalations indexed by state, review date and the day raised: the queue and the
dashboard count them from the index, not from rows whose test results can be kilobytes.

Revision ID: d8b2f4a6c913
Revises: f7e16bd8d758
"""

from alembic import op

revision = "d8b2f4a6c913"
down_revision = "f7e16bd8d758"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("escalation") as batch:
        batch.create_index("ix_escalation_state_due", ["state", "review_due", "created_at"])
        batch.drop_index("ix_escalation_state")


def downgrade():
    with op.batch_alter_table("escalation") as batch:
        batch.create_index("ix_escalation_state", ["state"])
        batch.drop_index("ix_escalation_state_due")
