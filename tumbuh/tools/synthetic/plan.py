"""The synthetic city as NumPy arrays: who lives where, who comes to the posyandu, how they grow.

Nothing here touches the database (:mod:`tumbuh.tools.synthetic.build` writes it), so the model
can be read, tested and tuned on its own. Everything is drawn from NumPy generators seeded with
``(seed, stream)``, one stream per purpose, so the same seed and reference date always give the
same city, and a change in one part of the model does not reshuffle the others.

The model, briefly (docs/demo.md has the numbers):

- **Time.** Two years of monthly posyandu days, ending in the month of the reference date
  ``as_of``; each posyandu opens on its own day (e.g. the second Tuesday), a few days are
  cancelled. Children are born uniformly over the seven years that make someone an under-five
  at some point of the window; they age out at 60 months, a few move away or move in.
- **Places.** Each kelurahan has a size and a disadvantage index (``places.KELURAHAN``); they set
  the number of children, the household water and sanitation mix, and the stunting level.
- **Growth.** Each child follows a latent length-for-age z (HAZ) that starts at its birth size
  and drifts, over the first year or so, towards a long-run level made of a kelurahan effect
  (stunting clusters by kelurahan), a household water/sanitation effect and the child's own;
  plus slow month-to-month noise. Weight follows a latent weight-for-length z (WHZ), the same
  way. Values come from the WHO LMS tables (``y = M (1 + L S z)^(1/L)``), lengths never shrink,
  and what the cadre writes down adds measurement error, rounding to 0.1, the occasional wrong
  position (lying vs standing) and about 0.5% of typing slips that the WHO flags catch.
- **Attendance.** Each posyandu has its own participation (75-90%); babies come more often than
  four-year-olds, February and August (bulan timbang) draw more, and each child has a habit.
- **Cadres.** Each posyandu has two or three cadres who enter the measurements; a minority have
  bad habits (weights rounded to .0/.5 kg, lengths to whole centimetres, more typing slips),
  and at a few posyandu guessed birth dates pile up on the 1st and the 15th, so the data-quality
  scorecard (docs/quality.md) has something to find.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from tumbuh.growth import tables

from . import names, places

#: Months of posyandu history, ending with the reference month.
MONTHS = 24
#: Under five: measured while younger than this many days (WHO standards end at 1826).
MAX_AGE_DAYS = 1826
#: Newborns are first brought to the posyandu from this age.
MIN_AGE_DAYS = 14
#: Ongoing pregnancies registered at posyandu, per registered under-five: births per month
#: (under-fives / 60) x about 6 months between registration and delivery x about half of
#: pregnant women registered at the posyandu.
PREGNANCIES_PER_UNDER_FIVE = 0.05

#: Independent random streams, one per purpose (never renumber: it would change every city).
STREAMS = {
    "posyandu": 1, "sessions": 2, "children": 3, "households": 4, "people": 5, "wash": 6,
    "growth": 7, "attendance": 8, "pregnancies": 9, "checks": 10, "teams": 11, "ids": 12,
    "names": 13, "serials": 14, "cadres": 15, "birth_dates": 16,
}  # fmt: skip

#: Cadre habits (bit flags of ``Plan.cadre_habit``).
ROUNDS_WEIGHT = 1  # weights to .0 or .5 kg
ROUNDS_LENGTH = 2  # lengths/heights to whole centimetres
SLOPPY = 4  # swaps the last two digits now and then
#: Share of cadres with each habit, of a habitual cadre's entries that show it, and of a sloppy
#: cadre's entries with two digits swapped.
HABIT_SHARE = {ROUNDS_WEIGHT: 0.07, ROUNDS_LENGTH: 0.07, SLOPPY: 0.06}
HABIT_STRENGTH = 0.85
SLOPPY_SWAP_RATE = 0.04
#: Share of posyandu whose register has guessed birth dates, and of their children.
GUESSED_BIRTH_POSYANDU = 0.08
GUESSED_BIRTH_CHILDREN = 0.3


@dataclass(frozen=True)
class Size:
    name: str
    #: Registered under-fives on the reference date (the target; the draw lands near it).
    under_fives: int
    #: Posyandu per kelurahan (a fixed number), or None to spread ``posyandu_total`` by size.
    posyandu_per_kelurahan: int | None
    posyandu_total: int
    #: Fewest registered under-fives a posyandu gets.
    min_under_fives_per_posyandu: int
    #: TPK teams per posyandu (at least one team per kelurahan).
    teams_per_posyandu: float
    #: Children per chunk when generating measurements (bounds memory).
    chunk_children: int = 6_000


SIZES: dict[str, Size] = {
    # For tests: every kelurahan with one posyandu and a handful of children.
    "tiny": Size("tiny", 200, 1, 34, 4, 0.0),
    # The default demo: starts within seconds.
    "small": Size("small", 2_000, 2, 68, 15, 0.0),
    # Balikpapan's scale (docs/domain-indonesia.md §8.4): ~60,000 under-fives, ~500 posyandu.
    "city": Size("city", 60_000, None, 500, 40, 0.2),
}


def stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, STREAMS[name]])


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def _weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 (1 January 1970 was a Thursday)."""
    return (days + 3) % 7


