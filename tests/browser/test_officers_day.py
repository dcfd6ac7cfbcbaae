"""An officer's day with the one visit form, in Chromium with the server really stopped.

The officer signs in at the office, starts a visit from the programme, judges a theme,
loses the signal, reloads, closes the browser and opens it again (a persistent profile),
finishes every section offline, submits, and the visit reaches the server when it is
back: exactly once, with every field as typed and each photo once. A second test takes a
draft started on a desktop onto the tablet and finishes it offline.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.visits.models import Action, Visit
from qa_app.visits.representation import visit_as_json
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXPECTED,
    TABLET,
    Accessibility,
    Server,
    screenshot,
    sign_in,
    wait_for_service_worker,
    wait_until,
    watch,
)
from tests.browser.test_offline import png_bytes, stored_photos

OFFICER = "officer@example.org"


class Tablet:
    """A Chromium profile kept on disk, so that closing the browser and opening it again
    keeps its IndexedDB, caches and service worker, as on a real tablet."""

    def __init__(self, chromium, profile):
        self.browser_type = chromium.browser_type
        self.profile = str(profile)
        self.errors = []
        self.accessibility = Accessibility(chromium)  # copies checked in the session's browser
        self.context = None

    def open(self):
        """Start the browser on the profile; returns a watched page."""
        self.context = self.browser_type.launch_persistent_context(
            self.profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            service_workers="allow",
            viewport=TABLET,
        )
        self.context.on("page", self.accessibility.watch)
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.accessibility.watch(page)
        return watch(page, self.errors)

    def close(self):
        """Close the browser (its profile stays on disk)."""
        if self.context is not None:
            for page in self.context.pages:
                self.accessibility.check(page)
            self.accessibility.close()
            self.context.close()
            self.context = None

    def problems(self):
        """Script errors (the expected API answers aside) and accessibility violations."""
        unexpected = [e for e in self.errors if not (e.startswith(EXPECTED) and "/api/" in e)]
        # With the server stopped, every fetch fails: the form expects that.
        unexpected = [
            e for e in unexpected if "ERR_CONNECTION_REFUSED" not in e and "Failed to fetch" not in e
        ]
        return unexpected + self.accessibility.violations


@pytest.fixture
def server(live_app, tmp_path):
    live_app.config["PHOTO_STORAGE_PATH"] = str(tmp_path / "photos")
    running = Server(live_app)
    yield running
    if running.thread.is_alive():
        running.stop()


@pytest.fixture
def tablet(chromium, tmp_path):
    device = Tablet(chromium, tmp_path / "profile")
    yield device
    device.close()
    assert device.problems() == [], device.problems()


def idb(page, store):
    """Every row of one IndexedDB store of the tablet."""
    return page.evaluate(
        """(name) => new Promise((resolve, reject) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const all = open.result.transaction(name).objectStore(name).getAll();
              all.onsuccess = () => resolve(all.result);
              all.onerror = () => reject(all.error);
            };
            open.onerror = () => reject(open.error);
        })""",
        store,
    )


def provider_with_open_actions(app):
    """The officer's provider whose last signed-off visit left actions open, with no open visit."""
    from qa_app.auth.models import User

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        open_visit = select(Visit.provider_id).where(
            Visit.status.in_(("draft", "returned", "submitted")), Visit.provider_id.is_not(None)
        )
        query = (
            select(Provider)
            .join(Action, Action.provider_id == Provider.id)
            .join(Visit, Action.visit_id == Visit.id)
            .where(
                Provider.officer_id == officer.id,
                Action.status == "open",
                Visit.status == "signed_off",
                Provider.id.not_in(open_visit),
            )
            .order_by(Provider.name)
        )
        provider = db.session.scalars(query).first()
        assert provider is not None, "the demo data gives the officer a provider with open actions"
        return provider.id, provider.name


def section(page, name):
    """Open a section from the task list (a link in the form, no page load)."""
    page.locator("[data-task-list]").get_by_role("link", name=name, exact=True).click()
    expect(page.locator("[data-visit-app] h1")).to_have_text(name)


def back_to_tasks(page):
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.locator("[data-task-list]")).to_be_visible()


