"""The load generator: wrk (C, one thread) against a local server, read back as figures.

wrk is used rather than a Python client because a Python client on the same two cores
would cost more CPU than the server's fastest route, and so measure itself.
"""

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")
PUT_VISIT_SCRIPT = Path(__file__).with_name("wrk_put_visit.lua")


@dataclass(frozen=True)
class Target:
    """What wrk loads: a URL, headers for every request, and the Lua script that sends them.

    `script_args` reach the script's init(); the default script sends plain GETs.
    """

    url: str
    headers: dict = field(default_factory=dict)
    script: Path = REPORT_SCRIPT
    script_args: tuple = ()


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


def find_wrk():
    """The wrk executable; installed with apt-get when missing and running as root."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        print(
            "wrk is missing: installing it with apt-get (Debian package wrk) ...",
            flush=True,
        )
        if not _apt_get("install", "-y", "-q", "wrk"):
            # The package lists may be missing or stale on a new machine.
            _apt_get("update", "-q")
            _apt_get("install", "-y", "-q", "wrk")
        path = shutil.which("wrk")
        if path:
            return path
    raise SystemExit(
        "The benchmark needs wrk (an HTTP load generator). Install it with\n"
        "  sudo apt-get install wrk     (Debian, Ubuntu)\n"
        "  brew install wrk             (macOS)\n"
        "then run make bench again."
    )


def _apt_get(*arguments):
    """Run apt-get quietly; True when it succeeded."""
    done = subprocess.run(["apt-get", *arguments], check=False, stdout=subprocess.DEVNULL)
    return done.returncode == 0


def measure(wrk, target, seconds, connections):
    """Load a Target for `seconds` with `connections` open connections; returns a Measurement."""
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(target.script),
    ]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(target.url)
    if target.script_args:
        command += ["--", *target.script_args]
    finished = subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 60)
    found = {}
    for line in finished.stdout.splitlines():
        name, _, figures = line.partition(" ")
        if name in ("bench-result", "bench-statuses"):
            found[name] = json.loads(figures)
    if "bench-result" not in found:
        raise RuntimeError(f"wrk gave no result ({finished.returncode}):\n{finished.stdout}{finished.stderr}")
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
