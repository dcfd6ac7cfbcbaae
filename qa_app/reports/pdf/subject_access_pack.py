"""The subject access pack as PDF (OFFICIAL-SENSITIVE): everything held about one pupil
reference at one school, section by section, each record's words as typed.

build_subject_access_pack is pure: the plain pack of qa_app.subject_access (a dict of plain
values, the same one its JSON export writes) in, PDF bytes out.
"""

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer

from qa_app.dates import date_time, long_date, short_date
from qa_app.reports.pdf.flowables import SummaryList, heading, paragraphs
from qa_app.reports.pdf.pages import MARKING, PageFurniture, build_document
from qa_app.reports.pdf.referral_pack import grid
from qa_app.reports.pdf.text import plain, register_fonts, styles

YES = {True: "Yes", False: "No"}


def build_subject_access_pack(pack):
    """The subject access pack as PDF bytes."""
    register_fonts()
    request = pack["request"]
    furniture = PageFurniture(
        pack["authority"],
        f"Subject access {request['reference']}",
        footer=f"Subject access pack · produced {long_date(pack['produced_at'])}",
        marked=True,
    )
    return build_document(
        pack_story(pack),
        furniture,
        title=f"Subject access pack {request['reference']}",
        author=pack["authority"],
        subject="Everything held about one pupil at one school",
    )


def pack_story(pack):
    """The flowables of the pack, in reading order."""
    s, request = styles(), pack["request"]
    story = [
        Paragraph("Subject access pack", s["kicker"]),
        Paragraph(plain(f"Pupil {request['pupil_ref']} at {request['school']}"), s["title"]),
        Paragraph(plain(f"{request['reference']} · {MARKING}"), s["lead"]),
        Spacer(1, 4 * mm),
        SummaryList(
            [
                ("Request received", long_date(request["received_on"])),
                ("Due by", long_date(request["due_on"])),
                ("Produced", f"{date_time(pack['produced_at'])} by {pack['produced_by']}"),
                ("Placements", str(len(pack["placements"]))),
                ("Referrals", str(len(pack["referrals"]))),
                ("School visits", str(len(pack["school_visits"]))),
                ("Escalations", str(len(pack["escalations"]))),
            ]
        ),
        Paragraph(
            "The pupil is known to the authority by the school's reference only. This pack holds "
            "every record that names that reference at that school.",
            s["body"],
        ),
    ]
    story += _placements(pack["placements"], s)
    story += _referrals(pack["referrals"], s)
    story += _visits(pack["school_visits"], s)
    story += _escalations(pack["escalations"], s)
    return story


def _none(text, s):
    return [Paragraph(text, s["body"])]


def _part(text, s):
    """A part of a record (its reviews, its marks): a small heading kept with what follows."""
    return [CondPageBreak(25 * mm), Spacer(1, 3 * mm), Paragraph(plain(text), s["label"])]


def _placements(placements, s):
    story = [*heading("Placements", s["h2"])]
    if not placements:
        return story + _none("No placements are recorded for this pupil at this school.", s)
    for n, p in enumerate(placements, 1):
        story += [*heading(f"Placement {n}: {p['provider']}, from {short_date(p['start_date'])}", s["h3"])]
        story.append(SummaryList(_placement_rows(p)))
        for label, key in (("Objectives", "objectives"), ("Reintegration", "reintegration_timeline")):
            if p[key]:
                story += [*_part(label, s), *paragraphs(p[key], s["body"])]
        story += _reviews(p["reviews"], s)
        story += _ending(p["ending"], s)
        story += _attendance(p, s)
    return story


def _placement_rows(p):
    needs = [name for name, key in (("EHC plan", "ehc_plan"), ("SEN support", "sen_support")) if p[key]]
    needs += ["Looked after"] if p["looked_after"] else []
    confirmation = p["safeguarding_confirmation"]
    return [
        ("Year group", str(p["year_group"])),
        ("Needs", ", ".join(needs) or "None recorded"),
        ("Commissioned by", p["commissioned_by"]),
        ("Reason", p["reason"]),
        ("Dates", f"{short_date(p['start_date'])} to {short_date(p['planned_end_date'])} (planned)"),
        (
            "Timetable",
            f"{p['days_per_week']} days, {p['hours_per_week']:g} hours a week, {p['weeks_per_year']} weeks a year",
        ),
        ("Part time", f"Yes: {p['part_time_reason']}" if p["part_time"] else "No"),
        ("Attendance code", p["attendance_code"]),
        ("Safeguarding", short_date(p["safeguarding_confirmation_received"]) or "Not received"),
        ("Provider's DSL", confirmation["dsl_name"] if confirmation else "Not confirmed in the app"),
        ("Provider when placed", p["provider_status_when_placed"] or "Not recorded"),
        ("Reason for placing", p["placing_reason"] or "None given"),
        ("Recorded", f"{date_time(p['recorded_at'])} by {p['recorded_by']}"),
    ]


def _reviews(reviews, s):
    story = _part("Reviews", s)
    if not reviews:
        return story + _none("No reviews yet.", s)
    for r in reviews:
        story.append(CondPageBreak(40 * mm))
        story.append(
            SummaryList(
                [
                    ("Review", short_date(r["review_date"])),
                    (
                        "Sessions",
                        f"{r['sessions_attended']} of {r['sessions_possible']} attended, {r['sessions_unauthorised']} unauthorised",
                    ),
                    ("Progress", r["progress"] or "—"),
                    ("Achievements", r["achievements"] or "—"),
                    ("Pupil's view", r["pupil_view"] or "—"),
                    ("Parent's view", r["parent_view"] or "—"),
                    ("Decision", r["decision"]),
                ]
            )
        )
        story.append(Spacer(1, 3 * mm))
    return story


