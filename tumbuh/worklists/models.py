"""What was done about an item of a worklist.

The items themselves are not stored: they are computed from stored rows (measurements, pregnancy
checks, the registry) each time a list is shown (:mod:`tumbuh.worklists.services`). Only the
action taken on an item is stored, as one :class:`FollowUp` row, and an item with a follow-up
leaves the open list.

An item is identified by its reason and its trigger:

- *not weighed this month*: the child and the month (``child`` + ``month``);
- a child's measurement that shows a problem (newly stunted, 2T, BGM, severely wasted): the
  measurement (``measurement``);
- a pregnant woman's check that shows KEK or anaemia: the check (``pregnancy_check``).

Each kind of key is unique per reason (partial unique indexes), so tapping a button twice, or two
users acting on the same item at once, saves one follow-up. A new trigger (a new BGM next month)
is a new item.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    """Why someone is on a worklist. The rules are in :mod:`tumbuh.worklists.services`."""

    NOT_WEIGHED = "not_weighed", _("Not weighed this month")
    SEVERE_WASTING = "severe_wasting", _("Severely wasted")
    BGM = "bgm", _("Below the red line (BGM)")
    NEW_STUNTING = "new_stunting", _("Newly stunted")
    FALTERING_2T = "faltering_2t", _("No weight gain twice (2T)")
    KEK = "kek", _("Pregnant with KEK")
    ANAEMIA = "anaemia", _("Pregnant with anaemia")


#: What each reason means and what to do, in plain words (shown on the item's page).
REASON_HELP = {
    Reason.NOT_WEIGHED: _("Not weighed yet this month. Invite the family to the posyandu, or "
                          "weigh the child at home."),
    Reason.SEVERE_WASTING: _("Severely wasted: the weight is far too low for the length or "
                             "height, or both feet are swollen (oedema). Refer the child to the "
                             "puskesmas today."),
    Reason.BGM: _("The weight is below the red line of the growth card (BGM). Have the child "
                  "checked at the puskesmas."),
    Reason.NEW_STUNTING: _("Short for the age (stunted) for the first time. Check the length "
                           "again and refer the child to the puskesmas for an assessment."),
    Reason.FALTERING_2T: _("Did not gain enough weight two months in a row (2T). Talk with the "
                           "mother about feeding and illness, and refer the child to the "
                           "puskesmas."),
    Reason.KEK: _("Chronic energy deficiency (KEK), or at risk of it by the upper-arm "
                  "circumference (LiLA). Extra food (PMT) for pregnant women and a check by the "
                  "midwife."),
    Reason.ANAEMIA: _("Anaemia: the haemoglobin is too low. Iron tablets and a check by the "
                      "midwife."),
}

#: Reasons whose subject is a child (the rest concern a pregnancy).
CHILD_REASONS = frozenset({Reason.NOT_WEIGHED, Reason.SEVERE_WASTING, Reason.BGM,
                           Reason.NEW_STUNTING, Reason.FALTERING_2T})  # fmt: skip
PREGNANCY_REASONS = frozenset({Reason.KEK, Reason.ANAEMIA})


class Action(models.TextChoices):
    """What was done. Later programmes add choices (and link what they create, ``outcome``)."""

    REFERRED = "referred", _("Referred")
    VISITED = "visited", _("Visited")
    ENROLLED = "enrolled", _("Enrolled")
    NOT_FOUND = "not_found", _("Not found")


class FollowUp(models.Model):
    """The action taken on one worklist item: who did what, when, with a note."""

    SCOPE = {"posyandu": "posyandu", "household": "household",
             "kelurahan": "household__kelurahan"}  # fmt: skip

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    # --- the subject: a child or a pregnancy ---------------------------------------------------
    child = models.ForeignKey(
        "registry.Child", null=True, blank=True, on_delete=models.CASCADE,
        related_name="follow_ups", verbose_name=_("child"),
    )  # fmt: skip
    pregnancy = models.ForeignKey(
        "registry.Pregnancy", null=True, blank=True, on_delete=models.CASCADE,
        related_name="follow_ups", verbose_name=_("pregnancy"),
    )  # fmt: skip
    # --- the trigger: a month, a measurement or a check ---------------------------------------
    month = models.DateField(
        _("month"), null=True, blank=True, help_text=_("First day of the month (not weighed).")
    )
    measurement = models.ForeignKey(
        "monitoring.ChildMeasurement", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="follow_ups", verbose_name=_("measurement"),
    )  # fmt: skip
    pregnancy_check = models.ForeignKey(
        "monitoring.PregnancyCheck", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="follow_ups", verbose_name=_("pregnancy check"),
    )  # fmt: skip
    # --- where, for scoping (copied from the subject when the action is recorded) -------------
    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.PROTECT, related_name="+", verbose_name=_("posyandu")
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("household"),
    )  # fmt: skip
    # --- what and when ------------------------------------------------------------------------
    done_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True, max_length=500)
    #: What the action created in another programme (a PMT enrolment, a referral, a visit).
    outcome_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_id = models.UUIDField(null=True, blank=True)
    outcome = GenericForeignKey("outcome_type", "outcome_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False, pregnancy__isnull=True)
                | Q(child__isnull=True, pregnancy__isnull=False),
                name="followup_one_subject",
            ),
            models.UniqueConstraint(
                fields=["reason", "child", "month"], condition=Q(month__isnull=False),
                name="uniq_followup_month",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["reason", "measurement"], condition=Q(measurement__isnull=False),
                name="uniq_followup_measurement",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["reason", "pregnancy_check"], condition=Q(pregnancy_check__isnull=False),
                name="uniq_followup_check",
            ),  # fmt: skip
        ]
        indexes = [models.Index(fields=["created_at"], name="followup_recent")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.get_action_display()} ({self.done_on})"

    @property
    def subject(self):
        return self.child if self.child_id else self.pregnancy
