"""Steps shared by the programme apps' phone tests: reach a programme through the menu as a user
does, and check that a page does not scroll sideways on a 360 px screen."""

import re

from django.urls import reverse
from playwright.sync_api import expect

PHONE_WIDTH_PX = 360


def open_programme(page, url_name):
    """Menu → Programmes → the card linking to ``url_name`` (the page is signed in)."""
    page.locator("label.menu-button").click()
    menu = page.locator("#site-nav")
    expect(menu).to_be_visible()
    menu.locator(f"a[href='{reverse('programmes')}']").click()
    page.locator(f".cards a[href='{reverse(url_name)}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse(url_name)) + "$"))


def assert_fits_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH_PX, f"{page.url} scrolls sideways on a phone ({width} px)"
