"""The migrations build the schema the models describe, from an empty database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from qa_app.extensions import db


def test_upgrade_from_empty_matches_the_models(make_app):
    """`flask db upgrade` on an empty database gives exactly the models' tables and columns."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models and migrations disagree: run `flask db migrate`"


def test_downgrade_to_empty_and_up_again(make_app):
    """Every revision can be undone, and the schema rebuilt."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "provider" in inspect(db.engine).get_table_names()
