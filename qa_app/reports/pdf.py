"""The PDFs: the visit report (internal and provider editions) and the register export.

The one module that imports reportlab. The builders are pure: plain data in
(reports.content.VisitReport, reports.register.RegisterRow), PDF out. Text typed by
people is always escaped before reportlab's Paragraph sees it, because Paragraph parses
markup. The font is Source Sans Pro (SIL Open Font License) from the font-source-sans-pro
package on PyPI, embedded in every PDF, so names such as "Zoë Siân Łukasiewicz-O'Brien"
render the same on any machine, with no system font needed.
"""

import io
import re
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

FONT, BOLD, ITALIC = "SourceSans", "SourceSans-Bold", "SourceSans-Italic"
FONT_FILES = {
    FONT: "SourceSansPro-Regular.ttf",
    BOLD: "SourceSansPro-Bold.ttf",
    ITALIC: "SourceSansPro-It.ttf",
}
MARKING = "OFFICIAL-SENSITIVE"

# The GOV.UK Frontend palette; a rating is always a word as well as a colour.
TEXT = colors.HexColor("#0b0c0c")
SECONDARY = colors.HexColor("#505a5f")
BORDER = colors.HexColor("#b1b4b6")
LIGHT = colors.HexColor("#f3f2f1")
BLUE = colors.HexColor("#1d70b8")
RED = colors.HexColor("#d4351c")
WHITE = colors.white
RAG_TILES = {
    "red": (RED, WHITE, "Red"),
    "amber": (colors.HexColor("#f47738"), TEXT, "Amber"),
    "green": (colors.HexColor("#00703c"), WHITE, "Green"),
    None: (colors.HexColor("#dddedf"), TEXT, "Not rated"),
}
JUDGEMENT_TAGS = {  # (background, text): the GOV.UK tag colours
    rating: (colors.HexColor(background), colors.HexColor(ink))
    for rating, (background, ink) in {
        "met": ("#cce2d8", "#005a30"),
        "partly_met": ("#fcd6c3", "#6e3619"),
        "not_met": ("#f4cdc6", "#2a0b06"),
        "not_seen": ("#e5e6e7", "#282d30"),
        None: ("#ffffff", "#505a5f"),
    }.items()
}

PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
WIDTH = PAGE_W - 2 * MARGIN

READING_GUIDE = (
    "Each criterion of the framework's six themes is judged <b>Met</b>, <b>Partly met</b>, "
    "<b>Not met</b> or <b>Not seen</b>, with the evidence the officer saw.",
    "Each theme is rated <b>Green</b>, <b>Amber</b> or <b>Red</b> by the rules of the framework "
    "version the visit was made under, and so is the visit overall. Every rating lists the "
    "criteria or themes that decided it.",
    "Actions say what is to be put right, by whom and by when; the next visit reviews them.",
)

# Binary streams: ASCII85-encoding the photos' JPEG data doubles the time of a report.
rl_config.useA85 = 0

# Control characters other than tab and newline: nothing a note needs, and some break PDFs.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@cache
def register_fonts():
    """Register the embedded fonts with reportlab (once per process)."""
    folder = resources.files("font_source_sans_pro") / "files"
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


@cache
def styles():
    """The paragraph styles of every PDF."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, textColor=TEXT, spaceAfter=5)

    def style(name, **changes):
        return ParagraphStyle(name, body, **changes)

    return {
        "body": body,
        "small": style("small", fontSize=8.5, leading=11, textColor=SECONDARY, spaceAfter=2),
        "cell": style("cell", fontSize=9, leading=11.5, spaceAfter=0),
        "cell_bold": style("cell_bold", fontName=BOLD, fontSize=9, leading=11.5, spaceAfter=0),
        "label": style("label", fontName=BOLD, fontSize=9.5, leading=12.5, spaceAfter=0),
        "value": style("value", fontSize=9.5, leading=12.5, spaceAfter=0),
        "band": style("band", fontName=BOLD, fontSize=15, leading=18, textColor=WHITE, spaceAfter=0),
        "band_small": style("band_small", fontSize=9.5, leading=12, textColor=WHITE, spaceAfter=0),
        "kicker": style("kicker", fontSize=13, leading=16, textColor=SECONDARY, spaceAfter=2),
        "title": style("title", fontName=BOLD, fontSize=26, leading=30, spaceAfter=6),
        "lead": style("lead", fontSize=11, leading=14, textColor=SECONDARY, spaceAfter=0),
        "h2": style("h2", fontName=BOLD, fontSize=15, leading=19, spaceBefore=8, spaceAfter=6),
        "h3": style("h3", fontName=BOLD, fontSize=10.5, leading=13.5, spaceBefore=8, spaceAfter=3),
        "evidence": style("evidence", leftIndent=14 * mm, spaceAfter=4),
        "bullet": style("bullet", fontSize=9, leading=11.5, leftIndent=9, bulletIndent=0, spaceAfter=1),
        "tile": style("tile", fontName=BOLD, fontSize=10, leading=12, alignment=TA_CENTER, spaceAfter=0),
        "tile_big": style(
            "tile_big", fontName=BOLD, fontSize=22, leading=26, alignment=TA_CENTER, spaceAfter=0
        ),
        "tile_label": style("tile_label", fontSize=9, leading=11, alignment=TA_CENTER, spaceAfter=2),
    }


# -- text -------------------------------------------------------------------------------


def plain(text):
    """Text typed by a person as Paragraph markup that shows it literally: control
    characters dropped, <, > and & escaped, line breaks kept."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
    return escape(CONTROL.sub("", text)).replace("\n", "<br/>")


