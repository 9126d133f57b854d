"""A cadre's weighing morning on a phone: log in, open today's posyandu day, weigh a child, see
the status and the growth chart; a cadre of another posyandu cannot open that child (#3)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tumbuh import growth

pytestmark = pytest.mark.browser


@pytest.fixture
def live_cast(transactional_db, settings):
    from tumbuh.testcast import build_cast

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_cast()


def log_in(page, live_server, username):
    from tumbuh.testcast import PASSWORD

    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/akun/masuk/"))


def test_a_cadre_weighs_a_child_and_sees_status_and_chart(phone, live_server, live_cast, tmp_path):
    page = phone
    log_in(page, live_server, "kader_a")
    page.goto(live_server.url + reverse("monitoring:session-list"))
    page.locator("form[action$='/posyandu/buka/'] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/posyandu/hari/[0-9a-f-]+/$"))
    day_url = page.url
    expect(page.get_by_text("Anak A1")).to_be_visible()
    page.get_by_text("Anak A1").first.click()

    page.fill("input[name=weight_kg]", "9,1")
    page.fill("input[name=lenhei_cm]", "74,5")
    page.locator("input[name=measure][value=l]").check()
    page.locator("form.measure-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/posyandu/pengukuran/[0-9a-f-]+/$"))

    # The status the page shows is the one tumbuh.growth gives for these values (400 days, boy).
    z = growth.anthro_zscores(1, 400, weight_kg=9.1, lenhei_cm=74.5, measure="l", rounded=False)
    status = growth.permenkes_status(zwei=z["zwei"], zlen=z["zlen"], zwfl=z["zwfl"],
                                     zbmi=z["zbmi"])  # fmt: skip
    for column in ("status_tbu", "status_bbu", "status_bbtb"):
        label = growth.permenkes_label(column, status[column][0], "id")
        expect(page.get_by_text(label, exact=True).first).to_be_visible()
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)

    # On the day's list the weighed child's status badges carry their KMS colour (a later
    # generic .badge rule once turned them grey).
    page.goto(day_url)
    backgrounds = page.evaluate(
        "[...document.querySelectorAll('.badge[class*=\"badge--\"]')]"
        ".map(b => [b.className, getComputedStyle(b).backgroundColor])"
    )
    assert backgrounds, "no status badge on the result page"
    grey = "rgb(246, 248, 250)"  # --wash
    assert all(bg != grey for cls, bg in backgrounds if "neutral" not in cls), backgrounds

    page.goto(live_server.url + reverse("monitoring:child-detail", args=[live_cast.child_a1.pk]))
    charts = page.locator("svg")
    assert charts.count() >= 3  # weight-for-age, length-for-age, weight-for-length
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the child page scrolls sideways on a phone ({width} px)"
    page.screenshot(path=str(tmp_path / "child.png"), full_page=True)


def test_a_cadre_of_another_posyandu_cannot_open_the_child(phone, live_server, live_cast):
    page = phone
    log_in(page, live_server, "kader_b")
    response = page.goto(
        live_server.url + reverse("monitoring:child-detail", args=[live_cast.child_a1.pk])
    )
    assert response.status == 404
    response = page.goto(
        live_server.url + reverse("registry:household-detail", args=[live_cast.hh_a1.pk])
    )
    assert response.status == 404
