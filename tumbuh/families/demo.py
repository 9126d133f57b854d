"""Demo data for the families app: a KRS screening of every household (on the demo's reference
date), two generated members for every TPK team (a midwife and a KB cadre, no usable password;
the demo account ``tpk`` is the PKK cadre of its team), assistance visits to most families at
risk that have a team over the last six months, and referrals from some visits at every status.

Called once on a fresh demo city (``tumbuh demo``); deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

#: Added to the demo seed so this app's draws do not follow another app's.
SEED_OFFSET = 5105
#: Share of the families at risk with a team that had at least one visit (synthetic).
VISITED_SHARE = 0.72
#: Days of visit history.
HISTORY_DAYS = 182
REFERRAL_SHARE = 0.12
STATUS_SHARES = {"sent": 0.35, "attended": 0.25, "done": 0.30, "not_attended": 0.10}
DESTINATIONS = {"puskesmas": 0.70, "hospital": 0.08, "social": 0.10, "kb": 0.07, "posyandu": 0.05}
FINDINGS = [
    "Anak makan 2 kali sehari, belum ada lauk hewani.",
    "Ibu belum rutin minum TTD.",
    "Air minum dari sumur terbuka, sudah disarankan dimasak.",
    "Jamban belum ada, BAB di sungai.",
    "Anak sering diare bulan ini.",
    "Ibu hamil belum periksa ANC trimester ini.",
    "Keluarga belum terdaftar bansos.",
    "Anak tidak datang ke posyandu 2 bulan.",
    "Kondisi baik, ibu paham menu gizi seimbang.",
    "",
]
REASONS = {
    "puskesmas": ["BB tidak naik 2 bulan", "Anak diare berulang", "Ibu hamil LiLA < 23,5 cm",
                  "Periksa ANC", "Imunisasi tertinggal"],
    "hospital": ["Rujukan dokter spesialis anak"],
    "social": ["Pengajuan bantuan sosial (PKH/BPNT)"],
    "kb": ["Konseling dan pelayanan KB pascasalin"],
    "posyandu": ["Penimbangan dan PMT"],
}
OUTCOMES = ["Diberi PMT 90 hari", "Diobati, kontrol 2 minggu", "Didaftarkan bansos",
            "Dirujuk lanjut ke RS", "Mulai KB suntik", "Imunisasi dilengkapi"]  # fmt: skip
TOPICS_BY_TARGET = {"pregnant": ["anc", "iron"], "postpartum": ["family_planning", "feeding"],
                    "baduta": ["feeding", "immunisation", "growth"], "balita": ["growth",
                    "feeding"], "pus": ["family_planning"]}  # fmt: skip
TOPICS_BY_FACTOR = {"water": ["water"], "sanitation": ["sanitation"],
                    "too_close": ["family_planning"], "too_many": ["family_planning"]}


def _draw(rng, shares: dict, n: int) -> list:
    keys = list(shares)
    p = np.array([shares[k] for k in keys], dtype=float)
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _members(rng, teams, progress) -> tuple[dict, int]:
    """Two generated members per team (midwife, KB cadre); the demo TPK user is the PKK cadre."""
    from tumbuh.accounts.models import Role, User
    from tumbuh.tools.synthetic import names

    from .models import Function, TeamMember

    existing = {}
    for u in User.objects.filter(role=Role.TPK, tpk_team__isnull=False):
        existing.setdefault(u.tpk_team_id, []).append(u)
    full_names = names.adult_names(rng, np.array(["F"] * (2 * len(teams))))
    users, functions = [], []
    for i, team in enumerate(teams):
        for j, function in enumerate((Function.BIDAN, Function.KB)):
            first, _sep, last = full_names[2 * i + j].partition(" ")
            u = User(username=f"tpk{i + 1:03d}_{j + 1}", first_name=first, last_name=last,
                     role=Role.TPK, tpk_team_id=team.pk)  # fmt: skip
            u.set_unusable_password()
            users.append(u)
            functions.append(function)
    taken = set(User.objects.filter(username__in=[u.username for u in users])
                .values_list("username", flat=True))  # fmt: skip
    new = [(u, f) for u, f in zip(users, functions, strict=True) if u.username not in taken]
    User.objects.bulk_create([u for u, _f in new], batch_size=1000)
    created = {u.username: u.pk for u in User.objects.filter(
        username__in=[u.username for u, _f in new])}
    rows = [TeamMember(user_id=created[u.username], function=f) for u, f in new]
    for team_users in existing.values():
        rows += [TeamMember(user=u, function=Function.PKK) for u in team_users
                 if not TeamMember.objects.filter(user=u).exists()]
    TeamMember.objects.bulk_create(rows, batch_size=1000)
    by_team = dict(existing)
    for u, _f in new:
        u.pk = created[u.username]
        by_team.setdefault(u.tpk_team_id, []).append(u)
    progress(f"{len(new)} TPK members")
    return by_team, len(new)


def populate(*, seed: int, as_of: dt.date, progress=lambda msg: None) -> dict[str, int]:
    from tumbuh.accounts.models import TpkTeam
    from tumbuh.registry.models import Child, Household

    from . import config
    from .models import Referral, Visit
    from .services import screen_households

    rng = np.random.default_rng(seed + SEED_OFFSET)
    cfg = config.current()
    counts = {"screenings": 0, "families at risk": 0, "TPK members": 0, "visits": 0,
              "referrals": 0}  # fmt: skip
    if not Household.objects.exists():
        return counts
    with transaction.atomic():
        # Half a year earlier, the previous verification round (Verval KRS), so that what was
        # decided from the at-risk list before today (protein packages, visits) has a list.
        earlier = screen_households(Household.objects.all(), as_of - dt.timedelta(days=182), None)
        counts["screenings"] += len(earlier)
        latest = screen_households(Household.objects.all(), as_of, None)
        counts["screenings"] += len(latest)
        at_risk = sorted((s for s in latest if s.at_risk), key=lambda s: str(s.household_id))
        counts["families at risk"] = len(at_risk)
        progress(f"{counts['screenings']} KRS screenings, {len(at_risk)} families at risk")

        teams = list(TpkTeam.objects.order_by("kelurahan_id", "name"))
        members, counts["TPK members"] = _members(rng, teams, progress)
        team_of = dict(Household.objects.filter(tpk_team__isnull=False)
                       .values_list("pk", "tpk_team_id"))  # fmt: skip
        followed = [s for s in at_risk if s.household_id in team_of]
        visited = [s for s, r in zip(followed, rng.random(len(followed)), strict=True)
                   if r < VISITED_SHARE]  # fmt: skip

        visits, visit_households = [], []
        for s in visited:
            team = team_of[s.household_id]
            people = members.get(team, [])
            n = int(rng.integers(1, 6))
            days = sorted(int(d) for d in rng.integers(0, HISTORY_DAYS, n))
            pool = sorted({t for code in s.targets for t in TOPICS_BY_TARGET.get(code, [])}
                          | {t for code in s.factors for t in TOPICS_BY_FACTOR.get(code, [])})
            pool = [t for t in pool if t in cfg.topics] or ["other"]
            for d in days:
                k = int(rng.integers(1, min(3, len(pool)) + 1))
                topics = sorted(rng.choice(pool, size=k, replace=False).tolist(),
                                key=cfg.topics.index)  # fmt: skip
                visits.append(Visit(
                    household_id=s.household_id, visited_on=as_of - dt.timedelta(days=d),
                    visited_by=people[int(rng.integers(0, len(people)))] if people else None,
                    team_id=team, topics=topics,
                    findings=FINDINGS[int(rng.integers(0, len(FINDINGS)))],
                    referral=bool(rng.random() < REFERRAL_SHARE),
                ))  # fmt: skip
                visit_households.append(s.household_id)
        Visit.objects.bulk_create(visits, batch_size=2000)
        counts["visits"] = len(visits)
        progress(f"{len(visits)} assistance visits")

        referred = [v for v in visits if v.referral]
        youngest = {}
        for hh, pk in (Child.objects.active().filter(
                household_id__in={v.household_id for v in referred})
                .order_by("household_id", "-birth_date")
                .values_list("household_id", "pk")):  # fmt: skip
            youngest.setdefault(hh, pk)
        statuses = _draw(rng, STATUS_SHARES, len(referred))
        destinations = _draw(rng, DESTINATIONS, len(referred))
        referrals = []
        for v, status, dest in zip(referred, statuses, destinations, strict=True):
            age = (as_of - v.visited_on).days
            if age < 7 and status != "sent":
                status = "sent"
            attended = outcome_on = None
            if status in ("attended", "done"):
                attended = v.visited_on + dt.timedelta(days=int(rng.integers(0, min(age, 14) + 1)))
            if status == "done":
                outcome_on = attended + dt.timedelta(
                    days=int(rng.integers(0, (as_of - attended).days + 1)))
            if status == "not_attended":
                outcome_on = v.visited_on + dt.timedelta(days=int(rng.integers(7, age + 1)))
            reasons = REASONS[dest]
            referrals.append(Referral(
                household_id=v.household_id, visit=v, referred_on=v.visited_on,
                child_id=youngest.get(v.household_id) if dest in ("puskesmas", "hospital",
                                                                  "posyandu") else None,
                destination=dest, reason=reasons[int(rng.integers(0, len(reasons)))],
                status=status, attended_on=attended, outcome_on=outcome_on,
                outcome=(OUTCOMES[int(rng.integers(0, len(OUTCOMES)))] if status == "done"
                         else "Keluarga belum sempat datang" if status == "not_attended"
                         else ""),
                created_by=v.visited_by, updated_by=v.visited_by,
            ))  # fmt: skip
        Referral.objects.bulk_create(referrals, batch_size=2000)
        counts["referrals"] = len(referrals)
        progress(f"{len(referrals)} referrals")
    return counts
