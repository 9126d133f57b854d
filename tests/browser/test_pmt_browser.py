"""PMT on a phone: the bidan enrols a wasted child from the eligible list in one tap, the
cadre fills the day's log for her posyandu, and the enrolment's day strip shows the day (#5)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .test_weighing_day_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_cast(transactional_db, settings):
    from tumbuh.pmt.tests.helpers import GIZI_KURANG, measure
    from tumbuh.testcast import build_cast

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = build_cast()
    measure(cast.child_a1, dt.date.today() - dt.timedelta(days=1), GIZI_KURANG)
    return cast


def test_bidan_enrols_and_kader_logs_the_day(browser, phone, live_server, live_cast, tmp_path):
    from tumbuh.pmt.models import Delivery, Enrolment

    page = phone
    log_in(page, live_server, "bidan_a")
    page.goto(live_server.url + reverse("pmt:eligible"))
    row = page.locator("li.pmt-candidate", has_text="Anak A1")
    expect(row).to_be_visible()
    expect(row.get_by_text("gizi kurang")).to_be_visible()
    row.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Anak A1")
    page.screenshot(path=str(tmp_path / "enrolled.png"), full_page=True)
    enrolment = Enrolment.objects.get()
    assert (enrolment.reason, enrolment.planned_days) == ("gizi_kurang", 56)
    # nothing on the page is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    kader = context.new_page()
    log_in(kader, live_server, "kader_a")
    kader.goto(live_server.url + reverse("pmt:deliveries"))
    entry = kader.locator("li.pmt-log-row", has_text="Anak A1")
    expect(entry).to_be_visible()
    entry.locator(f"input[name='status-{enrolment.pk}'][value=meal]").check()
    kader.locator("form.pmt-log button.button-primary").click()
    expect(kader.locator(".messages")).to_be_visible()
    assert Delivery.objects.get().status == "meal"
    kader.goto(live_server.url + reverse("pmt:enrolment", args=[enrolment.pk]))
    expect(kader.locator(".pmt-days .pmt-day--meal")).to_have_count(1)
    expect(kader).to_have_url(re.compile(r"/pmt/peserta/"))
    kader.screenshot(path=str(tmp_path / "enrolment.png"), full_page=True)
    assert kader.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
