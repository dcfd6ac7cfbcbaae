"""The tablet's ratings in the browser: static/js/offline/rating.js gives exactly what the
server gives (framework.rating.rate_visit and ratings_shown, visits.services
submission_blockers and blocker_groups) on a table of cases, and check answers reads well."""

import copy
import json
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

from playwright.sync_api import expect

from qa_app.framework.defaults import (
    DEFAULT_RULES,
    DEFAULT_TITLE,
    DEFAULT_VERSION_NAME,
    THEMES,
)
from qa_app.framework.models import Criterion, FrameworkVersion
from qa_app.framework.provider_criteria import CRITERIA
from qa_app.framework.rating import ratings_shown
from qa_app.framework.school_defaults import (
    SCHOOL_CRITERIA,
    SCHOOL_RULES,
    SCHOOL_THEMES,
    SCHOOL_TITLE,
    SCHOOL_VERSION_NAME,
)
from qa_app.visits import services
from qa_app.visits.models import PLACEMENT_CHECKS
from tests.browser.conftest import screenshot, sign_in

TODAY = date(2026, 11, 23)
# A later version with other thresholds: Red at a quarter not met, insufficient evidence
# above 30% not seen, overall Red at three Red themes, and only Safeguarding decisive.
CHANGED = dict(
    copy.deepcopy(DEFAULT_RULES),
    theme_red_not_met_fraction=0.25,
    insufficient_not_seen_fraction=0.3,
    overall_red_theme_count=3,
    overall_red_if_theme_red=["SG"],
)
# The default criteria are SG1, SG2, SG4, SG9 and HS4 critical; SG has 9, HS 8, QE 6.
MET = "all met"


def framework(rules=None):
    """The offline bundle's framework object (offline.bundle._framework) from the defaults."""
    themes = {code: [] for code, _ in THEMES}
    for theme, text, guidance, critical in CRITERIA:
        code = f"{theme}{len(themes[theme]) + 1}"
        themes[theme].append({"code": code, "text": text, "guidance": guidance, "critical": critical})
    return {
        "name": DEFAULT_VERSION_NAME,
        "title": DEFAULT_TITLE,
        "rules": copy.deepcopy(rules or DEFAULT_RULES),
        "themes": [{"code": code, "name": name, "criteria": themes[code]} for code, name in THEMES],
    }


def version_of(data):
    """The same framework as the server's models (unsaved): what the server's rules read."""
    version = FrameworkVersion(
        name=data["name"], title=data["title"], rules=data["rules"], status="published"
    )
    for theme_position, theme in enumerate(data["themes"]):
        for position, c in enumerate(theme["criteria"], start=1):
            version.criteria.append(
                Criterion(
                    theme=theme["code"], theme_position=theme_position, position=position, retired=False, **c
                )
            )
    return version


CODES = [c["code"] for theme in framework()["themes"] for c in theme["criteria"]]


def judgements(base, changes):
    """[{criterion, rating, evidence}]: every criterion `base` (MET or None), then `changes`
    ({code: rating, or (rating, evidence), or None to leave it unjudged})."""
    judged = {code: ("met", "") for code in CODES} if base == MET else {}
    for code, value in changes.items():
        if value is None:
            judged.pop(code, None)
        else:
            rating, evidence = value if isinstance(value, tuple) else (value, f"Seen on the day: {code}")
            judged[code] = (rating, evidence)
    return [{"criterion": code, "rating": r, "evidence": e} for code, (r, e) in judged.items()]


def many(prefix, numbers, rating):
    """{code: rating} for these criterion numbers of one theme."""
    return {f"{prefix}{n}": rating for n in numbers}


def every(rating):
    """{code: rating} for every criterion."""
    return {code: rating for code in CODES}


