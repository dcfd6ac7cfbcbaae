"""The authority's figures, counted once and kept until a watched table changes
(qa_app/kept_figures.py): kept while nothing changes, counted again after any change made
through the unit of work or a bulk statement, on every server sharing the database, and
never kept for a change that was rolled back."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, update

from qa_app import create_app
from qa_app.auth.models import User
from qa_app.extensions import db
from qa_app.kept_figures import FiguresToken, current_token
from qa_app.placements.authority_figures import authority_counts, concerns
from qa_app.placements.lists import ListFilters, overdue_counts, placement_page
from qa_app.placements.models import Placement, PlacementReview
from qa_app.placements.school_concerns import concerns_of
from qa_app.providers.models import Provider
from qa_app.row_locks import lock_row, lock_rows

TODAY = date.today()
EVERYONE = ListFilters()


@pytest.fixture
def world(make_user, make_provider, make_visit, make_placement, head_of_access):
    """A school with two pupils at a quality-assured registered provider, one of them with a
    review overdue."""
    school = make_user("school", school="Riverside Academy")
    provider = make_provider(name="Bridges Learning Centre", registration_status="ofsted_registered")
    make_visit(provider, rag="green", reviewer=head_of_access())
    overdue = make_placement(
        school.school,
        provider,
        school,
        start_date=(TODAY - timedelta(days=60)).isoformat(),
        planned_end_date=(TODAY + timedelta(days=60)).isoformat(),
    )
    make_placement(school.school, provider, school)
    return {"school": school, "provider": provider, "overdue": overdue}


class Statements:
    """The SQL statements run inside the block."""

    def __init__(self):
        self.run = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, connection, cursor, statement, parameters, context, executemany):
        self.run.append(statement)


def figures(user, today=TODAY):
    return (
        overdue_counts(user, EVERYONE, today),
        authority_counts(user, EVERYONE, today),
        concerns(user, EVERYONE, today),
    )


def kept_as_they_were(found, before):
    """The very same answers (the kept objects), not counted again."""
    return all(a is b for a, b in zip(found, before, strict=True))


def test_figures_are_kept_while_nothing_changes(app, world, head_of_access):
    """The second time, each figure costs one read of the token and no count; a commit that
    changes no watched table keeps them."""
    head = head_of_access()
    first = figures(head)
    with Statements() as second:
        again = figures(head)
    assert again == first and kept_as_they_were(again, first)
    assert len(second.run) == 3 and all("figures_token" in statement for statement in second.run)
    world["school"].name = "Renamed school user"  # the user table is not watched
    db.session.commit()
    assert kept_as_they_were(figures(head), first)


def test_a_change_through_the_unit_of_work_is_counted_at_once(app, world, head_of_access, make_placement):
    head = head_of_access()
    overdue, counts, _ = figures(head)
    assert (overdue["review"], counts.pupils) == (1, 2)

    make_placement(world["school"].school, world["provider"], world["school"])
    assert figures(head)[1].pupils == 3

    # A review today: the review is no longer overdue (a new row in placement_review).
    db.session.add(
        PlacementReview(
            placement_id=world["overdue"].id, review_date=TODAY, sessions_possible=10, sessions_attended=9
        )
    )
    db.session.commit()
    assert figures(head)[0]["review"] == 0

    # The provider is no longer known to be registered: it becomes a provider of concern.
    assert figures(head)[2].providers_of_concern == 0
    world["provider"].registration_status = "unregistered"
    db.session.commit()
    assert figures(head)[2].providers_of_concern == 1


def test_a_schools_page_is_kept_and_read_again_after_a_change(app, world, make_placement):
    """A school's list keeps which placements are on the page and how many there are, and
    reads each page's rows fresh; a new placement or a review shows at once."""
    school = world["school"]
    overdue_only = ListFilters(due="any")

    def shown(filters=EVERYONE):
        page = placement_page(school, filters, TODAY)
        return page.total, [row.id for row in page.items]

    assert shown(overdue_only) == (1, [world["overdue"].id])
    with Statements() as again:
        assert shown(overdue_only) == (1, [world["overdue"].id])
    # Besides the token (read for each figure outside a request), the page's rows alone:
    # neither the choice of the page's placements nor the count runs again.
    others = [statement for statement in again.run if "figures_token" not in statement]
    assert len(others) == 1 and "count(" not in others[0].lower() and "LIMIT" not in others[0]

    added = make_placement(school.school, world["provider"], school)
    total, ids = shown()
    assert total == 3 and added.id in ids
    db.session.add(
        PlacementReview(
            placement_id=world["overdue"].id, review_date=TODAY, sessions_possible=10, sessions_attended=9
        )
    )
    db.session.commit()
    assert shown(overdue_only) == (0, [])


