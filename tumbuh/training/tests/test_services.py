"""Services against plain recounts: attendance, session figures, coverage, and scope."""

import datetime as dt
import math
import random
import statistics

import pytest
from django.core.exceptions import ValidationError

from tumbuh.training import config, scope, services
from tumbuh.training.models import Attendance, Cadre, Session
from tumbuh.training.services import AttendanceInput, record_attendance


def test_recording_attendance_creates_updates_and_marks_absent(cast, people, make_session):
    s = make_session()
    a, colleague, left = people["a"], people["a_colleague"], people["left"]
    counts = record_attendance(s, [AttendanceInput(a.pk, True, 50, 85),
                                   AttendanceInput(colleague.pk, True, 60, None),
                                   AttendanceInput(left.pk, False)], user=cast.bidan_a)
    assert counts == {"created": 2, "updated": 0, "absent": 0, "unchanged": 0}
    row = Attendance.objects.get(session=s, cadre=a)
    mark = config.current().pass_mark
    assert (row.pre_score, row.post_score, row.passed, row.pass_mark) == (50, 85, True, mark)
    assert row.recorded_by == cast.bidan_a
    assert Attendance.objects.get(session=s, cadre=colleague).passed is None
    assert not Attendance.objects.filter(session=s, cadre=left).exists()
    counts = record_attendance(s, [AttendanceInput(a.pk, True, 50, 60),
                                   AttendanceInput(colleague.pk, False)], user=cast.admin)
    assert counts == {"created": 0, "updated": 1, "absent": 1, "unchanged": 0}
    assert Attendance.objects.get(session=s, cadre=a).passed is (60 >= mark)
    absent = Attendance.objects.get(session=s, cadre=colleague)
    assert (absent.attended, absent.pre_score, absent.post_score) == (False, None, None)


@pytest.mark.parametrize("row, message", [
    (AttendanceInput(None, True, 101, 50), "the pre-test score must be from 0 to 100, not 101"),
    (AttendanceInput(None, True, 50, -3), "the post-test score must be from 0 to 100, not -3"),
    (AttendanceInput(None, False, 50, None), "did not attend"),
])  # fmt: skip
def test_a_bad_row_saves_nothing(cast, people, make_session, row, message):
    s = make_session()
    good = AttendanceInput(people["a_colleague"].pk, True, 40, 90)
    bad = AttendanceInput(people["a"].pk, row.attended, row.pre_score, row.post_score)
    with pytest.raises(ValidationError) as exc:
        record_attendance(s, [good, bad], user=cast.bidan_a)
    assert any("Sri Melati" in m and message in m for m in exc.value.messages)
    assert not Attendance.objects.filter(session=s).exists()


def test_session_figures_match_a_recount(cast, modules, make_session):
    rng = random.Random(5)
    s = make_session()
    rows = []
    for i in range(40):
        cadre = Cadre.objects.create(name=f"K{i}", posyandu=cast.pos_a1,
                                     active_since=dt.date(2020, 1, 1))
        came = rng.random() < 0.85
        pre = rng.randrange(20, 90) if came and rng.random() < 0.9 else None
        post = min(100, (pre or 50) + rng.randrange(-5, 30)) if came and rng.random() < 0.9 \
            else None
        rows.append(AttendanceInput(cadre.pk, came, pre, post))
    record_attendance(s, rows, user=cast.admin)
    fig = services.session_figures(s)
    came = [r for r in rows if r.attended]
    pre = [r.pre_score for r in came if r.pre_score is not None]
    post = [r.post_score for r in came if r.post_score is not None]
    pairs = [r.post_score - r.pre_score for r in came
             if r.pre_score is not None and r.post_score is not None]
    mark = config.current().pass_mark
    assert fig.recorded == len(came)  # absent cadres without a row get none
    assert fig.attended == len(came)
    assert fig.n_pre == len(pre) and fig.n_post == len(post) and fig.n_pairs == len(pairs)
    assert math.isclose(fig.mean_pre, statistics.mean(pre), abs_tol=1e-9)
    assert math.isclose(fig.mean_post, statistics.mean(post), abs_tol=1e-9)
    assert math.isclose(fig.mean_gain, statistics.mean(pairs), abs_tol=1e-9)
    assert fig.n_judged == len(post)
    assert math.isclose(fig.pct_passed, 100 * sum(p >= mark for p in post) / len(post),
                        abs_tol=1e-9)
    assert fig.pass_marks == (mark,)


def test_figures_of_nothing_are_not_numbers():
    fig = services.figures([])
    assert fig.attended == 0 and math.isnan(fig.mean_pre) and math.isnan(fig.pct_passed)


