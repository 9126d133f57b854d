"""Posyandu days, child measurements (with their z-scores and status stored on the row) and
pregnancy checks.

A measurement row stores everything `tumbuh.growth` derived from it, with the method version
that made it: reports read stored rows with plain SQL aggregates and never recompute at read
time. When the method version changes, :func:`tumbuh.monitoring.services.recompute` updates
every row in one bulk pass.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    LENGTH = "l", _("lying (length)")
    HEIGHT = "h", _("standing (height)")


class GrowthStatus(models.TextChoices):
    """SKDN weight-gain codes (docs/domain-indonesia.md §2.2)."""

    NAIK = "N", _("gained enough weight (N)")
    TIDAK_NAIK = "T", _("did not gain enough weight (T)")
    O = "O", _("not weighed last month (O)")  # noqa: E741 - the official code
    BARU = "B", _("first weighing (B)")


class PosyanduSession(models.Model):
    """One opening day of a posyandu (hari buka posyandu)."""

    SCOPE = {"posyandu": "posyandu", "household": None, "kelurahan": "posyandu__kelurahan"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.PROTECT, related_name="sessions",
        verbose_name=_("posyandu"),
    )  # fmt: skip
    date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("posyandu day")
        verbose_name_plural = _("posyandu days")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["posyandu", "date"], name="uniq_session_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.posyandu} {self.date:%d-%m-%Y}"


def _z_field(label):
    return models.FloatField(label, null=True, blank=True)


def _flag_field(label):
    return models.BooleanField(label, null=True, blank=True)


class ChildMeasurement(models.Model):
    """One weighing and measuring of a child, with every derived value stored."""

    SCOPE = {"posyandu": "child__posyandu", "household": "child__household",
             "kelurahan": "child__household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    child = models.ForeignKey(
        "registry.Child", on_delete=models.CASCADE, related_name="measurements",
        verbose_name=_("child"),
    )  # fmt: skip
    session = models.ForeignKey(
        PosyanduSession, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="measurements", verbose_name=_("posyandu day"),
    )  # fmt: skip
    measured_on = models.DateField(_("date measured"))
    # --- what was measured -------------------------------------------------------------------
    weight_kg = models.FloatField(
        _("weight (kg)"), null=True, blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(50)],
    )  # fmt: skip
    lenhei_cm = models.FloatField(
        _("length or height (cm)"), null=True, blank=True,
        validators=[MinValueValidator(35), MaxValueValidator(140)],
    )  # fmt: skip
    measure = models.CharField(
        _("position"), max_length=1, choices=Measure.choices, blank=True
    )
    headc_cm = models.FloatField(
        _("head circumference (cm)"), null=True, blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(60)],
    )  # fmt: skip
    armc_cm = models.FloatField(
        _("arm circumference, LiLA (cm)"), null=True, blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
    )  # fmt: skip
    oedema = models.BooleanField(_("bilateral pitting oedema"), default=False)
    # --- derived by tumbuh.growth, stored ----------------------------------------------------
    measured_month = models.DateField(_("month measured"), null=True, blank=True)
    #: The row the month's reports count: the child's last weighing with a weight in the
    #: calendar month (or the month's last row when none has a weight).
    counts_for_month = models.BooleanField(_("counts for the month"), default=True)
    age_days = models.IntegerField(_("age (days)"))
    age_months = models.PositiveSmallIntegerField(_("age (completed months)"))
    clenhei_cm = models.FloatField(
        _("length/height after correction (cm)"), null=True, blank=True
    )
    bmi = models.FloatField(_("BMI"), null=True, blank=True)
    zlen = _z_field(_("length/height-for-age z"))
    zwei = _z_field(_("weight-for-age z"))
    zwfl = _z_field(_("weight-for-length/height z"))
    zbmi = _z_field(_("BMI-for-age z"))
    zhc = _z_field(_("head circumference-for-age z"))
    zac = _z_field(_("arm circumference-for-age z"))
    flen = _flag_field(_("length/height-for-age implausible"))
    fwei = _flag_field(_("weight-for-age implausible"))
    fwfl = _flag_field(_("weight-for-length/height implausible"))
    fbmi = _flag_field(_("BMI-for-age implausible"))
    fhc = _flag_field(_("head circumference-for-age implausible"))
    fac = _flag_field(_("arm circumference-for-age implausible"))
    status_bbu = models.CharField(_("weight-for-age status"), max_length=24, blank=True)
    status_tbu = models.CharField(_("length/height-for-age status"), max_length=24, blank=True)
    status_bbtb = models.CharField(
        _("weight-for-length/height status"), max_length=24, blank=True
    )
    status_imtu = models.CharField(_("BMI-for-age status"), max_length=24, blank=True)
    growth_status = models.CharField(
        _("weight gain"), max_length=1, choices=GrowthStatus.choices, blank=True
    )
    gain_g = models.IntegerField(_("weight gain (g)"), null=True, blank=True)
    kbm_g = models.IntegerField(_("minimum gain, KBM (g)"), null=True, blank=True)
    is_2t = models.BooleanField(_("2T"), default=False)
    is_bgm = models.BooleanField(_("below the red line (BGM)"), default=False)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    warnings_confirmed = models.BooleanField(_("warnings confirmed"), default=False)
    method_version = models.CharField(_("method version"), max_length=120)
    # --- who and when ------------------------------------------------------------------------
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("child measurement")
        verbose_name_plural = _("child measurements")
        ordering = ["child", "measured_on"]
        constraints = [
            models.UniqueConstraint(fields=["child", "measured_on"], name="uniq_child_day"),
        ]
        indexes = [
            models.Index(fields=["measured_on"]),
            models.Index(fields=["measured_month", "counts_for_month"]),
            models.Index(fields=["method_version"]),
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.measured_on:%d-%m-%Y}"

    @property
    def is_stunted(self) -> bool:
        return self.status_tbu in ("pendek", "sangat_pendek")

    @property
    def is_wasted(self) -> bool:
        return self.status_bbtb in ("gizi_kurang", "gizi_buruk")

    @property
    def is_underweight(self) -> bool:
        return self.status_bbu in ("kurang", "sangat_kurang")


class PregnancyCheck(models.Model):
    """A check of a pregnant woman at the posyandu or puskesmas."""

    SCOPE = {"posyandu": "pregnancy__posyandu", "household": "pregnancy__woman__household",
             "kelurahan": "pregnancy__woman__household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    pregnancy = models.ForeignKey(
        "registry.Pregnancy", on_delete=models.CASCADE, related_name="checks",
        verbose_name=_("pregnancy"),
    )  # fmt: skip
    session = models.ForeignKey(
        PosyanduSession, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="pregnancy_checks", verbose_name=_("posyandu day"),
    )  # fmt: skip
    checked_on = models.DateField(_("date"))
    weight_kg = models.FloatField(
        _("weight (kg)"), null=True, blank=True,
        validators=[MinValueValidator(25), MaxValueValidator(200)],
    )  # fmt: skip
    height_cm = models.FloatField(
        _("height (cm)"), null=True, blank=True,
        validators=[MinValueValidator(100), MaxValueValidator(210)],
    )  # fmt: skip
    muac_cm = models.FloatField(
        _("upper arm circumference, LiLA (cm)"), null=True, blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(60)],
    )  # fmt: skip
    hb_g_dl = models.FloatField(
        _("haemoglobin (g/dL)"), null=True, blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
    )  # fmt: skip
    # derived, stored
    gestational_weeks = models.FloatField(_("gestational age (weeks)"))
    bmi = models.FloatField(_("BMI"), null=True, blank=True)
    risiko_kek = models.BooleanField(
        _("risk of chronic energy deficiency (LiLA)"), null=True, blank=True
    )
    kek = models.BooleanField(_("chronic energy deficiency (KEK)"), null=True, blank=True)
    anemia = models.BooleanField(_("anaemia"), null=True, blank=True)
    method_version = models.CharField(_("method version"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pregnancy check")
        verbose_name_plural = _("pregnancy checks")
        ordering = ["pregnancy", "checked_on"]
        constraints = [
            models.UniqueConstraint(fields=["pregnancy", "checked_on"], name="uniq_check_day"),
        ]

    def __str__(self) -> str:
        return f"{self.pregnancy} {self.checked_on:%d-%m-%Y}"
