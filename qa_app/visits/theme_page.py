"""One theme's page of the visit form: a rating and evidence per criterion, the theme's
comment and the reason when its evidence is insufficient.

A save that fails validation keeps every valid answer, saved, and shows the others as
typed with their errors (visits.pages.save_valid).
"""

from datetime import datetime, time

from flask import abort, request, url_for
from flask_login import login_required

from qa_app.audit.reads import audited
from qa_app.schemas import read
from qa_app.selfassessment.shown import as_shown, latest_request
from qa_app.visits import bp
from qa_app.visits.forms import theme_form
from qa_app.visits.pages import editable, section
from qa_app.visits.schemas import Judgement, VisitChange


def self_assessment_for(visit):
    """What the visit form shows of the provider's latest self-assessment (none for a school
    visit, or a provider never asked for one)."""
    if visit.provider_id is None:
        return None
    return as_shown(latest_request(visit.provider_id, before=visit_day_end(visit)))


def visit_day_end(visit):
    return datetime.combine(visit.visit_date, time.max)


def _judgements(form, criteria, skip, stored):
    """(code, rating, evidence, from the form) for each criterion the change judges, in order.

    A criterion whose answer is being left out keeps what was saved for it, if anything."""
    for c in criteria:
        rating, evidence = f"rating_{c.code}", f"evidence_{c.code}"
        if rating in skip or evidence in skip:
            if c.code in stored:
                yield (c.code, *stored[c.code], False)
        elif form[rating].data:
            yield c.code, form[rating].data, form[evidence].data or "", True


def theme_change(form, theme, criteria, skip=frozenset(), stored=None):
    """The change one theme's page makes: its judgements, comment and insufficient-evidence
    reason, but for the fields in `skip` (a criterion skipped keeps its saved judgement)."""
    judgements = [
        read(
            Judgement,
            {"criterion": code, "rating": rating, "evidence": evidence},
            prefix=f"judgements[{n}]",
        )
        for n, (code, rating, evidence, _) in enumerate(_judgements(form, criteria, skip, stored or {}))
    ]
    texts = {
        name: {theme: form[name].data or ""} for name in ("note", "insufficient_reason") if name not in skip
    }
    return VisitChange(
        judgements=judgements,
        judged_themes=frozenset({theme}),
        theme_notes=texts.get("note"),
        insufficient_reasons=texts.get("insufficient_reason"),
    )


def theme_fields(form, criteria, skip=frozenset(), stored=None):
    """Which field of a theme's form shows the error at each path of its change."""
    fields = {}
    for n, (code, _, _, typed) in enumerate(_judgements(form, criteria, skip, stored or {})):
        if typed:
            fields.update(
                {f"judgements[{n}].rating": f"rating_{code}", f"judgements[{n}]": f"evidence_{code}"}
            )
    return {**fields, "theme_notes": "note", "insufficient_reasons": "insufficient_reason"}


@bp.route("/visits/<visit_uuid>/themes/<theme>", methods=["GET", "POST"])
@login_required
@audited("view", "visit", "visit_uuid")
def theme(visit_uuid, theme):
    """Judge each criterion of one theme, with evidence, and comment on the theme."""
    visit = editable(visit_uuid)
    names = visit.framework_version.themes  # a school visit's five areas, or the six themes
    if theme not in names:
        abort(404)
    criteria = visit.framework_version.criteria_by_theme()[theme]
    stored = {j.criterion.code: (j.rating, j.evidence) for j in visit.judgements}
    own = self_assessment_for(visit)
    prefill = own and own["lm_prefill"]
    shown = dict(stored)
    if (
        prefill
        and prefill["criterion"] not in stored
        and any(c.code == prefill["criterion"] for c in criteria)
    ):
        # Whether the provider's self-assessment came in on time, until the officer judges it.
        shown[prefill["criterion"]] = (prefill["rating"], prefill["evidence"])
    form = theme_form(
        criteria,
        request.form if request.method == "POST" else None,
        version=visit.version,
        note=visit.theme_notes.get(theme, ""),
        insufficient_reason=visit.insufficient_reasons.get(theme, ""),
        **{f"rating_{code}": rating for code, (rating, _) in shown.items()},
        **{f"evidence_{code}": evidence for code, (_, evidence) in shown.items()},
    )
    return section(
        visit,
        form,
        "visits/theme.html",
        lambda skip: theme_change(form, theme, criteria, skip, stored),
        lambda skip: theme_fields(form, criteria, skip, stored),
        url_for("visits.show", visit_uuid=visit.uuid),
        saved_message=f"{names[theme]} saved.",
        theme=theme,
        theme_name=names[theme],
        criteria=criteria,
        self_assessment=own,
    )
