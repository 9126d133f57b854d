"""Operations of the families app: screening, the at-risk list, visits, referrals, summaries.

Every function that takes a user scopes its rows with :func:`tumbuh.accounts.scope.visible`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible
from tumbuh.registry.models import Child, Household, Person, Pregnancy, Sex

from . import config as krs_config
from . import rules
from .models import OPEN_STATUSES, Referral, Screening, Status, Visit


def latest_screening_subquery(on: datetime.date, field: str = "at_risk", *,
                              household=None) -> Subquery:  # fmt: skip
    """``field`` of each household's latest screening on or before ``on`` (for annotate; of a
    household query, or of another query with ``household=OuterRef("household_id")``)."""
    return Subquery(
        Screening.objects.filter(household=household if household is not None else OuterRef("pk"),
                                 screened_on__lte=on)
        .order_by("-screened_on", "-created_at")
        .values(field)[:1]
    )


def households_at_risk(on: datetime.date | None = None) -> QuerySet[Household]:
    """Households whose latest screening on or before ``on`` (default today) found them at risk.

    A household never screened, or whose latest screening found no risk, is not included. Scope
    the result with :func:`tumbuh.accounts.scope.visible` before showing it.
    """
    on = on or timezone.localdate()
    return Household.objects.alias(krs_latest_at_risk=latest_screening_subquery(on)).filter(
        krs_latest_at_risk=True
    )


# --- who may do what ----------------------------------------------------------------------------


def may_screen(user) -> bool:
    """TPK members, bidan and administrators screen and record visits."""
    return user.is_administrator or user.role in (Role.TPK, Role.BIDAN)


may_visit = may_screen


def may_refer(user) -> bool:
    """... and posyandu cadres refer too (they meet the families every month)."""
    return may_screen(user) or user.role == Role.KADER


def may_assign(user) -> bool:
    """Bidan (for their puskesmas) and administrators assign families to TPK teams."""
    return user.is_administrator or user.role == Role.BIDAN


def may_see_families(user) -> bool:
    """Analysts only see the summaries, and the families only with the identity permission."""
    return user.role != Role.ANALYST or user.is_superuser or user.may_see_identity()


# --- screening ----------------------------------------------------------------------------------


def gather_facts(queryset: QuerySet[Household]) -> dict:
    """The :class:`rules.Facts` of every household of ``queryset``, in four queries."""
    ids = queryset.order_by().values("pk")
    facts = {
        pk: rules.Facts(water_source=water or "", sanitation=sanitation or "")
        for pk, water, sanitation in queryset.order_by().values_list(
            "pk", "water_source", "sanitation")
    }  # fmt: skip
    for hh, pk, birth in Person.objects.filter(household__in=ids, sex=Sex.FEMALE).values_list(
        "household_id", "pk", "birth_date"
    ):
        facts[hh].women.append((pk, birth))
    for hh, birth, mother in Child.objects.active().filter(household__in=ids).values_list(
        "household_id", "birth_date", "mother_id"
    ):
        facts[hh].children.append((birth, mother))
    for hh, woman, hpht, hpl, ended, para, height in Pregnancy.objects.filter(
        woman__household__in=ids
    ).values_list("woman__household_id", "woman_id", "hpht", "hpl", "ended_on", "para",
                  "height_cm"):  # fmt: skip
        facts[hh].pregnancies.append(rules.PregnancyFacts(
            woman_id=woman, hpht=hpht, hpl=hpl, ended_on=ended, para=para, height_cm=height))
    return facts


def screen_households(queryset: QuerySet[Household], on: datetime.date | None = None,
                      user=None, *, cfg=None, batch_size: int = 2000) -> list[Screening]:
    """Screen every household of ``queryset`` on ``on`` and store one :class:`Screening` each.

    A fixed number of queries whatever the number of households (four reads, then bulk
    inserts). Returns the new screenings (not re-read from the database).
    """
    on = on or timezone.localdate()
    cfg = cfg or krs_config.current()
    rows = []
    judges = rules.layak_judges(cfg)
    now = timezone.now()
    for pk, facts in gather_facts(queryset).items():
        result = rules.evaluate(facts, on, cfg, judges)
        rows.append(Screening(
            id=uuid.uuid4(), household_id=pk, screened_on=on, rule_version=cfg.version,
            is_target=result.is_target, at_risk=result.at_risk, factors=result.factors,
            targets=result.targets, screened_by=user, created_at=now,
        ))  # fmt: skip
    _insert_screenings(rows, batch_size)
    return rows


_INSERT_FIELDS = ("id", "household", "screened_on", "rule_version", "is_target", "at_risk",
                  "factors", "targets", "screened_by", "created_at")  # fmt: skip


def _insert_screenings(rows: list[Screening], batch_size: int) -> None:
    """Insert new screenings with ``executemany``: a city's 70,000 rows in a second or two
    (``bulk_create`` spends most of its time preparing each value of each row; here the values
    shared by rows, the dates, the user, the few distinct factor lists, are prepared once)."""
    fields = [Screening._meta.get_field(name) for name in _INSERT_FIELDS]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(Screening._meta.db_table)} "
           f"({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")  # fmt: skip
    memo = {}

    def prep(field, value):
        key = (field.name, tuple(value) if isinstance(value, list) else value)
        if key not in memo:
            memo[key] = field.get_db_prep_save(value, connection)
        return memo[key]

    id_field, hh_field = fields[0], fields[1]
    params = [
        (id_field.get_db_prep_save(r.id, connection),
         hh_field.get_db_prep_save(r.household_id, connection),
         *(prep(f, getattr(r, f.attname)) for f in fields[2:]))
        for r in rows
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(params), batch_size):
            cursor.executemany(sql, params[start:start + batch_size])


def screen_one(household: Household, user, on: datetime.date | None = None) -> Screening:
    if not may_screen(user):
        raise PermissionDenied
    return screen_households(Household.objects.filter(pk=household.pk), on, user)[0]


def latest_screening(household: Household, on: datetime.date | None = None) -> Screening | None:
    on = on or timezone.localdate()
    return household.krs_screenings.filter(screened_on__lte=on).order_by(
        "-screened_on", "-created_at").first()  # fmt: skip


# --- lists ----------------------------------------------------------------------------------------


def _last_visit_subquery():
    return Subquery(
        Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on")
        .values("visited_on")[:1]
    )  # fmt: skip


def families(user, *, today: datetime.date, only_targets: bool = True) -> QuerySet[Household]:
    """The user's families with their latest screening and last visit, at-risk first.

    Annotations: ``krs_at_risk``, ``krs_is_target``, ``krs_factors``, ``krs_targets``,
    ``krs_screened_on``, ``krs_last_visit``, ``krs_open_referrals``.
    """
    qs = visible(Household.objects.all(), user).annotate(
        krs_at_risk=latest_screening_subquery(today, "at_risk"),
        krs_is_target=latest_screening_subquery(today, "is_target"),
        krs_factors=latest_screening_subquery(today, "factors"),
        krs_targets=latest_screening_subquery(today, "targets"),
        krs_screened_on=latest_screening_subquery(today, "screened_on"),
        krs_last_visit=_last_visit_subquery(),
        krs_open_referrals=Exists(
            Referral.objects.filter(household=OuterRef("pk"), status__in=OPEN_STATUSES)
        ),
        krs_rank=Case(When(krs_at_risk=True, then=Value(0)),
                      When(krs_is_target=True, then=Value(1)),
                      default=Value(2), output_field=IntegerField()),
    ).select_related("tpk_team", "kelurahan")  # fmt: skip
    if only_targets:
        qs = qs.filter(krs_is_target=True)
    return qs.order_by("krs_rank", "kelurahan__name", "rw", "rt", "head_name", "pk")


def due_on(last_visit: datetime.date | None, targets, cfg) -> datetime.date | None:
    """When the family's next visit is due (None: not a target family; a never-visited target
    family is due at once: returns ``date.min``)."""
    days = cfg.due_days_for(targets or [])
    if days is None:
        return None
    if last_visit is None:
        return datetime.date.min
    return last_visit + datetime.timedelta(days=days)


def decorate(households, today: datetime.date, cfg) -> list:
    """Add ``krs_due`` (date or None) and ``krs_is_due`` to each annotated household."""
    for hh in households:
        hh.krs_due = due_on(hh.krs_last_visit, hh.krs_targets, cfg)
        hh.krs_is_due = hh.krs_due is not None and hh.krs_due <= today
        hh.krs_factor_list = [(f.value, f.label) for f in _factor_enum()
                              if f.value in (hh.krs_factors or [])]  # fmt: skip
    return households


def _factor_enum():
    from .models import Factor

    return Factor


# --- visits and referrals -----------------------------------------------------------------------


def record_visit(household: Household, user, *, visit_id=None, visited_on: datetime.date,
                 topics, findings: str, referral: bool) -> tuple[Visit, bool]:
    """Save a visit (idempotent on ``visit_id``). Returns ``(visit, created)``."""
    if not may_visit(user):
        raise PermissionDenied
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The visit date is in the future.")})
    defaults = {"household": household, "visited_on": visited_on, "visited_by": user,
                "team_id": household.tpk_team_id or user.tpk_team_id, "topics": list(topics),
                "findings": findings, "referral": referral}  # fmt: skip
    if visit_id is None:
        return Visit.objects.create(**defaults), True
    with transaction.atomic():
        visit, created = Visit.objects.get_or_create(pk=visit_id, defaults=defaults)
    if visit.household_id != household.pk:
        raise PermissionDenied
    return visit, created


def create_referral(household: Household, user, **fields) -> Referral:
    if not may_refer(user):
        raise PermissionDenied
    referral = Referral(household=household, created_by=user, updated_by=user,
                        status=Status.SENT, **fields)  # fmt: skip
    referral.full_clean()
    referral.save()
    return referral


def update_referral(referral: Referral, user, *, status: str, attended_on=None,
                    outcome_on=None, outcome: str = "") -> Referral:
    """Move a referral on: sent -> attended -> outcome recorded (or did not attend)."""
    if not may_refer(user):
        raise PermissionDenied
    referral.status = status
    referral.attended_on = attended_on if status in (Status.ATTENDED, Status.DONE) else None
    referral.outcome_on = outcome_on if status in (Status.DONE, Status.NOT_ATTENDED) else None
    referral.outcome = outcome if status in (Status.DONE, Status.NOT_ATTENDED) else ""
    referral.updated_by = user
    referral.full_clean()
    referral.save()
    return referral


def referrals(user, *, open_only: bool = True) -> QuerySet[Referral]:
    qs = visible(Referral.objects.all(), user).select_related(
        "household", "household__kelurahan", "child", "person", "pregnancy__woman")
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.order_by("referred_on", "created_at") if open_only else qs


# --- assignment ---------------------------------------------------------------------------------


def teams_for(user):
    """TPK teams whose kelurahan the user works in (bidan: the puskesmas' catchment)."""
    from tumbuh.accounts.models import TpkTeam

    qs = TpkTeam.objects.select_related("kelurahan").order_by("kelurahan__name", "name")
    if user.is_administrator:
        return qs
    if user.role == Role.BIDAN and user.puskesmas_id:
        kelurahan_ids = visible(Household.objects.all(), user).values("kelurahan_id")
        return qs.filter(Q(kelurahan__serving_puskesmas=user.puskesmas_id)
                         | Q(kelurahan_id__in=kelurahan_ids)).distinct()  # fmt: skip
    if user.role == Role.TPK and user.tpk_team_id:
        return qs.filter(pk=user.tpk_team_id)
    return qs.none()


def assign_team(households: QuerySet[Household], team, user) -> int:
    """Assign every household of ``households`` (already scoped) to ``team`` (or none)."""
    if not may_assign(user):
        raise PermissionDenied
    return visible(households, user).update(tpk_team=team, updated_at=timezone.now())


# --- summary ------------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    kelurahan_code: str
    kelurahan: str
    screened: int
    targets: int
    at_risk: int
    visited: int

    @property
    def at_risk_pct(self) -> float | None:
        return 100 * self.at_risk / self.targets if self.targets else None

    @property
    def visited_pct(self) -> float | None:
        return 100 * self.visited / self.at_risk if self.at_risk else None


def summary(user, *, today: datetime.date, cfg=None) -> list[SummaryRow]:
    """Per kelurahan: target families, at risk, % at risk, % of those at risk visited recently.

    Counts only (no names). One query, grouped in the database.
    """
    cfg = cfg or krs_config.current()
    since = today - datetime.timedelta(days=cfg.visited_within_days)
    recent = Exists(Visit.objects.filter(household=OuterRef("pk"), visited_on__gt=since,
                                         visited_on__lte=today))  # fmt: skip
    qs = (visible(Household.objects.all(), user)
          .annotate(s_target=latest_screening_subquery(today, "is_target"),
                    s_risk=latest_screening_subquery(today, "at_risk"),
                    s_on=latest_screening_subquery(today, "screened_on"),
                    s_visited=recent)
          .order_by()
          .values("kelurahan__code", "kelurahan__name")
          .annotate(screened=Count("pk", filter=Q(s_on__isnull=False)),
                    targets=Count("pk", filter=Q(s_target=True)),
                    at_risk=Count("pk", filter=Q(s_risk=True)),
                    visited=Count("pk", filter=Q(s_risk=True, s_visited=True)))
          .order_by("kelurahan__name"))  # fmt: skip
    return [SummaryRow(kelurahan_code=r["kelurahan__code"], kelurahan=r["kelurahan__name"],
                       screened=r["screened"], targets=r["targets"], at_risk=r["at_risk"],
                       visited=r["visited"]) for r in qs]  # fmt: skip


def last_visits(household_ids) -> dict:
    """household id -> date of its last visit (one query)."""
    return dict(Visit.objects.filter(household_id__in=household_ids).order_by()
                .values_list("household_id").annotate(last=Max("visited_on")))  # fmt: skip

