"""A visit's history names every part that changed, each criterion on its own line, whether
the change came from a page or from the sync API."""

import uuid
from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.visits.models import VisitEvent
from qa_app.visits.saving import save_visit
from qa_app.visits.schemas import Judgement, VisitChange
from tests.factories import save, visit_body

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def officer(make_user):
    return make_user("officer")


def events(visit):
    return db.session.scalars(
        db.select(VisitEvent).where(VisitEvent.visit_id == visit.id).order_by(VisitEvent.id)
    ).all()


def test_a_theme_judged_at_once_names_each_criterion(officer, make_provider):
    """All nine Safeguarding criteria judged in one save: nine lines, not one."""
    visit, _ = save(officer, str(uuid.uuid4()), visit_body(make_provider(), YESTERDAY, {}))
    db.session.commit()
    codes = [c.code for c in current_version().criteria_by_theme()["SG"]]
    change = VisitChange(
        judgements=[Judgement(criterion=code, rating="met") for code in codes],
        judged_themes=frozenset({"SG"}),
    )
    save_visit(officer, visit.uuid, change, visit.version)
    db.session.commit()
    last = events(visit)[-1]
    assert last.action == "change"
    assert [c["field"] for c in last.changes] == sorted(codes)
    assert {(c["from"], c["to"]) for c in last.changes} == {(None, "Met")}


def test_the_api_names_each_change(officer, make_provider):
    """Through the API's body: a rating changed, a criterion cleared and the strengths."""
    provider = make_provider()
    ratings = {"QE1": "met", "QE2": "met", "SG1": "met"}
    visit, _ = save(officer, str(uuid.uuid4()), visit_body(provider, YESTERDAY, ratings))
    db.session.commit()
    body = visit_body(provider, YESTERDAY, {"QE1": "partly_met", "SG1": "met"}, {"QE1": "No tracker"})
    body["strengths"] = "Calm classrooms"
    save(officer, visit.uuid, body, base_version=visit.version)
    db.session.commit()
    changes = {c["field"]: c for c in events(visit)[-1].changes}
    assert changes["QE1"]["from"] == "Met" and changes["QE1"]["to"] == "Partly met"
    assert changes["QE2"]["from"] == "Met" and changes["QE2"]["to"] is None
    assert "strengths" in changes and "SG1" not in changes


def test_saving_nothing_new_records_nothing(officer, make_provider):
    """The same body again changes nothing: no event, and the version stays."""
    provider = make_provider()
    body = visit_body(provider, YESTERDAY, {"QE1": "met"})
    visit, _ = save(officer, str(uuid.uuid4()), body)
    db.session.commit()
    version, count = visit.version, len(events(visit))
    save(officer, visit.uuid, body, base_version=version)
    db.session.commit()
    assert (visit.version, len(events(visit))) == (version, count)
