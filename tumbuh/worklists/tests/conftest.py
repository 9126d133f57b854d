"""Fixtures of the worklist tests: a frozen clock at noon in Balikpapan, mid-month, and
builders for children with a measurement history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.registry.models import Child, Household

NOW = dt.datetime(2026, 6, 16, 12, 0, tzinfo=ZoneInfo("Asia/Makassar"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _no_cached_worklists():
    """City-wide lists are cached in the process; each test starts without."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def months_ago(n: int, day: int = 10) -> dt.date:
    """Day ``day`` of the month ``n`` months before TODAY's."""
    index = TODAY.year * 12 + TODAY.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, day)


def new_child(cast, *, household=None, posyandu=None, age_days=400, sex="M", name="Anak"):
    household = household or cast.hh_a1
    return Child.objects.create(
        name=name, sex=sex, birth_date=TODAY - dt.timedelta(days=age_days),
        household=household, posyandu=posyandu or household.posyandu,
    )  # fmt: skip


def new_household(cast, *, posyandu, kel, team=None, key="X", phone="0813111222"):
    return Household.objects.create(
        head_name=f"Kepala {key}", address=f"Jl. Baru {key}", rt="003", rw="004",
        kelurahan=kel, posyandu=posyandu, tpk_team=team, phone=phone,
    )  # fmt: skip


def weigh(child, on: dt.date, weight=None, length=None, *, oedema=False):
    return record_measurement(
        child=child, confirm=True,
        data=MeasurementInput(measured_on=on, weight_kg=weight, lenhei_cm=length,
                              measure="l" if length else "", oedema=oedema),
    )  # fmt: skip
