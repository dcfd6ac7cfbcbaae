"""What a tablet needs to start and fill in a visit with no signal, in a constant number
of SQL queries whatever the number of providers, schools, placements or visits: the
officer's providers and the schools they visit (docs/domain.md §2.7, with the placements a new
visit would check), the visits they may still edit (drafts and returned ones, wherever
they were started) and every framework version those visits keep."""

from collections import defaultdict, namedtuple
from datetime import date
from functools import cache

from sqlalchemy import nulls_first, select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.auth.models import School
from qa_app.auth.permissions import schools_visited_by
from qa_app.extensions import db
from qa_app.framework.models import FrameworkVersion
from qa_app.framework.rating import QA_STATUSES
from qa_app.offline.labels import form_labels
from qa_app.placements.scopes import placements_visible_to
from qa_app.placements.visit_checks import placements_for_many
from qa_app.providers.models import Provider, provider_qa_status
from qa_app.providers.scopes import providers_of
from qa_app.registration.services import rules_in_force
from qa_app.selfassessment.shown import shown_for_providers
from qa_app.visits.action_answers import answer_lines, latest_answers
from qa_app.visits.models import Action, Judgement, Visit
from qa_app.visits.representation import visit_as_json
from qa_app.visits.scopes import visits_editable_by

# A school visit the officer may start on a day: what placements_for_many reads of a visit
# (a mapped Visit made only to be read costs forty times as much).
NewSchoolVisit = namedtuple("NewSchoolVisit", ["id", "school_id", "visit_date"])


def _listed(placement, provider_name, last_review, overdue):
    """A placement as the tablet lists it on a school visit: what the placements section
    shows of it, as placements_for has it (the rest stays on the server). Its dates stay
    dates: the bundle's encoder writes them as ISO dates, as placements_for does, in a
    fraction of the time over a thousand placements."""
    return {
        "uuid": placement.uuid,
        "pupil_ref": placement.pupil_ref,
        "year_group": placement.year_group,
        "provider_name": provider_name,
        "start_date": placement.start_date,
        "ended_on": placement.ended_on,
        "part_time": placement.part_time,
        "hours_per_week": placement.hours_per_week,
        "last_review": last_review,
        "overdue": overdue,
    }


# What the bundle shows of each provider, read as columns: whole objects cost far more.
PROVIDER_COLUMNS = [
    getattr(Provider, name)
    for name in (
        "id",
        "name",
        "address",
        "postcode",
        "registration_status",
        "next_visit_due",
        "rating_rag",
        "qa_valid_until",
        "suspended_reason",
        "document_expiries",
    )
]


@cache
def _row_shape(fields):
    """A named tuple class with these fields (one per query shape, made once)."""
    return namedtuple("Row", fields)


def _rows(query):
    """The query's rows as named tuples: the bundle reads each field of hundreds of rows,
    and a tuple's field costs a tenth of a result row's."""
    result = db.session.connection().execute(query)
    make = _row_shape(tuple(result.keys()))._make
    return [make(row) for row in result]


def _providers(user):
    """An officer's own providers (every provider for the Head of Access), as rows."""
    query = select(*PROVIDER_COLUMNS).where(providers_of(user))
    return _rows(query.order_by(nulls_first(Provider.next_visit_due.asc()), Provider.name))


def _schools(user):
    """The schools this officer visits (every school for the Head of Access), by name: the
    columns the bundle shows, as rows."""
    query = select(School.id, School.name, School.urn).where(schools_visited_by(user)).order_by(School.name)
    return _rows(query)


def _open_actions(ids, column=Action.provider_id):
    """{provider (or school) id: [open actions]} for these providers (or schools), in one query."""
    grouped = {pid: [] for pid in ids}
    if not ids:
        return grouped
    # The same actions the visit form offers: open ones from signed-off visits (as columns).
    rows = _rows(
        select(Action.id, Action.description, Action.owner, Action.due, column)
        .join(Visit, Action.visit_id == Visit.id)
        .where(column.in_(ids), Action.open_from_signed_off())
        .order_by(column, Action.due, Action.id)
    )
    # The provider's latest answer to each, with the officer's verification.
    answers = latest_answers([action.id for action in rows]) if column is Action.provider_id else {}
    for action in rows:
        answer = answers.get(action.id)
        grouped[getattr(action, column.key)].append(
            {
                "id": action.id,
                "description": action.description,
                "owner": action.owner,
                "due": action.due,
                "answer": answer.as_json() if answer else None,
                "answer_lines": answer_lines(answer, action.owner) if column is Action.provider_id else [],
            }
        )
    return grouped


def _qa_status(provider, today):
    """The provider's QA status, its words and why, as on the register."""
    status, reason = provider_qa_status(provider, today)
    return {"qa_status": status, "qa_status_label": QA_STATUSES[status], "qa_reason": reason}


# {(version id, name, published_at): its JSON}: a published version never changes.
_published_json = {}


def _framework_json(version):
    """A framework version with its themes, criteria and rating rules; a published
    version's is made once for the process, since it never changes."""
    key = (version.id, version.name, version.published_at) if version.is_published else None
    if key not in _published_json:
        made = _made_framework_json(version)
        if key is None:
            return made
        if len(_published_json) >= 32:  # a handful in a server's life; bounded all the same
            _published_json.clear()
        _published_json[key] = made
    return _published_json[key]


