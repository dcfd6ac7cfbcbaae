"""one open escalation per provider, whatever raised it

Revision ID: a7c3e5f1d902
Revises: a4f1c9e7d352
Create Date: 2026-12-06 07:00:00.000000

A provider with more than one open escalation keeps its oldest; each later one is closed,
with its history saying which escalation it was added to, and the kept one's history
saying what was added to it, so that nothing is lost.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e5f1d902'
down_revision = 'a4f1c9e7d352'
branch_labels = None
depends_on = None

OLD = "source = 'placements' AND state != 'closed'"
NEW = "provider_id IS NOT NULL AND state != 'closed'"


def _reference(escalation_id):
    return f"ESC-{escalation_id:05d}"


def _merge_duplicates():
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, provider_id, reported_by_id, source FROM escalation "
            "WHERE provider_id IS NOT NULL AND state != 'closed' ORDER BY provider_id, created_at, id"
        )
    ).all()
    kept = {}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    event = sa.text(
        "INSERT INTO escalation_event (escalation_id, user_id, action, from_state, to_state, reason, at) "
        "VALUES (:escalation_id, :user_id, :action, :from_state, :to_state, :reason, :at)"
    )
    for row in rows:
        if row.provider_id not in kept:
            kept[row.provider_id] = row
            continue
        first = kept[row.provider_id]
        state = connection.execute(sa.text("SELECT state FROM escalation WHERE id = :id"), {"id": row.id}).scalar()
        connection.execute(
            sa.text("UPDATE escalation SET state = 'closed', outcome = :outcome WHERE id = :id"),
            {"id": row.id, "outcome": f"Added to {_reference(first.id)}, the provider's open escalation"},
        )
        connection.execute(
            event,
            {
                "escalation_id": row.id,
                "user_id": row.reported_by_id,
                "action": "transition",
                "from_state": state,
                "to_state": "closed",
                "reason": f"One open escalation per provider: added to {_reference(first.id)}",
                "at": now,
            },
        )
        connection.execute(
            event,
            {
                "escalation_id": first.id,
                "user_id": row.reported_by_id,
                "action": "evidence",
                "from_state": None,
                "to_state": None,
                "reason": f"{_reference(row.id)} (raised by {row.source.replace('_', ' ')}) was added to this "
                "escalation, the provider's open one; its history stays on it",
                "at": now,
            },
        )


def upgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('uq_escalation_open_placements')
    _merge_duplicates()
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index(
            'uq_escalation_open_provider',
            ['provider_id'],
            unique=True,
            sqlite_where=sa.text(NEW),
            postgresql_where=sa.text(NEW),
        )


def downgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('uq_escalation_open_provider')
        batch_op.create_index(
            'uq_escalation_open_placements',
            ['provider_id'],
            unique=True,
            sqlite_where=sa.text(OLD),
            postgresql_where=sa.text(OLD),
        )
