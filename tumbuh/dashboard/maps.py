"""Choropleth maps drawn on the server as SVG from the shipped kelurahan boundaries: no tile
server, no script, no outside host (docs/dashboard.md).

The boundaries (GeoJSON, longitude/latitude) are projected once per set of kelurahan with an
equirectangular projection scaled by the cosine of the mean latitude (true shapes at a city's
size), rounded to tenths of a pixel, and kept in memory; colouring a map is then a lookup.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from tumbuh.areas.models import Area

WIDTH = 640
PAD = 8
#: Sequential classes, light to dark (ColorBrewer YlOrRd / YlGn, 5 classes).
BAD_HIGH = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
GOOD_HIGH = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str  # SVG path data
    #: the same outlines as point lists (for drawing elsewhere: the PDF report)
    rings: tuple[tuple[tuple[float, float], ...], ...] = ()


@dataclass(frozen=True)
class Geometry:
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _rings(geometry: dict):
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        yield from coords
    elif kind == "MultiPolygon":
        for polygon in coords:
            yield from polygon


@functools.lru_cache(maxsize=16)
def geometry(codes: tuple[str, ...]) -> Geometry:
    """The projected shapes of the kelurahan ``codes`` (those with a boundary)."""
    rows = list(Area.objects.filter(code__in=codes, boundary__isnull=False)
                .order_by("code").values_list("code", "name", "boundary"))  # fmt: skip
    points = [pt for _c, _n, b in rows for ring in _rings(b) for pt in ring]
    if not points:
        return Geometry(width=WIDTH, height=0, shapes=())
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x0, x1 = min(lons) * k, max(lons) * k
    y0, y1 = min(lats), max(lats)
    scale = (WIDTH - 2 * PAD) / max(x1 - x0, 1e-9)
    height = int(round((y1 - y0) * scale)) + 2 * PAD

    def xy(lon, lat):
        return (round(PAD + (lon * k - x0) * scale, 1), round(PAD + (y1 - lat) * scale, 1))

    shapes = []
    for code, name, boundary in rows:
        parts, rings = [], []
        for ring in _rings(boundary):
            pts = [xy(lon, lat) for lon, lat, *_rest in ring]
            if len(pts) < 3:
                continue
            parts.append("M" + " L".join(f"{x} {y}" for x, y in pts) + "Z")
            rings.append(tuple(pts))
        shapes.append(Shape(code=code, name=name, path="".join(parts), rings=tuple(rings)))
    return Geometry(width=WIDTH, height=height, shapes=tuple(shapes))


@dataclass
class MapArea:
    shape: Shape
    fill: str
    label: str  # the tooltip: name and value


@dataclass
class Choropleth:
    width: int
    height: int
    areas: list[MapArea]
    #: (colour, low, high) per class, and the "no data" colour
    legend: list[tuple[str, float, float]]
    no_data: str = NO_DATA


def choropleth(values: dict[str, float | None], names: dict[str, str], *,
               higher_is_better: bool, label) -> Choropleth:  # fmt: skip
    """Colour each kelurahan of ``values`` (code -> value or None) in five equal classes from
    the lowest to the highest value shown; None (no data or suppressed) is grey."""
    geo = geometry(tuple(sorted(values)))
    shown = [v for v in values.values() if v is not None]
    palette = GOOD_HIGH if higher_is_better else BAD_HIGH
    legend = []
    if shown:
        low, high = min(shown), max(shown)
        step = (high - low) / len(palette) or 1.0
        legend = [(palette[i], low + i * step, low + (i + 1) * step) for i in range(len(palette))]

    def colour(v):
        if v is None or not legend:
            return NO_DATA
        i = min(int((v - legend[0][1]) / step), len(palette) - 1) if step else 0
        return palette[max(i, 0)]

    areas = []
    for shape in geo.shapes:
        v = values.get(shape.code)
        areas.append(MapArea(shape=shape, fill=colour(v), label=label(shape.name, v)))
    return Choropleth(width=geo.width, height=geo.height, areas=areas, legend=legend)
