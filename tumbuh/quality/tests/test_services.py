"""The scorecard's figures against a direct recount, and what each role sees (#4).

The rows come from :mod:`tumbuh.quality.tests.dataset` (hand-built on the shared cast); each
figure is recounted there in plain Python, row by row.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import translation

from tumbuh.analytics.grouping import Period
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.quality import services, summary
from tumbuh.quality.models import ScorecardCell, ScorecardMonth

from .dataset import AUGUST, SEPTEMBER, build, recount

PERIOD = Period(AUGUST, SEPTEMBER)
COMPARED = ("flagged", "flen", "fwei", "fwfl", "sd_haz", "sd_waz", "sd_whz", "dps_weight",
            "dps_weight_05", "dps_lenhei", "dps_lenhei_05", "heaping", "missing", "jumps",
            "jump_zwei", "jump_zlen", "length_shrank")  # fmt: skip


@pytest.fixture
def data(cast):
    return build(cast)


def assert_figures(row, rows):
    """Every figure of a scorecard row equals the recount of ``rows``."""
    expected = recount(rows)
    assert row.n == expected["n"]
    for name in COMPARED:
        got, want = row.values[name], expected[name]
        if math.isnan(want):
            assert math.isnan(got), name
        else:
            # Sums of squares of 2-decimal z-scores: float rounding only.
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9), name


def by_key(card):
    return {row.key: row for row in card.rows}


def test_posyandu_figures_equal_a_direct_recount(cast, data):
    card = services.scorecard(cast.admin, level="posyandu", period=PERIOD, sort="name")
    rows = by_key(card)
    for posyandu in (cast.pos_a1, cast.pos_a2, cast.pos_b1):
        counted = [r for r in data.counted if r.child.posyandu_id == posyandu.pk]
        assert_figures(rows[str(posyandu.pk)], counted)
    assert_figures(card.total, data.counted)


def test_each_child_counts_once_a_month_and_over_fives_and_merged_children_not_at_all(data):
    assert len(data.rows) > len(data.counted)
    card = services.scorecard(
        type(data.rounder).objects.get(username="admin"), level="posyandu", period=PERIOD
    )
    assert card.total.n == len(data.counted)
    assert card.total.n == len({(r.child_id, r.measured_month) for r in data.counted})


def test_cadre_figures_equal_a_direct_recount(cast, data):
    card = services.scorecard(cast.admin, level="cadre", period=PERIOD)
    rows = by_key(card)
    for cadre in (cast.kader_a, data.rounder, cast.kader_a2, cast.bidan_a, cast.kader_b):
        counted = [r for r in data.counted if r.created_by_id == cadre.pk]
        assert_figures(rows[str(cadre.pk)], counted)
    unknown = [r for r in data.counted if r.created_by_id is None]
    assert_figures(rows["unknown"], unknown)
    assert rows["unknown"].label == "Recorder not known" or rows["unknown"].url == ""


def test_the_cadre_who_rounds_weights_is_flagged_for_digit_preference(cast, data):
    rows = by_key(services.scorecard(cast.admin, level="cadre", period=PERIOD))
    rounder = rows[str(data.rounder.pk)]
    assert rounder.values["dps_weight_05"] == 100
    assert rounder.status["dps_weight"] == "poor"
    assert rows[str(cast.kader_a.pk)].status["dps_weight"] in ("ok", "warn", "na")


def test_area_figures_are_recounted_over_their_posyandu(cast, data):
    rows = by_key(services.scorecard(cast.admin, level="kecamatan", period=PERIOD))
    side_a = [r for r in data.counted if r.child.posyandu_id in (cast.pos_a1.pk, cast.pos_a2.pk)]
    assert_figures(rows[cast.kec_a.code], side_a)
    rows = by_key(services.scorecard(cast.admin, level="puskesmas", period=PERIOD))
    side_b = [r for r in data.counted if r.child.posyandu_id == cast.pos_b1.pk]
    assert_figures(rows[str(cast.pkm_b.pk)], side_b)


def test_one_month_counts_that_month_only(cast, data):
    card = services.scorecard(cast.admin, level="posyandu", period=Period(SEPTEMBER, SEPTEMBER))
    september = [r for r in data.counted
                 if r.measured_month == SEPTEMBER and r.child.posyandu_id == cast.pos_a1.pk]
    assert_figures(by_key(card)[str(cast.pos_a1.pk)], september)
    # September is not a length month: the share without length is shown, not judged.
    assert by_key(card)[str(cast.pos_a1.pk)].status["missing"] == ""


def test_small_groups_are_not_assessable(cast, data):
    rows = by_key(services.scorecard(cast.admin, level="posyandu", period=PERIOD))
    small = rows[str(cast.pos_b1.pk)]  # 8 children, 16 rows
    assert small.n == 16
    for name in ("sd_haz", "sd_waz", "sd_whz", "dps_weight", "heaping", "flagged"):
        assert small.status[name] == "na", name
    with translation.override("en"):
        cell = services.scorecard(cast.admin, level="posyandu", period=PERIOD, sort="name")
    b1 = next(r for r in cell.rows if r.key == str(cast.pos_b1.pk))
    sd_cell = b1.cells[[c.key for c in services.columns()].index("sd_haz")]
    assert sd_cell.text == "–" and "Too few values" in sd_cell.title


def test_figures_are_written_with_the_languages_decimal_separator(cast, data):
    with translation.override("id"):
        row = by_key(services.scorecard(cast.admin, level="posyandu", period=PERIOD))[
            str(cast.pos_a1.pk)
        ]
    sd = row.cells[[c.key for c in services.columns()].index("sd_waz")]
    assert sd.text == f"{row.values['sd_waz']:.2f}".replace(".", ",")
    flagged = row.cells[0]
    assert flagged.text.endswith("%") and "," in flagged.text


def test_worst_first_puts_the_most_problems_on_top(cast, data):
    card = services.scorecard(cast.admin, level="cadre", period=PERIOD, sort="worst")
    keys = [(-r.poor, -r.warn) for r in card.rows]
    assert keys == sorted(keys)
    assert card.rows[0].poor >= 1


# --- Scope --------------------------------------------------------------------------------------


def posyandu_keys(user, level="posyandu"):
    return {r.key for r in services.scorecard(user, level=level, period=PERIOD).rows}


def test_each_role_sees_its_own_posyandu(cast, data):
    a1, a2, b1 = (str(p.pk) for p in (cast.pos_a1, cast.pos_a2, cast.pos_b1))
    assert posyandu_keys(cast.kader_a) == {a1}
    assert posyandu_keys(cast.kader_b) == {b1}
    assert posyandu_keys(cast.bidan_a) == {a1, a2}
    assert posyandu_keys(cast.bidan_b) == {b1}
    assert posyandu_keys(cast.analyst) == {a1, a2, b1}
    assert posyandu_keys(cast.admin) == {a1, a2, b1}
    assert posyandu_keys(cast.analyst_other_city) == set()


def test_a_kader_sees_only_themselves_among_the_cadres(cast, data):
    assert posyandu_keys(cast.kader_a, CADRE) == {str(cast.kader_a.pk)}
    row = services.scorecard(cast.kader_a, level=CADRE, period=PERIOD).rows[0]
    assert_figures(row, [r for r in data.counted if r.created_by_id == cast.kader_a.pk])


def test_a_bidan_sees_the_cadres_of_their_puskesmas(cast, data):
    keys = posyandu_keys(cast.bidan_a, CADRE)
    assert {str(cast.kader_a.pk), str(data.rounder.pk), str(cast.kader_a2.pk),
            str(cast.bidan_a.pk)} <= keys  # fmt: skip
    assert str(cast.kader_b.pk) not in keys
    assert str(cast.kader_a.pk) not in posyandu_keys(cast.bidan_b, CADRE)


def test_a_tpk_member_sees_the_figures_of_the_teams_families_only(cast, data):
    card = services.scorecard(cast.tpk_a, level="posyandu", period=PERIOD)
    assert card.households_only
    assert [r.key for r in card.rows] == [str(cast.pos_a1.pk)]
    team = [r for r in data.counted if r.child.household.tpk_team_id == cast.team_a.pk]
    assert_figures(card.rows[0], team)
    assert not ScorecardCell.objects.exists() or card.rows[0].n == len(team)
    assert posyandu_keys(cast.tpk_b) == {str(cast.pos_b1.pk)}


def test_roles_without_the_area_levels_are_refused_them(cast):
    assert services.levels_for(cast.kader_a) == ("posyandu", CADRE)
    assert "kecamatan" not in services.levels_for(cast.bidan_a)
    assert "city" in services.levels_for(cast.analyst)
    with pytest.raises(ValueError):
        services.scorecard(cast.kader_a, level="kecamatan", period=PERIOD)


def test_the_posyandu_and_cadre_pages_are_404_outside_the_scope(cast, data):
    from django.http import Http404

    assert services.get_posyandu(cast.kader_a, cast.pos_a1.pk) == cast.pos_a1
    with pytest.raises(Http404):
        services.get_posyandu(cast.kader_a, cast.pos_a2.pk)
    assert services.get_cadre(cast.bidan_a, data.rounder.pk) == data.rounder
    with pytest.raises(Http404):
        services.get_cadre(cast.kader_a, data.rounder.pk)  # a colleague: not for a kader
    with pytest.raises(Http404):
        services.get_cadre(cast.bidan_b, cast.kader_a.pk)
    assert services.get_cadre(cast.bidan_a, cast.bidan_a.pk) == cast.bidan_a  # recorded rows
    with pytest.raises(Http404):
        services.get_cadre(cast.admin, 999_999)


# --- Month by month -----------------------------------------------------------------------------


def test_the_posyandu_trend_has_a_column_per_month_and_the_whole_period(cast, data):
    trend = services.posyandu_scorecard(cast.pos_a1, PERIOD, cast.bidan_a)
    assert trend.months == [AUGUST, SEPTEMBER]
    at_a1 = [r for r in data.counted if r.child.posyandu_id == cast.pos_a1.pk]
    assert trend.n == [sum(r.measured_month == AUGUST for r in at_a1),
                       sum(r.measured_month == SEPTEMBER for r in at_a1), len(at_a1)]
    assert all(len(row.cells) == 3 for row in trend.rows)
    digits = [round(r.weight_kg * 10) % 10 for r in at_a1]
    assert [bar.count for bar in trend.weight_digits] == [digits.count(d) for d in range(10)]
    recorders = {r.key: r for r in services.posyandu_recorders(cast.pos_a1, PERIOD, cast.bidan_a)}
    assert_figures(recorders[str(data.rounder.pk)],
                   [r for r in at_a1 if r.created_by_id == data.rounder.pk])


def test_the_cadre_trend_counts_the_cadres_rows(cast, data):
    trend = services.cadre_scorecard(data.rounder, PERIOD, cast.analyst)
    mine = [r for r in data.counted if r.created_by_id == data.rounder.pk]
    assert trend.n[-1] == len(mine)
    assert services.recorder_posyandu(data.rounder, cast.analyst) == [cast.pos_a1]


# --- Stored cells ------------------------------------------------------------------------------


def test_stored_cells_and_cells_counted_from_the_rows_agree(cast, data):
    direct = summary.cells_from(ChildMeasurement.objects.all(), PERIOD)
    summary.ensure([cast.pos_a1.pk, cast.pos_a2.pk, cast.pos_b1.pk], PERIOD)
    stored = summary.stored_cells(ScorecardCell.objects.all())
    assert len(stored) == len(direct)

    def keyed(cells):
        return {(cells.posyandu[i], int(cells.cadre[i]), str(cells.month[i])):
                {k: cells.values[k][i] for k in cells.values} for i in range(len(cells))}

    assert keyed(stored).keys() == keyed(direct).keys()
    for key, values in keyed(direct).items():
        assert keyed(stored)[key] == pytest.approx(values), key


def test_cells_are_built_once_then_read(cast, data, django_assert_max_num_queries):
    services.scorecard(cast.analyst, level="posyandu", period=PERIOD)
    months = ScorecardMonth.objects.count()
    assert months == 3 * 2  # every posyandu and month has its marker, even an empty one
    with django_assert_max_num_queries(4):
        services.scorecard(cast.analyst, level="posyandu", period=PERIOD)
    assert ScorecardMonth.objects.count() == months


def test_a_new_measurement_drops_the_months_it_changes_and_the_next_view_counts_it(cast, data):
    card = services.scorecard(cast.admin, level="posyandu", period=Period(AUGUST, dt.date.today()
                                                                          .replace(day=1)))
    before = by_key(card)[str(cast.pos_a1.pk)].n
    assert ScorecardMonth.objects.filter(posyandu=cast.pos_a1).exists()
    today = dt.date.today()
    record_measurement(
        child=cast.child_a1, data=MeasurementInput(measured_on=today, weight_kg=9.1),
        user=cast.kader_a,
    )  # fmt: skip
    stale = ScorecardMonth.objects.filter(posyandu=cast.pos_a1, month__gte=today.replace(day=1))
    assert not stale.exists()
    assert ScorecardMonth.objects.filter(posyandu=cast.pos_a2).exists()  # others untouched
    card = services.scorecard(cast.admin, level="posyandu",
                              period=Period(AUGUST, today.replace(day=1)))  # fmt: skip
    assert by_key(card)[str(cast.pos_a1.pk)].n == before + 1


def test_moving_a_child_to_another_posyandu_recounts_both(cast, data):
    services.scorecard(cast.admin, level="posyandu", period=PERIOD)
    child = data.children[0]
    child.posyandu = cast.pos_a2
    child.save()
    assert not ScorecardMonth.objects.filter(posyandu__in=[cast.pos_a1, cast.pos_a2]).exists()
    assert ScorecardMonth.objects.filter(posyandu=cast.pos_b1).exists()


def test_deleting_a_measurement_or_a_recorder_drops_their_cells(cast, data):
    services.scorecard(cast.admin, level="posyandu", period=PERIOD)
    row = next(r for r in data.counted if r.child.posyandu_id == cast.pos_b1.pk)
    row.delete()
    assert not ScorecardMonth.objects.filter(posyandu=cast.pos_b1,
                                             month=row.measured_month).exists()  # fmt: skip
    services.scorecard(cast.admin, level="posyandu", period=PERIOD)
    rounder_pk = data.rounder.pk
    data.rounder.delete()  # the rounder's measurements lose their recorder
    assert not ScorecardMonth.objects.filter(posyandu=cast.pos_a1).exists()
    card = services.scorecard(cast.admin, level="cadre", period=PERIOD)
    unknown = by_key(card)["unknown"]
    assert unknown.n == sum(1 for r in data.counted if r.created_by_id in (None, rounder_pk))


CADRE = services.CADRE