# --- The plan ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """Every entity of the city as arrays (index = row number in the table that will hold it)."""

    size: Size
    seed: int
    as_of: dt.date
    kelurahan: tuple[places.KelurahanProfile, ...]
    # posyandu (P)
    pos_kel: np.ndarray
    pos_puskesmas: np.ndarray
    pos_name: list[str]
    pos_rt_rw: list[str]
    pos_address: list[str]
    pos_rw: np.ndarray
    pos_rt_first: np.ndarray
    pos_rt_count: np.ndarray
    pos_participation: np.ndarray
    # sessions: a (P, MONTHS) grid of posyandu days (days since 1970), and whether each was held
    session_day: np.ndarray
    session_held: np.ndarray
    # TPK teams (T)
    team_kel: np.ndarray
    team_name: list[str]
    # households (H)
    hh_pos: np.ndarray
    hh_head_name: list[str] = field(default_factory=list)
    hh_address: list[str] = field(default_factory=list)
    hh_rt: list[str] = field(default_factory=list)
    hh_rw: list[str] = field(default_factory=list)
    hh_kk: list[str] = field(default_factory=list)
    hh_phone: list[str] = field(default_factory=list)
    hh_water: list[str] = field(default_factory=list)
    hh_sanitation: list[str] = field(default_factory=list)
    hh_team: np.ndarray | None = None
    hh_poor_wash: np.ndarray | None = None
    # people (Q): mothers, fathers, pregnant women
    person_hh: np.ndarray | None = None
    person_name: list[str] = field(default_factory=list)
    person_sex: np.ndarray | None = None
    person_birth_day: np.ndarray | None = None
    person_nik: list[str] = field(default_factory=list)
    person_phone: list[str] = field(default_factory=list)
    hh_mother: np.ndarray | None = None
    # children (C)
    child_pos: np.ndarray | None = None
    child_hh: np.ndarray | None = None
    child_mother: np.ndarray | None = None
    child_sex: np.ndarray | None = None
    child_birth_day: np.ndarray | None = None
    child_name: list[str] = field(default_factory=list)
    child_nik: list[str] = field(default_factory=list)
    child_birth_weight_kg: np.ndarray | None = None
    child_birth_length_cm: np.ndarray | None = None
    child_has_kia_book: np.ndarray | None = None
    child_start_day: np.ndarray | None = None
    child_end_day: np.ndarray | None = None
    # latent growth and attendance parameters of each child
    child_h0: np.ndarray | None = None
    child_h_level: np.ndarray | None = None
    child_w0: np.ndarray | None = None
    child_w_level: np.ndarray | None = None
    child_hc_z: np.ndarray | None = None
    child_ac_z: np.ndarray | None = None
    child_habit: np.ndarray | None = None
    # pregnancies (G)
    preg_woman: np.ndarray | None = None
    preg_pos: np.ndarray | None = None
    preg_hpht_day: np.ndarray | None = None
    preg_gravida: np.ndarray | None = None
    preg_para: np.ndarray | None = None
    preg_abortus: np.ndarray | None = None
    preg_height_cm: np.ndarray | None = None
    preg_pre_weight_kg: np.ndarray | None = None
    preg_registered_weeks: np.ndarray | None = None
    preg_muac_cm: np.ndarray | None = None
    preg_hb_g_dl: np.ndarray | None = None
    preg_gain_factor: np.ndarray | None = None
    preg_bmi: np.ndarray | None = None
    # cadres (K): who enters the measurements at each posyandu
    pos_cadre_first: np.ndarray | None = None
    pos_cadre_count: np.ndarray | None = None
    cadre_pos: np.ndarray | None = None
    cadre_username: list[str] = field(default_factory=list)
    cadre_first_name: list[str] = field(default_factory=list)
    cadre_last_name: list[str] = field(default_factory=list)
    cadre_phone: list[str] = field(default_factory=list)
    cadre_habit: np.ndarray | None = None
    #: Cumulative share of each posyandu's entries made by its first, second, third cadre.
    pos_cadre_cumshare: np.ndarray | None = None
    #: Children whose birth date was guessed (moved to the 1st or the 15th).
    child_guessed_birth: np.ndarray | None = None

    @property
    def window_start_day(self) -> int:
        return int(self.session_day.min())

    @property
    def n_children(self) -> int:
        return len(self.child_pos)

    def under_fives_on_as_of(self) -> int:
        as_of = _day(self.as_of)
        alive = (self.child_birth_day > as_of - MAX_AGE_DAYS) & (self.child_end_day > as_of)
        return int(alive.sum())


def make_plan(size: Size, *, seed: int, as_of: dt.date) -> Plan:
    """Draw the whole city except the measurements (see :func:`measurement_chunks`)."""
    plan = _posyandu_and_sessions(size, seed, as_of)
    _children(plan)
    _households(plan)
    _guessed_birth_dates(plan)
    _pregnancies(plan)
    _people(plan)
    _wash_and_growth(plan)
    _teams(plan)
    _cadres(plan)
    return plan


def _posyandu_and_sessions(size: Size, seed: int, as_of: dt.date) -> Plan:
    rng = stream(seed, "posyandu")
    kel = places.KELURAHAN
    weights = np.array([k.weight for k in kel])
    if size.posyandu_per_kelurahan is not None:
        per_kel = np.full(len(kel), size.posyandu_per_kelurahan)
    else:
        per_kel = _largest_remainder(weights / weights.sum() * size.posyandu_total, minimum=5)
    catchment = {code: i for i, p in enumerate(places.PUSKESMAS) for code in p.catchment}

    pos_kel, pos_name, pos_rw, rt_first, rt_count = [], [], [], [], []
    for k, profile in enumerate(kel):
        base_names = [str(name) for name in rng.permutation(places.POSYANDU_NAMES)]
        if profile.code == places.KADER_KELURAHAN:
            base_names.remove("Melati")
            base_names.insert(0, "Melati")
        names_here: list[str] = []
        for base in base_names:
            group = int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25]))
            names_here += [f"{base} {number}" for number in range(1, group + 1)]
            if len(names_here) >= per_kel[k]:
                break
        next_rt = 1
        for j in range(per_kel[k]):
            pos_kel.append(k)
            pos_name.append(names_here[j])
            pos_rw.append(j + 1)
            count = int(rng.integers(3, 9))
            rt_first.append(next_rt)
            rt_count.append(count)
            next_rt += count
    pos_kel = np.array(pos_kel)
    n_pos = len(pos_kel)
    pos_rw = np.array(pos_rw)
    rt_first = np.array(rt_first)
    rt_count = np.array(rt_count)
    rt_rw = [
        f"RW {pos_rw[p]:02d} (RT {rt_first[p]:02d}–{rt_first[p] + rt_count[p] - 1:02d})"
        for p in range(n_pos)
    ]
    streets = names.pick(rng, places.STREETS, n_pos)
    numbers = rng.integers(1, 120, n_pos)
    address = [
        f"{streets[p]} No. {numbers[p]}, RT {rt_first[p] + rng.integers(0, rt_count[p]):02d}"
        for p in range(n_pos)
    ]
    pos_puskesmas = np.array([catchment[kel[k].code] for k in pos_kel])
    participation = rng.uniform(0.75, 0.90, n_pos)

    # Posyandu days: the n-th weekday of every month (Monday-Saturday, Saturday less often).
    rng = stream(seed, "sessions")
    week = rng.integers(1, 5, n_pos)
    weekday = rng.choice(6, n_pos, p=[0.18, 0.2, 0.2, 0.2, 0.16, 0.06])
    last_month = np.datetime64(as_of, "M")
    months = last_month - np.arange(MONTHS - 1, -1, -1)
    first_days = months.astype("datetime64[D]").astype(np.int64)  # (MONTHS,)
    offset = (weekday[:, None] - _weekday(first_days)[None, :]) % 7
    session_day = first_days[None, :] + offset + 7 * (week[:, None] - 1)
    cancelled = rng.random((n_pos, MONTHS)) < 0.02
    held = ~cancelled & (session_day <= _day(as_of))

    return Plan(
        size=size, seed=seed, as_of=as_of, kelurahan=kel, pos_kel=pos_kel,
        pos_puskesmas=pos_puskesmas, pos_name=pos_name, pos_rt_rw=rt_rw, pos_address=address,
        pos_rw=pos_rw, pos_rt_first=rt_first, pos_rt_count=rt_count,
        pos_participation=participation, session_day=session_day, session_held=held,
        team_kel=np.zeros(0, int), team_name=[], hh_pos=np.zeros(0, int),
    )  # fmt: skip


