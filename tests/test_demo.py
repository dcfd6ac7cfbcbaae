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
