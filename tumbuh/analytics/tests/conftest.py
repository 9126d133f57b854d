"""Fixtures of the analytics tests: a frozen clock at noon in Balikpapan, mid-month, so that
"this month" holds days before today whatever day the suite runs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tumbuh.analytics.grouping import Period, add_months, month_start
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.registry.models import Child

NOW = dt.datetime(2026, 6, 16, 12, 0, tzinfo=ZoneInfo("Asia/Makassar"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


THIS_MONTH = month_start(TODAY)


def _month(offset: int, day: int = 1) -> dt.date:
    return add_months(THIS_MONTH, offset) + dt.timedelta(days=day - 1)


def _child(cast, name, *, days_old, posyandu=None, sex="F", kia=True):
    return Child.objects.create(
        name=name, sex=sex, birth_date=TODAY - dt.timedelta(days=days_old),
        household=cast.hh_a1, mother=cast.mother_a1, posyandu=posyandu or cast.pos_a1,
        has_kia_book=kia,
    )  # fmt: skip


def _measure(child, on, weight=None, length=None, **kw):
    return record_measurement(
        child=child, confirm=True,
        data=MeasurementInput(measured_on=on, weight_kg=weight, lenhei_cm=length,
                              measure="l" if length else "", **kw),
    )  # fmt: skip


@pytest.fixture
def data(cast):
    """Children of posyandu A1 and B1 over four months: gains, losses, a month missed, two
    weighings in one month, a length-only visit, oedema, a flagged value, a child over five,
    a child without KIA book, a merged duplicate."""
    a = cast.child_a1  # 400 days old, boy
    for offset, w, ln in ((-3, 9.0, 72.0), (-2, 9.3, 73.0), (-1, 9.3, 73.5), (0, 9.2, 74.0)):
        _measure(a, _month(offset, 3), w, ln)
    b = _child(cast, "Bunga", days_old=200, kia=False)
    _measure(b, _month(-3, 5), 6.5, 63.0)
    _measure(b, _month(-1, 5), 7.2, 66.0)  # missed month -2: O
    _measure(b, _month(-1, 20), 7.3)  # second weighing of month -1: this one counts
    _measure(b, _month(0, 2), length=67.5)  # length only, no weight: not in D
    c = _child(cast, "Citra", days_old=700, sex="M")
    _measure(c, _month(-2, 4), 7.0, 70.0)  # very low weight: sangat kurang, BGM
    _measure(c, _month(-1, 4), 7.5, 70.5, oedema=True)
    _measure(c, _month(0, 4), 30.0, 71.0)  # implausible weight: flagged
    old = _child(cast, "Dewi", days_old=1900)
    _measure(old, _month(0, 1), 17.0, 108.0)  # over five: no z-scores, not counted
    dup = _child(cast, "Bunga (ganda)", days_old=200)
    _measure(dup, _month(-2, 6), 6.9)
    e = cast.child_b1
    _measure(e, _month(-1, 7), 9.5, 75.0)
    _measure(e, _month(0, 7), 10.0, 76.0)
    return {"merged": (b, dup)}


PERIOD = Period(add_months(THIS_MONTH, -3), THIS_MONTH)