NOT_SEEN_HS = many("HS", range(1, 6), "not_seen")  # 5 of 8: insufficient under both rules
# (name, expected overall rag, rules, base, changes, insufficient reasons, visit date)
CASES = [
    ("every criterion met", "green", None, MET, {}, {}, TODAY),
    ("nothing judged", None, None, None, {}, {}, TODAY),
    ("critical SG1 not met", "red", None, MET, {"SG1": "not_met"}, {}, TODAY),
    ("critical HS4 not met", "red", None, MET, {"HS4": "not_met"}, {}, TODAY),
    (
        "critical SG9 not met, SG3 partly met",
        "red",
        None,
        MET,
        {"SG9": "not_met", "SG3": "partly_met"},
        {},
        TODAY,
    ),
    ("exactly half of QE not met", "amber", None, MET, many("QE", (1, 2, 3), "not_met"), {}, TODAY),
    ("just under half of QE not met", "amber", None, MET, many("QE", (1, 2), "not_met"), {}, TODAY),
    (
        "half of the judged QE not met",
        "amber",
        None,
        MET,
        {**many("QE", (1, 2), "not_met"), **many("QE", (5, 6), "not_seen")},
        {},
        TODAY,
    ),
    (
        "just under half of SG not met, none critical",
        "amber",
        None,
        MET,
        many("SG", (3, 5, 6, 7), "not_met"),
        {},
        TODAY,
    ),
    (
        "over half of SG not met, none critical",
        "red",
        None,
        MET,
        many("SG", (3, 5, 6, 7, 8), "not_met"),
        {},
        TODAY,
    ),
    ("exactly half of HS not met", "red", None, MET, many("HS", (1, 2, 3, 5), "not_met"), {}, TODAY),
    ("partly met only", "amber", None, MET, {"QE1": "partly_met", "LM2": "partly_met"}, {}, TODAY),
    ("everything partly met", "amber", None, None, every("partly_met"), {}, TODAY),
    ("everything not met", "red", None, None, every("not_met"), {}, TODAY),
    ("insufficient evidence, no reason", "amber", None, MET, NOT_SEEN_HS, {}, TODAY),
    (
        "insufficient evidence with a reason",
        "amber",
        None,
        MET,
        NOT_SEEN_HS,
        {"HS": "Site manager absent"},
        TODAY,
    ),
    ("insufficient evidence, reason left blank", "amber", None, MET, NOT_SEEN_HS, {"HS": ""}, TODAY),
    ("exactly half of HS not seen", "green", None, MET, many("HS", (1, 2, 3, 5), "not_seen"), {}, TODAY),
    (
        "a theme entirely not seen, with a reason",
        "amber",
        None,
        MET,
        many("SE", range(1, 7), "not_seen"),
        {"SE": "Records off site"},
        TODAY,
    ),
    ("everything not seen", "amber", None, None, every("not_seen"), {}, TODAY),
    (
        "insufficient evidence in a Red theme",
        "red",
        None,
        MET,
        {**NOT_SEEN_HS, "HS6": "not_met", "HS7": "not_met"},
        {},
        TODAY,
    ),
    (
        "two themes Red",
        "red",
        None,
        MET,
        {**many("QE", (1, 2, 3), "not_met"), **many("PD", (1, 2, 3), "not_met")},
        {},
        TODAY,
    ),
    ("SG Red alone", "red", None, MET, {"SG2": "not_met"}, {}, TODAY),
    ("QE Red alone", "amber", None, MET, many("QE", (1, 2, 3, 4), "not_met"), {}, TODAY),
    (
        "Red and Amber themes",
        "amber",
        None,
        MET,
        {**many("LM", (1, 2, 3), "not_met"), "SE1": "partly_met", "PD2": "not_met"},
        {},
        TODAY,
    ),
    ("missing evidence for a criterion not met", "amber", None, MET, {"SG3": ("not_met", "")}, {}, TODAY),
    (
        "missing evidence for several",
        "amber",
        None,
        MET,
        {f"HS{n}": ("partly_met", "") for n in (1, 2, 3)},
        {},
        TODAY,
    ),
    ("not seen without evidence", "green", None, MET, {"PD5": ("not_seen", "")}, {}, TODAY),
    ("future visit date", "green", None, MET, {}, {}, TODAY + timedelta(days=1)),
    (
        "future date, unjudged and no evidence",
        "amber",
        None,
        MET,
        {"QE1": None, "QE2": ("partly_met", "")},
        {},
        TODAY + timedelta(days=30),
    ),
    ("critical SG1 unjudged, rest of SG met", "green", None, MET, {"SG1": None}, {}, TODAY),
    ("critical SG1 and SG2 unjudged", "green", None, MET, {"SG1": None, "SG2": None}, {}, TODAY),
    ("critical SG1 unjudged, SG2 not met", "red", None, MET, {"SG1": None, "SG2": "not_met"}, {}, TODAY),
    ("critical HS4 unjudged, HS1 not met", "amber", None, MET, {"HS4": None, "HS1": "not_met"}, {}, TODAY),
    ("only non-critical criteria unjudged", "green", None, MET, {"SG3": None, "HS1": None}, {}, TODAY),
    ("only QE judged", None, None, None, many("QE", range(1, 7), "met"), {}, TODAY),
    ("Health and Safety not judged at all", None, None, MET, many("HS", range(1, 9), None), {}, TODAY),
    (
        "one theme with every kind of blocker",
        "amber",
        None,
        MET,
        {
            "SG3": None,
            "SG5": ("partly_met", ""),
            "SG6": ("not_seen", ""),
            **many("SG", (7, 8, 9), "not_seen"),
            "SG1": "not_seen",
        },
        {},
        TODAY,
    ),
    (
        "changed rules: a quarter of QE not met",
        "amber",
        CHANGED,
        MET,
        many("QE", (1, 2), "not_met"),
        {},
        TODAY,
    ),
    ("changed rules: one QE not met", "amber", CHANGED, MET, {"QE1": "not_met"}, {}, TODAY),
    ("changed rules: HS Red alone", "amber", CHANGED, MET, {"HS4": "not_met"}, {}, TODAY),
    ("changed rules: SG Red", "red", CHANGED, MET, {"SG1": "not_met"}, {}, TODAY),
    (
        "changed rules: two themes Red",
        "amber",
        CHANGED,
        MET,
        {"QE1": "not_met", "QE2": "not_met", "PD1": "not_met", "PD2": "not_met"},
        {},
        TODAY,
    ),
    (
        "changed rules: three themes Red",
        "red",
        CHANGED,
        MET,
        {
            "QE1": "not_met",
            "QE2": "not_met",
            "PD1": "not_met",
            "PD2": "not_met",
            "LM1": "not_met",
            "LM2": "not_met",
        },
        {},
        TODAY,
    ),
    (
        "changed rules: 3 of 8 HS not seen",
        "amber",
        CHANGED,
        MET,
        many("HS", (1, 2, 3), "not_seen"),
        {},
        TODAY,
    ),
    ("default rules: 3 of 8 HS not seen", "green", None, MET, many("HS", (1, 2, 3), "not_seen"), {}, TODAY),
    ("changed rules: 2 of 8 HS not seen", "green", CHANGED, MET, many("HS", (1, 2), "not_seen"), {}, TODAY),
    (
        "changed rules: insufficient with a reason",
        "amber",
        CHANGED,
        MET,
        many("QE", (1, 2), "not_seen"),
        {"QE": "Teacher off sick"},
        TODAY,
    ),
    (
        "every theme Red by half not met",
        "red",
        CHANGED,
        None,
        {f"{t}{n}": ("not_met" if n < 3 else "met") for t, _ in THEMES for n in range(1, 7)},
        {},
        TODAY,
    ),
    ("a single criterion judged, not met", "amber", None, None, {"QE1": "not_met"}, {}, TODAY),
    # Nothing seen never reads as safe: a theme with insufficient evidence is no colour, a
    # critical criterion not seen keeps its theme from Green, and the overall from Green.
    (
        "HS: 7 of 8 not seen, critical HS4 among them, one met",
        "amber",
        None,
        MET,
        {f"HS{n}": ("not_seen", "Not on site") for n in range(2, 9)},
        {"HS": "The building was closed for works"},
        TODAY,
    ),
    ("critical HS4 not seen, the rest met", "amber", None, MET, {"HS4": "not_seen"}, {}, TODAY),
    ("critical SG1 not seen, the rest met", "amber", None, MET, {"SG1": "not_seen"}, {}, TODAY),
    (
        "SG insufficient, every other theme Green",
        "amber",
        None,
        MET,
        many("SG", (3, 5, 6, 7, 8), "not_seen"),
        {"SG": "The DSL was away"},
        TODAY,
    ),
    (
        "QE insufficient, every other theme Green",
        "amber",
        None,
        MET,
        many("QE", (1, 2, 3, 4), "not_seen"),
        {"QE": "No lessons on the day"},
        TODAY,
    ),
    (
        "one criterion not seen, not critical, the rest met",
        "green",
        None,
        MET,
        {"QE2": "not_seen"},
        {},
        TODAY,
    ),
]


