"""The visit's task list: each section's state (not started, in progress, complete)."""

from dataclasses import dataclass

from qa_app.framework.defaults import THEMES

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


def task_list(visit, previous_actions):
    """The sections of the visit form in order, with their states."""
    judgements = {j.criterion.code: j for j in visit.judgements}
    by_theme = visit.framework_version.criteria_by_theme()
    tasks = [Task("details", "Visit details", COMPLETE)]
    for code, name in THEMES:
        rating = visit.theme_rags.get(code)
        state = theme_state(by_theme[code], judgements, rating, visit.insufficient_reasons.get(code))
        tasks.append(Task(code, name, state, rating["rag"] if rating else None))
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
        tasks.append(Task("previous_actions", "Actions from the last visit", state))
    return tasks
