"""not_unicode finds the first text with half a UTF-16 pair anywhere in a body (keys too)
by its path, and passes a clean body in one pass."""

import pytest

from qa_app.schemas import not_unicode


@pytest.mark.parametrize(
    ("data", "found"),
    [
        ({"strengths": "Good", "judgements": [{"criterion": "SG1", "evidence": "ok"}]}, None),
        (
            {"judgements": [{"criterion": "SG1"}, {"evidence": "half \ud800 a pair"}]},
            "judgements[1].evidence",
        ),
        ({"theme_notes": {"S\udc00G": "x"}}, "theme_notes"),
        ("\udfff", "body"),
        ({"visit_date": __import__("datetime").date(2026, 1, 5), "note": "fine"}, None),  # form data
        ({"a": "é ✓ 🙂 fine"}, None),  # real characters beyond the first plane are whole pairs
    ],
)
def test_the_first_lone_surrogate_is_named_by_its_path(data, found):
    assert not_unicode(data) == found
