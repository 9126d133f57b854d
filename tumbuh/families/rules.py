"""The KRS screening rules (BKKBN, domain §5.1), on plain values so they test without a database.

:func:`evaluate` judges one household from its :class:`Facts` on a day with a
:class:`~tumbuh.families.config.KrsConfig`. :func:`tumbuh.families.services.screen_households`
gathers the facts of many households in a few queries and stores the results.

Ages are in completed years or months on the day of the screening. The rules:

- **target family** (keluarga sasaran): a woman aged ``pus_min_age_years`` to
  ``pus_max_age_years`` (PUS: the registry does not store marital status, so every woman of that
  age counts), an open pregnancy, a mother after delivery, a child aged 0 to
  ``baduta_max_months`` (baduta) or up to ``balita_max_months`` (balita);
- **water**: the household's drinking-water source is not layak (``tumbuh.wash.rules``);
  **sanitation**: its latrine is not layak (definition ``sanitation_definition``). A blank
  source is unknown, not a factor;
- **too_young** / **too_old**: a woman whose age the rule judges (``age_factors_women``) is
  younger than ``too_young_under_years`` / older than ``too_old_over_years`` (and within PUS age);
- **too_close**: two consecutive births among the household's registered children (or the
  latest birth and an open pregnancy's HPL) less than ``too_close_under_months`` apart; births at
  most ``same_birth_within_days`` apart are one (twins);
- **too_many**: more than ``too_many_over`` children: the larger of the registered children born
  by the day and the para of the household's pregnancies;
- **short_mother** (only if configured): a pregnancy's recorded height below
  ``short_mother_under_cm``.

A target family with at least ``min_factors`` of the configured factors is at risk. The factors
of a family that is not a target family are stored too, but it is never at risk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tumbuh.lib.dates import add_months

from .models import Factor, Target


@dataclass(frozen=True)
class PregnancyFacts:
    woman_id: object
    hpht: dt.date
    hpl: dt.date | None = None
    ended_on: dt.date | None = None
    para: int = 0
    height_cm: float | None = None


@dataclass
class Facts:
    """What the registry knows about one household, for the rules."""

    water_source: str = ""
    sanitation: str = ""
    #: (person id, birth date or None) of the household's women
    women: list[tuple[object, dt.date | None]] = field(default_factory=list)
    #: (birth date, mother id or None) of the household's children (merged ones excluded)
    children: list[tuple[dt.date, object]] = field(default_factory=list)
    pregnancies: list[PregnancyFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    is_target: bool
    at_risk: bool
    targets: list[str]
    factors: list[str]


def age_years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_months(birth: dt.date, on: dt.date) -> int:
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if add_months(birth, months) > on:
        months -= 1
    return months


def layak_judges(cfg) -> tuple[dict, dict]:
    """``(water, sanitation)``: code -> layak (True / False / None) for every registry code,
    judged once by ``tumbuh.wash.rules`` (a screening of a city judges each code once)."""
    from tumbuh.registry.models import Sanitation, WaterSource
    from tumbuh.wash.rules import sanitation_is_layak, water_is_layak

    water = {code: water_is_layak(code) for code in ["", *WaterSource.values]}
    sanitation = {code: sanitation_is_layak(code, definition=cfg.sanitation_definition)
                  for code in ["", *Sanitation.values]}  # fmt: skip
    return water, sanitation


def is_open_pregnancy(p: PregnancyFacts, on: dt.date, cfg) -> bool:
    return (p.hpht <= on and (p.ended_on is None or p.ended_on > on)
            and (on - p.hpht).days < cfg.pregnancy_max_weeks * 7)  # fmt: skip


def evaluate(facts: Facts, on: dt.date, cfg, judges: tuple[dict, dict] | None = None) -> Result:
    """Judge one household on ``on`` with the configuration ``cfg`` (``judges``: from
    :func:`layak_judges`, to judge many households with one look-up each)."""
    water_judge, sanitation_judge = judges or layak_judges(cfg)
    pregnancies = [p for p in facts.pregnancies if p.hpht <= on]
    children = sorted(b for b, _mother in facts.children if b <= on)
    open_pregnancies = [p for p in pregnancies if is_open_pregnancy(p, on, cfg)]

    # --- target family ------------------------------------------------------------------------
    pus_women = {pid: age_years(b, on) for pid, b in facts.women if b is not None
                 and cfg.pus_min_age_years <= age_years(b, on) <= cfg.pus_max_age_years}
    targets = set()
    if open_pregnancies:
        targets.add(Target.PREGNANT)
    if any(p.ended_on and 0 <= (on - p.ended_on).days <= cfg.postpartum_days
           for p in pregnancies):  # fmt: skip
        targets.add(Target.POSTPARTUM)
    for birth in children:
        months = age_months(birth, on)
        if months <= cfg.baduta_max_months:
            targets.add(Target.BADUTA)
        elif months <= cfg.balita_max_months:
            targets.add(Target.BALITA)
    if pus_women:
        targets.add(Target.PUS)

    # --- risk factors -------------------------------------------------------------------------
    found = set()
    if water_judge.get(facts.water_source) is False:
        found.add(Factor.WATER)
    if sanitation_judge.get(facts.sanitation) is False:
        found.add(Factor.SANITATION)
    if cfg.age_factors_women == "mothers":
        mothers = {m for b, m in facts.children if m is not None and b <= on}
        mothers |= {p.woman_id for p in pregnancies}
        judged = [age for pid, age in pus_women.items() if pid in mothers]
    else:
        judged = list(pus_women.values())
    if any(age < cfg.too_young_under_years for age in judged):
        found.add(Factor.TOO_YOUNG)
    if any(age > cfg.too_old_over_years for age in judged):
        found.add(Factor.TOO_OLD)
    births = []
    for birth in children:  # one entry per birth: twins are one
        if not births or (birth - births[-1]).days > cfg.same_birth_within_days:
            births.append(birth)
    if cfg.too_close_counts_pregnancy and births:
        hpls = [p.hpl for p in open_pregnancies if p.hpl and p.hpl > births[-1]]
        if hpls:
            births.append(min(hpls))
    if any(later < add_months(earlier, cfg.too_close_under_months)
           for earlier, later in zip(births, births[1:], strict=False)):  # fmt: skip
        found.add(Factor.TOO_CLOSE)
    count = max([len(children), *(p.para for p in pregnancies)])
    if count > cfg.too_many_over:
        found.add(Factor.TOO_MANY)
    if any(p.height_cm is not None and p.height_cm < cfg.short_mother_under_cm
           for p in pregnancies):  # fmt: skip
        found.add(Factor.SHORT_MOTHER)

    factors = [f.value for f in Factor if f in found and f.value in cfg.factors]
    target_codes = [t.value for t in Target if t in targets]
    is_target = bool(target_codes)
    return Result(is_target=is_target, at_risk=is_target and len(factors) >= cfg.min_factors,
                  targets=target_codes, factors=factors)  # fmt: skip


#: What each factor means, in plain words (shown on the family's page).
def factor_help(cfg) -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        Factor.WATER: _("The main drinking-water source is not a safe (layak) one: an "
                        "unprotected well or spring, surface water or other."),
        Factor.SANITATION: _("The family has no own latrine with a septic tank."),
        Factor.TOO_YOUNG: _("A mother of the family is younger than %(n)d years.")
        % {"n": cfg.too_young_under_years},
        Factor.TOO_OLD: _("A mother of the family is older than %(n)d years.")
        % {"n": cfg.too_old_over_years},
        Factor.TOO_CLOSE: _("Two births less than %(n)d months apart.")
        % {"n": cfg.too_close_under_months},
        Factor.TOO_MANY: _("More than %(n)d children.") % {"n": cfg.too_many_over},
        Factor.SHORT_MOTHER: _("A pregnant woman shorter than %(n)s cm.")
        % {"n": f"{cfg.short_mother_under_cm:g}"},
    }
