"""The demo data: a realistic authority, loaded once."""

from datetime import date

from qa_app.auth.models import User
from qa_app.escalations.models import Escalation
from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.visits.models import Action, Visit


def test_seed_demo_covers_every_status_and_rag(runner):
    """seed-demo loads ~30 providers with every QA status and RAG, and one user per role."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "officer@example.org" in result.output and "demo-password-1" in result.output
    providers = db.session.scalars(db.select(Provider)).all()
    assert len(providers) == 30
    statuses = {p.qa_status(date.today())[0] for p in providers}
    assert statuses == {"quality_assured", "not_quality_assured", "expired", "suspended"}
    assert {p.rating_rag for p in providers} == {"green", "amber", "red", None}
    assert len({p.borough for p in providers}) >= 4
    roles = set(db.session.scalars(db.select(User.role)))
    assert roles == {"officer", "head_of_access", "school", "admin"}
    assert db.session.scalar(db.select(db.func.count(Action.id))) > 0
    assert db.session.scalar(db.select(db.func.count(Visit.id)).where(Visit.status == "draft")) > 0
    concerns = db.session.scalars(db.select(Escalation)).all()
    assert {e.state for e in concerns} >= {"raised", "under_review", "monitoring"}
    assert any(e.is_overdue(date.today()) for e in concerns)


def test_seed_demo_is_idempotent(runner):
    """Running seed-demo twice changes nothing the second time."""
    runner.invoke(args=["seed-demo"])
    count = db.session.scalar(db.select(db.func.count(Provider.id)))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert db.session.scalar(db.select(db.func.count(Provider.id))) == count


def test_demo_users_can_sign_in(runner, client):
    """Each demo sign-in works with the documented password."""
    runner.invoke(args=["seed-demo"])
    for email in ("officer@example.org", "head@example.org", "school@example.org", "admin@example.org"):
        response = client.post("/login", data={"email": email, "password": "demo-password-1"})
        assert response.status_code == 302, email
        client.post("/logout")


def test_demo_data_reads_like_a_real_year(runner, app):
    """Place names match boroughs, evidence varies, some visits have photos, one visit awaits
    sign-off and one was returned, dates are working days at plausible hours, and a second
    school has its own user."""
    from collections import Counter
    from datetime import datetime, timedelta
    from pathlib import Path

    from qa_app.auth.models import School
    from qa_app.demo import BOROUGHS
    from qa_app.escalations.models import EscalationEvent
    from qa_app.photos.models import VisitPhoto
    from qa_app.visits.models import Judgement, VisitEvent

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for provider in db.session.scalars(db.select(Provider)):
        named = [b for b in BOROUGHS if b in provider.name]
        assert named in ([], [provider.borough]), provider.name
    met = Counter(db.session.scalars(db.select(Judgement.evidence).where(Judgement.rating == "met")))
    assert len(met) >= 40 and max(met.values()) < sum(met.values()) / 20
    photos = db.session.scalars(db.select(VisitPhoto)).all()
    assert len(photos) >= 10
    assert all((Path(app.config["PHOTO_STORAGE_PATH"]) / p.stored_name).exists() for p in photos)
    statuses = Counter(db.session.scalars(db.select(Visit.status)))
    assert statuses["submitted"] == 1 and statuses["returned"] == 1
    returned = db.session.scalar(db.select(Visit).where(Visit.status == "returned"))
    assert returned.return_comment
    visits = db.session.scalars(db.select(Visit)).all()
    assert all(v.visit_date.weekday() < 5 for v in visits)
    assert all(v.submitted_at is None or v.submitted_at.date() >= v.visit_date for v in visits)
    loaded = datetime.now() - timedelta(minutes=30)  # noqa: DTZ005 (either clock: both are far)
    moments = [
        *db.session.scalars(db.select(VisitEvent.at)),
        *db.session.scalars(db.select(EscalationEvent.at)),
    ]
    assert all(m.second == 0 and 8 <= m.hour <= 17 for m in moments)
    assert sum(m > loaded for m in moments) < len(moments) / 10
    school2 = db.session.scalar(db.select(User).where(User.email == "school2@example.org"))
    assert school2.role == "school" and school2.school_id is not None
    assert len(set(db.session.scalars(db.select(School.name)))) >= 2


def test_demo_schools_and_placements(runner):
    """Seven schools with URN, borough and phase; the two school users at different schools;
    placements open and ended, reviewed, some at providers not quality assured or not known
    to be registered, with every kind of overdue item; all saved as the app saves them."""
    from qa_app.auth.models import School
    from qa_app.placements.models import Placement
    from qa_app.placements.overdue import OVERDUE, overdue_items
    from qa_app.placements.services import placing_check

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    schools = db.session.scalars(db.select(School)).all()
    assert len(schools) >= 6 and all(s.urn and len(s.urn) == 6 and s.borough for s in schools)
    assert len({s.phase for s in schools}) >= 4
    users = {u.email: u for u in db.session.scalars(db.select(User).where(User.role == "school"))}
    assert users["school@example.org"].school_id != users["school2@example.org"].school_id
    placements = db.session.scalars(db.select(Placement)).all()
    today = date.today()
    assert len({p.school_id for p in placements}) >= 6 and len({p.provider_id for p in placements}) >= 8
    assert any(p.ended_on for p in placements) and any(p.is_open for p in placements)
    assert all(p.reviews for p in placements if p.ended_on)
    assert all(r.review_date <= today for p in placements for r in p.reviews)
    assert any(placing_check(p.provider, today) for p in placements if p.is_open)
    kinds = {item.kind for p in placements for item in overdue_items(p, today)}
    assert kinds == set(OVERDUE)
    staff = {p.created_by.email for p in placements}
    assert {"school@example.org", "school2@example.org", "officer@example.org"} <= staff


def test_demo_school_visits(runner):
    """officer@ is the link officer of most demo schools; a signed-off school visit judges all
    eleven school criteria, checks that school's placements and sets an action for the
    school; officer@ has a school visit in progress."""
    from qa_app.auth.models import School
    from qa_app.placements.models import Placement
    from qa_app.visits.school_placements import checks_needed, placements_to_check

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    officer = db.session.scalar(db.select(User).where(User.email == "officer@example.org"))
    schools = db.session.scalars(db.select(School)).all()
    mine = [s for s in schools if s.officer_id == officer.id]
    assert len(mine) > len(schools) / 2 and all(s.officer_id for s in schools)
    visits = db.session.scalars(db.select(Visit).where(Visit.school_id.is_not(None))).all()
    assert {v.status for v in visits} == {"signed_off", "draft"}
    assert all(v.officer_id == officer.id and v.visit_date.weekday() < 5 for v in visits)
    checked = [v for v in visits if v.status == "signed_off" and v.placement_checks]
    assert checked
    visit = checked[0]
    assert {j.criterion.code for j in visit.judgements} == {
        c.code for c in visit.framework_version.active_criteria()
    }
    assert len(visit.judgements) == 11
    listed = placements_to_check(visit)
    assert listed and set(visit.placement_checks) == {p["uuid"] for p in listed}
    assert all(set(checks_needed(p)) <= set(visit.placement_checks[p["uuid"]]) for p in listed)
    schools_placements = set(
        db.session.scalars(db.select(Placement.uuid).where(Placement.school_id == visit.school_id))
    )
    assert set(visit.placement_checks) <= schools_placements
    assert any(a.owner == "school" and a.school_id == visit.school_id for a in visit.actions)
    assert any(v.status == "draft" for v in visits)


def test_demo_referrals(runner):
    """The panel's queue has an urgent referral and one flagged as a safeguarding concern;
    one is back with its school, one decided, one a draft; each with its history."""
    from qa_app.referrals.models import Referral

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    referrals = db.session.scalars(db.select(Referral)).all()
    statuses = {r.pupil_ref: r.status for r in referrals}
    assert sorted(statuses.values()) == ["accepted", "draft", "more_information", "sent", "sent"]
    waiting = [r for r in referrals if r.status == "sent"]
    assert any(r.urgent for r in waiting) and any(r.safeguarding_concern for r in waiting)
    assert all(r.events and r.events[0].action == "created" for r in referrals)
