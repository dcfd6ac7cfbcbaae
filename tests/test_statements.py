"""Statements built once (qa_app/statements.py): a page of a list is one statement whose rows
carry the list's count; a page past the end counts on its own; an empty list counts nothing."""

import pytest
from sqlalchemy import select

from qa_app.auth.models import User
from qa_app.statements import PreparedPagination


@pytest.fixture
def officers(make_user):
    """Seven officers, by email."""
    return [make_user("officer", email=f"officer{n}@example.org") for n in range(7)]


def page_of(page, role="officer", rows=False):
    query = select(User.email if rows else User).where(User.role == role).order_by(User.email)
    return PreparedPagination(query=query, rows=rows, page=page, per_page=3, error_out=False)


@pytest.mark.parametrize("rows", [False, True], ids=["objects", "rows"])
def test_a_page_is_one_statement_that_carries_the_count(officers, count_queries, rows):
    with count_queries() as queries:
        first = page_of(1, rows=rows)
    assert len(queries) == 1 and first.total == 7 and first.pages == 3
    emails = [item.email for item in first.items]
    assert emails == ["officer0@example.org", "officer1@example.org", "officer2@example.org"]
    last = page_of(3, rows=rows)
    assert [item.email for item in last.items] == ["officer6@example.org"] and last.total == 7


def test_a_page_past_the_end_counts_on_its_own(officers, count_queries):
    with count_queries() as queries:
        past = page_of(9)
    assert past.items == [] and past.total == 7 and len(queries) == 2


def test_an_empty_list_counts_nothing_more(officers, count_queries):
    with count_queries() as queries:
        empty = page_of(1, role="provider")
    assert empty.items == [] and empty.total == 0 and len(queries) == 1
