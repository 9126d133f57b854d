"""Registry workflows: who may change the registry, duplicate checks, merging, counts by area.

Every query that shows people goes through :func:`tumbuh.accounts.scope.visible`; the NIK
check alone looks at the whole registry (a NIK is unique), and then only *counts* what the
user may not see. See docs/registry.md.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible

from .models import Child, Household, MergeRecord, Person, Pregnancy

#: A child is "under five" up to this many days old (as ``Child.is_under_five``).
UNDER_FIVE_DAYS = 1826
#: Two normalised names at least this similar (difflib ratio) may be the same child.
NAME_SIMILARITY = 0.85
#: Titles and placeholders written before a name: "An. Budi", "By. Ny. Siti" (baby of Mrs Siti).
NAME_TITLES = frozenset(
    {"an", "anak", "by", "bayi", "ny", "nyonya", "nn", "nona", "tn", "tuan", "sdr", "sdri", "bpk"}
)
#: A pregnancy whose HPHT is longer ago than this is no longer counted as ongoing.
MAX_GESTATION_WEEKS = 44
#: Fields of a child that a merge fills from the removed record when the kept one is empty.
FILLABLE_FIELDS = ("nik", "mother", "birth_weight_kg", "birth_length_cm")
#: Measured values copied into the merge record when both children were measured on one day.
MEASURED_FIELDS = ("weight_kg", "lenhei_cm", "measure", "headc_cm", "armc_cm", "oedema")


# --- who may do what ----------------------------------------------------------------------


def may_edit(user) -> bool:
    """Whether ``user`` registers and edits households, people, children and pregnancies.

    Cadres, midwives/nutrition officers and administrators do; TPK members and analysts read.
    """
    return bool(user.is_authenticated and user.may_record())


def may_merge(user) -> bool:
    """Data managers: administrators, and midwives/nutrition officers for their puskesmas."""
    if not user.is_authenticated:
        return False
    return user.is_administrator or (user.role == Role.BIDAN and user.puskesmas_id is not None)


def under_five_cutoff(today: dt.date | None = None) -> dt.date:
    """The earliest birth date of a child who is still under five on ``today``."""
    return (today or timezone.localdate()) - dt.timedelta(days=UNDER_FIVE_DAYS)


# --- names ----------------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """Lower-case, without titles ("An.", "By. Ny."), punctuation or repeated spaces."""
    words = re.sub(r"[^\w\s]", " ", (name or "").lower()).split()
    return " ".join(word for word in words if word not in NAME_TITLES)


def names_similar(a: str, b: str) -> bool:
    """Whether two names may belong to one child: one inside the other, or ratio >= 0.85."""
    a, b = normalize_name(a), normalize_name(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


# --- duplicates at registration --------------------------------------------------------------


@dataclass
class DuplicateCheck:
    """What :func:`find_duplicate_children` found.

    ``nik_matches`` and ``similar`` hold only children the user may see; ``*_hidden`` count
    the others, which are named to nobody.
    """

    nik_matches: list[Child] = field(default_factory=list)
    nik_hidden: int = 0
    similar: list[Child] = field(default_factory=list)
    similar_hidden: int = 0

    @property
    def nik_taken(self) -> bool:
        return bool(self.nik_matches) or self.nik_hidden > 0

    @property
    def has_similar(self) -> bool:
        return bool(self.similar) or self.similar_hidden > 0


def find_duplicate_children(
    *,
    user,
    name: str,
    birth_date: dt.date | None,
    nik: str = "",
    mother: Person | None = None,
    household: Household | None = None,
    exclude: Child | None = None,
) -> DuplicateCheck:
    """Active children that may be the child being registered.

    - the same NIK anywhere in the registry (a NIK is unique);
    - a similar name (:func:`names_similar`) with the same birth date and the same mother or
      the same household.
    """
    result = DuplicateCheck()
    base = Child.objects.active()
    if exclude is not None and exclude.pk is not None:
        base = base.exclude(pk=exclude.pk)
    if nik:
        same_nik = list(base.filter(nik=nik).select_related("household", "posyandu"))
        result.nik_matches, result.nik_hidden = _split_visible(same_nik, user)
    if birth_date is not None and (mother is not None or household is not None):
        family = Q()
        if mother is not None and mother.pk is not None:
            family |= Q(mother=mother)
        if household is not None and household.pk is not None:
            family |= Q(household=household)
        if family:
            same_day = base.filter(family, birth_date=birth_date).select_related(
                "household", "mother", "posyandu"
            )
            nik_ids = {c.pk for c in result.nik_matches}
            candidates = [
                c for c in same_day if c.pk not in nik_ids and names_similar(c.name, name)
            ]
            result.similar, result.similar_hidden = _split_visible(candidates, user)
    return result


def _split_visible(children: list[Child], user) -> tuple[list[Child], int]:
    if not children:
        return [], 0
    ids = set(
        visible(Child.objects.filter(pk__in=[c.pk for c in children]), user).values_list(
            "pk", flat=True
        )
    )
    shown = [c for c in children if c.pk in ids]
    return shown, len(children) - len(shown)


def nik_holders(nik: str, *, user, exclude_person: Person | None = None) -> tuple[list, int]:
    """People (adults) registered with ``nik``: those the user may see, and how many others."""
    if not nik:
        return [], 0
    people = Person.objects.filter(nik=nik).select_related("household")
    if exclude_person is not None and exclude_person.pk is not None:
        people = people.exclude(pk=exclude_person.pk)
    people = list(people)
    if not people:
        return [], 0
    ids = set(
        visible(Person.objects.filter(pk__in=[p.pk for p in people]), user).values_list(
            "pk", flat=True
        )
    )
    shown = [p for p in people if p.pk in ids]
    return shown, len(people) - len(shown)


# --- probable duplicates already in the registry -------------------------------------------


@dataclass
class DuplicatePair:
    first: Child
    second: Child
    reason: str  # "nik" or "name"

    @property
    def reason_label(self) -> str:
        if self.reason == "nik":
            return _("same NIK")
        return _("similar name, same birth date and family")


def probable_duplicates(user, *, limit: int = 200) -> list[DuplicatePair]:
    """Pairs of active children the user may see that are probably one child.

    Same NIK, or the same birth date with a similar name and the same mother or household.
    Two queries, each with an EXISTS on an indexed column, then names compared in Python
    within the (small) groups.
    """
    children = visible(Child.objects.active(), user)
    twins = Child.objects.active().filter(birth_date=OuterRef("birth_date")).exclude(
        pk=OuterRef("pk")
    )
    same_day = children.filter(
        Exists(twins.filter(household=OuterRef("household")))
        | Exists(twins.filter(mother=OuterRef("mother"), mother__isnull=False))
    ).select_related("household", "mother", "posyandu")
    same_nik = (
        children.exclude(nik="")
        .filter(Exists(Child.objects.active().filter(nik=OuterRef("nik")).exclude(pk=OuterRef("pk"))))
        .select_related("household", "mother", "posyandu")
    )
    pairs: list[DuplicatePair] = []
    seen: set[frozenset] = set()

    def add(a: Child, b: Child, reason: str) -> None:
        key = frozenset((a.pk, b.pk))
        if key not in seen:
            seen.add(key)
            first, second = sorted((a, b), key=lambda c: (c.created_at, str(c.pk)))
            pairs.append(DuplicatePair(first, second, reason))

    for group in _groups(same_nik, key=lambda c: c.nik):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                add(a, b, "nik")
    for group in _groups(same_day, key=lambda c: c.birth_date):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                same_family = a.household_id == b.household_id or (
                    a.mother_id is not None and a.mother_id == b.mother_id
                )
                if same_family and names_similar(a.name, b.name):
                    add(a, b, "name")
    pairs.sort(key=lambda p: (p.first.name.lower(), p.first.birth_date))
    return pairs[:limit]


def _groups(children, *, key) -> list[list[Child]]:
    groups: dict = {}
    for child in children:
        groups.setdefault(key(child), []).append(child)
    return [g for g in groups.values() if len(g) > 1]


# --- merge ------------------------------------------------------------------------------------


@transaction.atomic
def merge_children(*, keep: Child, remove: Child, user) -> MergeRecord:
    """Merge the duplicate ``remove`` into ``keep`` and record who merged what.

    - every measurement of ``remove`` moves to ``keep``; when both were measured on the same
      day, ``keep``'s row stays and the other's values go into the merge record;
    - fields empty on ``keep`` (NIK, mother, birth weight and length) are filled from
      ``remove``;
    - other records that point at ``remove`` (from other apps) move to ``keep`` too;
    - ``remove`` gets ``merged_into=keep`` and drops out of every list
      (``Child.objects.active()``); it is never deleted;
    - the kept child's measurements are derived again (ages, z-scores, weight gain), since the
      history changed.

    Raises ``PermissionDenied`` unless ``user`` is a data manager who may see both children,
    and ``ValidationError`` when the two cannot be merged.
    """
    from tumbuh.monitoring.models import ChildMeasurement

    if not may_merge(user):
        raise PermissionDenied(_("Only data managers may merge records."))
    if keep.pk == remove.pk:
        raise ValidationError(_("A child cannot be merged with itself."))
    locked = {
        c.pk: c
        for c in Child.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
    }
    in_scope = visible(Child.objects.filter(pk__in=list(locked)), user).count()
    if len(locked) != 2 or in_scope != 2:
        raise PermissionDenied(_("You may not merge these records."))
    keep, remove = locked[keep.pk], locked[remove.pk]
    if keep.merged_into_id or remove.merged_into_id:
        raise ValidationError(_("One of these children was already merged into another."))

    details: dict = {
        "removed": _snapshot(remove),
        "kept": _snapshot(keep),
        "moved_measurements": [],
        "conflicts": [],
        "filled": {},
        "moved_related": {},
    }
    kept_days = set(
        ChildMeasurement.objects.filter(child=keep).values_list("measured_on", flat=True)
    )
    for row in ChildMeasurement.objects.filter(child=remove).order_by("measured_on"):
        if row.measured_on in kept_days:
            details["conflicts"].append(
                {
                    "measured_on": row.measured_on.isoformat(),
                    "measurement_id": str(row.pk),
                    "values": {name: getattr(row, name) for name in MEASURED_FIELDS},
                }
            )
            row.delete()
        else:
            details["moved_measurements"].append(
                {"measured_on": row.measured_on.isoformat(), "measurement_id": str(row.pk)}
            )
    ChildMeasurement.objects.filter(child=remove).update(child=keep)

    for name in FILLABLE_FIELDS:
        attname = Child._meta.get_field(name).attname
        if getattr(keep, attname) in (None, "") and getattr(remove, attname) not in (None, ""):
            setattr(keep, attname, getattr(remove, attname))
            details["filled"][name] = str(getattr(remove, attname))
    details["moved_related"] = _move_other_relations(keep, remove)
    # Earlier merges into the removed child now point at the kept one: no chains.
    Child.objects.filter(merged_into=remove).update(merged_into=keep)
    keep.save()
    remove.merged_into = keep
    remove.save(update_fields=["merged_into", "updated_at"])
    _rederive_measurements(keep)
    return MergeRecord.objects.create(kept=keep, merged=remove, merged_by=user, details=details)


def _snapshot(child: Child) -> dict:
    return {
        "id": str(child.pk),
        "name": child.name,
        "nik": child.nik,
        "sex": child.sex,
        "birth_date": child.birth_date.isoformat(),
        "household": str(child.household_id),
        "mother": str(child.mother_id) if child.mother_id else None,
        "posyandu": str(child.posyandu_id),
        "birth_weight_kg": child.birth_weight_kg,
        "birth_length_cm": child.birth_length_cm,
    }


#: Relations to Child that a merge handles itself (or must leave alone).
_OWN_RELATIONS = {
    ("monitoring", "childmeasurement"),
    ("registry", "child"),
    ("registry", "mergerecord"),
}


def _move_other_relations(keep: Child, remove: Child) -> dict[str, int]:
    """Point every other app's foreign key from ``remove`` to ``keep`` (PMT, referrals, ...)."""
    moved = {}
    for relation in Child._meta.related_objects:
        model = relation.related_model
        if (model._meta.app_label, model._meta.model_name) in _OWN_RELATIONS:
            continue
        if not (relation.one_to_many or relation.one_to_one) or relation.many_to_many:
            continue
        count = model._default_manager.filter(**{relation.field.name: remove}).update(
            **{relation.field.name: keep}
        )
        if count:
            moved[model._meta.label] = count
    return moved


