"""The public register page (no sign-in; can be switched off in config)."""

from datetime import date

from flask import abort, current_app, render_template, request

from qa_app.providers.search import RegisterFilterForm, RegisterFilters, register_filters, search_register
from qa_app.register import bp


@bp.route("/register")
def public_register():
    """Providers with their QA status, for parents, schools and the public."""
    if not current_app.config["PUBLIC_REGISTER_ENABLED"]:
        abort(404)
    form = RegisterFilterForm(request.args)
    chosen = register_filters(form)
    # The public may search by name or postcode and filter by borough and QA status only.
    filters = RegisterFilters(q=chosen.q, borough=chosen.borough, qa_status=chosen.qa_status)
    page = search_register(
        filters,
        date.today(),
        request.args.get("page", 1, type=int),
        current_app.config["REGISTER_PAGE_SIZE"],
    )
    return render_template("register/public.html", form=form, page=page, today=date.today())
