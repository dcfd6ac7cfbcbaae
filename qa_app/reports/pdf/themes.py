"""The visit report's themes: the summary of ratings, and each theme's section (its
heading with the RAG, why, its criteria with judgement and evidence, comment and photos).

The rows are drawn straight onto the canvas as flowables of their own rather than as
Tables of Paragraphs: a report has dozens of them, and this costs a fraction as much.
"""

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from qa_app.reports.pdf.flowables import (
    bullets,
    draw_lines,
    heading,
    lines_height,
    lines_that_fit,
    paragraphs,
    text_lines,
)
from qa_app.reports.pdf.photos import PHOTO_ROOM, photo_grid
from qa_app.reports.pdf.text import (
    BOLD,
    BORDER,
    FONT,
    JUDGEMENT_TAGS,
    LIGHT,
    RAG_TILES,
    RED,
    TEXT,
    one_line,
    tile_word,
)


def ratings_summary(report, s):
    """The summary of ratings: every theme (a school visit's areas) with its RAG and the
    first of its reasons."""
    word = "Area" if report.kind == "school" else "Theme"
    return RatingsSummary(
        [(theme.name, theme.rag, _reasons(theme.why, word=word.lower())) for theme in report.themes],
        headings=(word, "Rating", "Why this rating"),
    )


def _reasons(why, most=5, word="theme"):
    """A theme's reasons for the summary: the first few (the theme's section has them all)."""
    if not why:
        return ["Nothing judged yet"]
    return why[:most] + ([f"and {len(why) - most} more: see the {word}'s section"] if len(why) > most else [])


class RatingsSummary(Flowable):
    """The six themes in a table: name, RAG as a coloured tile with its word, and why.

    Drawn directly (see CriterionBlock); splits between rows, repeating its headings.
    """

    NAME_WIDTH, TILE_WIDTH, SIZE, LEADING, PAD, BULLET = 50 * mm, 24 * mm, 9, 11.5, 5, 9
    HEADINGS = ("Theme", "Rating", "Why this rating")

    def __init__(self, themes, headings=HEADINGS):
        super().__init__()
        self.themes = themes  # (name, rag, [reasons])
        self.headings = headings
        self.rows, self.wrapped_width = [], None

    def wrap(self, available_width, available_height):
        if self.wrapped_width != available_width:
            self.wrapped_width = available_width
            why_width = available_width - self.NAME_WIDTH - self.TILE_WIDTH - 2 * self.PAD - self.BULLET
            self.rows = []
            for name, rag, reasons in self.themes:
                names = simpleSplit(one_line(name), BOLD, self.SIZE, self.NAME_WIDTH - 2 * self.PAD)
                why = [
                    simpleSplit(one_line(reason), FONT, self.SIZE, why_width) or [""] for reason in reasons
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
        if not fit:
            return []
        return [
            RatingsSummary(self.themes[:fit], self.headings),
            RatingsSummary(self.themes[fit:], self.headings),
        ]

    def draw(self):
        canvas, top = self.canv, self.height
        x_tile, x_why = self.NAME_WIDTH, self.NAME_WIDTH + self.TILE_WIDTH + self.PAD
        canvas.setFillColor(TEXT)
        canvas.setFont(BOLD, self.SIZE)
        for x, title in zip((0, x_tile + self.PAD, x_why), self.headings, strict=True):
            canvas.drawString(x, top - self.PAD - self.SIZE, title)
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
            tile_word(
                canvas, word, x_tile + self.TILE_WIDTH / 2, top - height / 2 - 3, self.TILE_WIDTH, self.SIZE
            )
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


def theme_section(number, theme, s, word="theme"):
    """The flowables of one theme's section (or a school visit's area), numbered as in the framework."""
    story = [CondPageBreak(60 * mm), ThemeHeading(f"{number}. {theme.name}", theme.rag)]
    story += bullets(theme.why, s["bullet"]) or [Paragraph(f"Nothing judged yet in this {word}.", s["small"])]
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
        story += [*heading("Photos of evidence", s["h3"], room=PHOTO_ROOM), photo_grid(theme.photos, s)]
    return story


class ThemeHeading(Flowable):
    """A theme's heading with its RAG as a coloured tile with the word, over a rule."""

    HEIGHT, TILE_WIDTH, SPACE_BEFORE, SPACE_AFTER = 26, 30 * mm, 4 * mm, 3 * mm

    def __init__(self, title, rag):
        super().__init__()
        self.title, self.rag = one_line(title), rag

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
        tile_word(canvas, word, self.width - self.TILE_WIDTH / 2, 12, self.TILE_WIDTH, 10)
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
            self.row_lines = simpleSplit(one_line(self.criterion.text), FONT, self.SIZE, text_width) or [""]
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
