"""The service worker, the manifest, the offline visit page and the offline bundle."""

import json
import uuid
from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.visits.models import Action, Visit


def test_service_worker_is_served_from_the_root_for_the_whole_site(client):
    """/sw.js: JavaScript, allowed scope /, never cached by HTTP, with its shell list."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    text = response.get_data(as_text=True)
    assert 'const SHELL_VERSION = "' in text
    shell = json.loads(text.split("const SHELL_URLS = ", 1)[1].split(";\n", 1)[0])
    assert "/offline/shell" in shell
    assert "/static/vendor/govuk/app.css" in shell
    assert not any(url.startswith("/api/") for url in shell)


def test_every_shell_asset_exists(client):
    """A missing asset would make the worker's install fail on the tablet."""
    text = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(text.split("const SHELL_URLS = ", 1)[1].split(";\n", 1)[0])
    for url in shell:
        assert client.get(url).status_code == 200, url


def test_manifest_names_the_app_and_its_icons(client):
    """The manifest lets a tablet install the app; its icons are real PNGs."""
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["scope"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).data[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_shell_holds_no_personal_data(client, signed_in, make_user):
    """The shell is cached by the worker, so it shows no one's name, menu or token."""
    officer = make_user("officer", name="Officer Unique-Name")
    signed_in(officer)
    page = client.get("/offline/shell").get_data(as_text=True)
    assert "Unique-Name" not in page
    assert "csrf_token" not in page
    assert "data-visit-app" in page and "data-user-id" not in page


def test_the_old_offline_form_address_leads_to_the_programme(client, signed_in):
    """There is one visit form: the old address of the offline one redirects."""
    signed_in("officer")
    response = client.get("/offline/visit")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_bundle_needs_sign_in_as_json(client):
    """Signed out: a JSON 401, never a redirect to the sign-in page."""
    response = client.get("/api/offline-bundle")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("role", ["school", "admin"])
def test_bundle_is_for_casework_only(client, signed_in, role):
    signed_in(role)
    assert client.get("/api/offline-bundle").status_code == 403


def test_bundle_has_the_officers_providers_framework_rules_and_programme(
    client, signed_in, make_user, make_provider, make_visit
):
    """An officer gets their own providers (with open actions), not anyone else's."""
    officer = make_user("officer")
    mine = make_provider(name="Mine Ltd", officer_id=officer.id)
    make_provider(name="Someone Else's", officer_id=make_user("officer").id)
    visit = make_visit(mine, officer=officer)
    db.session.add(Action(visit=visit, provider_id=mine.id, description="Update the SCR", owner="provider"))
    db.session.add(Action(visit=visit, provider_id=mine.id, description="Done one", status="done"))
    # An action on a visit not yet signed off is no one's to mark done yet, as on the pages.
    draft = make_visit(mine, officer=officer, status="draft")
    db.session.add(Action(visit=draft, provider_id=mine.id, description="Draft action", owner="provider"))
    db.session.commit()
    signed_in(officer)

    response = client.get("/api/offline-bundle")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    bundle = response.get_json()
    assert bundle["user_id"] == officer.id
    assert [p["name"] for p in bundle["providers"]] == ["Mine Ltd"]
    provider = bundle["providers"][0]
    assert {"id", "name", "address", "postcode", "registration_status"} <= set(provider)
    assert [a["description"] for a in provider["open_actions"]] == ["Update the SCR"]
    framework = bundle["framework"]
    assert [t["code"] for t in framework["themes"]] == ["QE", "SG", "HS", "PD", "LM", "SE"]
    sg1 = framework["themes"][1]["criteria"][0]
    assert sg1["code"] == "SG1" and sg1["critical"] is True and sg1["guidance"]
    assert "theme_red_not_met_fraction" in framework["rules"]
    assert bundle["registration_rules"]["rules"]
    assert [p["provider_id"] for p in bundle["programme"]] == [mine.id]


def test_head_of_access_gets_every_provider(client, signed_in, make_user, make_provider):
    make_provider(officer_id=make_user("officer").id)
    make_provider()
    signed_in("head_of_access")
    assert len(client.get("/api/offline-bundle").get_json()["providers"]) == 2


def _providers_with_actions(make_provider, make_visit, officer, count):
    for _ in range(count):
        provider = make_provider(officer_id=officer.id)
        visit = make_visit(provider, officer=officer)
        db.session.add(Action(visit=visit, provider_id=provider.id, description="Fix it"))
    db.session.commit()


def test_bundle_runs_the_same_number_of_queries_for_2_and_20_providers(
    client, signed_in, make_user, make_provider, make_visit, count_queries
):
    """No query per provider: the bundle costs the same for a big caseload."""
    small, big = make_user("officer"), make_user("officer")
    _providers_with_actions(make_provider, make_visit, small, 2)
    _providers_with_actions(make_provider, make_visit, big, 20)
    counts = []
    for officer, expected in ((small, 2), (big, 20)):
        client.post("/logout")
        signed_in(officer)
        client.get("/api/offline-bundle")  # the first since the server started reads the frameworks
        with count_queries() as queries:
            bundle = client.get("/api/offline-bundle").get_json()
        assert len(bundle["providers"]) == expected
        assert all(len(p["open_actions"]) == 1 for p in bundle["providers"])
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # With the schools this officer visits and their framework, the providers' answers to
    # their actions, and the providers' latest self-assessments (with their answers and their
    # files' names when there are some); and the read log's entry for the download.
    assert counts[0] <= 14, counts


def test_the_offline_form_fits_the_size_budget(client):
    """The offline client's own JavaScript and CSS stay under 60 KB compressed (the budget
    for a slow connection), counted as bench.offline counts them: GOV.UK Frontend's script
    and stylesheet aside (app.css is GOV.UK Frontend compiled with the app's rules, which
    count as their source, static/css/app.scss)."""
    import gzip
    from pathlib import Path

    text = client.get("/sw.js").get_data(as_text=True)
    shell = json.loads(text.split("const SHELL_URLS = ", 1)[1].split(";\n", 1)[0])
    assets = [u for u in shell if u.endswith(".js") and "govuk-frontend" not in u]
    own_css = (Path(__file__).resolve().parents[1] / "static" / "css" / "app.scss").read_bytes()
    total = sum(len(gzip.compress(client.get(url).data)) for url in assets)
    total += len(gzip.compress(text.encode())) + len(gzip.compress(own_css))
    assert total < 60_000, total


def test_bundle_carries_the_forms_labels_from_the_servers_constants(client, login, make_user):
    """The offline form keeps no copy of the labels: they come in the bundle, in order."""
    from qa_app.framework.rating import RATINGS
    from qa_app.registration.law import RESULT_LABELS
    from qa_app.visits.models import ACTION_OWNERS, VISIT_TYPES

    login(make_user("officer"))
    labels = client.get("/api/offline-bundle").get_json()["labels"]
    pairs = lambda items: [(i["code"], i["label"]) for i in items]  # noqa: E731
    assert pairs(labels["ratings"]) == list(RATINGS.items())
    assert [r["code"] for r in labels["ratings"] if not r["evidence_required"]] == ["met"]
    assert pairs(labels["visit_types"]) == list(VISIT_TYPES.items())
    assert pairs(labels["action_owners"]) == list(ACTION_OWNERS.items())
    assert [o["code"] for o in labels["action_owners"] if o["default"]] == ["provider"]
    assert pairs(labels["registration_results"]) == list(RESULT_LABELS.items())
    assert [(f["code"], f["default"]) for f in labels["pupil_flags"]] == [
        ("daytime", True),
        ("ehc_plan", False),
        ("looked_after", False),
        ("sen", False),
        ("main_education", True),
    ]


def test_bundle_carries_the_officers_open_visits_and_their_framework_versions(
    client, signed_in, make_user, make_provider, make_visit
):
    """Drafts and returned visits (wherever started) travel to the tablet, as the API shows
    them; submitted ones and other officers' do not. Each visit's framework is there."""
    officer = make_user("officer")
    provider = make_provider(name="Open Ltd", officer_id=officer.id)
    draft = make_visit(provider, officer=officer, status="draft", people_met="Head")
    # One open visit per provider: the returned one is to a second provider of theirs.
    returned = make_visit(
        make_provider(name="Second Ltd", officer_id=officer.id), officer=officer, status="returned"
    )
    make_visit(make_provider(officer_id=officer.id), officer=officer, status="submitted")
    make_visit(provider, officer=make_user("officer"), status="draft")
    signed_in(officer)

    bundle = client.get("/api/offline-bundle").get_json()
    by_uuid = {v["uuid"]: v for v in bundle["visits"]}
    assert set(by_uuid) == {draft.uuid, returned.uuid}
    assert by_uuid[draft.uuid]["people_met"] == "Head"
    assert by_uuid[draft.uuid]["provider_name"] == "Open Ltd"
    assert by_uuid[returned.uuid]["status"] == "returned" and by_uuid[returned.uuid]["return_comment"]
    assert by_uuid[draft.uuid]["version"] == draft.version
    for visit in bundle["visits"]:
        framework = bundle["frameworks"][visit["framework_version"]]
        assert [t["code"] for t in framework["themes"]] == ["QE", "SG", "HS", "PD", "LM", "SE"]
    assert bundle["framework"]["name"] in bundle["frameworks"]


def test_bundle_costs_the_same_queries_for_1_and_8_open_visits(
    client, signed_in, make_user, make_provider, make_visit, count_queries
):
    """No query per visit: a tablet with many drafts syncs as cheaply as one with few."""
    counts = []
    for number in (1, 8):
        officer = make_user("officer")
        for _ in range(number):
            make_visit(make_provider(officer_id=officer.id), officer=officer, status="draft")
        client.post("/logout")
        signed_in(officer)
        client.get("/api/offline-bundle")  # the first since the server started reads the frameworks
        with count_queries() as queries:
            bundle = client.get("/api/offline-bundle").get_json()
        assert len(bundle["visits"]) == number
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_bundle_carries_the_form_words_of_the_server_pages(client, login, make_user):
    """The browser's form labels its fields with the server pages' own words."""
    from qa_app.visits.forms import ActionForm, DetailsForm, StrengthsForm, ThemeFields

    login(make_user("officer"))
    fields = client.get("/api/offline-bundle").get_json()["labels"]["fields"]
    assert fields["people_met"]["label"] == DetailsForm.people_met.kwargs["label"]
    assert fields["pupil_voice"]["hint"] == StrengthsForm.pupil_voice.kwargs["description"]
    assert fields["insufficient_reason"]["label"] == ThemeFields.insufficient_reason.kwargs["label"]
    assert fields["action_due"]["label"] == ActionForm.due.kwargs["label"]


# -- School visits (docs/domain.md §2.7) ------------------------------------------------------


def _school(officer, name):
    """A school whose link officer is `officer`."""
    from qa_app.auth.models import School

    school = School(name=name, officer_id=officer.id)
    db.session.add(school)
    db.session.commit()
    return school


def _tablets(placement):
    """What the tablet is given of a placement the save path lists: what the form shows."""
    shown = ("uuid", "pupil_ref", "year_group", "provider_name", "start_date", "ended_on", "part_time")
    shown += ("hours_per_week", "last_review", "overdue")
    return json.loads(json.dumps({key: placement[key] for key in shown}))


def _school_draft(officer, school, **fields):
    """A draft school visit saved through the real save path."""
    from qa_app.framework.services import load_default_framework
    from tests.factories import save

    load_default_framework("school")
    body = {"school_id": school.id, "visit_date": date.today().isoformat(), "status": "draft", **fields}
    visit, _ = save(officer, str(uuid.uuid4()), body)
    db.session.commit()
    return visit


def test_bundle_carries_the_schools_an_officer_visits_with_their_placements(
    client, signed_in, make_user, make_provider, make_placement
):
    """Each school the officer visits, with the placements a visit today would check (as
    the save path lists them), the school version in force and its labels; another
    officer's school is not there. An open school visit carries its own placements."""
    from qa_app.framework.services import load_default_framework
    from qa_app.visits.models import PLACEMENT_CHECKS
    from qa_app.visits.school_placements import placements_to_check

    load_default_framework()
    load_default_framework("school")
    officer = make_user("officer")
    school = _school(officer, "Hill School")
    _school(make_user("officer"), "Other School")
    provider = make_provider(name="Lane AP", officer_id=officer.id)
    placement = make_placement(
        school,
        provider,
        part_time=True,
        hours_per_week=10,
        part_time_reason="medical",
        part_time_review_date=(date.today() + timedelta(days=20)).isoformat(),
    )
    draft = _school_draft(officer, school, people_met="The SENCO")
    signed_in(officer)

    bundle = client.get("/api/offline-bundle").get_json()
    assert [s["name"] for s in bundle["schools"]] == ["Hill School"]
    listed = bundle["schools"][0]
    assert listed["id"] == school.id and listed["open_actions"] == []
    probe = Visit(school_id=school.id, visit_date=date.today())
    assert listed["placements"] == [_tablets(p) for p in placements_to_check(probe)]
    assert [p["uuid"] for p in listed["placements"]] == [placement.uuid]
    assert listed["placements"][0]["provider_name"] == "Lane AP" and listed["placements"][0]["part_time"]
    assert bundle["school_framework"] == "schools-2026-2027"
    school_version = bundle["frameworks"]["schools-2026-2027"]
    assert [t["code"] for t in school_version["themes"]] == ["PR", "QR", "AF", "RD", "PV"]
    assert school_version["kind"] == "school"
    # The provider framework is still the provider one, though the school one is newer.
    assert [t["code"] for t in bundle["framework"]["themes"]] == ["QE", "SG", "HS", "PD", "LM", "SE"]
    assert [(c["code"], c["label"]) for c in bundle["labels"]["placement_checks"]] == list(
        PLACEMENT_CHECKS.items()
    )
    (visit,) = bundle["visits"]
    assert visit["uuid"] == draft.uuid and visit["school_id"] == school.id
    assert visit["school_name"] == "Hill School" and visit["people_met"] == "The SENCO"
    assert visit["placement_checks"] == {}
    assert visit["placements"] == [_tablets(p) for p in placements_to_check(draft)]


def test_bundle_carries_a_schools_open_actions_from_signed_off_visits(
    client, signed_in, make_user, make_provider, make_visit
):
    """The actions a school visit lists as the last visit's: the school's open ones of
    signed-off school visits, not a provider's."""
    officer = make_user("officer")
    school = _school(officer, "Hill School")
    visit = _school_draft(officer, school)
    visit.status = "signed_off"
    db.session.add(Action(visit=visit, school_id=school.id, owner="school", description="Keep plans"))
    make_visit(make_provider(officer_id=officer.id), officer=officer)
    db.session.commit()
    signed_in(officer)

    (listed,) = client.get("/api/offline-bundle").get_json()["schools"]
    assert [(a["description"], a["owner"]) for a in listed["open_actions"]] == [("Keep plans", "school")]


def test_bundle_costs_the_same_queries_for_few_and_many_schools_placements_and_visits(
    client, signed_in, make_user, make_provider, make_placement, count_queries
):
    """No query per school, placement or school visit."""
    counts = []
    for schools, placements in ((1, 1), (5, 4)):
        officer = make_user("officer")
        provider = make_provider(officer_id=officer.id)
        for n in range(schools):
            school = _school(officer, f"School {officer.id}-{n}")
            for _ in range(placements):
                make_placement(school, provider)
            _school_draft(officer, school)
        client.post("/logout")
        signed_in(officer)
        client.get("/api/offline-bundle")  # the first since the server started reads the frameworks
        with count_queries() as queries:
            bundle = client.get("/api/offline-bundle").get_json()
        assert len(bundle["schools"]) == schools == len(bundle["visits"])
        assert all(len(s["placements"]) == placements for s in bundle["schools"])
        assert all(len(v["placements"]) == placements for v in bundle["visits"])
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_bundles_lists_of_placements_are_the_save_paths(make_user, make_provider, make_placement):
    """placements_for_many (the bundle's few queries) lists what placements_for (the save
    path's) lists for each visit: the overdue items, the last review, an ended placement
    only when it ended since the school's last signed-off visit, and the visit's own date."""
    from qa_app.placements.visit_checks import placements_for, placements_for_many

    officer = make_user("officer")
    school = _school(officer, "Hill School")
    provider = make_provider(officer_id=officer.id)
    today = date.today()
    start = today - timedelta(days=200)
    make_placement(
        school,
        provider,
        start_date=start.isoformat(),
        planned_end_date=(today - timedelta(days=5)).isoformat(),
        safeguarding_confirmation_received=None,
        reviews=[
            {
                "review_date": (start + timedelta(days=30)).isoformat(),
                "sessions_possible": 20,
                "sessions_attended": 18,
            }
        ],
    )
    for ended in (20, 120):
        make_placement(
            school,
            provider,
            start_date=start.isoformat(),
            end={"date": (today - timedelta(days=ended)).isoformat(), "destination": "post_16"},
        )
    last = _school_draft(officer, school)
    last.visit_date = today - timedelta(days=60)
    last.status = "signed_off"
    draft = _school_draft(officer, school)
    db.session.commit()
    visits = [
        draft,
        Visit(school_id=school.id, visit_date=today),
        Visit(school_id=school.id, visit_date=today - timedelta(days=100)),
        Visit(school_id=school.id, visit_date=None),
    ]
    many = placements_for_many(visits)
    assert many == [placements_for(visit) for visit in visits]
    assert [len(found) for found in many] == [2, 2, 3, 0]
    assert many[0][0]["overdue"] == ["review", "planned_end", "safeguarding_confirmation"]
    assert many[0][0]["last_review"] == (start + timedelta(days=30)).isoformat()
