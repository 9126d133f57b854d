"""Family assistance on a phone: a TPK member screens the team's never-screened family from the
worklist, opens it, records a visit that needs a referral, refers the child to the puskesmas,
and the worklist then shows the visit and the open referral (#5, part 3)."""

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
    # Family A1 (team TPK Manggar 1) drinks river water: a risk factor once it is screened.
    Household.objects.filter(pk=cast.hh_a1.pk).update(water_source="surface")
    return cast


def test_tpk_member_screens_visits_and_refers_a_family(phone, live_server, live_cast, tmp_path):
    from tumbuh.families.models import Referral, Screening, Visit

    cast = live_cast
    page = phone
    log_in(page, live_server, "tpk_a")
    open_programme(page, "families:worklist")
    expect(page.locator("h1")).to_contain_text("TPK Manggar 1")
    family_rows = page.locator("ul.records li.record", has=page.locator("a.record-title"))
    expect(family_rows).to_have_count(0)  # nobody screened yet: nobody at risk

    # "1 family has never been screened" -> screen all my families now
    page.locator("form[action$='/pendampingan/skrining/'] button[type=submit]").click()
    message = page.locator(".messages li.success")
    expect(message).to_contain_text("1 keluarga diskrining: 1 berisiko")
    row = family_rows.filter(has_text="Kepala A1")
    expect(row).to_have_count(1)
    expect(family_rows).to_have_count(1)  # family A2 has no team, B1 is another team's
    expect(row.locator(".krs-badges")).to_contain_text("air minum tidak layak")
    expect(row.locator(".krs-due")).to_be_visible()  # never visited: a visit is due
    screening = Screening.objects.get()
    assert screening.household_id == cast.hh_a1.pk and screening.screened_by == cast.tpk_a
    assert screening.at_risk and {"water", "too_close"} <= set(screening.factors)
    assert_fits_phone(page)

    # the family's page -> record a visit
    row.locator("a.record-title").click()
    expect(page).to_have_url(re.compile(rf"/pendampingan/keluarga/{cast.hh_a1.pk}/$"))
    expect(page.locator(".krs-factors li")).to_have_count(len(screening.factors))
    assert_fits_phone(page)
    page.screenshot(path=str(tmp_path / "family.png"), full_page=True)
    page.locator(".actions a.button-primary").click()
    expect(page).to_have_url(re.compile(r"/kunjungan/$"))
    expect(page.locator("input[name=visited_on]")).to_have_value(cast.today.isoformat())
    page.check("input[name=topics][value=feeding]")
    page.check("input[name=topics][value=water]")
    page.fill("textarea[name=findings]", "Anak batuk dua minggu, air minum dari sungai.")
    page.check("input[name=referral]")
    assert_fits_phone(page)
    page.locator("form button.button-primary").click()

    # saving a visit that needs a referral goes on to the referral form, linked to the visit
    expect(page).to_have_url(re.compile(r"/rujukan/\?visit=[0-9a-f-]+$"))
    expect(page.locator(".messages li.success")).to_contain_text("Kunjungan tersimpan")
    visit = Visit.objects.get()
    assert (visit.household_id, visit.visited_on) == (cast.hh_a1.pk, cast.today)
    assert (visit.visited_by, visit.team) == (cast.tpk_a, cast.team_a)
    assert sorted(visit.topics) == ["feeding", "water"] and visit.referral
    assert visit.findings == "Anak batuk dua minggu, air minum dari sungai."
    expect(page.locator("input[name=visit]")).to_have_value(str(visit.pk))
    page.select_option("select[name=subject]", f"child:{cast.child_a1.pk}")
    page.select_option("select[name=destination]", "puskesmas")
    page.fill("input[name=destination_detail]", "Puskesmas Manggar")
    page.fill("textarea[name=reason]", "Batuk lebih dari 2 minggu, BB tidak naik")
    assert_fits_phone(page)
    page.locator("form button.button-primary").click()

    # back on the family's page: the visit (referred) and the open referral
    expect(page).to_have_url(re.compile(rf"/pendampingan/keluarga/{cast.hh_a1.pk}/$"))
    expect(page.locator(".messages li.success")).to_contain_text("Rujukan tersimpan")
    visits = page.locator("section[aria-labelledby=visits-heading] li.record")
    expect(visits).to_have_count(1)
    expect(visits.first.locator(".badge--yellow")).to_be_visible()
    expect(visits.first).to_contain_text("Anak batuk dua minggu")
    referrals = page.locator("section[aria-labelledby=referrals-heading] li.record")
    expect(referrals).to_have_count(1)
    expect(referrals.first).to_contain_text("Puskesmas Manggar")
    expect(referrals.first).to_contain_text("Anak A1")
    referral = Referral.objects.get()
    assert (referral.visit, referral.child, referral.household_id) == (
        visit, cast.child_a1, cast.hh_a1.pk)
    assert (referral.destination, referral.status) == ("puskesmas", "sent")
    assert referral.referred_on == cast.today and referral.created_by == cast.tpk_a
    assert referral.reason == "Batuk lebih dari 2 minggu, BB tidak naik"
    page.screenshot(path=str(tmp_path / "family-after.png"), full_page=True)
    assert_fits_phone(page)

    # the worklist: visited today, no visit due, an open referral
    page.locator(f"main a[href='{reverse('families:worklist')}']").click()
    row = page.locator("ul.records li.record", has_text="Kepala A1")
    expect(row.locator(".badge--yellow")).to_be_visible()
    expect(row).to_contain_text(cast.today.strftime("%d-%m-%Y"))
    expect(row.locator(".krs-due")).to_have_count(0)
    assert_fits_phone(page)
