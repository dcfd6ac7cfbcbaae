"""Offline visits in a real browser: the failure cases of the offline issue.

The server is made really unreachable by stopping it (Playwright's set_offline does not
stop the service worker's own fetches), and started again on the same port.
"""

import re
import time
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.visits.models import Visit
from tests.browser.conftest import ARTIFACTS, screenshot, sign_in, wait_for_service_worker, wait_until


def visits_with(app, uuid):
    """How many visits the server holds with this UUID."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Visit).where(Visit.uuid == uuid))


def outbox(page):
    """The rows in the tablet's outbox."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const all = open.result.transaction("outbox").objectStore("outbox").getAll();
              all.onsuccess = () => resolve(all.result);
              all.onerror = () => reject(all.error);
            };
            open.onerror = () => reject(open.error);
        })"""
    )


OUTBOX_EMPTY = """(uuid) => new Promise((resolve, reject) => {
    const open = indexedDB.open("qa-offline");
    open.onsuccess = () => {
      const all = open.result.transaction("outbox").objectStore("outbox").getAll();
      all.onsuccess = () => {
        open.result.close();
        resolve(all.result.every((row) => uuid && row.uuid !== uuid));
      };
      all.onerror = () => reject(all.error);
    };
    open.onerror = () => reject(open.error);
})"""


def wait_until_sent(page, uuid=None):
    """Wait until the tablet's outbox holds nothing (of the visit, given its UUID): every
    change has reached the server."""
    wait_until(page, OUTBOX_EMPTY, uuid)


def ready_offline(page, server, email="officer@example.org"):
    """Sign in online, open the list of visits on this tablet (the form's shell), and wait
    until the service worker controls it and the bundle is on the tablet."""
    sign_in(page, server.url, email)
    # The line shows once the worker is registered and the tablet knows who is signed in.
    expect(page.locator("[data-offline-status]")).to_be_visible(timeout=15_000)
    page.goto(f"{server.url}/offline/shell")
    wait_for_service_worker(page)
    expect(page.locator("#start-provider option").first).to_be_attached()


def start_visit(page):
    """Start a visit for the first provider on the tablet; returns the visit's UUID."""
    page.get_by_role("button", name="Start visit").click()
    expect(page.locator("[data-task-list]")).to_be_visible()
    return page.evaluate("location.pathname.split('/')[2]")


def expect_saved(page):
    """Wait until the last change is saved on the tablet (the save line's state: its words
    say more, such as that a visit in conflict is kept here and not sent)."""
    expect(page.locator('[data-save-state][data-state="saved"]')).to_be_attached()


def judge_all(page, evidence_for=("SG1",)):
    """Judge every criterion of every theme Met, except the given ones Not met with
    evidence, and write the strengths; ends on the task list."""
    for index in range(6):
        page.locator("[data-task-list] a").nth(index + 1).click()
        expect(page.locator("[data-criterion]").first).to_be_visible()
        page.evaluate(
            """(notMet) => {
                for (const group of document.querySelectorAll("[data-criterion]")) {
                  const code = group.dataset.criterion;
                  const value = notMet.includes(code) ? "not_met" : "met";
                  const radio = group.querySelector(`input[value="${value}"]`);
                  radio.checked = true;
                  radio.dispatchEvent(new Event("change", { bubbles: true }));
                }
            }""",
            list(evidence_for),
        )
        for code in evidence_for:
            if page.locator(f'[name="evidence.{code}"]').count():
                page.locator(f'[name="evidence.{code}"]').fill(f"Evidence for {code}: no DBS seen")
        expect_saved(page)
        page.get_by_role("button", name="Save and return to the visit").click()
    page.get_by_role("link", name="Strengths and pupil voice").click()
    page.get_by_label("Strengths").fill("Calm, purposeful lessons.")
    expect_saved(page)
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.locator("[data-task-list]")).to_be_visible()


def no_signal_after_a_failure(page):
    """The sync's own check for the server (/healthz, asked every second after a failed
    sync) fails until the test appends to the list returned: the tablet does not try again
    on its own before the test has looked at what the failure left."""
    signal = []
    page.route("**/healthz", lambda route: route.continue_() if signal else route.abort())
    return signal


