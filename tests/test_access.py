"""The access matrix: every route of the app, for every role, with the expected answer.

The last test fails when the app has a route that this matrix does not list, so a new
route cannot ship without someone deciding who may use it.
"""

import hashlib
import io
import uuid

import pytest
from PIL import Image

from qa_app import create_app

ROLES = ("anonymous", "officer", "head_of_access", "school", "admin", "provider")


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, anonymous=302, provider=None):
    """Signed-in roles get `code` (provider staff `provider` when given); anonymous is sent
    to the sign-in page."""
    codes = {**dict.fromkeys(ROLES, code), "anonymous": anonymous}
    return codes | ({"provider": provider} if provider is not None else {})


def only(allowed, code=200, others=403):
    """The listed roles get `code`, other roles 403, anonymous the sign-in page."""
    return {role: code if role in allowed else others for role in ROLES} | {"anonymous": 302}


def casework(officer, head):
    """Officers and the Head of Access get their codes; school, admin and provider staff 403."""
    return {
        "anonymous": 302,
        "officer": officer,
        "head_of_access": head,
        "school": 403,
        "admin": 403,
        "provider": 403,
    }


# The visit in the URLs is another officer's draft: a stranger officer gets 404, the
# Head of Access may read it (and is sent from its edit pages to the read-only page).
OTHERS_VISIT = casework(officer=404, head=200)
OTHERS_VISIT_EDIT = casework(officer=404, head=302)
STAFF = ("officer", "head_of_access", "admin")
# The placement in the URLs is another school's, at a provider of no officer here: outside
# this officer's scope (their providers and the schools they visit).
OTHER_SCHOOLS_PLACEMENT = {
    "anonymous": 302,
    "officer": 404,
    "head_of_access": 200,
    "school": 404,
    "admin": 403,
    "provider": 403,
}
# The referral in the URLs is another school's, sent to the panel; the officer here is not
# that school's link officer (404), the Head of Access sees every referral.
OTHER_SCHOOLS_REFERRAL = {
    "anonymous": 302,
    "officer": 404,
    "head_of_access": 200,
    "school": 404,
    "admin": 403,
    "provider": 403,
}
API_ANON = {"anonymous": 401}
ADMIN = ("admin",)
SUBJECT_ACCESS = ("head_of_access", "admin")

# Provider staff (role "provider") belong to a provider that is not the one in the URLs. On
# the routes that serve them (their provider's pages, the provider edition of its reports),
# another provider's record is a 404; casework, school and admin pages are a 403 (they see
# their placements on their own pages, with what they need and no more). They see their
# own provider's register entry on their home page, not the register.

# A provider's own records (documents, actions and their answers, shared drafts): its staff
# (not these: 404) and its officer (not this one: 404) or the Head of Access; never schools
# or administrators. Upload, answer and comment are its staff's alone.
PROVIDER_RECORD = {
    "anonymous": 302,
    "officer": 404,
    "head_of_access": 200,
    "school": 403,
    "admin": 403,
    "provider": 404,
}
STAFF_ONLY = PROVIDER_RECORD | {"head_of_access": 403}