def server(case):
    """What the server works out for one case: rate_visit, ratings_shown, the blockers
    and their groups."""
    name, _, rules, base, changes, reasons, visit_date = case
    data = framework(rules)
    version = version_of(data)
    body = judgements(base, changes)
    judged = {j["criterion"]: (j["rating"], j["evidence"]) for j in body}
    ratings = {code: rating for code, (rating, _) in judged.items()}
    visit = SimpleNamespace(
        framework_version=version, insufficient_reasons=reasons, visit_date=visit_date, is_school_visit=False
    )
    themes = services.rate(visit, judged)
    blockers = services.submission_blockers(visit, TODAY, judged)
    expected = {
        "rating": {
            "themes": {code: rating.as_dict() for code, rating in themes.items()},
            "overall": {"rag": visit.overall_rag, "why": visit.overall_why},
        },
        "shown": ratings_shown(version.active_criteria(), ratings, version.rules),
        "blockers": services.blocker_list(version, blockers),
        "groups": services.blocker_groups(version, blockers),
    }
    visit_json = {"judgements": body, "insufficient_reasons": reasons, "visit_date": visit_date.isoformat()}
    return data, ratings, visit_json, json.loads(json.dumps(expected))


TABLET = """async (cases) => {
  const m = await import('/static/js/offline/rating.js');
  return cases.map(([framework, ratings, visit, today]) => {
    const blockers = m.submissionBlockers(framework, visit, today);
    return {
      rating: m.rateVisit(framework, ratings),
      shown: m.ratingsShown(framework, ratings),
      blockers,
      groups: m.blockerGroups(framework, blockers),
    };
  });
}"""


