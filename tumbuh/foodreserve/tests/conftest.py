"""Fixtures of the food reserve tests: a store of Balikpapan, chicken and eggs, an open round of
one chicken and ten eggs per family, and screenings that put the cast's households at risk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are checked in English (the source strings): tumbuh.testing's ``english``."""


def screen(household, *, at_risk=True, on=None, rule_version="test"):
    from tumbuh.families.models import Screening

    return Screening.objects.create(
        household=household, screened_on=on or dt.date.today() - dt.timedelta(days=30),
        rule_version=rule_version, is_target=True, at_risk=at_risk,
        factors=["water"] if at_risk else [],
    )  # fmt: skip


def make_manager(cast, username="pangan"):
    """A food-security office user: an analyst of the city with foodreserve.manage_stock."""
    from django.contrib.auth.models import Permission

    from tumbuh.accounts.models import Role, User

    user = User.objects.create_user(username=username, password="x", role=Role.ANALYST,
                                    city=cast.city)  # fmt: skip
    user.user_permissions.add(Permission.objects.get(codename="manage_stock"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def fr(cast):
    from tumbuh.foodreserve import services
    from tumbuh.foodreserve.models import Eligibility, Item, Store

    today = dt.date.today()
    ns = SimpleNamespace(today=today)
    ns.store = Store.objects.create(name="Gudang CPPD Balikpapan", city=cast.city)
    ns.chicken = Item.objects.create(name="Ayam utuh", unit="ekor", note="0,9–1,1 kg")
    ns.eggs = Item.objects.create(name="Telur", unit="butir")
    ns.round = services.create_round(
        name="Paket protein", store=ns.store, starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=20), eligibility=Eligibility.AT_RISK,
        package={ns.chicken: Decimal(1), ns.eggs: Decimal(10)},
    )  # fmt: skip
    for hh in (cast.hh_a1, cast.hh_a2, cast.hh_b1):
        screen(hh)
    return ns


def stock(store, item):
    from tumbuh.foodreserve.models import StockBalance

    row = StockBalance.objects.filter(store=store, item=item).first()
    return row.quantity if row else Decimal(0)
