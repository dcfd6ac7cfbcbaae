"""Schools that commission alternative provision: administrators keep the list (name,
DfE URN, borough, phase), and every school user belongs to one of them."""

from flask import Blueprint

bp = Blueprint("schools", __name__, url_prefix="/admin/schools")

from qa_app.schools import routes  # noqa: E402,F401
