"""How ratings, QA statuses and dates look in pages: always a word, never colour alone.

Plain functions (template globals) rather than Jinja macros, because the register and
the visit pages draw dozens of them per request. Dates are formatted by qa_app.dates, as
everywhere else.
"""

from flask import url_for
from markupsafe import Markup

from qa_app import dates

RAG_TAGS = {
    "red": Markup('<strong class="govuk-tag app-rag govuk-tag--red">Red</strong>'),
    "amber": Markup('<strong class="govuk-tag app-rag govuk-tag--orange">Amber</strong>'),
    "green": Markup('<strong class="govuk-tag app-rag govuk-tag--green">Green</strong>'),
    None: Markup('<strong class="govuk-tag app-rag govuk-tag--grey">Not rated</strong>'),
}
QA_STATUS_TAGS = {
    "quality_assured": Markup('<strong class="govuk-tag govuk-tag--green">Quality assured</strong>'),
    "documents_overdue": Markup(
        '<strong class="govuk-tag govuk-tag--yellow">Quality assured \u2014 documents overdue</strong>'
    ),
    "not_quality_assured": Markup('<strong class="govuk-tag govuk-tag--red">Not quality assured</strong>'),
    "documents_out_of_date": Markup(
        '<strong class="govuk-tag govuk-tag--red">Not quality assured (documents out of date)</strong>'
    ),
    "expired": Markup('<strong class="govuk-tag govuk-tag--yellow">Expired</strong>'),
    "suspended": Markup('<strong class="govuk-tag govuk-tag--purple">Suspended</strong>'),
}


def rag_tag(rag):
    """A RAG rating as a GOV.UK tag with its word."""
    return RAG_TAGS[rag or None]


INSUFFICIENT_TAG = Markup('<strong class="govuk-tag app-rag govuk-tag--grey">Insufficient evidence</strong>')


def theme_tag(rating):
    """A theme's rating (as stored on a visit, or as a page shows it) as a tag: "Insufficient
    evidence" for a theme where too little was seen, never a colour; else its RAG."""
    rating = rating or {}
    insufficient = rating.get("insufficient_evidence") or rating.get("state") == "insufficient"
    if insufficient and rating.get("rag") != "red":
        return INSUFFICIENT_TAG
    return rag_tag(rating.get("rag"))


def qa_status_tag(status):
    """A QA status as a GOV.UK tag with its words."""
    return QA_STATUS_TAGS[status]


# A record's id no URL of the app holds otherwise, put in the one argument url_pattern leaves open.
_MARKER = 987654321


class UrlPattern:
    """A page's URL with one id left open: `pattern(id)` joins three strings, where
    url_for would match the endpoint's rule again for every row of a long table."""

    def __init__(self, endpoint, key, **values):
        before, found, after = url_for(endpoint, **{key: _MARKER}, **values).partition(str(_MARKER))
        if not found:
            raise ValueError(f"{endpoint}'s URL does not show {key}")
        self.before, self.after = before, after

    def __call__(self, value):
        return f"{self.before}{value}{self.after}"


def url_pattern(endpoint, key, **values):
    """url_pattern("pages.provider_page", "provider_id")(7) == url_for(..., provider_id=7)."""
    return UrlPattern(endpoint, key, **values)


def init_app(app):
    """Make the functions available to every template."""
    for function in (rag_tag, theme_tag, qa_status_tag, url_pattern):
        app.add_template_global(function)
    app.add_template_global(dates.short_date, "format_date")
    app.add_template_global(dates.date_time, "format_date_time")
