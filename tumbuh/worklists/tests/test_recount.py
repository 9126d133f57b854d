"""Every reason against a direct recount: a random population of children and pregnant women
on both sides of the test cast, counted again here in plain Python from the stored rows, for
every role, with and without a posyandu chosen, before and after follow-ups."""

import datetime as dt
import random
import uuid

import numpy as np
import pytest

from tumbuh.monitoring.charts import sd_curves
from tumbuh.monitoring.models import ChildMeasurement, PregnancyCheck
from tumbuh.monitoring.services import record_pregnancy_check
from tumbuh.registry.models import Child, Person, Pregnancy
from tumbuh.worklists import config, services
from tumbuh.worklists.models import Action, FollowUp, Reason
from tumbuh.worklists.tests.conftest import TODAY, months_ago, new_child, new_household, weigh

STUNTED = ("pendek", "sangat_pendek")
CFG = config.current()


def value_at(sex: str, code: str, age_days: int, z: float) -> float:
    """The weight or length at ``z`` for the age (interpolated between the WHO SD lines)."""
    curves = sd_curves(sex, code)
    ks = sorted(curves.sd)
    at = [float(np.interp(age_days / 30.4375, curves.x, curves.sd[k])) for k in ks]
    if z < ks[0]:  # beyond -3 SD: extend the last band
        return at[0] - (ks[0] - z) * (at[1] - at[0]) / (ks[1] - ks[0])
    return float(np.interp(z, ks, at))


def build_population(cast, seed: int, n_children: int = 36):
    rng = random.Random(seed)
    hh_a1_free = new_household(cast, posyandu=cast.pos_a1, kel=cast.kel_a, key="A1b")
    households = [cast.hh_a1, hh_a1_free, cast.hh_a2, cast.hh_b1]
    for i in range(n_children):
        hh = rng.choice(households)
        child = new_child(cast, household=hh, age_days=rng.randint(20, 1900),
                          sex=rng.choice("MF"), name=f"Anak R{i:02d}")  # fmt: skip
        profile = rng.choice(["normal", "short", "thin", "flat", "shrinking"])
        wz = {"thin": -3.3, "flat": -1.0}.get(profile, rng.gauss(-0.5, 1.0))
        lz = {"short": -2.6, "shrinking": -1.4}.get(profile, rng.gauss(-0.3, 0.8))
        weight = None
        for ago in range(6, -1, -1):
            if rng.random() < 0.3:
                continue
            day = months_ago(ago, rng.randint(1, TODAY.day if ago == 0 else 28))
            age = (day - child.birth_date).days
            if age < 0 or age > 1900:
                continue
            if profile == "flat" and weight is not None:
                pass  # the same weight again: T, then 2T
            else:
                weight = round(value_at(child.sex, "wfa", age, wz + rng.gauss(0, 0.3)), 1)
            if profile == "shrinking":
                lz -= 0.35  # faltering in length: stunted at some visit
            length = None
            if rng.random() < 0.7:
                length = round(value_at(child.sex, "lhfa", age, lz + rng.gauss(0, 0.2)), 1)
            has_weight = length is None or rng.random() < 0.93
            weigh(child, day, weight if has_weight else None, length,
                  oedema=profile == "thin" and rng.random() < 0.2)  # fmt: skip
            if rng.random() < 0.15:  # a second visit in the same month
                later = min(day + dt.timedelta(days=rng.randint(1, 5)), TODAY)
                if later.month == day.month and later != day:
                    weigh(child, later, weight, None)
    # a duplicate that was merged: never on a list
    merged = new_child(cast, household=cast.hh_a1, age_days=300, name="Anak Ganda")
    merged.merged_into = cast.child_a1
    merged.save()
    # pregnant women
    for i in range(14):
        hh = rng.choice(households)
        woman = Person.objects.create(household=hh, name=f"Ibu R{i:02d}", sex="F",
                                      birth_date=dt.date(1996, 1, 1))  # fmt: skip
        hpht = TODAY - dt.timedelta(days=rng.choice([40, 100, 160, 250, 330]))
        pregnancy = Pregnancy.objects.create(
            woman=woman, posyandu=hh.posyandu, hpht=hpht, height_cm=152,
            pre_pregnancy_weight_kg=rng.choice([None, 40, 55]),
            ended_on=TODAY - dt.timedelta(days=3) if rng.random() < 0.15 else None,
        )  # fmt: skip
        for ago in (3, 2, 1, 0):
            day = months_ago(ago, rng.randint(1, TODAY.day if ago == 0 else 28))
            if day <= hpht or rng.random() < 0.35:
                continue
            record_pregnancy_check(
                pregnancy=pregnancy, checked_on=day,
                muac_cm=rng.choice([None, 21.5, 23.0, 25.0, 27.0]),
                hb_g_dl=rng.choice([None, 9.5, 10.8, 11.5, 12.5]),
                weight_kg=rng.choice([44.0, 50.0]),
            )  # fmt: skip


