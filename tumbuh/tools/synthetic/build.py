"""Write a :class:`~tumbuh.tools.synthetic.plan.Plan` into the database.

Areas come from :func:`tumbuh.areas.services.load_areas`; every derived value of a measurement
comes from :func:`tumbuh.monitoring.services.derive_history` and every pregnancy check flag from
:func:`tumbuh.growth.pregnancy_status`, converted exactly as the services convert them, so the
stored rows are the rows the app would have stored had a cadre entered them one by one (a test
re-enters a child through ``record_measurement`` and compares). Rows go in with
``bulk_create``; primary keys come from the seeded generator, so one seed gives one database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from django.db import connection, transaction

from tumbuh import growth
from tumbuh.accounts.models import TpkTeam
from tumbuh.analytics.grouping import Period
from tumbuh.areas.models import Area, Posyandu, Puskesmas
from tumbuh.areas.services import load_areas
from tumbuh.lib import bulk
from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession, PregnancyCheck
from tumbuh.monitoring.services import DERIVED_FIELDS, FLAG_FIELDS, derive_history
from tumbuh.quality import summary as quality_summary
from tumbuh.registry.models import Child, Household, Person, Pregnancy

from . import places, users
from .plan import MONTHS, Plan, measurement_chunks, pregnancy_checks, stream

Progress = Callable[[str], None]

#: Rows per executemany call.
BULK_ROWS = 20_000


@dataclass
class BuildResult:
    counts: dict[str, int]
    seconds: float
    #: Share of children stunted (PB/U or TB/U below -2 SD) at their last length measurement.
    stunting_share: float
    stunting_by_kelurahan: dict[str, float]
    #: Share of measurements with a WHO implausibility flag.
    flagged_share: float
    #: Children registered and under five on the reference date.
    under_fives: int = 0
    users: list[users.DemoUser] = field(default_factory=list)


class Ids:
    """Primary keys drawn from the seeded generator, so one seed gives one database.

    They are UUIDs of version 7 (RFC 9562): a 48-bit millisecond timestamp, then random bits.
    The timestamps count up from the reference date, one millisecond per row, so keys are
    handed out in ascending order and every index on them (the primary key, and foreign keys
    such as a measurement's child) grows at its end instead of at random places: inserting a
    million measurements is several times faster than with random (version 4) keys.
    """

    def __init__(self, rng: np.random.Generator, *, start: dt.date):
        self._rng = rng
        self._next_ms = (start - dt.date(1970, 1, 1)).days * 86_400_000

    def take(self, n: int) -> list[uuid.UUID]:
        ms = np.arange(self._next_ms, self._next_ms + n, dtype=np.uint64)
        self._next_ms += n
        rand_a = self._rng.integers(0, 1 << 12, n, dtype=np.uint64)
        rand_b = self._rng.integers(0, 1 << 62, n, dtype=np.uint64)
        high = (ms << np.uint64(16)) | np.uint64(0x7000) | rand_a
        low = np.uint64(1 << 63) | rand_b  # variant 0b10
        pairs = zip(high.tolist(), low.tolist(), strict=True)
        return [uuid.UUID(int=(h << 64) | lo) for h, lo in pairs]


def build(plan: Plan, *, progress: Progress = lambda message: None) -> BuildResult:
    """Create the city in the (empty) database, in one transaction."""
    started = time.monotonic()
    ids = Ids(stream(plan.seed, "ids"), start=plan.as_of)
    counts: Counter = Counter()
    with _bulk_load_pragmas(), transaction.atomic():
        result = load_areas(places.CITY_CODE)
        progress(result.summary())
        kelurahan = [Area.objects.get(code=k.code) for k in plan.kelurahan]
        puskesmas = _puskesmas(ids)
        pos_ids, session_ids = _posyandu_and_sessions(plan, ids, kelurahan, puskesmas, counts)
        progress(
            f"Puskesmas {len(puskesmas)}, posyandu {counts['posyandu']}, "
            f"posyandu days {counts['posyandu days']:,}"
        )
        team_ids = _teams(plan, ids, kelurahan, counts)
        hh_ids, person_ids, child_ids = _registry(plan, ids, kelurahan, pos_ids, team_ids, counts)
        progress(
            f"Households {counts['households']:,}, people {counts['people']:,}, "
            f"children {counts['children']:,}"
        )
        demo_users = users.create_demo_users(
            kader_posyandu=Posyandu.objects.get(
                kelurahan_id=places.KADER_KELURAHAN, name=places.KADER_POSYANDU_NAME
            ),
            tpk_team=TpkTeam.objects.filter(kelurahan_id=places.KADER_KELURAHAN)
            .order_by("name")
            .first(),
            city=Area.objects.get(code=places.CITY_CODE),
        )
        counts["users"] = len(demo_users)
        cadre_ids = users.create_cadres(plan, pos_ids)
        counts["cadre accounts"] = len(cadre_ids)
        progress(f"Cadres {len(cadre_ids):,} (2-3 per posyandu, a few with bad habits)")
        stats = _measurements(plan, ids, child_ids, session_ids, cadre_ids, pos_ids, counts,
                              progress)  # fmt: skip
        _pregnancies(plan, ids, person_ids, pos_ids, session_ids, counts)
        progress(
            f"Pregnancies {counts['pregnancies']:,} with {counts['pregnancy checks']:,} checks"
        )
    with contextlib.suppress(Exception), connection.cursor() as cursor:
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    kel_names = [k.name for k in plan.kelurahan]
    return BuildResult(
        counts=dict(counts),
        seconds=time.monotonic() - started,
        stunting_share=stats["stunted"] / max(stats["judged"], 1),
        stunting_by_kelurahan={
            kel_names[k]: stats["stunted_by_kel"][k] / max(stats["judged_by_kel"][k], 1)
            for k in range(len(kel_names))
        },
        flagged_share=stats["flagged"] / max(counts["measurements"], 1),
        under_fives=plan.under_fives_on_as_of(),
        users=demo_users,
    )


@contextlib.contextmanager
def _bulk_load_pragmas():
    """On SQLite, outside any transaction: no fsync and a bigger cache while loading.

    ``synchronous=OFF`` only matters if the machine loses power during the load; the demo then
    starts over (``tumbuh demo --reset``). The previous values are restored afterwards.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache_size)}")


