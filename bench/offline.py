"""The visit form (static/js/offline/form.js) in headless Chromium, against a real server on 127.0.0.1.

    python -m bench.offline

Measures, in one run:

1. **Sync of 200 queued visits**: the demo officer signs in and opens the form's list of
   visits on this tablet (/offline/shell: the service worker and the bundle ready), and
   with /api/ cut off puts 200 complete visits (every criterion judged, a note on each
   theme, strengths and two actions) into the outbox through the page's own modules
   (payload.js makes the draft and the API's JSON, db.js's putDraft and outbox.js's
   queueChange queue it, as the form's submit does). The API is then let through and "Sync now" clicked;
   the time to an empty outbox is measured, and the server must hold exactly 200 new
   visits. Goal: 3 s or less (a backlog goes 25 visits to a request, POST /api/visit-changes). The outbox is polled by its count every 50 ms
   (reading the rows themselves so often would slow the page it measures).
2. **Recovery** (bench/recovery.py): with changes waiting and the server stopped, the time
   from the server answering again to the last change arriving. Goal: 2 s or less.
3. **Opening a visit offline**: a draft of 41 criteria with evidence on every criterion
   is put on the tablet by the page's own db.js; with the server stopped, so only the
   service worker answers (with the cached shell), /visits/<uuid> is opened: the time
   from navigation start to the task list drawn and usable, read from performance.now()
   in the page. Median of 10. Goal: under 1 s.
4. **Compressed size** (gzip -9) of the visit form's own JavaScript and CSS (what the
   shell needs: SHELL_ASSETS in qa_app/offline/routes.py), GOV.UK Frontend excluded.
   Goal: under 60 KB.

The server is werkzeug's threaded server in this process on a fresh SQLite database with
the demo data (as tests/browser/conftest.py builds `live_app`). Results go to
bench-results/offline.json.
"""

import argparse
import gzip
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.recovery import measure_recovery

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "offline.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMAIL = "officer@example.org"
PASSWORD = "demo-password-1"

SYNC_GOAL_SECONDS = 3.0
OPEN_GOAL_SECONDS = 1.0
SIZE_GOAL_BYTES = 60 * 1024


def counted_files():
    """What the offline form loads, GOV.UK Frontend aside: the worker, the shell's own
    scripts (qa_app/offline/routes.py SHELL_ASSETS, so the list cannot drift) and the
    app's rules as Sass source (an upper bound on what they add to app.css, which is
    compiled from this file with GOV.UK Frontend imported into it)."""
    from qa_app.offline.routes import SHELL_ASSETS

    scripts = [f"static/{a}" for a in SHELL_ASSETS if a.endswith(".js") and "vendor/govuk/" not in a]
    return ["static/js/sw.js", *scripts, "static/css/app.scss"]


EXCLUDED = [
    "static/vendor/govuk/app.css",  # GOV.UK Frontend + the app's rules, compiled
    "static/vendor/govuk/govuk-frontend.min.js",
]

