"""`python -m bench.reports`: how long the PDFs take, against a one-page PDF built alongside.

1. The internal report of a full visit (six themes, every criterion judged with a
   paragraph of evidence, theme comments, actions, two 12-megapixel photos as uploaded),
   gathered from the database and built, against the floor: a one-page reportlab
   document as the report draws a page (its fonts, header, footer and page count, and a
   page of evidence text), built in the same run, in turn with the report. Goal: the
   report within 5 times the floor. Times are CPU time, which other work on the machine
   barely moves; a bare one-page document (a heading and a paragraph) is printed for scale.
2. The register PDF of 10,000 providers (no filters), rendered in a child process of its
   own from a database built beforehand, so that its peak memory (VmHWM) is its own.
   Goals: under 10 s and under 500 MB.

The figures go to bench-results/reports.json as well.
"""

import argparse
import hashlib
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from bench import data
from bench.saves import save
from qa_app import create_app
from qa_app.auth.services import create_user
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.photos import services as photos
from qa_app.providers.models import Provider
from qa_app.providers.search import RegisterFilters
from qa_app.providers.services import save_provider
from qa_app.reports import pdf, register
from qa_app.reports.content import visit_report
from qa_app.visits.services import sign_off

ROOT = Path(__file__).resolve().parent.parent
REPORT_GOAL = 5.0
REGISTER_SECONDS_GOAL = 10.0
REGISTER_MEMORY_GOAL_MB = 500
EVIDENCE = (
    "Sampled the single central record and six staff files with the designated safeguarding lead. "
    "Checks were in date for five of the six; the sixth, for a sessional tutor who started in "
    "September, showed the DBS application but no certificate. The lead explained the delay and "
    "showed the risk assessment for supervised working until it arrives, signed by the proprietor."
)


def parse_args(argv=None):
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=15, help="builds of each document to take the median of"
    )
    parser.add_argument("--providers", type=int, default=10_000, help="providers in the register PDF")
    parser.add_argument("--visits", type=int, default=20_000, help="visits behind the register's ratings")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results" / "reports.json")
    parser.add_argument("--render-register", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    """Run both measurements, print the figures and PASS/FAIL, save them as JSON."""
    args = parse_args(argv)
    if args.render_register:
        print(json.dumps(render_register(args.render_register)))
        return 0
    with tempfile.TemporaryDirectory(prefix="qa-bench-reports-") as workdir:
        visit = measure_visit_report(Path(workdir), args.rounds)
        print_visit_report(visit)
        built = build_register_database(Path(workdir), args.providers, args.visits)
        register_figures = measure_register(built)
        print_register(register_figures)
    results = {"measured_at": datetime.now().isoformat(timespec="seconds"), "visit_report": visit}
    results["register_pdf"] = register_figures
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2))
    print(f"Figures saved to {args.output.relative_to(ROOT)}")
    return 0  # a missed goal is a figure to read (PASS/FAIL above), not a failed run


# -- the visit report --------------------------------------------------------------------


