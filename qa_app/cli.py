"""Command-line tasks: create-user, load-framework, seed-demo, send-overdue-reminders,
send-notifications, check-placements."""

import click
from flask import current_app

from qa_app.auth.models import ROLES
from qa_app.auth.passwords import password_problem
from qa_app.auth.services import create_user
from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.registration.services import load_default_rules, rules_in_force


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--name", default=None, help="Full name (defaults to the email's first part).")
@click.option("--school", default=None, help="The school, for school users.")
@click.password_option(help="Asked for when not given.")
def create_user_command(email, role, name, school, password):
    """Create a user who can sign in with EMAIL."""
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)
    try:
        user = create_user(email, name or email.split("@")[0], role, password, school_name=school)
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
    from qa_app import demo

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
    from datetime import date

    from qa_app.escalations.notify import send_overdue_reminders

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
    """Deliver the emails waiting in the outbox; failures are retried later (run every minute)."""
    from qa_app.notifications.outbox import deliver_due, deliver_forever

    if loop:
        deliver_forever(interval, click.echo)
    sent, failed = deliver_due()
    click.echo(f"Emails sent: {sent}; failed, to retry later: {failed}.")
    if failed:
        raise SystemExit(1)


@click.command("check-placements")
def check_placements_command():
    """Run the registration test across schools for every provider not known to be registered,
    with the rules in force today (run daily: placements start and rules come into force)."""
    from datetime import date

    from qa_app.placements.registration import check_all

    outcomes = check_all(date.today())
    db.session.commit()
    indicated = [result for result, escalation in outcomes.values() if escalation is not None]
    click.echo(
        f"Providers tested: {len(outcomes)}; with an open escalation from placements: {len(indicated)}."
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
    ):
        app.cli.add_command(command)