# Queue `count` complete visits the way the form does, with the form's own modules: a
# draft from payload.js's newDraft, filled in as the form's fields fill it, saved in
# "drafts", then moved into the outbox by outbox.js's queueChange with payload.js's toPayload.
QUEUE_JS = """async (count) => {
  const store = await import("/static/js/offline/db.js");
  const outbox = await import("/static/js/offline/outbox.js");
  const payload = await import("/static/js/offline/payload.js");
  const user = await store.currentUser();
  const bundle = await store.bundleFor(user.id);
  const today = new Date().toISOString().slice(0, 10);
  let criteria = 0;
  // An officer has one open visit to a place at a time: the visits go to providers
  // this officer has no draft or returned visit of.
  const open = new Set(bundle.visits.map((visit) => visit.provider_id));
  const free = bundle.providers.filter((provider) => !open.has(provider.id));
  for (let i = 0; i < count; i++) {
    const provider = free[i % free.length];
    const draft = payload.newDraft({
      userId: user.id,
      providerId: provider.id,
      providerName: provider.name,
      visitDate: today,
      visitType: bundle.labels.visit_types[0].code,
      frameworkVersion: bundle.framework.name,
    });
    criteria = 0;
    for (const theme of bundle.framework.themes) {
      theme.criteria.forEach(({ code }, n) => {
        criteria += 1;
        draft.judgements[code] = n === 1
          ? { rating: "partly_met", evidence: `Evidence for ${code}: seen in two lessons of three.` }
          : { rating: "met", evidence: "" };
      });
      draft.theme_notes[theme.code] = `Notes on ${theme.code}: a sentence or two from the visit.`;
    }
    const owner = payload.defaultOwner(bundle.labels);
    Object.assign(draft, {
      strengths: "Calm, purposeful lessons.",
      actions: [
        { description: "Update the attendance policy", owner, due: "" },
        { description: "Record the fire drill", owner, due: "" },
      ],
      saved_at: new Date().toISOString(),
    });
    const problems = payload.localProblems(draft, bundle.labels);
    if (Object.keys(problems).length) throw new Error(`the form would refuse this visit: ${JSON.stringify(problems)}`);
    await store.putDraft(draft);
    const queued = await outbox.queueChange(draft, payload.toPayload(draft, bundle.labels), { submit: true });
    if (!queued) throw new Error("nothing queued");
  }
  const rows = await store.outboxFor(user.id);
  return { user_id: user.id, queued: rows.length, criteria, themes: bundle.framework.themes.length,
           providers: bundle.providers.length,
           payload_bytes: JSON.stringify(rows[0].payload).length };
}"""

OUTBOX_JS = """async (userId) => {
  const store = await import("/static/js/offline/db.js");
  const rows = await store.outboxFor(userId);
  const states = {};
  for (const r of rows) states[r.state] = (states[r.state] || 0) + 1;
  return { count: rows.length, states, problem: rows.find((r) => r.problem)?.problem ?? null };
}"""

# How many of the officer's rows are left, as cheaply as IndexedDB can say it (a count, no
# rows read): polled every 50 ms while the sync runs, so it must not slow the page down.
# OUTBOX_JS, which reads every row, is run only when the count stands still for a while.
COUNT_JS = """async (userId) => {
  const { openDB } = await import("/static/vendor/idb/index.js");
  window.benchOutbox ??= openDB("qa-offline");
  return (await window.benchOutbox).countFromIndex("outbox", "user_id", userId);
}"""

# Put one draft on the tablet as the form keeps it: every criterion of the framework in
# force judged, with a sentence of evidence on each, a note on each theme, strengths and
# two actions; saved (not dirty), as a draft the bundle brought or the form last saved.
OPEN_DRAFT_JS = """async () => {
  const store = await import("/static/js/offline/db.js");
  const payload = await import("/static/js/offline/payload.js");
  const user = await store.currentUser();
  const bundle = await store.bundleFor(user.id);
  const provider = bundle.providers[0];
  const draft = payload.newDraft({
    userId: user.id,
    providerId: provider.id,
    providerName: provider.name,
    visitDate: new Date().toISOString().slice(0, 10),
    visitType: bundle.labels.visit_types[0].code,
    frameworkVersion: bundle.framework.name,
  });
  let criteria = 0;
  for (const theme of bundle.framework.themes) {
    theme.criteria.forEach(({ code }, n) => {
      criteria += 1;
      draft.judgements[code] = {
        rating: n === 1 ? "partly_met" : "met",
        evidence: `Evidence for ${code}: seen in two lessons of three, and in the records kept.`,
      };
    });
    draft.theme_notes[theme.code] = `Notes on ${theme.code}: a sentence or two from the visit.`;
  }
  const owner = payload.defaultOwner(bundle.labels);
  Object.assign(draft, {
    strengths: "Calm, purposeful lessons.",
    actions: [{ description: "Update the attendance policy", owner, due: "" }],
    dirty: false,
    saved_at: new Date().toISOString(),
  });
  await store.putDraft(draft);
  const stored = await store.getDraft(draft.uuid);
  return { uuid: draft.uuid, criteria, with_evidence: Object.values(stored.judgements).filter((j) => j.evidence).length };
}"""

