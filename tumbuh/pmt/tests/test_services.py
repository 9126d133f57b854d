"""Enrolment, the daily log, closure and its judgement, and the figures (checked by hand)."""

import datetime as dt

import pytest

from tumbuh.pmt import services
from tumbuh.pmt.models import Delivery, Enrolment, Funding, Outcome, UnitCost

from .helpers import BB_KURANG, GIZI_KURANG, NORMAL, check, measure

D = dt.timedelta


def _enrol(cast, on, values=GIZI_KURANG, child=None, user=None):
    child = child or cast.child_a1
    measure(child, on, values)
    c = services.candidate_for(cast.admin, child=child, today=on)
    return services.enrol(c, user=user or cast.bidan_a, started_on=on, funding=Funding.APBD)


def test_enrolment_stores_rule_baseline_and_dates(cast):
    start = cast.today - D(days=10)
    e = _enrol(cast, start)
    assert (e.reason, e.planned_days, e.rule_version) == ("gizi_kurang", 56, "2026.1")
    assert e.planned_end == start + D(days=55)
    m = e.start_measurement
    assert m.measured_on == start and e.start_on == start
    assert (e.start_weight_kg, e.start_whz, e.start_waz, e.start_haz) == (7.8, m.zwfl, m.zwei,
                                                                          m.zlen)  # fmt: skip
    assert m.zwfl == -2.47  # length-based: the age does not matter
    assert e.household == cast.hh_a1 and e.posyandu == cast.pos_a1
    assert e.is_open and e.enrolled_by == cast.bidan_a


def test_only_health_workers_enrol_and_only_once(cast):
    measure(cast.child_a1, cast.today, GIZI_KURANG)
    c = services.candidate_for(cast.admin, child=cast.child_a1)
    with pytest.raises(services.PmtError, match="midwife"):
        services.enrol(c, user=cast.kader_a, started_on=cast.today, funding=Funding.APBD)
    services.enrol(c, user=cast.bidan_a, started_on=cast.today, funding=Funding.APBD)
    with pytest.raises(services.PmtError, match="already enrolled"):
        services.enrol(c, user=cast.bidan_a, started_on=cast.today, funding=Funding.APBD)
    with pytest.raises(services.PmtError, match="already enrolled"):
        services.candidate_for(cast.bidan_a, child=cast.child_a1)
    assert Enrolment.objects.count() == 1


def test_first_day_not_before_the_measurement(cast):
    measure(cast.child_a1, cast.today, GIZI_KURANG)
    c = services.candidate_for(cast.admin, child=cast.child_a1)
    with pytest.raises(services.PmtError, match="cannot come before"):
        services.enrol(c, user=cast.bidan_a, started_on=cast.today - D(days=1),
                       funding=Funding.APBD)  # fmt: skip


def test_day_log_saves_updates_and_removes(cast):
    e = _enrol(cast, cast.today - D(days=3))
    day = cast.today - D(days=2)
    n = services.record_day(cast.kader_a, cast.pos_a1, day, {e.pk: ("snack", "")})
    assert n == 1
    services.record_day(cast.kader_a, cast.pos_a1, day, {e.pk: ("missed", "")})
    d = Delivery.objects.get()
    assert (d.status, d.missed_reason, d.recorded_by) == ("missed", "other", cast.kader_a)
    services.record_day(cast.kader_a, cast.pos_a1, day, {e.pk: ("", "")})
    assert not Delivery.objects.exists()
    [entry] = services.day_log(cast.kader_a, cast.pos_a1, day)
    assert (entry.day_number, entry.delivered_days, entry.unrecorded_days) == (2, 0, 2)