def submit(page, click="click"):
    """Check answers and submit: the visit moves to the outbox; ends on the list of visits."""
    page.get_by_role("button", name="Check answers").click()
    page.get_by_role("button", name="Submit visit").click()
    getattr(page.get_by_role("button", name="Yes, submit the visit"), click)()
    expect(page.locator("[data-submitted]")).to_be_visible()


def test_draft_survives_closing_the_page_with_the_server_down(tablet, server, live_app):
    """(1)(2)(3) Offline: fill all six themes, close the page, reopen: the draft is intact;
    submit offline: one item waiting, reload keeps it; back online: exactly one visit."""
    page = tablet()
    ready_offline(page, server)
    context = page.context
    server.stop()

    started = time.monotonic()
    page.reload()  # the shell comes from the service worker's cache
    expect(page.get_by_role("heading", name="Visits on this tablet")).to_be_visible()
    load_seconds = time.monotonic() - started
    uuid = start_visit(page)
    judge_all(page)
    screenshot(page, "offline-visit-form")
    page.screenshot(path=str(ARTIFACTS / "offline-visit-form-top.png"))
    page.close()

    page = tablet(context)
    page.goto(f"{server.url}/visits/{uuid}/themes/SG")
    expect(page.locator("[data-criterion]").first).to_be_visible()
    assert page.locator('input[name="criterion.SG1"][value="not_met"]').is_checked()
    assert page.locator('input[name="criterion.SG2"][value="met"]').is_checked()
    assert page.locator('[name="evidence.SG1"]').input_value() == "Evidence for SG1: no DBS seen"
    page.goto(f"{server.url}/visits/{uuid}/strengths")
    assert page.get_by_label("Strengths").input_value() == "Calm, purposeful lessons."
    page.goto(f"{server.url}/visits/{uuid}")

    submit(page)
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(1)
    page.reload()
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(1)
    expect(page.locator("[data-offline-status]")).to_contain_text("1 visit waiting to sync")
    assert len(outbox(page)) == 1
    assert visits_with(live_app, uuid) == 0

    server.start()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(0)
    assert outbox(page) == []
    assert visits_with(live_app, uuid) == 1
    print(f"offline shell loaded in {load_seconds:.2f} s")


def queue_offline_visit(page, server):
    """With the server stopped, start, fill and submit a visit; returns its UUID."""
    server.stop()
    page.reload()
    uuid = start_visit(page)
    judge_all(page)
    submit(page)
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(1)
    return uuid


def test_lost_answer_is_retried_without_a_second_visit(tablet, server, live_app):
    """(4) The server commits but the answer never arrives: the row stays, and the
    retry (same Idempotency-Key) ends with still one visit."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    lost = []

    def lose_first_answer(route):
        if route.request.method == "PUT" and not lost:
            route.fetch()  # the server saves the visit ...
            lost.append(route.request.headers["idempotency-key"])
            route.abort()  # ... and the tablet never hears back
        else:
            route.continue_()

    page.route("**/api/visits/*", lose_first_answer)
    signal = no_signal_after_a_failure(page)
    server.start()
    page.get_by_role("button", name="Sync now").click()
    deadline = time.monotonic() + 20
    while not lost:  # until the route has had the answer and cut it off
        assert time.monotonic() < deadline, "the visit was never sent"
        page.wait_for_timeout(50)
    expect(page.locator("[data-waiting]")).to_contain_text("(tried once)")
    assert visits_with(live_app, uuid) == 1
    assert [row["op_uuid"] for row in outbox(page)] == lost

    signal.append(True)
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-waiting]")).to_have_count(0)
    assert outbox(page) == []
    assert visits_with(live_app, uuid) == 1


def test_expired_csrf_token_is_replaced_before_sending(tablet, server, live_app):
    """(5) The CSRF token the page had has expired by the time the tablet is back:
    the sync asks /api/session for a fresh one and succeeds."""
    page = tablet()
    ready_offline(page, server)
    old_token = page.evaluate("fetch('/api/session').then((r) => r.json()).then((s) => s.csrf_token)")
    uuid = queue_offline_visit(page, server)
    live_app.config["WTF_CSRF_TIME_LIMIT"] = 1  # every token older than a second is refused
    time.sleep(2)
    sent = []
    page.on("request", lambda r: sent.append(r.headers.get("x-csrftoken")) if r.method == "PUT" else None)
    server.start()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-waiting]")).to_have_count(0)
    assert visits_with(live_app, uuid) == 1
    assert sent and old_token not in sent


def test_expired_session_keeps_the_queue_until_signed_in(tablet, server, live_app):
    """(6) The session ended while offline: 401, the queue is kept and the officer is
    asked to sign in; after signing in, it syncs."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    page.context.clear_cookies()  # the session has expired
    server.start()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-sync-message]")).to_contain_text("Sign in to sync")
    expect(page.locator("[data-offline-status]")).to_contain_text("Sign in to sync")
    assert len(outbox(page)) == 1
    assert visits_with(live_app, uuid) == 0

    sign_in(page, server.url, "officer@example.org")
    page.goto(f"{server.url}/offline/shell")
    # Once signed in it syncs: on the page the sign-in lands on, or on this one (which of
    # the two sends it depends on how fast each loads).
    wait_until_sent(page)
    expect(page.locator("[data-offline-status]")).to_have_text("Online")
    expect(page.locator("[data-sync-message]")).not_to_contain_text("Sign in to sync")
    assert visits_with(live_app, uuid) == 1


