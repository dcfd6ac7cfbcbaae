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

ROLES = ("anonymous", "officer", "head_of_access", "school", "admin")


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, anonymous=302):
    """Signed-in roles get `code`; anonymous is sent to the sign-in page."""
    return {**dict.fromkeys(ROLES, code), "anonymous": anonymous}


def only(allowed, code=200, others=403):
    """The listed roles get `code`, other roles 403, anonymous the sign-in page."""
    return {role: code if role in allowed else others for role in ROLES} | {"anonymous": 302}


def casework(officer, head):
    """Officers and the Head of Access get their codes; school and admin 403."""
    return {"anonymous": 302, "officer": officer, "head_of_access": head, "school": 403, "admin": 403}


# The visit in the URLs is another officer's draft: a stranger officer gets 404, the
# Head of Access may read it (and is sent from its edit pages to the read-only page).
OTHERS_VISIT = casework(officer=404, head=200)
OTHERS_VISIT_EDIT = casework(officer=404, head=302)
STAFF = ("officer", "head_of_access", "admin")
OTHER_SCHOOLS_PLACEMENT = {
    "anonymous": 302,
    "officer": 200,
    "head_of_access": 200,
    "school": 404,
    "admin": 403,
}
# The referral in the URLs is another school's, sent to the panel; the officer here is not
# that school's link officer (404), the Head of Access sees every referral.
OTHER_SCHOOLS_REFERRAL = {
    "anonymous": 302,
    "officer": 404,
    "head_of_access": 200,
    "school": 404,
    "admin": 403,
}
API_ANON = {"anonymous": 401}
ADMIN = ("admin",)

# endpoint -> (method, url template, {role: expected status})
MATRIX = {
    "static": ("GET", "/static/js/app.js", everyone(200)),
    "health.ping": ("GET", "/ping", everyone(200)),
    "health.healthz": ("GET", "/healthz", everyone(200)),
    "register.public_register": ("GET", "/register", everyone(200)),
    "auth.home": ("GET", "/", everyone(302)),
    "auth.login": ("GET", "/login", signed_in(302, anonymous=200)),
    "auth.logout": ("POST", "/logout", everyone(302)),
    "providers.index": ("GET", "/providers", signed_in(200)),
    "visits.provider_page": ("GET", "/providers/{provider}", signed_in(200)),
    "providers.new": ("GET", "/providers/new", only(STAFF)),
    "providers.edit": ("GET", "/providers/{provider}/edit", only(STAFF)),
    "admin.users": ("GET", "/admin/users", only(ADMIN)),
    "admin.new_user": ("GET", "/admin/users/new", only(ADMIN)),
    "admin.edit_user": ("GET", "/admin/users/{user}", only(ADMIN)),
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
    "visits.start": ("GET", "/providers/{provider}/visits/new", casework(200, 200)),
    # Only a school's link officer (not this officer) or the Head of Access starts its visit.
    "visits.start_school_visit": ("GET", "/schools/{school}/visits/new", casework(403, 200)),
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
    "visits.check": ("GET", "/visits/{visit}/check", OTHERS_VISIT_EDIT),
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
    "dashboard.index": ("GET", "/dashboard", casework(403, 200)),
    # Placements: a school's own, or the authority's view; the school's home page.
    "placements.index": ("GET", "/placements", only(("officer", "head_of_access", "school"))),
    "placements.school_home": ("GET", "/home", only(("school",))),
    # A school's page: its own staff (this is the school user's school), the Head of Access,
    # and its link officer (this officer is not: 404); never admins.
    "placements.school_page": (
        "GET",
        "/schools/{school}",
        {"anonymous": 302, "officer": 404, "head_of_access": 200, "school": 200, "admin": 403},
    ),
    # Attendance of pupils in AP: a school user sees only their own school's (tests/test_attendance.py);
    # the list of pupils in AP for the register of children not in school is the authority's.
    "placements.attendance": ("GET", "/placements/attendance", only(("officer", "head_of_access", "school"))),
    "placements.attendance_csv": (
        "GET",
        "/placements/attendance.csv",
        only(("officer", "head_of_access", "school")),
    ),
    "placements.pupils_in_ap_csv": ("GET", "/placements/pupils-in-ap.csv", casework(200, 200)),
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
    "reports.register_csv": ("GET", "/providers/export.csv", signed_in(200)),
    "reports.register_pdf": ("GET", "/providers/export.pdf", signed_in(200)),
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
    # The JSON API answers 401 (never a redirect) when signed out.
    "api.session_info": ("GET", "/api/session", signed_in(200, anonymous=401)),
    "api.openapi_document": ("GET", "/api/openapi.json", everyone(200)),
    "api.get_visit": (
        "GET",
        "/api/visits/{visit}",
        {"anonymous": 401, "officer": 404, "head_of_access": 200, "school": 403, "admin": 403},
    ),
    "api.put_visit": ("PUT", "/api/visits/{visit}", signed_in(400, anonymous=401)),
    "api.sign_off_visit": (
        "POST",
        "/api/visits/{visit}/sign-off",
        {"anonymous": 401, "officer": 403, "head_of_access": 409, "school": 403, "admin": 403},
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
}

CASES = [(endpoint, role) for endpoint in MATRIX for role in ROLES]


@pytest.fixture
def ids(app, make_provider, make_user, make_visit, make_placement, make_referral):
    """The records the URLs point at (the visit is a draft of another officer's)."""
    from qa_app.escalations.services import report_concern
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
    return {
        "escalation": escalation.id,
        "rules": rules_in_force().id,
        "provider": provider.id,
        "visit": visit.uuid,
        "photo": _photo_of(visit),
        "new_photo": str(uuid.uuid4()),
        "user": make_user("officer").id,
        "school": reporter.school_id,
        "version": version.id,
        "criterion": version.criteria[0].id,
        "placement": make_placement(make_user("school", school="Other School").school, provider).uuid,
        "referral": make_referral(make_user("school", school="Other School")).id,
    }


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


@pytest.mark.parametrize(
    "role, home",
    [
        ("anonymous", "/login"),
        ("officer", "/programme"),
        ("head_of_access", "/programme"),
        ("school", "/home"),
        ("admin", "/providers"),
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
