import datetime as dt

import pytest

from tumbuh.registry.models import Household
from tumbuh.wash import demo, services
from tumbuh.wash.models import HouseholdWashChange, Project, ProjectHousehold

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def city(db):
    from tumbuh.tools import synthetic

    synthetic.generate_city("tiny", seed=7, as_of=AS_OF)


def test_demo_writes_projects_history_and_rising_coverage(city, django_user_model):
    counts = demo.populate(seed=7, as_of=AS_OF)
    assert counts["projects"] == Project.objects.count() == demo.YEARS * demo.PROJECTS_PER_YEAR
    assert counts["households_reached"] == ProjectHousehold.objects.count() > 0
    assert counts["changes"] == HouseholdWashChange.objects.count() > 0
    # every change's "after" is the family's status today (one change per family and field)
    for c in HouseholdWashChange.objects.select_related("household")[:200]:
        assert getattr(c.household, c.field) == c.new != c.old
        assert c.household.wash_checked_on == c.changed_on <= AS_OF
    assert not Household.objects.filter(wastewater="").exclude(sanitation="").exists()
    # reached families have what their project gives
    for r in ProjectHousehold.objects.select_related("project", "household")[:100]:
        assert r.project.start_on <= r.completed_on <= AS_OF
        if r.project.kind == "piped":
            assert r.household.water_source == "piped"
    admin = django_user_model.objects.create_user("root", is_superuser=True)
    covs = services.coverage_trend(admin, [dt.date(2024, 10, 1), dt.date(2026, 10, 1)],
                                   today=AS_OF)  # fmt: skip
    old, new = covs[0].total.all, covs[1].total.all
    assert new.both_pct > old.both_pct
    assert new.water_pct > old.water_pct and new.sanitation_pct > old.sanitation_pct


def test_demo_is_deterministic(city):
    demo.populate(seed=7, as_of=AS_OF)
    first = sorted(HouseholdWashChange.objects.values_list("household_id", "field", "old",
                                                           "changed_on"))  # fmt: skip
    HouseholdWashChange.objects.all().delete()
    ProjectHousehold.objects.all().delete()
    Project.objects.all().delete()
    demo.populate(seed=7, as_of=AS_OF)
    again = sorted(HouseholdWashChange.objects.values_list("household_id", "field", "old",
                                                           "changed_on"))  # fmt: skip
    assert first == again
