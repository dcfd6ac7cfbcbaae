"""The pages at a provider's or a school's URL, put together from the features they show. A
new engineer finds a page from its URL: every `/providers/…` page is here or in
qa_app/providers/, every `/schools/…` page here or in qa_app/admin/.

The provider's page (`provider`) with its actions (`provider_actions`), documents
(`provider_documents`), shared drafts (`provider_drafts`), staff and self-assessment
(`provider_staff`) and the register's exports (`register_exports`); the school's page
(`school`) and its marks for the school's register (`school_marks`); starting a visit to
either (`visit_start`); school staff's home (`school_home`) and the Head of Access's dashboard
(`dashboard`).

This package is not a feature: it sits above every feature it draws on, may read their forms
(.importlinter), and keeps no rules of its own. Each feature keeps the queries and rules behind
what its pages show, and a page it shares with its own URLs (the provider staff's
`/provider/actions`, …) in a module of its own that both views call.
"""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from qa_app.pages import (  # noqa: E402,F401
    dashboard,
    provider,
    provider_actions,
    provider_documents,
    provider_drafts,
    provider_staff,
    register_exports,
    school,
    school_home,
    school_marks,
    visit_start,
)
