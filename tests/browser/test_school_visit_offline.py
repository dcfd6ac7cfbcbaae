"""A school visit (docs/domain.md §2.7) with the one visit form, in Chromium with the server
really stopped.

The officer signs in at the office and starts a visit to a school they visit from the
tablet's list of visits; the signal goes; the page is reloaded; every section is
completed offline (the five areas with evidence and a photo, each placement's checks,
strengths and pupil voice, an action for the school, the last visit's action) and the
visit submitted. When the server is back the tablet syncs: exactly one school visit
exists, submitted, with every field as typed and the photo once, and sending each of the
tablet's requests again (the same Idempotency-Key) changes nothing.
"""

import json
import re
import uuid as uuid_module
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import func, select

from qa_app.auth.models import School, User
from qa_app.extensions import db
from qa_app.schemas import read
from qa_app.visits.models import PLACEMENT_CHECKS, Visit
from qa_app.visits.representation import visit_as_json
from qa_app.visits.saving import save_visit
from qa_app.visits.schemas import VisitBody
from qa_app.visits.school_placements import checks_needed, placements_to_check
from tests.browser.conftest import sign_in, wait_for_service_worker
from tests.browser.test_officers_day import (
    OFFICER,
    back_to_tasks,
    idb,
    judge,
    saved,
    section,
    server,  # noqa: F401 (a fixture)
    synced,
    tablet,  # noqa: F401 (a fixture)
    theme_codes,
)
from tests.browser.test_offline import png_bytes, stored_photos, visits_with

SCHOOL = "Northgate Primary School"  # the demo's: one part-time placement, one ended
SHOTS = Path("/tmp/shots")
AREAS = (
    ("Placement records", "PR"),
    ("Use of quality-assured and registered providers", "QR"),
    ("Attendance follow-up", "AF"),
    ("Reintegration and destinations", "RD"),
    ("Pupil voice", "PV"),
)
EARLIER_ACTION = "Keep each placement's review notes on the pupil's file"


def school_visited_by_the_officer(app, name=SCHOOL):
    """Make the demo officer the school's link officer, with an earlier signed-off school
    visit (well over a year ago) that left one action open; returns (school id, the
    placements a visit today checks)."""
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        school = db.session.scalar(select(School).where(School.name == name))
        school.officer_id = officer.id
        earlier = date.today() - timedelta(days=500)
        body = {
            "school_id": school.id,
            "visit_date": earlier.isoformat(),
            "status": "draft",
            "actions": [
                {
                    "description": EARLIER_ACTION,
                    "owner": "school",
                    "due": (earlier + timedelta(days=60)).isoformat(),
                }
            ],
        }
        visit, _ = save_visit(officer, str(uuid_module.uuid4()), read(VisitBody, body).to_change())
        # Signed off long ago: only its open action matters here.
        visit.status = "signed_off"
        db.session.commit()
        placements = placements_to_check(Visit(school_id=school.id, visit_date=date.today()))
        assert placements, "the demo school has placements to check"
        return school.id, placements


def shot(page, name):
    """A full-page screenshot to look at, in /tmp/shots."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"svoffline-{name}.png"), full_page=True)


def start_school_visit(page, base_url, school_id):
    """Start a visit to the school from the tablet's list of visits; returns its uuid."""
    page.goto(f"{base_url}/offline/shell")
    page.locator("#start-provider").select_option(f"school:{school_id}")
    page.get_by_role("button", name="Start visit").click()
    expect(page).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    expect(page.locator("[data-task-list]")).to_be_visible()
    return page.url.rsplit("/", 1)[1]


# Each placement check's answer in the test: every code given, "no" for one of them.
def answers_for(placement, n):
    """{check: answer} for one placement: yes, one no, and "not applicable" for the
    part-time review of the first part-time placement."""
    given = {}
    for index, code in enumerate(checks_needed(placement)):
        given[code] = "no" if index == n % 3 else "yes"
    if "part_time_reviewed" in given:
        given["part_time_reviewed"] = "not_applicable"
    return given


# Replay the PUTs the tablet made, as it made them, with a fresh CSRF token.
REPLAY = """async (requests) => {
  const { csrf_token } = await (await fetch('/api/session')).json();
  const statuses = [];
  for (const r of requests) {
    const answer = await fetch(r.url, { method: 'PUT', body: r.body,
      headers: { ...r.headers, 'X-CSRFToken': csrf_token } });
    statuses.push([answer.status, answer.headers.get('Idempotency-Key')]);
  }
  return statuses;
}"""


