"""The register export as PDF: every provider the screen's filters select, in a landscape
table drawn straight onto the canvas one row at a time.

write_register_pdf is pure: register rows (reports.register.RegisterRow) in, a PDF
written to a file out. A 10,000-row register is never held in memory at once.
"""

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from qa_app.dates import short_date
from qa_app.reports.pdf.pages import REGISTER_MARGIN, REGISTER_PAGE, RegisterPages
from qa_app.reports.pdf.text import BOLD, BORDER, FONT, LIGHT, RAG_TILES, TEXT, WHITE, register_fonts

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
    y = _column_headings(canvas, y)
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
            y = _column_headings(canvas, page.start())
        _register_row(canvas, y, height, row, cells, shaded=index % 2 == 1)
        y -= height
    if total == 0:
        canvas.setFont(FONT, 10)
        canvas.drawString(REGISTER_MARGIN, y - 16, "No providers match these filters.")
    page.finish()
    page.fill_in_page_count()
    canvas.save()


def _column_headings(canvas, y):
    """The table's heading row (on every page); the y below it."""
    height = 6.5 * mm
    canvas.setFillColor(TEXT)
    canvas.rect(REGISTER_MARGIN, y - height, REGISTER_PAGE[0] - 2 * REGISTER_MARGIN, height, stroke=0, fill=1)
    canvas.setFillColor(WHITE)
    canvas.setFont(BOLD, ROW_FONT_SIZE)
    x = REGISTER_MARGIN
    for heading, width, _ in REGISTER_COLUMNS:
        canvas.drawString(x + ROW_PADDING, y - height + 2.3 * mm, heading)
        x += width * mm
    return y - height


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
