"""The rating rules of docs/domain.md §2.2 and 2.5 as pure functions.

Every threshold comes from the framework version's `rules`, so a new version can change
them. Each rating carries its "why": the criteria or themes that decided it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from qa_app.dates import long_date
from qa_app.framework.defaults import themes_of

RATINGS = {
    "met": "Met",
    "partly_met": "Partly met",
    "not_met": "Not met",
    "not_seen": "Not seen",
}
JUDGED = ("met", "partly_met", "not_met")
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}

QA_STATUSES = {
    "quality_assured": "Quality assured",
    "documents_overdue": "Quality assured \u2014 documents overdue",
    "not_quality_assured": "Not quality assured",
    "documents_out_of_date": "Not quality assured (documents out of date)",
    "expired": "Expired",
    "suspended": "Suspended",
}
# The statuses a school may place under without giving a reason.
ASSURED = ("quality_assured", "documents_overdue")
# How long a mandatory document may be out of date before the provider stops being
# quality assured: the days after its expiry date, that day excluded.
DOCUMENT_GRACE_DAYS = 14


@dataclass(frozen=True)
class CriterionView:
    """What the rules need to know of a criterion."""

    code: str
    text: str
    critical: bool = False
    theme: str = ""


INSUFFICIENT_LABEL = "Insufficient evidence"


@dataclass
class ThemeRating:
    """A theme's RAG, why, and whether evidence is insufficient. The RAG is None while
    nothing is judged, and for a theme with insufficient evidence, which is never a colour."""

    theme: str
    rag: str | None
    why: list[str] = field(default_factory=list)
    insufficient_evidence: bool = False
    judged: int = 0
    total: int = 0

    def as_dict(self):
        return {
            "rag": self.rag,
            "why": self.why,
            "insufficient_evidence": self.insufficient_evidence,
            "judged": self.judged,
            "total": self.total,
        }


def _share(count, total):
    return f"{count} of {total}"


def rate_theme(theme, criteria, ratings, rules):
    """Rate one theme from its criteria and {code: rating} (missing codes are not yet judged)."""
    judged = [c for c in criteria if ratings.get(c.code) in JUDGED]
    not_met = [c for c in judged if ratings[c.code] == "not_met"]
    partly = [c for c in judged if ratings[c.code] == "partly_met"]
    not_seen = [c for c in criteria if ratings.get(c.code) == "not_seen"]
    rating = ThemeRating(theme=theme, rag=None, judged=len(judged), total=len(criteria))
    rating.insufficient_evidence = bool(criteria) and (
        len(not_seen) > rules["insufficient_not_seen_fraction"] * len(criteria)
    )
    if rating.insufficient_evidence:
        rating.why.append(f"Insufficient evidence: {_share(len(not_seen), len(criteria))} criteria not seen")
    if judged:
        _colour(rating, criteria, judged, not_met, partly, not_seen, rules)
    if rating.insufficient_evidence and rating.rag != "red":
        # "Nothing was seen" never reads as a colour, least of all as safe; what was seen
        # to be Red stays Red.
        rating.rag = None
    return rating


def _colour(rating, criteria, judged, not_met, partly, not_seen, rules):
    """Set the theme's RAG and why from what was judged."""
    critical_not_met = [c for c in not_met if c.critical]
    critical_not_seen = [c for c in not_seen if c.critical]
    if critical_not_met or len(not_met) >= rules["theme_red_not_met_fraction"] * len(judged):
        rating.rag = "red"
        rating.why += [f"{c.code} {c.text}: critical criterion not met" for c in critical_not_met]
        if len(not_met) >= rules["theme_red_not_met_fraction"] * len(judged):
            rating.why.append(
                f"{_share(len(not_met), len(judged))} judged criteria not met "
                f"({', '.join(c.code for c in not_met)})"
            )
    elif not_met or partly or critical_not_seen:
        # A critical criterion not seen keeps the theme from Green.
        rating.rag = "amber"
        rating.why += [f"{c.code} {c.text}: not met" for c in not_met]
        rating.why += [f"{c.code} {c.text}: partly met" for c in partly]
        rating.why += [f"{c.code} {c.text}: critical criterion not seen" for c in critical_not_seen]
    else:
        rating.rag = "green"
        rating.why.append(_all_met(judged, not_seen, criteria))