def test_day_log_refuses_foreign_rows_and_saves_nothing(cast):
    e = _enrol(cast, cast.today - D(days=3))
    other = _enrol(cast, cast.today - D(days=3), child=cast.child_b1, user=cast.bidan_b)
    with pytest.raises(services.PmtError, match="not active at this posyandu"):
        services.record_day(cast.kader_a, cast.pos_a1, cast.today,
                            {e.pk: ("meal", ""), other.pk: ("meal", "")})  # fmt: skip
    assert not Delivery.objects.exists()
    with pytest.raises(services.PmtError, match="not active"):  # before the first day
        services.record_day(cast.kader_a, cast.pos_a1, cast.today - D(days=5),
                            {e.pk: ("meal", "")})  # fmt: skip
    with pytest.raises(services.PmtError, match="may not"):
        services.record_day(cast.tpk_a, cast.pos_a1, cast.today, {e.pk: ("meal", "")})


def _deliver(e, user, days, status="snack"):
    for i in range(days):
        Delivery.objects.create(enrolment=e, day=e.started_on + D(days=i), status=status,
                                recorded_by=user)  # fmt: skip


def test_wasted_child_recovers_when_whz_ends_above_minus_two(cast):
    start = cast.today - D(days=70)
    e = _enrol(cast, start)
    _deliver(e, cast.kader_a, 52)
    measure(cast.child_a1, e.planned_end - D(days=2), NORMAL)  # within the 7-day window
    assert services.close_due(cast.today) == 1
    e.refresh_from_db()
    assert (e.outcome, e.days_delivered, e.auto_closed, e.end_whz) == ("recovered", 52, True, 0.0)
    assert e.closed_on == e.planned_end


def test_improved_not_improved_and_no_end_measurement(cast):
    start = cast.today - D(days=40)
    e = _enrol(cast, start, values=BB_KURANG)  # 28 days
    assert e.reason == "bb_kurang"
    # today is 12 days after the last day: still waiting (grace 14 days) without a measurement
    assert services.close_due(cast.today) == 0
    assert services.close_due(cast.today + D(days=3)) == 1
    e.refresh_from_db()
    assert e.outcome == Outcome.NOT_MEASURED and e.end_on is None

    e2 = _enrol(cast, cast.today - D(days=70), values=GIZI_KURANG, child=cast.child_a2)
    early = measure(cast.child_a2, e2.planned_end - D(days=8), NORMAL)  # before the window
    end = measure(cast.child_a2, e2.planned_end + D(days=1), (8.0, 75.0))
    assert e2.start_whz < end.zwfl <= -2 < early.zwfl
    assert services.close_due(cast.today) == 1
    e2.refresh_from_db()
    assert (e2.outcome, e2.end_measurement, e2.closed_on) == ("improved", end, e2.planned_end)


def test_judgement_by_reason(cast):
    e = Enrolment(group="child", reason="gizi_kurang", start_whz=-2.5, end_whz=-2.0)
    rules = services.pmt_config.rules()
    assert services._judge(e, rules) == Outcome.IMPROVED  # -2.0 is not above -2
    e.end_whz = -1.99
    assert services._judge(e, rules) == Outcome.RECOVERED
    e.end_whz = -2.6
    assert services._judge(e, rules) == Outcome.NOT_IMPROVED
    t = Enrolment(group="child", reason="tidak_naik", start_waz=-1.0, end_waz=-0.9)
    assert services._judge(t, rules) == Outcome.IMPROVED  # +0.10 is not more than 0.1
    t.end_waz = -0.89
    assert services._judge(t, rules) == Outcome.RECOVERED
    start = dt.date(2026, 1, 1)
    p = Enrolment(group="pregnant", reason="kek", start_on=start, start_weight_kg=45.0,
                  end_on=start + D(days=112), end_weight_kg=53.0)  # 16 weeks, 0.5 kg/week
    assert services._judge(p, rules) == Outcome.RECOVERED
    p.end_weight_kg = 52.9
    assert services._judge(p, rules) == Outcome.IMPROVED


