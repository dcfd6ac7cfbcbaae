"""Subject access requests: the list, logging one, its page, and its pack as PDF and JSON
(the Head of Access and administrators only)."""

import io
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited, record_read
from qa_app.auth.permissions import authorize
from qa_app.dates import long_date
from qa_app.domain import NotFound
from qa_app.extensions import db
from qa_app.forms import NOT_SAVED, committed
from qa_app.subject_access import bp, services
from qa_app.subject_access.forms import RequestForm

MIMETYPES = {"pdf": "application/pdf", "json": "application/json"}


@bp.route("")
@login_required
@audited("view", "subject_access_list")
def index():
    """The requests, most recently received first, with each one's due date; overdue flagged."""
    authorize("subject_access.manage")
    page = services.requests_page(request.args.get("page", 1, type=int))
    return render_template("subject_access/index.html", requests=page, today=date.today())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Log a request received for a pupil at a school."""
    authorize("subject_access.manage")
    form = RequestForm()
    form.school_id.choices = [("", "Choose a school")] + [(s.id, s.name) for s in services.schools()]
    if form.validate_on_submit():
        logged = committed(form, lambda: services.log_request(current_user, form.data))
        if logged is not NOT_SAVED:
            flash(f"Subject access request {logged.reference} logged: due by {long_date(logged.due_on)}.")
            return redirect(url_for("subject_access.show", request_id=logged.id))
    return render_template("subject_access/new.html", form=form), 400 if form.errors else 200


@bp.route("/<int:request_id>")
@login_required
@audited("view", "subject_access", "request_id")
def show(request_id):
    """A request: its pupil and school, its due date, and each production of its pack."""
    authorize("subject_access.manage")
    return render_template("subject_access/show.html", sar=_request(request_id), today=date.today())


@bp.route("/<int:request_id>/pack.pdf")
@login_required
@audited("download", "subject_access", "request_id")
def pack_pdf(request_id):
    """The pack as PDF: produced now, recorded, and the request completed."""
    return _pack(request_id, "pdf", "download")


@bp.route("/<int:request_id>/pack.json")
@login_required
@audited("export", "subject_access", "request_id")
def pack_json(request_id):
    """The pack as JSON: produced now, recorded, and the request completed."""
    return _pack(request_id, "json", "export")


def _request(request_id):
    try:
        return services.get_request(request_id)
    except NotFound:
        abort(404)


def _pack(request_id, fmt, action):
    """Produce and send the pack (never kept in a shared cache); its production and its read
    event are committed together, before it is sent."""
    authorize("subject_access.manage")
    sar = _request(request_id)
    data = services.produce(sar, current_user, fmt, current_app.config["AUTHORITY_NAME"])
    record_read(current_user, action, "subject_access", request_id)
    db.session.commit()
    response = send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=services.pack_filename(sar, fmt),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
