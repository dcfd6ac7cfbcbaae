"""Subject access (docs/domain.md §2.11): a request for one pupil reference at one school,
its statutory month, and the pack of everything held about that pupil, as PDF and JSON, with
nothing about another pupil of the school or the same reference at another school."""

import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from qa_app.alerts.models import AttendanceAlert
from qa_app.audit.models import ReadEvent
from qa_app.escalations.models import Escalation
from qa_app.extensions import db
from qa_app.placements.marks import MarkEntry, save_marks
from qa_app.subject_access.models import SubjectAccessProduction, SubjectAccessRequest, one_month_after
from qa_app.subject_access.services import log_request

MONDAY = date(2026, 11, 30)
OPEN = {
    "start_date": "2026-11-02",
    "planned_end_date": "2027-02-12",
    "safeguarding_confirmation_received": "2026-10-28",
    "looked_after": True,
    "hours_per_week": 20,
}
ENDED = {
    "start_date": "2026-04-20",
    "planned_end_date": "2026-07-17",
    "safeguarding_confirmation_received": "2026-04-14",
    "hours_per_week": 15,
    "objectives": "Settle into a routine of three mornings a week.",
    "reviews": [
        {
            "review_date": "2026-06-01",
            "sessions_possible": 40,
            "sessions_attended": 34,
            "sessions_unauthorised": 2,
            "progress": "Reading age up by a year.",
            "pupil_view": "I like the woodwork room.",
            "parent_view": "Calmer at home.",
        }
    ],
    "end": {
        "date": "2026-07-10",
        "destination": "home_school_full_time",
        "pupil_assessment": "Ready to go back.",
    },
}


@pytest.fixture
def world(make_user, make_provider, make_placement, make_referral, make_school_visit):
    """Pupil AB-123 at Alder School: two placements (one ended, with a review), marks and an
    alert-free week, a referral, a school visit that checked the open placement, and the
    escalation the cross-school test raised at the open placement's provider. Beside them:
    CD-456 at Alder, and another AB-123 at Birch Academy, both placed at the same provider."""
    head = make_user("head_of_access", email="head.sar@example.org", name="Hana Head")
    alder = make_user("school", school="Alder School")
    birch = make_user("school", school="Birch Academy")
    back_room, workshop = make_provider(name="Back Room Tutors"), make_provider(name="Woodwork Workshop")
    placed = {
        "open": make_placement(
            alder.school, back_room, user=alder, pupil_ref="AB-123", objectives="Return by Easter.", **OPEN
        ),
        "ended": make_placement(alder.school, workshop, user=alder, pupil_ref="AB-123", **ENDED),
        "classmate": make_placement(
            alder.school, back_room, user=alder, pupil_ref="CD-456", objectives="CLASSMATE-SECRET", **OPEN
        ),
        "namesake": make_placement(
            birch.school, back_room, user=birch, pupil_ref="AB-123", objectives="NAMESAKE-SECRET", **OPEN
        ),
    }
    staff = make_user("provider", provider=back_room)
    entries = [
        MarkEntry(placed["open"].id, "am", "present"),
        MarkEntry(placed["open"].id, "pm", "absent_illness"),
        MarkEntry(placed["classmate"].id, "am", "absent_unknown"),
        MarkEntry(placed["namesake"].id, "am", "late"),
    ]
    save_marks(staff, MONDAY, entries, today=MONDAY + timedelta(days=1))
    save_marks(staff, MONDAY + timedelta(days=1), entries[:1], today=MONDAY + timedelta(days=1))
    db.session.commit()
    referral = make_referral(alder, pupil_ref="AB-123", needs="Anxiety in large groups.")
    make_referral(alder, pupil_ref="CD-456", needs="CLASSMATE-REFERRAL")
    make_referral(birch, pupil_ref="AB-123", needs="NAMESAKE-REFERRAL")
    visit = make_school_visit(alder.school, days_ago=2)
    for placement in (placed["open"], placed["classmate"]):
        db.session.add(
            AttendanceAlert(
                key=f"absent_unknown:{placement.id}:{MONDAY}:pm",
                kind="absent_unknown",
                day=MONDAY,
                session="pm",
                provider_id=placement.provider_id,
                school_id=placement.school_id,
                placement_id=placement.id,
                outcome="pupil_safe",
                outcome_note=f"Spoke to the carer of {placement.pupil_ref}.",
            )
        )
    db.session.commit()
    return {
        "head": head,
        "alder": alder.school,
        "birch": birch.school,
        "placed": placed,
        "referral": referral,
        "visit": visit,
    }


