"""Registering and editing children: mother, posyandu, numbers, NIK and the duplicate warning."""

import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.registry.models import Child, Person

from .conftest import make_nik


@pytest.fixture
def new_child(cast):
    birth = cast.today - dt.timedelta(days=30)
    return {
        "name": "Rina Lestari",
        "sex": "F",
        "birth_date": birth.strftime("%d-%m-%Y"),
        "mother": cast.mother_a1.pk,
        "posyandu": cast.pos_a1.pk,
        "birth_weight_kg": "3,25",
        "birth_length_cm": "49,5",
        "has_kia_book": "on",
    }


@pytest.fixture
def client_a(cast, login):
    client = login(cast.kader_a)
    client.cookies["django_language"] = "en"
    return client


def create_url(cast, household="hh_a1"):
    return reverse("registry:child-create", args=[getattr(cast, household).pk])


def test_the_form_offers_the_households_women_as_mother_and_its_posyandu(cast, client_a):
    Person.objects.create(household=cast.hh_a1, name="Pak A1", sex="M")
    response = client_a.get(create_url(cast))
    form = response.context["form"]
    assert list(form.fields["mother"].queryset) == [cast.mother_a1]
    assert list(form.fields["posyandu"].queryset) == [cast.pos_a1]
    assert form["posyandu"].value() == cast.pos_a1.pk


def test_a_child_is_registered_with_decimal_commas(cast, client_a, new_child):
    response = client_a.post(create_url(cast), new_child)
    assert response.status_code == 302
    child = Child.objects.get(name="Rina Lestari")
    assert (child.birth_weight_kg, child.birth_length_cm) == (3.25, 49.5)
    assert child.mother == cast.mother_a1
    assert child.household == cast.hh_a1
    assert child.created_by == cast.kader_a


def test_a_mother_from_another_household_is_refused(cast, client_a, new_child):
    response = client_a.post(create_url(cast), {**new_child, "mother": cast.mother_a2.pk})
    assert "mother" in response.context["form"].errors
    assert not Child.objects.filter(name="Rina Lestari").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_weight_kg", "3250", "between 0.3 and 7"),
        ("birth_length_cm", "4,95", "between 20 and 65"),
        ("birth_weight_kg", "tiga", "Enter a number"),
    ],
)
def test_a_birth_value_in_the_wrong_unit_is_explained(cast, client_a, new_child, field, value,
                                                      message):  # fmt: skip
    response = client_a.post(create_url(cast), {**new_child, field: value})
    assert message in " ".join(response.context["form"].errors[field])


def test_the_range_message_uses_a_decimal_comma_in_indonesian(cast, login, new_child):
    response = login(cast.kader_a).post(create_url(cast), {**new_child, "birth_weight_kg": "9"})
    assert "0,3" in " ".join(response.context["form"].errors["birth_weight_kg"])


def test_a_child_over_six_is_not_registered(cast, client_a, new_child):
    old = (cast.today - dt.timedelta(days=7 * 365)).strftime("%d-%m-%Y")
    response = client_a.post(create_url(cast), {**new_child, "birth_date": old})
    assert "over six" in " ".join(response.context["form"].errors["birth_date"])


