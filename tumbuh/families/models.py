"""Families at risk of stunting (keluarga berisiko stunting, KRS) and their assistance.

- :class:`Screening`: one screening of a household on the BKKBN criteria (domain §5.1): whether
  it is a *target family* (keluarga sasaran: a woman of reproductive age, a pregnant woman, a
  child under five) and which risk factors it has. The rule version that decided is stored.
  The latest screening on or before a date is the household's status on that date
  (:func:`tumbuh.families.services.households_at_risk`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Screening(models.Model):
    """One KRS screening of a household: target family or not, at risk or not, and why."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="krs_screenings",
        verbose_name=_("household"),
    )  # fmt: skip
    screened_on = models.DateField(_("screened on"))
    rule_version = models.CharField(_("rule version"), max_length=16)
    is_target = models.BooleanField(_("target family"), default=False)
    at_risk = models.BooleanField(_("at risk of stunting"), default=False)
    #: Codes of the risk factors found (see ``data/krs-*.toml``), e.g. ``["water", "too_young"]``.
    factors = models.JSONField(_("risk factors"), default=list, blank=True)
    #: Codes of why it is a target family (:class:`Target`), e.g. ``["pregnant", "baduta"]``.
    targets = models.JSONField(_("target types"), default=list, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("screened by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("KRS screening")
        verbose_name_plural = _("KRS screenings")
        ordering = ["-screened_on", "-created_at"]
        indexes = [
            # a household's latest screening, read per household (and per child, for the
            # city's convergence): the order of the lookup, so no sort per household
            models.Index(fields=["household", "-screened_on", "-created_at"],
                         name="krs_screening_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.screened_on} ({self.rule_version})"

    @property
    def factor_list(self) -> list[tuple[str, str]]:
        """``(code, label)`` of the factors found, in the order of :class:`Factor`."""
        return [(f.value, f.label) for f in Factor if f.value in (self.factors or [])]

    @property
    def target_list(self) -> list[tuple[str, str]]:
        return [(t.value, t.label) for t in Target if t.value in (self.targets or [])]


class Target(models.TextChoices):
    """Why a family is a target family (keluarga sasaran), in the order of visit priority."""

    PREGNANT = "pregnant", _("pregnant woman")
    POSTPARTUM = "postpartum", _("mother after delivery")
    BADUTA = "baduta", _("child under two (baduta)")
    BALITA = "balita", _("child aged two to four (balita)")
    PUS = "pus", _("woman of reproductive age (PUS)")


class Factor(models.TextChoices):
    """Risk factors of a target family (domain §5.1; rules in :mod:`tumbuh.families.rules`)."""

    WATER = "water", _("drinking water not layak")
    SANITATION = "sanitation", _("latrine not layak")
    TOO_YOUNG = "too_young", _("mother too young")
    TOO_OLD = "too_old", _("mother too old")
    TOO_CLOSE = "too_close", _("births too close")
    TOO_MANY = "too_many", _("too many children")
    SHORT_MOTHER = "short_mother", _("short mother")


class Topic(models.TextChoices):
    """Topics of an assistance visit (the configuration chooses which are offered)."""

    FEEDING = "feeding", _("infant and young child feeding")
    ANC = "anc", _("antenatal care (ANC) visits")
    IRON = "iron", _("iron tablets (TTD)")
    IMMUNISATION = "immunisation", _("immunisation")
    GROWTH = "growth", _("weighing at the posyandu")
    WATER = "water", _("clean drinking water")
    SANITATION = "sanitation", _("latrine and hygiene")
    FAMILY_PLANNING = "family_planning", _("family planning (KB)")
    SOCIAL = "social", _("social assistance")
    OTHER = "other", _("other")


class Function(models.TextChoices):
    """A TPK member's function in the team (domain §5.2: a bidan, a PKK and a KB cadre)."""

    BIDAN = "bidan", _("midwife")
    PKK = "pkk", _("PKK cadre")
    KB = "kb", _("family planning (KB) cadre")


class TeamMember(models.Model):
    """A TPK member's function in their team. The team itself is ``User.tpk_team``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tpk_function",
        verbose_name=_("user"),
    )  # fmt: skip
    function = models.CharField(_("function in the team"), max_length=8, choices=Function.choices)

    class Meta:
        verbose_name = _("TPK member function")
        verbose_name_plural = _("TPK member functions")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()})"


class Visit(models.Model):
    """One assistance visit of a TPK member to a family."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    #: The client generates the id (a hidden field), so sending the form twice saves one visit.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="krs_visits",
        verbose_name=_("household"),
    )  # fmt: skip
    visited_on = models.DateField(_("visit date"))
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("visited by"),
    )  # fmt: skip
    team = models.ForeignKey(
        "accounts.TpkTeam", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("family assistance team"),
    )  # fmt: skip
    topics = models.JSONField(_("topics"), default=list, blank=True)
    findings = models.TextField(_("findings"), blank=True, max_length=2000)
    referral = models.BooleanField(_("referred"), default=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistance visit")
        verbose_name_plural = _("assistance visits")
        ordering = ["-visited_on", "-created_at"]
        indexes = [models.Index(fields=["household", "visited_on"], name="krs_visit_latest")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"

    @property
    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics or [] if t in Topic.values]


class Destination(models.TextChoices):
    PUSKESMAS = "puskesmas", _("puskesmas")
    HOSPITAL = "hospital", _("hospital")
    POSYANDU = "posyandu", _("posyandu")
    SOCIAL = "social", _("social service (Dinas Sosial)")
    KB = "kb", _("family planning service")
    OTHER = "other", _("other")


class Status(models.TextChoices):
    SENT = "sent", _("sent")
    ATTENDED = "attended", _("attended")
    DONE = "done", _("outcome recorded")
    NOT_ATTENDED = "not_attended", _("did not attend")


OPEN_STATUSES = (Status.SENT, Status.ATTENDED)


class Referral(models.Model):
    """A family (or one of its members) sent to a service, followed until the outcome."""

    SCOPE = {"posyandu": "household__posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="krs_referrals",
        verbose_name=_("household"),
    )  # fmt: skip
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    child = models.ForeignKey(
        "registry.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("child"),
    )  # fmt: skip
    pregnancy = models.ForeignKey(
        "registry.Pregnancy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("pregnancy"),
    )  # fmt: skip
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals",
        verbose_name=_("visit"),
    )  # fmt: skip
    referred_on = models.DateField(_("referred on"))
    destination = models.CharField(_("referred to"), max_length=16, choices=Destination.choices)
    destination_detail = models.CharField(_("place"), max_length=120, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT
    )
    attended_on = models.DateField(_("attended on"), null=True, blank=True)
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("referred by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("updated by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-created_at"]
        indexes = [models.Index(fields=["status", "referred_on"], name="krs_referral_open")]
        constraints = [
            models.CheckConstraint(
                condition=Q(attended_on__isnull=True) | Q(attended_on__gte=F("referred_on")),
                name="krs_referral_attended_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("referred_on")),
                name="krs_referral_outcome_after_sent",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["attended", "done"]) | Q(attended_on__isnull=False),
                name="krs_referral_attended_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["done", "not_attended"]) | Q(outcome_on__isnull=False),
                name="krs_referral_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_destination_display()} {self.referred_on}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def subject(self):
        return self.child or self.pregnancy or self.person

    def clean(self) -> None:
        errors = {}
        if self.attended_on and self.referred_on and self.attended_on < self.referred_on:
            errors["attended_on"] = _("The family cannot attend before the referral was sent.")
        if self.outcome_on and self.referred_on and self.outcome_on < self.referred_on:
            errors["outcome_on"] = _("The outcome cannot come before the referral was sent.")
        if self.outcome_on and self.attended_on and self.outcome_on < self.attended_on:
            errors["outcome_on"] = _("The outcome cannot come before the visit to the service.")
        if self.status in (Status.ATTENDED, Status.DONE) and not self.attended_on:
            errors["attended_on"] = _("Give the date the family went to the service.")
        if self.status in (Status.DONE, Status.NOT_ATTENDED) and not self.outcome_on:
            errors["outcome_on"] = _("Give the date of the outcome.")
        if self.status == Status.DONE and not self.outcome.strip():
            errors["outcome"] = _("Describe the outcome.")
        if errors:
            raise ValidationError(errors)