# endpoint -> (method, url template, {role: expected status})
MATRIX = {
    "static": ("GET", "/static/js/app.js", everyone(200)),
    "health.ping": ("GET", "/ping", everyone(200)),
    "health.healthz": ("GET", "/healthz", everyone(200)),
    "register.public_register": ("GET", "/register", everyone(200)),
    "auth.home": ("GET", "/", everyone(302)),
    "auth.login": ("GET", "/login", signed_in(302, anonymous=200)),
    "auth.logout": ("POST", "/logout", everyone(302)),
    # Sign-in through the identity provider: with none configured (as here) it is not there;
    # someone signed in is sent to their home page (tests/test_oidc.py has the configured flow).
    "auth.oidc_start": ("GET", "/login/oidc", signed_in(302, anonymous=404)),
    "auth.oidc_callback": ("GET", "/login/oidc/callback", signed_in(302, anonymous=404)),
    # The second factor after the password: with no sign-in waiting for one, the sign-in
    # page (or, signed in, home). The account page sets factors up; the passkey in the URL is
    # another user's (404).
    "auth.second_factor": ("GET", "/login/second-factor", everyone(302)),
    "auth.second_factor_passkey": ("POST", "/login/second-factor/passkey", everyone(302)),
    "auth.second_factor_code": ("POST", "/login/second-factor/code", everyone(302)),
    "auth.recovery_code_sign_in": ("GET", "/login/recovery-code", everyone(302)),
    "auth.set_up_second_factor": ("GET", "/login/set-up", everyone(302)),
    "auth.account": ("GET", "/account", signed_in(200)),
    "auth.new_passkey": ("GET", "/account/passkeys/new", signed_in(200)),
    "auth.authenticator_app": ("GET", "/account/authenticator-app", signed_in(200)),
    "auth.remove_passkey_page": ("POST", "/account/passkeys/{passkey}/remove", signed_in(404)),
    "auth.remove_authenticator_app": ("POST", "/account/authenticator-app/remove", signed_in(302)),
    "auth.new_recovery_codes": ("POST", "/account/recovery-codes", signed_in(302)),
    "providers.index": ("GET", "/providers", signed_in(200, provider=403)),
    "pages.provider_page": ("GET", "/providers/{provider}", signed_in(200, provider=404)),
    "providers.new": ("GET", "/providers/new", only(STAFF)),
    "providers.edit": ("GET", "/providers/{provider}/edit", only(STAFF)),
    "admin.users": ("GET", "/admin/users", only(ADMIN)),
    "admin.new_user": ("GET", "/admin/users/new", only(ADMIN)),
    "admin.edit_user": ("GET", "/admin/users/{user}", only(ADMIN)),
    "admin.undeliverable_emails": ("GET", "/admin/undeliverable-emails", only(ADMIN)),
    "schools.index": ("GET", "/admin/schools", only(ADMIN)),
    "schools.new": ("GET", "/admin/schools/new", only(ADMIN)),
    "schools.edit": ("GET", "/admin/schools/{school}", only(ADMIN)),
    "framework.index": ("GET", "/admin/frameworks", only(ADMIN)),
    "framework.show": ("GET", "/admin/frameworks/{version}", only(ADMIN)),
    "framework.copy": ("POST", "/admin/frameworks/{version}/copy", only(ADMIN, code=400)),
    "framework.new_criterion": ("GET", "/admin/frameworks/{version}/criteria/new", only(ADMIN)),
    "framework.edit_criterion": ("GET", "/admin/frameworks/{version}/criteria/{criterion}", only(ADMIN)),
    "framework.move_criterion": (
        "POST",
        "/admin/frameworks/{version}/criteria/{criterion}/move",
        only(ADMIN, code=400),
    ),
    "framework.retire_criterion": (
        "POST",
        "/admin/frameworks/{version}/criteria/{criterion}/retire",
        only(ADMIN, code=302),
    ),
    "framework.edit_rules": ("GET", "/admin/frameworks/{version}/rules", only(ADMIN)),
    "framework.publish": ("POST", "/admin/frameworks/{version}/publish", only(ADMIN, code=302)),
    "visits.programme": ("GET", "/programme", casework(200, 200)),
    "visits.mine": ("GET", "/visits", casework(200, 200)),
    "visits.overdue_actions": ("GET", "/actions", casework(200, 200)),
    "visits.sign_off_queue": ("GET", "/sign-off", casework(403, 200)),
    "auth.deputies": ("GET", "/sign-off/deputies", casework(403, 200)),
    "pages.start_provider_visit": ("GET", "/providers/{provider}/visits/new", casework(200, 200)),
    # Only a school's link officer (not this officer) or the Head of Access starts its visit.
    "pages.start_school_visit": ("GET", "/schools/{school}/visits/new", casework(403, 200)),
    # A school visit's section; the visit here is a provider visit's draft of another officer.
    "visits.placements": ("GET", "/visits/{visit}/placements", OTHERS_VISIT_EDIT),
    # School staff may open a visit's page, but see only their own school's signed-off
    # school visits (tests/test_school_visits.py): another's provider visit is a 404.
    "visits.show": ("GET", "/visits/{visit}", OTHERS_VISIT | {"school": 404}),
    "visits.details": ("GET", "/visits/{visit}/details", OTHERS_VISIT_EDIT),
    "visits.theme": ("GET", "/visits/{visit}/themes/SG", OTHERS_VISIT_EDIT),
    "visits.strengths": ("GET", "/visits/{visit}/strengths", OTHERS_VISIT_EDIT),
    "visits.actions": ("GET", "/visits/{visit}/actions", OTHERS_VISIT_EDIT),
    "visits.remove_action": ("POST", "/visits/{visit}/actions/0/remove", OTHERS_VISIT_EDIT),
    "visits.previous_actions": ("GET", "/visits/{visit}/previous-actions", OTHERS_VISIT_EDIT),
    "submission.check": ("GET", "/visits/{visit}/check", OTHERS_VISIT_EDIT),
    "submission.submit": ("POST", "/visits/{visit}/submit", OTHERS_VISIT_EDIT),
    # Posted empty: the Head of Access is shown the page again, with the missing
    # confirmation or comment beside its field.
    "visits.sign_off": ("POST", "/visits/{visit}/sign-off", casework(403, 400)),
    "visits.return_visit": ("POST", "/visits/{visit}/return", casework(403, 400)),
    "visits.conflict": ("GET", "/visits/{visit}/conflicts/1", casework(404, 404)),
    "visits.registration": ("GET", "/visits/{visit}/registration", OTHERS_VISIT_EDIT),
    # Escalations: never school users (except to report), never the public. The escalation
    # in the URLs was raised by someone else about a provider no officer here looks after.
    "escalations.index": ("GET", "/escalations", casework(200, 200)),
    "escalations.report": ("GET", "/escalations/report", signed_in(200)),
    "escalations.received": ("GET", "/escalations/{escalation}/received", signed_in(404)),
    "escalations.show": ("GET", "/escalations/{escalation}", casework(404, 200)),
    "escalations.transition": ("POST", "/escalations/{escalation}/transition", casework(403, 400)),
    "escalations.suspension": ("POST", "/escalations/{escalation}/suspension", casework(403, 400)),
    "pages.dashboard": ("GET", "/dashboard", casework(403, 200)),
    # Placements: a school's own, or the authority's view; the school's home page.
    "placements.index": ("GET", "/placements", only(("officer", "head_of_access", "school"))),
    "pages.school_home": ("GET", "/home", only(("school",))),
    # A school's page: its own staff (this is the school user's school), the Head of Access,
    # and its link officer (this officer is not: 404); never admins.
    "pages.school_page": (
        "GET",
        "/schools/{school}",
        {
            "anonymous": 302,
            "officer": 404,
            "head_of_access": 200,
            "school": 200,
            "admin": 403,
            "provider": 403,
        },
    ),
    # Attendance of pupils in AP: a school user sees only their own school's (tests/test_attendance.py);
    # the list of pupils in AP for the register of children not in school is the authority's.
    "placements.attendance": ("GET", "/placements/attendance", only(("officer", "head_of_access", "school"))),
    "placements.attendance_by_group": ("GET", "/placements/attendance/by-school", casework(200, 200)),
    "placements.persistent_absence_page": (
        "GET",
        "/placements/attendance/absence",
        only(("officer", "head_of_access", "school")),
    ),
    "placements.attendance_csv": (
        "GET",
        "/placements/attendance.csv",
        only(("officer", "head_of_access", "school")),
    ),
    "placements.pupils_in_ap_csv": ("GET", "/placements/pupils-in-ap.csv", casework(200, 200)),
    # Attendance alerts: the one in the URL is about another school's pupil, at a provider of
    # no officer here (tests/test_attendance_alerts.py has each role's own).
    "alerts.index": ("GET", "/alerts", only(("officer", "head_of_access", "school"))),
    "alerts.show": ("GET", "/alerts/{alert}", OTHER_SCHOOLS_PLACEMENT),
    # Providers' marks for a school's own register: as the school's page.
    "pages.school_marks_csv": (
        "GET",
        "/schools/{school}/marks.csv",
        {
            "anonymous": 302,
            "officer": 404,
            "head_of_access": 200,
            "school": 200,
            "admin": 403,
            "provider": 403,
        },
    ),
    "registration.rules_index": ("GET", "/admin/registration-rules", only(ADMIN)),
    "registration.rules_show": ("GET", "/admin/registration-rules/{rules}", only(ADMIN)),
    "registration.rules_publish": (
        "POST",
        "/admin/registration-rules/{rules}/publish",
        only(ADMIN, code=400),
    ),
    "registration.rules_copy": ("POST", "/admin/registration-rules/{rules}/copy", only(ADMIN, code=400)),
    # Reports: the internal edition is casework; a school may read only the provider
    # edition of a signed-off visit (tests/test_reports.py), so this draft is 403 for it.
    "reports.visit_report": ("GET", "/visits/{visit}/report.pdf", casework(officer=404, head=200)),
    "reports.email_report": ("POST", "/visits/{visit}/report/email", casework(officer=404, head=302)),
    "pages.register_csv": ("GET", "/providers/export.csv", signed_in(200, provider=403)),
    "pages.register_pdf": ("GET", "/providers/export.pdf", signed_in(200, provider=403)),
    "reports.referral_pack": ("GET", "/escalations/{escalation}/referral-pack.pdf", casework(404, 200)),
    # The CSV import of placements: schools and the authority's caseworkers; a file waiting
    # to be imported is its uploader's alone (404 to everyone else).
    "placements.import_template": (
        "GET",
        "/placements/import/template.csv",
        only(("officer", "head_of_access", "school")),
    ),
    "placements.import_upload": ("GET", "/placements/import", only(("officer", "head_of_access", "school"))),
    "placements.import_confirm": (
        "GET",
        "/placements/import/00000000-0000-4000-8000-000000000000",
        only(("officer", "head_of_access", "school"), code=404),
    ),
    # Gateway panel referrals: schools make their own; the panel (officers for the schools they
    # visit, the Head of Access for all) decides; administrators see none. The decision is
    # posted empty: the Head of Access is shown the page again with what it needs.
    "referrals.index": ("GET", "/referrals", only(("officer", "head_of_access", "school"))),
    "referrals.new": ("GET", "/referrals/new", only(("school",))),
    "referrals.checklist": ("POST", "/referrals/checklist", only(("school",))),
    "referrals.show": ("GET", "/referrals/{referral}", OTHER_SCHOOLS_REFERRAL),
    "referrals.edit": ("GET", "/referrals/{referral}/edit", only(("school",), code=404)),
    "referrals.decision": ("POST", "/referrals/{referral}/decision", casework(officer=404, head=400)),
    # Photos: only the visit's own officer uploads (404 to everyone else); they are shown
    # to those who may see the visit.
    "photos.show_photo": ("GET", "/visits/{visit}/photos/{photo}", OTHERS_VISIT),
    "api.put_photo": ("PUT", "/api/visits/{visit}/photos/{new_photo}", signed_in(404, anonymous=401)),
    # Offline: the worker, manifest and visit shell hold no personal data; the bundle does.
    "offline.service_worker": ("GET", "/sw.js", everyone(200)),
    "offline.manifest": ("GET", "/manifest.webmanifest", everyone(200)),
    "offline.shell": ("GET", "/offline/shell", everyone(200)),
    # The old address of the offline form leads to the programme (which asks for a sign-in).
    "offline.visit": ("GET", "/offline/visit", everyone(302)),
    "api.bundle": ("GET", "/api/offline-bundle", casework(200, 200) | {"anonymous": 401}),
    # Provider staff's own pages: only provider staff, each of their own provider; the
    # placement and the self-assessment in the URLs are another provider's (404).
    "portal.home": ("GET", "/provider", only(("provider",))),
    "portal.placements": ("GET", "/provider/placements", only(("provider",))),
    "portal.confirm": (
        "GET",
        "/provider/placements/{placement}/safeguarding",
        only(("provider",), code=404),
    ),
    "portal.reports": ("GET", "/provider/reports", only(("provider",))),
    # The provider's register (a past school day) and its CSV upload; the file waiting in the
    # URL is nobody's (404).
    "portal.register_today": ("GET", "/provider/register", only(("provider",), code=302)),
    "portal.register": ("GET", "/provider/register/2026-11-16", only(("provider",))),
    "portal.register_upload": ("GET", "/provider/register/upload", only(("provider",))),
    "portal.register_upload_template": (
        "GET",
        "/provider/register/upload/template.csv",
        only(("provider",)),
    ),
    "portal.register_upload_confirm": (
        "GET",
        "/provider/register/upload/00000000-0000-4000-8000-000000000000",
        only(("provider",), code=404),
    ),
    "portal.self_assessments": ("GET", "/provider/self-assessments", only(("provider",))),
    "portal.self_assessment": (
        "GET",
        "/provider/self-assessments/{self_assessment}",
        only(("provider",), code=404),
    ),
    "portal.self_assessment_theme": (
        "GET",
        "/provider/self-assessments/{self_assessment}/themes/SG",
        only(("provider",), code=404),
    ),
    # Inviting provider staff: the provider's own officer (not this one: 404) or an
    # administrator. The invitation link is for someone signed out; this token is unknown.
    "pages.provider_staff": (
        "GET",
        "/providers/{provider}/staff",
        only(("officer", "admin")) | {"officer": 404},
    ),
    "provider_staff.accept_invitation": ("GET", "/invitations/not-a-token", signed_in(403, anonymous=404)),
    # Asking for a self-assessment: the provider's officer (not this one: 404) or the Head of Access.
    "pages.provider_self_assessment_request": (
        "GET",
        "/providers/{provider}/self-assessment/request",
        casework(404, 200),
    ),
    # A document given with a self-assessment: those who review the provider (not this
    # officer: 404), and the provider's own staff (not this provider's: 404).
    "pages.provider_self_assessment_file": (
        "GET",
        "/providers/{provider}/self-assessment-files/{self_assessment_file}",
        PROVIDER_RECORD,
    ),
    # The JSON API answers 401 (never a redirect) when signed out.
    "api.session_info": ("GET", "/api/session", signed_in(200, anonymous=401)),
    "api.openapi_document": ("GET", "/api/openapi.json", everyone(200)),
    "api.get_visit": (
        "GET",
        "/api/visits/{visit}",
        {
            "anonymous": 401,
            "officer": 404,
            "head_of_access": 200,
            "school": 403,
            "admin": 403,
            "provider": 403,
        },
    ),
    "api.put_visit": ("PUT", "/api/visits/{visit}", signed_in(400, anonymous=401)),
    # A batch of visits' changes: those who make visits (400: no changes sent), no one else.
    "api.put_visits": (
        "POST",
        "/api/visit-changes",
        {
            "anonymous": 401,
            "officer": 400,
            "head_of_access": 400,
            "school": 403,
            "admin": 403,
            "provider": 403,
        },
    ),
    "api.sign_off_visit": (
        "POST",
        "/api/visits/{visit}/sign-off",
        {
            "anonymous": 401,
            "officer": 403,
            "head_of_access": 409,
            "school": 403,
            "admin": 403,
            "provider": 403,
        },
    ),
    # Placements: schools their own (this one is another school's: 404), the authority any;
    # administrators none.
    "placements.new": ("GET", "/placements/new", only(("officer", "head_of_access", "school"))),
    "placements.show": ("GET", "/placements/{placement}", OTHER_SCHOOLS_PLACEMENT),
    "placements.edit": ("GET", "/placements/{placement}/edit", OTHER_SCHOOLS_PLACEMENT),
    "placements.new_review": ("GET", "/placements/{placement}/reviews/new", OTHER_SCHOOLS_PLACEMENT),
    "placements.end": ("GET", "/placements/{placement}/end", OTHER_SCHOOLS_PLACEMENT),
    "api.list_placements": (
        "GET",
        "/api/placements",
        only(("officer", "head_of_access", "school")) | API_ANON,
    ),
    "api.get_placement": ("GET", "/api/placements/{placement}", OTHER_SCHOOLS_PLACEMENT | API_ANON),
    # Without an Idempotency-Key: 400 for those who may record placements.
    "api.put_placement": (
        "PUT",
        "/api/placements/{placement}",
        only(("officer", "head_of_access", "school"), code=400) | API_ANON,
    ),
    "framework.edit_documents": ("GET", "/admin/frameworks/{version}/documents", only(ADMIN)),
    "pages.provider_documents": ("GET", "/providers/{provider}/documents", PROVIDER_RECORD),
    "documents.mine": ("GET", "/provider/documents", only(("provider",))),
    "pages.provider_document_upload": (
        "GET",
        "/providers/{provider}/documents/employers_liability/new",
        STAFF_ONLY,
    ),
    "pages.provider_document": ("GET", "/providers/{provider}/documents/version/{document}", PROVIDER_RECORD),
    "pages.provider_document_file": (
        "GET",
        "/providers/{provider}/documents/version/{document}/file",
        PROVIDER_RECORD,
    ),
    "documents.waiting": ("GET", "/documents", casework(200, 200)),
    "pages.provider_actions": ("GET", "/providers/{provider}/actions", PROVIDER_RECORD),
    "action_plans.mine": ("GET", "/provider/actions", only(("provider",))),
    "pages.provider_action": ("GET", "/providers/{provider}/actions/{action}", PROVIDER_RECORD),
    "pages.provider_action_answer": ("GET", "/providers/{provider}/actions/{action}/answer", STAFF_ONLY),
    "pages.provider_action_evidence": (
        "GET",
        "/providers/{provider}/actions/evidence/{evidence}",
        PROVIDER_RECORD,
    ),
    # The draft of a visit submitted by another officer (404 for this one).
    "drafts.officer_page": ("GET", "/visits/{submitted}/draft", casework(404, 200)),
    # Already shared: the Head of Access is told so on the page she is sent back to.
    "drafts.share": ("POST", "/visits/{submitted}/draft/share", casework(404, 302)),
    "drafts.answer": ("GET", "/visits/{submitted}/draft/comments/{comment}", casework(404, 200)),
    "pages.provider_drafts": ("GET", "/providers/{provider}/drafts", PROVIDER_RECORD),
    "drafts.mine": ("GET", "/provider/drafts", only(("provider",))),
    "pages.provider_draft": ("GET", "/providers/{provider}/drafts/{share}", PROVIDER_RECORD),
    "pages.provider_draft_no_comments": (
        "POST",
        "/providers/{provider}/drafts/{share}/no-comments",
        STAFF_ONLY,
    ),
    "pages.provider_draft_report": (
        "GET",
        "/providers/{provider}/drafts/{share}/report.pdf",
        PROVIDER_RECORD,
    ),
    # The read log: administrators search it and export it.
    "audit.index": ("GET", "/admin/audit", only(ADMIN)),
    "audit.export": ("GET", "/admin/audit/export.csv", only(ADMIN)),
    # Legal holds: the Head of Access and administrators place and release them (the hold in
    # the URL is active); the disposal log is the administrators'.
    "retention.holds": ("GET", "/admin/retention/holds", only(("head_of_access", "admin"))),
    "retention.release": ("GET", "/admin/retention/holds/{hold}/release", only(("head_of_access", "admin"))),
    "retention.disposals": ("GET", "/admin/retention/disposals", only(ADMIN)),
    # Subject access: the Head of Access and administrators log requests and produce packs;
    # no one else may see that a request exists.
    "subject_access.index": ("GET", "/subject-access", only(SUBJECT_ACCESS)),
    "subject_access.new": ("GET", "/subject-access/new", only(SUBJECT_ACCESS)),
    "subject_access.show": ("GET", "/subject-access/{access_request}", only(SUBJECT_ACCESS)),
    "subject_access.pack_pdf": ("GET", "/subject-access/{access_request}/pack.pdf", only(SUBJECT_ACCESS)),
    "subject_access.pack_json": ("GET", "/subject-access/{access_request}/pack.json", only(SUBJECT_ACCESS)),
}

