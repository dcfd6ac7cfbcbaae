"""The visit report (internal and provider editions) as PDF: the cover with the overall
rating, the summary of ratings, a section for each theme, the closing sections and, in
the internal edition only, the internal information. A school visit's report has the
same layout, with the school's areas for the themes and the placements checked.

build_visit_report is pure: a reports.entries.VisitReport in, PDF bytes out.
"""

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table

from qa_app.dates import long_date, short_date
from qa_app.reports.pdf.flowables import PlainText, SummaryList, bullets, heading, paragraphs
from qa_app.reports.pdf.pages import MARKING, WIDTH, PageFurniture, build_document
from qa_app.reports.pdf.photos import PHOTO_ROOM, photo_grid
from qa_app.reports.pdf.text import (
    BLUE,
    BORDER,
    FONT,
    RAG_TILES,
    TEXT,
    one_line,
    plain,
    register_fonts,
    styles,
)
from qa_app.reports.pdf.themes import ratings_summary, theme_section

READING_GUIDE = (
    "Each criterion of the framework's six themes is judged <b>Met</b>, <b>Partly met</b>, "
    "<b>Not met</b> or <b>Not seen</b>, with the evidence the officer saw.",
    "Each theme is rated <b>Green</b>, <b>Amber</b> or <b>Red</b> by the rules of the framework "
    "version the visit was made under, and so is the visit overall. Every rating lists the "
    "criteria or themes that decided it.",
    "Actions say what is to be put right, by whom and by when; the next visit reviews them.",
)
SCHOOL_READING_GUIDE = (
    "Each criterion of the five areas of a school visit is judged <b>Met</b>, <b>Partly met</b>, "
    "<b>Not met</b> or <b>Not seen</b>, with the evidence the officer saw.",
    "Each area is rated <b>Green</b>, <b>Amber</b> or <b>Red</b> by the rules of the school visits' "
    "framework version the visit was made under, and so is the visit overall. Every rating lists "
    "the criteria or areas that decided it.",
    "The placements checked are the school's open placements and those ended since its last "
    "visit. Pupils are named by the school's reference only.",
    "Actions say what is to be put right, by whom and by when; the next visit reviews them.",
)
# The placement checks' column headings, short enough for a table across the page.
CHECK_HEADINGS = {
    "record_complete": "Record complete",
    "provider_qa_when_placed": "Provider QA'd when placed",
    "confirmation_held": "Confirmation held",
    "part_time_reviewed": "Part-time reviewed",
}


def build_visit_report(report):
    """The visit report as PDF bytes, in the edition `report` was gathered for."""
    register_fonts()
    name = simpleSplit(report.provider_name, FONT, 8.5, WIDTH - 40 * mm)[0]
    furniture = PageFurniture(
        report.authority,
        f"Report {report.reference} · {report.edition_label}",
        footer=f"{name} · visit of {long_date(report.visit_date)}",
        marked=report.edition == "internal",
        draft="DRAFT: not signed off" if report.draft else "",
    )
    kind = "School visit report" if report.kind == "school" else "Quality assurance visit report"
    return build_document(
        visit_story(report),
        furniture,
        title=f"{kind}: {report.provider_name}",
        author=report.authority,
        subject=f"{report.reference}, {report.edition_label}",
    )


def visit_story(report):
    """The flowables of the visit report, in reading order."""
    s = styles()
    story = _cover(report, s)
    story += [PageBreak(), Paragraph("Summary of ratings", s["h2"]), ratings_summary(report, s)]
    word = "area" if report.kind == "school" else "theme"
    for number, theme in enumerate(report.themes, 1):
        story += theme_section(number, theme, s, word=word)
    if report.kind == "school":
        story += _placements_section(report, s)
    story += _closing_sections(report, s)
    if report.internal is not None:
        story += _internal_section(report.internal, s, report.kind)
    return story


