"""Periods of months and the grouping of a user's posyandu into areas."""

import datetime as dt

import numpy as np
import pytest
from django.http import QueryDict

from tumbuh.analytics.grouping import Period, add_months, grouping_for, parse_month


def test_a_period_lists_its_months_across_a_year_end():
    p = Period(dt.date(2025, 11, 1), dt.date(2026, 2, 1))
    assert len(p) == 4
    assert p.months == [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1),
                        dt.date(2026, 2, 1)]  # fmt: skip
    assert p.end == dt.date(2026, 3, 1)
    months = np.array(["2025-10-31", "2025-11-30", "2026-02-01", "2026-03-01"], "datetime64[D]")
    assert p.index(months).tolist() == [-1, 0, 3, -1]


def test_the_period_comes_from_the_query_or_defaults_to_the_last_months():
    today = dt.date(2026, 11, 30)
    assert Period.from_query(QueryDict(""), today=today) == Period(
        dt.date(2025, 12, 1), dt.date(2026, 11, 1))
    q = QueryDict("dari=2026-01&sampai=2026-03")
    assert Period.from_query(q, today=today) == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    with pytest.raises(ValueError, match="2026/13"):
        Period.from_query(QueryDict("sampai=2026/13"), today=today)
    with pytest.raises(ValueError):
        Period.from_query(QueryDict("dari=2026-05&sampai=2026-03"), today=today)
    with pytest.raises(ValueError):
        Period.from_query(QueryDict("dari=2010-01&sampai=2026-03"), today=today)


def test_month_arithmetic():
    assert add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert add_months(dt.date(2026, 1, 1), 23) == dt.date(2027, 12, 1)
    assert parse_month(" 2026-03 ") == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "user, level, expected",
    [
        ("admin", "kelurahan", ["Baru Ilir", "Manggar"]),
        ("admin", "kecamatan", ["Balikpapan Barat", "Balikpapan Timur"]),
        ("admin", "city", ["Kota Balikpapan"]),
        ("bidan_a", "posyandu", ["Mawar", "Melati"]),
        ("bidan_a", "puskesmas", ["Manggar"]),
        ("kader_a", "posyandu", ["Melati"]),
        ("tpk_a", "posyandu", ["Melati"]),  # the posyandu of the team's households' children
        ("analyst_other_city", "city", []),
    ],
)
def test_groups_hold_only_the_posyandu_the_user_may_see(cast, user, level, expected):
    g = grouping_for(getattr(cast, user), level)
    assert sorted(g.labels) == expected


def test_group_index_maps_posyandu_to_their_area(cast):
    g = grouping_for(cast.admin, "kelurahan")
    idx = g.group_index([cast.pos_a1.pk, cast.pos_a2.pk, cast.pos_b1.pk])
    assert idx[0] == idx[1] != idx[2]
    assert g.keys[idx[0]] == cast.kel_a.code
    within = grouping_for(cast.admin, "posyandu", within=cast.kec_a.code)
    assert sorted(within.labels) == ["Mawar", "Melati"]
    assert grouping_for(cast.admin, "posyandu", within=str(cast.pkm_b.pk)).labels == ["Kenanga"]