CASES = [(endpoint, role) for endpoint in MATRIX for role in ROLES]


@pytest.fixture
def ids(app, make_provider, make_user, make_visit, make_placement, make_referral):
    """The records the URLs point at (the visit is a draft of another officer's)."""
    from qa_app.escalations.raising import report_concern
    from qa_app.extensions import db
    from qa_app.framework.services import current_version
    from qa_app.registration.services import rules_in_force

    version = current_version()
    provider = make_provider()
    reporter = make_user("school")
    escalation = report_concern(
        reporter, {"address": "1 High Street", "description": "Children seen", "provider_id": provider.id}
    )
    db.session.commit()
    visit = make_visit(provider, status="draft")
    from datetime import date, timedelta

    from qa_app.selfassessment.services import request_self_assessment

    asked = request_self_assessment(make_user("head_of_access"), provider, date.today() + timedelta(days=14))
    db.session.commit()
    from qa_app.selfassessment.services import add_file

    given = add_file(make_user("provider", provider=provider), asked, "SG1", "scr.pdf", b"%PDF-1.4\n%%EOF\n")
    db.session.commit()
    own = _provider_records(provider, make_user, make_visit)
    placement = make_placement(make_user("school", school="Other School").school, provider)
    return {
        **own,
        "self_assessment": asked.id,
        "self_assessment_file": given.id,
        "escalation": escalation.id,
        "rules": rules_in_force().id,
        "provider": provider.id,
        "visit": visit.uuid,
        "photo": _photo_of(visit),
        "new_photo": str(uuid.uuid4()),
        "user": make_user("officer").id,
        "passkey": _passkey_of(make_user("officer")),
        "school": reporter.school_id,
        "version": version.id,
        "criterion": version.criteria[0].id,
        "placement": placement.uuid,
        "alert": _alert_about(placement),
        "referral": make_referral(make_user("school", school="Other School")).id,
        "hold": _hold_on(placement, make_user("head_of_access")),
        "access_request": _access_request(placement, make_user("head_of_access")),
    }


