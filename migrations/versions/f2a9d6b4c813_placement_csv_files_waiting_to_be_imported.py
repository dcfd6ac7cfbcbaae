"""placement CSV files that passed their dry run, waiting to be imported

Revision ID: f2a9d6b4c813
Revises: e8b3f0c5a721
Create Date: 2026-12-01 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2a9d6b4c813'
down_revision = 'e8b3f0c5a721'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('placement_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_placement_import_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_placement_import_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_import')),
    sa.UniqueConstraint('token', name=op.f('uq_placement_import_token'))
    )
    with op.batch_alter_table('placement_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_import_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('placement_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_import_user_id'))
    op.drop_table('placement_import')
