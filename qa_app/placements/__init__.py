"""Placements of pupils in alternative provision by schools: records, reviews, endings,
and what the authority sees across every school (docs/domain.md §2.6)."""

from flask import Blueprint

from qa_app.kept_figures import watch
from qa_app.placements.overdue import due_tags

bp = Blueprint("placements", __name__)
bp.add_app_template_global(due_tags)

# The authority's figures on its lists count placements, their reviews, and the providers and
# schools they are at (their QA status, names and link officers): kept until one changes.
watch("placement", "placement_review", "provider", "school")

# The modules that add routes to bp are imported below, one line each.
from qa_app.placements import (  # noqa: E402,F401
    attendance_pages,
    cross_school_test,
    import_pages,
    lists,
    provider_counts,
    routes,
    school_concerns,
    visit_checks,
)
