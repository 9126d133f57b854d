"""The duplicates list and the merge page."""

import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.monitoring.services import MeasurementInput, record_measurement
from tumbuh.registry.models import Child, MergeRecord

DUPLICATES = reverse("registry:duplicates")


@pytest.fixture
def twin(cast):
    """child_a1 registered a second time, with a title before the name."""
    return Child.objects.create(
        name="An. Anak A1", sex="M", birth_date=cast.child_a1.birth_date, household=cast.hh_a1,
        mother=cast.mother_a1, posyandu=cast.pos_a1,
    )  # fmt: skip


def merge_url(a, b):
    return reverse("registry:merge", args=[a.pk, b.pk])


def test_the_duplicates_page_lists_pairs_with_a_merge_link(cast, login, twin):
    page = login(cast.bidan_a).get(DUPLICATES).content.decode()
    assert "An. Anak A1" in page and "Anak A1" in page
    assert merge_url(cast.child_a1, twin) in page or merge_url(twin, cast.child_a1) in page


def test_the_duplicates_page_of_the_other_puskesmas_does_not_show_them(cast, login, twin):
    page = login(cast.bidan_b).get(DUPLICATES).content.decode()
    assert "Anak A1" not in page


def test_the_merge_page_shows_both_records_side_by_side(cast, login, twin):
    record_measurement(child=twin, data=MeasurementInput(
        measured_on=cast.today - dt.timedelta(days=3), weight_kg=9.1), confirm=True)
    response = login(cast.admin).get(merge_url(cast.child_a1, twin))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="keep"') == 2
    assert [c.measurement_count for c in response.context["pair"]] == [0, 1]


def test_posting_the_merge_keeps_the_chosen_record_and_moves_measurements(cast, login, twin):
    row = record_measurement(child=twin, data=MeasurementInput(
        measured_on=cast.today - dt.timedelta(days=3), weight_kg=9.1), confirm=True)
    response = login(cast.bidan_a).post(merge_url(cast.child_a1, twin), {"keep": twin.pk})
    assert response.status_code == 302
    assert response.url == reverse("registry:household-detail", args=[cast.hh_a1.pk])
    cast.child_a1.refresh_from_db()
    assert cast.child_a1.merged_into == twin
    assert ChildMeasurement.objects.get(pk=row.pk).child == twin
    record = MergeRecord.objects.get()
    assert (record.kept, record.merged, record.merged_by) == (twin, cast.child_a1, cast.bidan_a)


def test_posting_without_a_choice_merges_nothing(cast, login, twin):
    response = login(cast.admin).post(merge_url(cast.child_a1, twin), {"keep": "nonsense"})
    assert response.status_code == 400
    assert not MergeRecord.objects.exists()


def test_a_kader_cannot_merge(cast, login, twin):
    response = login(cast.kader_a).post(merge_url(cast.child_a1, twin), {"keep": twin.pk})
    assert response.status_code == 403
    assert not MergeRecord.objects.exists()


def test_a_bidan_cannot_merge_the_other_sides_children(cast, login):
    response = login(cast.bidan_a).post(merge_url(cast.child_a1, cast.child_b1),
                                        {"keep": cast.child_a1.pk})  # fmt: skip
    assert response.status_code == 404
    assert not MergeRecord.objects.exists()


def test_a_child_cannot_be_merged_with_itself(cast, login):
    response = login(cast.admin).get(merge_url(cast.child_a1, cast.child_a1))
    assert response.status_code == 403