def _made_framework_json(version):
    """_framework_json, made from the version's criteria."""
    by_theme = version.criteria_by_theme()
    themes = [
        {
            "code": code,
            "name": name,
            "criteria": [
                {
                    "code": c.code,
                    "text": c.text,
                    "guidance": c.guidance,
                    "critical": c.critical,
                    "standard_area": c.standard_area,
                }
                for c in by_theme[code]
            ],
        }
        for code, name in version.themes.items()
    ]
    return {
        "name": version.name,
        "kind": version.kind,
        "title": version.title,
        "rules": version.rules,
        "themes": themes,
    }


def _framework(kind="provider"):
    """The framework version in force for provider (or school) visits, or None."""
    version = db.session.scalar(
        select(FrameworkVersion)
        .where(FrameworkVersion.status == "published", FrameworkVersion.kind == kind)
        .order_by(FrameworkVersion.published_at.desc(), FrameworkVersion.id.desc())
        .limit(1)
    )
    return version


def _editable_visits(user):
    """The visits this user may still change (their own drafts and returned visits)."""
    query = (
        select(Visit)
        .where(visits_editable_by(user))
        # What visit_as_json and the tablet's lists read, and nothing more (the judgements
        # are read by _judgements_of, as columns).
        .options(
            joinedload(Visit.provider).load_only(Provider.name),
            joinedload(Visit.school).load_only(School.name),
            joinedload(Visit.framework_version),
            selectinload(Visit.actions),
        )
        .order_by(Visit.visit_date.desc(), Visit.id)
    )
    return db.session.scalars(query).unique().all()


def _judgements_of(visits):
    """{visit id: [(criterion_id, rating, evidence)]} for these visits, in one query of
    columns: a visit on a tablet has a judgement for each of its forty-odd criteria, and
    made into ORM objects they would cost more than the rest of the visit."""
    found = defaultdict(list)
    rows = db.session.connection().execute(
        select(Judgement.visit_id, Judgement.criterion_id, Judgement.rating, Judgement.evidence).where(
            Judgement.visit_id.in_([v.id for v in visits])
        )
    )
    for row in rows:
        found[row.visit_id].append(row)
    return found


def _visit_json(visit, judgements, placements):
    """A visit as the API shows it, with the provider's (or school's) name for the tablet's
    lists; a school visit with the placements it checks."""
    shown = visit_as_json(visit, judgements)
    if visit.is_school_visit:
        return {**shown, "school_name": visit.school.name, "placements": placements}
    return {**shown, "provider_name": visit.provider.name}


def offline_bundle(user, today=None):
    """The user's providers (with open actions), the framework and registration rules in
    force, the programme of providers due and the form's labels, as one dict ready for
    orjson (its dates are dates, which orjson writes as ISO dates)."""
    today = today or date.today()
    providers = _providers(user)
    actions = _open_actions([p.id for p in providers])
    # Each provider's latest self-assessment, shown beside each criterion of the form.
    own = shown_for_providers([p.id for p in providers], today)
    rules = rules_in_force(today)
    current = _framework()
    schools = _schools(user)
    school_actions = _open_actions([s.id for s in schools], Action.school_id)
    school_current = _framework("school")
    visits = _editable_visits(user)
    judgements = _judgements_of(visits)
    # A visit keeps the version it was started under: each of those is on the tablet too.
    versions = {v.framework_version.name: v.framework_version for v in visits}
    for version in (current, school_current):
        if version is not None:
            versions[version.name] = version
    # What each editable school visit checks, and what a new visit to each school would.
    school_visits = [v for v in visits if v.is_school_visit]
    starting = [NewSchoolVisit(None, s.id, today) for s in schools]
    checked = placements_for_many(school_visits + starting, placements_visible_to(user), shape=_listed)
    count = len(school_visits)
    placements = {v.uuid: found for v, found in zip(school_visits, checked[:count], strict=True)}
    to_check = checked[count:]
    return {
        "generated_at": today,
        "user_id": user.id,
        "providers": [
            {
                "id": p.id,
                "name": p.name,
                "address": p.address,
                "postcode": p.postcode,
                "registration_status": p.registration_status,
                "next_visit_due": p.next_visit_due,
                # The QA status as the register shows it today (documents out of date count).
                **_qa_status(p, today),
                "open_actions": actions[p.id],
                "self_assessment": own.get(p.id),
            }
            for p in providers
        ],
        "schools": [
            {
                "id": s.id,
                "name": s.name,
                "urn": s.urn,
                "open_actions": school_actions[s.id],
                "placements": found,
            }
            for s, found in zip(schools, to_check, strict=True)
        ],
        "framework": _framework_json(current) if current is not None else None,
        # The name of the school visits' version in force (its content is in frameworks).
        "school_framework": school_current.name if school_current is not None else None,
        "frameworks": {name: _framework_json(version) for name, version in versions.items()},
        "visits": [_visit_json(visit, judgements[visit.id], placements.get(visit.uuid)) for visit in visits],
        "labels": form_labels(),
        "registration_rules": {"name": rules.name, "title": rules.title, "rules": rules.rules}
        if rules
        else None,
        # Providers are already ordered by when they are due (never visited first).
        "programme": [
            {
                "provider_id": p.id,
                "next_visit_due": p.next_visit_due,
                "overdue": p.next_visit_due is None or p.next_visit_due < today,
            }
            for p in providers
        ],
    }
