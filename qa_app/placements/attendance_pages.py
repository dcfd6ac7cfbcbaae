"""Pages and downloads of attendance of pupils in AP (per school, per provider, or every
placement the user may see), and the authority's list of pupils in AP as CSV."""

import io
from datetime import date

from flask import abort, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize, can
from qa_app.domain import NotFound
from qa_app.placements import bp, exports
from qa_app.placements.attendance import attendance_for
from qa_app.placements.attendance_chart import attendance_chart
from qa_app.placements.attendance_groups import attendance_by
from qa_app.placements.persistent_absence import persistent_absence
from qa_app.placements.scopes import attendance_scope, placements_visible_to, provider_scope
from qa_app.placements.terms import check_term_dates


@bp.record_once
def _refuse_bad_term_dates(state):
    """An app whose TERM_DATES cannot place every review in one term does not start."""
    problems = check_term_dates(state.app.config.get("TERM_DATES"))
    if problems:
        raise RuntimeError("TERM_DATES in the configuration: " + "; ".join(problems))


def _download(data, filename):
    """CSV bytes to save, never kept in a shared cache."""
    response = send_file(
        io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _is_id(text):
    """Whether the text can be a record's id: up to nine ASCII digits (a database integer)."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def _scope_from_request():
    """The scope the query string asks for (?school_id= or ?provider_id=), or a 404."""
    authorize("placement.view")
    asked = {name: request.args.get(name) or None for name in ("school_id", "provider_id")}
    if any(value is not None and not _is_id(value) for value in asked.values()):
        abort(404)
    try:
        return attendance_scope(current_user, **{k: int(v) for k, v in asked.items() if v is not None})
    except NotFound:
        abort(404)


@bp.route("/placements/attendance")
@login_required
@audited("view", "attendance")
def attendance():
    """Attendance by term, as a chart and a table, for a school, a provider or all in view."""
    scope = _scope_from_request()
    rows = attendance_for(scope.condition, scope.whole_authority)
    return render_template(
        "placements/attendance.html",
        scope=scope,
        rows=rows,
        chart=attendance_chart(rows),
        csv_url=url_for(".attendance_csv", **scope.arguments),
        by_group=can(current_user, "placement.authority_view"),
    )


@bp.route("/placements/attendance/absence")
@login_required
@audited("view", "attendance")
def persistent_absence_page():
    """Pupils below 90% of their sessions this term (below 50%: severe), from the marks, worst
    first, a page at a time, with the last four weeks of each."""
    scope = _scope_from_request()
    absence = persistent_absence(scope.condition, date.today(), request.args.get("page", 1, type=int))
    return render_template("placements/absence.html", scope=scope, absence=absence)


@bp.route("/placements/attendance/by-<any(school, provider):group>")
@login_required
def attendance_by_group(group):
    """This term's attendance school by school, or provider by provider, a page at a time."""
    authorize("placement.authority_view")
    term, since, rows = attendance_by(
        group, placements_visible_to(current_user), date.today(), request.args.get("page", 1, type=int)
    )
    return render_template("placements/attendance_by.html", group=group, term=term, since=since, rows=rows)


@bp.route("/placements/attendance.csv")
@login_required
@audited("export", "attendance")
def attendance_csv():
    """The same attendance table as CSV."""
    scope = _scope_from_request()
    data = exports.attendance_csv(attendance_for(scope.condition, scope.whole_authority))
    return _download(data, f"attendance-{scope.slug}-{date.today()}.csv")


@bp.route("/placements/pupils-in-ap.csv")
@login_required
@audited("export", "placement_list")
def pupils_in_ap_csv():
    """The authority's list of pupils in AP today, for its register of children not in school."""
    authorize("placement.authority_view")
    rows = exports.pupils_in_ap(placements_visible_to(current_user), date.today())
    return _download(exports.pupils_in_ap_csv(rows), f"pupils-in-alternative-provision-{date.today()}.csv")


@bp.app_template_global()
def provider_attendance(provider):
    """The attendance at one provider for the provider page, for those on the authority's
    side who may see placements (None for anyone else, who is shown nothing)."""
    if not can(current_user, "placement.authority_view"):
        return None
    rows = attendance_for(provider_scope(current_user, provider.id))
    return {
        "rows": rows,
        "csv_url": url_for("placements.attendance_csv", provider_id=provider.id),
        "page_url": url_for("placements.attendance", provider_id=provider.id),
    }
