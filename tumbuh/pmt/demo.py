"""PMT records for the demo city (``tumbuh demo``; docs/demo.md).

Reads the generated city and enrols, over the last 15 months, a share of the children whose
counted weighing made them eligible under the rule set (wasted, underweight, no weight gain)
and of the pregnant women with KEK or at risk of KEK, as a bidan would have done a few days
after the posyandu; then logs each day's food with a per-person adherence, a complete meal one
day a week, a few early drop-outs, the unit costs of each year, and closes what is due through
:func:`tumbuh.pmt.services.close_due`, so every outcome is the rule set's judgement of the
generated measurements. Deterministic for a seed and a reference date.
"""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
from django.db import transaction
from django.db.models import Q

from tumbuh.accounts.models import Role, User
from tumbuh.lib import bulk
from tumbuh.lib.dates import months_before
from tumbuh.monitoring.models import ChildMeasurement, PregnancyCheck

from . import config as pmt_config
from . import services
from .models import Delivery, Enrolment, Funding, Group, Outcome, Reason, UnitCost

SEED_OFFSET = 501
MONTHS_BACK = 15
#: share of the eligible who are enrolled, by reason (the budget does not reach everyone, and
#: a T child often gains again by the next weighing without PMT)
#: (about one under-five in six a year, as in Balikpapan's 7,133 of some 60,000 in 2025)
ENROL_SHARE = {Reason.GIZI_KURANG: 0.27, Reason.BB_KURANG: 0.09, Reason.TIDAK_NAIK: 0.018,
               Reason.KEK: 0.85, Reason.RISIKO_KEK: 0.85}  # fmt: skip
FUNDING = ([Funding.APBD, Funding.DAK_BOK, Funding.CSR, Funding.BAAS],
           [0.78, 0.1, 0.08, 0.04])  # fmt: skip
#: demo unit costs per day (Rp): a snack most days, a complete meal once a week
UNIT_COSTS = {Group.CHILD: 15_000, Group.PREGNANT: 20_000}
DROP_OUT_SHARE = 0.03


def _child_rows(since: dt.date, as_of: dt.date, rules) -> list[tuple]:
    low, high = rules.child_min_age_months, rules.child_max_age_months
    return list(
        ChildMeasurement.objects.filter(
            measured_on__gte=since, measured_on__lte=as_of, counts_for_month=True,
            child__merged_into__isnull=True, age_months__gte=low, age_months__lte=high,
            weight_kg__isnull=False,
        )
        .filter(Q(status_bbtb="gizi_kurang") | Q(status_bbu="kurang") | Q(growth_status="T"))
        .exclude(status_bbtb="gizi_buruk").exclude(oedema=True)
        .exclude(fwfl=True).exclude(fwei=True)
        .order_by("child_id", "measured_on")
        .values_list("pk", "child_id", "measured_on", "status_bbtb", "status_bbu",
                     "growth_status", "weight_kg", "zwei", "zwfl", "zlen", "armc_cm",
                     "child__household_id", "child__posyandu_id")
    )  # fmt: skip


def _check_rows(since: dt.date, as_of: dt.date) -> list[tuple]:
    return list(
        PregnancyCheck.objects.filter(checked_on__gte=since, checked_on__lte=as_of)
        .filter(Q(kek=True) | Q(risiko_kek=True))
        .order_by("pregnancy_id", "checked_on")
        .values_list("pk", "pregnancy_id", "checked_on", "kek", "weight_kg", "muac_cm",
                     "pregnancy__woman__household_id", "pregnancy__posyandu_id")
    )  # fmt: skip


def _people(posyandu_ids) -> tuple[dict, dict, int | None]:
    """posyandu -> cadre user ids; puskesmas -> a bidan's id; an administrator's id."""
    cadres: dict = {}
    for user_id, posyandu_id in User.posyandu.through.objects.filter(
        user__role=Role.KADER, posyandu_id__in=posyandu_ids
    ).values_list("user_id", "posyandu_id"):
        cadres.setdefault(posyandu_id, []).append(user_id)
    bidan = dict(
        User.objects.filter(role=Role.BIDAN, puskesmas__isnull=False)
        .order_by("pk").values_list("puskesmas_id", "pk")
    )  # fmt: skip
    admin = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk")
    return cadres, bidan, admin.values_list("pk", flat=True).first()


