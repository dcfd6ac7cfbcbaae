"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Without Chromium the browser tests skip on a developer's machine and fail in CI
(CI=true), so a missing browser can never pass unnoticed.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from qa_app import create_app
from qa_app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    """The app with demo data on a SQLite file (CSRF on, as in real use)."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.sqlite'}",
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        from qa_app import demo

        db.create_all()
        demo.seed()
        db.session.commit()
    return app


@pytest.fixture
def live_server(live_app):
    """Serve the app on a free port of 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def watch(page, errors):
    """Collect the page's script errors, CSP violations and failed assets into `errors`
    (a page's own 4xx status is for the test to check)."""

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


@pytest.fixture
def new_page(browser):
    """Open watched pages: new_page() in a fresh browser context (another user's
    session), new_page(context) as another tab of the same session. Any error on
    any of them fails the test."""
    errors, contexts = [], []

    def open_page(context=None):
        if context is None:
            context = browser.new_context(viewport={"width": 768, "height": 1024})
            contexts.append(context)
        return watch(context.new_page(), errors)

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], f"browser console errors: {errors}"


@pytest.fixture
def page(new_page):
    """A fresh browser context and page; script errors, CSP violations and failed
    assets fail the test (a page's own 4xx status is for the test to check)."""
    return new_page()


def screenshot(page, name):
    """Keep a full-page screenshot in test-artifacts/ to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base_url, email, password="demo-password-1"):
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
