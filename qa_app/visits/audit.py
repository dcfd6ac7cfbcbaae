"""A visit's audit trail: what changed between two snapshots, and who did what when.

The snapshot is made from the model, apart from the API's representation, so the trail
names each criterion that changed even before new judgements have ids.
"""

from qa_app.extensions import db
from qa_app.framework.rating import RATINGS
from qa_app.visits.models import VisitEvent


def snapshot(visit, judged):
    """The parts of a visit that people change, in a form that compares by value; `judged`
    is its judgements as {criterion code: (rating, evidence)}."""
    if visit is None:
        return {}
    return {
        "status": visit.status,
        **visit.written_parts(),
        "judgements": dict(judged),
        "actions": [(a.description, a.owner, a.due) for a in sorted(visit.actions, key=lambda a: a.position)],
        "registration_evidence": visit.registration_evidence or {},
        "placement_checks": visit.placement_checks or {},
    }


def changes(before, after):
    """A short, readable list of what changed: a line per criterion, one per other part."""
    found = []
    for key, now in after.items():
        was = before.get(key)
        if key == "judgements":
            was = was or {}
            for code in sorted(set(was) | set(now)):
                if was.get(code) != now.get(code):
                    found.append(
                        {
                            "field": code,
                            "from": was.get(code) and RATINGS[was[code][0]],
                            "to": now.get(code) and RATINGS[now[code][0]],
                        }
                    )
        elif before and was != now:
            found.append({"field": key})
    return found


def record_event(visit, user, action, found=(), comment=""):
    """Add a line to the visit's audit trail (written with the change, when the caller commits)."""
    db.session.add(
        VisitEvent(visit_id=visit.id, user_id=user.id, action=action, changes=list(found), comment=comment)
    )
