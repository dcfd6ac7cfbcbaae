"""Holding one row for the rest of a transaction, so that two requests that must not both
pass a check (no open visit yet; the provider's placements below the registration line)
take turns at it.

PostgreSQL locks the row (SELECT ... FOR NO KEY UPDATE, which rows that only refer to it do
not wait for, nor it for them): a second transaction waits at the same line until the first
commits, then reads what it committed. SQLite has one writer at a
time: an UPDATE that changes no row takes the database's write lock just as early.
"""

from typing import NamedTuple

from sqlalchemy import bindparam, false, select, update

from qa_app.extensions import db
from qa_app.kept_figures import CHANGES_NOTHING
from qa_app.statements import built_once


def lock_row(model, row_id):
    """Hold `model`'s row `row_id` (by id) until the current transaction ends."""
    statements = _statements(model)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(statements.one, {"row_id": row_id})
    else:
        db.session.execute(statements.sqlite)


def lock_rows(model, row_ids):
    """Hold these rows of `model` until the current transaction ends, in id order (so that
    two transactions holding some of the same rows never wait on each other in a circle)."""
    row_ids = sorted(set(row_ids))
    if not row_ids:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_statements(model).many, {"row_ids": row_ids})
    else:
        lock_row(model, row_ids[0])


class _Locks(NamedTuple):
    one: object
    many: object
    sqlite: object


@built_once
def _statements(model):
    """A model's locking statements, built once (a save runs them every time)."""
    return _Locks(
        select(model.id).where(model.id == bindparam("row_id")).with_for_update(key_share=True),
        select(model.id)
        .where(model.id.in_(bindparam("row_ids", expanding=True)))
        .order_by(model.id)
        .with_for_update(key_share=True),
        # Matches no row, so it leaves the kept figures as they are.
        update(model.__table__)
        .where(false())
        .values(id=model.__table__.c.id)
        .execution_options(**{CHANGES_NOTHING: True}),
    )
