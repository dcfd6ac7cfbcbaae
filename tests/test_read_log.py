"""The audit of reads (docs/domain.md §2.11): every view, download or export of pupil-level or
safeguarding content writes its event before the answer leaves; the log cannot be changed;
administrators search it and export it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from qa_app import create_app
from qa_app.audit.models import ReadEvent
from qa_app.dates import utcnow
from qa_app.extensions import db
from tests.factories import new_user
from tests.test_access import MATRIX, ROLES, ids  # noqa: F401  (ids: the records the matrix's URLs name)

_APP = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
# endpoint -> (action, kind) for every view that writes a read event.
AUDITED = {
    endpoint: view.audited_read
    for endpoint, view in _APP.view_functions.items()
    if hasattr(view, "audited_read")
}
# The URL argument that names the record each audited route shows.
RECORD_ARGS = (
    "placement_uuid",
    "visit_uuid",
    "referral_id",
    "escalation_id",
    "school_id",
    "alert_id",
    "day",
    "request_id",
)

# Every page and download the matrix lists that shows pupil-level or safeguarding content
# must be audited: the reads the issue names, each route listed so that one cannot lose its
# decorator unnoticed.
MUST_BE_AUDITED = {
    "placements.index": ("view", "placement_list"),
    "placements.show": ("view", "placement"),
    "placements.edit": ("view", "placement"),
    "placements.new_review": ("view", "placement"),
    "placements.end": ("view", "placement"),
    "pages.school_home": ("view", "placement_list"),
    "pages.school_page": ("view", "school"),
    "placements.attendance": ("view", "attendance"),
    "placements.attendance_csv": ("export", "attendance"),
    "placements.pupils_in_ap_csv": ("export", "placement_list"),
    "api.list_placements": ("view", "placement_list"),
    "api.get_placement": ("view", "placement"),
    "api.get_visit": ("view", "visit"),
    "api.bundle": ("download", "offline_bundle"),
    "portal.placements": ("view", "placement_list"),
    "portal.confirm": ("view", "placement"),
    "referrals.index": ("view", "referral_list"),
    "referrals.show": ("view", "referral"),
    "referrals.edit": ("view", "referral"),
    "escalations.index": ("view", "escalation_list"),
    "escalations.show": ("view", "escalation"),
    "reports.referral_pack": ("download", "escalation"),
    "reports.visit_report": ("download", "visit"),
    "visits.show": ("view", "visit"),
    "visits.theme": ("view", "visit"),
    "visits.registration": ("view", "visit"),
    "visits.placements": ("view", "visit"),
    "submission.check": ("view", "visit"),
    "audit.export": ("export", "read_log"),
    "alerts.index": ("view", "attendance_alert_list"),
    "alerts.show": ("view", "attendance_alert"),
    "portal.register": ("view", "register"),
    "pages.school_marks_csv": ("export", "attendance"),
    "placements.persistent_absence_page": ("view", "attendance"),
    "subject_access.index": ("view", "subject_access_list"),
    "subject_access.show": ("view", "subject_access"),
    "subject_access.pack_pdf": ("download", "subject_access"),
    "subject_access.pack_json": ("export", "subject_access"),
}


def _events():
    return db.session.scalars(select(ReadEvent).order_by(ReadEvent.id)).all()


def test_the_audited_routes_are_the_listed_ones():
    """Each listed route carries its audit, and nothing else is audited unlisted."""
    assert AUDITED == MUST_BE_AUDITED


MATRIX_CASES = [
    (endpoint, role) for endpoint in MATRIX if endpoint in AUDITED for role in ROLES if role != "anonymous"
]


@pytest.mark.parametrize("endpoint, role", MATRIX_CASES, ids=[f"{e}-{r}" for e, r in MATRIX_CASES])
def test_an_audited_read_writes_one_event_and_a_refusal_none(client, signed_in, ids, endpoint, role):  # noqa: F811
    """Each role, on each audited route of the access matrix: shown means one event naming
    who, their role, the action, the record, the time and the address; refused means none."""
    method, template, expected = MATRIX[endpoint]
    user = signed_in(role)
    before = len(_events())
    started = utcnow()
    response = client.open(template.format(**ids), method=method, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == expected[role]
    written = _events()[before:]
    action, kind = AUDITED[endpoint]
    if response.status_code != 200:
        assert written == []
        return
    assert len(written) == 1
    event = written[0]
    assert (event.user_id, event.role, event.action, event.object_kind) == (user.id, role, action, kind)
    assert event.address == "192.0.2.7" and started <= event.at <= utcnow()
    assert event.path == template.format(**ids)
    named = [arg for arg in RECORD_ARGS if arg in _APP.url_map._rules_by_endpoint[endpoint][0].arguments]
    if named:
        assert event.object_id and event.object_id in template.format(**ids)
    else:
        assert event.object_id is None


def _secrets(ids):  # noqa: F811
    """Text that only pupil-level or safeguarding content holds: the placement's and the
    referral's pupil references, the escalation's concern (its address, "1 High Street",
    is also a provider's on the register)."""
    from qa_app.escalations.models import Escalation
    from qa_app.placements.models import Placement
    from qa_app.referrals.models import Referral

    placement = db.session.scalar(select(Placement).where(Placement.uuid == ids["placement"]))
    escalation = db.session.get(Escalation, ids["escalation"])
    return [
        placement.pupil_ref,
        db.session.get(Referral, ids["referral"]).pupil_ref,
        escalation.description,
    ]


SEEING_ROLES = ("officer", "head_of_access", "school", "admin", "provider")


@pytest.mark.parametrize("role", SEEING_ROLES)
def test_no_unaudited_page_shows_a_pupil_or_a_concern(client, signed_in, ids, role):  # noqa: F811
    """Every other route the matrix lists, read by each role, shows no pupil reference and no
    safeguarding concern (the Head of Access may see all of them)."""
    secrets = _secrets(ids)
    signed_in(role)
    for endpoint, (method, template, _expected) in MATRIX.items():
        if method != "GET" or endpoint in AUDITED or endpoint == "static":
            continue
        body = client.get(template.format(**ids)).data.decode("utf-8", "replace")
        shown = [secret for secret in secrets if secret in body]
        assert shown == [], f"{endpoint} shows {shown} to {role} with no read event"


@pytest.fixture
def own_records(make_user, make_provider, make_visit, make_placement, make_referral, make_school_visit):
    """Records each role may open on the audited routes the matrix reaches only as a stranger:
    an officer's own draft and school visit, a provider's own placement, a school's draft referral."""
    officer = make_user("officer")
    provider = make_provider()
    provider.officer = officer
    school_user = make_user("school")
    school_user.school.officer = officer
    db.session.commit()
    placement = make_placement(school_user.school, provider)
    return {
        "officer": officer,
        "school_user": school_user,
        "provider_user": make_user("provider", provider=provider),
        "visit": make_visit(provider, status="draft", officer=officer).uuid,
        "school_visit": make_school_visit(school_user.school, status="draft", officer=officer).uuid,
        "placement": placement.uuid,
        "referral": make_referral(school_user, send=False).id,
        "pupil_ref": placement.pupil_ref,
    }


OWN_CASES = {
    "visits.theme": ("officer", "/visits/{visit}/themes/SG", "visit"),
    "visits.registration": ("officer", "/visits/{visit}/registration", "visit"),
    "submission.check": ("officer", "/visits/{visit}/check", "visit"),
    "visits.placements": ("officer", "/visits/{school_visit}/placements", "school_visit"),
    "portal.confirm": ("provider_user", "/provider/placements/{placement}/safeguarding", "placement"),
    "portal.placements": ("provider_user", "/provider/placements", None),
    "referrals.edit": ("school_user", "/referrals/{referral}/edit", "referral"),
}


@pytest.mark.parametrize("endpoint", OWN_CASES)
def test_own_records_are_logged_when_read(client, login, own_records, endpoint):
    """The audited routes the matrix shows only refusing: read by someone who may, one event."""
    who, template, record = OWN_CASES[endpoint]
    user = own_records[who]
    login(user)
    before = len(_events())
    url = template.format(**own_records)
    response = client.get(url)
    assert response.status_code == 200
    if endpoint.startswith("portal."):
        assert own_records["pupil_ref"] in response.get_data(as_text=True)
    written = _events()[before:]
    assert [(e.user_id, e.action, e.object_kind, e.object_id) for e in written] == [
        (user.id, *AUDITED[endpoint][:1], AUDITED[endpoint][1], record and str(own_records[record]))
    ]


def test_a_read_that_cannot_be_logged_is_not_sent(
    client, signed_in, make_user, make_provider, make_placement, monkeypatch
):
    """When the event cannot be written, the page does not go out."""
    from qa_app.audit import reads

    signed_in("head_of_access")
    placement = make_placement(make_user("school").school, make_provider())

    def refuse(*args, **kwargs):
        raise RuntimeError("the log is unavailable")

    monkeypatch.setattr(reads, "record_read", refuse)
    with pytest.raises(RuntimeError):
        client.get(f"/placements/{placement.uuid}")


def test_the_event_is_one_insert(client, signed_in, make_user, make_provider, make_placement, count_queries):
    """Reading a placement adds one statement to the page's queries: the event's INSERT."""
    signed_in("head_of_access")
    placement = make_placement(make_user("school").school, make_provider())
    with count_queries() as statements:
        assert client.get(f"/placements/{placement.uuid}").status_code == 200
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and "read_event" in writes[0]


def _one_event(user):
    db.session.add(
        ReadEvent(
            user_id=user.id, role=user.role, action="view", object_kind="placement", path="/p", address="x"
        )
    )
    db.session.commit()


@pytest.mark.parametrize(
    "statement", ["UPDATE read_event SET role = 'admin'", "DELETE FROM read_event", "TRUNCATE read_event"]
)
def test_the_log_refuses_update_and_delete(app, make_user, statement):
    """On PostgreSQL and SQLite alike, the database refuses to change or remove an event."""
    if statement.startswith("TRUNCATE") and db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _one_event(make_user("officer"))
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert len(_events()) == 1 and _events()[0].role == "officer"


def test_the_migration_makes_the_log_append_only(make_app):
    """A database built by `flask db upgrade` refuses UPDATE and DELETE on the log too."""
    from flask_migrate import upgrade

    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        user = new_user("officer")
        db.session.commit()
        db.session.execute(
            text(
                "INSERT INTO read_event (at, user_id, role, action, object_kind, path, address)"
                " VALUES (CURRENT_TIMESTAMP, :user, 'officer', 'view', 'placement', '/p', '')"
            ),
            {"user": user.id},
        )
        db.session.commit()
        for statement in ("UPDATE read_event SET role = 'admin'", "DELETE FROM read_event"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM read_event")) == 1


@pytest.fixture
def logged(make_user):
    """Three people's reads over three days: (admin, officer, school user)."""
    admin, officer, school = make_user("admin"), make_user("officer"), make_user("school")
    today = utcnow()
    for days_ago, user, kind, record in [
        (2, officer, "placement", "p-1"),
        (1, officer, "escalation", "7"),
        (1, school, "placement", "p-1"),
        (0, school, "referral", "3"),
    ]:
        db.session.add(
            ReadEvent(
                at=today - timedelta(days=days_ago),
                user_id=user.id,
                role=user.role,
                action="view",
                object_kind=kind,
                object_id=record,
                path=f"/{kind}/{record}",
                address="192.0.2.1",
            )
        )
    db.session.commit()
    return admin, officer, school


def _listed(client, **args):
    response = client.get("/admin/audit", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_administrators_search_by_person_record_and_date(client, login, logged):
    """The search narrows by the person's email, the record and the dates."""
    admin, officer, school = logged
    login(admin)
    assert "4 entries" in _listed(client)
    page = _listed(client, person=officer.email.upper())
    assert "2 entries" in page and school.email not in page.split("</table>")[0].split("<table")[-1]
    assert "2 entries" in _listed(client, kind="placement", record="p-1")
    today = date.today()
    assert "3 entries" in _listed(client, since=(today - timedelta(days=1)).isoformat())
    assert "1 entry" in _listed(client, until=(today - timedelta(days=2)).isoformat())
    assert "No entries match" in _listed(client, person="nobody@example.org")


def test_a_wrong_search_says_what_is_wrong(client, login, logged):
    """Dates the wrong way round, or not an email, are shown beside their field (400)."""
    login(logged[0])
    today = date.today()
    response = client.get(
        "/admin/audit",
        query_string={"since": today.isoformat(), "until": (today - timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    assert "The &#39;to&#39; date must be on or after the &#39;from&#39; date" in response.get_data(
        as_text=True
    )
    assert client.get("/admin/audit", query_string={"person": "not an email"}).status_code == 400


def test_the_search_is_paged_in_constant_queries(client, login, make_user, count_queries):
    """A page of the log costs the same queries whether it holds 3 events or 130."""
    admin, officer = make_user("admin"), make_user("officer")
    login(admin)

    def add(n):
        for _ in range(n):
            db.session.add(
                ReadEvent(
                    user_id=officer.id, role="officer", action="view", object_kind="placement", path="/p"
                )
            )
        db.session.commit()
        with count_queries() as statements:
            assert client.get("/admin/audit", query_string={"page": 2}).status_code == 200
        return len(statements)

    assert add(3) == add(127)
    assert 'aria-label="Page 3"' in client.get("/admin/audit").get_data(as_text=True)


def test_the_export_is_every_matching_event_as_csv_and_is_logged(client, login, logged):
    """The CSV holds every matching event, with the person, and exporting is itself logged."""
    import csv
    import io

    admin, officer, _ = logged
    login(admin)
    response = client.get("/admin/audit/export.csv", query_string={"person": officer.email})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["time_utc", "user_id", "person", "role"]
    assert [(r[2], r[5], r[6]) for r in rows[1:]] == [
        (officer.email, "escalation", "7"),
        (officer.email, "placement", "p-1"),
    ]
    last = _events()[-1]
    assert (last.user_id, last.action, last.object_kind) == (admin.id, "export", "read_log")


def test_a_page_shown_again_by_another_view_names_its_record(client, signed_in, make_provider, make_visit):
    """Sign-off posted empty shows the visit again (400): that is a view of the visit, logged once."""
    head = signed_in("head_of_access")
    visit = make_visit(make_provider(), status="submitted")
    before = len(_events())
    assert client.post(f"/visits/{visit.uuid}/sign-off").status_code == 400
    assert [(e.user_id, e.action, e.object_kind, e.object_id) for e in _events()[before:]] == [
        (head.id, "view", "visit", visit.uuid)
    ]
