"""Two `flask send-notifications --loop` workers at once, as real processes on PostgreSQL,
sending to a real SMTP server: each email goes exactly once, and SIGTERM stops each worker
cleanly (the email in hand finished, exit 0, no traceback). Skipped without PostgreSQL."""

import signal
from collections import Counter

import pytest
from sqlalchemy import create_engine

from tests.servers import (
    SlowMailbox,
    app_environment,
    connected_workers,
    drop_database,
    flask,
    fresh_database,
    kill_left_running,
    queue,
    start_worker,
    stopped,
    unsent,
    wait_for,
)

EMAILS = 40


@pytest.fixture
def database():
    """A PostgreSQL database of the test's own, migrated with `flask db upgrade`."""
    url = fresh_database("workers")
    flask(["db", "upgrade"], app_environment(url))
    yield url
    drop_database(url)


def test_two_workers_send_each_email_once_and_stop_cleanly_on_sigterm(database, tmp_path):
    """Both workers take part; every email is received once; a worker stopped mid-way (SIGTERM)
    finishes the email in hand and exits 0, and the other sends the rest."""
    engine = create_engine(database)
    with SlowMailbox(delay=0.1) as mailbox:
        workers = [
            start_worker(app_environment(database), mailbox, f"outbox-worker-{n}", tmp_path) for n in (1, 2)
        ]
        try:
            wait_for(lambda: connected_workers(engine) == 2, "both workers to reach the database")
            queue(database, EMAILS)
            wait_for(lambda: len(mailbox) >= 10, "the first emails to arrive")
            first, second = workers
            first[0].send_signal(signal.SIGTERM)
            code, log = stopped(*first)
            assert code == 0 and "Traceback" not in log and "Stopped." in log, log
            wait_for(lambda: unsent(engine) == 0, "every email to be sent")
            wait_for(lambda: len(mailbox) >= EMAILS, "every email to arrive")
            second[0].send_signal(signal.SIGTERM)
            code, other_log = stopped(*second)
            assert code == 0 and "Traceback" not in other_log and "Stopped." in other_log, other_log
        finally:
            kill_left_running(workers)
        received = Counter(str(message["To"]) for message in mailbox)
    engine.dispose()
    assert received == Counter({f"person{n}@example.org": 1 for n in range(EMAILS)})

    def sent_by(text_):
        return sum(
            int(line.split(";")[0].rsplit(" ", 1)[1])
            for line in text_.splitlines()
            if line.startswith("Emails sent:")
        )

    assert sent_by(log) > 0 and sent_by(other_log) > 0 and sent_by(log) + sent_by(other_log) == EMAILS