def text_blocks(text):
    """Free text typed by a person, cleaned, as its blank-line-separated paragraphs."""
    text = CONTROL.sub("", str(text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    text = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def paragraphs(text, style):
    """Free text typed by a person, as one PlainText per paragraph."""
    return [PlainText(block, style) for block in text_blocks(text)]


def text_lines(text, style, width):
    """Free text typed by a person, wrapped to `width`, with an empty line between paragraphs."""
    lines = []
    for block in text_blocks(text):
        lines += [""] if lines else []
        lines += wrap_text(block, style.fontName, style.fontSize, width)
    return lines


class PlainText(Flowable):
    """Text exactly as typed: wrapped, kept line breaks, split over as many pages as it needs.

    Never parsed as markup (so "<script>" is just text), and a third of the cost of a
    Paragraph, which matters in a report made mostly of evidence.
    """

    def __init__(self, text, style, lines=None):
        super().__init__()
        self.text, self.style = text, style
        self.lines, self.wrapped_width = lines, None

    def wrap(self, available_width, available_height):
        width = available_width - self.style.leftIndent - self.style.rightIndent
        if self.lines is None or self.wrapped_width != width:
            self.lines = wrap_text(self.text, self.style.fontName, self.style.fontSize, width)
            self.wrapped_width = width
        self.width, self.height = available_width, lines_height(self.lines, self.style)
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        if self.height <= available_height:
            return [self]
        fit = lines_that_fit(self.lines, self.style, available_height)
        if fit <= 0 or fit >= len(self.lines):
            return []
        first = PlainText("", ParagraphStyle("first", self.style, spaceAfter=0), self.lines[:fit])
        rest = PlainText("", ParagraphStyle("rest", self.style, spaceBefore=0), self.lines[fit:])
        first.wrapped_width = rest.wrapped_width = self.wrapped_width
        return [first, rest]

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        draw_lines(self.canv, self.lines, self.style, self.height)


def lines_height(lines, style):
    """The height of wrapped lines; an empty line is the half-line gap between paragraphs."""
    gaps = lines.count("")
    return (len(lines) - gaps) * style.leading + gaps * style.leading / 2


def lines_that_fit(lines, style, height):
    """How many of the lines fit in `height`."""
    used = 0.0
    for count, line in enumerate(lines):
        used += style.leading if line else style.leading / 2
        if used > height:
            return count
    return len(lines)


def draw_lines(canvas, lines, style, top):
    """Draw wrapped lines from `top` down, at the style's indent, font and colour."""
    if not lines:
        return
    text = canvas.beginText(style.leftIndent, top - style.fontSize)
    text.setFont(style.fontName, style.fontSize, style.leading)
    text.setFillColor(style.textColor)
    for line in lines:
        if line:
            text.textLine(line)
        else:
            text.moveCursor(0, style.leading / 2 - style.leading)
            text.textLine("")
    canvas.drawText(text)


def wrap_text(text, font, size, width):
    """Lines of at most `width` points: breaks at spaces, keeps line breaks, and breaks a
    word longer than a line (a pasted link, say) rather than let it run off the page."""
    measure = pdfmetrics.getFont(font).stringWidth
    space = measure(" ", size)
    lines = []
    for hard_line in text.split("\n"):
        line, line_width = [], -space
        for word in hard_line.split():
            word_width = measure(word, size)
            if word_width > width:
                *whole, word = _broken_word(word, measure, size, width)
                lines += [" ".join(line)] if line else []
                lines += whole
                line, line_width = [], -space
                word_width = measure(word, size)
            elif line and line_width + space + word_width > width:
                lines.append(" ".join(line))
                line, line_width = [], -space
            line.append(word)
            line_width += space + word_width
        lines.append(" ".join(line))
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _broken_word(word, measure, size, width):
    """A word too long for a line, in pieces that each fit."""
    pieces, piece, piece_width = [], "", 0.0
    for char in word:
        char_width = measure(char, size)
        if piece and piece_width + char_width > width:
            pieces.append(piece)
            piece, piece_width = "", 0.0
        piece += char
        piece_width += char_width
    pieces.append(piece)
    return pieces


def heading(text, style, room=30 * mm):
    """A heading that never ends a page: it moves to the next one unless `room` is left for
    what follows (cheaper than keepWithNext, which makes reportlab group flowables)."""
    return [CondPageBreak(room), Paragraph(plain(text), style)]


def bullets(items, style):
    """A bulleted list of plain-text items (none when there are no items)."""
    return [BulletList(items, style)] if items else []


class BulletList(Flowable):
    """Plain-text items, each wrapped under its bullet; splits between lines."""

    def __init__(self, items, style, lines=None):
        super().__init__()
        self.items, self.style = items, style
        self.lines, self.wrapped_width = lines, None  # [(first line of an item?, text)]

    def wrap(self, available_width, available_height):
        if self.lines is None or self.wrapped_width != available_width:
            width, style = available_width - self.style.leftIndent, self.style
            self.lines = [
                (n == 0, line)
                for item in self.items
                for n, line in enumerate(
                    wrap_text(_one_line(item), style.fontName, style.fontSize, width) or [""]
                )
            ]
            self.wrapped_width = available_width
        self.width, self.height = available_width, len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        fit = int(available_height // self.style.leading)
        if fit >= len(self.lines):
            return [self]
        if fit <= 0:
            return []
        parts = [
            BulletList(self.items, self.style, self.lines[:fit]),
            BulletList(self.items, self.style, self.lines[fit:]),
        ]
        for part in parts:
            part.wrapped_width = self.wrapped_width
        return parts

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        style = self.style
        text = self.canv.beginText()
        text.setFont(style.fontName, style.fontSize, style.leading)
        text.setFillColor(style.textColor)
        baseline = self.height - style.fontSize
        for first, line in self.lines:
            if first:
                text.setTextOrigin(style.bulletIndent, baseline)
                text.textOut("•")
            text.setTextOrigin(style.leftIndent, baseline)
            text.textOut(line)
            baseline -= style.leading
        self.canv.drawText(text)


def long_date(day):
    """5 March 2026."""
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day):
    """5 Mar 2026."""
    return f"{day.day} {day:%b %Y}" if day else ""


# -- the visit report ----------------------------------------------------------------------


class PageCountCanvas(Canvas):
    """Holds every page until the end, then writes "Page N of M" on each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self.setFont(FONT, 8.5)
            self.setFillColor(SECONDARY)
            self.drawRightString(PAGE_W - MARGIN, 11 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def build_document(story, furniture, *, title, author, subject):
    """PDF bytes of A4 pages in the reports' common frame: the header and footer that
    `furniture` draws, and "Page N of M". The visit report is built with it (and the
    referral pack, when it exists, will be too)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=24 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=author,
        subject=subject,
        creator="qa_app",
        initialFontName=FONT,
        initialFontSize=10,
    )
    frame = Frame(MARGIN, 22 * mm, WIDTH, PAGE_H - 46 * mm, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=furniture)])
    doc.build(story, canvasmaker=PageCountCanvas)
    return buffer.getvalue()


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
    return build_document(
        visit_story(report),
        furniture,
        title=f"Quality assurance visit report: {report.provider_name}",
        author=report.authority,
        subject=f"{report.reference}, {report.edition_label}",
    )


