"""sync receipts name the record

Revision ID: e3a5c7f9b104
Revises: d7e2b9c4a815
Create Date: 2026-12-06 18:00:00.000000

A receipt's uuid column has held placements' uuids as well as visits' since the placements
API used the same idempotent write: it is renamed to say so. The model moves to qa_app/api.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3a5c7f9b104'
down_revision = 'd7e2b9c4a815'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_receipt', schema=None) as batch_op:
        batch_op.alter_column('visit_uuid', new_column_name='record_uuid', existing_type=sa.String(length=36), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('sync_receipt', schema=None) as batch_op:
        batch_op.alter_column('record_uuid', new_column_name='visit_uuid', existing_type=sa.String(length=36), existing_nullable=False)
