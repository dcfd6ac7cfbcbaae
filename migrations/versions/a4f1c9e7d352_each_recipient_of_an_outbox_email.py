"""each recipient of an outbox email: sent, waiting or undeliverable

Revision ID: a4f1c9e7d352
Revises: b4f9bf453872
Create Date: 2026-12-06 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4f1c9e7d352'
down_revision = 'b4f9bf453872'
branch_labels = None
depends_on = None


def upgrade():
    recipient = op.create_table(
        'outbox_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('undeliverable_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['email_id'], ['outbox_email.id'], name=op.f('fk_outbox_recipient_email_id_outbox_email')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_recipient')),
    )
    with op.batch_alter_table('outbox_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_recipient_email_id'), ['email_id'], unique=False)
        batch_op.create_index('ix_outbox_recipient_undeliverable', ['undeliverable_at'], unique=False)
    # Every email already queued: one row per recipient, sent when the email was.
    connection = op.get_bind()
    emails = connection.execute(sa.text('SELECT id, recipients, sent_at FROM outbox_email')).all()
    rows = [
        {'email_id': email_id, 'address': address, 'sent_at': sent_at, 'undeliverable_at': None, 'last_error': ''}
        for email_id, recipients, sent_at in emails
        for address in dict.fromkeys(a.strip() for a in recipients.split(',') if a.strip())
    ]
    if rows:
        op.bulk_insert(recipient, rows)


def downgrade():
    with op.batch_alter_table('outbox_recipient', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_recipient_undeliverable')
        batch_op.drop_index(batch_op.f('ix_outbox_recipient_email_id'))
    op.drop_table('outbox_recipient')