# True (with performance.now()) once the visit's task list is drawn and can be used: the
# form shown, a link for every theme, each with its state.
READY_JS = """(themes) => {
  const list = document.querySelector("[data-visit-app] [data-task-list]");
  if (!list || list.closest("[hidden]") || list.offsetParent === null) return false;
  const links = list.querySelectorAll("a[href*='/themes/']");
  return links.length === themes ? performance.now() : false;
}"""

# The same for a theme section: its form drawn and shown, every criterion with its
# ratings and an evidence box holding the evidence the draft keeps.
THEME_READY_JS = """(count) => {
  const form = document.querySelector("[data-visit-app] [data-theme-form]");
  if (!form || form.closest("[hidden]") || form.offsetParent === null) return false;
  const criteria = form.querySelectorAll("[data-criterion]");
  const filled = [...form.querySelectorAll("textarea[name^='evidence.']")].filter((t) => t.value).length;
  return criteria.length === count && filled === count ? performance.now() : false;
}"""


class PutTimer:
    """WSGI middleware: how many visits' changes the server answered (each PUT
    /api/visits/<uuid>, and each change of a POST /api/visit-changes), in how many
    requests, and the time spent in the app on them (to tell the server's share of the
    sync from the browser's)."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.count, self.requests, self.seconds, self.statuses = wsgi_app, 0, 0, 0.0, {}
        self.ends = []  # time.monotonic() at the end of each change's answer
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        batch = method == "POST" and path == "/api/visit-changes"
        if not batch and (method != "PUT" or not path.startswith("/api/visits/") or "/photos/" in path):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        answered = []

        def recording_start(status, headers, *rest):
            answered.append(status[:3])
            return start_response(status, headers, *rest)

        body = list(self.wsgi_app(environ, recording_start))
        statuses = answered
        if batch and answered == ["200"]:
            statuses = [str(a["status"]) for a in json.loads(b"".join(body))["answers"]]
        with self.lock:
            self.requests += 1
            self.count += len(statuses)
            self.seconds += time.perf_counter() - started
            self.ends.extend([time.monotonic()] * len(statuses))
            for status in statuses:
                self.statuses[status] = self.statuses.get(status, 0) + 1
        return body


class Server:
    """The app in werkzeug's threaded server on a fixed loopback port; stop and start."""

    def __init__(self, app):
        self.app, self.port, self.server, self.thread = app, None, None, None
        self.puts = PutTimer(app.wsgi_app)
        app.wsgi_app = self.puts

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", self.port or 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None


def build_app(path):
    """A fresh SQLite database with the demo data, CSRF on (as tests/browser/conftest.py)."""
    from qa_app import create_app, demo
    from qa_app.extensions import db

    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        db.create_all()
        demo.seed()
        db.session.commit()
    return app


def visit_count(app):
    from sqlalchemy import func, select

    from qa_app.extensions import db
    from qa_app.visits.models import Visit

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Visit))


def sign_in_and_ready(page, base):
    """Sign in online, open the form's list of visits; wait for the worker and the bundle."""
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    page.goto(f"{base}/offline/shell")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    # The list is drawn once the bundle is on the tablet (its start form lists the providers).
    page.locator("[data-sync-now]").wait_for(state="visible", timeout=15_000)
    page.locator("#start-provider option").first.wait_for(state="attached", timeout=15_000)


