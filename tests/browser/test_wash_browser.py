"""Water and sanitation on a phone: a kader finds her family with an unprotected well and no
latrine on the list of families without layak water or sanitation, records the PDAM connection,
the new latrine with septic tank and the soak pit she saw, and the coverage of her kelurahan goes
from 0 % to 100 % today while yesterday's stays at 0 % (#5, part 4)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .phone_steps import assert_fits_phone, open_programme
from .test_weighing_day_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_cast(transactional_db, settings):
    from tumbuh.registry.models import Household
    from tumbuh.testcast import build_cast

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = build_cast()
    # the family's status when it was registered (a starting point, not a recorded change)
    Household.objects.filter(pk=cast.hh_a1.pk).update(water_source="unprotected_well",
                                                      sanitation="open")  # fmt: skip
    return cast


def coverage_cells(page, kelurahan):
    """The cells of a kelurahan's row: families, water, sanitation, both, not recorded, then
    the same four shares among families with a child under five."""
    row = page.locator("table tbody tr", has=page.locator("th", has_text=kelurahan))
    expect(row).to_have_count(1)
    return [" ".join(text.split()) for text in row.locator("td").all_inner_texts()]


def test_kader_records_water_and_latrine_and_coverage_follows(phone, live_server, live_cast,
                                                               tmp_path):  # fmt: skip
    from tumbuh.registry.models import Household
    from tumbuh.wash.models import HouseholdWashChange

    cast = live_cast
    page = phone
    log_in(page, live_server, "kader_a")
    open_programme(page, "wash:coverage")
    # her posyandu's one family, known and not layak
    assert coverage_cells(page, "Manggar") == ["1", "0,0 %", "0,0 %", "0,0 %", "0",
                                               "1", "0,0 %", "0,0 %", "0,0 %"]  # fmt: skip
    assert_fits_phone(page)

    page.locator(f".wash-nav a[href='{reverse('wash:gaps')}']").click()
    gaps = page.locator("table tbody tr")
    expect(gaps).to_have_count(1)
    expect(gaps.first).to_contain_text("Kepala A1")
    assert_fits_phone(page)
    gaps.first.get_by_role("link", name="Kepala A1").click()

    expect(page).to_have_url(re.compile(rf"/air-sanitasi/keluarga/{cast.hh_a1.pk}/$"))
    facts = page.locator("dl.facts")
    expect(facts.locator(".badge--red")).to_have_count(2)  # water and latrine not layak
    expect(page.locator("input[name=changed_on]")).to_have_value(cast.today.isoformat())
    expect(page.locator("select[name=water_source]")).to_have_value("unprotected_well")
    page.select_option("select[name=water_source]", "piped")
    page.select_option("select[name=sanitation]", "own_septic")
    page.select_option("select[name=wastewater]", "pit")
    assert_fits_phone(page)
    page.locator("form button.button-primary").click()

    expect(page.locator(".messages li.success")).to_contain_text(
        "Data air minum dan sanitasi Kepala A1 tersimpan")
    expect(facts.locator(".badge--green")).to_have_count(3)  # water, latrine layak; grey water safe
    expect(facts.locator(".badge--red")).to_have_count(0)
    expect(page.locator("table tbody tr")).to_have_count(3)  # the history: one row per field
    page.screenshot(path=str(tmp_path / "household.png"), full_page=True)
    assert_fits_phone(page)
    hh = Household.objects.get(pk=cast.hh_a1.pk)
    assert (hh.water_source, hh.sanitation, hh.wastewater) == ("piped", "own_septic", "pit")
    assert hh.wash_checked_on == cast.today
    changes = HouseholdWashChange.objects.filter(household=hh)
    assert {(c.field, c.old, c.new) for c in changes} == {
        ("water_source", "unprotected_well", "piped"), ("sanitation", "open", "own_septic"),
        ("wastewater", "", "pit")}
    assert {(c.changed_on, c.source, c.recorded_by_id) for c in changes} == {
        (cast.today, "manual", cast.kader_a.pk)}

    # coverage today, then yesterday (before the check): the history is undone
    open_programme(page, "wash:coverage")
    assert coverage_cells(page, "Manggar") == ["1", "100,0 %", "100,0 %", "100,0 %", "0",
                                               "1", "100,0 %", "100,0 %", "100,0 %"]  # fmt: skip
    page.screenshot(path=str(tmp_path / "coverage.png"), full_page=True)
    assert_fits_phone(page)
    yesterday = cast.today - dt.timedelta(days=1)
    page.fill("#w-day", yesterday.isoformat())
    page.locator("form.search button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"tanggal={yesterday.isoformat()}"))
    assert coverage_cells(page, "Manggar")[1:4] == ["0,0 %", "0,0 %", "0,0 %"]

    # and the family has left the list of families without layak water or sanitation
    page.locator(f".wash-nav a[href='{reverse('wash:gaps')}']").click()
    expect(page.locator("table tbody tr td[colspan]")).to_have_count(1)
    expect(page.get_by_text("Kepala A1")).to_have_count(0)