def test_a_bulk_statement_is_counted_at_once(app, world, head_of_access):
    head = head_of_access()
    assert figures(head)[1].pupils == 2
    db.session.execute(update(Placement).where(Placement.id == world["overdue"].id).values(ended_on=TODAY))
    db.session.commit()
    assert figures(head)[1].pupils == 1
    # A Core statement on the table itself (as the CSV import's insert is) counts too.
    table = Placement.__table__
    db.session.execute(update(table).where(table.c.id == world["overdue"].id).values(ended_on=None))
    db.session.commit()
    assert figures(head)[1].pupils == 2
    db.session.execute(delete(Placement).where(Placement.ended_on.is_(None)))
    db.session.commit()
    assert figures(head)[1].pupils == 0


def test_a_change_rolled_back_keeps_the_token(app, world, head_of_access):
    before = current_token()
    world["provider"].registration_status = "unregistered"
    db.session.flush()
    db.session.rollback()
    assert current_token() == before
    db.session.add(world["provider"])
    world["provider"].name = "Bridges Learning Centre North"
    db.session.commit()
    assert current_token() != before


def test_figures_depend_on_the_day(app, world, head_of_access):
    """Kept under the same token, a later day still counts its own overdue reviews."""
    head = head_of_access()
    assert overdue_counts(head, EVERYONE, TODAY)["review"] == 1
    assert overdue_counts(head, EVERYONE, TODAY + timedelta(days=60))["review"] == 2


def test_each_user_keeps_their_own_scope(
    app, world, head_of_access, make_user, make_provider, make_placement
):
    """A school's figures are its own, never the authority's kept under the same token."""
    other = make_user("school", school="Eastbrook High School")
    make_placement(other.school, make_provider(name="Tower Hill Learning Base"), other)
    assert overdue_counts(head_of_access(), EVERYONE, TODAY)["safeguarding_confirmation"] == 0
    assert figures(head_of_access())[1].pupils == 3
    assert figures(other)[1].pupils == 1
    assert figures(world["school"])[1].pupils == 2


def test_the_programme_sees_a_provider_become_a_concern(app, world):
    school_id = world["school"].school_id
    assert concerns_of({school_id}, TODAY) == {}
    world["provider"].registration_status = "unregistered"
    db.session.commit()
    assert "2 pupils at Bridges Learning Centre (unregistered)" in concerns_of({school_id}, TODAY)[school_id]
    assert concerns_of(set(), TODAY) == {}


def test_without_the_token_nothing_is_kept(app, world, head_of_access):
    """A database emptied under the app: every figure is counted, until a change makes the
    token again."""
    head = head_of_access()
    db.session.execute(delete(FiguresToken))
    db.session.commit()
    assert current_token() is None
    first = figures(head)
    assert not any(a is b for a, b in zip(figures(head), first, strict=True))
    world["provider"].name = "Bridges Learning Centre North"
    db.session.commit()
    assert current_token() is not None
    assert kept_as_they_were(figures(head), figures(head))


@pytest.fixture
def second_server(app, database_url):
    """A second app on the same database, as a second server behind the load balancer."""
    other = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_second_server_sees_the_first_servers_change(app, world, head_of_access, second_server):
    """Each server keeps its own figures, and a change saved through one is counted by the
    other on its next request."""
    head_id = head_of_access().id

    def pupils_seen_by_the_second_server():
        with second_server.app_context():
            return figures(db.session.get(User, head_id))[1].pupils

    assert pupils_seen_by_the_second_server() == 2
    assert pupils_seen_by_the_second_server() == 2
    world["overdue"].ended_on = TODAY  # saved through the first server
    db.session.commit()
    assert pupils_seen_by_the_second_server() == 1


def test_a_savepoint_leaves_the_token_to_its_transaction(app, world):
    """Released, a savepoint replaces no token; the transaction's commit does."""
    before = current_token()
    with db.session.begin_nested():
        world["provider"].name = "Bridges Learning Centre North"
    assert current_token() == before
    db.session.commit()
    assert current_token() != before


def test_a_request_reads_the_token_once_and_again_after_its_own_commit(app, world, head_of_access):
    """Within a request the token is read once; the request's own change is counted by the
    figures it shows after committing it."""
    head = head_of_access()
    with app.test_request_context("/placements"):
        assert figures(head)[1].pupils == 2
        with Statements() as again:
            figures(head)
        assert again.run == []
        world["overdue"].ended_on = TODAY
        db.session.commit()
        assert figures(head)[1].pupils == 1


def test_a_row_lock_leaves_the_token(app, world):
    """Holding a provider's row while a visit is saved changes no row (on SQLite, an UPDATE
    that matches none): a tablet's save keeps the authority's figures."""
    before = current_token()
    lock_row(Provider, world["provider"].id)
    lock_rows(Provider, [world["provider"].id])
    db.session.commit()
    assert current_token() == before
