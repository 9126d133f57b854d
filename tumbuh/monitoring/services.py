"""Workflows of growth monitoring: record a measurement, derive everything from it, recompute.

The numbers all come from :mod:`tumbuh.growth`, called on arrays: one child's history when a
cadre saves a measurement, millions of rows when the demo is generated or the method changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tumbuh import growth

from .models import ChildMeasurement, PregnancyCheck
from .signals import measurements_changed

Z_FIELDS = ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac")
FLAG_FIELDS = ("flen", "fwei", "fwfl", "fbmi", "fhc", "fac")
STATUS_FIELDS = growth.PERMENKES_COLUMNS
#: Every field derived from the measured values (what a recompute rewrites).
DERIVED_FIELDS = (
    "measured_month", "counts_for_month", "age_days", "age_months", "clenhei_cm", "bmi",
    *Z_FIELDS, *FLAG_FIELDS, *STATUS_FIELDS,
    "growth_status", "gain_g", "kbm_g", "is_2t", "is_bgm", "warnings", "method_version",
)  # fmt: skip


def _nan_to_none(x: float):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else x


def _month_index(days: np.ndarray) -> np.ndarray:
    d = days.astype("datetime64[D]")
    return d.astype("datetime64[M]").astype(np.int64)


def _counts_for_month(new_run: np.ndarray, weighed: np.ndarray) -> np.ndarray:
    """True on the row each (child, month) run is counted by: its last row with a weight, or
    its last row when no row of the run has a weight."""
    n = new_run.shape[0]
    run_id = np.cumsum(new_run) - 1
    n_runs = int(run_id[-1]) + 1 if n else 0
    last_row = np.full(n_runs, -1)
    np.maximum.at(last_row, run_id, np.arange(n))
    last_weighed = np.full(n_runs, -1)
    np.maximum.at(last_weighed, run_id[weighed], np.flatnonzero(weighed))
    chosen = np.where(last_weighed >= 0, last_weighed, last_row)
    out = np.zeros(n, bool)
    out[chosen] = True
    return out


def derive_history(
    *,
    child_key: np.ndarray,
    sex: np.ndarray,
    birth_date: np.ndarray,
    measured_on: np.ndarray,
    weight_kg: np.ndarray,
    lenhei_cm: np.ndarray,
    measure: np.ndarray,
    headc_cm: np.ndarray,
    armc_cm: np.ndarray,
    oedema: np.ndarray,
    rules: growth.GrowthRules | None = None,
) -> dict[str, np.ndarray]:
    """Derive every stored value for many measurements at once.

    Rows must be sorted by ``child_key`` then ``measured_on``; a child's earlier rows are its
    history (weight gain against the previous calendar month, 2T, jumps between visits).
    ``birth_date`` and ``measured_on`` are ``datetime64[D]`` arrays; ``sex`` holds "M"/"F".
    Returns arrays named like the :class:`ChildMeasurement` fields, plus ``warnings`` (a list of
    message keys per row).
    """
    rules = rules or growth.load_rules()
    n = child_key.shape[0]
    age_days = (measured_on - birth_date).astype(np.int64).astype(np.float64)
    sex_code = np.where(sex == "M", 1.0, np.where(sex == "F", 2.0, np.nan))
    z = growth.anthro_zscores(
        sex_code, age_days, weight_kg=weight_kg, lenhei_cm=lenhei_cm, measure=measure,
        oedema=oedema, headc_cm=headc_cm, armc_cm=armc_cm, rounded=False,
    )  # fmt: skip
    status = growth.permenkes_status(zwei=z["zwei"], zlen=z["zlen"], zwfl=z["zwfl"], zbmi=z["zbmi"])
    months = growth.completed_months(birth_date, measured_on)

    # --- history: the previous row of the same child, and the last row of an earlier month ---
    same_child_as_prev = np.zeros(n, bool)
    same_child_as_prev[1:] = child_key[1:] == child_key[:-1]
    month = _month_index(measured_on)
    new_run = np.ones(n, bool)  # first row of a (child, month) run
    new_run[1:] = ~same_child_as_prev[1:] | (month[1:] != month[:-1])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    prev_month_row = run_start - 1  # last row of an earlier month, if the same child
    has_prev_month_row = prev_month_row >= 0
    has_prev_month_row[has_prev_month_row] &= (
        child_key[prev_month_row[has_prev_month_row]] == child_key[has_prev_month_row]
    )
    safe_prev = np.where(has_prev_month_row, prev_month_row, 0)
    weighed_last_month = has_prev_month_row & (month[safe_prev] == month - 1)
    weighed = ~np.isnan(weight_kg)
    # "Weighed before": any earlier weighing of the child (rows without a weight do not count).
    weighed_count = np.cumsum(weighed)
    first_of_child = np.maximum.accumulate(np.where(~same_child_as_prev, np.arange(n), 0))
    earlier_weighings = weighed_count - weighed - (weighed_count[first_of_child] -
                                                   weighed[first_of_child])  # fmt: skip
    weighed_before = earlier_weighings > 0
    prev_weight = np.where(weighed_last_month, weight_kg[safe_prev], np.nan)
    gain = growth.weight_gain_status(
        weight_kg, prev_weight, months,
        weighed_last_month=weighed_last_month & ~np.isnan(prev_weight),
        weighed_before=weighed_before, waz=z["zwei"],
        days_since_previous=(measured_on - measured_on[safe_prev]).astype(np.float64),
        rules=rules,
    )  # fmt: skip
    prev_status = np.where(weighed_last_month, gain["status"][safe_prev], "")
    counts_for_month = _counts_for_month(new_run, weighed)
    is_2t = (gain["status"] == "T") & (prev_status == "T")

    # --- warnings a cadre must confirm --------------------------------------------------------
    warnings: list[list[str]] = [[] for _ in range(n)]
    zr = {k: growth.round_z(z[k]) for k in ("zlen", "zwei", "zwfl", "zbmi", "zhc", "zac")}
    flag_of = {"flen": "zlen", "fwei": "zwei", "fwfl": "zwfl", "fbmi": "zbmi", "fhc": "zhc",
               "fac": "zac"}  # fmt: skip
    for fcol in flag_of:
        for i in np.flatnonzero(z[fcol] == 1):
            warnings[i].append(f"implausible_{flag_of[fcol]}")
    prev_row = np.where(same_child_as_prev, np.arange(n) - 1, 0)
    days_since = (measured_on - measured_on[prev_row]).astype(np.float64)
    recent = same_child_as_prev & (days_since <= rules.z_jump_within_days)
    for key in ("zwei", "zlen"):
        with np.errstate(invalid="ignore"):
            jump = recent & (np.abs(z[key] - z[key][prev_row]) >= rules.z_jump)
        for i in np.flatnonzero(jump):
            warnings[i].append(f"jump_{key}")
    with np.errstate(invalid="ignore"):
        shrank = same_child_as_prev & (
            z["clenhei"][prev_row] - z["clenhei"] > rules.length_shrink_cm
        )
    for i in np.flatnonzero(shrank):
        warnings[i].append("length_shrank")
    for i in np.flatnonzero(age_days > 1826):
        warnings[i].append("over_five")

    out = {
        "measured_month": month.astype("datetime64[M]").astype("datetime64[D]"),
        "counts_for_month": counts_for_month,
        "age_days": age_days.astype(np.int64),
        "age_months": months,
        "clenhei_cm": z["clenhei"],
        "bmi": z["cbmi"],
        **zr,
        **{f: z[f] for f in FLAG_FIELDS},
        **status,
        "growth_status": gain["status"],
        "gain_g": gain["gain_g"],
        "kbm_g": gain["kbm_g"],
        "is_2t": is_2t,
        "is_bgm": gain["is_bgm"],
        "warnings": warnings,
        "method_version": np.full(n, growth.method_version(rules), dtype=object),
    }
    return out


#: Message for each warning key (shown to the cadre, who confirms or corrects).
WARNING_TEXT = {
    "implausible_zlen": lambda: _("Length/height is implausible for the age (WHO flag)."),
    "implausible_zwei": lambda: _("Weight is implausible for the age (WHO flag)."),
    "implausible_zwfl": lambda: _("Weight is implausible for the length/height (WHO flag)."),
    "implausible_zbmi": lambda: _("BMI is implausible for the age (WHO flag)."),
    "implausible_zhc": lambda: _("Head circumference is implausible for the age (WHO flag)."),
    "implausible_zac": lambda: _("Arm circumference is implausible for the age (WHO flag)."),
    "jump_zwei": lambda: _("Weight-for-age changed a lot since the last visit."),
    "jump_zlen": lambda: _("Length/height-for-age changed a lot since the last visit."),
    "length_shrank": lambda: _("Length/height is shorter than at the last visit."),
    "over_five": lambda: _("The child is five years or older: no z-scores."),
}


def warning_messages(keys) -> list[str]:
    return [WARNING_TEXT[k]() for k in keys if k in WARNING_TEXT]


class NeedsConfirmation(Exception):
    """The values are possible but unusual: the cadre must confirm or correct them."""

    def __init__(self, warnings: list[str]):
        super().__init__("; ".join(warnings))
        self.warnings = warnings


@dataclass
class MeasurementInput:
    measured_on: dt.date
    weight_kg: float | None = None
    lenhei_cm: float | None = None
    measure: str = ""
    headc_cm: float | None = None
    armc_cm: float | None = None
    oedema: bool = False
    extra: dict = field(default_factory=dict)


def _history_arrays(child, rows: list) -> dict:
    def col(name, missing=np.nan):
        return np.array([missing if getattr(r, name) is None else getattr(r, name) for r in rows],
                        dtype=float)  # fmt: skip

    n = len(rows)
    return dict(
        child_key=np.zeros(n, dtype=np.int64),
        sex=np.full(n, child.sex),
        birth_date=np.full(n, np.datetime64(child.birth_date, "D")),
        measured_on=np.array([np.datetime64(r.measured_on, "D") for r in rows]),
        weight_kg=col("weight_kg"), lenhei_cm=col("lenhei_cm"),
        measure=np.array([r.measure or "" for r in rows]),
        headc_cm=col("headc_cm"), armc_cm=col("armc_cm"),
        oedema=np.array([bool(r.oedema) for r in rows]),
    )  # fmt: skip


def _apply(row: ChildMeasurement, derived: dict, i: int) -> None:
    for name in DERIVED_FIELDS:
        value = derived[name][i]
        if name == "warnings":
            row.warnings = list(value)
            continue
        if isinstance(value, np.generic):
            value = value.item()
        if name in FLAG_FIELDS:
            value = None if np.isnan(value) else bool(value)
        elif name in ("gain_g", "kbm_g", "age_months"):
            value = None if np.isnan(value) else int(value)
        elif isinstance(value, float):
            value = _nan_to_none(value)
        setattr(row, name, value)


def validate_input(child, data: MeasurementInput) -> None:
    errors = {}
    today = timezone.localdate()
    if data.measured_on > today:
        errors["measured_on"] = _("The date is in the future.")
    elif data.measured_on < child.birth_date:
        errors["measured_on"] = _("The date is before the child's birth date (%(date)s).") % {
            "date": child.birth_date.strftime("%d-%m-%Y")
        }
    if data.lenhei_cm is not None and not data.measure:
        errors["measure"] = _("Say whether the child was measured lying or standing.")
    if all(v is None for v in (data.weight_kg, data.lenhei_cm, data.headc_cm, data.armc_cm)):
        errors["weight_kg"] = _("Enter at least one measurement.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_measurement(
    *, child, data: MeasurementInput, user=None, session=None, confirm: bool = False,
    measurement_id=None,
) -> ChildMeasurement:
    """Save one measurement (new, or the same child and day again), derive everything, and
    re-derive the child's later rows (a back-dated entry changes their N/T).

    Raises ``ValidationError`` for impossible input and :class:`NeedsConfirmation` with the
    warning messages when the values are unusual and ``confirm`` is False; nothing is saved then.
    """
    validate_input(child, data)
    history = list(
        ChildMeasurement.objects.select_for_update().filter(child=child).order_by("measured_on")
    )
    row = next((r for r in history if r.measured_on == data.measured_on), None)
    if row is None:
        row = ChildMeasurement(child=child, measured_on=data.measured_on, created_by=user)
        if measurement_id is not None:
            row.id = measurement_id
        history.append(row)
        history.sort(key=lambda r: r.measured_on)
    for name in ("weight_kg", "lenhei_cm", "measure", "headc_cm", "armc_cm", "oedema"):
        setattr(row, name, getattr(data, name))
    if session is not None:
        row.session = session
    derived = derive_history(**_history_arrays(child, history))
    idx = history.index(row)
    new_warnings = warning_messages(derived["warnings"][idx])
    if new_warnings and not confirm:
        raise NeedsConfirmation(new_warnings)
    row.warnings_confirmed = bool(new_warnings)
    # Rows before this one in the same month may stop counting for the month.
    first = next(i for i, r in enumerate(history)
                 if (r.measured_on.year, r.measured_on.month)
                 == (row.measured_on.year, row.measured_on.month))  # fmt: skip
    for i, r in enumerate(history):
        if i < first:
            continue
        _apply(r, derived, i)
        r.full_clean(exclude=["child", "session", "created_by"], validate_unique=False)
        r.save()
    measurements_changed.send(
        ChildMeasurement, child_ids=[child.pk], since=history[first].measured_on
    )
    return row


@transaction.atomic
def rederive_child(child) -> int:
    """Derive every stored value of one child's measurements again, in one pass over its
    history (after a merge, a corrected birth date or sex). Returns the number of rows."""
    rows = list(ChildMeasurement.objects.filter(child=child).order_by("measured_on"))
    if not rows:
        return 0
    derived = derive_history(**_history_arrays(child, rows))
    for i, row in enumerate(rows):
        _apply(row, derived, i)
    ChildMeasurement.objects.bulk_update(rows, DERIVED_FIELDS)
    measurements_changed.send(ChildMeasurement, child_ids=[child.pk], since=None)
    return len(rows)


@transaction.atomic
def recompute(*, batch_children: int = 2000) -> int:
    """Re-derive every stored measurement whose method version is not the current one.

    Works child by child in batches (each child's history is needed for N/T), writes with
    ``bulk_update``. Returns the number of rows rewritten.
    """
    from tumbuh.registry.models import Child

    current = growth.METHOD_VERSION
    stale_children = (
        ChildMeasurement.objects.exclude(method_version=current)
        .values_list("child_id", flat=True).distinct()
    )  # fmt: skip
    ids = list(stale_children)
    total = 0
    for start in range(0, len(ids), batch_children):
        chunk = ids[start : start + batch_children]
        children = {c.id: c for c in Child.objects.filter(id__in=chunk)}
        rows = list(
            ChildMeasurement.objects.filter(child_id__in=chunk).order_by("child_id", "measured_on")
        )
        if not rows:
            continue
        keys = {cid: k for k, cid in enumerate(children)}
        arrays = dict(
            child_key=np.array([keys[r.child_id] for r in rows]),
            sex=np.array([children[r.child_id].sex for r in rows]),
            birth_date=np.array([np.datetime64(children[r.child_id].birth_date, "D")
                                 for r in rows]),
            **{k: v for k, v in _history_arrays(children[rows[0].child_id], rows).items()
               if k not in ("child_key", "sex", "birth_date")},
        )  # fmt: skip
        derived = derive_history(**arrays)
        for i, r in enumerate(rows):
            _apply(r, derived, i)
        ChildMeasurement.objects.bulk_update(rows, DERIVED_FIELDS, batch_size=1000)
        total += len(rows)
    if total:
        measurements_changed.send(ChildMeasurement, child_ids=None, since=None)
    return total


# --- pregnant women ---------------------------------------------------------------------------


@transaction.atomic
def record_pregnancy_check(
    *, pregnancy, checked_on: dt.date, weight_kg=None, height_cm=None, muac_cm=None,
    hb_g_dl=None, user=None, session=None,
) -> PregnancyCheck:
    """Save a check of a pregnant woman with risiko KEK, KEK and anaemia derived and stored."""
    errors = {}
    if checked_on > timezone.localdate():
        errors["checked_on"] = _("The date is in the future.")
    elif checked_on < pregnancy.hpht:
        errors["checked_on"] = _("The date is before the first day of the last period (HPHT).")
    if all(v is None for v in (weight_kg, muac_cm, hb_g_dl)):
        errors["muac_cm"] = _("Enter at least one measurement.")
    if errors:
        raise ValidationError(errors)
    height = height_cm or pregnancy.height_cm
    weeks = pregnancy.gestational_weeks_on(checked_on)
    status = growth.pregnancy_status(
        muac_cm=[np.nan if muac_cm is None else muac_cm],
        hb_g_dl=[np.nan if hb_g_dl is None else hb_g_dl],
        weight_kg=[np.nan if weight_kg is None else weight_kg],
        height_cm=[np.nan if height is None else height],
        gestational_weeks=[weeks],
        pre_pregnancy_bmi=[pregnancy.pre_pregnancy_bmi or np.nan],
    )  # fmt: skip

    def flag(key):
        v = status[key][0]
        return None if np.isnan(v) else bool(v)

    check, _created = PregnancyCheck.objects.update_or_create(
        pregnancy=pregnancy, checked_on=checked_on,
        defaults=dict(
            session=session, weight_kg=weight_kg, height_cm=height_cm, muac_cm=muac_cm,
            hb_g_dl=hb_g_dl, gestational_weeks=round(weeks, 1),
            bmi=_nan_to_none(float(status["bmi"][0])), risiko_kek=flag("risiko_kek"),
            kek=flag("kek"), anemia=flag("anemia"), method_version=growth.METHOD_VERSION,
            created_by=user,
        ),
    )  # fmt: skip
    return check


# --- weighing day: reading what the pages show --------------------------------------------------
#
# Read helpers for the posyandu pages. Every query goes through ``accounts.scope.visible``; each
# helper runs a fixed, small number of queries whatever the number of children (no N+1).

#: A child is followed at the posyandu from birth to 1826 days (the WHO tables' last day).
UNDER_FIVE_MAX_DAYS = 1826
#: A pregnancy with no recorded end is listed until 44 weeks after HPHT (term + 4 weeks).
PREGNANCY_LISTED_DAYS = 44 * 7


def under_five_birth_dates(on_date: dt.date) -> tuple[dt.date, dt.date]:
    """The birth dates of children aged 0..1826 days on ``on_date`` (inclusive bounds)."""
    return on_date - dt.timedelta(days=UNDER_FIVE_MAX_DAYS), on_date


@transaction.atomic
def open_session(*, posyandu, on_date: dt.date, user=None):
    """The posyandu day of ``posyandu`` on ``on_date``, created if it does not exist yet.

    Returns ``(session, created)``. A date in the future is refused with a ``ValidationError``.
    """
    from .models import PosyanduSession

    if on_date > timezone.localdate():
        raise ValidationError({"date": _("The date is in the future.")})
    return PosyanduSession.objects.get_or_create(
        posyandu=posyandu, date=on_date, defaults={"created_by": user}
    )


def session_counts(sessions, *, user) -> None:
    """Set ``weighed`` and ``registered`` on each session of ``sessions`` (one page of them).

    ``registered``: active children of the posyandu aged 0..1826 days on the session's date;
    ``weighed``: measurements of the posyandu's children on that date (as on the day's page).
    Two queries in all, each bounded by the page: a per-session subquery that walks the
    posyandu's children and the (child, date) index, and one aggregate over the posyandu's
    children.
    """
    from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from tumbuh.accounts.scope import visible
    from tumbuh.registry.models import Child

    from .models import PosyanduSession

    sessions = list(sessions)
    if not sessions:
        return
    weighed_on_day = (
        visible(ChildMeasurement.objects, user)
        .filter(
            measured_on=OuterRef("date"),
            child_id__in=Child.objects.filter(posyandu_id=OuterRef(OuterRef("posyandu_id"))),
        )
        .order_by()
        .values("measured_on")
        .annotate(n=Count("pk"))
        .values("n")
    )
    weighed = dict(
        PosyanduSession.objects.filter(pk__in=[s.pk for s in sessions])
        .annotate(n=Coalesce(Subquery(weighed_on_day, output_field=IntegerField()), 0))
        .values_list("pk", "n")
    )
    counts = {}
    for i, s in enumerate(sessions):
        low, high = under_five_birth_dates(s.date)
        counts[f"s{i}"] = Count("id", filter=Q(posyandu_id=s.posyandu_id,
                                               birth_date__range=(low, high)))  # fmt: skip
    children = visible(Child.objects.active(), user).filter(
        posyandu_id__in={s.posyandu_id for s in sessions}
    )
    registered = children.aggregate(**counts)
    for i, s in enumerate(sessions):
        s.registered = registered[f"s{i}"] or 0
        s.weighed = weighed.get(s.pk, 0)


@dataclass
class Roster:
    """Who is expected at a posyandu day, and who has been seen."""

    not_weighed: list  # Child rows, by name
    weighed: list  # Child rows with ``.measurement``, most recently entered first
    pregnancies: list  # Pregnancy rows with ``.check`` (PregnancyCheck or None), by name

    @property
    def registered(self) -> int:
        return len(self.not_weighed) + len(self.weighed)


def session_roster(*, session, user, query: str = "") -> Roster:
    """The children (0..1826 days on the session's date) and pregnant women of a posyandu day.

    Four queries: the children, the day's measurements, the ongoing pregnancies, the day's
    checks. ``query`` keeps only names containing it (case-insensitive).
    """
    from tumbuh.accounts.scope import visible
    from tumbuh.registry.models import Child, Pregnancy

    low, high = under_five_birth_dates(session.date)
    children = (
        visible(Child.objects.active(), user)
        .filter(posyandu_id=session.posyandu_id, birth_date__range=(low, high))
        .select_related("mother")
        .only("id", "name", "sex", "birth_date", "posyandu_id", "mother__name")
        .order_by("name", "birth_date")
    )
    query = query.strip()
    if query:
        children = children.filter(name__icontains=query)
    children = list(children)
    measured = {
        m.child_id: m
        for m in visible(ChildMeasurement.objects, user).filter(
            child__posyandu_id=session.posyandu_id, measured_on=session.date
        )
    }
    weighed, not_weighed = [], []
    for child in children:
        child.measurement = measured.get(child.id)
        (weighed if child.measurement else not_weighed).append(child)
    weighed.sort(key=lambda c: c.measurement.updated_at, reverse=True)

    pregnancies = (
        visible(Pregnancy.objects, user)
        .filter(
            posyandu_id=session.posyandu_id, ended_on__isnull=True, hpht__lte=session.date,
            hpht__gt=session.date - dt.timedelta(days=PREGNANCY_LISTED_DAYS),
        )
        .select_related("woman")
        .order_by("woman__name")
    )  # fmt: skip
    if query:
        pregnancies = pregnancies.filter(woman__name__icontains=query)
    pregnancies = list(pregnancies)
    checks = {
        c.pregnancy_id: c
        for c in visible(PregnancyCheck.objects, user).filter(
            pregnancy__in=[p.id for p in pregnancies], checked_on=session.date
        )
    }
    for p in pregnancies:
        p.check = checks.get(p.id)
    return Roster(not_weighed=not_weighed, weighed=weighed, pregnancies=pregnancies)


def recent_measurements(*, child, user, on_date: dt.date) -> tuple:
    """``(measurement on on_date or None, the last measurement before it or None)``: one query."""
    from tumbuh.accounts.scope import visible

    rows = list(
        visible(ChildMeasurement.objects, user)
        .filter(child=child, measured_on__lte=on_date)
        .order_by("-measured_on")[:2]
    )
    same_day = rows[0] if rows and rows[0].measured_on == on_date else None
    earlier = [r for r in rows if r.measured_on < on_date]
    return same_day, (earlier[0] if earlier else None)


def child_history(*, child, user) -> list[ChildMeasurement]:
    """Every measurement of ``child`` the user may see, oldest first (one query)."""
    from tumbuh.accounts.scope import visible

    rows = visible(ChildMeasurement.objects, user).filter(child=child)
    return list(rows.order_by("measured_on"))