def _request(world, ref="AB-123", school="alder", received=date(2026, 11, 20)):
    made = log_request(
        world["head"], {"school_id": world[school].id, "pupil_ref": ref, "received_on": received}
    )
    db.session.commit()
    return made


def _parts(day):
    """A date as the three boxes of the form send it."""
    return [str(day.day), str(day.month), str(day.year)]


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_json_pack_holds_everything_about_the_pupil_and_nothing_else(client, signed_in, world):
    """Placements with reviews and the ending, marks, the referral, the visit's check and the
    escalation: the pupil's, never the classmate's or the namesake's at another school."""
    sar = _request(world)
    signed_in(world["head"])
    response = client.get(f"/subject-access/{sar.id}/pack.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert f"subject-access-SAR-{sar.id:05d}.json" in response.headers["Content-Disposition"]
    pack = json.loads(response.data)
    assert pack["request"] == {
        "reference": f"SAR-{sar.id:05d}",
        "school": "Alder School",
        "pupil_ref": "AB-123",
        "received_on": "2026-11-20",
        "due_on": "2026-12-20",
    }
    placed = world["placed"]
    assert [p["id"] for p in pack["placements"]] == [placed["ended"].uuid, placed["open"].uuid]
    ended, current = pack["placements"]
    assert ended["provider"] == "Woodwork Workshop" and ended["objectives"].startswith("Settle")
    assert ended["reviews"] == [
        {
            "review_date": "2026-06-01",
            "sessions_possible": 40,
            "sessions_attended": 34,
            "sessions_unauthorised": 2,
            "progress": "Reading age up by a year.",
            "achievements": "",
            "pupil_view": "I like the woodwork room.",
            "parent_view": "Calmer at home.",
            "decision": "Continue",
        }
    ]
    assert ended["ending"] == {
        "ended_on": "2026-07-10",
        "destination": "Back to the home school full time",
        "pupil_assessment": "Ready to go back.",
    }
    assert current["ending"] is None and current["looked_after"] is True
    assert [(m["day"], m["session"], m["mark"]) for m in current["attendance"]["marks"]] == [
        ("2026-11-30", "Morning", "Present"),
        ("2026-11-30", "Afternoon", "Absent: illness"),
        ("2026-12-01", "Morning", "Present"),
    ]
    assert current["attendance"]["summary"] == {"Present": 2, "Absent: illness": 1}
    assert [(a["day"], a["kind"], a["outcome"], a["outcome_note"]) for a in current["attendance_alerts"]] == [
        ("2026-11-30", "Absent with no known reason", "The pupil is safe", "Spoke to the carer of AB-123.")
    ]
    assert ended["attendance_alerts"] == []
    assert [r["id"] for r in pack["referrals"]] == [world["referral"].id]
    assert pack["referrals"][0]["needs"] == "Anxiety in large groups."
    assert pack["referrals"][0]["history"][0]["what"] == "Referral started"
    [visit] = pack["school_visits"]
    assert visit["visit_date"] == world["visit"].visit_date.isoformat()
    # The visit checked both placements (the ended one had ended recently), and the classmate's.
    assert [c["placement"] for c in visit["checks"]] == [placed["ended"].uuid, placed["open"].uuid]
    assert {a["answer"] for c in visit["checks"] for a in c["answers"]} == {"Yes"}
    assert placed["classmate"].uuid in world["visit"].placement_checks
    [escalation] = pack["escalations"]
    stored = db.session.scalar(select(Escalation).where(Escalation.provider_id == placed["open"].provider_id))
    assert escalation["reference"] == stored.reference and escalation["source"] == "Placements across schools"
    assert [n["placement"] for n in escalation["named_placements"]] == [placed["open"].uuid]
    text = response.data.decode()
    for other in ("CD-456", "CLASSMATE", "NAMESAKE", placed["namesake"].uuid, placed["classmate"].uuid):
        assert other not in text


def test_the_pdf_pack_reads_back_with_the_same_records(client, signed_in, world, tmp_path):
    """The PDF names the pupil, each section's records and nothing of the other pupils."""
    sar = _request(world)
    signed_in(world["head"])
    response = client.get(f"/subject-access/{sar.id}/pack.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (tmp_path / "pack.pdf").write_bytes(response.data)
    text = " ".join(_pdf_text(response.data).split())
    for expected in (
        "Subject access pack",
        "Pupil AB-123 at Alder School",
        "OFFICIAL-SENSITIVE",
        "Due by 20 December 2026",
        "Woodwork Workshop",
        "Back Room Tutors",
        "Reading age up by a year.",
        "I like the woodwork room.",
        "Back to the home school full time",
        "Absent: illness",
        "3 sessions marked",
        "Spoke to the carer of AB-123.",
        "Anxiety in large groups.",
        "School visits that checked the placements",
        "Placements across schools",
        f"SAR-{sar.id:05d}",
    ):
        assert expected in text, expected
    for other in ("CD-456", "CLASSMATE", "NAMESAKE", "Birch"):
        assert other not in text


def test_a_pupil_with_no_records_gets_a_pack_that_says_so(client, signed_in, world):
    """A reference the school never used: a pack with every section empty, said in words."""
    sar = _request(world, ref="ZZ-999")
    signed_in(world["head"])
    text = " ".join(_pdf_text(client.get(f"/subject-access/{sar.id}/pack.pdf").data).split())
    assert "No placements are recorded for this pupil at this school." in text
    assert "No escalation names this pupil." in text
    pack = json.loads(client.get(f"/subject-access/{sar.id}/pack.json").data)
    assert (pack["placements"], pack["referrals"], pack["school_visits"], pack["escalations"]) == (
        [],
        [],
        [],
        [],
    )


def test_each_production_is_recorded_audited_and_completes_the_request(client, signed_in, world):
    """The first pack completes the request that day; each one is a production (format, who,
    hash, counts) and a read event, written before the file is sent."""
    import hashlib

    sar = _request(world)
    head = signed_in(world["head"])
    pdf = client.get(f"/subject-access/{sar.id}/pack.pdf")
    exported = client.get(f"/subject-access/{sar.id}/pack.json")
    db.session.expire_all()
    assert db.session.get(SubjectAccessRequest, sar.id).completed_on == date.today()
    made = db.session.scalars(select(SubjectAccessProduction).order_by(SubjectAccessProduction.id)).all()
    assert [(m.format, m.produced_by_id) for m in made] == [("pdf", head.id), ("json", head.id)]
    assert made[0].sha256 == hashlib.sha256(pdf.data).hexdigest()
    assert made[1].sha256 == hashlib.sha256(exported.data).hexdigest()
    assert made[1].counts == {
        "placements": 2,
        "reviews": 1,
        "endings": 1,
        "attendance_marks": 3,
        "attendance_alerts": 1,
        "referrals": 1,
        "school_visits": 1,
        "escalations": 1,
    }
    events = db.session.scalars(select(ReadEvent).where(ReadEvent.object_kind == "subject_access")).all()
    assert [(e.action, e.object_id, e.user_id) for e in events] == [
        ("download", str(sar.id), head.id),
        ("export", str(sar.id), head.id),
    ]
    page = client.get(f"/subject-access/{sar.id}").data.decode()
    assert "Answered" in page and "placements: 2" in page and "JSON" in page


@pytest.mark.parametrize(
    "received, due",
    [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_the_statutory_month_is_one_calendar_month(received, due):
    """The same day next month, or that month's last day when it has no such day."""
    assert one_month_after(received) == due


def test_the_list_shows_due_dates_flags_overdue_and_pages(client, signed_in, world):
    """Newest received first, each with its due date; open past its date is overdue; 25 a page."""
    old = _request(world, received=date.today() - timedelta(days=40))
    fresh = _request(world, ref="CD-456", received=date.today())
    signed_in(world["head"])
    page = client.get("/subject-access").data.decode()
    rows = page.split('id="subject-access-requests"')[1].split("<tbody")[1].split("</tr>")
    assert fresh.reference in rows[0] and "Open" in rows[0]
    assert old.reference in rows[1] and "Overdue" in rows[1]
    from qa_app.dates import short_date

    assert short_date(old.due_on) in rows[1]
    for n in range(25):
        _request(world, ref=f"EF-{n:03d}", received=date.today() - timedelta(days=1))
    first, second = (
        client.get("/subject-access").data.decode(),
        client.get("/subject-access?page=2").data.decode(),
    )
    assert first.count("/subject-access/") - first.count("/subject-access/new") >= 25
    assert old.reference in second and old.reference not in first


@pytest.mark.parametrize(
    "form, field, message",
    [
        ({"school_id": "999999"}, "school_id", "Choose the pupil&#39;s school from the list"),
        ({"school_id": ""}, "school_id", "Choose the pupil&#39;s school from the list"),
        ({"pupil_ref": "   "}, "pupil_ref", "Enter the pupil&#39;s reference, as their school records it"),
        ({"pupil_ref": "X" * 21}, "pupil_ref", "must be 20 characters or fewer"),
        ({"received_on": ["", "", ""]}, "received_on", "Enter the date the request was received"),
        (
            {"received_on": _parts(date.today() + timedelta(days=1))},
            "received_on",
            "must be today or in the past",
        ),
        ({"received_on": ["31", "2", "2026"]}, "received_on", "must be a real date"),
    ],
)
def test_the_form_says_what_to_fix(client, signed_in, world, form, field, message):
    """Each wrong field is named beside it and in the summary; nothing is logged."""
    signed_in(world["head"])
    today = date.today()
    data = {
        "school_id": str(world["alder"].id),
        "pupil_ref": "AB-123",
        "received_on": _parts(today),
        **form,
    }
    response = client.post("/subject-access/new", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page and f'href="#{field}' in page
    assert db.session.scalars(select(SubjectAccessRequest)).all() == []


def test_logging_a_request_shows_its_due_date(client, signed_in, world):
    """A valid request is saved with who logged it, and its page gives the due date."""
    head = signed_in(world["head"])
    response = client.post(
        "/subject-access/new",
        data={
            "school_id": str(world["birch"].id),
            "pupil_ref": " ab-123 ",
            "received_on": ["31", "10", "2026"],
        },
        follow_redirects=True,
    )
    page = response.data.decode()
    assert response.status_code == 200 and "due by 30 November 2026" in page
    [sar] = db.session.scalars(select(SubjectAccessRequest)).all()
    assert (sar.school_id, sar.pupil_ref, sar.logged_by_id) == (world["birch"].id, "ab-123", head.id)
    assert "Overdue" in page
    pack = json.loads(client.get(f"/subject-access/{sar.id}/pack.json").data)
    # The reference is matched whatever its case: the Birch pupil's, and only theirs.
    assert [p["id"] for p in pack["placements"]] == [world["placed"]["namesake"].uuid]
    assert [r["needs"] for r in pack["referrals"]] == ["NAMESAKE-REFERRAL"]


@pytest.mark.parametrize("role, page", [("head_of_access", "/dashboard"), ("admin", "/admin/users")])
def test_the_requests_are_reached_from_the_dashboard_and_the_users_page(client, signed_in, role, page):
    """The Head of Access finds them on her dashboard, an administrator beside the read log."""
    signed_in(role)
    assert 'href="/subject-access"' in client.get(page).data.decode()
