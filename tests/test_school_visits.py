"""The server pages of a school visit (docs/domain.md §2.7), start to sign-off, for a browser
without JavaScript: starting one, the task list with the visit's own five areas, each
section (the placements section among them), check answers, submitting, sign-off, and
who may read it afterwards."""

import uuid
from datetime import date, timedelta

import pytest

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.providers.models import Provider
from qa_app.visits.models import Action, Visit
from tests.test_visits import date_parts, version_of

AREAS = (
    "Placement records",
    "Use of quality-assured and registered providers",
    "Attendance follow-up",
    "Reintegration and destinations",
    "Pupil voice",
)
CHECKS = ("record_complete", "provider_qa_when_placed", "confirmation_held")


@pytest.fixture(autouse=True)
def school_framework(app):
    """The school visits' framework, as the app loads it (cli load-framework)."""
    version = load_default_framework("school")
    db.session.commit()
    return version


@pytest.fixture
def officer(make_user):
    """Priya Shah, the link officer of the school the tests visit."""
    return make_user("officer", name="Priya Shah")


@pytest.fixture
def school(make_user, officer):
    """Riverside Academy, Priya's school."""
    found = make_user("school", school="Riverside Academy").school
    found.officer = officer
    db.session.commit()
    return found


@pytest.fixture
def provider(make_provider):
    return make_provider(name="Bridges Learning Centre")


def days_ago(n):
    return date.today() - timedelta(days=n)


def start(client, school, **overrides):
    data = {
        "uuid": str(uuid.uuid4()),
        "visit_date": date_parts(days_ago(1)),
        "visit_type": "scheduled",
        "people_met": "SENCO; inclusion lead",
        "pupils_seen": "",
    }
    data.update(overrides)
    return client.post(f"/schools/{school.id}/visits/new", data=data)