def test_the_table_has_every_kind_of_case():
    """At least 40 cases, and each gives the overall rating it is named for."""
    assert len(CASES) >= 40
    for case in CASES:
        assert server(case)[3]["rating"]["overall"]["rag"] == case[1], case[0]


def test_tablet_and_server_agree_on_every_case(page, live_server):
    """For each case the tablet's ratings, why, ratings shown, blockers and groups are the server's."""
    page.goto(f"{live_server}/login")
    worked = [server(case) for case in CASES]
    tablet = page.evaluate(
        TABLET, [[data, ratings, visit, TODAY.isoformat()] for data, ratings, visit, _ in worked]
    )
    for case, (*_, expected), got in zip(CASES, worked, tablet, strict=True):
        assert got == expected, case[0]


def test_the_tablet_reads_the_rules_it_is_given(page, live_server):
    """The same judgements under the default rules and the changed ones give different
    answers on the tablet, each the server's: the rules come from the framework's data."""
    page.goto(f"{live_server}/login")
    case = next(c for c in CASES if c[0] == "changed rules: a quarter of QE not met")
    default = server((case[0], "amber", None, *case[3:]))
    changed = server(case)
    tablet = page.evaluate(
        TABLET, [[data, ratings, visit, TODAY.isoformat()] for data, ratings, visit, _ in (default, changed)]
    )
    assert tablet == [default[3], changed[3]]
    assert (
        tablet[0]["rating"]["themes"]["QE"]["rag"] == "amber"
        and tablet[1]["rating"]["themes"]["QE"]["rag"] == "red"
    )


