"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Without Chromium the browser tests skip on a developer's machine and fail in CI
(CI=true), so a missing browser can never pass unnoticed.

Every page any test opens is checked by axe-core (npm's axe-core, pinned in package.json)
against the WCAG 2.2 A and AA rules at 768 x 1024: after each page load, and once more
at the end of the test on the page as it was left. Any violation fails the test.
"""

import os
import shutil
import threading
import time
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
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TABLET = {"width": 768, "height": 1024}
# Messages Playwright gives when the page moved on (or closed) while axe was running.
GONE = ("Execution context was destroyed", "Target page, context or browser has been closed", "navigat")


def wait_until(page, script, arg=None, timeout=15_000, every=100):
    """Poll a page script that may be async until it gives a truthy value.

    page.wait_for_function takes the Promise an async script returns as a truthy value and
    returns at once, so it cannot wait on one: page.evaluate awaits it."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} ms for: {script}")
        page.wait_for_timeout(every)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
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


class Accessibility:
    """Runs axe-core on pages and keeps the violations it finds, with the page's address."""

    def __init__(self):
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `npm ci`")
        self.source = AXE.read_text()
        self.violations = []
        self.checked = []
        self.running = set()  # pages being checked: a load during a check must not start another

    def watch(self, page):
        """Check the page after each load."""
        page.on("load", lambda: self.check(page))

    def check(self, page):
        """Run axe on the page as it is now, at 768 x 1024; a page that has moved on is skipped."""
        from playwright.sync_api import Error

        if page.is_closed() or page in self.running:
            return
        self.running.add(page)
        size = page.viewport_size
        try:
            if page.evaluate("document.contentType") != "text/html":
                return
            if size != TABLET:
                page.set_viewport_size(TABLET)
            if page.evaluate("typeof window.axe") == "undefined":
                page.evaluate(self.source)
            found = page.evaluate(
                """async (tags) => {
                    const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
                    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
                }""",
                AXE_TAGS,
            )
            self.checked.append(page.url)
            self.violations.extend(f"{page.url}: {violation}" for violation in found)
        except Error as error:
            if not any(reason in str(error) for reason in GONE):
                raise
        finally:
            self.running.discard(page)
            if size != TABLET and size and not page.is_closed():
                page.set_viewport_size(size)


class CheckedBrowser:
    """The session's Chromium, but every context it opens has its pages checked by axe."""

    def __init__(self, browser, accessibility):
        self._browser = browser
        self.accessibility = accessibility
        self.contexts = []

    def new_context(self, **options):
        """A browser context whose pages are checked after each load and at the end."""
        context = self._browser.new_context(**options)
        context.on("page", self.accessibility.watch)
        self.contexts.append(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def check_open_pages(self):
        """Check every page still open, as the test left it."""
        for context in self.contexts:
            for page in context.pages:
                self.accessibility.check(page)


@pytest.fixture
def browser(chromium):
    """The browser for one test; any WCAG 2.2 A or AA violation on any page fails it."""
    checked = CheckedBrowser(chromium, Accessibility())
    yield checked
    checked.check_open_pages()
    for context in checked.contexts:
        context.close()  # a second close (the test's own) does nothing
    assert checked.accessibility.violations == [], "axe-core found: " + "\n".join(
        checked.accessibility.violations
    )


@pytest.fixture
def live_app(tmp_path):
    """The app with demo data on a SQLite file (CSRF on, as in real use)."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.sqlite'}",
            "WTF_CSRF_ENABLED": True,
            "PHOTO_STORAGE_PATH": str(tmp_path / "photos"),  # the demo's photos, never instance/
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
            context = browser.new_context(viewport=TABLET)
            contexts.append(context)
        return watch(context.new_page(), errors)

    yield open_page
    browser.check_open_pages()  # before they close: the pages as the test left them
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
