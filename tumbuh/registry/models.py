"""Registry: households (KK), people, children and pregnancies, by name and by address.

Every record a cadre can create has a UUID primary key that a client may generate, so offline
capture can later send records created on a phone without a redesign.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import nik as nik_rules

kk_validator = RegexValidator(r"^\d{16}$", _("A KK number has exactly 16 digits."))


def validate_nik_format(value: str) -> None:
    errors = nik_rules.format_errors(value)
    if errors:
        raise ValidationError(errors)


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class WaterSource(models.TextChoices):
    """Main drinking-water source (national categories; improved = "layak", §6 of the domain)."""

    PIPED = "piped", _("piped water (PDAM) into the house or yard")
    PUBLIC_TAP = "public_tap", _("public tap or standpipe")
    BOREHOLE = "borehole", _("borehole or pump")
    PROTECTED_WELL = "protected_well", _("protected dug well")
    PROTECTED_SPRING = "protected_spring", _("protected spring")
    RAINWATER = "rainwater", _("rainwater")
    REFILL = "refill", _("bottled or refill water")
    UNPROTECTED_WELL = "unprotected_well", _("unprotected dug well")
    UNPROTECTED_SPRING = "unprotected_spring", _("unprotected spring")
    SURFACE = "surface", _("river, lake or other surface water")
    OTHER = "other", _("other")


class Sanitation(models.TextChoices):
    OWN_SEPTIC = "own_septic", _("own latrine with septic tank or sewer")
    SHARED_SEPTIC = "shared_septic", _("shared latrine with septic tank or sewer")
    OWN_NO_SEPTIC = "own_no_septic", _("own latrine without septic tank")
    PUBLIC = "public", _("public latrine (MCK)")
    OPEN = "open", _("no latrine (open defecation)")


class Wastewater(models.TextChoices):
    """Where the household's grey water (kitchen, bath, laundry) goes (see docs/wash.md)."""

    SEWER = "sewer", _("closed sewer or SPALD")
    PIT = "pit", _("septic tank or infiltration pit")
    OPEN_DRAIN = "open_drain", _("open drain")
    GROUND = "ground", _("onto the ground or into the yard")
    RIVER = "river", _("into a river, pond or the sea")


