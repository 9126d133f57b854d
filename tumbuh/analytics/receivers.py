"""Keep the stored monthly figures in step with the data they count.

Connected in :meth:`tumbuh.analytics.apps.AnalyticsConfig.ready`. Each receiver recounts, in the
same transaction, the months already stored for the posyandu concerned
(:func:`tumbuh.analytics.figures.refresh`); months not stored yet are built on first use.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from . import figures


def on_measurements_changed(sender, *, child_ids=None, since=None, **kwargs):
    from tumbuh.areas.models import Posyandu
    from tumbuh.registry.models import Child

    if child_ids is None:
        ids = Posyandu.objects.values_list("pk", flat=True)
    else:
        ids = Child.objects.filter(pk__in=child_ids).values_list("posyandu_id", flat=True)
    figures.refresh(list(ids), since=since)


def on_measurement_deleted(sender, instance, **kwargs):
    posyandu_id = type(instance.child).objects.filter(pk=instance.child_id).values_list(
        "posyandu_id", flat=True
    ).first()  # fmt: skip
    figures.refresh([posyandu_id], since=instance.measured_on)


#: Fields of a child that change what its posyandu's figures count.
_CHILD_FIELDS = ("posyandu_id", "birth_date", "sex", "has_kia_book", "merged_into_id")


def remember_old_child(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding:
        instance._figures_before = None
        return
    instance._figures_before = (
        type(instance).objects.filter(pk=instance.pk).values(*_CHILD_FIELDS).first()
    )


def on_child_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_figures_before", None)
    now = {f: getattr(instance, f) for f in _CHILD_FIELDS}
    if before == now:
        return
    posyandu = {instance.posyandu_id}
    if before:
        posyandu.add(before["posyandu_id"])
    figures.refresh(posyandu)


def on_child_deleted(sender, instance, **kwargs):
    figures.refresh([instance.posyandu_id])


def connect() -> None:
    from tumbuh.monitoring.models import ChildMeasurement
    from tumbuh.monitoring.signals import measurements_changed
    from tumbuh.registry.models import Child

    measurements_changed.connect(on_measurements_changed, dispatch_uid="analytics-measurements")
    post_delete.connect(
        on_measurement_deleted, sender=ChildMeasurement, dispatch_uid="analytics-measurement-del"
    )
    pre_save.connect(remember_old_child, sender=Child, dispatch_uid="analytics-child-before")
    post_save.connect(on_child_saved, sender=Child, dispatch_uid="analytics-child-saved")
    post_delete.connect(on_child_deleted, sender=Child, dispatch_uid="analytics-child-deleted")
