"""Hypothesis posts generated values into every field of every HTML form: long text, NUL
bytes, broken UTF-8, numbers out of range and NaN, odd dates. No answer is a 500
(issue 11: "use fuzzers to show that nothing else is left").

The forms are found from the app itself: each page of the access matrix that a role may
open (and the visit's edit pages as its own officer) is fetched and its <form>s are
parsed, so a new form is fuzzed without being listed here. Bounded (FORM_EXAMPLES per
form) so that the suite stays fast.
"""

import re
import string
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_app.extensions import db
from qa_app.framework.services import copy_version, current_version
from qa_app.registration.services import copy_rules, rules_in_force
from tests.test_access import MATRIX, _access_request, _alert_about, _hold_on

FORM_EXAMPLES = 10
ROLES = ("officer", "head_of_access", "admin", "school")
# Posting these would end the session or leave the page, not test a form.
SKIPPED_ACTIONS = ("/logout",)


class FormParser(HTMLParser):
    """The <form>s of a page: method, action and each field's name, kind and choices."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action")}
            self._form["fields"] = []
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag in ("input", "textarea"):
            kind = attrs.get("type", "text") if tag == "input" else "textarea"
            if kind not in ("submit", "button", "file", "image"):
                self._form["fields"].append((attrs["name"], kind, attrs.get("value") or ""))
        elif tag == "select":
            self._select = (attrs["name"], [])
            self._form["fields"].append(("select", self._select))
        elif tag == "option" and self._select is not None:
            self._select[1].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# A number of more than 4,300 digits: Python will not even read it.
HUGE = "9" * 5000
NUMBERS = ["NaN", "sNaN", "-Infinity", "1e309", "-1", "0", "99999999999999999999", "1.5", "²", "٣", HUGE]
DATES = ["31", "2", "0", "13", "2026", "0000", "99999", "-1", "29", "9999", "20"]
AWKWARD = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x" * 301,
    "y" * 5001,
    "z" * 20001,
    "<script>",
    "=1+1",
    " ",
    "/programme\r\nSet-Cookie: x=1",
    "\n",
    "9999-12-20",
]


def value_for(current):
    """A strategy of what a person (or a script) might put in a field."""
    ordinary = st.text(string.printable + "éß€✓", max_size=40)
    choices = [st.sampled_from(AWKWARD), ordinary, st.sampled_from(NUMBERS), st.sampled_from(DATES)]
    if current:
        choices.append(st.just(current))
    return st.one_of(*choices)


def form_data(form):
    """A strategy of {field name: [values]} for a parsed form; CSRF tokens kept as they are."""
    fields = {}
    for field in form["fields"]:
        if field[0] == "select":
            name, options = field[1]
            strategy = st.one_of(st.sampled_from(options or [""]), value_for(""))
        else:
            name, kind, current = field
            if name == "csrf_token":
                strategy = st.just(current)
            elif kind in ("hidden", "radio", "checkbox"):
                strategy = st.one_of(st.just(current), value_for(current), st.just(current))
            else:
                strategy = value_for(current)
        fields.setdefault(name, []).append(strategy)
    return st.fixed_dictionaries({name: st.tuples(*values) for name, values in fields.items()})


def encoded(data):
    """The form as a urlencoded body, lone surrogates sent as the broken UTF-8 a client might."""
    pairs = [(name, value) for name, values in data.items() for value in values]
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def forms_on(client, path):
    """The forms of the page at `path` (none when it is not a 200 HTML page)."""
    response = client.get(path)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    parser = FormParser()
    parser.feed(response.get_data(as_text=True))
    for form in parser.forms:
        form["action"] = urlsplit(form["action"]).path if form["action"] else path
    return [form for form in parser.forms if form["action"] not in SKIPPED_ACTIONS]


@pytest.fixture
def people(app, make_user, make_provider, make_visit, make_escalation, make_placement, make_referral):
    """One user per role; the officer's provider with a draft and a submitted visit of
    theirs, an escalation about it, drafts of the registration rules and the framework;
    and the pages beyond the access matrix's that show their forms."""
    users = {role: make_user(role) for role in ROLES}
    provider = make_provider(officer_id=users["officer"].id)
    # The submitted visit first: an officer has one open visit to a provider at a time.
    submitted = make_visit(provider, officer=users["officer"], status="submitted", rag="amber")
    draft = make_visit(provider, officer=users["officer"], status="draft")
    escalation = make_escalation(provider, reporter=users["officer"])
    copy_rules(rules_in_force(), "2099")
    framework = copy_version(current_version(), "2099-2100", "Draft framework")
    db.session.commit()
    # A placement of the school user's own school (with a provider that needs a reason).
    placement = make_placement(users["school"].school, provider)
    # A draft referral of the school's (its form) and a sent one (the panel's decision form).
    draft_referral = make_referral(users["school"], send=False)
    sent_referral = make_referral(users["school"])
    ids = {
        "visit": draft.uuid,
        "provider": provider.id,
        "escalation": escalation.id,
        "placement": placement.uuid,
        "referral": draft_referral.id,
        # An attendance alert about the school's own pupil: its page has the follow-up form.
        "alert": _alert_about(placement),
        # A legal hold on the placement: its page has the release form.
        "hold": _hold_on(placement, users["head_of_access"]),
        # A subject access request for that pupil (its page has no form; the list's new one has).
        "access_request": _access_request(placement, users["head_of_access"]),
    }
    return (
        users,
        ids,
        [
            ("head_of_access", f"/visits/{submitted.uuid}"),
            ("head_of_access", f"/referrals/{sent_referral.id}"),
        ]
        + [
            (role, f"/placements/new?school_id={users['school'].school_id}&provider_id={provider.id}")
            for role in ("school", "officer")
        ]
        + [
            ("admin", f"/admin/frameworks/{framework.id}{page}")
            for page in ("", "/rules", "/criteria/new", f"/criteria/{framework.criteria[0].id}")
        ],
    )