def test_manual_close_before_the_end_and_judged_close_only_after(cast):
    e = _enrol(cast, cast.today - D(days=5))
    with pytest.raises(services.PmtError, match="last planned day"):
        services.close(e, user=cast.bidan_a, outcome=None, closed_on=cast.today)
    with pytest.raises(services.PmtError, match="judged from the measurements"):
        services.close(e, user=cast.bidan_a, outcome="recovered", closed_on=cast.today)
    _deliver(e, cast.kader_a, 3)
    services.close(e, user=cast.bidan_a, outcome="referred", closed_on=cast.today, note="RS")
    e.refresh_from_db()
    assert (e.outcome, e.days_delivered, e.closed_by, e.auto_closed) == (
        "referred", 3, cast.bidan_a, False)
    with pytest.raises(services.PmtError, match="already closed"):
        services.close(e, user=cast.bidan_a, outcome="moved", closed_on=cast.today)


def test_pregnant_woman_enrolment_and_outcome(cast):
    preg = cast.pregnancy_a1
    start = cast.today - D(days=130)
    preg.hpht = start - D(days=60)
    preg.hpl = None
    preg.save()
    check(preg, start, muac_cm=22.5, weight_kg=44.0)
    c = services.candidate_for(cast.admin, pregnancy=preg, today=start)
    e = services.enrol(c, user=cast.bidan_a, started_on=start, funding=Funding.DAK_BOK)
    assert (e.group, e.reason, e.planned_days, e.start_muac_cm) == ("pregnant", "risiko_kek",
                                                                     120, 22.5)  # fmt: skip
    check(preg, e.planned_end, muac_cm=23.6, weight_kg=44.0 + 0.6 * 17)  # 119 days = 17 weeks
    assert services.close_due(cast.today) == 1
    e.refresh_from_db()
    assert e.outcome == "recovered" and e.end_muac_cm == 23.6


def test_figures_recount_and_cost_per_recovered(cast):
    start = cast.today - D(days=70)
    a = _enrol(cast, start)  # 56 days
    _deliver(a, cast.kader_a, 56)
    measure(cast.child_a1, a.planned_end, NORMAL)
    b = _enrol(cast, start, child=cast.child_a2)  # 56 days, half delivered, not recovered
    _deliver(b, cast.kader_a, 28)
    measure(cast.child_a2, b.planned_end, GIZI_KURANG)
    services.close_due(cast.today)
    UnitCost.objects.create(year=start.year, group="child", cost_per_day_idr=15000)
    rows = services.figures(Enrolment.objects.all())
    by = {(f.group, f.reason): f for f in rows}
    total = by[("child", "")]
    assert (total.beneficiaries, total.enrolments, total.closed, total.completed) == (2, 2, 2, 1)
    assert (total.judged, total.recovered, total.days_delivered) == (2, 1, 84)
    assert total.recovered_pct == 50 and total.completed_pct == 50
    assert total.cost_idr == 84 * 15000 and total.cost_per_recovered_idr == 84 * 15000
    assert by[("child", "gizi_kurang")].enrolments == 2
    UnitCost.objects.all().delete()
    assert services.figures(Enrolment.objects.all())[0].cost_idr is None
    totals = services.year_totals(Enrolment.objects.all())
    assert (totals["children"], totals["women"]) == (2, 0)


def test_running_enrolments_count_their_days_so_far(cast):
    e = _enrol(cast, cast.today - D(days=5))
    _deliver(e, cast.kader_a, 3)
    Delivery.objects.create(enrolment=e, day=e.started_on + D(days=3), status="missed",
                            missed_reason="sick")  # fmt: skip
    [f] = [f for f in services.figures(Enrolment.objects.all()) if not f.reason]
    assert (f.open, f.days_delivered) == (1, 3)
    [row] = services.beneficiaries_by_area(Enrolment.objects.all(), "kelurahan")
    assert (row["area"], row["children"], row["delivered"]) == ("Manggar", 1, 3)