def _largest_remainder(shares: np.ndarray, *, minimum: int) -> np.ndarray:
    total = int(round(shares.sum()))
    base = np.maximum(np.floor(shares).astype(int), minimum)
    remainder = shares - np.floor(shares)
    for i in np.argsort(-remainder):
        if base.sum() >= total:
            break
        base[i] += 1
    return base


def _children(plan: Plan) -> None:
    """How many children each posyandu has, their birth dates, sex, and when they live here."""
    size, rng = plan.size, stream(plan.seed, "children")
    kel_weight = np.array([k.weight for k in plan.kelurahan])
    per_kel = np.bincount(plan.pos_kel, minlength=len(plan.kelurahan))
    pos_weight = (
        kel_weight[plan.pos_kel] / per_kel[plan.pos_kel] * rng.gamma(12, 1 / 12, len(plan.pos_kel))
    )
    expected = np.maximum(
        size.under_fives * pos_weight / pos_weight.sum(), size.min_under_fives_per_posyandu
    )
    # Children born over the 60 + MONTHS months that make them under five at some point of the
    # window; a few per cent more for those who moved away.
    span_factor = (60 + MONTHS) / 60 * 1.05
    counts = rng.poisson(expected * span_factor)
    child_pos = np.repeat(np.arange(len(counts)), counts)
    n = len(child_pos)
    as_of = _day(plan.as_of)
    window_start = plan.window_start_day
    birth = rng.integers(window_start - MAX_AGE_DAYS + 1, as_of - 6, n)
    order = np.lexsort((birth, child_pos))
    child_pos, birth = child_pos[order], birth[order]
    sex = np.where(rng.random(n) < 0.51, "M", "F")

    # Registry window: from the window start (or birth) to the end, with moves in and out.
    start = np.maximum(birth, window_start)
    moved_in = rng.random(n) < np.where(birth < window_start, 0.10, 0.05)
    start = np.where(moved_in, start + (rng.random(n) * (as_of - start)).astype(int), start)
    moved_away = rng.random(n) < 0.07
    end = np.where(
        moved_away, start + 30 + (rng.random(n) * (as_of - start)).astype(int), as_of + 1
    )

    plan.child_pos, plan.child_birth_day, plan.child_sex = child_pos, birth, sex
    plan.child_start_day, plan.child_end_day = start, end


def _households(plan: Plan) -> None:
    """Group children into households: siblings at least 20 months apart, at most three."""
    rng = stream(plan.seed, "households")
    n = plan.n_children
    sibling = rng.random(n) < 0.32
    pick = rng.random(n)
    child_hh = np.empty(n, dtype=np.int64)
    hh_pos: list[int] = []
    hh_youngest: list[int] = []
    hh_count: list[int] = []
    by_pos: dict[int, list[int]] = {}
    for c in range(n):  # children are sorted by posyandu, then birth date
        p = int(plan.child_pos[c])
        here = by_pos.setdefault(p, [])
        chosen = -1
        if sibling[c] and here:
            birth = plan.child_birth_day[c]
            candidates = [
                h for h in here[-60:] if hh_count[h] < 3 and 600 <= birth - hh_youngest[h] <= 2200
            ]
            if candidates:
                chosen = candidates[int(pick[c] * len(candidates))]
        if chosen < 0:
            chosen = len(hh_pos)
            hh_pos.append(p)
            hh_youngest.append(0)
            hh_count.append(0)
            here.append(chosen)
        child_hh[c] = chosen
        hh_youngest[chosen] = int(plan.child_birth_day[c])
        hh_count[chosen] += 1
    plan.child_hh = child_hh
    plan.hh_pos = np.array(hh_pos, dtype=np.int64)


def _pregnancies(plan: Plan) -> None:
    """Ongoing pregnancies: some mothers of under-fives expecting again, most in new households."""
    rng = stream(plan.seed, "pregnancies")
    as_of = _day(plan.as_of)
    n_pos = len(plan.pos_kel)
    under_fives = np.bincount(
        plan.child_pos[
            (plan.child_birth_day > as_of - MAX_AGE_DAYS) & (plan.child_end_day > as_of)
        ],
        minlength=n_pos,
    )
    counts = rng.poisson(under_fives * PREGNANCIES_PER_UNDER_FIVE)
    # The youngest child of each household, for "expecting again".
    youngest = np.full(len(plan.hh_pos), -(10**9))
    np.maximum.at(youngest, plan.child_hh, plan.child_birth_day)
    hh_children = np.bincount(plan.child_hh, minlength=len(plan.hh_pos))
    hh_present = np.zeros(len(plan.hh_pos), bool)
    hh_present[plan.child_hh[plan.child_end_day > as_of]] = True
    hh_pos = list(plan.hh_pos)
    preg_hh, preg_pos, preg_para = [], [], []
    taken: set[int] = set()
    for p in range(n_pos):
        eligible = np.flatnonzero(
            (plan.hh_pos == p) & hh_present & (youngest <= as_of - 365)
            & (youngest >= as_of - 4 * 365) & (hh_children < 3)
        )  # fmt: skip
        for _ in range(counts[p]):
            if len(eligible) and rng.random() < 0.4:
                h = int(eligible[rng.integers(0, len(eligible))])
                if h not in taken:
                    taken.add(h)
                    preg_hh.append(h)
                    preg_pos.append(p)
                    preg_para.append(int(hh_children[h]) + int(rng.random() < 0.15))
                    continue
            preg_hh.append(len(hh_pos))  # a new household, with no under-five
            hh_pos.append(p)
            preg_pos.append(p)
            preg_para.append(int(rng.choice([0, 0, 0, 1, 1, 2, 3])))
    plan.hh_pos = np.array(hh_pos, dtype=np.int64)
    g = len(preg_hh)
    para = np.array(preg_para, dtype=np.int64)
    abortus = (rng.random(g) < 0.12).astype(np.int64)
    weeks = rng.uniform(6, 40.5, g)  # gestational age on the reference date
    height = np.round(rng.normal(152, 5.5, g), 1)
    bmi = np.clip(rng.normal(23.5, 4.2, g), 15.5, 42)
    plan.preg_woman = np.array(preg_hh, dtype=np.int64)  # a household for now; see _people
    plan.preg_pos = np.array(preg_pos, dtype=np.int64)
    plan.preg_hpht_day = as_of - np.round(weeks * 7).astype(np.int64)
    plan.preg_gravida = para + abortus + 1
    plan.preg_para = para
    plan.preg_abortus = abortus
    plan.preg_height_cm = np.where(rng.random(g) < 0.9, height, np.nan)
    plan.preg_pre_weight_kg = np.where(
        rng.random(g) < 0.6, np.round(bmi * (height / 100) ** 2, 1), np.nan
    )
    plan.preg_registered_weeks = np.minimum(rng.uniform(6, 18, g), weeks)
    # Arm circumference follows the body mass index: about 15% below 23.5 cm (risiko KEK).
    plan.preg_muac_cm = 26.6 + 0.55 * (bmi - 23.5) + rng.normal(0, 1.8, g)
    # Haemoglobin: about a quarter of checks below 11 g/dL.
    plan.preg_hb_g_dl = rng.normal(11.75, 1.05, g)
    plan.preg_gain_factor = np.clip(rng.normal(1, 0.25, g), 0.4, 1.7)
    plan.preg_bmi = bmi


