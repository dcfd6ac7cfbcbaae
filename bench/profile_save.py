"""Where the time of `PUT /api/visits/<uuid>` goes: the benchmark's full visit saved N
times through Flask's test client, on a freshly built database.

    .venv/bin/python -m bench.profile_save              # 300 saves, 10,000 providers
    .venv/bin/python -m bench.profile_save --saves 100 --providers 1000 --visits 5000

Three passes of N saves each: untouched (the time a save takes); with each step of the
save timed by a thin wrapper, and every SQL statement timed (where that time goes);
under cProfile (which functions). In-process there is no HTTP parsing or socket, and one
save at a time: the app's own cost per save, not what wrk sees through gunicorn.
"""

import argparse
import cProfile
import io
import json
import pstats
import re
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench import data, visits
from bench.queries import signed_in_client
from qa_app import create_app
from qa_app.api import visits as api_visits
from qa_app.extensions import db
from qa_app.visits import audit, saving

# (label, owner, attribute): the functions timed, each where its caller looks it up.
STEPS = (
    ("user loaded from the session", LoginManager, "_load_user"),
    ("CSRF token checked", CSRFProtect, "protect"),
    ("Idempotency-Key fingerprint (request_hash)", api_visits, "request_hash"),
    ("Idempotency-Key lookup (stored_answer)", api_visits, "stored_answer"),
    ("body validated (read VisitBody)", api_visits, "read"),
    ("save (submission.services.save)", api_visits, "save"),
    ("save_visit", saving, "save_visit"),
    ("framework version (_framework_for)", saving, "_framework_for"),
    ("rules checked (check_rules)", saving, "check_rules"),
    ("audit snapshot (snapshot)", audit, "snapshot"),
    ("change applied (apply_change)", saving, "apply_change"),
    ("rating (rate)", saving, "rate"),
    ("judgements written (store_judgements)", saving, "store_judgements"),
    ("audit diff (changes)", audit, "changes"),
    ("audit event (record_event)", audit, "record_event"),
    ("response body (visit_as_json)", api_visits, "visit_as_json"),
    ("receipt stored, committed (commit_with_receipt)", api_visits, "commit_with_receipt"),
    ("ORM flush", Session, "flush"),
    ("response serialised (jsonify)", api_visits, "jsonify"),
)


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile_save", description=__doc__.split("\n\n")[0]
    )
    option = parser.add_argument
    option("--saves", type=int, default=300, help="PUTs in each pass (after 20 unmeasured)")
    option("--providers", type=int, default=10_000, help="providers in the database")
    option("--visits", type=int, default=50_000, help="visits in the database")
    option("--top", type=int, default=20, help="cProfile functions to list")
    return parser.parse_args(argv)


