"""Two people issuing at once, on PostgreSQL: the balance never goes negative and a family never
gets two packages of one round. The database decides (a conditional UPDATE, a CheckConstraint, a
UniqueConstraint), so these tests run real parallel transactions in threads.

SQLite serialises every write, so it cannot show the race: the tests are skipped there.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from tumbuh.foodreserve import services
from tumbuh.foodreserve.models import Eligibility, Issue, Item, MovementKind, StockMovement, Store
from tumbuh.registry.models import Household

from .conftest import screen, stock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite serialises writes, so there is no race"),
]  # fmt: skip


def _setup(n_households: int):
    from tumbuh.areas.models import Area, Posyandu, Puskesmas

    today = dt.date.today()
    city = Area.objects.create(code="64.71", name="Kota Balikpapan", level=2,
                               parent=Area.objects.create(code="64", name="Kaltim", level=1))
    kec = Area.objects.create(code="64.71.01", name="Balikpapan Timur", level=3, parent=city)
    kel = Area.objects.create(code="64.71.01.1001", name="Manggar", level=4, parent=kec)
    pkm = Puskesmas.objects.create(name="Manggar", kecamatan=kec)
    pos = Posyandu.objects.create(name="Melati", puskesmas=pkm, kelurahan=kel)
    store = Store.objects.create(name="Gudang", city=city)
    chicken = Item.objects.create(name="Ayam utuh", unit="ekor")
    eggs = Item.objects.create(name="Telur", unit="butir")
    round_ = services.create_round(
        name="April", store=store, starts_on=today, ends_on=today,
        eligibility=Eligibility.AT_RISK, package={chicken: Decimal(1), eggs: Decimal(10)},
    )  # fmt: skip
    households = []
    for i in range(n_households):
        hh = Household.objects.create(head_name=f"Keluarga {i}", address=f"Jl. {i}",
                                      kelurahan=kel, posyandu=pos)  # fmt: skip
        screen(hh)
        households.append(hh)
    return round_, households, chicken, eggs


def _run_at_once(calls):
    """Start every call in its own thread at the same moment; return the outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            call()
            outcomes[i] = "ok"
        except services.FoodReserveError as exc:
            outcomes[i] = type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_eight_people_issue_three_packages_of_stock_at_once():
    round_, households, chicken, eggs = _setup(8)
    services.receive(store=round_.store, item=chicken, quantity=3)
    services.receive(store=round_.store, item=eggs, quantity=30)

    outcomes = _run_at_once([
        (lambda hh=hh: services.issue_package(round_=round_, household=hh)) for hh in households
    ])  # fmt: skip

    assert outcomes.count("ok") == 3, outcomes
    assert outcomes.count("NotEnoughStock") == 5, outcomes
    assert (stock(round_.store, chicken), stock(round_.store, eggs)) == (0, 0)
    assert Issue.objects.count() == 3
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 6
    assert services.ledger_mismatches() == []


def test_two_people_issue_to_the_same_family_at_once():
    round_, households, chicken, eggs = _setup(1)
    services.receive(store=round_.store, item=chicken, quantity=10)
    services.receive(store=round_.store, item=eggs, quantity=100)
    hh = households[0]

    for _attempt in range(3):  # a few times: the race must be lost every time
        outcomes = _run_at_once([
            lambda: services.issue_package(round_=round_, household=hh) for _ in range(2)
        ])  # fmt: skip
        assert sorted(outcomes) in (["AlreadyIssued", "ok"], ["AlreadyIssued", "AlreadyIssued"])
    assert Issue.objects.filter(household=hh).count() == 1
    assert (stock(round_.store, chicken), stock(round_.store, eggs)) == (9, 90)
    assert services.ledger_mismatches() == []


def test_adjustments_and_issues_at_once_never_go_below_zero():
    round_, households, chicken, eggs = _setup(4)
    services.receive(store=round_.store, item=chicken, quantity=3)
    services.receive(store=round_.store, item=eggs, quantity=30)
    calls = [(lambda hh=hh: services.issue_package(round_=round_, household=hh))
             for hh in households]  # fmt: skip
    calls += [lambda: services.adjust(store=round_.store, item=chicken, quantity=-2,
                                      reason="busuk")] * 2  # fmt: skip
    outcomes = _run_at_once(calls)
    assert all(o in ("ok", "NotEnoughStock") for o in outcomes), outcomes
    left = stock(round_.store, chicken)
    assert left >= 0
    issued = Issue.objects.count()
    adjusted = outcomes[4:].count("ok")
    assert left == 3 - issued - 2 * adjusted
    assert services.ledger_mismatches() == []
