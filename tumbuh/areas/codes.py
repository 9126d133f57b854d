"""Kemendagri area codes as text: their shape, level, parent and ancestors.

A code is dot-separated and fixed width (``docs/areas.md``):

=====  ==============  ===================  =================
level  what            pattern              example
=====  ==============  ===================  =================
1      province        ``PP``               ``64``
2      kabupaten/kota  ``PP.KK``            ``64.71``
3      kecamatan       ``PP.KK.CC``         ``64.71.01``
4      desa/kelurahan  ``PP.KK.CC.NNNN``    ``64.71.01.1001``
=====  ==============  ===================  =================

Codes are never turned into numbers, never renumbered and never derived by counting: numbers
within one parent are not contiguous (Balikpapan Selatan has 1002, 1006, 1008–1012). BPS
statistical codes look similar but are a different system. This module does not import Django.
"""

from __future__ import annotations

import re

MAX_CODE_LENGTH = 13  # "PP.KK.CC.NNNN"

_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")

#: Kabupaten/kota numbers from 71 up are a kota; 01 to 69 are a kabupaten.
FIRST_CITY_NUMBER = 71

#: First digit of a village number -> its kind.
VILLAGE_KINDS = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}


def is_code(text: str) -> bool:
    """Whether ``text`` has the shape of a Kemendagri code of any level."""
    return bool(_CODE.match(text))


def level_of(code: str) -> int:
    """The level (1 to 4) of a well-formed code; ``ValueError`` for anything else.

    >>> level_of("64.71.05.1010")
    4
    """
    if not is_code(code):
        raise ValueError(f"not a Kemendagri area code: {code!r}")
    return code.count(".") + 1


def parent_of(code: str) -> str | None:
    """The code one level up, or None for a province.

    >>> parent_of("64.71.05"), parent_of("64")
    ('64.71', None)
    """
    level_of(code)
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def ancestors_of(code: str) -> list[str]:
    """Codes of every area above ``code``, province first.

    >>> ancestors_of("64.71.05.1010")
    ['64', '64.71', '64.71.05']
    """
    level_of(code)
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def kind_of(code: str) -> str:
    """What kind of area the code names, from the code alone.

    One of ``province``, ``kabupaten``, ``kota``, ``kecamatan``, ``kelurahan``, ``desa`` or
    ``desa_adat`` (the values of ``Area.Kind``).

    >>> kind_of("64.71"), kind_of("64.02"), kind_of("64.71.05.1010")
    ('kota', 'kabupaten', 'kelurahan')
    """
    level = level_of(code)
    last = code.rpartition(".")[2]
    if level == 1:
        return "province"
    if level == 2:
        return "kota" if int(last) >= FIRST_CITY_NUMBER else "kabupaten"
    if level == 3:
        return "kecamatan"
    try:
        return VILLAGE_KINDS[last[0]]
    except KeyError:
        raise ValueError(
            f"village number {last!r} of {code!r} does not start with 1, 2 or 3"
        ) from None


def is_within(code: str, root: str) -> bool:
    """Whether ``code`` is ``root`` itself or lies under it (by prefix, never by number)."""
    return code == root or code.startswith(root + ".")
