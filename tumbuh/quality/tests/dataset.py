"""A small hand-built set of measurements on the shared cast, and a plain-Python recount.

Rows are made with the ORM and their derived fields set by hand (z-scores, flags, warnings,
``counts_for_month``), so every case the scorecard must handle is there on purpose: rows that
do not count (an earlier weighing in the month, a child over five, a merged child), flagged
values, a cadre who rounds weights to .0/.5, guessed birth dates, missing lengths, jumps.
:func:`recount` computes each indicator from those rows one by one, with the formulas of
docs/quality.md, for the tests to compare with the scorecard.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
import statistics
from dataclasses import dataclass

from tumbuh.accounts.models import Role, User
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child

AUGUST = dt.date(2025, 8, 1)  # a length month (bulan timbang)
SEPTEMBER = dt.date(2025, 9, 1)
FLAGS = ("flen", "fwei", "fwfl")
Z_OF = {"flen": "zlen", "fwei": "zwei", "fwfl": "zwfl"}


@dataclass
class Data:
    rows: list[ChildMeasurement]  # every row created, counted or not
    counted: list[ChildMeasurement]  # the rows the scorecard must count
    rounder: User  # a second cadre of posyandu A1 who rounds weights to .0/.5
    children: list[Child]


def build(cast, *, per_posyandu=(40, 12, 8), seed: int = 7) -> Data:
    """Children and two months of measurements at posyandu A1, A2 and B1."""
    rng = random.Random(seed)
    rounder = User.objects.create_user(username="kader_a1b", password="x", role=Role.KADER,
                                       first_name="Rini", last_name="Bulat")  # fmt: skip
    rounder.posyandu.set([cast.pos_a1])
    places = [
        (cast.pos_a1, cast.hh_a1, cast.mother_a1, [cast.kader_a, rounder, None, rounder]),
        (cast.pos_a2, cast.hh_a2, cast.mother_a2, [cast.kader_a2, cast.bidan_a]),
        (cast.pos_b1, cast.hh_b1, cast.mother_b1, [cast.kader_b]),
    ]
    rows, counted, children = [], [], []
    for (posyandu, household, mother, recorders), n in zip(places, per_posyandu, strict=True):
        for i in range(n):
            guessed = rng.random() < 0.2
            born = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
            if guessed:
                born = born.replace(day=1 if born.day < 15 else 15)
            child = Child.objects.create(
                name=f"Anak {posyandu.name} {i}", sex=rng.choice("MF"), birth_date=born,
                household=household, mother=mother, posyandu=posyandu,
            )  # fmt: skip
            children.append(child)
            for month in (AUGUST, SEPTEMBER):
                recorder = recorders[i % len(recorders)]
                day = month + dt.timedelta(days=rng.randrange(10, 20))
                if rng.random() < 0.15:  # an earlier weighing the same month: not counted
                    rows.append(_row(rng, child, day - dt.timedelta(days=7), recorder,
                                     counts=False))  # fmt: skip
                row = _row(rng, child, day, recorder, counts=True)
                rows.append(row)
                counted.append(row)
    # Rows that must not count: a child over five, a merged child.
    old = Child.objects.create(name="Anak Tua", sex="F", birth_date=dt.date(2019, 1, 5),
                               household=cast.hh_a1, mother=cast.mother_a1,
                               posyandu=cast.pos_a1)  # fmt: skip
    rows.append(_row(rng, old, AUGUST + dt.timedelta(days=12), cast.kader_a, counts=True))
    merged = Child.objects.create(name="Anak Ganda", sex="M", birth_date=dt.date(2024, 2, 2),
                                  household=cast.hh_a1, mother=cast.mother_a1,
                                  posyandu=cast.pos_a1, merged_into=children[0])  # fmt: skip
    rows.append(_row(rng, merged, AUGUST + dt.timedelta(days=12), cast.kader_a, counts=True))
    return Data(rows=rows, counted=counted, rounder=rounder, children=children)


def _row(rng: random.Random, child, day: dt.date, recorder, *, counts: bool):
    age = (day - child.birth_date).days
    weight = round(rng.uniform(6, 16), 1)
    if recorder is not None and recorder.username == "kader_a1b":
        weight = round(weight * 2) / 2
    length = round(rng.uniform(65, 100), 1) if rng.random() < 0.75 else None
    values = {}
    for flag, z in Z_OF.items():
        if z == "zlen" and length is None:
            values[z], values[flag] = None, None
            continue
        flagged = rng.random() < 0.04
        values[z] = round(rng.gauss(-0.6, 1.1) if not flagged else rng.choice((-7.2, 6.4)), 2)
        values[flag] = flagged
    warnings = [key for key, p in (("jump_zwei", 0.05), ("jump_zlen", 0.03),
                                   ("length_shrank", 0.02)) if rng.random() < p]  # fmt: skip
    if any(values[f] for f in FLAGS):
        warnings.insert(0, "implausible_zwei")
    return ChildMeasurement.objects.create(
        child=child, measured_on=day, measured_month=day.replace(day=1),
        counts_for_month=counts, weight_kg=weight, lenhei_cm=length,
        measure="" if length is None else "l", age_days=age, age_months=int(age / 30.4375),
        warnings=warnings, method_version="test", created_by=recorder, **values,
    )  # fmt: skip


# --- The recount ------------------------------------------------------------------------------


def recount(rows: list[ChildMeasurement], *, length_months=(2, 8)) -> dict[str, float]:
    """Every indicator of the scorecard from ``rows`` (the counted rows of one group), one row
    at a time. Shares in %, NaN where there is nothing to divide."""

    def pct(count, n):
        return 100 * count / n if n else math.nan

    out: dict[str, float] = {"n": len(rows)}
    assessed = [r for r in rows if any(getattr(r, f) is not None for f in FLAGS)]
    out["flagged"] = pct(sum(any(getattr(r, f) for f in FLAGS) for r in assessed), len(assessed))
    for f in FLAGS:
        judged = [r for r in rows if getattr(r, f) is not None]
        out[f] = pct(sum(bool(getattr(r, f)) for r in judged), len(judged))
    for f, name in (("flen", "sd_haz"), ("fwei", "sd_waz"), ("fwfl", "sd_whz")):
        z = [getattr(r, Z_OF[f]) for r in rows
             if getattr(r, Z_OF[f]) is not None and getattr(r, f) is False]  # fmt: skip
        out[name] = statistics.stdev(z) if len(z) > 1 else math.nan
    for field, name in (("weight_kg", "dps_weight"), ("lenhei_cm", "dps_lenhei")):
        digits = [round(getattr(r, field) * 10) % 10 for r in rows
                  if getattr(r, field) is not None]  # fmt: skip
        n = len(digits)
        if n:
            expected = n / 10
            x2 = sum((digits.count(d) - expected) ** 2 / expected for d in range(10))
            out[name] = 100 * math.sqrt(x2 / (n * 9))
            out[f"{name}_05"] = pct(digits.count(0) + digits.count(5), n)
        else:
            out[name] = out[f"{name}_05"] = math.nan
    heaped = sum(r.child.birth_date.day in (1, 15) for r in rows)
    expected = sum(2 / calendar.monthrange(r.child.birth_date.year, r.child.birth_date.month)[1]
                   for r in rows)  # fmt: skip
    out["heaping"] = heaped / expected if expected else math.nan
    weighed = [r for r in rows if r.weight_kg is not None]
    in_months = [r for r in weighed if r.measured_month.month in length_months]
    judged = in_months or weighed
    out["missing"] = pct(sum(r.lenhei_cm is None for r in judged), len(judged))
    out["jumps"] = pct(sum(any(k in r.warnings for k in ("jump_zwei", "jump_zlen",
                                                          "length_shrank")) for r in rows),
                       len(rows))  # fmt: skip
    for key in ("jump_zwei", "jump_zlen", "length_shrank"):
        out[key] = pct(sum(key in r.warnings for r in rows), len(rows))
    return out
