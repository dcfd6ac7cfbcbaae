"""Legal holds (the Head of Access and administrators) and the disposal log (administrators)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.auth.permissions import authorize
from qa_app.domain import Conflict, Invalid
from qa_app.extensions import db
from qa_app.forms import CHANGED_SINCE_READ, NOT_SAVED, carry_version, committed, record_version, show_errors
from qa_app.placements.models import REASONS
from qa_app.retention import bp
from qa_app.retention.disposal import disposals_page, disposed_placement_counts
from qa_app.retention.forms import LegalHoldForm, ReleaseHoldForm
from qa_app.retention.holds import active_holds, place_hold, release_hold, released_holds
from qa_app.retention.models import KINDS, LegalHold
from qa_app.row_locks import lock_row


@bp.route("/holds", methods=["GET", "POST"])
@login_required
def holds():
    """The records on hold, the latest released, and the form to place a hold."""
    authorize("retention.hold")
    form = LegalHoldForm()
    if form.validate_on_submit():
        hold = committed(
            form,
            lambda: place_hold(current_user, form.record_kind.data, form.reference.data, form.reason.data),
        )
        if hold is not NOT_SAVED:
            flash(f"{KINDS[hold.record_kind]} {hold.reference} is on hold: it will not be disposed of.")
            return redirect(url_for("retention.holds"))
    status = 400 if form.errors else 200
    return render_template(
        "retention/holds.html", form=form, holds=active_holds(), released=released_holds(), kinds=KINDS
    ), status


@bp.route("/holds/<int:hold_id>/release", methods=["GET", "POST"])
@login_required
def release(hold_id):
    """Release a hold, with a reason; a hold changed since the page opened is left as it is."""
    authorize("retention.hold")
    hold = db.session.get(LegalHold, hold_id) or abort(404)
    if not hold.active and request.method == "GET":
        flash(f"The hold on {hold.reference} was released already.")
        return redirect(url_for("retention.holds"))
    form = ReleaseHoldForm()
    carry_version(form, record_version(hold))
    if form.validate_on_submit():
        lock_row(LegalHold, hold.id)
        db.session.refresh(hold)
        try:
            release_hold(current_user, hold, form.version.data, form.release_reason.data)
        except Conflict:
            db.session.rollback()
            flash(CHANGED_SINCE_READ.format(what="This hold"), "error")
            return redirect(url_for("retention.holds"))
        except Invalid as problem:
            db.session.rollback()
            show_errors(form, problem.fields)
        else:
            db.session.commit()
            flash(f"The hold on {KINDS[hold.record_kind].lower()} {hold.reference} is released.")
            return redirect(url_for("retention.holds"))
    status = 400 if form.errors else 200
    return render_template("retention/release.html", form=form, hold=hold, kinds=KINDS), status


@bp.route("/disposals")
@login_required
def disposals():
    """What the nightly disposal deleted: kind, rule, when and how many (nothing personal)."""
    authorize("retention.log")
    page = disposals_page(request.args.get("page", 1, type=int))
    return render_template(
        "retention/disposals.html",
        disposals=page,
        counts=disposed_placement_counts(),
        kinds=KINDS,
        reasons=REASONS,
    )
