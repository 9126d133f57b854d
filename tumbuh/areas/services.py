"""Load areas from the shipped code list and attach boundary shapes from GeoJSON.

* :func:`load_areas` loads one kabupaten/kota (or a province, kecamatan or single village)
  with all its ancestors and descendants from ``data/wilayah.csv``. It is idempotent: a second
  run creates nothing and reports every area as unchanged; a renamed area is updated, and its
  old name is kept as another spelling. For Kota Balikpapan (64.71) it also attaches the
  shipped kelurahan and kecamatan boundaries.
* :func:`import_boundaries` attaches the polygons of a GeoJSON FeatureCollection to loaded
  areas of one level, matching each feature by its ``code`` property (or, failing that, by
  its exact name or another spelling). A file with an invalid feature imports nothing.

Both run in one transaction and return a result that says what happened, with the summary a
command or page shows (``result.summary()`` and ``result.warnings()``).
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from tumbuh.areas import codes
from tumbuh.areas.models import Area
from tumbuh.areas.wilayah import DATA_DIR, CodeListEntry, read_code_list

ALIASES_PATH = DATA_DIR / "aliases.csv"

#: Boundary files shipped in ``data/``, by the kabupaten/kota they cover, coarse level first.
SHIPPED_BOUNDARIES: dict[str, tuple[tuple[str, int], ...]] = {
    "64.71": (
        ("balikpapan_kecamatan.geojson", Area.Level.DISTRICT),
        ("balikpapan_kelurahan.geojson", Area.Level.VILLAGE),
    ),
}

#: How many problems of a bad GeoJSON file the error message lists.
MAX_PROBLEMS_SHOWN = 20
BULK_BATCH_SIZE = 1000

_KIND_COUNTS = {
    Area.Kind.PROVINCE: ngettext_lazy("%(count)d province", "%(count)d provinces", "count"),
    Area.Kind.REGENCY: ngettext_lazy("%(count)d regency", "%(count)d regencies", "count"),
    Area.Kind.CITY: ngettext_lazy("%(count)d city", "%(count)d cities", "count"),
    Area.Kind.DISTRICT: ngettext_lazy("%(count)d kecamatan", "%(count)d kecamatan", "count"),
    Area.Kind.KELURAHAN: ngettext_lazy("%(count)d kelurahan", "%(count)d kelurahan", "count"),
    Area.Kind.DESA: ngettext_lazy("%(count)d desa", "%(count)d desa", "count"),
    Area.Kind.DESA_ADAT: ngettext_lazy("%(count)d desa adat", "%(count)d desa adat", "count"),
}


class AreaError(ValueError):
    """A problem the user can fix (unknown code, bad file); the message says how."""


class UnknownAreaCode(AreaError):
    def __init__(self, code: str, suggestions: list[CodeListEntry]):
        self.code = code
        self.suggestions = suggestions
        close = ", ".join(f"{entry.code} {entry.name}" for entry in suggestions)
        if suggestions and not codes.is_code(code):
            message = _(
                "%(code)s is not a Kemendagri area code (write the code with its dots). "
                "Close matches: %(suggestions)s."
            ) % {"code": code, "suggestions": close}
        elif suggestions:
            message = _(
                "The area code %(code)s is not in the Kemendagri code list. "
                "Close matches: %(suggestions)s."
            ) % {"code": code, "suggestions": close}
        else:
            message = _(
                "The area code %(code)s is not in the Kemendagri code list, and nothing in it "
                "comes close. Write the code with its dots, for example 64.71 for Kota "
                "Balikpapan."
            ) % {"code": code}
        super().__init__(message)


class BoundaryFileError(AreaError):
    """The GeoJSON cannot be read or has invalid features; nothing was imported."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message)


# --- Results ------------------------------------------------------------------------------


def describe_counts(counts: Counter, kinds: Iterable[str]) -> str:
    """``"1 province, 1 city, 6 kecamatan"``: the non-zero counts, in the order of ``kinds``."""
    return ", ".join(_KIND_COUNTS[kind] % {"count": counts[kind]} for kind in kinds if counts[kind])


@dataclass(frozen=True)
class Rename:
    code: str
    old_name: str
    new_name: str


@dataclass(frozen=True)
class UnmatchedFeature:
    index: int
    code: str | None
    name: str | None
    reason: str

    def __str__(self) -> str:
        label = " ".join(part for part in (self.code, self.name) if part)
        return f"features[{self.index}] ({label}): {self.reason}"


