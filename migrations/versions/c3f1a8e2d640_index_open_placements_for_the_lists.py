"""index open placements and the latest review for the lists

Revision ID: c3f1a8e2d640
Revises: c4a8e1f7d302
Create Date: 2026-12-06 10:25:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f1a8e2d640'
down_revision = "c4a8e1f7d302"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_provider_open')
        batch_op.create_index(
            'ix_placement_provider_open', ['provider_id', 'ended_on', 'school_id'], unique=False
        )
        batch_op.create_index(
            'ix_placement_figures',
            ['reason', 'commissioned_by', 'ehc_plan', 'sen_support', 'looked_after', 'ended_on'],
            unique=False,
        )
    with op.batch_alter_table('placement_review', schema=None) as batch_op:
        batch_op.create_index('ix_placement_review_latest', ['placement_id', 'review_date'], unique=False)


def downgrade():
    with op.batch_alter_table('placement_review', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_review_latest')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_figures')
        batch_op.drop_index('ix_placement_provider_open')
        batch_op.create_index('ix_placement_provider_open', ['provider_id', 'ended_on'], unique=False)
