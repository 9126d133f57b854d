"""The one helper that scopes every query to what a user may see.

Every model that holds people's data declares ``SCOPE``, a mapping from scope kind to the
lookup path from that model:

- ``"posyandu"``: path to the posyandu the record belongs to;
- ``"household"``: path to the household (None when TPK teams may not see the model);
- ``"kelurahan"``: path to the kelurahan ``Area``.

Views, API endpoints, exports and reports call :func:`visible` and nothing else; a record outside
the user's scope is then simply not found (404), never a permission puzzle.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from .models import Role

#: Scopes of models that live in apps which do not declare ``SCOPE`` themselves ("" = itself).
SCOPES = {
    "areas.Posyandu": {"posyandu": "", "household": None, "kelurahan": "kelurahan"},
}


def _path(model: type[Model], kind: str) -> str | None:
    spec = getattr(model, "SCOPE", None) or SCOPES.get(model._meta.label)
    if spec is None or kind not in spec:
        raise TypeError(f"{model._meta.label} declares no {kind!r} scope path")
    return spec[kind]


def _join(path: str, field: str) -> str:
    if path:
        return f"{path}__{field}"
    return "pk__in" if field == "in" else field


def visible(queryset: QuerySet, user) -> QuerySet:
    """Return ``queryset`` restricted to the records ``user`` may see.

    Anonymous or inactive users see nothing; administrators everything.
    """
    model = queryset.model
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return queryset
    if user.role == Role.KADER:
        path = _path(model, "posyandu")
        return queryset.filter(**{_join(path, "in"): user.posyandu.all()}).distinct()
    if user.role == Role.BIDAN:
        if user.puskesmas_id is None:
            return queryset.none()
        path = _path(model, "posyandu")
        return queryset.filter(**{_join(path, "puskesmas_id"): user.puskesmas_id})
    if user.role == Role.TPK:
        path = _path(model, "household")
        if path is None or user.tpk_team_id is None:
            return queryset.none()
        return queryset.filter(**{_join(path, "tpk_team_id"): user.tpk_team_id})
    if user.role == Role.ANALYST:
        if user.city_id is None:
            return queryset.none()
        path = _path(model, "kelurahan")
        return queryset.filter(**{_join(path, "code__startswith"): user.city_id + "."})
    return queryset.none()


def posyandu_for(user) -> QuerySet:
    """The posyandu a user works with (for menus and session lists)."""
    from tumbuh.areas.models import Posyandu

    qs = Posyandu.objects.select_related("kelurahan", "puskesmas")
    # A kelurahan's boundary is large GeoJSON: not needed with a posyandu.
    return visible(qs.defer("kelurahan__boundary", "kelurahan__aliases"), user)


def city_wide_key(user) -> str | None:
    """A cache-key part for users who see a whole city ("city:<code>") or everything ("all");
    None for the others (whose scope is a posyandu, a puskesmas or a team: cheap to compute)."""
    if user.is_administrator:
        return "all"
    if user.role == Role.ANALYST and user.city_id:
        return f"city:{user.city_id}"
    return None