class PageFurniture:
    """Header and footer of every page: the authority, a reference, a footer line, the
    protective marking when `marked`, and a DRAFT warning and watermark when `draft` says
    why (the page count is added at the end, by PageCountCanvas)."""

    def __init__(self, authority, reference, *, footer, marked, draft=""):
        self.authority, self.reference, self.footer = authority, reference, footer
        self.marked, self.draft = marked, draft
        self.draft_x = PAGE_W - MARGIN - pdfmetrics.stringWidth(reference + "   ", FONT, 8.5)
        self.formed = False

    def __call__(self, canvas, doc):
        if self.draft:
            self.watermark(canvas)  # on the page itself: reportlab forms drop transparency
        # The rest is drawn once, as a form that every page shows: the same, and cheaper.
        if not self.formed:
            canvas.beginForm("furniture")
            self.draw(canvas)
            canvas.endForm()
            self.formed = True
        canvas.doForm("furniture")

    def draw(self, canvas):
        canvas.saveState()
        canvas.setFillColor(TEXT)
        if self.marked:
            canvas.setFont(BOLD, 9)
            canvas.drawCentredString(PAGE_W / 2, PAGE_H - 9 * mm, MARKING)
            canvas.drawCentredString(PAGE_W / 2, 5 * mm, MARKING)
        canvas.setFont(BOLD, 8.5)
        canvas.drawString(MARGIN, PAGE_H - 15 * mm, self.authority)
        if self.draft:
            canvas.setFillColor(RED)
            canvas.drawRightString(self.draft_x, PAGE_H - 15 * mm, self.draft)
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(SECONDARY)
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 15 * mm, self.reference)
        canvas.drawString(MARGIN, 11 * mm, self.footer)
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, PAGE_H - 17 * mm, PAGE_W - MARGIN, PAGE_H - 17 * mm)
        canvas.line(MARGIN, 15 * mm, PAGE_W - MARGIN, 15 * mm)
        canvas.restoreState()

    @staticmethod
    def watermark(canvas):
        """A large, faint DRAFT across the page."""
        canvas.saveState()
        canvas.setFillColor(RED, alpha=0.07)
        canvas.setFont(BOLD, 130)
        canvas.translate(PAGE_W / 2, PAGE_H / 2)
        canvas.rotate(50)
        canvas.drawCentredString(0, -45, "DRAFT")
        canvas.restoreState()