def _provider_records(provider, make_user, make_visit):
    """A document, an action answered with evidence, and a draft shared with a comment, of
    the provider in the URLs (made by its own staff)."""
    from datetime import date, timedelta

    from qa_app.action_plans.services import answer_action
    from qa_app.documents.services import upload_document
    from qa_app.drafts.services import add_comment, share_draft
    from qa_app.extensions import db

    pdf = b"%PDF-1.4\n%%EOF\n"
    staff = make_user("provider", provider=provider)
    today = date.today()
    document = upload_document(
        staff, provider, "employers_liability", pdf, "a.pdf", today, today + timedelta(days=300)
    )
    due = (today + timedelta(days=30)).isoformat()
    signed = make_visit(
        provider, actions=[{"description": "Log fire drills", "owner": "provider", "due": due}]
    )
    action = signed.actions[0]
    answer = answer_action(staff, provider, action, "Drills logged", [("log.pdf", pdf)])
    submitted = make_visit(provider, status="submitted")
    share = share_draft(submitted.officer, submitted)
    comment = add_comment(staff, share, "SG1", "All staff were checked.")
    db.session.commit()
    return {
        "document": document.id,
        "action": action.id,
        "evidence": answer.evidence[0].id,
        "submitted": submitted.uuid,
        "share": share.id,
        "comment": comment.id,
    }