def _ending(ending, s):
    if ending is None:
        return [*_part("Ending", s), *_none("The placement has not ended.", s)]
    return [
        *_part("Ending", s),
        SummaryList(
            [
                ("Ended", long_date(ending["ended_on"])),
                ("Destination", ending["destination"] or "Not recorded"),
                ("Assessment", ending["pupil_assessment"] or "—"),
            ]
        ),
    ]


def _attendance(p, s):
    marks, alerts = p["attendance"]["marks"], p["attendance_alerts"]
    story = _part("Attendance marks", s)
    if not marks:
        story += _none("The provider has recorded no marks for this placement.", s)
    else:
        summary = ", ".join(f"{label}: {count}" for label, count in p["attendance"]["summary"].items())
        story += [
            Paragraph(plain(f"{len(marks)} sessions marked. {summary}."), s["body"]),
            grid(
                [["Day", "Session", "Mark", "How recorded"]]
                + [[short_date(m["day"]), m["session"], m["mark"], m["source"]] for m in marks],
                s,
                widths=(28 * mm, 24 * mm, 55 * mm, None),
            ),
        ]
    if alerts:
        story += [
            *_part("Attendance alerts", s),
            grid(
                [["Day", "Session", "Alert", "School's follow-up"]]
                + [
                    [
                        short_date(a["day"]),
                        a["session"],
                        a["kind"],
                        " ".join(filter(None, (a["outcome"], a["outcome_note"]))) or "None yet",
                    ]
                    for a in alerts
                ],
                s,
            ),
        ]
    return story


def _referrals(referrals, s):
    story = [*heading("Referrals to the Gateway panel", s["h2"])]
    if not referrals:
        return story + _none("No referrals of this pupil by this school.", s)
    for r in referrals:
        story += [*heading(f"Referral {r['id']}: {r['status']}", s["h3"])]
        story.append(
            SummaryList(
                [
                    ("Started", date_time(r["created_at"])),
                    ("Asked for", r["asked_for"]),
                    ("Needs", r["needs"] or "—"),
                    ("What has happened", r["what_has_happened"] or "—"),
                    ("Interventions", r["interventions"] or "—"),
                    ("Psychologist", r["ep_assessment"]),
                    ("CAF", r["caf"]),
                    ("Social care involved", YES[r["social_care_involved"]]),
                    ("Urgent", f"Yes: {r['urgent_reason']}" if r["urgent"] else "No"),
                    ("Decision", " ".join(filter(None, (r["outcome"], r["provider"]))) or "Not decided yet"),
                    ("Reason", r["decision_reason"] or r["information_needed"] or r["signposted_to"] or "—"),
                ]
            )
        )
        story.append(
            grid(
                [["When", "Who", "What", "Comment"]]
                + [[date_time(e["at"]), e["who"], e["what"], e["comment"] or "—"] for e in r["history"]],
                s,
                widths=(28 * mm, 32 * mm, 48 * mm, None),
            )
        )
    return story


def _visits(visits, s):
    story = [*heading("School visits that checked the placements", s["h2"])]
    if not visits:
        return story + _none("No school visit has checked this pupil's placements.", s)
    for v in visits:
        story += [
            *heading(f"Visit of {long_date(v['visit_date'])} by {v['officer']} ({v['status']})", s["h3"])
        ]
        for check in v["checks"]:
            rows = [(a["check"], a["answer"]) for a in check["answers"]]
            story += [
                *_part(f"The placement at {check['provider']}", s),
                grid([["Check", "Answer"]] + [list(row) for row in rows], s, widths=(None, 35 * mm)),
            ]
            if check["note"]:
                story += paragraphs(f"Note: {check['note']}", s["body"])
    return story


def _day(iso):
    """A day the escalation stored as ISO 8601, as the pack writes dates."""
    try:
        return long_date(date.fromisoformat(iso))
    except (TypeError, ValueError):
        return iso or "not recorded"


def _escalations(escalations, s):
    story = [*heading("Escalations that name the pupil", s["h2"])]
    if not escalations:
        return story + _none("No escalation names this pupil.", s)
    for e in escalations:
        hours = ", ".join(f"{n['hours_per_week']:g} hours a week" for n in e["named_placements"])
        story += [
            *heading(f"{e['reference']}: {e['provider']}", s["h3"]),
            SummaryList(
                [
                    ("Raised", f"{date_time(e['raised_at'])} ({e['source']})"),
                    ("State", e["state"]),
                    ("Registration test", f"{e['result']} ({e['limb']}), tested {_day(e['tested_on'])}"),
                    ("How it names the pupil", f"Their placement was counted: {hours}"),
                    (
                        "States",
                        "; ".join(f"{date_time(x['at'])}: {x['state']}" for x in e["states"])
                        or "Raised only",
                    ),
                ]
            ),
            Paragraph(
                "The escalation's description and decisions concern the provider and other pupils; "
                f"they are held on {e['reference']}.",
                s["small"],
            ),
        ]
    return story
