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
