"""Fixtures of the analytics tests: a frozen clock at noon in Balikpapan, mid-month, so that
"this month" holds days before today whatever day the suite runs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

NOW = dt.datetime(2026, 6, 16, 12, 0, tzinfo=ZoneInfo("Asia/Makassar"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield
