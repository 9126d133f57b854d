"""The monthly reports on a phone: the bidan opens her puskesmas recap, taps a posyandu and
reads its F1 form, whose D = N + T + O + B check holds and whose follow-up list names the
child not weighed this month (#6)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .test_weighing_day_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_cast(transactional_db, settings):
    from django.utils import timezone

    from tumbuh.pmt.tests.helpers import NORMAL, measure
    from tumbuh.testcast import build_cast

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = build_cast()
    today = timezone.localdate()
    measure(cast.child_a2, today.replace(day=1), NORMAL)  # A2 weighed this month, A1 not
    return cast


def test_bidan_goes_from_the_recap_to_the_posyandu_form(phone, live_server, live_cast, tmp_path):
    page = phone
    log_in(page, live_server, "bidan_a")
    page.goto(live_server.url + reverse("analytics:recap"))
    table = page.locator("table.recap-table")
    expect(table).to_be_visible()
    expect(table.get_by_role("link", name=live_cast.pos_a1.name)).to_be_visible()
    page.screenshot(path=str(tmp_path / "recap.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    table.get_by_role("link", name=live_cast.pos_a2.name).click()
    expect(page.locator("table.f1-table")).to_be_visible()
    expect(page.locator(".f1-check.is-ok").first).to_be_visible()
    expect(page.locator(".f1-check.is-off")).to_have_count(0)
    # S and D of the posyandu: one child, weighed
    s_row = page.locator("table.f1-table tbody tr").first
    expect(s_row.locator("td").last).to_have_text("1")
    page.goto(live_server.url + reverse("analytics:posyandu_report", args=[live_cast.pos_a1.pk]))
    expect(page.locator("table.f1-follow-up")).to_contain_text("Anak A1")
    page.screenshot(path=str(tmp_path / "f1.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
