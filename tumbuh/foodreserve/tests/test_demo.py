"""The demo data on the tiny demo city: plausible, consistent with the ledger, deterministic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings

from tumbuh.foodreserve import demo, services
from tumbuh.foodreserve.models import Issue, Round, StockBalance, StockMovement
from tumbuh.tools.synthetic import generate_city

SEED = 11
AS_OF = dt.date(2025, 6, 15)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield generate_city("tiny", seed=SEED, as_of=AS_OF)
        transaction.set_rollback(True)


def _snapshot():
    return sorted(Issue.objects.values_list("round__name", "household_id", "issued_on"))


def _check_consistent():
    assert services.ledger_mismatches() == []
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    for r in Round.objects.all():
        days = Issue.objects.filter(round=r).values_list("issued_on", flat=True)
        assert all(r.starts_on <= d <= min(r.ends_on, AS_OF) for d in days)


def test_without_screenings_it_picks_young_children_and_poor_water(city, db):
    counts = demo.populate(seed=SEED, as_of=AS_OF)
    issues = counts[demo.ISSUES]
    assert counts[demo.ROUNDS_KEY] == 3 and counts[demo.STORES] == 1
    assert issues > 0 and issues == Issue.objects.count()
    assert counts[demo.MOVEMENTS] == StockMovement.objects.count()
    _check_consistent()
    rounds = list(Round.objects.order_by("starts_on"))
    assert [r.is_open for r in rounds] == [False, False, True]
    assert rounds[-1].name == "Paket protein Juni 2025"
    # every package is one chicken and ten eggs: the ledger says so
    issued = StockMovement.objects.filter(kind="issue").values("item__name").annotate(
        n=Sum("quantity"))
    by_item = {r["item__name"]: -r["n"] for r in issued}
    assert by_item == {"Ayam utuh": issues, "Telur ayam": 10 * issues}
    # calling it again on the same database changes nothing
    assert demo.populate(seed=SEED, as_of=AS_OF)[demo.ISSUES] == 0


def test_with_screenings_recipients_were_eligible_and_it_is_deterministic(city, db):
    from tumbuh.families.models import Screening
    from tumbuh.registry.models import Household

    households = list(Household.objects.order_by("pk")[:60])
    Screening.objects.bulk_create(
        Screening(household=h, screened_on=AS_OF - dt.timedelta(days=120), rule_version="t",
                  is_target=True, at_risk=i % 2 == 0)
        for i, h in enumerate(households)
    )  # fmt: skip
    at_risk = {h.pk for i, h in enumerate(households) if i % 2 == 0}
    with transaction.atomic():
        demo.populate(seed=SEED, as_of=AS_OF)
        first = _snapshot()
        _check_consistent()
        transaction.set_rollback(True)
    demo.populate(seed=SEED, as_of=AS_OF)
    assert _snapshot() == first
    recipients = {hh for _, hh, _ in first}
    assert recipients and recipients <= at_risk
    assert len(recipients) >= 0.6 * len(at_risk)
