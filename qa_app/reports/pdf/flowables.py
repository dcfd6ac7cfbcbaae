"""Flowables of plain text that the PDFs share: paragraphs and bullets of text typed by
people, headings that never end a page, and label-and-value summary lists.

All of them draw text exactly as typed (wrapped by text.wrap_text, never parsed as
markup) and split over as many pages as they need.
"""

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from qa_app.reports.pdf.text import BOLD, BORDER, FONT, TEXT, one_line, plain, text_blocks, wrap_text


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
                    wrap_text(one_line(item), style.fontName, style.fontSize, width) or [""]
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
                (label, wrap_text(one_line(value), FONT, self.SIZE, value_width) or [""])
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