def visit_story(report):
    """The flowables of the visit report, in reading order."""
    s = styles()
    story = _cover(report, s)
    story += [PageBreak(), Paragraph("Summary of ratings", s["h2"]), _summary_table(report, s)]
    for number, theme in enumerate(report.themes, 1):
        story += _theme_section(number, theme, s)
    story += _closing_sections(report, s)
    if report.internal is not None:
        story += _internal_section(report.internal, s)
    return story


def _cover(report, s):
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
        Paragraph("Quality assurance visit report", s["kicker"]),
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
    rows = [
        ("Provider", report.provider_name),
        ("Address", report.provider_address),
        ("Registration status", report.registration),
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
    story += [_summary_list(rows, s), Spacer(1, 8 * mm), *heading("How to read this report", s["h3"])]
    story += [Paragraph(text, s["small"]) for text in READING_GUIDE]
    return story


def _overall_tile(report, s):
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


def _summary_list(rows, s):
    return SummaryList(rows)


class SummaryList(Flowable):
    """Label and value rows over thin rules, like a GOV.UK summary list (drawn directly)."""

    LABEL_WIDTH, SIZE, LEADING, PAD = 42 * mm, 9.5, 12.5, 5

    def __init__(self, rows):
        super().__init__()
        self.rows, self.wrapped, self.wrapped_width = rows, [], None

    def wrap(self, available_width, available_height):
        if self.wrapped_width != available_width:
            self.wrapped_width = available_width
            value_width = available_width - self.LABEL_WIDTH
            self.wrapped = [
                (label, wrap_text(_one_line(value), FONT, self.SIZE, value_width) or [""])
                for label, value in self.rows
            ]
        self.width = available_width
        self.height = sum(self.row_height(lines) for _, lines in self.wrapped)
        return self.width, self.height

    def row_height(self, lines):
        return len(lines) * self.LEADING + 2 * self.PAD

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        used, fit = 0, 0
        for _, lines in self.wrapped:
            if used + self.row_height(lines) > available_height:
                break
            used, fit = used + self.row_height(lines), fit + 1
        if fit == len(self.rows):
            return [self]
        return [SummaryList(self.rows[:fit]), SummaryList(self.rows[fit:])] if fit else []

    def draw(self):
        canvas, top = self.canv, self.height
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.5)
        text = canvas.beginText()
        text.setFillColor(TEXT)
        for label, lines in self.wrapped:
            baseline = top - self.PAD - self.SIZE
            text.setFont(BOLD, self.SIZE, self.LEADING)
            text.setTextOrigin(0, baseline)
            text.textOut(label)
            text.setFont(FONT, self.SIZE, self.LEADING)
            text.setTextOrigin(self.LABEL_WIDTH, baseline)
            text.textLines(lines)
            top -= self.row_height(lines)
            canvas.line(0, top, self.width, top)
        canvas.drawText(text)


def _inset(text, s):
    return Table(
        [[Paragraph(plain(text), s["body"])]],
        colWidths=[WIDTH],
        style=[("LINEBEFORE", (0, 0), (0, -1), 4, BORDER), ("LEFTPADDING", (0, 0), (-1, -1), 10)],
    )


def _summary_table(report, s):
    return RatingsSummary([(theme.name, theme.rag, _reasons(theme.why)) for theme in report.themes])


def _reasons(why, most=5):
    """A theme's reasons for the summary: the first few (the theme's section has them all)."""
    if not why:
        return ["Nothing judged yet"]
    return why[:most] + ([f"and {len(why) - most} more: see the theme's section"] if len(why) > most else [])


