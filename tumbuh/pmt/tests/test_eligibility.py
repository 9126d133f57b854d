"""Who is eligible for PMT: the rule set's criteria, their order, the exclusions, the scope."""

import datetime as dt

import pytest

from tumbuh.pmt import config as pmt_config
from tumbuh.pmt import services
from tumbuh.pmt.models import Funding

from .helpers import BB_KURANG, GIZI_BURUK, GIZI_KURANG, NORMAL, check, measure


def _children(user, today):
    return services.eligible(user, today)[0]


def test_wasted_child_gets_the_longest_programme_first(cast):
    m = measure(cast.child_a1, cast.today, GIZI_KURANG)
    assert m.status_bbtb == "gizi_kurang" and m.status_bbu == "kurang"
    [c] = _children(cast.bidan_a, cast.today)
    assert (c.reason, c.days, c.also) == ("gizi_kurang", 56, ["bb_kurang"])
    assert c.child == cast.child_a1 and c.measurement == m


def test_underweight_child_gets_28_days(cast):
    measure(cast.child_a1, cast.today, BB_KURANG)
    [c] = _children(cast.bidan_a, cast.today)
    assert (c.reason, c.days, c.also) == ("bb_kurang", 28, [])


def test_faltering_child_gets_14_days(cast):
    measure(cast.child_a1, cast.today - dt.timedelta(days=30), NORMAL)
    m = measure(cast.child_a1, cast.today, (9.4, 75.5))
    assert m.growth_status == "T"
    [c] = _children(cast.bidan_a, cast.today)
    assert (c.reason, c.days) == ("tidak_naik", 14)


def test_normal_and_severely_wasted_children_are_not_eligible(cast):
    measure(cast.child_a1, cast.today, NORMAL)
    measure(cast.child_a2, cast.today, GIZI_BURUK)
    assert _children(cast.admin, cast.today) == []


def test_oedema_goes_to_treatment_not_pmt(cast):
    measure(cast.child_a1, cast.today, GIZI_KURANG, oedema=True)
    assert _children(cast.bidan_a, cast.today) == []


def test_only_the_latest_recent_weighing_decides(cast):
    measure(cast.child_a1, cast.today - dt.timedelta(days=20), GIZI_KURANG)
    measure(cast.child_a1, cast.today, NORMAL)  # recovered since
    assert _children(cast.bidan_a, cast.today) == []
    # a wasted child last weighed 46 days ago: too old to decide (45 days in the rule set)
    measure(cast.child_a2, cast.today - dt.timedelta(days=46), GIZI_KURANG)
    assert _children(cast.bidan_a, cast.today) == []
    # seen from yesterday, both decide: A2's weighing was 45 days old, A1 not yet recovered
    yesterday = _children(cast.bidan_a, cast.today - dt.timedelta(days=1))
    assert {c.child for c in yesterday} == {cast.child_a1, cast.child_a2}


# Above 59 months the posyandu computes no z-score (the child is five), so nobody older is
# eligible anyway; the date boundary itself is tested below.
@pytest.mark.parametrize(("age_days", "eligible"), [(170, False), (190, True), (1790, True)])
def test_age_range_is_6_to_59_months(cast, age_days, eligible):
    child = cast.child_a1
    child.birth_date = cast.today - dt.timedelta(days=age_days)
    child.save()
    # a very light child at any age: gizi kurang or bb kurang or gizi buruk; choose by age
    values = {170: (5.6, 64.0), 190: (5.9, 65.0), 1790: (13.2, 105.0)}
    m = measure(child, cast.today, values[age_days])
    assert m.status_bbtb == "gizi_kurang" or m.status_bbu == "kurang", (m.zwfl, m.zwei)
    assert bool(_children(cast.bidan_a, cast.today)) is eligible


def test_pregnant_women_with_kek_or_risiko_kek(cast):
    check(cast.pregnancy_a1, cast.today, muac_cm=22.9)
    check(cast.pregnancy_b1, cast.today, muac_cm=25.0)
    women = services.eligible(cast.admin, cast.today)[1]
    assert [(w.pregnancy, w.reason, w.days) for w in women] == [
        (cast.pregnancy_a1, "risiko_kek", 120)
    ]