NOT_MADE = (
    "submitted",
    "share",
    "self_assessment",
    "self_assessment_file",
    "document",
    "action",
    "evidence",
    "comment",
)


def pages(ids):
    """(role, path) of every GET page of the access matrix that a role may open."""
    filled = {"rules": "{rules}", "user": "{user}", "version": "{version}", "criterion": "{criterion}"}
    for method, template, expected in MATRIX.values():
        if method != "GET" or "{photo}" in template or template.endswith((".pdf", ".csv", ".js")):
            continue
        # Records this fixture does not make (the providers' own records, a submitted visit's
        # draft report): their pages' forms are not fuzzed here.
        if any(f"{{{name}}}" in template for name in NOT_MADE):
            continue
        for role in ROLES:
            if expected.get(role) in (200, 302, 404):
                yield role, template.format(**{**filled, **ids})


def discover(app, client, login, users, ids, extra_pages):
    """Every form the app shows, as (role, form), each action once."""
    from qa_app.auth.models import User
    from qa_app.framework.models import Criterion, FrameworkVersion
    from qa_app.registration.models import RegistrationRules

    ids = {
        **ids,
        "rules": db.session.scalar(db.select(RegistrationRules.id).order_by(RegistrationRules.id.desc())),
        "user": users["officer"].id,
        "version": db.session.scalar(db.select(FrameworkVersion.id)),
        "criterion": db.session.scalar(db.select(Criterion.id)),
        "school": users["school"].school_id,
    }
    found = {}
    for role in ROLES:
        login(users[role])
        for page_role, template in [*pages(ids), *extra_pages]:
            if page_role != role:
                continue
            path = template.format(**ids) if "{" in template else template
            for form in forms_on(client, path):
                key = (form["method"], re.sub(r"\d+", "N", form["action"]))
                found.setdefault(key, (role, form))
        client.post("/logout")
        assert db.session.get(User, users[role].id) is not None
    for form in forms_on(client, "/register"):
        found.setdefault((form["method"], form["action"]), (None, form))
    return list(found.values())


