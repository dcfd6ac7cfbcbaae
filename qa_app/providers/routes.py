"""The provider register, and adding and changing providers.

The provider page itself shows the visit history, so it is in pages/provider.py.
"""

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.auth.permissions import authorize, can
from qa_app.auth.services import active_officers
from qa_app.extensions import db
from qa_app.forms import carry_version, changed_since_read, record_version
from qa_app.postcodes import normalise_postcode
from qa_app.providers import bp
from qa_app.providers.forms import ProviderForm
from qa_app.providers.models import REGISTRATION_STATUSES, Provider
from qa_app.providers.search import RegisterFilterForm, register_filters, search_register, services_of
from qa_app.providers.services import likely_duplicates, save_provider
from qa_app.row_locks import lock_row


@bp.route("")
@login_required
def index():
    """The provider register: search, filter, sort and page through providers."""
    authorize("register.view")
    form = RegisterFilterForm(request.args)
    filters = register_filters(form)
    page = search_register(
        filters,
        date.today(),
        request.args.get("page", 1, type=int),
        current_app.config["REGISTER_PAGE_SIZE"],
    )
    services = services_of(page.items)
    return render_template(
        "providers/index.html",
        form=form,
        page=page,
        services=services,
        today=date.today(),
        registration_labels=REGISTRATION_STATUSES,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a provider to the register."""
    authorize("provider.edit")
    return _edit(Provider(), ProviderForm())


@bp.route("/<int:provider_id>/edit", methods=["GET", "POST"])
@login_required
def edit(provider_id):
    """Change a provider's details."""
    authorize("provider.edit")
    provider = db.get_or_404(Provider, provider_id)
    form = ProviderForm(obj=provider, services=provider.service_codes)
    carry_version(form, record_version(provider))
    return _edit(provider, form)


def _edit(provider, form):
    """Validate, flag a likely duplicate before saving, then save and go to the provider.

    Only those who may assign officers see the field; anyone else's posted value is ignored."""
    if can(current_user, "provider.assign_officer"):
        form.officer_id.choices = [(None, "Not assigned")] + [(u.id, u.name) for u in active_officers()]
    else:
        del form.officer_id
    duplicates = []
    if form.validate_on_submit():
        if provider.id is not None:
            lock_row(Provider, provider.id)
            db.session.refresh(provider)
            if changed_since_read(form, record_version(provider), provider.name):
                return redirect(url_for("providers.edit", provider_id=provider.id))
        postcode = normalise_postcode(form.postcode.data)
        duplicates = likely_duplicates(form.name.data, postcode, exclude_id=provider.id)
        if not duplicates or form.confirm_duplicate.data:
            save_provider(provider, form.data, user=current_user)
            db.session.commit()
            flash(f"{provider.name} saved.")
            return redirect(url_for("pages.provider_page", provider_id=provider.id))
    status = 400 if form.errors or duplicates else 200
    return render_template("providers/edit.html", form=form, provider=provider, duplicates=duplicates), status
