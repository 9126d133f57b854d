"""Drop stored scorecard cells when the data they count change (docs/quality.md).

Connected in :meth:`tumbuh.quality.apps.QualityConfig.ready`. Receivers only delete (cheap, in
the same transaction as the change); the next page that needs the cells builds them again
(:func:`tumbuh.quality.summary.ensure`).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from . import summary


def on_measurements_changed(sender, *, child_ids=None, since=None, **kwargs):
    from tumbuh.registry.models import Child

    if child_ids is None:
        summary.invalidate(None, since=since)
        return
    ids = Child.objects.filter(pk__in=child_ids).values_list("posyandu_id", flat=True)
    summary.invalidate(list(ids), since=since)


def on_measurement_deleted(sender, instance, **kwargs):
    from tumbuh.registry.models import Child

    posyandu_id = (
        Child.objects.filter(pk=instance.child_id).values_list("posyandu_id", flat=True).first()
    )
    if posyandu_id is not None:
        summary.invalidate([posyandu_id], since=instance.measured_on)


#: Fields of a child that change what the scorecard counts, or under which posyandu.
_CHILD_FIELDS = ("posyandu_id", "birth_date", "merged_into_id")


def remember_old_child(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        instance._scorecard_before = None
        return
    instance._scorecard_before = (
        type(instance).objects.filter(pk=instance.pk).values(*_CHILD_FIELDS).first()
    )


def on_child_saved(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_scorecard_before", None)
    if raw or before is None:
        return  # a new child has no measurement yet
    if before == {f: getattr(instance, f) for f in _CHILD_FIELDS}:
        return
    summary.invalidate({instance.posyandu_id, before["posyandu_id"]})


def on_child_deleted(sender, instance, **kwargs):
    summary.invalidate([instance.posyandu_id])


def on_user_deleted(sender, instance, **kwargs):
    """The user's measurements lose their recorder (SET_NULL): recount their posyandu."""
    from .models import ScorecardCell

    posyandu = set(
        ScorecardCell.objects.filter(cadre=instance).values_list("posyandu_id", flat=True)
    )
    if posyandu:
        summary.invalidate(posyandu)


def connect() -> None:
    from django.contrib.auth import get_user_model

    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.monitoring.signals import measurements_changed
    from tumbuh.registry.models import Child

    measurements_changed.connect(on_measurements_changed, dispatch_uid="quality-measurements")
    post_delete.connect(
        on_measurement_deleted, sender=ChildMeasurement, dispatch_uid="quality-measurement-del"
    )
    pre_save.connect(remember_old_child, sender=Child, dispatch_uid="quality-child-before")
    post_save.connect(on_child_saved, sender=Child, dispatch_uid="quality-child-saved")
    post_delete.connect(on_child_deleted, sender=Child, dispatch_uid="quality-child-deleted")
    pre_delete.connect(on_user_deleted, sender=get_user_model(), dispatch_uid="quality-user-del")
