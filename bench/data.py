"""A fresh benchmark database: schema, framework, users and the bulk rows, in seconds.

The rows come from bench.population. Providers' rating columns are worked out here the
way visits.provider_rating.refresh_rating does it (the latest signed-off visit, then the
framework's rules), in one pass rather than one ORM call per provider.
"""

import random
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import MetaData, bindparam, create_engine, inspect, make_url, text

from bench import population
from qa_app.auth.services import create_user
from qa_app.extensions import db
from qa_app.framework.rating import next_visit_due, qa_valid_until
from qa_app.framework.services import load_default_framework
from qa_app.providers.models import Provider, ProviderService
from qa_app.registration.services import load_default_rules
from qa_app.visits.models import Visit

SIGN_IN_EMAIL = "bench-officer@example.org"
SIGN_IN_PASSWORD = "bench-password-1"
HEAD_EMAIL = "head@example.org"
# Left in every database the benchmark builds, so that the next run may empty it.
MARKER_TABLE = "bench_built_this_database"


@dataclass
class Built:
    """What was built, and how long it took."""

    providers: int
    visits: int
    services: int
    signed_off: int
    seconds: float


def reset_database(url, wipe=False):
    """Leave an empty database at `url`: a new SQLite file, or a server database emptied.

    A server database that already has tables is only emptied when the benchmark built
    them (it leaves MARKER_TABLE beside them) or `wipe` is true, so pointing the
    benchmark at a real database by mistake loses nothing.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    try:
        tables = inspect(engine).get_table_names()
        if tables and MARKER_TABLE not in tables and not wipe:
            raise SystemExit(
                f"The database at {parsed.render_as_string()} already has tables "
                f"({', '.join(sorted(tables)[:5])}...). Pass --wipe to drop them."
            )
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
    finally:
        engine.dispose()


def build(app, providers, visits, seed=2025, today=None):
    """Create the schema, the frameworks, the registration rules, users and the bulk rows; returns Built.

    The schema comes from the models, as in the tests, so the benchmark runs while a
    model change is ahead of its migration.
    """
    today = today or date.today()
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {MARKER_TABLE} (built_at VARCHAR(40))"))
        # What `flask load-framework` loads: the school visits' areas and the registration
        # rules too, so school visits can be made and placements are tested across schools.
        version = load_default_framework()
        load_default_framework("school")
        load_default_rules()
        officers = [create_user(SIGN_IN_EMAIL, "Bench Officer", "officer", SIGN_IN_PASSWORD)]
        officers += [
            create_user(f"officer{n}@example.org", f"Officer {n}", "officer", SIGN_IN_PASSWORD)
            for n in (2, 3)
        ]
        head = create_user(HEAD_EMAIL, "Head of Access", "head_of_access", SIGN_IN_PASSWORD)
        db.session.commit()

        rng = random.Random(seed)
        provider_rows, service_rows = population.provider_rows(rng, providers)
        outcomes = population.outcome_pool(rng, version)
        visit_rows = population.visit_rows(
            rng,
            provider_rows,
            visits,
            outcomes,
            version.id,
            [o.id for o in officers],
            head.id,
            today,
        )
        ratings = _ratings(visit_rows, version.rules, today)

        with db.engine.begin() as connection:
            connection.execute(Provider.__table__.insert(), provider_rows)
            connection.execute(ProviderService.__table__.insert(), service_rows)
            connection.execute(Visit.__table__.insert(), visit_rows)
            if ratings:
                connection.execute(_rating_update(), ratings)
            _after_bulk_load(connection)
    return Built(
        providers=len(provider_rows),
        visits=len(visit_rows),
        services=len(service_rows),
        signed_off=sum(1 for v in visit_rows if v["status"] == "signed_off"),
        seconds=time.perf_counter() - started,
    )


def _ratings(visit_rows, rules, today):
    """Each rated provider's rating columns, as refresh_rating would set them."""
    latest = {}
    for row in visit_rows:
        if row["status"] != "signed_off":
            continue
        key = (row["visit_date"], row["signed_off_at"], row["id"])
        best = latest.get(row["provider_id"])
        if best is None or key > (
            best["visit_date"],
            best["signed_off_at"],
            best["id"],
        ):
            latest[row["provider_id"]] = row
    updates = []
    for provider_id, visit in latest.items():
        if visit["overall_rag"] is None:
            continue
        rag, when = visit["overall_rag"], visit["visit_date"]
        updates.append(
            {
                "b_id": provider_id,
                "b_visit": visit["id"],
                "b_rag": rag,
                "b_date": when,
                "b_valid": qa_valid_until(rag, when, rules),
                "b_due": next_visit_due(rag, when, rules, today),
            }
        )
    return updates


def _rating_update():
    table = Provider.__table__
    return (
        table.update()
        .where(table.c.id == bindparam("b_id"))
        .values(
            rated_visit_id=bindparam("b_visit"),
            rating_rag=bindparam("b_rag"),
            rating_visit_date=bindparam("b_date"),
            qa_valid_until=bindparam("b_valid"),
            next_visit_due=bindparam("b_due"),
        )
    )


def _after_bulk_load(connection):
    """PostgreSQL: move id sequences past the explicit ids, and gather planner statistics
    (autovacuum would, on a live server). SQLite is left as the app leaves it: no ANALYZE."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("provider", "visit"):
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )
    connection.execute(text("ANALYZE"))