# The tablet saves some judgements through the sync API, then works out check answers from
# the API's visit and the offline bundle, as the offline form does.
SAVE_THROUGH_THE_API = """async ([visitUuid, key, judgements]) => {
  const session = await (await fetch('/api/session')).json();
  const visit = await (await fetch(`/api/visits/${visitUuid}`)).json();
  const answer = await fetch(`/api/visits/${visitUuid}`, {
    method: 'PUT',
    headers: {'Content-Type': 'application/json', 'Idempotency-Key': key,
              'X-CSRFToken': session.csrf_token, 'If-Match': `"${visit.version}"`},
    body: JSON.stringify({...visit, judgements}),
  });
  return answer.status;
}"""
CHECK_ANSWERS_ON_THE_TABLET = """async ([visitUuid, today]) => {
  const m = await import('/static/js/offline/rating.js');
  const bundle = await (await fetch('/api/offline-bundle')).json();
  const visit = await (await fetch(`/api/visits/${visitUuid}`)).json();
  const groups = m.blockerGroups(bundle.framework, m.submissionBlockers(bundle.framework, visit, today));
  const shown = m.ratingsShown(bundle.framework, m.ratingsOf(visit));
  return {
    links: groups.map((g) => [m.blockerHref(visitUuid, g.keys[0]), g.summary]),
    overall: shown.overall.label,
    themes: bundle.framework.themes.map((t) => shown.themes[t.code]),
  };
}"""
PARTLY_JUDGED = (
    [{"criterion": f"SG{n}", "rating": "met", "evidence": ""} for n in range(2, 10)]
    + [{"criterion": f"HS{n}", "rating": "not_seen", "evidence": "Site manager absent"} for n in range(1, 6)]
    + [
        {"criterion": "HS6", "rating": "met", "evidence": ""},
        {"criterion": "QE1", "rating": "partly_met", "evidence": "Tracker not reviewed"},
        {"criterion": "QE2", "rating": "met", "evidence": ""},
    ]
)


def rating_cell(theme):
    """What the Rating column of check answers says for a theme as the tablet shows it."""
    if theme["state"] == "provisional":
        return f"{theme['rag'].title()} so far: {theme['unjudged']} still to judge"
    return theme["rag"].title() if theme["rag"] else theme["label"]


def test_check_answers_groups_blockers_and_holds_back_the_overall(page, browser, live_server):
    """Check answers on a tablet, for a visit partly judged through the sync API: blockers
    one line per theme with links, no overall rating, Safeguarding not "Green so far" with
    SG1 unjudged; the tablet, from the API's visit and the offline bundle, gives the same
    lines, links and labels as the server's page (read without JavaScript, which would put
    the browser's form in its place)."""
    sign_in(page, live_server, "officer@example.org")
    page.get_by_role("link", name="Start a visit").first.click()
    page.get_by_role("button", name="Start the visit").click()
    visit_url = page.url
    visit_uuid = visit_url.rsplit("/", 1)[1]
    assert page.evaluate(SAVE_THROUGH_THE_API, [visit_uuid, str(uuid.uuid4()), PARTLY_JUDGED]) == 200
    server_page = browser.new_context(
        java_script_enabled=False, viewport={"width": 768, "height": 1024}
    ).new_page()
    sign_in(server_page, live_server, "officer@example.org")
    server_page.goto(f"{visit_url}/check")
    page, tablet_page = server_page, page
    summary = page.locator(".govuk-error-summary")
    link = summary.get_by_role(
        "link", name="Health and Safety: 2 criteria not judged, insufficient evidence, record why"
    )
    expect(link).to_have_attribute("href", f"/visits/{visit_uuid}/themes/HS#criterion-HS7")
    overall = page.locator("#overall-rating")
    expect(overall).to_contain_text("No overall rating until every theme is rated")
    expect(page.get_by_role("row", name="Safeguarding")).to_contain_text(
        "Not yet rated: SG1 (critical) not judged"
    )
    expect(page.get_by_role("row", name="Quality of Education")).to_contain_text(
        "Amber so far: 4 still to judge"
    )
    screenshot(page, "check-answers-tablet")

    tablet = tablet_page.evaluate(CHECK_ANSWERS_ON_THE_TABLET, [visit_uuid, date.today().isoformat()])
    links = summary.get_by_role("link")
    assert tablet["links"] == [
        [links.nth(n).get_attribute("href"), links.nth(n).inner_text()] for n in range(links.count())
    ]
    assert len(tablet["links"]) == 6
    assert tablet["overall"] + "." in overall.inner_text()
    cells = page.locator("tbody tr td:nth-child(2)")
    page_cells = [" ".join(cells.nth(n).inner_text().split()) for n in range(cells.count())]
    assert [rating_cell(theme) for theme in tablet["themes"]] == page_cells


