"""Referrals of pupils to the multi-agency Gateway panel (docs/domain.md §2.8): the school's form
that shows what a good referral still lacks, the panel's queue and decisions, and the
placement an accepted place becomes."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from qa_app.referrals import routes  # noqa: E402,F401