def measure_sync(page, server, app, count, timeout):
    """Queue `count` visits with /api/ cut off, then let it through and sync; seconds."""
    aborted = []

    def cut_off(route):
        aborted.append(route.request.url)
        route.abort()

    page.context.route("**/api/**", cut_off)
    before = visit_count(app)
    started = time.monotonic()
    queued = page.evaluate(QUEUE_JS, count)
    queue_seconds = time.monotonic() - started
    assert queued["queued"] == count, f"outbox holds {queued['queued']}, expected {count}"
    assert visit_count(app) == before, "visits reached the server while offline"

    page.context.unroute("**/api/**", cut_off)
    puts_before, put_seconds_before, requests_before = (
        server.puts.count,
        server.puts.seconds,
        server.puts.requests,
    )
    started = time.monotonic()
    page.locator("[data-sync-now]").click()
    left, last, still_since = count, None, started
    while time.monotonic() - started < timeout:
        left = page.evaluate(COUNT_JS, queued["user_id"])
        now = time.monotonic()
        if left == 0:
            break
        if left != last:
            last, still_since = left, now
        elif now - still_since > 1 and not page.evaluate(OUTBOX_JS, queued["user_id"])["states"].get(
            "queued"
        ):
            break  # what is left waits for a person: the sync is over
        time.sleep(0.05)
    seconds = time.monotonic() - started
    left = page.evaluate(OUTBOX_JS, queued["user_id"])
    created = visit_count(app) - before
    puts = server.puts.count - puts_before
    ends = [t - started for t in server.puts.ends[puts_before:]]
    quarters = [round(ends[min(len(ends), count * q // 4) - 1], 2) for q in (1, 2, 3, 4)] if ends else []
    put_seconds = server.puts.seconds - put_seconds_before
    return {
        "visits": count,
        "seconds": round(seconds, 3),
        "visits_per_second": round(count / seconds, 1) if seconds else None,
        "emptied": left["count"] == 0,
        "left_in_outbox": left,
        "server_new_visits": created,
        "queue_seconds": round(queue_seconds, 3),
        "server_puts": puts,
        "server_requests": server.puts.requests - requests_before,
        "seconds_to_each_quarter_of_the_puts": quarters,
        "server_put_statuses": dict(server.puts.statuses),
        "server_seconds_in_puts": round(put_seconds, 3),
        "server_ms_per_put": round(1000 * put_seconds / puts, 1) if puts else None,
        "requests_aborted_while_offline": len(aborted),
        "criteria_judged_per_visit": queued["criteria"],
        "themes": queued["themes"],
        "providers_in_bundle": queued["providers"],
        "payload_bytes": queued["payload_bytes"],
        "timed_out": left["count"] != 0 and seconds >= timeout,
        "pass": left["count"] == 0 and created == count and seconds <= SYNC_GOAL_SECONDS,
    }


def open_offline(page, url, ready_js, arg, runs):
    """Open `url` `runs` times from the service worker; performance.now() at `ready_js`, s."""
    samples = []
    for _ in range(runs):
        page.goto("about:blank")
        page.goto(url, wait_until="commit", timeout=15_000)
        ready = page.wait_for_function(ready_js, arg=arg, timeout=15_000, polling=10)
        samples.append(ready.json_value() / 1000)
        controlled = page.evaluate("navigator.serviceWorker.controller !== null")
        assert controlled, "the page was not served by the service worker"
    # The status line says so once its own request has failed (status.js).
    page.wait_for_function(
        """() => document.querySelector("[data-offline-status]")?.textContent.includes("Offline")""",
        timeout=10_000,
    )
    return samples


def measure_open(page, server, runs):
    """Put a visit of every criterion with evidence on the tablet, stop the server, and
    open the visit at its address `runs` times from the service worker's shell (then its
    largest theme section as many times, for the record)."""
    opened = page.evaluate(OPEN_DRAFT_JS)
    themes = page.evaluate(
        """async () => {
          const store = await import("/static/js/offline/db.js");
          const user = await store.currentUser();
          return (await store.bundleFor(user.id)).framework.themes
            .map((t) => ({ code: t.code, criteria: t.criteria.length }));
        }"""
    )
    largest = max(themes, key=lambda t: t["criteria"])
    visit = f"{server.url}/visits/{opened['uuid']}"
    server.stop()
    samples = open_offline(page, visit, READY_JS, len(themes), runs)
    theme = open_offline(page, f"{visit}/themes/{largest['code']}", THEME_READY_JS, largest["criteria"], runs)
    median = statistics.median(samples)
    return {
        "runs": runs,
        "address": "/visits/<uuid>",
        "criteria": opened["criteria"],
        "criteria_with_evidence": opened["with_evidence"],
        "themes": len(themes),
        "seconds": [round(s, 3) for s in samples],
        "median_seconds": round(median, 3),
        "theme_section": {
            "address": f"/visits/<uuid>/themes/{largest['code']}",
            "criteria": largest["criteria"],
            "seconds": [round(s, 3) for s in theme],
            "median_seconds": round(statistics.median(theme), 3),
        },
        "server": "stopped",
        "pass": median < OPEN_GOAL_SECONDS,
    }


def measure_size():
    """The bytes, raw and gzip -9, of what the offline form loads (GOV.UK Frontend aside)."""

    def sizes(paths):
        rows = []
        for name in paths:
            data = (ROOT / name).read_bytes()
            rows.append({"file": name, "bytes": len(data), "gzip9": len(gzip.compress(data, 9))})
        return rows

    counted_names = counted_files()
    counted, excluded = sizes(counted_names), sizes(EXCLUDED)
    concatenated = b"".join((ROOT / name).read_bytes() for name in counted_names)
    total = sum(r["gzip9"] for r in counted)
    return {
        "files": counted,
        "excluded": excluded,
        "raw_bytes": sum(r["bytes"] for r in counted),
        "gzip9_bytes": total,
        "gzip9_bytes_concatenated": len(gzip.compress(concatenated, 9)),
        "goal_bytes": SIZE_GOAL_BYTES,
        "pass": total < SIZE_GOAL_BYTES,
    }


def commit():
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
        )
        return {"commit": head or None, "uncommitted_changes": dirty}
    except OSError:
        return {"commit": None, "uncommitted_changes": None}


def report(results):
    sync, load, size, back = results["sync"], results["open"], results["size"], results["recovery"]
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    print()
    print(f"{'measure':<52} {'figure':>14} {'goal':>12}  result")
    if sync.get("error"):
        print(f"{'sync of 200 queued visits':<52} {'error':>14} {'<= 3 s':>12}  FAIL ({sync['error']})")
    else:
        label = f"sync of {sync['visits']} queued visits to an empty outbox"
        print(f"{label:<52} {sync['seconds']:>12.2f} s {'<= 3 s':>12}  {verdict(sync['pass'])}")
        print(f"{'  new visits on the server':<52} {sync['server_new_visits']:>14} {sync['visits']:>12}")
    if back.get("error"):
        print(
            f"{'recovery: server back to last change arriving':<52} {'error':>14} {'<= 2 s':>12}  FAIL ({back['error']})"
        )
    else:
        label = f"recovery: server back to last of {back['visits']} changes in"
        figure = back["seconds_to_last_put"] if back["seconds_to_last_put"] is not None else float("nan")
        print(f"{label:<52} {figure:>12.2f} s {'<= 2 s':>12}  {verdict(back['pass'])}")
    if load.get("error"):
        print(
            f"{'open a visit offline (server down), median':<52} {'error':>14} {'< 1 s':>12}  FAIL ({load['error']})"
        )
    else:
        label = f"open a visit offline (server down), median of {load['runs']}"
        print(f"{label:<52} {load['median_seconds']:>12.3f} s {'< 1 s':>12}  {verdict(load['pass'])}")
        section = load["theme_section"]
        label = f"  its theme section {section['address'].rsplit('/', 1)[1]}, median"
        print(f"{label:<52} {section['median_seconds']:>12.3f} s")
    print(
        f"{'JS + CSS of the offline form, gzip -9 (no GOV.UK)':<52} "
        f"{size['gzip9_bytes'] / 1024:>11.1f} KB {'< 60 KB':>12}  {verdict(size['pass'])}"
    )
    print()
    print(f"{'file':<46} {'bytes':>9} {'gzip -9':>9}")
    for row in size["files"]:
        print(f"{row['file']:<46} {row['bytes']:>9,} {row['gzip9']:>9,}")
    print(f"{'total (counted)':<46} {size['raw_bytes']:>9,} {size['gzip9_bytes']:>9,}")
    for row in size["excluded"]:
        print(f"{row['file'] + ' (excluded)':<46} {row['bytes']:>9,} {row['gzip9']:>9,}")
    print("  static/vendor/govuk/app.css is GOV.UK Frontend + the app's rules, compiled; the app's")
    print("  rules are counted above as their Sass source, static/css/app.scss.")
    if not sync.get("error"):
        print(
            f"\nSync detail: {sync['criteria_judged_per_visit']} criteria judged per visit, "
            f"payload {sync['payload_bytes']:,} bytes, queued in {sync['queue_seconds']:.2f} s, "
            f"{sync['visits_per_second']} visits/s; the server spent {sync['server_seconds_in_puts']:.2f} s "
            f"on {sync['server_puts']} visits' changes in {sync['server_requests']} requests"
            f" ({sync['server_ms_per_put']} ms a change), the rest is the browser."
        )
        print(
            f"Seconds from Sync now to the end of the PUT at each quarter: {sync['seconds_to_each_quarter_of_the_puts']}"
        )
    if not load.get("error"):
        print(
            f"Opening offline: {load['criteria']} criteria, {load['criteria_with_evidence']} with evidence, "
            f"at {load['address']} to its task list; samples (s): {load['seconds']}"
        )
        section = load["theme_section"]
        print(
            f"  {section['address']} ({section['criteria']} criteria, evidence shown): {section['seconds']}"
        )
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--runs", type=int, default=10, help="openings of the visit offline")
    parser.add_argument("--sync-timeout", type=float, default=120.0, help="give up waiting after (s)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"), **commit()}
    results["size"] = measure_size()
    with tempfile.TemporaryDirectory(prefix="qa-bench-offline-") as tmp:
        print("building a fresh SQLite database with the demo data ...", flush=True)
        app = build_app(Path(tmp) / "offline.sqlite")
        server = Server(app)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                errors = []
                try:
                    context = browser.new_context(
                        viewport={"width": 768, "height": 1024}, service_workers="allow"
                    )
                    page = context.new_page()
                    page.on("pageerror", lambda error: errors.append(str(error)))
                    print(f"signing in on {server.url} and getting the tablet ready ...", flush=True)
                    sign_in_and_ready(page, server.url)
                    print(f"queueing {args.visits} visits offline, then syncing ...", flush=True)
                    try:
                        results["sync"] = measure_sync(page, server, app, args.visits, args.sync_timeout)
                    except Exception as error:  # report it and go on to the other measures
                        results["sync"] = {"error": f"{type(error).__name__}: {error}", "pass": False}
                    print("stopping the server with changes waiting, then starting it ...", flush=True)
                    try:
                        results["recovery"] = measure_recovery(page, server)
                    except Exception as error:
                        results["recovery"] = {"error": f"{type(error).__name__}: {error}", "pass": False}
                    print("stopping the server; opening a visit from the cache ...", flush=True)
                    try:
                        results["open"] = measure_open(page, server, args.runs)
                    except Exception as error:
                        results["open"] = {"error": f"{type(error).__name__}: {error}", "pass": False}
                    results["page_errors"] = errors
                finally:
                    browser.close()
        finally:
            server.stop()
    results["pass"] = all(results[k]["pass"] for k in ("sync", "recovery", "open", "size"))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    report(results)
    if results.get("page_errors"):
        print(f"page errors: {results['page_errors']}")
    return 0  # a missed goal is a figure to read (PASS/FAIL above), not a failed run


if __name__ == "__main__":
    sys.exit(main())
