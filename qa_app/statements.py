"""Statements built once (docs/architecture.md, "Statements built once").

Building a list page's SELECT (its joins, subqueries and window functions) and working out
its cache key costs more CPU than running it on SQLite for the page's rows: 1.9 ms of the
programme's 2.5 ms for its open visits. SQL expressions are immutable, so a statement that
depends only on who is asking is built once for each `Viewer` (`built_once`) and run again;
what changes from one request to the next (the page, how many rows) goes in as bound
parameters.
"""

from functools import lru_cache
from typing import NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select

from qa_app.extensions import db

# Statements kept per builder: one for each viewer who opened the page lately (an
# authority has tens of officers and schools, each statement a few kilobytes).
KEPT = 512


class Viewer(NamedTuple):
    """What a scope's SQL reads of a user (docs/architecture.md), as a key for the
    statements built for them: a user whose role, school, provider or sign-off deputy
    changes is a new key, and so gets statements of their own."""

    id: int
    role: str
    school_id: int | None
    provider_id: int | None
    sign_off_deputy: bool


def viewer(user):
    """The Viewer of a signed-in user (it answers the scopes' getattr as the user does)."""
    return Viewer(
        user.id,
        user.role,
        getattr(user, "school_id", None),
        getattr(user, "provider_id", None),
        bool(getattr(user, "sign_off_deputy", False)),
    )


def built_once(builder):
    """Keep a statement builder's answers by its (hashable) arguments."""
    return lru_cache(maxsize=KEPT)(builder)


@built_once
def _page_statements(query):
    """A query's page (its limit and offset bound parameters) and its count."""
    page = query.limit(bindparam("page_limit")).offset(bindparam("page_offset"))
    count = select(func.count()).select_from(query.order_by(None).subquery())
    return page, count


class PreparedPagination(Pagination):
    """db.paginate for a statement built once: its page and count statements are built once
    too, the page number going in as parameters (`query`: a select of ORM entities, or of
    columns with `rows=True`; `params`: any other parameters it binds)."""

    def _statements(self):
        return _page_statements(self._query_args["query"])

    def _query_items(self):
        page, _ = self._statements()
        params = {
            **self._query_args.get("params", {}),
            "page_limit": self.per_page,
            "page_offset": self._query_offset,
        }
        found = db.session.execute(page, params)
        return found.all() if self._query_args.get("rows") else found.unique().scalars().all()

    def _query_count(self):
        _, count = self._statements()
        return db.session.execute(count, self._query_args.get("params", {})).scalar()
