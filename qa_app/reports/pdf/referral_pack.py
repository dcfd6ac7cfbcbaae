"""The referral pack of an escalation as PDF (internal, OFFICIAL-SENSITIVE): the premises,
the concern, the registration test, the pupils by reference, the decisions with their
reasons and the visits to the provider.

build_referral_pack is pure: a reports.escalation_pack.ReferralPack in, PDF bytes out.
"""

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from qa_app.dates import long_date
from qa_app.reports.pdf.flowables import SummaryList, bullets, heading
from qa_app.reports.pdf.pages import MARKING, WIDTH, PageFurniture, build_document
from qa_app.reports.pdf.text import BORDER, TEXT, plain, register_fonts, styles


def build_referral_pack(pack):
    """The referral pack of an escalation as PDF bytes (internal, OFFICIAL-SENSITIVE)."""
    register_fonts()
    furniture = PageFurniture(
        pack.authority,
        f"Referral pack {pack.reference}",
        footer=f"Possible unregistered provision · produced {long_date(pack.produced_on)}",
        marked=True,
    )
    return build_document(
        referral_story(pack),
        furniture,
        title=f"Referral pack {pack.reference}",
        author=pack.authority,
        subject="Possible unregistered provision: referral to the Director of Education",
    )


def referral_story(pack):
    """The flowables of the referral pack, in reading order."""
    s = styles()
    story = [
        Paragraph("Referral to the Director of Education", s["kicker"]),
        Paragraph(plain(f"{pack.reference}: possible unregistered provision"), s["title"]),
        Paragraph(plain(f"{pack.state} · {pack.source} · raised {pack.raised} · {MARKING}"), s["lead"]),
        Spacer(1, 6 * mm),
        *heading("The premises", s["h2"]),
        SummaryList(pack.premises),
        *heading("The concern", s["h2"]),
        SummaryList(pack.concern),
        *heading("Registration test", s["h2"]),
    ]
    if pack.test_lines:
        first, *rest = pack.test_lines
        story += [Paragraph(plain(first), s["label"]), Spacer(1, 2 * mm), *bullets(rest, s["bullet"])]
    else:
        story.append(Paragraph("No registration check was recorded for this concern.", s["body"]))
    if pack.pupils:
        rows = [
            [
                "Pupil",
                "Hours a week",
                "Weeks a year",
                "Daytime",
                "Main education",
                "EHC plan",
                "Looked after",
                "SEN",
            ]
        ]
        yes = {True: "Yes", False: "No"}
        rows += [
            [
                p["ref"],
                f"{p['hours_per_week']:g}",
                str(p["weeks_per_year"]),
                yes[p["daytime"]],
                yes[p["main_education"]],
                yes[p["ehc_plan"]],
                yes[p["looked_after"]],
                yes[p["sen"]],
            ]
            for p in pack.pupils
        ]
        story += [*heading("Pupils of compulsory school age (by reference)", s["h3"]), grid(rows, s)]
    story += [*heading("Decisions and reasons", s["h2"])]
    story.append(
        grid(
            [["When", "Who", "Step", "Reason"]]
            + [[d.at, d.who, d.step, d.reason or "—"] for d in pack.timeline],
            s,
            widths=(28 * mm, 32 * mm, 48 * mm, None),
        )
    )
    story += [*heading("Visits to this provider", s["h2"])]
    if pack.visits:
        story.append(
            grid([["Date", "Type", "Officer", "Overall", "Status"]] + [list(v) for v in pack.visits], s)
        )
    else:
        story.append(Paragraph("No visits are linked to this concern.", s["body"]))
    return story


def grid(rows, s, widths=None):
    """A simple table with a bold heading row repeated on each page; cells wrap as plain text."""
    cells = [
        [Paragraph(plain(str(value)), s["cell_bold" if n == 0 else "cell"]) for value in row]
        for n, row in enumerate(rows)
    ]
    if widths is not None:
        fixed = sum(w for w in widths if w)
        widths = [w or WIDTH - fixed for w in widths]
    return Table(
        cells,
        colWidths=widths,
        repeatRows=1,
        style=[
            ("LINEBELOW", (0, 0), (-1, 0), 1, TEXT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, BORDER),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )
