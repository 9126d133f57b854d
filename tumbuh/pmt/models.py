"""Supplementary feeding (PMT): enrolments, their daily deliveries, and what each achieved.

An :class:`Enrolment` is one cycle of PMT for one child or one pregnant woman: why (the reason
the rule set found on the latest measurement), the rule set's version, the planned number of
days, the baseline values, the funding; then one :class:`Delivery` row per day (delivered, or
missed with a reason); then the closure with the end values and the outcome. The rules live in
``tumbuh/pmt/data/pmt-*.toml`` (:mod:`tumbuh.pmt.config`), the operations in
:mod:`tumbuh.pmt.services`; docs/pmt.md explains both.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    CHILD = "child", _("child under five")
    PREGNANT = "pregnant", _("pregnant woman")


class Reason(models.TextChoices):
    """Why someone receives PMT (docs/domain-indonesia.md §4.2). The rule is configuration."""

    GIZI_KURANG = "gizi_kurang", _("wasted (gizi kurang)")
    BB_KURANG = "bb_kurang", _("underweight (berat badan kurang)")
    TIDAK_NAIK = "tidak_naik", _("did not gain enough weight (T)")
    KEK = "kek", _("pregnant with KEK")
    RISIKO_KEK = "risiko_kek", _("pregnant at risk of KEK (LiLA < 23.5 cm)")


CHILD_REASONS = (Reason.GIZI_KURANG, Reason.BB_KURANG, Reason.TIDAK_NAIK)
PREGNANT_REASONS = (Reason.KEK, Reason.RISIKO_KEK)


class Funding(models.TextChoices):
    APBD = "apbd", _("city budget (APBD)")
    DAK_BOK = "dak_bok", _("DAK non-fisik / BOK puskesmas")
    DANA_KELURAHAN = "dana_kelurahan", _("village or kelurahan funds")
    CSR = "csr", _("company (CSR)")
    BAAS = "baas", _("foster parent (BAAS)")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    """How an enrolment ended. The first three are judged from the end measurement."""

    RECOVERED = "recovered", _("recovered")
    IMPROVED = "improved", _("improved, not recovered")
    NOT_IMPROVED = "not_improved", _("not improved")
    NOT_MEASURED = "not_measured", _("no end measurement")
    REFERRED = "referred", _("referred for treatment")
    DROPPED_OUT = "dropped_out", _("dropped out")
    MOVED = "moved", _("moved away")
    DIED = "died", _("died")


#: Outcomes judged from the measurements at the end (automatic closure or "judge now").
JUDGED = (Outcome.RECOVERED, Outcome.IMPROVED, Outcome.NOT_IMPROVED, Outcome.NOT_MEASURED)
#: Outcomes a user records when closing early.
MANUAL = (Outcome.REFERRED, Outcome.DROPPED_OUT, Outcome.MOVED, Outcome.DIED)


class EnrolmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def active_on(self, day: dt.date):
        """Open on ``day``: started, not past the planned end, not closed before."""
        return self.filter(started_on__lte=day, planned_end__gte=day).filter(
            models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=day)
        )


class Enrolment(models.Model):
    """One PMT cycle of one child or one pregnant woman."""

    SCOPE = {"posyandu": "posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    child = models.ForeignKey(
        "registry.Child", null=True, blank=True, on_delete=models.PROTECT,
        related_name="pmt_enrolments", verbose_name=_("child"),
    )  # fmt: skip
    pregnancy = models.ForeignKey(
        "registry.Pregnancy", null=True, blank=True, on_delete=models.PROTECT,
        related_name="pmt_enrolments", verbose_name=_("pregnancy"),
    )  # fmt: skip
    #: Copied from the child or the woman when enrolling: the scope of the record.
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="pmt_enrolments",
        verbose_name=_("household"),
    )  # fmt: skip
    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.PROTECT, related_name="pmt_enrolments",
        verbose_name=_("posyandu"),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    rule_version = models.CharField(_("rule set version"), max_length=40)
    planned_days = models.PositiveSmallIntegerField(
        _("planned days"), validators=[MinValueValidator(1)]
    )
    started_on = models.DateField(_("first day"))
    planned_end = models.DateField(_("last planned day"))
    funding = models.CharField(_("funding"), max_length=16, choices=Funding.choices)
    partner = models.CharField(_("partner"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # --- baseline: the measurement that made the person eligible -------------------------------
    start_measurement = models.ForeignKey(
        "monitoring.ChildMeasurement", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("measurement at the start"),
    )  # fmt: skip
    start_check = models.ForeignKey(
        "monitoring.PregnancyCheck", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("pregnancy check at the start"),
    )  # fmt: skip
    start_on = models.DateField(_("date of the start measurement"))
    start_weight_kg = models.FloatField(_("weight at the start (kg)"), null=True, blank=True)
    start_waz = models.FloatField(_("weight-for-age z at the start"), null=True, blank=True)
    start_whz = models.FloatField(
        _("weight-for-length/height z at the start"), null=True, blank=True
    )
    start_haz = models.FloatField(
        _("length/height-for-age z at the start"), null=True, blank=True
    )
    start_muac_cm = models.FloatField(_("LiLA at the start (cm)"), null=True, blank=True)
    # --- closure --------------------------------------------------------------------------------
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    auto_closed = models.BooleanField(_("closed automatically"), default=False)
    days_delivered = models.PositiveSmallIntegerField(_("days delivered"), null=True, blank=True)
    end_measurement = models.ForeignKey(
        "monitoring.ChildMeasurement", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("measurement at the end"),
    )  # fmt: skip
    end_check = models.ForeignKey(
        "monitoring.PregnancyCheck", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("pregnancy check at the end"),
    )  # fmt: skip
    end_on = models.DateField(_("date of the end measurement"), null=True, blank=True)
    end_weight_kg = models.FloatField(_("weight at the end (kg)"), null=True, blank=True)
    end_waz = models.FloatField(_("weight-for-age z at the end"), null=True, blank=True)
    end_whz = models.FloatField(_("weight-for-length/height z at the end"), null=True, blank=True)
    end_haz = models.FloatField(_("length/height-for-age z at the end"), null=True, blank=True)
    end_muac_cm = models.FloatField(_("LiLA at the end (cm)"), null=True, blank=True)
    closing_note = models.CharField(_("closing note"), max_length=300, blank=True)
    # --- who ------------------------------------------------------------------------------------
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("enrolled by"),
    )  # fmt: skip
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("closed by"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("PMT enrolment")
        verbose_name_plural = _("PMT enrolments")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(group="child", child__isnull=False, pregnancy__isnull=True)
                    | models.Q(group="pregnant", child__isnull=True, pregnancy__isnull=False)
                ),
                name="pmt_enrolment_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("started_on")),
                name="pmt_enrolment_end_after_start",
            ),
            # One open cycle per person at a time (docs/pmt.md).
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(closed_on__isnull=True),
                name="pmt_one_open_enrolment_per_child",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["pregnancy"], condition=models.Q(closed_on__isnull=True),
                name="pmt_one_open_enrolment_per_pregnancy",
            ),  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["posyandu", "started_on"]),
            models.Index(fields=["closed_on", "planned_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} — {self.get_reason_display()} ({self.started_on:%d-%m-%Y})"

    @property
    def subject_name(self) -> str:
        if self.child_id:
            return self.child.name
        return self.pregnancy.woman.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def recovered(self) -> bool:
        return self.outcome == Outcome.RECOVERED

    def day_number(self, day: dt.date) -> int:
        """1 on the first day."""
        return (day - self.started_on).days + 1


class Delivery(models.Model):
    """One day of one enrolment: the food given (a complete meal or a snack), or missed."""

    SCOPE = {"posyandu": "enrolment__posyandu", "household": "enrolment__household",
             "kelurahan": "enrolment__household__kelurahan"}  # fmt: skip

    class Status(models.TextChoices):
        MEAL = "meal", _("complete meal")
        SNACK = "snack", _("snack")
        MISSED = "missed", _("missed")

    class Missed(models.TextChoices):
        ABSENT = "absent", _("not at home / did not come")
        SICK = "sick", _("ill")
        REFUSED = "refused", _("refused")
        NO_FOOD = "no_food", _("no food available")
        OTHER = "other", _("other")

    id = models.BigAutoField(primary_key=True)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("enrolment"),
    )  # fmt: skip
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    missed_reason = models.CharField(
        _("why missed"), max_length=10, choices=Missed.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PMT delivery")
        verbose_name_plural = _("PMT deliveries")
        ordering = ["enrolment", "day"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="pmt_one_delivery_a_day"),
            models.CheckConstraint(
                condition=models.Q(status="missed") | models.Q(missed_reason=""),
                name="pmt_delivery_reason_only_when_missed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.day:%d-%m-%Y} {self.status}"

    @property
    def delivered(self) -> bool:
        return self.status != self.Status.MISSED


class UnitCost(models.Model):
    """What one day of PMT costs, per year and group (entered by the office; gives the cost per
    recovered child in the figures)."""

    year = models.PositiveSmallIntegerField(_("year"))
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    cost_per_day_idr = models.PositiveIntegerField(_("cost per day (Rp)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("PMT unit cost")
        verbose_name_plural = _("PMT unit costs")
        ordering = ["-year", "group"]
        constraints = [
            models.UniqueConstraint(fields=["year", "group"], name="pmt_one_cost_per_year_group")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_group_display()}: Rp {self.cost_per_day_idr:,}"