def measure_visit_report(workdir, rounds):
    """Median build times of the full visit report and of the one-page floor, taken in turn."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'visit.sqlite'}",
            "PHOTO_STORAGE_PATH": str(workdir / "photos"),
        }
    )
    with app.app_context():
        db.create_all()
        visit = full_visit()
        authority = app.config["AUTHORITY_NAME"]

        def report():
            return pdf.build_visit_report(visit_report(visit, authority, "internal"))

        pages = len(PdfReader(io.BytesIO(report())).pages)  # also the warm-up
        floor()
        bare_page()
        times = {"report": [], "floor": [], "bare": []}
        for _ in range(rounds):
            times["floor"].append(timed(floor))
            times["report"].append(timed(report))
            times["bare"].append(timed(bare_page))
    report_ms, floor_ms, bare_ms = (
        statistics.median(times[key]) * 1000 for key in ("report", "floor", "bare")
    )
    ratio = report_ms / floor_ms
    return {
        "rounds": rounds,
        "pages": pages,
        "clock": "CPU time of the process",
        "report_ms": round(report_ms, 1),
        "floor_ms": round(floor_ms, 1),
        "bare_page_ms": round(bare_ms, 1),
        "ratio": round(ratio, 2),
        "goal_ratio": REPORT_GOAL,
        "pass": ratio <= REPORT_GOAL,
    }


def timed(function):
    """CPU seconds one call takes."""
    started = time.process_time()
    function()
    return time.process_time() - started


def floor():
    """A one-page document as the report draws a page: its fonts, header and footer, and a
    page of evidence text. What one page costs; the report has several."""
    pdf.register_fonts()
    buffer = io.BytesIO()
    style = pdf.styles()

    def furniture(canvas, doc):
        canvas.setFont(pdf.BOLD, 8.5)
        canvas.drawString(pdf.MARGIN, pdf.PAGE_H - 15 * mm, "Riverside Borough Council")
        canvas.drawCentredString(pdf.PAGE_W / 2, pdf.PAGE_H - 9 * mm, pdf.MARKING)
        canvas.setFont(pdf.FONT, 8.5)
        canvas.drawString(pdf.MARGIN, 11 * mm, "Bridges Learning Centre · visit of 20 November 2026")

    page = [Paragraph("Quality assurance visit report", style["h2"])]
    page += [Paragraph(EVIDENCE, style["evidence"]) for _ in range(9)]
    document = SimpleDocTemplate(buffer, topMargin=24 * mm, bottomMargin=22 * mm)
    document.build(page, onFirstPage=furniture, canvasmaker=pdf.PageCountCanvas)
    return buffer.getvalue()


def bare_page():
    """The least a PDF costs: one page with a heading and a paragraph (printed for scale)."""
    buffer = io.BytesIO()
    style = pdf.styles()
    SimpleDocTemplate(buffer).build(
        [Paragraph("Quality assurance visit report", style["title"]), Paragraph(EVIDENCE, style["body"])]
    )
    return buffer.getvalue()


def full_visit():
    """A signed-off visit judging every criterion with a paragraph of evidence, with actions and two photos."""
    version = load_default_framework()
    officer = create_user(
        "bench-officer@example.org", "Zoë Siân Łukasiewicz-O'Brien", "officer", "bench-password-1"
    )
    head = create_user("bench-head@example.org", "Joanne Okafor", "head_of_access", "bench-password-1")
    provider = save_provider(
        Provider(),
        {
            "name": "Bridges Learning Centre",
            "address": "12 High Street, Riverside",
            "postcode": "BR1 1AA",
            "borough": "Riverside",
            "contact_name": "Alex Morgan",
            "contact_email": "office@bridges.example.org",
            "registration_status": "ofsted_registered",
            "urn": "EY123456",
            "services": ["ks3", "ks4", "semh"],
            "notes": "The lead has left; a new DSL starts in January.",
        },
    )
    ratings = {c.code: "met" for c in version.active_criteria()}
    ratings.update({"QE1": "partly_met", "SG3": "not_met", "HS4": "partly_met", "PD2": "not_seen"})
    visit_date = date.today() - timedelta(days=2)
    body = {
        "provider_id": provider.id,
        "visit_date": visit_date.isoformat(),
        "visit_type": "scheduled",
        "framework_version": version.name,
        "status": "draft",
        "judgements": [
            {"criterion": code, "rating": rating, "evidence": EVIDENCE} for code, rating in ratings.items()
        ],
        "theme_notes": dict.fromkeys(
            ("QE", "SG", "HS"), "Leaders know the setting's strengths and what to improve."
        ),
        "strengths": "Warm, calm relationships between staff and pupils; pupils said they feel safe.",
        "pupil_voice": "Pupils said staff listen to them and that lessons help them catch up.",
        "actions": [
            {
                "description": "Update the single central record with the dates of all checks",
                "owner": "provider",
                "due": (date.today() + timedelta(days=30 + n)).isoformat(),
            }
            for n in range(3)
        ],
    }
    visit = save(officer, str(uuid.uuid4()), body)
    for code in ("SG3", "HS4"):
        jpeg = photo_bytes()
        photos.save_photo(
            officer,
            visit,
            str(uuid.uuid4()),
            jpeg,
            "image/jpeg",
            hashlib.sha256(jpeg).hexdigest(),
            code,
            "Fire door log",
        )
    visit = save(officer, visit.uuid, {**body, "status": "submitted"}, visit.version)
    sign_off(head, visit)  # a finished visit, as most reports are
    db.session.commit()
    return visit


def photo_bytes():
    """A 12-megapixel photo with a camera's grain (about 4 MB), as a tablet would send it."""
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    grain = Image.effect_noise((4000, 3000), 20).convert("RGB")
    out = io.BytesIO()
    Image.blend(gradient, grain, 0.5).save(out, "JPEG", quality=90)
    return out.getvalue()


