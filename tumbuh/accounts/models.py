"""Users, their roles, and which areas and records each may see.

The role decides the scope (see :mod:`tumbuh.accounts.scope`, the one place that filters a query
by user): a kader sees the children of their posyandu, a bidan or nutrition officer those of
their puskesmas, a TPK member the households assigned to their team, a city analyst the whole
city (names only with the ``registry.view_identity`` permission), an administrator everything.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KADER = "kader", _("Posyandu cadre")
    BIDAN = "bidan", _("Midwife or nutrition officer")
    TPK = "tpk", _("Family assistance team member")
    ANALYST = "analyst", _("City analyst")
    ADMIN = "admin", _("Administrator")


class TpkTeam(models.Model):
    """A family assistance team (Tim Pendamping Keluarga): a bidan, a PKK cadre, a KB cadre."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    kelurahan = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="tpk_teams",
        verbose_name=_("kelurahan"),
        limit_choices_to={"level": 4},
    )

    class Meta:
        verbose_name = _("family assistance team")
        verbose_name_plural = _("family assistance teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "name"], name="uniq_tpk_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. ``role`` and the assignment fields decide what they see."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.KADER)
    posyandu = models.ManyToManyField(
        "areas.Posyandu",
        blank=True,
        related_name="cadres",
        verbose_name=_("posyandu"),
        help_text=_("For cadres: the posyandu they work at."),
    )
    puskesmas = models.ForeignKey(
        "areas.Puskesmas",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("puskesmas"),
        help_text=_("For midwives and nutrition officers: their puskesmas."),
    )
    tpk_team = models.ForeignKey(
        TpkTeam,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("family assistance team"),
    )
    city = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("city or regency"),
        limit_choices_to={"level": 2},
        help_text=_("For city analysts: the city or regency they analyse."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def may_see_identity(self) -> bool:
        """Whether names, NIK and addresses are shown (analysts need an extra permission)."""
        if self.role == Role.ANALYST and not self.is_superuser:
            return self.has_perm("registry.view_identity")
        return True

    def may_record(self) -> bool:
        """Whether this user enters measurements (analysts only read)."""
        return self.role in (Role.KADER, Role.BIDAN, Role.ADMIN) or self.is_superuser
