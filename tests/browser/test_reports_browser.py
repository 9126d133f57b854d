"""The reports hub on a phone: a bidan opens Reports from the menu, the cards stack within the
360 px screen, and a card leads to its report (the recap) with the menu entry still current."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .phone_steps import assert_fits_phone
from .test_weighing_day_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_cast(transactional_db, settings):
    from tumbuh.testcast import build_cast

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_cast()


def test_bidan_finds_the_recap_on_the_reports_hub(phone, live_server, live_cast, tmp_path):
    page = phone
    log_in(page, live_server, "bidan_a")
    page.locator("label.menu-button").click()
    menu = page.locator("#site-nav")
    expect(menu).to_be_visible()
    menu.locator(f"a[href='{reverse('reports')}']").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("reports")) + "$"))
    cards = page.locator(".report-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 10
    # stacked: each card starts below the one before it, all as wide as the column
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]
    assert abs(second["x"] - first["x"]) < 1
    assert_fits_phone(page)
    page.screenshot(path=str(tmp_path / "reports.png"), full_page=True)

    recap = reverse("analytics:recap")
    page.locator(f".report-card[data-report='recap'] a[href='{recap}']").click()
    expect(page.locator("table.recap-table").first).to_be_visible()
    page.locator("label.menu-button").click()
    expect(menu.locator(f"a[href='{reverse('reports')}']")).to_have_attribute("aria-current",
                                                                              "page")  # fmt: skip
