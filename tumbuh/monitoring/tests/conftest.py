"""Fixtures of the monitoring tests: a frozen clock at noon in Balikpapan."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Noon in Balikpapan: the server's date and the local date agree.
NOW = dt.datetime(2025, 6, 16, 12, 0, tzinfo=ZoneInfo("Asia/Makassar"))
TODAY = NOW.date()


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield
