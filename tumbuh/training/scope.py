"""Who sees which cadres and sessions, and who manages them (docs/training.md, "Who sees what").

Cadres are fetched through :func:`cadres`, which is ``accounts.scope.visible`` (``Cadre.SCOPE``
follows the main posyandu, and the kelurahan for analysts) plus two additions the generic
helper cannot express, because a TPK member's cadre record hangs on a team, not on a posyandu
or a household:

- a bidan also sees the TPK members of the teams of the kelurahan her puskesmas serves;
- a TPK member sees the members of their own team (``visible`` gives TPK users households).

Everyone also sees their own cadre record. Sessions are visible when organised by a puskesmas
of the user's area or attended by a cadre they see (:func:`sessions`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tumbuh.accounts.models import Role
from tumbuh.accounts.scope import visible


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def cadres(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` of :class:`~tumbuh.training.models.Cadre` restricted to what ``user`` sees."""
    if not _signed_in(user):
        return queryset.none()
    if user.is_administrator:
        return queryset
    own = Q(user_id=user.pk)
    if user.role == Role.BIDAN:
        if user.puskesmas_id is None:
            return queryset.filter(own)
        team_of_catchment = Q(posyandu__isnull=True, tpk_team__isnull=False,
                              kelurahan__serving_puskesmas=user.puskesmas_id)  # fmt: skip
        pks = queryset.filter(team_of_catchment).values("pk")
        return queryset.filter(Q(pk__in=visible(queryset, user).values("pk")) | Q(pk__in=pks)
                               | own)  # fmt: skip
    if user.role == Role.TPK:
        if user.tpk_team_id is None:
            return queryset.filter(own)
        return queryset.filter(Q(tpk_team_id=user.tpk_team_id) | own)
    return queryset.filter(Q(pk__in=visible(queryset, user).values("pk")) | own)


def puskesmas_ids(user) -> list | None:
    """The puskesmas of the user's area (None: every puskesmas)."""
    from tumbuh.areas.models import Puskesmas

    if user.is_administrator or user.role == Role.ANALYST:
        return None
    if user.role == Role.BIDAN:
        return [user.puskesmas_id] if user.puskesmas_id else []
    if user.role == Role.KADER:
        return list(user.posyandu.values_list("puskesmas_id", flat=True).distinct())
    if user.role == Role.TPK and user.tpk_team_id:
        return list(Puskesmas.objects.filter(catchment__tpk_teams=user.tpk_team_id)
                    .values_list("pk", flat=True))  # fmt: skip
    return []


def sessions(queryset: QuerySet, user) -> QuerySet:
    """Sessions ``user`` sees: organised by a puskesmas of their area, or attended by a cadre
    they see; analysts those held in their city; administrators all."""
    from .models import Cadre

    if not _signed_in(user):
        return queryset.none()
    if user.is_administrator:
        return queryset
    if user.role == Role.ANALYST:
        if user.city_id is None:
            return queryset.none()
        return queryset.filter(kelurahan__code__startswith=user.city_id + ".")
    seen = cadres(Cadre.objects.all(), user).values("pk")
    attended = queryset.filter(attendances__cadre__in=seen).values("pk")
    return queryset.filter(Q(puskesmas__in=puskesmas_ids(user)) | Q(pk__in=attended))


def may_manage(user) -> bool:
    """Whether the user registers cadres and sessions at all (bidan and administrators)."""
    return _signed_in(user) and (user.is_administrator or (
        user.role == Role.BIDAN and user.puskesmas_id is not None))


def may_manage_session(user, session) -> bool:
    """Administrators any session; a bidan the sessions of her puskesmas."""
    if not may_manage(user):
        return False
    return user.is_administrator or session.puskesmas_id == user.puskesmas_id


def may_see_identity(user) -> bool:
    """NIK, phone and year of birth of cadres: like the registry's identity rule. Cadres' names
    are staff data and shown to every role that sees the cadre (analysts included)."""
    return _signed_in(user) and user.may_see_identity()
