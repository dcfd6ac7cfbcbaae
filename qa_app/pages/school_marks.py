"""The download of providers' marks for a school's own register, from the school's page. The
marks and the codes are placements.mark_exports'."""

import io
from datetime import date

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize, may_see_school
from qa_app.pages import bp
from qa_app.placements import mark_exports
from qa_app.placements.school_summary import school_with_officer


def _download(data, filename):
    """CSV bytes to save, never kept in a shared cache."""
    response = send_file(
        io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _asked_day(name):
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Enter the days as dates, like {date.today().isoformat()}") from None


@bp.route("/schools/<int:school_id>/marks.csv")
@login_required
@audited("export", "attendance", "school_id")
def school_marks_csv(school_id):
    """The marks providers recorded for the school's pupils, with a code for its register."""
    authorize("school.view")
    school = school_with_officer(school_id)
    if not may_see_school(current_user, school):
        abort(404)
    try:
        first, last = mark_exports.export_span(_asked_day("from"), _asked_day("to"))
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("pages.school_page", school_id=school.id) + "#marks")
    data = mark_exports.school_marks_csv(school.id, first, last)
    return _download(data, f"marks-{school.urn or school.id}-{first}-to-{last}.csv")
