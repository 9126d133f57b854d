"""The demo's PMT records: plausible, consistent with the rules, deterministic."""

import datetime as dt

import pytest
from django.db.models import Count, F, Q

from tumbuh.pmt import demo, services
from tumbuh.pmt.models import Delivery, Enrolment, Outcome
from tumbuh.tools import synthetic

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def city(db, settings):
    synthetic.generate_city("tiny", seed=7, as_of=AS_OF)


def test_demo_enrolments_follow_the_rules(city):
    counts = demo.populate(seed=7, as_of=AS_OF)
    assert counts["pmt_enrolments"] == Enrolment.objects.count() > 0
    assert counts["pmt_deliveries"] == Delivery.objects.count() > 0
    for e in Enrolment.objects.select_related("start_measurement"):
        assert e.planned_end == e.started_on + dt.timedelta(days=e.planned_days - 1)
        assert e.start_on <= e.started_on <= AS_OF
        if e.start_measurement:
            m = e.start_measurement
            assert (e.reason != "gizi_kurang") or m.status_bbtb == "gizi_kurang"
            assert 6 <= m.age_months <= 59
    # no delivery outside its enrolment's days, none after a drop-out, none from today on
    assert not Delivery.objects.filter(
        Q(day__lt=F("enrolment__started_on")) | Q(day__gt=F("enrolment__planned_end"))
        | Q(day__gt=F("enrolment__closed_on")) | Q(day__gte=AS_OF)
    ).exists()
    # what was due is closed, with the days delivered counted
    assert not services.due_for_closure(AS_OF).filter(
        planned_end__lt=AS_OF - dt.timedelta(days=20)).exists()
    closed = Enrolment.objects.filter(closed_on__isnull=False).annotate(
        n=Count("deliveries", filter=~Q(deliveries__status="missed")))
    assert closed.exists()
    for e in closed:
        assert e.days_delivered == e.n
        assert e.outcome in Outcome.values


def test_demo_is_deterministic(city):
    demo.populate(seed=7, as_of=AS_OF)
    first = sorted(Enrolment.objects.values_list("child_id", "pregnancy_id", "started_on",
                                                 "outcome"), key=str)  # fmt: skip
    Delivery.objects.all().delete()
    Enrolment.objects.all().delete()
    demo.populate(seed=7, as_of=AS_OF)
    again = sorted(Enrolment.objects.values_list("child_id", "pregnancy_id", "started_on",
                                                 "outcome"), key=str)  # fmt: skip
    assert first == again