def test_a_school_visit_made_offline_reaches_the_server_once_with_every_field(tablet, server, live_app):  # noqa: F811
    school_id, placements = school_visited_by_the_officer(live_app)
    page = tablet.open()
    sign_in_and_ready(page, server.url)

    # 1. At the office: a visit to the school, started from the tablet's list.
    uuid = start_school_visit(page, server.url, school_id)
    expect(page.locator("[data-visit-app] h1")).to_have_text(SCHOOL)
    # ... and its first save reached the server (asked of the database: a fetch from the page
    # before then would be a 404 in the console).
    for _ in range(150):
        if visits_with(live_app, uuid):
            break
        page.wait_for_timeout(100)
    assert visits_with(live_app, uuid) == 1

    # 2. The signal drops; the page is reloaded.
    server.stop()
    page.reload()
    expect(page.locator("[data-task-list]")).to_be_visible()
    expect(page.locator("[data-offline-status]")).to_contain_text("Offline")
    tasks = page.locator("[data-task-list]")
    expect(tasks.get_by_role("link", name="Registration check")).to_have_count(0)
    expect(tasks.get_by_role("link", name="Placements", exact=True)).to_have_count(1)
    assert [name for name, _ in AREAS] == [
        tasks.get_by_role("link").nth(n + 1).inner_text() for n in range(len(AREAS))
    ]
    shot(page, "task-list")

    # A second visit to the same school names the open one instead.
    page.goto(f"{server.url}/offline/shell")
    page.locator("#start-provider").select_option(f"school:{school_id}")
    page.get_by_role("button", name="Start visit").click()
    warning = page.locator("[data-open-visit]")
    expect(warning).to_contain_text("You already have an open visit to this school")
    warning.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/visits/{uuid}$"))
    expect(page.locator("[data-task-list]")).to_be_visible()

    # 3. Every section, offline.
    section(page, "Visit details")
    page.get_by_label("People met").fill("Mrs Shah (SENCO), Mr Obi (inclusion lead)")
    page.get_by_label("Number of pupils seen").fill("2")
    back_to_tasks(page)

    typed_evidence, every_code = {}, []
    for name, code in AREAS:
        section(page, name)
        codes = theme_codes(page, code)
        every_code += codes
        judge(page, dict.fromkeys(codes, "Met"))
        judge(page, {codes[-1]: "Partly met"}, {codes[-1]: f"{codes[-1]}: seen in part"})
        typed_evidence[codes[-1]] = f"{codes[-1]}: seen in part"
        page.get_by_label("Comment on this theme").fill(f"Comment on {name}")
        if code == "PR":
            page.locator("#photo_PR1").set_input_files(
                files=[{"name": "file.png", "mimeType": "image/png", "buffer": png_bytes(640, 480)}]
            )
            expect(page.locator('[data-photos="PR1"] [data-photo] img')).to_have_count(1)
        saved(page)
        back_to_tasks(page)

    # Check answers says what is left of the placements, and leads to them.
    page.get_by_role("button", name="Check answers").click()
    needed = sum(len(checks_needed(p)) for p in placements)
    left = page.locator("[data-blockers]").get_by_role(
        "link", name=f"Placements: {needed} answers still to give"
    )
    left.click()
    expect(page.locator("[data-visit-app] h1")).to_have_text("Placements")
    typed_checks = {}
    for n, placement in enumerate(placements):
        box = page.locator(f'[data-placement="{placement["uuid"]}"]')
        expect(box).to_contain_text(placement["pupil_ref"])
        expect(box).to_contain_text(placement["provider_name"])
        given = answers_for(placement, n)
        for code, answer in given.items():
            group = box.locator(f'[data-field="placement_checks.{placement["uuid"]}.{code}"]')
            expect(group).to_contain_text(PLACEMENT_CHECKS[code])
            group.get_by_label({"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}[answer]).check()
        # "Not applicable" is offered only for a part-time timetable's review.
        offered = box.locator('input[value="not_applicable"]')
        expect(offered).to_have_count(1 if placement["part_time"] else 0)
        box.get_by_label(f"Note on {placement['pupil_ref']}").fill(
            f"Records seen for {placement['pupil_ref']}"
        )
        given["note"] = f"Records seen for {placement['pupil_ref']}"
        typed_checks[placement["uuid"]] = given
    saved(page)
    shot(page, "placements")
    tablet.accessibility.check(page)
    back_to_tasks(page)

    section(page, "Strengths and pupil voice")
    page.get_by_label("Strengths").fill("Placements are chosen with care")
    page.get_by_label("Pupil voice").fill("Pupils said their provider listens to them")
    back_to_tasks(page)

    section(page, "Areas for development (actions)")
    page.get_by_role("button", name="Add an action").click()
    action = page.locator('[data-action="0"]')
    expect(action.get_by_label("School", exact=True)).to_be_checked()  # a school visit's default
    expect(action.get_by_label("Provider", exact=True)).to_have_count(0)
    due = date.today() + timedelta(days=45)
    page.get_by_label("What needs to be done").fill("Record each part-time timetable's review")
    action.get_by_label("Local authority", exact=True).check()
    action.get_by_label("School", exact=True).check()
    dates = page.get_by_role("group", name="Due by")
    dates.get_by_label("Day").fill(str(due.day))
    dates.get_by_label("Month").fill(str(due.month))
    dates.get_by_label("Year").fill(str(due.year))
    saved(page)
    back_to_tasks(page)

    section(page, "Actions from the last visit")
    earlier = page.locator("[data-field^='action_outcomes.']")
    expect(earlier).to_have_count(1)
    expect(earlier).to_contain_text(EARLIER_ACTION)
    earlier.get_by_label("Done", exact=True).check()
    page.locator("[data-field^='action_notes.'] textarea").fill("Notes kept together now")
    saved(page)
    back_to_tasks(page)

    # 4. Check answers, then submit.
    page.get_by_role("button", name="Check answers").click()
    expect(page.locator("[data-visit-app] h1")).to_have_text("Check answers")
    expect(page.locator("[data-blockers]")).to_have_count(0)
    expect(page.locator('[data-theme-rag="QR"]')).to_contain_text("Amber")
    expect(page.locator("[data-overall]")).to_contain_text("Amber")
    shot(page, "check-answers")
    page.get_by_role("button", name="Submit visit").click()
    page.get_by_role("button", name="Yes, submit the visit").click()
    expect(page.locator("[data-submitted]")).to_be_visible()
    assert len(idb(page, "outbox")) == 1
    assert [d for d in idb(page, "drafts") if d["uuid"] == uuid] == []

    # 5. Back at the office: the tablet syncs, and its requests are kept to send again.
    sent = []

    def keep(request):
        if request.method == "PUT" and request.url.endswith(f"/api/visits/{uuid}"):
            headers = {
                k: v
                for k, v in request.headers.items()
                if k in ("content-type", "if-match", "idempotency-key")
            }
            sent.append({"url": request.url, "body": request.post_data, "headers": headers})

    page.on("request", keep)
    server.start()
    # The tablet's list (the programme's lists of school visits are another page's work).
    page.goto(f"{server.url}/offline/shell")
    synced(page)
    page.remove_listener("request", keep)

    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.uuid == uuid)) == 1
        open_visits = select(func.count()).select_from(Visit)
        assert (
            db.session.scalar(open_visits.where(Visit.school_id == school_id, Visit.status != "signed_off"))
            == 1
        )
        stored = visit_as_json(db.session.scalar(select(Visit).where(Visit.uuid == uuid)))
    assert stored["status"] == "submitted"
    assert stored["school_id"] == school_id and stored["provider_id"] is None
    assert stored["framework_version"] == "schools-2026-2027"
    assert stored["people_met"] == "Mrs Shah (SENCO), Mr Obi (inclusion lead)"
    assert stored["pupils_seen"] == 2
    judged = {j["criterion"]: (j["rating"], j["evidence"]) for j in stored["judgements"]}
    assert sorted(judged) == sorted(every_code)
    for code in every_code:
        assert judged[code] == (
            ("partly_met", typed_evidence[code]) if code in typed_evidence else ("met", "")
        )
    assert stored["theme_notes"] == {code: f"Comment on {name}" for name, code in AREAS}
    assert stored["placement_checks"] == typed_checks
    assert stored["strengths"] == "Placements are chosen with care"
    assert stored["pupil_voice"] == "Pupils said their provider listens to them"
    assert stored["actions"] == [
        {"description": "Record each part-time timetable's review", "owner": "school", "due": due.isoformat()}
    ]
    assert list(stored["action_outcomes"].values()) == ["done"]
    assert list(stored["action_notes"].values()) == ["Notes kept together now"]
    photos = stored_photos(live_app, uuid)
    assert [row.criterion_code for row, _ in photos] == ["PR1"]

    # 6. Each request again, as sent (the same Idempotency-Key and body): the stored
    # answers, and still one visit, unchanged.
    assert sent, "the tablet sent the visit"
    replayed = page.evaluate(REPLAY, sent)
    assert all(status in (200, 201) for status, _ in replayed), replayed
    assert [key for _, key in replayed] == [s["headers"]["idempotency-key"] for s in sent]
    with live_app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Visit).where(Visit.school_id == school_id))
            == 2
        )
        again = visit_as_json(db.session.scalar(select(Visit).where(Visit.uuid == uuid)))
    assert again == stored
    assert len(stored_photos(live_app, uuid)) == 1
    assert json.loads(sent[-1]["body"])["status"] == "submitted"


def sign_in_and_ready(page, base_url):
    """Sign in online, and wait for the service worker to control the page."""
    sign_in(page, base_url, OFFICER)
    page.goto(f"{base_url}/offline/shell")
    wait_for_service_worker(page)
