"""Two copies of one action make one: an officer has one open visit per provider or school,
whatever starts it (pages, API, two tabs at the same moment), and the refusal names the open
visit; a referral sent twice is sent once."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from qa_app.auth.models import User
from qa_app.domain import AlreadyOpen
from qa_app.extensions import db
from qa_app.schemas import read
from qa_app.visits import saving
from qa_app.visits.models import Visit
from qa_app.visits.saving import save_visit
from qa_app.visits.schemas import VisitBody
from tests.test_api import full_visit, put


def visits():
    return db.session.scalar(select(func.count(Visit.id)))


def change_for(provider_id=None, school_id=None):
    body = {"visit_date": "2026-11-02"} | (
        {"school_id": school_id} if school_id else {"provider_id": provider_id}
    )
    return read(VisitBody, body).to_change()


def test_save_visit_refuses_a_second_open_provider_visit_naming_the_first(make_user, make_provider):
    officer, provider = make_user("officer"), make_provider()
    first, _ = save_visit(officer, str(uuid.uuid4()), change_for(provider.id))
    db.session.commit()
    with pytest.raises(AlreadyOpen) as refused:
        save_visit(officer, str(uuid.uuid4()), change_for(provider.id))
    db.session.rollback()
    assert refused.value.uuid == first.uuid and provider.name in refused.value.message
    # Another officer's visit to the same provider is theirs to make.
    save_visit(make_user("officer"), str(uuid.uuid4()), change_for(provider.id))
    db.session.commit()
    assert visits() == 2


def test_save_visit_refuses_a_second_open_school_visit(make_user, make_school_visit):
    school = make_user("school", school="Riverside Academy").school
    first = make_school_visit(school, status="draft")
    with pytest.raises(AlreadyOpen) as refused:
        save_visit(school.officer, str(uuid.uuid4()), change_for(school_id=school.id))
    db.session.rollback()
    assert refused.value.uuid == first.uuid


def test_two_api_puts_of_new_visits_to_one_provider_make_one(client, signed_in, make_provider):
    signed_in("officer")
    provider = make_provider()
    first_uuid = str(uuid.uuid4())
    assert put(client, first_uuid, full_visit(provider.id)).status_code == 201
    second = put(client, str(uuid.uuid4()), full_visit(provider.id))
    assert second.status_code == 409
    assert second.get_json()["error"] == "already_open" and second.get_json()["open_uuid"] == first_uuid
    assert visits() == 1


@pytest.mark.parametrize("kind", ["provider", "school"])
def test_two_starts_at_the_same_moment_make_one_visit(app, make_user, make_provider, monkeypatch, kind):
    """Two tabs start a visit to one place at once: both pass the rules before either saves
    (a barrier holds them there), and still only one visit is made; the other is refused
    with the first one's uuid."""
    officer = make_user("officer")
    if kind == "provider":
        place = {"provider_id": make_provider().id}
    else:
        school = make_user("school", school="Riverside Academy").school
        school.officer = officer
        db.session.commit()
        place = {"school_id": school.id}
    officer_id = officer.id
    both_checked = threading.Barrier(2, timeout=30)
    real_check_rules = saving.check_rules

    def racing_check_rules(*args, **kwargs):
        errors = real_check_rules(*args, **kwargs)
        both_checked.wait()
        return errors

    monkeypatch.setattr(saving, "check_rules", racing_check_rules)
    outcomes = []

    def start():
        with app.app_context():
            try:
                user = db.session.get(User, officer_id)
                visit, _ = save_visit(user, str(uuid.uuid4()), change_for(**place))
                db.session.commit()
                outcomes.append(("made", visit.uuid))
            except AlreadyOpen as refused:
                db.session.rollback()
                outcomes.append(("refused", refused.uuid))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["made", "refused"], outcomes
    assert outcomes[0][1] == outcomes[1][1]  # the refusal names the visit that was made
    db.session.expire_all()
    assert visits() == 1
