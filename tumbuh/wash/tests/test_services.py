import datetime as dt

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tumbuh.registry.models import Child, Household, Sanitation, WaterSource
from tumbuh.wash import rules, services
from tumbuh.wash.models import HouseholdWashChange, Project, ProjectHousehold

D = dt.date


def _set(hh, **values):
    Household.objects.filter(pk=hh.pk).update(**values)
    hh.refresh_from_db()


@pytest.fixture
def project(cast):
    p = Project.objects.create(name="SR PDAM Manggar", kind="piped", start_on=D(2025, 3, 1))
    p.kelurahan.add(cast.kel_a)
    return p


def test_record_status_keeps_before_and_after(cast):
    _set(cast.hh_a1, water_source="unprotected_well", sanitation="own_septic")
    changes = services.record_status(
        cast.hh_a1, values={"water_source": "borehole", "sanitation": "own_septic",
                            "wastewater": "pit"},
        changed_on=D(2026, 1, 10), user=cast.kader_a, today=D(2026, 2, 1))  # fmt: skip
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("water_source", "unprotected_well", "borehole"), ("wastewater", "", "pit")]
    cast.hh_a1.refresh_from_db()
    assert (cast.hh_a1.water_source, cast.hh_a1.wastewater) == ("borehole", "pit")
    assert cast.hh_a1.wash_checked_on == D(2026, 1, 10)
    assert HouseholdWashChange.objects.filter(household=cast.hh_a1, source="manual").count() == 2
    # an earlier day than the last change would break the history
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_status(cast.hh_a1, values={"water_source": "piped"},
                               changed_on=D(2026, 1, 9), user=cast.kader_a, today=D(2026, 2, 1))
    with pytest.raises(ValidationError, match="future"):
        services.record_status(cast.hh_a1, values={"water_source": "piped"},
                               changed_on=D(2026, 2, 2), user=cast.kader_a, today=D(2026, 2, 1))
    # nothing changed: no history, only the check day moves
    assert services.record_status(cast.hh_a1, values={"water_source": "borehole"},
                                  changed_on=D(2026, 1, 20), user=cast.kader_a,
                                  today=D(2026, 2, 1)) == []  # fmt: skip
    cast.hh_a1.refresh_from_db()
    assert cast.hh_a1.wash_checked_on == D(2026, 1, 20)


def test_reaching_households_updates_them_and_their_history(cast, project):
    _set(cast.hh_a1, water_source="unprotected_well")
    _set(cast.hh_a2, water_source="piped")
    result = services.reach_households(project, [cast.hh_a1.pk, cast.hh_a2.pk],
                                       completed_on=D(2025, 6, 1), user=cast.admin)
    assert (result.reached, result.already, result.changes) == (2, 0, 1)
    cast.hh_a1.refresh_from_db()
    assert cast.hh_a1.water_source == "piped" and cast.hh_a1.wash_checked_on == D(2025, 6, 1)
    change = HouseholdWashChange.objects.get(household=cast.hh_a1)
    assert (change.old, change.new, change.source) == ("unprotected_well", "piped", "project")
    assert change.reach.project == project
    assert ProjectHousehold.objects.filter(project=project).count() == 2
    again = services.reach_households(project, [cast.hh_a1.pk], completed_on=D(2025, 7, 1),
                                      user=cast.admin)  # fmt: skip
    assert (again.reached, again.already) == (0, 1)


def test_spald_sets_sanitation_and_grey_water(cast):
    p = Project.objects.create(name="SPALD", kind="spald", start_on=D(2025, 1, 1))
    p.kelurahan.add(cast.kel_a)
    _set(cast.hh_a1, sanitation="own_no_septic", wastewater="open_drain")
    services.reach_households(p, [cast.hh_a1.pk], completed_on=D(2025, 2, 1), user=cast.admin)
    cast.hh_a1.refresh_from_db()
    assert (cast.hh_a1.sanitation, cast.hh_a1.wastewater) == ("own_septic", "sewer")


