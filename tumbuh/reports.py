"""The catalogue of the reports hub (``reports``, ``/laporan/``): every report of tumbuh, grouped,
with what it shows, for whom, its formats and its URL.

Who may open a report is never decided here: each entry calls the rule its own view uses
(``may_use_recap`` of the recap, ``may_import`` behind e-PPGBM's ``_manager``,
``may_see_identity`` of the FHIR export); reports whose view lets every
signed-in user in (their content scoped) have no rule. tumbuh/tests/test_reports_hub.py opens
every link the hub shows and every report it hides, for each role of the test cast, so the hub
and the views cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: The formats a card can name.
PAGE, CSV, XLSX, PDF, PRINT, JSON = "page", "csv", "xlsx", "pdf", "print", "json"
FORMAT_LABELS = {PAGE: _("Page"), CSV: "CSV", XLSX: "XLSX", PDF: "PDF", PRINT: _("Print"),
                 JSON: "JSON (FHIR)"}  # fmt: skip

#: The headings, in order.
GROUPS = (
    ("growth", _("Growth monitoring")),
    ("city", _("City")),
    ("programmes", _("Programmes")),
    ("national", _("National systems")),
)


# --- the rules: each the one its view uses ---------------------------------------------------


def _may_use_recap(user) -> bool:
    from tumbuh.analytics.views_skdn import may_use_recap

    return may_use_recap(user)


def _may_export_eppgbm(user) -> bool:
    from tumbuh.eppgbm.services import may_import  # eppgbm.views._manager

    return may_import(user)


def _may_export_fhir(user) -> bool:
    from tumbuh.fhir.views import may_export

    return may_export(user)


# --- the links -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url: str
    #: Shown beside the link when it does not lead straight to the report (a step first).
    note: object = ""


def _f1_link(user) -> Link:
    """The posyandu's form F1: straight to it for a user with one posyandu (as the SKDN page
    does), else the SKDN table at posyandu level, whose rows link each posyandu's form."""
    from tumbuh.analytics.grouping import posyandu_in_scope

    mine = list(posyandu_in_scope(user).order_by("name")[:2])
    if len(mine) == 1:
        return Link(reverse("analytics:posyandu_report", args=[mine[0].pk]))
    return Link(f"{reverse('analytics:skdn')}?tingkat=posyandu",
                _("Choose the posyandu in the SKDN table, then its form F1."))


@dataclass(frozen=True)
class Report:
    key: str
    group: str
    title: str
    #: One line: what it shows ...
    shows: str
    #: ... and for whom.
    audience: str
    formats: tuple[str, ...]
    #: The report's URL name (reverse() with ``posyandu`` as the only argument when
    #: ``per_posyandu``).
    url_name: str
    #: The rule of the report's view; None: every signed-in user (the content is scoped).
    may_open: Callable[[object], bool] | None = None
    per_posyandu: bool = False
    #: For ``per_posyandu`` reports: the link, which depends on the user's posyandu.
    link: Callable[[object], Link] | None = None

    def allowed(self, user) -> bool:
        return self.may_open is None or bool(self.may_open(user))

    def card(self, user) -> dict:
        link = self.link(user) if self.link else Link(reverse(self.url_name))
        return {"key": self.key, "title": self.title, "shows": self.shows,
                "audience": self.audience, "link": link,
                "formats": [FORMAT_LABELS[f] for f in self.formats]}  # fmt: skip


CATALOGUE: tuple[Report, ...] = (
    Report(
        "skdn", "growth", _("SKDN by area"),
        _("Under-fives registered, weighed and gaining weight (D/S, N/D) by area and month, with "
          "the trend."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "analytics:skdn",
    ),
    Report(
        "posyandu-report", "growth", _("Posyandu monthly report (F1)"),
        _("One posyandu's month: SKDN by age group and sex, the ratios, the children to follow "
          "up."),
        _("Kader, bidan and everyone who sees the posyandu."),
        (PAGE, CSV, XLSX, PRINT), "analytics:posyandu_report", per_posyandu=True,
        link=_f1_link,
    ),
    Report(
        "recap", "growth", _("Puskesmas SKDN recap"),
        _("Every posyandu of a puskesmas with the kelurahan subtotals and the puskesmas total."),
        _("Bidan, analysts and administrators."),
        (PAGE, CSV, XLSX, PRINT), "analytics:recap", may_open=_may_use_recap,
    ),
    Report(
        "prevalence", "growth", _("Prevalence"),
        _("Stunting, wasting and underweight with confidence intervals by area and month, beside "
          "the coverage."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV), "analytics:prevalence",
    ),
    Report(
        "quality", "growth", _("Data-quality scorecard"),
        _("How complete and plausible the measurements are, by posyandu and by recorder."),
        _("Everyone, for the area they work in."),
        (PAGE,), "quality:scorecard",
    ),
    Report(
        "dashboard", "city", _("City dashboard"),
        _("The month's headline figures, trends and the kelurahan map; small cells hidden."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "dashboard:index",
    ),
    Report(
        "city-report", "city", _("City report"),
        _("The dashboard's month as a report to print or send."),
        _("Everyone, for the area they work in."),
        (PDF,), "dashboard:report",
    ),
    Report(
        "convergence", "city", _("Convergence"),
        _("Which interventions reached the children at risk and their families, by kelurahan."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "convergence:summary",
    ),
    Report(
        "pmt", "programmes", _("Supplementary feeding (PMT): yearly report"),
        _("Children and pregnant women fed, recovered, days delivered and cost, by programme and "
          "area."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "pmt:report",
    ),
    Report(
        "food-distribution", "programmes", _("Protein packages: distribution"),
        _("For each round, by kelurahan: the eligible families, the packages handed over, the "
          "coverage."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "foodreserve:distribution-report",
    ),
    Report(
        "food-stock", "programmes", _("Protein packages: stock"),
        _("Each item of a store over a period: opening, received, issued, adjusted, closing."),
        _("Everyone in the city."),
        (PAGE, CSV, XLSX), "foodreserve:stock-report",
    ),
    Report(
        "wash-coverage", "programmes", _("Water and sanitation coverage"),
        _("Families with layak drinking water and sanitation by kelurahan on a day."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "wash:coverage",
    ),
    Report(
        "wash-trend", "programmes", _("Water and sanitation trend"),
        _("The same coverage at the end of each month."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "wash:trend",
    ),
    Report(
        "training", "programmes", _("Cadre training coverage (Karamunting)"),
        _("The share of active cadres trained in each module, by kelurahan or puskesmas."),
        _("Everyone, for the area they work in."),
        (PAGE, CSV, XLSX), "training:coverage",
    ),
    Report(
        "eppgbm", "national", _("e-PPGBM export"),
        _("Measurements of a period in the e-PPGBM layout, to upload to the national system."),
        _("Bidan and administrators."),
        (CSV, XLSX), "eppgbm:export", may_open=_may_export_eppgbm,
    ),
    Report(
        "fhir", "national", _("FHIR export for SATUSEHAT"),
        _("A posyandu's children, their mothers and measurements as FHIR R4 Bundles."),
        _("Users who may see names, for their posyandu."),
        (PAGE, JSON), "fhir:export", may_open=_may_export_fhir,
    ),
)
BY_KEY = {r.key: r for r in CATALOGUE}


def groups_for(user) -> list[dict]:
    """The headings with the cards of the reports ``user`` may open (empty headings left out)."""
    groups = []
    for key, title in GROUPS:
        cards = [r.card(user) for r in CATALOGUE if r.group == key and r.allowed(user)]
        if cards:
            groups.append({"key": key, "title": title, "cards": cards})
    return groups