def _people(plan: Plan) -> None:
    """Mothers and fathers with names, birth dates, NIK and phones; children's names and NIK."""
    rng = stream(plan.seed, "people")
    name_rng = stream(plan.seed, "names")
    serials = names.SerialNumbers(stream(plan.seed, "serials"))
    as_of = _day(plan.as_of)
    n_hh = len(plan.hh_pos)
    kec_of_hh = [plan.kelurahan[plan.pos_kel[p]].kecamatan_code for p in plan.hh_pos]

    # Mothers: age at the first (oldest registered) child, or now for a new household.
    oldest = np.full(n_hh, np.iinfo(np.int64).max)
    np.minimum.at(oldest, plan.child_hh, plan.child_birth_day)
    has_children = oldest != np.iinfo(np.int64).max
    age_first = np.clip(rng.normal(25.5, 5.0, n_hh), 16.5, 41)
    age_now = np.clip(rng.normal(26.5, 5.5, n_hh), 16.5, 43)
    mother_birth = np.where(
        has_children,
        oldest - (age_first * 365.25).astype(np.int64),
        as_of - (age_now * 365.25).astype(np.int64),
    )
    has_father = rng.random(n_hh) < 0.94
    father_birth = mother_birth - (np.clip(rng.normal(4, 3.5, n_hh), -3, 15) * 365.25).astype(
        np.int64
    )
    # People: mother of household h is row h; fathers follow.
    fathers = np.flatnonzero(has_father)
    person_hh = np.concatenate([np.arange(n_hh), fathers])
    sex = np.concatenate([np.full(n_hh, "F"), np.full(len(fathers), "M")])
    birth = np.concatenate([mother_birth, father_birth[fathers]])
    person_name = names.adult_names(name_rng, sex)
    with_nik = rng.random(len(sex)) < np.where(sex == "F", 0.97, 0.95)
    issued_elsewhere = rng.random(len(sex)) < 0.15
    other_kec = rng.integers(1, 7, len(sex))
    person_nik = []
    for i in range(len(sex)):
        if not with_nik[i]:
            person_nik.append("")
            continue
        kec = kec_of_hh[person_hh[i]]
        if issued_elsewhere[i]:
            kec = f"{places.CITY_CODE}.{other_kec[i]:02d}"
        person_nik.append(serials.nik(kec, _date(birth[i]), str(sex[i])))
    mother_phone = names.phones(rng, n_hh, share=0.85)
    father_phone = names.phones(rng, len(fathers), share=0.8)
    plan.person_hh, plan.person_sex, plan.person_birth_day = person_hh, sex, birth
    plan.person_name, plan.person_nik = person_name, person_nik
    plan.person_phone = mother_phone + father_phone
    plan.hh_mother = np.arange(n_hh)
    father_of = np.full(n_hh, -1)
    father_of[fathers] = n_hh + np.arange(len(fathers))
    plan.hh_head_name = [
        person_name[father_of[h]] if father_of[h] >= 0 else person_name[h] for h in range(n_hh)
    ]
    plan.hh_phone = [
        mother_phone[h] or (father_phone[father_of[h] - n_hh] if father_of[h] >= 0 else "")
        for h in range(n_hh)
    ]
    plan.preg_woman = plan.hh_mother[plan.preg_woman]

    # KK: issued (again) after the youngest child's birth, or some time before the reference date.
    youngest = np.full(n_hh, -(10**9))
    np.maximum.at(youngest, plan.child_hh, plan.child_birth_day)
    issued = np.where(
        has_children,
        np.minimum(youngest + rng.integers(7, 150, n_hh), as_of - 1),
        as_of - rng.integers(30, 1500, n_hh),
    )
    with_kk = rng.random(n_hh) < 0.97
    plan.hh_kk = [
        serials.kk(kec_of_hh[h], _date(issued[h])) if with_kk[h] else "" for h in range(n_hh)
    ]

    # Addresses inside the posyandu's RW and RTs.
    streets = names.pick(rng, places.STREETS, n_hh)
    lanes = names.pick(rng, places.LANES, n_hh)
    with_lane = rng.random(n_hh) < 0.4
    numbers = rng.integers(1, 151, n_hh)
    rt = plan.pos_rt_first[plan.hh_pos] + (
        rng.random(n_hh) * plan.pos_rt_count[plan.hh_pos]
    ).astype(int)
    plan.hh_address = [
        f"{streets[h]} {lanes[h]} No. {numbers[h]}"
        if with_lane[h]
        else f"{streets[h]} No. {numbers[h]}"
        for h in range(n_hh)
    ]
    plan.hh_rt = [f"{r:03d}" for r in rt]
    plan.hh_rw = [f"{plan.pos_rw[p]:03d}" for p in plan.hh_pos]

    # Children: names, NIK (older children more often have one), birth registry details.
    n = plan.n_children
    plan.child_name = names.child_names(name_rng, plan.child_sex)
    age_now = as_of - plan.child_birth_day
    with_nik = rng.random(n) < 0.2 + 0.48 * np.clip(age_now / 730, 0, 1)
    plan.child_nik = [
        serials.nik(kec_of_hh[h], _date(b), str(s)) if nik else ""
        for h, b, s, nik in zip(
            plan.child_hh, plan.child_birth_day, plan.child_sex, with_nik, strict=True
        )
    ]
    plan.child_mother = plan.hh_mother[plan.child_hh]
    plan.child_has_kia_book = rng.random(n) < 0.93


