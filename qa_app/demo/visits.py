"""The demo's provider visits, saved, submitted and signed off as the app does it."""

import uuid
from datetime import timedelta

from qa_app.demo.data import (
    ACTIONS,
    DETAILS,
    EVIDENCE,
    INSUFFICIENT_REASON,
    MET_FOUND,
    MET_SEEN,
    RETURN_COMMENT,
)
from qa_app.demo.timeline import add_photos, date_visit, working_day
from qa_app.schemas import read
from qa_app.submission.services import save as save_visit
from qa_app.visits.schemas import VisitBody
from qa_app.visits.services import previous_open_actions, return_to_officer, sign_off


def ratings_for(rag, version, rng):
    """Judgements that produce the wanted RAG under the default rules."""
    ratings = {c.code: "met" for c in version.active_criteria()}
    codes = list(ratings)
    for code in rng.sample(codes, 3):
        ratings[code] = "not_seen"
    if rag in ("amber", "red"):
        for code in rng.sample([c for c in codes if not c.startswith(("SG", "HS"))], 3):
            ratings[code] = "partly_met"
    if rag == "red":
        ratings["SG1"] = "not_met"
        ratings["HS4"] = "partly_met"
    return ratings


def evidence_for(ratings, rng):
    return {
        code: f"{rng.choice(MET_SEEN)}: {rng.choice(MET_FOUND)}."
        if rating == "met"
        else EVIDENCE[rating].format(detail=rng.choice(DETAILS))
        for code, rating in ratings.items()
    }


def follow_up(provider, officer, head, version, rng, today, plan):
    """A visit a few days ago, submitted, then left with the Head of Access or returned."""
    status, days_ago = plan
    ratings = ratings_for("amber", version, rng)
    visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
    body = visit_body(
        provider, working_day(today - timedelta(days=days_ago)), ratings, evidence_for(ratings, rng)
    )
    visit = submit(officer, visit_uuid, body)
    if status == "returned":
        return_to_officer(head, visit, RETURN_COMMENT)
    date_visit(visit, today)


def visit_body(provider, visit_date, ratings, evidence, **fields):
    """A visit body as the visit form and the sync API send it."""
    return {
        "provider_id": provider.id,
        "visit_date": visit_date.isoformat(),
        "status": "draft",
        "judgements": [
            {"criterion": code, "rating": rating, "evidence": evidence.get(code, "")}
            for code, rating in ratings.items()
        ],
        **fields,
    }


def submit(officer, visit_uuid, body, photos=False, rng=None):
    """Save a draft as the officer (with photos of evidence if asked), then submit it."""
    visit, _ = save_visit(officer, visit_uuid, read(VisitBody, body).to_change())
    if photos:
        add_photos(officer, visit, rng)
    reasons = {
        code: INSUFFICIENT_REASON
        for code, rating in visit.theme_rags.items()
        if rating["insufficient_evidence"]
    }
    body.update(status="submitted", insufficient_reasons=reasons)
    visit, _ = save_visit(officer, visit_uuid, read(VisitBody, body).to_change(), base_version=visit.version)
    return visit


def signed_off_history(provider, officer, head, version, rag, visit_date, rng, today, photos=False):
    """An earlier visit a year before (for the trend) and the latest signed-off one.

    Each is saved by the officer, submitted and signed off by the Head of Access, as the
    app does it; the latest marks the earlier visit's actions done."""
    earlier = rng.choice(("green", "amber", "red"))
    for when, this_rag in ((working_day(visit_date - timedelta(days=365)), earlier), (visit_date, rag)):
        ratings = ratings_for(this_rag, version, rng)
        visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
        evidence = evidence_for(ratings, rng)
        actions = []
        if this_rag != "green":
            actions = [
                {
                    "description": description,
                    "owner": rng.choice(("provider", "authority")),
                    "due": (when + timedelta(days=42)).isoformat(),
                }
                for description in rng.sample(ACTIONS, 2)
            ]
        body = visit_body(
            provider,
            when,
            ratings,
            evidence,
            strengths="Warm relationships between staff and pupils; pupils said they feel safe.",
            theme_notes={"QE": "Curriculum well matched to pupils' starting points."},
            actions=actions,
            action_outcomes={str(a.id): "done" for a in previous_open_actions(provider.id)},
        )
        visit = submit(officer, visit_uuid, body, photos=photos and when == visit_date, rng=rng)
        sign_off(head, visit)
        date_visit(visit, today)