def second_officer(app):
    """The id of the demo's second officer."""
    from qa_app.auth.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "officer2@example.org"))


def test_another_officer_never_sends_or_sees_the_first_ones_visits(tablet, server, live_app):
    """(9) A second officer signs in on the same tablet: the first officer's queued
    visit and drafts are neither sent under the second's account nor shown."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    page.context.clear_cookies()
    server.start()
    ready_offline(page, server, email="officer2@example.org")
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-sync-message]")).not_to_contain_text("Synced: 1")
    expect(page.locator("[data-outbox-list] li")).to_have_count(0)
    expect(page.locator("[data-drafts]")).to_be_visible()
    first_officers = {
        d["uuid"] for d in local_rows(page)["drafts"] if d["user_id"] != second_officer(live_app)
    }
    shown = page.locator("[data-drafts] a").evaluate_all(
        "(links) => links.map((a) => a.pathname.split('/')[2])"
    )
    assert first_officers and not first_officers & set(shown)
    expect(page.locator("[data-offline-status]")).not_to_contain_text("waiting to sync")
    assert visits_with(live_app, uuid) == 0
    assert [row["uuid"] for row in outbox(page)] == [uuid]  # still kept for its officer


def test_stale_edit_is_kept_as_a_conflict_and_shown(tablet, server, live_app):
    """(8) The visit changed on the server after the tablet took its copy: 409, the
    server keeps the tablet's copy as a conflict, the tablet keeps it too and says so."""
    from qa_app.auth.models import User
    from qa_app.providers.models import Provider
    from qa_app.visits.models import VisitConflict
    from tests.factories import save, visit_body

    with live_app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
        provider = db.session.scalar(select(Provider).where(Provider.officer_id == officer.id).limit(1))
        visit, _ = save(
            officer,
            "6a1b2c3d-0000-4000-8000-000000000008",
            visit_body(provider, date.today(), {"QE1": "met"}),
        )
        db.session.commit()
        uuid = visit.uuid
    page = tablet()
    ready_offline(page, server)
    page.goto(f"{server.url}/visits/{uuid}")  # the tablet takes a copy (version 1)
    expect(page.locator("[data-task-list]")).to_be_visible()
    with live_app.app_context():  # meanwhile the visit changes on the server
        stored = db.session.scalar(select(Visit).where(Visit.uuid == uuid))
        stored.strengths = "Changed in the office"
        stored.version += 1
        db.session.commit()
    judge_all(page)
    notice = page.locator("[data-conflict]")
    expect(notice).to_contain_text("Both copies are kept")
    screenshot(page, "offline-conflict")
    # The tablet keeps its copy as a draft, sends no more of it, and links to the choice.
    [draft] = [d for d in local_rows(page)["drafts"] if d["uuid"] == uuid]
    assert draft["conflict"]["conflict_id"] and draft["dirty"]
    with live_app.app_context():
        conflict = db.session.scalar(select(VisitConflict))
        assert conflict.payload["judgements"]
        assert db.session.scalar(select(Visit.strengths).where(Visit.uuid == uuid)) == "Changed in the office"
    notice.get_by_role("link").click()
    expect(page).to_have_url(f"{server.url}/visits/{uuid}/conflicts/{conflict.id}")
    screenshot(page, "offline-conflict-page")


