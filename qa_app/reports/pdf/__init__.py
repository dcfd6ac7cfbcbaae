"""The PDFs: the visit report (internal and provider editions), the register export, the
referral pack of an escalation and the subject access pack of a pupil.

The one package that imports reportlab (ruff's TID251 enforces it). The builders are pure:
plain data in (reports.entries.VisitReport, reports.register.RegisterRow,
reports.escalation_pack.ReferralPack), PDF out. Its modules:

- text: the embedded fonts, colours, paragraph styles, and text typed by people escaped
  and wrapped;
- flowables: the plain-text paragraphs, bullets, headings and summary lists they share;
- pages: page furniture and numbering (header, footer, OFFICIAL-SENSITIVE, DRAFT,
  "Page N of M");
- visit_report, with themes and photos: the visit report;
- register_export: the register as a landscape table;
- referral_pack: the referral pack;
- subject_access_pack: everything held about one pupil at one school.
"""

from reportlab import rl_config

from qa_app.reports.pdf.pages import MARGIN, MARKING, PAGE_H, PAGE_W, PageCountCanvas
from qa_app.reports.pdf.referral_pack import build_referral_pack
from qa_app.reports.pdf.register_export import write_register_pdf
from qa_app.reports.pdf.subject_access_pack import build_subject_access_pack
from qa_app.reports.pdf.text import BOLD, FONT, register_fonts, styles
from qa_app.reports.pdf.visit_report import build_visit_report

# Binary streams: ASCII85-encoding the photos' JPEG data doubles the time of a report.
rl_config.useA85 = 0

__all__ = [
    "BOLD",
    "FONT",
    "MARGIN",
    "MARKING",
    "PAGE_H",
    "PAGE_W",
    "PageCountCanvas",
    "build_referral_pack",
    "build_subject_access_pack",
    "build_visit_report",
    "register_fonts",
    "styles",
    "write_register_pdf",
]
