"""qa_app: quality assurance of alternative provision for a local authority."""

import gc
import os
from pathlib import Path

from flask import Flask
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from qa_app import display, kept_figures, signals
from qa_app.auth.permissions import Allowed, navigation
from qa_app.config import CONFIGS
from qa_app.escalations.models import EVENTS, SOURCES, STATES
from qa_app.extensions import csrf, db, limiter, login_manager, migrate
from qa_app.framework.defaults import THEMES
from qa_app.framework.rating import RATINGS
from qa_app.providers.models import SERVICES
from qa_app.registration.law import LIMB_LABELS, RESULT_LABELS, STATUS_LABELS
from qa_app.request_limits import BoundedRequest
from qa_app.visits.models import ACTION_OWNERS, EVENT_LABELS, FIELD_LABELS, VISIT_STATUSES, VISIT_TYPES

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    """Build the app: config, extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    env = (test_config or {}).get("ENV_NAME") or os.environ.get("QA_APP_ENV", "development")
    app.request_class = BoundedRequest
    app.config.from_object(CONFIGS[env])
    app.config["ENV_NAME"] = env
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    _finish_config(app)
    if app.config.get("TRUSTED_PROXIES"):
        proxies = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    signals.check_receivers()  # every receiver's module is imported by now
    if app.config["FREEZE_STARTUP_OBJECTS"]:
        _freeze_startup_objects()
    return app


def _freeze_startup_objects():
    """Collect what building the app left behind, then move every object still alive into
    the collector's permanent generation. They are the process's for its life; without
    this, each full collection (one every dozen large requests, such as the offline
    bundle) walks all of them and costs more than the request itself."""
    gc.collect()
    gc.freeze()


def _finish_config(app):
    """Fill in the defaults that depend on the instance folder, and refuse unsafe production."""
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "qa_app.sqlite"
        )
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set outside development (see README).")


def register_templates(app):
    """Let templates use the GOV.UK Frontend macros beside the app's own templates."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    display.init_app(app)
    app.add_template_global(navigation)
    app.context_processor(lambda: {"allowed": Allowed(current_user)})
    app.add_template_global(THEMES, "themes")
    app.add_template_global(VISIT_STATUSES, "visit_statuses")
    app.add_template_global(VISIT_TYPES, "visit_types")
    app.add_template_global(ACTION_OWNERS, "action_owners")
    app.add_template_global(EVENT_LABELS, "event_labels")
    app.add_template_global(FIELD_LABELS, "field_labels")
    app.add_template_global(RATINGS, "ratings")
    app.add_template_global(STATES, "escalation_states")
    app.add_template_global(SOURCES, "escalation_sources")
    app.add_template_global(EVENTS, "escalation_events")
    app.add_template_global(RESULT_LABELS, "registration_results")
    app.add_template_global(LIMB_LABELS, "registration_limbs")
    app.add_template_filter(STATUS_LABELS.get, "status_label")
    app.add_template_filter(SERVICES.get, "service_label")


def register_extensions(app):
    """Bind the unbound extensions to this app."""
    from qa_app import bad_input, models, request_log, security, session_cookie  # noqa: F401  (models: every table for Alembic)

    app.session_interface = session_cookie.SessionCookie()
    request_log.init_app(app)  # first: every request gets its id before anything answers it
    db.init_app(app)
    kept_figures.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    bad_input.init_app(app)  # before the blueprints: it bounds their <int:...> ids


def register_blueprints(app):
    """Register one blueprint per feature."""
    from qa_app import (
        action_plans,
        admin,
        alerts,
        api,
        audit,
        auth,
        documents,
        drafts,
        escalations,
        framework,
        health,
        offline,
        pages,
        photos,
        placements,
        portal,
        providers,
        referrals,
        register,
        registration,
        reports,
        retention,
        schools,
        subject_access,
        submission,
        visits,
    )

    for module in (
        auth,
        providers,
        visits,
        registration,
        submission,
        escalations,
        pages,
        register,
        framework,
        admin,
        schools,
        health,
        api,
        photos,
        placements,
        referrals,
        reports,
        offline,
        portal,
        documents,
        action_plans,
        drafts,
        alerts,
        audit,
        retention,
        subject_access,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(portal.staff_bp)


def register_errorhandlers(app):
    """Render the error pages in the service's own style."""
    from qa_app import errors

    errors.init_app(app)


def register_commands(app):
    """Add the flask CLI commands (seed-demo, create-user, load-framework)."""
    from qa_app import cli

    cli.init_app(app)
