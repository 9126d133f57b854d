"""Signals of growth monitoring, for apps that keep figures derived from measurements.

``measurements_changed`` is sent after measurements were saved, re-derived or removed, inside
the same transaction, with ``child_ids`` (a list of Child pks, or None for "any child": a
bulk recompute) and ``since`` (the earliest date whose month may have changed, or None for
every month).
"""

from django.dispatch import Signal

measurements_changed = Signal()
