"""A seeded chaos test of the tablet's sync, in Chromium: an officer types into a visit
while the network comes and goes, the page reloads with saves in flight, answers are lost
after the server applied them, duplicated or delayed, the server stops mid-request and
starts again, and a second tab opens and takes over. At the end the server holds exactly
the last value typed in every field touched, in one visit, with no conflict (nobody else
wrote).

`make test` runs 3 seeds of 40 steps; `make chaos SEEDS=50` runs more (CHAOS_SEEDS,
CHAOS_STEPS). A failing seed is printed with its steps, so it can be run again alone:
`CHAOS_SEED=17 make chaos`.
"""

import contextlib
import json
import os
import random

import pytest
from playwright.sync_api import Error, expect
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.visits.models import Visit, VisitConflict
from tests.browser.test_offline import expect_saved, ready_offline, start_visit, wait_until_sent

STEPS = int(os.environ.get("CHAOS_STEPS", "40"))
SEEDS = (
    [int(os.environ["CHAOS_SEED"])]
    if os.environ.get("CHAOS_SEED")
    else range(int(os.environ.get("CHAOS_SEEDS", "3")))
)
FIELDS = {"strengths": "Strengths", "pupil_voice": "Pupil voice"}


class Network:
    """What happens to the tablet's next PUTs of a visit: answered ("pass"), lost after the
    server applied them ("lose"), sent twice ("twice"), or held to be answered later ("hold")."""

    def __init__(self, context):
        self.next = []  # the fates of the next PUTs, in order
        self.held = []  # (route, response) answered at a later step
        self.log = []
        context.route("**/api/visits/*", self.handle)

    def handle(self, route):
        fate = self.next.pop(0) if route.request.method == "PUT" and self.next else "pass"
        if route.request.method == "PUT":
            headers = route.request.headers
            body = json.loads(route.request.post_data or "{}")
            sent = {field: body.get(field) for field in FIELDS}
            self.log.append((fate, headers.get("idempotency-key", "")[:8], headers.get("if-match"), sent))
        try:
            if fate == "pass":
                return route.continue_()
            response = route.fetch()  # the server applies it
            if fate == "twice":
                route.fetch()  # the same request (same key) arrives again
            if fate == "hold":
                self.held.append((route, response))
            elif fate == "lose":
                route.abort()
            else:
                route.fulfill(response=response)
        except Error:
            pass  # the server was stopped, or the page went away: as a real network would

    def release(self):
        """Answer the held requests (those whose page has gone are lost)."""
        held, self.held = self.held, []
        for route, response in held:
            with contextlib.suppress(Error):  # the page has gone: its answer is lost
                route.fulfill(response=response)


class Officer:
    """The tab the officer types in (a second tab takes over when the first closes)."""

    def __init__(self, tablet, page, base, uuid):
        self.tablet, self.page, self.base, self.uuid = tablet, page, base, uuid
        self.other = None

    def form(self, page=None):
        """Wait until the tablet's form has drawn the strengths page in `page` and it can be
        typed in. The server's own page for browsers without JavaScript comes first, with
        the same fields: typing there while the form takes over can land in a field that is
        being removed, as no person's keystroke can (a fill is several steps)."""
        expect((page or self.page).locator("[data-visit-app]").get_by_label("Strengths")).to_be_editable()

    def type(self, field, value):
        self.page.get_by_label(FIELDS[field]).fill(value)
        expect_saved(self.page)  # on the tablet; the send may still be on its way

    def reload(self):
        self.page.reload()
        self.form()

    def second_tab(self):
        """Open the visit in a second tab (it says the draft is open in another tab), or,
        with one open, close the first and reload the second, as it says: it takes over."""
        if self.other is None:
            self.other = self.tablet(self.page.context)
            self.other.goto(f"{self.base}/visits/{self.uuid}/strengths")
            expect(self.other.locator("[data-open-elsewhere]")).to_be_visible()
        else:
            self.page.close()
            self.page, self.other = self.other, None
            self.reload()


@pytest.mark.parametrize("seed", list(SEEDS))
def test_every_change_arrives_once_whatever_the_network_does(seed, tablet, server, live_app):
    """The seeded chaos (see the module's docstring)."""
    rng = random.Random(seed)
    page = tablet()
    ready_offline(page, server)
    uuid = start_visit(page)
    wait_until_sent(page, uuid)
    page.get_by_role("link", name="Strengths and pupil voice").click()
    officer = Officer(tablet, page, server.url, uuid)
    officer.form()
    network = Network(page.context)
    typed, steps, offline = {}, [], False

    def type_something(then=None):
        field = rng.choice(list(FIELDS))
        typed[field] = f"{field} {seed}.{len(steps)} {rng.randrange(10**6)}"
        officer.type(field, typed[field])
        if then:
            then()

    actions = {
        "type": (6, type_something),
        "type, reload with the save in flight": (3, lambda: type_something(officer.reload)),
        "lose the next answers": (2, lambda: network.next.extend(["lose"] * rng.randint(1, 3))),
        "send the next twice": (1, lambda: network.next.append("twice")),
        "hold the next answer": (1, lambda: network.next.append("hold")),
        "answer what was held": (1, network.release),
        "network off or on": (2, None),
        "stop the server mid-request, or start it": (1, None),
        "second tab": (1, officer.second_tab),
    }
    names = list(actions)
    weights = [actions[name][0] for name in names]
    try:
        for _ in range(STEPS):
            name = rng.choices(names, weights)[0]
            steps.append(name)
            if name == "network off or on":
                offline = not offline
                officer.page.context.set_offline(offline)
            elif name.startswith("stop the server"):
                if not server.thread.is_alive():
                    server.start()
                elif offline or network.held or network.next:
                    type_something(server.stop)
                else:  # stopped while the tablet's PUT is on its way
                    with officer.page.expect_request(lambda r: r.method == "PUT" and "/api/visits/" in r.url):
                        type_something()
                    server.stop()
            else:
                actions[name][1]()
        # Calm again: the network back, the server up, every answer given.
        network.next.clear()
        network.release()
        officer.page.context.set_offline(False)
        if not server.thread.is_alive():
            server.start()
        wait_until_sent(officer.page, uuid)
        network.release()
    except Exception:
        print(f"seed {seed}: {steps}")
        raise
    finally:
        print(f"seed {seed}, PUTs: {network.log}")

    with live_app.app_context():
        visits = db.session.scalars(select(Visit).where(Visit.uuid == uuid)).all()
        assert len(visits) == 1
        held = {field: getattr(visits[0], field) for field in typed}
        assert held == typed, f"seed {seed}: {steps}"
        assert db.session.scalar(select(func.count()).select_from(VisitConflict)) == 0
    expect(officer.page.locator("[data-conflict]")).to_have_count(0)
    expect(officer.page.locator("[data-offline-status]")).to_have_text("Online")
