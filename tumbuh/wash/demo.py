"""Demo data for the wash app: grey-water disposal for every family, upgrade projects a few per
year in some kelurahan with the families they reached, and a history of changes so coverage
rises over the last years (the generated city's status is "today").

Called once on a fresh demo city (``tumbuh demo``); deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db import transaction

#: Added to the demo seed so this app's draws do not follow another app's.
SEED_OFFSET = 5005
CHUNK = 2000

#: Grey water by sanitation (synthetic shares).
WASTEWATER_BY_SANITATION = {
    "own_septic": {"pit": 0.55, "sewer": 0.10, "open_drain": 0.30, "ground": 0.05},
    "shared_septic": {"pit": 0.35, "sewer": 0.05, "open_drain": 0.45, "ground": 0.15},
    "own_no_septic": {"pit": 0.15, "open_drain": 0.55, "ground": 0.20, "river": 0.10},
    "public": {"pit": 0.10, "open_drain": 0.50, "ground": 0.25, "river": 0.15},
    "open": {"open_drain": 0.40, "ground": 0.35, "river": 0.25},
    "": {"": 1.0},
}
#: What a family had before a project or a manual change made it layak (synthetic shares).
WATER_BEFORE = {"unprotected_well": 0.45, "surface": 0.20, "unprotected_spring": 0.10,
                "other": 0.25}  # fmt: skip
WATER_BEFORE_PIPED = {"refill": 0.35, "protected_well": 0.20, "unprotected_well": 0.25,
                      "borehole": 0.10, "surface": 0.10}  # fmt: skip
SANITATION_BEFORE = {"own_no_septic": 0.60, "public": 0.20, "open": 0.20}
WASTEWATER_BEFORE = {"open_drain": 0.6, "ground": 0.3, "river": 0.1}
KINDS = [("piped", "SR PDAM", "PDAM Tirta Manuntung"),
         ("septic", "Tangki septik individual", "Dinas PU (DAK Sanitasi)"),
         ("spald", "SPALD-S komunal", "Dinas PU"),
         ("latrine", "Jamban sehat", "CSR / Baznas")]  # fmt: skip
PROJECTS_PER_YEAR = 4
YEARS = 3
#: Share of currently layak families (not reached by a project) whose layak status came from a
#: manual change in the last two years.
MANUAL_SHARE = 0.08


def _draw(rng, shares: dict, n: int) -> np.ndarray:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _day_between(rng, first: dt.date, last: dt.date) -> dt.date:
    span = max((last - first).days, 0)
    return first + dt.timedelta(days=int(rng.integers(0, span + 1)))


def populate(*, seed: int, as_of: dt.date, progress=lambda msg: None) -> dict[str, int]:
    from tumbuh.areas.models import Area
    from tumbuh.registry.models import Household

    from .models import (
        ChangeSource,
        HouseholdWashChange,
        Project,
        ProjectHousehold,
        ProjectStatus,
    )

    rng = np.random.default_rng(seed + SEED_OFFSET)
    rows = list(Household.objects.order_by("pk").values_list(
        "pk", "kelurahan_id", "water_source", "sanitation"))  # fmt: skip
    if not rows:
        return {"projects": 0, "households_reached": 0, "changes": 0}
    n = len(rows)
    ids = [r[0] for r in rows]
    kel = np.array([r[1] for r in rows], dtype=object)
    water = np.array([r[2] for r in rows], dtype=object)
    san = np.array([r[3] for r in rows], dtype=object)
    waste = np.empty(n, dtype=object)
    for code, shares in WASTEWATER_BY_SANITATION.items():
        at = np.flatnonzero(san == code)
        waste[at] = _draw(rng, shares, len(at))
    progress("wash: grey water of every family")

    kel_codes = sorted(set(kel))
    names = dict(Area.objects.filter(code__in=kel_codes).values_list("code", "name"))
    taken = np.zeros(n, dtype=bool)  # a family is reached by one project at most (in the demo)
    changes: list[tuple] = []  # (household position, day, field, old, new, project index)
    projects, reaches = [], []  # reaches: (project index, household position, day)
    start_year = as_of.year - YEARS + 1
    for year in range(start_year, as_of.year + 1):
        for j in range(PROJECTS_PER_YEAR):
            kind, label, funder = KINDS[(year + j) % len(KINDS)]
            k = kel_codes[int(rng.integers(len(kel_codes)))]
            start = dt.date(year, int(rng.integers(1, 7)), 1)
            if start > as_of:
                start = dt.date(year, 1, 1)
            end = min(start + dt.timedelta(days=int(rng.integers(120, 240))), as_of)
            status = ProjectStatus.DONE if end < as_of else ProjectStatus.ONGOING
            # families whose status today is what this project would give
            if kind == "piped":
                fits = water == "piped"
            elif kind == "spald":
                fits = (san == "own_septic") & (waste == "sewer")
            else:
                fits = san == "own_septic"
            pool = np.flatnonzero(fits & (kel == k) & ~taken)
            take = pool[rng.random(len(pool)) < rng.uniform(0.2, 0.5)][:150]
            p = len(projects)
            projects.append(dict(
                name=f"{label} {names.get(k, k)} {year}", kind=kind, funder=funder,
                kelurahan=k, start_on=start, end_on=end if status == ProjectStatus.DONE else None,
                status=status, planned_households=int(len(take) * rng.uniform(1.0, 1.3)) or None,
            ))  # fmt: skip
            # work finishes on a few days of the project's period
            days = sorted({_day_between(rng, start, end) for _ in range(4)})
            for h in take:
                day = days[int(rng.integers(len(days)))]
                taken[h] = True
                reaches.append((p, h, day))
                if kind == "piped":
                    changes.append((h, day, "water_source",
                                    _draw(rng, WATER_BEFORE_PIPED, 1)[0], "piped", len(reaches)))
                elif kind in ("septic", "latrine"):
                    changes.append((h, day, "sanitation", _draw(rng, SANITATION_BEFORE, 1)[0],
                                    "own_septic", len(reaches)))  # fmt: skip
                else:
                    changes.append((h, day, "wastewater", _draw(rng, WASTEWATER_BEFORE, 1)[0],
                                    "sewer", len(reaches)))  # fmt: skip
    progress(f"wash: {len(projects)} projects reaching {len(reaches)} families")

    # manual changes: some families became layak in the last two years (one check each)
    first_day = dt.date(as_of.year - 2, as_of.month, 1)
    check_days = [d for d in (dt.date(y, m, 15) for y in range(first_day.year, as_of.year + 1)
                              for m in range(1, 13)) if first_day <= d <= as_of]  # fmt: skip
    layak_water = np.isin(water, ["piped", "public_tap", "borehole", "protected_well",
                                  "protected_spring", "rainwater", "refill"])  # fmt: skip
    for h in np.flatnonzero(layak_water & ~taken & (rng.random(n) < MANUAL_SHARE)):
        day = check_days[int(rng.integers(len(check_days)))] if check_days else as_of
        changes.append((h, day, "water_source", _draw(rng, WATER_BEFORE, 1)[0], water[h], 0))
        taken[h] = True
    layak_san = np.isin(san, ["own_septic", "shared_septic"])
    for h in np.flatnonzero(layak_san & ~taken & (rng.random(n) < MANUAL_SHARE)):
        day = check_days[int(rng.integers(len(check_days)))] if check_days else as_of
        changes.append((h, day, "sanitation", _draw(rng, SANITATION_BEFORE, 1)[0], san[h], 0))
        taken[h] = True

    with transaction.atomic():
        objs = Project.objects.bulk_create([
            Project(**{k: v for k, v in spec.items() if k != "kelurahan"}) for spec in projects
        ])  # fmt: skip
        Project.kelurahan.through.objects.bulk_create([
            Project.kelurahan.through(project_id=o.pk, area_id=spec["kelurahan"])
            for o, spec in zip(objs, projects, strict=True)
        ])  # fmt: skip
        reach_objs = ProjectHousehold.objects.bulk_create([
            ProjectHousehold(project=objs[p], household_id=ids[h], completed_on=day)
            for p, h, day in reaches
        ], batch_size=CHUNK)  # fmt: skip
        HouseholdWashChange.objects.bulk_create([
            HouseholdWashChange(
                household_id=ids[h], changed_on=day, field=name, old=old, new=new,
                source=ChangeSource.PROJECT if r else ChangeSource.MANUAL,
                reach=reach_objs[r - 1] if r else None,
            ) for h, day, name, old, new, r in changes
        ], batch_size=CHUNK)  # fmt: skip
        # today's grey water (the SPALD projects' families already have "sewer")
        by_value = defaultdict(list)
        for h in range(n):
            by_value[waste[h]].append(ids[h])
        for value, pks in by_value.items():
            for i in range(0, len(pks), CHUNK):
                Household.objects.filter(pk__in=pks[i:i + CHUNK]).update(wastewater=value)
        # last checked: the day of the family's change
        by_day = defaultdict(list)
        for h, day, *_ in changes:
            by_day[day].append(ids[h])
        for day, pks in by_day.items():
            for i in range(0, len(pks), CHUNK):
                Household.objects.filter(pk__in=pks[i:i + CHUNK]).update(wash_checked_on=day)
    progress(f"wash: {len(changes)} recorded changes")
    return {"projects": len(objs), "households_reached": len(reach_objs),
            "changes": len(changes)}  # fmt: skip
