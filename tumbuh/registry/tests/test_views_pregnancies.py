"""Registering a pregnancy: HPHT required, HPL computed when blank, gravida/para/abortus."""

import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.registry.models import Person, Pregnancy


@pytest.fixture
def woman(cast):
    return Person.objects.create(household=cast.hh_a1, name="Dewi", sex="F",
                                 birth_date=dt.date(2000, 2, 2))  # fmt: skip


@pytest.fixture
def send(cast, login):
    client = login(cast.kader_a)
    client.cookies["django_language"] = "en"
    url = reverse("registry:pregnancy-create", args=[cast.hh_a1.pk])

    def post(**data):
        return client.post(url, data)

    return post


def test_the_hpl_is_computed_when_left_blank_and_shown(cast, woman, send):
    hpht = cast.today - dt.timedelta(days=56)
    response = send(woman=woman.pk, hpht=hpht.strftime("%d-%m-%Y"), gravida=1, para=0,
                    abortus=0, posyandu=cast.pos_a1.pk, height_cm="152,5")  # fmt: skip
    assert response.status_code == 302
    pregnancy = Pregnancy.objects.get(woman=woman)
    assert pregnancy.hpl == hpht + dt.timedelta(days=280)
    assert pregnancy.height_cm == 152.5


def test_the_saved_hpl_is_shown_after_saving(cast, woman, login):
    client = login(cast.kader_a)
    client.cookies["django_language"] = "en"
    hpht = cast.today - dt.timedelta(days=56)
    response = client.post(
        reverse("registry:pregnancy-create", args=[cast.hh_a1.pk]),
        {"woman": woman.pk, "hpht": hpht.isoformat(), "gravida": 1, "para": 0, "abortus": 0,
         "posyandu": cast.pos_a1.pk},
        follow=True,
    )  # fmt: skip
    hpl = (hpht + dt.timedelta(days=280)).strftime("%d-%m-%Y")
    assert f"Estimated delivery date (HPL): {hpl}" in response.content.decode()


def test_the_hpht_is_required(cast, woman, send):
    response = send(woman=woman.pk, gravida=1, para=0, abortus=0, posyandu=cast.pos_a1.pk)
    assert "hpht" in response.context["form"].errors


@pytest.mark.parametrize(
    ("gravida", "para", "abortus", "field"),
    [(2, 2, 0, "para"), (3, 1, 2, "para"), (0, 0, 0, "gravida")],
)
def test_para_and_abortus_must_be_fewer_than_gravida(cast, woman, send, gravida, para, abortus,
                                                     field):  # fmt: skip
    hpht = (cast.today - dt.timedelta(days=56)).isoformat()
    response = send(woman=woman.pk, hpht=hpht, gravida=gravida, para=para, abortus=abortus,
                    posyandu=cast.pos_a1.pk)  # fmt: skip
    assert field in response.context["form"].errors
    assert not Pregnancy.objects.filter(woman=woman).exists()


@pytest.mark.parametrize(
    ("days_ago", "message"), [(-3, "in the future"), (44 * 7, "44 or more weeks ago")]
)
def test_an_hpht_in_the_future_or_too_long_ago_is_refused(cast, woman, send, days_ago, message):
    hpht = (cast.today - dt.timedelta(days=days_ago)).isoformat()
    response = send(woman=woman.pk, hpht=hpht, gravida=1, para=0, abortus=0,
                    posyandu=cast.pos_a1.pk)  # fmt: skip
    assert message in " ".join(response.context["form"].errors["hpht"])


def test_a_second_ongoing_pregnancy_is_refused(cast, send):
    hpht = (cast.today - dt.timedelta(days=20)).isoformat()
    response = send(woman=cast.mother_a1.pk, hpht=hpht, gravida=3, para=1, abortus=0,
                    posyandu=cast.pos_a1.pk)  # fmt: skip
    assert "already has an ongoing pregnancy" in " ".join(response.context["form"].errors["woman"])


def test_only_the_households_women_can_be_chosen(cast, woman, send):
    response = send(woman=cast.mother_b1.pk, hpht=cast.today.isoformat(), gravida=1, para=0,
                    abortus=0, posyandu=cast.pos_a1.pk)  # fmt: skip
    assert "woman" in response.context["form"].errors


def test_an_hpl_far_from_the_hpht_is_refused(cast, woman, send):
    hpht = cast.today - dt.timedelta(days=56)
    response = send(woman=woman.pk, hpht=hpht.isoformat(), hpl=cast.today.isoformat(),
                    gravida=1, para=0, abortus=0, posyandu=cast.pos_a1.pk)  # fmt: skip
    assert "34 to 44 weeks" in " ".join(response.context["form"].errors["hpl"])
