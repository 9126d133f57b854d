"""SKDN by area and month: equal to a direct recount of the measurement rows, rolled up by
summing posyandu, ratios with "—" for a zero denominator, and scoped to each role's area."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict

import numpy as np
import pytest
from django.urls import reverse

from tumbuh.analytics import skdn
from tumbuh.analytics.charts_skdn import trend_chart
from tumbuh.analytics.grouping import LEVELS, Period, add_months, grouping_for, month_start
from tumbuh.analytics.models import UnderFiveProjection
from tumbuh.areas.models import Posyandu
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child

from .conftest import PERIOD, THIS_MONTH, _child, _measure, _month


def direct_recount(children, period: Period) -> dict:
    """SKDN per (posyandu, month) straight from the rows of ``children`` (a queryset), without
    the stored monthly figures nor the ``counts_for_month`` flag: S and K from the birth dates,
    and per child and month the last weighing of the month, if the child was at most 1826
    days old then; N/T/O/B, 2T and BGM as stored on that row."""
    out = defaultdict(lambda: dict.fromkeys(skdn.COUNTS, 0))
    for ch in children.filter(merged_into__isnull=True):
        for m in period.months:
            if ch.birth_date < add_months(m, 1) and (m - ch.birth_date).days <= 1826:
                out[(ch.posyandu_id, m)]["s"] += 1
                out[(ch.posyandu_id, m)]["k"] += ch.has_kia_book
        last = {}
        for r in ChildMeasurement.objects.filter(child=ch, weight_kg__isnull=False).order_by(
            "measured_on", "created_at"
        ):
            last[month_start(r.measured_on)] = r  # the month's last weighing wins
        for m, r in last.items():
            if m not in period.months or r.age_days > 1826:
                continue
            c = out[(ch.posyandu_id, m)]
            c["d"] += 1
            c[r.growth_status.lower()] += 1
            c["t2"] += r.is_2t
            c["bgm"] += r.is_bgm
    return out


def expected_table(grouping, period, recount) -> np.ndarray:
    """The recount summed per group and month, the whole as the last group."""
    out = np.zeros((len(grouping) + 1, len(period), len(skdn.COUNTS)), dtype=int)
    for (pid, month), counts in recount.items():
        g = grouping.group_of_posyandu.get(pid)
        if g is None:
            continue
        m = period.months.index(month)
        values = [counts[c] for c in skdn.COUNTS]
        out[g, m] += values
        out[-1, m] += values
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_the_table_equals_a_direct_recount_at_every_level(cast, data, level):
    table = skdn.skdn_table(cast.admin, level, PERIOD)
    recount = direct_recount(Child.objects.all(), PERIOD)
    assert table.counts.sum() > 0
    np.testing.assert_array_equal(table.counts, expected_table(table.grouping, PERIOD, recount))


def test_d_is_n_t_o_b_and_every_count_stays_within_its_parent(cast, data):
    c = skdn.skdn_table(cast.admin, "posyandu", PERIOD).counts
    count = {name: c[..., i] for i, name in enumerate(skdn.COUNTS)}
    np.testing.assert_array_equal(count["d"], count["n"] + count["t"] + count["o"] + count["b"])
    assert (count["d"] <= count["s"]).all() and (count["k"] <= count["s"]).all()
    assert (count["t2"] <= count["t"]).all() and (count["bgm"] <= count["d"]).all()


def test_rollups_equal_the_sum_of_their_posyandu(cast, data):
    by_posyandu = skdn.skdn_table(cast.admin, "posyandu", PERIOD)
    for level in ("kelurahan", "puskesmas", "kecamatan", "city"):
        table = skdn.skdn_table(cast.admin, level, PERIOD)
        index = by_posyandu.grouping.group_of_posyandu
        for g in range(len(table.grouping)):
            members = [index[p] for p, gi in table.grouping.group_of_posyandu.items() if gi == g]
            np.testing.assert_array_equal(table.counts[g], by_posyandu.counts[members].sum(0))
        np.testing.assert_array_equal(table.counts[-1], by_posyandu.counts[-1])


def test_ratios_follow_their_formulas(cast, data):
    table = skdn.skdn_table(cast.admin, "posyandu", PERIOD)
    g = table.grouping.group_of_posyandu[cast.pos_a1.pk]
    m = PERIOD.months.index(add_months(THIS_MONTH, -1))
    c = dict(zip(skdn.COUNTS, table.counts[g, m].tolist(), strict=True))
    # a hand check of Melati last month: Bunga has no KIA book, missed the month before (O);
    # Anak A1 kept the same weight (T); Citra gained 500 g (N); Dewi is over five
    assert (c["s"], c["k"], c["d"], c["n"], c["t"], c["o"], c["b"]) == (4, 3, 3, 1, 1, 1, 0)
    expected = {"k_s": 75.0, "d_s": 75.0, "d_k": 100.0, "n_d": 100 / 3, "n_dj": 50.0,
                "n_s": 25.0, "t_d": 100 / 3, "t2_d": 100 * c["t2"] / 3,
                "bgm_d": 100 * c["bgm"] / 3}  # fmt: skip
    for key, value in expected.items():
        assert table.ratio(key)[g, m] == pytest.approx(value), key


def test_a_zero_denominator_gives_no_ratio(cast, data, client):
    empty = Posyandu.objects.create(name="Kamboja", puskesmas=cast.pkm_a, kelurahan=cast.kel_a)
    table = skdn.skdn_table(cast.admin, "posyandu", PERIOD)
    g = table.grouping.group_of_posyandu[empty.pk]
    for r in skdn.RATIOS:  # S, K and D are all 0
        assert np.isnan(table.ratio(r.key)[g]).all(), r.key
    mawar = table.grouping.group_of_posyandu[cast.pos_a2.pk]  # one child, never weighed
    assert (table.ratio("d_s")[mawar] == 0).all()
    assert np.isnan(table.ratio("n_d")[mawar]).all()
    client.force_login(cast.admin)
    response = client.get(reverse("analytics:posyandu", args=[empty.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<td class=\"number\">—</td>") >= 9 * 12  # every ratio of every month


def test_d_over_the_projected_s_where_every_posyandu_has_a_projection(cast, data):
    year = THIS_MONTH.year
    UnderFiveProjection.objects.create(posyandu=cast.pos_a1, year=year, under_fives=8)
    UnderFiveProjection.objects.create(posyandu=cast.pos_a2, year=year, under_fives=2)
    UnderFiveProjection.objects.create(posyandu=cast.pos_a1, year=year - 1, under_fives=99)
    period = Period(add_months(THIS_MONTH, -7), THIS_MONTH)  # across the year's start
    table = skdn.skdn_table(cast.admin, "kelurahan", period)
    manggar = table.grouping.keys.index(cast.kel_a.code)
    baru_ilir = table.grouping.keys.index(cast.kel_b.code)
    this_year = [i for i, m in enumerate(period.months) if m.year == year]
    last_year = [i for i, m in enumerate(period.months) if m.year < year]
    assert (table.projected[manggar, this_year] == 10).all()
    assert np.isnan(table.projected[manggar, last_year]).all()  # Mawar has none for last year
    assert np.isnan(table.projected[baru_ilir]).all() and np.isnan(table.projected[-1]).all()
    d = table.count("d")[manggar, this_year]
    np.testing.assert_allclose(table.ds_projected()[manggar, this_year], 100 * d / 10)
    UnderFiveProjection.objects.create(posyandu=cast.pos_b1, year=year, under_fives=5)
    table = skdn.skdn_table(cast.admin, "kelurahan", period)
    assert (table.projected[-1, this_year] == 15).all()


def test_a_tpk_member_counts_the_families_of_the_team_only(cast, data):
    table = skdn.skdn_table(cast.tpk_a, "posyandu", PERIOD)
    assert table.households_only and table.grouping.labels == ["Melati"]
    families = Child.objects.filter(household__tpk_team=cast.team_a)
    expected = expected_table(table.grouping, PERIOD, direct_recount(families, PERIOD))
    np.testing.assert_array_equal(table.counts, expected)
    everyone = skdn.skdn_table(cast.admin, "posyandu", PERIOD)
    melati = everyone.grouping.group_of_posyandu[cast.pos_a1.pk]
    assert (table.counts[0] <= everyone.counts[melati]).all()
    assert np.isnan(table.projected).all()  # a projection is of the whole posyandu


@pytest.mark.parametrize(
    "user, level, expected, hidden",
    [
        ("kader_a", "posyandu", ["Melati"], ["Mawar", "Kenanga", "Baru Ilir"]),
        ("kader_b", "posyandu", ["Kenanga"], ["Melati", "Mawar", "Manggar"]),
        ("bidan_a", "posyandu", ["Mawar", "Melati"], ["Kenanga", "Baru Ilir"]),
        ("bidan_b", "kelurahan", ["Baru Ilir"], ["Manggar"]),
        ("tpk_a", "posyandu", ["Melati"], ["Mawar", "Kenanga", "Baru Ilir"]),
        ("tpk_b", "posyandu", ["Kenanga"], ["Melati", "Mawar", "Manggar"]),
        ("analyst", "kecamatan", ["Balikpapan Barat", "Balikpapan Timur"], []),
        ("analyst", "posyandu", ["Kenanga", "Mawar", "Melati"], []),
        ("analyst_other_city", "kelurahan", [], ["Melati", "Mawar", "Kenanga", "Manggar",
                                                 "Baru Ilir"]),
    ],
)
def test_each_role_sees_its_own_area_on_the_page(cast, client, data, user, level, expected,
                                                 hidden):  # fmt: skip
    client.force_login(getattr(cast, user))
    response = client.get(reverse("analytics:skdn"), {"tingkat": level})
    assert response.status_code == 200
    rows = [r["label"] for r in response.context["rows"]]
    assert sorted(rows) == expected
    text = response.content.decode()
    for name in hidden:
        assert f">{name}<" not in text, name


def test_the_page_totals_match_the_users_own_recount(cast, client, data):
    """The totals row of a kader, a bidan and a TPK member: their own children only."""
    cases = {
        "kader_a": Child.objects.filter(posyandu=cast.pos_a1),
        "bidan_a": Child.objects.filter(posyandu__puskesmas=cast.pkm_a),
        "tpk_a": Child.objects.filter(household__tpk_team=cast.team_a),
        "analyst_other_city": Child.objects.none(),
    }
    month = add_months(THIS_MONTH, -1)
    for user, children in cases.items():
        client.force_login(getattr(cast, user))
        response = client.get(reverse("analytics:skdn"), {"bulan": f"{month:%Y-%m}"})
        recount = direct_recount(children, Period(month, month))
        expected = {c: sum(v[c] for (_p, m), v in recount.items() if m == month)
                    for c in skdn.COUNTS}  # fmt: skip
        got = {c: int(cell["value"].replace(".", "").replace(",", ""))
               for c, cell in zip(skdn.COUNTS, response.context["total"]["counts"],
                                  strict=True)}  # fmt: skip
        assert got == expected, user


def test_levels_above_the_users_area_are_not_offered(cast, client, data):
    client.force_login(cast.kader_a)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("analytics:skdn"), {"tingkat": "city"})
    assert response.status_code == 200
    assert "Unknown level: city" in response.content.decode()
    assert response.context["level"] == "posyandu"


def test_links_lead_down_a_level_and_to_the_posyandu_page(cast, client, data):
    client.force_login(cast.analyst)
    url = reverse("analytics:skdn")
    city = client.get(url, {"tingkat": "city"}).context["rows"][0]["drill"]
    assert "tingkat=kecamatan" in city and f"wilayah={cast.city.code}" in city
    kecamatan = client.get(url + city).context["rows"]
    drill = next(r["drill"] for r in kecamatan if r["label"] == "Balikpapan Timur")
    kelurahan = client.get(url + drill)
    assert [r["label"] for r in kelurahan.context["rows"]] == ["Manggar"]
    assert "tingkat=kecamatan" in kelurahan.context["up_query"]
    posyandu = client.get(url + kelurahan.context["rows"][0]["drill"]).context["rows"]
    assert sorted(r["label"] for r in posyandu) == ["Mawar", "Melati"]
    melati = next(r["drill"] for r in posyandu if r["label"] == "Melati")
    assert melati == reverse("analytics:posyandu", args=[cast.pos_a1.pk])
    assert client.get(melati).status_code == 200


def test_the_page_shows_the_month_the_table_and_the_chart(cast, client, data):
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"
    month = add_months(THIS_MONTH, -1)
    response = client.get(reverse("analytics:skdn"),
                          {"tingkat": "posyandu", "bulan": f"{month:%Y-%m}", "tren": "6"})
    text = response.content.decode()
    assert response.context["month"] == month and len(response.context["period"]) == 6
    for label in ("S", "K", "D", "N", "T", "O", "B", "2T", "BGM", "K/S", "D/S", "D/K", "N/D",
                  "N/D′", "N/S", "BGM/D", "T/D", "2T/D"):  # fmt: skip
        assert f">{label}</abbr>" in text, label
    assert "<svg" in text and 'class="target-line"' in text and "D/S target 90%" in text
    assert "≥&nbsp;90" in text  # the target in the D/S column's head
    assert 'class="table-wrap skdn-wrap"' in text  # the table scrolls inside its wrapper
    assert len(response.context["trend_rows"]) == 6


def test_bad_choices_are_reported_and_the_page_still_answers(cast, client, data):
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("analytics:skdn"), {
        "bulan": add_months(THIS_MONTH, 2).strftime("%Y-%m"), "tren": "7",
        "wilayah": "'; drop table", "tingkat": "desa"})  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    for message in ("Figures exist up to this month only.", "Unknown trend length: 7",
                    "Unknown area", "Unknown level: desa"):  # fmt: skip
        assert message in text, message
    assert response.context["month"] == THIS_MONTH


def test_csv_and_xlsx_hold_every_area_and_month(cast, client, data):
    from openpyxl import load_workbook

    client.force_login(cast.admin)
    query = {"tingkat": "kelurahan", "tren": "6"}
    response = client.get(reverse("analytics:skdn"), {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == (2 + 1) * 6  # two kelurahan and the whole, six months
    table = skdn.skdn_table(cast.admin, "kelurahan", Period(add_months(THIS_MONTH, -5),
                                                               THIS_MONTH))  # fmt: skip
    whole = [r for r in rows if r["level"] == "all"]
    assert [int(r["D"]) for r in whole] == table.count("d")[-1].tolist()
    for r in rows:
        assert int(r["D"]) == int(r["N"]) + int(r["T"]) + int(r["O"]) + int(r["B"])
        if int(r["S"]) == 0:
            assert r["D/S %"] == ""
        else:
            assert float(r["D/S %"]) == pytest.approx(100 * int(r["D"]) / int(r["S"]), abs=1e-4)
    response = client.get(reverse("analytics:skdn"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content))["SKDN"]
    values = list(sheet.values)
    assert values[0][:6] == ("level", "area_key", "area", "parent_area", "month", "S")
    assert len(values) == 1 + len(rows)


def test_the_posyandu_page_shows_twelve_months_and_its_days(cast, client, data):
    from tumbuh.monitoring.models import PosyanduSession

    PosyanduSession.objects.create(posyandu=cast.pos_a1, date=_month(-1, 10))
    client.force_login(cast.kader_a)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("analytics:posyandu", args=[cast.pos_a1.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 12 and rows[0]["month"] == THIS_MONTH  # newest first
    text = response.content.decode()
    assert f"?posyandu={cast.pos_a1.pk}" in text  # its posyandu days
    assert response.context["session_count"] == 1
    assert 'class="target-line"' in text
    recount = direct_recount(Child.objects.filter(posyandu=cast.pos_a1), PERIOD)
    for row in rows[:4]:
        got = [int(c["value"]) for c in row["counts"]]
        assert got == [recount[(cast.pos_a1.pk, row["month"])][c] for c in skdn.COUNTS]


def test_a_tpk_member_gets_the_posyandu_of_the_teams_families_only(cast, client, data):
    client.force_login(cast.tpk_a)
    response = client.get(reverse("analytics:posyandu", args=[cast.pos_a1.pk]))
    assert response.status_code == 200 and response.context["households_only"]
    assert response.context["sessions_url"] == ""  # posyandu days are not the team's
    assert client.get(reverse("analytics:posyandu", args=[cast.pos_a2.pk])).status_code == 404


def test_the_pages_run_a_fixed_number_of_queries(cast, client, data,
                                                 django_assert_num_queries):  # fmt: skip
    client.force_login(cast.admin)
    url = reverse("analytics:skdn")
    client.get(url, {"tren": "24", "tingkat": "posyandu"})  # builds the stored months once
    # session, user, posyandu with their areas, stored months check, stored months,
    # projections
    with django_assert_num_queries(6):
        client.get(url, {"tren": "24", "tingkat": "posyandu"})
    with django_assert_num_queries(6):
        client.get(url, {"tren": "24", "tingkat": "kelurahan"})
    # narrowed to an area: its name too
    with django_assert_num_queries(7):
        client.get(url, {"tren": "24", "tingkat": "posyandu", "wilayah": cast.kel_a.code})
    # more posyandu, children and months: the same queries
    for i in range(5):
        p = Posyandu.objects.create(name=f"Baru {i}", puskesmas=cast.pkm_b, kelurahan=cast.kel_b)
        _measure(_child(cast, f"Anak baru {i}", days_old=300, posyandu=p), _month(0, 3), 8.0)
    client.get(url, {"tren": "36", "tingkat": "posyandu"})
    with django_assert_num_queries(6):
        client.get(url, {"tren": "36", "tingkat": "posyandu"})
    client.get(reverse("analytics:posyandu", args=[cast.pos_a1.pk]))
    # + the posyandu, its posyandu days, and the data-quality scorecard's stored cells (2)
    with django_assert_num_queries(9):
        page = client.get(reverse("analytics:posyandu", args=[cast.pos_a1.pk]))
    assert 'class="q-fragment"' in page.content.decode()


def test_the_chart_draws_the_target_as_a_step_per_year():
    months = Period(add_months(THIS_MONTH, -13), THIS_MONTH).months
    values = np.array([50.0 + i for i in range(len(months))])
    values[3] = math.nan  # a month without anyone registered: a gap
    target = [80.0 if m.year < THIS_MONTH.year else 90.0 for m in months]
    chart = trend_chart(months, [("D/S", "series-ds", values, None)], target,
                        title="t", description="d", target_label="D/S target")  # fmt: skip
    assert not chart.empty
    assert chart.series[0].path.count("M") == 2  # the gap splits the line
    assert len(chart.series[0].points) == len(months) - 1
    assert chart.target_path.startswith("M") and chart.target_path.count("L") == 3
    assert chart.target_label.endswith("90%")
    no_target = trend_chart(months, [("D/S", "series-ds", values, None)], [None] * len(months),
                            title="t", description="d")  # fmt: skip
    assert no_target.target_path == "" and no_target.target_label == ""
    nothing = trend_chart(months, [("D/S", "series-ds", np.full(len(months), math.nan), None)],
                          target, title="t", description="d")  # fmt: skip
    assert nothing.empty


def test_targets_come_from_the_versioned_configuration():
    shipped = skdn.load_targets()
    assert shipped.version and shipped.for_year(2026)["d_s"] == 90
    t = skdn.parse_targets({"version": "x", "years": {"2024": {"d_s": 85}, "2026": {"d_s": 90,
                            "bgm_d": 2}}}, "test")  # fmt: skip
    assert t.for_year(2023) == {} and t.for_year(2025) == {"d_s": 85.0}
    assert t.for_year(2030)["bgm_d"] == 2.0  # held until a later year is listed
    for bad in ({"years": {}}, {"version": "x", "years": {"2026": {"d_x": 90}}},
                {"version": "x", "years": {"2026": {"d_s": 190}}},
                {"version": "x", "years": {"20x6": {"d_s": 90}}},
                {"version": "x", "target": {}}):  # fmt: skip
        with pytest.raises(ValueError):
            skdn.parse_targets(bad, "test")


def test_areas_to_narrow_to_are_checked():
    assert skdn.check_within("64.71.01") == "64.71.01"
    assert skdn.check_within("") == ""
    for bad in ("64.71.x", "'; drop", "64"):
        with pytest.raises(ValueError):
            skdn.check_within(bad)


def test_a_child_who_moves_takes_its_counts_to_the_new_posyandu(cast, data):
    before = skdn.skdn_table(cast.admin, "posyandu", PERIOD)
    child = cast.child_a1
    child.posyandu = cast.pos_a2
    child.save()
    after = skdn.skdn_table(cast.admin, "posyandu", PERIOD)
    np.testing.assert_array_equal(after.counts[-1], before.counts[-1])
    recount = direct_recount(Child.objects.all(), PERIOD)
    np.testing.assert_array_equal(after.counts, expected_table(after.grouping, PERIOD, recount))
    assert grouping_for(cast.admin, "posyandu").labels == after.grouping.labels


def test_the_page_labels_the_projected_denominator(cast, client, data):
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"
    url = reverse("analytics:skdn")
    assert ">D/S proj.</abbr>" not in client.get(url).content.decode()  # none entered
    for p, n in ((cast.pos_a1, 8), (cast.pos_a2, 2)):
        UnderFiveProjection.objects.create(posyandu=p, year=THIS_MONTH.year, under_fives=n)
    text = client.get(url, {"tingkat": "kelurahan"}).content.decode()
    assert "Over the projected S" in text and ">D/S proj.</abbr>" in text
    assert "Ratios, % (S = under-fives registered)" in text


def test_projections_are_entered_in_the_administration(cast, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="root"))
    assert client.get(reverse("admin:analytics_underfiveprojection_changelist")).status_code == 200
    response = client.post(reverse("admin:analytics_underfiveprojection_add"), {
        "posyandu": cast.pos_a1.pk, "year": 2026, "under_fives": 40, "source": "Dinkes"})
    assert response.status_code == 302
    assert UnderFiveProjection.objects.get(posyandu=cast.pos_a1, year=2026).under_fives == 40


def test_an_old_month_stays_chosen_in_the_form(cast, client, data):
    client.force_login(cast.kader_a)
    response = client.get(reverse("analytics:skdn"), {"bulan": "2021-02", "tren": "6"})
    assert response.status_code == 200 and not response.context["errors"]
    assert response.context["months"][-1][0] == "2021-02"
    assert 'value="2021-02" selected' in response.content.decode()