def _all_met(judged, not_seen, criteria):
    """Why a theme is Green, saying how much of it was seen (never "all" of a part)."""
    if len(judged) == len(criteria):
        return f"All {len(criteria)} criteria met"
    said = f"{_share(len(judged), len(criteria))} criteria seen and met"
    if not_seen:
        said += "; not seen: " + ", ".join(c.code for c in not_seen)
    unjudged = len(criteria) - len(judged) - len(not_seen)
    if unjudged:
        said += f"; {unjudged} not yet judged"
    return said


def rate_overall(theme_ratings, rules):
    """The overall RAG and its why, from {theme code: ThemeRating}; None until decidable."""
    names = themes_of(rules)
    codes = tuple(names)
    red = [t for t in codes if theme_ratings[t].rag == "red"]
    amber = [t for t in codes if theme_ratings[t].rag == "amber"]
    insufficient = [
        t for t in codes if theme_ratings[t].insufficient_evidence and theme_ratings[t].rag is None
    ]
    decisive_red = [t for t in red if t in rules["overall_red_if_theme_red"]]
    if decisive_red or len(red) >= rules["overall_red_theme_count"]:
        why = [f"{names[t]} is Red" for t in decisive_red]
        if len(red) >= rules["overall_red_theme_count"]:
            why.append(f"{len(red)} themes are Red: " + ", ".join(names[t] for t in red))
        return "red", why
    if red or amber or insufficient:
        # Not Green while a theme (Safeguarding or Health and Safety above all) has
        # insufficient evidence: what was not seen is not safe.
        why = [f"{names[t]} is Red" for t in red]
        why += [f"{names[t]} is Amber" for t in amber]
        why += [f"{names[t]} has insufficient evidence" for t in insufficient]
        return "amber", why
    if all(theme_ratings[t].rag == "green" for t in codes):
        return "green", [f"All {NUMBERS.get(len(codes), len(codes))} themes are Green"]
    unrated = [names[t] for t in codes if theme_ratings[t].rag is None]
    return None, ["Not yet rated: " + ", ".join(unrated)]


def rate_visit(criteria, ratings, rules):
    """Rate a whole visit: ({theme: ThemeRating}, overall rag, overall why)."""
    by_theme = {code: [] for code in themes_of(rules)}
    for criterion in criteria:
        by_theme[criterion.theme].append(criterion)
    themes = {code: rate_theme(code, found, ratings, rules) for code, found in by_theme.items()}
    overall, why = rate_overall(themes, rules)
    return themes, overall, why


def qa_valid_until(rag, visit_date, rules):
    """The last day a signed-off rating keeps a provider quality assured (None for Red)."""
    days = rules["valid_days"].get(rag)
    return visit_date + timedelta(days=days) if days else None


def next_visit_due(rag, visit_date, rules, today):
    """When the next visit is due: by the last signed-off RAG, or now if never visited."""
    if rag is None or visit_date is None:
        return today
    return visit_date + timedelta(days=rules["next_visit_days"][rag])


def lapsed_documents(expiries, today):
    """The names of the mandatory documents out of date today, from {name: expiry date},
    oldest expiry first. A document is in date to the end of its expiry date."""
    lapsed = [(expiry, name) for name, expiry in (expiries or {}).items() if expiry < today]
    return [name for _, name in sorted(lapsed)]


