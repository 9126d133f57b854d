"""Registry services: name matching, duplicate checks, merging, counts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.registry import services
from tumbuh.registry.models import Child, Household, MergeRecord

from .conftest import make_nik


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("An. Budi  Santoso", "budi santoso"),
        ("By. Ny. Siti", "siti"),
        ("BAYI  NY.SITI", "siti"),
        ("Muhammad Al-Fatih", "muhammad al fatih"),
        ("  ", ""),
    ],
)
def test_it_normalises_names_without_titles_case_or_extra_spaces(raw, expected):
    assert services.normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Budi Santoso", "An. Budi Santoso", True),
        ("Muhammad Rizki", "Muhamad Rizky", True),  # ratio 0.93
        ("By. Ny. Siti", "Aisyah Putri Siti", True),  # the baby's later name contains it
        ("Budi", "Rina", False),
        ("Ahmad Fauzi", "Ahmad Fauzan Hakim", False),  # ratio 0.69, neither inside the other
        ("", "Budi", False),
    ],
)
def test_it_finds_names_that_may_belong_to_one_child(a, b, similar):
    assert services.names_similar(a, b) is similar


# --- find_duplicate_children -----------------------------------------------------------------


def _twin(cast, name="An. Anak A1", **kw):
    """A second record of child_a1: same mother, household and birth date."""
    values = dict(
        name=name, sex="M", birth_date=cast.child_a1.birth_date, household=cast.hh_a1,
        mother=cast.mother_a1, posyandu=cast.pos_a1,
    )  # fmt: skip
    values.update(kw)
    return Child.objects.create(**values)


def test_it_finds_a_similar_name_with_the_same_birth_date_and_mother(cast):
    found = services.find_duplicate_children(
        user=cast.kader_a, name="anak  a1", birth_date=cast.child_a1.birth_date,
        mother=cast.mother_a1, household=cast.hh_a1,
    )  # fmt: skip
    assert found.similar == [cast.child_a1]
    assert found.similar_hidden == 0
    assert not found.nik_taken


def test_it_ignores_a_similar_name_with_another_birth_date_or_family(cast):
    other_day = services.find_duplicate_children(
        user=cast.kader_a, name="Anak A1", mother=cast.mother_a1, household=cast.hh_a1,
        birth_date=cast.child_a1.birth_date - dt.timedelta(days=1),
    )  # fmt: skip
    other_family = services.find_duplicate_children(
        user=cast.admin, name="Anak A1", birth_date=cast.child_a1.birth_date,
        mother=cast.mother_b1, household=cast.hh_b1,
    )  # fmt: skip
    assert not other_day.has_similar
    assert not other_family.has_similar


def test_it_matches_the_same_household_when_the_mother_is_not_given(cast):
    found = services.find_duplicate_children(
        user=cast.kader_a, name="Anak A1", birth_date=cast.child_a1.birth_date,
        household=cast.hh_a1,
    )  # fmt: skip
    assert found.similar == [cast.child_a1]


def test_it_checks_a_nik_everywhere_but_names_only_children_the_user_may_see(cast):
    nik = make_nik(cast.child_b1.birth_date, "M", region="647102")
    cast.child_b1.nik = nik
    cast.child_b1.save()
    for_kader_a = services.find_duplicate_children(
        user=cast.kader_a, name="Other", birth_date=None, nik=nik
    )
    assert for_kader_a.nik_taken
    assert for_kader_a.nik_matches == []
    assert for_kader_a.nik_hidden == 1
    for_kader_b = services.find_duplicate_children(
        user=cast.kader_b, name="Other", birth_date=None, nik=nik
    )
    assert for_kader_b.nik_matches == [cast.child_b1]
    assert for_kader_b.nik_hidden == 0


def test_it_counts_but_does_not_name_a_similar_child_at_another_posyandu(cast):
    # The same family, but the child was registered at posyandu A2 (kader_a cannot see it).
    _twin(cast, name="Anak A1", posyandu=cast.pos_a2)
    found = services.find_duplicate_children(
        user=cast.kader_a, name="Anak A1", birth_date=cast.child_a1.birth_date,
        mother=cast.mother_a1, household=cast.hh_a1, exclude=cast.child_a1,
    )  # fmt: skip
    assert found.similar == []
    assert found.similar_hidden == 1


def test_it_leaves_out_the_child_being_edited_and_merged_children(cast):
    twin = _twin(cast)
    services.merge_children(keep=cast.child_a1, remove=twin, user=cast.admin)
    found = services.find_duplicate_children(
        user=cast.admin, name="Anak A1", birth_date=cast.child_a1.birth_date,
        mother=cast.mother_a1, exclude=cast.child_a1,
    )  # fmt: skip
    assert not found.has_similar


# --- probable_duplicates -------------------------------------------------------------------------


def test_it_lists_probable_duplicate_pairs_within_the_users_scope(cast):
    twin = _twin(cast)
    nik = make_nik(cast.child_b1.birth_date, "M", region="647102")
    Child.objects.filter(pk=cast.child_b1.pk).update(nik=nik)
    copy_b = Child.objects.create(
        name="Budi", sex="M", birth_date=cast.child_b1.birth_date, household=cast.hh_b1,
        posyandu=cast.pos_b1, nik=nik,
    )  # fmt: skip
    pairs_a = services.probable_duplicates(cast.bidan_a)
    assert [({p.first.pk, p.second.pk}, p.reason) for p in pairs_a] == [
        ({cast.child_a1.pk, twin.pk}, "name")
    ]
    pairs_admin = {(frozenset((p.first.pk, p.second.pk)), p.reason)
                   for p in services.probable_duplicates(cast.admin)}  # fmt: skip
    assert pairs_admin == {
        (frozenset((cast.child_a1.pk, twin.pk)), "name"),
        (frozenset((cast.child_b1.pk, copy_b.pk)), "nik"),
    }


def test_twins_with_different_names_are_not_duplicates(cast):
    _twin(cast, name="Rina Lestari", sex="F")
    assert services.probable_duplicates(cast.admin) == []


# --- merge_children ------------------------------------------------------------------------------


def _measure(child, days_ago, weight_kg, today):
    return record_measurement(
        child=child,
        data=MeasurementInput(measured_on=today - dt.timedelta(days=days_ago), weight_kg=weight_kg),
        confirm=True,
    )


def test_merging_keeps_every_measurement_and_records_who_merged_what(cast):
    today = cast.today
    twin = _twin(cast, nik=make_nik(cast.child_a1.birth_date, "M"), birth_length_cm=49.5)
    kept_row = _measure(cast.child_a1, 60, 9.0, today)
    _measure(twin, 30, 9.4, today)
    clash = _measure(twin, 60, 8.8, today)  # the same day as kept_row

    record = services.merge_children(keep=cast.child_a1, remove=twin, user=cast.bidan_a)

    rows = ChildMeasurement.objects.filter(child=cast.child_a1).order_by("measured_on")
    assert [(r.measured_on, r.weight_kg) for r in rows] == [
        (today - dt.timedelta(days=60), 9.0),
        (today - dt.timedelta(days=30), 9.4),
    ]
    assert not ChildMeasurement.objects.filter(child=twin).exists()
    assert rows[0].pk == kept_row.pk
    twin.refresh_from_db()
    cast.child_a1.refresh_from_db()
    assert twin.merged_into == cast.child_a1
    assert twin not in Child.objects.active()
    # Empty fields of the kept child were filled from the removed one.
    assert cast.child_a1.nik == twin.nik
    assert cast.child_a1.birth_length_cm == 49.5
    assert cast.child_a1.birth_weight_kg == 3.1  # already set: not overwritten
    assert record == MergeRecord.objects.get()
    assert (record.kept, record.merged, record.merged_by) == (cast.child_a1, twin, cast.bidan_a)
    assert record.details["conflicts"] == [{
        "measured_on": clash.measured_on.isoformat(), "measurement_id": str(clash.pk),
        "values": {"weight_kg": 8.8, "lenhei_cm": None, "measure": "", "headc_cm": None,
                   "armc_cm": None, "oedema": False},
    }]  # fmt: skip
    assert [m["measured_on"] for m in record.details["moved_measurements"]] == [
        (today - dt.timedelta(days=30)).isoformat()
    ]
    assert set(record.details["filled"]) == {"nik", "birth_length_cm"}
    assert record.details["removed"]["name"] == "An. Anak A1"


def test_moved_measurements_are_derived_again_from_the_kept_childs_birth_date(cast):
    today = cast.today
    twin = _twin(cast, birth_date=cast.child_a1.birth_date - dt.timedelta(days=10))
    moved = _measure(twin, 30, 9.4, today)
    services.merge_children(keep=cast.child_a1, remove=twin, user=cast.admin)
    moved.refresh_from_db()
    assert moved.age_days == (moved.measured_on - cast.child_a1.birth_date).days


def test_later_merges_point_at_the_kept_child_not_at_a_removed_one(cast):
    first, second = _twin(cast), _twin(cast, name="Anak A 1")
    services.merge_children(keep=second, remove=first, user=cast.admin)
    services.merge_children(keep=cast.child_a1, remove=second, user=cast.admin)
    first.refresh_from_db()
    assert first.merged_into == cast.child_a1


@pytest.mark.parametrize("username", ["kader_a", "tpk_a", "analyst_names"])
def test_only_data_managers_may_merge(cast, username):
    twin = _twin(cast)
    with pytest.raises(PermissionDenied):
        services.merge_children(keep=cast.child_a1, remove=twin, user=getattr(cast, username))
    assert not MergeRecord.objects.exists()
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_a_bidan_cannot_merge_children_outside_her_puskesmas(cast):
    twin_b = Child.objects.create(
        name="Anak B1", sex="M", birth_date=cast.child_b1.birth_date, household=cast.hh_b1,
        posyandu=cast.pos_b1,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.merge_children(keep=cast.child_b1, remove=twin_b, user=cast.bidan_a)
    assert not MergeRecord.objects.exists()


def test_a_child_cannot_be_merged_with_itself_or_twice(cast):
    with pytest.raises(ValidationError):
        services.merge_children(keep=cast.child_a1, remove=cast.child_a1, user=cast.admin)
    twin = _twin(cast)
    services.merge_children(keep=cast.child_a1, remove=twin, user=cast.admin)
    with pytest.raises(ValidationError):
        services.merge_children(keep=twin, remove=cast.child_a1, user=cast.admin)


# --- counts and lists ----------------------------------------------------------------------------


def test_counts_by_posyandu_follow_the_users_scope(cast):
    Child.objects.create(
        name="Kakak A1", sex="F", birth_date=cast.today - dt.timedelta(days=6 * 365),
        household=cast.hh_a1, posyandu=cast.pos_a1,
    )  # over five: not counted  # fmt: skip
    rows = {r.posyandu: r for r in services.counts_by_posyandu(cast.analyst)}
    assert set(rows) == {"Melati", "Mawar", "Kenanga"}
    melati = rows["Melati"]
    assert (melati.households, melati.children_under_five, melati.pregnancies) == (1, 1, 1)
    assert melati.kelurahan == "Manggar"
    assert [r.posyandu for r in services.counts_by_posyandu(cast.kader_a)] == ["Melati"]
    assert services.counts_by_posyandu(cast.analyst_other_city) == []


def test_totals_count_only_ongoing_pregnancies(cast):
    cast.pregnancy_a1.ended_on = cast.today
    cast.pregnancy_a1.save()
    totals = services.totals(cast.bidan_a)
    assert (totals.households, totals.children_under_five, totals.pregnancies) == (2, 2, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kepala a1", {"hh_a1"}),
        ("Jl. Uji", {"hh_a1", "hh_a2"}),
        ("anak a2", {"hh_a2"}),  # a child's name
        ("3171 0101", {"hh_a1"}),  # KK number, typed with a space
        ("B1", set()),  # side B is out of scope
    ],
)
def test_household_search_matches_head_address_kk_or_child(cast, query, expected):
    Household.objects.filter(pk=cast.hh_a1.pk).update(kk_number="3171010101010001")
    found = services.household_list(cast.bidan_a, query=query)
    assert {h.pk for h in found} == {getattr(cast, key).pk for key in expected}


def test_the_household_list_counts_children_under_five_without_merged_ones(cast):
    twin = _twin(cast)
    services.merge_children(keep=cast.child_a1, remove=twin, user=cast.admin)
    (household,) = services.household_list(cast.kader_a)
    assert household.children_under_five == 1
