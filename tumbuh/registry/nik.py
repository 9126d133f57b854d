"""NIK (Nomor Induk Kependudukan) checks: format errors and consistency warnings.

Structure (docs/domain-indonesia.md §9.1): digits 1-6 are the province, regency and kecamatan
where the NIK was first issued; 7-12 the birth date as DDMMYY with 40 added to the day for women;
13-16 a serial number from 0001. A NIK is stored as text and never required: newborns have none.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

_DIGITS = re.compile(r"^\d{16}$")


def normalize(nik: str | None) -> str:
    """Strip spaces, dots and dashes that people type inside a NIK."""
    return re.sub(r"[\s.\-]", "", nik or "")


def format_errors(nik: str) -> list[str]:
    """Problems that make ``nik`` impossible; an empty NIK has none (it is optional)."""
    if not nik:
        return []
    if not _DIGITS.match(nik):
        return [_("A NIK has exactly 16 digits; got %(count)d characters.") % {"count": len(nik)}]
    errors = []
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        errors.append(_("Digits 7-8 of a NIK are the birth day (plus 40 for women); %(day)s is "
                        "not a day.") % {"day": nik[6:8]})  # fmt: skip
    if not 1 <= month <= 12:
        errors.append(_("Digits 9-10 of a NIK are the birth month; %(month)s is not a month.")
                      % {"month": nik[8:10]})  # fmt: skip
    if nik[12:] == "0000":
        errors.append(_("The last four digits of a NIK are a serial number from 0001."))
    return errors


def consistency_warnings(
    nik: str, *, birth_date: dt.date | None, sex: str | None, known_region_codes=None
) -> list[str]:
    """Mismatches between the NIK and what was entered: to confirm, not to refuse."""
    if not nik or format_errors(nik):
        return []
    warnings = []
    day = int(nik[6:8])
    nik_sex = "F" if day > 40 else "M"
    if sex and sex != nik_sex:
        warnings.append(
            _("The NIK says %(nik_sex)s (birth day %(day)s), but the sex entered is %(sex)s.")
            % {"nik_sex": _("female") if nik_sex == "F" else _("male"), "day": nik[6:8],
               "sex": _("female") if sex == "F" else _("male")}
        )  # fmt: skip
    if birth_date is not None:
        nik_day = day - 40 if day > 40 else day
        same = (nik_day, int(nik[8:10]), int(nik[10:12])) == (
            birth_date.day, birth_date.month, birth_date.year % 100
        )
        if not same:
            warnings.append(
                _("The NIK gives the birth date %(nik_date)s, but %(date)s was entered.")
                % {"nik_date": f"{nik_day:02d}-{nik[8:10]}-{nik[10:12]}",
                   "date": birth_date.strftime("%d-%m-%y")}
            )  # fmt: skip
    if known_region_codes is not None:
        region = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
        if region not in known_region_codes:
            warnings.append(
                _("The NIK's first six digits (%(region)s) are not a kecamatan in the area list; "
                  "codes change, so check it.") % {"region": region}
            )  # fmt: skip
    return warnings
