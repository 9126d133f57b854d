import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from tumbuh.registry.models import Household
from tumbuh.testing import assert_xlsx_holds_the_csv
from tumbuh.wash.models import HouseholdWashChange, Project, ProjectHousehold

D = dt.date


def _set(hh, **values):
    Household.objects.filter(pk=hh.pk).update(**values)


@pytest.fixture
def register(cast):
    _set(cast.hh_a1, water_source="surface", sanitation="own_septic")
    _set(cast.hh_a2, water_source="piped", sanitation="shared_septic")
    _set(cast.hh_b1, water_source="piped", sanitation="open")
    return cast


def test_coverage_page_and_csv(client, register):
    client.force_login(register.analyst)
    response = client.get(reverse("wash:coverage"))
    assert response.status_code == 200
    cov = response.context["cov"]
    assert [(r.name, r.all.households, r.all.water_layak, r.all.both_layak) for r in cov.rows] \
        == [("Manggar", 2, 1, 1), ("Baru Ilir", 1, 1, 0)]
    assert "Kepala A1" not in response.content.decode()
    response = client.get(reverse("wash:coverage"), {"format": "csv", "definisi": "krs"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total = next(r for r in rows if r["kelurahan_code"] == "all" and r["group"] == "all")
    assert (total["households"], total["both_layak"], total["both_layak_pct"]) == ("3", "0",
                                                                                    "0.0")
    assert total["definition"] == "krs" and total["rule_version"] == "2026.1"


def test_coverage_refuses_a_future_day_and_a_bad_one(client, register):
    client.force_login(register.admin)
    for text in ("2999-01-01", "kemarin"):
        response = client.get(reverse("wash:coverage"), {"tanggal": text})
        assert response.status_code == 200 and response.context["error"]


def test_trend_page_and_csv(client, register):
    client.force_login(register.bidan_a)
    response = client.get(reverse("wash:trend"), {"dari": "2026-01", "sampai": "2026-03"})
    assert response.status_code == 200
    assert len(response.context["covs"]) == 3
    response = client.get(reverse("wash:trend"), {"dari": "2026-01", "sampai": "2026-02",
                                                  "format": "csv"})  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "day" and {r[0] for r in rows[1:]} == {"2026-01-31", "2026-02-28"}
    assert {r[1] for r in rows[1:]} == {register.kel_a.pk, "all"}  # the bidan's area only


WASH_NUMBERS = ("households", "water_layak", "water_layak_pct", "sanitation_layak_pct",
                "both_known", "both_layak", "both_layak_pct")  # fmt: skip


def test_coverage_as_xlsx_holds_the_csv_table(client, register):
    client.force_login(register.analyst)
    url = reverse("wash:coverage")
    page = client.get(url, {"tanggal": "2026-03-01", "definisi": "krs"}).content.decode()
    assert "format=xlsx" in page and "Download XLSX" in page
    query = {"tanggal": "2026-03-01", "definisi": "krs"}
    assert_xlsx_holds_the_csv(client.get(url, {**query, "format": "csv"}),
                              client.get(url, {**query, "format": "xlsx"}),
                              numbers=WASH_NUMBERS)  # fmt: skip
    book = load_workbook(io.BytesIO(client.get(url, {**query, "format": "xlsx"}).content))
    total = next(r for r in book.worksheets[0].iter_rows(values_only=True)
                 if r[0] == "all" and r[2] == "all")  # fmt: skip
    assert total[3:6] == (3, 3, 2) and total[-3:] == (0.0, "krs", "2026.1")


def test_trend_as_xlsx_holds_the_csv_table(client, register):
    client.force_login(register.bidan_a)
    url = reverse("wash:trend")
    query = {"dari": "2026-01", "sampai": "2026-02"}
    assert "format=xlsx" in client.get(url, query).content.decode()
    assert_xlsx_holds_the_csv(client.get(url, {**query, "format": "csv"}),
                              client.get(url, {**query, "format": "xlsx"}),
                              numbers=WASH_NUMBERS)  # fmt: skip


def test_gap_list_names_families_in_scope(client, register, django_assert_max_num_queries):
    client.force_login(register.kader_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wash:gaps"))
    assert [h.head_name for h in response.context["page"].object_list] == ["Kepala A1"]
    assert "Kepala A1" in response.content.decode()
    client.force_login(register.analyst)
    assert client.get(reverse("wash:gaps")).status_code == 403


def test_gap_list_queries_do_not_grow_with_rows(client, register, django_assert_max_num_queries):
    Household.objects.bulk_create([
        Household(head_name=f"K{i}", address="Jl", kelurahan=register.kel_a,
                  posyandu=register.pos_a1, water_source="surface") for i in range(40)
    ])  # fmt: skip
    client.force_login(register.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wash:gaps"))
    assert response.context["page"].paginator.count == 42
    with django_assert_max_num_queries(12):
        assert client.get(reverse("wash:coverage")).status_code == 200


@pytest.mark.parametrize("user", ["kader_a", "tpk_a", "bidan_a"])
def test_field_roles_record_a_check(client, register, user):
    client.force_login(getattr(register, user))
    url = reverse("wash:household", args=[register.hh_a1.pk])
    response = client.post(url, {"water_source": "borehole", "sanitation": "own_septic",
                                 "wastewater": "pit", "changed_on": "2026-01-05"})
    assert response.status_code == 302
    hh = Household.objects.get(pk=register.hh_a1.pk)
    assert (hh.water_source, hh.wastewater, hh.wash_checked_on) == ("borehole", "pit",
                                                                    D(2026, 1, 5))
    assert HouseholdWashChange.objects.filter(household=hh).count() == 2
    page = client.get(url).content.decode()
    assert "borehole" in page.lower() or "bor" in page.lower()


def test_a_check_can_name_the_project_that_did_the_work(client, register):
    p = Project.objects.create(name="SR PDAM 2026", kind="piped", start_on=D(2026, 1, 1))
    p.kelurahan.add(register.kel_a)
    client.force_login(register.kader_a)
    url = reverse("wash:household", args=[register.hh_a1.pk])
    response = client.post(url, {"water_source": "surface", "sanitation": "own_septic",
                                 "changed_on": "2026-02-01", "project": p.pk})
    assert response.status_code == 302
    hh = Household.objects.get(pk=register.hh_a1.pk)
    assert hh.water_source == "piped"
    change = HouseholdWashChange.objects.get(household=hh)
    assert change.reach.project == p and change.source == "project"


def test_analysts_and_others_cannot_record(client, register):
    url = reverse("wash:household", args=[register.hh_a1.pk])
    data = {"water_source": "piped", "changed_on": "2026-01-05"}
    client.force_login(register.analyst_names)
    assert client.post(url, data).status_code == 403
    client.force_login(register.kader_b)
    assert client.post(url, data).status_code == 404
    assert not HouseholdWashChange.objects.exists()


def _project_data(cast, **extra):
    return {"name": "Tangki septik Manggar", "kind": "septic", "funder": "Dinas PU",
            "kelurahan": [cast.kel_a.pk], "start_on": "2026-01-01", "end_on": "",
            "status": "ongoing", "planned_households": "10", "notes": "", **extra}


def test_projects_are_managed_by_admins_and_the_public_works_office(client, register):
    url = reverse("wash:project-create")
    client.force_login(register.analyst)
    assert client.post(url, _project_data(register)).status_code == 403
    register.analyst.user_permissions.add(Permission.objects.get(codename="manage_projects"))
    client.force_login(register.analyst)
    response = client.post(url, _project_data(register, end_on="2025-01-01"))
    assert response.status_code == 200 and "end_on" in response.context["form"].errors
    response = client.post(url, _project_data(register))
    project = Project.objects.get()
    assert response.status_code == 302 and project.created_by == register.analyst
    assert list(project.kelurahan.all()) == [register.kel_a]
    # the analyst (no names) records the families reached by RT/RW
    reach = reverse("wash:project-reach", args=[project.pk])
    page = client.get(reach)
    labels = [label for _, label in page.context["form"].fields["households"].choices]
    assert len(labels) == 2 and not any("Kepala" in label for label in labels)
    _set(register.hh_a1, sanitation="own_no_septic")
    response = client.post(reach, {"completed_on": "2026-02-01",
                                   "households": [str(register.hh_a1.pk)]})
    assert response.status_code == 302
    assert Household.objects.get(pk=register.hh_a1.pk).sanitation == "own_septic"
    # a family outside the project's kelurahan is not a choice
    response = client.post(reach, {"completed_on": "2026-02-01",
                                   "households": [str(register.hh_b1.pk)]})
    assert response.status_code == 200 and response.context["form"].errors
    detail = client.get(reverse("wash:project-detail", args=[project.pk]))
    assert detail.context["total_reached"] == 1
    assert "Kepala A1" not in detail.content.decode()


def test_project_detail_shows_only_families_in_scope(client, register):
    p = Project.objects.create(name="SR", kind="piped", start_on=D(2025, 1, 1))
    p.kelurahan.add(register.kel_a, register.kel_b)
    ProjectHousehold.objects.create(project=p, household=register.hh_a1, completed_on=D(2025, 2, 1))
    ProjectHousehold.objects.create(project=p, household=register.hh_b1, completed_on=D(2025, 2, 1))
    client.force_login(register.kader_b)
    response = client.get(reverse("wash:project-detail", args=[p.pk]))
    assert [r.household for r in response.context["page"].object_list] == [register.hh_b1]
    assert response.context["total_reached"] == 2
    response = client.get(reverse("wash:project-list"))
    assert response.context["page"].object_list[0].n_reached == 2


def test_the_registry_form_saves_grey_water_and_check_day(client, register):
    client.force_login(register.kader_a)
    hh = register.hh_a1
    data = {"head_name": hh.head_name, "address": hh.address, "rt": "001", "rw": "002",
            "posyandu": register.pos_a1.pk, "kelurahan": register.kel_a.pk,
            "water_source": "refill", "sanitation": "own_septic", "wastewater": "open_drain",
            "wash_checked_on": "02-03-2026", "phone": "", "kk_number": ""}  # fmt: skip
    response = client.post(reverse("registry:household-edit", args=[hh.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    hh.refresh_from_db()
    assert (hh.wastewater, hh.wash_checked_on) == ("open_drain", D(2026, 3, 2))
    changes = set(HouseholdWashChange.objects.values_list("field", "old", "new", "changed_on"))
    assert changes == {("water_source", "surface", "refill", D(2026, 3, 2)),
                       ("wastewater", "", "open_drain", D(2026, 3, 2))}
    assert set(HouseholdWashChange.objects.values_list("recorded_by", flat=True)) == {
        register.kader_a.pk}


def test_the_family_page_links_to_water_and_sanitation_for_recorders(client, register):
    url = reverse("registry:household-detail", args=[register.hh_a1.pk])
    target = reverse("wash:household", args=[register.hh_a1.pk])
    for user, shown in (("kader_a", True), ("tpk_a", True), ("analyst_names", False)):
        client.force_login(getattr(register, user))
        assert (target in client.get(url).content.decode()) is shown
