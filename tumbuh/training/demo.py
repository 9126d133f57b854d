"""Demo Karamunting records for the generated city (docs/demo.md, docs/training.md).

Reads the city already in the database (posyandu, puskesmas, TPK teams, cadre and TPK
accounts) and writes: a :class:`~tumbuh.training.models.Cadre` for every kader account (at
their first posyandu) and every TPK account, the three members of every TPK team (an account
holder takes one of the seats), about one cadre without an account per two posyandu, a few
cadres who left; and two years of training sessions per puskesmas plus city sessions for the
TPK, with attendance and pre/post-test scores (post above pre on average). Measurements are
not touched. Deterministic for a seed; bulk inserts; meant for a fresh city (a second call
adds nothing when cadres exist already).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from tumbuh.tools.synthetic import names

from . import config
from .models import Attendance, Cadre, CadreRole, Session
from .services import sync_modules

#: Added to the demo seed so this app's draws do not follow another app's.
SEED_OFFSET = 5_505
#: Years of sessions before ``as_of``.
YEARS = 2
#: Sessions per puskesmas per year, and cadres without an account per posyandu (mean).
SESSIONS_PER_YEAR = 4
EXTRA_CADRES_PER_POSYANDU = 0.5

#: Puskesmas sessions: (title, module codes); drawn in turn.
PUSKESMAS_SESSIONS = (
    ("Pelatihan antropometri kader posyandu", ("ANT-1", "ANT-2")),
    ("Penyegaran pengukuran panjang dan tinggi badan", ("ANT-1", "ANT-3")),
    ("KMS, Buku KIA dan penilaian pertumbuhan", ("KMS-1",)),
    ("Pemberian makan bayi dan anak (PMBA)", ("PMBA-1", "KOM-1")),
    ("PMT lokal dan pencatatan posyandu", ("PMT-1", "SIP-1")),
    ("Konseling dan kunjungan rumah", ("KOM-1", "PMBA-1")),
    ("Penimbangan dan kalibrasi timbangan digital", ("ANT-2", "KMS-1")),
    ("Sanitasi dan cuci tangan pakai sabun", ("WASH-1",)),
)
TPK_SESSION = ("Orientasi Tim Pendamping Keluarga (Karamunting)", ("TPK-1", "KOM-1", "PMBA-1"))
TPK_SEATS = (CadreRole.TPK_BIDAN, CadreRole.PKK, CadreRole.KB)


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=int(rng.integers(0, span + 1)))


def _scores(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    pre = np.clip(np.rint(rng.normal(58, 13, n)), 10, 95).astype(int)
    gain = rng.normal(16, 9, n)
    post = np.clip(np.rint(pre + gain), 0, 100).astype(int)
    return pre, post


#: Cadres whose weights end in .0 or .5 more often than this (20% expected) count as rounders:
#: they are invited less often to a session teaching measuring, so that in the demo the
#: trained cadres measure a little better (the measurements themselves are not touched).
ROUNDER_SHARE = 0.35
ROUNDER_INVITE_FACTOR = 0.4


def _rounding_share() -> dict[int, float]:
    """Per recorder (user id): the share of their weights ending in .0 or .5, from the stored
    scorecard cells (one query)."""
    from django.db.models import Sum

    from tumbuh.quality.models import ScorecardCell

    digits = [f"wd{d}" for d in range(10)]
    rows = (ScorecardCell.objects.filter(cadre__isnull=False).values("cadre_id")
            .annotate(**{f"s_{d}": Sum(d) for d in digits}))  # fmt: skip
    shares = {}
    for row in rows:
        n = sum(row[f"s_{d}"] or 0 for d in digits)
        if n:
            shares[row["cadre_id"]] = ((row["s_wd0"] or 0) + (row["s_wd5"] or 0)) / n
    return shares


def populate(*, seed: int, as_of: dt.date, progress=lambda msg: None) -> dict[str, int]:
    from tumbuh.accounts.models import Role, TpkTeam, User
    from tumbuh.areas.models import Posyandu, Puskesmas

    if Cadre.objects.exists():
        progress("training: cadres exist already, nothing added")
        return {"cadres": 0, "sessions": 0, "attendance": 0}
    rng = np.random.default_rng(seed + SEED_OFFSET)
    catalogue = config.current()
    modules = sync_modules(catalogue)
    posyandu = {p.pk: p for p in Posyandu.objects.only("id", "name", "kelurahan_id",
                                                        "puskesmas_id").order_by("name", "pk")}
    start = as_of - dt.timedelta(days=365 * YEARS)

    def since() -> dt.date:
        years = float(rng.uniform(0.5, 12))
        return as_of - dt.timedelta(days=int(years * 365))

    cadres: list[Cadre] = []
    first_posyandu = {}
    for user_id, pos_id in (User.posyandu.through.objects.filter(user__role=Role.KADER)
                            .order_by("user_id", "posyandu__name").values_list(
                                "user_id", "posyandu_id")):  # fmt: skip
        first_posyandu.setdefault(user_id, pos_id)
    kader = User.objects.filter(pk__in=list(first_posyandu)).order_by("pk")
    for u in kader.only("id", "first_name", "last_name", "username", "phone"):
        p = posyandu[first_posyandu[u.pk]]
        cadres.append(Cadre(
            name=u.get_full_name() or u.username, phone=u.phone, user_id=u.pk,
            sex="M" if u.first_name in names.MALE_FIRST else "F", role=CadreRole.POSYANDU,
            posyandu=p,
            kelurahan_id=p.kelurahan_id, active_since=since(),
            birth_year=int(rng.integers(1965, 2000)),
        ))  # fmt: skip
    # Cadres without an account (about one per two posyandu).
    pos_list = list(posyandu.values())
    extra = rng.poisson(EXTRA_CADRES_PER_POSYANDU, len(pos_list))
    n_extra = int(extra.sum())
    first = names.pick(rng, names.FEMALE_FIRST, n_extra)
    last = names.pick(rng, names.FEMALE_LAST, n_extra)
    i = 0
    for p, k in zip(pos_list, extra, strict=True):
        for _ in range(int(k)):
            cadres.append(Cadre(name=f"{first[i]} {last[i]}", sex="F", posyandu=p,
                                kelurahan_id=p.kelurahan_id, active_since=since()))
            i += 1
    # TPK teams: three seats, an account holder (role TPK) in one of them.
    members = defaultdict(list)
    for u in User.objects.filter(role=Role.TPK, tpk_team__isnull=False).order_by("pk"):
        members[u.tpk_team_id].append(u)
    teams = list(TpkTeam.objects.order_by("name", "pk"))
    seats = len(teams) * len(TPK_SEATS)
    first = names.pick(rng, names.FEMALE_FIRST, seats)
    last = names.pick(rng, names.FEMALE_LAST, seats)
    i = 0
    for team in teams:
        accounts = list(members.get(team.pk, []))
        for seat in TPK_SEATS:
            u = accounts.pop(0) if accounts and seat != CadreRole.TPK_BIDAN else None
            cadres.append(Cadre(
                name=(u.get_full_name() or u.username) if u else f"{first[i]} {last[i]}",
                phone=u.phone if u else "", user_id=u.pk if u else None, sex="F", role=seat,
                tpk_team=team, kelurahan_id=team.kelurahan_id,
                active_since=as_of - dt.timedelta(days=int(rng.integers(200, 1400))),
            ))  # fmt: skip
            i += 1
    # A few cadres left (never the account holders: they still log in).
    for c in cadres:
        if c.user_id is None and rng.random() < 0.05:
            c.left_on = _day(rng, max(c.active_since, start), as_of)
            c.is_active = False
    Cadre.objects.bulk_create(cadres, batch_size=1000)
    progress(f"training: {len(cadres)} cadres")

    # Sessions: a few per puskesmas per year; city sessions for the TPK.
    by_puskesmas = defaultdict(list)
    for c in cadres:
        if c.posyandu_id is not None:
            by_puskesmas[posyandu[c.posyandu_id].puskesmas_id].append(c)
    puskesmas = list(Puskesmas.objects.order_by("name", "pk").prefetch_related("posyandu"))
    rounding = _rounding_share()
    measuring = {code for code, m in modules.items() if m.anthropometry}
    sessions, invitees, module_links = [], [], []
    n_per = SESSIONS_PER_YEAR * YEARS
    for pkm in puskesmas:
        staff = by_puskesmas.get(pkm.pk, [])
        if not staff:
            continue
        places = [p for p in pkm.posyandu.all()]
        kelurahan = places[0].kelurahan_id
        offset = int(rng.integers(0, len(PUSKESMAS_SESSIONS)))
        for k in range(n_per):
            title, codes = PUSKESMAS_SESSIONS[(offset + k) % len(PUSKESMAS_SESSIONS)]
            day = _day(rng, start + dt.timedelta(days=k * 365 * YEARS // n_per),
                       start + dt.timedelta(days=(k + 1) * 365 * YEARS // n_per - 1))
            s = Session(title=title, start_date=day, venue=f"Aula Puskesmas {pkm.name}",
                        organiser=f"Puskesmas {pkm.name}", trainer="Tenaga gizi puskesmas",
                        puskesmas_id=pkm.pk, kelurahan_id=kelurahan)  # fmt: skip
            sessions.append(s)
            module_links += [(s, modules[c]) for c in codes]
            active = [c for c in staff if c.was_active_on(day)]
            share = float(rng.uniform(0.3, 0.6))
            teaches_measuring = bool(measuring & set(codes))
            draws = rng.random(len(active))
            invitees.append((s, [
                c for c, x in zip(active, draws, strict=True)
                if x < share * (ROUNDER_INVITE_FACTOR if teaches_measuring and rounding.get(
                    c.user_id, 0.0) > ROUNDER_SHARE else 1.0)
            ]))  # fmt: skip
    tpk_cadres = [c for c in cadres if c.tpk_team_id is not None]
    if tpk_cadres:
        kelurahan = tpk_cadres[0].kelurahan_id
        for year in range(YEARS):
            day = _day(rng, start + dt.timedelta(days=365 * year + 60),
                       start + dt.timedelta(days=365 * year + 200))
            s = Session(title=TPK_SESSION[0], start_date=day, end_date=day + dt.timedelta(days=1),
                        venue="Aula DP3AKB", organiser="DP3AKB Kota", trainer="Tim BKKBN",
                        kelurahan_id=kelurahan)  # fmt: skip
            sessions.append(s)
            module_links += [(s, modules[c]) for c in TPK_SESSION[1]]
            invitees.append((s, [c for c in tpk_cadres
                                 if c.was_active_on(day) and rng.random() < 0.6]))
    Session.objects.bulk_create(sessions, batch_size=1000)
    through = Session.modules.through
    through.objects.bulk_create([through(session_id=s.pk, module_id=m.pk)
                                 for s, m in module_links], batch_size=2000)  # fmt: skip
    rows = []
    for s, people in invitees:
        if not people:
            continue
        came = rng.random(len(people)) < 0.9
        pre, post = _scores(rng, len(people))
        scored = rng.random(len(people)) < 0.95
        for j, c in enumerate(people):
            a = Attendance(session=s, cadre=c, attended=bool(came[j]))
            if came[j] and scored[j]:
                a.pre_score, a.post_score = int(pre[j]), int(post[j])
            a.decide(catalogue)
            rows.append(a)
    Attendance.objects.bulk_create(rows, batch_size=2000)
    progress(f"training: {len(sessions)} sessions, {len(rows)} attendance rows")
    return {"cadres": len(cadres), "sessions": len(sessions), "attendance": len(rows)}
