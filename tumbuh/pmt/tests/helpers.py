"""Measurements that make the cast's children eligible, or not (values checked by hand with
tumbuh.growth: a boy of 400 days)."""

from __future__ import annotations

import datetime as dt

from tumbuh.monitoring.services import MeasurementInput, record_measurement, record_pregnancy_check

#: (weight_kg, length_cm) of a boy of about 400 days
GIZI_KURANG = (7.8, 75.0)  # WHZ -2.47 (gizi kurang), WAZ -2.17 (kurang)
BB_KURANG = (7.5, 70.0)  # WAZ -2.52 at 400 days, -2.25 at 360 (kurang); WHZ -1.44
NORMAL = (9.5, 75.0)  # WAZ -0.38, WHZ 0.00
GIZI_BURUK = (7.4, 78.0)  # WHZ -3.84


def measure(child, on: dt.date, values, *, oedema=False, user=None):
    weight, length = values
    return record_measurement(
        child=child, user=user,
        data=MeasurementInput(measured_on=on, weight_kg=weight, lenhei_cm=length, measure="l",
                              oedema=oedema),
    )  # fmt: skip


def check(pregnancy, on: dt.date, *, muac_cm=None, weight_kg=None):
    return record_pregnancy_check(pregnancy=pregnancy, checked_on=on, muac_cm=muac_cm,
                                  weight_kg=weight_kg)  # fmt: skip
