"""The load generator: wrk (C, one thread) against a local server, read back as figures.

wrk is used rather than a Python client because a Python client on the same two cores
would cost more CPU than the server's fastest route, and so hold the server back. When
wrk is missing and cannot be installed, bench/pyload.py (threads of keep-alive
http.client connections, in a process of its own) stands in, and the report says so:
the server's CPU per request is still right, requests per second are lower.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")
PUT_VISIT_SCRIPT = Path(__file__).with_name("wrk_put_visit.lua")
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """What the load generator sends: a URL and headers for every request.

    With a `body_file`, every request is a PUT of that body to the URL followed by a new
    visit UUID, with a new Idempotency-Key (bench/wrk_put_visit.lua); otherwise a GET.
    """

    url: str
    headers: dict = field(default_factory=dict)
    body_file: Path | None = None


@dataclass(frozen=True)
class Generator:
    """The load generator a run uses: wrk at `path`, or the Python fallback (path None)."""

    name: str
    path: str | None = None
    why: str = ""

    @property
    def label(self):
        """How the report names it."""
        if self.path:
            return "wrk"
        return f"Python fallback (bench/pyload.py: http.client, keep-alive, in threads; {self.why})"


@dataclass
class Measurement:
    """One timed run of wrk against one URL."""

    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict
    server_cpu_ms_per_request: float | None = None
    # {HTTP status: answers}, from scripts that count them (the PUT script does).
    statuses: dict | None = None

    @property
    def error_count(self):
        return sum(self.errors.values())

    def answers(self, status):
        """How many answers had this status (None when the script did not count them)."""
        return None if self.statuses is None else self.statuses.get(str(status), 0)

    @property
    def not_2xx(self):
        """Answers outside 200-299 (wrk's own errors count only 400 and above)."""
        if self.statuses is None:
            return None
        return sum(count for status, count in self.statuses.items() if not 200 <= int(status) < 300)

    def as_dict(self):
        return asdict(self)


def find_generator(choice="auto"):
    """wrk, installed with apt-get when missing and running as root; else the Python fallback.

    `choice` is "auto", "wrk" (fail without it) or "python" (the fallback, always).
    """
    if choice == "python":
        return Generator("python", why="asked for with --load-generator python")
    path = shutil.which("wrk") or _install_wrk()
    if path:
        return Generator("wrk", path)
    if choice == "wrk":
        raise SystemExit(
            "wrk is missing (an HTTP load generator). Install it with\n"
            "  sudo apt-get install wrk     (Debian, Ubuntu)\n"
            "  brew install wrk             (macOS)\n"
            "or run without --load-generator wrk to use the slower Python fallback."
        )
    print("wrk is missing and cannot be installed here: using the Python load generator.", flush=True)
    return Generator("python", why="wrk not found")


def _install_wrk():
    """Install Debian's wrk when running as root with apt-get; its path, or None."""
    if not (os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get")):
        return None
    print("wrk is missing: installing it with apt-get (Debian package wrk) ...", flush=True)
    if not _apt_get("install", "-y", "-q", "wrk"):
        # The package lists may be missing or stale on a new machine.
        _apt_get("update", "-q")
        _apt_get("install", "-y", "-q", "wrk")
    return shutil.which("wrk")


def _apt_get(*arguments):
    """Run apt-get quietly; True when it succeeded."""
    try:
        done = subprocess.run(
            ["apt-get", *arguments],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
    except OSError:
        return False
    return done.returncode == 0


def _wrk_command(path, target, seconds, connections):
    script = PUT_VISIT_SCRIPT if target.body_file else REPORT_SCRIPT
    command = [path, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(target.url)
    if target.body_file:
        command += ["--", str(target.body_file)]
    return command


def _python_command(target, seconds, connections):
    spec = {
        "url": target.url,
        "headers": target.headers,
        "seconds": seconds,
        "connections": connections,
        "put_visit": target.body_file is not None,
        "body_file": str(target.body_file) if target.body_file else None,
    }
    return [sys.executable, "-m", "bench.pyload", json.dumps(spec)]


def measure(generator, target, seconds, connections):
    """Load a Target for `seconds` with `connections` open connections; returns a Measurement."""
    if generator.path:
        command = _wrk_command(generator.path, target, seconds, connections)
    else:
        command = _python_command(target, seconds, connections)
    finished = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=seconds + 60, cwd=ROOT
    )
    found = {}
    for line in finished.stdout.splitlines():
        name, _, figures = line.partition(" ")
        if name in ("bench-result", "bench-statuses"):
            found[name] = json.loads(figures)
    if "bench-result" not in found:
        raise RuntimeError(
            f"{generator.name} gave no result ({finished.returncode}):\n{finished.stdout}{finished.stderr}"
        )
    figures = found["bench-result"]
    elapsed = figures["duration_us"] / 1e6
    return Measurement(
        requests=figures["requests"],
        seconds=round(elapsed, 3),
        requests_per_second=round(figures["requests"] / elapsed, 1),
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        errors=figures["errors"],
        statuses=found.get("bench-statuses"),
    )
