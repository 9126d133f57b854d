import datetime as dt

import pytest

from tumbuh.families import demo
from tumbuh.families.models import Referral, Screening, TeamMember, Visit
from tumbuh.families.services import households_at_risk
from tumbuh.registry.models import Household

AS_OF = dt.date(2026, 10, 31)


@pytest.fixture
def city(db):
    from tumbuh.tools import synthetic

    synthetic.generate_city("tiny", seed=7, as_of=AS_OF)


def test_demo_screens_every_family_and_writes_visits_and_referrals(city):
    counts = demo.populate(seed=7, as_of=AS_OF)
    n = Household.objects.count()
    # every family twice: half a year ago and on the reference day
    assert counts["screenings"] == Screening.objects.count() == 2 * n
    assert Screening.objects.filter(screened_on=AS_OF).count() == n
    at_risk = households_at_risk(AS_OF)
    assert counts["families at risk"] == at_risk.count() > 0
    assert counts["visits"] == Visit.objects.count() > 0
    assert counts["TPK members"] == TeamMember.objects.exclude(function="pkk").count() > 0
    # visits: families at risk with a team, by a member of that team, in the last six months
    for v in Visit.objects.select_related("household", "visited_by")[:300]:
        assert v.household.tpk_team_id == v.team_id
        assert v.visited_by is None or v.visited_by.tpk_team_id == v.team_id
        assert AS_OF - dt.timedelta(days=demo.HISTORY_DAYS) <= v.visited_on <= AS_OF
        assert v.household in at_risk
    # referrals at every status, with consistent dates
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert counts["referrals"] == Referral.objects.count()
    if counts["referrals"] >= 8:
        assert {"sent", "done"} <= statuses
    for r in Referral.objects.all():
        r.full_clean()
        assert r.referred_on <= AS_OF


def test_demo_is_deterministic(city, django_user_model):
    def run():
        counts = demo.populate(seed=7, as_of=AS_OF)
        rows = sorted((str(h), d, tuple(t), f) for h, d, t, f in Visit.objects.values_list(
            "household_id", "visited_on", "topics", "findings"))
        refs = sorted((str(h), d, s) for h, d, s in Referral.objects.values_list(
            "household_id", "referred_on", "status"))
        Referral.objects.all().delete()
        Visit.objects.all().delete()
        Screening.objects.all().delete()
        TeamMember.objects.all().delete()
        django_user_model.objects.filter(username__regex=r"^tpk[0-9]{3}_").delete()
        return counts, rows, refs

    first, second = run(), run()
    assert first == second and first[1]
