"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Without Chromium the browser tests skip on a developer's machine and fail in CI
(CI=true), so a missing browser can never pass unnoticed.

Every page any test opens is checked by axe-core (npm's axe-core, pinned in package.json)
against the WCAG 2.2 A and AA rules, and axe's rule that all content sits in a landmark, on a
390 x 844 phone and a 768 x 1024 tablet (and a 1280 x 800 desktop for the Head of Access's
pages), with a check that the page is no wider than the screen: after each page load, and
once more at the end of the test on the page as it was left. Any violation fails the test.
The check reads a copy of the page in a browser context of its own (see Accessibility), so
the test's pages are never resized or held up by it.
"""

import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from qa_app import create_app
from qa_app.extensions import db

# A state the tests wait for (expect) may take longer than Playwright's 5 s on a busy
# machine (the suite runs beside other work): they wait for the state, up to this.
expect.set_options(timeout=20_000)

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
# axe's "region" rule is a best practice, not a WCAG rule: it is run by name beside the tags.
AXE_RULES = ["region"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 800}
# The Head of Access works at a desk too: her pages are checked at desktop width as well.
HEAD_OF_ACCESS = "(Head of Access)"
# Messages Playwright gives when the page moved on (or closed) while its copy was taken.
GONE = ("Execution context was destroyed", "Target page, context or browser has been closed", "navigat")


def wait_until(page, script, arg=None, timeout=15_000, every=100):
    """Poll a page script that may be async until it gives a truthy value.

    page.wait_for_function is not used: it takes the Promise an async script returns as a
    truthy value and returns at once, and its polls after the first run the script through
    eval, which the app's Content-Security-Policy refuses (its first poll is allowed, so it
    fails only when the state is not there at once). page.evaluate is allowed and awaits."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} ms for: {script}")
        page.wait_for_timeout(every)


def wait_for_service_worker(page):
    """Wait until the page's service worker controls it (it first stores the app's files for
    use offline, which on a loaded machine takes a while)."""
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=45_000)


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


# A copy of the page as it is now, for the check: its scripts left out (they would run
# again, take the tab's locks and call the server) and a base address so its styles load.
SNAPSHOT = """() => {
    if (document.contentType !== "text/html") return null;
    const copy = document.documentElement.cloneNode(true);
    for (const script of copy.querySelectorAll("script")) script.remove();
    let head = copy.querySelector("head");
    if (!head) head = copy.insertBefore(document.createElement("head"), copy.firstChild);
    const base = document.createElement("base");
    base.href = document.baseURI;
    head.prepend(base);
    return {
        html: (document.doctype ? "<!DOCTYPE html>" : "") + copy.outerHTML,
        header: document.querySelector(".app-header__user")?.textContent || "",
    };
}"""