class RatingsSummary(Flowable):
    """The six themes in a table: name, RAG as a coloured tile with its word, and why.

    Drawn directly (see CriterionBlock); splits between rows, repeating its headings.
    """

    NAME_WIDTH, TILE_WIDTH, SIZE, LEADING, PAD, BULLET = 50 * mm, 24 * mm, 9, 11.5, 5, 9
    HEADINGS = ("Theme", "Rating", "Why this rating")

    def __init__(self, themes):
        super().__init__()
        self.themes = themes  # (name, rag, [reasons])
        self.rows, self.wrapped_width = [], None

    def wrap(self, available_width, available_height):
        if self.wrapped_width != available_width:
            self.wrapped_width = available_width
            why_width = available_width - self.NAME_WIDTH - self.TILE_WIDTH - 2 * self.PAD - self.BULLET
            self.rows = []
            for name, rag, reasons in self.themes:
                names = simpleSplit(_one_line(name), BOLD, self.SIZE, self.NAME_WIDTH - 2 * self.PAD)
                why = [
                    simpleSplit(_one_line(reason), FONT, self.SIZE, why_width) or [""] for reason in reasons
                ]
                lines = max(len(names), sum(len(item) for item in why))
                self.rows.append((names, rag, why, lines * self.LEADING + 2 * self.PAD))
        self.width = available_width
        self.height = self.heading_height + sum(row[3] for row in self.rows)
        return self.width, self.height

    @property
    def heading_height(self):
        return self.LEADING + 2 * self.PAD

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        used, fit = self.heading_height, 0
        for row in self.rows:
            if used + row[3] > available_height:
                break
            used, fit = used + row[3], fit + 1
        if fit == len(self.rows):
            return [self]
        return [RatingsSummary(self.themes[:fit]), RatingsSummary(self.themes[fit:])] if fit else []

    def draw(self):
        canvas, top = self.canv, self.height
        x_tile, x_why = self.NAME_WIDTH, self.NAME_WIDTH + self.TILE_WIDTH + self.PAD
        canvas.setFillColor(TEXT)
        canvas.setFont(BOLD, self.SIZE)
        for x, heading in zip((0, x_tile + self.PAD, x_why), self.HEADINGS, strict=True):
            canvas.drawString(x, top - self.PAD - self.SIZE, heading)
        top -= self.heading_height
        canvas.setStrokeColor(TEXT)
        canvas.setLineWidth(1)
        canvas.line(0, top, self.width, top)
        for names, rag, why, height in self.rows:
            background, ink, word = RAG_TILES[rag]
            canvas.setFillColor(background)
            canvas.rect(x_tile, top - height + 2, self.TILE_WIDTH, height - 4, stroke=0, fill=1)
            canvas.setFillColor(ink)
            canvas.setFont(BOLD, self.SIZE)
            canvas.drawCentredString(x_tile + self.TILE_WIDTH / 2, top - height / 2 - 3, word)
            text = canvas.beginText(0, top - self.PAD - self.SIZE)
            text.setFont(BOLD, self.SIZE, self.LEADING)
            text.setFillColor(TEXT)
            text.textLines(names)
            text.setTextOrigin(x_why, top - self.PAD - self.SIZE)
            text.setFont(FONT, self.SIZE, self.LEADING)
            for item in why:
                for n, line in enumerate(item):
                    text.textOut("•" if n == 0 else "")
                    text.moveCursor(self.BULLET, 0)
                    text.textOut(line)
                    text.moveCursor(-self.BULLET, self.LEADING)
            canvas.drawText(text)
            top -= height
            canvas.setStrokeColor(BORDER)
            canvas.setLineWidth(0.5)
            canvas.line(0, top, self.width, top)


def _theme_section(number, theme, s):
    story = [CondPageBreak(60 * mm), ThemeHeading(f"{number}. {theme.name}", theme.rag)]
    story += bullets(theme.why, s["bullet"]) or [Paragraph("Nothing judged yet in this theme.", s["small"])]
    if theme.insufficient_reason:
        story += [
            *heading("Why the evidence is insufficient", s["h3"]),
            *paragraphs(theme.insufficient_reason, s["body"]),
        ]
    story.append(Spacer(1, 3 * mm))  # between the reasons and the first criterion
    for criterion in theme.criteria:
        story += _criterion(criterion, s)
    if theme.comment:
        story += [
            *heading(f"Comment on {theme.name}", s["h3"]),
            *paragraphs(theme.comment, s["body"]),
        ]
    if theme.photos:
        story += [*heading("Photos of evidence", s["h3"], room=PHOTO_ROOM), _photo_grid(theme.photos, s)]
    return story


class ThemeHeading(Flowable):
    """A theme's heading with its RAG as a coloured tile with the word, over a rule."""

    HEIGHT, TILE_WIDTH, SPACE_BEFORE, SPACE_AFTER = 26, 30 * mm, 4 * mm, 3 * mm

    def __init__(self, title, rag):
        super().__init__()
        self.title, self.rag = _one_line(title), rag

    def getSpaceBefore(self):
        return self.SPACE_BEFORE

    def getSpaceAfter(self):
        return self.SPACE_AFTER

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, self.HEIGHT
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        background, ink, word = RAG_TILES[self.rag]
        canvas.setFillColor(background)
        canvas.rect(self.width - self.TILE_WIDTH, 4, self.TILE_WIDTH, self.HEIGHT - 4, stroke=0, fill=1)
        canvas.setFillColor(ink)
        canvas.setFont(BOLD, 10)
        canvas.drawCentredString(self.width - self.TILE_WIDTH / 2, 12, word)
        canvas.setFillColor(TEXT)
        canvas.setFont(BOLD, 15)
        canvas.drawString(0, 10, self.title)
        canvas.setStrokeColor(TEXT)
        canvas.setLineWidth(2)
        canvas.line(0, 1, self.width, 1)


def _criterion(criterion, s):
    """A criterion with its judgement and evidence, which may run over pages."""
    return [CriterionBlock(criterion, s["evidence"])]


