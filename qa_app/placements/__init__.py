"""Placements of pupils in alternative provision by schools: records, reviews, endings,
and what the authority sees across every school (DESIGN.md 2.6)."""