# -- School visits (docs/domain.md §2.7): the five areas, and the placement checks ----------------


def school_framework():
    """The bundle's framework object for the default school version."""
    themes = {code: [] for code, _ in SCHOOL_THEMES}
    for theme, text, guidance, critical in SCHOOL_CRITERIA:
        code = f"{theme}{len(themes[theme]) + 1}"
        themes[theme].append({"code": code, "text": text, "guidance": guidance, "critical": critical})
    return {
        "name": SCHOOL_VERSION_NAME,
        "title": SCHOOL_TITLE,
        "rules": copy.deepcopy(SCHOOL_RULES),
        "themes": [{"code": code, "name": name, "criteria": themes[code]} for code, name in SCHOOL_THEMES],
    }


SCHOOL_CODES = [c["code"] for theme in school_framework()["themes"] for c in theme["criteria"]]
FULL_TIME = "6f1c0c8e-0000-4000-8000-000000000001"
PART_TIME = "6f1c0c8e-0000-4000-8000-000000000002"
# The placements a school visit lists (as placements_to_check gives them): one full time,
# one part time.
PLACEMENTS = [
    {"uuid": FULL_TIME, "pupil_ref": "HS-Y10-01", "part_time": False},
    {"uuid": PART_TIME, "pupil_ref": "HS-Y9-07", "part_time": True},
]
ALL_ANSWERED = {
    FULL_TIME: {"record_complete": "yes", "provider_qa_when_placed": "yes", "confirmation_held": "no"},
    PART_TIME: {
        "record_complete": "no",
        "provider_qa_when_placed": "yes",
        "confirmation_held": "yes",
        "part_time_reviewed": "not_applicable",
        "note": "Review booked",
    },
}


def without(checks, placement, *codes):
    """The checks with these answers of one placement taken out."""
    changed = copy.deepcopy(checks)
    for code in codes:
        changed[placement].pop(code)
    return changed


# (name, expected overall rag, judgement changes over every area met, placement checks)
SCHOOL_CASES = [
    ("school: every area met, every placement check answered", "green", {}, ALL_ANSWERED),
    ("school: one placement check missing", "green", {}, without(ALL_ANSWERED, FULL_TIME, "record_complete")),
    (
        "school: the part-time placement's review unanswered",
        "green",
        {},
        without(ALL_ANSWERED, PART_TIME, "part_time_reviewed"),
    ),
    (
        "school: a full-time placement needs no review answer",
        "green",
        {},
        {**ALL_ANSWERED, PART_TIME: {**ALL_ANSWERED[PART_TIME], "part_time_reviewed": "no"}},
    ),
    ("school: nothing answered of the placements", "green", {}, {}),
    ("school: QR Red alone makes the visit Red", "red", {"QR1": "not_met"}, ALL_ANSWERED),
    ("school: PR Red alone is Amber", "amber", {"PR1": "not_met"}, ALL_ANSWERED),
    (
        "school: two areas Red",
        "red",
        {"PR1": "not_met", "AF1": "not_met", "AF2": "not_met"},
        without(ALL_ANSWERED, PART_TIME, "confirmation_held", "note"),
    ),
    (
        "school: unjudged areas and unanswered checks",
        "amber",
        {"RD1": None, "RD2": None, "PV1": ("partly_met", "")},
        without(ALL_ANSWERED, FULL_TIME, "provider_qa_when_placed", "confirmation_held"),
    ),
]


