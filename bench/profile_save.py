"""Where the time of `PUT /api/visits/<uuid>` (or of `PUT /api/placements/<uuid>`) goes:
the benchmark's full visit (or a school's new placement, bench.save_cpu) saved N times
through Flask's test client, on a freshly built database.

    .venv/bin/python -m bench.profile_save              # 300 saves, 10,000 providers
    .venv/bin/python -m bench.profile_save --saves 100 --providers 1000 --visits 5000
    .venv/bin/python -m bench.profile_save --kind placement --providers 2000 --visits 10000

Three passes of N saves each: untouched (the time a save takes); with each step of the
save timed by a thin wrapper, and every SQL statement timed (where that time goes);
under cProfile (which functions). In-process there is no HTTP parsing or socket, and one
save at a time: the app's own cost per save, not what wrk sees through gunicorn.
"""

import argparse
import cProfile
import io
import pstats
import re
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench import authority, data, save_cpu
from qa_app import create_app
from qa_app.api import idempotency
from qa_app.api import placements as api_placements
from qa_app.api import put as api_put
from qa_app.api import visits as api_visits
from qa_app.extensions import db
from qa_app.placements import cross_school_test
from qa_app.placements import services as placement_services
from qa_app.visits import audit, saving

# (label, owner, attribute): the functions timed, each where its caller looks it up.
STEPS = (
    ("user loaded from the session", LoginManager, "_load_user"),
    ("CSRF token checked", CSRFProtect, "protect"),
    ("Idempotency-Key fingerprint (request_hash)", api_put, "request_hash"),
    ("Idempotency-Key lookup (stored_answer)", idempotency, "stored_answer"),
    ("Idempotency-Key claimed (_claim)", idempotency, "_claim"),
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
    ("ORM flush", Session, "flush"),
    ("response serialised (jsonify)", api_put, "jsonify"),
)
# The same for a placement's save.
PLACEMENT_STEPS = (
    *STEPS[:5],
    ("save_placement", api_placements, "save_placement"),
    ("rules checked (_check)", placement_services, "_check"),
    ("placing notified (notify_placing)", placement_services, "notify_placing"),
    ("registration test again (retest_providers)", cross_school_test, "retest_providers"),
    ("open placements read (open_placements)", cross_school_test, "open_placements"),
    ("response body (placement_as_json)", api_placements, "placement_as_json"),
    *STEPS[-2:],
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
    option("--kind", choices=("visit", "placement"), default="visit", help="what is saved")
    option("--placements", type=int, default=30_000, help="placements (with --kind placement)")
    return parser.parse_args(argv)


def main(argv=None):
    """Build, save N times three ways, and print where the time went."""
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-bench-profile-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite'}"
        app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        print(f"Building {args.providers:,} providers and {args.visits:,} visits ...", flush=True)
        data.build(app, args.providers, args.visits)
        if args.kind == "placement":
            print(f"Adding 50 schools and {args.placements:,} placements ...", flush=True)
            authority.build(app, 50, args.placements, 100, data.SIGN_IN_EMAIL)
            save = save_cpu.placement_saver(app)
        else:
            save = save_cpu.visit_saver(app)
        for _ in range(20):
            save()
        plain = _timed_run(save, args.saves)
        with app.app_context():
            engine = db.engine
        steps = _Steps(engine, PLACEMENT_STEPS if args.kind == "placement" else STEPS)
        sql = _SqlTimer(engine)
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


def _timed_run(save, count):
    """Seconds per save over `count` saves."""
    started = time.perf_counter()
    for _ in range(count):
        save()
    return (time.perf_counter() - started) / count


class _Steps:
    """Wraps each of STEPS (and the database's COMMIT) in a timer that knows its caller,
    so the report is a tree: a step's time includes the steps under it."""

    def __init__(self, engine, steps):
        self.engine = engine
        self.steps = steps
        self.stack = []
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self.patches = ExitStack()

    def __enter__(self):
        for label, owner, name in self.steps:
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
