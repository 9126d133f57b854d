"""The synthetic city's model, without a database: sizes, shapes and realism of ``small``.

Realism bands are wide enough for any seed (``small`` has ~2,000 children measured) and narrow
enough to catch a model that drifts: stunting ~20%, low birth weight 6-10%, participation
75-90% by posyandu, about 0.5% implausible entries.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tumbuh import growth
from tumbuh.registry import nik as nik_rules
from tumbuh.tools.synthetic import places
from tumbuh.tools.synthetic.plan import (
    MAX_AGE_DAYS,
    MONTHS,
    SIZES,
    _posyandu_and_sessions,
    _weekday,
    make_plan,
    measurement_chunks,
)

AS_OF = dt.date(2025, 6, 15)


@pytest.fixture(scope="module")
def small():
    plan = make_plan(SIZES["small"], seed=2025, as_of=AS_OF)
    chunks = list(measurement_chunks(plan))
    rows = {name: np.concatenate([getattr(c, name) for c in chunks]) for name in (
        "child", "session", "measured_on", "birth_date", "sex", "weight_kg", "lenhei_cm",
        "measure", "headc_cm", "armc_cm", "slip", "cadre", "swapped")}  # fmt: skip
    age = (rows["measured_on"] - rows["birth_date"]).astype(float)
    z = growth.anthro_zscores(
        np.where(rows["sex"] == "M", 1, 2), age, weight_kg=rows["weight_kg"],
        lenhei_cm=rows["lenhei_cm"], measure=rows["measure"], headc_cm=rows["headc_cm"],
        armc_cm=rows["armc_cm"],
    )  # fmt: skip
    return plan, rows, z


def test_the_same_seed_draws_the_same_plan():
    one = make_plan(SIZES["tiny"], seed=3, as_of=AS_OF)
    two = make_plan(SIZES["tiny"], seed=3, as_of=AS_OF)
    other = make_plan(SIZES["tiny"], seed=4, as_of=AS_OF)
    assert one.child_name == two.child_name and one.person_nik == two.person_nik
    np.testing.assert_array_equal(one.child_birth_day, two.child_birth_day)
    a, b = next(measurement_chunks(one)), next(measurement_chunks(two))
    np.testing.assert_array_equal(a.weight_kg, b.weight_kg)
    assert one.child_name != other.child_name


def test_small_has_two_posyandu_per_kelurahan_and_about_2000_under_fives(small):
    plan, rows, _ = small
    assert len(plan.pos_kel) == 68
    assert np.all(np.bincount(plan.pos_kel) == 2)
    assert 1800 <= plan.under_fives_on_as_of() <= 2300
    assert 2000 <= plan.n_children <= 3300  # with those who turned five or moved away
    assert len(plan.preg_pos) > 50


def test_the_city_spreads_about_500_posyandu_over_the_kelurahan_by_size():
    plan = _posyandu_and_sessions(SIZES["city"], 2025, AS_OF)
    per_kel = np.bincount(plan.pos_kel)
    assert 495 <= len(plan.pos_kel) <= 510
    assert per_kel.min() >= 5
    weights = np.array([k.weight for k in places.KELURAHAN])
    assert per_kel[np.argmax(weights)] > 2 * per_kel[np.argmin(weights)]


def test_each_posyandu_opens_on_its_own_weekday_once_a_month():
    plan = _posyandu_and_sessions(SIZES["small"], 2025, AS_OF)
    weekdays = _weekday(plan.session_day)
    assert np.all(weekdays == weekdays[:, :1])
    assert np.all(weekdays < 6)  # never on Sunday
    months = plan.session_day.astype("datetime64[D]").astype("datetime64[M]")
    assert np.all(np.diff(months.astype(int), axis=1) == 1)
    assert months[0, -1] == np.datetime64(AS_OF, "M")
    assert plan.session_day.shape == (68, MONTHS)
    assert not plan.session_held[plan.session_day > (AS_OF - dt.date(1970, 1, 1)).days].any()
    assert plan.session_held.mean() > 0.9


def test_about_a_fifth_of_children_are_stunted_and_more_so_in_poorer_kelurahan(small):
    plan, rows, z = small
    valid = np.flatnonzero(~np.isnan(z["zlen"]) & (z["flen"] == 0))
    child = rows["child"][valid]
    last = valid[np.append(child[1:] != child[:-1], True)]
    stunted = z["zlen"][last] < -2
    assert 0.17 <= stunted.mean() <= 0.24
    kel = plan.pos_kel[plan.child_pos[rows["child"][last]]]
    shares = np.array([stunted[kel == k].mean() for k in range(34)])
    assert shares.min() < 0.14 and shares.max() > 0.27
    disadvantage = np.array([k.disadvantage for k in places.KELURAHAN])
    assert np.corrcoef(disadvantage, shares)[0, 1] > 0.5


def test_birth_size_is_realistic(small):
    plan, _, _ = small
    weight = plan.child_birth_weight_kg[~np.isnan(plan.child_birth_weight_kg)]
    assert 0.05 <= (weight < 2.5).mean() <= 0.10  # BBLR
    assert 3.0 <= np.median(weight) <= 3.3
    length = plan.child_birth_length_cm[~np.isnan(plan.child_birth_length_cm)]
    assert 48 <= np.median(length) <= 50


def test_posyandu_participation_is_75_to_90_percent_with_missed_months(small):
    plan, rows, _ = small
    as_of_day = (AS_OF - dt.date(1970, 1, 1)).days
    day = plan.session_day[plan.child_pos]
    age = day - plan.child_birth_day[:, None]
    living_here = (day >= plan.child_start_day[:, None]) & (day < plan.child_end_day[:, None])
    eligible = plan.session_held[plan.child_pos] & living_here & (age >= 14)
    eligible &= age < MAX_AGE_DAYS
    expected = np.bincount(np.repeat(plan.child_pos, MONTHS)[eligible.ravel()], minlength=68)
    came = np.bincount(rows["session"] // MONTHS, minlength=68)
    participation = came / expected
    # Each posyandu's own rate is drawn from 75-90%; what a posyandu of 10-60 children
    # realises around it varies with its children's ages and habits.
    assert 0.75 <= np.median(participation) <= 0.9
    assert 0.65 <= participation.min() and participation.max() <= 0.95
    assert np.corrcoef(plan.pos_participation, participation)[0, 1] > 0.5
    assert 0.78 <= came.sum() / expected.sum() <= 0.9
    assert as_of_day >= rows["measured_on"].astype(int).max()
    assert (age[eligible] < MAX_AGE_DAYS).all()


def test_about_half_a_percent_of_entries_are_flagged_implausible(small):
    _, rows, z = small
    flags = np.vstack([z[f] for f in ("flen", "fwei", "fwfl", "fbmi", "fhc", "fac")])
    flagged = (np.nan_to_num(flags) == 1).any(axis=0)
    assert 0.002 <= flagged.mean() <= 0.01
    assert flagged[rows["slip"]].mean() > 0.75  # the typing slips are what gets flagged


def test_positions_follow_the_age_with_a_few_mistakes(small):
    _, rows, _ = small
    age = (rows["measured_on"] - rows["birth_date"]).astype(int)
    has_length = rows["measure"] != ""
    wrong = has_length & ((age < 731) != (rows["measure"] == "l"))
    assert 0.01 <= wrong.sum() / has_length.sum() <= 0.05
    assert not (has_length & (rows["measure"] == "h") & (age < 274)).any()
    assert np.all(np.round(rows["weight_kg"] * 10) == rows["weight_kg"] * 10)


def test_identity_numbers_are_valid_unique_and_from_balikpapan(small):
    plan, _, _ = small
    niks = [n for n in plan.person_nik + plan.child_nik if n]
    assert len(set(niks)) == len(niks)
    assert all(n.startswith("6471") and not nik_rules.format_errors(n) for n in niks)
    with_nik = np.array([bool(n) for n in plan.child_nik])
    assert 0.5 <= with_nik.mean() <= 0.7
    assert all(len(kk) == 16 and kk.startswith("6471") for kk in plan.hh_kk if kk)
    assert all(p.startswith("08") and 11 <= len(p) <= 13 for p in plan.hh_phone if p)


# --- Cadres and their habits (#4) -----------------------------------------------------------------


def test_each_posyandu_has_two_or_three_cadres_who_share_its_entries(small):
    from tumbuh.tools.synthetic import plan as model

    plan, rows, _ = small
    assert set(np.unique(plan.pos_cadre_count)) <= {2, 3}
    assert len(plan.cadre_pos) == plan.pos_cadre_count.sum()
    assert len(set(plan.cadre_username)) == len(plan.cadre_username)
    melati = plan.cadre_username.index("kader_melati")
    assert plan.pos_name[plan.cadre_pos[melati]] == places.KADER_POSYANDU_NAME
    assert plan.cadre_habit[melati] == 0
    assert plan.cadre_habit[melati + 1] == model.ROUNDS_WEIGHT  # her colleague rounds weights
    cadre = rows["cadre"]
    assert (plan.cadre_pos[cadre] == plan.child_pos[rows["child"]]).all()
    assert (np.bincount(cadre, minlength=len(plan.cadre_pos)) > 0).all()
    habitual = plan.cadre_habit > 0
    assert 0.08 <= habitual.mean() <= 0.35  # a minority


def test_cadres_habits_show_in_what_they_enter(small):
    from tumbuh.tools.synthetic import plan as model

    plan, rows, z = small
    habit = plan.cadre_habit[rows["cadre"]]
    weight_digit = np.round(rows["weight_kg"] * 10).astype(int) % 10
    rounds = (habit & model.ROUNDS_WEIGHT) > 0
    assert np.isin(weight_digit[rounds], (0, 5)).mean() > 0.8
    assert np.isin(weight_digit[~rounds], (0, 5)).mean() < 0.3
    measured = ~np.isnan(rows["lenhei_cm"])
    whole = np.round(np.nan_to_num(rows["lenhei_cm"]) * 10).astype(int) % 10 == 0
    rounds_l = ((habit & model.ROUNDS_LENGTH) > 0) & measured
    assert whole[rounds_l].mean() > 0.8 and whole[~rounds_l & measured].mean() < 0.2
    sloppy = (habit & model.SLOPPY) > 0
    swapped = rows["swapped"]
    assert swapped.any() and not swapped[~sloppy].any()
    assert 0.02 <= swapped[sloppy].mean() <= 0.06


def test_guessed_birth_dates_pile_up_on_the_first_and_fifteenth(small):
    plan, _, _ = small
    day = (plan.child_birth_day.astype("datetime64[D]")
           - plan.child_birth_day.astype("datetime64[D]").astype("datetime64[M]")).astype(int) + 1
    guessed = plan.child_guessed_birth
    assert guessed.any() and np.isin(day[guessed], (1, 15)).all()
    assert np.isin(day[~guessed], (1, 15)).mean() < 0.09  # 2 days in 30
    careless = np.unique(plan.child_pos[guessed])
    assert len(careless) < 0.2 * len(plan.pos_kel)
