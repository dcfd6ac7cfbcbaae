"""Page furniture and numbering: the frame every page is drawn in, its header and footer,
the OFFICIAL-SENSITIVE marking and the DRAFT warning, and "Page N of M".

The A4 reports (the visit report, the referral pack) are built with build_document and
PageFurniture; the landscape register, drawn straight onto a canvas row by row, with
RegisterPages.
"""

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from qa_app.dates import clock_time, long_date
from qa_app.reports.pdf.text import BOLD, BORDER, FONT, RED, SECONDARY, TEXT, register_fonts

MARKING = "OFFICIAL-SENSITIVE"
PAGE_W, PAGE_H = A4
MARGIN = 20 * mm
WIDTH = PAGE_W - 2 * MARGIN
REGISTER_PAGE = landscape(A4)
REGISTER_MARGIN = 12 * mm


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
    `furniture` draws, and "Page N of M". The visit report and the referral pack are
    built with it."""
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


class RegisterPages:
    """The register's page furniture: header, footer and "Page N of M"."""

    def __init__(self, canvas, authority, produced_at):
        self.canvas = canvas
        self.authority = authority
        self.produced = f"Produced {long_date(produced_at)} at {clock_time(produced_at)}"
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
