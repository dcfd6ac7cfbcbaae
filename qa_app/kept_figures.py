"""Figures over the whole authority, counted once and kept while the rows they count stand
still (docs/architecture.md, "Figures kept between changes").

A list page for the authority opens with counts over every open placement: what is overdue,
why pupils are placed, the providers of concern. Counted on every request, they cost tens of
milliseconds at 30,000 placements. Here they are counted once and kept in the process, under
a token that every commit changing a watched table replaces in the same transaction: the
next request after any change reads the new token and counts again, so a figure is never
older than the rows it counts.

- `watch(*tables)`: a feature names the tables its kept figures read (at import).
- `kept(name, key, compute)`: `compute()`'s answer, kept under the current token (where a
  figure depends on the day, today's date is part of `key`).

The token is one row of `figures_token`. A flush that wrote a watched table (through the
unit of work or an INSERT, UPDATE or DELETE statement run by the session) marks the session;
its commit writes a new random token as its last statement, so the row is locked only while
the transaction commits (a savepoint leaves it to its transaction). A request reads the token
once, and again after it commits. Without the row (a database emptied by the tests) nothing
is kept. Each process keeps its own figures, the most recent KEEP of them: the token, not the
process, says whether they still hold, so several servers agree without sharing memory.
"""

import threading
import uuid
from collections import OrderedDict
from functools import lru_cache
from itertools import chain

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qa_app.extensions import db

# Figures kept per process. The largest, the authority's providers in list order, is a row a
# provider (about 300 KB at 2,000 providers): at most some 20 MB a process.
KEEP = 64
WATCHED = set()
_CHANGED = "kept_figures.changed"
# The execution option of a write that changes no row (SQLite's row lock: an UPDATE that
# matches nothing but takes the write lock), which replaces no token.
CHANGES_NOTHING = "changes_no_row"
_TOKEN = "qa_app.kept_figures.token"  # in the request's environ
_MISSING = object()


class FiguresToken(db.Model):
    """One row: a token replaced by every commit that changes a watched table."""

    __tablename__ = "figures_token"
    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(32), nullable=False)


def watch(*tables):
    """Replace the token whenever one of these tables (by name) changes."""
    WATCHED.update(tables)


class _Store:
    """The most recent KEEP figures, by key (thread-safe)."""

    def __init__(self):
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key, _MISSING)
            if found is not _MISSING:
                self._items.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > KEEP:
                self._items.popitem(last=False)


def init_app(app):
    app.extensions["kept_figures"] = _Store()


def current_token():
    """The token now (None when its row is missing): read once a request, and again after
    the request commits. Outside a request (a command, a test's own calls) it is read each
    time: a transaction there may outlive others' commits."""
    if not has_request_context():
        return _read_token()
    if _TOKEN not in request.environ:
        request.environ[_TOKEN] = _read_token()
    return request.environ[_TOKEN]


def _read_token():
    return db.session.scalar(select(FiguresToken.token).where(FiguresToken.id == 1))


def kept(name, key, compute):
    """compute()'s answer for (name, key), counted once while the watched tables stand still.
    The answer is shared between requests: it must be plain data, never mapped objects."""
    token = current_token()
    if token is None:
        return compute()
    store = current_app.extensions["kept_figures"]
    full_key = (name, token, key)
    found = store.get(full_key)
    if found is _MISSING:
        found = compute()
        store.put(full_key, found)
    return found


def _table_of(instance):
    table = getattr(type(instance), "__table__", None)
    return getattr(table, "name", None)


@event.listens_for(Session, "after_flush")
def _note_flush(session, flush_context):
    if session.info.get(_CHANGED):
        return
    if any(_table_of(row) in WATCHED for row in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state):
    writes = state.is_insert or state.is_update or state.is_delete
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if writes and table in WATCHED and not state.execution_options.get(CHANGES_NOTHING):
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _replace_token(session):
    # A savepoint's release leaves it to the transaction's own commit, so that the token's
    # row is always the last a transaction locks (two transactions then never wait on each
    # other's locks in a circle).
    if session.in_nested_transaction():
        return
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    session.execute(_write_token(session.get_bind().dialect.name), {"token": uuid.uuid4().hex})


@lru_cache(maxsize=2)
def _write_token(dialect):
    """The statement that writes a new token, its row made if missing (made once)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FiguresToken).values(id=1, token=bindparam("token"))
    return statement.on_conflict_do_update(index_elements=["id"], set_={"token": statement.excluded.token})


@event.listens_for(Session, "after_commit")
def _read_again(session):
    if has_request_context():
        request.environ.pop(_TOKEN, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