def test_reach_refuses_families_outside_the_project_or_the_scope(cast, project):
    with pytest.raises(ValidationError, match="outside the project"):
        services.reach_households(project, [cast.hh_b1.pk], completed_on=D(2025, 6, 1),
                                  user=cast.admin)
    with pytest.raises(PermissionDenied):  # kader of Kenanga does not see family A1
        services.reach_households(project, [cast.hh_a1.pk], completed_on=D(2025, 6, 1),
                                  user=cast.kader_b)
    with pytest.raises(ValidationError, match="before the project starts"):
        services.reach_households(project, [cast.hh_a1.pk], completed_on=D(2025, 2, 1),
                                  user=cast.admin)
    assert not ProjectHousehold.objects.exists()


def test_the_registry_form_path_records_history(cast):
    hh = Household.objects.get(pk=cast.hh_a1.pk)
    hh.water_source, hh.wash_checked_on = "refill", D(2026, 3, 3)
    hh.save()
    change = HouseholdWashChange.objects.get(household=hh)
    assert (change.field, change.old, change.new, change.changed_on) == (
        "water_source", "", "refill", D(2026, 3, 3))
    hh.head_name = "Nama Baru"
    hh.save()
    assert HouseholdWashChange.objects.count() == 1


def _random_register(cast, n=60, seed=1):
    rng = np.random.default_rng(seed)
    waters = ["", *WaterSource.values]
    sans = ["", *Sanitation.values]
    pos = [(cast.pos_a1, cast.kel_a, cast.team_a), (cast.pos_a2, cast.kel_a, None),
           (cast.pos_b1, cast.kel_b, cast.team_b)]  # fmt: skip
    made = []
    for i in range(n):
        p, k, t = pos[i % 3]
        made.append(Household(
            head_name=f"K{i}", address="Jl. Acak", kelurahan=k, posyandu=p, tpk_team=t,
            water_source=waters[rng.integers(len(waters))],
            sanitation=sans[rng.integers(len(sans))],
        ))  # fmt: skip
    Household.objects.bulk_create(made)
    kids = [Child(name=f"A{i}", sex="F", birth_date=D(2022, 1, 1) + dt.timedelta(days=40 * i),
                  household=h, posyandu=h.posyandu) for i, h in enumerate(made[::4])]
    Child.objects.bulk_create(kids)
    return made


@pytest.mark.parametrize("user", ["admin", "kader_a", "bidan_b", "tpk_a", "analyst"])
def test_coverage_recounts_like_a_direct_count(cast, user):
    _random_register(cast)
    u = getattr(cast, user)
    from tumbuh.accounts.scope import visible

    cov = services.coverage(u, definition="national")
    for row in [*cov.rows, cov.total]:
        qs = visible(Household.objects.all(), u)
        if row.code:
            qs = qs.filter(kelurahan_id=row.code)
        wk, sk = rules.water_known_q(), rules.sanitation_known_q()
        assert row.all.households == qs.count()
        assert row.all.water_known == qs.filter(wk).count()
        assert row.all.water_layak == qs.filter(rules.water_layak_q()).count()
        assert row.all.sanitation_layak == qs.filter(rules.sanitation_layak_q()).count()
        assert row.all.both_known == qs.filter(wk & sk).count()
        assert row.all.both_layak == qs.filter(
            rules.water_layak_q() & rules.sanitation_layak_q()).count()
        u5 = qs.filter(children__birth_date__gt=services._years_before(cov.on, 5),
                       children__birth_date__lte=cov.on,
                       children__merged_into__isnull=True).distinct()
        assert row.under_five.households == u5.count()
        assert row.under_five.both_layak == u5.filter(
            rules.water_layak_q() & rules.sanitation_layak_q()).count()
    assert cov.total.all.households == sum(r.all.households for r in cov.rows)
    # the grouped count of the dashboard gives the same households
    grouped = services.household_coverage(u, definition="national")
    assert [(r.code, r.all) for r in grouped.rows] == [(r.code, r.all) for r in cov.rows]
    assert grouped.total.all == cov.total.all


