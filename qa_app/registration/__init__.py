"""The registration law: the registration test, its rule versions and their admin pages.

Visits run the test on their evidence; escalations are raised from its result. Neither
of those is imported here.
"""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from qa_app.registration import routes  # noqa: E402,F401
