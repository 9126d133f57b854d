"""Karamunting operations: the module catalogue, recording a session's attendance, a cadre's
history, a session's figures, training coverage by area, and the data quality of a cadre's
measurements beside their training (read from :mod:`tumbuh.quality`). See docs/training.md.

Every list is fetched through :mod:`tumbuh.training.scope` (``accounts.scope.visible`` plus
the TPK team rules); the functions here take querysets or objects already scoped by the views.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils.translation import gettext as _

from tumbuh.analytics.grouping import Period, add_months, month_start

from . import config, scope
from .models import Attendance, Cadre, Module, Session

# --- The catalogue -------------------------------------------------------------------------


def sync_modules(catalogue: config.Catalogue | None = None) -> dict[str, Module]:
    """Make the Module table match the catalogue (create, update, mark dropped modules);
    returns the modules by code. Idempotent; a handful of queries."""
    catalogue = catalogue or config.current()
    with transaction.atomic():
        existing = {m.code: m for m in Module.objects.all()}
        new, changed = [], []
        for spec in catalogue.modules:
            values = {"title": spec.title, "title_en": spec.title_en,
                      "description": spec.description, "core": spec.core,
                      "anthropometry": spec.anthropometry, "version": catalogue.version,
                      "in_catalogue": True}  # fmt: skip
            module = existing.get(spec.code)
            if module is None:
                new.append(Module(code=spec.code, **values))
            elif any(getattr(module, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(module, k, v)
                changed.append(module)
        Module.objects.bulk_create(new)
        if changed:
            Module.objects.bulk_update(changed, [
                "title", "title_en", "description", "core", "anthropometry", "version",
                "in_catalogue"])  # fmt: skip
        codes = [m.code for m in catalogue.modules]
        Module.objects.exclude(code__in=codes).filter(in_catalogue=True).update(
            in_catalogue=False)
    return {m.code: m for m in Module.objects.all()}


def ensure_modules(catalogue: config.Catalogue | None = None) -> None:
    """Synchronise the catalogue when the table does not hold this version yet (one query)."""
    catalogue = catalogue or config.current()
    n = Module.objects.filter(version=catalogue.version, in_catalogue=True).count()
    if n != len(catalogue.modules):
        sync_modules(catalogue)


# --- Attendance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceInput:
    cadre_id: object
    attended: bool
    pre_score: int | None = None
    post_score: int | None = None


def _check_score(value, label: str, name: str) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValidationError(
            _("%(name)s: the %(score)s must be from 0 to 100, not %(value)s.")
            % {"name": name, "score": label, "value": value}
        )


def record_attendance(session: Session, rows: list[AttendanceInput], *, user,
                      catalogue: config.Catalogue | None = None) -> dict[str, int]:
    """Save the attendance of ``session`` for the listed cadres in one transaction.

    A ticked cadre gets a row (created or updated, scores as given); an unticked cadre who had
    a row keeps it as absent, without scores; an unticked cadre without one gets nothing.
    ``passed`` is decided by the catalogue's pass mark. Raises ValidationError (nothing saved)
    when a score is outside 0-100 or given to a cadre who did not attend. Returns counts.
    """
    catalogue = catalogue or config.current()
    cadre_ids = [r.cadre_id for r in rows]
    names = dict(Cadre.objects.filter(pk__in=cadre_ids).values_list("pk", "name"))
    errors = []
    for r in rows:
        name = names.get(r.cadre_id, str(r.cadre_id))
        try:
            if r.cadre_id not in names:
                raise ValidationError(_("Unknown cadre."))
            _check_score(r.pre_score, _("pre-test score"), name)
            _check_score(r.post_score, _("post-test score"), name)
            if not r.attended and (r.pre_score is not None or r.post_score is not None):
                raise ValidationError(
                    _("%(name)s did not attend: leave the scores empty or tick “attended”.")
                    % {"name": name})
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    counts = {"created": 0, "updated": 0, "absent": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {a.cadre_id: a for a in Attendance.objects.select_for_update()
                    .filter(session=session, cadre_id__in=cadre_ids)}  # fmt: skip
        new, changed = [], []
        for r in rows:
            row = existing.get(r.cadre_id)
            if row is None and not r.attended:
                continue
            if row is None:
                row = Attendance(session=session, cadre_id=r.cadre_id)
            before = (row.attended, row.pre_score, row.post_score)
            row.attended = r.attended
            row.pre_score = r.pre_score if r.attended else None
            row.post_score = r.post_score if r.attended else None
            row.decide(catalogue)
            row.recorded_by = user
            if row.pk is None:
                new.append(row)
                counts["created"] += 1
            elif before != (row.attended, row.pre_score, row.post_score):
                changed.append(row)
                counts["absent" if not r.attended else "updated"] += 1
            else:
                counts["unchanged"] += 1
        Attendance.objects.bulk_create(new)
        Attendance.objects.bulk_update(
            changed, ["attended", "pre_score", "post_score", "passed", "pass_mark",
                      "rules_version", "recorded_by", "updated_at"])  # fmt: skip
    return counts


def candidates(session: Session, user, *, puskesmas_id=None) -> list[Cadre]:
    """The cadres listed on the attendance screen of ``session`` for ``user``: the active
    cadres of the session's puskesmas (or of ``puskesmas_id``, or of its kelurahan for a city
    session) that the user sees, and whoever already has a row. Two queries."""
    base = scope.cadres(Cadre.objects.all(), user)
    pkm = puskesmas_id or session.puskesmas_id
    if pkm:
        area = (Q(posyandu__puskesmas_id=pkm)
                | Q(posyandu__isnull=True, kelurahan__serving_puskesmas=pkm))  # fmt: skip
    else:
        area = Q(kelurahan_id=session.kelurahan_id)
    day = session.start_date
    active = area & Q(active_since__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))
    recorded = Attendance.objects.filter(session=session).values("cadre_id")
    pks = base.filter(active | Q(pk__in=recorded)).values("pk")
    return list(Cadre.objects.filter(pk__in=pks)
                .select_related("posyandu", "tpk_team").order_by("name"))  # fmt: skip


# --- Figures -------------------------------------------------------------------------------


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


@dataclass
class SessionFigures:
    recorded: int = 0  # rows (attended or absent)
    attended: int = 0
    n_pre: int = 0
    mean_pre: float = math.nan
    n_post: int = 0
    mean_post: float = math.nan
    n_pairs: int = 0  # both scores
    mean_gain: float = math.nan
    n_judged: int = 0  # post-test scored, so passed or not
    n_passed: int = 0
    pass_marks: tuple[int, ...] = ()

    @property
    def pct_passed(self) -> float:
        return 100 * self.n_passed / self.n_judged if self.n_judged else math.nan


def figures(rows) -> SessionFigures:
    """Figures of attendance rows (objects with attended, pre_score, post_score, passed,
    pass_mark): means over the attendees with a score, gain over those with both."""
    rows = list(rows)
    came = [r for r in rows if r.attended]
    pre = [r.pre_score for r in came if r.pre_score is not None]
    post = [r.post_score for r in came if r.post_score is not None]
    gains = [r.post_score - r.pre_score for r in came
             if r.pre_score is not None and r.post_score is not None]  # fmt: skip
    judged = [r for r in came if r.passed is not None]
    return SessionFigures(
        recorded=len(rows), attended=len(came), n_pre=len(pre), mean_pre=_mean(pre),
        n_post=len(post), mean_post=_mean(post), n_pairs=len(gains), mean_gain=_mean(gains),
        n_judged=len(judged), n_passed=sum(1 for r in judged if r.passed),
        pass_marks=tuple(sorted({r.pass_mark for r in judged})),
    )  # fmt: skip


def session_figures(session: Session) -> SessionFigures:
    """Figures of every attendance row of the session (counts and means, no names)."""
    return figures(Attendance.objects.filter(session=session).only(
        "attended", "pre_score", "post_score", "passed", "pass_mark"))


def history(cadre: Cadre) -> list[Attendance]:
    """The cadre's sessions, newest first, with their modules (two queries)."""
    return list(
        Attendance.objects.filter(cadre=cadre).select_related("session")
        .prefetch_related("session__modules").order_by("-session__start_date")
    )  # fmt: skip


