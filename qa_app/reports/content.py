"""What a visit report says, gathered from the database into plain data for reports.pdf.

visit_report() builds the internal edition; provider_edition() is the one place that
takes the internal-only sections out of it. A school visit's report (docs/domain.md §2.7) has
the same parts, with the school's areas for the themes and the placements the officer
checked; its "provider" edition is the one the school's staff read.
"""

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from qa_app.dates import long_date, short_date
from qa_app.escalations.models import STATES
from qa_app.escalations.raising import escalation_of_visit
from qa_app.extensions import db
from qa_app.photos.services import photos_of
from qa_app.registration.law import LIMB_LABELS, RESULT_LABELS
from qa_app.reports.entries import (
    ANSWERS,
    OUTCOMES,
    ActionEntry,
    CriterionEntry,
    InternalSection,
    PhotoEntry,
    PlacementCheckEntry,
    ThemeEntry,
    VisitReport,
)
from qa_app.visits.accuracy import accuracy_counts
from qa_app.visits.models import ACTION_OWNERS, PLACEMENT_CHECKS, VISIT_STATUSES, VISIT_TYPES, Action
from qa_app.visits.school_placements import checks_needed, placements_to_check
from qa_app.visits.services import previous_open_actions


def accuracy_sentence(visit):
    """How many comments on matters of fact the provider made on the shared draft, and how
    many were accepted; "" when the draft was not shared."""
    counts = accuracy_counts(visit)
    if counts is None:
        return ""
    received, accepted = counts
    if not received:
        return "The draft was shared with the provider, who made no comments on matters of fact."
    made = "1 comment" if received == 1 else f"{received} comments"
    return f"The draft was shared with the provider: {made} on matters of fact received, {accepted} accepted."


def report_reference(visit):
    """The report's reference, e.g. QA-2026-12-1a2b3c4d (QA-2026-S3-1a2b3c4d for a school)."""
    if visit.is_school_visit:
        return f"QA-{visit.visit_date.year}-S{visit.school_id}-{visit.uuid[:8]}"
    return f"QA-{visit.visit_date.year}-{visit.provider_id}-{visit.uuid[:8]}"


def visit_report(visit, authority, edition="internal", today=None):
    """The report of a visit in the given edition ("internal" or "provider")."""
    if visit.is_school_visit:
        report = school_visit_report(visit, authority, today)
    else:
        report = _provider_visit_report(visit, authority, today)
        report.factual_accuracy = accuracy_sentence(visit)
    _place_photos(report, visit)
    return provider_edition(report) if edition == "provider" else report


def _common(visit):
    """The parts of a report that are the same for a provider's visit and a school's."""
    return {
        "draft": visit.status != "signed_off",
        "status": VISIT_STATUSES[visit.status],
        "visit_date": visit.visit_date,
        "visit_type": VISIT_TYPES[visit.visit_type],
        "officer": visit.officer.name,
        "people_met": visit.people_met,
        "pupils_seen": visit.pupils_seen,
        "framework": visit.framework_version.title,
        "sign_off": _sign_off(visit),
        "overall_rag": visit.overall_rag,
        "overall_why": list(visit.overall_why),
        "judged": len(visit.judgements),
        "themes": _themes(visit),
        "strengths": visit.strengths,
        "pupil_voice": visit.pupil_voice,
        "actions": [
            ActionEntry(a.description, ACTION_OWNERS[a.owner], a.due)
            for a in sorted(visit.actions, key=lambda a: a.position)
        ],
        "previous_actions": previous_actions(visit),
        "other_photos": [],
    }


def school_visit_report(visit, authority, today=None):
    """The internal edition of a school visit's report: the school, its five areas, the
    placements checked (pupils by reference only) and the actions for the school."""
    school = visit.school
    return VisitReport(
        authority=authority,
        reference=report_reference(visit),
        edition="internal",
        produced_on=today or date.today(),
        provider_name=school.name,
        provider_address="",
        registration="",
        contact="",
        internal=InternalSection(return_comment=visit.return_comment),
        kind="school",
        urn=school.urn or "Not known",
        borough=school.borough or "Not known",
        placements=placement_checks(visit),
        **_common(visit),
    )


def placement_checks(visit):
    """The placements the visit checked, each with its answers and note."""
    entries = []
    for placement in placements_to_check(visit):
        answers = visit.placement_checks.get(placement["uuid"], {})
        ended = placement["ended_on"]
        dates = f"From {short_date(date.fromisoformat(placement['start_date']))}" + (
            f", ended {short_date(date.fromisoformat(ended))}" if ended else ""
        )
        entries.append(
            PlacementCheckEntry(
                pupil_ref=placement["pupil_ref"],
                year_group=placement["year_group"],
                provider=placement["provider_name"],
                dates=dates,
                answers={
                    code: ANSWERS.get(answers.get(code), "Not answered")
                    if code in checks_needed(placement)
                    else "Not applicable"
                    for code in PLACEMENT_CHECKS
                },
                note=answers.get("note", ""),
            )
        )
    return entries


