"""Forget the cached city-wide worklists whenever the data they are computed from changes.

Connected in :meth:`tumbuh.worklists.apps.WorklistsConfig.ready`. Every change bumps one
generation number that is part of the cache key (:func:`tumbuh.worklists.services.cached_snapshot`),
so the next list is computed afresh. Bulk writes that send no signal are caught by the cache's
short lifetime.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from . import services

#: Models whose rows the worklists read (app label, model name).
WATCHED = (
    ("worklists", "FollowUp"),
    ("monitoring", "ChildMeasurement"),
    ("monitoring", "PregnancyCheck"),
    ("registry", "Child"),
    ("registry", "Pregnancy"),
    ("registry", "Household"),
)


def forget(sender=None, **kwargs) -> None:
    services.forget_cached_snapshots()


def connect() -> None:
    from django.apps import apps

    from tumbuh.monitoring.signals import measurements_changed

    for label, name in WATCHED:
        model = apps.get_model(label, name)
        post_save.connect(forget, sender=model, dispatch_uid=f"worklists-forget-save-{name}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"worklists-forget-delete-{name}")
    measurements_changed.connect(forget, dispatch_uid="worklists-forget-measurements")
