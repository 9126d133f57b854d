"""The training pages by role: lists, the cadre page beside the scorecard, the forms and the
attendance table, coverage and its CSV and XLSX, query counts (docs/training.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tumbuh.quality.tests.dataset import build, recount
from tumbuh.testing import assert_xlsx_holds_the_csv
from tumbuh.training import config, services
from tumbuh.training.models import Attendance, Cadre, Session
from tumbuh.training.services import AttendanceInput, record_attendance


def get(client, user, url, **params):
    client.force_login(user)
    with translation.override("en"):
        return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def post(client, user, url, data):
    client.force_login(user)
    with translation.override("en"):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Attendance ----------------------------------------------------------------------------


def _attendance_post(response, changes: dict):
    """The attendance form as the page rendered it, with ``changes`` by cadre name."""
    formset = response.context["formset"]
    data = {f"hadir-{k}": v for k, v in formset.management_form.initial.items()}
    for cadre, form in response.context["pairs"]:
        p = form.prefix
        values = {"attended": form.initial.get("attended"), "pre_score": form.initial.get(
            "pre_score"), "post_score": form.initial.get("post_score")}
        values.update(changes.get(cadre.name, {}))
        data[f"{p}-cadre"] = str(cadre.pk)
        if values["attended"]:
            data[f"{p}-attended"] = "on"
        for key in ("pre_score", "post_score"):
            data[f"{p}-{key}"] = "" if values[key] is None else str(values[key])
    return data


def test_a_bidan_records_a_whole_session_on_one_screen(cast, people, make_session, client):
    s = make_session()
    url = reverse("training:session-detail", args=[s.pk])
    page = get(client, cast.bidan_a, url)
    assert [c.name for c, _f in page.context["pairs"]] == [
        "Ani Melati", "Bidan Tim", "Hasnah Tim", "Rina Mawar", "Sri Melati"]
    data = _attendance_post(page, {
        "Sri Melati": {"attended": True, "pre_score": 45, "post_score": 90},
        "Rina Mawar": {"attended": True, "pre_score": 70, "post_score": 60},
        "Bidan Tim": {"attended": True},
    })
    response = post(client, cast.bidan_a, url, data)
    assert response.status_code == 302
    rows = {a.cadre.name: a for a in Attendance.objects.filter(session=s).select_related("cadre")}
    assert set(rows) == {"Sri Melati", "Rina Mawar", "Bidan Tim"}
    mark = config.current().pass_mark
    assert (rows["Sri Melati"].post_score, rows["Sri Melati"].passed) == (90, 90 >= mark)
    assert rows["Rina Mawar"].passed is (60 >= mark)
    assert rows["Bidan Tim"].passed is None
    page = text(get(client, cast.bidan_a, url))
    assert "3 attended" in page.replace("3attended", "3 attended")
    assert "57.5" in page  # mean pre-test (45 + 70) / 2
    assert "75.0" in page  # mean post-test
    assert "+17.5" in page  # mean gain


@pytest.mark.parametrize("change, message", [
    ({"attended": True, "pre_score": 101}, "less than or equal to 100"),
    ({"attended": True, "post_score": -1}, "greater than or equal to 0"),
    ({"attended": False, "post_score": 80}, "Scores were entered but “attended” is not ticked."),
])  # fmt: skip
def test_a_bad_score_is_explained_and_nothing_is_saved(cast, people, make_session, client,
                                                       change, message):
    s = make_session()
    url = reverse("training:session-detail", args=[s.pk])
    data = _attendance_post(get(client, cast.bidan_a, url), {
        "Ani Melati": {"attended": True, "pre_score": 50, "post_score": 70},
        "Sri Melati": change,
    })
    response = post(client, cast.bidan_a, url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attendance.objects.filter(session=s).exists()


def test_a_cadre_from_elsewhere_cannot_be_slipped_into_the_table(cast, people, make_session,
                                                                  client):
    s = make_session()
    url = reverse("training:session-detail", args=[s.pk])
    data = _attendance_post(get(client, cast.bidan_a, url), {})
    data["hadir-0-cadre"] = str(people["b"].pk)
    data["hadir-0-attended"] = "on"
    response = post(client, cast.bidan_a, url, data)
    assert response.status_code == 200
    assert "not on this session" in response.content.decode()
    assert not Attendance.objects.filter(session=s).exists()


def test_only_the_sessions_managers_may_save_attendance(cast, people, make_session, client):
    s = make_session()
    url = reverse("training:session-detail", args=[s.pk])
    for user in (cast.kader_a, cast.tpk_a, cast.analyst):
        assert post(client, user, url, {}).status_code == 403
    assert post(client, cast.bidan_b, url, {}).status_code == 404
    city = make_session(puskesmas=None)
    record_attendance(city, [AttendanceInput(people["a"].pk, True, 50, 80)], user=cast.admin)
    city_url = reverse("training:session-detail", args=[city.pk])
    assert get(client, cast.bidan_a, city_url).context["formset"] is None  # reads only
    assert post(client, cast.bidan_a, city_url, {}).status_code == 403


def test_a_reader_sees_only_the_attendance_of_cadres_they_see(cast, people, make_session,
                                                              client):
    s = make_session()
    record_attendance(s, [AttendanceInput(people["a"].pk, True, 50, 80),
                          AttendanceInput(people["a2"].pk, True, 60, 90)], user=cast.admin)
    page = text(get(client, cast.kader_a2, reverse("training:session-detail", args=[s.pk])))
    assert "Rina Mawar" in page and "Sri Melati" not in page
    assert "85.0" in page  # the session's figures count every attendee


def test_an_administrator_lists_another_puskesmas_cadres(cast, people, make_session, client):
    s = make_session(puskesmas=None)
    url = reverse("training:session-detail", args=[s.pk])
    response = get(client, cast.admin, url, puskesmas=str(cast.pkm_b.pk))
    assert [c.name for c, _f in response.context["pairs"]] == ["Budi Kenanga"]


# --- Sessions ------------------------------------------------------------------------------


def test_a_bidans_session_belongs_to_her_puskesmas(cast, modules, client):
    url = reverse("training:session-create")
    assert get(client, cast.kader_a, url).status_code == 403
    assert get(client, cast.analyst, url).status_code == 403
    response = post(client, cast.bidan_a, url, {
        "title": "Penyegaran antropometri", "modules": [modules["ANT-1"].pk,
                                                        modules["ANT-2"].pk],
        "start_date": "2026-03-02", "end_date": "2026-03-03", "kelurahan": cast.kel_a.pk,
        "venue": "Aula", "organiser": "Puskesmas Manggar", "trainer": "Ibu Gizi",
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    s = Session.objects.get()
    assert s.puskesmas == cast.pkm_a and s.created_by == cast.bidan_a
    assert sorted(s.modules.values_list("code", flat=True)) == ["ANT-1", "ANT-2"]
    bad = post(client, cast.bidan_a, url, {"title": "X", "modules": [modules["ANT-1"].pk],
                                           "start_date": "2026-03-05", "end_date": "2026-03-01",
                                           "kelurahan": cast.kel_b.pk})  # fmt: skip
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"end_date", "kelurahan"}
    edit = reverse("training:session-edit", args=[s.pk])
    assert get(client, cast.bidan_b, edit).status_code == 404
    assert get(client, cast.kader_a, edit).status_code == 403


def test_the_session_list_has_a_fixed_number_of_queries(cast, people, make_session, client,
                                                        django_assert_max_num_queries):
    for i in range(12):
        s = make_session(("ANT-1", "KMS-1"), title=f"S{i}")
        record_attendance(s, [AttendanceInput(people["a"].pk, True, 40 + i, 80)],
                          user=cast.admin)
    client.force_login(cast.bidan_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:session-list"))
    assert len(response.context["sessions"]) == 12


# --- Cadres --------------------------------------------------------------------------------


def test_the_cadre_list_filters_and_counts_in_a_fixed_number_of_queries(
        cast, people, make_session, client, django_assert_max_num_queries):
    s = make_session()
    record_attendance(s, [AttendanceInput(people["a"].pk, True, 50, 80)], user=cast.admin)
    for i in range(30):
        Cadre.objects.create(name=f"Tambahan {i:02d}", posyandu=cast.pos_a2,
                             active_since=dt.date(2021, 1, 1))
    url = reverse("training:cadre-list")
    client.force_login(cast.bidan_a)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.context["page"].paginator.count == 35  # active: 5 + 30
    names = [c.name for c in get(client, cast.bidan_a, url, terlatih="ya").context["cadres"]]
    assert names == ["Sri Melati"]
    untrained = get(client, cast.bidan_a, url, terlatih="tidak").context["page"]
    assert untrained.paginator.count == 34
    at_melati = get(client, cast.bidan_a, url, posyandu=str(cast.pos_a1.pk), keluar="1")
    assert [c.name for c in at_melati.context["cadres"]] == [
        "Ani Melati", "Lama Melati", "Sri Melati"]
    team = get(client, cast.bidan_a, url, peran="tpk_bidan").context["cadres"]
    assert [c.name for c in team] == ["Bidan Tim"]
    # a posyandu outside the scope is ignored, not an error
    other = get(client, cast.kader_a, url, posyandu=str(cast.pos_b1.pk))
    assert [c.name for c in other.context["cadres"]] == ["Ani Melati", "Sri Melati"]


def test_phone_and_nik_need_the_identity_permission(cast, people, client):
    url = reverse("training:cadre-detail", args=[people["a"].pk])
    assert "0812111" not in get(client, cast.analyst, url).content.decode()
    page = text(get(client, cast.analyst, url))
    assert "Sri Melati" in page  # names are staff data (docs/training.md)
    assert "0812111" in get(client, cast.analyst_names, url).content.decode()
    assert "0812111" in get(client, cast.bidan_a, url).content.decode()


def test_a_bidan_registers_a_cadre_of_her_area_only(cast, modules, client):
    url = reverse("training:cadre-create")
    assert get(client, cast.kader_a, url).status_code == 403
    assert get(client, cast.tpk_a, url).status_code == 403
    form = {"name": "Dewi Baru", "sex": "F", "role": "posyandu", "active_since": "2024-05-01",
            "is_active": "on"}
    bad = post(client, cast.bidan_a, url, {**form, "posyandu": cast.pos_b1.pk})
    assert bad.status_code == 200 and "posyandu" in bad.context["form"].errors
    team_without = post(client, cast.bidan_a, url, {**form, "role": "kb",
                                                    "posyandu": cast.pos_a1.pk})
    assert "needs the team" in str(team_without.context["form"].errors)
    response = post(client, cast.bidan_a, url, {**form, "posyandu": cast.pos_a1.pk,
                                                "user": cast.kader_a2.pk})
    assert response.status_code == 302
    cadre = Cadre.objects.get(name="Dewi Baru")
    assert (cadre.posyandu, cadre.kelurahan, cadre.user) == (cast.pos_a1, cast.kel_a,
                                                             cast.kader_a2)
    # an account linked once is not offered again
    again = get(client, cast.bidan_a, url)
    assert cast.kader_a2 not in again.context["form"].fields["user"].queryset
    edit = reverse("training:cadre-edit", args=[cadre.pk])
    left = {**form, "name": "Dewi Lama", "posyandu": cast.pos_a1.pk, "left_on": "2025-01-01",
            "user": cast.kader_a2.pk}
    still_active = post(client, cast.bidan_a, edit, left)
    assert "untick" in str(still_active.context["form"].errors["is_active"])
    del left["is_active"]
    assert post(client, cast.bidan_a, edit, left).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.name, cadre.left_on, cadre.is_active) == ("Dewi Lama", dt.date(2025, 1, 1),
                                                            False)
    assert get(client, cast.kader_a2, edit).status_code == 403  # her own record: reads only


# --- The cadre page beside the scorecard ---------------------------------------------------


@pytest.fixture
def measured(cast, make_session):
    """The scorecard's hand-built rows (Aug and Sep 2025), and a cadre record for the recorder
    who rounds weights, trained in measuring early in September 2025."""
    data = build(cast)
    cadre = Cadre.objects.create(name="Rini Bulat", posyandu=cast.pos_a1, user=data.rounder,
                                 active_since=dt.date(2019, 1, 1))
    session = make_session(("ANT-2",), day=dt.date(2025, 9, 3), title="Penimbangan")
    record_attendance(session, [AttendanceInput(cadre.pk, True, 40, 85)], user=cast.admin)
    return data, cadre


def _fmt(value, decimals=1) -> str:
    return "—" if math.isnan(value) else f"{value:.{decimals}f}"


def test_the_cadre_page_shows_the_scorecard_before_and_after_training(cast, measured, client):
    data, cadre = measured
    mine = [r for r in data.counted if r.created_by_id == data.rounder.pk]
    before = [r for r in mine if r.measured_month == dt.date(2025, 8, 1)]
    with time_machine.travel(dt.datetime(2025, 10, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        response = get(client, cast.bidan_a, reverse("training:cadre-detail", args=[cadre.pk]))
    panel = response.context["quality"]
    assert panel.training.title == "Penimbangan"
    assert [c.n for c in panel.columns] == [len(mine), len(before), 0]
    rows = {r.key: r for r in panel.rows}
    expected_all, expected_before = recount(mine), recount(before)
    assert rows["flagged"].cells[0].text == _fmt(expected_all["flagged"]) + "%"
    assert rows["flagged"].cells[1].text == _fmt(expected_before["flagged"]) + "%"
    assert rows["dps_weight"].cells[0].text in (_fmt(expected_all["dps_weight"]), "–")
    page = text(response)
    assert "6 months before training" in page and "Last 12 months" in page
    assert reverse("quality:cadre", args=[data.rounder.pk]) in response.content.decode()


def test_the_panel_follows_the_scorecards_own_scope(cast, measured, people, client):
    data, cadre = measured
    today = dt.date(2025, 10, 15)
    # a kader sees a colleague's cadre page, but only their own scorecard
    assert services.quality_panel(cadre, cast.kader_a, today=today) is None
    assert services.quality_panel(people["a"], cast.kader_a, today=today) is not None
    assert services.quality_panel(cadre, cast.analyst, today=today) is not None
    page = text(get(client, cast.kader_a, reverse("training:cadre-detail", args=[cadre.pk])))
    assert "Only the cadre themselves" in page
    # no account: no figures
    no_account = text(get(client, cast.bidan_a, reverse("training:cadre-detail",
                                                        args=[people["a_colleague"].pk])))
    assert "has no account" in no_account


# --- Coverage ------------------------------------------------------------------------------


def test_the_coverage_csv_holds_the_pages_figures(cast, people, make_session, client):
    s = make_session(config.current().core_codes)
    record_attendance(s, [AttendanceInput(people["a"].pk, True, 50, 80)], user=cast.admin)
    page = get(client, cast.bidan_a, reverse("training:coverage"))
    assert page.status_code == 200
    cov = page.context["cov"]
    response = get(client, cast.bidan_a, reverse("training:coverage-csv"), tingkat="kelurahan")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["kelurahan", "parent", "active_cadres"]
    manggar = next(r for r in rows if r[0] == "Manggar")
    assert int(manggar[2]) == cov.rows[0].active == 5
    assert manggar[-2:] == ["1", "20.0"]
    assert get(client, cast.kader_b, reverse("training:coverage-csv")).content.decode().count(
        "Manggar") == 0


def test_the_coverage_xlsx_holds_the_csv_table(cast, people, make_session, client):
    s = make_session(config.current().core_codes)
    record_attendance(s, [AttendanceInput(people["a"].pk, True, 50, 80)], user=cast.admin)
    page = get(client, cast.bidan_a, reverse("training:coverage"), tingkat="puskesmas")
    assert f'{reverse("training:coverage-xlsx")}?tingkat=puskesmas' in page.content.decode()
    numbers = ["active_cadres", "all_core_trained", "all_core_pct"]
    for user, level in ((cast.bidan_a, "kelurahan"), (cast.admin, "puskesmas"),
                        (cast.kader_b, "kelurahan")):  # fmt: skip
        csv_response = get(client, user, reverse("training:coverage-csv"), tingkat=level)
        xlsx_response = get(client, user, reverse("training:coverage-xlsx"), tingkat=level)
        assert_xlsx_holds_the_csv(csv_response, xlsx_response, numbers=numbers)
    book = load_workbook(io.BytesIO(get(client, cast.bidan_a, reverse("training:coverage-xlsx"),
                                        tingkat="kelurahan").content))  # fmt: skip
    manggar = next(r for r in book.worksheets[0].iter_rows(values_only=True) if r[0] == "Manggar")
    assert manggar[2] == 5 and manggar[-2:] == (1, 20.0)


def test_coverage_has_a_fixed_number_of_queries(cast, people, make_session, client,
                                                django_assert_max_num_queries):
    s = make_session(("ANT-1", "KMS-1"))
    extra = [Cadre.objects.create(name=f"K{i}", posyandu=cast.pos_a2,
                                  active_since=dt.date(2021, 1, 1)) for i in range(25)]
    record_attendance(s, [AttendanceInput(c.pk, True, 50, 75) for c in extra], user=cast.admin)
    client.force_login(cast.admin)
    client.get(reverse("training:coverage"))  # the catalogue is synchronised once
    for level in ("kelurahan", "puskesmas"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse("training:coverage"), {"tingkat": level})
        assert response.context["cov"].total.active == 6 + 25


def test_the_admin_pages_open(cast, people, make_session, client):
    s = make_session()
    client.force_login(cast.admin)
    cast.admin.is_superuser = True
    cast.admin.save()
    for url in ("/admin/training/cadre/", f"/admin/training/cadre/{people['a'].pk}/change/",
                "/admin/training/session/", f"/admin/training/session/{s.pk}/change/",
                "/admin/training/module/"):
        assert client.get(url).status_code == 200, url
