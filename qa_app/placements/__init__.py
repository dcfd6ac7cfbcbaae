"""Placements of pupils in alternative provision by schools: records, reviews, endings,
and what the authority sees across every school (DESIGN.md 2.6)."""

from flask import Blueprint

bp = Blueprint("placements", __name__)

# The modules that add routes to bp are imported below, one line each.
