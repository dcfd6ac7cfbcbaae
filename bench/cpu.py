"""CPU per request, in-process: each route requested N times through Flask's test client
and timed with time.process_time, in rounds taken in turn.

The goals are set on these figures: CPU time is what a page costs the server, and
measured in one process, one request at a time, it barely moves when other work shares
the machine (no queueing, no load generator, no socket). On PostgreSQL it leaves out
the database server's own work.
"""

import gc
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field

from bench.queries import signed_in_client
from qa_app.extensions import db

# The sign-in page and the register side by side: the goal is their ratio.
ROUTES = ("floor", "sign_in", "register", "save")


@dataclass
class InProcess:
    """CPU milliseconds per request of each route: the median over the rounds, and each round."""

    requests_per_round: int
    ms: dict
    rounds: dict = field(default_factory=dict)

    def register_ratio(self):
        """The register's CPU over the sign-in page's: the median of each round's ratio.

        The two are timed one after the other in every round, so a round's ratio is
        little moved by the machine's speed drifting between rounds.
        """
        pairs = zip(self.rounds["register"], self.rounds["sign_in"], strict=True)
        return statistics.median(register / sign_in for register, sign_in in pairs)


def measure(app, paths, email, password, save_body, requests=20, rounds=15, warmup=10):
    """Time each of ROUTES `requests` times a round, `rounds` rounds, the order reversed
    every other round; `paths` gives {"floor"|"sign_in"|"register": path}.

    /ping and the sign-in page are requested signed out (signed in, /login redirects);
    the register signed in; "save" PUTs `save_body` as a new visit each time through the
    sync API, as the load does.
    """
    send = _senders(app, paths, email, password, save_body)
    for name in ROUTES:
        for _ in range(warmup):
            send[name]()
    timings = {name: [] for name in ROUTES}
    for number in range(rounds):
        for name in ROUTES if number % 2 == 0 else reversed(ROUTES):
            # Garbage left by the route before is collected here, not in this one's time.
            gc.collect()
            started = time.process_time()
            for _ in range(requests):
                send[name]()
            timings[name].append((time.process_time() - started) * 1000 / requests)
    return InProcess(
        requests_per_round=requests,
        ms={name: round(statistics.median(values), 3) for name, values in timings.items()},
        rounds={name: [round(value, 3) for value in values] for name, values in timings.items()},
    )


def _senders(app, paths, email, password, save_body):
    """{route: a function that sends one request and checks its answer}."""
    signed_out = app.test_client()
    signed_in = signed_in_client(app, email, password)
    token = signed_in.get("/api/session").get_json()["csrf_token"]
    body = json.dumps(save_body)

    def get(client, path):
        def send():
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code} in-process")

        return send

    def save():
        headers = {"Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": token}
        response = signed_in.put(
            f"/api/visits/{uuid.uuid4()}", data=body, content_type="application/json", headers=headers
        )
        if response.status_code != 201:
            raise RuntimeError(
                f"PUT answered {response.status_code}: {response.get_data(as_text=True)[:2000]}"
            )

    return {
        "floor": get(signed_out, paths["floor"]),
        "sign_in": get(signed_out, paths["sign_in"]),
        "register": get(signed_in, paths["register"]),
        "save": save,
    }


def dispose(app):
    """Close the app's database connections (before another process uses the database)."""
    with app.app_context():
        db.engine.dispose()
