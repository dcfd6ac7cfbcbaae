"""A rating never reads as safe when nothing was seen: a theme with insufficient evidence is
"Insufficient evidence" (with the reason recorded), never a colour; a critical criterion not
seen keeps its theme from Green; the overall is not Green while Safeguarding or Health and
Safety has insufficient evidence. On check answers, the sign-off panel, the visit and
provider pages, the register and the PDF (read back with pypdf)."""

import io
import re

import pytest
from pypdf import PdfReader

from qa_app.framework.services import current_version

REASON = "The building was closed for works: fire records were off site"


def hs_barely_seen():
    """Every criterion met but Health and Safety: one of its eight met, seven not seen
    (the critical HS4, the fire risk assessment, among them)."""
    ratings = {c.code: "met" for c in current_version().active_criteria()}
    ratings.update({f"HS{n}": "not_seen" for n in range(2, 9)})
    return ratings


@pytest.fixture
def visit(make_provider, make_visit):
    provider = make_provider(name="Quiet Lane Centre")
    return make_visit(
        provider, ratings=hs_barely_seen(), status="submitted", insufficient_reasons={"HS": REASON}
    )


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_theme_is_insufficient_evidence_and_the_overall_not_green(visit):
    hs = visit.theme_rags["HS"]
    assert hs["rag"] is None and hs["insufficient_evidence"]
    assert "HS4" not in " ".join(hs["why"]) or "critical criterion not seen" in " ".join(hs["why"])
    assert visit.overall_rag == "amber"
    assert "Health and Safety has insufficient evidence" in visit.overall_why
    assert visit.insufficient_reasons["HS"] == REASON


def test_no_wording_reads_as_safe(visit):
    """Nothing says "All 1 judged criteria met"."""
    every_reason = " ".join(" ".join(r["why"]) for r in visit.theme_rags.values())
    assert "judged criteria met" not in every_reason
    assert "All 9 criteria met" in every_reason  # Safeguarding: all of it seen and met


def test_a_critical_criterion_not_seen_keeps_its_theme_from_green(make_provider, make_visit):
    ratings = {c.code: "met" for c in current_version().active_criteria()}
    ratings["HS4"] = "not_seen"
    visit = make_visit(make_provider(), ratings=ratings, status="draft")
    assert visit.theme_rags["HS"]["rag"] == "amber"
    assert any("critical criterion not seen" in why for why in visit.theme_rags["HS"]["why"])
    assert visit.overall_rag == "amber"


def test_sign_off_panel_and_visit_page_say_insufficient_evidence(client, signed_in, visit):
    signed_in("head_of_access")
    page = text_of(client.get(f"/visits/{visit.uuid}").data.decode())
    assert "Health and Safety Insufficient evidence" in page
    assert REASON in page
    assert "Overall rating: Amber" in page


def test_check_answers_says_insufficient_evidence(client, signed_in, make_provider, make_visit):
    draft = make_visit(
        make_provider(), ratings=hs_barely_seen(), status="draft", insufficient_reasons={"HS": REASON}
    )
    signed_in(draft.officer)
    page = client.get(f"/visits/{draft.uuid}/check").data.decode()
    row = text_of(page.split("Health and Safety</a>", 1)[1].split("</tr>", 1)[0])
    assert row.startswith("Insufficient evidence") and "Green" not in row


def test_provider_page_and_register_after_sign_off(client, signed_in, make_provider, make_visit):
    provider = make_provider(name="Quiet Lane Centre")
    make_visit(provider, ratings=hs_barely_seen(), insufficient_reasons={"HS": REASON})
    signed_in("officer")
    page = text_of(client.get(f"/providers/{provider.id}").data.decode())
    assert "Insufficient evidence" in page and "Overall rating: Amber" in page
    register = text_of(client.get("/providers?q=Quiet").data.decode())
    assert "Quiet Lane Centre" in register and "Green" not in register.split("Quiet Lane Centre", 1)[1][:200]


def test_the_pdf_says_insufficient_evidence_never_a_colour(client, signed_in, visit):
    signed_in("head_of_access")
    data = client.get(f"/visits/{visit.uuid}/report.pdf").data
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)
    assert "Insufficient evidence" in text
    assert "Health and Safety has insufficient evidence" in text
    assert REASON in text
    assert "judged criteria met" not in text
    # The tile is drawn before the name: in the summary and at the theme's own section.
    assert "Insufficient evidence Health and Safety • Insufficient evidence: 7 of 8" in text
    assert "Insufficient evidence 3. Health and Safety" in text
    assert "Green Health and Safety" not in text and "Green 3. Health and Safety" not in text
