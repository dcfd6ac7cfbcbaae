"""CSV import of placements from a school's MIS (docs/domain.md §2.6).

The template has one column per field a placement's first record needs, headed in plain
words with the codes it takes. A file is read with the csv module into one PlacementBody
per row, and each row goes through services.new_placement, the checks save_placement makes
of a new placement, so an imported placement obeys every rule a typed one does. The school,
the providers the rows name and the school's placements are looked up once for the file,
not once a row; the rows are then written together in one transaction. The dry run checks
the same way and writes nothing, and nothing is imported while any row has a problem. The
registration test across schools runs once for the providers an import touches."""

import uuid
from datetime import date, timedelta

from sqlalchemy import delete, select

from qa_app.auth.models import School
from qa_app.dates import utcnow
from qa_app.domain import DomainError, Invalid
from qa_app.extensions import db
from qa_app.placements.import_file import BY_NAME, Checked, Problem, read_rows, row_problems
from qa_app.placements.models import Placement, PlacementImport
from qa_app.placements.placing import notify_placing
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import add_placements, new_placement_row
from qa_app.providers.models import Provider
from qa_app.providers.services import normalise_name, providers_by_reference
from qa_app.schemas import read

KEPT_FOR = timedelta(days=1)


# -- running an import -------------------------------------------------------------------------


def _provider_id(providers, cell, number, problems):
    """The id of the one provider the cell names; None (and a problem) otherwise."""
    ids = providers.get(normalise_name(cell), [])
    if len(ids) == 1:
        return ids[0]
    message = (
        f"'{cell}' names more than one provider: use its URN or UKPRN"
        if ids
        else f"'{cell}' is not a provider on the register: use its name, URN or UKPRN as the register shows them"
    )
    problems.append(Problem(number, BY_NAME["provider_id"].label, message))
    return None


def _named_providers(rows):
    """{provider id: Provider} of the providers the rows name by their name, URN or UKPRN
    (all found in one query); each row's body then holds its provider's id, or a problem."""
    references = providers_by_reference([body.get("provider_id") for _, body, _ in rows if body])
    for number, body, problems in rows:
        if body and "provider_id" in body:
            body["provider_id"] = _provider_id(references, body["provider_id"], number, problems)
    return find_providers({body.get("provider_id") for _, body, _ in rows if body})


def _placements_of(school_id):
    """{(pupil reference, start date)} of the school's placements: a row for one is refused."""
    query = select(Placement.pupil_ref, Placement.start_date).where(Placement.school_id == school_id)
    return set(db.session.execute(query).all())


def run(user, school_id, text, today=None, dry_run=False):
    """Check every row as save_placement checks a new placement of the school and, unless
    this is a dry run, add them all in the current transaction; returns a Checked. The
    school, the providers named and the school's placements are each looked up once for the
    whole file, the rows are written together, and the registration test across schools runs
    once for the providers touched. The caller commits only when it is ok (or rolls back),
    so nothing is imported while any row has a problem."""
    today = today or date.today()
    checked = Checked()
    rows = list(read_rows(text))
    school = db.session.get(School, school_id)
    providers = _named_providers(rows)
    taken = _placements_of(school_id)
    checks = {}  # each provider's placing check, made once
    for number, body, problems in rows:
        checked.rows += 1
        if body is None:
            checked.problems.extend(problems)
            continue
        try:
            change = read(PlacementBody, {**body, "school_id": school_id}).to_change()
            if not problems:
                key = (change.pupil_ref, change.start_date)
                provider = providers.get(body["provider_id"])
                row = new_placement_row(user, change, school, provider, today, key in taken, checks)
                taken.add(key)  # a second row for the same pupil and start is refused too
                checked.saved.append(row)
        except (Invalid, DomainError) as error:
            # A cell already refused is not refused again as missing.
            flagged = {p.column for p in problems}
            problems += [p for p in row_problems(number, error) if p.column not in flagged]
        checked.problems.extend(problems)
    if not checked.ok:
        raise _Abandon(checked)
    if not dry_run:
        add_placements(checked.saved)
        _notify(checked.saved, checks)
    return checked


def find_providers(identifiers):
    """{provider id: Provider} for the providers the rows name (their ids, once each row's
    name, URN or UKPRN is found), in one query."""
    ids = {identifier for identifier in identifiers if isinstance(identifier, int)}
    if not ids:
        return {}
    return {
        provider.id: provider for provider in db.session.scalars(select(Provider).where(Provider.id.in_(ids)))
    }


def _notify(rows, checks):
    """One email a provider for the imported placements that needed the school's reason,
    rather than one a row (those placements read back in one query)."""
    needing = [row["uuid"] for row in rows if checks.get(row["provider_id"])]
    if not needing:
        return
    read_back = {p.uuid: p for p in db.session.scalars(select(Placement).where(Placement.uuid.in_(needing)))}
    by_provider = {}
    for placement in (read_back[key] for key in needing):  # in the file's order
        by_provider.setdefault(placement.provider_id, []).append(placement)
    for provider_id, placed in by_provider.items():
        notify_placing(placed, checks[provider_id])


class _Abandon(Exception):
    """Leaves a run with a problem without writing anything, carrying the checked rows."""

    def __init__(self, checked):
        self.checked = checked


def check(user, school_id, text, today=None):
    """The dry run: every row checked as the import checks it, nothing written, and the
    session rolled back; returns a Checked."""
    try:
        checked = run(user, school_id, text, today, dry_run=True)
    except _Abandon as abandoned:
        checked = abandoned.checked
    db.session.rollback()
    return checked


def import_rows(user, school_id, text, today=None):
    """The import: a Checked whose rows are flushed when ok; on a problem everything is
    rolled back (the caller commits when ok)."""
    try:
        return run(user, school_id, text, today)
    except _Abandon as abandoned:
        db.session.rollback()
        return abandoned.checked


# -- files waiting to be imported ---------------------------------------------------------------


def keep(user, school_id, filename, text, rows):
    """Keep a file that passed the dry run, for its owner to import; returns it."""
    db.session.execute(delete(PlacementImport).where(PlacementImport.created_at < utcnow() - KEPT_FOR))
    waiting = PlacementImport(
        token=str(uuid.uuid4()),
        user_id=user.id,
        school_id=school_id,
        filename=(filename or "placements.csv")[:200],
        content=text,
        rows=rows,
    )
    db.session.add(waiting)
    db.session.flush()
    return waiting


def claim(waiting):
    """Take the waiting file for this import, first thing in its transaction: False when
    another request (the same confirmation sent twice) took it first. On PostgreSQL the
    second DELETE waits for the first transaction and then finds no row."""
    taken = db.session.execute(delete(PlacementImport).where(PlacementImport.id == waiting.id))
    return taken.rowcount == 1


def waiting_import(user, token):
    """The user's own file waiting to be imported, or None (another's is none too)."""
    waiting = db.session.scalar(db.select(PlacementImport).where(PlacementImport.token == str(token)))
    if waiting is None or waiting.user_id != user.id or waiting.created_at < utcnow() - KEPT_FOR:
        return None
    return waiting