class Household(models.Model):
    """A family registered by KK (Kartu Keluarga) at an address."""

    SCOPE = {"posyandu": "posyandu", "household": "", "kelurahan": "kelurahan"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    kk_number = models.CharField(
        _("KK number"), max_length=16, blank=True, validators=[kk_validator], db_index=True
    )
    head_name = models.CharField(_("head of household"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    kelurahan = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="households",
        verbose_name=_("kelurahan"), limit_choices_to={"level": 4},
    )  # fmt: skip
    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.PROTECT, related_name="households",
        verbose_name=_("posyandu"),
    )  # fmt: skip
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    water_source = models.CharField(
        _("drinking water source"), max_length=24, choices=WaterSource.choices, blank=True
    )
    sanitation = models.CharField(
        _("sanitation"), max_length=24, choices=Sanitation.choices, blank=True
    )
    wastewater = models.CharField(
        _("grey water disposal"), max_length=24, choices=Wastewater.choices, blank=True
    )
    #: when water, sanitation and grey water were last checked (tumbuh.wash keeps the history)
    wash_checked_on = models.DateField(_("water and sanitation last checked"), null=True,
                                       blank=True)  # fmt: skip
    tpk_team = models.ForeignKey(
        "accounts.TpkTeam", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="households", verbose_name=_("family assistance team"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["kelurahan_id", "rw", "rt", "head_name"]
        indexes = [
            models.Index(fields=["posyandu", "head_name"]),
            # the household list's order: neighbourhood, then name (pages of a whole city)
            models.Index(
                fields=["kelurahan", "rw", "rt", "head_name"], name="household_list_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.head_name} — {self.address}"

    @property
    def rt_rw(self) -> str:
        return f"{self.rt or '-'}/{self.rw or '-'}"


class Person(models.Model):
    """An adult or adolescent: a mother, a pregnant woman, a household member."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=120)
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, validators=[validate_nik_format], db_index=True
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["nik"], condition=~Q(nik=""), name="uniq_person_nik")
        ]

    def __str__(self) -> str:
        return self.name


class ChildQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Child(models.Model):
    """A child under five followed at a posyandu."""

    SCOPE = {"posyandu": "posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=120)
    nik = models.CharField(
        _("NIK"), max_length=16, blank=True, validators=[validate_nik_format], db_index=True
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="children", verbose_name=_("household")
    )
    mother = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("mother"),
    )  # fmt: skip
    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.PROTECT, related_name="children",
        verbose_name=_("posyandu"),
    )  # fmt: skip
    birth_weight_kg = models.FloatField(
        _("birth weight (kg)"), null=True, blank=True,
        validators=[MinValueValidator(0.3), MaxValueValidator(7.0)],
    )  # fmt: skip
    birth_length_cm = models.FloatField(
        _("birth length (cm)"), null=True, blank=True,
        validators=[MinValueValidator(20), MaxValueValidator(65)],
    )  # fmt: skip
    has_kia_book = models.BooleanField(_("has a KIA book (growth card)"), default=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
        verbose_name=_("merged into"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["posyandu", "birth_date"]),
            models.Index(fields=["birth_date", "mother"]),
        ]
        permissions = [("view_identity", _("Can see names, NIK and addresses"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The birth date is in the future.")})

    def age_days_on(self, day: dt.date) -> int:
        return (day - self.birth_date).days

    @property
    def is_under_five(self) -> bool:
        return self.age_days_on(timezone.localdate()) <= 1826


class Pregnancy(models.Model):
    """One pregnancy of a woman, from HPHT (last menstrual period) to its end."""

    SCOPE = {"posyandu": "posyandu", "household": "woman__household",
             "kelurahan": "woman__household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    woman = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="pregnancies", verbose_name=_("woman"),
        limit_choices_to={"sex": Sex.FEMALE},
    )  # fmt: skip
    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.PROTECT, related_name="pregnancies",
        verbose_name=_("posyandu"),
    )  # fmt: skip
    hpht = models.DateField(_("first day of last menstrual period (HPHT)"))
    hpl = models.DateField(_("estimated delivery date (HPL)"), blank=True)
    gravida = models.PositiveSmallIntegerField(_("gravida"), default=1)
    para = models.PositiveSmallIntegerField(_("para"), default=0)
    abortus = models.PositiveSmallIntegerField(_("abortus"), default=0)
    pre_pregnancy_weight_kg = models.FloatField(
        _("weight before pregnancy (kg)"), null=True, blank=True,
        validators=[MinValueValidator(25), MaxValueValidator(200)],
    )  # fmt: skip
    height_cm = models.FloatField(
        _("height (cm)"), null=True, blank=True,
        validators=[MinValueValidator(100), MaxValueValidator(210)],
    )  # fmt: skip
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        ordering = ["-hpht"]

    def __str__(self) -> str:
        return f"{self.woman} ({self.hpht:%d-%m-%Y})"

    def clean(self) -> None:
        if self.hpl and self.hpl <= self.hpht:
            raise ValidationError({"hpl": _("HPL must come after HPHT.")})
        if self.para > self.gravida:
            raise ValidationError({"para": _("Para cannot exceed gravida.")})

    def save(self, *args, **kwargs):
        if not self.hpl:
            self.hpl = self.hpht + dt.timedelta(days=280)  # Naegele's rule
        super().save(*args, **kwargs)

    def gestational_weeks_on(self, day: dt.date) -> float:
        return (day - self.hpht).days / 7

    @property
    def is_ongoing(self) -> bool:
        return self.ended_on is None

    @property
    def pre_pregnancy_bmi(self) -> float | None:
        if self.pre_pregnancy_weight_kg and self.height_cm:
            return self.pre_pregnancy_weight_kg / (self.height_cm / 100) ** 2
        return None


class MergeRecord(models.Model):
    """Who merged which duplicate child into which, when, and what moved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    kept = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_removed")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("merge record")
        verbose_name_plural = _("merge records")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged} → {self.kept}"
