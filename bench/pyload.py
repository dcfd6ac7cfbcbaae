"""The load generator used when wrk cannot be had: keep-alive requests from threads.

    python -m bench.pyload '{"url": ..., "seconds": 10, "connections": 8, ...}'

Run by bench/load.py as a process of its own, so that its CPU is not counted as the
server's or the benchmark's. Each of `connections` threads holds one keep-alive
connection and sends requests one after another until the time is up (the loop is
bounded by the deadline, and by `max_requests` per thread). With "put_visit" every
request is a PUT of the body to /api/visits/<new UUID> with a new Idempotency-Key, as
bench/wrk_put_visit.lua sends it. Prints the same "bench-result" and "bench-statuses"
lines as the wrk scripts.

Python's threads share one core at a time, so this generator reaches fewer requests per
second than wrk; the server's CPU per request, which the goals use, is not affected.
"""

import http.client
import json
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

MAX_REQUESTS_PER_THREAD = 1_000_000


class _Tally:
    """What the threads saw, added up under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies_us = []
        self.statuses = {}
        self.errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
        self.bytes = 0

    def add(self, latencies, statuses, errors, received):
        with self.lock:
            self.latencies_us += latencies
            for status, count in statuses.items():
                self.statuses[status] = self.statuses.get(status, 0) + count
            for kind, count in errors.items():
                self.errors[kind] += count
            self.bytes += received


def _connection(url, timeout):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)


def _request(spec):
    """(method, path, headers) of the next request."""
    headers = dict(spec.get("headers", {}))
    if spec.get("put_visit"):
        headers["Idempotency-Key"] = str(uuid.uuid4())
        return "PUT", f"{urlsplit(spec['url']).path}{uuid.uuid4()}", headers
    parts = urlsplit(spec["url"])
    return "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers


def _worker(spec, body, deadline, tally):
    """Send requests on one keep-alive connection until the deadline."""
    latencies, statuses, received = [], {}, 0
    errors = dict.fromkeys(tally.errors, 0)
    connection = _connection(spec["url"], spec.get("timeout", 10))
    for _ in range(spec.get("max_requests", MAX_REQUESTS_PER_THREAD)):
        if time.monotonic() >= deadline:
            break
        method, path, headers = _request(spec)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            received += len(response.read())
        except TimeoutError:
            errors["timeout"] += 1
            connection.close()
            connection = _connection(spec["url"], spec.get("timeout", 10))
            continue
        except (OSError, http.client.HTTPException):
            errors["read"] += 1
            connection.close()
            connection = _connection(spec["url"], spec.get("timeout", 10))
            continue
        latencies.append(int((time.perf_counter() - started) * 1e6))
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status >= 400:
            errors["status"] += 1
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = _connection(spec["url"], spec.get("timeout", 10))
    connection.close()
    tally.add(latencies, statuses, errors, received)


def _percentile(ordered, percent):
    if not ordered:
        return 0
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


def run(spec):
    """Load the URL as `spec` says; returns (result, statuses) in the wrk scripts' shape."""
    body = None
    if spec.get("body_file"):
        with open(spec["body_file"], "rb") as file:
            body = file.read()
    tally = _Tally()
    started = time.monotonic()
    deadline = started + spec["seconds"]
    threads = [
        threading.Thread(target=_worker, args=(spec, body, deadline, tally))
        for _ in range(spec["connections"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(tally.latencies_us)
    result = {
        "requests": len(ordered),
        "duration_us": int((time.monotonic() - started) * 1e6),
        "bytes": tally.bytes,
        "p50_us": _percentile(ordered, 50),
        "p95_us": _percentile(ordered, 95),
        "p99_us": _percentile(ordered, 99),
        "max_us": ordered[-1] if ordered else 0,
        "errors": tally.errors,
    }
    return result, {str(status): count for status, count in tally.statuses.items()}


def main(argv):
    """Read the JSON spec from the command line and print the result lines."""
    result, statuses = run(json.loads(argv[0]))
    print("bench-statuses " + json.dumps(statuses))
    print("bench-result " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
