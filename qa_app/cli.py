"""Command-line tasks: create-user, load-framework, seed-demo, send-overdue-reminders,
send-notifications, check-placements, send-provider-reminders, attendance-alerts,
move-files-into-database, apply-retention."""

from datetime import date

import click
from flask import current_app
from sqlalchemy.exc import IntegrityError

from qa_app import demo
from qa_app.action_plans.services import send_overdue_notices
from qa_app.alerts.services import raise_alerts
from qa_app.auth.models import ROLES
from qa_app.auth.passwords import password_problem
from qa_app.auth.services import create_user, provider_id_named
from qa_app.dates import UK
from qa_app.documents.reminders import send_document_reminders
from qa_app.documents.services import refresh_all
from qa_app.domain import Invalid
from qa_app.escalations.notify import send_overdue_reminders
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.notifications.outbox import deliver_due, deliver_forever
from qa_app.photos.moving import move_photos_into_database
from qa_app.placements.cross_school_test import check_all
from qa_app.registration.services import load_default_rules, rules_in_force
from qa_app.retention.disposal import dispose
from qa_app.retention.rules import due


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--name", default=None, help="Full name (defaults to the email's first part).")
@click.option("--school", default=None, help="The school, for school users.")
@click.option("--provider", default=None, help="The provider's name, for provider staff.")
@click.password_option(help="Asked for when not given.")
def create_user_command(email, role, name, school, provider, password):
    """Create a user who can sign in with EMAIL."""
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)
    provider_id = provider_id_named(provider) if provider else None
    if provider and provider_id is None:
        raise click.UsageError(f"No provider is called {provider!r}.")
    try:
        user = create_user(
            email, name or email.split("@")[0], role, password, school_name=school, provider_id=provider_id
        )
    except Invalid as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role_label}).")


@click.command("load-framework")
def load_framework_command():
    """Load the default 2025-2026 QA framework, the school visits' areas and the
    registration rules if not there yet."""
    version = load_default_framework()
    schools = load_default_framework("school")
    load_default_rules()
    db.session.commit()
    click.echo(f"Framework {version.name}: {len(version.criteria)} criteria.")
    click.echo(
        f"School visits {schools.name}: {len(schools.criteria)} criteria in {len(schools.themes)} areas."
    )
    click.echo(f"Registration rules in force: {rules_in_force().title}.")


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo authority (providers, visits, one user per role) if the database is empty."""

    if current_app.config["ENV_NAME"] == "production":
        raise click.UsageError("Demo data is for development only.")
    created = demo.seed()
    db.session.commit()
    click.echo("Demo data loaded." if created else "The database already has users; demo data not loaded.")
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_USERS:
        click.echo(f"  {email:<24} {ROLES[role]}")


@click.command("send-overdue-reminders")
def send_overdue_reminders_command():
    """Email the Head of Access about escalations not reviewed within 5 working days (run daily)."""

    sent = send_overdue_reminders(date.today())
    db.session.commit()
    click.echo(f"Reminders sent: {sent}.")
    click.echo("They are in the outbox: `flask send-notifications` delivers them.")


@click.command("send-notifications")
@click.option("--loop", is_flag=True, help="Keep running, delivering what is due every --interval seconds.")
@click.option(
    "--interval", default=30, show_default=True, type=click.IntRange(1, 3600), help="Seconds between rounds."
)
def send_notifications_command(loop, interval):
    """Deliver the emails waiting in the outbox; failures are retried later (run every minute,
    or as a service with --loop, which SIGTERM stops cleanly)."""

    if loop:
        deliver_forever(interval, click.echo)  # until SIGTERM or SIGINT, after the email in hand
        return
    sent, failed = deliver_due()
    click.echo(f"Emails sent: {sent}; failed, to retry later: {failed}.")
    if failed:
        raise SystemExit(1)


@click.command("check-placements")
def check_placements_command():
    """Run the registration test across schools for every provider not known to be registered,
    with the rules in force today (run daily: placements start and rules come into force)."""

    outcomes = check_all(date.today())
    db.session.commit()
    indicated = [result for result, escalation in outcomes.values() if escalation is not None]
    click.echo(
        f"Providers tested: {len(outcomes)}; with an open escalation from placements: {len(indicated)}."
    )


@click.command("send-provider-reminders")
def send_provider_reminders_command():
    """Remind providers and their officers of documents about to expire (42 and 14 days
    before, and on the day) and of actions past their due date, each once (run daily)."""

    today = date.today()
    refresh_all()
    documents = send_document_reminders(today)
    actions = send_overdue_notices(today)
    db.session.commit()
    click.echo(f"Document reminders: {documents}. Overdue actions: {actions}.")
    click.echo("They are in the outbox: `flask send-notifications` delivers them.")


@click.command("attendance-alerts")
@click.option(
    "--at",
    "at",
    default=None,
    type=click.DateTime(["%Y-%m-%dT%H:%M"]),
    help="Run as at this UK time, e.g. 2026-12-08T10:05 (to check a day's alerts); now by default.",
)
def attendance_alerts_command(at):
    """Raise today's attendance alerts not raised yet: pupils absent with no known reason, or
    not marked by the deadline, and registers not marked (run every few minutes in the day)."""

    try:
        raised = raise_alerts(at.replace(tzinfo=UK) if at else None)
        db.session.commit()
    except IntegrityError as error:  # another run raised the same alerts first: none is sent twice
        db.session.rollback()
        raise click.ClickException(
            "Another run raised these alerts at the same moment; nothing was added."
        ) from error
    kinds = ", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in sorted(raised.by_kind.items()))
    click.echo(
        f"Alerts raised: {raised.alerts}{f' ({kinds})' if kinds else ''}. Emails queued: {raised.emails}."
    )
    click.echo("They are in the outbox: `flask send-notifications` delivers them.")


@click.command("move-files-into-database")
def move_files_into_database_command():
    """Move photos still on this server's disk (PHOTO_STORAGE_PATH) into the database; safe to
    run again (run once on one server after upgrading)."""

    counts = move_photos_into_database(say=click.echo)
    click.echo(
        f"Photos moved into the database: {counts.moved}; already there: {counts.already_in_database}; "
        f"files not found: {len(counts.missing)}."
    )
    click.echo("Providers' documents are already in the database.")


@click.command("apply-retention")
@click.option("--dry-run", is_flag=True, help="List what would be disposed of, and change nothing.")
@click.option(
    "--on",
    "on",
    default=None,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Apply the rules as on this day, e.g. 2042-09-01 (today by default).",
)
def apply_retention_command(dry_run, on):
    """Dispose of the records past their retention date that no legal hold keeps, logging each
    rule's count (run nightly); with --dry-run, list them (with their references, for the
    operator only) and delete nothing."""

    batches = due(on.date() if on else date.today())
    for batch in batches:
        held = f"; kept on hold: {batch.held}" if batch.held else ""
        click.echo(f"{batch.kind} · {batch.rule}: {len(batch.ids)}{held}")
        if dry_run and batch.references:
            click.echo("  " + ", ".join(str(reference) for reference in batch.references))
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was deleted.")
        return
    logged = dispose(batches)
    db.session.commit()
    click.echo(
        f"Disposed of {sum(entry.count for entry in logged)} records; the disposal log has the counts."
    )


def init_app(app):
    """Add the commands to `flask`."""
    for command in (
        create_user_command,
        load_framework_command,
        seed_demo_command,
        send_overdue_reminders_command,
        send_notifications_command,
        check_placements_command,
        send_provider_reminders_command,
        attendance_alerts_command,
        move_files_into_database_command,
        apply_retention_command,
    ):
        app.cli.add_command(command)
