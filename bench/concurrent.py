"""`make bench`, last step: a morning's saves at once, on PostgreSQL, through gunicorn with
the README's production set-up (bench/production.py: four workers).

    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.concurrent

On the large authority of bench.lists (2,000 providers, 50 schools, 30,000 placements with
reviews, 1,000 referrals, school visits), in one run:

- 100 tablets, each signed in as its own officer, save 3 whole visits each through
  `PUT /api/visits/<uuid>` (the body of bench.visits, submitted: a tablet's last save);
- 20 of them send every save twice with the same Idempotency-Key: 10 again after the
  answer, 10 a second time from another thread while the first is still running;
- 50 school users, one a school, save 3 new placements each through `PUT /api/placements/<uuid>`.

Each client signs in over HTTP first (not timed), then starts at a random moment within the
first `--spread` seconds and waits 1 to 3 seconds between its saves, as people do. It prints
the records stored against those expected (exactly: each saved once, none lost, one receipt
per key), every 5xx, the latency of the saves (p50, p95, p99), and the CPU per save of
gunicorn (its master and workers) and of PostgreSQL (this database's backends, read from
/proc while the load runs), with PASS or FAIL. Results go to bench-results/concurrent.json.
Without a PostgreSQL BENCH_DATABASE_URL it says so and stops.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyotp
from sqlalchemy import create_engine, func, make_url, select, text

from bench import data, lists, production, report, visits
from bench.machine import CpuWatch
from bench.pages import csrf_token
from bench.server import cpu_of
from qa_app.api.receipts import SyncReceipt
from qa_app.auth.mfa.models import AuthenticatorApp
from qa_app.auth.models import School, User
from qa_app.auth.services import create_user
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.visits.models import Visit

P95_GOAL_MS = 250.0
PASSWORD = data.SIGN_IN_PASSWORD


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.concurrent", description=__doc__.split("\n\n")[0])
    option = parser.add_argument
    option("--tablets", type=int, default=100, help="officers' tablets, each signed in as its own officer")
    option("--visits", type=int, default=3, help="visits each tablet saves")
    option("--after-answer", type=int, default=10, help="tablets that resend each save after its answer")
    option("--while-running", type=int, default=10, help="tablets that resend each save while it runs")
    option("--schools", type=int, default=50, help="school users saving placements")
    option("--placements", type=int, default=3, help="placements each school user saves")
    option("--spread", type=float, default=20.0, help="seconds over which the clients start")
    option("--size", choices=tuple(lists.SIZES), default="large", help="the authority of bench.lists")
    option("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    option("--wipe", action="store_true", help="empty a --database-url that has other tables")
    option("--output", type=Path, default=report.ROOT / "bench-results" / "concurrent.json")
    return parser.parse_args(argv)


def main(argv=None):
    """Build, serve, load, count and print; skipped without PostgreSQL."""
    args = parse_args(argv)
    url = args.database_url
    if not url or not make_url(url).get_backend_name().startswith("postgresql"):
        print(
            "\nConcurrent load: skipped. It runs on PostgreSQL only: set "
            "BENCH_DATABASE_URL=postgresql+psycopg://USER@HOST/DATABASE (a database of its own)."
        )
        return None
    print("\n== Concurrent load on PostgreSQL, gunicorn as in production ==", flush=True)
    app = lists.build(url, args.size, args.wipe)
    people, warm_up = add_people(app, args)
    with tempfile.TemporaryDirectory(prefix="qa-bench-load-") as workdir:
        log = Path(workdir) / "gunicorn.log"
        commands = production.readme_commands()
        print(f"Serving with the README's gunicorn ({production.workers(commands)} workers) ...", flush=True)
        with production.serve(url, log) as (served, env):
            if env["RATELIMIT_STORAGE_URI"] == "memory://":
                print("  (Redis is not running: sign-in throttling counts in each worker's memory)")
            clients = sign_in_all(served.base, people)
            print(f"  {len(clients)} clients signed in; warming the workers up ...", flush=True)
            warm(sign_in_all(served.base, warm_up))
            print("  loading ...", flush=True)
            outcome = run_load(served, url, clients, args)
    figures = summarise(url, people, clients, outcome, args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print_report(figures, args.output)
    with app.app_context():
        db.engine.dispose()
    return figures


# -- who saves what ----------------------------------------------------------------------------


@dataclass
class Person:
    """One client: who signs in, and the bodies it PUTs, in order."""

    email: str
    kind: str  # "visit" or "placement"
    bodies: list
    resend: str = ""  # "", "after_answer" or "while_running"
    address: str = ""
    # The key of their authenticator app: production asks every role for a second factor.
    totp_key: str = field(default_factory=pyotp.random_base32)


WARM_UP_SAVES = 8  # of each kind, before the load, so that no worker is cold when it starts


def add_people(app, args):
    """The tablets' officers (3 providers each, none visited by them yet) and one school
    user a school, with the bodies each will save; and the two people whose saves warm the
    workers up first (their records are not counted). Returns (people, warm-up people)."""
    rng = random.Random(22)
    today = date.today()
    people = []
    with app.app_context():
        version = current_version()
        provider_ids = db.session.scalars(select(Provider.id).order_by(Provider.id)).all()
        picked = rng.sample(provider_ids, args.tablets * args.visits + WARM_UP_SAVES)
        create_user("warm-up-officer@example.org", "Warm-up Officer", "officer", PASSWORD)
        warm_visits = [
            visits.full_visit_body(version, provider_id, today - timedelta(days=1), status="submitted")
            for provider_id in picked[-WARM_UP_SAVES:]
        ]
        first_school = db.session.scalar(select(School.id).order_by(School.id))
        create_user(
            "warm-up-school@example.org", "Warm-up School Staff", "school", PASSWORD, school_id=first_school
        )
        warm_placements = [
            _placement_body(first_school, rng.choice(provider_ids), f"W{k:05d}", today)
            for k in range(WARM_UP_SAVES)
        ]
        warm_up = [
            Person("warm-up-officer@example.org", "visit", warm_visits, "", "10.21.0.1"),
            Person("warm-up-school@example.org", "placement", warm_placements, "", "10.21.0.2"),
        ]
        for n in range(args.tablets):
            email = f"tablet{n:03d}@example.org"
            create_user(email, f"Tablet Officer {n:03d}", "officer", PASSWORD)
            resend = (
                "after_answer"
                if n < args.after_answer
                else "while_running"
                if n < args.after_answer + args.while_running
                else ""
            )
            bodies = [
                visits.full_visit_body(version, provider_id, today - timedelta(days=1), status="submitted")
                for provider_id in picked[n * args.visits : (n + 1) * args.visits]
            ]
            people.append(Person(email, "visit", bodies, resend, f"10.22.{n // 250}.{n % 250 + 1}"))
        schools = db.session.scalars(select(School).order_by(School.id).limit(args.schools)).all()
        for n, school in enumerate(schools):
            email = f"school{n:03d}@example.org"
            create_user(email, f"School Staff {n:03d}", "school", PASSWORD, school_id=school.id)
            bodies = [
                _placement_body(school.id, rng.choice(provider_ids), f"L{n:03d}{k:02d}", today)
                for k in range(args.placements)
            ]
            people.append(Person(email, "placement", bodies, "", f"10.23.{n // 250}.{n % 250 + 1}"))
        db.session.flush()
        # Each has an authenticator app already set up (as README.md's "A second factor" has
        # every user do on their first sign-in), so that each signs in with a code from it.
        ids = dict(db.session.execute(select(User.email, User.id)).all())
        for person in [*warm_up, *people]:
            db.session.add(AuthenticatorApp(user_id=ids[person.email], secret=person.totp_key))
        db.session.commit()
    return people, warm_up


def _placement_body(school_id, provider_id, pupil_ref, today):
    """A new full-time placement that started three days ago, with the school's reason
    (needed when the provider is not quality assured or not known to be registered)."""
    start = today - timedelta(days=3)
    return {
        "school_id": school_id,
        "pupil_ref": pupil_ref,
        "year_group": 10,
        "provider_id": provider_id,
        "reason": "semh_support",
        "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=120)).isoformat(),
        "days_per_week": 5,
        "hours_per_week": 25.0,
        "placing_reason": "The only provider near home with a place this term",
    }


# -- over HTTP ---------------------------------------------------------------------------------


class Client:
    """One person's browser or tablet behind the README's TLS proxy: keep-alive HTTP, its
    own cookies and address; every answer's status and each save's latency recorded."""

    def __init__(self, base, person):
        self.base, self.person = base, person
        self.host = base.removeprefix("http://")
        self.cookies = {}
        self.csrf = None
        self.connection = None
        self.statuses = Counter()
        self.latencies = []  # seconds of each first send of a save
        self.answers = []  # (first status, resend status or None, same body?)
        self.errors = []

    def request(self, method, path, body=None, headers=None, connection=None):
        """(status, headers, body bytes) of one request; reconnects once if the server
        closed the kept-alive connection."""
        headers = {
            "X-Forwarded-For": self.person.address,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.host}{path}",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        own = connection is None
        for attempt in (1, 2):
            if own and self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, timeout=120)
            link = self.connection if own else connection
            try:
                link.request(method, path, body=body, headers=headers)
                response = link.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                link.close()
                if own:
                    self.connection = None
                if attempt == 2:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.statuses[response.status] += 1
        return response.status, response.headers, payload

    def sign_in(self):
        """Through the sign-in form and the second factor's (a code from the person's
        authenticator app), then the API's CSRF token."""
        status, _, page = self.request("GET", "/login")
        form = {"csrf_token": csrf_token(page.decode()), "email": self.person.email, "password": PASSWORD}
        body = "&".join(f"{k}={_quote(v)}" for k, v in form.items())
        status, _, answer = self.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"{self.person.email} could not sign in: {status} {answer[:300]!r}")
        status, _, page = self.request("GET", "/login/second-factor")
        form = {"csrf_token": csrf_token(page.decode()), "code": pyotp.TOTP(self.person.totp_key).now()}
        body = "&".join(f"{k}={_quote(v)}" for k, v in form.items())
        status, _, answer = self.request(
            "POST", "/login/second-factor/code", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise RuntimeError(f"{self.person.email}'s code was refused: {status} {answer[:300]!r}")
        status, _, answer = self.request("GET", "/api/session")
        self.csrf = json.loads(answer)["csrf_token"]

    def put(self, body, record_uuid, key, connection=None):
        """(status, answer JSON, seconds) of one PUT of the body under the key."""
        path = f"/api/{self.person.kind}s/{record_uuid}"
        headers = {"Content-Type": "application/json", "Idempotency-Key": key, "X-CSRFToken": self.csrf}
        started = time.perf_counter()
        status, answer_headers, answer = self.request("PUT", path, json.dumps(body), headers, connection)
        # A copy told its first is still running asks again after Retry-After, as the tablet does.
        while status == 409 and b'"in_progress"' in answer:
            time.sleep(float(answer_headers.get("Retry-After", "1")))
            status, answer_headers, answer = self.request("PUT", path, json.dumps(body), headers, connection)
        return status, _json(answer), time.perf_counter() - started

    def save_all(self, start_at, rng, pause=(1.0, 3.0)):
        """Wait for its moment, then save each body (and resend it as its kind says),
        `pause` seconds (from, to) apart."""
        time.sleep(max(0.0, start_at - time.monotonic()))
        for n, body in enumerate(self.person.bodies):
            if n:
                time.sleep(rng.uniform(*pause))
            record_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
            try:
                self._save_one(body, record_uuid, key)
            except Exception as problem:  # counted, reported, never hides the rest of the run
                self.errors.append(f"{type(problem).__name__}: {problem}")

    def _save_one(self, body, record_uuid, key):
        if self.person.resend == "while_running":
            second = {}
            connection = http.client.HTTPConnection(self.host, timeout=120)

            def copy():
                second["answer"] = self.put(body, record_uuid, key, connection)

            thread = threading.Thread(target=copy)
            thread.start()
            status, answer, seconds = self.put(body, record_uuid, key)
            thread.join()
            connection.close()
            self._record(status, answer, seconds, second["answer"])
        else:
            status, answer, seconds = self.put(body, record_uuid, key)
            resent = self.put(body, record_uuid, key) if self.person.resend == "after_answer" else None
            self._record(status, answer, seconds, resent)

    def _record(self, status, answer, seconds, resent):
        self.latencies.append(seconds)
        if resent is None:
            self.answers.append((status, None, True))
        else:
            self.answers.append((status, resent[0], resent[1] == answer))


def _json(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return {"unreadable": raw[:300].decode(errors="replace")}


def _quote(value):
    from urllib.parse import quote

    return quote(value, safe="")


def sign_in_all(base, people):
    """A signed-in Client per person, four sign-ins at a time (not timed)."""
    clients = [Client(base, person) for person in people]
    pending = list(clients)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pending:
                    return
                client = pending.pop()
            client.sign_in()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients


def warm(clients):
    """Each warm-up client saves its bodies, side by side, before the load is measured."""
    threads = [
        threading.Thread(target=c.save_all, args=(time.monotonic(), random.Random(0), (0, 0)))
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    problems = [e for c in clients for e in c.errors] + [
        f"warm-up answered {a[0]}" for c in clients for a in c.answers if a[0] != 201
    ]
    if problems:
        raise RuntimeError(f"The warm-up saves failed: {problems[:5]}")


# -- the load, and the CPU it cost -------------------------------------------------------------


@dataclass
class Outcome:
    """What the load took: wall seconds, gunicorn's and PostgreSQL's CPU seconds."""

    seconds: float
    app_cpu: float | None
    database_cpu: float | None
    backends: int = 0
    notes: list = field(default_factory=list)
    others_share: float | None = None


class BackendCpu:
    """The CPU of this database's PostgreSQL backends, read from /proc (the server must run on
    this machine): sampled every quarter second, so a backend that starts during the load is
    counted from when it is first seen, and one that ends, to when it was last seen."""

    def __init__(self, url):
        self.engine = create_engine(url, pool_size=1, max_overflow=0)
        self.first, self.last = {}, {}
        self.stopping = threading.Event()
        self.readable = True
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        with self.engine.connect() as connection:
            pids = connection.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
            ).all()
        for pid in pids:
            try:
                seconds = cpu_of(pid)
            except OSError:
                self.readable = False
                continue
            self.first.setdefault(pid, seconds)
            self.last[pid] = seconds

    def _run(self):
        while not self.stopping.wait(0.25):
            self._sample()

    def __enter__(self):
        self._sample()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        self._sample()
        self.engine.dispose()

    def seconds(self):
        """CPU seconds the backends used between their first and last sighting, or None."""
        if not self.readable or not self.first:
            return None
        return sum(self.last[pid] - self.first[pid] for pid in self.first)


def run_load(served, url, clients, args):
    """Every client saves at once (each from its random moment); returns the Outcome."""
    rng = random.Random(7)
    began = time.monotonic()
    starts = [began + rng.uniform(0, args.spread) for _ in clients]
    app_before = served.cpu_seconds()
    watch = CpuWatch(served)
    with BackendCpu(url) as backends:
        threads = [
            threading.Thread(target=client.save_all, args=(start, random.Random(n)))
            for n, (client, start) in enumerate(zip(clients, starts, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    seconds = time.monotonic() - began
    others = watch.others_share()
    app_after = served.cpu_seconds()
    app_cpu = app_after - app_before if app_before is not None and app_after is not None else None
    notes = [] if backends.readable else ["PostgreSQL's processes are not readable here (another machine?)"]
    for client in clients:
        if client.connection is not None:
            client.connection.close()
    database_cpu = backends.seconds()
    if others is not None:
        # PostgreSQL's backends are other processes to CpuWatch: they are the server here.
        others = max(0.0, others - (database_cpu or 0.0) / (seconds * (os.cpu_count() or 1)))
        if others > 0.05:
            notes.append(
                f"other processes took {others:.0%} of the machine's CPU while the load ran: "
                "the latencies are those of a busy machine"
            )
    return Outcome(seconds, app_cpu, database_cpu, len(backends.first), notes, others)


# -- counting and reporting --------------------------------------------------------------------


def stored(url, people):
    """{"visits", "placements", "receipts"} the database holds for these people."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            users = dict(
                connection.execute(
                    select(User.email, User.id).where(User.email.in_([p.email for p in people]))
                ).all()
            )
            ids = {
                kind: [users[p.email] for p in people if p.kind == kind] for kind in ("visit", "placement")
            }
            count = connection.scalar
            return {
                "visits": count(
                    select(func.count()).select_from(Visit).where(Visit.officer_id.in_(ids["visit"]))
                ),
                "placements": count(
                    select(func.count())
                    .select_from(Placement)
                    .where(Placement.created_by_id.in_(ids["placement"]))
                ),
                "receipts": count(
                    select(func.count())
                    .select_from(SyncReceipt)
                    .where(SyncReceipt.user_id.in_(users.values()))
                ),
            }
    finally:
        engine.dispose()


def _percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summarise(url, people, clients, outcome, args):
    """The figures: expected and stored, statuses, latencies, CPU per save, verdicts."""
    expected = {
        "visits": sum(len(p.bodies) for p in people if p.kind == "visit"),
        "placements": sum(len(p.bodies) for p in people if p.kind == "placement"),
    }
    expected["receipts"] = expected["visits"] + expected["placements"]  # one a key; a resend adds none
    found = stored(url, people)
    statuses = sum((c.statuses for c in clients), Counter())
    answers = [a for c in clients for a in c.answers]
    resends = [a for a in answers if a[1] is not None]
    latencies = [s * 1000 for c in clients for s in c.latencies]
    saves = len(latencies)
    server_errors = {status: n for status, n in statuses.items() if status >= 500}
    first_statuses = Counter(a[0] for a in answers)
    resends_same = sum(1 for first, again, same in resends if again == first and same)
    errors = [e for c in clients for e in c.errors]
    p95 = _percentile(latencies, 0.95)
    exact = found == expected and first_statuses == Counter({201: saves}) and resends_same == len(resends)
    return {
        "settings": {
            "tablets": args.tablets,
            "visits_each": args.visits,
            "resend_after_answer": args.after_answer,
            "resend_while_running": args.while_running,
            "school_users": args.schools,
            "placements_each": args.placements,
            "spread_seconds": args.spread,
            "gunicorn": " ".join(production.gunicorn_command(production.readme_commands(), 0)[1:]),
        },
        "expected": expected,
        "stored": found,
        "first_answers": dict(first_statuses),
        "resends": len(resends),
        "resends_answered_the_same": resends_same,
        "statuses": dict(statuses),
        "server_errors": server_errors,
        "client_errors": errors[:20],
        "saves": saves,
        "seconds": round(outcome.seconds, 1),
        "latency_ms": {
            "p50": _round(_percentile(latencies, 0.5)),
            "p95": _round(p95),
            "p99": _round(_percentile(latencies, 0.99)),
            "max": _round(max(latencies, default=None)),
            "mean": _round(statistics.fmean(latencies) if latencies else None),
        },
        "app_cpu_ms_per_save": _round(outcome.app_cpu * 1000 / saves if outcome.app_cpu and saves else None),
        "database_cpu_ms_per_save": _round(
            outcome.database_cpu * 1000 / saves if outcome.database_cpu is not None and saves else None
        ),
        "database_backends_seen": outcome.backends,
        "others_share_of_cpu": None if outcome.others_share is None else round(outcome.others_share, 3),
        "notes": outcome.notes,
        "stored_exactly_once": exact and not errors,
        "no_5xx": not server_errors,
        "p95_goal_ms": P95_GOAL_MS,
        "p95_pass": p95 is not None and p95 <= P95_GOAL_MS,
        "commit": report.git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(report.git("status", "--porcelain")),
    }


def _round(value, places=1):
    return None if value is None else round(value, places)


def _verdict(ok):
    return "PASS" if ok else "FAIL"


def print_report(figures, output):
    """The table of the concurrent load."""
    expected, found = figures["expected"], figures["stored"]
    latency = figures["latency_ms"]
    settings = figures["settings"]
    print(
        f"\nConcurrent load on PostgreSQL: {settings['tablets']} tablets x {settings['visits_each']} visits "
        f"({settings['resend_after_answer']} resending after the answer, {settings['resend_while_running']} "
        f"while the first runs), {settings['school_users']} school users x {settings['placements_each']} "
        f"placements; gunicorn {settings['gunicorn']}; {figures['saves']} saves in {figures['seconds']} s"
    )
    rows = [
        (
            "Visits stored / expected",
            f"{found['visits']} / {expected['visits']}",
            "exactly",
            found["visits"] == expected["visits"],
        ),
        (
            "Placements stored / expected",
            f"{found['placements']} / {expected['placements']}",
            "exactly",
            found["placements"] == expected["placements"],
        ),
        (
            "Idempotency receipts / keys sent",
            f"{found['receipts']} / {expected['receipts']}",
            "one a key",
            found["receipts"] == expected["receipts"],
        ),
        (
            "Resends answered as the first",
            f"{figures['resends_answered_the_same']} / {figures['resends']}",
            "all",
            figures["resends_answered_the_same"] == figures["resends"],
        ),
        (
            "Every record stored exactly once",
            f"first answers {figures['first_answers']}",
            "all 201",
            figures["stored_exactly_once"],
        ),
        ("Answers 5xx", str(sum(figures["server_errors"].values())), "none", figures["no_5xx"]),
        (
            "Save latency p50 / p95 / p99, ms",
            f"{latency['p50']} / {latency['p95']} / {latency['p99']}",
            f"p95 {P95_GOAL_MS:.0f} ms or less",
            figures["p95_pass"],
        ),
        ("gunicorn CPU per save, ms", _ms(figures["app_cpu_ms_per_save"]), "", None),
        (
            f"PostgreSQL CPU per save, ms ({figures['database_backends_seen']} backends)",
            _ms(figures["database_cpu_ms_per_save"]),
            "",
            None,
        ),
    ]
    print(f"{'measure':<52}{'figure':>24}  {'goal':<20}result")
    for label, figure, goal, ok in rows:
        print(f"{label:<52}{figure:>24}  {goal:<20}{'' if ok is None else _verdict(ok)}")
    for note in figures["notes"]:
        print(f"Note: {note}")
    for problem in figures["client_errors"]:
        print(f"Client error: {problem}")
    print(f"Figures: {output}")


def _ms(value):
    return "not measured" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    started = time.perf_counter()
    main(sys.argv[1:])
    print(f"Concurrent load took {time.perf_counter() - started:.0f} s")
