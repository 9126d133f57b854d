"""The one scoping helper: each role sees exactly its own records, for every scoped model."""

import pytest

from tumbuh.accounts.scope import visible
from tumbuh.monitoring.models import ChildMeasurement, PosyanduSession
from tumbuh.registry.models import Child, Household, Person, Pregnancy

# user -> children they must see (by cast attribute)
EXPECTED_CHILDREN = {
    "kader_a": {"child_a1"},
    "kader_a2": {"child_a2"},
    "kader_b": {"child_b1"},
    "bidan_a": {"child_a1", "child_a2"},
    "bidan_b": {"child_b1"},
    "tpk_a": {"child_a1"},
    "tpk_b": {"child_b1"},
    "analyst": {"child_a1", "child_a2", "child_b1"},
    "analyst_other_city": set(),
    "admin": {"child_a1", "child_a2", "child_b1"},
}


@pytest.mark.parametrize("username", sorted(EXPECTED_CHILDREN))
def test_each_role_sees_exactly_its_own_children(cast, username):
    user = getattr(cast, username)
    seen = set(visible(Child.objects.all(), user).values_list("id", flat=True))
    assert seen == {getattr(cast, key).id for key in EXPECTED_CHILDREN[username]}


@pytest.mark.parametrize("username", sorted(EXPECTED_CHILDREN))
@pytest.mark.parametrize(
    ("model", "attr"),
    [(Household, "hh_"), (Person, "mother_"), (Pregnancy, "pregnancy_")],
)
def test_households_mothers_and_pregnancies_follow_the_same_scope(cast, username, model, attr):
    user = getattr(cast, username)
    expected = {getattr(cast, attr + key.split("_")[1]).pk for key in EXPECTED_CHILDREN[username]}
    assert set(visible(model.objects.all(), user).values_list("pk", flat=True)) == expected


def test_anonymous_and_inactive_users_see_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not visible(Child.objects.all(), AnonymousUser()).exists()
    cast.admin.is_active = False
    assert not visible(Child.objects.all(), cast.admin).exists()


def test_tpk_members_see_no_posyandu_days(cast):
    PosyanduSession.objects.create(posyandu=cast.pos_a1, date=cast.today)
    assert not visible(PosyanduSession.objects.all(), cast.tpk_a).exists()
    assert visible(PosyanduSession.objects.all(), cast.kader_a).count() == 1
    assert not visible(PosyanduSession.objects.all(), cast.kader_b).exists()


def test_measurements_are_scoped_through_their_child(cast):
    import datetime as dt

    from tumbuh.monitoring.services import MeasurementInput, record_measurement

    record_measurement(child=cast.child_b1, data=MeasurementInput(
        measured_on=cast.today - dt.timedelta(days=1), weight_kg=9.5, lenhei_cm=75.0, measure="l"))
    qs = ChildMeasurement.objects.all()
    assert visible(qs, cast.kader_b).count() == 1
    assert visible(qs, cast.kader_a).count() == 0
    assert visible(qs, cast.analyst).count() == 1


def test_analysts_need_a_permission_to_see_names(cast):
    assert not cast.analyst.may_see_identity()
    assert cast.analyst_names.may_see_identity()
    assert cast.kader_a.may_see_identity()
