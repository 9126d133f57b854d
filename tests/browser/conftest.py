"""Playwright with the system Chromium (Debian's package), against pytest-django's live server.

The browser tests are skipped when Chromium is missing, unless TUMBUH_REQUIRE_BROWSER=1 (as in
CI), which turns the skip into a failure. TUMBUH_CHROMIUM_PATH points at another Chromium.
"""

import os
from pathlib import Path

import pytest

CHROMIUM_PATH = Path(os.environ.get("TUMBUH_CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A common small Android phone.
PHONE_VIEWPORT = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM_PATH.exists():
        message = f"{CHROMIUM_PATH} is missing (Debian: apt-get install chromium)"
        if os.environ.get("TUMBUH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TUMBUH_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test database set-up that
    # live_server needs would otherwise trip Django's "async unsafe" guard.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def phone(browser, live_server):
    """A page on a 360 x 740 phone screen whose browser prefers Indonesian."""
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, locale="id-ID", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