def last_training(cadre: Cadre, *, anthropometry: bool = False):
    """The session the cadre last attended (of a module teaching measuring if asked)."""
    qs = Attendance.objects.filter(cadre=cadre, attended=True)
    if anthropometry:
        qs = qs.filter(session__modules__anthropometry=True)
    row = qs.select_related("session").order_by("-session__start_date").first()
    return row.session if row else None


def with_training(queryset, *, since: dt.date):
    """Annotate cadres with ``last_trained`` (last session attended) and ``recent_sessions``
    (sessions attended since ``since``)."""
    came = Q(attendances__attended=True)
    return queryset.annotate(
        last_trained=Max("attendances__session__start_date", filter=came),
        recent_sessions=Count("attendances", filter=came
                              & Q(attendances__session__start_date__gte=since)),
    )  # fmt: skip


# --- Coverage ------------------------------------------------------------------------------

LEVELS = ("kelurahan", "puskesmas")


@dataclass
class CoverageRow:
    key: str
    label: str
    parent: str
    active: int
    trained: list[int]  # per core module, then "every core module"

    @property
    def pcts(self) -> list[float]:
        return [100 * n / self.active if self.active else math.nan for n in self.trained]


@dataclass
class Coverage:
    level: str
    months: int
    since: dt.date
    today: dt.date
    modules: list[Module]
    rows: list[CoverageRow] = field(default_factory=list)
    total: CoverageRow | None = None