def _alert_about(placement):
    """An attendance alert about the placement's pupil (another school's); its id."""
    from datetime import date

    from qa_app.alerts.models import AttendanceAlert
    from qa_app.extensions import db

    alert = AttendanceAlert(
        key=f"absent_unknown:{placement.id}:{date.today()}:am",
        kind="absent_unknown",
        day=date.today(),
        session="am",
        provider_id=placement.provider_id,
        school_id=placement.school_id,
        placement_id=placement.id,
    )
    db.session.add(alert)
    db.session.commit()
    return alert.id


def _hold_on(placement, head):
    """A legal hold on the placement, placed by the Head of Access; its id."""
    from qa_app.extensions import db
    from qa_app.retention.holds import place_hold

    hold = place_hold(head, "placement", placement.uuid, "A claim against the authority")
    db.session.commit()
    return hold.id


def _access_request(placement, head):
    """A subject access request for the placement's pupil, logged by the Head of Access; its id."""
    from datetime import date

    from qa_app.extensions import db
    from qa_app.subject_access.services import log_request

    made = log_request(
        head,
        {"school_id": placement.school_id, "pupil_ref": placement.pupil_ref, "received_on": date.today()},
    )
    db.session.commit()
    return made.id


def _passkey_of(user):
    """A passkey of this user's, as registration stores it; its id."""
    from qa_app.auth.mfa.models import Passkey
    from qa_app.extensions import db

    passkey = Passkey(
        user_id=user.id, credential_id=b"credential", public_key=b"key", user_handle=b"handle", name="Laptop"
    )
    db.session.add(passkey)
    db.session.commit()
    return passkey.id