def test_every_form_takes_any_input_without_a_500(app, client, login, people):
    """Generated values in every field of every form: never a 500."""
    users, ids, extra_pages = people
    forms = discover(app, client, login, users, ids, extra_pages)
    actions = {form["action"] for _, form in forms}
    assert {"/escalations/report", f"/visits/{ids['visit']}/details", "/register"} <= actions
    assert {f"/placements/{ids['placement']}/{page}" for page in ("edit", "reviews/new", "end")} <= actions
    assert any(action.startswith("/placements/new?") for action in actions)
    assert {"/referrals/new", f"/referrals/{ids['referral']}/edit", "/subject-access/new"} <= actions
    assert any(action.startswith("/referrals/") and action.endswith("/decision") for action in actions)
    for role, form in forms:
        if role:
            login(users[role])
        fuzz(client, form)
        if role:
            client.post("/logout")


def fuzz(client, form):
    """Post FORM_EXAMPLES generated fillings of one form; each answer must be under 500."""

    @given(data=form_data(form))
    @settings(
        max_examples=FORM_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def post(data):
        if form["method"] == "get":
            response = client.get(form["action"] + "?" + encoded(data))
        else:
            response = client.post(
                form["action"], data=encoded(data), content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code < 500, (form["action"], data)

    post()


THEME_EXAMPLES = 15
ANSWERS = st.tuples(
    st.sampled_from(["", "met", "partly_met", "not_met", "not_seen"]), st.sampled_from(["", "Seen"])
)


def test_a_theme_save_keeps_exactly_its_valid_answers(client, signed_in, make_provider):
    """Any mix of answers on a theme page: each valid one is saved, each refused one keeps what
    was saved before, and one left unjudged is cleared; the page is a 400 exactly when one is refused."""
    from qa_app.visits.models import Visit
    from tests.test_visits import start_visit, version_of

    officer = signed_in("officer")
    provider = make_provider(officer_id=officer.id)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    codes = [c.code for c in current_version().criteria_by_theme()["HS"]]

    @given(answers=st.lists(ANSWERS, min_size=len(codes), max_size=len(codes)))
    @settings(
        max_examples=THEME_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def post(answers):
        db.session.expire_all()
        visit = db.session.scalar(db.select(Visit).where(Visit.uuid == visit_uuid))
        before = {j.criterion.code: (j.rating, j.evidence) for j in visit.judgements}
        data = {"version": version_of(visit_uuid)}
        expected, refused = {}, False
        for code, (rating, evidence) in zip(codes, answers, strict=True):
            data.update({f"rating_{code}": rating, f"evidence_{code}": evidence})
            if rating in ("met", "") or evidence:
                if rating:
                    expected[code] = (rating, evidence)
            else:
                refused = True
                if code in before:
                    expected[code] = before[code]
        response = client.post(f"/visits/{visit_uuid}/themes/HS", data=data)
        assert response.status_code == (400 if refused else 302)
        db.session.expire_all()
        visit = db.session.scalar(db.select(Visit).where(Visit.uuid == visit_uuid))
        assert {j.criterion.code: (j.rating, j.evidence) for j in visit.judgements} == expected

    post()


# The query strings the pages read, with the shapes that once gave a 500.
QUERY_PAGES = [
    ("officer", "/escalations/report", "provider_id"),
    ("officer", "/placements", "school_id"),
    ("officer", "/placements/attendance", "provider_id"),
    ("school", "/placements/new", "provider_id"),
    (None, "/login", "next"),
]


@pytest.mark.parametrize("role, path, name", QUERY_PAGES)
def test_query_strings_take_any_value_without_a_500(client, signed_in, role, path, name):
    if role:
        signed_in(role)

    @given(value=st.one_of(st.sampled_from(AWKWARD + NUMBERS), st.text(max_size=20)))
    @settings(
        max_examples=FORM_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def get(value):
        response = client.get(path + "?" + urlencode({name: value}, errors="surrogatepass"))
        assert response.status_code < 500, (path, name, value)

    get()