@transaction.atomic
def save_child(child: Child, *, changed=()) -> Child:
    """Save a child; when the birth date or the sex changed, every stored z-score, status and
    gain of the child is derived again (they depend on both)."""
    child.save()
    if child.pk and {"birth_date", "sex"} & set(changed):
        _rederive_measurements(child)
    return child


def _rederive_measurements(child: Child) -> None:
    """Derive the child's whole history again (its ages and gains changed with the merge)."""
    from tumbuh.monitoring.services import rederive_child

    rederive_child(child)


# --- counts -----------------------------------------------------------------------------------


@dataclass
class AreaCount:
    """Counts for one posyandu: what an analyst without identity permission sees."""

    posyandu_id: object
    posyandu: str
    kelurahan: str
    households: int = 0
    children_under_five: int = 0
    pregnancies: int = 0


def counts_by_posyandu(user, *, today: dt.date | None = None) -> list[AreaCount]:
    """Households, children under five and ongoing pregnancies per visible posyandu.

    Three grouped queries, each through :func:`visible`; no names.
    """
    today = today or timezone.localdate()
    rows: dict = {}

    def bucket(posyandu_id, posyandu, kelurahan) -> AreaCount:
        if posyandu_id not in rows:
            rows[posyandu_id] = AreaCount(posyandu_id, posyandu, kelurahan)
        return rows[posyandu_id]

    for r in _grouped(visible(Household.objects.all(), user), "posyandu", "kelurahan__name"):
        bucket(r["posyandu"], r["posyandu__name"], r["kelurahan__name"]).households = r["n"]
    children = visible(Child.objects.active(), user).filter(
        birth_date__gte=under_five_cutoff(today)
    )
    for r in _grouped(children, "posyandu", "posyandu__kelurahan__name"):
        row = bucket(r["posyandu"], r["posyandu__name"], r["posyandu__kelurahan__name"])
        row.children_under_five = r["n"]
    for r in _grouped(ongoing_pregnancies(user, today=today), "posyandu",
                      "posyandu__kelurahan__name"):  # fmt: skip
        row = bucket(r["posyandu"], r["posyandu__name"], r["posyandu__kelurahan__name"])
        row.pregnancies = r["n"]
    return sorted(rows.values(), key=lambda r: (r.kelurahan or "", r.posyandu or ""))


