"""The visit's registration check page: pupils of compulsory school age (by reference)
and the sites used, saved through save_visit like every other part of the visit; a save
keeps every valid row and shows the refused ones as typed (visits.pages.save_valid)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from qa_app.audit.reads import audited
from qa_app.domain import Invalid
from qa_app.forms import VersionedForm
from qa_app.registration.services import rules_in_force
from qa_app.schemas import read
from qa_app.visits import bp
from qa_app.visits.pages import editable, save_valid
from qa_app.visits.representation import visit_as_json
from qa_app.visits.schemas import RegistrationEvidence, VisitChange

# As many rows as RegistrationEvidence takes pupils.
MAX_ROWS = RegistrationEvidence.model_fields["pupils"].metadata[0].max_length
PUPIL_FLAGS = ("daytime", "ehc_plan", "looked_after", "sen", "main_education")


def row_count(form):
    """How many pupil rows the page sent: ASCII digits, at most the schema's limit of pupils.

    Raises Invalid for anything else (a page of ours never sends it)."""
    rows = (form.get("rows") or "0").strip()
    if not (len(rows) <= len(str(MAX_ROWS)) and rows.isascii() and rows.isdigit() and int(rows) <= MAX_ROWS):
        raise Invalid({"rows": f"The page sent an unreadable number of rows: at most {MAX_ROWS} pupils"})
    return int(rows)


def pupils_from_form(form):
    """The pupil rows typed into the registration check, as {row: pupil} (blank rows are ignored)."""
    pupils = {}
    for row in range(row_count(form)):
        ref = (form.get(f"ref-{row}") or "").strip()
        hours = (form.get(f"hours-{row}") or "").strip()
        if not ref and not hours:
            continue
        pupil = {
            "ref": ref,
            "hours_per_week": _number(hours),
            "weeks_per_year": _number(form.get(f"weeks-{row}"), 38),
        }
        pupil.update({flag: form.get(f"{flag}-{row}") == "y" for flag in PUPIL_FLAGS})
        pupils[row] = pupil
    return pupils


def _number(text, default=None):
    """A typed number as int or float; the text itself when it is not one (the service says why)."""
    text = (text or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def evidence_from_form(form):
    """The registration check as typed: the pupil count, the pupil rows ({row: pupil}) and the sites."""
    return {
        "pupil_count": _number(form.get("pupil_count", "").strip()),
        "pupils": pupils_from_form(form),
        "sites": [line.strip() for line in form.get("sites", "").splitlines() if line.strip()],
    }


def _kept_rows(typed, stored, skip):
    """(row, pupil) saved: each typed row, or for a refused one what was saved in its place."""
    for row, pupil in typed["pupils"].items():
        if f"row-{row}" not in skip:
            yield row, pupil
        elif row < len(stored["pupils"]):
            yield row, stored["pupils"][row]


def evidence_change(typed, stored, skip=frozenset()):
    """The change the page makes: the typed evidence, but for the refused parts (in `skip`)
    what was saved. A refused pupil count is saved as before if that still adds up."""
    pupils = [pupil for _, pupil in _kept_rows(typed, stored, skip)]
    count = typed["pupil_count"]
    if "pupil_count" in skip:
        count = stored["pupil_count"] if stored["pupil_count"] in (None, len(pupils)) else None
    sites = stored["sites"] if "sites" in skip else typed["sites"]
    return VisitChange(
        registration_evidence=evidence_of({"pupil_count": count, "pupils": pupils, "sites": sites})
    )


def evidence_fields(typed, stored, skip=frozenset()):
    """Which part of the page shows the error at each path of the change."""
    path = "registration_evidence"
    rows = {f"{path}.pupils[{n}]": f"row-{row}" for n, (row, _) in enumerate(_kept_rows(typed, stored, skip))}
    return {
        **rows,
        f"{path}.pupil_count": "pupil_count",
        f"{path}.sites": "sites",
        f"{path}.pupils": "pupil_count",
    }


def evidence_of(evidence):
    """The typed evidence, or Invalid naming each bad row."""
    return read(RegistrationEvidence, evidence, prefix="registration_evidence")


def _as_typed(typed):
    """The evidence as the officer typed it, its pupils a list by row (a refused row too)."""
    rows = range(max(typed["pupils"], default=-1) + 1)
    return {**typed, "pupils": [typed["pupils"].get(row, {}) for row in rows]}


@bp.route("/visits/<visit_uuid>/registration", methods=["GET", "POST"])
@login_required
@audited("view", "visit", "visit_uuid")
def registration(visit_uuid):
    """The registration check: pupils of compulsory school age (by reference) and sites.

    A save keeps every valid row, saved; a refused row is shown as typed, with its error."""
    visit = editable(visit_uuid)
    form = VersionedForm(version=visit.version)
    stored = visit_as_json(visit)["registration_evidence"]
    evidence, refused, saved = stored, {}, False
    if form.validate_on_submit():
        try:
            typed = evidence_from_form(request.form)
        except Invalid as problem:
            refused = {"rows": list(problem.fields.values())}
        else:
            saved = save_valid(
                visit,
                form,
                lambda skip: evidence_change(typed, stored, skip),
                lambda skip: evidence_fields(typed, stored, skip),
                refused,
            )
            if saved and not refused:
                flash("Registration check saved.")
                return redirect(url_for("visits.registration", visit_uuid=visit.uuid))
            evidence = _as_typed(typed)
    rules = rules_in_force(visit.visit_date)
    return render_template(
        "visits/registration.html",
        visit=visit,
        form=form,
        evidence=evidence,
        errors={name: messages[0] for name, messages in refused.items()},
        partly_saved=saved,
        rules=rules.rules if rules else None,
        rows=max(len(evidence["pupils"]) + 3, 6),
    ), 400 if refused else 200
