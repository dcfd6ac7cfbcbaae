"""The made-up authority the benchmark loads: boroughs, names and mixes, and the rows made
from them (providers, their services, and visit histories a few years deep).

The mixes follow a real register: key stages 3 and 4 dominate, most visits are signed
off Green or Amber, a few providers are suspended or were never visited.
"""

import uuid
from datetime import datetime, timedelta

from qa_app.framework.rating import rate_visit

# fmt: off
# Borough -> (share of providers, postcode districts). Riverside is the authority's own.
BOROUGHS = {
    "Riverside": (24, ("BR1", "BR2", "BR3", "BR5")),
    "Northgate": (14, ("N9", "N17", "N18")),
    "Eastbrook": (14, ("E6", "E13", "E16")),
    "Westmere": (12, ("W3", "W5", "W7")),
    "Southfield": (12, ("SE2", "SE18", "SE28")),
    "Hillcrest": (9, ("HA1", "HA2")),
    "Kingsford": (8, ("KT1", "KT2")),
    "Out of area": (7, ("RM1", "CR0", "DA1", "EN1")),
}
REGISTRATIONS = {"registered_independent": 30, "ofsted_registered": 22, "unregistered": 38, "not_known": 10}
# Services: key stages 3 and 4 are most of alternative provision.
SERVICE_WEIGHTS = {
    "ks1": 2, "ks2": 6, "ks3": 20, "ks4": 26, "post16": 8,
    "semh": 14, "send": 7, "medical": 4, "vocational": 10, "tuition": 6,
}
NAME_FIRST = (
    "Bridges", "Horizon", "Harbour", "Pathways", "Compass", "Green Shoots", "Second Chance",
    "Oakwood", "Step Forward", "Anchor", "Kite", "Lighthouse", "Cedar House", "Phoenix",
    "Summit", "Bright Start", "Meadow View", "Forge", "Unity", "Tower Hill", "Willow",
    "Beacon", "Riverbank", "Northstar", "Springboard", "Oak Tree", "Evergreen", "Keystone",
)
NAME_SECOND = (
    "Learning Centre", "Vocational Academy", "Project", "Tuition", "Alternative School",
    "Farm", "Boxing Academy", "Studio", "Therapeutic Education", "Online School",
    "Motor Skills", "Nurture Base", "Collective", "Construction Pathways", "Education",
    "Creative Arts", "Sports Inclusion", "Outdoor Learning", "Hair and Beauty",
    "Engineering Centre", "Youth Hub", "Community Tuition", "Animal Care", "Learning Base",
)
CONTACTS = ("Alex Morgan", "Dee Patel", "Chris O'Neill", "Fatima Begum")
STREETS = ("High Street", "Station Road", "Mill Lane", "Church Road", "Park Avenue", "London Road")
VISIT_TYPES = ("scheduled", "scheduled", "scheduled", "unannounced", "revisit")
# fmt: on
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# The overall RAG mix of signed-off visits; drafts are rated on what is judged so far.
RAG_WEIGHTS = {"green": 50, "amber": 38, "red": 12}
IN_PROGRESS = {"draft": 5, "submitted": 4, "returned": 3}  # percent of latest visits
SUSPENDED_PERCENT = 1
NEVER_VISITED_PERCENT = 5


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _postcode(rng, borough):
    district = rng.choice(BOROUGHS[borough][1])
    letters = "".join(rng.choice(INWARD_LETTERS) for _ in range(2))
    return f"{district} {rng.randint(0, 9)}{letters}"


def provider_rows(rng, count):
    """Provider rows (rating columns empty until the visits exist) and their services."""
    now = datetime.now()
    boroughs = {name: share for name, (share, _) in BOROUGHS.items()}
    providers, services = [], []
    for provider_id in range(1, count + 1):
        borough = _weighted(rng, boroughs)
        registration = _weighted(rng, REGISTRATIONS)
        urn = {
            "registered_independent": f"{rng.randint(100000, 999999)}",
            "ofsted_registered": f"EY{rng.randint(100000, 999999)}",
        }.get(registration, "")
        created = now - timedelta(days=rng.randint(30, 6 * 365))
        providers.append(
            {
                "id": provider_id,
                "name": f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)}",
                "address": f"{rng.randint(1, 240)} {rng.choice(STREETS)}, {borough}",
                "postcode": _postcode(rng, borough),
                "borough": borough,
                "contact_name": rng.choice(CONTACTS),
                "contact_email": f"office{provider_id}@provider.example.org",
                "contact_phone": f"020 7946 {provider_id % 10000:04d}",
                "registration_status": registration,
                "urn": urn,
                "notes": "",
                "created_at": created,
                "updated_at": created,
                "rated_visit_id": None,
                "rating_rag": None,
                "rating_visit_date": None,
                "qa_valid_until": None,
                "next_visit_due": None,
                "suspended_reason": (
                    "Open escalation: unregistered full-time provision suspected."
                    if rng.randrange(100) < SUSPENDED_PERCENT
                    else None
                ),
            }
        )
        chosen = set(
            rng.choices(
                list(SERVICE_WEIGHTS),
                weights=list(SERVICE_WEIGHTS.values()),
                k=rng.randint(1, 4),
            )
        )
        services += [{"provider_id": provider_id, "service": code} for code in sorted(chosen)]
    return providers, services


