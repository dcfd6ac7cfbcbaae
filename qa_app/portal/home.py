"""The home page of provider staff: their provider's register entry and QA status, and the
sections of their provider's pages. `/` sends provider staff here (auth.routes.home_page)."""

from datetime import date

from flask import abort, render_template
from flask_login import current_user, login_required

from qa_app.auth.permissions import can, provider_staff_of
from qa_app.extensions import db
from qa_app.portal import bp
from qa_app.providers.models import Provider
from qa_app.visits.standards import position_against_standards


def own_provider(user):
    """The provider this user is staff of, or a 403 for anyone who is not provider staff."""
    if not can(user, "portal.view") or not provider_staff_of(user, user.provider_id):
        abort(403)
    return db.get_or_404(Provider, user.provider_id)


def sections(provider):
    """The sections of a provider's pages, as (endpoint, label, description); later work adds
    to this list."""
    return [
        ("portal.home", "Register entry and QA status", "What schools see of you on the provider register."),
        (
            "portal.self_assessments",
            "Self-assessments",
            "Your own judgement and evidence on each criterion, before a visit.",
        ),
        (
            "portal.register_today",
            "Register",
            "Mark each pupil's morning and afternoon, or upload the day's marks as a CSV file.",
        ),
        (
            "portal.placements",
            "Pupils placed with you",
            "Confirm your safeguarding checks for each new placement.",
        ),
        ("portal.reports", "Reports", "The reports of your signed-off visits."),
        (
            "documents.mine",
            "Documents",
            "Upload your insurance, policies and checks with their dates; keep them in date.",
        ),
        (
            "action_plans.mine",
            "Actions",
            "Answer the actions from your visits: what was done, with evidence.",
        ),
        (
            "drafts.mine",
            "Draft reports",
            "Check a draft report's matters of fact and comment before it is signed off.",
        ),
    ]


@bp.route("")
@login_required
def home():
    """A provider user's home: their provider's register entry, QA status and sections."""
    provider = own_provider(current_user)
    return render_template(
        "portal/home.html",
        provider=provider,
        sections=[s for s in sections(provider) if s[0] != "portal.home"],
        today=date.today(),
        standards=position_against_standards(provider),
    )
