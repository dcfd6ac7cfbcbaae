"""photos stored in the database

Revision ID: d7e2b9c4a150
Revises: c3f1a8e2d640
Create Date: 2026-12-06 13:40:00.000000

Each photo's JPEG moves into visit_photo.data (bytea on PostgreSQL, a blob on SQLite), so
any app server serves it. Photos already on disk stay there until `flask
move-files-into-database` reads them in; stored_name, the file's name, becomes optional.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7e2b9c4a150'
down_revision = 'c3f1a8e2d640'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit_photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.LargeBinary(), nullable=True))
        batch_op.alter_column('stored_name', existing_type=sa.String(length=64), nullable=True)


def downgrade():
    # A photo with no file on disk cannot go back without losing its JPEG: refuse.
    kept_only_here = op.get_bind().scalar(sa.text("SELECT count(*) FROM visit_photo WHERE stored_name IS NULL"))
    if kept_only_here:
        raise RuntimeError(f"{kept_only_here} photos are held only in the database; downgrading would lose them.")
    with op.batch_alter_table('visit_photo', schema=None) as batch_op:
        batch_op.alter_column('stored_name', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('data')
