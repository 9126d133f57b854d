"""Area, Puskesmas and Posyandu: the rules that live on the records themselves."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tumbuh.areas.models import Area, Posyandu, Puskesmas
from tumbuh.areas.tests.factories import make_posyandu


def test_descendants_are_every_area_under_by_code_prefix(balikpapan):
    selatan = Area.objects.get(code="64.71.05")
    assert list(selatan.descendants().values_list("code", flat=True)) == [
        "64.71.05.1002", "64.71.05.1006", "64.71.05.1008", "64.71.05.1009", "64.71.05.1010",
        "64.71.05.1011", "64.71.05.1012",
    ]  # fmt: skip
    assert balikpapan.descendants().count() == 6 + 34
    assert Area.objects.get(code="64").descendants().count() == 1 + 6 + 34
    assert not Area.objects.get(code="64.71.05.1010").descendants().exists()


def test_descendants_do_not_include_a_neighbour_whose_code_shares_the_first_characters(db):
    Area.objects.create(code="64", name="Kalimantan Timur", level=1)
    Area.objects.create(code="64.71", name="Kota Balikpapan", level=2, parent_id="64")
    Area.objects.create(code="64.72", name="Kota Samarinda", level=2, parent_id="64")
    Area.objects.create(code="64.72.01", name="Palaran", level=3, parent_id="64.72")
    assert not Area.objects.get(code="64.71").descendants().exists()


def test_ancestors_run_from_the_province_down(balikpapan):
    sungainangka = Area.objects.get(code="64.71.05.1010")
    assert [a.code for a in sungainangka.ancestors()] == ["64", "64.71", "64.71.05"]
    assert list(Area.objects.get(code="64").ancestors()) == []


def test_kind_comes_from_the_code(balikpapan):
    assert balikpapan.kind == Area.Kind.CITY
    assert Area.objects.get(code="64").kind == Area.Kind.PROVINCE
    assert Area.objects.get(code="64.71.05").kind == Area.Kind.DISTRICT
    assert Area.objects.get(code="64.71.05.1010").kind == Area.Kind.KELURAHAN
    assert Area(code="64.02.01.2001", level=4).kind == Area.Kind.DESA
    assert Area(code="91.03.01.3001", level=4).kind == Area.Kind.DESA_ADAT
    assert Area(code="64.02", level=2).kind == Area.Kind.REGENCY
    with translation.override("en"):
        assert str(Area.Kind.DESA_ADAT.label) == "desa adat"


def test_an_area_reads_as_its_name_and_code(balikpapan):
    assert str(Area.objects.get(code="64.71.05.1010")) == "Sungainangka (64.71.05.1010)"


def test_an_area_children_are_its_areas_one_level_down(balikpapan):
    assert balikpapan.children.count() == 6
    assert Area.objects.get(code="64.71.05").children.count() == 7


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"code": "6471051010", "level": 4, "parent_id": "64.71.05"}, {"code"}),
        ({"code": "64.71.05.1013", "level": 3, "parent_id": "64.71.05"}, {"level"}),
        ({"code": "64.71.05.1013", "level": 4, "parent_id": "64.71.01"}, {"parent"}),
        ({"code": "64.71.05.5013", "level": 4, "parent_id": "64.71.05"}, {"code"}),
        (
            {"code": "64.71.05.1013", "level": 4, "parent_id": "64.71.05", "aliases": "Baru"},
            {"aliases"},
        ),
        (
            {"code": "64.71.05.1013", "level": 4, "parent_id": "64.71.05", "aliases": [" "]},
            {"aliases"},
        ),
    ],
)
def test_an_area_must_agree_with_its_code(balikpapan, fields, errors):
    area = Area(name="Baru", **fields)
    with pytest.raises(ValidationError) as caught:
        area.full_clean()
    assert set(caught.value.message_dict) == errors


def test_a_well_formed_new_area_is_valid(balikpapan):
    Area(
        code="64.71.05.1013", name="Baru", level=4, parent_id="64.71.05", aliases=["Baroe"]
    ).full_clean()


def test_the_database_refuses_a_province_with_a_parent_or_an_area_without_one(db):
    Area.objects.create(code="64", name="Kalimantan Timur", level=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="64.71", name="Kota Balikpapan", level=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="65", name="Kalimantan Utara", level=1, parent_id="64")
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="64.71", name="Kota Balikpapan", level=5, parent_id="64")


def test_an_area_in_use_cannot_be_deleted(balikpapan):
    posyandu = make_posyandu("64.71.05.1010", "Posyandu Melati")
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        posyandu.kelurahan.delete()
    with pytest.raises(ProtectedError):
        Area.objects.get(code="64.71.05").delete()


def test_posyandu_and_puskesmas_names_are_unique_within_their_area(balikpapan):
    posyandu = make_posyandu("64.71.05.1010", "Posyandu Melati")
    with pytest.raises(IntegrityError), transaction.atomic():
        Posyandu.objects.create(
            name="Posyandu Melati", puskesmas=posyandu.puskesmas, kelurahan=posyandu.kelurahan
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Puskesmas.objects.create(name=posyandu.puskesmas.name, kecamatan_id="64.71.05")
    # The same name in another kelurahan is another posyandu.
    make_posyandu("64.71.05.1011", "Posyandu Melati")


def test_a_client_may_choose_the_uuid_of_a_posyandu(balikpapan):
    import uuid

    chosen = uuid.uuid4()
    posyandu = make_posyandu("64.71.05.1010", "Posyandu Melati")
    copy = Posyandu.objects.create(
        id=chosen, name="Posyandu Mawar", puskesmas=posyandu.puskesmas, kelurahan=posyandu.kelurahan
    )
    assert Posyandu.objects.get(id=chosen) == copy
    assert str(copy) == "Posyandu Mawar"


def test_a_puskesmas_sits_in_a_kecamatan_and_a_posyandu_in_a_kelurahan(balikpapan):
    puskesmas = Puskesmas(name="Puskesmas Sepinggan", kecamatan_id="64.71.05.1002")
    with pytest.raises(ValidationError) as caught:
        puskesmas.full_clean()
    assert set(caught.value.message_dict) == {"kecamatan"}

    puskesmas = Puskesmas.objects.create(name="Puskesmas Sepinggan", kecamatan_id="64.71.05")
    posyandu = Posyandu(name="Posyandu Anggrek", puskesmas=puskesmas, kelurahan_id="64.71.05")
    with pytest.raises(ValidationError) as caught:
        posyandu.full_clean()
    assert set(caught.value.message_dict) == {"kelurahan"}


def test_a_catchment_may_share_a_kelurahan_between_two_puskesmas(balikpapan):
    first = Puskesmas.objects.create(name="Puskesmas Sepinggan Baru", kecamatan_id="64.71.05")
    second = Puskesmas.objects.create(name="Puskesmas Gunung Bahagia", kecamatan_id="64.71.05")
    first.catchment.set(["64.71.05.1008", "64.71.05.1010"])
    second.catchment.set(["64.71.05.1006", "64.71.05.1010"])
    sungainangka = Area.objects.get(code="64.71.05.1010")
    assert set(sungainangka.serving_puskesmas.all()) == {first, second}
    assert list(Puskesmas.objects.all()) == [second, first]  # ordered by name