def populate(*, seed: int, as_of: dt.date, progress=lambda message: None) -> dict[str, int]:
    rng = np.random.default_rng(seed + SEED_OFFSET)
    rules = pmt_config.rules()
    since = months_before(as_of, MONTHS_BACK)
    child_rows = _child_rows(since, as_of, rules)
    check_rows = _check_rows(since, as_of)
    from tumbuh.areas.models import Posyandu

    puskesmas_of = dict(Posyandu.objects.values_list("pk", "puskesmas_id"))
    cadres, bidan, admin_id = _people(list(puskesmas_of))
    enrolments: list[Enrolment] = []
    child_order = [r.code for r in rules.reasons[Group.CHILD]]

    def enrolled_by(posyandu_id):
        return bidan.get(puskesmas_of.get(posyandu_id), admin_id)

    last_end: dict = {}
    for (pk, child_id, day, bbtb, bbu, gs, weight, waz, whz, haz, muac, hh,
         pos) in child_rows:  # fmt: skip
        met = {Reason.GIZI_KURANG: bbtb == "gizi_kurang", Reason.BB_KURANG: bbu == "kurang",
               Reason.TIDAK_NAIK: gs == "T"}  # fmt: skip
        reason = next((c for c in child_order if met[c]), None)
        if reason is None or child_id in last_end and day <= last_end[child_id]:
            continue
        if rng.random() >= ENROL_SHARE[reason]:
            continue
        start = min(day + dt.timedelta(days=int(rng.integers(1, 6))), as_of)
        days = rules.days(reason)
        end = start + dt.timedelta(days=days - 1)
        last_end[child_id] = end
        enrolments.append(Enrolment(
            id=uuid.UUID(bytes=rng.bytes(16), version=4), group=Group.CHILD, child_id=child_id,
            household_id=hh, posyandu_id=pos, reason=reason, rule_version=rules.version,
            planned_days=days, started_on=start, planned_end=end,
            funding=rng.choice(FUNDING[0], p=FUNDING[1]), start_measurement_id=pk,
            start_on=day, start_weight_kg=weight, start_waz=waz, start_whz=whz, start_haz=haz,
            start_muac_cm=muac, enrolled_by_id=enrolled_by(pos),
        ))  # fmt: skip
    seen_pregnancies = set()
    for pk, preg_id, day, kek, weight, muac, hh, pos in check_rows:
        if preg_id in seen_pregnancies:
            continue
        reason = Reason.KEK if kek else Reason.RISIKO_KEK
        if rng.random() >= ENROL_SHARE[reason]:
            continue
        seen_pregnancies.add(preg_id)
        start = min(day + dt.timedelta(days=int(rng.integers(1, 8))), as_of)
        days = rules.days(reason)
        enrolments.append(Enrolment(
            id=uuid.UUID(bytes=rng.bytes(16), version=4), group=Group.PREGNANT,
            pregnancy_id=preg_id, household_id=hh, posyandu_id=pos, reason=reason,
            rule_version=rules.version, planned_days=days, started_on=start,
            planned_end=start + dt.timedelta(days=days - 1), funding=Funding.APBD,
            start_check_id=pk, start_on=day, start_weight_kg=weight, start_muac_cm=muac,
            enrolled_by_id=enrolled_by(pos),
        ))  # fmt: skip
    deliveries, dropped = _deliveries(enrolments, cadres, as_of, rng)
    dropped_on = {e.pk: day for e, day in dropped}
    # One open enrolment per person at a time (a database constraint): write each person's
    # first enrolments, close what is due, then the second ones, and so on.
    waves: dict[int, list[Enrolment]] = {}
    rank: dict = {}
    for e in enrolments:
        person = e.child_id or e.pregnancy_id
        rank[person] = rank.get(person, -1) + 1
        waves.setdefault(rank[person], []).append(e)
    closed = logged = 0
    with transaction.atomic():
        years = range(since.year, as_of.year + 1)
        UnitCost.objects.bulk_create(
            [UnitCost(year=y, group=g, cost_per_day_idr=c, note="demo")
             for y in years for g, c in UNIT_COSTS.items()],
            ignore_conflicts=True,
        )  # fmt: skip
        for wave in (waves[k] for k in sorted(waves)):
            for e in wave:
                if e.pk in dropped_on:
                    e.closed_on, e.outcome = dropped_on[e.pk], Outcome.DROPPED_OUT
                    e.closed_by_id = e.enrolled_by_id
                    e.days_delivered = sum(1 for x in deliveries[e.pk][1] if x != "missed")
            Enrolment.objects.bulk_create(wave, batch_size=1000)
            logged += _insert_deliveries(wave, deliveries)
            closed += services.close_due(as_of, rules=rules)
    progress(f"PMT: {len(enrolments):,} enrolments, {logged:,} days logged, "
             f"{closed:,} closed at their end, {len(dropped):,} dropped out")  # fmt: skip
    return {"pmt_enrolments": len(enrolments), "pmt_deliveries": logged,
            "pmt_closed": closed + len(dropped)}  # fmt: skip


def _deliveries(enrolments, cadres, as_of, rng):
    """Each enrolment's days up to yesterday: delivered with the person's adherence (mostly
    high), a complete meal every seventh day, missed days with a reason; a few drop out.
    Returns (enrolment id -> (days, statuses, reasons, recorder)), [(enrolment, last day)]."""
    missed_reasons = np.array([m.value for m in Delivery.Missed])
    missed_p = [0.45, 0.3, 0.1, 0.1, 0.05]
    rows, dropped = {}, []
    yesterday = as_of - dt.timedelta(days=1)
    for e in enrolments:
        last = min(e.planned_end, yesterday)
        n = (last - e.started_on).days + 1
        if n <= 0:
            continue
        if n > 7 and rng.random() < DROP_OUT_SHARE:
            n = int(rng.integers(3, n // 2 + 3))
            dropped.append((e, e.started_on + dt.timedelta(days=n - 1)))
        delivered = rng.random(n) < rng.beta(12, 1.5)
        index = np.arange(n)
        status = np.where(delivered, np.where(index % 7 == 6, "meal", "snack"), "missed")
        reason = np.where(delivered, "", rng.choice(missed_reasons, size=n, p=missed_p))
        recorders = cadres.get(e.posyandu_id) or [None]
        days = [e.started_on + dt.timedelta(days=i) for i in range(n)]
        rows[e.pk] = (days, status.tolist(), reason.tolist(),
                      recorders[int(rng.integers(len(recorders)))])  # fmt: skip
    return rows, dropped


def _insert_deliveries(wave, rows) -> int:
    ids, days, statuses, reasons, recorders = [], [], [], [], []
    for e in wave:
        if e.pk not in rows:
            continue
        d, s, r, who = rows[e.pk]
        ids += [e.pk] * len(d)
        days += d
        statuses += s
        reasons += r
        recorders += [who] * len(d)
    bulk.insert_columns(Delivery, len(ids), {
        "enrolment_id": ids, "day": days, "status": statuses, "missed_reason": reasons,
        "recorded_by_id": recorders,
    })  # fmt: skip
    return len(ids)