def _cover(report, s):
    """The front page: the authority's band, the provider, the overall rating and the visit's details."""
    band = Table(
        [
            [Paragraph(plain(report.authority), s["band"])],
            [Paragraph("Alternative provision quality assurance", s["band_small"])],
        ],
        colWidths=[WIDTH],
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), TEXT),
            ("LINEBELOW", (0, -1), (-1, -1), 4, BLUE),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, 0), 10),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
        ],
    )
    edition = report.edition_label + (f" · {MARKING}" if report.edition == "internal" else "")
    story = [
        band,
        Spacer(1, 12 * mm),
        Paragraph(
            "School visit report" if report.kind == "school" else "Quality assurance visit report",
            s["kicker"],
        ),
        Paragraph(plain(report.provider_name), s["title"]),
        Paragraph(
            plain(f"{report.visit_type} visit on {long_date(report.visit_date)} · {edition}"), s["lead"]
        ),
        Spacer(1, 8 * mm),
        _overall_tile(report, s),
        Spacer(1, 8 * mm),
    ]
    if report.judged == 0:
        story += [
            _inset("No criteria have been judged yet, so this report has no ratings.", s),
            Spacer(1, 6 * mm),
        ]
    if report.kind == "school":
        visited = [("School", report.provider_name), ("DfE URN", report.urn), ("Borough", report.borough)]
    else:
        visited = [
            ("Provider", report.provider_name),
            ("Address", report.provider_address),
            ("Registration status", report.registration),
        ]
    rows = [
        *visited,
        ("Visit date", long_date(report.visit_date)),
        ("Visit type", report.visit_type),
        ("QA officer", report.officer),
        ("People met", report.people_met or "Not recorded"),
        ("Pupils seen", "Not recorded" if report.pupils_seen is None else str(report.pupils_seen)),
        ("Framework", report.framework),
        ("Sign-off", report.sign_off),
        ("Report reference", report.reference),
        ("Report produced", long_date(report.produced_on)),
    ]
    story += [SummaryList(rows), Spacer(1, 8 * mm), *heading("How to read this report", s["h3"])]
    guide = SCHOOL_READING_GUIDE if report.kind == "school" else READING_GUIDE
    story += [Paragraph(text, s["small"]) for text in guide]
    return story


def _overall_tile(report, s):
    """The overall RAG as a large coloured tile with its word, beside why."""
    background, ink, word = RAG_TILES[report.overall_rag]
    why = report.overall_why or ["Not yet rated"]
    tile = [
        Paragraph("Overall rating", ParagraphStyle("t", s["tile_label"], textColor=ink)),
        Paragraph(word.upper(), ParagraphStyle("t", s["tile_big"], textColor=ink)),
    ]
    reasons = [
        Paragraph("Why this rating", ParagraphStyle("why", s["label"], spaceAfter=3)),
        *bullets(why, s["bullet"]),
    ]
    return Table(
        [[tile, reasons]],
        colWidths=[48 * mm, WIDTH - 48 * mm],
        style=[
            ("BACKGROUND", (0, 0), (0, 0), background),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (0, 0), 12),
            ("BOTTOMPADDING", (0, 0), (0, 0), 12),
            ("LEFTPADDING", (1, 0), (1, 0), 12),
            ("BOX", (0, 0), (-1, -1), 0.5, BORDER),
        ],
    )


def _inset(text, s):
    """A paragraph set off by a grey bar at its left, as GOV.UK inset text."""
    return Table(
        [[Paragraph(plain(text), s["body"])]],
        colWidths=[WIDTH],
        style=[("LINEBEFORE", (0, 0), (0, -1), 4, BORDER), ("LEFTPADDING", (0, 0), (-1, -1), 10)],
    )