# --- the recount: plain Python over the stored rows -------------------------------------------


def first_of_window(reason: str) -> dt.date:
    first = TODAY.replace(day=1)
    for _ in range(CFG.window_months[reason] - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def child_in_scope(username, cast, child) -> bool:
    return {
        "kader_a": lambda: child.posyandu_id == cast.pos_a1.pk,
        "kader_b": lambda: child.posyandu_id == cast.pos_b1.pk,
        "bidan_a": lambda: child.posyandu.puskesmas_id == cast.pkm_a.pk,
        "tpk_a": lambda: child.household.tpk_team_id == cast.team_a.pk,
        "analyst": lambda: child.household.kelurahan_id.startswith("64.71."),
        "analyst_other_city": lambda: False,
        "admin": lambda: True,
    }[username]()


def pregnancy_in_scope(username, cast, p) -> bool:
    return {
        "kader_a": lambda: p.posyandu_id == cast.pos_a1.pk,
        "kader_b": lambda: p.posyandu_id == cast.pos_b1.pk,
        "bidan_a": lambda: p.posyandu.puskesmas_id == cast.pkm_a.pk,
        "tpk_a": lambda: p.woman.household.tpk_team_id == cast.team_a.pk,
        "analyst": lambda: p.woman.household.kelurahan_id.startswith("64.71."),
        "analyst_other_city": lambda: False,
        "admin": lambda: True,
    }[username]()


def recount(username, cast, posyandu=None) -> dict[str, set]:
    """The open items of every reason: trigger pks (the child's pk for not weighed)."""
    out = {r: set() for r in Reason.values}
    month = TODAY.replace(day=1)
    rows_of = {}
    for m in ChildMeasurement.objects.order_by("measured_on"):
        rows_of.setdefault(m.child_id, []).append(m)
    for child in Child.objects.select_related("household", "posyandu"):
        if child.merged_into_id or not child_in_scope(username, cast, child):
            continue
        if posyandu is not None and child.posyandu_id != posyandu.pk:
            continue
        rows = rows_of.get(child.pk, [])
        counted = [r for r in rows if r.counts_for_month]
        if 0 <= (TODAY - child.birth_date).days <= 1826 and not any(
            r.measured_on >= month and r.weight_kg is not None for r in rows
        ):
            out[Reason.NOT_WEIGHED].add(child.pk)

        def window(reason, keep, counted=counted):
            return [r for r in counted if r.measured_on >= first_of_window(reason) and keep(r)]

        wasting = window(Reason.SEVERE_WASTING, lambda r: r.status_bbtb != "" or r.oedema)
        if wasting and (wasting[-1].status_bbtb == "gizi_buruk" or wasting[-1].oedema):
            out[Reason.SEVERE_WASTING].add(wasting[-1].pk)
        weighed = window(Reason.BGM, lambda r: r.weight_kg is not None)
        if weighed and weighed[-1].is_bgm:
            out[Reason.BGM].add(weighed[-1].pk)
        weighed = window(Reason.FALTERING_2T, lambda r: r.weight_kg is not None)
        if weighed and weighed[-1].is_2t:
            out[Reason.FALTERING_2T].add(weighed[-1].pk)
        stunted = [r for r in counted if r.status_tbu in STUNTED]
        measured = [r for r in counted if r.status_tbu]
        if (stunted and stunted[0].measured_on >= first_of_window(Reason.NEW_STUNTING)
                and measured[-1].status_tbu in STUNTED):  # fmt: skip
            out[Reason.NEW_STUNTING].add(stunted[0].pk)
    checks_of = {}
    for c in PregnancyCheck.objects.order_by("checked_on"):
        checks_of.setdefault(c.pregnancy_id, []).append(c)
    for p in Pregnancy.objects.select_related("woman__household", "posyandu"):
        if not pregnancy_in_scope(username, cast, p) or p.ended_on is not None:
            continue
        if posyandu is not None and p.posyandu_id != posyandu.pk:
            continue
        if not (TODAY - dt.timedelta(days=308) < p.hpht <= TODAY):
            continue
        checks = checks_of.get(p.pk, [])
        kek = [c for c in checks if c.checked_on >= first_of_window(Reason.KEK)
               and (c.kek is not None or c.risiko_kek is not None)]  # fmt: skip
        if kek and (kek[-1].kek or kek[-1].risiko_kek):
            out[Reason.KEK].add(kek[-1].pk)
        anaemia = [c for c in checks if c.checked_on >= first_of_window(Reason.ANAEMIA)
                   and c.anemia is not None]  # fmt: skip
        if anaemia and anaemia[-1].anemia:
            out[Reason.ANAEMIA].add(anaemia[-1].pk)
    for f in FollowUp.objects.all():
        if f.reason == Reason.NOT_WEIGHED and f.month == month:
            out[f.reason].discard(f.child_id)
        else:
            out[f.reason].discard(f.measurement_id or f.pregnancy_check_id)
    return out


USERS = ["kader_a", "kader_b", "bidan_a", "tpk_a", "analyst", "analyst_other_city", "admin"]


def check_against_recount(cast, username, posyandu=None):
    user = getattr(cast, username)
    q = services.Query(user=user, today=TODAY, config=CFG)
    expected = recount(username, cast, posyandu)
    reasons = list(Reason.values)
    snap = services.snapshot(q, reasons, posyandu_id=posyandu.pk if posyandu else None)
    for reason in reasons:
        rows = services.open_rows(q, reason, posyandu_id=posyandu.pk if posyandu else None)
        got = set(rows.values_list("pk", flat=True))
        assert got == expected[reason], (username, reason)
        assert snap.counts[reason] == len(expected[reason]), (username, reason)
        if reason != Reason.NOT_WEIGHED:
            keys = [uuid.UUID(k) for k in snap.keys[reason]]
            assert set(keys) == expected[reason], (username, reason)
            ordered = list(services.open_items(q, reason,
                                               posyandu_id=posyandu.pk if posyandu else None))
            assert [r.pk for r in ordered] == keys, (username, reason)
    assert sum(snap.by_posyandu.values()) == len(expected[Reason.NOT_WEIGHED])
    return expected


@pytest.mark.parametrize("seed", [1, 2])
def test_every_reason_matches_a_direct_recount_for_every_role(cast, seed):
    build_population(cast, seed)
    totals = {}
    for username in USERS:
        expected = check_against_recount(cast, username)
        totals[username] = {r: len(v) for r, v in expected.items()}
    for posyandu in (cast.pos_a1, cast.pos_a2):
        check_against_recount(cast, "bidan_a", posyandu)
        check_against_recount(cast, "admin", posyandu)  # the per-child not-weighed lookup
    # the population exercises every reason, and the scopes differ
    assert all(totals["admin"][r] > 0 for r in Reason.values), totals["admin"]
    assert totals["kader_a"][Reason.NOT_WEIGHED] < totals["bidan_a"][Reason.NOT_WEIGHED]
    assert totals["analyst_other_city"] == {r: 0 for r in Reason.values}


def test_follow_ups_leave_the_recount_too(cast):
    build_population(cast, 3)
    admin = services.Query(user=cast.admin, today=TODAY, config=CFG)
    for reason in Reason.values:
        for pk in list(services.open_rows(admin, reason).values_list("pk", flat=True))[:2]:
            item = services.find_item(admin, reason, pk)
            follow_up, created = services.record_follow_up(admin, item, action=Action.VISITED)
            assert created and follow_up.reason == reason
    assert FollowUp.objects.count() >= 2 * len(Reason.values) - 2
    for username in ("bidan_a", "tpk_a", "admin"):
        check_against_recount(cast, username)
