"""Household pages: list, search, analyst counts, detail, create and edit."""

import uuid

import pytest
from django.urls import reverse

from tumbuh.registry.models import Child, Household

LIST = reverse("registry:household-list")
CREATE = reverse("registry:household-create")


def test_the_list_shows_the_users_households_with_area_and_under_fives(cast, login):
    page = login(cast.kader_a).get(LIST).content.decode()
    assert "Kepala A1" in page
    assert "Kepala A2" not in page and "Kepala B1" not in page
    assert "RT/RW 001/002" in page
    assert "Manggar" in page and "Melati" in page
    assert "1 under five" in page or "1 balita" in page


def test_the_list_is_in_indonesian_by_default(cast, login):
    page = login(cast.kader_a).get(LIST).content.decode()
    assert 'lang="id"' in page


def test_the_list_searches_by_a_childs_name(cast, login):
    page = login(cast.bidan_a).get(LIST, {"q": "Anak A2"}).content.decode()
    assert "Kepala A2" in page and "Kepala A1" not in page


def test_the_list_filters_by_one_of_the_users_posyandu_only(cast, login):
    client = login(cast.bidan_a)
    page = client.get(LIST, {"posyandu": cast.pos_a2.pk}).content.decode()
    assert "Kepala A2" in page and "Kepala A1" not in page
    # Another side's posyandu is not a filter she may use: it is ignored, not obeyed.
    page = client.get(LIST, {"posyandu": cast.pos_b1.pk}).content.decode()
    assert "Kepala B1" not in page
    assert "Kepala A1" in page and "Kepala A2" in page


def test_the_list_is_paginated(cast, login):
    Household.objects.bulk_create(
        Household(head_name=f"Keluarga {i:02d}", address="Jl. Banyak", kelurahan=cast.kel_a,
                  posyandu=cast.pos_a1)  # fmt: skip
        for i in range(30)
    )
    client = login(cast.kader_a)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert first.count('class="record"') == 25
    assert second.count('class="record"') == 6
    assert "page=2" in first


def test_an_analyst_without_identity_permission_sees_counts_by_area_and_no_names(cast, login):
    page = login(cast.analyst).get(LIST).content.decode()
    for identity in ("Kepala", "Jl. Uji", "Ibu A", "Ibu B", "Anak "):
        assert identity not in page
    assert "Melati" in page and "Kenanga" in page and "Manggar" in page
    assert "<td class=\"number\">1</td>" in page


def test_an_analyst_with_identity_permission_sees_names_but_cannot_register(cast, login):
    page = login(cast.analyst_names).get(LIST).content.decode()
    assert "Kepala A1" in page and "Kepala B1" in page
    assert CREATE not in page


def test_the_detail_shows_members_children_pregnancies_water_and_sanitation(cast, login):
    Household.objects.filter(pk=cast.hh_a1.pk).update(
        water_source="piped", sanitation="own_septic"
    )
    client = login(cast.kader_a)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("registry:household-detail", args=[cast.hh_a1.pk])).content.decode()
    assert "Ibu A1" in page and "Anak A1" in page
    assert "G2 P1 A0" in page
    assert "piped water (PDAM)" in page
    assert "own latrine with septic tank" in page
    assert reverse("registry:child-edit", args=[cast.child_a1.pk]) in page
    assert "10 weeks" in page  # HPHT 70 days ago


def test_the_detail_leaves_out_merged_children(cast, login):
    from tumbuh.registry.services import merge_children

    twin = Child.objects.create(
        name="Anak A1 dobel", sex="M", birth_date=cast.child_a1.birth_date, household=cast.hh_a1,
        mother=cast.mother_a1, posyandu=cast.pos_a1,
    )  # fmt: skip
    merge_children(keep=cast.child_a1, remove=twin, user=cast.admin)
    page = login(cast.kader_a).get(
        reverse("registry:household-detail", args=[cast.hh_a1.pk])
    ).content.decode()
    assert "Anak A1 dobel" not in page


HOUSEHOLD = {
    "head_name": "Bapak Baru",
    "kk_number": "6471 0101 0101 0002",
    "address": "Jl. Mawar 5",
    "rt": "4",
    "rw": "12",
    "phone": "081234",
    "water_source": "piped",
    "sanitation": "own_septic",
}


def test_a_kader_registers_a_household_at_her_posyandu(cast, login):
    client = login(cast.kader_a)
    form_page = client.get(CREATE).content.decode()
    assert "Melati" in form_page and "Kenanga" not in form_page
    response = client.post(CREATE, {**HOUSEHOLD, "posyandu": cast.pos_a1.pk})
    household = Household.objects.get(head_name="Bapak Baru")
    assert response.status_code == 302
    assert response.url == reverse("registry:household-detail", args=[household.pk])
    assert household.kk_number == "6471010101010002"
    assert (household.rt, household.rw) == ("004", "012")
    assert household.kelurahan == cast.kel_a  # from the posyandu
    assert household.created_by == cast.kader_a


def test_a_kader_cannot_register_a_household_at_another_posyandu(cast, login):
    response = login(cast.kader_a).post(CREATE, {**HOUSEHOLD, "posyandu": cast.pos_b1.pk})
    assert response.status_code == 200
    assert "posyandu" in response.context["form"].errors
    assert not Household.objects.filter(head_name="Bapak Baru").exists()


def test_a_household_sent_twice_is_saved_once(cast, login):
    client = login(cast.kader_a)
    client_id = str(uuid.uuid4())
    data = {**HOUSEHOLD, "posyandu": cast.pos_a1.pk, "client_id": client_id}
    first = client.post(CREATE, data)
    second = client.post(CREATE, data)
    assert Household.objects.filter(head_name="Bapak Baru").count() == 1
    assert str(Household.objects.get(head_name="Bapak Baru").pk) == client_id
    assert first.url == second.url


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kk_number", "12345", "16 digits"),
        ("rt", "RT 1", "only the number"),
        ("head_name", "", "required"),
    ],
)
def test_bad_household_input_gets_a_message_on_its_field(cast, login, field, value, message):
    client = login(cast.kader_a)
    client.cookies["django_language"] = "en"
    response = client.post(CREATE, {**HOUSEHOLD, "posyandu": cast.pos_a1.pk, field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])


def test_editing_a_household_keeps_its_id_and_saves_the_changes(cast, login):
    url = reverse("registry:household-edit", args=[cast.hh_a1.pk])
    client = login(cast.bidan_a)
    page = client.get(url).content.decode()
    assert 'value="Kepala A1"' in page
    assert 'name="client_id"' not in page
    data = {**HOUSEHOLD, "posyandu": cast.pos_a1.pk, "kelurahan": cast.kel_a.pk,
            "tpk_team": cast.team_a.pk}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    cast.hh_a1.refresh_from_db()
    assert cast.hh_a1.head_name == "Bapak Baru"
    assert cast.hh_a1.tpk_team == cast.team_a
