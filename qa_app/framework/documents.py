"""The documents a provider must hold, as part of a framework version's rules.

A version's rules carry "documents": [{"code", "name", "mandatory"}], so an administrator
changes the list in a draft version and it comes into force when the version is published.
A document keeps its code from version to version while its name is unchanged, so the
copies a provider has uploaded still count under the next version.
"""

import re

DEFAULT_DOCUMENTS = (
    (
        "single_central_record",
        "Written confirmation of safer-recruitment and DBS checks (single central record)",
    ),
    ("employers_liability", "Employer's liability insurance"),
    ("public_liability", "Public liability insurance"),
    ("fire_risk_assessment", "Fire risk assessment (reviewed within 12 months)"),
    ("child_protection_policy", "Child protection policy"),
    ("dsl_training", "Designated safeguarding lead's training certificate"),
    ("health_and_safety_policy", "Health and safety policy"),
)
NAME_LIMIT = 150
DOCUMENT_LIMIT = 30


def default_documents():
    """The default list: every document mandatory."""
    return [{"code": code, "name": name, "mandatory": True} for code, name in DEFAULT_DOCUMENTS]


def documents_of(rules):
    """The version's documents, in order (none for a school visits' version)."""
    return list((rules or {}).get("documents") or [])


def _code_for(name, taken):
    """A new document's code: its name in lower case with underscores, unique in the list."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "document"
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


def documents_from_lines(current, mandatory_lines, other_lines):
    """The list that two lists of names describe (one name a line), keeping the code of each
    document whose name is unchanged. Returns (documents, problem or None)."""
    known = {d["name"].casefold(): d["code"] for d in current}
    documents, seen, taken = [], set(), set(known.values())
    for lines, mandatory in ((mandatory_lines, True), (other_lines, False)):
        for line in (lines or "").splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > NAME_LIMIT:
                return None, f"A document's name is at most {NAME_LIMIT} characters: {name[:40]}…"
            if name.casefold() in seen:
                return None, f"{name} is listed twice"
            seen.add(name.casefold())
            code = known.get(name.casefold()) or _code_for(name, taken)
            taken.add(code)
            documents.append({"code": code, "name": name, "mandatory": mandatory})
    if len(documents) > DOCUMENT_LIMIT:
        return None, f"List at most {DOCUMENT_LIMIT} documents"
    return documents, None
