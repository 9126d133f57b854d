"""The queries behind the FHIR export: which children and measurements, fetched in bulk.

A page of children costs a fixed number of queries whatever its size: the children with their
household, kelurahan and mother; their measurements in the period; and the siblings that share
a mother and a birth date (for ``multipleBirthInteger`` of newborns identified by ``nik-ibu``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from tumbuh.monitoring.models import ChildMeasurement
from tumbuh.registry.models import Child

from . import bundle

#: Children per Bundle page of the bulk export and per batch of the NDJSON stream.
PAGE_SIZE = 100


def children(posyandu=None, *, since: dt.date | None = None,
             until: dt.date | None = None) -> QuerySet:  # fmt: skip
    """Active (not merged) children of a posyandu (or all), measured in the period when one is
    given, in a stable order. The caller scopes it with ``visible()``."""
    qs = Child.objects.active()
    if posyandu is not None:
        qs = qs.filter(posyandu=posyandu)
    if since is not None or until is not None:
        measured = ChildMeasurement.objects.all()
        if since is not None:
            measured = measured.filter(measured_on__gte=since)
        if until is not None:
            measured = measured.filter(measured_on__lte=until)
        qs = qs.filter(pk__in=measured.values("child_id"))
    return qs.order_by("birth_date", "pk")


def _with_related(qs: QuerySet, since, until) -> QuerySet:
    measurements = ChildMeasurement.objects.order_by("measured_on")
    if since is not None:
        measurements = measurements.filter(measured_on__gte=since)
    if until is not None:
        measurements = measurements.filter(measured_on__lte=until)
    return qs.select_related("household__kelurahan", "mother").defer(
        "household__kelurahan__boundary", "household__kelurahan__aliases"
    ).prefetch_related(Prefetch("measurements", queryset=measurements, to_attr="fhir_rows"))


def birth_orders(rows: list[Child]) -> dict:
    """Child pk -> 1-based order among the children of the same mother born the same day (twins),
    for the children identified by their mother's NIK."""
    keys = {(c.mother_id, c.birth_date) for c in rows if bundle.uses_nik_ibu(c, c.mother)}
    if not keys:
        return {}
    mothers = {m for m, _ in keys}
    groups = defaultdict(list)
    siblings = (Child.objects.active().filter(mother_id__in=mothers)
                .order_by("created_at", "pk").values_list("pk", "mother_id", "birth_date"))
    for pk, mother_id, birth_date in siblings:
        if (mother_id, birth_date) in keys:
            groups[(mother_id, birth_date)].append(pk)
    return {pk: i + 1 for group in groups.values() for i, pk in enumerate(group)}


def resources_for(rows: list[Child], *, zscores: bool = True) -> list[dict]:
    """The resources of already fetched children (see :func:`fetch`)."""
    orders = birth_orders(rows)
    resources = []
    for child in rows:
        resources.extend(bundle.child_resources(
            child, getattr(child, "fhir_rows", None) or [], birth_order=orders.get(child.pk),
            zscores=zscores,
        ))  # fmt: skip
    return resources


def fetch(qs: QuerySet, *, since=None, until=None) -> list[Child]:
    return list(_with_related(qs, since, until))


def iter_resources(qs: QuerySet, *, since=None, until=None, zscores: bool = True,
                   page_size: int = PAGE_SIZE) -> Iterator[dict]:  # fmt: skip
    """Every resource of the children of ``qs``, fetched a page of children at a time."""
    pks = list(qs.values_list("pk", flat=True))
    for start in range(0, len(pks), page_size):
        chunk = pks[start:start + page_size]
        rows = fetch(Child.objects.filter(pk__in=chunk).order_by("birth_date", "pk"),
                     since=since, until=until)  # fmt: skip
        yield from resources_for(rows, zscores=zscores)
