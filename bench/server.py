"""The app served by gunicorn on 127.0.0.1, as production serves it, and signed in to over HTTP."""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener, urlopen

from bench.pages import csrf_token

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port():
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    """A running gunicorn: where it answers, and its master's process id."""

    base: str
    pid: int

    def cpu_seconds(self):
        """CPU time used so far by the master and its workers (Linux; None elsewhere).

        CPU per request stays meaningful when other work shares the machine, which
        requests per second do not.
        """
        try:
            pids = [self.pid] + _children(self.pid)
            return sum(cpu_of(pid) for pid in pids)
        except OSError:
            return None


def _children(pid):
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


def cpu_of(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime, fields 14 and 15 of proc(5), counted from the state field (3).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(database_url, log_path, workers=2, start_timeout=60):
    """Serve `qa_app:create_app()` on a free loopback port; yields a Served.

    The development settings are used because production's cookies are HTTPS-only and
    this traffic is plain HTTP; Flask's debug mode stays off under gunicorn all the same.
    The server is always stopped on the way out.
    """
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        QA_APP_ENV="development",
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--graceful-timeout",
        "5",
        "qa_app:create_app()",
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(process, base, start_timeout, log_path)
        yield Served(base, process.pid)
    finally:
        stop(process)


def wait_until_up(process, base, timeout, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{_tail(log_path)}")
        try:
            with urlopen(base + "/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /ping within {timeout} s:\n{_tail(log_path)}")


def stop(process):
    """Ask gunicorn's master to stop (it stops its workers); kill it if it will not."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _tail(path, lines=30):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


@dataclass
class SignedIn:
    """A signed-in session: its Cookie header value and the CSRF token the API's writes need."""

    cookie: str
    csrf_token: str


def sign_in(base, email, password):
    """Sign in through the real form (CSRF token and all), then ask the API for its token.

    The cookie is read after GET /api/session, which stores the token in the session.
    """
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=10) as response:
        token = csrf_token(response.read().decode())
    form = urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    with opener.open(base + "/login", form, timeout=30) as response:
        response.read()  # the redirect to the signed-in home page, followed
    with opener.open(base + "/api/session", timeout=10) as response:
        api_token = json.loads(response.read())["csrf_token"]
    cookie = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    return SignedIn(cookie, api_token)


def get(base, path, cookie=None):
    """(status, body) of one GET, redirects not followed."""
    return send(base, "GET", path, {"Cookie": cookie} if cookie else {})


def send(base, method, path, headers, body=None):
    """(status, body as text) of one request, redirects not followed."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()
