"""The demo records on the tiny city: counts, links and plausibility (docs/training.md)."""

import datetime as dt

import pytest

from tumbuh.accounts.models import Role, User
from tumbuh.tools import synthetic
from tumbuh.training import demo
from tumbuh.training.models import Attendance, Cadre, Session

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def city(db):
    synthetic.generate_city("tiny", seed=11, as_of=AS_OF)


def test_it_registers_every_cadre_account_and_plausible_training(city):
    counts = demo.populate(seed=11, as_of=AS_OF)
    assert counts["cadres"] == Cadre.objects.count() > 0
    assert counts["sessions"] == Session.objects.count() > 0
    assert counts["attendance"] == Attendance.objects.count() > 0
    kader = User.objects.filter(role__in=[Role.KADER, Role.TPK])
    linked = set(Cadre.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    assert set(kader.values_list("pk", flat=True)) <= linked
    for cadre in Cadre.objects.filter(user__role=Role.KADER).select_related("user"):
        assert cadre.posyandu in cadre.user.posyandu.all()
    assert Cadre.objects.filter(user__isnull=True).exists()  # cadres without an account
    for cadre in Cadre.objects.select_related("posyandu", "tpk_team"):
        assert cadre.kelurahan_id == (cadre.posyandu or cadre.tpk_team).kelurahan_id
    rows = list(Attendance.objects.filter(pre_score__isnull=False, post_score__isnull=False))
    assert sum(a.post_score - a.pre_score for a in rows) / len(rows) > 5
    assert all(0 <= a.pre_score <= 100 and 0 <= a.post_score <= 100 for a in rows)
    assert not Attendance.objects.filter(attended=False, pre_score__isnull=False).exists()
    assert all(s.start_date <= AS_OF for s in Session.objects.all())
    for a in Attendance.objects.select_related("session", "cadre")[:200]:
        assert a.cadre.active_since <= a.session.start_date


def test_it_is_deterministic_and_adds_nothing_twice(city):
    first = demo.populate(seed=11, as_of=AS_OF)
    names = sorted(Cadre.objects.values_list("name", flat=True))
    scores = sorted(Attendance.objects.values_list("pre_score", "post_score"),
                    key=lambda pair: (pair[0] or -1, pair[1] or -1))
    assert demo.populate(seed=11, as_of=AS_OF) == {"cadres": 0, "sessions": 0, "attendance": 0}
    Attendance.objects.all().delete()
    Session.objects.all().delete()
    Cadre.objects.all().delete()
    assert demo.populate(seed=11, as_of=AS_OF) == first
    assert sorted(Cadre.objects.values_list("name", flat=True)) == names
    assert sorted(Attendance.objects.values_list("pre_score", "post_score"),
                  key=lambda pair: (pair[0] or -1, pair[1] or -1)) == scores
