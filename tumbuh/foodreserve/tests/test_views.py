"""The pages by role: handing over, the managers' forms, lists, reports and CSV and XLSX files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tumbuh.foodreserve import services
from tumbuh.foodreserve.models import Issue, Round, StockMovement
from tumbuh.registry.models import Household
from tumbuh.testing import assert_xlsx_holds_the_csv

from .conftest import make_manager, screen, stock


@pytest.fixture
def stocked(fr):
    services.receive(store=fr.store, item=fr.chicken, quantity=10)
    services.receive(store=fr.store, item=fr.eggs, quantity=100)
    return fr


def _issue(client, user, round_, household):
    client.force_login(user)
    return client.post(reverse("foodreserve:issue", args=[round_.pk]),
                       {"household": str(household.pk)})  # fmt: skip


@pytest.mark.parametrize(("username", "household", "status"), [
    ("kader_a", "hh_a1", 302), ("bidan_a", "hh_a1", 302), ("tpk_a", "hh_a1", 302),
    ("admin", "hh_b1", 302),
    ("kader_a", "hh_b1", 404), ("kader_a2", "hh_a1", 404), ("tpk_a", "hh_a2", 404),
    ("bidan_b", "hh_a1", 404),
    ("analyst", "hh_a1", 403), ("analyst_names", "hh_a1", 403),
])  # fmt: skip
def test_who_may_hand_over(client, cast, stocked, username, household, status):
    response = _issue(client, getattr(cast, username), stocked.round, getattr(cast, household))
    assert response.status_code == status
    assert Issue.objects.filter(household=getattr(cast, household)).exists() == (status == 302)


def test_handing_over_twice_says_so_and_takes_nothing(client, cast, stocked):
    _issue(client, cast.kader_a, stocked.round, cast.hh_a1)
    response = _issue(client, cast.kader_a, stocked.round, cast.hh_a1)
    response = client.get(response["Location"])
    assert "already received" in response.content.decode()
    assert (stock(stocked.store, stocked.chicken), stock(stocked.store, stocked.eggs)) == (9, 90)


def test_not_enough_stock_is_explained(client, cast, fr):
    services.receive(store=fr.store, item=fr.chicken, quantity=1)
    response = _issue(client, cast.kader_a, fr.round, cast.hh_a1)
    page = client.get(response["Location"]).content.decode()
    assert "Not enough Telur" in page and "0 butir left" in page
    assert not Issue.objects.exists()


def test_an_unknown_household_is_404(client, cast, stocked):
    client.force_login(cast.kader_a)
    url = reverse("foodreserve:issue", args=[stocked.round.pk])
    assert client.post(url, {"household": "nonsense"}).status_code == 404
    assert client.get(url).status_code == 405


def test_the_round_lists_the_families_of_the_scope(client, cast, stocked):
    services.issue_package(round_=stocked.round, household=cast.hh_a2, user=cast.kader_a2)
    url = reverse("foodreserve:round-detail", args=[stocked.round.pk])
    client.force_login(cast.bidan_a)
    page = client.get(url).content.decode()
    assert "Kepala A1" in page and "Kepala B1" not in page and "Kepala A2" not in page
    assert "Hand over" in page
    page = client.get(url + "?tab=sudah").content.decode()
    assert "Kepala A2" in page and "Kepala A1" not in page
    client.force_login(cast.analyst)
    page = client.get(url).content.decode()
    assert "Kepala" not in page and "Hand over" not in page
    client.force_login(cast.analyst_names)
    page = client.get(url).content.decode()
    assert "Kepala A1" in page and "Kepala B1" in page and "Hand over" not in page


def test_the_round_page_does_not_grow_with_families(client, cast, stocked,
                                                    django_assert_max_num_queries):
    for i in range(30):
        hh = Household.objects.create(head_name=f"Keluarga {i}", address="Jl. Y",
                                      kelurahan=cast.kel_a, posyandu=cast.pos_a1)  # fmt: skip
        screen(hh)
        if i % 3 == 0:
            services.issue_package(round_=stocked.round, household=hh)
    client.force_login(cast.kader_a)
    url = reverse("foodreserve:round-detail", args=[stocked.round.pk])
    for tab in ("belum", "sudah"):
        with django_assert_max_num_queries(14):
            assert client.get(f"{url}?tab={tab}").status_code == 200


def test_a_manager_records_receipts_and_adjustments(client, cast, fr):
    manager = make_manager(cast)
    client.force_login(manager)
    url = reverse("foodreserve:receipt")
    assert client.get(url).status_code == 200
    data = {"store": fr.store.pk, "item": fr.eggs.pk, "quantity": "1.000",
            "occurred_on": fr.today.isoformat(), "reference": "SJ-7"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and "thousands separator" in response.content.decode()
    response = client.post(url, {**data, "quantity": "1000"})
    assert response.status_code == 302
    old = (fr.today - dt.timedelta(days=400)).isoformat()
    assert client.post(url, {**data, "occurred_on": old}).status_code == 200
    assert stock(fr.store, fr.eggs) == 1000

    url = reverse("foodreserve:adjustment")
    data = {"store": fr.store.pk, "item": fr.eggs.pk, "quantity": "-12", "reason": ""}
    assert client.post(url, data).status_code == 200  # the reason is required
    assert client.post(url, {**data, "quantity": "-2000", "reason": "pecah"}).status_code == 200
    assert client.post(url, {**data, "reason": "pecah"}).status_code == 302
    assert stock(fr.store, fr.eggs) == 988
    movement = StockMovement.objects.get(kind="adjustment")
    assert (movement.reason, movement.created_by) == ("pecah", manager)


@pytest.mark.parametrize("username", ["kader_a", "bidan_a", "analyst_names"])
def test_others_may_not_touch_the_stock(client, cast, fr, username):
    client.force_login(getattr(cast, username))
    data = {"store": fr.store.pk, "item": fr.eggs.pk, "quantity": "10",
            "occurred_on": fr.today.isoformat()}  # fmt: skip
    assert client.post(reverse("foodreserve:receipt"), data).status_code == 403
    assert client.post(reverse("foodreserve:round-create"), {}).status_code == 403
    url = reverse("foodreserve:round-detail", args=[fr.round.pk])
    assert client.post(url, {"action": "close"}).status_code == 403
    assert not StockMovement.objects.exists() and Round.objects.get().is_open


def test_a_manager_creates_and_closes_a_round(client, cast, fr):
    client.force_login(make_manager(cast))
    url = reverse("foodreserve:round-create")
    data = {"name": "Paket Mei", "store": fr.store.pk, "starts_on": "2026-05-01",
            "ends_on": "2026-05-31", "eligibility": "at_risk_young_child_or_pregnant",
            f"item_{fr.chicken.pk}": "1", f"item_{fr.eggs.pk}": ""}  # fmt: skip
    assert client.post(url, {**data, f"item_{fr.chicken.pk}": ""}).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302
    round_ = Round.objects.get(name="Paket Mei")
    assert [(line.item, line.quantity) for line in round_.package.all()] == [
        (fr.chicken, Decimal(1))]
    assert round_.rule_version == "2026.1"
    response = client.post(url, data)  # the same name again: said, not a crash
    assert response.status_code == 200 and "already has a round named" in response.content.decode()
    detail = reverse("foodreserve:round-detail", args=[round_.pk])
    client.post(detail, {"action": "close"})
    assert not Round.objects.get(pk=round_.pk).is_open


def test_the_reports_and_their_csv(client, cast, stocked):
    services.issue_package(round_=stocked.round, household=cast.hh_a1)
    client.force_login(cast.analyst)
    url = reverse("foodreserve:distribution-report")
    page = client.get(url).content.decode()
    assert "Manggar" in page and "50.0%" in page and "Kepala" not in page
    csv = client.get(url, {"putaran": stocked.round.pk, "format": "csv"}).content.decode()
    assert "Manggar,2,1,1,50.0" in csv and "Baru Ilir,1,0,0,0.0" in csv
    assert "Total,3,1,1,33.3" in csv
    url = reverse("foodreserve:stock-report")
    csv = client.get(url, {"format": "csv"}).content.decode()
    assert "Telur,butir,0,100,10,0,90" in csv and "Ayam utuh,ekor,0,10,1,0,9" in csv
    page = client.get(url, {"dari": "2026-02-01", "sampai": "2026-01-01"}).content.decode()
    assert "before its start" in page


def test_the_recipients_csv_needs_the_identity_right(client, cast, stocked):
    services.issue_package(round_=stocked.round, household=cast.hh_a1)
    services.issue_package(round_=stocked.round, household=cast.hh_b1)
    url = reverse("foodreserve:recipients", args=[stocked.round.pk])
    client.force_login(cast.analyst)
    assert client.get(url).status_code == 403
    client.force_login(cast.analyst_names)
    body = client.get(url).content.decode()
    assert "Kepala A1" in body and "Kepala B1" in body
    client.force_login(cast.kader_b)
    body = client.get(url).content.decode()
    assert "Kepala B1" in body and "Kepala A1" not in body


def test_the_reports_as_xlsx_hold_the_csv_tables(client, cast, stocked):
    services.issue_package(round_=stocked.round, household=cast.hh_a1)
    services.adjust(store=stocked.store, item=stocked.chicken, quantity=Decimal("-0.5"),
                    reason="setengah rusak")  # fmt: skip
    client.force_login(cast.analyst)
    url = reverse("foodreserve:distribution-report")
    assert "format=xlsx" in client.get(url).content.decode()
    query = {"putaran": stocked.round.pk}
    sheet = assert_xlsx_holds_the_csv(
        client.get(url, {**query, "format": "csv"}), client.get(url, {**query, "format": "xlsx"}),
        numbers=["Eligible families", "Packages handed over", "Coverage (%)"])
    assert ["Total", 3, 1, 1, 33.3] in sheet
    url = reverse("foodreserve:stock-report")
    assert "format=xlsx" in client.get(url).content.decode()
    csv_response = client.get(url, {"format": "csv"})
    assert "Ayam utuh,ekor,0,10,1,-0.5,8.5" in csv_response.content.decode()
    sheet = assert_xlsx_holds_the_csv(
        csv_response, client.get(url, {"format": "xlsx"}),
        numbers=["Opening stock", "Received", "Issued", "Adjusted", "Closing stock"])
    assert ["Ayam utuh", "ekor", 0, 10, 1, -0.5, 8.5] in sheet
    assert ["Telur", "butir", 0, 100, 10, 0, 90] in sheet


def test_the_recipients_xlsx_holds_the_csv_table_and_needs_the_identity_right(client, cast,
                                                                              stocked):
    Household.objects.filter(pk=cast.hh_a1.pk).update(kk_number="0471010101010001")
    services.issue_package(round_=stocked.round, household=cast.hh_a1)
    services.issue_package(round_=stocked.round, household=cast.hh_b1)
    csv_url = reverse("foodreserve:recipients", args=[stocked.round.pk])
    xlsx_url = reverse("foodreserve:recipients-xlsx", args=[stocked.round.pk])
    assert xlsx_url.endswith("/penerima.xlsx") and csv_url.endswith("/penerima.csv")
    client.force_login(cast.analyst)
    assert client.get(xlsx_url).status_code == 403
    client.force_login(cast.analyst_names)
    round_page = client.get(reverse("foodreserve:round-detail", args=[stocked.round.pk]))
    assert xlsx_url in round_page.content.decode()
    sheet = assert_xlsx_holds_the_csv(client.get(csv_url), client.get(xlsx_url))
    assert {row[2] for row in sheet[1:]} == {"Kepala A1", "Kepala B1"}
    assert "0471010101010001" in [row[3] for row in sheet]  # the KK number stays text
    client.force_login(cast.kader_b)
    sheet = assert_xlsx_holds_the_csv(client.get(csv_url), client.get(xlsx_url))
    assert [row[2] for row in sheet[1:]] == ["Kepala B1"]


def test_the_stock_page_shows_balances_and_forms_for_managers(client, cast, stocked):
    client.force_login(cast.kader_a)
    page = client.get(reverse("foodreserve:stock")).content.decode()
    assert "Telur" in page and ">100<" in page and "Record a receipt" not in page
    client.force_login(cast.admin)
    page = client.get(reverse("foodreserve:stock")).content.decode()
    assert "Record a receipt" in page


@pytest.mark.parametrize(("username", "status"), [
    ("kader_a", 302), ("admin", 302), ("bidan_a", 403), ("analyst", 403), ("kader_a2", 404),
    ("bidan_b", 404), ("tpk_b", 404),
])  # fmt: skip
def test_who_may_undo(client, cast, stocked, username, status):
    issue = services.issue_package(round_=stocked.round, household=cast.hh_a1, user=cast.kader_a)
    client.force_login(getattr(cast, username))
    url = reverse("foodreserve:issue-cancel", args=[issue.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == status
    assert Issue.objects.active().exists() == (status != 302)
    if status == 302:
        assert stock(stocked.store, stocked.eggs) == 100
        page = client.get(response["Location"]).content.decode()
        assert "Hand-over cancelled: Kepala A1" in page


def test_the_received_tab_offers_undo_to_the_one_who_handed_over(client, cast, stocked):
    services.issue_package(round_=stocked.round, household=cast.hh_a1, user=cast.kader_a)
    url = reverse("foodreserve:round-detail", args=[stocked.round.pk]) + "?tab=sudah"
    client.force_login(cast.kader_a)
    assert "Undo" in client.get(url).content.decode()
    client.force_login(cast.bidan_a)
    page = client.get(url).content.decode()
    assert "Kepala A1" in page and "Undo" not in page


def test_list_and_report_pages_do_not_grow_with_rows(client, cast, stocked,
                                                     django_assert_max_num_queries):
    for i in range(3):
        services.create_round(name=f"Putaran {i}", store=stocked.store, starts_on=stocked.today,
                              ends_on=stocked.today, eligibility="at_risk",
                              package={stocked.eggs: Decimal(2)})  # fmt: skip
    services.receive(store=stocked.store, item=stocked.chicken, quantity=20)
    services.receive(store=stocked.store, item=stocked.eggs, quantity=200)
    for i in range(20):
        hh = Household.objects.create(head_name=f"Keluarga {i}", address="Jl. Z",
                                      kelurahan=cast.kel_a if i % 2 else cast.kel_b,
                                      posyandu=cast.pos_a1 if i % 2 else cast.pos_b1)
        screen(hh)
        services.issue_package(round_=stocked.round, household=hh)
    client.force_login(cast.admin)
    for name, params in [("foodreserve:stock", {}), ("foodreserve:round-list", {}),
                         ("foodreserve:distribution-report", {"putaran": stocked.round.pk}),
                         ("foodreserve:stock-report", {}),
                         ("foodreserve:distribution-report", {"format": "csv"}),
                         ("foodreserve:recipients", None)]:  # fmt: skip
        url = (reverse(name, args=[stocked.round.pk]) if params is None else reverse(name))
        with django_assert_max_num_queries(10):
            assert client.get(url, params or {}).status_code == 200


def test_the_round_list_filters_by_posyandu_and_name(client, cast, stocked):
    url = reverse("foodreserve:round-detail", args=[stocked.round.pk])
    client.force_login(cast.bidan_a)
    page = client.get(url, {"posyandu": str(cast.pos_a2.pk)}).content.decode()
    assert "Kepala A2" in page and "Kepala A1" not in page
    page = client.get(url, {"q": "a1"}).content.decode()
    assert "Kepala A1" in page and "Kepala A2" not in page
    page = client.get(url, {"q": "nobody"}).content.decode()
    assert "No family matches." in page
    # a posyandu outside the scope is ignored, not an error
    page = client.get(url, {"posyandu": str(cast.pos_b1.pk)}).content.decode()
    assert "Kepala A1" in page and "Kepala B1" not in page
