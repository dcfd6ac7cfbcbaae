"""The server page only a school visit has (docs/domain.md §2.7): its placements section, where
the officer checks each of the school's placements. (Starting one is a page of the school's,
qa_app/pages/visit_start.py.)

It saves through visits.saving.save_visit, as every other page of the visit form does.
"""

from flask import abort, request, url_for
from flask_login import login_required

from qa_app.audit.reads import audited
from qa_app.framework.rating import QA_STATUSES
from qa_app.visits import bp
from qa_app.visits.forms import placements_form
from qa_app.visits.models import PLACEMENT_CHECKS
from qa_app.visits.pages import editable, section
from qa_app.visits.schemas import VisitChange
from qa_app.visits.school_placements import as_shown, checks_needed, placements_to_check

FIELD_PREFIX = "placement_checks."


def _answers(form, placement, skip, stored):
    """One placement's answers as the change carries them: from the form, but a field in
    `skip` keeps what was saved for it."""
    kept = {}
    for code in [*checks_needed(placement), "note"]:
        name = f"{FIELD_PREFIX}{placement['uuid']}.{code}"
        value = stored.get(code) if name in skip else (form[name].data or "").strip()
        if value:
            kept[code] = value
    return kept


def unknown_answers(formdata, known):
    """Answers sent for placements the page does not list: {key: {check: value}}, kept so
    that the save path refuses them by name."""
    sent = {}
    for name, value in formdata.items():
        if name.startswith(FIELD_PREFIX):
            key, _, code = name[len(FIELD_PREFIX) :].rpartition(".")
            if key and key not in known and (code in PLACEMENT_CHECKS or code == "note"):
                sent.setdefault(key, {})[code] = value
    return sent


def placements_change(form, placements, stored, extra, skip=frozenset()):
    """The change the placements section makes: every listed placement's answers (and any
    sent for a placement it does not list)."""
    checks = {p["uuid"]: _answers(form, p, skip, stored.get(p["uuid"], {})) for p in placements}
    return VisitChange(placement_checks={key: value for key, value in {**checks, **extra}.items() if value})


@bp.route("/visits/<visit_uuid>/placements", methods=["GET", "POST"])
@login_required
@audited("view", "visit", "visit_uuid")
def placements(visit_uuid):
    """Check each of the school's placements this visit lists: four questions and a note."""
    visit = editable(visit_uuid)
    if not visit.is_school_visit:
        abort(404)
    listed = placements_to_check(visit)
    stored = visit.placement_checks or {}
    form = placements_form(
        listed, stored, request.form if request.method == "POST" else None, version=visit.version
    )
    extra = unknown_answers(request.form, {p["uuid"] for p in listed}) if request.method == "POST" else {}
    answer = section(
        visit,
        form,
        "visits/placements.html",
        lambda skip: placements_change(form, listed, stored, extra, skip),
        lambda skip: {name: name for name in form._fields if name.startswith(FIELD_PREFIX)},
        url_for("visits.show", visit_uuid=visit.uuid),
        saved_message="Placements saved.",
        placements=as_shown(listed),
        checks=PLACEMENT_CHECKS,
        qa_statuses=QA_STATUSES,
    )
    # An answer for a placement that is not the school's saves nothing: the page says why.
    if extra and isinstance(answer, tuple):
        return answer[0], 400
    return answer