@dataclass
class BoundaryImportResult:
    level: int
    source_name: str
    feature_count: int
    #: Codes of the areas that got a boundary from this file, in feature order.
    matched_codes: list[str] = field(default_factory=list)
    #: (feature index, feature name, area code) of features matched by name, not by code.
    matched_by_name: list[tuple[int, str, str]] = field(default_factory=list)
    changed_count: int = 0
    unchanged_count: int = 0
    #: Features with a code outside ``within``, left alone.
    outside_count: int = 0
    unmatched: list[UnmatchedFeature] = field(default_factory=list)
    #: Codes of the areas of this level, in the file's scope, that still have no boundary.
    without_boundary: list[str] = field(default_factory=list)

    def matched_kinds(self) -> Counter:
        return Counter(codes.kind_of(code) for code in self.matched_codes)

    def summary(self) -> str:
        return _(
            "%(source)s: %(matched)d of %(features)d features matched (%(by_name)d by name); "
            "boundaries changed %(changed)d, unchanged %(unchanged)d."
        ) % {
            "source": self.source_name,
            "matched": len(self.matched_codes),
            "features": self.feature_count,
            "by_name": len(self.matched_by_name),
            "changed": self.changed_count,
            "unchanged": self.unchanged_count,
        }

    def warnings(self) -> list[str]:
        lines = []
        for index, name, code in self.matched_by_name:
            lines.append(
                _(
                    "features[%(index)d] has no known code; matched by its name %(name)s to "
                    "%(code)s."
                )
                % {"index": index, "name": name, "code": code}
            )
        for feature in self.unmatched:
            lines.append(_("Not imported: %(feature)s") % {"feature": feature})
        if self.without_boundary:
            lines.append(
                ngettext(
                    "%(count)d area still has no boundary: %(codes)s",
                    "%(count)d areas still have no boundary: %(codes)s",
                    len(self.without_boundary),
                )
                % {"count": len(self.without_boundary), "codes": ", ".join(self.without_boundary)}
            )
        return lines


@dataclass
class LoadResult:
    root: Area
    #: Loaded areas (the root, its ancestors and its descendants) by ``Area.Kind``.
    kind_counts: Counter
    created_count: int
    updated_count: int
    unchanged_count: int
    renamed: list[Rename] = field(default_factory=list)
    #: Codes of areas in the database under the root that the code list no longer has.
    not_in_code_list: list[str] = field(default_factory=list)
    boundaries_requested: bool = True
    boundaries: list[BoundaryImportResult] = field(default_factory=list)

    @property
    def loaded_count(self) -> int:
        return sum(self.kind_counts.values())

    def boundary_counts(self) -> Counter:
        counts: Counter = Counter()
        for result in self.boundaries:
            counts.update(result.matched_kinds())
        return counts

    def summary(self) -> str:
        values = {
            "name": self.root.name,
            "areas": describe_counts(self.kind_counts, Area.Kind.values),
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
        }
        if self.boundaries:
            # Finest level first: "boundaries: 34 kelurahan, 6 kecamatan".
            values["boundaries"] = describe_counts(
                self.boundary_counts(), reversed(Area.Kind.values)
            ) or _("none matched")
            return (
                _(
                    "Loaded %(name)s: %(areas)s (created %(created)d, updated %(updated)d, "
                    "unchanged %(unchanged)d); boundaries: %(boundaries)s"
                )
                % values
            )
        return (
            _(
                "Loaded %(name)s: %(areas)s (created %(created)d, updated %(updated)d, "
                "unchanged %(unchanged)d)"
            )
            % values
        )

    def warnings(self) -> list[str]:
        lines = [
            _(
                "Renamed %(code)s from %(old)s to %(new)s (the old name is kept as another "
                "spelling)."
            )
            % {"code": rename.code, "old": rename.old_name, "new": rename.new_name}
            for rename in self.renamed
        ]
        if self.not_in_code_list:
            lines.append(
                ngettext(
                    "%(count)d loaded area is no longer in the code list and was left as it is: "
                    "%(codes)s",
                    "%(count)d loaded areas are no longer in the code list and were left as they "
                    "are: %(codes)s",
                    len(self.not_in_code_list),
                )
                % {"count": len(self.not_in_code_list), "codes": ", ".join(self.not_in_code_list)}
            )
        if self.boundaries_requested and not self.boundaries:
            lines.append(
                _(
                    "No boundaries are shipped for %(name)s. Import them from a GeoJSON file "
                    "with: tumbuh importboundaries FILE --level 4"
                )
                % {"name": self.root.name}
            )
        for result in self.boundaries:
            lines.extend(result.warnings())
        return lines