def _grouped(queryset: QuerySet, posyandu: str, kelurahan_name: str):
    return (
        queryset.order_by()
        .values(posyandu, f"{posyandu}__name", kelurahan_name)
        .annotate(n=Count("pk", distinct=True))
    )


def ongoing_pregnancies(user, *, today: dt.date | None = None) -> QuerySet:
    """Pregnancies the user may see that are ongoing (:func:`ongoing_filter`)."""
    return visible(Pregnancy.objects.all(), user).filter(ongoing_filter(today))


def ongoing_filter(today: dt.date | None = None) -> Q:
    """No end recorded and the HPHT less than 44 weeks ago (as the posyandu day lists them)."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(weeks=MAX_GESTATION_WEEKS)
    return Q(ended_on__isnull=True, hpht__gt=cutoff)


@dataclass
class Totals:
    households: int
    children_under_five: int
    pregnancies: int


def totals(user, *, today: dt.date | None = None) -> Totals:
    """Whole-scope counts for the start page (three COUNT queries through ``visible``)."""
    today = today or timezone.localdate()
    return Totals(
        households=visible(Household.objects.all(), user).count(),
        children_under_five=visible(Child.objects.active(), user)
        .filter(birth_date__gte=under_five_cutoff(today))
        .count(),
        pregnancies=ongoing_pregnancies(user, today=today).count(),
    )


# --- household list ---------------------------------------------------------------------------


def household_list(user, *, query: str = "", posyandu=None, today: dt.date | None = None):
    """Visible households matching ``query`` (head, KK number, address or a child's name),
    with ``children_under_five`` annotated (one query, no N+1)."""
    today = today or timezone.localdate()
    households = visible(Household.objects.all(), user).select_related("kelurahan", "posyandu")
    if posyandu is not None:
        households = households.filter(posyandu=posyandu)
    query = " ".join(query.split())
    if query:
        digits = re.sub(r"[\s.\-]", "", query)
        child_named = Child.objects.active().filter(
            household=OuterRef("pk"), name__icontains=query
        )
        match = (
            Q(head_name__icontains=query)
            | Q(address__icontains=query)
            | Exists(child_named)
        )
        if digits.isdigit():
            match |= Q(kk_number__startswith=digits)
        households = households.filter(match)
    # A correlated subquery (not a GROUP BY over every household): the database counts the
    # children of the rows on the page only, and the ordering can use the household index.
    under_five = (
        Child.objects.filter(
            household=OuterRef("pk"), merged_into__isnull=True,
            birth_date__gte=under_five_cutoff(today),
        )
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )  # fmt: skip
    return households.order_by("kelurahan_id", "rw", "rt", "head_name", "pk").annotate(
        children_under_five=Coalesce(Subquery(under_five), 0)
    )


def measurement_counts(child_ids) -> dict:
    """Number of measurements per child id (one grouped query)."""
    from tumbuh.monitoring.models import ChildMeasurement

    rows = (
        ChildMeasurement.objects.filter(child_id__in=list(child_ids))
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
    )
    return {row["child_id"]: row["n"] for row in rows}


@dataclass
class PosyanduOverview:
    posyandu: object
    counts: AreaCount
    session_today: bool = False


def posyandu_overview(user, *, today: dt.date | None = None) -> list[PosyanduOverview]:
    """The user's posyandu with their counts and whether today's posyandu day is open.

    Five queries whatever the number of posyandu (no N+1).
    """
    from tumbuh.accounts.scope import posyandu_for
    from tumbuh.monitoring.models import PosyanduSession

    today = today or timezone.localdate()
    counts = {row.posyandu_id: row for row in counts_by_posyandu(user, today=today)}
    open_today = set(
        visible(PosyanduSession.objects.filter(date=today), user).values_list(
            "posyandu_id", flat=True
        )
    )
    return [
        PosyanduOverview(
            posyandu=p,
            counts=counts.get(p.pk) or AreaCount(p.pk, p.name, p.kelurahan.name),
            session_today=p.pk in open_today,
        )
        for p in posyandu_for(user).filter(is_active=True)
    ]