def _closing_sections(report, s):
    """Strengths, actions (this visit's and earlier ones'), pupil voice and other photos."""
    story = [CondPageBreak(50 * mm), Paragraph("Strengths", s["h2"])]
    story += paragraphs(report.strengths, s["body"]) or [Paragraph("None recorded.", s["body"])]
    story += heading("Actions from this visit", s["h2"])
    if report.actions:
        rows = [(a.description, a.owner, short_date(a.due) or "No date") for a in report.actions]
        story.append(_table(("Action", "Owner", "Due"), rows, (WIDTH - 70 * mm, 40 * mm, 30 * mm), s))
    else:
        story.append(Paragraph("No actions.", s["body"]))
    story += heading("Actions from earlier visits", s["h2"])
    if report.previous_actions:
        rows = [
            (a.description, a.owner, short_date(a.due) or "No date", a.outcome)
            for a in report.previous_actions
        ]
        widths = (WIDTH - 96 * mm, 36 * mm, 28 * mm, 32 * mm)
        story.append(_table(("Action", "Owner", "Due", "Outcome"), rows, widths, s))
    else:
        story.append(Paragraph("None open.", s["body"]))
    story += heading("Pupil voice", s["h2"])
    story += paragraphs(report.pupil_voice, s["body"]) or [Paragraph("None recorded.", s["body"])]
    if report.other_photos:
        story += [*heading("Other photos", s["h2"], room=PHOTO_ROOM), photo_grid(report.other_photos, s)]
    if report.factual_accuracy:
        story += [*heading("Factual accuracy", s["h2"]), Paragraph(report.factual_accuracy, s["body"])]
    return story


def _placements_section(report, s):
    """The placements a school visit checked: each pupil by reference, the provider, the
    answer to each check, and the officer's note on a row of its own beneath."""
    story = [CondPageBreak(50 * mm), Paragraph("Placements checked", s["h2"])]
    if not report.placements:
        return story + [Paragraph("The school had no placements to check.", s["body"])]
    check_width = 24 * mm
    widths = (
        24 * mm,
        WIDTH - 24 * mm - len(CHECK_HEADINGS) * check_width,
        *(check_width,) * len(CHECK_HEADINGS),
    )
    data = [[PlainText(h, s["cell_bold"]) for h in ("Pupil", "Provider", *CHECK_HEADINGS.values())]]
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 1, TEXT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]
    for p in report.placements:
        data.append(
            [
                PlainText(f"{one_line(p.pupil_ref)}\nYear {p.year_group}", s["cell"]),
                PlainText(f"{one_line(p.provider)}\n{p.dates}", s["cell"]),
                *(PlainText(p.answers[code], s["cell"]) for code in CHECK_HEADINGS),
            ]
        )
        if p.note:
            row = len(data)
            data.append(
                ["", PlainText(f"Note: {one_line(p.note)}", s["cell"]), *[""] * (len(CHECK_HEADINGS) - 1)]
            )
            style += [("SPAN", (1, row), (-1, row)), ("TOPPADDING", (0, row), (-1, row), 0)]
        style.append(("LINEBELOW", (0, len(data) - 1), (-1, len(data) - 1), 0.5, BORDER))
    story.append(Table(data, colWidths=widths, repeatRows=1, style=style))
    return story


def _table(headings, rows, widths, s):
    """A table of plain-text cells under a bold heading row repeated on each page."""
    data = [[PlainText(h, s["cell_bold"]) for h in headings]]
    data += [[PlainText(one_line(value), s["cell"]) for value in row] for row in rows]
    return Table(
        data,
        colWidths=widths,
        repeatRows=1,
        style=[
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, BORDER),
            ("LINEBELOW", (0, 0), (-1, 0), 1, TEXT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
        ],
    )


def _internal_section(internal, s, kind="provider"):
    """Only in the internal edition (see reports.content.provider_edition)."""
    other = "school" if kind == "school" else "provider"
    story = [
        CondPageBreak(50 * mm),
        *heading("Internal information", s["h2"]),
        Paragraph(f"For the authority only: this section is left out of the {other} edition.", s["small"]),
    ]
    if internal.registration_check:
        first, *rest = internal.registration_check
        story += [
            *heading("Registration check", s["h3"]),
            Paragraph(plain(first), s["label"]),
            *bullets(rest, s["bullet"]),
        ]
    parts = (
        ("Escalation of possible unregistered provision", internal.escalation),
        ("Internal notes on the provider", internal.provider_notes),
        ("Reason for suspension from the register", internal.suspended_reason),
        ("Comment when the visit was returned to the officer", internal.return_comment),
    )
    for title, text in parts:
        if text:
            story += [*heading(title, s["h3"]), *paragraphs(text, s["body"])]
    if not internal.registration_check and not any(text for _, text in parts):
        story.append(Paragraph("None recorded.", s["body"]))
    return story