class CriterionBlock(Flowable):
    """One criterion: a row (code, "Critical", wrapped text, the judgement as a tag) and
    the evidence below it, running on over as many pages as it needs.

    Drawn directly, as one flowable, rather than as a Table of Paragraphs followed by
    Paragraphs: a report has dozens of these, and this costs a fraction as much.
    """

    CODE_WIDTH, TAG_WIDTH, SIZE, LEADING, PAD, GAP = 14 * mm, 30 * mm, 9, 11.5, 5, 4
    KEEP_LINES = 3  # lines of evidence that stay with the row at the foot of a page

    def __init__(self, criterion, style, evidence=None, with_row=True):
        super().__init__()
        self.criterion, self.style, self.with_row = criterion, style, with_row
        self.evidence = evidence  # wrapped lines ("" between paragraphs); None until wrapped
        self.row_lines, self.wrapped_width = [""], None

    def wrap(self, available_width, available_height):
        if self.wrapped_width != available_width:
            self.wrapped_width = available_width
            text_width = available_width - self.CODE_WIDTH - self.TAG_WIDTH - 8
            self.row_lines = simpleSplit(_one_line(self.criterion.text), FONT, self.SIZE, text_width) or [""]
            if self.evidence is None:
                self.evidence = text_lines(
                    self.criterion.evidence, self.style, available_width - self.style.leftIndent
                )
        self.width = available_width
        self.height = self.row_height + self.gap + lines_height(self.evidence, self.style)
        return self.width, self.height

    @property
    def row_height(self):
        rows = max(len(self.row_lines), 2 if self.criterion.critical else 1)
        return rows * self.LEADING + 2 * self.PAD if self.with_row else 0

    @property
    def gap(self):
        return self.GAP if self.with_row and self.evidence else 0

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        if self.height <= available_height:
            return [self]
        fit = lines_that_fit(self.evidence, self.style, available_height - self.row_height - self.gap)
        least = min(self.KEEP_LINES, len(self.evidence)) if self.with_row else 1
        if fit < max(least, 1) or fit >= len(self.evidence):
            return []  # start on the next page
        rest = self.evidence[fit:]
        while rest and not rest[0]:
            rest = rest[1:]
        parts = [
            CriterionBlock(self.criterion, self.style, self.evidence[:fit], self.with_row),
            CriterionBlock(self.criterion, self.style, rest, with_row=False),
        ]
        for part in parts:
            part.row_lines, part.wrapped_width = self.row_lines, self.wrapped_width
        return parts

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        top = self.height
        if self.with_row:
            self._draw_row(top)
            top -= self.row_height + self.gap
        draw_lines(self.canv, self.evidence, self.style, top)

    def _draw_row(self, top):
        canvas, height = self.canv, self.row_height
        background, ink = JUDGEMENT_TAGS[self.criterion.rating]
        baseline = top - self.PAD - self.SIZE
        canvas.setFillColor(LIGHT)
        canvas.rect(0, top - height, self.width, height, stroke=0, fill=1)
        canvas.setFillColor(background)
        canvas.rect(self.width - self.TAG_WIDTH, top - height, self.TAG_WIDTH, height, stroke=0, fill=1)
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.5)
        canvas.line(0, top, self.width, top)
        label = self.criterion.rating_label
        label_width = pdfmetrics.stringWidth(label, BOLD, self.SIZE)
        text = canvas.beginText(self.width - (self.TAG_WIDTH + label_width) / 2, baseline)
        text.setFont(BOLD, self.SIZE)
        text.setFillColor(ink)
        text.textOut(label)
        text.setTextOrigin(4, baseline)
        text.setFillColor(TEXT)
        text.textOut(self.criterion.code)
        if self.criterion.critical:
            text.setTextOrigin(4, baseline - self.LEADING)
            text.setFont(BOLD, 7.5)
            text.setFillColor(RED)
            text.textOut("Critical")
        text.setTextOrigin(self.CODE_WIDTH, baseline)
        text.setFont(FONT, self.SIZE, self.LEADING)
        text.setFillColor(TEXT)
        text.textLines(self.row_lines)
        canvas.drawText(text)


def _one_line(text):
    """Text for drawing straight onto the page: one line, no control characters."""
    return " ".join(CONTROL.sub("", str(text or "")).split())


def _photo_grid(photos, s):
    """Photos two to a row, scaled to fit, each with its caption; unreadable ones listed as missing."""
    cell_width = WIDTH / 2
    cells = []
    for photo in photos:
        caption = f"{photo.criterion}: {photo.caption}" if photo.criterion else photo.caption
        image = _image(photo.path, cell_width - 12, PHOTO_HEIGHT)
        if image is None:
            cells.append([Paragraph(plain(f"Photo missing: {caption or 'no caption'}"), s["small"])])
        else:
            cells.append([image, Spacer(1, 2), Paragraph(plain(caption), s["small"])])
    if len(cells) % 2:
        cells.append("")
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    return Table(
        rows,
        colWidths=[cell_width, cell_width],
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )


PHOTO_HEIGHT = 62 * mm
PHOTO_ROOM = PHOTO_HEIGHT + 20 * mm  # a heading over photos needs a row of them below it


def _image(path, max_width, max_height):
    """The photo as a flowable scaled to fit, or None when it cannot be read."""
    if path is None:
        return None
    try:
        with PILImage.open(path) as image:
            width, height = image.size
            if image.format != "JPEG":
                image.load()  # not one of ours (they are all JPEG): decode it to be sure
            elif not _ends_whole(image.fp):
                return None
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        return None
    scale = min(max_width / width, max_height / height)
    # A file name, not a file: reportlab then copies a JPEG into the PDF as it is,
    # where a file object makes it decode the whole photo to name it.
    return Image(str(path), width * scale, height * scale)


