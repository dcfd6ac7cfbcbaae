"""Same-session attendance alerts (docs/domain.md §2.10): which alerts are due and when, to
whom, each raised and emailed once however often the job runs (with the mail server down in
between), who sees which alert, the school's follow-up, and the job's query count."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from qa_app.alerts.models import AttendanceAlert
from qa_app.alerts.services import Expected, alerts_due, raise_alerts
from qa_app.dates import UK
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail, OutboxRecipient, utcnow
from qa_app.notifications.outbox import deliver_due
from qa_app.placements.models import AttendanceMark

DAY = date(2026, 12, 8)  # a Tuesday in the autumn term


def at(hour, minute=0, day=DAY):
    """A moment of the day, UK time."""
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


def mark(placement, session, value, user, day=DAY):
    """The provider's mark for one pupil's session."""
    db.session.add(
        AttendanceMark(
            placement_id=placement.id,
            provider_id=placement.provider_id,
            school_id=placement.school_id,
            day=day,
            session=session,
            mark=value,
            recorded_by_id=user.id,
        )
    )
    db.session.commit()


@pytest.fixture
def day(make_user, make_provider, make_placement):
    """Two schools, two providers with their officers, five pupils expected on DAY."""
    head = make_user("head_of_access", email="head@alerts.example.org")
    north = [
        make_user("school", school="North Academy", email=f"north{n}@alerts.example.org") for n in (1, 2)
    ]
    south = make_user("school", school="South Academy", email="south@alerts.example.org")
    make_user("school", school="South Academy", email="gone@alerts.example.org", active=False)
    officers = [make_user("officer", email=f"officer{n}@alerts.example.org") for n in (1, 2)]
    oak = make_provider(name="Oak Learning", officer_id=officers[0].id)
    elm = make_provider(name="Elm Skills", officer_id=officers[1].id)
    common = {
        "start_date": "2026-11-02",
        "planned_end_date": "2027-02-12",
        "safeguarding_confirmation_received": "2026-10-28",
    }
    pupils = {
        "N-1": make_placement(north[0].school, oak, pupil_ref="N-1", **common),
        "N-2": make_placement(north[0].school, oak, pupil_ref="N-2", **common),
        "N-3": make_placement(north[0].school, oak, pupil_ref="N-3", **common),
        "S-1": make_placement(south.school, oak, pupil_ref="S-1", looked_after=True, **common),
        "S-2": make_placement(south.school, elm, pupil_ref="S-2", ehc_plan=True, **common),
    }
    # Not expected on DAY: ended the week before.
    make_placement(north[0].school, oak, pupil_ref="N-OLD", **{**common, "planned_end_date": "2026-12-01"})
    staff = make_user("provider", provider=oak)
    placed_by = db.session.get(type(head), pupils["N-1"].created_by_id)
    db.session.execute(db.delete(OutboxRecipient))  # the placements' own notices
    db.session.execute(db.delete(OutboxEmail))
    db.session.commit()
    return {"head": head, "north": north, "south": south, "officers": officers, "oak": oak, "elm": elm,
            "pupils": pupils, "staff": staff, "placed_by": placed_by}  # fmt: skip


def alert_keys():
    return sorted(
        (a.kind, a.placement.pupil_ref if a.placement else a.provider.name, a.session, a.to_head_of_access)
        for a in db.session.scalars(select(AttendanceAlert))
    )


def test_which_alerts_are_due_and_when():
    """An unexplained absence is due at once; a pupil not marked, and a register with nothing
    marked, only once the session's deadline has passed; marks with a known reason, late
    and not expected raise nothing."""
    row = dict(school_id=1, school_name="S", provider_name="P", officer_email=None, flagged=False)
    register = [
        Expected(1, provider_id=7, pupil_ref="A", marks={"am": "absent_unknown", "pm": None}, **row),
        Expected(2, provider_id=7, pupil_ref="B", marks={"am": "late", "pm": None}, **row),
        Expected(3, provider_id=7, pupil_ref="C", marks={"am": None, "pm": None}, **row),
        Expected(
            4, provider_id=7, pupil_ref="D", marks={"am": "absent_illness", "pm": "not_expected"}, **row
        ),
        Expected(5, provider_id=8, pupil_ref="E", marks={"am": None, "pm": None}, **row),
    ]
    before = [(d.key, d.kind) for d in alerts_due(register, DAY, [])]
    assert before == [("absent_unknown:1:2026-12-08:am", "absent_unknown")]
    morning = [d.key for d in alerts_due(register, DAY, ["am"])]
    assert morning == [
        "absent_unknown:1:2026-12-08:am",
        "not_marked:3:2026-12-08:am",
        "not_marked:5:2026-12-08:am",
        "register_not_marked:8:2026-12-08:am",
    ]
    afternoon = [d.key for d in alerts_due(register, DAY, ["am", "pm"])]
    # Provider 7 marked D's afternoon (not expected), so its register is marked; A, B, C not.
    assert [k for k in afternoon if k.endswith(":pm")] == [
        "not_marked:1:2026-12-08:pm",
        "not_marked:2:2026-12-08:pm",
        "not_marked:3:2026-12-08:pm",
        "not_marked:5:2026-12-08:pm",
        "register_not_marked:8:2026-12-08:pm",
    ]


def test_the_job_run_again_sends_each_alert_once_with_the_mail_server_down_between(app, day, runner, mailbox):
    """09:00: the unexplained absences only; the mail server goes down; 10:30: the pupils and
    the register not marked by 10:00; run again, nothing new; the server back, every email
    arrives once, to the right people."""
    pupils, staff = day["pupils"], day["staff"]
    mark(pupils["N-1"], "am", "absent_unknown", staff)
    mark(pupils["N-2"], "am", "present", staff)
    mark(pupils["S-1"], "am", "absent_unknown", staff)

    first = raise_alerts(at(9, 0))
    db.session.commit()
    assert (first.alerts, first.emails) == (2, 3)  # North, South, the Head of Access (S-1 is looked after)
    assert alert_keys() == [
        ("absent_unknown", "N-1", "am", False),
        ("absent_unknown", "S-1", "am", True),
    ]
    assert deliver_due() == (3, 0)

    mailbox.stop()
    result = runner.invoke(args=["attendance-alerts", "--at", "2026-12-08T10:30"])
    assert result.exit_code == 0, result.output
    assert "Alerts raised: 3 (not marked: 2, register not marked: 1). Emails queued: 4." in result.output
    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 1 and "failed, to retry later: 4" in result.output
    again = runner.invoke(args=["attendance-alerts", "--at", "2026-12-08T10:45"])
    assert "Alerts raised: 0. Emails queued: 0." in again.output
    assert raise_alerts(at(10, 50)).alerts == 0
    assert alert_keys() == [
        ("absent_unknown", "N-1", "am", False),
        ("absent_unknown", "S-1", "am", True),
        ("not_marked", "N-3", "am", False),
        ("not_marked", "S-2", "am", True),
        ("register_not_marked", "Elm Skills", "am", False),
    ]

    mailbox.start()
    assert deliver_due(utcnow() + timedelta(minutes=5)) == (4, 0)
    assert deliver_due(utcnow() + timedelta(days=1)) == (0, 0)
    received = sorted((m["To"], " ".join(m["Subject"].split())) for m in mailbox)
    heads = {"head@alerts.example.org", day["placed_by"].email}  # every Head of Access
    to_heads = "Attendance alert: 1 pupil looked after or with an EHC plan, 8 December 2026"
    assert sorted(subject for to, subject in received if to in heads) == [to_heads] * 4
    assert sorted((to, subject) for to, subject in received if to not in heads) == sorted(
        [
            ("north1@alerts.example.org", "Attendance alert: 1 pupil in alternative provision, 8 December 2026 (North Academy)"),
            ("north1@alerts.example.org", "Attendance alert: 1 pupil in alternative provision, 8 December 2026 (North Academy)"),
            ("north2@alerts.example.org", "Attendance alert: 1 pupil in alternative provision, 8 December 2026 (North Academy)"),
            ("north2@alerts.example.org", "Attendance alert: 1 pupil in alternative provision, 8 December 2026 (North Academy)"),
            ("officer2@alerts.example.org", "Registers not marked by the deadline, 8 December 2026"),
            ("south@alerts.example.org", "Attendance alert: 1 pupil in alternative provision, 8 December 2026 (South Academy)"),
            ("south@alerts.example.org", "Attendance alert: 1 pupil in alternative provision, 8 December 2026 (South Academy)"),
        ]
    )  # fmt: skip
    bodies = {(m["To"], m.get_content().strip()) for m in mailbox}
    north = [body for to, body in bodies if to == "north1@alerts.example.org"]
    assert any(
        "N-1 (North Academy) at Oak Learning was absent with no known reason this morning" in b for b in north
    )
    assert any(
        "N-3 (North Academy) at Oak Learning was not marked by the deadline this morning" in b for b in north
    )
    assert not any("S-1" in body or "S-2" in body for body in north)  # another school's pupils
    officer = next(body for to, body in bodies if to == "officer2@alerts.example.org")
    assert "Elm Skills has not marked its register this morning" in officer and "S-2" not in officer


def test_no_alerts_on_a_day_that_is_not_a_school_day(app, day):
    """Saturday, and a day of the Christmas holiday, raise nothing."""
    assert raise_alerts(at(15, 0, date(2026, 12, 12))).alerts == 0
    assert raise_alerts(at(15, 0, date(2026, 12, 23))).alerts == 0


def test_the_deadlines_are_the_authoritys(app, day):
    """With the morning deadline at 09:30, a pupil not marked at 09:45 is an alert."""
    app.config["ATTENDANCE_DEADLINES"] = {"am": time(9, 30), "pm": time(13, 0)}
    assert raise_alerts(at(9, 29)).alerts == 0
    raised = raise_alerts(at(9, 45))
    assert raised.by_kind == {"not_marked": 5, "register_not_marked": 2}


def _alert_of(ref):
    return db.session.scalar(
        select(AttendanceAlert)
        .join(AttendanceAlert.placement)
        .where(AttendanceAlert.placement.has(pupil_ref=ref))
    )


def test_who_sees_which_alert(app, day, client, signed_in):
    """A school sees its own pupils' alerts only; an officer those at their providers; the
    Head of Access all; administrators and provider staff none."""
    raise_alerts(at(10, 30))
    db.session.commit()
    north_alert, south_alert = _alert_of("N-1"), _alert_of("S-1")
    signed_in(day["north"][0])
    page = client.get("/alerts").data.decode()
    assert "N-1" in page and "N-3" in page and "S-1" not in page and "S-2" not in page
    assert client.get(f"/alerts/{north_alert.id}").status_code == 200
    assert client.get(f"/alerts/{south_alert.id}").status_code == 404
    client.post("/logout")

    signed_in(day["officers"][1])  # Elm's officer: S-2 and Elm's register
    page = client.get("/alerts?state=all").data.decode()
    assert "S-2" in page and "Whole register" in page and "N-1" not in page
    assert client.get(f"/alerts/{north_alert.id}").status_code == 404
    client.post("/logout")

    signed_in(day["head"])
    page = client.get("/alerts?state=all").data.decode()
    assert all(ref in page for ref in ("N-1", "N-2", "N-3", "S-1", "S-2"))
    assert client.post(f"/alerts/{north_alert.id}", data={"outcome": "pupil_safe"}).status_code == 403
    client.post("/logout")

    for role in ("admin", "provider"):
        signed_in(role)
        assert client.get("/alerts").status_code == 403
        assert client.get(f"/alerts/{north_alert.id}").status_code == 403
        client.post("/logout")


def _csrf(page):
    import re

    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _version(page):
    import re

    return re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)


def test_the_school_records_what_it_did(app, day, client, signed_in):
    """The school chooses what it did and adds a note; nothing chosen is a message on the
    page and nothing saved; a page opened before someone else saved is refused."""
    raise_alerts(at(9, 0))
    mark(day["pupils"]["N-1"], "am", "absent_unknown", day["staff"])
    raise_alerts(at(9, 5))
    db.session.commit()
    alert = _alert_of("N-1")
    signed_in(day["north"][0])
    page = client.get(f"/alerts/{alert.id}").data.decode()
    assert "Record what your school did" in page and "Not recorded yet" in page
    version = _version(page)

    response = client.post(f"/alerts/{alert.id}", data={"version": version, "note": "Rang mum"})
    assert response.status_code == 400 and "Select what your school did" in response.data.decode()
    db.session.refresh(alert)
    assert alert.outcome is None

    data = {"version": version, "outcome": "contacted_home", "note": "Rang mum: at the dentist."}
    response = client.post(f"/alerts/{alert.id}", data=data)
    assert response.status_code == 302
    db.session.refresh(alert)
    assert (alert.outcome, alert.outcome_note, alert.outcome_by_id) == (
        "contacted_home",
        "Rang mum: at the dentist.",
        day["north"][0].id,
    )
    page = client.get(f"/alerts/{alert.id}", follow_redirects=True).data.decode()
    assert "Contacted home: Rang mum: at the dentist." in page
    # The colleague's page was opened before that save.
    client.post("/logout")
    signed_in(day["north"][1])
    response = client.post(f"/alerts/{alert.id}", data={"version": version, "outcome": "referred"})
    assert response.status_code == 302
    assert "changed by someone else" in client.get(response.headers["Location"]).data.decode()
    db.session.refresh(alert)
    assert alert.outcome == "contacted_home"
    assert "Not recorded yet" not in client.get("/alerts?state=all").data.decode()
    assert "N-1" not in client.get("/alerts").data.decode()  # no longer waiting


def test_the_job_runs_the_same_queries_for_5_pupils_as_for_200(app, day, make_placement, count_queries):
    """The job reads the day's registers and what was raised, and writes, in the same number
    of statements however many pupils there are."""
    counts = []
    oak, school = day["oak"], day["north"][0].school
    for n, hour in ((0, 10), (195, 11)):
        for i in range(n):
            make_placement(school, oak, pupil_ref=f"B-{i}", start_date="2026-11-02",
                           planned_end_date="2027-02-12", safeguarding_confirmation_received="2026-10-28")  # fmt: skip
        db.session.execute(db.delete(AttendanceAlert))
        db.session.commit()
        with count_queries() as queries:
            raised = raise_alerts(at(hour, 30))
        db.session.commit()
        assert raised.alerts == 5 + n + 2
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_demo_school_and_head_of_access_have_had_this_mornings_alert(runner, client):
    """The demo's looked-after EHS-2291 absent this morning with no reason known: one alert,
    emailed to Eastbrook High School's staff and to the Head of Access; the authority's
    table counts this term from the marks."""
    from qa_app.notifications.models import OutboxRecipient

    runner.invoke(args=["seed-demo"])
    alerts = db.session.scalars(select(AttendanceAlert)).all()
    assert [(a.placement.pupil_ref, a.kind, a.session, a.to_head_of_access) for a in alerts] == [
        ("EHS-2291", "absent_unknown", "am", True)
    ]
    emails = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.subject.like("Attendance alert%"))
    ).all()
    addresses = {r.address for r in db.session.scalars(select(OutboxRecipient)) if r.email in emails}
    assert {"school2@example.org", "head@example.org"} <= addresses
    assert "school@example.org" not in addresses  # Riverside's staff: not their pupil
    client.post("/login", data={"email": "head@example.org", "password": "demo-password-1"})
    assert "Daily marks" in client.get("/dashboard").data.decode()
