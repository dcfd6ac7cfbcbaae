"""Two app servers behind one load balancer: two gunicorn services on two ports, set up as the
README's "Running in production" says, sharing one PostgreSQL database and one Redis.

A photo uploaded through one is served by the other; a session made on one works on the
other; sign-in throttling counts across both (Redis); and an outbox worker beside each
sends each email once. Runs only with a PostgreSQL TEST_DATABASE_URL and Redis on
127.0.0.1:6379: skipped otherwise, saying which is missing (fails in CI).
"""

import hashlib
import io
import os
import re
import signal
import subprocess
import uuid
from collections import Counter

import pytest
import requests
from PIL import Image
from sqlalchemy import create_engine

from tests.factories import PASSWORD as SEEDED_PASSWORD
from tests.servers import (
    ROOT,
    SlowMailbox,
    connected_workers,
    drop_database,
    flask,
    free_port,
    fresh_database,
    kill_left_running,
    missing,
    postgres_url,
    queue,
    redis_is_up,
    seed_visit,
    start_worker,
    stopped,
    unsent,
    wait_for,
)
from tests.test_production import PASSWORD, Browser, environment, readme_commands, wait_until_up

EMAILS = 20


def start_gunicorn(command, env, port, log):
    """The README's gunicorn command on this port, with two workers (the machine is small)."""
    command = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("-w 4", "-w 2")
    with open(log, "w") as output:
        return subprocess.Popen(
            command,
            shell=True,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn services on one database and one Redis: yields (the two base URLs, the
    environment, the database URL, the administrator's email)."""
    postgres_url()
    if not redis_is_up():
        missing("Redis is not running on 127.0.0.1:6379")
    commands = readme_commands()
    database = fresh_database("two_servers")
    env = environment(commands, database)
    for line in (line for line in commands if line.startswith(".venv/bin/flask")):
        args = line.split(" ", 3)[3].split()  # after ".venv/bin/flask --app qa_app"
        flask(args, env, input=f"{PASSWORD}\n{PASSWORD}\n")
    [admin] = [line.split()[4] for line in commands if " create-user " in line]
    [gunicorn] = [line for line in commands if line.startswith(".venv/bin/gunicorn")]
    ports = free_port(), free_port()
    logs = [tmp_path / f"gunicorn-{n}.log" for n in (1, 2)]
    # Each server has a disk of its own, as two machines would: nothing may be shared through it.
    disks = [tmp_path / f"disk-{n}" for n in (1, 2)]
    processes = [
        start_gunicorn(gunicorn, {**env, "PHOTO_STORAGE_PATH": str(disk)}, port, log)
        for port, log, disk in zip(ports, logs, disks, strict=True)
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, process, log in zip(bases, processes, logs, strict=True):
            wait_until_up(base, process, log)  # polls /healthz
        yield bases, env, database, admin
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        drop_database(database)


def signed_in(base, address, email, password):
    """A browser signed in on this server, its authenticator app set up (production asks every role)."""
    browser = Browser(base, address)
    assert browser.sign_in(email, password).status_code == 302
    assert browser.set_up_authenticator_app().status_code == 200
    return browser


def on(browser, base):
    """The same browser (the same cookies), sent to the other server by the load balancer."""
    browser.base = base
    return browser


def put_photo(browser, visit_uuid, data):
    """Upload a photo through the sync API as the tablet does; returns the new photo's uuid."""
    token = browser.request("GET", "/api/session").json()["csrf_token"]
    photo_uuid = str(uuid.uuid4())
    response = requests.put(
        f"{browser.base}/api/visits/{visit_uuid}/photos/{photo_uuid}",
        data=data,
        headers={
            "Content-Type": "image/jpeg",
            "X-Content-SHA256": hashlib.sha256(data).hexdigest(),
            "X-CSRFToken": token,
            "X-Forwarded-For": browser.address,
            "X-Forwarded-Proto": "https",
            "Referer": "https://" + browser.base.removeprefix("http://") + "/",
        },
        cookies=browser.cookies,
        timeout=60,
    )
    assert response.status_code == 201, response.text
    return photo_uuid


def jpeg():
    """A small photo of evidence."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(out, "JPEG")
    return out.getvalue()


def test_two_servers_share_photos_sessions_throttling_and_the_outbox(servers, tmp_path):
    """One service as seen through two servers."""
    (first, second), env, database, admin = servers
    seeded = seed_visit(database)

    # A session made on one works on the other.
    officer = signed_in(first, "198.51.100.30", seeded["officer"], SEEDED_PASSWORD)
    assert on(officer, second).request("GET", "/api/session").json()["user"]["email"] == seeded["officer"]

    # A photo uploaded through one is served by the other, byte for byte.
    photo_uuid = put_photo(on(officer, first), seeded["visit"], jpeg())
    here = on(officer, first).request("GET", f"/visits/{seeded['visit']}/photos/{photo_uuid}")
    there = on(officer, second).request("GET", f"/visits/{seeded['visit']}/photos/{photo_uuid}")
    assert here.status_code == there.status_code == 200 and there.headers["Content-Type"] == "image/jpeg"
    assert there.content == here.content and there.content[:2] == b"\xff\xd8"
    assert not any(path.is_file() for disk in tmp_path.glob("disk-*") for path in disk.rglob("*"))

    # Sign-in throttling counts across both: of 20 wrong guesses from one address, spread over
    # the two servers, five are answered and the rest refused.
    statuses = [
        Browser((first, second)[n % 2], "203.0.113.210").sign_in(admin, "wrong-password").status_code
        for n in range(20)
    ]
    assert statuses.count(400) == 5 and statuses.count(429) == 15, statuses

    # An outbox worker beside each server sends each email once.
    engine = create_engine(database)
    with SlowMailbox(delay=0.05) as mailbox:
        workers = [start_worker(env, mailbox, f"outbox-worker-{n}", tmp_path) for n in (1, 2)]
        try:
            wait_for(lambda: connected_workers(engine) == 2, "both outbox workers to reach the database")
            queue(database, EMAILS)
            wait_for(lambda: unsent(engine) == 0 and len(mailbox) >= EMAILS, "every email to be sent")
            for process, _ in workers:
                process.send_signal(signal.SIGTERM)
            for worker in workers:
                code, log = stopped(*worker)
                assert code == 0 and "Traceback" not in log, log
        finally:
            kill_left_running(workers)
        received = Counter(str(message["To"]) for message in mailbox)
    engine.dispose()
    assert received == Counter({f"person{n}@example.org": 1 for n in range(EMAILS)})
    assert not re.search(r"Traceback", "".join(path.read_text() for path in tmp_path.glob("gunicorn-*.log")))
