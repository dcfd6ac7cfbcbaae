"""Security fixes: signed-in pages are never cached, and development says it is a demo."""

from qa_app import create_app

DEMO_BANNER = b"Demo: not for real data"


def test_signed_in_pages_and_json_are_not_stored(
    client, signed_in, make_provider, make_visit, make_escalation, head_of_access
):
    """Visit, escalation and programme pages and the visit JSON carry Cache-Control: no-store."""
    provider = make_provider()
    visit = make_visit(provider, status="draft")
    escalation = make_escalation(provider)
    signed_in(head_of_access())
    for path in (
        f"/visits/{visit.uuid}",
        f"/escalations/{escalation.id}",
        "/programme",
        f"/providers/{provider.id}",
        f"/api/visits/{visit.uuid}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_signed_out_pages_may_be_cached(client):
    """The sign-in page has nothing personal, so it is left to the browser's defaults."""
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_development_pages_say_they_are_a_demo(client, signed_in):
    """Every page outside production says it is not for real data, signed in or not."""
    assert DEMO_BANNER in client.get("/login").data
    signed_in("officer")
    assert DEMO_BANNER in client.get("/programme").data


def test_production_pages_do_not_say_demo(monkeypatch, tmp_path):
    """With QA_APP_ENV=production the banner is gone."""
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
        }
    )
    response = app.test_client().get("/login", base_url="https://localhost")
    assert response.status_code == 200
    assert DEMO_BANNER not in response.data


def test_development_config_is_a_demo():
    """The flag the banner reads: on unless production."""
    assert create_app({"ENV_NAME": "testing"}).config["DEMO_BANNER"] is True
    assert create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 32}).config["DEMO_BANNER"] is False
