"""The provider's daily register (docs/domain.md §2.10): the pupils placed with the provider
that it expects on a school day, each with a morning and an afternoon mark, all saved in one
request. Today's register or a past day's, never a day to come; a past day's marks can be
corrected."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.dates import long_date
from qa_app.domain import Conflict, Invalid, NotFound
from qa_app.extensions import db
from qa_app.placements.marks import EARLIEST_DAY, MarkEntry, StaleMarks, check_day, register_page, save_marks
from qa_app.placements.models import MARKS, SESSIONS
from qa_app.placements.registers import is_school_day, latest_school_day
from qa_app.portal import bp
from qa_app.portal.forms import RegisterForm, read_marks
from qa_app.portal.home import own_provider

# Short words for the marks, so two choices sit side by side on a phone.
MARK_CHOICES = {
    "present": "Present",
    "late": "Late",
    "absent_illness": "Ill",
    "absent_medical": "Medical appointment",
    "absent_authorised": "Other authorised absence",
    "absent_unknown": "Absent, reason not known",
    "not_expected": "Not expected",
}
assert set(MARK_CHOICES) == set(MARKS)


EXPIRED = "This page was open too long to save it safely, so nothing was saved. Your marks are shown: save the register again."


def _day(text):
    """A register's day from its URL (YYYY-MM-DD), or a 404."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        abort(404)


@bp.route("/register")
@login_required
def register_today():
    """Today's register (or the last school day's), or the day chosen in the box."""
    own_provider(current_user)
    asked = request.args.get("day", "").strip()
    if asked:
        try:
            return redirect(url_for("portal.register", day=date.fromisoformat(asked).isoformat()))
        except ValueError:
            flash("Enter the day as a date, like 2026-11-20", "error")
    return redirect(url_for("portal.register", day=latest_school_day(date.today()).isoformat()))


def _neighbours(day, today):
    """The school days before and after `day` (the one after only up to today); for a day
    with no register, the last school day and none."""
    if not EARLIEST_DAY < day <= today:
        return latest_school_day(today), None
    before = latest_school_day(day - timedelta(days=1))
    after = day + timedelta(days=1)
    while after <= today and not is_school_day(after):
        after += timedelta(days=1)
    return before, (after if after <= today else None)


def _save(provider, when, form, listed, entries, shown):
    """Save the register's marks; back to the register with what was saved said, or the page
    again with why not (others' newer marks shown in place of ours)."""
    (day, today, page), (chosen, versions) = when, shown
    try:
        written = save_marks(current_user, day, [MarkEntry(*entry) for entry in entries], today=today)
        db.session.commit()
    except StaleMarks as stale:
        db.session.rollback()
        listed = register_page(provider.id, day, page)
        for mark in stale.marks:  # what the others saved, with its version, in place of ours
            chosen[(mark.placement_id, mark.session)] = mark.mark
            versions[(mark.placement_id, mark.session)] = mark.version
        return _render(provider, day, today, form, listed, stale.message, chosen, versions, 409)
    except (Invalid, NotFound) as error:
        db.session.rollback()
        return _render(provider, day, today, form, listed, error.message, chosen, versions, 400)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(request.url)
    flash(
        f"Register saved: {len(written)} mark{'s' if len(written) != 1 else ''} recorded."
        if written
        else "Register saved: no mark had changed."
    )
    return redirect(request.url)


@bp.route("/register/<day>", methods=["GET", "POST"])
@login_required
@audited("view", "register", "day")
def register(day):
    """A day's register: mark each pupil's sessions, then save them all at once."""
    provider = own_provider(current_user)
    day, today = _day(day), date.today()
    page = request.args.get("page", 1, type=int)
    form = RegisterForm()
    try:
        check_day(day, today)
    except Invalid as error:
        return _render(provider, day, today, form, None, error.message, status=404 if day > today else 200)
    listed = register_page(provider.id, day, page)
    chosen, versions = _as_stored(listed.items)
    if not form.is_submitted():
        return _render(provider, day, today, form, listed, chosen=chosen, versions=versions)
    entries, errors = read_marks(request.form)
    chosen.update({(pid, session): mark for pid, session, mark, _ in entries})
    versions.update({(pid, session): version for pid, session, _, version in entries})
    if not form.validate():  # the page's security token ran out: keep the marks shown
        return _render(provider, day, today, form, listed, EXPIRED, chosen, versions, 400)
    fill = request.form.get("fill")
    if fill in SESSIONS:
        _fill_present(listed.items, chosen, (fill,))
        flash(
            "Marked present where nobody had a mark. Not saved yet: change anyone who is not here, then save."
        )
        return _render(provider, day, today, form, listed, chosen=chosen, versions=versions)
    if errors:
        return _render(provider, day, today, form, listed, next(iter(errors.values())), chosen, versions, 400)
    return _save(provider, (day, today, page), form, listed, entries, (chosen, versions))


def _as_stored(rows):
    """The marks and versions the page shows for each pupil's sessions, as stored."""
    chosen, versions = {}, {}
    for row in rows:
        for session, mark in row.marks.items():
            chosen[(row.placement.id, session)] = mark.mark if mark else ""
            versions[(row.placement.id, session)] = mark.version if mark else 0
    return chosen, versions


def _fill_present(rows, chosen, sessions):
    """Present for every pupil's session with no mark chosen yet."""
    for row in rows:
        for session in sessions:
            if not chosen.get((row.placement.id, session)):
                chosen[(row.placement.id, session)] = "present"


def _render(provider, day, today, form, listed, problem=None, chosen=None, versions=None, status=200):
    before, after = _neighbours(day, today)
    return render_template(
        "portal/register.html",
        provider=provider,
        day=day,
        day_label=f"{day:%A} {long_date(day)}",
        today=today,
        form=form,
        listed=listed,
        problem=problem,
        chosen=chosen or {},
        versions=versions or {},
        sessions=SESSIONS,
        choices=MARK_CHOICES,
        before=before,
        after=after,
        latest=latest_school_day(today),
    ), status