def coverage(user, *, level: str, months: int, today: dt.date) -> Coverage:
    """Per area (kelurahan or puskesmas): the active cadres the user sees, and how many of them
    attended a session teaching each core module in the last ``months`` months (and every core
    module). A TPK member without a posyandu counts under the first puskesmas (by name) that
    serves their team's kelurahan. A fixed number of queries."""
    from tumbuh.areas.models import Area, Puskesmas

    if level not in LEVELS:
        raise ValueError(_("Unknown level: %(level)s") % {"level": level})
    ensure_modules()
    catalogue = config.current()
    core = list(Module.objects.filter(code__in=catalogue.core_codes).order_by("code"))
    since = add_months(today, -months)
    active = (scope.cadres(Cadre.objects.all(), user)
              .filter(is_active=True, active_since__lte=today)
              .filter(Q(left_on__isnull=True) | Q(left_on__gte=today)))  # fmt: skip
    people = list(active.values_list("pk", "kelurahan_id", "posyandu__puskesmas_id"))
    trained: dict[object, set[str]] = {}
    for pk, code in (Attendance.objects.filter(
            attended=True, cadre__in=active.values("pk"), session__start_date__gte=since,
            session__start_date__lte=today, session__modules__in=core)
            .values_list("cadre_id", "session__modules__code")):  # fmt: skip
        trained.setdefault(pk, set()).add(code)
    if level == "kelurahan":
        keys = {pk: kel for pk, kel, _pkm in people}
        areas = Area.objects.filter(code__in=set(keys.values())).select_related("parent")
        labels = {a.code: (a.name, a.parent.name if a.parent else "") for a in areas}
    else:
        through = Puskesmas.catchment.through
        serving: dict[str, tuple] = {}  # kelurahan -> (name, pk) of its first puskesmas
        for pkm_id, kel, name in through.objects.filter(
                area_id__in={kel for _pk, kel, pkm in people if pkm is None}).values_list(
                "puskesmas_id", "area_id", "puskesmas__name"):  # fmt: skip
            if kel not in serving or (name, str(pkm_id)) < (serving[kel][0], str(serving[kel][1])):
                serving[kel] = (name, pkm_id)
        serving_id = {kel: pair[1] for kel, pair in serving.items()}
        keys = {pk: (pkm or serving_id.get(kel)) for pk, kel, pkm in people}
        found = Puskesmas.objects.filter(pk__in={k for k in keys.values() if k}).select_related(
            "kecamatan")
        labels = {p.pk: (p.name, p.kecamatan.name) for p in found}
    codes = [m.code for m in core]
    by_key: dict[object, CoverageRow] = {}
    total = CoverageRow("all", _("All"), "", 0, [0] * (len(codes) + 1))
    for pk, *_rest in people:
        key = keys[pk]
        label, parent = labels.get(key, (_("No area"), ""))
        row = by_key.setdefault(key, CoverageRow(str(key or ""), label, parent, 0,
                                                 [0] * (len(codes) + 1)))
        got = trained.get(pk, set())
        for target in (row, total):
            target.active += 1
            for i, code in enumerate(codes):
                target.trained[i] += code in got
            target.trained[-1] += all(code in got for code in codes)
    rows = sorted(by_key.values(), key=lambda r: (r.parent, r.label))
    return Coverage(level=level, months=months, since=since, today=today, modules=core,
                    rows=rows, total=total)  # fmt: skip