def test_double_click_on_submit_makes_one_visit(tablet, server, live_app):
    """(7) A double click on "Submit visit" queues and sends one visit."""
    page = tablet()
    ready_offline(page, server)
    uuid = start_visit(page)
    judge_all(page)
    submit(page, "dblclick")
    # The draft's own changes may arrive in an earlier sync than the submission: wait for both.
    wait_until_sent(page, uuid)
    assert outbox(page) == []
    assert visits_with(live_app, uuid) == 1
    with live_app.app_context():
        assert db.session.scalar(select(Visit.status).where(Visit.uuid == uuid)) == "submitted"


def test_new_service_worker_waits_while_the_outbox_has_items(tablet, server, live_app):
    """(10) A new version of the app arrives while a visit waits to sync: the new worker
    waits; once the outbox is empty it takes over, and the visit arrived once."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    page.route("**/api/visits/*", lambda route: route.abort())  # the visit cannot be sent yet
    server.start()
    old_version = page.evaluate("caches.keys()")
    live_app.config["OFFLINE_SHELL_VERSION"] = "new-version"
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, "navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
    page.wait_for_timeout(500)
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
    assert len(outbox(page)) == 1

    page.unroute("**/api/visits/*")
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-waiting]")).to_have_count(0)
    wait_until(
        page, "navigator.serviceWorker.getRegistration().then((r) => r.waiting === null && r.active !== null)"
    )
    wait_until(page, "caches.keys().then((keys) => keys.includes('qa-shell-new-version'))")
    assert old_version != page.evaluate("caches.keys()")
    assert visits_with(live_app, uuid) == 1


@pytest.mark.parametrize(
    "answer", [{"status": 500, "body": "boom"}, {"status": 302, "headers": {"Location": "/login"}}]
)
def test_server_error_or_redirect_keeps_the_row(tablet, server, live_app, answer):
    """A 5xx, or a redirect to the sign-in page (which fetch would follow into a 200),
    is not an acknowledgement: the row stays and is sent on the next try."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    page.route("**/api/visits/*", lambda route: route.fulfill(**answer))
    signal = no_signal_after_a_failure(page)
    server.start()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-sync-message]")).to_contain_text("The server did not answer")
    expect(page.locator("[data-waiting]")).to_contain_text("(tried once)")
    assert visits_with(live_app, uuid) == 0
    page.unroute("**/api/visits/*")
    signal.append(True)
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-waiting]")).to_have_count(0)
    assert visits_with(live_app, uuid) == 1


def test_one_draft_opens_in_one_tab_at_a_time(tablet, server):
    """(7) The same draft in a second tab is read-only and says why (Web Locks)."""
    page = tablet()
    ready_offline(page, server)
    uuid = start_visit(page)
    wait_until_sent(page, uuid)  # the server has the new visit, so its page opens
    second = tablet(page.context)
    second.goto(f"{server.url}/visits/{uuid}")
    expect(second.locator("[data-visit-app] h1")).to_contain_text("open in another tab")
    expect(second.locator("[data-task-list]")).to_have_count(0)
    expect(page.locator("[data-task-list]")).to_be_visible()


def test_submit_checks_judgements_and_evidence_on_the_page(tablet, server):
    """Offline, the form itself shows a missing evidence note beside its criterion, and
    check answers names what blocks submitting (as the server would) with a link."""
    page = tablet()
    ready_offline(page, server)
    server.stop()
    page.reload()
    start_visit(page)
    judge_all(page, evidence_for=())
    page.get_by_role("link", name="Health and Safety").click()
    page.locator('input[name="criterion.HS4"][value="not_met"]').check()
    expect(page.locator("#criterion-HS4 .govuk-error-message")).to_contain_text("Enter the evidence for HS4")
    expect(page.locator("[data-error-summary]")).to_contain_text("Enter the evidence for HS4")
    page.get_by_role("button", name="Save and return to the visit").click()
    page.get_by_role("button", name="Check answers").click()
    expect(page.locator("[data-blockers]")).to_contain_text("Health and Safety: 1 criterion needs evidence")
    expect(page.get_by_role("button", name="Submit visit")).to_be_disabled()
    # Only the draft's changes wait (for the server to come back): nothing is submitted.
    assert [row["payload"]["status"] for row in outbox(page)] == ["draft"]
    page.locator("[data-blockers] a").click()
    page.locator('[name="evidence.HS4"]').fill("Fire risk assessment is 2 years old")
    expect(page.locator("[data-save-state]")).to_contain_text("Saved on this tablet at")
    page.get_by_role("button", name="Save and return to the visit").click()
    submit(page)
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(1)


def test_registration_check_offline_reaches_the_server(tablet, server, live_app):
    """Offline: 5 pupils at 19 hours show "Likely must register"; the page refuses bad
    hours; after sync the server holds the pupils and the same result."""
    page = tablet()
    ready_offline(page, server)
    server.stop()
    page.reload()
    uuid = start_visit(page)
    judge_all(page)
    page.get_by_role("link", name="Registration check").click()
    page.get_by_label("How many pupils attend").fill("5")
    for i in range(5):
        if i:
            page.get_by_role("button", name="Add a pupil").click()
        page.locator(f'[name="registration_evidence.pupils[{i}].ref"]').fill(f"P{i + 1}")
        page.locator(f'[name="registration_evidence.pupils[{i}].hours"]').fill("19")
    page.get_by_label("Sites used").fill("Main hall\nSports field")
    expect(page.locator("[data-registration-result]")).to_have_text("Likely must register")

    page.locator('[name="registration_evidence.pupils[4].hours"]').fill("61")
    page.get_by_role("button", name="Save and return to the visit").click()
    page.get_by_role("link", name="Registration check").click()
    expect(page.locator('[data-pupil="4"] .govuk-error-message').first).to_have_text(
        "Enter the hours a week for P5, from 0 to 60"
    )
    expect(page.locator("[data-error-summary]")).to_contain_text("Enter the hours a week for P5")
    page.locator('[name="registration_evidence.pupils[4].hours"]').fill("19")
    expect(page.locator("[data-save-state]")).to_contain_text("Saved on this tablet at")
    page.get_by_role("button", name="Save and return to the visit").click()
    submit(page)
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(1)

    server.start()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(0)
    with live_app.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.uuid == uuid))
        evidence, result = visit.registration_evidence, visit.registration_result
    assert [p["ref"] for p in evidence["pupils"]] == ["P1", "P2", "P3", "P4", "P5"]
    assert all(p["hours_per_week"] == 19 and p["weeks_per_year"] == 38 for p in evidence["pupils"])
    assert evidence["pupil_count"] == 5 and evidence["sites"] == ["Main hall", "Sports field"]
    assert result["result"] == "likely_must_register"


def local_rows(page):
    """Every row of the tablet's drafts, outbox and bundle stores, by store."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const names = ["drafts", "outbox", "bundle"];
              const tx = open.result.transaction(names);
              const found = {};
              for (const name of names) {
                const all = tx.objectStore(name).getAll();
                all.onsuccess = () => { found[name] = all.result; };
              }
              tx.oncomplete = () => resolve(found);
              tx.onerror = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
        })"""
    )


def test_signing_out_with_a_visit_waiting_warns_and_stays_signed_in(tablet, server, live_app):
    """Sign out with a visit in the outbox: a warning, not a sign-out; the row stays."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    page.route("**/api/visits/*", lambda route: route.abort())  # it cannot be sent yet
    server.start()
    page.goto(f"{server.url}/programme")
    page.get_by_role("button", name="Sign out").click()
    warning = page.locator("[data-sign-out-warning]")
    expect(warning).to_contain_text(
        "1 visit has changes not yet sent to the office. Send first (you are signed out once"
    )
    screenshot(page, "offline-sign-out-warning")
    page.wait_for_timeout(300)
    expect(page).to_have_url(f"{server.url}/programme")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    assert len(outbox(page)) == 1

    warning.get_by_role("button", name="Send first").click()
    expect(page.locator("[data-sign-out-message]")).to_contain_text(
        "1 visit still waits to sync: 1 visit could not be sent"
    )
    expect(page).to_have_url(f"{server.url}/programme")
    assert len(outbox(page)) == 1
    assert visits_with(live_app, uuid) == 0

    warning.get_by_role("button", name="Keep them on this tablet and sign out").click()
    expect(page).to_have_url(f"{server.url}/login")
    assert [row["uuid"] for row in outbox(page)] == [uuid]  # kept on the tablet for them


def test_sync_now_and_sign_out_sends_the_visit_then_signs_out(tablet, server, live_app):
    """The "Send first" button sends the waiting visit, clears the officer's local data
    and signs out."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)
    page.route("**/api/visits/*", lambda route: route.abort())
    server.start()
    page.goto(f"{server.url}/programme")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("[data-sign-out-warning]")).to_be_visible()
    page.unroute("**/api/visits/*")
    page.get_by_role("button", name="Send first").click()
    expect(page).to_have_url(f"{server.url}/login")
    expect(page.locator("body")).to_contain_text("You have signed out.")
    assert visits_with(live_app, uuid) == 1
    assert local_rows(page) == {"drafts": [], "outbox": [], "bundle": []}


def test_signing_out_with_nothing_waiting_clears_only_that_officers_data(tablet, server):
    """Nothing waiting to sync: signing out asks before deleting an unsubmitted draft, then
    clears the officer's drafts and bundle from the tablet, leaving another officer's rows."""
    page = tablet()
    ready_offline(page, server)
    wait_until_sent(page, start_visit(page))  # a draft for this officer, on the server too
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const tx = open.result.transaction(["drafts", "outbox", "bundle"], "readwrite");
              tx.objectStore("drafts").put({ uuid: "other-draft", user_id: 9999 });
              tx.objectStore("outbox").put({ op_uuid: "other-op", uuid: "other-visit", user_id: 9999, state: "queued" });
              tx.objectStore("bundle").put({ user_id: 9999, generated_at: "2000-01-01" });
              tx.oncomplete = resolve;
              tx.onerror = () => reject(tx.error);
            };
        })"""
    )
    page.goto(f"{server.url}/programme")
    officer_id = int(page.locator("[data-offline-status]").get_attribute("data-user-id"))
    before = local_rows(page)
    assert any(d["user_id"] == officer_id for d in before["drafts"])
    assert any(b["user_id"] == officer_id for b in before["bundle"])

    page.get_by_role("button", name="Sign out").click()
    # An unsubmitted draft is never deleted without asking.
    # The new draft, and the officer's open visits the sync brought onto the tablet.
    drafts = len([d for d in before["drafts"] if d["user_id"] == officer_id])
    expect(page.get_by_text(f"{drafts} visits not yet submitted are saved on this tablet")).to_be_visible()
    assert any(d["user_id"] == officer_id for d in local_rows(page)["drafts"])
    page.get_by_role("button", name="Delete and sign out").click()
    expect(page).to_have_url(f"{server.url}/login")
    after = local_rows(page)
    assert [d["uuid"] for d in after["drafts"]] == ["other-draft"]
    assert [r["op_uuid"] for r in after["outbox"]] == ["other-op"]
    assert [b["user_id"] for b in after["bundle"]] == [9999]


# ---- Photos of evidence (issue 4 item 7) ----


def png_bytes(width=3000, height=1500):
    """A PNG made here, larger than the 2000 px the tablet shrinks photos to."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def stored_photos(app, uuid):
    """The server's photos of the visit, as (row, bytes of the stored JPEG)."""
    from qa_app.photos.models import VisitPhoto

    with app.app_context():
        visit_id = db.session.scalar(select(Visit.id).where(Visit.uuid == uuid))
        rows = db.session.scalars(select(VisitPhoto).where(VisitPhoto.visit_id == visit_id)).all()
        return [(row, row.data) for row in rows]


def visit_with_a_photo(page, server, live_app, tmp_path):
    """Start a visit online, judge it and attach a PNG to SG1 with a caption; submits it
    (which syncs at once) and returns its UUID."""
    live_app.config["PHOTO_STORAGE_PATH"] = str(tmp_path / "photos")
    ready_offline(page, server)
    uuid = start_visit(page)
    judge_all(page)
    page.get_by_role("link", name="Safeguarding").click()
    page.locator("#photo_SG1").set_input_files(
        files=[{"name": "evidence.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    expect(page.locator('[data-photos="SG1"] [data-photo] img')).to_have_count(1)
    page.locator('[data-photos="SG1"] [data-caption]').fill("Fire door – propped open")
    page.locator('[data-photos="SG1"] [data-caption]').blur()
    return uuid


def test_a_photo_is_shrunk_on_the_tablet_and_synced_once(tablet, server, live_app, tmp_path):
    """(a) A photo attached to a criterion is sent after its visit, as a JPEG at most
    2000 px long with no EXIF: exactly one photo on the server, nothing left on the tablet."""
    page = tablet()
    sent = []
    page.on(
        "request",
        lambda request: "/photos/" in request.url and sent.append(request.headers["content-type"]),
    )
    uuid = visit_with_a_photo(page, server, live_app, tmp_path)
    # A file that is no image: a clear error, the draft and the first photo are kept.
    page.locator("#photo_SG2").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image"}]
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("could not be read as a photo")
    expect(page.locator("[data-photo]")).to_have_count(1)
    page.get_by_role("button", name="Save and return to the visit").click()
    page.get_by_role("button", name="Check answers").click()  # the photo, as the server's page lists it
    expect(page.locator("[data-check-photos] li")).to_have_count(1)
    expect(page.locator("[data-check-photos] li")).to_contain_text("SG1: Fire door – propped open")
    expect(page.locator("[data-check-photos] img")).to_have_attribute(
        "alt", "Fire door – propped open, evidence for SG1"
    )
    page.get_by_role("link", name="Back to the visit").click()
    submit(page)
    expect(page.locator("[data-sync-message]")).to_contain_text("Synced: 1 sent")
    expect(page.locator("[data-outbox-list] [data-waiting]")).to_have_count(0)
    assert outbox(page) == []
    photos_left = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => {
              const count = open.result.transaction("photos").objectStore("photos").count();
              count.onsuccess = () => resolve(count.result);
            };
        })"""
    )
    assert photos_left == 0
    assert sent == ["image/jpeg"]

    import io

    from PIL import Image

    [(photo, data)] = stored_photos(live_app, uuid)
    assert photo.criterion_code == "SG1"
    assert photo.caption == "Fire door – propped open"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 2000
        assert not image.getexif()
        assert "exif" not in image.info
    with live_app.app_context():
        assert db.session.scalar(select(Visit.status).where(Visit.uuid == uuid)) == "submitted"


def test_a_photo_upload_cut_off_is_retried_to_one_photo(tablet, server, live_app, tmp_path):
    """(b) The server stores the photo but the tablet never hears back, and has no signal
    after: the photo and the outbox row stay ("1 photo waiting"); back in signal, the retry
    (same photo uuid) ends with one photo."""
    page = tablet()
    uuid = visit_with_a_photo(page, server, live_app, tmp_path)
    cut = []
    signal = no_signal_after_a_failure(page)

    def cut_off_first_photo(route):
        if route.request.method == "PUT" and not signal:
            if not cut:
                route.fetch()  # the server stores the photo ...
            cut.append(route.request.url)
            route.abort()  # ... and the tablet sees a network error
        else:
            route.continue_()

    page.route("**/api/visits/*/photos/*", cut_off_first_photo)
    page.get_by_role("button", name="Save and return to the visit").click()
    submit(page)
    expect(page.locator("[data-sync-message]")).to_contain_text("Offline")
    # Each try (a sync may start twice: on submitting and on the save before it) is counted.
    expect(page.locator("[data-waiting]")).to_contain_text(
        re.compile(r"1 photo waiting \(tried (once|\d+ times)\)")
    )
    assert len(cut) >= 1
    assert len(stored_photos(live_app, uuid)) == 1
    assert len(outbox(page)) == 1

    signal.append(True)
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("[data-waiting]")).to_have_count(0)
    assert outbox(page) == []
    assert len(stored_photos(live_app, uuid)) == 1
    with live_app.app_context():
        assert db.session.scalar(select(Visit.status).where(Visit.uuid == uuid)) == "submitted"


def test_the_photos_store_is_added_without_losing_a_version_1_tablets_drafts(tablet, server):
    """A tablet with the first version of the database (no photos store) keeps its
    draft when the new code upgrades the database."""
    page = tablet()
    # A blank page of this origin (no app script yet) makes the version 1 database.
    page.route(
        f"{server.url}/blank",
        lambda route: route.fulfill(
            content_type="text/html", body='<!doctype html><html lang="en"><title>blank</title></html>'
        ),
    )
    page.goto(f"{server.url}/blank")
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("qa-offline", 1);
            open.onupgradeneeded = () => {
              const d = open.result;
              d.createObjectStore("meta");
              d.createObjectStore("bundle", { keyPath: "user_id" });
              d.createObjectStore("drafts", { keyPath: "uuid" }).createIndex("user_id", "user_id");
              d.createObjectStore("outbox", { keyPath: "op_uuid" }).createIndex("user_id", "user_id");
            };
            open.onsuccess = () => {
              const tx = open.result.transaction("drafts", "readwrite");
              tx.objectStore("drafts").put({
                uuid: "7f0c4a57-9a55-4a43-9f43-1d2c3b4a5f60", user_id: 1, provider_id: 1,
                provider_name: "An old draft", visit_date: "2026-11-20", visit_type: "routine",
                base_version: null, judgements: {}, theme_notes: {}, strengths: "", actions: "",
              });
              tx.oncomplete = () => { open.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
        })"""
    )
    ready_offline(page, server)
    expect(page.locator("[data-drafts]")).to_contain_text("An old draft")
    names = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("qa-offline");
            open.onsuccess = () => resolve([open.result.version, [...open.result.objectStoreNames]]);
        })"""
    )
    assert names == [3, ["bundle", "drafts", "meta", "outbox", "photos"]]


def test_submitting_asks_first_and_then_says_what_happened(tablet, server, live_app):
    """Check answers lists the actions with owners and dates; Submit asks for a confirmation
    that says what happens next; afterwards the list says the visit was sent, with no empty
    "Waiting to sync" heading."""
    page = tablet()
    ready_offline(page, server)
    start_visit(page)
    judge_all(page)
    page.get_by_role("button", name="Check answers").click()
    page.get_by_role("button", name="Submit visit").click()
    confirm = page.locator("[data-confirm-submit]")
    expect(confirm).to_contain_text("the visit is locked")
    expect(confirm).to_contain_text("signs it off or returns it with a comment")
    page.get_by_role("button", name="Yes, submit the visit").click()
    expect(page.locator("[data-submitted='sent']")).to_contain_text("sent to the office")
    expect(page.get_by_role("heading", name="Waiting to sync")).to_have_count(0)


def test_the_offline_shell_has_the_menu_and_sign_out_offers_send_first(tablet, server, live_app):
    """A page opened with no signal (the shell) has the menu and Sign out. The warning names
    each visit with unsent changes, deletes nothing for all visits at once, and "Send first"
    sends them, then signs out once everything is sent."""
    page = tablet()
    ready_offline(page, server)
    uuid = queue_offline_visit(page, server)  # the server is stopped: the page is the shell
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Visits", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    expect(page.locator("[data-shell-user-name]")).to_have_text("Priya Shah")

    page.get_by_role("button", name="Sign out", exact=True).click()
    warning = page.locator("[data-sign-out-warning]")
    expect(warning).to_contain_text("1 visit has changes not yet sent to the office")
    unsent = warning.locator("[data-unsent-visit]")
    expect(unsent).to_have_count(1)
    expect(unsent).to_contain_text("Submitted, not yet sent")
    expect(warning.get_by_role("button", name="Send first")).to_be_visible()
    expect(warning.get_by_role("button", name="Delete and sign out")).to_have_count(0)
    # Deleting is per visit, and says what is lost.
    expect(unsent.get_by_role("button")).to_contain_text("Delete this visit from the tablet")
    expect(unsent).to_contain_text("its submission is lost")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "offline-shell-sign-out-warning-390")
    page.set_viewport_size({"width": 768, "height": 1024})

    warning.get_by_role("button", name="Send first").click()  # still no signal
    expect(page.locator("[data-sign-out-message]")).to_contain_text("1 visit still waits to sync")
    assert [row["uuid"] for row in outbox(page)] == [uuid]

    server.start()
    warning.get_by_role("button", name="Send first").click()
    expect(page).to_have_url(f"{server.url}/login")
    expect(page.locator("body")).to_contain_text("You have signed out.")
    assert visits_with(live_app, uuid) == 1
    assert local_rows(page)["outbox"] == []


def test_the_tablets_start_form_asks_what_the_servers_start_page_asks(tablet, server):
    """ "Start a visit" on the tablet has the server's start page's fields: the date in three
    boxes, the type, the people met and the pupils seen, and the visit starts with them."""
    page = tablet()
    ready_offline(page, server)
    form = page.locator("[data-start-form]")
    expect(form.get_by_role("group", name="Date of the visit").get_by_label("Day")).to_be_visible()
    form.locator('[name="people_met"]').fill("The head of centre")
    form.locator('[name="pupils_seen"]').fill("4")
    start_visit(page)
    page.locator("[data-task-list] a").first.click()
    expect(page.locator('[name="people_met"]')).to_have_value("The head of centre")
    expect(page.locator('[name="pupils_seen"]')).to_have_value("4")
