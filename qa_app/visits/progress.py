"""The visit's task list: each section's state (not started, in progress, complete)."""

from dataclasses import dataclass

from qa_app.visits.school_placements import checks_needed, placements_to_check

NOT_STARTED, IN_PROGRESS, COMPLETE = "Not started", "In progress", "Complete"


@dataclass
class Task:
    """One line of the task list."""

    key: str
    title: str
    state: str
    rag: str | None = None


def theme_state(criteria, judgements, rating, reason):
    """A theme is complete when every criterion is judged with the evidence it needs."""
    judged = [judgements.get(c.code) for c in criteria]
    if not any(judged):
        return NOT_STARTED
    for judgement in judged:
        if judgement is None or (judgement.rating != "met" and not judgement.evidence):
            return IN_PROGRESS
    if rating and rating["insufficient_evidence"] and not reason:
        return IN_PROGRESS
    return COMPLETE


def placements_state(visit, placements):
    """The placements section is complete when every check each placement needs is answered."""
    needed = [(p["uuid"], code) for p in placements for code in checks_needed(p)]
    answered = sum(1 for key, code in needed if (visit.placement_checks or {}).get(key, {}).get(code))
    return COMPLETE if answered == len(needed) else IN_PROGRESS if answered else NOT_STARTED


def task_list(visit, previous_actions, placements=()):
    """The sections of the visit form in order, with their states: the visit's own themes
    (a school visit's five areas), then a provider visit's registration check or a school
    visit's placements."""
    judgements = {j.criterion.code: j for j in visit.judgements}
    by_theme = visit.framework_version.criteria_by_theme()
    tasks = [Task("details", "Visit details", COMPLETE)]
    for code, name in visit.framework_version.themes.items():
        rating = visit.theme_rags.get(code)
        state = theme_state(by_theme[code], judgements, rating, visit.insufficient_reasons.get(code))
        tasks.append(Task(code, name, state, rating["rag"] if rating else None))
    if visit.is_school_visit:
        tasks.append(Task("placements", "Placements", placements_state(visit, placements)))
    else:
        checked = (visit.registration_evidence or {}).get("pupils")
        tasks.append(Task("registration", "Registration check", COMPLETE if checked else NOT_STARTED))
    wrote = visit.strengths or visit.pupil_voice
    tasks.append(Task("strengths", "Strengths and pupil voice", COMPLETE if wrote else NOT_STARTED))
    tasks.append(
        Task("actions", "Areas for development (actions)", COMPLETE if visit.actions else NOT_STARTED)
    )
    if previous_actions:
        marked = sum(1 for a in previous_actions if str(a.id) in visit.action_outcomes)
        state = COMPLETE if marked == len(previous_actions) else IN_PROGRESS if marked else NOT_STARTED
        title = (
            "Actions from the last school visit" if visit.is_school_visit else "Actions from the last visit"
        )
        tasks.append(Task("previous_actions", title, state))
    return tasks


def placements_checked(visit):
    """How far a school visit's placement checks have got, in words."""
    placements = placements_to_check(visit)
    if not placements:
        return "No placements to check"
    done = sum(1 for p in placements if placements_state(visit, [p]) == COMPLETE)
    return f"{done} of {len(placements)} placements checked"