def _provider_visit_report(visit, authority, today=None):
    """The internal edition of a provider visit's report."""
    provider = visit.provider
    return VisitReport(
        authority=authority,
        reference=report_reference(visit),
        edition="internal",
        produced_on=today or date.today(),
        provider_name=provider.name,
        provider_address=f"{provider.address}, {provider.postcode}",
        registration=provider.registration_label + (f" (URN {provider.urn})" if provider.urn else ""),
        contact=" · ".join(x for x in (provider.contact_name, provider.contact_email) if x),
        **_common(visit),
        internal=InternalSection(
            provider_notes=provider.notes,
            suspended_reason=provider.suspended_reason or "",
            return_comment=visit.return_comment,
            registration_check=registration_lines(visit.registration_result),
            escalation=_escalation_line(visit),
        ),
    )


def registration_lines(result):
    """The registration check's result and explanation, as lines of text."""
    if not result or not result.get("result"):
        return []
    head = RESULT_LABELS[result["result"]]
    if result.get("limb"):
        head += f" ({LIMB_LABELS[result['limb']]})"
    return [
        head,
        *result.get("explanation", []),
        f"Tested against the {result.get('rule_version')} registration rules.",
    ]


def _escalation_line(visit):
    """The visit's escalation, whether its registration check raised it or the officer
    reported a concern from the visit."""
    escalation = escalation_of_visit(visit)
    if escalation is None:
        return ""
    return f"{escalation.reference}: {STATES[escalation.state]} (raised {long_date(escalation.created_at)})"


def provider_edition(report):
    """The provider edition: the report without any internal-only section.

    This is the one place that decides what the provider may not read: every
    internal-only part of a report lives in `report.internal`.
    """
    return replace(report, edition="provider", internal=None)


def previous_actions(visit):
    """Earlier visits' actions this visit reviewed, with the outcome it recorded."""
    reviewed = {int(key): outcome for key, outcome in visit.action_outcomes.items() if str(key).isdigit()}
    actions = {}
    whose = (
        Action.school_id == visit.school_id
        if visit.is_school_visit
        else Action.provider_id == visit.provider_id
    )
    if reviewed:
        # Only this provider's (or school's) actions from other visits: the ids come from the client.
        query = select(Action).where(Action.id.in_(reviewed), whose, Action.visit_id != visit.id)
        actions = {a.id: a for a in db.session.scalars(query)}
    if visit.status != "signed_off":
        for action in previous_open_actions(visit.provider_id, visit.id, school_id=visit.school_id):
            actions.setdefault(action.id, action)
    ordered = sorted(actions.values(), key=lambda a: (a.due is None, a.due or date.min, a.id))
    notes = visit.action_notes or {}
    return [
        ActionEntry(
            a.description, ACTION_OWNERS[a.owner], a.due, _outcome(reviewed.get(a.id), notes.get(str(a.id)))
        )
        for a in ordered
    ]


def _outcome(outcome, note):
    """An earlier action's outcome as the report says it, with the officer's note."""
    said = OUTCOMES.get(outcome, "Not reviewed")
    return f"{said}: {note}" if note else said


def _sign_off(visit):
    if visit.status == "signed_off" and visit.signed_off_at:
        by = f" by {visit.signed_off_by.name}" if visit.signed_off_by else ""
        return f"Signed off{by} on {long_date(visit.signed_off_at)}"
    return f"Not yet signed off ({VISIT_STATUSES[visit.status].lower()})"


def _themes(visit):
    judged = {j.criterion.code: j for j in visit.judgements}
    by_theme = visit.framework_version.criteria_by_theme()
    themes = []
    for code, name in visit.framework_version.themes.items():
        rating = visit.theme_rags.get(code) or {}
        criteria = [
            CriterionEntry(
                c.code,
                c.text,
                c.critical,
                judged[c.code].rating if c.code in judged else None,
                judged[c.code].evidence if c.code in judged else "",
            )
            for c in by_theme[code]
        ]
        themes.append(
            ThemeEntry(
                code=code,
                name=name,
                # A theme with insufficient evidence is never shown as a colour.
                rag="insufficient"
                if rating.get("insufficient_evidence") and rating.get("rag") != "red"
                else rating.get("rag"),
                why=list(rating.get("why") or []),
                insufficient_reason=visit.insufficient_reasons.get(code, ""),
                comment=visit.theme_notes.get(code, ""),
                criteria=criteria,
            )
        )
    return themes


def _place_photos(report, visit):
    """Put each photo under the theme of its criterion; the rest go at the end."""
    themes = {theme.code: theme for theme in report.themes}
    for photo in photos_of(visit, with_data=True):
        entry = PhotoEntry(photo.caption, photo.criterion_code, photo.data or None)
        theme = themes.get((photo.criterion_code or "")[:2])
        (theme.photos if theme else report.other_photos).append(entry)
