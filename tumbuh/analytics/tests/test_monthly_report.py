"""The monthly reports: the posyandu's form (F1) checked cell by cell against a hand count (age
group borders, a child born in the month, a child turning 60 months), equal to the stored
posyandu month; the puskesmas recap's subtotals and totals; scoping by role; the list of
children to follow up only for users who may see identities; CSV and XLSX downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tumbuh.analytics import figures, monthly_report, skdn
from tumbuh.analytics.grouping import add_months
from tumbuh.analytics.models import PosyanduMonth
from tumbuh.areas.models import Area, Posyandu
from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child, Household, Person

from .conftest import PERIOD, THIS_MONTH, _measure

pytestmark = pytest.mark.usefixtures("english")

#: The month reported on: May 2026 (the clock stands at 16 June 2026).
MAY = add_months(THIS_MONTH, -1)
D = dt.date


def _kid(cast, name, born, sex, *, kia=True, posyandu=None, household=None):
    household = household or cast.hh_a1
    return Child.objects.create(
        name=name, sex=sex, birth_date=born, household=household, mother=cast.mother_a1,
        posyandu=posyandu or household.posyandu, has_kia_book=kia,
    )  # fmt: skip


@pytest.fixture
def may(cast):
    """Posyandu Melati (A1) in May 2026, children and weighings chosen for a hand count.

    Ages are in completed months on 31 May 2026. The children of household X (not assigned
    to a TPK team) are Gita and Hadi; the rest live in household A1 (team A)."""
    hh_x = Household.objects.create(head_name="Kepala X", address="Jl. X", rt="1", rw="2",
                                    kelurahan=cast.kel_a, posyandu=cast.pos_a1)  # fmt: skip
    Person.objects.create(household=hh_x, name="Ibu X", sex="F", birth_date=D(1994, 1, 1))
    k = {}
    # Anak A1 (cast): boy born 2025-05-12, 12 months: 12-23 L. 9.0, 9.3 (N), 9.3 (T)
    k["a1"] = a1 = cast.child_a1
    for day, w in ((D(2026, 3, 3), 9.0), (D(2026, 4, 3), 9.3), (D(2026, 5, 3), 9.3)):
        _measure(a1, day, w)
    # Nadia: girl born in the month (20 May): 0 months, 0-5 P; first weighing (B)
    k["nadia"] = _kid(cast, "Nadia", D(2026, 5, 20), "F")
    _measure(k["nadia"], D(2026, 5, 25), 3.3)
    # Lukas: boy born 1 Dec 2025: 5 months, 0-5 L (the border); no KIA book; gains (N)
    k["lukas"] = _kid(cast, "Lukas", D(2025, 12, 1), "M", kia=False)
    _measure(k["lukas"], D(2026, 4, 10), 6.0)
    _measure(k["lukas"], D(2026, 5, 10), 6.8)
    # Eka: girl born 30 Nov 2025: 6 months, 6-11 P (the border); not weighed in May (a
    # length-only visit does not make D)
    k["eka"] = _kid(cast, "Eka", D(2025, 11, 30), "F")
    _measure(k["eka"], D(2026, 3, 15), 6.5)
    _measure(k["eka"], D(2026, 5, 20), length=66.0)
    # Tari: girl born 15 Jan 2025: 16 months, 12-23 P; T in April and May (2T)
    k["tari"] = _kid(cast, "Tari", D(2025, 1, 15), "F")
    for day, w in ((D(2026, 3, 15), 9.0), (D(2026, 4, 15), 9.0), (D(2026, 5, 15), 8.9)):
        _measure(k["tari"], day, w)
    # Oki: boy born 1 Jun 2024: 23 months, 12-23 L (the border); weighed in Feb and May (O)
    k["oki"] = _kid(cast, "Oki", D(2024, 6, 1), "M")
    _measure(k["oki"], D(2026, 2, 10), 10.0)
    _measure(k["oki"], D(2026, 5, 10), 10.5)
    # Gita: girl born 31 May 2024: 24 months, 24-59 P (the border); first weighing, far too
    # light (B and BGM); household X
    k["gita"] = _kid(cast, "Gita", D(2024, 5, 31), "F", household=hh_x)
    _measure(k["gita"], D(2026, 5, 12), 7.0)
    # Hadi: boy born 1 May 2021: 1826 days old on 1 May (in S), 60 months on 31 May: 24-59 L;
    # weighed on 1 May at 1826 days (D, B); household X
    k["hadi"] = _kid(cast, "Hadi", D(2021, 5, 1), "M", household=hh_x)
    _measure(k["hadi"], D(2026, 5, 1), 17.0)
    # not counted: Umar is 1827 days old on 1 May; Yuni is born in June; Lukas' duplicate is
    # merged away; Anak A2 belongs to posyandu Mawar
    k["umar"] = _kid(cast, "Umar", D(2021, 4, 30), "F")
    _measure(k["umar"], D(2026, 5, 1), 17.5)
    k["yuni"] = _kid(cast, "Yuni", D(2026, 6, 2), "F")
    dup = _kid(cast, "Lukas (ganda)", D(2025, 12, 1), "M")
    _measure(dup, D(2026, 5, 6), 6.7)
    Child.objects.filter(pk=dup.pk).update(merged_into=k["lukas"])
    _measure(cast.child_a2, D(2026, 5, 8), 9.1)
    return k


#: The hand count of Melati, May 2026: (row, age group, sex) -> children, every other cell 0.
HAND = {
    ("s", "0-5", "L"): 1, ("s", "0-5", "P"): 1, ("s", "6-11", "P"): 1,
    ("s", "12-23", "L"): 2, ("s", "12-23", "P"): 1, ("s", "24-59", "L"): 1,
    ("s", "24-59", "P"): 1,
    # K: Lukas (0-5 L) has no KIA book
    ("k", "0-5", "P"): 1, ("k", "6-11", "P"): 1, ("k", "12-23", "L"): 2,
    ("k", "12-23", "P"): 1, ("k", "24-59", "L"): 1, ("k", "24-59", "P"): 1,
    # D: everyone but Eka
    ("d", "0-5", "L"): 1, ("d", "0-5", "P"): 1, ("d", "12-23", "L"): 2,
    ("d", "12-23", "P"): 1, ("d", "24-59", "L"): 1, ("d", "24-59", "P"): 1,
    ("n", "0-5", "L"): 1,  # Lukas
    ("t", "12-23", "L"): 1, ("t", "12-23", "P"): 1,  # Anak A1, Tari
    ("o", "12-23", "L"): 1,  # Oki
    ("b", "0-5", "P"): 1, ("b", "24-59", "L"): 1, ("b", "24-59", "P"): 1,  # Nadia, Hadi, Gita
    ("t2", "12-23", "P"): 1,  # Tari
    ("bgm", "24-59", "P"): 1,  # Gita
}  # fmt: skip
HAND_TOTALS = {"s": (4, 4, 8), "k": (3, 4, 7), "d": (4, 3, 7), "n": (1, 0, 1), "t": (1, 1, 2),
               "o": (1, 0, 1), "b": (1, 2, 3), "t2": (0, 1, 1), "bgm": (0, 1, 1)}  # fmt: skip


def _expected() -> np.ndarray:
    out = np.zeros((len(monthly_report.ROWS), 4, 2), dtype=int)
    groups = [label for label, _first in monthly_report.AGE_GROUPS]
    for (row, group, sex), n in HAND.items():
        out[monthly_report.ROW_INDEX[row], groups.index(group), "LP".index(sex)] = n
    return out


def test_the_children_got_the_statuses_the_hand_count_assumes(may):
    def status(child):
        r = ChildMeasurement.objects.get(child=child, measured_month=MAY, counts_for_month=True)
        return r.growth_status, r.is_2t, r.is_bgm

    assert status(may["a1"]) == ("T", False, False)
    assert status(may["nadia"]) == ("B", False, False)
    assert status(may["lukas"]) == ("N", False, False)
    assert status(may["tari"]) == ("T", True, False)
    assert status(may["oki"]) == ("O", False, False)
    assert status(may["gita"])[::2] == ("B", True)
    assert status(may["hadi"])[0] == "B"


def test_every_cell_equals_the_hand_count(cast, may):
    report = monthly_report.posyandu_report(cast.admin, cast.pos_a1, MAY)
    np.testing.assert_array_equal(report.counts, _expected())
    for code, (boys, girls, both) in HAND_TOTALS.items():
        assert report.totals[monthly_report.ROW_INDEX[code]].tolist() == [boys, girls, both]
    d, ntob = report.check()
    assert d.tolist() == ntob.tolist() == [4, 3, 7]
    assert (report.counts[monthly_report.ROW_INDEX["d"]]
            <= report.counts[monthly_report.ROW_INDEX["s"]]).all()  # fmt: skip
    assert not report.households_only


def test_the_ratios_are_over_the_totals(cast, may):
    ratios = monthly_report.posyandu_report(cast.admin, cast.pos_a1, MAY).ratios()
    assert list(ratios) == ["k_s", "d_s", "d_k", "n_d", "n_s", "bgm_d", "t_d", "t2_d"]
    np.testing.assert_allclose(ratios["k_s"], [75.0, 100.0, 87.5])
    np.testing.assert_allclose(ratios["d_s"], [100.0, 75.0, 87.5])
    np.testing.assert_allclose(ratios["d_k"], [400 / 3, 75.0, 100.0])
    np.testing.assert_allclose(ratios["n_d"], [25.0, 0.0, 100 / 7])
    np.testing.assert_allclose(ratios["n_s"], [25.0, 0.0, 12.5])
    np.testing.assert_allclose(ratios["bgm_d"], [0.0, 100 / 3, 100 / 7])
    np.testing.assert_allclose(ratios["t_d"], [25.0, 100 / 3, 200 / 7])
    np.testing.assert_allclose(ratios["t2_d"], [0.0, 100 / 3, 100 / 7])
    empty = Posyandu.objects.create(name="Kamboja", puskesmas=cast.pkm_a, kelurahan=cast.kel_a)
    nothing = monthly_report.posyandu_report(cast.admin, empty, MAY).ratios()
    assert all(np.isnan(v).all() for v in nothing.values())


def test_the_totals_equal_the_stored_posyandu_month(cast, may, data):
    # every posyandu and month of the shared data too, not only the hand-counted one
    ids = list(Posyandu.objects.values_list("pk", flat=True))
    figures.ensure(ids, PERIOD)
    for p in Posyandu.objects.all():
        for month in PERIOD.months:
            report = monthly_report.posyandu_report(cast.admin, p, month)
            stored = PosyanduMonth.objects.get(posyandu=p, month=month)
            got = dict(zip(monthly_report.ROWS, report.totals[:, 2].tolist(), strict=True))
            assert got == {c: getattr(stored, c) for c in skdn.COUNTS}, (p.name, month)


def test_the_follow_up_list(cast, may):
    report = monthly_report.posyandu_report(cast.bidan_a, cast.pos_a1, MAY)
    rows = [(f.name, f.sex, f.age_months, f.reasons) for f in report.follow_up]
    assert rows == [
        ("Eka", "P", 6, ["Not weighed this month"]),
        ("Gita", "P", 24, ["Below the red line (BGM)"]),
        ("Tari", "P", 16, ["Did not gain enough weight for the second month in a row (2T)"]),
    ]
    assert monthly_report.posyandu_report(cast.analyst, cast.pos_a1, MAY).follow_up is None


def test_a_tpk_member_gets_the_families_of_the_team_only(cast, may, client):
    report = monthly_report.posyandu_report(cast.tpk_a, cast.pos_a1, MAY)
    assert report.households_only
    expected = _expected()
    expected[:, 3, :] = 0  # Gita and Hadi (24-59) live in household X, not the team's
    np.testing.assert_array_equal(report.counts, expected)
    assert [f.name for f in report.follow_up] == ["Eka", "Tari"]
    client.force_login(cast.tpk_a)
    response = client.get(reverse("analytics:posyandu_report", args=[cast.pos_a1.pk]),
                          {"bulan": "2026-05"})  # fmt: skip
    assert response.status_code == 200
    assert "Figures of the families assigned to your team only." in response.content.decode()
    assert "Puskesmas recap" not in response.content.decode()


def test_the_page_shows_the_form(cast, may, client):
    client.force_login(cast.bidan_a)
    url = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    response = client.get(url, {"bulan": "2026-05"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Monthly posyandu report (F1)", "Melati", "Manggar", "Balikpapan Timur",
                 "May 2026", "Under-fives registered (sasaran)",
                 "Below the red line (BGM)", "0-5 months", "24-59 months",
                 "Check: D = N + T + O + B", "Children to follow up this month",
                 "Not weighed this month"):  # fmt: skip
        assert text in html, text
    assert "analytics/css/monthly.css" in html
    assert f"{reverse('analytics:recap')}?bulan=2026-05&amp;puskesmas={cast.pkm_a.pk}" in html
    # the D row: 0-5 L, 0-5 P, 6-11 L, 6-11 P, 12-23 L, 12-23 P, 24-59 L, 24-59 P, totals
    d_row = next(r for r in response.context["rows"] if r["code"] == "D")
    assert d_row["cells"] == ["1", "1", "0", "0", "2", "1", "1", "1"]
    assert d_row["totals"] == ["4", "3", "7"]
    assert response.context["check_ok"]


def test_the_print_stylesheet_is_a4_landscape():
    from django.contrib.staticfiles import finders

    css = open(finders.find("analytics/css/monthly.css"), encoding="utf-8").read()
    assert "@media print" in css and "size:A4 landscape" in css


def test_no_identity_permission_hides_the_list_not_the_counts(cast, may, client):
    client.force_login(cast.analyst)
    url = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    html = client.get(url, {"bulan": "2026-05"}).content.decode()
    assert "Children to follow up this month" not in html
    for name in ("Eka", "Gita", "Tari"):
        assert name not in html
    assert "Under-fives registered (sasaran)" in html
    client.force_login(cast.analyst_names)
    assert "Tari" in client.get(url, {"bulan": "2026-05"}).content.decode()


def test_scoping_of_the_posyandu_report(cast, may, client):
    url_a1 = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    url_a2 = reverse("analytics:posyandu_report", args=[cast.pos_a2.pk])
    client.force_login(cast.bidan_b)  # another puskesmas' posyandu
    assert client.get(url_a1).status_code == 404
    client.force_login(cast.kader_a)  # his own posyandu only
    assert client.get(url_a1).status_code == 200
    assert client.get(url_a2).status_code == 404
    client.force_login(cast.tpk_b)  # no family of team B at Melati
    assert client.get(url_a1).status_code == 404


def test_a_bad_or_future_month_is_said_and_replaced(cast, may, client):
    client.force_login(cast.kader_a)
    url = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    response = client.get(url, {"bulan": "mei"})
    assert response.status_code == 200 and response.context["month"] == THIS_MONTH
    assert "is not a month" in response.content.decode()
    response = client.get(url, {"bulan": "2027-01"})
    assert response.context["month"] == THIS_MONTH
    assert "Figures exist up to this month only." in response.content.decode()


def _csv_tables(response) -> list[list[list[str]]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    tables, current = [], []
    for row in rows:
        if not row:
            tables.append(current)
            current = []
        else:
            current.append(row)
    tables.append(current)
    return tables


def test_the_downloads_hold_the_same_numbers(cast, may, client):
    client.force_login(cast.admin)
    url = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    expected = _expected()
    totals = monthly_report.posyandu_report(cast.admin, cast.pos_a1, MAY).totals

    response = client.get(url, {"bulan": "2026-05", "format": "xlsx"})
    assert response.status_code == 200
    assert 'filename="laporan-bulanan-' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["SKDN", "Rasio", "Tindak lanjut", "Notes"]
    sheet = list(wb["SKDN"].iter_rows(values_only=True))
    assert sheet[0][:4] == ("Code", "Meaning", "0-5 L", "0-5 P")
    assert sheet[0][-3:] == ("Total L", "Total P", "Total L+P")
    assert [r[0] for r in sheet[1:]] == ["S", "K", "D", "N", "T", "O", "B", "2T", "BGM"]
    for i, r in enumerate(sheet[1:]):
        assert list(r[2:10]) == expected[i].reshape(-1).tolist()
        assert list(r[10:]) == totals[i].tolist()
    ratios = {r[0]: r[2:] for r in wb["Rasio"].iter_rows(min_row=2, values_only=True)}
    assert ratios["D/S"] == (100.0, 75.0, 87.5)
    follow = list(wb["Tindak lanjut"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in follow] == [("Eka", 6), ("Gita", 24), ("Tari", 16)]
    notes = [r[0] for r in wb["Notes"].iter_rows(values_only=True)]
    assert "Posyandu: Melati" in notes and "Month: May 2026" in notes

    response = client.get(url, {"bulan": "2026-05", "format": "csv"})
    tables = _csv_tables(response)
    skdn_rows, ratio_rows, follow_rows = tables[:3]
    assert skdn_rows[0] == [str(c) for c in sheet[0]]
    for i, r in enumerate(skdn_rows[1:]):
        assert [int(v) for v in r[2:]] == [*expected[i].reshape(-1).tolist(), *totals[i]]
    assert ratio_rows[2][:1] == ["D/S"] and ratio_rows[2][2:] == ["100.0", "75.0", "87.5"]
    assert [r[0] for r in follow_rows[1:]] == ["Eka", "Gita", "Tari"]

    client.force_login(cast.analyst)  # no identity permission: no follow-up sheet
    wb = load_workbook(io.BytesIO(client.get(url, {"bulan": "2026-05", "format": "xlsx"}).content))
    assert wb.sheetnames == ["SKDN", "Rasio", "Notes"]
    assert "Eka" not in client.get(url, {"bulan": "2026-05", "format": "csv"}).content.decode()


# ---------------------------------------------------------------------------------------------
# The puskesmas recap


@pytest.fixture
def teritip(cast):
    """A second kelurahan of puskesmas Manggar with posyandu Anggrek and one girl weighed."""
    kel = Area.objects.create(code="64.71.01.1003", name="Teritip", level=4, parent=cast.kec_a)
    anggrek = Posyandu.objects.create(name="Anggrek", puskesmas=cast.pkm_a, kelurahan=kel)
    hh = Household.objects.create(head_name="Kepala T", address="Jl. T", rt="1", rw="1",
                                  kelurahan=kel, posyandu=anggrek)  # fmt: skip
    rina = _kid(cast, "Rina", D(2025, 8, 1), "F", household=hh)
    _measure(rina, D(2026, 5, 9), 8.0)
    return anggrek


def _counts(row) -> dict:
    return dict(zip(monthly_report.ROWS, row.counts.tolist(), strict=True))


def test_the_recap_groups_by_kelurahan_with_subtotals_and_a_total(cast, may, teritip):
    recap = monthly_report.recap(cast.bidan_a, MAY, str(cast.pkm_a.pk))
    assert [b.name for b in recap.blocks] == ["Manggar"] and recap.total is None
    rows = recap.blocks[0].rows
    assert [(r.kind, r.label) for r in rows] == [
        ("posyandu", "Mawar"), ("posyandu", "Melati"), ("kelurahan", "Manggar"),
        ("posyandu", "Anggrek"), ("kelurahan", "Teritip"), ("puskesmas", "Manggar"),
    ]  # fmt: skip
    melati = {c: HAND_TOTALS[c][2] for c in monthly_report.ROWS}
    mawar = dict.fromkeys(monthly_report.ROWS, 0) | {"s": 1, "k": 1, "d": 1, "b": 1}
    anggrek = dict(mawar)
    assert _counts(rows[0]) == mawar
    assert _counts(rows[1]) == melati
    assert _counts(rows[2]) == {c: mawar[c] + melati[c] for c in melati}
    assert _counts(rows[3]) == anggrek
    assert _counts(rows[4]) == anggrek
    assert _counts(rows[5]) == {c: mawar[c] + melati[c] + anggrek[c] for c in melati}
    # each posyandu row is its stored month
    for row in rows:
        if row.kind == "posyandu":
            stored = PosyanduMonth.objects.get(posyandu_id=row.posyandu_id, month=MAY)
            assert _counts(row) == {c: getattr(stored, c) for c in skdn.COUNTS}


def test_all_puskesmas_one_block_each_and_a_total(cast, may, teritip):
    recap = monthly_report.recap(cast.analyst, MAY, monthly_report.ALL)
    assert [b.name for b in recap.blocks] == ["Baru Ilir", "Manggar"]
    baru_ilir = _counts(recap.blocks[0].rows[-1])
    manggar = _counts(recap.blocks[1].rows[-1])
    assert baru_ilir["s"] == 1 and baru_ilir["d"] == 0  # Anak B1, not weighed in May
    assert manggar["s"] == 10 and manggar["d"] == 9
    assert _counts(recap.total) == {c: baru_ilir[c] + manggar[c] for c in manggar}


def test_the_recap_page(cast, may, teritip, client):
    client.force_login(cast.bidan_a)
    url = reverse("analytics:recap")
    response = client.get(url, {"bulan": "2026-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Puskesmas SKDN recap" in html and "Kelurahan Teritip" in html
    assert 'name="puskesmas"' in html and "<select name=\"puskesmas\"" not in html  # no choice
    f1 = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk]) + "?bulan=2026-05"
    assert f'href="{f1}"' in html
    total = response.context["blocks"][0]["rows"][-1]
    assert total["counts"] == ["10", "9", "9", "1", "2", "1", "5", "1", "1"]
    # K/S, D/S, N/D, BGM/D of the puskesmas: 9/10, 9/10, 1/9, 1/9
    assert total["ratios"] == ["90", "90", "11.1", "11.1"]
    # another puskesmas does not exist for her; "all" is not hers to choose
    assert client.get(url, {"puskesmas": str(cast.pkm_b.pk)}).status_code == 404
    assert client.get(url, {"puskesmas": "all"}).status_code == 404
    assert client.get(url, {"puskesmas": "x"}).status_code == 404


def test_analysts_choose_a_puskesmas_or_all(cast, may, teritip, client):
    client.force_login(cast.analyst)
    url = reverse("analytics:recap")
    response = client.get(url, {"bulan": "2026-05"})
    html = response.content.decode()
    assert '<select name="puskesmas">' in html and "All puskesmas" in html
    assert [b["name"] for b in response.context["blocks"]] == ["Baru Ilir"]  # the first
    response = client.get(url, {"bulan": "2026-05", "puskesmas": "all"})
    assert [b["name"] for b in response.context["blocks"]] == ["Baru Ilir", "Manggar"]
    assert response.context["total"]["counts"][0] == "11"
    client.force_login(cast.analyst_other_city)
    response = client.get(url, {"bulan": "2026-05", "puskesmas": str(cast.pkm_a.pk)})
    assert response.status_code == 404
    response = client.get(url, {"bulan": "2026-05"})
    assert response.status_code == 200 and "No posyandu in your area." in response.content.decode()


def test_kader_and_tpk_get_no_recap(cast, client):
    for user in (cast.kader_a, cast.tpk_a):
        client.force_login(user)
        assert client.get(reverse("analytics:recap")).status_code == 403


def test_the_recap_downloads(cast, may, teritip, client):
    client.force_login(cast.admin)
    url = reverse("analytics:recap")
    query = {"bulan": "2026-05", "puskesmas": "all"}
    wb = load_workbook(io.BytesIO(client.get(url, {**query, "format": "xlsx"}).content))
    rows = list(wb["Rekap"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Puskesmas", "Kelurahan", "Posyandu", "Row", "S")
    assert rows[0][-4:] == ("K/S %", "D/S %", "N/D %", "BGM/D %")
    melati = next(r for r in rows if r[2] == "Melati")
    assert list(melati[4:13]) == [HAND_TOTALS[c][2] for c in monthly_report.ROWS]
    assert melati[14] == 87.5  # D/S
    total = rows[-1]
    assert total[3] == "total" and total[4:7] == (11, 10, 9)
    csv_rows = _csv_tables(client.get(url, {**query, "format": "csv"}))[0]
    assert [str(v) if v is not None else "" for v in rows[-1]] == csv_rows[-1]


# ---------------------------------------------------------------------------------------------
# Links from the SKDN pages


def test_links_from_the_skdn_pages(cast, client):
    f1 = reverse("analytics:posyandu_report", args=[cast.pos_a1.pk])
    recap = reverse("analytics:recap")
    client.force_login(cast.kader_a)  # one posyandu: its F1; no recap
    html = client.get(reverse("analytics:skdn")).content.decode()
    assert f1 in html and "Monthly report (F1)" in html and recap not in html
    html = client.get(reverse("analytics:posyandu", args=[cast.pos_a1.pk])).content.decode()
    assert f1 in html and recap not in html
    client.force_login(cast.bidan_a)
    html = client.get(reverse("analytics:skdn"), {"tingkat": "posyandu"}).content.decode()
    assert f1 in html and "Puskesmas recap" in html and recap in html
    html = client.get(reverse("analytics:posyandu", args=[cast.pos_a1.pk])).content.decode()
    assert f"{recap}?bulan=" in html and f"puskesmas={cast.pkm_a.pk}" in html
