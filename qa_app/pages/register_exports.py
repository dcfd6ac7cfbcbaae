"""The register as filtered on screen, every page of it, to download as CSV or PDF. The rows
and the files are made in reports; the filters are the register's (providers.search)."""

import io
import tempfile
from datetime import date, datetime

from flask import current_app, request
from flask_login import login_required

from qa_app.auth.permissions import authorize
from qa_app.pages import bp
from qa_app.providers.search import RegisterFilterForm, register_filters
from qa_app.reports import pdf, register
from qa_app.reports.downloads import download


@bp.route("/providers/export.csv")
@login_required
def register_csv():
    """The register as filtered on screen, every page of it, as CSV."""
    authorize("register.view")
    filters = register_filters(RegisterFilterForm(request.args))
    data = register.register_csv(register.register_rows(filters, date.today()))
    return download(io.BytesIO(data), "text/csv; charset=utf-8", f"provider-register-{date.today()}.csv")


@bp.route("/providers/export.pdf")
@login_required
def register_pdf():
    """The register as filtered on screen, every page of it, as a landscape PDF table."""
    authorize("register.view")
    filters = register_filters(RegisterFilterForm(request.args))
    today = date.today()
    # On disk, not in memory, for a 10,000-row register; send_file closes it once sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    pdf.write_register_pdf(
        out,
        register.register_rows(filters, today),
        authority=current_app.config["AUTHORITY_NAME"],
        filters=register.describe_filters(filters),
        sort=register.sort_label(filters),
        total=register.count_rows(filters, today),
        produced_at=datetime.now(),
    )
    out.seek(0)
    return download(out, "application/pdf", f"provider-register-{today}.pdf")