def _photo_of(visit):
    """A stored photo of the visit, uploaded by its officer; its UUID."""
    from qa_app.extensions import db
    from qa_app.photos.services import save_photo

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "PNG")
    data = out.getvalue()
    photo, _ = save_photo(
        visit.officer, visit, str(uuid.uuid4()), data, "image/png", hashlib.sha256(data).hexdigest()
    )
    db.session.commit()
    return photo.uuid


@pytest.mark.parametrize("endpoint, role", CASES, ids=[f"{e}-{r}" for e, r in CASES])
def test_access(client, signed_in, ids, endpoint, role):
    """Each role gets the expected answer from each route."""
    method, template, expected = MATRIX[endpoint]
    if role != "anonymous":
        signed_in(role)
    response = client.open(template.format(**ids), method=method)
    assert response.status_code == expected[role], response.data[:300]
    if role == "anonymous" and expected[role] == 302 and endpoint != "auth.logout":
        assert response.headers["Location"].startswith("/login")


# An officer's placements, school by school: the placements of the school they visit (as
# link officer), those at their own provider from another school, and neither (404).
PLACEMENT_ROUTES = {
    "placements.show": ("GET", "/placements/{placement}"),
    "placements.edit": ("GET", "/placements/{placement}/edit"),
    "placements.new_review": ("GET", "/placements/{placement}/reviews/new"),
    "placements.end": ("GET", "/placements/{placement}/end"),
    "api.get_placement": ("GET", "/api/placements/{placement}"),
}
OFFICER_SCOPE = {"visited_school": 200, "own_provider": 200, "neither": 404}
SCOPE_CASES = [(endpoint, where) for endpoint in PLACEMENT_ROUTES for where in OFFICER_SCOPE]