def ratings_for(rag, codes, rng):
    """Judgements that give the wanted RAG under the default rules (as in qa_app.demo)."""
    ratings = dict.fromkeys(codes, "met")
    for code in rng.sample(codes, 3):
        ratings[code] = "not_seen"
    if rag in ("amber", "red"):
        for code in rng.sample([c for c in codes if not c.startswith(("SG", "HS"))], rng.randint(1, 4)):
            ratings[code] = "partly_met"
    if rag == "red":
        ratings[rng.choice(("SG1", "SG2", "SG4"))] = "not_met"
    return ratings


def outcome_pool(rng, version, per_rag=40):
    """Rated visits to draw from: {rag or 'partial': [(theme_rags, overall, why)]}.

    Rating every visit with the real rules would take most of the build; a pool of
    really rated outcomes gives the same JSON shapes and RAG mix.
    """
    criteria = version.active_criteria()
    codes = [c.code for c in criteria]
    pool = {}
    for rag in (*RAG_WEIGHTS, "partial"):
        outcomes = []
        for _ in range(per_rag):
            ratings = ratings_for("green" if rag == "partial" else rag, codes, rng)
            if rag == "partial":
                ratings = dict(list(ratings.items())[: rng.randint(4, 14)])
            themes, overall, why = rate_visit(criteria, ratings, version.rules)
            outcomes.append(({t: r.as_dict() for t, r in themes.items()}, overall, why))
        pool[rag] = outcomes
    return pool


def visit_rows(rng, providers, count, outcomes, version_id, officer_ids, head_id, today):
    """`count` visit rows spread over the providers, newest few years of each one's history."""
    visited = [p["id"] for p in providers if rng.randrange(100) >= NEVER_VISITED_PERCENT]
    per_provider = {}
    for _ in range(count if visited else 0):
        provider_id = rng.choice(visited)
        per_provider[provider_id] = per_provider.get(provider_id, 0) + 1
    rows = []
    for provider_id, how_many in per_provider.items():
        officer_id = rng.choice(officer_ids)
        in_progress = rng.randrange(100)
        latest_status = "signed_off"
        for status, percent in IN_PROGRESS.items():
            if in_progress < percent:
                latest_status = status
                break
            in_progress -= percent
        when = today - timedelta(
            days=rng.randint(0, 21) if latest_status != "signed_off" else rng.randint(5, 720)
        )
        for position in range(how_many):
            status = latest_status if position == 0 else "signed_off"
            rows.append(
                _visit_row(
                    rng,
                    provider_id,
                    officer_id,
                    version_id,
                    head_id,
                    when,
                    status,
                    outcomes,
                )
            )
            when -= timedelta(days=rng.randint(120, 420))
    # Ids in date order, as a real database would have given them.
    rows.sort(key=lambda row: (row["visit_date"], row["provider_id"]))
    for visit_id, row in enumerate(rows, start=1):
        row["id"] = visit_id
    return rows


def _visit_row(rng, provider_id, officer_id, version_id, head_id, when, status, outcomes):
    rag = "partial" if status == "draft" else _weighted(rng, RAG_WEIGHTS)
    theme_rags, overall, why = rng.choice(outcomes[rag])
    created = datetime.combine(when, datetime.min.time()) + timedelta(hours=rng.randint(9, 16))
    submitted = created + timedelta(days=rng.randint(0, 5)) if status != "draft" else None
    signed_off = submitted + timedelta(days=rng.randint(1, 14)) if status == "signed_off" else None
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "provider_id": provider_id,
        "officer_id": officer_id,
        "framework_version_id": version_id,
        "visit_date": when,
        "visit_type": rng.choice(VISIT_TYPES),
        "status": status,
        "people_met": "Head of centre; safeguarding lead; two pupils",
        "pupils_seen": rng.randint(2, 30),
        "theme_notes": {"QE": "Curriculum matched to pupils' starting points."},
        "strengths": "Warm relationships between staff and pupils.",
        "pupil_voice": "Pupils said they feel safe and know who to talk to.",
        "theme_rags": theme_rags,
        "overall_rag": overall,
        "overall_why": why,
        "version": 1,
        "created_at": created,
        "updated_at": signed_off or submitted or created,
        "submitted_at": submitted,
        "signed_off_at": signed_off,
        "signed_off_by_id": head_id if signed_off else None,
    }