# --- Loading areas ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def shipped_aliases() -> dict[str, tuple[str, ...]]:
    """Other spellings from ``data/aliases.csv``, by area code."""
    found: dict[str, list[str]] = defaultdict(list)
    with ALIASES_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found[row["code"]].append(row["alias"])
    return {code: tuple(aliases) for code, aliases in found.items()}


@transaction.atomic
def load_areas(code: str, *, with_boundaries: bool = True) -> LoadResult:
    """Load the area ``code`` with all its ancestors and descendants from the code list.

    ``code`` is a Kemendagri code with its dots: a kabupaten/kota (``64.71``), a province
    (``64``), a kecamatan (``64.71.05``) or a village. Existing areas are updated in place
    (name, parent, the shipped other spellings); nothing is deleted. With ``with_boundaries``,
    the boundary files shipped for the areas loaded are attached as well.

    Raises :class:`UnknownAreaCode` (with close matches) when the code is not in the list.
    """
    code = code.strip()
    code_list = read_code_list()
    if code_list.get(code) is None:
        raise UnknownAreaCode(code, code_list.suggestions(code))
    wanted = [*code_list.ancestors(code), *code_list.subtree(code)]
    wanted_codes = {entry.code for entry in wanted}
    aliases = shipped_aliases()

    existing = {
        area.code: area
        for area in Area.objects.filter(
            Q(code__in=codes.ancestors_of(code)) | Q(code=code) | Q(code__startswith=code + ".")
        ).defer("boundary")  # boundaries are large and not compared here
    }
    to_create: list[Area] = []
    to_update: list[Area] = []
    renamed: list[Rename] = []
    for entry in wanted:
        area = existing.get(entry.code)
        if area is None:
            to_create.append(
                Area(
                    code=entry.code,
                    name=entry.name,
                    level=entry.level,
                    parent_id=entry.parent_code,
                    aliases=list(aliases.get(entry.code, ())),
                )
            )
            continue
        before = (area.name, area.level, area.parent_id, list(area.aliases or []))
        spellings = [a for a in (area.aliases or []) if isinstance(a, str)]
        if area.name != entry.name:
            renamed.append(Rename(entry.code, area.name, entry.name))
            spellings.append(area.name)
        spellings.extend(aliases.get(entry.code, ()))
        area.name, area.level, area.parent_id = entry.name, entry.level, entry.parent_code
        area.aliases = _unique_spellings(spellings, current_name=entry.name)
        if (area.name, area.level, area.parent_id, area.aliases) != before:
            to_update.append(area)

    Area.objects.bulk_create(to_create, batch_size=BULK_BATCH_SIZE)
    Area.objects.bulk_update(
        to_update, ["name", "level", "parent", "aliases"], batch_size=BULK_BATCH_SIZE
    )

    result = LoadResult(
        root=Area.objects.get(code=code),
        kind_counts=Counter(codes.kind_of(entry.code) for entry in wanted),
        created_count=len(to_create),
        updated_count=len(to_update),
        unchanged_count=len(wanted) - len(to_create) - len(to_update),
        renamed=renamed,
        not_in_code_list=sorted(set(existing) - wanted_codes),
        boundaries_requested=with_boundaries,
    )
    if with_boundaries:
        for city_code, files in SHIPPED_BOUNDARIES.items():
            if codes.is_within(city_code, code):
                scope = city_code  # a province (or the city itself) was loaded
            elif codes.is_within(code, city_code):
                scope = code  # a kecamatan or village of the city was loaded
            else:
                continue
            for file_name, level in files:
                if level >= codes.level_of(scope):
                    result.boundaries.append(
                        import_boundaries(DATA_DIR / file_name, level=level, within=scope)
                    )
    return result


def _unique_spellings(spellings: Iterable[str], *, current_name: str) -> list[str]:
    """Spellings without duplicates, blanks or the current name, in first-seen order."""
    seen = {normalise_name(current_name)}
    unique = []
    for spelling in spellings:
        spelling = " ".join(spelling.split())
        key = normalise_name(spelling)
        if spelling and key not in seen:
            seen.add(key)
            unique.append(spelling)
    return unique


def normalise_name(name: str) -> str:
    """Case and spacing folded, so that "Muara  rapak" and "MUARA RAPAK" compare equal."""
    return " ".join(name.casefold().split())


