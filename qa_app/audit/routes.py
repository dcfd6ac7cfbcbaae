"""The administrators' read log: search it by person, record and date, and export it."""

from datetime import date

from flask import Response, render_template, request, stream_with_context
from flask_login import login_required

from qa_app.audit import bp
from qa_app.audit.forms import ReadSearchForm
from qa_app.audit.models import ACTIONS, KINDS
from qa_app.audit.reads import audited
from qa_app.audit.search import ReadFilters, csv_lines, events_page
from qa_app.auth.permissions import authorize


def _filters():
    """The search form read from the query string, and its filters (none while it has errors)."""
    form = ReadSearchForm(request.args)
    if request.args and not form.validate():
        return form, None
    return form, ReadFilters.from_form(form)


@bp.route("")
@login_required
def index():
    """Who read pupil-level or safeguarding content, newest first, a page at a time."""
    authorize("audit.view")
    form, filters = _filters()
    if filters is None:
        return render_template("audit/index.html", form=form, events=None, args={}), 400
    events = events_page(filters, request.args.get("page", 1, type=int))
    return render_template(
        "audit/index.html", form=form, events=events, args=filters.as_args(), actions=ACTIONS, kinds=KINDS
    )


@bp.route("/export.csv")
@login_required
@audited("export", "read_log")
def export():
    """Every event the search matches, as CSV (streamed: the log grows without end)."""
    authorize("audit.view")
    form, filters = _filters()
    if filters is None:
        return render_template("audit/index.html", form=form, events=None, args={}), 400
    response = Response(stream_with_context(csv_lines(filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="read-log-{date.today()}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
