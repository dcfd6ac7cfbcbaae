"""The app served as README.md's "Running in production" serves it: its exports and its
gunicorn command (four workers), as tests/test_production.py runs them, on a free port.

The bench then plays the TLS proxy the README puts in front: every request says
`X-Forwarded-Proto: https` and the client's own address in `X-Forwarded-For`, and the
client keeps its cookies itself (they are Secure, which plain HTTP would not send back).
"""

import os
import secrets
import shlex
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from bench.server import HOST, ROOT, Served, free_port, stop, wait_until_up

REDIS = ("127.0.0.1", 6379)


def readme_commands():
    """The shell lines of the README's "Running in production" block."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.strip().splitlines()]


def redis_is_up():
    """True when Redis answers PING on 127.0.0.1:6379."""
    try:
        with socket.create_connection(REDIS, timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def environment(commands, database_url):
    """The README's exports, with the bench's values where it says `...`; sign-in
    throttling in Redis under a key prefix of this run's own (RATELIMIT_KEY_PREFIX from the
    environment when set), or in each worker's memory when Redis is not running."""
    ours = {"SECRET_KEY": secrets.token_urlsafe(32), "DATABASE_URL": database_url}
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QA_APP", "RATELIMIT"))}
    for line in commands:
        if line.startswith("export "):
            for assignment in shlex.split(line)[1:]:
                name, value = assignment.split("=", 1)
                env[name] = ours.get(name, "bench-value") if "..." in value else value
    env["RATELIMIT_KEY_PREFIX"] = os.environ.get("RATELIMIT_KEY_PREFIX") or f"qa-bench-{secrets.token_hex(6)}"
    if not redis_is_up():
        env["RATELIMIT_STORAGE_URI"] = "memory://"
    return env


def gunicorn_command(commands, port):
    """The README's gunicorn line as argv, bound to `port`, run from this Python's
    virtualenv (the README's `.venv/bin/`)."""
    [line] = [line for line in commands if line.startswith(".venv/bin/gunicorn")]
    argv = shlex.split(line.replace("127.0.0.1:8000", f"{HOST}:{port}"))
    argv[0] = str(Path(sys.executable).parent / "gunicorn")
    return argv


def workers(commands):
    """The number of workers the README's gunicorn line starts."""
    argv = gunicorn_command(commands, 0)
    return int(argv[argv.index("-w") + 1])


@contextmanager
def serve(database_url, log_path, start_timeout=120):
    """Serve the app as the README says, on a free loopback port; yields (Served, env).
    gunicorn is always stopped on the way out."""
    commands = readme_commands()
    env = environment(commands, database_url)
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            gunicorn_command(commands, port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(process, base, start_timeout, log_path)
        yield Served(base, process.pid), env
    finally:
        stop(process)