# Water and sanitation shares (synthetic) for the best- and the worst-served kelurahan; each
# kelurahan mixes the two by its disadvantage index.
WATER_GOOD = {
    "refill": 0.50, "piped": 0.38, "borehole": 0.04, "protected_well": 0.03, "rainwater": 0.02,
    "public_tap": 0.01, "protected_spring": 0.005, "unprotected_well": 0.005, "other": 0.01,
}  # fmt: skip
WATER_POOR = {
    "refill": 0.30, "piped": 0.12, "borehole": 0.14, "protected_well": 0.12, "rainwater": 0.12,
    "public_tap": 0.04, "protected_spring": 0.02, "unprotected_well": 0.07,
    "unprotected_spring": 0.02, "surface": 0.04, "other": 0.01,
}  # fmt: skip
SANITATION_GOOD = {
    "own_septic": 0.88, "shared_septic": 0.05, "own_no_septic": 0.05, "public": 0.015,
    "open": 0.005,
}  # fmt: skip
SANITATION_POOR = {
    "own_septic": 0.45, "shared_septic": 0.13, "own_no_septic": 0.27, "public": 0.09, "open": 0.06,
}  # fmt: skip
UNSAFE_WATER = {"unprotected_well", "unprotected_spring", "surface", "other"}
UNSAFE_SANITATION = {"own_no_septic", "public", "open"}


def _mix(good: dict, poor: dict, d: float) -> tuple[list[str], np.ndarray]:
    keys = sorted(set(good) | set(poor))
    p = np.array([(1 - d) * good.get(k, 0) + d * poor.get(k, 0) for k in keys])
    return keys, p / p.sum()


def _wash_and_growth(plan: Plan) -> None:
    rng = stream(plan.seed, "wash")
    n_hh = len(plan.hh_pos)
    dis = np.array([k.disadvantage for k in plan.kelurahan])
    hh_kel = plan.pos_kel[plan.hh_pos]
    water = np.empty(n_hh, dtype=object)
    sanitation = np.empty(n_hh, dtype=object)
    u_water, u_san = rng.random(n_hh), rng.random(n_hh)
    for k in range(len(plan.kelurahan)):
        rows = np.flatnonzero(hh_kel == k)
        keys, p = _mix(WATER_GOOD, WATER_POOR, dis[k])
        water[rows] = np.array(keys, dtype=object)[
            np.searchsorted(np.cumsum(p), u_water[rows] * 0.999999)
        ]
        keys, p = _mix(SANITATION_GOOD, SANITATION_POOR, dis[k])
        sanitation[rows] = np.array(keys, dtype=object)[
            np.searchsorted(np.cumsum(p), u_san[rows] * 0.999999)
        ]
    unknown = rng.random(n_hh) < 0.04
    water[unknown] = ""
    sanitation[unknown] = ""
    pairs = zip(water, sanitation, strict=True)
    poor = np.array([w in UNSAFE_WATER or s in UNSAFE_SANITATION for w, s in pairs])
    plan.hh_water, plan.hh_sanitation, plan.hh_poor_wash = list(water), list(sanitation), poor

    # Growth: a kelurahan level (stunting clusters), the household's water and sanitation, and the
    # child's own level; birth size starts the trajectory.
    rng = stream(plan.seed, "growth")
    n = plan.n_children
    kel_level = -0.8 - 1.0 * dis + rng.normal(0, 0.08, len(dis))
    child_kel = plan.pos_kel[plan.child_pos]
    h_level = kel_level[child_kel] - 0.2 * poor[plan.child_hh] + rng.normal(0, 1.0, n)
    h0 = -0.45 + 0.3 * (h_level + 1.2) + rng.normal(0, 0.8, n)
    waz0 = -0.3 + 0.55 * (h0 + 0.45) + rng.normal(0, 0.9, n)
    sex_index = (plan.child_sex == "F").astype(np.int64)
    lhfa = tables.age_table(tables.AGE_TABLE_FILES["lhfa"])
    wfa = tables.age_table(tables.AGE_TABLE_FILES["wfa"])
    at_birth = sex_index * tables.N_AGE_DAYS
    birth_length = lhfa.m[at_birth] * (1 + lhfa.s[at_birth] * h0)
    birth_weight = tables.calc_sd(wfa.l[at_birth], wfa.m[at_birth], wfa.s[at_birth], waz0)
    birth_weight = np.clip(birth_weight, 0.9, 5.5)
    birth_length = np.clip(birth_length, 38, 58)
    # The weight-for-length z at birth starts the weight trajectory.
    w0 = _wfl_z(sex_index, birth_length, birth_weight)
    w0 = np.where(np.isnan(w0), waz0 - 0.6 * h0, w0)
    plan.child_h0, plan.child_h_level = h0, h_level
    plan.child_w0 = np.clip(w0, -3.5, 3)
    plan.child_w_level = -0.3 - 0.45 * dis[child_kel] + rng.normal(0, 1.05, n)
    plan.child_hc_z = 0.35 * h0 + rng.normal(0, 0.9, n)
    plan.child_ac_z = rng.normal(0.1, 0.4, n)
    plan.child_habit = rng.normal(0, 0.7, n)
    known_weight = rng.random(n) < 0.93
    known_length = rng.random(n) < 0.85
    plan.child_birth_weight_kg = np.where(known_weight, np.round(birth_weight, 2), np.nan)
    plan.child_birth_length_cm = np.where(known_length, np.round(birth_length * 2) / 2, np.nan)


def _wfl_z(sex_index: np.ndarray, length_cm: np.ndarray, weight_kg: np.ndarray) -> np.ndarray:
    table = tables.length_table(tables.LENGTH_TABLE_FILES["wfl"])
    key = np.round(length_cm * 10).astype(np.int64)
    inside = (key >= table.first_key) & (key < table.first_key + table.n_keys)
    idx = np.where(inside, sex_index * table.n_keys + key - table.first_key, 2 * table.n_keys)
    l, m, s = table.l[idx], table.m[idx], table.s[idx]  # noqa: E741
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((weight_kg / m) ** l - 1) / (s * l)


