"""The stock ledger, issues of packages and the reports, with real quantities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from tumbuh.foodreserve import services
from tumbuh.foodreserve.models import (
    Eligibility,
    Issue,
    MovementKind,
    StockBalance,
    StockMovement,
)
from tumbuh.registry.models import Child, Pregnancy

from .conftest import screen, stock

D = Decimal


def test_a_receipt_adds_to_the_balance_and_the_ledger(fr, cast):
    services.receive(store=fr.store, item=fr.eggs, quantity=300, reference="SJ-01",
                     user=cast.admin)  # fmt: skip
    services.receive(store=fr.store, item=fr.eggs, quantity="20.5", user=cast.admin)
    assert stock(fr.store, fr.eggs) == D("320.5")
    rows = list(StockMovement.objects.filter(item=fr.eggs).order_by("created_at", "id"))
    assert [(r.kind, r.quantity, r.reference) for r in rows] == [
        ("receipt", D(300), "SJ-01"), ("receipt", D("20.5"), "")]
    assert services.ledger_mismatches() == []


@pytest.mark.parametrize("quantity", [0, -5, "0.001"])
def test_a_receipt_must_add_something(fr, quantity):
    with pytest.raises(services.FoodReserveError):
        services.receive(store=fr.store, item=fr.eggs, quantity=quantity)
    assert not StockMovement.objects.exists()


def test_a_receipt_cannot_be_dated_in_the_future(fr):
    with pytest.raises(services.FoodReserveError, match="future"):
        services.receive(store=fr.store, item=fr.eggs, quantity=1,
                         on=fr.today + dt.timedelta(days=1))  # fmt: skip


def test_an_adjustment_needs_a_reason_and_never_goes_below_zero(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=10)
    with pytest.raises(services.FoodReserveError, match="why"):
        services.adjust(store=fr.store, item=fr.chicken, quantity=-2, reason="  ")
    with pytest.raises(services.NotEnoughStock) as caught:
        services.adjust(store=fr.store, item=fr.chicken, quantity=-11, reason="busuk")
    assert "Ayam utuh" in str(caught.value) and "10 ekor left" in str(caught.value)
    assert stock(fr.store, fr.chicken) == 10
    services.adjust(store=fr.store, item=fr.chicken, quantity=-3, reason="busuk", user=cast.admin)
    services.adjust(store=fr.store, item=fr.chicken, quantity=1, reason="hitung ulang")
    assert stock(fr.store, fr.chicken) == 8
    assert StockMovement.objects.filter(kind=MovementKind.ADJUSTMENT).count() == 2
    assert services.ledger_mismatches() == []


def test_the_database_refuses_a_negative_balance(fr):
    services.receive(store=fr.store, item=fr.eggs, quantity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(item=fr.eggs).update(quantity=F("quantity") - 6)
    assert stock(fr.store, fr.eggs) == 5


def test_the_database_refuses_an_adjustment_without_reason(fr):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(store=fr.store, item=fr.eggs, kind="adjustment",
                                     quantity=-1, occurred_on=fr.today)  # fmt: skip


def test_an_issue_takes_every_item_of_the_package(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=3)
    services.receive(store=fr.store, item=fr.eggs, quantity=30)
    issue = services.issue_package(round_=fr.round, household=cast.hh_a1, user=cast.kader_a)
    assert (stock(fr.store, fr.chicken), stock(fr.store, fr.eggs)) == (2, 20)
    assert issue.rule_version == fr.round.rule_version and issue.issued_on == fr.today
    lines = {m.item_id: m.quantity for m in issue.movements.all()}
    assert lines == {fr.chicken.pk: D(-1), fr.eggs.pk: D(-10)}
    assert services.ledger_mismatches() == []


def test_an_issue_is_all_or_nothing(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=5)
    services.receive(store=fr.store, item=fr.eggs, quantity=9)  # one egg short
    with pytest.raises(services.NotEnoughStock) as caught:
        services.issue_package(round_=fr.round, household=cast.hh_a1)
    assert "Telur" in str(caught.value) and "10 butir needed, 9 butir left" in str(caught.value)
    assert (stock(fr.store, fr.chicken), stock(fr.store, fr.eggs)) == (5, 9)
    assert not Issue.objects.exists()
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 0


def test_a_family_receives_one_package_per_round(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=5)
    services.receive(store=fr.store, item=fr.eggs, quantity=50)
    services.issue_package(round_=fr.round, household=cast.hh_a1)
    with pytest.raises(services.AlreadyIssued, match="Kepala A1"):
        services.issue_package(round_=fr.round, household=cast.hh_a1)
    assert (stock(fr.store, fr.chicken), stock(fr.store, fr.eggs)) == (4, 40)
    # and the database says the same, whatever the code before it checked
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(round=fr.round, household=cast.hh_a1, issued_on=fr.today,
                             rule_version="x")  # fmt: skip


def test_eligibility_follows_the_latest_screening(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=5)
    services.receive(store=fr.store, item=fr.eggs, quantity=50)
    screen(cast.hh_a2, at_risk=False, on=fr.today - dt.timedelta(days=2))  # newer: no risk
    with pytest.raises(services.NotEligible, match="Kepala A2"):
        services.issue_package(round_=fr.round, household=cast.hh_a2)
    from tumbuh.registry.models import Household

    never = Household.objects.create(head_name="Belum Disaring", address="Jl. X",
                                     kelurahan=cast.kel_a, posyandu=cast.pos_a1)  # fmt: skip
    screen(never, on=fr.today + dt.timedelta(days=3))  # a screening after the day does not count
    with pytest.raises(services.NotEligible):
        services.issue_package(round_=fr.round, household=never)
    eligible = set(services.eligible_households(fr.round, fr.today).values_list("pk", flat=True))
    assert eligible == {cast.hh_a1.pk, cast.hh_b1.pk}


def test_the_young_child_or_pregnant_rule(fr, cast):
    fr.round.eligibility = Eligibility.AT_RISK_YOUNG_CHILD_OR_PREGNANT
    fr.round.save()
    on = fr.today
    # hh_a1 has a child of 400 days (13 months) and an ongoing pregnancy of 70 days: eligible
    # hh_a2: the child is made 3 years old and the pregnancy ended: not eligible
    Child.objects.filter(household=cast.hh_a2).update(birth_date=on - dt.timedelta(days=3 * 365))
    Pregnancy.objects.filter(woman__household=cast.hh_a2).update(ended_on=on - dt.timedelta(1))
    # hh_b1: no young child, but pregnant: eligible
    Child.objects.filter(household=cast.hh_b1).update(birth_date=on - dt.timedelta(days=800))
    got = set(services.eligible_households(fr.round, on).values_list("pk", flat=True))
    assert got == {cast.hh_a1.pk, cast.hh_b1.pk}
    Pregnancy.objects.filter(woman__household=cast.hh_b1).update(
        hpht=on - dt.timedelta(weeks=45))  # too long ago to be ongoing
    got = set(services.eligible_households(fr.round, on).values_list("pk", flat=True))
    assert got == {cast.hh_a1.pk}


def test_a_closed_round_or_a_day_outside_it_hands_nothing_out(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=5)
    services.receive(store=fr.store, item=fr.eggs, quantity=50)
    with pytest.raises(services.RoundNotOpen):
        services.issue_package(round_=fr.round, household=cast.hh_a1,
                               on=fr.round.ends_on + dt.timedelta(days=1))  # fmt: skip
    services.set_round_open(fr.round, False)
    with pytest.raises(services.RoundNotOpen, match="closed"):
        services.issue_package(round_=fr.round, household=cast.hh_a1)
    assert not Issue.objects.exists()


def test_the_stock_report_adds_up(fr, cast):
    d = fr.today - dt.timedelta(days=10)
    services.receive(store=fr.store, item=fr.eggs, quantity=100, on=d - dt.timedelta(days=5))
    services.receive(store=fr.store, item=fr.chicken, quantity=4, on=d - dt.timedelta(days=5))
    services.receive(store=fr.store, item=fr.eggs, quantity=50, on=d)
    services.adjust(store=fr.store, item=fr.eggs, quantity=-6, reason="pecah", on=d)
    services.issue_package(round_=fr.round, household=cast.hh_a1)
    services.issue_package(round_=fr.round, household=cast.hh_b1)
    rows = {r.item.name: r for r in services.stock_report(fr.store, d, fr.today)}
    eggs = rows["Telur"]
    assert (eggs.opening, eggs.received, eggs.issued, eggs.adjusted, eggs.closing) == (
        100, 50, 20, -6, 124)
    assert eggs.closing == stock(fr.store, fr.eggs)
    chicken = rows["Ayam utuh"]
    assert (chicken.opening, chicken.received, chicken.issued, chicken.closing) == (4, 0, 2, 2)
    # a period before everything: opening of the later period
    early = {r.item.name: r for r in services.stock_report(fr.store, d - dt.timedelta(days=5),
                                                             d - dt.timedelta(days=1))}
    assert early["Telur"].closing == 100


def test_the_distribution_report_counts_by_kelurahan_in_scope(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=5)
    services.receive(store=fr.store, item=fr.eggs, quantity=50)
    services.issue_package(round_=fr.round, household=cast.hh_a1)
    rows = {r.kelurahan: r for r in services.distribution_report(fr.round, cast.admin)}
    assert (rows["Manggar"].eligible, rows["Manggar"].received, rows["Manggar"].coverage_pct) == (
        2, 1, 50.0)
    assert (rows["Baru Ilir"].eligible, rows["Baru Ilir"].received) == (1, 0)
    assert [r.kelurahan for r in services.distribution_report(fr.round, cast.kader_b)] == [
        "Baru Ilir"]
    assert services.distribution_report(fr.round, cast.analyst_other_city) == []


def test_who_sees_which_stores(fr, cast):
    from tumbuh.foodreserve.models import Store

    Store.objects.create(name="Gudang Samarinda", city=cast.other_city)
    names = {u: set(services.stores_for(getattr(cast, u)).values_list("name", flat=True))
             for u in ("kader_a", "bidan_b", "tpk_a", "analyst", "analyst_other_city", "admin")}
    assert names["kader_a"] == names["bidan_b"] == names["tpk_a"] == names["analyst"] == {
        "Gudang CPPD Balikpapan"}
    assert names["analyst_other_city"] == {"Gudang Samarinda"}
    assert len(names["admin"]) == 2


def test_the_ledger_sums_to_the_balance_after_a_busy_month(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=2)
    services.receive(store=fr.store, item=fr.eggs, quantity=25)
    services.issue_package(round_=fr.round, household=cast.hh_a1)
    services.adjust(store=fr.store, item=fr.eggs, quantity=-5, reason="pecah")
    services.issue_package(round_=fr.round, household=cast.hh_a2)
    with pytest.raises(services.NotEnoughStock):
        services.issue_package(round_=fr.round, household=cast.hh_b1)
    assert (stock(fr.store, fr.chicken), stock(fr.store, fr.eggs)) == (0, 0)
    assert services.ledger_mismatches() == []


def test_cancelling_a_hand_over_puts_the_package_back(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=1)
    services.receive(store=fr.store, item=fr.eggs, quantity=10)
    issue = services.issue_package(round_=fr.round, household=cast.hh_a1, user=cast.kader_a)
    with pytest.raises(services.NotEnoughStock):
        services.issue_package(round_=fr.round, household=cast.hh_a2)
    services.cancel_issue(issue, user=cast.kader_a)
    assert (stock(fr.store, fr.chicken), stock(fr.store, fr.eggs)) == (1, 10)
    with pytest.raises(services.FoodReserveError, match="already cancelled"):
        services.cancel_issue(issue, user=cast.kader_a)
    assert (stock(fr.store, fr.chicken), stock(fr.store, fr.eggs)) == (1, 10)
    # the family may now receive it (again), or another family
    again = services.issue_package(round_=fr.round, household=cast.hh_a1)
    assert again.pk != issue.pk and Issue.objects.active().get() == again
    assert Issue.objects.count() == 2
    rows = {r.item.name: r for r in services.stock_report(fr.store, fr.today, fr.today)}
    assert (rows["Telur"].received, rows["Telur"].issued, rows["Telur"].closing) == (10, 10, 0)
    assert services.ledger_mismatches() == []


def test_who_may_cancel(fr, cast):
    services.receive(store=fr.store, item=fr.chicken, quantity=5)
    services.receive(store=fr.store, item=fr.eggs, quantity=50)
    issue = services.issue_package(round_=fr.round, household=cast.hh_a1, user=cast.kader_a)
    assert services.may_cancel(cast.kader_a, issue)
    assert not services.may_cancel(cast.kader_a, issue, today=fr.today + dt.timedelta(days=1))
    assert not services.may_cancel(cast.bidan_a, issue)  # not hers, not a manager
    assert not services.may_cancel(cast.analyst, issue)
    assert services.may_cancel(cast.admin, issue)
