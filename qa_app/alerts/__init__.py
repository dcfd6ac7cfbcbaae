"""Same-session attendance alerts (docs/domain.md §2.10): a pupil absent with no known
reason, or not marked by the authority's deadline, alerts the pupil's school (and the Head of
Access for a looked-after pupil or one with an EHC plan); a register not marked at all alerts
the provider's officer. Each alert is raised once, and the school records what it did."""

from flask import Blueprint

bp = Blueprint("alerts", __name__)

from qa_app.alerts import record, routes  # noqa: E402,F401