def _teams(plan: Plan) -> None:
    """TPK teams per kelurahan; they follow families with a pregnancy or a child at risk."""
    rng = stream(plan.seed, "teams")
    n_kel = len(plan.kelurahan)
    per_kel = np.bincount(plan.pos_kel, minlength=n_kel)
    teams_per_kel = np.maximum(1, np.round(per_kel * plan.size.teams_per_posyandu)).astype(int)
    team_kel = np.repeat(np.arange(n_kel), teams_per_kel)
    first_team = np.concatenate([[0], np.cumsum(teams_per_kel)[:-1]])
    plan.team_kel = team_kel
    plan.team_name = []
    for k in range(n_kel):
        plan.team_name += [
            f"TPK {plan.kelurahan[k].name} {i}" for i in range(1, teams_per_kel[k] + 1)
        ]

    as_of = _day(plan.as_of)
    n_hh = len(plan.hh_pos)
    present = (plan.child_end_day > as_of) & (plan.child_birth_day > as_of - MAX_AGE_DAYS)
    with_under_five = np.zeros(n_hh, bool)
    with_under_five[plan.child_hh[present]] = True
    with_baduta = np.zeros(n_hh, bool)
    with_baduta[plan.child_hh[present & (plan.child_birth_day > as_of - 730)]] = True
    stunted_now = present & (plan.child_h_level < -2)
    with_stunted = np.zeros(n_hh, bool)
    with_stunted[plan.child_hh[stunted_now]] = True
    pregnant = np.zeros(n_hh, bool)
    pregnant[plan.person_hh[plan.preg_woman]] = True
    at_risk = with_stunted | (plan.hh_poor_wash & (with_baduta | pregnant))
    p = np.where(pregnant, 0.9, np.where(at_risk, 0.6, np.where(with_under_five, 0.08, 0)))
    assigned = rng.random(n_hh) < p
    pos_in_kel = plan.pos_rw[plan.hh_pos] - 1  # posyandu number within its kelurahan
    kel = plan.pos_kel[plan.hh_pos]
    team = first_team[kel] + pos_in_kel % teams_per_kel[kel]
    plan.hh_team = np.where(assigned, team, -1)


def _guessed_birth_dates(plan: Plan) -> None:
    """At a few posyandu, children registered without a birth document got a guessed birth
    date: the 1st or the 15th of the month (the earlier of the two before the true date, so
    no child is born later than drawn)."""
    rng = stream(plan.seed, "birth_dates")
    n_pos = len(plan.pos_kel)
    careless = rng.random(n_pos) < GUESSED_BIRTH_POSYANDU
    guessed = careless[plan.child_pos] & (rng.random(plan.n_children) < GUESSED_BIRTH_CHILDREN)
    birth = plan.child_birth_day.astype("datetime64[D]")
    month_start = birth.astype("datetime64[M]").astype("datetime64[D]")
    day = (birth - month_start).astype(np.int64) + 1
    heap = month_start + np.where(day >= 15, 14, 0)
    plan.child_birth_day = np.where(guessed, heap.astype(np.int64), plan.child_birth_day)
    plan.child_guessed_birth = guessed


def _cadres(plan: Plan) -> None:
    """Two or three cadres per posyandu (the demo kader is one of Melati 1's three), each with
    a share of the entries; a minority with a bad habit."""
    rng = stream(plan.seed, "cadres")
    n_pos = len(plan.pos_kel)
    count = rng.choice([2, 3], n_pos)
    kader_pos = next(
        p for p in range(n_pos)
        if plan.kelurahan[plan.pos_kel[p]].code == places.KADER_KELURAHAN
        and plan.pos_name[p] == places.KADER_POSYANDU_NAME
    )  # fmt: skip
    count[kader_pos] = 3
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    k = int(count.sum())
    cadre_pos = np.repeat(np.arange(n_pos), count)
    sex = np.where(rng.random(k) < 0.95, "F", "M")
    full_names = names.adult_names(rng, sex)
    habit = np.zeros(k, np.int64)
    for bit, share in HABIT_SHARE.items():
        habit |= np.where(rng.random(k) < share, bit, 0)
    weight = rng.gamma(3.0, 1.0, k)  # some cadres enter most of the rows
    # Melati 1: the demo kader (careful), a colleague who rounds weights, and a third.
    melati = first[kader_pos] + np.arange(3)
    habit[melati] = (0, ROUNDS_WEIGHT, 0)
    weight[melati] = (1.2, 1.0, 0.8)
    share = weight / np.bincount(cadre_pos, weights=weight, minlength=n_pos)[cadre_pos]
    shares = np.zeros((n_pos, 3))
    shares[cadre_pos, np.arange(k) - first[cadre_pos]] = share
    cumshare = np.cumsum(shares, axis=1)
    cumshare[np.arange(3)[None, :] >= count[:, None] - 1] = 1.0  # the last cadre takes the rest
    usernames = [f"kader{cadre_pos[c] + 1:03d}_{c - first[cadre_pos[c]] + 1}" for c in range(k)]
    usernames[melati[0]] = "kader_melati"
    full_names[melati[0]] = "Sri Wahyuni"  # as tumbuh.tools.synthetic.users names her
    plan.pos_cadre_first, plan.pos_cadre_count = first, count
    plan.cadre_pos, plan.cadre_habit, plan.pos_cadre_cumshare = cadre_pos, habit, cumshare
    plan.cadre_username = usernames
    plan.cadre_first_name = [n.split(" ", 1)[0] for n in full_names]
    plan.cadre_last_name = [n.split(" ", 1)[1] if " " in n else "" for n in full_names]
    plan.cadre_phone = names.phones(rng, k, share=0.9)


# --- Measurements -----------------------------------------------------------------------------


@dataclass
class MeasurementChunk:
    """Rows for a block of children, sorted by child then date (as ``derive_history`` wants)."""

    child: np.ndarray  # child index
    session: np.ndarray  # flat index into the (P, MONTHS) session grid
    measured_on: np.ndarray  # datetime64[D]
    birth_date: np.ndarray  # datetime64[D]
    sex: np.ndarray  # "M"/"F"
    weight_kg: np.ndarray
    lenhei_cm: np.ndarray
    measure: np.ndarray  # "l", "h" or ""
    headc_cm: np.ndarray
    armc_cm: np.ndarray
    oedema: np.ndarray
    #: Rows with a typing slip (expected to be flagged implausible).
    slip: np.ndarray
    #: The cadre (index into the plan's cadre arrays) who entered each row.
    cadre: np.ndarray | None = None
    #: Rows where a sloppy cadre swapped the last two digits of the weight or the length.
    swapped: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.child)


def measurement_chunks(plan: Plan) -> Iterator[MeasurementChunk]:
    step = plan.size.chunk_children
    for number, first in enumerate(range(0, plan.n_children, step)):
        rng = np.random.default_rng([plan.seed, STREAMS["growth"], 1000 + number])
        chunk = _measure(plan, np.arange(first, min(first + step, plan.n_children)), rng)
        crng = np.random.default_rng([plan.seed, STREAMS["cadres"], 1000 + number])
        yield _enter(plan, chunk, crng)


