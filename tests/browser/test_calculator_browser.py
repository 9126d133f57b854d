"""A nurse uses the z-score calculator on a phone, in Indonesian and in English."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tumbuh import growth
from tumbuh.lib.formatting import format_zscore

pytestmark = pytest.mark.browser

# Boy, 500 days old on the measurement date, 70 cm lying down, 8.5 kg.
BIRTH_DATE = "2023-04-20"
MEASUREMENT_DATE = "2024-09-01"


def expected_length_for_age(language: str) -> tuple[str, str]:
    """The rounded z-score text and the status label the page should show."""
    from django.utils import translation

    zlen = growth.anthro_zscores(1, 500, lenhei_cm=70.0, measure="l", rounded=False)["zlen"]
    code = growth.classify("status_tbu", zlen)[0]
    with translation.override(language):
        z_text = format_zscore(float(growth.round_z(zlen)[0]))
    return z_text, growth.permenkes_label("status_tbu", code, lang=language)


def enter_child(page, labels: dict[str, str]) -> None:
    page.get_by_label(labels["boy"], exact=True).check()
    page.get_by_label(labels["birth"], exact=True).fill(BIRTH_DATE)
    page.get_by_label(labels["measured"], exact=True).fill(MEASUREMENT_DATE)
    page.get_by_label(labels["weight"], exact=True).fill(labels["weight_value"])
    page.get_by_label(labels["length"], exact=True).fill("70")
    page.get_by_label(labels["lying"], exact=True).check()
    page.get_by_role("button", name=labels["submit"]).click()


INDONESIAN = {
    "boy": "Laki-laki",
    "birth": "Tanggal lahir",
    "measured": "Tanggal pengukuran",
    "weight": "Berat badan (kg)",
    "weight_value": "8,5",
    "length": "Panjang/tinggi badan (cm)",
    "lying": "Terlentang (panjang badan)",
    "submit": "Hitung",
}
ENGLISH = {
    "boy": "Boy",
    "birth": "Date of birth",
    "measured": "Date of measurement",
    "weight": "Weight (kg)",
    "weight_value": "8.5",
    "length": "Length or height (cm)",
    "lying": "Lying down (length)",
    "submit": "Calculate",
}


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide: it scrolls sideways on a phone"


def test_a_nurse_gets_the_z_scores_and_status_on_a_phone(phone, live_server, tmp_path):
    page = phone
    page.goto(live_server.url + reverse("tools:zscore-calculator"))
    expect(page.get_by_role("heading", name="Kalkulator Z-Score")).to_be_visible()
    assert_fits_the_phone(page)

    enter_child(page, INDONESIAN)

    result = page.locator("#result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("umur 500 hari (16 bulan penuh)")
    z_text, label = expected_length_for_age("id")
    lhfa = result.locator('[data-index="lhfa"]')
    expect(lhfa.locator(".index-z")).to_have_text(z_text)
    expect(lhfa.locator(".status").first).to_have_text(label)
    expect(result.locator('[data-index="wfa"] .index-z')).to_contain_text(",")
    expect(result).to_contain_text(growth.METHOD_VERSION)
    assert_fits_the_phone(page)
    page.screenshot(path=tmp_path / "calculator-id.png", full_page=True)


def test_a_mistake_is_explained_next_to_the_field(phone, live_server):
    page = phone
    page.goto(live_server.url + reverse("tools:zscore-calculator"))
    page.get_by_label("Laki-laki", exact=True).check()
    page.get_by_label("Tanggal lahir", exact=True).fill("2024-09-02")
    page.get_by_label("Tanggal pengukuran", exact=True).fill("2024-09-01")
    page.get_by_label("Berat badan (kg)", exact=True).fill("8,5")
    page.get_by_role("button", name="Hitung").click()

    field = page.get_by_label("Tanggal pengukuran", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_measurement_date_error")).to_have_text(
        "Tanggal pengukuran tidak boleh sebelum tanggal lahir."
    )
    expect(page.get_by_label("Berat badan (kg)", exact=True)).to_have_value("8,5")
    expect(page.locator("#result")).to_have_count(0)


def test_the_language_switch_turns_the_calculator_into_english(phone, live_server, tmp_path):
    page = phone
    page.goto(live_server.url + reverse("tools:zscore-calculator"))
    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", name="Z-score calculator")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")

    enter_child(page, ENGLISH)

    result = page.locator("#result")
    expect(result).to_contain_text("500 days old (16 completed months)")
    z_text, label = expected_length_for_age("en")
    lhfa = result.locator('[data-index="lhfa"]')
    expect(lhfa).to_contain_text("Length-for-age")
    expect(lhfa.locator(".index-z")).to_have_text(z_text)
    expect(lhfa.locator(".status").first).to_have_text(label)
    assert_fits_the_phone(page)
    page.screenshot(path=tmp_path / "calculator-en.png", full_page=True)
