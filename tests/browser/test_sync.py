"""Every change the tablet makes reaches the server exactly once, whatever happens to the
answers: a lost answer, a reload, a closed tab. Each draft change is an outbox entry with
its Idempotency-Key fixed when it is queued (static/js/offline/outbox.js)."""

import time

from playwright.sync_api import expect
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.visits.models import Visit, VisitConflict
from tests.browser.conftest import wait_until
from tests.browser.test_offline import png_bytes, ready_offline, start_visit, wait_until_sent


def stored(app, uuid):
    """The server's visit (strengths, pupil voice, version) and how many conflicts it keeps."""
    with app.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.uuid == uuid))
        conflicts = db.session.scalar(select(func.count()).select_from(VisitConflict))
        return {"strengths": visit.strengths, "pupil_voice": visit.pupil_voice, "conflicts": conflicts}


def wait_for(page, condition, timeout=30):
    """Let the page run until `condition()` (a test-side state) holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        page.wait_for_timeout(50)


def lose_answers(page, matches, lost):
    """The server applies each matching PUT of a visit, and the tablet never hears back."""

    def handle(route):
        if route.request.method == "PUT" and matches(route.request) and not lost:
            route.fetch()  # the server saves it ...
            lost.append(route.request.headers["idempotency-key"])
            route.abort()  # ... and the answer is lost
        else:
            route.continue_()

    page.route("**/api/visits/*", handle)


def test_a_lost_answer_then_a_reload_is_not_a_conflict_and_later_edits_arrive(tablet, server, live_app):
    """Case 1 of the issue: online, a draft's save reaches the server but its answer is lost
    (the officer reloads while it is on its way). The tablet resends it with the same key,
    gets the stored answer and its version, and ten later edits all arrive: no conflict
    with itself, and the page never says the visit is fine while something cannot go."""
    page = tablet()
    ready_offline(page, server)
    uuid = start_visit(page)
    wait_until_sent(page, uuid)
    page.get_by_role("link", name="Strengths and pupil voice").click()
    lost = []
    lose_answers(page, lambda request: "First thought" in (request.post_data or ""), lost)
    page.get_by_label("Strengths").fill("First thought")
    wait_for(page, lambda: lost)
    assert stored(live_app, uuid)["strengths"] == "First thought"  # the server applied it

    page.reload()
    # The tablet's form, not the server's page it replaces (a fill during the change is lost).
    expect(page.locator("[data-visit-app]").get_by_label("Strengths")).to_have_value("First thought")
    for i in range(1, 11):
        page.get_by_label("Strengths").fill(f"Edit {i}")
    page.get_by_label("Pupil voice").fill("Pupils say they feel safe")
    wait_until_sent(page, uuid)

    assert stored(live_app, uuid) == {
        "strengths": "Edit 10",
        "pupil_voice": "Pupils say they feel safe",
        "conflicts": 0,
    }
    expect(page.locator("[data-conflict]")).to_have_count(0)
    expect(page.locator("[data-offline-status]")).to_have_text("Online")
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.uuid == uuid)) == 1


STORED = """([store, key, field, value]) => new Promise((resolve, reject) => {
    const open = indexedDB.open("qa-offline");
    open.onsuccess = () => {
      const all = open.result.transaction(store).objectStore(store).getAll();
      all.onsuccess = () => {
        open.result.close();
        resolve(all.result.some((row) => (row.uuid === key || row.visit_uuid === key) && (row[field] ?? row.payload?.[field]) === value));
      };
      all.onerror = () => reject(all.error);
    };
    open.onerror = () => reject(open.error);
})"""


def test_what_is_typed_is_saved_on_the_tablet_at_once(tablet, server, live_app, tmp_path):
    """Each input is saved on the tablet as it is typed, with the change it sends: a photo's
    caption with no need to leave its field, the pupil voice with its outbox entry holding
    it before any send; both are there after a reload, and the text reaches the server."""
    live_app.config["PHOTO_STORAGE_PATH"] = str(tmp_path / "photos")
    page = tablet()
    ready_offline(page, server)
    uuid = start_visit(page)
    wait_until_sent(page, uuid)
    server.stop()
    page.get_by_role("link", name="Safeguarding").click()
    page.locator("#photo_SG1").set_input_files(
        files=[{"name": "evidence.png", "mimeType": "image/png", "buffer": png_bytes(400, 300)}]
    )
    page.locator('[data-photos="SG1"] [data-caption]').fill("Fire door propped open")
    wait_until(page, STORED, ["photos", uuid, "caption", "Fire door propped open"])  # focus still there
    page.reload()
    expect(page.locator('[data-photos="SG1"] [data-caption]')).to_have_value("Fire door propped open")

    page.goto(f"{server.url}/visits/{uuid}/strengths")
    page.get_by_label("Pupil voice").fill("They like the small groups")
    wait_until(page, STORED, ["outbox", uuid, "pupil_voice", "They like the small groups"])
    page.reload()
    expect(page.get_by_label("Pupil voice")).to_have_value("They like the small groups")

    server.start()
    wait_until_sent(page, uuid)
    assert stored(live_app, uuid)["pupil_voice"] == "They like the small groups"


# Queue a new draft visit of each of `count` providers the officer has no open visit of,
# through the form's own modules (as each input queues one), and sync once; the visits'
# uuids and the run's result.
QUEUE_BACKLOG = """async (count) => {
  const store = await import("/static/js/offline/db.js");
  const outbox = await import("/static/js/offline/outbox.js");
  const payload = await import("/static/js/offline/payload.js");
  const sync = await import("/static/js/offline/sync.js");
  const user = await store.currentUser();
  const bundle = await store.bundleFor(user.id);
  const open = new Set(bundle.visits.map((visit) => visit.provider_id));
  const free = bundle.providers.filter((provider) => !open.has(provider.id));
  const uuids = [];
  for (const provider of free.slice(0, count)) {
    const draft = payload.newDraft({
      userId: user.id, providerId: provider.id, providerName: provider.name,
      visitDate: new Date().toISOString().slice(0, 10), visitType: bundle.labels.visit_types[0].code,
      frameworkVersion: bundle.framework.name,
    });
    draft.strengths = `Typed on the visit to ${provider.name}`;
    await store.putDraft(draft);
    await outbox.queueChange(draft, payload.toPayload(draft, bundle.labels, "draft"));
    uuids.push(draft.uuid);
  }
  // A run that does not end (sending the same request again and again) is a failure too.
  const endless = new Promise((resolve) => setTimeout(() => resolve({ state: "still running after 20 s" }), 20000));
  return { user_id: user.id, uuids, result: (await Promise.race([sync.syncNow(), endless])).state };
}"""

OUTBOX_EMPTY = (
    """async (userId) => (await (await import("/static/js/offline/db.js")).outboxFor(userId)).length === 0"""
)


def test_a_backlog_goes_in_batches_and_a_lost_answer_to_one_saves_nothing_twice(tablet, server, live_app):
    """Five visits waiting go in one request to /api/visit-changes, not five PUTs. The
    server saves them and the answer is lost: the tablet sends the same batch again (same
    keys, same bodies), gets the stored answers, and the server holds each visit once, at
    version 1, with no conflict."""
    page = tablet()
    ready_offline(page, server)
    batches, puts = [], []
    page.on(
        "request", lambda r: puts.append(r.url) if r.method == "PUT" and "/api/visits/" in r.url else None
    )

    def lose_the_first(route):
        batches.append(route.request.post_data_json)
        if len(batches) == 1:
            route.fetch()  # the server saves the batch ...
            route.abort()  # ... and its answer is lost
        else:
            route.continue_()

    page.route("**/api/visit-changes", lose_the_first)
    queued = page.evaluate(QUEUE_BACKLOG, 5)
    assert queued["result"] == "offline"  # the tablet heard nothing back
    wait_until(page, OUTBOX_EMPTY, queued["user_id"], timeout=30_000)  # resent once /healthz answers
    assert len(batches) == 2 and batches[1] == batches[0]
    assert [change["uuid"] for change in batches[0]["changes"]] == queued["uuids"]
    assert puts == []
    with live_app.app_context():
        saved = db.session.execute(
            select(Visit.uuid, Visit.version).where(Visit.uuid.in_(queued["uuids"]))
        ).all()
        assert sorted(saved) == sorted((uuid, 1) for uuid in queued["uuids"])
        assert db.session.scalar(select(func.count()).select_from(VisitConflict)) == 0


def test_a_batch_answer_that_acknowledges_nothing_ends_the_run_and_keeps_everything(tablet, server, live_app):
    """An answer to a batch that answers none of its entries (a proxy's page, a server of
    another version) keeps every entry and ends the run as a server error, to be tried
    again when /healthz answers: never the same request again and again at once."""
    page = tablet()
    ready_offline(page, server)
    batches = []

    def answer_nothing(route):
        batches.append(route.request.post_data_json)
        route.fulfill(status=200, content_type="application/json", body='{"answers": []}')

    page.route("**/api/visit-changes", answer_nothing)
    queued = page.evaluate(QUEUE_BACKLOG, 3)
    assert queued["result"] == "server_error"
    assert len(batches) == 1
    assert page.evaluate(OUTBOX_EMPTY, queued["user_id"]) is False
    page.unroute("**/api/visit-changes", answer_nothing)
    wait_until(page, OUTBOX_EMPTY, queued["user_id"], timeout=30_000)  # sent once /healthz answers
    with live_app.app_context():
        saved = db.session.scalar(
            select(func.count()).select_from(Visit).where(Visit.uuid.in_(queued["uuids"]))
        )
        assert saved == 3
