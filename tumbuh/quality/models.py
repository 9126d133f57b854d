"""Stored data-quality statistics per posyandu, recorder and month (docs/quality.md).

Summing a city's measurements on every view is too slow on SQLite (a month of Balikpapan is
~49,000 rows spread over a 0.9 GB table: ~0.4 s of reading before any arithmetic). A cell
stores the *additive* statistics of :mod:`tumbuh.quality.stats` for the counted measurements
of one posyandu's children, recorded by one user, in one month: about 1,300 cells a month for
the whole city. Any grouping (posyandu, cadre, kelurahan, puskesmas, kecamatan, city, several
months) is a sum of cells.

Cells are built when a page first needs them (:func:`tumbuh.quality.summary.ensure`) and
dropped when the data they count change (:mod:`tumbuh.quality.receivers`): a
:class:`ScorecardMonth` row says that the cells of a posyandu and month are stored (a month
with no measurement has a marker and no cell).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .stats import FLOAT_FIELDS, INT_FIELDS


class ScorecardMonth(models.Model):
    """The cells of one posyandu and month are stored and up to date."""

    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.CASCADE, related_name="+", verbose_name=_("posyandu")
    )
    month = models.DateField(_("month"))
    built_at = models.DateTimeField(_("built at"), auto_now=True)

    class Meta:
        verbose_name = _("scorecard month")
        verbose_name_plural = _("scorecard months")
        constraints = [
            models.UniqueConstraint(fields=["posyandu", "month"], name="uniq_scorecard_month")
        ]
        indexes = [models.Index(fields=["month", "posyandu"])]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.month:%Y-%m}"


class ScorecardCell(models.Model):
    """Statistics of the counted measurements of one posyandu's children, entered by one user
    (``cadre``; None when the recorder is unknown), in one month."""

    #: Scoped like the posyandu it belongs to (accounts.scope.visible); TPK teams, whose scope
    #: is a list of households, get their figures from their own rows instead.
    SCOPE = {"posyandu": "posyandu", "household": None, "kelurahan": "posyandu__kelurahan"}

    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.CASCADE, related_name="+", verbose_name=_("posyandu")
    )
    month = models.DateField(_("month"))
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name=_("recorded by"),
    )  # fmt: skip
    # The statistics of tumbuh.quality.stats.FIELDS: added below the class.

    class Meta:
        verbose_name = _("scorecard cell")
        verbose_name_plural = _("scorecard cells")
        indexes = [
            models.Index(fields=["month", "posyandu"]),
            models.Index(fields=["cadre", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.month:%Y-%m} {self.cadre_id}"


for _name in INT_FIELDS:
    ScorecardCell.add_to_class(_name, models.PositiveIntegerField(_name, default=0))
for _name in FLOAT_FIELDS:
    ScorecardCell.add_to_class(_name, models.FloatField(_name, default=0.0))