def _measure(plan: Plan, kids: np.ndarray, rng: np.random.Generator) -> MeasurementChunk:
    n = len(kids)
    pos = plan.child_pos[kids]
    day = plan.session_day[pos]  # (n, MONTHS)
    held = plan.session_held[pos]
    birth = plan.child_birth_day[kids][:, None]
    age = day - birth
    present = (day >= plan.child_start_day[kids][:, None]) & (
        day < plan.child_end_day[kids][:, None]
    )
    eligible = held & present & (age >= MIN_AGE_DAYS) & (age < MAX_AGE_DAYS)

    # Who comes: the posyandu's participation, the child's habit, age, bulan timbang.
    month_of_year = (np.datetime64(plan.as_of, "M") - np.arange(MONTHS - 1, -1, -1)).astype(
        int
    ) % 12 + 1
    timbang = np.isin(month_of_year, (2, 8))[None, :]
    q = plan.pos_participation[pos][:, None]
    age_effect = np.select(
        [age < 365, age < 730, age < 1095, age < 1461], [0.45, 0.2, -0.15, -0.35], -0.55
    )
    logit = (
        np.log(q / (1 - q)) + 0.35 + plan.child_habit[kids][:, None] + age_effect + 0.6 * timbang
    )
    attend = eligible & (rng.random((n, MONTHS)) < 1 / (1 + np.exp(-logit)))

    # Latent z-scores over the grid (also where nobody came: the noise runs month to month).
    a = np.clip(age, 0, MAX_AGE_DAYS - 1)
    u = _ar1(rng, n, 0.85, 0.08)
    v = _ar1(rng, n, 0.85, 0.15)
    h0, hl = plan.child_h0[kids][:, None], plan.child_h_level[kids][:, None]
    w0, wl = plan.child_w0[kids][:, None], plan.child_w_level[kids][:, None]
    # Length-for-age falters from about three months (weaning), levelling off after two years.
    haz = h0 + (hl - h0) * (1 - np.exp(-np.maximum(a - 90, 0) / 270)) + u
    # Weight-for-length rises after two years (less wasting, more overweight in older children).
    whz = w0 + (wl - w0) * (1 - np.exp(-a / 120)) + 0.2 * np.clip((a - 730) / 365, 0, 3) + v
    sex_index = (plan.child_sex[kids] == "F").astype(np.int64)[:, None]
    row = sex_index * tables.N_AGE_DAYS + a
    lhfa = tables.age_table(tables.AGE_TABLE_FILES["lhfa"])
    standing = a >= 731
    # Recumbent length, which never shrinks (the table gives height from 731 days).
    recumbent = lhfa.m[row] * (1 + lhfa.s[row] * haz) + np.where(standing, 0.7, 0.0)
    recumbent = np.maximum.accumulate(recumbent, axis=1)
    body = recumbent - np.where(standing, 0.7, 0.0)  # length (< 731 days) or height
    weight = _weight(sex_index, a, body, standing, haz, whz)
    hcfa = tables.age_table(tables.AGE_TABLE_FILES["hcfa"])
    hc_z = plan.child_hc_z[kids][:, None] + 0.3 * u
    headc = tables.calc_sd(hcfa.l[row], hcfa.m[row], hcfa.s[row], hc_z)
    acfa = tables.age_table(tables.AGE_TABLE_FILES["acfa"])
    ac_z = 0.75 * whz + plan.child_ac_z[kids][:, None]
    with np.errstate(invalid="ignore"):
        armc = tables.calc_sd(acfa.l[row], acfa.m[row], acfa.s[row], ac_z)

    # What the cadre writes down, for the children who came.
    ci, mi = np.nonzero(attend)  # row-major: by child, then month
    k = len(ci)
    a_r = a[ci, mi]
    weight_kg = np.round(weight[ci, mi] + rng.normal(0, 0.04, k), 1)
    wrong_position = (rng.random(k) < 0.03) & (a_r >= 274)
    lying = (a_r < 731) ^ wrong_position
    measure = np.where(lying, "l", "h")
    value = recumbent[ci, mi] - np.where(lying, 0.0, 0.7) + rng.normal(0, 0.3, k)
    length_taken = rng.random(k) < np.where(timbang[0, mi], 0.97, 0.65)
    lenhei_cm = np.where(length_taken, np.round(value, 1), np.nan)
    measure = np.where(length_taken, measure, "")
    head_taken = (a_r < 731) & (rng.random(k) < 0.55)
    headc_cm = np.where(head_taken, np.round(headc[ci, mi] + rng.normal(0, 0.3, k), 1), np.nan)
    arm_taken = (a_r >= 183) & (rng.random(k) < np.where(timbang[0, mi], 0.5, 0.12))
    armc_cm = np.where(arm_taken, np.round(armc[ci, mi] + rng.normal(0, 0.2, k), 1), np.nan)

    # Typing slips (about 0.5%): a length off by about 20 cm, or a weight halved or doubled.
    slip = rng.random(k) < 0.005
    slip_length = slip & length_taken & (rng.random(k) < 0.5)
    slip_weight = slip & ~slip_length
    shift = rng.uniform(18, 28, k) * np.where(rng.random(k) < 0.5, -1, 1)
    lenhei_cm = np.where(slip_length, np.clip(np.round(lenhei_cm + shift, 1), 35, 140), lenhei_cm)
    factor = np.where(rng.random(k) < 0.5, 0.45, 2.2)
    weight_kg = np.where(slip_weight, np.clip(np.round(weight_kg * factor, 1), 0.5, 50), weight_kg)

    sessions = pos[ci] * MONTHS + mi
    return MeasurementChunk(
        child=kids[ci],
        session=sessions,
        measured_on=plan.session_day[pos[ci], mi].astype("datetime64[D]"),
        birth_date=plan.child_birth_day[kids[ci]].astype("datetime64[D]"),
        sex=plan.child_sex[kids[ci]],
        weight_kg=weight_kg,
        lenhei_cm=lenhei_cm,
        measure=measure,
        headc_cm=headc_cm,
        armc_cm=armc_cm,
        oedema=np.zeros(k, bool),
        slip=slip,
    )


