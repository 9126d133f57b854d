"""Screening households from the registry: few queries, stored results, the latest one wins."""

import datetime as dt

import pytest
from django.core.management import call_command

from tumbuh.families import config
from tumbuh.families.models import Screening
from tumbuh.families.services import households_at_risk, screen_households
from tumbuh.registry.models import Child, Household, Person


def add_family(cast, key, *, water="piped", latrine="own_septic", mother_age=25, children=1):
    hh = Household.objects.create(head_name=f"Kepala {key}", address=f"Jl. {key}", rt="001",
                                  rw="003", kelurahan=cast.kel_a, posyandu=cast.pos_a1,
                                  water_source=water, sanitation=latrine)  # fmt: skip
    mother = Person.objects.create(household=hh, name=f"Ibu {key}", sex="F",
                                   birth_date=cast.today - dt.timedelta(days=365 * mother_age + 10))
    for i in range(children):
        Child.objects.create(name=f"Anak {key}{i}", sex="F", household=hh, mother=mother,
                             posyandu=cast.pos_a1,
                             birth_date=cast.today - dt.timedelta(days=200 + 900 * i))
    return hh


def test_screening_stores_the_result_with_the_rule_version(cast):
    risky = add_family(cast, "R", water="surface")
    young = add_family(cast, "Y", mother_age=18)
    safe = add_family(cast, "S")
    rows = screen_households(Household.objects.filter(pk__in=[risky.pk, young.pk, safe.pk]),
                             cast.today, cast.bidan_a)  # fmt: skip
    assert len(rows) == 3
    by_hh = {s.household_id: s for s in Screening.objects.all()}
    assert by_hh[risky.pk].factors == ["water"] and by_hh[risky.pk].at_risk
    assert by_hh[young.pk].factors == ["too_young"] and by_hh[young.pk].at_risk
    assert by_hh[safe.pk].factors == [] and not by_hh[safe.pk].at_risk
    assert by_hh[safe.pk].is_target and by_hh[safe.pk].targets == ["baduta", "pus"]
    assert {s.rule_version for s in by_hh.values()} == {config.current().version}
    assert by_hh[safe.pk].screened_by == cast.bidan_a
    assert set(households_at_risk(cast.today)) == {risky, young}


def test_the_cast_households(cast):
    # the cast's families: a mother born 1995, a child of 400 days, an open pregnancy begun 70
    # days ago (due in 210 days: 610 days, 20 months, after the child's birth), no water or
    # latrine recorded: target families, births too close
    screen_households(Household.objects.all(), cast.today)
    for s in Screening.objects.all():
        assert s.is_target and s.targets == ["pregnant", "baduta", "pus"]
        assert s.at_risk and s.factors == ["too_close"]


def test_the_number_of_queries_does_not_grow_with_households(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            screen_households(Household.objects.all(), cast.today)
        return len(ctx.captured_queries)

    few = queries()
    for i in range(30):
        add_family(cast, f"F{i}", water="surface" if i % 2 else "piped", children=2)
    many = queries()
    # 4 reads (households, women, children, pregnancies), the insert and its savepoint
    assert few == many <= 7
    assert Screening.objects.count() == 3 + Household.objects.count()


def test_the_latest_screening_on_or_before_the_day_decides(cast):
    hh = add_family(cast, "L", water="surface")
    day1, day2 = cast.today - dt.timedelta(days=60), cast.today - dt.timedelta(days=10)
    screen_households(Household.objects.filter(pk=hh.pk), day1)
    hh.water_source = "piped"
    hh.save()
    screen_households(Household.objects.filter(pk=hh.pk), day2)
    assert hh in households_at_risk(day1 + dt.timedelta(days=1))
    assert hh not in households_at_risk(day2)
    assert hh not in households_at_risk()
    assert hh not in households_at_risk(day1 - dt.timedelta(days=1))  # not screened yet


@pytest.mark.django_db
def test_the_management_command_screens_every_household(cast, capsys):
    call_command("screenfamilies")
    assert Screening.objects.count() == Household.objects.count() == 3
    assert "3" in capsys.readouterr().out
    call_command("screenfamilies", "--on", "2026-01-15")
    assert Screening.objects.filter(screened_on=dt.date(2026, 1, 15)).count() == 3