# --- Data quality beside the training ------------------------------------------------------

#: Scorecard rows shown on the cadre page (keys of tumbuh.quality.services.TREND_ROWS).
QUALITY_ROWS = ("flagged", "sd_haz", "sd_waz", "sd_whz", "dps_weight", "dps_lenhei", "jumps")
#: Months compared before and after the last anthropometry training.
COMPARE_MONTHS = 6
#: Months of the "recent" column.
RECENT_MONTHS = 12


@dataclass
class QualityColumn:
    label: str
    period: Period
    n: int  # child-months counted


@dataclass
class QualityRow:
    key: str
    label: str
    cells: list  # tumbuh.quality.services.Cell, one per column
    cells_html: str = ""  # the cells as <td> elements (escaped by tumbuh.quality)


@dataclass
class QualityPanel:
    recorder: object  # the User whose measurements these are
    url: str
    columns: list[QualityColumn]
    rows: list[QualityRow]
    training: Session | None
    households_only: bool

    @property
    def has_data(self) -> bool:
        return any(c.n for c in self.columns)


def quality_panel(cadre: Cadre, viewer, *, today: dt.date) -> QualityPanel | None:
    """The data quality of the cadre's measurements from the scorecard, as ``viewer`` may see
    it (``quality.services.get_cadre``: a kader only their own): the last 12 months, and the 6
    months before and after their last training in a module that teaches measuring. None when
    the cadre has no account or the viewer may not see their scorecard."""
    from django.urls import reverse

    from tumbuh.quality import services as quality

    if cadre.user_id is None:
        return None
    try:
        recorder = quality.get_cadre(viewer, cadre.user_id)
    except Http404:
        return None
    this_month = month_start(today)
    periods = [(_("Last %(n)d months") % {"n": RECENT_MONTHS},
                Period(add_months(this_month, -(RECENT_MONTHS - 1)), this_month))]
    training = last_training(cadre, anthropometry=True)
    if training is not None:
        trained_month = month_start(training.last_day)
        periods.append((_("%(n)d months before training") % {"n": COMPARE_MONTHS},
                        Period(add_months(trained_month, -COMPARE_MONTHS),
                               add_months(trained_month, -1))))
        after_last = min(add_months(trained_month, COMPARE_MONTHS), this_month)
        if after_last > trained_month:
            periods.append((_("%(n)d months after training") % {"n": COMPARE_MONTHS},
                            Period(add_months(trained_month, 1), after_last)))
    trends = [quality.cadre_scorecard(recorder, period, viewer) for _label, period in periods]
    columns = [QualityColumn(label, period, trend.n[-1] if trend.n else 0)
               for (label, period), trend in zip(periods, trends, strict=True)]  # fmt: skip
    rows = []
    for key in QUALITY_ROWS:
        cells, label = [], key
        for trend in trends:
            row = next(r for r in trend.rows if r.key == key)
            label = row.label
            cells.append(row.cells[-1])  # the whole period
        rows.append(QualityRow(key, label, cells, quality.cells_html(cells)))
    return QualityPanel(
        recorder=recorder, url=reverse("quality:cadre", args=[recorder.pk]), columns=columns,
        rows=rows, training=training, households_only=trends[0].households_only,
    )  # fmt: skip
