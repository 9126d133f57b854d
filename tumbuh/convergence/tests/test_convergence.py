"""Convergence: each intervention's eligibility and reach against records made by hand, the
recount by kelurahan, the scope of the pages, the rule set's checks."""

import datetime as dt

import pytest
from django.urls import reverse

from tumbuh.convergence import config as convergence_config
from tumbuh.convergence import services
from tumbuh.families.models import Referral, Screening, Visit
from tumbuh.foodreserve.models import Issue, Round, Store
from tumbuh.pmt import services as pmt
from tumbuh.pmt.models import Funding
from tumbuh.pmt.tests.helpers import GIZI_KURANG, NORMAL, measure
from tumbuh.registry.models import Child
from tumbuh.wash.models import Project, ProjectHousehold
from tumbuh.worklists.models import FollowUp

D = dt.timedelta


def _row(t, child):
    return t.index_of(child.pk)


def _states(t, child):
    i = _row(t, child)
    return {c: ("reached" if t.reached[c][i] else "missing" if t.eligible[c][i] else "")
            for c in services.INTERVENTIONS}  # fmt: skip


def _at_risk(household, on):
    Screening.objects.create(household=household, screened_on=on, rule_version="t",
                             is_target=True, at_risk=True, factors=["water"])  # fmt: skip


def test_a_wasted_child_needs_pmt_and_gets_it(cast):
    m = measure(cast.child_a1, cast.today - D(days=10), GIZI_KURANG)
    t = services.build(cast.admin, cast.today)
    i = _row(t, cast.child_a1)
    assert t.at_risk[i] and t.risks["wasted"][i] and t.risks["underweight"][i]
    assert _states(t, cast.child_a1)["pmt"] == "missing"
    c = pmt.candidate_for(cast.admin, child=cast.child_a1, today=m.measured_on)
    pmt.enrol(c, user=cast.bidan_a, started_on=m.measured_on, funding=Funding.APBD)
    assert _states(services.build(cast.admin, cast.today), cast.child_a1)["pmt"] == "reached"


def test_a_child_growing_well_in_a_safe_family_is_not_at_risk(cast):
    measure(cast.child_a1, cast.today - D(days=10), NORMAL)
    cast.hh_a1.water_source, cast.hh_a1.sanitation = "piped", "own_septic"
    cast.hh_a1.save()
    t = services.build(cast.admin, cast.today)
    assert not t.at_risk[_row(t, cast.child_a1)]


def test_family_at_risk_needs_package_and_visit_and_wash(cast):
    measure(cast.child_a1, cast.today - D(days=10), NORMAL)
    cast.hh_a1.water_source, cast.hh_a1.sanitation = "unprotected_well", "own_septic"
    cast.hh_a1.save()
    _at_risk(cast.hh_a1, cast.today - D(days=30))
    t = services.build(cast.admin, cast.today)
    assert _states(t, cast.child_a1) == {"pmt": "", "protein": "missing", "tpk_visit": "missing",
                                         "wash": "missing", "referral": ""}  # fmt: skip
    store = Store.objects.create(name="Gudang", city=cast.city)
    rnd = Round.objects.create(name="R1", store=store, starts_on=cast.today - D(days=40),
                               ends_on=cast.today, rule_version="t")  # fmt: skip
    issue = Issue.objects.create(round=rnd, household=cast.hh_a1,
                                 issued_on=cast.today - D(days=20), rule_version="t")
    Visit.objects.create(household=cast.hh_a1, visited_on=cast.today - D(days=3),
                         visited_by=cast.tpk_a, team=cast.team_a)  # fmt: skip
    project = Project.objects.create(name="SR PDAM", kind="piped", start_on=cast.today - D(days=90))
    ProjectHousehold.objects.create(project=project, household=cast.hh_a1,
                                    completed_on=cast.today - D(days=2))  # fmt: skip
    t = services.build(cast.admin, cast.today)
    assert _states(t, cast.child_a1) == {"pmt": "", "protein": "reached", "tpk_visit": "reached",
                                         "wash": "reached", "referral": ""}  # fmt: skip
    # a cancelled package does not count; nor anything before the 12-month window
    issue.cancelled_at = dt.datetime.now(dt.UTC)
    issue.save()
    Visit.objects.update(visited_on=cast.today - D(days=400))
    t = services.build(cast.admin, cast.today)
    assert _states(t, cast.child_a1)["protein"] == "missing"
    assert _states(t, cast.child_a1)["tpk_visit"] == "missing"


def test_severe_cases_need_a_referral(cast):
    m = measure(cast.child_a1, cast.today - D(days=5), (7.0, 70.0))  # BGM
    assert m.is_bgm
    t = services.build(cast.admin, cast.today)
    assert _states(t, cast.child_a1)["referral"] == "missing"
    Referral.objects.create(household=cast.hh_a1, child=cast.child_a1,
                            referred_on=cast.today - D(days=1), destination="puskesmas",
                            reason="BGM", created_by=cast.bidan_a)  # fmt: skip
    assert _states(services.build(cast.admin, cast.today), cast.child_a1)["referral"] == "reached"
    Referral.objects.all().delete()
    FollowUp.objects.create(reason="bgm", action="referred", child=cast.child_a1,
                            measurement=m, done_on=cast.today, posyandu=cast.pos_a1,
                            household=cast.hh_a1)  # fmt: skip
    assert _states(services.build(cast.admin, cast.today), cast.child_a1)["referral"] == "reached"


