"""The administrative tree (province › kabupaten/kota › kecamatan › desa/kelurahan), and the
puskesmas and posyandu that serve it.

Areas are keyed by their Kemendagri code as text (``64.71.05.1010``), exactly as in the code
list (``data/wilayah.csv``); see :mod:`tumbuh.areas.codes` and ``docs/areas.md``. They are loaded
with ``tumbuh loadareas CODE`` rather than typed in.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tumbuh.areas import codes


class Area(models.Model):
    """One province, kabupaten/kota, kecamatan or desa/kelurahan of the Kemendagri code list."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("kabupaten/kota")
        DISTRICT = 3, _("kecamatan")
        VILLAGE = 4, _("desa/kelurahan")

    class Kind(models.TextChoices):
        """What the code says an area is: finer than its level (kabupaten vs kota, ...)."""

        PROVINCE = "province", _("province")
        REGENCY = "kabupaten", _("kabupaten")
        CITY = "kota", _("kota")
        DISTRICT = "kecamatan", _("kecamatan")
        KELURAHAN = "kelurahan", _("kelurahan")
        DESA = "desa", _("desa")
        DESA_ADAT = "desa_adat", _("desa adat")

    code = models.CharField(
        _("code"),
        max_length=codes.MAX_CODE_LENGTH,
        primary_key=True,
        help_text=_("Kemendagri code with its dots, for example 64.71.05.1010."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent area"),
    )
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("GeoJSON Polygon or MultiPolygon geometry, longitude/latitude (WGS84)."),
    )
    aliases = models.JSONField(
        _("other spellings"),
        default=list,
        blank=True,
        help_text=_("Older or local spellings of the name, used to match imported data."),
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"], name="areas_area_level_parent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4),
                name="areas_area_level_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="areas_area_parent_unless_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kind(self) -> Area.Kind:
        """Kabupaten or kota, kelurahan, desa or desa adat, read from the code.

        A kabupaten/kota number from 71 up is a kota; the first digit of a village number is
        1 for a kelurahan, 2 for a desa and 3 for a desa adat.
        """
        return Area.Kind(codes.kind_of(self.code))

    def descendants(self) -> models.QuerySet[Area]:
        """Every loaded area under this one (not itself), by code prefix, in code order."""
        return Area.objects.filter(code__startswith=self.code + ".")

    def ancestors(self) -> models.QuerySet[Area]:
        """The loaded areas above this one, province first."""
        return Area.objects.filter(code__in=codes.ancestors_of(self.code)).order_by("level")

    def clean(self) -> None:
        super().clean()
        if not codes.is_code(self.code or ""):
            raise ValidationError(
                {
                    "code": _(
                        "Write the Kemendagri code with its dots, for example 64.71 or "
                        "64.71.05.1010; got %(code)s."
                    )
                    % {"code": self.code}
                }
            )
        errors = {}
        if self.level != codes.level_of(self.code):
            errors["level"] = _("The code %(code)s is a code of level %(level)d.") % {
                "code": self.code,
                "level": codes.level_of(self.code),
            }
        if self.parent_id != codes.parent_of(self.code):
            errors["parent"] = _("The parent of %(code)s must be %(parent)s.") % {
                "code": self.code,
                "parent": codes.parent_of(self.code) or _("none"),
            }
        if self.level == self.Level.VILLAGE and self.code[-4] not in codes.VILLAGE_KINDS:
            errors["code"] = _("A village number starts with 1, 2 or 3.")
        if not isinstance(self.aliases, list) or not all(
            isinstance(alias, str) and alias.strip() for alias in self.aliases
        ):
            errors["aliases"] = _('Write other spellings as a list of names: ["Muararapak"].')
        if errors:
            raise ValidationError(errors)


class Puskesmas(models.Model):
    """A community health centre; it serves a catchment of kelurahan and runs posyandu."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("facility code"),
        max_length=32,
        blank=True,
        help_text=_("The Ministry of Health facility code, if known."),
    )
    kecamatan = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="puskesmas",
        limit_choices_to={"level": Area.Level.DISTRICT},
        verbose_name=_("kecamatan"),
    )
    catchment = models.ManyToManyField(
        Area,
        blank=True,
        related_name="serving_puskesmas",
        limit_choices_to={"level": Area.Level.VILLAGE},
        verbose_name=_("catchment"),
        help_text=_(
            "The kelurahan this puskesmas serves. Catchments need not follow kelurahan lines: "
            "one kelurahan may be shared by two puskesmas."
        ),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("puskesmas")
        verbose_name_plural = _("puskesmas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "name"], name="areas_puskesmas_unique_name_in_kecamatan"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kecamatan_id and self.kecamatan.level != Area.Level.DISTRICT:
            raise ValidationError({"kecamatan": _("Choose a kecamatan (an area of level 3).")})


class Posyandu(models.Model):
    """A community health post where children are weighed each month."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(_("name"), max_length=120)
    puskesmas = models.ForeignKey(
        Puskesmas,
        on_delete=models.PROTECT,
        related_name="posyandu",
        verbose_name=_("puskesmas"),
    )
    kelurahan = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="posyandu",
        limit_choices_to={"level": Area.Level.VILLAGE},
        verbose_name=_("kelurahan"),
    )
    rt_rw = models.CharField(
        _("RT/RW"),
        max_length=64,
        blank=True,
        help_text=_("The neighbourhoods it serves, for example RW 03 (RT 01–05)."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("posyandu")
        verbose_name_plural = _("posyandu")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kelurahan", "name"], name="areas_posyandu_unique_name_in_kelurahan"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kelurahan_id and self.kelurahan.level != Area.Level.VILLAGE:
            raise ValidationError(
                {"kelurahan": _("Choose a desa or kelurahan (an area of level 4).")}
            )