def test_enrolled_people_leave_the_list_until_a_new_measurement(cast):
    m = measure(cast.child_a1, cast.today - dt.timedelta(days=60), GIZI_KURANG)
    [c] = _children(cast.bidan_a, m.measured_on)
    e = services.enrol(c, user=cast.bidan_a, started_on=m.measured_on, funding=Funding.APBD)
    assert _children(cast.bidan_a, m.measured_on) == []
    services.close(e, user=cast.bidan_a, outcome="dropped_out",
                   closed_on=m.measured_on + dt.timedelta(days=3))  # fmt: skip
    # closed, but the measurement it started from must not enrol the child again
    assert _children(cast.bidan_a, m.measured_on + dt.timedelta(days=5)) == []
    measure(cast.child_a1, cast.today, GIZI_KURANG)
    assert len(_children(cast.bidan_a, cast.today)) == 1


def test_the_list_is_scoped(cast):
    measure(cast.child_a1, cast.today, GIZI_KURANG)
    assert len(_children(cast.kader_a, cast.today)) == 1
    assert len(_children(cast.tpk_a, cast.today)) == 1
    for user in (cast.kader_b, cast.bidan_b, cast.tpk_b, cast.analyst_other_city):
        assert _children(user, cast.today) == []


def test_candidate_for_says_why_not(cast):
    measure(cast.child_a1, cast.today, NORMAL)
    with pytest.raises(services.PmtError, match="not eligible"):
        services.candidate_for(cast.bidan_a, child=cast.child_a1)


def test_severely_underweight_only_when_the_rule_set_says_so(cast):
    measure(cast.child_a1, cast.today, (7.0, 68.0))
    rules = pmt_config.rules()
    m = cast.child_a1.measurements.get()
    assert m.status_bbu == "sangat_kurang" and m.status_bbtb not in ("gizi_kurang", "gizi_buruk")
    assert services.eligible(cast.bidan_a, cast.today, rules=rules)[0] == []
    import dataclasses

    lenient = dataclasses.replace(rules, include_severely_underweight=True)
    [c] = services.eligible(cast.bidan_a, cast.today, rules=lenient)[0]
    assert c.reason == "bb_kurang"


def test_shipped_rule_set_and_its_checks(tmp_path):
    rules = pmt_config.rules()
    assert rules.version == "2026.1"
    assert [r.code for r in rules.reasons["child"]] == ["gizi_kurang", "bb_kurang", "tidak_naik"]
    assert [rules.days(c) for c in ("gizi_kurang", "bb_kurang", "tidak_naik", "kek")] == [
        56, 28, 14, 120]
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\n[[child.reasons]]\ncode = "stunting"\ndays = 30\n'
                   '[[pregnant.reasons]]\ncode = "kek"\ndays = 120\nrecovered_kg_per_week = 0.5\n')
    with pytest.raises(ValueError, match=r"child.reasons\[0\].code must be one of"):
        pmt_config.load(bad)
    bad.write_text('version = "x"\n[[child.reasons]]\ncode = "bb_kurang"\ndays = 400\n'
                   'recovered_above_waz = -2\n')
    with pytest.raises(ValueError, match=r"days must be a whole number from 1 to 365"):
        pmt_config.load(bad)


def test_counts_per_posyandu_equal_the_lists(cast):
    measure(cast.child_a1, cast.today, GIZI_KURANG)
    measure(cast.child_a2, cast.today, BB_KURANG)
    measure(cast.child_b1, cast.today, GIZI_BURUK)  # not eligible
    check(cast.pregnancy_a1, cast.today, muac_cm=22.0)
    counts = services.eligible_counts(cast.admin, cast.today)
    assert counts == {cast.pos_a1.pk: (1, 1), cast.pos_a2.pk: (1, 0)}
    assert services.eligible_counts(cast.bidan_b, cast.today) == {}


def test_a_city_wide_list_counts_per_posyandu(cast, client, settings):
    from django.urls import reverse

    from tumbuh.pmt import views

    measure(cast.child_a1, cast.today, GIZI_KURANG)
    client.force_login(cast.admin)
    views.GROUP_OVER, before = 1, views.GROUP_OVER
    try:
        page = client.get(reverse("pmt:eligible")).content.decode()
        assert f"?posyandu={cast.pos_a1.pk}" in page and "Anak A1" not in page
        page = client.get(reverse("pmt:eligible"), {"posyandu": cast.pos_a1.pk}).content.decode()
        assert "Anak A1" in page
    finally:
        views.GROUP_OVER = before
