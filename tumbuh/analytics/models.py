"""Stored monthly figures per posyandu: what SKDN and prevalence pages read.

A city has about 500 posyandu and a million measurements over two years; summing the
measurement rows on every page view is seconds on SQLite. These tables hold, for each posyandu
and month, the counts and sums the pages need (a few thousand rows), kept up to date by
:mod:`tumbuh.analytics.figures` whenever a measurement or a child changes, and rebuilt by
``tumbuh refreshfigures``. Reports group them by kelurahan, puskesmas, kecamatan or city
through the posyandu's own links (:mod:`tumbuh.analytics.grouping`).

Every count follows one rule: a child counts once a month, by the measurement row whose
``counts_for_month`` is set, under the posyandu the child is registered with.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Indicators of the prevalence cells: field prefix → (z column, flag column, oedema counts
#: as -3.1 — WHO anthro's rule for the weight-based indices).
INDICATORS = {
    "ha": ("zlen", "flen", False),
    "wa": ("zwei", "fwei", True),
    "wh": ("zwfl", "fwfl", True),
    "bmi": ("zbmi", "fbmi", True),
}
#: Cut-off counts kept for each indicator: suffix → (comparison, cut-off).
CUTS = {"lt3": ("lt", -3), "lt2": ("lt", -2), "lt1": ("lt", -1),
        "gt1": ("gt", 1), "gt2": ("gt", 2), "gt3": ("gt", 3)}  # fmt: skip
#: WHO anthro's age groups (months: 0-5, 6-11, 12-23, 24-35, 36-47, 48-59), as upper bounds
#: on the age in days (age in months = days / 30.4375).
AGE_GROUP_DAYS = (182.625, 365.25, 730.5, 1095.75, 1461.0, 1826.0)
AGE_GROUP_LABELS = ("0-5", "6-11", "12-23", "24-35", "36-47", "48-59")
SKDN_FIELDS = ("s", "k", "d", "n", "t", "o", "b", "t2", "bgm", "d_length")


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class PosyanduMonth(models.Model):
    """SKDN of one posyandu in one month (docs/domain-indonesia.md §2.2), and the month's
    prevalence counts (the fields of :class:`PrevalenceCell` summed over sex and age group).

    S is the registered (riil) number of under-fives: children of the posyandu, not merged
    into another record, born by the end of the month and younger than 60 months on its first
    day. D counts those weighed in the month (a counted row with a weight, age at most 1826
    days); N, T, O and B split D by the weight-gain judgement, so D = N + T + O + B.
    """

    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.CASCADE, related_name="+", verbose_name=_("posyandu")
    )
    month = models.DateField(_("month"))
    s = _count(_("S: under-fives registered"))
    k = _count(_("K: with a KIA book"))
    d = _count(_("D: weighed"))
    n = _count(_("N: gained enough weight"))
    t = _count(_("T: did not gain enough weight"))
    o = _count(_("O: not weighed last month"))
    b = _count(_("B: first weighing"))
    t2 = _count(_("2T: two months without enough gain"))
    bgm = _count(_("BGM: below the red line"))
    d_length = _count(_("weighed and measured for length/height"))
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("posyandu month")
        verbose_name_plural = _("posyandu months")
        constraints = [
            models.UniqueConstraint(fields=["posyandu", "month"], name="uniq_posyandu_month")
        ]
        indexes = [models.Index(fields=["month", "posyandu"])]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.month:%Y-%m}"


class PrevalenceCell(models.Model):
    """Counts and sums behind WHO anthro's prevalence table, for the children of one posyandu
    measured in one month, by sex and age group (the simple design of ``anthro_prevalence``).

    ``rows`` is every counted measurement of a child aged at most 1826 days; for each
    indicator, ``<ind>_n`` the rows with a usable value (an unflagged z-score, or oedema for
    the weight-based indices, which counts as −3.1), the counts below −3, −2, −1 and above +1,
    +2, +3, and ``_zn``/``_zsum``/``_zsumsq`` the unflagged z-scores for the mean and SD.
    """

    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.CASCADE, related_name="+", verbose_name=_("posyandu")
    )
    month = models.DateField(_("month"))
    sex = models.CharField(_("sex"), max_length=1)
    age_group = models.PositiveSmallIntegerField(_("age group"))
    rows = _count(_("children measured"))
    # <ind>_n, _lt3 ... _gt3, _zn, _zsum, _zsumsq for each indicator: added below the class.
    hawh_n = _count(_("with length-for-age and weight-for-length"))
    ha2_wh2 = _count(_("stunted and wasted"))
    ha2_whp2 = _count(_("stunted and overweight"))

    class Meta:
        verbose_name = _("prevalence cell")
        verbose_name_plural = _("prevalence cells")
        constraints = [
            models.UniqueConstraint(
                fields=["posyandu", "month", "sex", "age_group"], name="uniq_prevalence_cell"
            )
        ]
        indexes = [models.Index(fields=["month", "posyandu"])]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.month:%Y-%m} {self.sex} {self.age_group}"


def _add_prevalence_fields(model) -> None:
    for ind in INDICATORS:
        for part in ("n", *CUTS, "zn"):
            model.add_to_class(f"{ind}_{part}", _count(f"{ind} {part}"))
        for part in ("zsum", "zsumsq"):
            model.add_to_class(f"{ind}_{part}", models.FloatField(f"{ind} {part}", default=0.0))


_add_prevalence_fields(PrevalenceCell)
# The month's totals over sex and age group, so that a city's areas × months read a few
# thousand rows.
PosyanduMonth.add_to_class("rows", _count(_("children measured")))
_add_prevalence_fields(PosyanduMonth)
for _name, _label in (("hawh_n", _("with length-for-age and weight-for-length")),
                      ("ha2_wh2", _("stunted and wasted")),
                      ("ha2_whp2", _("stunted and overweight"))):  # fmt: skip
    PosyanduMonth.add_to_class(_name, _count(_label))

#: The count and sum fields of a prevalence cell, in a fixed order.
CELL_FIELDS = (
    "rows",
    *(f"{ind}_{part}" for ind in INDICATORS
      for part in ("n", *CUTS, "zn", "zsum", "zsumsq")),
    "hawh_n", "ha2_wh2", "ha2_whp2",
)  # fmt: skip


class UnderFiveProjection(models.Model):
    """The projected number of under-fives of a posyandu in a year (S projected): the
    denominator Pusdatin/BPS projections give, beside the registered S of
    :class:`PosyanduMonth` (docs/domain-indonesia.md §2.2, denominator note). Entered by an
    administrator; the SKDN pages show D/S over it where it exists, labelled as such."""

    posyandu = models.ForeignKey(
        "areas.Posyandu", on_delete=models.CASCADE, related_name="+", verbose_name=_("posyandu")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    under_fives = models.PositiveIntegerField(
        _("projected under-fives"), validators=[MinValueValidator(1)],
        help_text=_("Children aged 0–59 months expected to live in the posyandu's area."),
    )  # fmt: skip
    source = models.CharField(
        _("source"), max_length=200, blank=True,
        help_text=_("Where the number comes from, e.g. the Dinas Kesehatan's projection for "
                    "the year."),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("projected under-fives")
        verbose_name_plural = _("projected under-fives")
        ordering = ["-year", "posyandu__name"]
        constraints = [
            models.UniqueConstraint(fields=["posyandu", "year"], name="uniq_projection_year")
        ]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.year}: {self.under_fives}"