def judge(page, ratings, evidence=None):
    """Choose each criterion's rating ({code: rating label}) and type its evidence."""
    for code, rating in ratings.items():
        page.locator(f"#criterion-{code}").get_by_label(rating, exact=True).check()
    for code, text in (evidence or {}).items():
        page.get_by_label(f"Evidence for {code}", exact=True).fill(text)


def theme_codes(page, theme):
    """The criteria of a theme, as the form shows them."""
    return page.locator("[data-criterion]").evaluate_all("(nodes) => nodes.map((n) => n.dataset.criterion)")


def synced(page, seconds=30):
    """Wait until the tablet's outbox is empty (the sync has sent everything)."""
    for _ in range(seconds * 5):
        if not idb(page, "outbox"):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"still waiting to sync: {idb(page, 'outbox')}")


def saved(page):
    """Every change typed is stored on the tablet: the line says "saving" (data-state) from a
    keystroke until the last write of the draft is done, whatever it said before."""
    expect(page.locator('[data-save-state][data-state="saved"]')).to_contain_text("Saved on this tablet at")


def test_an_officers_day_offline_reaches_the_server_once_with_every_field(tablet, server, live_app):
    provider_id, provider_name = provider_with_open_actions(live_app)
    page = tablet.open()
    # 1-2. At the office: sign in, start a visit from the programme.
    sign_in(page, server.url, OFFICER)
    page.goto(f"{server.url}/programme")
    page.get_by_role("link", name=f"Start a visit to {provider_name}").click()
    page.get_by_role("button", name="Start the visit").click()
    expect(page).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    uuid = page.url.rsplit("/", 1)[1]
    expect(page.locator("[data-task-list]")).to_be_visible()
    wait_for_service_worker(page)
    # 3. Judge one theme, online.
    section(page, "Quality of Education")
    qe = theme_codes(page, "QE")
    judge(page, dict.fromkeys(qe, "Met"))
    saved(page)
    wait_until(
        page,
        "async (uuid) => (await (await fetch(`/api/visits/${uuid}`)).json()).judgements.length > 0",
        uuid,
    )
    # 4. The signal drops; the page is reloaded.
    server.stop()
    page.reload()
    expect(page.locator("[data-visit-app] h1")).to_have_text("Quality of Education")
    for code in qe:
        expect(page.locator(f"#criterion-{code}").get_by_label("Met", exact=True)).to_be_checked()
    expect(page.locator("[data-offline-status]")).to_contain_text("Offline")
    # 5. The browser is closed and opened again, still with no signal.
    tablet.close()
    page = tablet.open()
    page.goto(f"{server.url}/visits/{uuid}")
    expect(page.locator("[data-task-list]")).to_be_visible()
    screenshot(page, "officers-day-task-list-offline")
    # Check answers, worked out on the tablet: what blocks submitting, by theme, with links.
    page.get_by_role("button", name="Check answers").click()
    expect(page.locator("[data-blockers]")).to_contain_text("Safeguarding:")
    expect(page.locator("[data-blockers]")).to_contain_text("criteria not judged")
    expect(page.locator("[data-overall]")).to_contain_text("No overall rating")
    expect(page.get_by_role("button", name="Submit visit")).to_be_disabled()
    page.get_by_role("link", name="Back to the visit").click()

    # 6. Every section, offline.
    today = date.today()
    section(page, "Visit details")
    page.get_by_label("People met").fill("Ms Okafor (head), Mr Lee (DSL)")
    page.get_by_label("Number of pupils seen").fill("14")
    back_to_tasks(page)

    typed_evidence, every_code = {}, list(qe)
    for name, code in (
        ("Safeguarding", "SG"),
        ("Health and Safety", "HS"),
        ("Personal Development and Behaviour", "PD"),
        ("Leadership and Management", "LM"),
    ):
        section(page, name)
        codes = theme_codes(page, code)
        every_code += codes
        judge(page, dict.fromkeys(codes, "Met"))
        judge(page, {codes[-1]: "Partly met"}, {codes[-1]: f"{codes[-1]}: only partly seen"})
        typed_evidence[codes[-1]] = f"{codes[-1]}: only partly seen"
        page.get_by_label("Comment on this theme").fill(f"Comment on {name}")
        saved(page)
        back_to_tasks(page)

    # A theme mostly not seen, with its reason, and a photo on one of its criteria.
    section(page, "Student Entitlement")
    se = theme_codes(page, "SE")
    every_code += se
    judge(page, dict.fromkeys(se, "Not seen"), {c: f"{c} not seen: pupils on a trip" for c in se[:-1]})
    judge(page, {se[-1]: "Met"})
    for c in se[:-1]:
        typed_evidence[c] = f"{c} not seen: pupils on a trip"
    page.get_by_label("If most criteria were not seen, why?").fill("Pupils were on a trip that day")
    page.locator(f"#photo_{se[-1]}").set_input_files(
        files=[{"name": "board.png", "mimeType": "image/png", "buffer": png_bytes(800, 600)}]
    )
    expect(page.locator(f'[data-photos="{se[-1]}"] [data-photo] img')).to_have_count(1)
    saved(page)
    screenshot(page, "officers-day-theme-offline")
    back_to_tasks(page)

    section(page, "Registration check")
    page.get_by_label("How many pupils attend").fill("1")
    page.get_by_label("Reference (never a name)").fill("P1")
    page.get_by_label("Hours a week").fill("12")
    saved(page)
    back_to_tasks(page)

    section(page, "Strengths and pupil voice")
    page.get_by_label("Strengths").fill("Calm, purposeful lessons")
    page.get_by_label("Pupil voice").fill("Pupils said they like the art room")
    back_to_tasks(page)

    section(page, "Areas for development (actions)")
    page.get_by_role("button", name="Add an action").click()
    due = today + timedelta(days=30)
    page.get_by_label("What needs to be done").fill("Update the single central record")
    page.get_by_label("Local authority").check()
    dates = page.get_by_role("group", name="Due by")
    dates.get_by_label("Day").fill(str(due.day))
    dates.get_by_label("Month").fill(str(due.month))
    dates.get_by_label("Year").fill(str(due.year))
    saved(page)
    back_to_tasks(page)

    section(page, "Actions from the last visit")
    outcomes = page.locator("[data-field^='action_outcomes.']")
    count = outcomes.count()
    assert count >= 1
    for index in range(count):
        outcomes.nth(index).get_by_label("Done" if index == 0 else "Not done", exact=True).check()
    page.locator("[data-field^='action_notes.'] textarea").first.fill("Seen the new policy")
    saved(page)
    back_to_tasks(page)

    # 7. Submit.
    page.get_by_role("button", name="Check answers").click()
    expect(page.locator("[data-visit-app] h1")).to_have_text("Check answers")
    screenshot(page, "officers-day-check-offline")
    expect(page.locator("[data-blockers]")).to_have_count(0)
    expect(page.locator('[data-theme-rag="QE"]')).to_contain_text("Green")
    expect(page.locator("[data-overall]")).not_to_contain_text("No overall rating")
    page.get_by_role("button", name="Submit visit").click()
    page.get_by_role("button", name="Yes, submit the visit").click()
    expect(page.locator("[data-submitted]")).to_be_visible()
    assert len(idb(page, "outbox")) == 1
    assert [d for d in idb(page, "drafts") if d["uuid"] == uuid] == []

    # 8. Back at the office: the server is up again and the tablet syncs.
    server.start()
    page.goto(f"{server.url}/programme")
    synced(page)
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.uuid == uuid)) == 1
        mine = db.session.scalar(
            select(func.count())
            .select_from(Visit)
            .where(Visit.provider_id == provider_id, Visit.status != "signed_off")
        )
        assert mine == 1
        stored = visit_as_json(db.session.scalar(select(Visit).where(Visit.uuid == uuid)))
    assert stored["status"] == "submitted"
    assert stored["people_met"] == "Ms Okafor (head), Mr Lee (DSL)"
    assert stored["pupils_seen"] == 14
    judged = {j["criterion"]: (j["rating"], j["evidence"]) for j in stored["judgements"]}
    assert sorted(judged) == sorted(every_code)
    for code in qe:
        assert judged[code] == ("met", "")
    for code, text in typed_evidence.items():
        assert judged[code][1] == text
    assert judged[se[-1]] == ("met", "")
    assert stored["theme_notes"]["SG"] == "Comment on Safeguarding"
    assert stored["insufficient_reasons"] == {"SE": "Pupils were on a trip that day"}
    assert stored["strengths"] == "Calm, purposeful lessons"
    assert stored["pupil_voice"] == "Pupils said they like the art room"
    assert stored["actions"] == [
        {"description": "Update the single central record", "owner": "authority", "due": due.isoformat()}
    ]
    outcomes_stored = stored["action_outcomes"]
    assert len(outcomes_stored) == count
    assert sorted(outcomes_stored.values()) == sorted(["done"] + ["not_done"] * (count - 1))
    assert list(stored["action_notes"].values()) == ["Seen the new policy"]
    assert stored["registration_evidence"]["pupil_count"] == 1
    assert stored["registration_evidence"]["pupils"][0]["ref"] == "P1"
    assert stored["registration_evidence"]["pupils"][0]["hours_per_week"] == 12
    photos = stored_photos(live_app, uuid)
    assert [row.criterion_code for row, _ in photos] == [se[-1]]