def test_a_similar_child_of_the_same_mother_and_birth_date_needs_confirming(
    cast, client_a, new_child
):
    data = {**new_child, "name": "An. Anak  A1", "sex": "M",
            "birth_date": cast.child_a1.birth_date.strftime("%d-%m-%Y")}  # fmt: skip
    response = client_a.post(create_url(cast), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.duplicates.similar == [cast.child_a1]
    page = response.content.decode()
    assert 'id="similar-children"' in page
    assert f'name="confirm_different" value="{form.similar_digest}"' in page
    assert Child.objects.filter(mother=cast.mother_a1).count() == 1
    # "This is a different child": saved.
    response = client_a.post(create_url(cast), {**data, "confirm_different": form.similar_digest})
    assert response.status_code == 302
    assert Child.objects.filter(mother=cast.mother_a1).count() == 2


def test_a_twin_with_another_name_is_registered_without_a_warning(cast, client_a, new_child):
    data = {**new_child, "birth_date": cast.child_a1.birth_date.strftime("%d-%m-%Y")}
    assert client_a.post(create_url(cast), data).status_code == 302


def test_a_nik_registered_for_a_child_elsewhere_is_refused_without_naming_it(
    cast, client_a, new_child
):
    nik = make_nik(cast.child_b1.birth_date, "M", region="647102")
    Child.objects.filter(pk=cast.child_b1.pk).update(nik=nik)
    data = {**new_child, "nik": nik, "sex": "M",
            "birth_date": cast.child_b1.birth_date.strftime("%d-%m-%Y")}  # fmt: skip
    response = client_a.post(create_url(cast), data)
    assert "already registered" in " ".join(response.context["form"].errors["nik"])
    page = response.content.decode()
    assert "Anak B1" not in page
    assert "area you cannot see" in page


def test_a_nik_registered_for_a_visible_child_links_to_it(cast, client_a, new_child):
    nik = make_nik(cast.child_a1.birth_date, "M")
    Child.objects.filter(pk=cast.child_a1.pk).update(nik=nik)
    data = {**new_child, "nik": nik, "name": "Someone Else", "sex": "M",
            "birth_date": cast.child_a1.birth_date.strftime("%d-%m-%Y")}  # fmt: skip
    page = client_a.post(create_url(cast), data).content.decode()
    assert "Anak A1" in page
    assert reverse("registry:household-detail", args=[cast.hh_a1.pk]) in page


def test_the_mothers_nik_or_the_kk_number_is_not_taken_for_the_childs(cast, client_a, new_child):
    mother_nik = make_nik(dt.date(1995, 5, 5), "F")
    Person.objects.filter(pk=cast.mother_a1.pk).update(nik=mother_nik)
    response = client_a.post(create_url(cast), {**new_child, "nik": mother_nik})
    assert "belongs to an adult" in " ".join(response.context["form"].errors["nik"])
    kk = make_nik(dt.date(2020, 1, 1), "M", serial=9)
    cast.hh_a1.kk_number = kk
    cast.hh_a1.save()
    response = client_a.post(create_url(cast), {**new_child, "nik": kk})
    assert "KK number" in " ".join(response.context["form"].errors["nik"])


def test_a_nik_that_disagrees_with_the_birth_date_must_be_confirmed(cast, client_a, new_child):
    nik = make_nik(cast.today - dt.timedelta(days=31), "F")
    response = client_a.post(create_url(cast), {**new_child, "nik": nik})
    form = response.context["form"]
    assert form.nik_warnings and "birth date" in form.nik_warnings[0]
    response = client_a.post(create_url(cast), {**new_child, "nik": nik,
                                                "confirm_nik": form.nik_digest})  # fmt: skip
    assert response.status_code == 302
    assert Child.objects.get(name="Rina Lestari").nik == nik


def test_editing_a_child_changes_it_without_a_duplicate_warning(cast, client_a):
    url = reverse("registry:child-edit", args=[cast.child_a1.pk])
    page = client_a.get(url).content.decode()
    assert 'value="3.1"' in page or 'value="3,1"' in page
    data = {
        "name": "Anak A1 Baru", "sex": "M",
        "birth_date": cast.child_a1.birth_date.isoformat(), "mother": cast.mother_a1.pk,
        "posyandu": cast.pos_a1.pk, "birth_weight_kg": "3.1", "birth_length_cm": "",
    }  # fmt: skip
    response = client_a.post(url, data)
    assert response.status_code == 302
    cast.child_a1.refresh_from_db()
    assert cast.child_a1.name == "Anak A1 Baru"
    assert cast.child_a1.has_kia_book is False
    assert Child.objects.count() == 3


def test_the_birth_weight_is_shown_with_a_decimal_comma_in_indonesian(cast, login):
    url = reverse("registry:child-edit", args=[cast.child_a1.pk])
    page = login(cast.kader_a).get(url).content.decode()
    assert 'value="3,1"' in page


def test_the_household_page_links_each_child_to_its_page_when_it_exists(cast, client_a):
    from django.urls import NoReverseMatch

    page = client_a.get(reverse("registry:household-detail", args=[cast.hh_a1.pk]))
    try:
        child_url = reverse("monitoring:child-detail", args=[cast.child_a1.pk])
    except NoReverseMatch:  # the monitoring pages are not there yet: the name is plain text
        assert "Anak A1" in page.content.decode()
    else:
        assert f'href="{child_url}"' in page.content.decode()