def test_by_kelurahan_equals_a_recount(cast):
    measure(cast.child_a1, cast.today - D(days=10), GIZI_KURANG)
    measure(cast.child_a2, cast.today - D(days=10), GIZI_KURANG)
    measure(cast.child_b1, cast.today - D(days=10), NORMAL)
    _at_risk(cast.hh_b1, cast.today)
    t = services.build(cast.admin, cast.today)
    rows, total = services.by_kelurahan(t)
    by = {r.name: r for r in rows}
    assert by["Manggar"].at_risk == 2 and by["Baru Ilir"].at_risk == 1
    assert by["Manggar"].eligible["pmt"] == 2 and by["Manggar"].reached["pmt"] == 0
    assert by["Baru Ilir"].eligible["protein"] == 1 and by["Baru Ilir"].coverage("protein") == 0
    assert by["Manggar"].coverage("protein") is None
    assert total.at_risk == 3 and total.eligible["pmt"] == 2


def test_the_grouped_summary_counts_what_the_table_of_children_counts(cast):
    """summarise() lets the database count the children alike; its figures by kelurahan must be
    those of the table with a row per child, whatever mix of risks and interventions."""
    m = measure(cast.child_a1, cast.today - D(days=10), GIZI_KURANG)
    measure(cast.child_a2, cast.today - D(days=40), GIZI_KURANG)
    measure(cast.child_a2, cast.today - D(days=10), NORMAL)  # the latest weighing counts
    measure(cast.child_b1, cast.today - D(days=10), NORMAL)
    _at_risk(cast.hh_b1, cast.today)
    for k in range(3):  # siblings of B1, never weighed: alike, one row of three
        Child.objects.create(name=f"Adik B1 {k}", sex="F", birth_date=cast.today - D(days=90),
                             household=cast.hh_b1, posyandu=cast.pos_b1)  # fmt: skip
    Visit.objects.create(household=cast.hh_b1, visited_on=cast.today - D(days=3),
                         visited_by=cast.tpk_a, team=cast.team_a)  # fmt: skip
    FollowUp.objects.create(reason="bgm", action="referred", child=cast.child_a1,
                            measurement=m, done_on=cast.today, posyandu=cast.pos_a1,
                            household=cast.hh_a1)  # fmt: skip
    for user in (cast.admin, cast.analyst, cast.kader_a):
        per_child = services.by_kelurahan(services.build(user, cast.today))
        grouped = services.by_kelurahan(services.summarise(user, cast.today))
        assert grouped == per_child
    t = services.summarise(cast.admin, cast.today)
    assert int(t.weight.sum()) == services.build(cast.admin, cast.today).n
    assert int(t.weight.max()) == 3 and len(t.kelurahan_ids) == 4  # children alike share a row


def test_pages_by_role(cast, client):
    measure(cast.child_a1, cast.today - D(days=10), GIZI_KURANG)
    measure(cast.child_b1, cast.today - D(days=10), GIZI_KURANG)
    client.force_login(cast.kader_a)
    page = client.get(reverse("convergence:children")).content.decode()
    assert "Anak A1" in page and "Anak B1" not in page
    page = client.get(reverse("convergence:summary")).content.decode()
    assert "Manggar" in page and "Baru Ilir" not in page
    client.force_login(cast.analyst)
    page = client.get(reverse("convergence:children")).content.decode()
    assert "Anak A1" not in page and "Anak B1" not in page and "cv-state--missing" in page
    csv_text = client.get(reverse("convergence:summary"), {"format": "csv"}).content.decode()
    table = csv_text.replace("\r", "").split("\n\n")[0]
    assert table.count("\n") == 3  # header, two kelurahan, total (then the notes)
    xlsx = client.get(reverse("convergence:summary"), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK" and "spreadsheetml" in xlsx["Content-Type"]


def test_rule_set_checks(tmp_path):
    rules = convergence_config.rules()
    assert rules.window_months == 12 and rules.triggers["referral"][0] == "gizi_buruk"
    bad = tmp_path / "c.toml"
    bad.write_text('version = "x"\nchild_risks = ["stunted"]\n[interventions.pmt]\n'
                   'triggers = ["tall"]\n')
    with pytest.raises(ValueError, match="interventions.pmt.triggers: 'tall' is not one of"):
        convergence_config.load(bad)


def test_city_figures_come_from_the_cache_a_bidan_counts_hers_now(cast):
    measure(cast.child_a1, cast.today - D(days=10), GIZI_KURANG)
    first = services.kelurahan_figures(cast.analyst, cast.today)
    assert first.total.at_risk == 1 and first.made_at is not None
    measure(cast.child_a2, cast.today - D(days=10), GIZI_KURANG)
    # within five minutes the city sees the counted figures, with the time they were counted
    again = services.kelurahan_figures(cast.analyst, cast.today)
    assert again.total.at_risk == 1 and again.made_at == first.made_at
    assert services.kelurahan_figures(cast.bidan_a, cast.today).total.at_risk == 2
    assert services.kelurahan_figures(cast.bidan_a, cast.today).made_at is None
