"""Protein packages on a phone: a kader opens the running round, hands the package (one chicken,
ten eggs) to the one family of her posyandu at risk of stunting, the reserve's stock goes down by
one package, and a second tap from a screen still showing the button hands nothing over again
(docs/foodreserve.md)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .phone_steps import assert_fits_phone, open_programme
from .test_weighing_day_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_cast(transactional_db, settings):
    from tumbuh.foodreserve import services
    from tumbuh.foodreserve.models import Eligibility, Item, Store
    from tumbuh.foodreserve.tests.conftest import screen
    from tumbuh.registry.models import Household
    from tumbuh.testcast import build_cast

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast = build_cast()
    cast.store = Store.objects.create(name="Gudang CPPD Balikpapan", city=cast.city)
    cast.chicken = Item.objects.create(name="Ayam utuh", unit="ekor", note="0,9–1,1 kg")
    cast.eggs = Item.objects.create(name="Telur", unit="butir")
    cast.round = services.create_round(
        name="Paket protein", store=cast.store, starts_on=cast.today - dt.timedelta(days=5),
        ends_on=cast.today + dt.timedelta(days=20), eligibility=Eligibility.AT_RISK,
        package={cast.chicken: Decimal(1), cast.eggs: Decimal(10)},
    )  # fmt: skip
    services.receive(store=cast.store, item=cast.chicken, quantity=3)
    services.receive(store=cast.store, item=cast.eggs, quantity=30)
    for hh in (cast.hh_a1, cast.hh_a2, cast.hh_b1):
        screen(hh)
    # a second family of posyandu Melati, screened and not at risk: not eligible
    cast.hh_a3 = Household.objects.create(
        head_name="Kepala A3", address="Jl. Uji A3", rt="003", rw="002", kelurahan=cast.kel_a,
        posyandu=cast.pos_a1, tpk_team=cast.team_a,
    )  # fmt: skip
    screen(cast.hh_a3, at_risk=False)
    return cast


def stock_on_hand(page):
    """{item label: quantity} of the stock page's tiles."""
    tiles = page.locator("ul.stats li.stat")
    return dict(zip(tiles.locator(".stat-label").all_inner_texts(),
                    tiles.locator(".stat-number").all_inner_texts(), strict=True))


def test_kader_hands_over_a_package_once(browser, phone, live_server, live_cast, tmp_path):
    from tumbuh.foodreserve import services
    from tumbuh.foodreserve.models import Issue, StockMovement
    from tumbuh.foodreserve.tests.conftest import stock

    cast = live_cast
    page = phone
    log_in(page, live_server, "kader_a")
    open_programme(page, "foodreserve:round-list")
    page.locator(f".fr-nav a[href='{reverse('foodreserve:stock')}']").click()
    assert stock_on_hand(page) == {"Ayam utuh (ekor)": "3", "Telur (butir)": "30"}
    assert_fits_phone(page)

    page.locator(f".fr-nav a[href='{reverse('foodreserve:round-list')}']").click()
    rounds = page.locator("ul.records li.record")
    expect(rounds).to_have_count(1)
    expect(rounds.first.locator(".badge--green")).to_be_visible()  # handing out
    rounds.first.get_by_role("link", name="Paket protein").click()
    round_url = live_server.url + reverse("foodreserve:round-detail", args=[cast.round.pk])
    expect(page).to_have_url(round_url)
    counts = page.locator("ul.stats .stat-number")
    expect(counts).to_have_text(["1", "0"])  # eligible in her area, handed over
    families = page.locator("li.fr-family")
    expect(families).to_have_count(1)  # A3 is not at risk, A2 and B1 are other posyandu's
    expect(families.first).to_contain_text("Kepala A1")
    assert_fits_phone(page)
    page.screenshot(path=str(tmp_path / "round.png"), full_page=True)

    # the same list left open in a second tab, its button still there
    stale = page.context.new_page()
    stale.goto(round_url)
    expect(stale.locator("li.fr-family button.fr-give")).to_have_count(1)

    families.first.locator("button.fr-give").click()
    expect(page.locator(".messages li.success")).to_contain_text("Sudah diserahkan: Kepala A1")
    expect(counts).to_have_text(["1", "1"])
    expect(families).to_have_count(0)
    issue = Issue.objects.active().get()
    assert (issue.round_id, issue.household_id) == (cast.round.pk, cast.hh_a1.pk)
    assert (issue.issued_by, issue.issued_on) == (cast.kader_a, cast.today)
    assert stock(cast.store, cast.chicken) == 2 and stock(cast.store, cast.eggs) == 20

    # the second tap is refused and takes nothing from the stock
    stale.locator("li.fr-family button.fr-give").click()
    expect(stale.locator(".messages li.error")).to_contain_text(
        "Kepala A1 sudah menerima paket Paket protein")
    expect(stale.locator(".messages li.success")).to_have_count(0)
    assert Issue.objects.count() == 1
    assert stock(cast.store, cast.chicken) == 2 and stock(cast.store, cast.eggs) == 20
    assert StockMovement.objects.filter(kind="issue").count() == 2  # one chicken, one egg line
    assert services.ledger_mismatches() == []
    stale.close()

    # "Received": the family, who handed it over, and her undo for today's mistaps
    page.locator(".fr-tabs a[href='?tab=sudah']").click()
    expect(page).to_have_url(re.compile(r"\?tab=sudah$"))
    expect(families).to_have_count(1)
    expect(families.first).to_contain_text("Kepala A1")
    expect(families.first).to_contain_text(str(cast.kader_a))  # "Kader A"
    expect(families.first.locator("form[action$='/batal/'] button")).to_have_count(1)
    assert_fits_phone(page)

    page.locator(f".fr-nav a[href='{reverse('foodreserve:stock')}']").click()
    assert stock_on_hand(page) == {"Ayam utuh (ekor)": "2", "Telur (butir)": "20"}
    expect(page.locator("ul.records li.record", has_text="-10 butir Telur")).to_have_count(1)
    expect(page.locator("ul.records li.record", has_text="-1 ekor Ayam utuh")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "stock.png"), full_page=True)
    assert_fits_phone(page)