class Accessibility:
    """Runs axe-core on pages and keeps the violations it finds, with the page's address.

    The check runs on a copy of the page in a page of its own (the copy's stylesheets and
    fonts read from static/, whether the server answers or not), which it resizes to each
    width: the test's own page is never resized or held up, so nothing the test does on it
    can land while it is being laid out again."""

    def __init__(self, browser=None):
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `npm ci`")
        self.source = AXE.read_text()
        self.browser = browser
        self.copies = None  # the browser context copies are checked in, opened at the first check
        self.violations = []
        self.checked = []
        self.running = set()  # pages being copied: a load during a copy must not start another
        self.in_flight = 0  # copies being checked (in the test, or in its pages' load handlers)
        self.ended = False  # the test's pages were checked as it left them: nothing more to check
        # The test is over and its pages are being checked as it left them: a load now (a
        # page still arriving) starts no check of its own inside Playwright's event handler,
        # where it would hold up the check in hand.
        self.ending = False

    def watch(self, page):
        """Check the page after each load."""
        page.on("load", lambda: self.ending or self.check(page))

    def check(self, page):
        """Run axe on the page as it is now at each width it must work at, and check it does not
        scroll sideways; a page that has moved on is skipped."""
        from playwright.sync_api import Error

        if self.ended or page.is_closed() or page in self.running:
            return
        self.running.add(page)
        try:
            url, snapshot = page.url, page.evaluate(SNAPSHOT)
        except Error as error:
            if not any(reason in str(error) for reason in GONE):
                raise
            return  # the page moved on: its next load is checked
        finally:
            self.running.discard(page)
        if snapshot is None:
            return
        # A page of its own for each copy: checks of two pages (or of a page's load while
        # the test checks it as it left it) run side by side in Playwright's event handlers.
        self.in_flight += 1
        try:
            copy = self.copies_context(page).new_page()
            copy.set_content(snapshot["html"], wait_until="load")
            copy.evaluate(self.source)
            sizes = [PHONE, TABLET, *([DESKTOP] if HEAD_OF_ACCESS in snapshot["header"] else [])]
            for size in sizes:
                self.check_at(copy, size, url)
            copy.close()
            self.checked.append(url)
        finally:
            self.in_flight -= 1

    def copies_context(self, page):
        """The browser context copies are checked in, whose only answers are the files of
        static/ (anything else a copy asks for is refused)."""
        if self.copies is None:
            self.copies = context = (self.browser or page.context.browser).new_context()
            context.on("close", lambda _: self.copies is context and setattr(self, "copies", None))

            def serve(route):
                path = urlsplit(route.request.url).path
                file = (ROOT / path.lstrip("/")).resolve()
                if path.startswith("/static/") and file.is_file() and file.is_relative_to(ROOT / "static"):
                    route.fulfill(path=file)
                else:
                    route.abort()

            self.copies.route("**/*", serve)
        return self.copies

    def close(self):
        """Wait for the checks still going (begun at a page's load, in Playwright's event
        handlers, which run while the test waits on the browser), then close the context
        copies are checked in."""
        if self.copies is None:
            return
        waiting, deadline = self.copies.new_page(), time.monotonic() + 120
        while self.in_flight:
            assert time.monotonic() < deadline, (
                f"an accessibility check has not ended: {self.in_flight} going"
            )
            waiting.wait_for_timeout(50)  # lets the handlers' checks go on
        self.copies.close()
        self.copies = None

    def check_at(self, copy, size, url):
        """axe's violations and any sideways scroll of the copy at one viewport size."""
        copy.set_viewport_size(size)
        found = copy.evaluate(
            """async ([tags, rules]) => {
                const result = await window.axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    rules: Object.fromEntries(rules.map((rule) => [rule, {enabled: true}])),
                });
                return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
            }""",
            [AXE_TAGS, AXE_RULES],
        )
        at = f"{url} at {size['width']} px"
        self.violations.extend(f"{at}: {violation}" for violation in found)
        wide = copy.evaluate(
            """() => {
                const root = document.documentElement;
                if (root.scrollWidth <= root.clientWidth) return null;
                // What sticks out, leaving out what is inside a box that scrolls or clips it
                // (an absolutely placed element may escape that box).
                const clipped = (e) => { for (let p = e.parentElement; p && p !== root; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true; return false; };
                const widest = [...document.body.querySelectorAll("*")]
                    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1 && (getComputedStyle(e).position === "absolute" || !clipped(e)))
                    .map((e) => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : ""));
                return `${root.scrollWidth} px wide (${widest.slice(0, 4).join(", ")})`;
            }"""
        )
        if wide:
            self.violations.append(f"{at}: scrolls sideways: the page is {wide}")


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
        """Check every page still open, as the test left it (once: the test is over, and
        what its pages load after this, such as an error page once the server has stopped,
        is not the test's)."""
        if self.accessibility.ended:
            return
        self.accessibility.ending = True
        for context in self.contexts:
            for page in context.pages:
                self.accessibility.check(page)
        self.accessibility.ended = True


@pytest.fixture
def browser(chromium, request):
    """The browser for one test; any WCAG 2.2 A or AA violation on any page fails it."""
    checked = CheckedBrowser(chromium, Accessibility(chromium))
    request.node.checked_browser = checked  # for a live server that stops before it
    yield checked
    del request.node.checked_browser
    checked.check_open_pages()
    checked.accessibility.close()
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
def live_server(live_app, request):
    """Serve the app on a free port of 127.0.0.1 in a thread; yields its base URL.

    pytest tears this down before the test's pages (it was set up after them), so the pages
    are checked first, while the server still answers: a page still loading from a server
    that stopped serving would never finish, and a check on it would wait for ever."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    checked = getattr(request.node, "checked_browser", None)  # the test's browser, if still open
    if checked is not None:
        checked.check_open_pages()
    server.shutdown()
    server.server_close()  # refuse what comes later rather than leave it waiting
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
    page.get_by_role("button", name="Sign in", exact=True).click()


# ---- A tablet: service workers on, against a server a test can stop and start ----

# API answers the sync meets in some tests (a signed-out session, a conflict, a server
# error); the tests check what the tablet does with them, so they are not console errors.
EXPECTED = ("401 ", "409 ", "500 ")


class Server:
    """The live app on a fixed port of 127.0.0.1 that a test can stop and start."""

    def __init__(self, app):
        self.app = app
        self.port = None
        self.server = None
        self.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.server = make_server("127.0.0.1", self.port or 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def server(live_app):
    running = Server(live_app)
    yield running
    if running.thread.is_alive():
        running.stop()


@pytest.fixture
def tablet(browser):
    """A browser context with service workers on; open(context=None) gives watched pages.
    Script errors fail the test (the expected API answers aside)."""
    errors, contexts = [], []

    def open_page(context=None):
        if context is None:
            context = browser.new_context(viewport={"width": 768, "height": 1024}, service_workers="allow")
            contexts.append(context)
        return watch(context.new_page(), errors)

    yield open_page
    for context in contexts:
        context.close()
    unexpected = [e for e in errors if not (e.startswith(EXPECTED) and "/api/" in e)]
    assert unexpected == [], f"browser console errors: {unexpected}"
