"""The demo authority `make run` loads into an empty database (`flask seed-demo`): seed()
and the sign-ins it prints. See demo.seed."""

from qa_app.demo.data import DEMO_PASSWORD, DEMO_USERS
from qa_app.demo.seed import seed

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "seed"]
