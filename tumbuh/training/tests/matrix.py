"""Permission-matrix rows of the training pages (collected by
tumbuh/tests/test_permission_matrix.py).

The records: a cadre of posyandu Melati (A1) with kader A's account, a member of TPK team A
(no posyandu), and a session of puskesmas Manggar (side A) that the Melati cadre attended.
Who may do what beyond GET (saving forms and attendance) is in test_views.py.
"""

import datetime as dt

from tumbuh.testmatrix import EVERYONE, Case

#: Everyone who works on side A (kader of both posyandu, bidan, TPK team A) and the readers.
SIDE_A = {"kader_a", "kader_a2", "bidan_a", "tpk_a", "analyst", "analyst_names", "admin"}
MANAGERS = {"bidan_a", "bidan_b", "admin"}


def extra(cast):
    from tumbuh.training.models import Attendance, Cadre, CadreRole, Session
    from tumbuh.training.services import sync_modules

    modules = sync_modules()
    cadre = Cadre.objects.create(
        name="Sri Melati", posyandu=cast.pos_a1, user=cast.kader_a,
        active_since=dt.date(2020, 1, 6),
    )  # fmt: skip
    team_cadre = Cadre.objects.create(
        name="Bidan Tim Manggar", role=CadreRole.TPK_BIDAN, tpk_team=cast.team_a,
        active_since=dt.date(2022, 3, 1),
    )  # fmt: skip
    session = Session.objects.create(
        title="Pengukuran antropometri", start_date=cast.today - dt.timedelta(days=30),
        puskesmas=cast.pkm_a, kelurahan=cast.kel_a,
    )  # fmt: skip
    session.modules.add(modules["ANT-1"])
    Attendance.objects.create(session=session, cadre=cadre, pre_score=55, post_score=80)
    return {"training_cadre": cadre, "training_team_cadre": team_cadre,
            "training_session": session}


CASES = {
    # lists and coverage: every user (content scoped, tests/test_views.py)
    "training:cadre-list": Case(ok=EVERYONE, scope=EVERYONE),
    "training:session-list": Case(ok=EVERYONE, scope=EVERYONE),
    "training:coverage": Case(ok=EVERYONE, scope=EVERYONE),
    "training:coverage-csv": Case(ok=EVERYONE, scope=EVERYONE),
    "training:coverage-xlsx": Case(ok=EVERYONE, scope=EVERYONE),
    "training:cadre-create": Case(ok=MANAGERS, scope=EVERYONE),
    "training:session-create": Case(ok=MANAGERS, scope=EVERYONE),
    # the Melati cadre: the kader of Melati (herself), the bidan of Manggar, the analysts, the
    # admin; not kader A2 (Mawar) nor TPK team A (the team sees its own members)
    "training:cadre-detail": Case(
        lambda c, x: [x["training_cadre"].pk],
        ok={"kader_a", "bidan_a", "analyst", "analyst_names", "admin"},
        scope={"kader_a", "bidan_a", "analyst", "analyst_names", "admin"}),
    "training:cadre-edit": Case(
        lambda c, x: [x["training_cadre"].pk], ok={"bidan_a", "admin"},
        scope={"kader_a", "bidan_a", "analyst", "analyst_names", "admin"}),
    # the session of puskesmas Manggar: everyone on side A reads it, bidan A and admin manage
    "training:session-detail": Case(lambda c, x: [x["training_session"].pk], ok=SIDE_A,
                                    scope=SIDE_A),
    "training:session-edit": Case(lambda c, x: [x["training_session"].pk],
                                  ok={"bidan_a", "admin"}, scope=SIDE_A),
}