def qa_status(rag, valid_until, suspended, today, document_expiries=None):
    """The provider's QA status and the reason for it.

    `document_expiries` is {name: last day in date} of the mandatory documents the provider
    holds (approved). One out of date leaves a rating that would otherwise stand "documents
    overdue" for DOCUMENT_GRACE_DAYS days after its expiry, then "documents out of date"."""
    if suspended:
        return "suspended", "Suspended by the Head of Access"
    if rag is None:
        return "not_quality_assured", "Never visited"
    if rag == "red":
        return "not_quality_assured", "Latest signed-off visit is Red"
    if valid_until is None:
        return "expired", f"{RAG_LABELS[rag]} rating has no period of validity in its framework"
    if valid_until < today:
        return "expired", f"{RAG_LABELS[rag]} rating expired on {long_date(valid_until)}"
    rated = f"{RAG_LABELS[rag]} rating valid until {long_date(valid_until)}"
    lapsed = lapsed_documents(document_expiries, today)
    if not lapsed:
        return "quality_assured", rated
    first = min(document_expiries[name] for name in lapsed)
    if (today - first).days > DOCUMENT_GRACE_DAYS:
        return "documents_out_of_date", "Out of date: " + ", ".join(lapsed)
    last_day = long_date(first + timedelta(days=DOCUMENT_GRACE_DAYS))
    return "documents_overdue", f"{rated}. Out of date: {', '.join(lapsed)}; renew by {last_day}"


# -- what a page shows while a visit is in progress -------------------------------------
# A theme's rating is only shown once it cannot mislead: never "Green so far" while a
# critical criterion is still unjudged. The one provisional rating shown despite an
# unjudged critical criterion is a Red decided by a critical criterion not met, which no
# later judgement can lift. The overall rating is shown only when every theme is complete.
# static/js/offline/rating.js (ratingsShown) works out the same, and a browser test checks it.


def theme_shown(rating, criteria, ratings):
    """What to show of one theme's rating: its state, the RAG shown (or None), why, and a label.

    States: not_started, insufficient (more than the framework's share not seen: shown as
    "Insufficient evidence", never a colour), withheld (a critical criterion unjudged),
    provisional, rated (every criterion judged) and not_rated (every criterion judged, none
    seen)."""
    unjudged = [c for c in criteria if ratings.get(c.code) not in RATINGS]
    critical = [c.code for c in unjudged if c.critical]
    settled_red = any(c.critical and ratings.get(c.code) == "not_met" for c in criteria)
    if criteria and len(unjudged) == len(criteria):
        state, label = "not_started", "Not yet rated"
    elif rating.insufficient_evidence and rating.rag is None:
        state, label = "insufficient", INSUFFICIENT_LABEL
    elif not unjudged:
        # Still "so far": a draft's ratings change until it is submitted.
        state = "rated" if rating.rag else "not_rated"
        label = f"{RAG_LABELS[rating.rag]} so far" if rating.rag else "Not rated: no criterion seen"
    elif critical and not settled_red:
        state, label = "withheld", f"Not yet rated: {', '.join(critical)} (critical) not judged"
    elif rating.rag:
        state, label = "provisional", f"{RAG_LABELS[rating.rag]} so far"
    else:
        state, label = "not_rated", "Not yet rated"
    shown = state in ("provisional", "rated")
    return {
        "state": state,
        "rag": rating.rag if shown else None,
        "why": list(rating.why) if state not in ("not_started", "withheld") else [],
        "label": label,
        "unjudged": len(unjudged),
        "unjudged_critical": critical,
    }


def ratings_shown(criteria, ratings, rules):
    """Every theme's rating as shown (theme_shown), and the overall one: shown only when
    every theme has all its criteria judged."""
    names = themes_of(rules)
    by_theme = {code: [c for c in criteria if c.theme == code] for code in names}
    themes, overall, why = rate_visit(criteria, ratings, rules)
    shown = {code: theme_shown(themes[code], by_theme[code], ratings) for code in names}
    waiting = [names[code] for code in names if shown[code]["unjudged"]]
    if waiting:
        result = {
            "shown": False,
            "rag": None,
            "why": [],
            "label": "No overall rating until every theme is rated: still to judge in " + ", ".join(waiting),
        }
    else:
        label = RAG_LABELS[overall] if overall else "Not rated"
        result = {"shown": True, "rag": overall, "why": list(why), "label": label}
    return {"themes": shown, "overall": result}
