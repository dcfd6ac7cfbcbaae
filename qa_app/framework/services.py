"""Framework versions: load the default, copy into a draft, edit criteria, publish.

These functions flush but never commit; the caller commits once.
"""

import copy
import re

from sqlalchemy import select

from qa_app.dates import utcnow
from qa_app.domain import Invalid, Locked
from qa_app.extensions import db
from qa_app.framework import defaults
from qa_app.framework.documents import default_documents
from qa_app.framework.models import Criterion, FrameworkVersion
from qa_app.statements import built_once

VERSION_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z ._-]{0,39}$")


def current_version(kind="provider"):
    """The framework version in force for provider (or school) visits: the most recently
    published one of that kind."""
    return db.session.scalar(_current_version(kind))


@built_once
def _current_version(kind):
    return (
        select(FrameworkVersion)
        .where(FrameworkVersion.status == "published", FrameworkVersion.kind == kind)
        .order_by(FrameworkVersion.published_at.desc(), FrameworkVersion.id.desc())
        .limit(1)
    )


def version_named(name):
    """The framework version with this name, or None."""
    return db.session.scalar(select(FrameworkVersion).where(FrameworkVersion.name == name))


def load_default_framework(kind="provider"):
    """Create and publish the default framework of this kind (the 2025-2026 framework for
    providers, or the school visits' areas) unless it exists. Returns it."""
    name, title, rules, criteria, themes = defaults.DEFAULTS[kind]
    version = version_named(name)
    if version is not None:
        return version
    rules = copy.deepcopy(rules)
    if kind == "provider":
        rules.setdefault("documents", default_documents())
    version = FrameworkVersion(
        name=name,
        kind=kind,
        title=title,
        rules=rules,
        status="published",
        published_at=utcnow(),
    )
    codes = [code for code, _ in themes]
    numbers = {}
    for position, (theme, text, guidance, critical) in enumerate(criteria, start=1):
        numbers[theme] = numbers.get(theme, 0) + 1
        version.criteria.append(
            Criterion(
                theme=theme,
                theme_position=codes.index(theme),
                code=f"{theme}{numbers[theme]}",
                text=text,
                guidance=guidance,
                critical=critical,
                position=position,
                standard_area=defaults.standard_area_of(f"{theme}{numbers[theme]}")
                if kind == "provider"
                else None,
            )
        )
    db.session.add(version)
    db.session.flush()
    return version


def _require_draft(version):
    if version.is_published:
        raise Locked(f"{version.name} is published and cannot be changed. Copy it into a new draft.")


def copy_version(source, name, title):
    """Copy a version, criteria and rules, into a new draft with the given name."""
    name = (name or "").strip()
    if not VERSION_NAME.match(name):
        raise Invalid({"name": "Enter a version name such as 2026-2027 (letters, numbers, dashes)"})
    if version_named(name) is not None:
        raise Invalid({"name": f"A framework version called {name} already exists"})
    draft = FrameworkVersion(
        name=name,
        kind=source.kind,
        title=(title or "").strip() or source.title,
        rules=copy.deepcopy(source.rules),
        status="draft",
        copied_from_id=source.id,
    )
    for c in source.criteria:
        draft.criteria.append(
            Criterion(
                theme=c.theme,
                theme_position=c.theme_position,
                code=c.code,
                text=c.text,
                guidance=c.guidance,
                critical=c.critical,
                position=c.position,
                retired=c.retired,
                standard_area=c.standard_area,
            )
        )
    db.session.add(draft)
    db.session.flush()
    return draft


def update_criterion(criterion, text, guidance, critical):
    """Change a draft criterion's text, guidance and critical flag."""
    _require_draft(criterion.version)
    criterion.text = text.strip()
    criterion.guidance = (guidance or "").strip()
    criterion.critical = bool(critical)
    db.session.flush()


def add_criterion(version, theme, text, guidance, critical):
    """Add a criterion at the end of a theme with the next unused code (codes never repeat)."""
    _require_draft(version)
    codes = list(version.themes)
    if theme not in codes:
        raise Invalid({"theme": "Choose a theme"})
    used = [int(c.code[2:]) for c in version.criteria if c.theme == theme]
    positions = [c.position for c in version.criteria if c.theme == theme]
    criterion = Criterion(
        theme=theme,
        theme_position=codes.index(theme),
        code=f"{theme}{max(used, default=0) + 1}",
        text=text.strip(),
        guidance=(guidance or "").strip(),
        critical=bool(critical),
        position=max(positions, default=0) + 1,
    )
    version.criteria.append(criterion)
    db.session.flush()
    return criterion


def set_retired(criterion, retired):
    """Retire a criterion from a draft (or bring it back); its code is never reused."""
    _require_draft(criterion.version)
    criterion.retired = retired
    db.session.flush()


def move_criterion(criterion, direction):
    """Swap a draft criterion with its neighbour in the same theme (direction -1 or +1)."""
    _require_draft(criterion.version)
    siblings = [c for c in criterion.version.criteria if c.theme == criterion.theme]
    index = siblings.index(criterion)
    other = index + direction
    if 0 <= other < len(siblings):
        neighbour = siblings[other]
        criterion.position, neighbour.position = neighbour.position, criterion.position
        db.session.flush()


def update_rules(version, rules):
    """Replace a draft version's rating thresholds (already validated by the form); the
    documents providers must hold stay as they are."""
    _require_draft(version)
    kept = {"documents": version.rules["documents"]} if "documents" in version.rules else {}
    version.rules = {**rules, **kept}
    db.session.flush()


def update_documents(version, documents):
    """Replace the documents providers must hold under a draft version."""
    _require_draft(version)
    if version.kind != "provider":
        raise Invalid({"mandatory": "Only a provider framework lists documents"})
    version.rules = {**version.rules, "documents": documents}
    db.session.flush()


def publish(version):
    """Publish a draft: it comes into force and never changes again."""
    _require_draft(version)
    for theme, criteria in version.criteria_by_theme().items():
        if not criteria:
            raise Invalid({"criteria": f"{version.themes[theme]} has no criteria in use"})
    version.status = "published"
    version.published_at = utcnow()
    db.session.flush()
