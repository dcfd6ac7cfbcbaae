"""The emails of new attendance alerts (docs/domain.md §2.10): one to each school for its
pupils, one to the Head of Access for looked-after pupils and those with an EHC plan, and one
to each officer for the registers of their providers not marked by the deadline."""

from collections import defaultdict

from flask import current_app, url_for
from sqlalchemy import select

from qa_app.alerts.models import SESSION_WORDS
from qa_app.auth.models import User
from qa_app.auth.services import active_emails
from qa_app.dates import long_date
from qa_app.extensions import db


def _recipients(pairs):
    """({school id: its active staff's addresses}, [the Head of Access's addresses]): two
    queries at most. `pairs` are (Due, the alert's id)."""
    schools = {item.row.school_id for item, _ in pairs if item.kind != "register_not_marked"}
    staff = defaultdict(list)
    if schools:
        for school_id, email in db.session.execute(
            select(User.school_id, User.email)
            .where(User.role == "school", User.active.is_(True), User.school_id.in_(schools))
            .order_by(User.email)
        ):
            staff[school_id].append(email)
    heads = active_emails("head_of_access")
    return staff, list(heads)


def _line(item, link):
    """One alert as a line of an email."""
    row, when = item.row, SESSION_WORDS[item.session]
    if item.kind == "register_not_marked":
        return f"- {row.provider_name} has not marked its register {when}.\n  {link}"
    what = (
        "was absent with no known reason"
        if item.kind == "absent_unknown"
        else "was not marked by the deadline"
    )
    return f"- {row.pupil_ref} ({row.school_name}) at {row.provider_name} {what} {when}.\n  {link}"


def emails_for(pairs, day):
    """The emails for new alerts: one per school, one to the Head of Access for looked-after
    pupils and those with an EHC plan, one per officer for registers not marked."""
    staff, heads = _recipients(pairs)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        links = {alert_id: url_for("alerts.show", alert_id=alert_id, _external=True) for _, alert_id in pairs}
    per_school, per_officer, to_head = defaultdict(list), defaultdict(list), []
    for item, alert_id in pairs:
        line = _line(item, links[alert_id])
        if item.kind == "register_not_marked":
            per_officer[item.row.officer_email].append(line)
            continue
        per_school[item.row.school_id].append((item, line))
        if item.row.flagged:
            to_head.append(line)
    when = long_date(day)
    messages = [_school_message(staff[school_id], items, when) for school_id, items in per_school.items()]
    if to_head:
        messages.append(_head_message(heads, to_head, when))
    messages += [_officer_message(email, lines, heads, when) for email, lines in per_officer.items()]
    return messages


def _school_message(staff, items, when):
    """(to, subject, body) of a school's alerts: its pupils to follow up today."""
    name = items[0][0].row.school_name
    return (
        staff,
        f"Attendance alert: {_count(len(items))} in alternative provision, {when} ({name})",
        "Your pupils in alternative provision below need following up today: a provider has "
        "marked them absent with no known reason, or has not marked them by the deadline.\n\n"
        + "\n".join(line for _, line in items)
        + "\n\nContact home, then record what you did (contacted home, the pupil is safe, or "
        "referred) on each alert's page.\n",
    )


def _head_message(heads, lines, when):
    """(to, subject, body) for the Head of Access: looked-after pupils and those with an EHC plan."""
    return (
        heads,
        f"Attendance alert: {_count(len(lines))} looked after or with an EHC plan, {when}",
        "These pupils are looked after or have an EHC plan. Their schools have had the alert.\n\n"
        + "\n".join(lines)
        + "\n",
    )


def _officer_message(officer_email, lines, heads, when):
    """(to, subject, body) for an officer (or, for a provider with none, the Head of Access):
    registers not marked by the deadline."""
    return (
        [officer_email] if officer_email else heads,
        f"Registers not marked by the deadline, {when}",
        "A provider you look after has not marked its register by the authority's deadline"
        + ("" if officer_email else " (the provider has no officer, so this comes to you)")
        + ". Ask it to mark every pupil now.\n\n"
        + "\n".join(lines)
        + "\n",
    )


def _count(n):
    return f"{n} pupil" if n == 1 else f"{n} pupils"