# --- Importing boundaries -----------------------------------------------------------------


@transaction.atomic
def import_boundaries(
    source: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    level: int,
    within: str | None = None,
) -> BoundaryImportResult:
    """Attach the polygons of a GeoJSON FeatureCollection to the loaded areas of ``level``.

    ``source`` is a path or an open file (text or bytes). Each feature needs a Polygon or
    MultiPolygon geometry in longitude/latitude and a ``code`` property (the Kemendagri code
    with dots) or, failing that, a ``name`` property that equals one area's name or other
    spelling, ignoring case and spacing. ``within`` (a code) limits the import to the areas
    under that code; features with a code outside it are skipped.

    The file is checked in full first: any invalid feature, or two features for one area,
    raises :class:`BoundaryFileError` naming each problem by feature index, and nothing is
    saved. Features that match no area are reported in the result, not raised.
    """
    if level not in Area.Level.values:
        raise AreaError(
            _("The level must be 1, 2, 3 or 4 (4 is desa/kelurahan); got %(level)s.")
            % {"level": level}
        )
    level = Area.Level(level)
    if within is not None and not codes.is_code(within):
        raise AreaError(_("The area code %(code)s is not a Kemendagri code.") % {"code": within})
    source_name, collection = _read_feature_collection(source)
    features = collection["features"]
    problems = [
        f"features[{index}]: {problem}"
        for index, feature in enumerate(features)
        for problem in _feature_problems(feature)
    ]
    if problems:
        raise _bad_file(source_name, problems)

    areas = Area.objects.filter(level=level)
    if within is not None:
        areas = areas.filter(Q(code=within) | Q(code__startswith=within + "."))
    by_code = {area.code: area for area in areas.only("code", "name", "aliases", "boundary")}
    by_name: dict[str, list[Area]] = defaultdict(list)
    for area in by_code.values():
        for spelling in {normalise_name(area.name), *map(normalise_name, area.aliases or [])}:
            by_name[spelling].append(area)

    result = BoundaryImportResult(level=level, source_name=source_name, feature_count=len(features))
    claimed: dict[str, int] = {}
    to_save: list[Area] = []
    for index, feature in enumerate(features):
        properties = feature.get("properties") or {}
        code, name = properties.get("code"), properties.get("name")
        if within is not None and code and codes.is_code(code):
            if not codes.is_within(code, within):
                result.outside_count += 1
                continue
        area = by_code.get(code) if code else None
        if area is None and name:
            candidates = by_name.get(normalise_name(name), [])
            if len(candidates) == 1:
                area = candidates[0]
                result.matched_by_name.append((index, name, area.code))
            elif candidates:
                reason = _("its name matches several areas: %(codes)s") % {
                    "codes": ", ".join(sorted(a.code for a in candidates))
                }
                result.unmatched.append(UnmatchedFeature(index, code, name, reason))
                continue
        if area is None:
            reason = _unmatched_reason(code, level)
            result.unmatched.append(UnmatchedFeature(index, code, name, reason))
            continue
        if area.code in claimed:
            problems.append(
                _("features[%(index)d] and features[%(first)d] are both for %(code)s")
                % {"index": index, "first": claimed[area.code], "code": area.code}
            )
            continue
        claimed[area.code] = index
        result.matched_codes.append(area.code)
        geometry = feature["geometry"]
        boundary = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
        if area.boundary == boundary:
            result.unchanged_count += 1
        else:
            area.boundary = boundary
            to_save.append(area)
    if problems:
        raise _bad_file(source_name, problems)
    Area.objects.bulk_update(to_save, ["boundary"], batch_size=BULK_BATCH_SIZE)
    result.changed_count = len(to_save)

    # Which areas should have had a boundary: those under ``within``, or else those of the
    # kabupaten/kota the matched features lie in (none for a file of provinces or cities).
    if within is not None:
        scopes = [within]
    elif level >= Area.Level.DISTRICT:
        scopes = sorted({codes.ancestors_of(c)[1] for c in result.matched_codes})
    else:
        scopes = []
    if scopes:
        scope_filter = Q()
        for scope in scopes:
            scope_filter |= Q(code=scope) | Q(code__startswith=scope + ".")
        result.without_boundary = list(
            Area.objects.filter(scope_filter, level=level, boundary__isnull=True)
            .order_by("code")
            .values_list("code", flat=True)
        )
    return result


