"""The PDFs' text: the embedded fonts, the colours, the paragraph styles, and text typed by
people made safe to draw and wrapped to a width.

The font is Source Sans Pro (SIL Open Font License) from the font-source-sans-pro package
on PyPI, embedded in every PDF, so names such as "Zoë Siân Łukasiewicz-O'Brien" render the
same on any machine, with no system font needed. Text typed by people is always escaped
(plain) before reportlab's Paragraph sees it, because Paragraph parses markup.
"""

import re
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT, BOLD, ITALIC = "SourceSans", "SourceSans-Bold", "SourceSans-Italic"
FONT_FILES = {
    FONT: "SourceSansPro-Regular.ttf",
    BOLD: "SourceSansPro-Bold.ttf",
    ITALIC: "SourceSansPro-It.ttf",
}

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
    # A theme where too little was seen: never a colour.
    "insufficient": (colors.HexColor("#dddedf"), TEXT, "Insufficient evidence"),
}


def tile_word(canvas, word, x_centre, y_middle, width, size):
    """A rating's word centred in its tile: on one line when it fits, else one word a line."""
    lines = [word] if pdfmetrics.stringWidth(word, BOLD, size) <= width - 4 else word.split()
    leading = size + 1
    top = y_middle + (len(lines) - 1) * leading / 2
    for n, line in enumerate(lines):
        canvas.drawCentredString(x_centre, top - n * leading, line)


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


def one_line(text):
    """Text for drawing straight onto the page: one line, no control characters."""
    return " ".join(CONTROL.sub("", str(text or "")).split())


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
