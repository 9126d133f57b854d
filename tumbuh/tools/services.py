"""The z-score calculator: one child's measurement in, every index with its status out.

The numbers come from ``tumbuh.growth`` (WHO anthro z-scores and the Permenkes 2/2020
classification); this module only chooses what to show a health worker and in which words.
It uses the active Django language for its labels, so call it inside a request or under
``translation.override``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tumbuh import growth

SEX_MALE = 1
SEX_FEMALE = 2
MEASURE_LENGTH = "l"  # lying down (terlentang)
MEASURE_HEIGHT = "h"  # standing (berdiri)

#: WHO measures recumbent length below 731 days and standing height from 731 days.
HEIGHT_FROM_AGE_DAYS = 731
#: The WHO Child Growth Standards end before 60 months (1826.25 days).
MAX_AGE_DAYS = 1826
MAX_AGE_MONTHS = 60  # exclusive
#: Arm circumference-for-age starts at 3 months (91 days).
ARM_CIRCUMFERENCE_FROM_AGE_DAYS = 91
#: Weight-for-length and weight-for-height tables, in cm of corrected length/height.
WEIGHT_FOR_LENGTH_RANGE_CM = (45.0, 110.0)
WEIGHT_FOR_HEIGHT_RANGE_CM = (65.0, 120.0)

#: Colour of a Permenkes 2/2020 status, as on the growth card: "red", "yellow", "green", or
#: "orange" on the overweight side; "" when there is no status. ``growth.SEVERITY`` decides.
Severity = Literal["red", "yellow", "green", "orange", ""]


@dataclass(frozen=True)
class Age:
    """A child's age as entered: from dates, in days, or in months."""

    days: int | None
    months: float | None
    completed_months: int
    birth_date: dt.date | None = None
    measurement_date: dt.date | None = None

    @classmethod
    def from_dates(cls, birth_date: dt.date, measurement_date: dt.date) -> Age:
        if measurement_date < birth_date:
            raise ValueError(f"measurement date {measurement_date} is before birth {birth_date}")
        return cls(
            days=int(growth.age_in_days([birth_date], [measurement_date])[0]),
            months=None,
            completed_months=int(growth.completed_months([birth_date], [measurement_date])[0]),
            birth_date=birth_date,
            measurement_date=measurement_date,
        )

    @classmethod
    def from_days(cls, days: int) -> Age:
        return cls(days=days, months=None, completed_months=int(days // growth.DAYS_PER_MONTH))

    @classmethod
    def from_months(cls, months: float) -> Age:
        return cls(days=None, months=months, completed_months=int(math.floor(months)))

    @property
    def table_days(self) -> int:
        """Whole days used for the WHO tables (months x 30.4375, rounded half up)."""
        if self.days is not None:
            return self.days
        return int(math.floor(self.months * growth.DAYS_PER_MONTH + 0.5))

    @property
    def uses_height(self) -> bool:
        """True from 24 months (731 days), when WHO expects a standing height."""
        return self.table_days >= HEIGHT_FROM_AGE_DAYS


@dataclass(frozen=True)
class Measurement:
    """One child's measurement; None means "not measured"."""

    sex: int
    age: Age
    weight_kg: float | None = None
    lenhei_cm: float | None = None
    measure: str | None = None
    oedema: bool = False
    headc_cm: float | None = None
    armc_cm: float | None = None


@dataclass(frozen=True)
class IndexResult:
    """One anthropometric index (BB/U, PB/U, ...) for one child."""

    code: str  # WHO indicator code: wfa, lhfa, wfl, wfh, bfa, hcfa, acfa
    abbreviation: str  # BB/U, TB/U, ... in the active language
    name: str  # "Weight-for-age" in the active language
    z: float | None  # rounded to 2 decimals like WHO anthro; None when not computable
    flagged: bool  # WHO "implausible value" flag
    status_code: str  # Permenkes 2/2020 code such as "pendek"; "" when none
    status_label: str
    severity: Severity  # colour of the status on the growth card
    note: str  # why there is no z-score or no status; "" otherwise


@dataclass(frozen=True)
class CalculatorResult:
    measurement: Measurement
    indices: tuple[IndexResult, ...]
    clenhei_cm: float | None  # length/height after the 0.7 cm position correction
    lenhei_correction_cm: float  # clenhei_cm - lenhei_cm: +0.7, -0.7 or 0
    measure_ignored: bool  # standing measure under 9 months: used as a length, not corrected
    bmi_kg_m2: float | None
    method_version: str

    @property
    def flagged(self) -> tuple[IndexResult, ...]:
        return tuple(index for index in self.indices if index.flagged)


@dataclass(frozen=True)
class _Index:
    """Where one index's numbers are in ``growth``'s output, and what it is called."""

    code: str
    z_column: str
    flag_column: str
    status_column: str | None  # None: Permenkes 2/2020 gives this index no categories
    needs: tuple[str, ...]  # Measurement fields it is computed from
    abbreviation: Promise
    name: Promise


_WFA = _Index(
    "wfa", "zwei", "fwei", "status_bbu", ("weight_kg",),
    pgettext_lazy("index", "W/A"), gettext_lazy("Weight-for-age"),
)  # fmt: skip
_LFA = _Index(
    "lhfa", "zlen", "flen", "status_tbu", ("lenhei_cm",),
    pgettext_lazy("index", "L/A"), gettext_lazy("Length-for-age"),
)  # fmt: skip
_HFA = _Index(
    "lhfa", "zlen", "flen", "status_tbu", ("lenhei_cm",),
    pgettext_lazy("index", "H/A"), gettext_lazy("Height-for-age"),
)  # fmt: skip
_WFL = _Index(
    "wfl", "zwfl", "fwfl", "status_bbtb", ("weight_kg", "lenhei_cm"),
    pgettext_lazy("index", "W/L"), gettext_lazy("Weight-for-length"),
)  # fmt: skip
_WFH = _Index(
    "wfh", "zwfl", "fwfl", "status_bbtb", ("weight_kg", "lenhei_cm"),
    pgettext_lazy("index", "W/H"), gettext_lazy("Weight-for-height"),
)  # fmt: skip
_BFA = _Index(
    "bfa", "zbmi", "fbmi", "status_imtu", ("weight_kg", "lenhei_cm"),
    pgettext_lazy("index", "BMI/A"), gettext_lazy("BMI-for-age"),
)  # fmt: skip
_HCFA = _Index(
    "hcfa", "zhc", "fhc", None, ("headc_cm",),
    pgettext_lazy("index", "HC/A"), gettext_lazy("Head circumference-for-age"),
)  # fmt: skip
_ACFA = _Index(
    "acfa", "zac", "fac", None, ("armc_cm",),
    pgettext_lazy("index", "MUAC/A"), gettext_lazy("Arm circumference-for-age"),
)  # fmt: skip
_WEIGHT_BASED = frozenset({"wfa", "wfl", "wfh", "bfa"})


def calculate(measurement: Measurement) -> CalculatorResult:
    """Every z-score, flag and Permenkes status for one child.

    Classification uses the unrounded z-score (Permenkes 2/2020 as applied by e-PPGBM); the
    z-score shown is rounded to 2 decimals like WHO anthro.
    """
    m = measurement
    out = growth.anthro_zscores(
        m.sex,
        m.age.months if m.age.days is None else m.age.days,
        age_in_months=m.age.days is None,
        weight_kg=_or_nan(m.weight_kg),
        lenhei_cm=_or_nan(m.lenhei_cm),
        measure=m.measure or "",
        oedema="y" if m.oedema else "n",
        headc_cm=_or_nan(m.headc_cm),
        armc_cm=_or_nan(m.armc_cm),
        rounded=False,
    )
    status = growth.permenkes_status(
        zwei=out["zwei"], zlen=out["zlen"], zwfl=out["zwfl"], zbmi=out["zbmi"]
    )
    row = {name: values[0] for name, values in {**out, **status}.items()}
    clenhei_cm = _or_none(row["clenhei"])
    if m.age.uses_height:
        indices = (_WFA, _HFA, _WFH, _BFA, _HCFA, _ACFA)
    else:
        indices = (_WFA, _LFA, _WFL, _BFA, _HCFA, _ACFA)
    correction_cm = 0.0
    if clenhei_cm is not None and m.lenhei_cm is not None:
        correction_cm = round(clenhei_cm - m.lenhei_cm, 1)
    return CalculatorResult(
        measurement=m,
        indices=tuple(_index_result(index, row, m, clenhei_cm) for index in indices),
        clenhei_cm=clenhei_cm,
        lenhei_correction_cm=correction_cm,
        measure_ignored=bool(row["c9mo_flag"] == 1),
        bmi_kg_m2=_or_none(row["cbmi"]),
        method_version=growth.METHOD_VERSION,
    )


def _index_result(index: _Index, row: dict, m: Measurement, clenhei_cm) -> IndexResult:
    z = _or_none(row[index.z_column])
    names = {"code": index.code, "abbreviation": str(index.abbreviation), "name": str(index.name)}
    if z is None:
        return IndexResult(
            **names,
            z=None,
            flagged=False,
            status_code="",
            status_label="",
            severity="",
            note=_why_no_z(index, m, clenhei_cm),
        )
    status_code = str(row[index.status_column]) if index.status_column else ""
    if status_code:
        status_label = growth.permenkes_label(
            index.status_column, status_code, lang=_growth_language()
        )
        severity, note = growth.SEVERITY[status_code], ""
    else:
        status_label, severity, note = "", "", _("Not classified in Permenkes 2/2020")
    return IndexResult(
        **names,
        z=float(growth.round_z(np.array([z]))[0]),
        flagged=bool(row[index.flag_column] == 1),
        status_code=status_code,
        status_label=status_label,
        severity=severity,
        note=note,
    )


def _why_no_z(index: _Index, m: Measurement, clenhei_cm: float | None) -> str:
    """The reason, in words, that ``growth`` gave no z-score for this index."""
    missing = [name for name in index.needs if getattr(m, name) is None]
    if missing == ["weight_kg"] and len(index.needs) == 1:
        return _("Needs the weight")
    if missing and len(index.needs) == 2:
        return _("Needs weight and length or height")
    if missing:
        return _("Not measured")
    if m.oedema and index.code in _WEIGHT_BASED:
        return _("Not calculated: with oedema, weight does not show nutritional status")
    if index.code in {"wfl", "wfh"} and clenhei_cm is not None:
        low, high = (
            WEIGHT_FOR_HEIGHT_RANGE_CM if index.code == "wfh" else WEIGHT_FOR_LENGTH_RANGE_CM
        )
        if not low <= clenhei_cm <= high:
            return _("Length or height outside the WHO table (%(low)s to %(high)s cm)") % {
                "low": number_format(low, decimal_pos=0),
                "high": number_format(high, decimal_pos=0),
            }
    if index.code == "acfa" and m.age.table_days < ARM_CIRCUMFERENCE_FROM_AGE_DAYS:
        return _("Defined from 3 months of age")
    return _("Cannot be calculated for this measurement")


def _growth_language() -> str:
    """The language code ``growth.permenkes_label`` knows for the active language."""
    return "en" if (translation.get_language() or "").startswith("en") else "id"


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _or_none(value) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number