@pytest.mark.parametrize("endpoint, where", SCOPE_CASES, ids=[f"{e}-{w}" for e, w in SCOPE_CASES])
def test_officer_placement_scope_by_school(
    client, signed_in, make_user, make_provider, make_placement, endpoint, where
):
    """An officer opens the placements of the schools they visit and at their providers only."""
    from qa_app.extensions import db

    officer = signed_in("officer")
    visited = make_user("school", school="Visited School").school
    other = make_user("school", school="Unvisited School").school
    visited.officer = officer
    own, elsewhere = make_provider(), make_provider()
    own.officer = officer
    db.session.commit()
    school, provider = {
        "visited_school": (visited, elsewhere),
        "own_provider": (other, own),
        "neither": (other, elsewhere),
    }[where]
    placement = make_placement(school, provider)
    method, template = PLACEMENT_ROUTES[endpoint]
    response = client.open(template.format(placement=placement.uuid), method=method)
    assert response.status_code == OFFICER_SCOPE[where]


@pytest.mark.parametrize(
    "role, home",
    [
        ("anonymous", "/login"),
        ("officer", "/programme"),
        ("head_of_access", "/programme"),
        ("school", "/home"),
        ("admin", "/providers"),
        ("provider", "/provider"),
    ],
)
def test_the_front_page_is_each_users_home(client, signed_in, role, home):
    """`/` is the signed-in user's home, or the sign-in page (with no prompt) when signed out."""
    if role != "anonymous":
        signed_in(role)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == home
    assert b"Sign in to see that page" not in client.get(home).data


def test_the_sign_in_prompt_is_information_not_success(client):
    """Asked to sign in, the user sees an information banner, not a green success one."""
    page = client.get("/programme", follow_redirects=True).data.decode()
    assert "Sign in to see that page" in page
    assert "govuk-notification-banner--success" not in page and "Important" in page


def test_every_route_is_in_the_matrix():
    """A route missing from MATRIX fails here: decide who may use it, then list it."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "routes missing from the access matrix"
    assert set(MATRIX) - endpoints == set(), "matrix lists routes that no longer exist"
