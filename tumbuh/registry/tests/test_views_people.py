"""Adding and editing household members: NIK format errors, uniqueness, warnings to confirm."""

import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.registry.forms import digest
from tumbuh.registry.models import Person

from .conftest import make_nik

BIRTH = dt.date(1996, 3, 14)


@pytest.fixture
def post(cast, login):
    client = login(cast.kader_a)
    client.cookies["django_language"] = "en"
    url = reverse("registry:person-create", args=[cast.hh_a1.pk])

    def send(**data):
        values = {"name": "Siti Aminah", "sex": "F", "birth_date": "14-03-1996", **data}
        return client.post(url, values)

    return send


def test_a_member_is_added_with_a_valid_nik_and_a_dd_mm_yyyy_date(cast, post):
    response = post(nik=make_nik(BIRTH, "F"))
    assert response.status_code == 302
    person = Person.objects.get(name="Siti Aminah")
    assert person.household == cast.hh_a1
    assert person.birth_date == BIRTH
    assert person.nik == "6471015403960001"


def test_the_browser_date_pickers_iso_date_is_accepted_too(post):
    assert post(birth_date="1996-03-14").status_code == 302
    assert Person.objects.get(name="Siti Aminah").birth_date == BIRTH


def test_spaces_and_dots_typed_in_a_nik_are_removed(post):
    assert post(nik="6471.0154 0396-0001").status_code == 302
    assert Person.objects.get(name="Siti Aminah").nik == "6471015403960001"


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("647101540396", "exactly 16 digits"),
        ("6471019903960001", "is not a day"),
        ("6471015413960001", "is not a month"),
        ("6471015403960000", "serial number"),
    ],
)
def test_an_impossible_nik_is_an_error_on_the_nik_field(post, nik, message):
    response = post(nik=nik)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["nik"])
    assert not Person.objects.filter(name="Siti Aminah").exists()


@pytest.mark.parametrize(
    ("data", "warning"),
    [
        ({"nik": make_nik(BIRTH, "M")}, "the sex entered is female"),
        ({"nik": make_nik(BIRTH, "F"), "birth_date": "15-03-1996"}, "birth date 14-03-96"),
        ({"nik": make_nik(BIRTH, "F", region="110101")}, "not a kecamatan"),
    ],
)
def test_a_nik_inconsistent_with_the_entry_needs_confirmation(post, data, warning):
    response = post(**data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(warning in w for w in form.nik_warnings), form.nik_warnings
    page = response.content.decode()
    assert f'name="confirm_nik" value="{form.nik_digest}"' in page
    assert not Person.objects.filter(name="Siti Aminah").exists()
    # Confirmed with the box that was shown: saved.
    assert post(**data, confirm_nik=form.nik_digest).status_code == 302
    assert Person.objects.filter(name="Siti Aminah").exists()


def test_a_confirmation_does_not_cover_warnings_that_were_not_shown(post):
    shown = post(nik=make_nik(BIRTH, "M")).context["form"].nik_digest
    # The NIK was changed after the box was ticked: the new warning must be confirmed again.
    response = post(nik=make_nik(BIRTH, "F", region="110101"), confirm_nik=shown)
    assert response.status_code == 200
    assert response.context["form"].nik_digest != shown
    assert digest([]) != shown


def test_a_nik_already_registered_is_refused_and_named_only_if_visible(cast, login, post):
    nik_b = make_nik(BIRTH, "F", region="647102")
    Person.objects.filter(pk=cast.mother_b1.pk).update(nik=nik_b, birth_date=BIRTH)
    response = post(nik=nik_b, birth_date="14-03-1996")
    form = response.context["form"]
    assert "already registered" in " ".join(form.errors["nik"])
    assert form.nik_people == [] and form.nik_hidden == 1
    assert "Ibu B1" not in response.content.decode()

    nik_a = make_nik(BIRTH, "F", serial=2)
    Person.objects.filter(pk=cast.mother_a2.pk).update(nik=nik_a)
    response = post(nik=nik_a)
    assert response.context["form"].nik_people == []  # kader_a cannot see household A2
    client = login(cast.bidan_a)
    response = client.post(
        reverse("registry:person-create", args=[cast.hh_a1.pk]),
        {"name": "Siti", "sex": "F", "birth_date": "14-03-1996", "nik": nik_a},
    )
    assert [p.pk for p in response.context["form"].nik_people] == [cast.mother_a2.pk]
    assert "Ibu A2" in response.content.decode()


def test_editing_a_member_may_keep_her_own_nik(cast, login):
    nik = make_nik(dt.date(1995, 5, 5), "F")
    Person.objects.filter(pk=cast.mother_a1.pk).update(nik=nik)
    url = reverse("registry:person-edit", args=[cast.mother_a1.pk])
    response = login(cast.kader_a).post(
        url, {"name": "Ibu A1 Baru", "sex": "F", "birth_date": "05-05-1995", "nik": nik}
    )
    assert response.status_code == 302
    cast.mother_a1.refresh_from_db()
    assert cast.mother_a1.name == "Ibu A1 Baru"


def test_a_future_birth_date_is_refused(cast, post):
    tomorrow = (cast.today + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    response = post(birth_date=tomorrow)
    assert "future" in " ".join(response.context["form"].errors["birth_date"])


def test_a_badly_written_date_says_how_to_write_it(post):
    response = post(birth_date="14 Maret 1996")
    assert "dd-mm-yyyy" in " ".join(response.context["form"].errors["birth_date"])