def main(argv=None):
    """Build, save N times three ways, and print where the time went."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-bench-profile-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite'}"
        app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        print(f"Building {args.providers:,} providers and {args.visits:,} visits ...", flush=True)
        data.build(app, args.providers, args.visits)
        save = _saver(app, json.dumps(visits.add_sync_provider(app)))
        for _ in range(20):
            save()
        plain = _timed_run(save, args.saves)
        with app.app_context():
            engine = db.engine
        steps, sql = _Steps(engine), _SqlTimer(engine)
        with steps, sql:
            stepped = _timed_run(save, args.saves)
        profile = cProfile.Profile()
        profiled = _timed_run(lambda: profile.runcall(save), args.saves)
        with app.app_context():
            db.engine.dispose()
    print(f"\nA save takes {plain * 1000:.2f} ms in-process ({args.saves} saves; {1 / plain:.0f} a second)")
    print(f"with the steps timed {stepped * 1000:.2f} ms; under cProfile {profiled * 1000:.2f} ms")
    sql.report(args.saves, stepped)
    steps.report(args.saves, stepped)
    _report_profile(profile, args.top)


def _saver(app, body):
    """A function that PUTs the body as a new visit, signed in, and checks the 201."""
    client = signed_in_client(app, data.SIGN_IN_EMAIL, data.SIGN_IN_PASSWORD)
    token = client.get("/api/session").get_json()["csrf_token"]

    def save():
        headers = {"Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": token}
        response = client.put(
            f"/api/visits/{uuid.uuid4()}", data=body, content_type="application/json", headers=headers
        )
        if response.status_code != 201:
            raise RuntimeError(f"PUT answered {response.status_code}: {response.get_data(as_text=True)}")

    return save


def _timed_run(save, count):
    """Seconds per save over `count` saves."""
    started = time.perf_counter()
    for _ in range(count):
        save()
    return (time.perf_counter() - started) / count


class _Steps:
    """Wraps each of STEPS (and the database's COMMIT) in a timer that knows its caller,
    so the report is a tree: a step's time includes the steps under it."""

    def __init__(self, engine):
        self.engine = engine
        self.stack = []
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self.patches = ExitStack()

    def __enter__(self):
        for label, owner, name in STEPS:
            self.patches.enter_context(self._wrapped(owner, name, label))
        self.patches.enter_context(self._wrapped(self.engine.dialect, "do_commit", "COMMIT (sqlite3)"))
        return self

    def __exit__(self, *exc):
        self.patches.close()

    @contextmanager
    def _wrapped(self, owner, name, label):
        """Replace owner.name with a timed copy while the context lasts."""
        original = getattr(owner, name)
        owned = name in vars(owner)  # else inherited, or the class's method of an instance

        def timed(*args, **kwargs):
            self.stack.append(label)
            path = tuple(self.stack)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[path] += time.perf_counter() - started
                self.calls[path] += 1
                self.stack.pop()

        setattr(owner, name, timed)
        try:
            yield
        finally:
            if owned:
                setattr(owner, name, original)
            else:
                delattr(owner, name)

    def report(self, saves, per_save):
        """The tree of steps, per save, with each one's share of the whole save."""
        total = per_save * saves
        print(
            f"\nSteps, per save (a step includes those indented under it; {per_save * 1000:.2f} ms = 100%):"
        )
        top_level = 0.0
        for path in sorted(self.seconds, key=_tree_order(self.seconds)):
            seconds = self.seconds[path]
            if len(path) == 1:
                top_level += seconds
            if seconds / saves < 0.000_01:
                continue  # an autoflush with nothing to flush, say
            calls = self.calls[path] / saves
            times = f" x{calls:g}" if calls != 1 else ""
            label = "  " * (len(path) - 1) + path[-1] + times
            print(f"  {label:<62} {seconds * 1000 / saves:7.2f} ms {seconds / total:6.1%}")
        rest = total - top_level
        print(
            f"  {'the rest: Flask, Werkzeug, session cookie, headers, test client':<62} "
            f"{rest * 1000 / saves:7.2f} ms {rest / total:6.1%}"
        )


def _tree_order(seconds):
    """Sort paths depth-first, parents before children, in the order first seen."""
    first_seen = {path: n for n, path in enumerate(seconds)}

    def key(path):
        return tuple(first_seen.get(path[: depth + 1], 0) for depth in range(len(path)))

    return key


class _SqlTimer:
    """Times every statement (cursor execute to its return), grouped by verb and table."""

    def __init__(self, engine):
        self.engine = engine
        self.by_kind = defaultdict(lambda: [0, 0.0])
        # From a transaction's first write to its COMMIT, SQLite holds the database's one
        # write lock: another worker's save waits for it.
        self.first_write = None
        self.write_locked = 0.0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)
        event.remove(self.engine, "commit", self._commit)

    def _before(self, connection, cursor, statement, parameters, context, executemany):
        connection.info["bench_started"] = time.perf_counter()
        if self.first_write is None and statement.lstrip().startswith(("INSERT", "UPDATE", "DELETE")):
            self.first_write = connection.info["bench_started"]

    def _commit(self, connection):
        if self.first_write is not None:
            self.write_locked += time.perf_counter() - self.first_write
            self.first_write = None

    def _after(self, connection, cursor, statement, parameters, context, executemany):
        took = time.perf_counter() - connection.info.pop("bench_started")
        tally = self.by_kind[_kind(statement)]
        tally[0] += 1
        tally[1] += took

    def report(self, saves, per_save):
        """Statements per save by kind, slowest first."""
        total = per_save * saves
        count = sum(n for n, _ in self.by_kind.values())
        seconds = sum(s for _, s in self.by_kind.values())
        print(
            f"\nSQL, per save: {count / saves:g} statements, {seconds * 1000 / saves:.2f} ms in the "
            f"database driver ({seconds / total:.1%}; COMMIT is counted with the steps)"
        )
        for kind, (n, s) in sorted(self.by_kind.items(), key=lambda item: -item[1][1]):
            print(f"  {n / saves:5g} x {kind:<30} {s * 1000 / saves:7.2f} ms {s / total:6.1%}")
        print(
            f"From the first INSERT to COMMIT (SQLite's write lock held, COMMIT itself not "
            f"counted): {self.write_locked * 1000 / saves:.2f} ms a save"
        )


def _kind(statement):
    """'SELECT visit', 'INSERT judgement': a statement's verb and first table."""
    words = " ".join(statement.split())
    found = re.match(
        r"(SELECT) .*? FROM \"?(\w+)|(INSERT) INTO \"?(\w+)|(UPDATE) \"?(\w+)|(DELETE) FROM \"?(\w+)", words
    )
    if found is None:
        return words.split()[0]
    return " ".join(part for part in found.groups() if part)


def _report_profile(profile, top):
    """cProfile's table, from its column headings on."""
    print(f"\ncProfile, the top {top} functions by own time:")
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(top)
    lines = text.getvalue().splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip().startswith("ncalls"))
    print("\n".join(line for line in lines[start:] if line.strip()))


if __name__ == "__main__":
    main()
