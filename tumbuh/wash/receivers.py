"""Keep the history when a household's water / sanitation changes outside this app (the registry's
family form, the admin site): every ``Household.save()`` that changes a tracked field records a
:class:`~tumbuh.wash.models.HouseholdWashChange` ("checked by a cadre or officer").

This app's own services write with ``QuerySet.update()`` and record the history themselves.
A household's first status (when it is registered) is its starting point, not a change.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from tumbuh.registry.models import Household

from .models import WASH_FIELDS, ChangeSource, HouseholdWashChange


@receiver(pre_save, sender=Household, dispatch_uid="wash-household-before")
def remember_status(sender, instance: Household, raw=False, update_fields=None, **kwargs):
    instance._wash_before = None
    if raw or instance._state.adding:
        return
    if update_fields is not None and not set(update_fields) & set(WASH_FIELDS):
        return
    instance._wash_before = (
        Household.objects.filter(pk=instance.pk).values(*WASH_FIELDS).first()
    )


@receiver(post_save, sender=Household, dispatch_uid="wash-household-after")
def record_changes(sender, instance: Household, created=False, raw=False, **kwargs):
    before = getattr(instance, "_wash_before", None)
    instance._wash_before = None
    if raw or created or not before:
        return
    today = timezone.localdate()
    day = instance.wash_checked_on if instance.wash_checked_on else today
    # the day the form says it was checked, but never earlier than the last recorded change
    last = (HouseholdWashChange.objects.filter(household=instance)
            .order_by("-changed_on").values_list("changed_on", flat=True).first())  # fmt: skip
    day = min(day, today)
    if last and day < last:
        day = last
    changes = [
        HouseholdWashChange(household=instance, changed_on=day, field=name, old=before[name] or "",
                            new=getattr(instance, name) or "", source=ChangeSource.MANUAL,
                            recorded_by=getattr(instance, "_wash_user", None))
        for name in WASH_FIELDS if (before[name] or "") != (getattr(instance, name) or "")
    ]  # fmt: skip
    HouseholdWashChange.objects.bulk_create(changes)
