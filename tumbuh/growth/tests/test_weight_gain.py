"""N/T/O/B, 2T and BGM (docs/domain-indonesia.md §2.2-2.5) and the versioned rules behind them."""

import numpy as np
import pytest

from tumbuh.growth import completed_months, load_rules, weight_gain_status
from tumbuh.growth.rules import _parse

NAN = float("nan")


def judge(**kw):
    n = len(kw["weight_kg"])
    kw.setdefault("weighed_last_month", [True] * n)
    kw.setdefault("weighed_before", [True] * n)
    return weight_gain_status(**kw)


def test_it_judges_naik_when_the_gain_reaches_the_kbm():
    # 8 months: KBM 300 g. 300 g is N, 299 g is T.
    r = judge(weight_kg=[8.3, 8.299], previous_weight_kg=[8.0, 8.0], age_months=[8, 8])
    assert r["status"].tolist() == ["N", "T"]
    assert r["gain_g"].tolist() == [300, 299] and r["kbm_g"].tolist() == [300, 300]


def test_a_flat_or_falling_weight_is_always_t():
    r = judge(weight_kg=[9.0, 8.8], previous_weight_kg=[9.0, 9.0], age_months=[20, 20])
    assert r["status"].tolist() == ["T", "T"]


def test_first_weighing_is_b_and_a_gap_month_is_o():
    r = weight_gain_status(
        [7.0, 7.5, NAN], [NAN, NAN, 7.0], [5, 6, 6],
        weighed_last_month=[False, False, True], weighed_before=[False, True, True],
    )  # fmt: skip
    assert r["status"].tolist() == ["B", "O", ""]
    assert np.isnan(r["gain_g"]).all()


def test_kbm_is_looked_up_at_the_age_of_the_current_weighing():
    rules = load_rules()
    ages = np.arange(0, 61)
    r = judge(weight_kg=np.full(61, 10.0), previous_weight_kg=np.full(61, 9.0), age_months=ages)
    assert r["kbm_g"][1:7].tolist() == [800, 900, 800, 600, 500, 400]
    assert r["kbm_g"][12:].tolist() == [200] * 49
    assert r["kbm_g"][0] == rules.kbm_g[1]  # under one month: the first month's KBM


def test_two_consecutive_t_are_2t():
    r = judge(
        weight_kg=[9.0, 9.0, 9.5], previous_weight_kg=[9.0, 9.0, 9.0], age_months=[20] * 3,
        previous_status=["T", "N", "T"],
    )  # fmt: skip
    assert r["is_2t"].tolist() == [True, False, False]


def test_bgm_is_below_the_configured_red_line():
    r = judge(weight_kg=[7.0, 7.0, 7.0], previous_weight_kg=[NAN] * 3, age_months=[20] * 3,
              weighed_last_month=[False] * 3, waz=[-3.01, -3.0, NAN])  # fmt: skip
    assert r["is_bgm"].tolist() == [True, False, False]


def test_weighings_outside_the_review_window_are_flagged_not_refused():
    r = judge(weight_kg=[9.5] * 3, previous_weight_kg=[9.0] * 3, age_months=[20] * 3,
              days_since_previous=[19, 30, 46])  # fmt: skip
    assert r["status"].tolist() == ["N", "N", "N"]
    assert r["needs_review"].tolist() == [True, False, True]


def test_d_equals_n_plus_t_plus_o_plus_b():
    """SKDN identity on posyandu forms (§2.2): every weighed child gets exactly one code."""
    rng = np.random.default_rng(8)
    n = 5000
    weighed = rng.random(n) < 0.85
    w = np.where(weighed, rng.uniform(5, 18, n), NAN)
    last = rng.random(n) < 0.7
    before = last | (rng.random(n) < 0.5)
    prev = np.where(last, w - rng.normal(0.2, 0.3, n), NAN)
    r = weight_gain_status(w, prev, rng.integers(0, 60, n), weighed_last_month=last,
                           weighed_before=before)  # fmt: skip
    counts = {c: int((r["status"] == c).sum()) for c in "NTOB"}
    assert sum(counts.values()) == int(weighed.sum())


def test_rules_come_from_versioned_configuration():
    rules = load_rules()
    assert rules.version == "2023.1"
    assert rules.bgm_waz_below == -3.0
    custom = _parse(
        {"version": "x", "kbm": {"grams_by_month": {"1": 800, "7": 400}, "max_age_months": 12},
         "weight_gain": {"review_min_days": 20, "review_max_days": 45},
         "bgm": {"waz_below": -2.0},
         "pregnancy": {"risiko_kek_muac_below_cm": 23.5, "kek_bmi_below": 18.5,
                       "kek_measured_before_weeks": 12, "anemia_hb_below_g_dl": 11},
         "plausibility": {"z_jump": 2, "z_jump_within_days": 120, "length_shrink_cm": 1}},
        "test"
    )  # fmt: skip
    assert custom.kbm_g.tolist() == [800] * 7 + [400] * 6
    r = judge(weight_kg=[9.3], previous_weight_kg=[9.0], age_months=[7], rules=custom)
    assert r["status"].tolist() == ["T"]


def test_a_broken_rules_file_says_what_is_wrong():
    with pytest.raises(ValueError, match="broken.toml: missing or invalid rule 'bgm'"):
        _parse({"version": "1", "kbm": {"grams_by_month": {"1": 1}, "max_age_months": 5},
                "weight_gain": {"review_min_days": 1, "review_max_days": 2}}, "broken.toml")


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [("2024-01-15", "2024-04-14", 2), ("2024-01-15", "2024-04-15", 3),
     ("2024-01-31", "2024-02-29", 1), ("2023-01-31", "2023-02-28", 1),
     ("2023-12-31", "2024-02-28", 1), ("2024-03-10", "2024-03-10", 0),
     ("2020-02-29", "2025-02-28", 60)],
)  # fmt: skip
def test_completed_months_count_calendar_months(birth, on, months):
    assert completed_months([birth], [on]).tolist() == [months]


def test_completed_months_of_a_missing_date_is_missing():
    assert np.isnan(completed_months(["2024-01-01", "NaT"], ["NaT", "2024-05-01"])).all()


def test_pregnancy_status_follows_the_thresholds_in_the_rules():
    from tumbuh.growth import pregnancy_status

    r = pregnancy_status(
        muac_cm=[23.4, 23.5, np.nan, 25.0],
        hb_g_dl=[10.9, 11.0, 12.0, np.nan],
        weight_kg=[40.0, 50.0, 60.0, 45.0],
        height_cm=[150.0, 150.0, 150.0, 160.0],
        gestational_weeks=[10, 10, 30, 20],
        pre_pregnancy_bmi=[np.nan, np.nan, np.nan, 17.0],
    )
    assert r["risiko_kek"][:2].tolist() == [1.0, 0.0] and np.isnan(r["risiko_kek"][2])
    assert r["anemia"][:3].tolist() == [1.0, 0.0, 0.0] and np.isnan(r["anemia"][3])
    # 40 kg / 1.5 m² = 17.8 in trimester 1: KEK; 22.2: not; week 30 BMI says nothing; the
    # pre-pregnancy BMI decides when it is known.
    assert r["kek"][:2].tolist() == [1.0, 0.0] and np.isnan(r["kek"][2]) and r["kek"][3] == 1.0