def _unmatched_reason(code: Any, level: int) -> str:
    if code and codes.is_code(code) and codes.level_of(code) != level:
        return _("%(code)s is a code of level %(code_level)d, not of level %(level)d") % {
            "code": code,
            "code_level": codes.level_of(code),
            "level": level,
        }
    if code:
        return _("no loaded area has this code, name or other spelling")
    return _("no loaded area has this name or other spelling")


def _bad_file(source_name: str, problems: list[str]) -> BoundaryFileError:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    lines = [
        ngettext(
            "%(source)s has %(count)d problem; nothing was imported:",
            "%(source)s has %(count)d problems; nothing was imported:",
            len(problems),
        )
        % {"source": source_name, "count": len(problems)},
        *(f"  {problem}" for problem in shown),
    ]
    if len(problems) > len(shown):
        lines.append("  " + _("… and %(count)d more") % {"count": len(problems) - len(shown)})
    return BoundaryFileError("\n".join(lines), problems)


def _read_feature_collection(source) -> tuple[str, dict]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        source_name = path.name
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise BoundaryFileError(
                _("Cannot read %(path)s: %(error)s")
                % {"path": path, "error": error.strerror or error}
            ) from None
    else:
        source_name = Path(getattr(source, "name", "") or _("the GeoJSON file")).name
        raw = source.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise BoundaryFileError(
                _("%(source)s is not UTF-8 text (byte %(position)d).")
                % {"source": source_name, "position": error.start}
            ) from None
    try:
        collection = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BoundaryFileError(
            _("%(source)s is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
            % {
                "source": source_name,
                "error": error.msg,
                "line": error.lineno,
                "column": error.colno,
            }
        ) from None
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        raise BoundaryFileError(
            _(
                "%(source)s is not a GeoJSON FeatureCollection: it needs "
                '"type": "FeatureCollection" and a list of "features".'
            )
            % {"source": source_name}
        )
    return source_name, collection


def _feature_problems(feature: Any) -> list[str]:
    """What is wrong with one feature, as short sentences (empty when it is fine)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [_('is not a GeoJSON Feature (it needs "type": "Feature")')]
    problems = []
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        problems.append(_("properties must be an object"))
        properties = {}
    code, name = properties.get("code"), properties.get("name")
    if code is not None and not isinstance(code, str):
        problems.append(
            _('the code must be text with its dots, such as "64.71.01.1001"; got %(code)s')
            % {"code": json.dumps(code)}
        )
    if name is not None and not isinstance(name, str):
        problems.append(_("the name must be text; got %(name)s") % {"name": json.dumps(name)})
    if not code and not name:
        problems.append(_("has neither a code nor a name property"))
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        problems.append(_("has no geometry"))
        return problems
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        problems.extend(_polygon_problems(coordinates, "geometry.coordinates"))
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            problems.append(_("geometry.coordinates must be a non-empty list of polygons"))
        else:
            for number, polygon in enumerate(coordinates):
                problems.extend(_polygon_problems(polygon, f"geometry.coordinates[{number}]"))
    else:
        problems.append(
            _("the geometry must be a Polygon or MultiPolygon; got %(type)s")
            % {"type": json.dumps(kind)}
        )
    return problems[:5]  # the first few are enough to find the feature and fix it


def _polygon_problems(polygon: Any, where: str) -> list[str]:
    if not isinstance(polygon, list) or not polygon:
        return [_("%(where)s must be a non-empty list of rings") % {"where": where}]
    problems = []
    for number, ring in enumerate(polygon):
        here = f"{where}[{number}]"
        if not isinstance(ring, list) or len(ring) < 4:
            problems.append(_("%(where)s must be a ring of at least 4 positions") % {"where": here})
            continue
        for position_number, position in enumerate(ring):
            problem = _position_problem(position)
            if problem:
                problems.append(f"{here}[{position_number}]: {problem}")
                break
        else:
            if ring[0] != ring[-1]:
                problems.append(
                    _("%(where)s is not closed: its last position must equal its first")
                    % {"where": here}
                )
    return problems


def _position_problem(position: Any) -> str | None:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            for value in position
        )
    ):
        return _("a position must be [longitude, latitude]; got %(value)s") % {
            "value": json.dumps(position)[:60]
        }
    longitude, latitude = position[0], position[1]
    if not -180 <= longitude <= 180:
        return _("longitude %(value)s is outside -180 to 180") % {"value": longitude}
    if not -90 <= latitude <= 90:
        return _(
            "latitude %(value)s is outside -90 to 90 (are longitude and latitude swapped?)"
        ) % {"value": latitude}
    return None