def test_a_draft_started_on_a_desktop_is_finished_on_the_tablet_offline(tablet, server, live_app):
    """A visit started through the API (another device) is on the tablet after a sync,
    opens with no signal at its own address with what was saved, and is finished there."""
    import uuid as uuid_module

    from flask_login import login_user

    from qa_app.auth.models import User
    from qa_app.schemas import read
    from qa_app.submission.services import save
    from qa_app.visits.schemas import VisitBody

    provider_id, provider_name = provider_with_open_actions(live_app)
    visit_uuid = str(uuid_module.uuid4())
    with live_app.test_request_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        login_user(officer)
        body = {
            "provider_id": provider_id,
            "visit_date": date.today().isoformat(),
            "people_met": "Typed at the desk",
        }
        save(officer, visit_uuid, read(VisitBody, body).to_change(), None)
        db.session.commit()

    page = tablet.open()
    sign_in(page, server.url, OFFICER)
    page.goto(f"{server.url}/programme")
    wait_for_service_worker(page)
    wait_until(
        page,
        """async (uuid) => new Promise((resolve) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const get = open.result.transaction("drafts").objectStore("drafts").get(uuid);
              get.onsuccess = () => resolve(Boolean(get.result));
            };
        })""",
        visit_uuid,
    )
    # ... and the sync that brought it has finished (its bundle stored too).
    wait_until(
        page, "async () => !(await navigator.locks.query()).held.some((lock) => lock.name === 'qa-sync')"
    )
    assert idb(page, "bundle")
    server.stop()
    page.goto(f"{server.url}/visits/{visit_uuid}/details")
    expect(page.get_by_label("People met")).to_have_value("Typed at the desk")
    back_to_tasks(page)
    for link in page.locator("[data-task-list] a").all_inner_texts():
        if link in ("Visit details", "Registration check", "Strengths and pupil voice"):
            continue
        if link == "Areas for development (actions)" or link == "Actions from the last visit":
            continue
        section(page, link)
        judge(page, dict.fromkeys(theme_codes(page, ""), "Met"))
        saved(page)
        back_to_tasks(page)
    page.get_by_role("button", name="Check answers").click()
    page.get_by_role("button", name="Submit visit").click()
    page.get_by_role("button", name="Yes, submit the visit").click()
    expect(page.locator("[data-submitted]")).to_be_visible()
    server.start()
    page.goto(f"{server.url}/programme")
    synced(page)
    with live_app.app_context():
        stored = db.session.scalar(select(Visit).where(Visit.uuid == visit_uuid))
        assert stored.status == "submitted"
        assert stored.people_met == "Typed at the desk"
        assert len(stored.judgements) == sum(1 for _ in stored.framework_version.active_criteria())
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Visit)
                .where(Visit.provider_id == provider_id, Visit.status == "submitted")
            )
            == 1
        )