@pytest.fixture
def visit_uuid(client, signed_in, officer, school):
    """A draft school visit started through the start page, its officer signed in."""
    signed_in(officer)
    response = start(client, school)
    assert response.status_code == 302, response.data[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def stored(visit_uuid):
    db.session.expire_all()
    return db.session.scalar(db.select(Visit).where(Visit.uuid == visit_uuid))


def since(days):
    """A placement's start this many days ago, with its planned end 100 days later."""
    return {"start_date": days_ago(days).isoformat(), "planned_end_date": days_ago(days - 100).isoformat()}


def part_time():
    return {
        "part_time": True,
        "hours_per_week": 10,
        "part_time_reason": "A phased return after illness",
        "part_time_review_date": days_ago(-20).isoformat(),
    }


def ended(days):
    return {"end": {"date": days_ago(days).isoformat(), "destination": "home_school_full_time"}}


# -- starting ---------------------------------------------------------------------------------


def test_the_link_officer_starts_a_school_visit(client, signed_in, officer, school):
    """The start page names the school; the visit is the school's, under the school framework."""
    signed_in(officer)
    page = client.get(f"/schools/{school.id}/visits/new").data.decode()
    assert "Start a school visit" in page and "School visit: Riverside Academy" in page
    visit_uuid = str(uuid.uuid4())
    response = start(client, school, uuid=visit_uuid)
    assert response.status_code == 302 and response.headers["Location"] == f"/visits/{visit_uuid}"
    visit = stored(visit_uuid)
    assert visit.school_id == school.id and visit.provider_id is None
    assert visit.framework_version.kind == "school" and visit.people_met == "SENCO; inclusion lead"


def test_the_head_of_access_starts_a_visit_to_any_school(client, signed_in, make_user):
    other = make_user("school", school="Hillside School").school
    signed_in("head_of_access")
    assert client.get(f"/schools/{other.id}/visits/new").status_code == 200
    response = start(client, other)
    assert response.status_code == 302
    assert stored(response.headers["Location"].rsplit("/", 1)[1]).school_id == other.id


def test_an_officer_who_does_not_visit_the_school_is_told_why(client, signed_in, school):
    """Bad input: a school the officer may not visit. The page says so (403), and a post
    is refused by the save path with the same words: no visit is made."""
    signed_in("officer")
    message = "You may not visit Riverside Academy: only its link officer or the Head of Access can"
    response = client.get(f"/schools/{school.id}/visits/new")
    assert response.status_code == 403 and message in response.data.decode()
    assert 'name="visit_date' not in response.data.decode()
    response = start(client, school)
    assert response.status_code == 403 and message in response.data.decode()
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0


@pytest.mark.parametrize("role", ["school", "admin"])
def test_school_staff_and_admins_cannot_start_a_school_visit(client, signed_in, school, role):
    signed_in(role)
    assert client.get(f"/schools/{school.id}/visits/new").status_code == 403
    assert start(client, school).status_code == 403


def test_an_unknown_school_is_not_found(client, signed_in, officer):
    signed_in(officer)
    assert client.get("/schools/9999/visits/new").status_code == 404


def test_an_open_visit_is_continued_not_started_again(client, visit_uuid, school):
    """With a draft to the school, the start page links to it, and a second start is refused."""
    page = client.get(f"/schools/{school.id}/visits/new").data.decode()
    assert "You already have a visit to Riverside Academy in progress" in page
    assert f'href="/visits/{visit_uuid}"' in page
    response = start(client, school)
    assert response.status_code == 302 and response.headers["Location"] == f"/visits/{visit_uuid}"
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 1
    # A replayed start of the same visit goes on to it.
    replay = start(client, school, uuid=visit_uuid)
    assert replay.status_code == 302 and replay.headers["Location"] == f"/visits/{visit_uuid}"


# -- the task list and sections ---------------------------------------------------------------


def test_the_task_list_has_the_five_areas_and_placements(client, visit_uuid):
    page = client.get(f"/visits/{visit_uuid}").data.decode()
    assert "School visit: Riverside Academy" in page
    for area in AREAS:
        assert area in page
    assert f"/visits/{visit_uuid}/placements" in page and "Placements" in page
    assert "Strengths and pupil voice" in page and "Check and submit" in page
    assert "Registration check" not in page and "Quality of Education" not in page
    assert "unregistered provision" not in page
    # The browser's visit form may take the page over for its officer (visits.pages.offer_visit_form).
    assert f'data-visit-app data-visit-uuid="{visit_uuid}"' in page


def test_details_strengths_and_an_area_save(client, visit_uuid):
    version = version_of(visit_uuid)
    details = {
        "version": version,
        "visit_date": date_parts(days_ago(2)),
        "visit_type": "revisit",
        "people_met": "Headteacher",
        "pupils_seen": "3",
    }
    assert client.post(f"/visits/{visit_uuid}/details", data=details).status_code == 302
    assert client.get(f"/visits/{visit_uuid}/strengths").status_code == 200
    data = {"version": version_of(visit_uuid), "strengths": "Tracks every pupil", "pupil_voice": "Felt heard"}
    assert client.post(f"/visits/{visit_uuid}/strengths", data=data).status_code == 302
    page = client.get(f"/visits/{visit_uuid}/themes/PR").data.decode()
    assert "Placement records" in page and "PR1" in page and "School visit: Riverside Academy" in page
    data = {"version": version_of(visit_uuid), "note": "", "insufficient_reason": ""}
    data.update({"rating_PR1": "met", "evidence_PR1": "", "rating_PR2": "partly_met", "evidence_PR2": ""})
    response = client.post(f"/visits/{visit_uuid}/themes/PR", data=data)
    assert response.status_code == 400 and "evidence" in response.data.decode().lower()
    visit = stored(visit_uuid)
    assert (
        visit.visit_type == "revisit" and visit.pupils_seen == 3 and visit.strengths == "Tracks every pupil"
    )
    assert {j.criterion.code: j.rating for j in visit.judgements} == {"PR1": "met"}  # the valid part saved
    # A provider theme is no page of a school visit.
    assert client.get(f"/visits/{visit_uuid}/themes/SG").status_code == 404


def test_actions_on_a_school_visit_belong_to_the_school_or_the_authority(client, visit_uuid):
    page = client.get(f"/visits/{visit_uuid}/actions").data.decode()
    assert 'value="school" checked' in page and 'value="authority"' in page
    assert 'value="provider"' not in page
    data = {"version": version_of(visit_uuid), "description": "Chase the missing plans", "owner": "school"}
    assert client.post(f"/visits/{visit_uuid}/actions", data=data).status_code == 302
    data = {"version": version_of(visit_uuid), "description": "Anything", "owner": "provider"}
    assert client.post(f"/visits/{visit_uuid}/actions", data=data).status_code == 400
    (action,) = stored(visit_uuid).actions
    assert action.owner == "school" and action.school_id is not None and action.provider_id is None
    data = {"version": version_of(visit_uuid), "description": "Agree <dates>", "owner": "authority"}
    assert client.post(f"/visits/{visit_uuid}/actions", data=data).status_code == 302
    # Check answers lists them one a line, as typed.
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert page.index("Chase the missing plans") < page.index("Agree &lt;dates&gt;")


def test_the_schools_open_actions_are_marked(client, signed_in, officer, school, make_school_visit):
    """The school's open actions from its signed-off visit are listed, and marked done."""
    make_school_visit(school, days_ago=100, actions=[{"description": "Review every plan", "owner": "school"}])
    signed_in(officer)
    visit_uuid = start(client, school).headers["Location"].rsplit("/", 1)[1]
    action = db.session.scalar(db.select(Action).where(Action.school_id == school.id))
    assert "Actions from the last school visit" in client.get(f"/visits/{visit_uuid}").data.decode()
    page = client.get(f"/visits/{visit_uuid}/previous-actions").data.decode()
    assert "Review every plan" in page
    data = {
        "version": version_of(visit_uuid),
        f"outcome_{action.id}": "done",
        f"note_{action.id}": "All reviewed",
    }
    assert client.post(f"/visits/{visit_uuid}/previous-actions", data=data).status_code == 302
    assert stored(visit_uuid).action_outcomes == {str(action.id): "done"}


# -- the placements section -------------------------------------------------------------------


@pytest.fixture
def placements(make_placement, make_school_visit, make_user, school, provider):
    """Riverside's placements about a signed-off visit 60 days ago, and another school's."""
    old = since(300)
    made = {
        "open": make_placement(school, provider, pupil_ref="RA-OPEN", **old),
        "part_time": make_placement(school, provider, pupil_ref="RA-PART", **old, **part_time()),
        "ended_since": make_placement(school, provider, pupil_ref="RA-SINCE", **old, **ended(20)),
        "ended_before": make_placement(school, provider, pupil_ref="RA-BEFORE", **old, **ended(90)),
        "other_school": make_placement(
            make_user("school", school="Hillside School").school, provider, pupil_ref="HS-OTHER", **old
        ),
    }
    make_school_visit(school, days_ago=60)
    return made


def test_the_section_lists_the_schools_open_and_recently_ended_placements(client, placements, visit_uuid):
    """Open first, then those ended since the last signed-off visit; not another school's,
    not one ended before the last visit. Pupils by reference only."""
    page = client.get(f"/visits/{visit_uuid}/placements").data.decode()
    assert page.index("RA-OPEN") < page.index("RA-SINCE") and page.index("RA-PART") < page.index("RA-SINCE")
    assert "HS-OTHER" not in page and "RA-BEFORE" not in page
    assert "Bridges Learning Centre" in page and "Back to the home school full time" in page
    open_uuid, part_uuid = placements["open"].uuid, placements["part_time"].uuid
    for code in CHECKS:
        assert f'name="placement_checks.{open_uuid}.{code}"' in page
    assert f'name="placement_checks.{open_uuid}.note"' in page
    # "Not applicable" only for a part-time timetable's review, and that only when part time.
    assert f'name="placement_checks.{open_uuid}.part_time_reviewed"' not in page
    assert (
        f'name="placement_checks.{part_uuid}.part_time_reviewed" type="radio" value="not_applicable"' in page
    )
    assert page.count('value="not_applicable"') == 1


def test_the_section_saves_the_valid_answers(client, placements, visit_uuid):
    """Answers and notes are saved; a bad answer is shown beside its question, the rest saved."""
    open_uuid, since_uuid = placements["open"].uuid, placements["ended_since"].uuid
    data = {
        "version": version_of(visit_uuid),
        f"placement_checks.{open_uuid}.record_complete": "yes",
        f"placement_checks.{open_uuid}.confirmation_held": "maybe",
        f"placement_checks.{open_uuid}.note": "Plan on file",
        f"placement_checks.{since_uuid}.provider_qa_when_placed": "no",
    }
    response = client.post(f"/visits/{visit_uuid}/placements", data=data)
    page = response.data.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert f'id="placement_checks.{open_uuid}.confirmation_held-error"' in page
    assert stored(visit_uuid).placement_checks == {
        open_uuid: {"record_complete": "yes", "note": "Plan on file"},
        since_uuid: {"provider_qa_when_placed": "no"},
    }
    data[f"placement_checks.{open_uuid}.confirmation_held"] = "yes"
    data["version"] = version_of(visit_uuid)
    response = client.post(f"/visits/{visit_uuid}/placements", data=data)
    assert response.status_code == 302 and response.headers["Location"] == f"/visits/{visit_uuid}"
    assert stored(visit_uuid).placement_checks[open_uuid]["confirmation_held"] == "yes"
    page = client.get(f"/visits/{visit_uuid}/placements").data.decode()
    assert f'name="placement_checks.{open_uuid}.record_complete" type="radio" value="yes" checked' in page


def test_an_answer_for_another_schools_placement_is_refused_on_the_page(client, placements, visit_uuid):
    """Bad input: the page says the placement is not the school's, and saves nothing."""
    other = placements["other_school"].uuid
    data = {
        "version": version_of(visit_uuid),
        f"placement_checks.{placements['open'].uuid}.record_complete": "yes",
        f"placement_checks.{other}.record_complete": "yes",
    }
    response = client.post(f"/visits/{visit_uuid}/placements", data=data)
    assert response.status_code == 400
    assert "is not one of this school&#39;s placements on this visit" in response.data.decode()
    assert stored(visit_uuid).placement_checks == {}


def test_an_answer_for_another_schools_placement_is_refused_by_the_api(client, placements, visit_uuid):
    """Bad input through PUT /api/visits/<uuid>: a JSON error naming the field."""
    body = client.get(f"/api/visits/{visit_uuid}").get_json()
    other = placements["other_school"].uuid
    body["placement_checks"] = {other: {"record_complete": "yes"}}
    response = client.put(
        f"/api/visits/{visit_uuid}",
        json=body,
        headers={"Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{body["version"]}"'},
    )
    assert response.status_code == 400, response.data[:300]
    fields = response.get_json()["fields"]
    assert fields == {f"placement_checks.{other}": "is not one of this school's placements on this visit"}
    assert stored(visit_uuid).placement_checks == {}


def test_the_placements_section_is_no_page_of_a_provider_visit(client, signed_in, make_provider, make_visit):
    visit = make_visit(make_provider(), status="draft")
    signed_in(visit.officer)
    assert client.get(f"/visits/{visit.uuid}/placements").status_code == 404


def test_the_section_runs_the_same_queries_however_many_placements(
    client, visit_uuid, school, provider, make_placement, count_queries
):
    old = since(200)
    make_placement(school, provider, **old)

    def queries():
        with count_queries() as statements:
            assert client.get(f"/visits/{visit_uuid}/placements").status_code == 200
        return len(statements)

    few = queries()
    for n in range(5):
        extra = {**(part_time() if n % 2 == 0 else {}), **(ended(5) if n == 4 else {})}
        make_placement(school, provider, **old, **extra)
    assert queries() == few


# -- check answers, submit, sign-off ----------------------------------------------------------


def judge_all(client, visit_uuid, version):
    for code in AREAS_CODES:
        data = {"version": version_of(visit_uuid), "note": "", "insufficient_reason": ""}
        for criterion in version.criteria_by_theme()[code]:
            data[f"rating_{criterion.code}"] = "met"
        assert client.post(f"/visits/{visit_uuid}/themes/{code}", data=data).status_code == 302


AREAS_CODES = ("PR", "QR", "AF", "RD", "PV")


def test_check_answers_groups_the_placement_checks(client, placements, visit_uuid, school_framework):
    judge_all(client, visit_uuid, school_framework)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert "You cannot submit yet" in page and "School visit: Riverside Academy" in page
    # Three placements: 3 + 4 (part time) + 3 checks to answer.
    assert "Placements: 10 answers still to give" in page
    first = f"/visits/{visit_uuid}/placements#placement_checks.{placements['open'].uuid}.record_complete"
    assert f'href="{first}"' in page
    assert "Answer for RA-OPEN: the record is complete" in page
    assert "0 of 3 placements checked" in page and "Registration check" not in page
    for area in AREAS:
        assert area in page
    assert "Submit for sign-off" not in page


def answer_every_check(client, visit_uuid, placements):
    data = {"version": version_of(visit_uuid)}
    for key in ("open", "part_time", "ended_since"):
        for code in (*CHECKS, "part_time_reviewed") if key == "part_time" else CHECKS:
            data[f"placement_checks.{placements[key].uuid}.{code}"] = "yes"
    assert client.post(f"/visits/{visit_uuid}/placements", data=data).status_code == 302


def test_submit_and_sign_off_by_the_head_of_access(
    client, signed_in, login, placements, visit_uuid, school_framework, head_of_access, provider, make_visit
):
    """A complete school visit is submitted, queued by school and signed off; the provider's
    rating on the register (Amber, from its own visit) does not change."""
    make_visit(provider, rag="amber", days_ago=30)
    judge_all(client, visit_uuid, school_framework)
    answer_every_check(client, visit_uuid, placements)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert "You cannot submit yet" not in page and "3 of 3 placements checked" in page
    response = client.post(
        f"/visits/{visit_uuid}/submit", data={"version": version_of(visit_uuid), "confirmed": "y"}
    )
    assert response.status_code == 302 and stored(visit_uuid).status == "submitted"

    db.session.expire_all()
    before = db.session.get(Provider, provider.id)
    rating = (before.rating_rag, before.qa_valid_until, before.next_visit_due)
    assert rating[0] == "amber"
    client.post("/logout")
    login(head_of_access())
    queue = client.get("/sign-off").data.decode()
    assert "School visit: Riverside Academy" in queue and f"/visits/{visit_uuid}" in queue
    page = client.get(f"/visits/{visit_uuid}").data.decode()
    assert "Your decision" in page and "Placement records" in page and "RA-OPEN" in page
    assert "Every criterion judged is met and every placement check is yes" in page
    response = client.post(
        f"/visits/{visit_uuid}/sign-off",
        data={"version": version_of(visit_uuid), "confirmed": "y"},
        follow_redirects=True,
    )
    assert "Signed off. The school visit to Riverside Academy is rated Green." in response.data.decode()
    assert stored(visit_uuid).status == "signed_off"
    after = db.session.get(Provider, provider.id)
    assert (after.rating_rag, after.qa_valid_until, after.next_visit_due) == rating


def test_the_head_of_access_returns_a_school_visit(
    client, login, school, provider, make_placement, make_school_visit, head_of_access
):
    """A "no" to a placement check is put before her; she returns the visit with a comment."""
    make_placement(school, provider, pupil_ref="RA-NO", **since(100))
    visit = make_school_visit(school, status="submitted", answer_checks="no")
    login(head_of_access())
    page = client.get(f"/visits/{visit.uuid}").data.decode()
    assert "RA-NO: The written confirmation of safeguarding checks is held: no" in page
    response = client.post(f"/visits/{visit.uuid}/return", data={"comment": "Check the dates"})
    assert response.status_code == 302 and stored(visit.uuid).status == "returned"


def test_a_school_reads_only_its_own_signed_off_school_visits(client, signed_in, school, make_school_visit):
    staff = db.session.scalar(db.select(School).where(School.id == school.id))
    own = make_school_visit(staff, strengths="Tracks every pupil")
    draft = make_school_visit(staff, status="draft", days_ago=2)
    hillside = db.session.scalar(db.select(School).where(School.name == "Hillside School"))
    if hillside is None:
        hillside = School(name="Hillside School")
        db.session.add(hillside)
        db.session.commit()
    others = make_school_visit(hillside)
    signed_in("school", school="Riverside Academy")
    page = client.get(f"/visits/{own.uuid}")
    assert page.status_code == 200 and "School visit: Riverside Academy" in page.data.decode()
    assert "Tracks every pupil" in page.data.decode()
    assert client.get(f"/visits/{draft.uuid}").status_code == 404
    assert client.get(f"/visits/{others.uuid}").status_code == 404


def test_the_save_path_keeps_a_school_visits_actions_to_the_school_or_the_authority(client, visit_uuid):
    """Through PUT /api/visits/<uuid> too: an action for a provider is refused by name."""
    body = client.get(f"/api/visits/{visit_uuid}").get_json()
    body["actions"] = [{"description": "Chase the plans", "owner": "provider"}]
    response = client.put(
        f"/api/visits/{visit_uuid}",
        json=body,
        headers={"Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{body["version"]}"'},
    )
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "actions[0].owner": "A school visit's action is for the school or the local authority"
    }
    assert stored(visit_uuid).actions == []


def test_a_provider_visits_actions_are_not_the_schools(make_provider, make_visit):
    from qa_app.domain import Invalid

    with pytest.raises(Invalid) as refused:
        make_visit(make_provider(), status="draft", actions=[{"description": "Anything", "owner": "school"}])
    assert refused.value.fields == {
        "actions[0].owner": "A provider visit's action is for the provider or the local authority"
    }