def _ends_whole(jpeg):
    """True when a JPEG file ends with its end-of-image marker (it was not cut short)."""
    jpeg.seek(-2, 2)
    return jpeg.read(2) == b"\xff\xd9"


def _closing_sections(report, s):
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
        story += [*heading("Other photos", s["h2"], room=PHOTO_ROOM), _photo_grid(report.other_photos, s)]
    return story


def _table(headings, rows, widths, s):
    data = [[PlainText(h, s["cell_bold"]) for h in headings]]
    data += [[PlainText(_one_line(value), s["cell"]) for value in row] for row in rows]
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


def _internal_section(internal, s):
    """Only in the internal edition (see reports.content.provider_edition)."""
    story = [
        CondPageBreak(50 * mm),
        *heading("Internal information", s["h2"]),
        Paragraph("For the authority only: this section is left out of the provider edition.", s["small"]),
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


# -- the register export -------------------------------------------------------------------

REGISTER_PAGE = landscape(A4)
REGISTER_MARGIN = 12 * mm
# (heading, width in mm, the row's text)
REGISTER_COLUMNS = (
    ("Provider", 62, lambda r: r.name),
    ("Borough", 24, lambda r: r.borough),
    ("Postcode", 18, lambda r: r.postcode),
    ("Registration", 36, lambda r: r.registration + (f" (URN {r.urn})" if r.urn else "")),
    ("Services", 46, lambda r: r.services or "None recorded"),
    ("QA status", 27, lambda r: r.qa_status_label),
    ("Overall", 18, None),
    ("Last visit", 21, lambda r: short_date(r.last_visit) or "Never"),
    ("Next due", 21, lambda r: short_date(r.next_due) or "Now"),
)
ROW_FONT_SIZE, ROW_LEADING, ROW_PADDING = 8, 9.6, 3.2
REGISTER_WIDTHS = {heading: width * mm for heading, width, _ in REGISTER_COLUMNS}
REGISTER_X = {
    heading: REGISTER_MARGIN + sum(w for _, w, _ in REGISTER_COLUMNS[:n]) * mm
    for n, (heading, _, _) in enumerate(REGISTER_COLUMNS)
}


def write_register_pdf(out, rows, *, authority, filters, sort, total, produced_at):
    """Write the register as a landscape table to the file `out`, one row at a time.

    Rows are drawn as they arrive (an iterator straight from the database) and "Page N
    of M" uses a form filled in at the end, so nothing is held twice.
    """
    register_fonts()
    canvas = Canvas(out, pagesize=REGISTER_PAGE, pageCompression=1, initialFontName=FONT, initialFontSize=10)
    canvas.setTitle("Provider register")
    canvas.setAuthor(authority)
    page = RegisterPages(canvas, authority, produced_at)
    y = page.start(first=True)
    y = _register_intro(canvas, y, filters, sort, total)
    y = page.column_headings(y)
    for index, row in enumerate(rows):
        cells = [
            simpleSplit(text(row), BOLD if n == 0 else FONT, ROW_FONT_SIZE, width * mm - 2 * ROW_PADDING)
            if text
            else []
            for n, (_, width, text) in enumerate(REGISTER_COLUMNS)
        ]
        height = max(len(lines) for lines in cells) * ROW_LEADING + 2 * ROW_PADDING
        if y - height < page.bottom:
            page.finish()
            y = page.column_headings(page.start())
        _register_row(canvas, y, height, row, cells, shaded=index % 2 == 1)
        y -= height
    if total == 0:
        canvas.setFont(FONT, 10)
        canvas.drawString(REGISTER_MARGIN, y - 16, "No providers match these filters.")
    page.finish()
    page.fill_in_page_count()
    canvas.save()


class RegisterPages:
    """The register's page furniture: header, footer and "Page N of M"."""

    def __init__(self, canvas, authority, produced_at):
        self.canvas = canvas
        self.authority = authority
        self.produced = f"Produced {long_date(produced_at)} at {produced_at:%H:%M}"
        self.width, self.height = REGISTER_PAGE
        self.bottom = 16 * mm
        self.pages = 0

    def start(self, first=False):
        """Draw the header; the y where the page's content starts."""
        canvas = self.canvas
        self.pages += 1
        canvas.setFillColor(TEXT)
        canvas.setFont(BOLD, 9)
        canvas.drawString(REGISTER_MARGIN, self.height - 11 * mm, f"{self.authority} · Provider register")
        canvas.setFont(FONT, 9)
        canvas.setFillColor(SECONDARY)
        canvas.drawRightString(self.width - REGISTER_MARGIN, self.height - 11 * mm, self.produced)
        canvas.setStrokeColor(BORDER)
        canvas.setLineWidth(0.5)
        canvas.line(
            REGISTER_MARGIN, self.height - 13 * mm, self.width - REGISTER_MARGIN, self.height - 13 * mm
        )
        return self.height - 17 * mm

    def column_headings(self, y):
        """The table's heading row (on every page); the y below it."""
        canvas = self.canvas
        height = 6.5 * mm
        canvas.setFillColor(TEXT)
        canvas.rect(REGISTER_MARGIN, y - height, self.width - 2 * REGISTER_MARGIN, height, stroke=0, fill=1)
        canvas.setFillColor(WHITE)
        canvas.setFont(BOLD, ROW_FONT_SIZE)
        x = REGISTER_MARGIN
        for heading, width, _ in REGISTER_COLUMNS:
            canvas.drawString(x + ROW_PADDING, y - height + 2.3 * mm, heading)
            x += width * mm
        return y - height

    def finish(self):
        """Draw the footer and end the page."""
        canvas = self.canvas
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(SECONDARY)
        canvas.drawString(
            REGISTER_MARGIN, 8 * mm, "Ratings come from each provider's latest signed-off QA visit."
        )
        label = f"Page {self.pages} of "
        x = self.width - REGISTER_MARGIN - 28 * mm
        canvas.drawString(x, 8 * mm, label)
        canvas.saveState()
        canvas.translate(x + pdfmetrics.stringWidth(label, FONT, 8.5), 8 * mm)
        canvas.doForm("page_count")
        canvas.restoreState()
        canvas.showPage()

    def fill_in_page_count(self):
        """Define the form every footer shows: the number of pages, now known."""
        canvas = self.canvas
        canvas.beginForm("page_count")
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(SECONDARY)
        canvas.drawString(0, 0, str(self.pages))
        canvas.endForm()


def _register_intro(canvas, y, filters, sort, total):
    """Title, the filters in force and the count, above the table on the first page."""
    canvas.setFillColor(TEXT)
    canvas.setFont(BOLD, 18)
    canvas.drawString(REGISTER_MARGIN, y - 18, "Provider register")
    canvas.setFont(FONT, 10)
    lines = [
        "Filters: " + ("; ".join(filters) if filters else "none (every provider)"),
        f"Sorted by: {sort}",
        f"{total:,} provider{'' if total == 1 else 's'}",
    ]
    y -= 36
    for line in lines:
        for part in simpleSplit(line, FONT, 10, REGISTER_PAGE[0] - 2 * REGISTER_MARGIN):
            canvas.drawString(REGISTER_MARGIN, y, part)
            y -= 13
    return y - 6


def _register_row(canvas, top, height, row, cells, shaded):
    """One provider's row: wrapped text cells and the RAG as a coloured tile with its word."""
    full_width = REGISTER_PAGE[0] - 2 * REGISTER_MARGIN
    if shaded:
        canvas.setFillColor(LIGHT)
        canvas.rect(REGISTER_MARGIN, top - height, full_width, height, stroke=0, fill=1)
    background, ink, word = RAG_TILES[row.rag]
    tile_x, tile_width = REGISTER_X["Overall"], REGISTER_WIDTHS["Overall"]
    canvas.setFillColor(background)
    canvas.rect(
        tile_x + 1.5, top - ROW_PADDING - ROW_LEADING - 1.5, tile_width - 3, ROW_LEADING + 3, stroke=0, fill=1
    )
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(0.3)
    canvas.line(REGISTER_MARGIN, top - height, REGISTER_MARGIN + full_width, top - height)
    # One text object for the whole row: far cheaper than a drawString per cell.
    text = canvas.beginText()
    baseline = top - ROW_PADDING - ROW_LEADING + 2
    text.setFont(BOLD, ROW_FONT_SIZE, ROW_LEADING)
    text.setFillColor(ink)
    word_width = pdfmetrics.stringWidth(word, BOLD, ROW_FONT_SIZE)
    text.setTextOrigin(tile_x + (tile_width - word_width) / 2, baseline)
    text.textOut(word)
    text.setFillColor(TEXT)
    for column, ((heading, _, _), lines) in enumerate(zip(REGISTER_COLUMNS, cells, strict=True)):
        if column == 1:
            text.setFont(FONT, ROW_FONT_SIZE, ROW_LEADING)
        if lines:
            text.setTextOrigin(REGISTER_X[heading] + ROW_PADDING, baseline)
            text.textLines(lines)
    canvas.drawText(text)


# -- the referral pack -----------------------------------------------------------------------


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
        _summary_list(pack.premises, s),
        *heading("The concern", s["h2"]),
        _summary_list(pack.concern, s),
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
        story += [*heading("Pupils of compulsory school age (by reference)", s["h3"]), _grid(rows, s)]
    story += [*heading("Decisions and reasons", s["h2"])]
    story.append(
        _grid(
            [["When", "Who", "Step", "Reason"]]
            + [[d.at, d.who, d.step, d.reason or "—"] for d in pack.timeline],
            s,
            widths=(28 * mm, 32 * mm, 48 * mm, None),
        )
    )
    story += [*heading("Visits to this provider", s["h2"])]
    if pack.visits:
        story.append(
            _grid([["Date", "Type", "Officer", "Overall", "Status"]] + [list(v) for v in pack.visits], s)
        )
    else:
        story.append(Paragraph("No visits are linked to this concern.", s["body"]))
    return story


def _grid(rows, s, widths=None):
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