def _enter(plan: Plan, chunk: MeasurementChunk, rng: np.random.Generator) -> MeasurementChunk:
    """Who entered each row (a cadre of the child's posyandu, by their shares of the work), and
    what their habits did to the values. Draws from its own stream, so the values entered by
    careful cadres are those of :func:`_measure`."""
    k = len(chunk)
    pos = plan.child_pos[chunk.child]
    u = rng.random(k)
    j = (u[:, None] >= plan.pos_cadre_cumshare[pos]).sum(axis=1)
    cadre = plan.pos_cadre_first[pos] + np.minimum(j, plan.pos_cadre_count[pos] - 1)
    habit = plan.cadre_habit[cadre]
    shows = rng.random(k) < HABIT_STRENGTH
    weight_kg, lenhei_cm = chunk.weight_kg.copy(), chunk.lenhei_cm.copy()
    rounds_w = shows & ((habit & ROUNDS_WEIGHT) > 0) & ~chunk.slip
    weight_kg[rounds_w] = np.maximum(np.round(weight_kg[rounds_w] * 2) / 2, 0.5)
    rounds_l = shows & ((habit & ROUNDS_LENGTH) > 0) & ~chunk.slip
    lenhei_cm[rounds_l] = np.round(lenhei_cm[rounds_l])
    # A sloppy cadre now and then swaps the last two digits: 12.3 kg -> 13.2, 78.4 cm -> 74.8.
    swap = ((habit & SLOPPY) > 0) & (rng.random(k) < SLOPPY_SWAP_RATE) & ~chunk.slip
    on_length = swap & ~np.isnan(lenhei_cm) & (rng.random(k) < 0.5)
    on_weight = swap & ~on_length
    weight_kg[on_weight] = np.clip(_swap_last_digits(weight_kg[on_weight]), 0.5, 50)
    lenhei_cm[on_length] = np.clip(_swap_last_digits(lenhei_cm[on_length]), 35, 140)
    chunk.weight_kg, chunk.lenhei_cm = weight_kg, lenhei_cm
    chunk.cadre, chunk.swapped = cadre, on_weight | on_length
    return chunk


def _swap_last_digits(values: np.ndarray) -> np.ndarray:
    """Swap the units and the tenths digit of values with one decimal (7.3 -> 3.7)."""
    tenths = np.round(values * 10).astype(np.int64)
    units, last = (tenths // 10) % 10, tenths % 10
    swapped = tenths - units * 10 - last + last * 10 + units
    return swapped / 10


def _ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> np.ndarray:
    """Month-to-month noise: a stationary AR(1) series per child, shape (n, MONTHS)."""
    out = np.empty((n, MONTHS))
    out[:, 0] = rng.normal(0, sigma / math.sqrt(1 - phi**2), n)
    steps = rng.normal(0, sigma, (n, MONTHS))
    for m in range(1, MONTHS):
        out[:, m] = phi * out[:, m - 1] + steps[:, m]
    return out


def _weight(sex_index, age, body_cm, standing, haz, whz) -> np.ndarray:
    """Weight from the weight-for-length (or -height) z at the child's length or height; by
    weight-for-age where the length is outside the table."""
    out = np.full(age.shape, np.nan)
    for code, rows in (("wfl", ~standing), ("wfh", standing)):
        table = tables.length_table(tables.LENGTH_TABLE_FILES[code])
        key = np.round(body_cm * 10).astype(np.int64)
        inside = rows & (key >= table.first_key) & (key < table.first_key + table.n_keys)
        idx = (sex_index * table.n_keys + key - table.first_key)[inside]
        out[inside] = tables.calc_sd(table.l[idx], table.m[idx], table.s[idx], whz[inside])
    missing = np.isnan(out)
    if missing.any():
        wfa = tables.age_table(tables.AGE_TABLE_FILES["wfa"])
        row = (sex_index * tables.N_AGE_DAYS + age)[missing]
        waz = np.clip(0.6 * haz[missing] + 0.75 * whz[missing], -4, 4)
        out[missing] = tables.calc_sd(wfa.l[row], wfa.m[row], wfa.s[row], waz)
    return out


# --- Pregnancy checks -------------------------------------------------------------------------


@dataclass
class PregnancyChecks:
    pregnancy: np.ndarray
    session: np.ndarray  # flat index into the session grid
    checked_on: np.ndarray  # datetime64[D]
    weight_kg: np.ndarray
    height_cm: np.ndarray
    muac_cm: np.ndarray
    hb_g_dl: np.ndarray

    def __len__(self) -> int:
        return len(self.pregnancy)


def pregnancy_checks(plan: Plan) -> PregnancyChecks:
    """Monthly checks at the posyandu since registration: weight, LiLA, sometimes Hb."""
    rng = stream(plan.seed, "checks")
    pos = plan.preg_pos
    g = len(pos)
    day = plan.session_day[pos]  # (g, MONTHS)
    held = plan.session_held[pos]
    weeks = (day - plan.preg_hpht_day[:, None]) / 7
    registered = weeks >= plan.preg_registered_weeks[:, None]
    came = held & registered & (rng.random((g, MONTHS)) < 0.8)
    # The first check after registration always happens (it is how she was registered).
    first = np.argmax(held & registered, axis=1)
    any_possible = (held & registered).any(axis=1)
    came[np.flatnonzero(any_possible), first[any_possible]] = True
    gi, mi = np.nonzero(came)
    k = len(gi)
    w = weeks[gi, mi]
    is_first = mi == first[gi]
    height = plan.preg_height_cm[gi]
    measured_height = np.where(np.isnan(height), np.round(rng.normal(152, 5.5, k), 1), height)
    pre_weight = np.where(
        np.isnan(plan.preg_pre_weight_kg[gi]),
        plan.preg_bmi[gi] * (measured_height / 100) ** 2,
        plan.preg_pre_weight_kg[gi],
    )
    gain = np.where(w <= 13, 0.1 * w, 1.3 + 0.42 * (w - 13)) * plan.preg_gain_factor[gi]
    weight_kg = np.round(pre_weight + gain + rng.normal(0, 0.4, k), 1)
    muac_cm = np.round(plan.preg_muac_cm[gi] + rng.normal(0, 0.3, k), 1)
    hb_taken = is_first | (rng.random(k) < np.where(w >= 28, 0.5, 0.2))
    hb = plan.preg_hb_g_dl[gi] - np.where(w > 20, 0.35, 0) + rng.normal(0, 0.35, k)
    hb_g_dl = np.where(hb_taken, np.round(np.clip(hb, 5, 16), 1), np.nan)
    return PregnancyChecks(
        pregnancy=gi,
        session=pos[gi] * MONTHS + mi,
        checked_on=day[gi, mi].astype("datetime64[D]"),
        weight_kg=weight_kg,
        height_cm=np.where(is_first, measured_height, np.nan),
        muac_cm=muac_cm,
        hb_g_dl=hb_g_dl,
    )