def school_server(case, monkeypatch):
    """What the server works out for one school case, with the visit listing PLACEMENTS."""
    name, _, changes, checks = case
    data = school_framework()
    version = version_of(data)
    judged = {code: ("met", "") for code in SCHOOL_CODES}
    for code, value in changes.items():
        if value is None:
            judged.pop(code)
        else:
            judged[code] = value if isinstance(value, tuple) else (value, f"Seen: {code}")
    body = [{"criterion": code, "rating": r, "evidence": e} for code, (r, e) in judged.items()]
    ratings = {code: rating for code, (rating, _) in judged.items()}
    monkeypatch.setattr(services, "placements_to_check", lambda visit: copy.deepcopy(PLACEMENTS))
    visit = SimpleNamespace(
        framework_version=version,
        insufficient_reasons={},
        visit_date=TODAY,
        is_school_visit=True,
        school_id=4,
        placement_checks=checks,
    )
    themes = services.rate(visit, judged)
    blockers = services.submission_blockers(visit, TODAY, judged)
    expected = {
        "rating": {
            "themes": {code: rating.as_dict() for code, rating in themes.items()},
            "overall": {"rag": visit.overall_rag, "why": visit.overall_why},
        },
        "shown": ratings_shown(version.active_criteria(), ratings, version.rules),
        "blockers": services.blocker_list(version, blockers),
        "groups": services.blocker_groups(version, blockers),
    }
    visit_json = {
        "school_id": 4,
        "judgements": body,
        "insufficient_reasons": {},
        "visit_date": TODAY.isoformat(),
        "placement_checks": checks,
    }
    return data, ratings, visit_json, json.loads(json.dumps(expected))


SCHOOL_TABLET = """async ([cases, school]) => {
  const m = await import('/static/js/offline/rating.js');
  return cases.map(([framework, ratings, visit, today]) => {
    const blockers = m.submissionBlockers(framework, visit, today, school);
    return {
      rating: m.rateVisit(framework, ratings),
      shown: m.ratingsShown(framework, ratings),
      blockers,
      groups: m.blockerGroups(framework, blockers),
    };
  });
}"""


def test_the_school_cases_give_what_they_are_named_for(monkeypatch):
    """Each school case's overall rating, and the placement blockers it is named for."""
    worked = {case[0]: school_server(case, monkeypatch)[3] for case in SCHOOL_CASES}
    for case in SCHOOL_CASES:
        assert worked[case[0]]["rating"]["overall"]["rag"] == case[1], case[0]
    keys = lambda name: [b["key"] for b in worked[name]["blockers"]]  # noqa: E731
    assert keys("school: every area met, every placement check answered") == []
    assert keys("school: one placement check missing") == [f"placement_checks.{FULL_TIME}.record_complete"]
    assert keys("school: the part-time placement's review unanswered") == [
        f"placement_checks.{PART_TIME}.part_time_reviewed"
    ]
    assert keys("school: a full-time placement needs no review answer") == []
    assert len(keys("school: nothing answered of the placements")) == 7
    missing = worked["school: one placement check missing"]
    assert missing["blockers"][0]["message"] == (
        "Answer for HS-Y10-01: the record is complete: plan, reviews on time, attendance, the pupil's view"
    )
    assert missing["groups"] == [
        {
            "theme": "placements",
            "title": "Placements",
            "summary": "Placements: 1 answer still to give",
            "keys": [f"placement_checks.{FULL_TIME}.record_complete"],
        }
    ]
    assert (
        "Use of quality-assured and registered providers is Red"
        in (worked["school: QR Red alone makes the visit Red"]["rating"]["overall"]["why"])
    )


def test_tablet_and_server_agree_on_every_school_case(page, live_server, monkeypatch):
    """For a school visit the tablet's ratings, blockers (placement checks included) and
    groups are the server's, from the same placements and the bundle's check labels."""
    page.goto(f"{live_server}/login")
    worked = [school_server(case, monkeypatch) for case in SCHOOL_CASES]
    school = {
        "placements": PLACEMENTS,
        "checks": [{"code": code, "label": label} for code, label in PLACEMENT_CHECKS.items()],
    }
    tablet = page.evaluate(
        SCHOOL_TABLET,
        [[[data, ratings, visit, TODAY.isoformat()] for data, ratings, visit, _ in worked], school],
    )
    for case, (*_, expected), got in zip(SCHOOL_CASES, worked, tablet, strict=True):
        assert got == expected, case[0]
