"""Karamunting: the cadre registry, the training modules, sessions and who attended them.

A :class:`Cadre` is a person (a posyandu cadre, or one of the three members of a family
assistance team), with or without an account. Their training is a list of
:class:`Attendance` rows of :class:`Session` objects, each teaching one or more
:class:`Module` of the versioned catalogue (``data/modules-*.toml``). See docs/training.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tumbuh.registry.models import validate_nik_format

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class CadreRole(models.TextChoices):
    POSYANDU = "posyandu", _("Posyandu cadre")
    PKK = "pkk", _("PKK cadre (TPK)")
    KB = "kb", _("Family-planning cadre (TPK)")
    TPK_BIDAN = "tpk_bidan", _("Midwife (TPK)")
    OTHER = "other", _("Other")


#: Roles of the three members of a family assistance team.
TPK_ROLES = (CadreRole.PKK, CadreRole.KB, CadreRole.TPK_BIDAN)


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class Cadre(models.Model):
    """A cadre of a posyandu or a member of a family assistance team (TPK).

    The main posyandu or the team places the cadre; ``kelurahan`` is derived from it on save
    (the analysts' scope and the coverage rows). Who sees a cadre: ``training.scope``.
    """

    SCOPE = {"posyandu": "posyandu", "household": None, "kelurahan": "kelurahan"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[validate_nik_format])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True,
        validators=[MinValueValidator(1930), MaxValueValidator(2015)],
    )  # fmt: skip
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cadre", verbose_name=_("account"),
        help_text=_("The cadre's account, if they have one: links their measurements."),
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=16, choices=CadreRole.choices,
                            default=CadreRole.POSYANDU)  # fmt: skip
    posyandu = models.ForeignKey(
        "areas.Posyandu", null=True, blank=True, on_delete=models.PROTECT,
        related_name="registered_cadres", verbose_name=_("main posyandu"),
    )  # fmt: skip
    tpk_team = models.ForeignKey(
        "accounts.TpkTeam", null=True, blank=True, on_delete=models.PROTECT,
        related_name="cadres", verbose_name=_("family assistance team"),
    )  # fmt: skip
    kelurahan = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("kelurahan"),
    )  # fmt: skip
    active_since = models.DateField(_("cadre since"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(posyandu__isnull=False) | Q(tpk_team__isnull=False),
                name="training_cadre_has_place",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("active_since")),
                name="training_cadre_left_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.posyandu_id and not self.tpk_team_id:
            errors["posyandu"] = _("Choose the cadre's main posyandu or their team.")
        elif self.role in TPK_ROLES and not self.tpk_team_id:
            errors["tpk_team"] = _("A member of a family assistance team needs the team.")
        elif self.role == CadreRole.POSYANDU and not self.posyandu_id:
            errors["posyandu"] = _("A posyandu cadre needs their main posyandu.")
        if self.left_on and self.active_since and self.left_on < self.active_since:
            errors["left_on"] = _("The cadre cannot leave before they started (%(date)s).") % {
                "date": self.active_since.strftime("%d-%m-%Y")}
        if self.left_on and self.is_active:
            errors["is_active"] = _("A cadre who left is not active: untick “active”.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.kelurahan_id = self.derived_kelurahan_id()
        super().save(*args, **kwargs)

    def derived_kelurahan_id(self):
        if self.posyandu_id:
            return self.posyandu.kelurahan_id
        if self.tpk_team_id:
            return self.tpk_team.kelurahan_id
        return None

    @property
    def place(self):
        """The posyandu or the team the cadre works with, for lists."""
        return self.posyandu or self.tpk_team

    def was_active_on(self, day) -> bool:
        return self.active_since <= day and (self.left_on is None or self.left_on >= day)


class Module(models.Model):
    """A training module of the catalogue (``data/modules-*.toml``); synchronised, not typed."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    core = models.BooleanField(_("core module"), default=False)
    anthropometry = models.BooleanField(_("teaches measuring"), default=False)
    version = models.CharField(_("catalogue version"), max_length=16)
    in_catalogue = models.BooleanField(
        _("in the current catalogue"), default=True,
        help_text=_("Modules dropped from the catalogue stay for the sessions that taught them."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The title in the active language (the catalogue's titles are Indonesian)."""
        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title


class Session(models.Model):
    """A training session (one or more days) teaching one or more modules."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    modules = models.ManyToManyField(Module, related_name="sessions", verbose_name=_("modules"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), null=True, blank=True,
                                help_text=_("Leave empty for a one-day session."))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True,
                                 help_text=_("For example Dinas Kesehatan, DP3AKB, a puskesmas."))
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    puskesmas = models.ForeignKey(
        "areas.Puskesmas", null=True, blank=True, on_delete=models.PROTECT,
        related_name="training_sessions", verbose_name=_("puskesmas"),
        help_text=_("The puskesmas that runs the session; empty for a city session."),
    )  # fmt: skip
    kelurahan = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": 4}, verbose_name=_("kelurahan of the venue"),
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="training_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%d-%m-%Y})"

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _(
                "The last day (%(end)s) is before the first day (%(start)s).") % {
                "end": self.end_date.strftime("%d-%m-%Y"),
                "start": self.start_date.strftime("%d-%m-%Y")}})

    @property
    def last_day(self):
        return self.end_date or self.start_date


class Attendance(models.Model):
    """One cadre invited to one session: whether they came, and their test scores (0–100).

    ``passed`` is decided by the catalogue's pass mark when the row is saved; the mark and the
    catalogue version that decided it are stored with it.
    """

    SCOPE = {"posyandu": "cadre__posyandu", "household": None, "kelurahan": "cadre__kelurahan"}

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("session"))
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="attendances",
                              verbose_name=_("cadre"))
    attended = models.BooleanField(_("attended"), default=True)
    pre_score = models.PositiveSmallIntegerField(_("pre-test score"), null=True, blank=True,
                                                 validators=SCORE_VALIDATORS)
    post_score = models.PositiveSmallIntegerField(_("post-test score"), null=True, blank=True,
                                                  validators=SCORE_VALIDATORS)
    passed = models.BooleanField(_("passed"), null=True, blank=True, editable=False)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), null=True, blank=True,
                                                 editable=False)
    rules_version = models.CharField(_("catalogue version"), max_length=16, blank=True,
                                     editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="training_attendance_once"),
            models.CheckConstraint(condition=Q(pre_score__lte=100) | Q(pre_score__isnull=True),
                                   name="training_pre_score_0_100"),
            models.CheckConstraint(condition=Q(post_score__lte=100) | Q(post_score__isnull=True),
                                   name="training_post_score_0_100"),
            models.CheckConstraint(
                condition=Q(attended=True)
                | (Q(pre_score__isnull=True) & Q(post_score__isnull=True)),
                name="training_scores_only_if_attended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.session}"

    def clean(self) -> None:
        super().clean()
        if not self.attended and (self.pre_score is not None or self.post_score is not None):
            raise ValidationError(
                _("%(name)s did not attend: leave the scores empty or tick “attended”.")
                % {"name": self.cadre.name if self.cadre_id else _("This cadre")}
            )

    def decide(self, catalogue) -> None:
        """Set ``passed`` from the post-test score and the catalogue's pass mark."""
        if self.attended and self.post_score is not None:
            self.passed = self.post_score >= catalogue.pass_mark
            self.pass_mark = catalogue.pass_mark
            self.rules_version = catalogue.version
        else:
            self.passed, self.pass_mark, self.rules_version = None, None, ""

    @property
    def gain(self) -> int | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score