def test_coverage_on_a_past_day_undoes_later_changes(cast, project):
    _set(cast.hh_a1, water_source="surface", sanitation="own_no_septic")
    _set(cast.hh_a2, water_source="refill", sanitation="own_septic")
    _set(cast.hh_b1, water_source="", sanitation="")
    services.reach_households(project, [cast.hh_a1.pk], completed_on=D(2025, 6, 10),
                              user=cast.admin)
    services.record_status(cast.hh_a1, values={"sanitation": "own_septic"},
                           changed_on=D(2025, 9, 1), user=cast.kader_a)
    services.record_status(cast.hh_b1, values={"water_source": "borehole"},
                           changed_on=D(2025, 9, 1), user=cast.kader_b)

    def both(day):
        c = services.coverage(cast.admin, on=day).total.all
        grouped = services.household_coverage(cast.admin, on=day)
        assert grouped.total.all == c and [r.all for r in grouped.rows] == [
            r.all for r in services.coverage(cast.admin, on=day).rows]
        return c.water_layak, c.water_known, c.sanitation_layak, c.both_layak

    assert both(D(2025, 6, 9)) == (1, 2, 1, 1)  # A1 surface/no septic, A2 ok, B1 unknown
    assert both(D(2025, 6, 10)) == (2, 2, 1, 1)  # piped water for A1 on the day it was done
    assert both(D(2025, 9, 1)) == (3, 3, 2, 2)
    assert both(None) == both(D(2025, 9, 1))
    trend = services.coverage_trend(cast.admin, [D(2025, 5, 1), D(2025, 6, 1), D(2025, 9, 1)],
                                    today=D(2025, 9, 20))  # fmt: skip
    assert [c.on for c in trend] == [D(2025, 5, 31), D(2025, 6, 30), D(2025, 9, 20)]
    assert [c.total.all.water_layak for c in trend] == [1, 2, 3]
    # the kader of Kenanga sees only B1
    mine = services.coverage(cast.kader_b, on=D(2025, 8, 1))
    assert [r.name for r in mine.rows] == ["Baru Ilir"]
    assert mine.total.all.households == 1 and mine.total.all.water_known == 0


def test_under_five_is_counted_on_the_day(cast):
    cast.child_a1.birth_date = D(2020, 6, 1)
    cast.child_a1.save()
    Child.objects.filter(pk__in=[cast.child_a2.pk, cast.child_b1.pk]).update(
        birth_date=D(2026, 1, 1))
    assert services.coverage(cast.admin, on=D(2025, 5, 31)).total.under_five.households == 1
    assert services.coverage(cast.admin, on=D(2025, 6, 1)).total.under_five.households == 0
    assert services.coverage(cast.admin, on=D(2026, 1, 1)).total.under_five.households == 2


def test_gaps_lists_only_families_in_scope_without_layak_status(cast):
    _set(cast.hh_a1, water_source="surface", sanitation="own_septic")
    _set(cast.hh_a2, water_source="piped", sanitation="shared_septic")
    _set(cast.hh_b1, water_source="piped", sanitation="open")
    assert set(services.gaps(cast.admin)) == {cast.hh_a1, cast.hh_b1}
    assert list(services.gaps(cast.admin, missing="water")) == [cast.hh_a1]
    assert set(services.gaps(cast.admin, definition="krs")) == {cast.hh_a1, cast.hh_a2,
                                                                cast.hh_b1}  # fmt: skip
    assert list(services.gaps(cast.tpk_a)) == [cast.hh_a1]
    assert list(services.gaps(cast.kader_a2)) == []
    with pytest.raises(PermissionDenied):
        services.gaps(cast.analyst)
    assert len(services.gaps(cast.analyst_names)) == 2
