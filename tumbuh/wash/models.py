"""Water and sanitation: upgrade projects, the households they reached, and the history of every
household's water, sanitation and grey-water status.

The registry's ``Household.water_source``, ``sanitation`` and ``wastewater`` hold the current
status (the source of truth). Every change made here or through the registry's forms is kept as
a :class:`HouseholdWashChange` (before / after), so coverage on a past day can be recomputed
(:func:`tumbuh.wash.services.coverage_trend`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The household fields this app tracks (all on registry.Household).
WASH_FIELDS = ("water_source", "sanitation", "wastewater")


class ProjectKind(models.TextChoices):
    PIPED = "piped", _("piped-water connection (SR PDAM)")
    SEPTIC = "septic", _("septic tank")
    SPALD = "spald", _("wastewater system (SPALD, communal or individual)")
    LATRINE = "latrine", _("latrine construction")
    OTHER = "other", _("other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ONGOING = "ongoing", _("ongoing")
    DONE = "done", _("finished")
    CANCELLED = "cancelled", _("cancelled")


class Project(models.Model):
    """An upgrade project (a piped-water connection drive, septic tanks, a SPALD, ...): no
    personal data of its own; the households it reached are :class:`ProjectHousehold` rows."""

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=ProjectKind.choices)
    funder = models.CharField(
        _("office or funder"), max_length=120, blank=True,
        help_text=_("For example Dinas PU, PDAM, DAK, CSR of a company."),
    )  # fmt: skip
    kelurahan = models.ManyToManyField(
        "areas.Area", related_name="wash_projects", verbose_name=_("kelurahan"),
        limit_choices_to={"level": 4},
    )  # fmt: skip
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    planned_households = models.PositiveIntegerField(
        _("households planned"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("water or sanitation project")
        verbose_name_plural = _("water and sanitation projects")
        ordering = ["-start_on", "name"]
        permissions = [("manage_projects", _("Can manage water and sanitation projects"))]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(end_on__isnull=True)
                           | models.Q(end_on__gte=models.F("start_on"))),
                name="wash_project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end cannot be before the start.")})


class ProjectHousehold(models.Model):
    """A household a project reached, on the day the work was finished."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reached", verbose_name=_("project")
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="wash_projects",
        verbose_name=_("household"),
    )  # fmt: skip
    completed_on = models.DateField(_("finished on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household reached")
        verbose_name_plural = _("households reached")
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "household"],
                                    name="wash_one_reach_per_project_household"),
        ]  # fmt: skip


class ChangeSource(models.TextChoices):
    PROJECT = "project", _("project")
    MANUAL = "manual", _("checked by a cadre or officer")


class HouseholdWashChange(models.Model):
    """One field of a household's water / sanitation status changed on a day (before, after)."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="wash_changes",
        verbose_name=_("household"),
    )  # fmt: skip
    changed_on = models.DateField(_("changed on"))
    field = models.CharField(
        _("what"), max_length=16,
        choices=[("water_source", _("drinking water source")), ("sanitation", _("sanitation")),
                 ("wastewater", _("grey water disposal"))],
    )  # fmt: skip
    old = models.CharField(_("before"), max_length=24, blank=True)
    new = models.CharField(_("after"), max_length=24, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=ChangeSource.choices)
    reach = models.ForeignKey(
        ProjectHousehold, null=True, blank=True, on_delete=models.PROTECT,
        related_name="changes", verbose_name=_("project reach"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("water or sanitation change")
        verbose_name_plural = _("water and sanitation changes")
        ordering = ["household", "changed_on", "created_at"]
        indexes = [models.Index(fields=["changed_on"], name="wash_change_day")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.changed_on} {self.field}: {self.old} -> {self.new}"

    def display(self, value: str) -> str:
        from tumbuh.registry.models import Sanitation, Wastewater, WaterSource

        choices = {"water_source": WaterSource, "sanitation": Sanitation,
                   "wastewater": Wastewater}[self.field]  # fmt: skip
        return dict(choices.choices).get(value, value) if value else "—"

    @property
    def old_display(self) -> str:
        return self.display(self.old)

    @property
    def new_display(self) -> str:
        return self.display(self.new)