def print_visit_report(figures):
    print(
        f"Visit report, internal edition ({figures['pages']} pages; six themes, every criterion "
        f"with evidence, two photos): median {figures['report_ms']:.1f} ms CPU over {figures['rounds']} builds"
    )
    print(
        f"One-page document in the report's page template (floor): median {figures['floor_ms']:.1f} ms CPU "
        f"(a bare page: {figures['bare_page_ms']:.1f} ms)"
    )
    verdict = "PASS" if figures["pass"] else "FAIL"
    print(
        f"Visit report against the floor: {figures['ratio']:.1f}x (goal {REPORT_GOAL:.0f}x or less): {verdict}"
    )


# -- the register PDF ----------------------------------------------------------------------


def build_register_database(workdir, providers, visits):
    """A SQLite database of the benchmark's made-up register (bench.data)."""
    url = f"sqlite:///{workdir / 'register.sqlite'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    print(f"Building a register of {providers:,} providers ...", flush=True)
    data.build(app, providers, visits)
    return url


def measure_register(url):
    """Render the whole register in a child process; its time, peak memory and pages."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--render-register", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["goal_seconds"] = REGISTER_SECONDS_GOAL
    figures["goal_memory_mb"] = REGISTER_MEMORY_GOAL_MB
    figures["pass"] = (
        figures["seconds"] < REGISTER_SECONDS_GOAL and figures["peak_mb"] < REGISTER_MEMORY_GOAL_MB
    )
    return figures


def render_register(url):
    """(In the child process) write the unfiltered register PDF; time, memory, pages, rows."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    filters = RegisterFilters()
    today = date.today()
    with app.app_context(), tempfile.TemporaryFile() as out:
        before_mb = _peak_mb()
        started = time.perf_counter()
        total = register.count_rows(filters, today)
        pdf.write_register_pdf(
            out,
            register.register_rows(filters, today),
            authority=app.config["AUTHORITY_NAME"],
            filters=register.describe_filters(filters),
            sort=register.sort_label(filters),
            total=total,
            produced_at=datetime.now(),
        )
        seconds = time.perf_counter() - started
        size = out.tell()
        out.seek(0)
        pages = len(PdfReader(out).pages)
    return {
        "rows": total,
        "seconds": round(seconds, 2),
        "peak_mb": round(_peak_mb(), 1),
        "mb_before_rendering": round(before_mb, 1),
        "pages": pages,
        "bytes": size,
    }


def _peak_mb():
    """This process's peak resident memory. VmHWM, because ru_maxrss carries over from the
    parent through fork and exec (Linux), and the parent has just built a large database."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_register(figures):
    verdict = "PASS" if figures["pass"] else "FAIL"
    print(
        f"Register PDF of {figures['rows']:,} providers ({figures['pages']} pages, "
        f"{figures['bytes'] / 1e6:.1f} MB): {figures['seconds']:.1f} s, peak memory {figures['peak_mb']:.0f} MB "
        f"({figures['mb_before_rendering']:.0f} MB before rendering)"
    )
    print(
        f"Register PDF: under {REGISTER_SECONDS_GOAL:.0f} s and {REGISTER_MEMORY_GOAL_MB} MB (goals): {verdict}"
    )


if __name__ == "__main__":
    sys.exit(main())
