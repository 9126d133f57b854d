"""Helpers of the training tests: cadres and sessions on the shared cast."""

import datetime as dt

import pytest

from tumbuh.training.models import Cadre, CadreRole, Session
from tumbuh.training.services import sync_modules


@pytest.fixture
def modules(db):
    return sync_modules()


@pytest.fixture
def people(cast, modules):
    """Cadres on both sides: kader A (account) and a colleague at Melati, one at Mawar, kader B
    at Kenanga, the midwife and PKK cadre of TPK team A (the PKK cadre is tpk_a), and a cadre of
    Melati who left."""
    day = dt.date(2020, 1, 6)

    def cadre(name, **kw):
        kw.setdefault("active_since", day)
        return Cadre.objects.create(name=name, **kw)

    return {
        "a": cadre("Sri Melati", posyandu=cast.pos_a1, user=cast.kader_a, phone="0812111"),
        "a_colleague": cadre("Ani Melati", posyandu=cast.pos_a1),
        "a2": cadre("Rina Mawar", posyandu=cast.pos_a2, user=cast.kader_a2),
        "b": cadre("Budi Kenanga", posyandu=cast.pos_b1, user=cast.kader_b, sex="M"),
        "team_bidan": cadre("Bidan Tim", role=CadreRole.TPK_BIDAN, tpk_team=cast.team_a),
        "team_pkk": cadre("Hasnah Tim", role=CadreRole.PKK, tpk_team=cast.team_a,
                          user=cast.tpk_a),
        "left": cadre("Lama Melati", posyandu=cast.pos_a1, left_on=dt.date(2024, 1, 1),
                      is_active=False),
    }


@pytest.fixture
def make_session(cast, modules):
    def make(codes=("ANT-1",), *, day=None, puskesmas="a", **kw):
        pkm = {"a": cast.pkm_a, "b": cast.pkm_b, None: None}[puskesmas]
        kel = cast.kel_b if puskesmas == "b" else cast.kel_a
        s = Session.objects.create(title=kw.pop("title", "Pelatihan"),
                                   start_date=day or cast.today - dt.timedelta(days=30),
                                   puskesmas=pkm, kelurahan=kel, **kw)
        s.modules.set([modules[c] for c in codes])
        return s

    return make


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are checked in English (the source strings): tumbuh.testing's ``english``."""