def _insert(model, n: int, columns: dict[str, Iterable]) -> None:
    """Insert ``n`` rows of ``model`` from columns named by attname (:mod:`tumbuh.lib.bulk`)."""
    bulk.insert_columns(model, n, columns)


def _puskesmas(ids: Ids) -> list[Puskesmas]:
    plans = places.PUSKESMAS
    streets = ("Jl. Mulawarman", "Jl. Soekarno-Hatta", "Jl. Ahmad Yani", "Jl. MT Haryono")
    kel_names = {k.code: k.name for k in places.KELURAHAN}
    rows = [
        Puskesmas(
            id=pk, name=p.name, kecamatan_id=p.kecamatan_code,
            address=f"{streets[i % len(streets)]} No. {10 + 7 * i}, {kel_names[p.catchment[0]]}",
        )
        for i, (pk, p) in enumerate(zip(ids.take(len(plans)), plans, strict=True))
    ]  # fmt: skip
    Puskesmas.objects.bulk_create(rows)
    through = Puskesmas.catchment.through
    through.objects.bulk_create(
        [through(puskesmas_id=row.id, area_id=code) for row, p in zip(rows, plans, strict=True)
         for code in p.catchment]
    )  # fmt: skip
    return rows


def _posyandu_and_sessions(plan, ids, kelurahan, puskesmas, counts):
    n_pos = len(plan.pos_kel)
    pos_ids = ids.take(n_pos)
    _insert(
        Posyandu, n_pos, {
            "id": pos_ids, "name": plan.pos_name,
            "puskesmas_id": [puskesmas[i].id for i in plan.pos_puskesmas],
            "kelurahan_id": [kelurahan[k].code for k in plan.pos_kel],
            "rt_rw": plan.pos_rt_rw, "address": plan.pos_address, "is_active": repeat(True),
        },
    )  # fmt: skip
    counts["posyandu"] = n_pos
    held = np.flatnonzero(plan.session_held.reshape(-1))
    session_ids: list[uuid.UUID | None] = [None] * plan.session_held.size
    new_ids = ids.take(len(held))
    for i, flat in enumerate(held):
        session_ids[flat] = new_ids[i]
    days = plan.session_day.reshape(-1)[held]
    _insert(
        PosyanduSession, len(held), {
            "id": new_ids, "posyandu_id": [pos_ids[f // MONTHS] for f in held],
            "date": [_date(d) for d in days], "notes": repeat(""),
        },
    )  # fmt: skip
    counts["posyandu days"] = len(held)
    return pos_ids, session_ids


def _teams(plan, ids, kelurahan, counts):
    team_ids = ids.take(len(plan.team_kel))
    TpkTeam.objects.bulk_create(
        [TpkTeam(id=pk, name=name, kelurahan_id=kelurahan[k].code)
         for pk, name, k in zip(team_ids, plan.team_name, plan.team_kel, strict=True)]
    )  # fmt: skip
    counts["TPK teams"] = len(team_ids)
    return team_ids


def _registry(plan, ids, kelurahan, pos_ids, team_ids, counts):
    n_hh = len(plan.hh_pos)
    hh_ids = ids.take(n_hh)
    _insert(
        Household, n_hh, {
            "id": hh_ids, "kk_number": plan.hh_kk, "head_name": plan.hh_head_name,
            "address": plan.hh_address, "rt": plan.hh_rt, "rw": plan.hh_rw,
            "kelurahan_id": [kelurahan[plan.pos_kel[p]].code for p in plan.hh_pos],
            "posyandu_id": [pos_ids[p] for p in plan.hh_pos], "phone": plan.hh_phone,
            "water_source": plan.hh_water, "sanitation": plan.hh_sanitation,
            "tpk_team_id": [team_ids[t] if t >= 0 else None for t in plan.hh_team],
        },
    )  # fmt: skip
    counts["households"] = n_hh

    n_people = len(plan.person_hh)
    person_ids = ids.take(n_people)
    _insert(
        Person, n_people, {
            "id": person_ids, "household_id": [hh_ids[h] for h in plan.person_hh],
            "name": plan.person_name, "nik": plan.person_nik, "sex": plan.person_sex.tolist(),
            "birth_date": [_date(d) for d in plan.person_birth_day], "phone": plan.person_phone,
        },
    )  # fmt: skip
    counts["people"] = n_people

    n = plan.n_children
    child_ids = ids.take(n)
    _insert(
        Child, n, {
            "id": child_ids, "name": plan.child_name, "nik": plan.child_nik,
            "sex": plan.child_sex.tolist(),
            "birth_date": [_date(d) for d in plan.child_birth_day],
            "household_id": [hh_ids[h] for h in plan.child_hh],
            "mother_id": [person_ids[m] for m in plan.child_mother],
            "posyandu_id": [pos_ids[p] for p in plan.child_pos],
            "birth_weight_kg": _nullable(plan.child_birth_weight_kg),
            "birth_length_cm": _nullable(plan.child_birth_length_cm),
            "has_kia_book": plan.child_has_kia_book.tolist(),
        },
    )  # fmt: skip
    counts["children"] = n
    return hh_ids, person_ids, child_ids


def _measurements(plan, ids, child_ids, session_ids, cadre_ids, pos_ids, counts, progress):
    stats: Counter = Counter()
    quality = []  # data-quality scorecard cells of each chunk (tumbuh.quality)
    n_kel = len(plan.kelurahan)
    stats["stunted_by_kel"] = np.zeros(n_kel)
    stats["judged_by_kel"] = np.zeros(n_kel)
    done_children = 0
    for chunk in measurement_chunks(plan):
        derived = derive_history(
            child_key=chunk.child, sex=chunk.sex, birth_date=chunk.birth_date,
            measured_on=chunk.measured_on, weight_kg=chunk.weight_kg,
            lenhei_cm=chunk.lenhei_cm, measure=chunk.measure, headc_cm=chunk.headc_cm,
            armc_cm=chunk.armc_cm, oedema=chunk.oedema,
        )  # fmt: skip
        k = len(chunk)
        columns = stored_derived_values(derived)
        columns.update({
            "id": ids.take(k), "child_id": [child_ids[c] for c in chunk.child],
            "session_id": [session_ids[s] for s in chunk.session],
            "measured_on": chunk.measured_on.tolist(),
            "weight_kg": _nullable(chunk.weight_kg), "lenhei_cm": _nullable(chunk.lenhei_cm),
            "measure": chunk.measure.tolist(), "headc_cm": _nullable(chunk.headc_cm),
            "armc_cm": _nullable(chunk.armc_cm), "oedema": chunk.oedema.tolist(),
            "warnings_confirmed": [bool(w) for w in derived["warnings"]],
            "created_by_id": [cadre_ids[c] for c in chunk.cadre],
        })  # fmt: skip
        _insert(ChildMeasurement, k, columns)
        quality.append(_scorecard_cells(plan, chunk, derived, cadre_ids))
        counts["measurements"] += k
        _tally(plan, chunk, derived, stats)
        done_children += plan.size.chunk_children
        progress(
            f"Measurements: {counts['measurements']:,} rows for "
            f"{min(done_children, plan.n_children):,} of {plan.n_children:,} children"
        )
    first_month = np.datetime64(_date(plan.window_start_day), "M").astype("datetime64[D]").item()
    period = Period(first_month, plan.as_of.replace(day=1))
    cells = quality_summary.Cells.merge(quality)
    cells.posyandu = np.asarray(pos_ids, dtype=object)[cells.posyandu.astype(np.int64)]
    counts["scorecard cells"] = quality_summary.store(cells, posyandu_ids=pos_ids, period=period)
    return stats


def _scorecard_cells(plan, chunk, derived, cadre_ids):
    """The data-quality scorecard cells of a chunk's rows, from the arrays in memory (what
    :func:`tumbuh.quality.summary.cells_from` would read back from the rows: a test compares).
    Stored once for the whole city, so the scorecard's first page needs no rebuild."""
    counted = derived["counts_for_month"] & (derived["age_days"] <= quality_summary.MAX_AGE_DAYS)
    rows = np.flatnonzero(counted)
    warnings = derived["warnings"]
    warned = rows[np.fromiter((bool(warnings[i]) for i in rows), bool, len(rows))]
    jumps = {}
    for key in ("jump_zwei", "jump_zlen", "length_shrank"):
        hit = np.zeros(len(derived["zwei"]), bool)
        hit[[i for i in warned if key in warnings[i]]] = True
        jumps[key] = hit[rows]
    return quality_summary.Cells.from_arrays(
        posyandu=plan.child_pos[chunk.child[rows]],  # posyandu index; pks once merged
        cadre=np.asarray(cadre_ids, dtype=np.int64)[chunk.cadre[rows]],
        month=chunk.measured_on[rows].astype("datetime64[M]"),
        weight_kg=chunk.weight_kg[rows], lenhei_cm=chunk.lenhei_cm[rows],
        zlen=derived["zlen"][rows], zwei=derived["zwei"][rows], zwfl=derived["zwfl"][rows],
        flen=derived["flen"][rows], fwei=derived["fwei"][rows], fwfl=derived["fwfl"][rows],
        birth_date=chunk.birth_date[rows], **jumps,
    )  # fmt: skip


def stored_derived_values(derived: dict[str, np.ndarray]) -> dict[str, list]:
    """The derived columns as :func:`tumbuh.monitoring.services` stores them (``_apply``):
    NaN becomes NULL, flags become booleans, counts become integers."""
    columns: dict[str, list] = {}
    for name in DERIVED_FIELDS:
        values = derived[name]
        if name == "warnings":
            columns[name] = [list(w) for w in values]
        elif name in FLAG_FIELDS:
            columns[name] = [None if x != x else bool(x) for x in values.tolist()]
        elif name in ("gain_g", "kbm_g", "age_months"):
            columns[name] = [None if x != x else int(x) for x in values.tolist()]
        elif values.dtype.kind == "f":
            columns[name] = _nullable(values)
        else:
            columns[name] = values.tolist()
    return columns


def _tally(plan, chunk, derived, stats) -> None:
    flags = np.vstack([derived[f] for f in FLAG_FIELDS])
    stats["flagged"] += int((np.nan_to_num(flags) == 1).any(axis=0).sum())
    has_length = ~np.isnan(derived["zlen"]) & (derived["flen"] == 0)
    rows = np.flatnonzero(has_length)
    if not len(rows):
        return
    child = chunk.child[rows]
    last = np.ones(len(rows), bool)
    last[:-1] = child[1:] != child[:-1]
    rows = rows[last]
    stunted = np.isin(derived["status_tbu"][rows], ("pendek", "sangat_pendek"))
    kel = plan.pos_kel[plan.child_pos[chunk.child[rows]]]
    stats["judged"] += len(rows)
    stats["stunted"] += int(stunted.sum())
    np.add.at(stats["judged_by_kel"], kel, 1)
    np.add.at(stats["stunted_by_kel"], kel, stunted)


def _pregnancies(plan, ids, person_ids, pos_ids, session_ids, counts):
    g = len(plan.preg_pos)
    preg_ids = ids.take(g)
    hpht = [_date(d) for d in plan.preg_hpht_day]
    _insert(
        Pregnancy, g, {
            "id": preg_ids, "woman_id": [person_ids[w] for w in plan.preg_woman],
            "posyandu_id": [pos_ids[p] for p in plan.preg_pos], "hpht": hpht,
            "hpl": [d + dt.timedelta(days=280) for d in hpht],  # as Pregnancy.save() sets it
            "gravida": plan.preg_gravida.tolist(), "para": plan.preg_para.tolist(),
            "abortus": plan.preg_abortus.tolist(),
            "pre_pregnancy_weight_kg": _nullable(plan.preg_pre_weight_kg),
            "height_cm": _nullable(plan.preg_height_cm), "ended_on": repeat(None),
        },
    )  # fmt: skip
    counts["pregnancies"] = g

    checks = pregnancy_checks(plan)
    k = len(checks)
    stored = stored_check_values(
        checked_on=checks.checked_on,
        hpht=plan.preg_hpht_day[checks.pregnancy].astype("datetime64[D]"),
        weight_kg=checks.weight_kg,
        height_cm=checks.height_cm,
        muac_cm=checks.muac_cm,
        hb_g_dl=checks.hb_g_dl,
        pregnancy_height_cm=plan.preg_height_cm[checks.pregnancy],
        pre_pregnancy_weight_kg=plan.preg_pre_weight_kg[checks.pregnancy],
    )
    _insert(
        PregnancyCheck, k, {
            "id": ids.take(k), "pregnancy_id": [preg_ids[i] for i in checks.pregnancy],
            "session_id": [session_ids[s] for s in checks.session],
            "checked_on": checks.checked_on.tolist(),
            "weight_kg": _nullable(checks.weight_kg), "height_cm": _nullable(checks.height_cm),
            "muac_cm": _nullable(checks.muac_cm), "hb_g_dl": _nullable(checks.hb_g_dl),
            **stored,
        },
    )  # fmt: skip
    counts["pregnancy checks"] = k


def stored_check_values(
    *, checked_on, hpht, weight_kg, height_cm, muac_cm, hb_g_dl, pregnancy_height_cm,
    pre_pregnancy_weight_kg,
) -> dict[str, list]:  # fmt: skip
    """What ``record_pregnancy_check`` derives and stores, for many checks at once: the height
    of the check or else of the pregnancy, weeks since HPHT, BMI before pregnancy when known."""
    height = np.where(np.isnan(height_cm), pregnancy_height_cm, height_cm)
    weeks = (checked_on - hpht).astype(np.int64) / 7
    pre_bmi = pre_pregnancy_weight_kg / (pregnancy_height_cm / 100) ** 2
    status = growth.pregnancy_status(
        muac_cm=muac_cm, hb_g_dl=hb_g_dl, weight_kg=weight_kg, height_cm=height,
        gestational_weeks=weeks, pre_pregnancy_bmi=pre_bmi,
    )  # fmt: skip

    def flag(key):
        return [None if x != x else bool(x) for x in status[key].tolist()]

    return {
        "gestational_weeks": [round(w, 1) for w in weeks.tolist()],
        "bmi": _nullable(status["bmi"]),
        "risiko_kek": flag("risiko_kek"),
        "kek": flag("kek"),
        "anemia": flag("anemia"),
        "method_version": [growth.METHOD_VERSION] * len(weeks),
    }


def _nullable(values: np.ndarray) -> list:
    return [None if x != x else x for x in values.tolist()]


def _date(day) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