def test_coverage_matches_a_recount(cast, people, make_session):
    today = cast.today
    core = config.current().core_codes
    old = make_session(("ANT-1",), day=today - dt.timedelta(days=800))  # outside 24 months
    s1 = make_session(core, day=today - dt.timedelta(days=100))  # every core module
    s2 = make_session(("ANT-1", "PMT-1"), day=today - dt.timedelta(days=50))
    s3 = make_session(("KMS-1",), day=today - dt.timedelta(days=40), puskesmas="b")
    record_attendance(old, [AttendanceInput(people["a2"].pk, True)], user=cast.admin)
    record_attendance(s1, [AttendanceInput(people["a"].pk, True),
                           AttendanceInput(people["team_bidan"].pk, True),
                           AttendanceInput(people["left"].pk, True)], user=cast.admin)
    record_attendance(s2, [AttendanceInput(people["a_colleague"].pk, True),
                           AttendanceInput(people["a2"].pk, False)], user=cast.admin)
    record_attendance(s3, [AttendanceInput(people["b"].pk, True)], user=cast.admin)
    cov = services.coverage(cast.admin, level="kelurahan", months=24, today=today)
    assert [m.code for m in cov.modules] == sorted(core)
    by = {r.label: r for r in cov.rows}
    manggar = by["Manggar"]
    # active on side A: a, a_colleague, a2, team_bidan, team_pkk (not "left")
    assert manggar.active == 5
    codes = [m.code for m in cov.modules]
    ant1 = codes.index("ANT-1")
    assert manggar.trained[ant1] == 3  # a, team_bidan (s1), a_colleague (s2)
    assert manggar.trained[codes.index("KMS-1")] == 2  # a, team_bidan
    assert manggar.trained[-1] == 2  # every core module: a, team_bidan
    assert manggar.pcts[-1] == pytest.approx(40.0)
    baru = by["Baru Ilir"]
    assert (baru.active, baru.trained[codes.index("KMS-1")], baru.trained[ant1]) == (1, 1, 0)
    assert cov.total.active == 6 and cov.total.trained[ant1] == 3
    by_pkm = {r.label: r for r in services.coverage(cast.admin, level="puskesmas", months=24,
                                                    today=today).rows}
    # the TPK cadres count under the puskesmas serving their team's kelurahan
    assert by_pkm["Manggar"].active == 5 and by_pkm["Manggar"].trained[ant1] == 3
    # the bidan of side B sees her own area only
    mine = services.coverage(cast.bidan_b, level="kelurahan", months=24, today=today)
    assert [r.label for r in mine.rows] == ["Baru Ilir"]
    # 36 months include the old session
    longer = services.coverage(cast.admin, level="kelurahan", months=36, today=today)
    assert {r.label: r for r in longer.rows}["Manggar"].trained[ant1] == 4


def _names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_who_sees_which_cadres(cast, people):
    qs = Cadre.objects.all()
    every = _names(qs)
    assert _names(scope.cadres(qs, cast.admin)) == every
    assert _names(scope.cadres(qs, cast.analyst)) == every
    assert _names(scope.cadres(qs, cast.analyst_other_city)) == []
    assert _names(scope.cadres(qs, cast.kader_a)) == ["Ani Melati", "Lama Melati", "Sri Melati"]
    assert _names(scope.cadres(qs, cast.kader_a2)) == ["Rina Mawar"]
    assert _names(scope.cadres(qs, cast.bidan_a)) == [
        "Ani Melati", "Bidan Tim", "Hasnah Tim", "Lama Melati", "Rina Mawar", "Sri Melati"]
    assert _names(scope.cadres(qs, cast.bidan_b)) == ["Budi Kenanga"]
    assert _names(scope.cadres(qs, cast.tpk_a)) == ["Bidan Tim", "Hasnah Tim"]
    assert _names(scope.cadres(qs, cast.tpk_b)) == []


def test_who_sees_which_sessions(cast, people, make_session):
    a = make_session(title="A")
    make_session(title="B", puskesmas="b")
    city = make_session(title="Kota", puskesmas=None)
    record_attendance(city, [AttendanceInput(people["team_pkk"].pk, True)], user=cast.admin)

    def titles(user):
        return sorted(scope.sessions(Session.objects.all(), user).values_list("title", flat=True))

    assert titles(cast.admin) == ["A", "B", "Kota"]
    assert titles(cast.analyst) == ["A", "B", "Kota"]
    assert titles(cast.analyst_other_city) == []
    assert titles(cast.kader_a) == ["A"]
    assert titles(cast.bidan_a) == ["A", "Kota"]  # her TPK cadre attended the city session
    assert titles(cast.tpk_a) == ["A", "Kota"]
    assert titles(cast.bidan_b) == ["B"]
    assert titles(cast.kader_b) == ["B"]
    assert scope.may_manage_session(cast.bidan_a, a)
    assert not scope.may_manage_session(cast.bidan_a, city)
    assert not scope.may_manage_session(cast.bidan_b, a)
    assert not scope.may_manage_session(cast.kader_a, a)
    assert scope.may_manage_session(cast.admin, city)


def test_the_attendance_screen_lists_the_active_cadres_of_the_area(cast, people, make_session):
    s = make_session()
    names = sorted(c.name for c in services.candidates(s, cast.bidan_a))
    assert names == ["Ani Melati", "Bidan Tim", "Hasnah Tim", "Rina Mawar", "Sri Melati"]
    record_attendance(s, [AttendanceInput(people["left"].pk, False)], user=cast.admin)
    assert "Lama Melati" not in [c.name for c in services.candidates(s, cast.bidan_a)]
    Attendance.objects.create(session=s, cadre=people["left"], attended=False)
    assert "Lama Melati" in [c.name for c in services.candidates(s, cast.bidan_a)]
    assert [c.name for c in services.candidates(s, cast.admin, puskesmas_id=cast.pkm_b.pk)] == [
        "Budi Kenanga", "Lama Melati"]  # the other puskesmas's, and whoever has a row
