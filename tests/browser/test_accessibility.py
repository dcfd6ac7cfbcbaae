"""axe-core itself: it finds a violation when there is one, content outside a landmark and a
page wider than a phone; and the pages with scrolling tables (the provider's visit history,
the users list) can be reached by keyboard."""

from playwright.sync_api import expect

from tests.browser.conftest import Accessibility, screenshot, sign_in


def test_axe_reports_a_violation(chromium):
    """The check is real: an image with no text alternative is reported."""
    context = chromium.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    accessibility = Accessibility()
    accessibility.check(page)
    accessibility.close()
    context.close()
    assert any("image-alt" in violation for violation in accessibility.violations)


def test_the_check_leaves_the_page_as_it_is(chromium):
    """The check reads a copy of the page: the test's page keeps its width (a click made
    meanwhile lands where the test meant), its scripts do not run twice, and what its
    scripts did to the page is checked."""
    context = chromium.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><main><p id="p">Demo</p>'
        "<script>window.runs = (window.runs || 0) + 1; document.getElementById('p').insertAdjacentHTML('afterend', '<img src=\"x.png\">');</script>"
        "</main></html>"
    )
    page.evaluate("window.widths = []; addEventListener('resize', () => widths.push(innerWidth))")
    accessibility = Accessibility()
    accessibility.check(page)
    accessibility.close()
    assert page.evaluate("[window.runs, window.widths, innerWidth]") == [1, [], 768]
    context.close()
    assert any("at 390 px: image-alt" in violation for violation in accessibility.violations)
    assert any("at 768 px: image-alt" in violation for violation in accessibility.violations)


def test_content_outside_a_landmark_and_a_wide_page_are_reported(chromium):
    """A paragraph outside every landmark breaks axe's region rule, and a page 600 px wide
    scrolls sideways on a 390 px phone (but not on a 768 px tablet)."""
    context = chromium.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><p>Demo</p><main><div style="width: 600px">Wide</div></main></html>'
    )
    accessibility = Accessibility()
    accessibility.check(page)
    accessibility.close()
    size = page.viewport_size
    context.close()
    assert any("at 390 px: region" in violation for violation in accessibility.violations)
    assert any("at 390 px: scrolls sideways" in violation for violation in accessibility.violations)
    assert not any("at 768 px: scrolls sideways" in violation for violation in accessibility.violations)
    assert size == {"width": 768, "height": 1024}


def test_scrolling_tables_are_keyboard_regions(page, live_server):
    """The provider page's history and the users table scroll in a region that takes focus."""
    sign_in(page, live_server, "head@example.org")
    page.goto(f"{live_server}/providers")
    page.locator("tbody tr a").first.click()
    region = page.get_by_role("region", name="Visit history")
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    page.keyboard.press("ArrowRight")
    screenshot(page, "provider-history-tablet")
